"""Settings recommended from the photos themselves, with the reason and the time it takes.

:func:`recommend_for_photos` starts from :func:`petcognizer.core.config.recommend_config`
(sizes and counts) and looks at the photos through the frozen backbone: its pooled
features (computed once and cached, so the run that follows reads them back) tell
whether the photos are near ImageNet or far from it
(:func:`petcognizer.core.domain.assess_domain`). Far photos, with enough of them,
get fine-tuning of the top stages with augmentation, a validation split to stop at
the best epoch (the estimate is measured on it) and one backbone; near ones keep a
frozen head. The time of both choices is measured on this machine before the run
(:func:`estimate_seconds`): a few forward and backward passes on random images,
scaled to the photos and epochs.
"""
from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from petcognizer.core.backbones import create_backbone, get_backbone
from petcognizer.core.config import ENSEMBLE_BACKBONES, TrainConfig, recommend_config
from petcognizer.core.data import Preprocess
from petcognizer.core.domain import FINE_TUNE_DEPTH, DomainAssessment, assess_domain
from petcognizer.core.evaluation import cv_folds, out_of_fold_logits
from petcognizer.core.events import Callback, CancelToken, null_callback
from petcognizer.core.features import extract

__all__ = ['FINE_TUNE_EPOCHS', 'FINE_TUNE_MEMBERS', 'Recommendation', 'estimate_seconds', 'fine_tune_config',
           'recommend_for_photos', 'describe_seconds']

#: Epochs of a recommended fine-tuning (early stopping usually ends it sooner).
FINE_TUNE_EPOCHS = 30
#: ... of which at least this many run before the validation split may pick one or stop.
FINE_TUNE_START_EPOCH = 8
#: Copies of a recommended fine-tuning, each validated on a different fifth of the photos
#: and averaged (``TrainConfig.members``), when time allows. One: with the frozen heads blended
#: in, a second copy gained nothing on brain-mri's 5 splits and a third lost a scan, while each
#: doubles or triples the time, and whether a second fitted the time plan followed the machine's
#: load from run to run (README, "Near ImageNet or far from it").
FINE_TUNE_MEMBERS = 1
#: The three bundled networks' forward pass in Lite0's (Lite1 and Lite2 cost about 1.5x and 2.3x).
ENSEMBLE_FORWARD = 4.75
#: A recommended fine-tuning of the whole network must be expected to end within this
#: many seconds here; else only the top stages train.
TIME_BUDGET = 600.0
#: ... planned to end within this share of it: the time is measured once, at the start, and
#: another job started later slows the run (flowers5-mini: 599 s planned, 574 s taken with the
#: test suite running beside it).
BUDGET_SHARE = 0.8
#: Decoding, resizing and augmenting one photo (seconds): about 500 photos/s on one thread
#: here for the benchmark sets' JPEGs (README, "Time"), plus the augmentation.
DECODE_SECONDS = 0.004
#: At most this many photos are cross-validated to measure the frozen head.
FROZEN_CV_MAX = 1000


@dataclass
class Recommendation:
    """The recommended settings, why, and what they and the cheaper choice cost here."""

    config: TrainConfig
    assessment: DomainAssessment | None
    seconds: float | None
    cheaper: TrainConfig | None = None
    cheaper_seconds: float | None = None

    @property
    def sentence(self) -> str:
        text = self.assessment.sentence if self.assessment else ''
        depth = self.config.freeze_depth
        if depth:
            whole = depth >= get_backbone(self.config.backbone).num_stages
            text += (' The whole network trains.' if whole else
                     f' Its top {depth} stages train (the whole network would take too long '
                     'here).')
            if self.config.members > 1:
                text += (f' {self.config.members} copies train, each checked on photos the '
                         'others train on, and their answers are averaged: every photo is used.')
            if self.config.blend_frozen:
                text += (' The three bundled networks, unchanged, add their answers too '
                         '(seconds more).')
        if self.seconds is not None:
            text += f' About {describe_seconds(self.seconds)} on this computer.'
        if self.cheaper is not None and self.cheaper_seconds is not None:
            text += (f' Training the last layer only instead takes about '
                     f'{describe_seconds(self.cheaper_seconds)} (--freeze-depth 0).')
        return text.strip()

    def to_dict(self) -> dict:
        return {'freeze_depth': self.config.freeze_depth, 'augment': self.config.augment,
                'ensemble': self.config.ensemble, 'val_fraction': self.config.val_fraction,
                'members': self.config.members, 'blend_frozen': self.config.blend_frozen,
                'seconds': self.seconds, 'cheaper_seconds': self.cheaper_seconds,
                'assessment': self.assessment.to_dict() if self.assessment else None,
                'sentence': self.sentence}


def describe_seconds(s: float) -> str:
    if s < 60:
        return f'{max(5, round(s / 5) * 5):.0f} seconds'
    m = s / 60
    return f'{m:.0f} minute{"s" if round(m) != 1 else ""}' if m < 90 else f'{m / 60:.1f} hours'


def fine_tune_config(cfg: TrainConfig, depth: int = FINE_TUNE_DEPTH,
                     members: int = FINE_TUNE_MEMBERS) -> TrainConfig:
    """``cfg`` turned into the recommended fine-tuning (of ``depth`` top stages) for far photos:
    ``members`` copies, each validated on a different fifth of the photos, averaged, and for a
    bundled backbone the few-photo ensemble's frozen heads blended in (``blend_frozen``)."""
    cfg.freeze_depth = depth
    cfg.augment = True
    cfg.ensemble = False
    cfg.val_fraction = max(cfg.val_fraction, 0.2)
    cfg.patience = 6
    cfg.start_from_epoch = FINE_TUNE_START_EPOCH
    cfg.epochs = FINE_TUNE_EPOCHS
    # a fine-tuning keeps its split (a second one on every photo would double the time); the
    # blended frozen heads, and several copies between them, see every photo
    cfg.refit_all = False
    cfg.members = members
    cfg.blend_frozen = cfg.backbone in ENSEMBLE_BACKBONES
    return cfg


def estimate_seconds(cfg: TrainConfig, n_photos: int, *, backbone=None, repeats: int = 6,
                     pooled_cached: bool = False) -> float:
    """Seconds a run of ``cfg`` on ``n_photos`` is expected to take on this machine.

    Measured now: the frozen part's forward pass and the trained part's forward and
    backward pass on a batch of random images at the backbone's input size, scaled
    to the photos, the cached views and the epochs (an upper bound: early stopping
    often ends sooner). Each pass is timed ``repeats`` times and the fastest kept: the
    first passes of a fresh process are up to 3x slower (oneDNN and the allocator warming
    up; with 2 repeats flowers5-mini's 30 epochs were estimated at 411-586 s against about
    275 s, with 6 at 234-265 s). ``backbone``: an already built Backbone of ``cfg.backbone``;
    ``pooled_cached``: its pooled features of these photos are cached already (a
    frozen run reads them back instead of computing them).
    """
    import torch

    spec = get_backbone(cfg.backbone)
    bb = backbone if backbone is not None else create_backbone(cfg.backbone, pretrained=False)
    size = spec.input_size
    batch = 4
    x = torch.randn(batch, 3, size, size).contiguous(memory_format=torch.channels_last)
    n_stages = len(bb.stage_names)
    split = n_stages - cfg.freeze_depth
    members = ENSEMBLE_FORWARD if cfg.ensemble else 1

    def timed(fn) -> float:
        best = float('inf')
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t0)
        return best / batch

    with torch.inference_mode():
        fwd = timed(lambda: bb(x))
    views = 1 + (cfg.aug_views if cfg.augment else 0)
    n_val = round(n_photos * cfg.val_fraction)
    n_train = n_photos - n_val
    # the frozen part's outputs are computed once per photo and view (none when all trains)
    if pooled_cached and not cfg.freeze_depth:
        members -= 1
    total = members * n_photos * fwd * (views if cfg.freeze_depth else 1) if split else 0.0
    if cfg.freeze_depth:
        with torch.no_grad():
            mid = bb.forward_stages(x, 0, split)
        was = bb.training
        bb.train()

        def step():
            out = bb.pool(bb.forward_stages(mid, split, None))
            out.sum().backward()
            bb.zero_grad(set_to_none=True)

        top = timed(step)
        bb.train(was)
        decode = DECODE_SECONDS if not split else 0.0  # every epoch decodes again
        # each copy (cfg.members) trains its epochs and is measured on every photo; the
        # frozen part's outputs are cached once for all of them
        total += cfg.members * (cfg.epochs * (n_train * (top + decode) + n_val * (top / 3 + decode))
                                + n_photos * fwd)
        if cfg.blend_frozen:  # the three frozen networks' features of every photo, and heads
            total += ENSEMBLE_FORWARD * n_photos * fwd + 3 * (1.0 + n_photos / 200)
    else:
        # head steps on cached features (about 2 ms a step here) and the cross-validation
        steps = cfg.epochs * -(-max(1, n_train) // max(1, cfg.batch_size))
        total += steps * 0.002 + members * (1.0 + n_photos / 200)
    return float(total)


def recommend_for_photos(paths: Sequence[os.PathLike | str], labels: Sequence[int],
                         classes: Sequence[str], *, backbone: str | None = None,
                         cache_root: os.PathLike | str | None = None,
                         digests: Sequence[str | None] | None = None,
                         callback: Callback = null_callback,
                         cancel: CancelToken | None = None) -> Recommendation:
    """The recommended TrainConfig for these photos, with the reason and the time."""
    import torch

    n, k = len(paths), len(classes)
    cfg = recommend_config(n, k, backbone) if backbone else recommend_config(n, k)
    spec = get_backbone(cfg.backbone)
    if not spec.has_imagenet_head or n < 2:
        return Recommendation(cfg, None, None)
    bb = create_backbone(cfg.backbone)
    pre = Preprocess.for_backbone(spec)
    res = extract(bb, None, [Path(p) for p in paths], pre, cache_root=cache_root, cancel=cancel,
                  callback=callback, digests=digests, stage_label='features')
    x = np.asarray(res.data[:, 0], dtype=np.float32)
    y = np.asarray([labels[i] for i in res.ok], dtype=np.int64)
    with torch.inference_mode():
        z = bb.imagenet_head(torch.from_numpy(x)).float().numpy()
    frozen = None
    if len(y) >= 4 and len(np.unique(y)) >= 2:
        sel = np.arange(len(y))
        if len(sel) > FROZEN_CV_MAX:
            sel = np.sort(np.random.default_rng(0).choice(len(y), FROZEN_CV_MAX, replace=False))
        folds = cv_folds(y[sel].tolist(), seed=0, k=5, loo_max=0)
        oof = out_of_fold_logits(x[sel], None, y[sel], k, prior=None, folds=folds, cancel=cancel)
        frozen = float((oof.argmax(1) == y[sel]).mean())
    assessment = assess_domain(z, y.tolist(), list(classes), frozen_accuracy=frozen)
    if not assessment.fine_tune:
        return Recommendation(cfg, assessment,
                              estimate_seconds(cfg, n, backbone=bb, pooled_cached=True))
    # the whole network when it fits the time budget (it measured best far from ImageNet
    # (bench/README, issue 13), else the top stages only; FINE_TUNE_MEMBERS copies when they fit
    plans = dict.fromkeys(((spec.num_stages, FINE_TUNE_MEMBERS), (spec.num_stages, 1),
                           (FINE_TUNE_DEPTH, 1)))
    for depth, members in plans:
        tuned = fine_tune_config(recommend_config(n, k, cfg.backbone), depth, members)
        seconds = estimate_seconds(tuned, n, backbone=bb)
        if seconds <= TIME_BUDGET * BUDGET_SHARE:
            break
    return Recommendation(tuned, assessment, seconds, cfg,
                          estimate_seconds(cfg, n, backbone=bb, pooled_cached=True))
