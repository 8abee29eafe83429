"""Load a petcognizer model file with plain timm + safetensors (no petcognizer): the recipe.

    pip install torch timm safetensors pillow
    python timm_recipe.py model.safetensors photo.jpg

The model file is one safetensors file. Its ``__metadata__["petcognizer"]`` is JSON:
``classes``, ``preprocess`` (input_size, resize, mean, std, interpolation), and either one
member's fields (``backbone``, ``head``, ``prior``, ``prior_weight``, ``unknown``) or
``members`` (an ensemble: a list of them), plus ``temperature`` when calibrated (else 1).

Names: petcognizer -> timm (EfficientNet-Lite0/1/2, timm ``efficientnet_lite{0,1,2}``)::

    backbone.stages.stem.0.*       -> conv_stem.*
    backbone.stages.stem.1.*       -> bn1.*
    backbone.stages.block{i}.*     -> blocks.{i-1}.*
    backbone.stages.head_conv.0.*  -> conv_head.*
    backbone.stages.head_conv.1.*  -> bn2.*
    backbone.imagenet_head.*       -> classifier.*        (the 1000 ImageNet outputs)
    head.*                         -> the project's head on the 1280 pooled features
    members.{m}.<name>             -> member m of an ensemble (same names inside)

Heads (``head.kind``): linear ``head.0`` = Linear; gap-dropout ``head.1`` = Linear;
fc-dropout ``head.0`` Linear, ReLU, ``head.3`` Linear; prototype: features L2-normalised,
then ``head.1`` Linear without bias.

Per member, with pooled features f and z = classifier(f) (ImageNet logits)::

    logits = head(f) + prior_weight * log(prior(z))          (no prior term without "prior")
    prior(z): p = softmax(z); each ImageNet output j goes to the class(es) whose match lists
      it, only the most specific (fewest outputs) when several do; mass[c] = sum of p[j] of
      its outputs; unmatched classes share max(0, 1 - sum of p over all listed outputs)
      evenly; mass /= sum(mass); prior = 0.999 * mass + 0.001 / K
    probabilities = softmax(logits / temperature)

An ensemble averages its members' probabilities, then applies its own temperature:
``softmax(log(mean(p_m)) / temperature)``. Preprocessing: the export's ``preprocess_rules``
(decode, EXIF, RGB, resize the short side to ``resize``, centre-crop ``input_size``), then
x / 255, (x - mean) / std.
"""

from __future__ import annotations

import json
import sys

import torch

PRIOR_FLOOR = 1e-3
NAMES = (('backbone.stages.stem.0.', 'conv_stem.'), ('backbone.stages.stem.1.', 'bn1.'),
         ('backbone.stages.head_conv.0.', 'conv_head.'), ('backbone.stages.head_conv.1.', 'bn2.'),
         ('backbone.imagenet_head.', 'classifier.'))


def timm_key(name: str) -> str | None:
    """The timm name of a backbone tensor, or None for the head and the other tensors."""
    for ours, theirs in NAMES:
        if name.startswith(ours):
            return theirs + name[len(ours):]
    if name.startswith('backbone.stages.block'):
        rest = name[len('backbone.stages.block'):]
        i, _, tail = rest.partition('.')
        return f'blocks.{int(i) - 1}.{tail}'
    return None


def prior_tensors(prior: dict, k: int) -> tuple[torch.Tensor, torch.Tensor, list[int]]:
    """(assignment [1000, K], covered [1000], unmatched classes) of a stored prior."""
    matches = prior['matches']
    owners: dict[int, list[int]] = {}
    for c, m in enumerate(matches):
        for j in (m['outputs'] if m else ()):
            owners.setdefault(j, []).append(c)
    assign = torch.zeros(1000, k, dtype=torch.float64)
    for j, cs in owners.items():
        size = min(len(matches[c]['outputs']) for c in cs)
        for c in cs:
            if len(matches[c]['outputs']) == size:
                assign[j, c] = 1.0
    covered = torch.zeros(1000, dtype=torch.float64)
    covered[sorted(owners)] = 1.0
    return assign, covered, [c for c, m in enumerate(matches) if m is None]


class Member(torch.nn.Module):
    def __init__(self, part: dict, tensors: dict, prefix: str, k: int):
        super().__init__()
        import timm

        self.net = timm.create_model(part['backbone'], pretrained=False, num_classes=1000)
        state = {timm_key(n[len(prefix):]): t for n, t in tensors.items()
                 if n.startswith(prefix) and timm_key(n[len(prefix):])}
        self.net.load_state_dict(state)
        self.kind = part['head']['kind']
        head = {n[len(prefix) + 5:]: t for n, t in tensors.items() if n.startswith(prefix + 'head.')}
        self.head = head
        self.prior = prior_tensors(part['prior'], k) if part.get('prior') else None
        self.prior_weight = float(part.get('prior_weight', 0.0))
        self.k = k

    def logits(self, x: torch.Tensor, temperature: float) -> torch.Tensor:
        f = self.net.forward_head(self.net.forward_features(x), pre_logits=True)
        h = self.head
        if self.kind == 'linear':
            out = f @ h['0.weight'].T + h['0.bias']
        elif self.kind == 'gap-dropout':
            out = f @ h['1.weight'].T + h['1.bias']
        elif self.kind == 'fc-dropout':
            out = torch.relu(f @ h['0.weight'].T + h['0.bias']) @ h['3.weight'].T + h['3.bias']
        else:  # prototype
            out = torch.nn.functional.normalize(f, dim=1) @ h['1.weight'].T
        if self.prior is not None and self.prior_weight > 0:
            assign, covered, unmatched = self.prior
            p = torch.softmax(self.net.classifier(f).double(), dim=1)
            mass = p @ assign
            if unmatched:
                left = (1.0 - p @ covered).clamp_min(0.0)
                mass[:, unmatched] = (left / len(unmatched)).unsqueeze(1)
            mass = mass / mass.sum(1, keepdim=True).clamp_min(1e-300)
            mass = (1.0 - PRIOR_FLOOR) * mass + PRIOR_FLOOR / self.k
            out = out + self.prior_weight * torch.log(mass).float()
        return out / temperature


def load(path: str):
    """(classes, preprocess, probabilities function of a normalised [N, 3, H, W] batch)."""
    from safetensors import safe_open
    from safetensors.torch import load_file

    with safe_open(path, 'pt') as f:
        meta = json.loads(f.metadata()['petcognizer'])
    tensors = load_file(path)
    k = len(meta['classes'])
    if meta.get('members'):
        members = [Member(part, tensors, f'members.{m}.', k) for m, part in enumerate(meta['members'])]

        def probs(x):
            mean = torch.stack([m.logits(x, 1.0).softmax(1) for m in members]).mean(0)
            return (mean.clamp_min(1e-12).log() / meta.get('temperature', 1.0)).softmax(1)
    else:
        member = Member(meta, tensors, '', k)

        def probs(x):
            return member.logits(x, meta.get('temperature', 1.0)).softmax(1)
    for m in (members if meta.get('members') else [member]):
        m.net.eval()
    return meta['classes'], meta['preprocess'], probs


def preprocess(path: str, pre: dict) -> torch.Tensor:
    """The simple form of the rules (no JPEG draft decoding, no 16-bit scaling): [1, 3, H, W]."""
    from PIL import Image, ImageOps

    img = ImageOps.exif_transpose(Image.open(path))
    if img.mode in ('RGBA', 'LA', 'PA') or (img.mode == 'P' and 'transparency' in img.info):
        rgba = img.convert('RGBA')
        img = Image.new('RGB', img.size, (255, 255, 255))
        img.paste(rgba, mask=rgba.getchannel('A'))
    img = img.convert('RGB')
    s, scale = pre['input_size'], pre['resize'] / min(img.size)
    nw, nh = max(s, round(img.width * scale)), max(s, round(img.height * scale))
    img = img.resize((nw, nh), Image.Resampling[pre['interpolation'].upper()], reducing_gap=3.0)
    left, top = (nw - s) // 2, (nh - s) // 2
    img = img.crop((left, top, left + s, top + s))
    x = torch.frombuffer(bytearray(img.tobytes()), dtype=torch.uint8).view(s, s, 3).permute(2, 0, 1)
    x = x.float() / 255.0
    mean, std = torch.tensor(pre['mean']).view(3, 1, 1), torch.tensor(pre['std']).view(3, 1, 1)
    return ((x - mean) / std)[None]


if __name__ == '__main__':
    classes, pre, probs = load(sys.argv[1])
    with torch.no_grad():
        for photo in sys.argv[2:]:
            p = probs(preprocess(photo, pre))[0]
            print(photo, classes[int(p.argmax())], f'{float(p.max()):.3f}')
