"""Issue 10: the run service's own accuracy estimate and calibration, against the truth.

Run by hand (reads ../shared/datasets through bench/trust_bench.py's cached features):

    .venv/bin/python bench/trust_service_bench.py [--pers 3 10] [--draws 10] [--models defaults lite0]

For each draw of ``per`` photos a class of imagewoof-mini (seeded as in trust_bench.draw), it
trains with ``core.service.train_snapshot`` and the recommended settings (``defaults``: the
ensemble up to 300 photos; ``lite0``: the same with the ensemble off), reads the run record's
evaluation (estimate, 95% interval, ECE, temperature) and measures the saved model on every
other photo of imagewoof-mini (their cached pooled features: the model's own heads, so the
truth is the saved model's accuracy). Reports per draw and a summary: coverage (share of draws
whose interval holds the truth), mean |estimate - truth| and mean ECE (15 bins) on the other
photos before (T = 1) and after the run's temperature. JSON lines to stdout; the summary to
bench/results/trust-service-<UTC time>.json.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / 'bench'))

import trust_bench as tb  # noqa: E402

from petcognizer.core import evaluation as ev  # noqa: E402
from petcognizer.core.config import recommend_config  # noqa: E402
from petcognizer.core.model import load_model  # noqa: E402
from petcognizer.core.runs import TrainingSnapshot  # noqa: E402
from petcognizer.core.service import train_snapshot  # noqa: E402


def one_draw(F, members, per: int, d: int, ensemble: bool) -> dict:
    f0 = F[members[0]]
    y, paths, classes = f0['y'], f0['paths'], f0['classes']
    tr, te = tb.draw(y, per, d)
    cfg = recommend_config(len(tr), len(classes))
    cfg.ensemble = ensemble and cfg.ensemble
    snap = TrainingSnapshot(root='/tmp', paths=tuple(str(paths[i]) for i in tr),
                            labels=tuple(int(y[i]) for i in tr), classes=tuple(classes))
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix='trust-service-') as rd:
        rec = train_snapshot(snap, cfg, run_dir=rd, cache_root=tb.WORK / "cache")
        model = load_model(os.path.join(rd, 'model.safetensors'))
    mem = list(model.members) if hasattr(model, 'members') else [model]
    with torch.inference_mode():
        ls = [m.logits_from_features(torch.from_numpy(F[name]['X'][te])).double().numpy()
              for m, name in zip(mem, members)]
    raw = ls[0] if len(ls) == 1 else ev.log_mean_probs(ls)
    truth = float((raw.argmax(1) == y[te]).mean())
    e = rec.evaluation
    return {'per_class': per, 'draw': d, 'ensemble': len(mem) > 1, 'val_fraction': cfg.val_fraction,
            'method': e.get('method'), 'n': e.get('n'), 'estimate': e.get('accuracy'),
            'low': e.get('low'), 'high': e.get('high'), 'truth': truth,
            'covered': bool(e) and e['low'] <= truth <= e['high'], 'temperature': model.temperature,
            'ece_before': ev.expected_calibration_error(ev.softmax(raw), y[te]),
            'ece_after': ev.expected_calibration_error(ev.softmax(raw, model.temperature), y[te]),
            'record_ece': e.get('ece'), 'seconds': round(time.time() - t0, 1),
            'load': os.getloadavg()[0], 'summary': e.get('summary')}


def summarise(rows: list[dict]) -> dict:
    err = [abs(r['estimate'] - r['truth']) for r in rows if r['estimate'] is not None]
    return {'draws': len(rows), 'method': sorted({str(r['method']) for r in rows}),
            'coverage': float(np.mean([r['covered'] for r in rows])),
            'mean_abs_error_points': round(100 * float(np.mean(err)), 2),
            'mean_signed_error_points': round(100 * float(np.mean(
                [r['estimate'] - r['truth'] for r in rows if r['estimate'] is not None])), 2),
            'mean_truth': round(float(np.mean([r['truth'] for r in rows])), 4),
            'ece_before': round(float(np.mean([r['ece_before'] for r in rows])), 4),
            'ece_after': round(float(np.mean([r['ece_after'] for r in rows])), 4),
            'ece_after_max': round(float(np.max([r['ece_after'] for r in rows])), 4),
            'mean_seconds': round(float(np.mean([r['seconds'] for r in rows])), 1)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--pers', type=int, nargs='+', default=[3, 10])
    ap.add_argument('--draws', type=int, default=10)
    ap.add_argument('--models', nargs='+', default=['defaults', 'lite0'],
                    choices=['defaults', 'lite0'])
    args = ap.parse_args(argv)
    started = datetime.now(timezone.utc)
    F = {m: tb.load_features('imagewoof-mini', m) for m in tb.MEMBERS}
    out: dict = {'command': 'python bench/trust_service_bench.py ' + ' '.join(argv or sys.argv[1:]),
                 'started': started.isoformat(timespec='seconds'), 'nproc': os.cpu_count(),
                 'torch': torch.__version__, 'load_start': os.getloadavg()}
    for model in args.models:
        members = tb.MEMBERS if model == 'defaults' else tb.MEMBERS[:1]
        for per in args.pers:
            rows = []
            for d in range(args.draws):
                r = one_draw(F, members, per, d, ensemble=model == 'defaults')
                print(json.dumps(r), flush=True)
                rows.append(r)
            out[f'{model}-{per}'] = {'summary': summarise(rows), 'draws': rows}
            print(json.dumps({f'{model}-{per}': out[f'{model}-{per}']['summary']}), flush=True)
    out['load_end'] = os.getloadavg()
    res = ROOT / 'bench' / 'results'
    res.mkdir(parents=True, exist_ok=True)
    path = res / f"trust-service-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(out, indent=1))
    print(json.dumps({k: v['summary'] for k, v in out.items() if isinstance(v, dict)
                      and 'summary' in v}, indent=1))
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
