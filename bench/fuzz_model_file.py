"""Fuzz the model loader with thousands of mutated model files (issue 9).

Run by hand, never in the test suite::

    .venv/bin/python bench/fuzz_model_file.py [--examples 2000] [--headroom-gb 2]

A ``tiny_test`` model is trained on synthetic colour photos (no dataset needed),
saved, and also saved as a two-member ensemble of itself. Hypothesis then draws
``--examples`` mutations (the strategy and the mutator of
``tests/core/test_fuzz_model_file.py``: metadata fields set to extreme values or
wrong types, usually with a freshly computed valid checksum; dropped keys; added
ensemble members; tensor-table shapes, dtypes and offsets; truncation; byte flips;
the header length) and each mutated file goes through ``read_metadata`` and
``load_model``. Checked per call:

* only :class:`~petcognizer.core.modelfile.ModelFileError` may come out (a file
  may also load: some mutations are harmless);
* no call over 5 s (a 30 s alarm stops a hung one and counts it);
* memory: the address space is capped (``RLIMIT_AS``) at the process's size
  after warm-up plus ``--headroom-gb``, so one allocation of more than that
  fails as an uncaught MemoryError/RuntimeError and is counted; the peak RSS
  (``ru_maxrss``) is reported next to its value before the run.

JSON to stdout and to ``bench/results/fuzz-model-file-<UTC time>.json`` with the
load average at the start and the end.
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
SLOW_S = 5.0
ALARM_S = 30


def _fuzz_module():
    spec = importlib.util.spec_from_file_location('fuzz_model_file_test',
                                                  REPO / 'tests/core/test_fuzz_model_file.py')
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _tiny_models(folder: Path) -> list[Path]:
    from petcognizer.core.config import TrainConfig
    from petcognizer.core.data import folder_samples
    from petcognizer.core.model import Ensemble, load_model, save_model
    from petcognizer.core.training import fit

    rng = np.random.default_rng(0)
    for name, colour in {'red': (220, 30, 30), 'green': (30, 200, 30), 'blue': (30, 30, 220)}.items():
        (folder / 'photos' / name).mkdir(parents=True)
        for i in range(6):
            arr = np.clip(np.array(colour) + rng.normal(0, 20, (48, 48, 3)), 0, 255).astype(np.uint8)
            Image.fromarray(arr).save(folder / 'photos' / name / f'{name}{i}.png')
    paths, labels, classes = folder_samples(folder / 'photos')
    cfg = TrainConfig(backbone='tiny_test', epochs=5, lr=0.03, val_fraction=0.0, use_prior=False,
                      freeze_depth=1, head='fc-dropout')
    single = save_model(folder / 'tiny.safetensors', fit(paths, labels, classes, cfg).model)
    ens = save_model(folder / 'ens.safetensors', Ensemble([load_model(single), load_model(single)]))
    return [single, ens]


def _vm_bytes() -> int:
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmSize:'):
                return int(line.split()[1]) * 1024
    return 0


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--examples', type=int, default=2000)
    ap.add_argument('--headroom-gb', type=float, default=2.0)
    args = ap.parse_args()
    from hypothesis import HealthCheck, Phase, given, settings

    from petcognizer.core.model import load_model

    t_start = time.perf_counter()
    load_start = _load()
    fz = _fuzz_module()
    work = Path(tempfile.mkdtemp(prefix='petcognizer-fuzz-model-'))
    bases = [fz.Base(p) for p in _tiny_models(work)]
    for p in (work / 'tiny.safetensors', work / 'ens.safetensors'):
        load_model(p)  # warm-up: torch, safetensors, the backbone registry
    rss_before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    vm = _vm_bytes()
    cap = vm + int(args.headroom_gb * 2 ** 30)
    resource.setrlimit(resource.RLIMIT_AS, (cap, resource.getrlimit(resource.RLIMIT_AS)[1]))

    try:  # the cap works: one allocation past the headroom fails
        bytearray(int((args.headroom_gb + 0.25) * 2 ** 30))
        cap_works = False
    except MemoryError:
        cap_works = True

    def on_alarm(signum, frame):
        raise TimeoutError(f'a call ran over {ALARM_S} s')

    signal.signal(signal.SIGALRM, on_alarm)
    times: list[float] = []
    outcomes: collections.Counter = collections.Counter()
    by_kind: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    failures, slow, seen = [], [], set()
    folder = work / 'calls'
    folder.mkdir()

    @settings(max_examples=args.examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(mutation=fz.mutations, which=fz.st.integers(0, 1))
    def run(mutation, which):
        kind, seed, resign = mutation
        seen.add((kind, seed, resign, which))
        data = fz.mutate_model(bases[which], kind, seed, resign)
        t0 = time.perf_counter()
        signal.alarm(ALARM_S)
        try:
            outcome = fz.load_one(data, str(folder))
        except BaseException as exc:  # noqa: BLE001 - every escape is a finding
            outcome = 'uncaught'
            if len(failures) < 30:
                failures.append({'kind': kind, 'seed': seed, 'resign': resign, 'base': which,
                                 'error': f'{type(exc).__name__}: {exc}'[:500],
                                 'where': traceback.format_exc().splitlines()[-3:]})
        finally:
            signal.alarm(0)
        dt = time.perf_counter() - t0
        times.append(dt)
        if dt > SLOW_S:
            slow.append({'kind': kind, 'seed': seed, 'resign': resign, 'base': which, 's': round(dt, 2)})
        outcomes[outcome] += 1
        by_kind[kind][outcome] += 1

    run()
    resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    rss_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    commit = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=REPO, capture_output=True,
                            text=True, check=False).stdout.strip()
    times.sort()
    report = {
        'command': ' '.join([Path(sys.executable).name, *sys.argv]),
        'date': datetime.now(timezone.utc).isoformat(timespec='seconds'),
        'commit': commit,
        'nproc': os.cpu_count(),
        'load_average_start': load_start,
        'load_average_end': _load(),
        'examples': len(times),
        'distinct_examples': len(seen),
        'outcomes': dict(outcomes),
        'by_kind': {k: dict(v) for k, v in sorted(by_kind.items())},
        'uncaught': outcomes.get('uncaught', 0),
        'failures': failures,
        'call_s': {'median': round(statistics.median(times), 4),
                   'p99': round(times[int(0.99 * (len(times) - 1))], 4), 'max': round(times[-1], 4)},
        'calls_over_5_s': slow,
        'address_space_cap_gb': round(cap / 2 ** 30, 2),
        'cap_refuses_an_allocation_past_the_headroom': cap_works,
        'headroom_gb': args.headroom_gb,
        'rss_before_mb': round(rss_before_mb, 1),
        'rss_peak_mb': round(rss_peak_mb, 1),
        'seconds': round(time.perf_counter() - t_start, 1),
        'ok': outcomes.get('uncaught', 0) == 0 and not slow and cap_works,
    }
    text = json.dumps(report, indent=1)
    print(text)
    out = REPO / 'bench' / 'results'
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%SZ')
    (out / f'fuzz-model-file-{stamp}.json').write_text(text + '\n')
    return 0 if report['ok'] else 1


if __name__ == '__main__':
    sys.exit(main())
