"""How good is a model: honest accuracy, calibrated confidence and "none of these".

Torch-free at import (numpy only; the window imports it): the maths of an
evaluation (:func:`wilson_interval`, :func:`summary_text`, :func:`confusion`,
:func:`expected_calibration_error`, :func:`reliability_table`,
:func:`fit_temperature`, :func:`build_evaluation`) and of the unknown score
(:func:`unknown_statistics`, :func:`unknown_scores`). The cross-validation over
a head on cached pooled features (:func:`out_of_fold_logits`) imports torch
lazily.

Honest accuracy. Every measured photo is predicted by a model that had not seen
it: the validation split when there is one, else cross-validation over the head
on the cached features of the training photos (leave-one-out up to
:data:`LOO_MAX` photos, stratified 10-fold up to 100, :data:`K_FOLDS`-fold above), with every
choice made from data (the class-name prior's weight) made again inside each
fold from that fold's training photos only. The interval is Wilson's score
interval (95%), per class too.

Calibration. One temperature ``T`` (``softmax(logits / T)``) is fitted on the
out-of-fold logits of the training photos by minimising their negative
log-likelihood (1-D, golden-section search on ``log T``). For an ensemble the
"logits" are the log of its members' averaged out-of-fold probabilities, which is
what :class:`~petcognizer.core.model.Ensemble` returns.

"None of these". The score of a photo is one minus the cosine similarity of its
pooled backbone features, centred on the training photos' mean, to the nearest
class mean (also centred): a photo far from every class scores high. The
model file stores the centre, the class means and a threshold: the
``1 - FALSE_FLAG_RATE`` quantile of the training photos' leave-one-out scores
(each photo's own class mean is taken without it), so about
:data:`FALSE_FLAG_RATE` of new photos of the known classes are flagged.
``bench/trust_bench.py`` measured the alternatives (see the README).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from petcognizer.core.events import Callback, StageProgress, null_callback
from petcognizer.core.prior import ClassPrior, choose_prior_weight, fit_linear_head

__all__ = [
    'ECE_BINS',
    'FALSE_FLAG_RATE',
    'K_FOLDS',
    'LOO_MAX',
    'apply_temperature',
    'build_evaluation',
    'confusion',
    'cv_folds',
    'evaluate_fit',
    'expected_calibration_error',
    'fit_temperature',
    'log_mean_probs',
    'member_out_of_fold_logits',
    'out_of_fold_logits',
    'reliability_table',
    'softmax',
    'summary_text',
    'unknown_scores',
    'unknown_statistics',
    'wilson_interval',
]

#: Up to this many photos, cross-validation leaves one photo out at a time.
LOO_MAX = 20
#: Above 100 photos, stratified k-fold with this k (10-fold from LOO_MAX to 100).
K_FOLDS = 5
#: Inside each fold, the prior's weight is cross-validated over this many folds ...
INNER_FOLDS = 3
#: ... with at most this many Newton steps per candidate weight (they converge in fewer).
INNER_MAX_ITER = 30
#: Bins of the expected calibration error and the reliability table.
ECE_BINS = 15
#: Target share of the training photos (leave-one-out) above the "none of these"
#: threshold. 3%, not the 5% wanted on new photos: a quantile of ~100 scores is
#: noisy and new photos score a little higher (measured with 10 photos a class of
#: imagewoof-mini: 3.3-3.8% of new photos flagged on average, 6% at worst; with a
#: 5% target, 5.2-5.5% and 8%).
FALSE_FLAG_RATE = 0.03
#: Temperatures searched (log-uniform bracket of the 1-D minimisation).
T_RANGE = (0.05, 20.0)


# ------------------------------------------------------------------ intervals and text


def wilson_interval(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for ``k`` successes in ``n`` trials; ``(0, 1)`` when ``n`` is 0."""
    if n <= 0:
        return 0.0, 1.0
    p = k / n
    den = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    # it contains p: kept so in floating point too (6 of 6 right gave 0.9999999999999999)
    return min(p, max(0.0, centre - half)), max(p, min(1.0, centre + half))


def _pct(x: float) -> int:
    return round(100 * x)


def summary_text(accuracy: float, low: float, high: float, n: int,
                 method: str = 'cross-validation') -> str:
    """'About 96% right (90-99%), measured on 6 photos each model had not seen'."""
    photos = f'{n} photo' + ('' if n == 1 else 's')
    if method == 'validation':
        where = f'measured on {photos} the model had not seen (the validation split)'
    else:
        where = f'measured on {photos} each model had not seen'
    if n == 0:
        return 'Not measured: no photo was left to test on'
    return f'About {_pct(accuracy)}% right ({_pct(low)}-{_pct(high)}%), {where}'


def confusion(true: Sequence[int], pred: Sequence[int], n_classes: int) -> list[list[int]]:
    """Rows are the true class, columns the predicted one."""
    mat = [[0] * n_classes for _ in range(n_classes)]
    for t, p in zip(true, pred):
        mat[int(t)][int(p)] += 1
    return mat


# ------------------------------------------------------------------ calibration


def softmax(logits, temperature: float = 1.0) -> np.ndarray:
    """Row-wise softmax of ``logits / temperature`` (float64)."""
    z = np.asarray(logits, dtype=np.float64) / float(temperature)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def apply_temperature(logits, temperature: float | None) -> np.ndarray:
    """Calibrated probabilities; ``None`` means no calibration (``T = 1``)."""
    return softmax(logits, 1.0 if temperature is None else temperature)


def _nll(logits: np.ndarray, labels: np.ndarray, t: float) -> float:
    z = logits / t
    m = z.max(axis=1, keepdims=True)
    lse = (m[:, 0] + np.log(np.exp(z - m).sum(axis=1)))
    return float(np.mean(lse - z[np.arange(len(labels)), labels]))


def fit_temperature(logits, labels, *, bounds: tuple[float, float] = T_RANGE,
                    prior_strength: float = 3.0) -> float:
    """The temperature minimising the mean negative log-likelihood of ``labels``.

    A 1-D golden-section search over ``log T`` in ``bounds`` of
    ``mean NLL + prior_strength * (log T)^2 / n``: the penalty (a Gaussian prior
    on ``log T`` centred on 1) matters only with a handful of photos, where six
    photos all predicted right would otherwise drive ``T`` to its lower bound and
    every probability to 100%. Returns 1.0 with no photo. The strength 3 was
    measured (bench/trust_bench.py's calibration, 10 photos a class of
    imagewoof-mini, 10 draws; expected calibration error on the other photos):
    1 and 3 tie for EfficientNet-Lite0 (0.036, 0.037; 0.041 uncalibrated), 3 is
    better for the ensemble (0.032 against 0.034; 0 gives 0.039, worse than the
    uncalibrated 0.031), and with 3 photos a class the run service's Lite0 runs
    went from 0.041 uncalibrated to 0.056 with strength 1: small samples need the
    stronger pull towards T = 1.
    """
    z = np.asarray(logits, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    if z.ndim != 2 or len(z) == 0:
        return 1.0
    z = np.nan_to_num(z, nan=0.0, neginf=-1e4, posinf=1e4)
    n = len(y)

    def f(log_t: float) -> float:
        return _nll(z, y, math.exp(log_t)) + prior_strength * log_t * log_t / n

    a, b = math.log(bounds[0]), math.log(bounds[1])
    g = (math.sqrt(5) - 1) / 2
    c, d = b - g * (b - a), a + g * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(60):
        if fc <= fd:
            b, d, fd = d, c, fc
            c = b - g * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + g * (b - a)
            fd = f(d)
    return float(math.exp((a + b) / 2))


def reliability_table(probs, labels, bins: int = ECE_BINS) -> list[dict]:
    """One row per confidence bin (equal width on [0, 1]) holding photos.

    Each row: ``low``, ``high`` (the bin's edges), ``n``, ``confidence`` (mean
    top probability) and ``accuracy`` (share of those photos predicted right).
    """
    p = np.asarray(probs, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    if len(p) == 0:
        return []
    conf = p.max(axis=1)
    right = p.argmax(axis=1) == y
    # a confidence of exactly 1.0 goes in the last bin
    idx = np.minimum((conf * bins).astype(int), bins - 1)
    rows = []
    for b in range(bins):
        sel = idx == b
        if sel.any():
            rows.append({'low': b / bins, 'high': (b + 1) / bins, 'n': int(sel.sum()),
                         'confidence': float(conf[sel].mean()),
                         'accuracy': float(right[sel].mean())})
    return rows


def expected_calibration_error(probs, labels, bins: int = ECE_BINS) -> float:
    """Sum over confidence bins of (photos in bin / photos) x |accuracy - confidence|."""
    rows = reliability_table(probs, labels, bins)
    n = sum(r['n'] for r in rows)
    if not n:
        return 0.0
    return float(sum(r['n'] * abs(r['accuracy'] - r['confidence']) for r in rows) / n)


# ------------------------------------------------------------------ the evaluation dict


def build_evaluation(classes: Sequence[str], labels: Sequence[int], probs, paths: Sequence[str],
                     *, method: str, folds: int | None, temperature: float | None = None,
                     ece: float | None = None) -> dict:
    """The run record's ``evaluation`` (see the issue-10 contract in ``docs/``).

    ``probs`` are the (calibrated) probabilities of the measured photos, each
    from a model that had not seen it; ``labels`` their true classes. ``ece``
    defaults to the expected calibration error of ``probs``.
    """
    p = np.asarray(probs, dtype=np.float64).reshape(len(labels), len(classes))
    y = np.asarray(labels, dtype=np.int64)
    pred = p.argmax(axis=1) if len(p) else np.zeros(0, dtype=np.int64)
    n = len(y)
    k = int((pred == y).sum())
    acc = k / n if n else 0.0
    low, high = wilson_interval(k, n)
    per_class = {}
    for c, name in enumerate(classes):
        sel = y == c
        nc = int(sel.sum())
        kc = int((pred[sel] == c).sum())
        lo, hi = wilson_interval(kc, nc)
        per_class[name] = {'n': nc, 'accuracy': kc / nc if nc else 0.0, 'low': lo, 'high': hi}
    if ece is None and n:
        ece = expected_calibration_error(p, y)
    return {
        'method': method,
        'folds': folds,
        'n': n,
        'accuracy': acc,
        'low': low,
        'high': high,
        'per_class': per_class,
        'classes': list(classes),
        'confusion': confusion(y.tolist(), pred.tolist(), len(classes)),
        'predictions': [{'path': str(paths[i]), 'true': classes[int(y[i])],
                         'predicted': classes[int(pred[i])],
                         'confidence': float(p[i, pred[i]])} for i in range(n)],
        'ece': None if ece is None else float(ece),
        'temperature': None if temperature is None else float(temperature),
        'summary': summary_text(acc, low, high, n, method),
    }


# ------------------------------------------------------------------ cross-validation


def cv_folds(labels: Sequence[int], *, seed: int = 0, loo_max: int = LOO_MAX,
             k: int | None = None) -> list[np.ndarray]:
    """Held-out index sets: one per photo up to ``loo_max`` photos, else stratified k-fold.

    ``k`` defaults to 10 up to 100 photos and :data:`K_FOLDS` above.
    In k-fold every photo is held out exactly once; each class's photos are dealt
    round the folds in a seeded random order, continuing where the previous class
    stopped, so small classes do not all land in the first fold.
    """
    y = np.asarray(labels, dtype=np.int64)
    n = len(y)
    if n <= loo_max:
        return [np.array([i]) for i in range(n)]
    k = min(k or (10 if n <= 100 else K_FOLDS), n)
    rng = np.random.default_rng(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    start = 0
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        for i, j in enumerate(idx):
            folds[(start + i) % k].append(int(j))
        start += len(idx)
    return [np.array(sorted(f)) for f in folds if f]


def out_of_fold_logits(features, imagenet_logits, labels: Sequence[int], n_classes: int, *,
                       prior: ClassPrior | None = None, head: str = 'linear',
                       weight_decay: float = 1e-2, label_smoothing: float = 0.1, seed: int = 0,
                       folds: list[np.ndarray] | None = None, inner_folds: int = INNER_FOLDS,
                       inner_max_iter: int = INNER_MAX_ITER, cancel=None,
                       on_fold: Callable[[int, int], None] | None = None,
                       mirrored=None) -> np.ndarray:
    """Each photo's logits from a head fitted without it, ``[n, K]`` (float64).

    ``mirrored``: ``(features, imagenet_logits)`` of the same photos mirrored; each photo's
    answer is then the mean of its two views' probabilities (as a ``flip_tta`` model's), as
    log-probabilities.

    The head is fitted as :func:`petcognizer.core.training.fit` fits it on frozen
    features: for ``'linear'`` (and ``'gap-dropout'``, its linear core) a full-batch
    L2-regularised logistic regression with ``alpha * log prior`` as an offset,
    ``alpha`` chosen by :func:`~petcognizer.core.prior.choose_prior_weight` on the
    fold's training photos only, unsmoothed when ``alpha > 0`` (as the trainer);
    for ``'prototype'``, cosine similarity to the fold's class means times
    :data:`~petcognizer.core.model.PROTOTYPE_SCALE` (16). ``cancel`` (a
    CancelToken) is polled between folds.

    Two economies keep it to seconds: inside each fold the prior's weight is
    cross-validated over ``inner_folds`` folds with ``inner_max_iter`` Newton
    steps (the trainer: up to 5 folds, 200 steps; the same weight was chosen in
    the cases measured, at a sixth of the cost), and each fold's features are
    expressed in an orthonormal basis of its training photos' span (at most
    ``n`` dimensions instead of ``D``): an L2-regularised linear head lies in
    that span, so its fit and its logits on any photo are unchanged.
    """
    import torch

    x = torch.as_tensor(np.asarray(features, dtype=np.float32))
    y = torch.as_tensor(np.asarray(labels, dtype=np.int64))
    z = (torch.as_tensor(np.asarray(imagenet_logits, dtype=np.float32))
         if imagenet_logits is not None else None)
    n = len(y)
    out = np.zeros((n, n_classes), dtype=np.float64)
    if folds is None:
        folds = cv_folds(y.tolist(), seed=seed)
    log_prior = prior.log_probs(z).double() if (prior is not None and z is not None) else None
    if mirrored is not None:
        xm = torch.as_tensor(np.asarray(mirrored[0], dtype=np.float32))
        log_prior_m = (prior.log_probs(torch.as_tensor(np.asarray(mirrored[1], dtype=np.float32))).double()
                       if log_prior is not None else None)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny problems: one thread is fastest (see prior.fit_linear_head)
    try:
        for fold_no, held in enumerate(folds):
            if cancel is not None:
                cancel.raise_if_cancelled()
            if on_fold is not None:
                on_fold(fold_no, len(folds))
            mask = torch.ones(n, dtype=torch.bool)
            mask[torch.as_tensor(held)] = False
            xt, yt = x[mask], y[mask]
            xh = x[torch.as_tensor(held)]
            views = [xh] if mirrored is None else [xh, xm[torch.as_tensor(held)]]
            if head != 'prototype' and xt.shape[0] < xt.shape[1]:
                basis = _span_basis(xt)  # the head lies in the span: its logits are unchanged
                xt = (xt.double() @ basis).float()
                views = [(v.double() @ basis).float() for v in views]
            if head == 'prototype':
                means = torch.stack([xt[yt == c].mean(0) if (yt == c).any()
                                     else torch.zeros(x.shape[1]) for c in range(n_classes)])
                out[held] = _view_mean([16.0 * (torch.nn.functional.normalize(v, dim=1)
                                               @ torch.nn.functional.normalize(means, dim=1).T).double()
                                        for v in views])
                continue
            alpha = 0.0
            if log_prior is not None:
                alpha = float(choose_prior_weight(xt, z[mask], yt, prior, seed=seed,
                                                  weight_decay=weight_decay,
                                                  label_smoothing=label_smoothing,
                                                  max_folds=inner_folds,
                                                  cv_max_iter=inner_max_iter, cancel=cancel))
            off = alpha * log_prior[mask] if alpha > 0 else None
            counts = torch.bincount(yt, minlength=n_classes)
            ls = 0.0 if (alpha > 0 and int(counts.max()) >= 2) else label_smoothing
            w, b, _ = fit_linear_head(xt, yt, n_classes, offset=off, weight_decay=weight_decay,
                                      label_smoothing=ls, max_iter=100 if len(yt) >= 200 else 200,
                                      cancel=cancel)
            each = [v.double() @ w.double().T + b.double() for v in views]
            if alpha > 0:
                priors = [log_prior] if mirrored is None else [log_prior, log_prior_m]
                each = [e + alpha * lp[torch.as_tensor(held)] for e, lp in zip(each, priors)]
            out[held] = _view_mean(each)
    finally:
        torch.set_num_threads(threads)
    return out


def member_out_of_fold_logits(member, features, labels: Sequence[int], n_classes: int, *,
                              prior: ClassPrior | None, weight_decay: float,
                              label_smoothing: float, head: str = 'linear', seed: int = 0,
                              folds: list[np.ndarray] | None = None, cancel=None,
                              on_fold: Callable[[int, int], None] | None = None,
                              mirrored_features=None) -> np.ndarray:
    """One frozen member's out-of-fold logits from its cached pooled ``features``.

    :func:`out_of_fold_logits` with the member's own ImageNet logits of the features (and of
    ``mirrored_features``, the same photos mirrored, for a ``flip_tta`` member) where it has a
    class-name ``prior``. The head's ``weight_decay`` and ``label_smoothing`` are those the
    member was trained with: the caller passes them from its run's TrainConfig.
    """
    import torch

    imagenet = getattr(member.backbone, 'imagenet_head', None) if prior is not None else None

    def imagenet_logits(f):
        if imagenet is None:
            return None
        with torch.inference_mode():
            return imagenet(torch.from_numpy(np.asarray(f, dtype=np.float32))).float().numpy()

    mirrored = (None if mirrored_features is None
                else (mirrored_features, imagenet_logits(mirrored_features)))
    return out_of_fold_logits(features, imagenet_logits(features), labels, n_classes,
                              prior=prior, head=head,
                              weight_decay=weight_decay, label_smoothing=label_smoothing,
                              seed=seed, folds=folds, cancel=cancel, on_fold=on_fold,
                              mirrored=mirrored)


def _view_mean(logits: list) -> np.ndarray:
    """One view's logits as they are; several views' as the log of their mean probabilities."""
    views = [z.numpy() for z in logits]
    return views[0] if len(views) == 1 else log_mean_probs(views)


def _span_basis(x):
    """``[D, r]`` orthonormal basis of the rows of ``x`` (``r`` <= rows), float64."""
    import torch

    _, s, vh = torch.linalg.svd(x.double(), full_matrices=False)
    r = max(1, int((s > s[0] * 1e-9).sum())) if len(s) else 1
    return vh[:r].T


def log_mean_probs(member_logits: Sequence[np.ndarray]) -> np.ndarray:
    """An ensemble's "logits": the log of its members' averaged probabilities."""
    p = np.mean([softmax(m) for m in member_logits], axis=0)
    return np.log(np.clip(p, 1e-12, None))


# ------------------------------------------------------------------ "none of these"


def _unit(a: np.ndarray) -> np.ndarray:
    return a / np.clip(np.linalg.norm(a, axis=-1, keepdims=True), 1e-12, None)


def unknown_statistics(features, labels: Sequence[int], n_classes: int, *,
                       false_flag_rate: float = FALSE_FLAG_RATE) -> dict:
    """What the model file keeps to flag "none of these" (JSON-able).

    ``{'kind': 'centred-cosine', 'centre': [D], 'means': [[D]] * K,
    'threshold': float, 'false_flag_rate': float}``: the threshold is the
    ``1 - false_flag_rate`` quantile of the training photos' leave-one-out
    scores (a photo's own class mean taken without it).
    """
    x = np.asarray(features, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    centre = x.mean(axis=0)
    xc = x - centre
    sums = np.zeros((n_classes, x.shape[1]))
    np.add.at(sums, y, xc)
    counts = np.bincount(y, minlength=n_classes).astype(np.float64)
    means = sums / np.clip(counts, 1, None)[:, None]
    # leave-one-out: each photo scored against class means that exclude it
    u = _unit(xc)
    sims = u @ _unit(means).T  # [n, K]
    own = sums[y] - xc
    loo = np.where(counts[y][:, None] > 1, own / np.clip(counts[y] - 1, 1, None)[:, None], 0.0)
    own_sim = np.sum(u * _unit(loo), axis=1)
    sims[np.arange(len(y)), y] = np.where(counts[y] > 1, own_sim, -1.0)
    scores = 1.0 - sims.max(axis=1)
    threshold = float(np.quantile(scores, 1.0 - false_flag_rate)) if len(scores) else 1.0
    return {'kind': 'centred-cosine', 'centre': centre.astype(np.float32).tolist(),
            'means': means.astype(np.float32).tolist(), 'threshold': threshold,
            'false_flag_rate': float(false_flag_rate)}


def unknown_scores(features, stats: dict) -> np.ndarray:
    """Each photo's "none of these" score (higher: further from every class); ``[n]``."""
    x = np.asarray(features, dtype=np.float64)
    centre = np.asarray(stats['centre'], dtype=np.float64)
    means = np.asarray(stats['means'], dtype=np.float64)
    return 1.0 - (_unit(x - centre) @ _unit(means).T).max(axis=1)


# ------------------------------------------------------------------ a whole run


def _fold_progress(callback: Callback, base: int, total: int) -> Callable[[int, int], None]:
    def on_fold(done: int, _total: int) -> None:
        callback(StageProgress('evaluate', base + done, total,
                               text='Measuring accuracy on photos each model had not seen'))

    return on_fold


def evaluate_fit(model, pooled: Sequence[dict], labels: Sequence[int], paths: Sequence[str],
                 classes: Sequence[str], *, config, class_matches: dict | None = None,
                 callback: Callback = null_callback, cancel=None) -> dict:
    """Evaluate a trained run from the pooled features its trainer already computed.

    ``model`` is the trained Classifier or Ensemble; ``pooled`` holds, per member,
    ``{'train': [n_train, D], 'val': [n_val, D] | None, 'train_index': [...],
    'val_index': [...]}`` (indices into ``labels``/``paths``: the trainer's
    ``FitResult.pooled``); ``config`` the run's TrainConfig.

    Out-of-fold logits of the training photos (:func:`out_of_fold_logits`, the
    same folds for every member; an ensemble averages its members'
    probabilities) give the temperature and, without a validation split, the
    accuracy; with one, the accuracy is the model's own on the validation
    photos, calibrated with that temperature. The expected calibration error is
    measured on photos whose temperature was fitted without them (the
    validation photos; else each fold's photos with a temperature fitted on the
    other folds).

    Returns:
        ``{'evaluation': dict (see build_evaluation; {} when it cannot be
        measured), 'temperature': float | None, 'unknown': [stats | None per
        member]}``.
    """
    import torch

    members = list(model.members) if hasattr(model, 'members') else [model]
    nothing = {'evaluation': {}, 'temperature': None, 'unknown': [None] * len(members)}
    if not pooled or len(pooled) != len(members):
        return nothing
    tr_idx = [int(i) for i in pooled[0]['train_index']]
    va_idx = [int(i) for i in pooled[0].get('val_index') or []]
    if any([int(i) for i in p['train_index']] != tr_idx for p in pooled) or len(tr_idx) < 2:
        return nothing
    y = np.asarray(labels, dtype=np.int64)
    y_tr, k = y[tr_idx], len(classes)
    folds = cv_folds(y_tr.tolist(), seed=getattr(config, 'seed', 0))
    total = len(folds) * len(members)
    oofs, val_logits, unknown = [], [], []
    for m_no, (member, part) in enumerate(zip(members, pooled)):
        x_tr = np.asarray(part['train'], dtype=np.float32)
        kind = member.head_config.get('kind', 'linear')
        imagenet = getattr(member.backbone, 'imagenet_head', None)
        prior = None
        if getattr(config, 'use_prior', True) and imagenet is not None and kind != 'prototype':
            prior = ClassPrior.from_classes(classes, overrides=class_matches)
        oofs.append(member_out_of_fold_logits(
            member, x_tr, y_tr, k, prior=prior, head='prototype' if kind == 'prototype' else 'linear',
            weight_decay=getattr(config, 'head_l2', 1e-2),
            label_smoothing=getattr(config, 'label_smoothing', 0.1),
            seed=getattr(config, 'seed', 0), folds=folds, cancel=cancel,
            on_fold=_fold_progress(callback, m_no * len(folds), total)))
        unknown.append(unknown_statistics(x_tr, y_tr, k))
        x_va = part.get('val')
        if va_idx and x_va is not None and len(x_va):
            with torch.inference_mode():
                val_logits.append(member.logits_from_features(
                    torch.from_numpy(np.asarray(x_va, dtype=np.float32))).double().numpy())
    callback(StageProgress('evaluate', total, total,
                           text='Measuring accuracy on photos each model had not seen'))
    combine = (lambda ls: ls[0]) if len(members) == 1 else log_mean_probs
    oof = combine(oofs)
    temperature = fit_temperature(oof, y_tr)
    if va_idx and len(val_logits) == len(members):
        y_va = y[va_idx]
        probs = softmax(combine(val_logits), temperature)
        evaluation = build_evaluation(classes, y_va, probs, [str(paths[i]) for i in va_idx],
                                      method='validation', folds=None, temperature=temperature,
                                      ece=expected_calibration_error(probs, y_va))
    else:
        # each fold's photos calibrated by a temperature fitted on the other folds' photos
        cross = np.zeros_like(oof)
        for held in folds:
            rest = np.setdiff1d(np.arange(len(y_tr)), held)
            cross[held] = softmax(oof[held], fit_temperature(oof[rest], y_tr[rest]))
        evaluation = build_evaluation(classes, y_tr, softmax(oof, temperature),
                                      [str(paths[i]) for i in tr_idx], method='cross-validation',
                                      folds=len(folds), temperature=temperature,
                                      ece=expected_calibration_error(cross, y_tr))
    return {'evaluation': evaluation, 'temperature': temperature, 'unknown': unknown}
