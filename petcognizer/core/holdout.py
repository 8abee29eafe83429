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

Without a validation split nothing can be measured: :func:`evaluate_holdout`
returns an empty evaluation and the run service says so.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from petcognizer.core.data import decode_batches, stratified_split
from petcognizer.core.evaluation import (
    build_evaluation,
    cv_folds,
    expected_calibration_error,
    fit_temperature,
    log_mean_probs,
    softmax,
    unknown_statistics,
)
from petcognizer.core.events import Callback, StageProgress, null_callback

__all__ = ['evaluate_holdout', 'pooled_and_logits']

_TEXT = 'Measuring accuracy on the photos kept out of training'


def pooled_and_logits(member, paths: Sequence[Path], *, batch_size: int = 32, cancel=None,
                      on_batch=None) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """(pooled features [n_ok, D], uncalibrated logits [n_ok, K], ok indices) of ``member``
    (a Classifier) on ``paths``, one backbone pass per photo."""
    import torch

    device = next(member.parameters()).device
    feats, logits, ok = [], [], []
    was_training = member.training
    member.eval()
    try:
        for batch in decode_batches(list(paths), member.preprocess, batch_size, cancel=cancel):
            if cancel is not None:
                cancel.raise_if_cancelled()
            if batch.tensor is not None:
                x = batch.tensor.to(device)
                if device.type in ('cpu', 'cuda'):
                    x = x.contiguous(memory_format=torch.channels_last)
                with torch.inference_mode():
                    f = member.backbone(x)
                    z = member.logits_from_features(f)
                feats.append(f.float().cpu().numpy())
                logits.append(z.double().cpu().numpy())
                ok += list(batch.indices)
            if on_batch is not None:
                on_batch(len(batch.indices) + len(batch.errors))
    finally:
        member.train(was_training)
    k = len(member.classes)
    if not ok:
        return np.zeros((0, 0), np.float32), np.zeros((0, k)), []
    return np.concatenate(feats), np.concatenate(logits), ok


def evaluate_holdout(model, paths: Sequence[Path], labels: Sequence[int], classes: Sequence[str],
                     *, config, callback: Callback = null_callback, cancel=None) -> dict:
    """Evaluate a trained run on its validation split (the one :func:`fit` made from
    ``config.val_fraction`` and ``config.seed``).

    Returns ``{'evaluation': dict ({} without a validation split), 'temperature':
    float | None, 'unknown': [stats | None per member]}``, as
    :func:`petcognizer.core.evaluation.evaluate_fit` does.
    """
    members = list(model.members) if hasattr(model, 'members') else [model]
    nothing = {'evaluation': {}, 'temperature': None, 'unknown': [None] * len(members)}
    tr_idx, va_idx = stratified_split(list(labels), config.val_fraction, config.seed)
    if not va_idx or len(tr_idx) < 2:
        return nothing
    y = np.asarray(labels, dtype=np.int64)
    total = (len(tr_idx) + len(va_idx)) * len(members)
    done = [0]

    def on_batch(n: int) -> None:
        done[0] += n
        callback(StageProgress('evaluate', done[0], total, text=_TEXT))

    val_logits, unknown, val_ok = [], [], None
    for member in members:
        _, z_va, ok_va = pooled_and_logits(member, [paths[i] for i in va_idx], cancel=cancel,
                                           on_batch=on_batch)
        f_tr, _, ok_tr = pooled_and_logits(member, [paths[i] for i in tr_idx], cancel=cancel,
                                           on_batch=on_batch)
        if val_ok is not None and ok_va != val_ok:
            return nothing  # a photo changed between members: nothing consistent to report
        val_ok = ok_va
        val_logits.append(z_va)
        unknown.append(unknown_statistics(f_tr, y[[tr_idx[j] for j in ok_tr]], len(classes))
                       if len(ok_tr) >= 2 else None)
    if not val_ok:
        return nothing
    va = [va_idx[j] for j in val_ok]
    y_va = y[va]
    z = val_logits[0] if len(members) == 1 else log_mean_probs(val_logits)
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
    callback(StageProgress('evaluate', total, total, text=_TEXT))
    return {'evaluation': evaluation, 'temperature': temperature, 'unknown': unknown}
