"""Cancel latency of a training run (issue 9): time from ``CancelToken.cancel()`` to the call returning.

Run by hand, never in the test suite (it reads ``../shared/datasets`` and takes a few minutes)::

    .venv/bin/python bench/cancel_bench.py [--quick] [--seed 0] [--engine-cancels 8]

A project of 40 photos (20 beagle + 20 samoyed from ``../shared/datasets/imagewoof-mini``;
synthetic photos when that folder is missing) is made in a temporary folder. Then, in this
process, :func:`petcognizer.core.service.train_project` and ``train_snapshot`` run in the
scenarios below; a second thread calls ``CancelToken.cancel()`` at a random moment, drawn
uniformly (seeded) over the run's expected duration, which a calibration run of the same
scenario measured first (capped at ``--cap`` seconds for the fine-tuning runs, which would
otherwise take many minutes). Each cancel reports:

* ``latency_s``: from ``cancel()`` to the call returning (or raising ``Cancelled``), and its
  split: cancel -> the run's ``RunEnded`` event (the training loops), ``RunEnded`` -> return
  (saving the model, recording the run);
* the phase the run was in, from its last event: ``setup`` (loading the backbone, reading the
  feature cache, choosing the prior's weight, the L-BFGS fit of the head: stages that send no
  event), ``features`` (extracting), ``epochs``, ``measure`` (the ensemble's validation pass),
  and the ensemble member; in process also the training thread's innermost petcognizer frames
  at the cancel (``frames_at_cancel``);
* the contract check (``petcognizer/core/service.py``): when an epoch had finished before
  the cancel, the call returns a record with ``cancelled=True`` (and ``train_project`` has
  recorded it: ``Project.open(root).runs`` lists it); otherwise it raises ``Cancelled`` or
  returns such a record;
* while the call has not returned, the training thread's innermost petcognizer frames
  (file:line), sampled every 0.25 s after the cancel: where the time goes when it is slow.

Scenarios (20 in-process cancels in all; ``--quick``: one each):

| name | call | settings | feature cache |
|---|---|---|---|
| ``recommended`` | train_project | ``recommend_config(40, 2)`` (ensemble of Lite0/1/2, frozen) | cleared before each run |
| ``recommended_snapshot`` | train_snapshot | the same | warm |
| ``freeze1`` | train_project | the same, one backbone (Lite0), freeze depth 1 | cleared before each run |
| ``freeze_all`` | train_snapshot | one backbone, freeze depth all (images decoded every epoch) | - |

Then the same through the engine process (``--engine-cancels``, half ``recommended`` with a
cleared cache, half ``freeze_all``): ``EngineClient.submit('train', ...)`` with the kwargs the
Train page sends, ``handle.cancel()`` at a random moment, time to the terminal reply
(``done`` with a cancelled record, or ``cancelled``).

JSON to stdout and to ``bench/results/cancel-<UTC time>[-quick].json``; the load average at the
start and end of every scenario. Goal (issue 9): worst at most 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT.parent / 'shared' / 'datasets'
RESULTS = ROOT / 'bench' / 'results'
CLASSES = ('beagle', 'samoyed')
GOAL_S = 1.0


def log(*parts: Any) -> None:
    print('[cancel_bench]', *parts, file=sys.stderr, flush=True)


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


def make_project(root: Path, photos: dict[str, list[Path]]):
    from petcognizer.core.project import Project

    project = Project.create(root, classes=list(photos))
    for c, paths in photos.items():
        project.add_files(paths, c)
    return project


def clear_feature_cache(project) -> None:
    shutil.rmtree(Path(project.cache_dir) / 'features', ignore_errors=True)


# ------------------------------------------------------------------ phase tracking


class Tracker:
    """Timestamped events of one run; what phase it is in now."""

    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.phase = 'setup'
        self.member = 1
        self.epochs_ended = 0
        self.run_ended_at: float | None = None
        self.marks: list[tuple[float, str]] = []
        self.lock = threading.Lock()

    def __call__(self, ev: Any) -> None:
        from petcognizer.core.events import (
            BatchEnded,
            EpochEnded,
            EpochStarted,
            Message,
            RunEnded,
            StageProgress,
        )

        now = time.perf_counter()
        with self.lock:
            if isinstance(ev, StageProgress):
                phase = {'features': 'features', 'predict': 'measure', 'weights': 'setup'}.get(ev.stage, ev.stage)
            elif isinstance(ev, (EpochStarted, BatchEnded, EpochEnded)):
                phase = 'epochs'
            elif isinstance(ev, Message) and ev.text.startswith('Ensemble: training member'):
                self.member = int(ev.text.split('member ')[1].split()[0])
                phase = 'setup'
            elif isinstance(ev, RunEnded):
                self.run_ended_at = now
                phase = 'ended'
            else:
                phase = self.phase
            if isinstance(ev, EpochEnded):
                self.epochs_ended += 1
            if phase != self.phase:
                self.marks.append((round(now - self.t0, 3), f'{phase}#{self.member}'))
            self.phase = phase

    def state(self) -> tuple[str, int, int]:
        with self.lock:
            return self.phase, self.member, self.epochs_ended


def pc_frames(thread_id: int, depth: int = 4) -> list[str]:
    """The innermost ``depth`` frames of a thread inside petcognizer (or the innermost overall)."""
    frame = sys._current_frames().get(thread_id)
    if frame is None:
        return []
    stack = traceback.extract_stack(frame)
    ours = [f for f in stack if '/petcognizer/' in f.filename]
    pick = (ours or stack)[-depth:]
    rel = []
    for f in pick:
        name = f.filename
        if '/petcognizer/' in name:
            name = 'petcognizer/' + name.split('/petcognizer/', 1)[1]
        rel.append(f'{name}:{f.lineno} {f.name}')
    inner = stack[-1]
    if ours and inner is not ours[-1]:
        rel.append(f'(innermost: {Path(inner.filename).name}:{inner.lineno} {inner.name})')
    return rel


# ------------------------------------------------------------------ one in-process run


def one_run(project, entry: str, config, moment: float | None, *, cap: float | None = None) -> dict:
    """Train with a cancel at ``moment`` s (None: calibration, cancelled at ``cap`` if set)."""
    from petcognizer.core import service
    from petcognizer.core.events import Cancelled, CancelToken
    from petcognizer.core.project import Project
    from petcognizer.core.runs import new_run_id

    token = CancelToken()
    tracker = Tracker()
    done = threading.Event()
    info: dict[str, Any] = {'samples': []}
    worker_ident = threading.get_ident()
    at = moment if moment is not None else cap

    def canceller() -> None:
        if at is None or done.wait(at):
            return
        info['t_cancel'] = time.perf_counter()
        info['phase'], info['member'], info['epochs_before'] = tracker.state()
        info['frames_at_cancel'] = pc_frames(worker_ident)
        token.cancel()
        k = 0
        while not done.wait(0.25):
            k += 1
            info['samples'].append({'after_s': round(0.25 * k, 2), 'frames': pc_frames(worker_ident)})

    runs_before = len(project.runs)
    thread = threading.Thread(target=canceller, name='canceller', daemon=True)
    record, outcome, error = None, None, None
    tracker.t0 = t0 = time.perf_counter()
    thread.start()
    try:
        if entry == 'project':
            record = service.train_project(project, config, callback=tracker, cancel=token)
        else:
            run_id = new_run_id()
            record = service.train_snapshot(project.snapshot(), config,
                                            run_dir=Path(project.runs_dir) / run_id,
                                            cache_root=Path(project.cache_dir) / 'features',
                                            run_id=run_id, callback=tracker, cancel=token)
        outcome = 'record'
    except Cancelled:
        outcome = 'Cancelled'
    except Exception as exc:  # noqa: BLE001 - reported, not raised: the bench goes on
        outcome, error = 'error', f'{type(exc).__name__}: {exc}'
    t_ret = time.perf_counter()
    done.set()
    thread.join()
    out: dict[str, Any] = {
        'entry': entry,
        'moment_s': None if moment is None else round(moment, 3),
        'run_s': round(t_ret - t0, 3),
        'outcome': outcome,
        'phases': tracker.marks,
    }
    if error:
        out['error'] = error
    if 't_cancel' not in info:
        out['cancelled_at_s'] = None  # the run ended before the moment came
        out['finished_before_cancel'] = True
        return out
    tc = info['t_cancel']
    out.update({
        'cancelled_at_s': round(tc - t0, 3),
        'phase': info['phase'],
        'member': info['member'],
        'epochs_ended_before_cancel': info['epochs_before'],
        'frames_at_cancel': info['frames_at_cancel'],
        'latency_s': round(t_ret - tc, 3),
        'to_run_ended_s': None if tracker.run_ended_at is None else round(tracker.run_ended_at - tc, 3),
        'run_ended_to_return_s': None if tracker.run_ended_at is None else round(t_ret - tracker.run_ended_at, 3),
    })
    if info['samples']:
        out['slow_samples'] = info['samples']
    out['record_cancelled'] = None if record is None else record.cancelled
    checks: dict[str, bool] = {}
    if info['phase'] == 'ended':  # training had ended (saving the model): nothing left to cancel
        checks['record_returned'] = record is not None
    elif info['epochs_before'] > 0:
        checks['record_with_cancelled_true'] = record is not None and record.cancelled
    else:
        checks['cancelled_or_cancelled_record'] = outcome == 'Cancelled' or (
            record is not None and record.cancelled)
    if entry == 'project':
        reopened = Project.open(project.root)
        if record is not None:
            checks['recorded_in_project_json'] = any(r.id == record.id for r in reopened.runs)
        else:
            checks['nothing_recorded'] = len(reopened.runs) == runs_before
    out['checks'] = checks
    out['passed'] = outcome != 'error' and all(checks.values())
    return out


# ------------------------------------------------------------------ through the engine


def engine_run(client, project, config, moment: float | None, *, cap: float | None = None) -> dict:
    """Submit 'train' as the Train page does; cancel at ``moment``; time to the terminal reply."""
    from petcognizer.core.runs import new_run_id
    from petcognizer.engine.protocol import CANCELLED, DONE, ERROR, EVENT

    tracker = Tracker()
    terminal: dict[str, Any] = {}
    ended = threading.Event()

    def on_message(message: tuple) -> None:
        kind = message[0]
        if kind == EVENT:
            tracker(message[2])
        elif kind in (DONE, ERROR, CANCELLED):
            terminal['t'] = time.perf_counter()
            terminal['kind'] = kind
            terminal['payload'] = message[2] if len(message) > 2 else None
            ended.set()

    run_id = new_run_id()
    kwargs = {'snapshot': project.snapshot().to_dict(), 'config': config.to_dict(),
              'run_dir': str(Path(project.runs_dir) / run_id),
              'cache_root': str(Path(project.cache_dir) / 'features'), 'run_id': run_id}
    at = moment if moment is not None else cap
    tracker.t0 = t0 = time.perf_counter()
    handle = client.submit('train', kwargs, on_message)
    out: dict[str, Any] = {'entry': 'engine', 'moment_s': None if moment is None else round(moment, 3)}
    fired = at is not None and not ended.wait(at)
    tc = None
    if fired:
        tc = time.perf_counter()
        phase, member, epochs_before = tracker.state()
        handle.cancel()
    ended.wait(120)
    handle.wait(5)
    out['run_s'] = round(terminal.get('t', time.perf_counter()) - t0, 3)
    out['outcome'] = terminal.get('kind', 'no reply in 120 s')
    out['phases'] = tracker.marks
    if not fired:
        out['finished_before_cancel'] = True
        return out
    payload = terminal.get('payload')
    record_cancelled = payload.get('cancelled') if isinstance(payload, dict) else None
    out.update({
        'cancelled_at_s': round(tc - t0, 3),
        'phase': phase,
        'member': member,
        'epochs_ended_before_cancel': epochs_before,
        'latency_s': round(terminal['t'] - tc, 3) if 't' in terminal else None,
        'record_cancelled': record_cancelled,
    })
    if out['outcome'] == ERROR:
        out['error'] = payload
    if phase == 'ended':  # training had ended (saving the model): nothing left to cancel
        checks = {'done': out['outcome'] == DONE}
    elif epochs_before > 0:
        checks = {'done_with_cancelled_record': out['outcome'] == DONE and record_cancelled is True}
    else:
        checks = {'cancelled_or_cancelled_record': out['outcome'] == CANCELLED
                  or (out['outcome'] == DONE and record_cancelled is True)}
    out['checks'] = checks
    out['passed'] = all(checks.values())
    return out


# ------------------------------------------------------------------ driver


def summarise(rows: list[dict]) -> dict:
    lat = [r['latency_s'] for r in rows if r.get('latency_s') is not None]
    return {
        'cancels': len(lat),
        'finished_before_cancel': sum(1 for r in rows if r.get('finished_before_cancel')),
        'median_s': round(statistics.median(lat), 3) if lat else None,
        'worst_s': max(lat) if lat else None,
        'over_goal': sum(1 for x in lat if x > GOAL_S),
        'checks_failed': sum(1 for r in rows if r.get('passed') is False),
    }


def scenario(name: str, count: int, cal: dict, draw, run_fn, *, prepare=None) -> dict:
    log(f'{name}: calibration run took {cal["run_s"]} s; {count} cancels, load {loadavg()}')
    expected = cal['run_s']
    rows = []
    load_start = loadavg()
    # a run that ends before its moment is kept (reported) and another moment is drawn,
    # until ``count`` cancels happened (at most 2 x count runs)
    k = 0
    while sum(1 for r in rows if not r.get('finished_before_cancel')) < count and len(rows) < 2 * count:
        if prepare is not None:
            prepare()
        moment = draw(expected)
        row = run_fn(moment)
        rows.append(row)
        k += 1
        log(f'  {name} #{k}: cancel at {row.get("cancelled_at_s")} s ({row.get("phase")}'
            f'#{row.get("member")}) -> returned after {row.get("latency_s")} s; {row.get("outcome")}; '
            f'passed={row.get("passed")}')
    return {'name': name, 'calibration': cal, 'expected_duration_s': expected,
            'load_start': load_start, 'load_end': loadavg(), 'summary': summarise(rows), 'cancels': rows}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    ap.add_argument('--quick', action='store_true', help='one cancel per scenario, 2 through the engine')
    ap.add_argument('--seed', type=int, default=0, help='seed of the random moments (default 0)')
    ap.add_argument('--cap', type=float, default=20.0,
                    help='longest expected duration of a fine-tuning run, seconds (default 20)')
    ap.add_argument('--engine-cancels', type=int, default=8, help='cancels through the engine (default 8)')
    ap.add_argument('--no-engine', action='store_true', help='skip the engine part')
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix='petcognizer-cancel-bench-'))
    os.environ.setdefault('PETCOGNIZER_CACHE', str(tmp / 'user-cache'))
    rng = random.Random(args.seed)

    def draw(expected: float) -> float:
        return rng.uniform(0.05, max(0.1, expected))

    from dataclasses import replace

    from petcognizer.core.backbones import get_backbone
    from petcognizer.core.config import recommend_config

    t_bench = time.perf_counter()
    report: dict[str, Any] = {'bench': 'cancel', 'command': ' '.join([sys.executable, *sys.argv]),
                              'commit': git_commit(), 'nproc': os.cpu_count(), 'seed': args.seed,
                              'quick': args.quick, 'goal_worst_s': GOAL_S, 'load_start': loadavg(),
                              'date': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}
    try:
        photos, source = source_photos(tmp, 20)
        report['photos'] = source
        project = make_project(tmp / 'project', photos)
        n = sum(len(v) for v in photos.values())
        rec = recommend_config(n, len(photos))
        freeze1 = replace(rec, ensemble=False, freeze_depth=1)
        freeze_all = replace(rec, ensemble=False,
                             freeze_depth=get_backbone(rec.backbone).num_stages)
        report['configs'] = {'recommended': rec.to_dict(), 'freeze1': freeze1.to_dict(),
                             'freeze_all': freeze_all.to_dict()}
        counts = {'recommended': 6, 'recommended_snapshot': 4, 'freeze1': 5, 'freeze_all': 5}
        if args.quick:
            counts = dict.fromkeys(counts, 1)
        # imports torch and loads the backbones once, outside every figure
        log('warm-up: importing torch, one recommended run (cold cache)')
        warm = one_run(project, 'project', rec, None)
        report['warmup_run_s'] = warm['run_s']

        scenarios = []
        clear_feature_cache(project)
        cal = one_run(project, 'project', rec, None)
        scenarios.append(scenario(
            'recommended', counts['recommended'], cal, draw,
            lambda m: one_run(project, 'project', rec, m), prepare=lambda: clear_feature_cache(project)))
        one_run(project, 'snapshot', rec, None)  # warm the cache again
        cal = one_run(project, 'snapshot', rec, None)
        scenarios.append(scenario('recommended_snapshot', counts['recommended_snapshot'], cal, draw,
                                  lambda m: one_run(project, 'snapshot', rec, m)))
        clear_feature_cache(project)
        cal = one_run(project, 'project', freeze1, None, cap=args.cap)
        scenarios.append(scenario(
            'freeze1', counts['freeze1'], cal, draw,
            lambda m: one_run(project, 'project', freeze1, m), prepare=lambda: clear_feature_cache(project)))
        cal = one_run(project, 'snapshot', freeze_all, None, cap=args.cap)
        scenarios.append(scenario('freeze_all', counts['freeze_all'], cal, draw,
                                  lambda m: one_run(project, 'snapshot', freeze_all, m)))
        report['in_process'] = scenarios
        all_rows = [r for s in scenarios for r in s['cancels']]
        report['in_process_summary'] = summarise(all_rows)

        if not args.no_engine:
            from petcognizer.engine.client import EngineClient

            n_engine = 2 if args.quick else args.engine_cancels
            client = EngineClient(name='petcognizer-cancel-bench')
            try:
                t0 = time.perf_counter()
                client.run('warm', {}, timeout=300)
                report['engine_warm_s'] = round(time.perf_counter() - t0, 2)
                engine_scen = []
                for name, cfg, cold, count in (('engine_recommended', rec, True, (n_engine + 1) // 2),
                                               ('engine_freeze_all', freeze_all, False, n_engine // 2)):
                    if count == 0:
                        continue
                    if cold:
                        clear_feature_cache(project)
                    cal = engine_run(client, project, cfg, None, cap=None if cold else args.cap)
                    prep = (lambda: clear_feature_cache(project)) if cold else None
                    engine_scen.append(scenario(name, count, cal, draw,
                                                lambda m, c=cfg: engine_run(client, project, c, m),
                                                prepare=prep))
                report['engine'] = engine_scen
                report['engine_summary'] = summarise([r for s in engine_scen for r in s['cancels']])
            finally:
                client.shutdown(10)
    finally:
        report['load_end'] = loadavg()
        report['commit_at_end'] = git_commit()
        report['bench_s'] = round(time.perf_counter() - t_bench, 1)
        shutil.rmtree(tmp, ignore_errors=True)
    text = json.dumps(report, indent=1)
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())
    path = RESULTS / f'cancel-{stamp}{"-quick" if args.quick else ""}.json'
    path.write_text(text + '\n', encoding='utf-8')
    log('wrote', path)
    s = report.get('in_process_summary', {})
    e = report.get('engine_summary', {})
    log(f'in-process: {s.get("cancels")} cancels, median {s.get("median_s")} s, worst {s.get("worst_s")} s; '
        f'engine: {e.get("cancels")} cancels, median {e.get("median_s")} s, worst {e.get("worst_s")} s; '
        f'load {report["load_start"]} -> {report["load_end"]}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
