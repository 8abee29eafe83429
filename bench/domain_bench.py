"""Issue 13: near ImageNet or far from it, measured on the benchmark sets.

Run by hand (reads ../shared/datasets through bench/trust_bench.py's cached Lite0 features):

    .venv/bin/python bench/domain_bench.py [--draws 5]

For each set and for all its photos, 80% draws (stratified, seeded) and 10-a-class draws:
the signals core.domain.assess_domain reads (mean top ImageNet probability of the frozen
Lite0's own classifier, class names matching ImageNet, the frozen linear head's 5-fold
cross-validated accuracy) and its decision. JSON to stdout and bench/results/domain-<UTC>.json.
"""
from __future__ import annotations

import json
import os
import random
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / 'bench'))

import trust_bench as tb  # noqa: E402

from petcognizer.core import evaluation as ev  # noqa: E402
from petcognizer.core.data import stratified_split  # noqa: E402
from petcognizer.core.domain import assess_domain  # noqa: E402


def frozen_accuracy(x, y, k, seed=0) -> float:
    folds = ev.cv_folds(y.tolist(), seed=seed, k=5, loo_max=0)
    oof = ev.out_of_fold_logits(x, None, y, k, prior=None, folds=folds, seed=seed)
    return float((oof.argmax(1) == y).mean())


def main(argv=None) -> int:
    draws = 5
    if argv and '--draws' in argv:
        draws = int(argv[argv.index('--draws') + 1])
    started = datetime.now(timezone.utc)
    out = {'command': 'python bench/domain_bench.py ' + ' '.join(argv or []),
           'started': started.isoformat(timespec='seconds'), 'load_start': os.getloadavg(),
           'sets': {}}
    for ds in tb.DATASETS:
        f = tb.load_features(ds, 'efficientnet_lite0')
        x, z, y, classes = f['X'], f['Z'], f['y'], f['classes']
        rows = []
        subsets = [('all', np.arange(len(y)))]
        for d in range(draws):
            tr, _ = stratified_split(y.tolist(), 0.2, d)
            subsets.append((f'80% draw {d}', np.array(tr)))
            r = random.Random(d)
            ten = sorted(i for c in range(len(classes))
                         for i in r.sample([j for j in range(len(y)) if y[j] == c], 10))
            subsets.append((f'10 a class draw {d}', np.array(ten)))
        for name, idx in subsets:
            t0 = time.perf_counter()
            acc = frozen_accuracy(x[idx], y[idx], len(classes))
            a = assess_domain(z[idx], y[idx].tolist(), classes, frozen_accuracy=acc)
            rows.append({'subset': name, 'n': len(idx), 'confidence': round(a.confidence, 3),
                         'names_matched': a.names_matched, 'frozen_cv_accuracy': round(acc, 3),
                         'far': a.far, 'fine_tune': a.fine_tune, 'seconds': round(time.perf_counter() - t0, 2),
                         'sentence': a.sentence})
            print(json.dumps({'set': ds, **rows[-1]}), flush=True)
        out['sets'][ds] = rows
    out['load_end'] = os.getloadavg()
    res = ROOT / 'bench' / 'results'
    res.mkdir(parents=True, exist_ok=True)
    (res / f"domain-{started.strftime('%Y%m%dT%H%M%SZ')}.json").write_text(json.dumps(out, indent=1))
    return 0


if __name__ == '__main__':
    raise SystemExit(main(sys.argv[1:]))
