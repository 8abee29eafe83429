"""The network an export holds: uint8 pixels in, class probabilities out, float32 throughout.

:func:`deploy_module` wraps a loaded :class:`~petcognizer.core.model.Classifier`
or :class:`~petcognizer.core.model.Ensemble` so that the exported graph

* takes ``image``: ``uint8 [N, H, W, 3]`` (NHWC, RGB, already decoded,
  EXIF-oriented, resized and centre-cropped to the model's input size: the
  layout numpy, Pillow, a canvas and every phone camera API give);
* scales to 0..1, normalises with the model's mean and std, runs the network,
  adds the class-name prior, divides by the calibration temperature, and
  returns ``probabilities``: ``float32 [N, K]``;
* with "none of these" statistics in the model file, also returns
  ``unknown_score``: ``float32 [N]`` (above 1: the photo looks like none of the
  classes), exactly as ``petcognizer predict`` computes it.

The class-name prior is re-expressed in float32 (:class:`Prior32`):
:class:`~petcognizer.core.prior.ClassPrior` computes in float64 on the CPU,
which would put float64 nodes in the graph (WebGPU, WebNN and many phone
runtimes have no float64). The float32 form differs from it by about 1e-7
in probability (``tests/core/test_export_graph.py``).
"""

from __future__ import annotations

import contextlib
import warnings

import torch
from torch import nn

from petcognizer.core.model import flip_average
from petcognizer.core.prior import PRIOR_FLOOR

__all__ = ['Prior32', 'deploy_module', 'has_unknown_output', 'quiet_deprecations']


class Prior32(nn.Module):
    """:meth:`ClassPrior.log_probs <petcognizer.core.prior.ClassPrior.log_probs>` in float32.

    With ``p = softmax(imagenet_logits)`` (1000 ImageNet outputs)::

        mass[c]   = sum of p[j] over the outputs j assigned to class c      (A, [1000, K])
        left      = max(0, 1 - sum of p[j] over every assigned output)      (covered, [1000])
        mass[c]   = left / (number of unmatched classes)   for each unmatched class c
        prior     = mass / sum(mass)
        prior     = (1 - 1e-3) * prior + 1e-3 / K
        log_prior = log(prior)
    """

    def __init__(self, prior):
        super().__init__()
        k = prior.num_classes
        assign = torch.zeros(1000, k, dtype=torch.float32)
        for c, outs in enumerate(prior._assign):
            for j in outs:
                assign[j, c] = 1.0
        covered = torch.zeros(1000, 1, dtype=torch.float32)
        covered[list(prior._covered), 0] = 1.0
        unmatched = torch.zeros(1, k, dtype=torch.float32)
        if prior._unmatched:
            unmatched[0, list(prior._unmatched)] = 1.0 / len(prior._unmatched)
        self.register_buffer('assign', assign)
        self.register_buffer('covered', covered)
        self.register_buffer('unmatched', unmatched)
        self.has_unmatched = bool(prior._unmatched)
        self.k = k

    def forward(self, imagenet_logits: torch.Tensor) -> torch.Tensor:
        p = torch.softmax(imagenet_logits, dim=1)
        out = p @ self.assign
        if self.has_unmatched:
            left = (1.0 - p @ self.covered).clamp_min(0.0)
            out = out + left * self.unmatched
        out = out / out.sum(dim=1, keepdim=True).clamp_min(1e-30)
        out = (1.0 - PRIOR_FLOOR) * out + PRIOR_FLOOR / self.k
        return torch.log(out)


class _Member(nn.Module):
    """One classifier: pooled features -> (calibrated logits, unknown ratio or None)."""

    def __init__(self, clf):
        super().__init__()
        self.backbone = clf.backbone
        self.head = clf.head
        self.prior = Prior32(clf.prior) if clf.uses_prior else None
        self.imagenet_head = clf.backbone.imagenet_head if clf.uses_prior else None
        self.prior_weight = float(clf.prior_weight)
        self.temperature = float(clf.temperature)
        self.flip_tta = bool(getattr(clf, 'flip_tta', False))
        self.unknown = clf.unknown is not None
        if self.unknown:
            self.register_buffer('unknown_centre', clf.unknown_centre.detach().float().clone())
            means = nn.functional.normalize(clf.unknown_means.detach().float(), dim=1)
            self.register_buffer('unknown_means_t', means.T.contiguous())
            self.threshold = float(clf.unknown['threshold'])

    def logits(self, f: torch.Tensor) -> torch.Tensor:
        out = self.head(f)
        if self.prior is not None:
            out = out + self.prior_weight * self.prior(self.imagenet_head(f))
        return out

    def forward(self, x: torch.Tensor):
        f = self.backbone(x)
        out = self.logits(f)
        if self.flip_tta:  # the mirror image's answer averaged in (Classifier.flip_tta)
            out = flip_average(out, self.logits(self.backbone(torch.flip(x, dims=[3]))))
        if self.temperature != 1.0:
            out = out / self.temperature
        ratio = None
        if self.unknown:
            c = nn.functional.normalize(f - self.unknown_centre, dim=1)
            sims = c @ self.unknown_means_t
            ratio = (1.0 - sims.max(dim=1).values) / self.threshold
        return out, ratio


class DeployModule(nn.Module):
    """``uint8 [N, H, W, 3]`` -> probabilities ``[N, K]`` (and unknown score ``[N]``).

    With ``raw_input`` the graph instead takes ``float32 [N, 3, H, W]`` already
    scaled to 0..1 and normalised with the model's mean and std.
    """

    def __init__(self, model, raw_input: bool = False):
        super().__init__()
        members = list(model.members) if hasattr(model, 'members') else [model]
        self.ensemble = hasattr(model, 'members')
        self.members = nn.ModuleList(_Member(m) for m in members)
        self.temperature = float(model.temperature) if self.ensemble else 1.0
        self.raw_input = raw_input
        pre = model.preprocess
        # x / 255 then (x - mean) / std, folded into one multiply-add per channel
        std = torch.tensor(pre.std, dtype=torch.float32)
        mean = torch.tensor(pre.mean, dtype=torch.float32)
        self.register_buffer('scale', (1.0 / (255.0 * std)).view(1, 3, 1, 1))
        self.register_buffer('shift', (-mean / std).view(1, 3, 1, 1))
        self.with_unknown = any(m.unknown for m in self.members)

    def forward(self, image: torch.Tensor):
        if self.raw_input:
            x = image
        else:
            x = image.permute(0, 3, 1, 2).to(torch.float32) * self.scale + self.shift
        probs, ratios = [], []
        for m in self.members:
            logits, ratio = m(x)
            probs.append(logits.softmax(dim=1))
            if ratio is not None:
                ratios.append(ratio)
        if self.ensemble:
            mean = torch.stack(probs).mean(dim=0).clamp_min(1e-12).log()
            if self.temperature != 1.0:
                mean = mean / self.temperature
            p = mean.softmax(dim=1)
        else:
            p = probs[0]
        if not self.with_unknown:
            return p
        return p, torch.stack(ratios).mean(dim=0)


def deploy_module(model, raw_input: bool = False) -> DeployModule:
    """The export network of a loaded model (in eval mode, on the CPU, float32)."""
    return DeployModule(model.float().cpu().eval(), raw_input=raw_input).eval()


def has_unknown_output(model) -> bool:
    """The export of ``model`` has the second output ``unknown_score``."""
    members = list(model.members) if hasattr(model, 'members') else [model]
    return any(m.unknown is not None for m in members)


@contextlib.contextmanager
def quiet_deprecations():
    """Hide torch's deprecation notices for the exporters we use on purpose.

    TorchScript tracing and the TorchScript-based ONNX exporter (``dynamo=False``)
    warn that they are deprecated; users of ``petcognizer export`` cannot act on that.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings('ignore', message=r'.*(legacy TorchScript-based ONNX|torch\.jit\.)',
                                category=DeprecationWarning)
        warnings.filterwarnings('ignore', message=r'.*torch\.jit\.', category=FutureWarning)
        warnings.filterwarnings('ignore', message=r'The feature will be removed', category=DeprecationWarning)
        yield
