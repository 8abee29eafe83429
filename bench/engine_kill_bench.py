"""The engine killed with SIGKILL in the middle of a training run, from the window (issue 8).

Run by hand, never in the test suite (it reads ``../shared/datasets`` and takes a few minutes)::

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/engine_kill_bench.py [--kills 10] [--seed 0] [--fine-tune]

The real :class:`~petcognizer.gui.main_window.MainWindow` with the real engine process (as
``petcognizer gui`` starts it: ``create_app``, ``warm_up``, a shown window, message boxes
left on; a watchdog timer records and closes any dialog that opens, so a message box counts as
a message and cannot block the bench). Settings and the user cache go to a temporary folder
(``PETCOGNIZER_CONFIG``, ``PETCOGNIZER_CACHE``).

A fresh project of 2 classes x 20 photos (beagle and samoyed from
``../shared/datasets/imagewoof-mini``; synthetic photos when that folder is missing) is opened;
the Train page keeps its recommended settings (for 40 photos: the ensemble of
EfficientNet-Lite0/1/2, frozen, 200 epochs with early stopping: such a run is spent mostly
extracting features). With ``--fine-tune`` the form is set to one backbone with every stage
training and ``--epochs`` epochs (default 3), a run spent mostly in epochs. A first Train, clicked with
``QTest.mouseClick``, measures the run's duration (feature cache cold). Then ``--kills`` times:

1. the project's feature cache (``.cache/features``, the bench's own project) is cleared, so
   every run is the calibrated cold run;
2. Train is clicked; at a moment drawn uniformly (seeded) over the calibrated duration, the
   engine (``petcognizer.gui.engine.engine_pid()``) gets ``kill -9``;
3. checks: ``window_open`` (the window is still visible), ``one_message`` (the Train page
   shows exactly one error banner, one line, naming the engine, and no dialog opened),
   ``run_not_recorded`` (the window's project lists no half run), ``labels_intact``
   (``Project.open(root)`` in a fresh object has the same class -> file list as before the
   click), ``next_train_works`` (Train again: the run finishes, is not cancelled, has a model
   file, a new engine pid ran it, the window and a fresh ``Project.open`` list it, the runs
   table has one more row and the error banner is gone).

A kill whose moment came after the run had finished is reported and another moment drawn.
Per kill: the moment (s after the click) and the phase (from the last progress event:
``setup``, ``features``, ``epochs``, ``measure``; and the ensemble member), the message, each
check. Also: leftover ``*.tmp`` files in the project after the kill (information, not a check),
``torch`` never imported by the window process, and the load average at start and end. JSON to
stdout and to ``bench/results/engine_kill-<UTC time>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT.parent / 'shared' / 'datasets'
RESULTS = ROOT / 'bench' / 'results'
CLASSES = ('beagle', 'samoyed')


def log(*parts: Any) -> None:
    print('[engine_kill_bench]', *parts, file=sys.stderr, flush=True)


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def git_commit() -> str:
    """HEAD, with ``+dirty`` when ``petcognizer/`` has uncommitted changes."""
    try:
        head = subprocess.run(['git', 'rev-parse', 'HEAD'], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(['git', 'status', '--porcelain', '--', 'petcognizer'], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
        return head + ('+dirty' if dirty else '')
    except (OSError, subprocess.CalledProcessError):
        return 'unknown'


def source_photos(tmp: Path, per_class: int) -> tuple[dict[str, list[Path]], str]:
    """``per_class`` photos of each class: benchmark photos, or synthetic ones when missing."""
    woof = DATASETS / 'imagewoof-mini'
    if all((woof / c).is_dir() for c in CLASSES):
        return ({c: sorted(p for p in (woof / c).iterdir() if p.is_file())[:per_class] for c in CLASSES},
                f'{woof} (first {per_class} of {", ".join(CLASSES)})')
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    out: dict[str, list[Path]] = {}
    for k, c in enumerate(CLASSES):
        folder = tmp / 'synthetic' / c
        folder.mkdir(parents=True)
        out[c] = []
        for i in range(per_class):
            base = np.array([200, 120, 60] if k == 0 else [70, 70, 200], dtype=np.int16)
            px = np.clip(base + rng.integers(-50, 50, size=(320, 400, 3)), 0, 255).astype(np.uint8)
            path = folder / f'{c}_{i:02d}.jpg'
            Image.fromarray(px).save(path, quality=90)
            out[c].append(path)
    return out, f'synthetic 400x320 JPEGs ({woof} is missing)'


def labels_of(project) -> dict[str, list[str]]:
    root = Path(project.root)
    return {c: sorted(p.relative_to(root).as_posix() for p in project.images(c)) for c in project.classes}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    ap.add_argument('--kills', type=int, default=10, help='kills of the engine (default 10)')
    ap.add_argument('--seed', type=int, default=0, help='seed of the kill moments (default 0)')
    ap.add_argument('--per-class', type=int, default=20, help='photos a class (default 20)')
    ap.add_argument('--fine-tune', action='store_true',
                    help='set the form to one backbone, every stage training (freeze slider at its '
                         'maximum) and --epochs epochs: a run spent mostly in epochs')
    ap.add_argument('--epochs', type=int, default=3, help='epochs with --fine-tune (default 3)')
    ap.add_argument('--timeout', type=float, default=300.0, help='longest wait for a run, s (default 300)')
    args = ap.parse_args(argv)

    os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')
    tmp = Path(tempfile.mkdtemp(prefix='petcognizer-kill-bench-'))
    os.environ['PETCOGNIZER_CONFIG'] = str(tmp / 'settings.json')
    os.environ['PETCOGNIZER_CACHE'] = str(tmp / 'user-cache')

    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

    from petcognizer.core.events import (
        BatchEnded,
        EpochEnded,
        EpochStarted,
        Message,
        RunEnded,
        StageProgress,
    )
    from petcognizer.core.project import Project
    from petcognizer.gui.app import create_app
    from petcognizer.gui.engine import engine_pid, shutdown_engine, warm_up
    from petcognizer.gui.main_window import MainWindow
    from petcognizer.gui.widgets import BannerLabel

    report: dict[str, Any] = {
        'bench': 'engine_kill', 'command': ' '.join([sys.executable, *sys.argv]), 'commit': git_commit(),
        'nproc': os.cpu_count(), 'seed': args.seed, 'load_start': loadavg(),
        'date': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
    }
    rng = random.Random(args.seed)
    app = create_app(['engine_kill_bench'])
    warm_up()
    window = MainWindow()
    window.resize(1280, 800)
    window.show()

    dialogs: list[str] = []

    def close_dialogs() -> None:
        """A dialog is a message too: record it and close it (a modal one would block the bench)."""
        for w in QApplication.topLevelWidgets():
            if isinstance(w, QDialog) and w.isVisible():
                text = w.text() if isinstance(w, QMessageBox) else w.windowTitle()
                dialogs.append(f'{type(w).__name__}: {w.windowTitle()}: {text}')
                w.reject()

    watchdog = QTimer()
    watchdog.setInterval(100)
    watchdog.timeout.connect(close_dialogs)
    watchdog.start()

    def wait_until(pred: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not pred():
            if time.monotonic() > deadline:
                return False
            QTest.qWait(10)
        return True

    # ---- the project
    photos, source = source_photos(tmp, args.per_class)
    report['photos'] = source
    project = Project.create(tmp / 'project', classes=list(photos))
    for c, paths in photos.items():
        project.add_files(paths, c)
    root = Path(project.root)
    del project
    if not window.open_project(root):
        log('could not open the project', root)
        return 1
    window.tabs.setCurrentWidget(window.train_page)
    page = window.train_page
    if args.fine_tune:
        page.set_config({'ensemble': False, 'freeze_depth': page.freeze_slider.maximum(),
                         'epochs': args.epochs})
    report['fine_tune'] = args.fine_tune
    report['config'] = page.config_dict()
    QTest.qWait(200)

    class Phase:
        """The run's phase from the progress events the page receives."""

        def __init__(self) -> None:
            self.phase, self.member, self.epochs = 'setup', 1, 0
            self.marks: list[tuple[float, str]] = []
            self.t0 = time.monotonic()

        def __call__(self, ev: Any) -> None:
            phase = self.phase
            if isinstance(ev, StageProgress):
                phase = {'features': 'features', 'predict': 'measure', 'weights': 'setup'}.get(ev.stage, ev.stage)
            elif isinstance(ev, (EpochStarted, BatchEnded, EpochEnded)):
                phase = 'epochs'
                self.epochs += isinstance(ev, EpochEnded)
            elif isinstance(ev, Message) and ev.text.startswith('Ensemble: training member'):
                self.member = int(ev.text.split('member ')[1].split()[0])
                phase = 'setup'
            elif isinstance(ev, RunEnded):
                phase = 'ended'
            if phase != self.phase:
                self.marks.append((round(time.monotonic() - self.t0, 2), f'{phase}#{self.member}'))
            self.phase = phase

    finished: list[Any] = []
    page.run_finished.connect(finished.append)

    def click_train() -> Phase | None:
        """Click Train; return the phase tracker (None if the run did not start)."""
        if not page.start_button.isEnabled():
            return None
        tracker = Phase()
        QTest.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
        worker = getattr(page, '_worker', None)
        if worker is None:
            return None
        worker.progressed.connect(tracker)
        return tracker

    def run_to_end(timeout: float) -> tuple[Any, float, Phase | None]:
        """Click Train and wait for the run's record; (record or None, seconds, tracker)."""
        n = len(finished)
        t0 = time.monotonic()
        tracker = click_train()
        ok = tracker is not None and wait_until(lambda: len(finished) > n and not page.is_busy(), timeout)
        return (finished[-1] if ok else None), time.monotonic() - t0, tracker

    def clear_features() -> None:
        shutil.rmtree(root / '.cache' / 'features', ignore_errors=True)

    # ---- calibration: one full run, cold feature cache (the engine was warmed up meanwhile)
    wait_until(lambda: engine_pid() is not None, 60)
    QTest.qWait(3000)  # let the warm-up import torch in the engine: not part of a run
    clear_features()
    record, seconds, tracker = run_to_end(args.timeout)
    if record is None:
        log('the calibration run did not finish:', page.error_banner.text())
        report['error'] = f'calibration run did not finish: {page.error_banner.text()}'
        print(json.dumps(report, indent=1))
        return 1
    report['calibration'] = {'run_s': round(seconds, 2), 'phases': tracker.marks if tracker else [],
                             'record_id': record.id}
    duration = seconds
    log(f'calibration run: {seconds:.1f} s; phases {tracker.marks if tracker else []}')

    kills: list[dict] = []
    attempts = 0
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())
    path = RESULTS / f'engine_kill-{stamp}{"-finetune" if args.fine_tune else ""}.json'

    def save_partial() -> None:
        """The report so far (``partial``: true), so a bench stopped midway keeps what it measured."""
        path.write_text(json.dumps({**report, 'partial': True, 'kills': kills}, indent=1) + '\n',
                        encoding='utf-8')
    while len([k for k in kills if not k.get('finished_before_kill')]) < args.kills and attempts < 2 * args.kills:
        attempts += 1
        before = labels_of(Project.open(root))
        runs_before = [r.id for r in window.project.runs]
        rows_before = page.runs_table.rowCount()
        clear_features()
        dialogs.clear()
        moment = rng.uniform(0.0, duration)
        n_finished = len(finished)
        t0 = time.monotonic()
        tracker = click_train()
        entry: dict[str, Any] = {'moment_s': round(moment, 2), 'load_at_click': loadavg()}
        if tracker is None:
            entry['error'] = 'Train did not start: ' + page.summary_label.text()
            kills.append(entry)
            continue
        wait_until(lambda n=n_finished: len(finished) > n or not page.is_busy(), moment)
        pid = engine_pid()
        if len(finished) > n_finished or not page.is_busy() or pid is None:
            entry['finished_before_kill'] = True
            entry['run_s'] = round(time.monotonic() - t0, 2)
            wait_until(lambda: not page.is_busy(), args.timeout)
            kills.append(entry)
            log(f'#{attempts}: the run ended before {moment:.1f} s; drawing again')
            continue
        entry.update({'killed_at_s': round(time.monotonic() - t0, 2), 'phase': tracker.phase,
                      'member': tracker.member, 'epochs_ended': tracker.epochs, 'engine_pid': pid,
                      'status_at_kill': page.status_label.text()})
        t_kill = time.monotonic()
        os.kill(pid, signal.SIGKILL)
        stopped = wait_until(lambda: not page.is_busy(), 30)
        entry['message_after_s'] = round(time.monotonic() - t_kill, 2) if stopped else None
        QTest.qWait(300)  # anything else the window would show comes now
        checks: dict[str, bool] = {}
        checks['window_open'] = window.isVisible() and window in QApplication.topLevelWidgets()
        banners = [b for b in page.findChildren(BannerLabel) if b.isVisible()]
        errors = [b for b in banners if b is page.error_banner]
        text = page.error_banner.text() if page.error_banner.isVisible() else ''
        entry['message'] = text
        entry['other_banners'] = [b.text() for b in banners if b is not page.error_banner]
        entry['dialogs'] = list(dialogs)
        entry['status_after'] = page.status_label.text()
        entry['statusbar_after'] = window.statusBar().currentMessage()
        # information, not a check: the previous run's "Training finished" (15 s) still showing
        entry['statusbar_says_finished'] = 'training finished' in entry['statusbar_after'].lower()
        checks['one_message'] = (
            stopped and len(errors) == 1 and not dialogs and '\n' not in text and '<br' not in text.lower()
            and 'engine' in text.lower() and text.lower().count('stopped unexpectedly') == 1)
        checks['run_not_recorded'] = window.project is not None and [r.id for r in window.project.runs] == runs_before
        after = labels_of(Project.open(root))
        checks['labels_intact'] = after == before
        if after != before:
            entry['labels_diff'] = {c: {'before': len(before.get(c, [])), 'after': len(after.get(c, []))}
                                    for c in sorted(set(before) | set(after))}
        entry['tmp_files_left'] = sorted(p.relative_to(root).as_posix() for p in root.rglob('*.tmp'))
        # the next Train
        record, seconds, _ = run_to_end(args.timeout)
        new_pid = engine_pid()
        entry['next_train_s'] = round(seconds, 2)
        ok = record is not None and not record.cancelled and bool(record.model_path)
        if ok:
            ok = (new_pid not in (None, pid)
                  and (root / record.model_path).is_file()
                  and [r.id for r in window.project.runs] == [*runs_before, record.id]
                  and any(r.id == record.id for r in Project.open(root).runs)
                  and page.runs_table.rowCount() == rows_before + 1
                  and page.error_banner.isHidden())
        else:
            entry['next_train_error'] = page.error_banner.text()
        checks['next_train_works'] = ok
        entry['checks'] = checks
        entry['passed'] = all(checks.values())
        kills.append(entry)
        save_partial()
        log(f'#{attempts}: killed at {entry["killed_at_s"]} s ({entry["phase"]}#{entry["member"]}); '
            f'message after {entry["message_after_s"]} s: {text!r}; checks {checks}')

    done = [k for k in kills if 'checks' in k]
    report['kills'] = kills
    report['summary'] = {
        'kills': len(done),
        'passed': sum(1 for k in done if k['passed']),
        'finished_before_kill': sum(1 for k in kills if k.get('finished_before_kill')),
        'by_check': {name: sum(1 for k in done if k['checks'].get(name)) for name in
                     ('window_open', 'one_message', 'run_not_recorded', 'labels_intact', 'next_train_works')},
        'phases': sorted({f'{k["phase"]}#{k["member"]}' for k in done}),
        'statusbar_says_finished_after_kill': sum(1 for k in done if k.get('statusbar_says_finished')),
        'message_after_s_max': max((k['message_after_s'] for k in done if k.get('message_after_s') is not None),
                                   default=None),
    }
    report['window_imported_torch'] = 'torch' in sys.modules
    watchdog.stop()
    ok = window.shutdown(20000)
    report['shutdown_ok'] = ok
    window.hide()
    window.deleteLater()
    shutdown_engine()
    app.processEvents()
    report['load_end'] = loadavg()
    report['commit_at_end'] = git_commit()
    shutil.rmtree(tmp, ignore_errors=True)
    report['partial'] = False
    text = json.dumps(report, indent=1)
    print(text)
    path.write_text(text + '\n', encoding='utf-8')
    s = report['summary']
    log(f'wrote {path}: {s["passed"]}/{s["kills"]} kills passed every check {s["by_check"]}; '
        f'load {report["load_start"]} -> {report["load_end"]}')
    return 0 if s['kills'] and s['passed'] == s['kills'] else 1


if __name__ == '__main__':
    sys.exit(main())
