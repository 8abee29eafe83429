"""The trained classifier and its self-contained model file.

A model file is one safetensors file: every weight (backbone and head), and in
its header the class names in order, the exact preprocessing, the head and
prior configuration, and a SHA-256 checksum over all of it. Loading never
executes code from the file (safetensors holds only tensors and strings), and a
file that is not ours, or was altered after saving, is refused with a clear
message.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import torch
from torch import nn

from petcognizer import __version__
from petcognizer.core.backbones import create_backbone, get_backbone
from petcognizer.core.config import HEADS
from petcognizer.core.data import Preprocess
from petcognizer.core.fsutil import commit_file
from petcognizer.core.modelfile import (
    FORMAT,
    FORMAT_VERSION,
    ModelFileError,
    read_model_header,
)
from petcognizer.core.prior import ClassPrior

__all__ = [
    'PROTOTYPE_SCALE',
    'Classifier',
    'Ensemble',
    'load_model',
    'make_head',
    'save_model',
]

#: Cosine-similarity scale of the prototype head (logits = scale * cos).
PROTOTYPE_SCALE = 16.0


def make_head(kind: str, in_features: int, n_classes: int, *, dropout: float = 0.3,
              hidden: int = 512) -> nn.Module:
    """The seeds' heads, all acting on pooled (GAP) features.

    * ``linear``: one linear layer (logistic regression on the features);
    * ``gap-dropout``: dropout, then linear (seed 3's best: GAP + dropout + dense);
    * ``fc-dropout``: a hidden fully connected layer + ReLU, dropout, linear;
    * ``prototype``: nearest class mean by cosine similarity (L2-normalised
      features, then a linear layer whose rows are the normalised class means
      times :data:`PROTOTYPE_SCALE`); set from the photos, not trained.
    """
    if kind == 'linear':
        return nn.Sequential(nn.Linear(in_features, n_classes))
    if kind == 'gap-dropout':
        return nn.Sequential(nn.Dropout(dropout), nn.Linear(in_features, n_classes))
    if kind == 'fc-dropout':
        return nn.Sequential(
            nn.Linear(in_features, hidden), nn.ReLU(inplace=True), nn.Dropout(dropout),
            nn.Linear(hidden, n_classes),
        )
    if kind == 'prototype':
        return nn.Sequential(L2Normalize(), nn.Linear(in_features, n_classes, bias=False))
    raise ValueError(f'unknown head {kind!r}; choose one of: {", ".join(HEADS)}')


class L2Normalize(nn.Module):
    """Scale each feature vector to unit length (the prototype head's first step)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return nn.functional.normalize(x, dim=1)


class Classifier(nn.Module):
    """Backbone -> pooled features -> head (+ weighted class-name prior).

    ``logits = head(f) + prior_weight * prior.log_probs(imagenet_head(f))``; the
    prior term is absent when no class name matched ImageNet or its weight is 0.
    ``forward`` divides them by the calibration ``temperature`` (1 when not
    calibrated). With "none of these" statistics (:meth:`set_unknown`, from
    :func:`petcognizer.core.evaluation.unknown_statistics`) the buffers
    ``unknown_centre`` and ``unknown_means`` travel in the model file. With
    ``flip_tta`` (a fine-tuned copy trained on mirrored photos too) every answer is
    the mean of the photo's and its mirror image's probabilities (:func:`flip_average`).
    """

    def __init__(self, backbone: nn.Module, head: nn.Module, classes: list[str],
                 preprocess: Preprocess, head_config: dict, prior=None,
                 prior_weight: float = 0.0):
        super().__init__()
        self.backbone = backbone
        self.head = head
        self.classes = list(classes)
        self.preprocess = preprocess
        self.head_config = dict(head_config)
        self.prior = prior
        self.prior_weight = float(prior_weight)
        self.temperature = 1.0
        self.unknown: dict | None = None  # kind, threshold, false_flag_rate
        self.flip_tta = False

    def set_unknown(self, stats: dict | None) -> None:
        """Keep (or with None, drop) the "none of these" statistics of the training features."""
        for name in ('unknown_centre', 'unknown_means'):
            if name in self._buffers:
                del self._buffers[name]
        self.unknown = None
        if stats is None:
            return
        self.register_buffer('unknown_centre', torch.as_tensor(stats['centre'], dtype=torch.float32))
        self.register_buffer('unknown_means', torch.as_tensor(stats['means'], dtype=torch.float32))
        self.unknown = {'kind': stats['kind'], 'threshold': float(stats['threshold']),
                        'false_flag_rate': float(stats['false_flag_rate'])}

    def unknown_ratio(self, f: torch.Tensor) -> torch.Tensor | None:
        """``[B]`` score / threshold of pooled features (above 1: none of the classes); None without statistics."""
        if self.unknown is None:
            return None
        c = nn.functional.normalize(f.float() - self.unknown_centre, dim=1)
        sims = c @ nn.functional.normalize(self.unknown_means, dim=1).T
        return (1.0 - sims.max(dim=1).values) / self.unknown['threshold']

    def forward_with_unknown(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """(calibrated logits, unknown ratio or None) from one backbone pass."""
        out, f = self._answer(x)
        return out / self.temperature, self.unknown_ratio(f)

    @property
    def backbone_name(self) -> str:
        return self.backbone.spec.name

    @property
    def uses_prior(self) -> bool:
        return (self.prior is not None and self.prior_weight > 0
                and self.backbone.imagenet_head is not None)

    def logits_from_features(self, f: torch.Tensor) -> torch.Tensor:
        out = self.head(f)
        if self.uses_prior:
            out = out + self.prior_weight * self.prior.log_probs(self.backbone.imagenet_head(f))
        return out

    def _answer(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(uncalibrated logits, the photos' pooled features); with ``flip_tta`` the logits
        average the mirror image's answer in."""
        f = self.backbone(x)
        out = self.logits_from_features(f)
        if self.flip_tta:
            out = flip_average(out, self.logits_from_features(self.backbone(torch.flip(x, dims=[3]))))
        return out, f

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self._answer(x)
        return out / self.temperature if self.temperature != 1.0 else out


def flip_average(logits: torch.Tensor, mirrored: torch.Tensor) -> torch.Tensor:
    """The log of the mean of two answers' probabilities (a photo's and its mirror image's):
    test-time augmentation by a horizontal flip, as ``predict --tta`` does for any model."""
    return ((logits.softmax(dim=1) + mirrored.softmax(dim=1)) / 2).clamp_min(1e-12).log()


class Ensemble(nn.Module):
    """Several classifiers over the same classes and input; probabilities are averaged.

    ``forward`` returns the log of the mean probability (divided by the
    ensemble's calibration ``temperature``), so ``softmax`` of it is that mean
    (calibrated), and the ensemble is used, saved and exported like one
    classifier. All members read the same preprocessed image (``preprocess``).
    """

    def __init__(self, members: list[Classifier]):
        super().__init__()
        if not members:
            raise ValueError('an ensemble needs at least one member')
        self.members = nn.ModuleList(members)
        self.classes = list(members[0].classes)
        self.preprocess = members[0].preprocess
        self.temperature = 1.0

    @property
    def backbone_name(self) -> str:
        return '+'.join(m.backbone_name for m in self.members)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        probs = torch.stack([m(x).softmax(dim=1) for m in self.members]).mean(dim=0)
        out = probs.clamp_min(1e-12).log()
        return out / self.temperature if self.temperature != 1.0 else out

    def forward_with_unknown(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """(calibrated log mean probabilities, the members' mean unknown ratio or None)."""
        probs, ratios = [], []
        for m in self.members:
            logits, ratio = m.forward_with_unknown(x)
            probs.append(logits.softmax(dim=1))
            if ratio is not None:
                ratios.append(ratio)
        out = torch.stack(probs).mean(dim=0).clamp_min(1e-12).log() / self.temperature
        return out, (torch.stack(ratios).mean(dim=0) if ratios else None)

    @property
    def unknown(self) -> dict | None:
        return next((m.unknown for m in self.members if m.unknown is not None), None)


# ------------------------------------------------------------------ model file


def _member_meta(model: Classifier) -> dict[str, Any]:
    meta = {
        'backbone': model.backbone_name,
        'head': model.head_config,
        'prior': model.prior.to_dict() if model.prior is not None else None,
        'prior_weight': model.prior_weight,
    }
    if model.unknown is not None:
        meta['unknown'] = dict(model.unknown)
    if model.flip_tta:
        meta['flip_tta'] = True
    return meta


def _build_member(part: dict, classes: list[str], preprocess: Preprocess, path: Path) -> Classifier:
    try:
        spec = get_backbone(part['backbone'])
    except KeyError as exc:
        raise ModelFileError(f'{path}: {exc.args[0]}') from None
    backbone = create_backbone(spec.name, pretrained=False)
    hc = part['head']
    if hc['in_features'] != backbone.num_features:
        raise ModelFileError(
            f'{path}: its head reads {hc["in_features"]} features, but {spec.name} gives '
            f'{backbone.num_features}: the file is damaged or was not made by petcognizer')
    head = make_head(hc['kind'], hc['in_features'], len(classes),
                     dropout=hc.get('dropout', 0.3), hidden=hc.get('hidden', 512))
    prior = ClassPrior.from_dict(part['prior']) if part.get('prior') else None
    model = Classifier(backbone, head, classes, preprocess, hc, prior, part.get('prior_weight', 0.0))
    model.flip_tta = part.get('flip_tta') is True
    if part.get('unknown'):  # the buffers' values come with the weights
        d = hc['in_features']
        model.set_unknown({**part['unknown'], 'centre': torch.zeros(d),
                           'means': torch.zeros(len(classes), d)})
    return model


def _checksum(tensors: dict[str, torch.Tensor], meta_json: str) -> str:
    h = hashlib.sha256(meta_json.encode())
    for name in sorted(tensors):
        t = tensors[name].contiguous()
        h.update(name.encode())
        h.update(str(t.dtype).encode())
        h.update(str(tuple(t.shape)).encode())
        h.update(t.view(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b'')
    return h.hexdigest()


def save_model(path: os.PathLike | str, model: Classifier | Ensemble,
               extra: dict | None = None) -> Path:
    """Write ``model`` atomically (temporary file, then rename) and return the path."""
    from safetensors.torch import save_file

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    meta: dict[str, Any] = {
        'format': FORMAT,
        'format_version': FORMAT_VERSION,
        'petcognizer_version': __version__,
        'backbone': model.backbone_name,
        'classes': model.classes,
        'preprocess': model.preprocess.to_dict(),
        'extra': extra or {},
    }
    if model.temperature != 1.0:
        meta['temperature'] = float(model.temperature)
    if isinstance(model, Ensemble):
        meta['members'] = [_member_meta(m) for m in model.members]
    else:
        meta.update(_member_meta(model))
    meta_json = json.dumps(meta, sort_keys=True)
    header = {'petcognizer': meta_json, 'checksum': _checksum(tensors, meta_json)}
    tmp = path.with_name(path.name + '.partial')
    try:
        save_file(tensors, str(tmp), metadata=header)
        commit_file(tmp, path)
    except Exception as exc:  # safetensors reports a full disk as its own error type
        tmp.unlink(missing_ok=True)
        reason = getattr(exc, 'strerror', None) or exc
        raise OSError(f'{path}: could not save the model ({reason}); '
                      'check there is free space and the folder is writable') from None
    return path


def load_model(path: os.PathLike | str, device='cpu') -> Classifier:
    """Load and verify a model file.

    Every header field is checked first (:func:`~petcognizer.core.modelfile.read_model_header`:
    ranges, types, the tensor table against the file's size and the head's
    shapes), then the checksum, then the model is built and its weights must fit
    it exactly. Only safetensors is read: no pickle, no code from the file.

    Raises:
        ModelFileError: the file is not ours, is damaged or altered, or needs a
            backbone this installation does not know.
    """
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    path = Path(path)
    meta, header, table = read_model_header(path)
    _check_weights_size(meta, table, path)
    try:
        tensors = load_file(str(path), device='cpu')
    except (SafetensorError, OSError, ValueError, RuntimeError) as exc:
        raise ModelFileError(f'{path}: the weights cannot be read ({_short(exc)}); '
                             'the file is damaged: export it again') from None
    if _checksum(tensors, header['petcognizer']) != header.get('checksum'):
        raise ModelFileError(
            f'{path}: checksum mismatch: the file was altered or damaged after it was saved; '
            'export it again from petcognizer')
    pre = Preprocess.from_dict(meta['preprocess'])
    if meta.get('members'):
        model = Ensemble([_build_member(part, meta['classes'], pre, path)
                          for part in meta['members']])
    else:
        model = _build_member(meta, meta['classes'], pre, path)
    try:
        model.load_state_dict(tensors, strict=True)
    except RuntimeError as exc:
        raise ModelFileError(f'{path}: weights do not fit the {meta["backbone"]} architecture '
                             f'({_short(exc)}); the file is damaged or was not made by '
                             'petcognizer') from None
    model.temperature = float(meta.get('temperature', 1.0))
    model.metadata = meta
    return model.to(device).eval()


def _check_weights_size(meta: dict, table: dict, path: Path) -> None:
    """Refuse a file too small to hold its backbones' weights, before building any of them.

    (A crafted header naming a large backbone would otherwise cost that
    backbone's memory before its weights were found missing.)
    """
    have = max((t['data_offsets'][1] for t in table.values()), default=0)
    need = 0.0
    for part in meta.get('members') or [meta]:
        try:
            spec = get_backbone(part['backbone'])
        except KeyError as exc:
            raise ModelFileError(f'{path}: {exc.args[0]}') from None
        need += spec.params_m * 1e6 * 2  # at least 16 bits per parameter
    if have < need:
        raise ModelFileError(
            f'{path}: it holds {have / 1e6:.1f} MB of weights, too few for {meta["backbone"]} '
            f'(at least {need / 1e6:.1f} MB): the file is damaged or was not made by petcognizer')


def _short(exc: BaseException) -> str:
    """An error's text on one line, at most 300 characters."""
    text = ' '.join((str(exc) or type(exc).__name__).split())
    return text if len(text) <= 300 else text[:297] + '...'
