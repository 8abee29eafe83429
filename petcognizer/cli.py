"""Command line: ``petcognizer train|eval|predict|export|backbones|similar|gui``.

With no arguments, ``petcognizer`` opens the desktop app. Errors print one line
(``petcognizer: error: ...``) and exit non-zero; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from petcognizer import __version__
from petcognizer.core import events as E
from petcognizer.core.backbones import (
    DEFAULT_BACKBONE,
    hub_checkpoint_dir,
    import_weights,
    list_backbones,
    weights_status,
)
from petcognizer.core.config import HEADS, SCHEDULES, TrainConfig, parse_freeze_depth, recommend_config
from petcognizer.core.data import folder_samples
from petcognizer.core.events import Cancelled, CancelToken
from petcognizer.core.exportformats import usage_snippet
from petcognizer.core.perf import tune_allocator
from petcognizer.core.project import Project

# The commands that need torch (train, eval, predict, export, similar) import
# their core module when they run, so `petcognizer --help` is instant and
# `petcognizer gui` (the window's process) never loads torch.

__all__ = ['main']

EXIT_ERROR, EXIT_CANCELLED = 1, 130


class _Progress:
    """Draws core events as tqdm progress bars on stderr (quiet when not a terminal in CI)."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self.bar = None
        self.kind = None

    def _bar(self, kind: str, total: int, desc: str, unit: str):
        from tqdm import tqdm

        if self.kind != kind or self.bar is None:
            self.close()
            self.bar = tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, leave=False,
                            dynamic_ncols=True, disable=self.quiet)
            self.kind = kind
        return self.bar

    def close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar, self.kind = None, None

    def __call__(self, ev) -> None:
        if isinstance(ev, E.RunStarted):
            self._say(f'Training {ev.backbone} on {ev.n_train} photos ({ev.n_val} for validation), '
                      f'{len(ev.classes)} classes, {ev.epochs} epochs, on {ev.device}')
        elif isinstance(ev, E.StageProgress):
            unit = 'B' if ev.stage == 'weights' else 'img'
            bar = self._bar(ev.stage, ev.total, ev.text or ev.stage, unit)
            bar.total = ev.total
            bar.n = ev.done
            bar.refresh()
        elif isinstance(ev, E.EpochStarted):
            self._bar('epochs', ev.epochs, 'Training', 'epoch')
        elif isinstance(ev, E.EpochEnded):
            bar = self._bar('epochs', ev.epochs, 'Training', 'epoch')
            post = {'loss': f'{ev.train_loss:.3f}', 'acc': f'{ev.train_acc:.1%}'}
            if ev.val_acc is not None:
                post.update(val_loss=f'{ev.val_loss:.3f}', val_acc=f'{ev.val_acc:.1%}')
            bar.set_postfix(post, refresh=False)
            bar.update(1)
        elif isinstance(ev, E.Message):
            self._say(('warning: ' if ev.level == 'warning' else '') + ev.text)
        elif isinstance(ev, E.RunEnded):
            self.close()

    def _say(self, text: str):
        if self.quiet:
            return
        if self.bar is not None:
            self.bar.write(text, file=sys.stderr)
        elif not self.quiet:
            print(text, file=sys.stderr)


def _config(args, n_photos: int, n_classes: int) -> TrainConfig:
    """The recommended config for the data, with every option given on the command line applied."""
    cfg = recommend_config(n_photos, n_classes, args.backbone)
    for name in ('head', 'epochs', 'seed', 'lr', 'batch_size', 'schedule', 'device',
                 'val_fraction', 'aug_views', 'weight_decay', 'label_smoothing', 'patience',
                 'warmup_epochs', 'dropout', 'head_l2'):
        value = getattr(args, name)
        if value is not None:
            setattr(cfg, name, value)
    if args.freeze_depth is not None:
        cfg.freeze_depth = parse_freeze_depth(args.freeze_depth, cfg.backbone)
    for flag, name in (('augment', 'augment'), ('color_jitter', 'color_jitter'),
                       ('cutout', 'random_erasing'), ('progressive_resize', 'progressive_resize')):
        if getattr(args, flag):
            setattr(cfg, name, True)
    if args.no_prior:
        cfg.use_prior = False
    if args.ensemble is not None:
        cfg.ensemble = args.ensemble
    return cfg


def cmd_train(args) -> int:
    """Train on a project (the run is recorded in it, as the window does) or on class folders."""
    from petcognizer.core import service  # imports torch: only when training

    t0 = time.perf_counter()
    root, out = Path(args.data), Path(args.out)
    progress = _Progress(quiet=args.quiet)
    cancel = CancelToken()
    project = None
    try:
        if Project.is_project(root):
            project = Project.open(root)
            snapshot = project.snapshot()
            cfg = _config(args, snapshot.n_photos, len(snapshot.classes))
            record = service.train_project(project, cfg, out=out, callback=progress, cancel=cancel)
        else:
            paths, _labels, classes = folder_samples(root)
            if not paths:
                raise ValueError(f'{root}: no photos found; put them in one subfolder per class '
                                 f'(e.g. {root}/cat/*.jpg, {root}/dog/*.jpg)')
            cfg = _config(args, len(paths), len(classes))
            record = service.train_folder(root, cfg, out=out, callback=progress, cancel=cancel)
    except KeyboardInterrupt:
        progress.close()
        print('petcognizer: cancelled', file=sys.stderr)
        return EXIT_CANCELLED
    except Cancelled:
        print('petcognizer: error: training ended before the first epoch; no model saved',
              file=sys.stderr)
        return EXIT_ERROR
    finally:
        progress.close()
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
        'seconds': round(time.perf_counter() - t0, 2),
        'skipped': [{'path': p, 'reason': r} for p, r in record.skipped],
        'config': cfg.to_dict(),
        'run': record.id,
        'zero_shot': record.zero_shot,
    }
    if args.json:
        print(json.dumps(summary, indent=1))
    else:
        if record.best_val_acc is not None:
            val = (f', best validation accuracy {record.best_val_acc:.1%} '
                   f'(epoch {record.best_epoch + 1})')
        elif record.zero_shot:
            val = ' (zero-shot: predicts from the class names alone)'
        else:
            val = ' (no validation split: every photo trained)'
        print(f'Saved {out}: {record.backbone}, {len(classes)} classes '
              f'({", ".join(classes)}), {record.n_train} training photos{val}, '
              f'{summary["seconds"]:.1f} s')
        if project is not None:
            print(f'Recorded as run {record.id} in {project.root} (listed on its Train page)')
    return 0


def cmd_eval(args) -> int:
    from petcognizer.core.predict import evaluate

    progress = _Progress(quiet=args.quiet or args.json)
    try:
        rep = evaluate(args.model, args.data, tta=args.tta, callback=progress)
    finally:
        progress.close()
    if args.csv:
        import csv

        with open(args.csv, 'w', newline='', encoding='utf-8') as f:
            w = csv.writer(f)
            w.writerow(['class', 'precision', 'recall', 'f1', 'support'])
            for c, m in rep['per_class'].items():
                w.writerow([c, f'{m["precision"]:.4f}', f'{m["recall"]:.4f}', f'{m["f1"]:.4f}',
                            m['support']])
    if args.json:
        print(json.dumps(rep, indent=1))
        return 0
    print(f'Accuracy: {rep["accuracy"]:.2%} on {rep["n"]} photos')
    width = max(len(c) for c in rep['classes'])
    print(f'\n{"class":<{width}}  precision  recall     f1  support')
    for c, m in rep['per_class'].items():
        print(f'{c:<{width}}  {m["precision"]:9.3f}  {m["recall"]:6.3f}  {m["f1"]:5.3f}  {m["support"]:7d}')
    print('\nConfusion (rows: true, columns: predicted)')
    print(' ' * (width + 2) + '  '.join(f'{c[:6]:>6}' for c in rep['classes']))
    for c, row in zip(rep['classes'], rep['confusion']):
        print(f'{c:<{width}}  ' + '  '.join(f'{v:6d}' for v in row))
    if rep['most_confident_wrong']:
        print('\nMost confidently wrong:')
        for w in rep['most_confident_wrong'][:5]:
            print(f'  {w["path"]}: {w["true"]} predicted as {w["predicted"]} ({w["confidence"]:.0%})')
    for s in rep['skipped']:
        print(f'skipped {s["path"]}: {s["reason"]}', file=sys.stderr)
    return 0


def cmd_predict(args) -> int:
    from petcognizer.core.predict import Predictor

    pred = Predictor.load(args.model)
    progress = _Progress(quiet=args.quiet or args.json)
    try:
        results = pred.predict_paths(args.paths, top_k=args.top_k, tta=args.tta, callback=progress)
    finally:
        progress.close()
    if not results:
        raise ValueError('no photos found in ' + ', '.join(args.paths))
    failed = 0
    for r in results:
        if args.json:
            print(json.dumps(r.to_dict()))
        elif r.error:
            print(f'{r.path}: ERROR {r.error}')
        else:
            probs = ', '.join(f'{k} {v:.1%}' for k, v in r.probabilities)
            print(f'{r.path}: {r.label} ({probs})')
        failed += r.error is not None
    return EXIT_ERROR if failed == len(results) else 0


def cmd_export(args) -> int:
    from petcognizer.core.export import export_model

    out = export_model(args.model, args.out, args.format)
    print(f'Exported {out}\n\nHow to use it:\n{usage_snippet(args.format, out)}')
    return 0


def cmd_backbones(args) -> int:
    if args.import_weights:
        dst = import_weights(args.import_weights)
        print(f'Installed {dst}')
        return 0
    rows = []
    for spec in list_backbones():
        if spec.source == 'random' and not args.all:
            continue
        ok, text = weights_status(spec)
        rows.append({'name': spec.name, 'family': spec.family, 'params_m': spec.params_m,
                     'input_size': spec.input_size, 'imagenet_top1': spec.imagenet_top1,
                     'license': spec.license, 'source': spec.source, 'stages': list(spec.stages),
                     'usable': ok, 'status': text, 'weights_url': spec.weights_url})
    if args.json:
        print(json.dumps({'backbones': rows, 'cache': str(hub_checkpoint_dir())}, indent=1))
        return 0
    print(f'{"backbone":<20} {"params":>7} {"top-1":>6} {"stages":>6}  status')
    for r in rows:
        top1 = f'{r["imagenet_top1"]:.1f}' if r['imagenet_top1'] else '-'
        print(f'{r["name"]:<20} {r["params_m"]:6.1f}M {top1:>6} {len(r["stages"]):>6}  '
              f'{"ready: " if r["usable"] else ""}{r["status"]}')
    print(f'\nDownloaded weights live in {hub_checkpoint_dir()}')
    return 0


def cmd_similar(args) -> int:
    from petcognizer.core.similar import find_similar  # imports torch

    project = Project.open(args.project)
    progress = _Progress(quiet=args.quiet or args.json)
    try:
        results = find_similar(project, args.image, k=args.k, callback=progress)
    finally:
        progress.close()
    for path, score in results:
        print(json.dumps({'path': str(path), 'similarity': round(score, 4)}) if args.json
              else f'{score:.3f}  {path}')
    return 0


def cmd_gui(args) -> int:
    from petcognizer.gui.app import run

    return run(project=getattr(args, 'project', None),
               screenshot_dir=getattr(args, 'screenshot', None))


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog='petcognizer',
        description='Train an image classifier from folders of photos, offline. '
                    'Run without arguments to open the desktop app.')
    p.add_argument('--version', action='version', version=f'petcognizer {__version__}')
    p.add_argument('--debug', action='store_true', help='show tracebacks on errors')
    sub = p.add_subparsers(dest='command')

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument('--quiet', '-q', action='store_true', help='no progress output')
    common.add_argument('--debug', action='store_true', default=argparse.SUPPRESS,
                        help='show tracebacks on errors')

    t = sub.add_parser('train', parents=[common], help='train a model on class folders',
                       description='Train on DATA: a petcognizer project or a folder with one '
                                   'subfolder of photos per class. Options not given are chosen '
                                   'from the data.')
    t.add_argument('data', metavar='DATA')
    t.add_argument('--out', '-o', required=True, metavar='MODEL', help='model file to write (.safetensors)')
    t.add_argument('--backbone', default=DEFAULT_BACKBONE, help='see `petcognizer backbones`')
    t.add_argument('--freeze-depth', metavar='N|all',
                   help='how many top backbone stages train (0 = head only, "all" = everything)')
    t.add_argument('--head', choices=HEADS,
                   help='prototype = nearest class mean (frozen backbone only)')
    t.add_argument('--epochs', type=int)
    t.add_argument('--seed', type=int)
    t.add_argument('--lr', type=float, help='learning rate of the head')
    t.add_argument('--batch-size', type=int)
    t.add_argument('--weight-decay', type=float)
    t.add_argument('--label-smoothing', type=float)
    t.add_argument('--schedule', choices=SCHEDULES,
                   help='"unfreeze": head first, then top stages one at a time')
    t.add_argument('--augment', action='store_true', help='random resized crop + flip')
    t.add_argument('--color-jitter', action='store_true')
    t.add_argument('--cutout', action='store_true', help='random erasing')
    t.add_argument('--aug-views', type=int, help='augmented views cached per photo')
    t.add_argument('--progressive-resize', action='store_true',
                   help='first half of the epochs at 3/4 size (with --freeze-depth all)')
    t.add_argument('--val-fraction', type=float)
    t.add_argument('--patience', type=int, help='early stopping: epochs without a better validation '
                                                'accuracy (0 = off)')
    t.add_argument('--warmup-epochs', type=int)
    t.add_argument('--dropout', type=float, help='for the gap-dropout and fc-dropout heads')
    t.add_argument('--head-l2', type=float, help="L2 penalty on the head's weights")
    t.add_argument('--no-prior', action='store_true', help='do not use ImageNet knowledge of class names')
    t.add_argument('--ensemble', action='store_true', default=None,
                   help='average heads on EfficientNet-Lite0/1/2 (default for few photos)')
    t.add_argument('--no-ensemble', dest='ensemble', action='store_false',
                   help='one backbone only')
    t.add_argument('--device', choices=('auto', 'cpu', 'cuda', 'mps'))
    t.add_argument('--json', action='store_true', help='print a JSON summary')
    t.set_defaults(func=cmd_train)

    e = sub.add_parser('eval', parents=[common], help='evaluate a model on labelled folders')
    e.add_argument('model', metavar='MODEL')
    e.add_argument('data', metavar='DATA')
    e.add_argument('--json', action='store_true')
    e.add_argument('--csv', metavar='FILE', help='write per-class metrics as CSV')
    e.add_argument('--tta', action='store_true', help='test-time augmentation (flip)')
    e.set_defaults(func=cmd_eval)

    pr = sub.add_parser('predict', parents=[common], help='classify photos or folders')
    pr.add_argument('model', metavar='MODEL')
    pr.add_argument('paths', metavar='PATH', nargs='+')
    pr.add_argument('--top-k', type=int, default=3)
    pr.add_argument('--json', action='store_true', help='one JSON object a line')
    pr.add_argument('--tta', action='store_true', help='test-time augmentation (flip)')
    pr.set_defaults(func=cmd_predict)

    x = sub.add_parser('export', parents=[common], help='export a model to another format')
    x.add_argument('model', metavar='MODEL')
    x.add_argument('--out', '-o', required=True)
    x.add_argument('--format', choices=('safetensors', 'onnx', 'torchscript'), default='safetensors')
    x.set_defaults(func=cmd_export)

    b = sub.add_parser('backbones', parents=[common], help='list backbones and whether they can be used now')
    b.add_argument('--json', action='store_true')
    b.add_argument('--all', action='store_true', help='include test backbones')
    b.add_argument('--import-weights', metavar='FILE', help='install a downloaded weights file')
    b.set_defaults(func=cmd_backbones)

    s = sub.add_parser('similar', parents=[common], help='find photos in a project similar to one')
    s.add_argument('project', metavar='PROJECT')
    s.add_argument('image', metavar='IMAGE')
    s.add_argument('-k', type=int, default=12)
    s.add_argument('--json', action='store_true')
    s.set_defaults(func=cmd_similar)

    g = sub.add_parser('gui', parents=[common], help='open the desktop app')
    g.add_argument('project', metavar='PROJECT', nargs='?')
    g.add_argument('--screenshot', metavar='DIR', help='render each page to DIR/*.png and exit')
    g.set_defaults(func=cmd_gui)
    return p


def main(argv: list[str] | None = None) -> int:
    tune_allocator()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return cmd_gui(args)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print('petcognizer: cancelled', file=sys.stderr)
        return EXIT_CANCELLED
    except Exception as exc:  # one clear line, unless --debug
        if getattr(args, 'debug', False) or os.environ.get('PETCOGNIZER_DEBUG'):
            raise
        msg = str(exc) or type(exc).__name__
        if isinstance(exc, KeyError) and exc.args:
            msg = str(exc.args[0])
        print(f'petcognizer: error: {msg}', file=sys.stderr)
        return EXIT_ERROR
