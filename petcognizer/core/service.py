"""The run service: train a project, a snapshot or a folder, save the model, record the run.

One place assembles "a training run", for every caller: the CLI
(``petcognizer train``), the engine process the window talks to, and
``bench/``. Three entry points, from the bottom up:

* :func:`train_snapshot` trains on a :class:`~petcognizer.core.runs.TrainingSnapshot`
  (labels fixed when the run started), measures the model on photos it had not
  seen, calibrates it and gives it "none of these" statistics
  (:mod:`petcognizer.core.evaluation`; ``RunRecord.evaluation``) and writes
  ``run_dir/model.safetensors``.
  It never opens ``project.json``: the engine process calls it while the window
  keeps editing the project.
* :func:`train_project` takes the project's snapshot, trains into
  ``project.runs_dir/<run id>/`` and records the run with ``project.add_run``,
  so a run trained from the command line is listed by the window.
* :func:`train_folder` trains on a tree of class folders, with no project.

With fewer than two classes holding photos, a project run is *zero-shot*: a
model that predicts from the class names alone (see
:func:`petcognizer.core.suggest.zero_shot_model`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from petcognizer.core import distributed
from petcognizer.core.config import TrainConfig
from petcognizer.core.data import Augment, folder_samples, stratified_split
from petcognizer.core.evaluation import evaluate_fit
from petcognizer.core.events import (
    Callback,
    Cancelled,
    CancelToken,
    EpochEnded,
    Message,
    RunEnded,
    RunStarted,
    StageProgress,
    null_callback,
)
from petcognizer.core.features import extract
from petcognizer.core.fsutil import commit_file
from petcognizer.core.holdout import evaluate_holdout
from petcognizer.core.model import Ensemble, save_model
from petcognizer.core.predict import Predictor
from petcognizer.core.project import locate_by_digest
from petcognizer.core.runs import RunRecord, TrainingSnapshot, new_run_id, utc_now
from petcognizer.core.settings import feature_cache_root
from petcognizer.core.suggest import zero_shot_model
from petcognizer.core.training import FitResult, fit

__all__ = ['MODEL_FILE', 'ensemble_val_accuracy', 'train_folder', 'train_project', 'train_snapshot']

#: The model's file name inside a run's folder.
MODEL_FILE = 'model.safetensors'

NOTHING_LEARNT = ('Cancelled before the first epoch finished: nothing was learnt and no model '
                  'was saved; the run is kept in the history as cancelled')
ZERO_SHOT_IMPOSSIBLE = (
    'training needs photos in at least two classes (or class names that match ImageNet '
    'concepts, such as "cat" and "dog", for a zero-shot model); add photos on the Data page')


STOPPED_MEASURING = ('Stopped while measuring the model: it is saved without an accuracy '
                     'estimate, calibration or "none of these" check')

def train_snapshot(snapshot: TrainingSnapshot, config: TrainConfig, *, run_dir: os.PathLike | str,
                   cache_root: os.PathLike | str, run_id: str | None = None,
                   callback: Callback = null_callback,
                   cancel: CancelToken | None = None) -> RunRecord:
    """Train on ``snapshot``, save ``run_dir/model.safetensors``, return the run's record.

    ``record.model_path`` is relative to ``snapshot.root`` (POSIX) when
    ``run_dir`` is inside it, else absolute. A cancelled run keeps the best
    model so far; one cancelled before any epoch finished is recorded too, with
    ``cancelled=True`` and ``model_path`` None (a message says nothing was
    learnt). Never reads or writes ``project.json``.

    Raises:
        ValueError: the config is invalid, or there is nothing to train on.
    """
    run_id = run_id or new_run_id()
    created = utc_now()
    run_dir = Path(run_dir)
    classes = list(snapshot.classes)
    if snapshot.empty and len(classes) >= 2:
        callback(Message('warning', 'Not training on empty classes: ' + ', '.join(snapshot.empty)))
    if len(classes) < 2:
        return _zero_shot(snapshot, config, run_dir, run_id, created, callback)
    paths = _resolve_paths(snapshot)
    held: list[RunEnded] = []  # the run ends, for a caller, after its evaluation

    def relay(ev) -> None:
        if isinstance(ev, RunEnded):
            held.append(ev)
        else:
            callback(ev)

    evaluation: dict = {}
    try:
        res = _fit_measuring_ensembles(paths, list(snapshot.labels), classes, config,
                                       cache_root=cache_root,
                                       class_matches=dict(snapshot.class_matches) or None,
                                       callback=_telling_nothing_learnt(relay),
                                       cancel=cancel or CancelToken(),
                                       digests=list(snapshot.digests) or None)
        measured = config
        if res.model is not None and not res.cancelled and _refits(config, res):
            res, measured = _refit_on_every_photo(
                res, paths, list(snapshot.labels), classes, config, cache_root=cache_root,
                class_matches=dict(snapshot.class_matches) or None, callback=callback,
                cancel=cancel, digests=list(snapshot.digests) or None)
        if res.model is not None and not res.cancelled:
            evaluation = _evaluate(res.model, paths, list(snapshot.labels), classes, measured,
                                   cache_root=cache_root, digests=list(snapshot.digests) or None,
                                   class_matches=dict(snapshot.class_matches) or None,
                                   callback=callback, cancel=cancel)
    finally:
        for ev in held:
            callback(ev)
    model_path = None
    if res.model is not None and distributed.is_main():  # torchrun: rank 0 writes the one file
        file = save_model(run_dir / MODEL_FILE, res.model,
                          extra={'run_id': run_id, 'config': config.to_dict()})
        model_path = _record_path(file, snapshot.root)
    if cancel is not None and cancel.cancelled:
        res.cancelled = True  # the cancel came while saving: the record still says so
    record = _record(run_id, created, res, config, classes, model_path)
    record.evaluation = evaluation
    return record


def train_project(project, config: TrainConfig, *, out: os.PathLike | str | None = None,
                  callback: Callback = null_callback,
                  cancel: CancelToken | None = None) -> RunRecord:
    """Train on ``project``'s labelled photos and record the run in the project.

    The model goes to ``project.runs_dir/<run id>/model.safetensors``; the
    record is added with ``project.add_run`` (so ``project.runs`` lists it and
    the window shows it). With ``out``, the model file is also copied there
    (not when the run was cancelled before it learnt anything: then the
    record's ``model_path`` is None and ``out`` is left as it was).
    """
    snapshot = project.snapshot()
    run_id = new_run_id()
    record = train_snapshot(snapshot, config, run_dir=Path(project.runs_dir) / run_id,
                            cache_root=feature_cache_root(project), run_id=run_id,
                            callback=callback, cancel=cancel)
    if distributed.is_main():
        project.add_run(record)
    if out is not None and record.model_path is not None:
        _copy_model(Path(project.root) / record.model_path, Path(out))
    return record


def train_folder(folder: os.PathLike | str, config: TrainConfig, *, out: os.PathLike | str,
                 callback: Callback = null_callback,
                 cancel: CancelToken | None = None) -> RunRecord:
    """Train on a tree of class folders (one subfolder of photos per class); save to ``out``.

    Nothing is recorded anywhere but the returned record (``source`` is the
    folder, ``model_path`` the absolute ``out``). Features are cached in the
    user cache.

    Raises:
        ValueError: no such folder, or no photos in it.
    """
    folder = Path(folder)
    out = Path(out)
    paths, labels, classes = folder_samples(folder)
    if not paths:
        raise ValueError(f'{folder}: no photos found; put them in one subfolder per class '
                         f'(e.g. {folder}/cat/*.jpg, {folder}/dog/*.jpg)')
    snapshot = TrainingSnapshot(root=str(folder.resolve()), paths=tuple(map(str, paths)),
                                labels=tuple(labels), classes=tuple(classes))
    out.parent.mkdir(parents=True, exist_ok=True)
    run_dir = Path(tempfile.mkdtemp(prefix='.petcognizer-run-', dir=out.parent))
    try:
        record = train_snapshot(snapshot, config, run_dir=run_dir,
                                cache_root=feature_cache_root(),
                                callback=callback, cancel=cancel)
        if record.model_path is not None:
            commit_file(run_dir / MODEL_FILE, out)
            record.model_path = str(out.resolve())
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    record.source = str(folder)
    return record


def ensemble_val_accuracy(model, paths: Sequence[os.PathLike | str], labels: Sequence[int],
                          config: TrainConfig, cancel: CancelToken | None = None, *,
                          callback: Callback = null_callback) -> float | None:
    """The ensemble's accuracy on the validation photos (its members' own split).

    None when cancelled meanwhile; 0.0 when no validation photo could be read.
    Reports its progress as ``StageProgress('predict', ...)``.
    """
    import torch

    _, val_idx = stratified_split(labels, config.val_fraction, config.seed)
    try:
        mat, ok, _ = Predictor(model).probabilities([Path(paths[i]) for i in val_idx],
                                                    callback=callback, cancel=cancel,
                                                    text='Measuring the ensemble')
    except Cancelled:
        return None
    if not ok:
        return 0.0
    truth = torch.tensor([labels[val_idx[i]] for i in ok])
    return float((mat.argmax(1) == truth).float().mean())


# ----------------------------------------------------------------- helpers


def _fit_measuring_ensembles(paths: list[Path], labels: list[int], classes: list[str],
                             config: TrainConfig, *, cache_root, class_matches, callback: Callback,
                             cancel: CancelToken, digests) -> FitResult:
    """:func:`~petcognizer.core.training.fit`, plus an ensemble's own validation accuracy.

    The trainer cannot measure an ensemble (that needs prediction, a layer
    above it), so its ``RunEnded`` is held back, the accuracy measured, and the
    event sent on with it: a caller still sees RunStarted ... RunEnded, last.
    """
    if not (config.ensemble and config.val_fraction > 0):
        return fit(paths, labels, classes, config, cache_root=cache_root,
                   class_matches=class_matches, callback=callback, cancel=cancel, digests=digests)
    held: list[RunEnded] = []

    def relay(ev) -> None:
        if isinstance(ev, RunEnded):
            held.append(ev)
        else:
            callback(ev)

    try:
        res = fit(paths, labels, classes, config, cache_root=cache_root,
                  class_matches=class_matches, callback=relay, cancel=cancel, digests=digests)
        if res.model is not None and res.n_val and not res.cancelled:
            res.best_val_acc = ensemble_val_accuracy(res.model, paths, labels, config, cancel,
                                                     callback=callback)
            if res.best_val_acc is None or cancel.cancelled:  # cancelled while measuring
                res.cancelled = True
        if held:
            held[-1] = replace(held[-1], cancelled=res.cancelled, best_val_acc=res.best_val_acc)
    finally:
        for ev in held:
            callback(ev)
    return res


def _refits(config: TrainConfig, res: FitResult) -> bool:
    return (config.refit_all and config.val_fraction > 0 and config.freeze_depth == 0
            and config.head != 'fc-dropout' and res.best_epoch is not None and res.n_val > 0)


def _refit_on_every_photo(res: FitResult, paths: list[Path], labels: list[int],
                          classes: list[str], config: TrainConfig, *, cache_root, class_matches,
                          callback: Callback, cancel: CancelToken | None,
                          digests) -> tuple[FitResult, TrainConfig]:
    """(the result, the config that made its model): the final model trained again on every
    photo for the epochs the validation split chose (``TrainConfig.refit_all``). The
    epochs are reported as the 'evaluate' stage; if it is stopped, the split's model stays."""
    epochs = res.best_epoch + 1
    final = replace(config, val_fraction=0.0, patience=0, epochs=epochs, refit_all=False)
    text = f'Training the final model on all {len(paths)} photos ({epochs} epochs)'
    callback(Message('info', f'The validation photos chose {epochs} epochs; '
                             f'{text[0].lower() + text[1:]}'))

    def relay(ev) -> None:
        if isinstance(ev, EpochEnded):
            callback(StageProgress('evaluate', ev.epoch + 1, ev.epochs, text=text))
        elif isinstance(ev, (Message, StageProgress)):
            callback(ev)

    try:
        again = fit(paths, labels, classes, final, cache_root=cache_root,
                    class_matches=class_matches, callback=relay, cancel=cancel, digests=digests)
    except Cancelled:
        again = None
    if again is None or again.model is None or again.cancelled:
        callback(Message('warning', 'Stopped before the final model had trained on every photo: '
                                    'the model trained without the validation photos is kept'))
        return res, config
    res.model, res.n_train, res.n_val = again.model, again.n_train, 0
    res.skipped = again.skipped
    res.prior_weight = again.prior_weight
    res.seconds += again.seconds
    return res, final


def _evaluate(model, paths: list[Path], labels: list[int], classes: list[str], config: TrainConfig,
              *, cache_root, digests, class_matches, callback: Callback,
              cancel: CancelToken | None) -> dict:
    """The run's evaluation (``RunRecord.evaluation``); calibrates ``model`` and gives it
    "none of these" statistics (:func:`petcognizer.core.evaluation.evaluate_fit`).

    It reads the frozen backbone's pooled features of the run's photos from the
    feature cache the trainer just filled (all hits; with augmentation, view 0
    of the trainer's key). When part of the backbone trained or the head is
    fc-dropout (cross-validation refits only linear and prototype heads on frozen
    features) the run is measured on its validation photos instead
    (:func:`petcognizer.core.holdout.evaluate_holdout`); without a validation
    split such a run has no estimate (``{}``, the model left as it is).
    """
    if config.freeze_depth != 0 or config.head == 'fc-dropout':
        if config.val_fraction <= 0:
            callback(Message('info', 'No accuracy estimate: part of the network trained and no '
                                     'photos were kept out to measure it (set a validation share '
                                     'above 0 to get one)'))
            return {}
        try:
            out = evaluate_holdout(model, paths, labels, classes, config=config,
                                   callback=callback, cancel=cancel, cache_root=cache_root,
                                   digests=digests)
        except Cancelled:
            callback(Message('warning', STOPPED_MEASURING))
            return {}
        return _apply_evaluation(model, out)
    members = list(model.members) if isinstance(model, Ensemble) else [model]
    train_idx, val_idx = stratified_split(labels, config.val_fraction, config.seed)
    aug = Augment(crop_flip=config.augment, color_jitter=config.color_jitter,
                  random_erasing=config.random_erasing)
    pooled = []
    try:
        for m in members:
            part: dict = {}
            for name, idx, augment in (('train', train_idx, aug if aug.any else None),
                                       ('val', val_idx, None)):
                part[name], part[f'{name}_index'] = None, []
                if idx:
                    r = extract(m.backbone, None, [paths[i] for i in idx], model.preprocess,
                                augment=augment, cache_root=cache_root, cancel=cancel,
                                digests=[digests[i] for i in idx] if digests else None,
                                stage_label='evaluate')
                    part[name] = np.asarray(r.data[:, 0], dtype=np.float32)
                    part[f'{name}_index'] = [idx[j] for j in r.ok]
            pooled.append(part)
        out = evaluate_fit(model, pooled, labels, [str(p) for p in paths], classes, config=config,
                           class_matches=class_matches, callback=callback, cancel=cancel)
    except Cancelled:
        callback(Message('warning', STOPPED_MEASURING))
        return {}
    return _apply_evaluation(model, out)


def _apply_evaluation(model, out: dict) -> dict:
    """Give ``model`` the measured temperature and "none of these" statistics; the evaluation."""
    model.temperature = out['temperature'] or 1.0
    members = list(model.members) if isinstance(model, Ensemble) else [model]
    for m, stats in zip(members, out['unknown']):
        m.set_unknown(stats)
    return out['evaluation']


def _telling_nothing_learnt(callback: Callback) -> Callback:
    """``callback``, with a message just before a RunEnded that was cancelled before any epoch."""
    def relay(ev) -> None:
        if isinstance(ev, RunEnded) and ev.cancelled and ev.best_epoch is None:
            callback(Message('info', NOTHING_LEARNT))
        callback(ev)

    return relay


def _resolve_paths(snapshot: TrainingSnapshot) -> list[Path]:
    """The snapshot's photos; one moved since the snapshot is found by its digest if possible.

    A photo that cannot be found either keeps its old path, so the trainer
    reports it skipped.
    """
    digests = snapshot.digests or (None,) * len(snapshot.paths)
    out = []
    for path, digest in zip(map(Path, snapshot.paths), digests):
        if not path.is_file() and digest:
            found = locate_by_digest(snapshot.root, digest)
            if found is not None:
                path = Path(found)
        out.append(path)
    return out


def _record_path(file: Path, root: str) -> str:
    """``file`` relative to ``root`` (POSIX) when inside it, else absolute."""
    file = Path(file).resolve()
    try:
        return file.relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return str(file)


def _copy_model(src: Path, dst: Path) -> None:
    """Copy a model file to ``dst`` through a temporary file (never a half-written ``dst``)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(dst.name + '.partial')
    try:
        shutil.copyfile(src, tmp)
        commit_file(tmp, dst)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OSError(f'{dst}: could not copy the model ({exc.strerror or exc}); check there is '
                      'free space and the folder is writable') from None


def _record(run_id: str, created: str, res: FitResult, config: TrainConfig, classes: list[str],
            model_path: str | None) -> RunRecord:
    return RunRecord(
        id=run_id,
        created=created,
        backbone=res.model.backbone_name if res.model is not None else config.backbone,
        config=config.to_dict(),
        classes=list(classes),
        n_train=res.n_train,
        n_val=res.n_val,
        best_val_acc=res.best_val_acc,
        best_epoch=res.best_epoch,
        seconds=round(res.seconds, 2),
        cancelled=res.cancelled,
        model_path=model_path,
        history=list(res.history),
        device=res.device,
        prior_weight=res.prior_weight,
        skipped=[list(s) for s in res.skipped],
    )


def _zero_shot(snapshot: TrainingSnapshot, config: TrainConfig, run_dir: Path, run_id: str,
               created: str, callback: Callback) -> RunRecord:
    """Fewer than two classes have photos: save a model that predicts from class names."""
    t0 = time.perf_counter()
    classes = list(snapshot.classes) + [c for c in snapshot.empty if c not in snapshot.classes]
    model = None
    if len(classes) >= 2:
        model = zero_shot_model(classes, backbone=config.backbone,
                                overrides=dict(snapshot.class_matches) or None)
    if model is None:
        raise ValueError(ZERO_SHOT_IMPOSSIBLE)
    callback(RunStarted(config.backbone, 'cpu', 0, 0, 0, 0, tuple(classes), 0, 'linear'))
    callback(Message('info', 'No photos to learn from yet: this model predicts from the class '
                             'names alone (zero-shot). Add photos and train again to improve it.'))
    file = save_model(run_dir / MODEL_FILE, model, extra={'run_id': run_id, 'zero_shot': True})
    seconds = time.perf_counter() - t0
    callback(RunEnded(False, None, None, seconds))
    return RunRecord(id=run_id, created=created, backbone=config.backbone, config=config.to_dict(),
                     classes=classes, seconds=round(seconds, 2),
                     model_path=_record_path(file, snapshot.root), device='cpu', prior_weight=1.0,
                     zero_shot=True)
