"""Evaluation of a run whose backbone trained: measured on its validation photos.

Cross-validation (:func:`petcognizer.core.evaluation.evaluate_fit`) refits heads on
frozen features; once part of the backbone trains (or the head is fc-dropout,
whose hidden layer is not refitted), refitting per fold would repeat the whole
fine-tuning. Such a run is measured on the photos its validation split kept out
instead:

- accuracy (and per class, with 95% Wilson intervals): the trained model's own
  predictions on the validation photos;
- calibration: a temperature fitted on those predictions; the expected
  calibration error is measured on each validation fold with a temperature
  fitted on the other folds, so it is not fitted on the photos it scores;
- "none of these": statistics of the fine-tuned backbone's pooled features of
  the training photos (:func:`petcognizer.core.evaluation.unknown_statistics`).

A model that averages each photo with its mirror image (``Classifier.flip_tta``) is
measured that way too: its validation photos are also read mirrored.

Frozen heads blended into a fine-tuning (``blend_frozen``) trained on every photo; each
validation photo's estimate averages the copy that did not train on it with those heads'
cross-validated (out-of-fold) probabilities, weighted as in the saved model, and the
temperature is fitted on that average.

Without a validation split nothing can be measured: :func:`evaluate_holdout`
returns an empty evaluation and the run service says so.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from petcognizer.core.config import blended_frozen_config
from petcognizer.core.data import stratified_split
from petcognizer.core.evaluation import (
    build_evaluation,
    cv_folds,
    expected_calibration_error,
    fit_temperature,
    log_mean_probs,
    member_out_of_fold_logits,
    softmax,
    unknown_statistics,
)
from petcognizer.core.events import Callback, null_callback
from petcognizer.core.features import extract
from petcognizer.core.model import flip_average

__all__ = ['evaluate_holdout']


class _Mirrored:
    """A model's preprocessing with the photo mirrored left to right at the end (for
    :func:`extract`; its feature cache keys it apart from the plain one)."""

    def __init__(self, pre):
        self.pre = pre

    def __getattr__(self, name):  # input_size, resize, ...: the model's own
        if name == 'pre':
            raise AttributeError(name)
        return getattr(self.pre, name)

    def to_dict(self) -> dict:
        return {**self.pre.to_dict(), 'mirrored': True}

    def __call__(self, img):
        from PIL import Image

        return self.pre.to_tensor(self.pre.resize_crop(img).transpose(Image.Transpose.FLIP_LEFT_RIGHT))


def _mirrored_features(member, paths: Sequence[Path], *, cache_root=None, digests=None,
                       callback: Callback, cancel) -> np.ndarray | None:
    """``member``'s pooled features of the mirrored ``paths``, ``[n, D]`` float32; None when
    a photo could not be read (it could before: nothing consistent to measure)."""
    r = extract(member.backbone, None, list(paths), _Mirrored(member.preprocess),
                cache_root=cache_root, digests=digests, callback=callback, cancel=cancel,
                stage_label='evaluate')
    return np.asarray(r.data[:, 0], dtype=np.float32) if len(r.ok) == len(paths) else None


def evaluate_holdout(model, paths: Sequence[Path], labels: Sequence[int], classes: Sequence[str],
                     *, config, callback: Callback = null_callback, cancel=None,
                     cache_root=None, digests: Sequence[str | None] | None = None) -> dict:
    """Evaluate a trained run on its validation split (the one :func:`fit` made from
    ``config.val_fraction``, ``config.seed`` and ``config.val_fold``).

    Copies of a model (``config.members``) each validated on their own fold: every
    photo of those folds is judged by the copy that did not train on it alone, so the
    figures describe one copy, and the average of copies is likely a little better.
    Frozen heads blended in (``config.blend_frozen``) join each photo's judgement with
    their out-of-fold probabilities (:func:`_frozen_out_of_fold`; their features come
    from ``cache_root``, where the trainer put them, keyed by ``digests``).

    Returns ``{'evaluation': dict ({} without a validation split), 'temperature':
    float | None, 'unknown': [stats | None per member]}``, as
    :func:`petcognizer.core.evaluation.evaluate_fit` does.
    """
    members = list(model.members) if hasattr(model, 'members') else [model]
    # frozen heads blended in (``blend_frozen``) trained on every photo: they are judged
    # out of fold, and get no "none of these" statistics
    frozen = max(0, len(members) - config.members) if config.blend_frozen else 0
    frozen_members = members[len(members) - frozen:]
    members = members[:len(members) - frozen]
    nothing = {'evaluation': {}, 'temperature': None, 'unknown': [None] * (len(members) + frozen)}
    copies = config.members > 1  # each copy validated on its own fold
    splits = [stratified_split(list(labels), config.val_fraction, config.seed,
                               fold=config.val_fold + (k if copies else 0))
              for k in range(len(members))]
    if not splits[0][1] or len(splits[0][0]) < 2:
        return nothing
    import torch

    y = np.asarray(labels, dtype=np.int64)
    val_logits, unknown, val_ok, va = [], [], None, []
    for k, (member, (tr_idx, va_idx)) in enumerate(zip(members, splits)):
        # the trained backbone's pooled features (not cached: they are this run's alone),
        # one pass over the training and the validation photos
        idx = list(tr_idx) + list(va_idx)
        n_tr = len(tr_idx)
        r = extract(member.backbone, None, [paths[i] for i in idx], member.preprocess,
                    cache_root=None, callback=callback, cancel=cancel, stage_label='evaluate')
        f = np.asarray(r.data[:, 0], dtype=np.float32)
        ok = np.asarray(r.ok, dtype=np.int64)
        is_val = ok >= n_tr
        ok_va = [int(j) - n_tr for j in ok[is_val]]
        if not copies and val_ok is not None and ok_va != val_ok:
            return nothing  # a photo changed between members: nothing consistent to report
        val_ok = ok_va
        judged = list(range(len(ok_va)))
        if copies:  # a photo two copies both validate on (a small class) is judged once
            seen = set(va)
            judged = [j for j, i in enumerate(ok_va) if va_idx[i] not in seen]
            va += [va_idx[ok_va[j]] for j in judged]
        elif k == 0:
            va += [va_idx[j] for j in ok_va]
        with torch.inference_mode():
            z_k = member.logits_from_features(torch.from_numpy(f[is_val][judged]))
            if getattr(member, 'flip_tta', False) and judged:  # as the saved model answers: mirrored too
                fm = _mirrored_features(member, [paths[va_idx[ok_va[j]]] for j in judged],
                                        callback=callback, cancel=cancel)
                if fm is None:
                    return nothing  # a photo became unreadable since: nothing consistent
                z_k = flip_average(z_k, member.logits_from_features(torch.from_numpy(fm)))
            val_logits.append(z_k.double().numpy())
        y_tr = y[[idx[j] for j in ok[~is_val]]]
        unknown.append(unknown_statistics(f[~is_val], y_tr, len(classes))
                       if len(y_tr) >= 2 else None)
    if not va:
        return nothing
    if copies:  # each photo as judged by the copy that did not train on it
        z = np.concatenate(val_logits)
    else:
        z = val_logits[0] if len(members) == 1 else log_mean_probs(val_logits)
    y_va = y[va]
    if frozen:  # the saved model's average: the copies' share is the copy that did not train
        blend = _frozen_out_of_fold(frozen_members, paths, labels, len(classes),
                                    blended_frozen_config(config, len(paths), len(classes)),
                                    cache_root=cache_root, digests=digests, callback=callback,
                                    cancel=cancel)
        share = len(members) / (len(members) + frozen)
        p = share * softmax(z) + (1 - share) * blend[va]
        if np.isnan(p).any():  # a photo only some networks could read: nothing consistent
            return nothing
        z = np.log(np.clip(p, 1e-12, None))
    temperature = fit_temperature(z, y_va)
    # the calibration error of each fold of validation photos, with a temperature fitted
    # on the other folds
    cross = np.zeros_like(z)
    folds = cv_folds(y_va.tolist(), seed=config.seed)
    for held in folds:
        rest = np.setdiff1d(np.arange(len(y_va)), held)
        t = fit_temperature(z[rest], y_va[rest]) if len(rest) >= 2 else 1.0
        cross[held] = softmax(z[held], t)
    evaluation = build_evaluation(classes, y_va, softmax(z, temperature), [str(paths[i]) for i in va],
                                  method='validation', folds=None, temperature=temperature,
                                  ece=expected_calibration_error(cross, y_va))
    return {'evaluation': evaluation, 'temperature': temperature,
            'unknown': unknown + [None] * frozen}


def _frozen_out_of_fold(members, paths: Sequence[Path], labels: Sequence[int], n_classes: int,
                        frozen_config, *, cache_root, digests, callback: Callback,
                        cancel) -> np.ndarray:
    """The frozen members' mean out-of-fold probabilities of every photo, ``[n, K]``.

    Each head is refitted without each fold of photos as the few-photo run measures
    itself (:func:`petcognizer.core.evaluation.member_out_of_fold_logits`), with the L2
    penalty and smoothing of ``frozen_config``, the run that trained them
    (:func:`~petcognizer.core.config.blended_frozen_config`), and its class-name prior where
    it has one. A photo a member could not read has NaN probabilities.
    """
    out = np.zeros((len(paths), n_classes), dtype=np.float64)
    for m in members:
        r = extract(m.backbone, None, list(paths), m.preprocess, cache_root=cache_root,
                    digests=list(digests) if digests else None, callback=callback, cancel=cancel,
                    stage_label='evaluate')
        f = np.asarray(r.data[:, 0], dtype=np.float32)
        ok = np.asarray(r.ok, dtype=np.int64)
        fm = None
        if getattr(m, 'flip_tta', False):  # as the saved model answers: the mirror image too
            fm = _mirrored_features(m, [paths[i] for i in ok], cache_root=cache_root,
                                    digests=[digests[i] for i in ok] if digests else None,
                                    callback=callback, cancel=cancel)
            if fm is None:
                return np.full((len(paths), n_classes), np.nan)  # unreadable since: no estimate
        logits = member_out_of_fold_logits(
            m, f, [int(labels[i]) for i in ok], n_classes,
            prior=m.prior if m.uses_prior else None, weight_decay=frozen_config.head_l2,
            label_smoothing=frozen_config.label_smoothing, seed=frozen_config.seed,
            cancel=cancel, mirrored_features=fm)
        probs = np.full((len(paths), n_classes), np.nan)
        probs[ok] = softmax(logits)
        out += probs
    return out / max(1, len(members))
