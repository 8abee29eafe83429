"""``petcognizer eval``, ``predict`` and ``export``: commands that use a saved model file."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import time
from pathlib import Path

from petcognizer.cli.places import (
    PlaceError,
    check_export_sidecar,
    check_new_file,
    export_destination,
    is_metrics_csv,
    ours_for_export,
)
from petcognizer.cli.progress import Progress
from petcognizer.cli.text import count, echo, rate_text, shown
from petcognizer.cli.training import EXIT_ERROR
from petcognizer.core.exportformats import usage_snippet
from petcognizer.core.fsutil import atomic_write_text
from petcognizer.core.modelfile import read_metadata

# petcognizer.core.predict and .export import torch: each command imports them when it runs.

__all__ = ['check_model_arg', 'cmd_eval', 'cmd_export', 'cmd_predict', 'confusion_lines', 'path_problem']

_MADE = {'safetensors': 'petcognizer model',
         'onnx': 'ONNX file exported by petcognizer',
         'torchscript': 'TorchScript file exported by petcognizer'}


def _fail(text: str) -> int:
    echo(f'petcognizer: error: {text}', err=True)
    return EXIT_ERROR


# ---------------------------------------------------------------------- eval


def confusion_lines(classes: list[str], confusion: list[list[int]]) -> list[str]:
    """The confusion table, each column as wide as its class name (no name is ever cut)."""
    names = [shown(c) for c in classes]
    biggest = max((v for row in confusion for v in row), default=0)
    widths = [max(6, len(n), len(str(biggest))) for n in names]
    label = max([len('class')] + [len(n) for n in names])
    lines = [' ' * (label + 2) + '  '.join(f'{n:>{w}}' for n, w in zip(names, widths))]
    for n, row in zip(names, confusion):
        lines.append(f'{n:<{label}}  ' + '  '.join(f'{v:{w}d}' for v, w in zip(row, widths)))
    return lines


def _metrics_csv(per_class: dict) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator='\n')
    w.writerow(['class', 'precision', 'recall', 'f1', 'support'])
    for c, m in per_class.items():
        w.writerow([c, f'{m["precision"]:.4f}', f'{m["recall"]:.4f}', f'{m["f1"]:.4f}', m['support']])
    return buf.getvalue()


def _unknown_lines(unknown: dict[str, int]) -> list[str]:
    return [f"skipped {count(n, 'photo')} of class '{shown(c)}', which the model does not know"
            for c, n in unknown.items()]


def _print_report(rep: dict, unknown: dict[str, int]) -> None:
    echo(f'Accuracy: {rep["accuracy"]:.2%} on {count(rep["n"], "photo")}')
    for line in _unknown_lines(unknown):
        echo(line)
    names = [shown(c) for c in rep['classes']]
    width = max([len('class')] + [len(n) for n in names])
    echo(f'\n{"class":<{width}}  precision  recall     f1  support')
    for n, m in zip(names, rep['per_class'].values()):
        echo(f'{n:<{width}}  {m["precision"]:9.3f}  {m["recall"]:6.3f}  {m["f1"]:5.3f}  '
             f'{m["support"]:7d}')
    if rep.get('ece') is not None:
        echo(f'\nExpected calibration error (15 bins): {rep["ece"]:.3f} '
             f'(temperature {rep.get("temperature", 1.0):.2f})')
        echo('Reliability (confidence bins holding photos):')
        echo('  confidence  photos  mean confidence  accuracy')
        for r in rep.get('reliability', []):
            echo(f'  {r["low"]:.2f}-{r["high"]:.2f}  {r["n"]:6d}  {r["confidence"]:15.3f}  '
                 f'{r["accuracy"]:8.3f}')
    if rep.get('unknown_measured'):
        echo(f'Flagged {count(rep["unknown_flagged"], "photo")} of {rep["n"]} as none of these '
             'classes')
    else:
        echo('This model file cannot flag photos as none of these classes (trained before '
             'petcognizer measured that); train it again to add it')
    echo('\nConfusion (rows: true, columns: predicted)')
    for line in confusion_lines(rep['classes'], rep['confusion']):
        echo(line)
    if rep['most_confident_wrong']:
        echo('\nMost confidently wrong:')
        for w in rep['most_confident_wrong'][:5]:
            echo(f'  {w["path"]}: {w["true"]} predicted as {w["predicted"]} ({w["confidence"]:.0%})')


def cmd_eval(args) -> int:
    """Evaluate; exit 1 if photos were left out (unknown classes, unreadable files)."""
    if args.csv:
        check_new_file(args.csv, option='--csv', force=args.force, ours=is_metrics_csv,
                       made='metrics file written by petcognizer eval', example='metrics.csv')
    check_model_arg(args.model)  # before torch loads
    from petcognizer.core.predict import evaluate  # imports torch

    progress = Progress(quiet=args.quiet or args.json)
    try:
        rep = evaluate(args.model, args.data, tta=args.tta, callback=progress)
    finally:
        progress.close()
    if args.csv:
        atomic_write_text(args.csv, _metrics_csv(rep['per_class']), tmp_prefix='.petcognizer-')
    unknown = dict(rep.get('unknown_classes') or {})
    if args.json:
        print(json.dumps(rep, indent=1))
        for line in _unknown_lines(unknown):
            echo(line, err=True)
    else:
        _print_report(rep, unknown)
    for sentence in rep['left_out']:  # hidden or unreadable class folders...
        echo('warning: ' + sentence, err=True)
    for s in rep['skipped']:
        echo(f'skipped {s["path"]}: {s["reason"]}', err=True)
    problems = []
    if unknown and not args.ignore_unknown_classes:
        n = sum(unknown.values())
        names = ', '.join(f"'{shown(c)}'" for c in unknown)
        problems.append(f'{shown(args.data)}: {count(n, "photo")} in '
                        f'{count(len(unknown), "class", "classes")} the model does not know ({names}) '
                        f'{"was" if n == 1 else "were"} left out of the accuracy; add '
                        "--ignore-unknown-classes to evaluate the model's classes only")
    if rep['skipped']:
        k = len(rep['skipped'])
        problems.append(f'{count(k, "photo")} could not be read (listed above) and '
                        f'{"was" if k == 1 else "were"} left out; fix or remove '
                        f'{"it" if k == 1 else "them"} and evaluate again')
    return _fail('; '.join(problems)) if problems else 0


# ---------------------------------------------------------------------- predict


def path_problem(path: os.PathLike | str) -> str | None:
    """Why a file named on the command line cannot be a photo, without opening it (None if it can).

    A named pipe, device or socket is never opened (reading one can block for
    ever); a missing file is named as such.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return 'no such file or folder; check the name'
    except OSError as exc:
        return f'cannot be read ({exc.strerror or exc}); check the file and its permissions'
    if stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode):
        return None
    kind = ('a named pipe' if stat.S_ISFIFO(st.st_mode) else
            'a socket' if stat.S_ISSOCK(st.st_mode) else 'a device')
    return f'{kind}, not a photo file; give the photo file itself'


def check_model_arg(path: os.PathLike | str) -> None:
    """MODEL is a model file petcognizer can read (its header only; no torch, never a pipe)."""
    problem = path_problem(path)
    if problem is None and os.path.isdir(path):
        problem = 'a folder, not a model file; give the .safetensors file petcognizer saved'
    if problem is not None:
        raise PlaceError(f'{shown(path)}: {problem}')
    read_metadata(path)  # not a petcognizer model: one line naming it


def cmd_predict(args) -> int:
    """Classify; every file is printed, and exit 1 if any could not be read."""
    check_model_arg(args.model)  # before torch loads
    from petcognizer.core.predict import (  # imports torch
        Prediction,
        Predictor,
        collect_images,
    )

    pred = Predictor.load(args.model)
    groups: list[tuple[str, list[Path] | str]] = []
    for raw in args.paths:
        problem = path_problem(raw)
        groups.append((raw, problem if problem else collect_images([raw])))
    files = [f for _, g in groups if not isinstance(g, str) for f in g]
    if not files and not any(isinstance(g, str) for _, g in groups):
        raise ValueError('no photos found in ' + ', '.join(shown(p) for p in args.paths)
                         + '; give photo files or folders of photos')
    progress = Progress(quiet=args.quiet or args.json)
    t0 = time.perf_counter()
    try:
        found = pred.predict_paths(files, top_k=args.top_k, tta=args.tta, callback=progress,
                                   flag_unknown=not getattr(args, 'no_unknown', False)
                                   ) if files else []
    finally:
        progress.close()
    seconds = time.perf_counter() - t0
    it = iter(found)
    results = []
    for raw, g in groups:
        if isinstance(g, str):
            results.append(Prediction(Path(raw), None, [], g))
        else:
            results += [next(it) for _ in g]
            if not g and not args.json:
                echo(f'warning: {raw}: no photos in this folder', err=True)
    failed = 0
    for r in results:
        if args.json:
            print(json.dumps(r.to_dict()))
        elif r.error:
            echo(f'{r.path}: ERROR {r.error}')
        elif r.unknown:
            probs = ', '.join(f'{k} {v:.1%}' for k, v in r.probabilities)
            echo(f'{r.path}: Not one of: {", ".join(pred.classes)} (closest {probs}; '
                 f'unknown score {r.unknown_score:.2f}, above 1 is flagged)')
        else:
            probs = ', '.join(f'{k} {v:.1%}' for k, v in r.probabilities)
            echo(f'{r.path}: {r.label} ({probs})')
        failed += r.error is not None
    if not (args.quiet or args.json) and found:
        rate = rate_text(len(found), seconds)
        echo(f'{count(len(found), "photo")} classified in {seconds:.1f} s'
             + (f' ({rate})' if rate else ''), err=True)
    if failed:
        return _fail(f'{failed} of {count(len(results), "photo")} could not be read '
                     f'(the ERROR {"line" if failed == 1 else "lines"}); '
                     + ('the others were classified' if failed < len(results) else
                        'give photos petcognizer can read (JPEG, PNG, WebP, BMP, GIF or TIFF)'))
    return 0


# ---------------------------------------------------------------------- export


def cmd_export(args) -> int:
    """Export; the destination is checked (and its extension settled) before anything is written."""
    dest, note = export_destination(Path(args.out), args.format)
    check_model_arg(args.model)  # before torch loads
    if dest.exists() and Path(args.model).exists() and os.path.samefile(dest, args.model):
        raise PlaceError(f'{shown(dest)}: is the model being exported; choose another name for --out')
    check_new_file(dest, option='--out', force=args.force, ours=ours_for_export(args.format),
                   made=_MADE[args.format], example=f'model{dest.suffix}')
    if args.format == 'onnx':
        check_export_sidecar(dest, args.force)
    from petcognizer.core.export import export_checked  # imports torch

    also = tuple(a.strip() for a in getattr(args, 'also', '').split(',') if a.strip())
    res = export_checked(args.model, dest, args.format, also=also)
    out = res.path
    more = ''.join(f'\n  and {f}' for f in res.files[1:])
    echo(f'Exported {out}' + (f' ({note})' if note else '') + more)
    if res.check:
        c = res.check
        echo(f'Checked: reloaded and run on {c["photos"]} test photos: top-1 agrees on '
             f'{c["top1_agree"]} of {c["photos"]}, largest difference in probability '
             f'{c["max_abs_diff"]:.1e} (tolerance {c["tolerance"]:g})'
             + ('; no float64 in the graph' if 'float64' in c else ''))
        for kind, v in c.get('variants', {}).items():
            echo(f'  {kind}: {v["runtime"]}: top-1 {v["top1_agree"]} of {v["photos"]}, '
                 f'largest difference {v["max_abs_diff"]:.1e}')
    echo(f'\nHow to use it:\n{usage_snippet(args.format, out)}')
    return 0
