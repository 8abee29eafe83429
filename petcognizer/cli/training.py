"""``petcognizer train``: every check that can fail is made before the run starts."""

from __future__ import annotations

import contextlib
import json
import signal
import threading
import time
from collections import Counter
from pathlib import Path

from petcognizer.cli.places import check_new_file, check_writable_folder, is_model_file
from petcognizer.cli.progress import Progress
from petcognizer.cli.text import count, echo, shown
from petcognizer.core.config import TrainConfig, parse_freeze_depth, recommend_config, settle_members
from petcognizer.core.data import folder_samples
from petcognizer.core.events import Cancelled, CancelToken
from petcognizer.core.project import Project

__all__ = ['EXIT_CANCELLED', 'EXIT_ERROR', 'cmd_train']

EXIT_ERROR, EXIT_CANCELLED = 1, 130

_OPTIONS = ('head', 'epochs', 'seed', 'lr', 'batch_size', 'schedule', 'device', 'val_fraction',
            'aug_views', 'weight_decay', 'label_smoothing', 'patience', 'warmup_epochs', 'dropout',
            'head_l2', 'members')
_FLAGS = (('augment', 'augment'), ('color_jitter', 'color_jitter'), ('cutout', 'random_erasing'),
          ('progressive_resize', 'progressive_resize'), ('balance_classes', 'balance_classes'))


def _config(args, n_photos: int, n_classes: int) -> TrainConfig:
    """The recommended config for the data, with every option given on the command line applied."""
    return _with_options(args, recommend_config(n_photos, n_classes, args.backbone))


def _with_options(args, cfg: TrainConfig) -> TrainConfig:
    """``cfg`` with every option given on the command line applied."""
    for name in _OPTIONS:
        value = getattr(args, name)
        if value is not None:
            setattr(cfg, name, value)
    if args.freeze_depth is not None:
        cfg.freeze_depth = parse_freeze_depth(args.freeze_depth, cfg.backbone)
    for flag, name in _FLAGS:
        if getattr(args, flag):
            setattr(cfg, name, True)
    if args.no_prior:
        cfg.use_prior = False
    if args.ensemble is not None:
        cfg.ensemble = args.ensemble
    return cfg if args.members is not None else settle_members(cfg)


def _check_project_writable(project: Project) -> None:
    """A run writes project.json, runs/<run>/ and the feature cache: all must be writable."""
    todo = ('make the project folder writable (or copy the project somewhere you can write) '
            'and train again')
    check_writable_folder(Path(project.root), "the project's run history (project.json)", todo)
    check_writable_folder(Path(project.runs_dir), "the run's model (runs/)", todo)
    check_writable_folder(Path(project.cache_dir), 'the feature cache (.cache/)', todo)


@contextlib.contextmanager
def _ctrl_c_stops(cancel: CancelToken, progress: Progress):
    """The first Ctrl-C stops the run gracefully (the best model so far is saved and recorded);
    a second one aborts at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        if cancel.cancelled:
            raise KeyboardInterrupt
        cancel.cancel()
        progress.say('Stopping: the best model so far is kept (Ctrl-C again to abort at once)')

    previous = signal.signal(signal.SIGINT, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def cmd_train(args) -> int:
    """Train on a project (the run is recorded in it, as the window does) or on class folders.

    Under torchrun every process runs this; they train as one run (see
    :mod:`petcognizer.core.distributed`) and rank 0 writes the model and reports.
    """
    from petcognizer.core import distributed

    with distributed.session(getattr(args, 'device', None) or 'auto') as ctx:
        if ctx is None:
            return _train(args, None)
        try:
            return _train(args, ctx)
        except Exception as exc:
            raise RuntimeError(_rank_error(ctx, exc)) from exc


def _rank_error(ctx, exc: BaseException) -> str:
    """The error of one process of a torchrun run: which one, and whether a peer failed first."""
    import torch.distributed as dist

    text = str(exc) or type(exc).__name__
    if isinstance(exc, dist.DistError) or any(w in text for w in (
            'Connection closed by peer', 'Connection reset', 'timed out', 'Timed out')):
        text = (f'another process of the run stopped or failed (its own message says why): '
                f'{text}')
    return f'process {ctx.rank} of {ctx.world_size}: {text}'


def _train(args, ctx) -> int:
    t0 = time.perf_counter()
    root, out = Path(args.data), Path(args.out)
    replacing = out.is_file()
    check_new_file(args.out, option='--out', force=args.force, ours=is_model_file)
    project = None
    main = ctx is None or ctx.is_main  # the process that prints and writes
    progress = Progress(quiet=args.quiet or not main)
    if Project.is_project(root):
        with ctx.main_first() if ctx else contextlib.nullcontext():  # opening may repair it
            project = Project.open(root)
        for warning in project.warnings:  # what opening repaired (or could not)
            progress.say('warning: ' + warning)
        _check_project_writable(project)
        snapshot = project.snapshot()
        cfg = _config(args, snapshot.n_photos, len(snapshot.classes))
        if not main and len(snapshot.classes) < 2:
            return 0  # a zero-shot model: nothing to train together; rank 0 writes it
    else:
        left_out: list = []
        paths, _labels, classes = folder_samples(root, left_out)
        for _path, sentence in left_out if main else ():  # hidden or unreadable class folders
            echo('warning: ' + sentence, err=True)  # also with --quiet: data was left out
        if not paths:
            raise ValueError(f'{shown(root)}: no photos found; put them in one subfolder per class '
                             f'(e.g. {shown(root / "cat")}/*.jpg, {shown(root / "dog")}/*.jpg)')
        cfg = _config(args, len(paths), len(classes))
    # imports torch: only once the checks passed
    from petcognizer.core import distributed, service

    recommendation = None
    if ctx is None and _may_fine_tune(args, snapshot.labels if project is not None else _labels):
        # near ImageNet or far from it: decided from the photos (their frozen features are
        # cached, so a frozen run reads them back)
        from petcognizer.core.recommend import recommend_for_photos
        from petcognizer.core.settings import feature_cache_root

        if project is not None:
            where = dict(paths=snapshot.paths, labels=snapshot.labels, classes=snapshot.classes,
                         digests=list(snapshot.digests) or None)
        else:
            where = dict(paths=paths, labels=_labels, classes=classes)
        recommendation = recommend_for_photos(backbone=args.backbone, callback=progress,
                                              cache_root=feature_cache_root(project), **where)
        cfg = _with_options(args, recommendation.config)
        progress.say(recommendation.sentence)

    if ctx is not None:
        lr = cfg.lr
        distributed.scale_config(cfg, ctx)
        progress.say(f'torchrun: {ctx.world_size} processes ({ctx.backend}, {ctx.device}); '
                     f'global batch {ctx.world_size} x {cfg.batch_size}, learning rate '
                     f'{ctx.world_size} x {lr:g} = {cfg.lr:g} (linear scaling rule)')
    cancel = CancelToken()
    try:
        # under torchrun a process must not stop alone (its peers would wait): Ctrl-C aborts
        with _ctrl_c_stops(cancel, progress) if ctx is None else contextlib.nullcontext():
            if project is not None:
                record = service.train_project(project, cfg, out=out, callback=progress,
                                               cancel=cancel)
            else:
                record = service.train_folder(root, cfg, out=out, callback=progress, cancel=cancel)
    except KeyboardInterrupt:
        progress.close()
        echo('petcognizer: cancelled', err=True)
        return EXIT_CANCELLED
    except Cancelled:
        echo('petcognizer: cancelled before the first epoch ended; no model saved', err=True)
        return EXIT_CANCELLED
    finally:
        progress.close()
    if not main:
        return 0  # rank 0 wrote the model and reports
    if record.model_path is None:  # stopped before anything was learnt
        where = f' (run {record.id} recorded as cancelled in {shown(project.root)})' if project else ''
        if args.json:
            print(json.dumps({'model': None, 'run': record.id, 'cancelled': True}, indent=1))
        echo(f'petcognizer: cancelled before the first epoch ended; no model saved{where}', err=True)
        return EXIT_CANCELLED
    _report(args, record, cfg, out, project, replacing, time.perf_counter() - t0, ctx,
            recommendation)
    return EXIT_CANCELLED if record.cancelled else 0


def _may_fine_tune(args, labels) -> bool:
    """Whether the photos are worth a look for fine-tuning: no freeze depth or ensemble was
    asked for, and each class has enough photos to fine-tune at all."""
    from petcognizer.core.domain import MIN_PER_CLASS_TO_FINE_TUNE

    if args.freeze_depth is not None or args.ensemble is not None or args.head == 'prototype':
        return False
    counts = Counter(labels)
    return len(counts) >= 2 and min(counts.values()) >= MIN_PER_CLASS_TO_FINE_TUNE


def _report(args, record, cfg: TrainConfig, out: Path, project, replacing: bool,
            seconds: float, ctx=None, recommendation=None) -> None:
    classes = record.classes
    summary = {
        'model': str(out),
        'backbone': record.backbone,
        'classes': classes,
        'n_train': record.n_train,
        'n_val': record.n_val,
        'best_val_acc': record.best_val_acc,
        'best_epoch': record.best_epoch,
        'epochs_run': len(record.history),
        'prior_weight': record.prior_weight,
        'seconds': round(seconds, 2),
        'skipped': [{'path': p, 'reason': r} for p, r in record.skipped],
        'config': cfg.to_dict(),
        'run': record.id,
        'zero_shot': record.zero_shot,
        'cancelled': record.cancelled,
        'evaluation': record.evaluation,
        'world_size': ctx.world_size if ctx else 1,  # torchrun processes
        'backend': ctx.backend if ctx else None,
        'recommendation': recommendation.to_dict() if recommendation else None,
    }
    if args.json:
        print(json.dumps(summary, indent=1))
        return
    if record.best_val_acc is not None:
        val = (f', best validation accuracy {record.best_val_acc:.1%} '
               f'(epoch {record.best_epoch + 1})')
    elif record.zero_shot:
        val = ' (zero-shot: predicts from the class names alone)'
    else:
        val = ' (no validation split: every photo trained)'
    if record.cancelled:
        val += f' (stopped early after {count(len(record.history), "epoch")})'
    echo(f'{"Replaced" if replacing else "Saved"} {out}: {record.backbone}, '
         f'{count(len(classes), "class", "classes")} ({", ".join(classes)}), '
         f'{count(record.n_train, "training photo")}{val}, {summary["seconds"]:.1f} s')
    ev = record.evaluation
    if ev:
        echo(ev['summary'] + '.')
        echo('Per class: ' + ', '.join(f'{shown(c)} {m["accuracy"]:.0%} of {m["n"]}'
                                       for c, m in ev['per_class'].items()))
        if ev.get('temperature') is not None:
            echo(f'Confidence calibrated (temperature {ev["temperature"]:.2f}'
                 + (f', calibration error {ev["ece"]:.3f}' if ev.get('ece') is not None else '')
                 + ')')
    if project is not None:
        echo(f'Recorded as run {record.id} in {project.root} (listed on its Train page)')
    if record.skipped:
        echo(f'warning: skipped {count(len(record.skipped), "photo")} that could not be read:',
             err=True)
        for path, reason in record.skipped:
            echo(f'  {path}: {reason}', err=True)
