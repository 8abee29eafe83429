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

from petcognizer.core.data import stratified_split
from petcognizer.core.evaluation import (
    build_evaluation,
    cv_folds,
    expected_calibration_error,
    fit_temperature,
    log_mean_probs,
    softmax,
    unknown_statistics,
)
from petcognizer.core.events import Callback, null_callback
from petcognizer.core.features import extract

__all__ = ['evaluate_holdout']


def evaluate_holdout(model, paths: Sequence[Path], labels: Sequence[int], classes: Sequence[str],
                     *, config, callback: Callback = null_callback, cancel=None) -> dict:
    """Evaluate a trained run on its validation split (the one :func:`fit` made from
    ``config.val_fraction``, ``config.seed`` and ``config.val_fold``).

    Copies of a model (``config.members``) each validated on their own fold: every
    photo of those folds is judged by the copy that did not train on it alone, so the
    figures describe one copy, and the average of copies is likely a little better.
    Frozen heads blended in (``config.blend_frozen``) are left out of the measure.

    Returns ``{'evaluation': dict ({} without a validation split), 'temperature':
    float | None, 'unknown': [stats | None per member]}``, as
    :func:`petcognizer.core.evaluation.evaluate_fit` does.
    """
    members = list(model.members) if hasattr(model, 'members') else [model]
    # frozen heads blended in (``blend_frozen``) trained on every photo: only the fine-tuned
    # copies are measured, and the frozen members get no "none of these" statistics
    frozen = max(0, len(members) - config.members) if config.blend_frozen else 0
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
        fv = f[is_val]
        if copies:  # a photo two copies both validate on (a small class) is judged once
            seen = set(va)
            fresh = [j for j, i in enumerate(ok_va) if va_idx[i] not in seen]
            va += [va_idx[ok_va[j]] for j in fresh]
            fv = fv[fresh]
        elif k == 0:
            va += [va_idx[j] for j in ok_va]
        with torch.inference_mode():
            val_logits.append(member.logits_from_features(torch.from_numpy(fv)).double().numpy())
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
    # blended in, the frozen heads soften the copies' probabilities: a temperature fitted on a
    # copy alone would make the saved model under-confident, so it keeps the average as it is
    temperature = 1.0 if frozen else fit_temperature(z, y_va)
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
