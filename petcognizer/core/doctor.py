"""The dataset doctor: what is wrong with the photos before a model learns it.

:func:`run_doctor` looks at a :class:`~petcognizer.core.runs.TrainingSnapshot`
and reports, as :class:`Finding` objects a pet owner can act on:

* ``duplicate``: the same file more than once (same SHA-256);
* ``near_duplicate``: the same photo resized, recompressed or lightly edited:
  the cosine similarity of the backbone's pooled features is far above the
  similarity of a typical photo to its nearest neighbour in this data;
* ``leak``: a duplicate or near duplicate with one copy among the training
  photos and another among the validation photos of the split a training run
  would make (:func:`~petcognizer.core.data.stratified_split` with the
  config's ``val_fraction`` and ``seed``), which makes the measured accuracy
  too good;
* ``mislabelled``: a photo that a model which had not seen it confidently
  puts in another class (out-of-fold ridge classifier on the pooled features,
  with a temperature fitted on the out-of-fold scores);
* ``small_class`` and ``imbalance``: fewer than :data:`MIN_PHOTOS_PER_CLASS`
  photos in a class, or the largest class more than :data:`IMBALANCE_RATIO`
  times the smallest;
* ``unreadable``: files that cannot be decoded as photos.

Each finding carries a one-click fix for the window to apply with
``Project.move_images`` / ``Project.delete_images`` (both undoable):
``{'action': 'move', 'paths': [...], 'to': class or None}`` (None: the
Unlabelled bin) or ``{'action': 'delete', 'paths': [...]}``.

:func:`diagnose` is the pure part (features, labels, digests and out-of-fold
probabilities in, findings out); :func:`run_doctor` gathers its inputs from
the feature cache, so on a project whose features are cached it takes seconds.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from petcognizer.core.backbones import DEFAULT_BACKBONE, create_backbone, get_backbone
from petcognizer.core.config import TrainConfig, recommend_config
from petcognizer.core.data import Preprocess, folder_samples, stratified_split
from petcognizer.core.events import Callback, CancelToken, StageProgress, null_callback
from petcognizer.core.features import extract
from petcognizer.core.fsutil import hash_file
from petcognizer.core.images import ImageError, verify_image
from petcognizer.core.perf import limit_threads
from petcognizer.core.runs import TrainingSnapshot

__all__ = [
    'IMBALANCE_RATIO',
    'KINDS',
    'MIN_PHOTOS_PER_CLASS',
    'DoctorReport',
    'Finding',
    'cross_val_probabilities',
    'diagnose',
    'folder_snapshot',
    'near_duplicate_threshold',
    'run_doctor',
]

#: The kinds of finding, in the order a report lists them.
KINDS = ('unreadable', 'duplicate', 'leak', 'near_duplicate', 'mislabelled', 'small_class',
         'imbalance')
#: Fewer photos than this in a class is "too small" (the Data page asks for as many).
MIN_PHOTOS_PER_CLASS = 10
#: Largest class over smallest above this is "too unbalanced".
IMBALANCE_RATIO = 3.0
#: Two photos are near duplicates when their feature distance (1 - cosine) is
#: below this fraction of the median distance of a photo to its nearest
#: neighbour. On imagewoof-mini (EfficientNet-Lite0) the median neighbour
#: similarity is 0.70 and the closest distinct photos 0.87; copies resized to
#: 80% and recompressed at JPEG quality 70 score 0.93-0.98 (bench/doctor_bench.py).
NEAR_FRACTION = 0.35
#: ... and their similarity is at least this, whatever the data.
NEAR_MIN_SIMILARITY = 0.80
#: Neighbours kept per photo when looking for near duplicates.
NEIGHBOURS = 10
#: Folds of the cross-validation that finds mislabelled photos.
CV_FOLDS = 5
#: Ridge penalty of the cross-validated classifier (features are unit length).
RIDGE = 0.3
#: Up to this many photos the cross-validation solves in the dual (photos x photos).
DUAL_MAX = 4000
#: A photo is "likely mislabelled" when the out-of-fold probability of its own
#: label is below this and another class is more probable. On imagewoof-mini
#: with 10 planted mistakes, 0.2 flags all 10 and 21-25 others (0.5: 34-38
#: others); requiring the other class at 0.5 or more would miss some planted
#: photos whose probability spreads over look-alike breeds.
MISLABEL_MAX_OWN = 0.2


@dataclass
class Finding:
    """One problem, the photos and classes it concerns, and how to fix it.

    Attributes:
        kind: one of :data:`KINDS`.
        paths: the photos concerned (absolute paths); for a duplicate, the
            one kept first.
        classes: the classes concerned.
        score: how sure or how bad, for sorting within a kind (higher first):
            similarity for duplicates, 1 - the own label's probability for a
            mislabelled photo, the size ratio for an imbalance.
        message: one or two sentences for the user, naming what to do.
        fix: ``{'action': 'move', 'paths', 'to'}``, ``{'action': 'delete',
            'paths'}``, or None where no click can fix it (add photos).
    """

    kind: str
    paths: list[str]
    classes: list[str]
    score: float
    message: str
    fix: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {'kind': self.kind, 'paths': list(self.paths), 'classes': list(self.classes),
                'score': float(self.score), 'message': self.message,
                'fix': None if self.fix is None else dict(self.fix)}


@dataclass
class DoctorReport:
    """What :func:`run_doctor` found; :meth:`to_dict` is the engine job's plain result."""

    findings: list[Finding] = field(default_factory=list)
    n_photos: int = 0
    seconds: float = 0.0

    def of_kind(self, kind: str) -> list[Finding]:
        """The findings of one kind, most serious first."""
        return [f for f in self.findings if f.kind == kind]

    def to_dict(self) -> dict[str, Any]:
        return {'findings': [f.to_dict() for f in self.findings], 'n_photos': int(self.n_photos),
                'seconds': float(self.seconds)}


# ------------------------------------------------------------------ pure parts


def _name(path: str) -> str:
    return Path(path).name


def _quote(names: Sequence[str]) -> str:
    names = [f"'{n}'" for n in names]
    return names[0] if len(names) == 1 else ', '.join(names[:-1]) + ' and ' + names[-1]


def cross_val_probabilities(features: np.ndarray, labels: Sequence[int], n_classes: int, *,
                            folds: int = CV_FOLDS, seed: int = 0, ridge: float = RIDGE,
                            cancel: CancelToken | None = None) -> np.ndarray:
    """Out-of-fold class probabilities [n, n_classes]: each row from a model that had not seen it.

    A ridge classifier (least squares on one-hot labels) on unit-length,
    centred features, stratified ``folds``-fold; the scores become
    probabilities through a softmax whose temperature minimises the
    out-of-fold log loss. (Solved in closed form, in the dual when there are
    up to :data:`DUAL_MAX` photos: a fraction of a second for 1,000. A ridge
    classifier ranked planted mislabelled photos as well as logistic
    regression on imagewoof-mini, at a tenth of the time.)
    """
    import torch

    y = np.asarray(labels, dtype=np.int64)
    n = len(y)
    with limit_threads(1):  # small dense algebra: one thread beats a contended pool
        x = torch.nn.functional.normalize(torch.as_tensor(np.asarray(features, np.float32)), dim=1)
        x = x - x.mean(dim=0)  # float32 for the products, float64 for the solves
        onehot = torch.eye(n_classes, dtype=torch.float64)[torch.as_tensor(y)]
        fold = _folds(y, n_classes, folds, seed)
        dual = n <= DUAL_MAX
        gram = (x @ x.T).double() if dual else None  # [n, n], once for all folds
        xtx = None if dual else (x.T @ x).double()  # [D, D]
        x = x if dual else x.double()
        scores = torch.zeros(n, n_classes, dtype=torch.float64)
        for f in range(folds):
            if cancel is not None:
                cancel.raise_if_cancelled()
            test = torch.as_tensor(fold == f)
            train = ~test
            if not test.any() or not train.any():
                continue
            yt = onehot[train]
            mean = yt.mean(dim=0)
            if dual:  # (K + r I) a = Y - mean; scores = K[test, train] a
                k = gram[train][:, train]
                k.diagonal().add_(ridge)
                a = torch.cholesky_solve(yt - mean, torch.linalg.cholesky(k))
                scores[test] = gram[test][:, train] @ a + mean
            else:  # (X'X + r I) w = X'(Y - mean), X'X of the training rows
                xt = x[train]
                m = xtx - x[test].T @ x[test]
                m.diagonal().add_(ridge)
                w = torch.cholesky_solve(xt.T @ (yt - mean), torch.linalg.cholesky(m))
                scores[test] = x[test] @ w + mean
    scores = scores.numpy()
    best, best_p = np.inf, None
    for t in np.geomspace(1.0, 100.0, 40):
        z = t * scores
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        nll = -np.log(p[np.arange(n), y] + 1e-12).mean()
        if nll < best:
            best, best_p = nll, p
    return best_p.astype(np.float32)


def _folds(y: np.ndarray, n_classes: int, folds: int, seed: int) -> np.ndarray:
    """Stratified fold of each photo: each class dealt round-robin over the folds."""
    rng = np.random.default_rng(seed)
    fold = np.empty(len(y), dtype=np.int64)
    start = 0
    for c in range(n_classes):
        idx = np.flatnonzero(y == c)
        rng.shuffle(idx)
        fold[idx] = (np.arange(len(idx)) + start) % folds
        start += len(idx)
    return fold


def near_duplicate_threshold(nearest: np.ndarray) -> float:
    """The similarity above which two photos are near duplicates, from each photo's nearest one.

    ``nearest``: each photo's cosine similarity to its most similar other photo.
    """
    if len(nearest) == 0:
        return 1.0
    typical = float(np.median(nearest))
    return max(NEAR_MIN_SIMILARITY, 1.0 - NEAR_FRACTION * (1.0 - typical))


def _neighbours(x: np.ndarray, k: int, block: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` most similar other rows of unit-length ``x``: (indices, similarities), best first."""
    n = len(x)
    k = max(1, min(k, n - 1))
    idx = np.zeros((n, k), dtype=np.int64)
    sim = np.zeros((n, k), dtype=np.float32)
    for s in range(0, n, block):
        m = x[s:s + block] @ x.T
        rows = np.arange(len(m))
        m[rows, rows + s] = -np.inf
        part = np.argpartition(-m, k - 1, axis=1)[:, :k]
        vals = np.take_along_axis(m, part, axis=1)
        order = np.argsort(-vals, axis=1)
        idx[s:s + block] = np.take_along_axis(part, order, axis=1)
        sim[s:s + block] = np.take_along_axis(vals, order, axis=1)
    return idx, sim


def _groups(n: int, pairs: list[tuple[int, int]]) -> list[list[int]]:
    """Connected groups (union-find) of the pairs, each sorted, in order of their first member."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in pairs:
        ri, rj = root(i), root(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    members: dict[int, list[int]] = {}
    for i in sorted({i for p in pairs for i in p}):
        members.setdefault(root(i), []).append(i)
    return sorted(members.values())


def _pixels(path: str) -> tuple[int, int]:
    """(pixels, bytes) of a photo, to keep the best copy of near duplicates."""
    try:
        w, h = verify_image(path)
    except ImageError:
        w = h = 0
    try:
        size = os.path.getsize(path)
    except OSError:
        size = 0
    return w * h, size


def _leak(group: list[int], split_of: dict[int, str] | None) -> bool:
    return split_of is not None and {split_of.get(i) for i in group} >= {'train', 'val'}


def _duplicate_findings(paths, labels, classes, digests, split_of) -> list[Finding]:
    by_digest: dict[str, list[int]] = {}
    for i, d in enumerate(digests):
        if d:
            by_digest.setdefault(d, []).append(i)
    out = []
    for group in sorted(g for g in by_digest.values() if len(g) > 1):
        # keep the copy with the shortest name ('cat.jpg' over 'cat (2).jpg', 'Copy of cat.jpg')
        group = sorted(group, key=lambda i: (len(_name(paths[i])), i))
        names = sorted({classes[labels[i]] for i in group}, key=list(classes).index)
        gp = [paths[i] for i in group]
        copies = gp[1:]
        text = (f'{_name(gp[0])} is here {len(gp)} times'
                + (f', labelled {_quote(names)}' if len(names) > 1 else f" in '{names[0]}'")
                + f'. Delete the extra {"copy" if len(copies) == 1 else "copies"}')
        fix = {'action': 'delete', 'paths': copies}
        out.append(Finding('duplicate', gp, names, 1.0, text + '.', fix))
        if _leak(group, split_of):
            out.append(Finding('leak', gp, names, 1.0, (
                f'The same photo, {_name(gp[0])}, is among both the training and the checking '
                'photos, so the measured accuracy is too good. Delete the extra copies.'), fix))
    return out


def _near_findings(paths, labels, classes, x, valid, digests, split_of) -> list[Finding]:
    rep: dict[str, int] = {}
    keep = []  # one row per distinct content: exact copies are 'duplicate' findings
    for i in np.flatnonzero(valid):
        d = digests[i] or f'row{i}'
        if d not in rep:
            rep[d] = int(i)
            keep.append(int(i))
    if len(keep) < 2:
        return []
    xv = x[keep].astype(np.float32)
    xv /= np.maximum(np.linalg.norm(xv, axis=1, keepdims=True), 1e-12)
    nb, sim = _neighbours(xv, NEIGHBOURS)
    # far above the typical nearest-neighbour similarity of the class (of all
    # photos for a class of fewer than 5): some classes are more alike than others
    y = np.asarray([labels[i] for i in keep])
    overall = near_duplicate_threshold(sim[:, 0])
    threshold = {c: near_duplicate_threshold(sim[y == c, 0]) if (y == c).sum() >= 5 else overall
                 for c in set(y.tolist())}
    pairs, best = [], {}
    for a in range(len(keep)):
        for b, s in zip(nb[a], sim[a]):
            if s < max(threshold[y[a]], threshold[y[b]]):
                continue
            pair = (min(a, int(b)), max(a, int(b)))
            pairs.append(pair)
            best[pair] = float(s)
    out = []
    for g in _groups(len(keep), pairs):
        rows = [keep[a] for a in g]
        score = max(s for (a, b), s in best.items() if a in g)
        gp = [paths[i] for i in rows]
        order = sorted(range(len(rows)), key=lambda k: _pixels(gp[k]), reverse=True)
        rows, gp = [rows[k] for k in order], [gp[k] for k in order]
        names = sorted({classes[labels[i]] for i in rows}, key=list(classes).index)
        fix = {'action': 'delete', 'paths': gp[1:]}
        extra = (f'{"it is a copy" if len(gp) == 2 else "they are copies"} of {_name(gp[0])}'
                 f' ({min(score, 0.999):.1%} alike)')
        label_text = (f' They are labelled differently ({_quote(names)}): check which is right.'
                      if len(names) > 1 else '')
        out.append(Finding('near_duplicate', gp, names, score, (
            f'{_quote([_name(p) for p in gp[1:]])}: {extra}, resized or recompressed. Delete the '
            f'copy so the model does not count the same photo twice.{label_text}'), fix))
        if _leak(rows, split_of):
            out.append(Finding('leak', gp, names, score, (
                f'{_name(gp[0])} and its near copy {_name(gp[1])} are split between the training '
                'and the checking photos, so the measured accuracy is too good. Delete the copy.'),
                fix))
    return out


def _mislabelled_findings(paths, labels, classes, probs) -> list[Finding]:
    counts = np.bincount(np.asarray(labels), minlength=len(classes))
    out = []
    for i, p in enumerate(probs):
        if not np.all(np.isfinite(p)) or counts[labels[i]] < 3:
            continue  # not measured, or too few photos of its class to judge
        own = float(p[labels[i]])
        pred = int(np.argmax(p))
        if pred == labels[i] or own >= MISLABEL_MAX_OWN:
            continue
        given, other = classes[labels[i]], classes[pred]
        sure = float(p[pred])
        to = other if sure >= 0.5 else None
        where = f"move it to '{other}'" if to else 'move it to Unlabelled'
        out.append(Finding('mislabelled', [paths[i]], [given, other], 1.0 - own, (
            f"{_name(paths[i])} is labelled '{given}' but looks like '{other}' ({sure:.0%} sure, "
            f'judged by a model that had not seen it). If the label is wrong, {where}.'),
            {'action': 'move', 'paths': [paths[i]], 'to': to}))
    return out


def _class_findings(paths, labels, classes, empty) -> list[Finding]:
    counts = {c: 0 for c in classes}
    members: dict[str, list[str]] = {c: [] for c in classes}
    for p, y in zip(paths, labels):
        counts[classes[y]] += 1
        members[classes[y]].append(p)
    out = []
    for c in empty:
        out.append(Finding('small_class', [], [c], 1.0, (
            f"'{c}' has no photos: add at least {MIN_PHOTOS_PER_CLASS}, or delete the class."), None))
    for c, n in counts.items():
        if n < MIN_PHOTOS_PER_CLASS:
            out.append(Finding('small_class', members[c], [c], 1.0 - n / MIN_PHOTOS_PER_CLASS, (
                f"'{c}' has only {n} photo{'s' if n != 1 else ''}: add at least "
                f'{MIN_PHOTOS_PER_CLASS - n} more so the model learns it reliably '
                f'({MIN_PHOTOS_PER_CLASS} a class are recommended).'), None))
    if len(counts) >= 2:
        large = max(counts, key=counts.get)
        for c, n in counts.items():
            if n and counts[large] / n > IMBALANCE_RATIO:
                out.append(Finding('imbalance', [], [c, large], counts[large] / n, (
                    f"'{c}' has {n} photos and '{large}' {counts[large]}: add photos of '{c}', "
                    f"or the model will guess '{large}' too often (or, if new photos will come in "
                    f"equal shares, weight classes by their photo counts in the Train settings)."), None))
    return out


def diagnose(paths: Sequence[str], labels: Sequence[int], classes: Sequence[str], *,
             features: np.ndarray | None = None, digests: Sequence[str | None] | None = None,
             probabilities: np.ndarray | None = None,
             split: tuple[Sequence[int], Sequence[int]] | None = None,
             unreadable: Sequence[tuple[str, str]] = (), empty: Sequence[str] = ()) -> list[Finding]:
    """Every finding from the photos' features, labels, digests and out-of-fold probabilities.

    Args:
        paths, labels, classes: the photos, the index of each one's class, the classes.
        features: [n, D] pooled backbone features; rows of all zeros (unreadable
            photos) take no part. None: no near duplicates.
        digests: each photo's SHA-256 (None where unknown).
        probabilities: [n, K] out-of-fold probabilities (NaN rows: not
            measured). None: no mislabelled photos.
        split: the (train, validation) indices of the split a run would make; None: no split.
        unreadable: (path, reason) of files that cannot be read.
        empty: classes without photos.

    Returns:
        Findings sorted by :data:`KINDS`, then by score (highest first).
    """
    paths = [str(p) for p in paths]
    labels = [int(y) for y in labels]
    classes = list(classes)
    digests = list(digests) if digests else [None] * len(paths)
    for name, arr in (('labels', labels), ('digests', digests), ('features', features),
                      ('probabilities', probabilities)):
        if arr is not None and len(arr) != len(paths):
            raise ValueError(f'diagnose needs one row of {name} per photo: got {len(arr)} for '
                             f'{len(paths)} photos')
    split_of = None
    if split is not None and len(split[1]):
        split_of = {int(i): 'train' for i in split[0]} | {int(i): 'val' for i in split[1]}
    out = [Finding('unreadable', [p], [], 1.0, (
        f'{_name(p)} cannot be read ({reason}). Delete it, or replace it with a photo that opens.'),
        {'action': 'delete', 'paths': [p]}) for p, reason in unreadable]
    out += _duplicate_findings(paths, labels, classes, digests, split_of)
    if features is not None and len(paths):
        x = np.asarray(features, dtype=np.float32)
        valid = np.linalg.norm(x, axis=1) > 0
        out += _near_findings(paths, labels, classes, x, valid, digests, split_of)
    if probabilities is not None:
        out += _mislabelled_findings(paths, labels, classes, np.asarray(probabilities))
    out += _class_findings(paths, labels, classes, list(empty))
    out.sort(key=lambda f: (KINDS.index(f.kind), -f.score))
    return out


# ------------------------------------------------------------------ gathering the inputs


def folder_snapshot(folder: os.PathLike | str) -> TrainingSnapshot:
    """A snapshot of a folder of class folders (or of a project's ``images/``), without digests."""
    paths, labels, classes = folder_samples(folder)
    return TrainingSnapshot(root=str(Path(folder).resolve()), paths=tuple(str(p) for p in paths),
                            labels=tuple(labels), classes=tuple(classes))


def _digests(paths: list[Path], known: Sequence[str | None], cancel: CancelToken) -> list[str | None]:
    def one(i: int) -> str | None:
        if i < len(known) and known[i]:
            return known[i]
        try:
            return hash_file(paths[i])
        except OSError:
            return None

    out: list[str | None] = []
    with ThreadPoolExecutor(max_workers=4, thread_name_prefix='doctor-hash') as pool:
        for s in range(0, len(paths), 64):
            cancel.raise_if_cancelled()
            out += pool.map(one, range(s, min(s + 64, len(paths))))
    return out


def run_doctor(snapshot: TrainingSnapshot, *, cache_root: os.PathLike | str | None,
               backbone: str = DEFAULT_BACKBONE, config: TrainConfig | None = None,
               callback: Callback = null_callback,
               cancel: CancelToken | None = None) -> DoctorReport:
    """Examine ``snapshot``'s photos and return every finding (see the module docstring).

    Features come from ``backbone``'s feature cache under ``cache_root`` (the
    ones training with the whole backbone frozen uses), computed where
    missing. The split is the one a run with ``config`` would make (default:
    :func:`~petcognizer.core.config.recommend_config` for this data, which
    makes none below 8 photos a class). Progress arrives as
    ``StageProgress('doctor', ...)``.

    Raises:
        Cancelled: when ``cancel`` is set.
    """
    t0 = time.perf_counter()
    cancel = cancel or CancelToken()
    paths = [Path(p) for p in snapshot.paths]
    labels, classes = list(snapshot.labels), list(snapshot.classes)
    n = len(paths)
    steps = 4

    def step(k: int, text: str) -> None:
        cancel.raise_if_cancelled()
        callback(StageProgress('doctor', k, steps, text=text))

    step(0, 'Checking photos')
    digests = _digests(paths, snapshot.digests, cancel)
    unreadable: list[tuple[str, str]] = []
    features = probs = None
    if n:
        spec = get_backbone(backbone)
        model = create_backbone(spec.name)
        res = extract(model, None, paths, Preprocess.for_backbone(spec), cache_root=cache_root,
                      callback=callback, cancel=cancel, stage_label='doctor', digests=digests)
        unreadable = [(str(e.path), e.reason) for e in res.errors]
        features = np.zeros((n, res.data.shape[-1] if res.ok else 1), dtype=np.float32)
        if res.ok:
            features[res.ok] = np.asarray(res.data[:, 0], dtype=np.float32)
        step(2, 'Comparing labels with the photos')
        ok = np.asarray(res.ok, dtype=np.int64)
        y_ok = np.asarray(labels, dtype=np.int64)[ok] if len(ok) else np.zeros(0, np.int64)
        if len(ok) >= 4 and len(np.unique(y_ok)) >= 2:
            probs = np.full((n, len(classes)), np.nan, dtype=np.float32)
            folds = int(max(2, min(CV_FOLDS, np.bincount(y_ok).max())))
            probs[ok] = cross_val_probabilities(features[ok], y_ok, len(classes), folds=folds,
                                                cancel=cancel)
    step(3, 'Looking for duplicates')
    cfg = config or recommend_config(n, max(1, len(classes)), backbone)
    split = stratified_split(labels, cfg.val_fraction, cfg.seed) if cfg.val_fraction > 0 else None
    findings = diagnose([str(p) for p in paths], labels, classes, features=features,
                        digests=digests, probabilities=probs, split=split, unreadable=unreadable,
                        empty=snapshot.empty)
    step(4, 'Done')
    return DoctorReport(findings, n, time.perf_counter() - t0)
