"""How long a Train-page run takes on this machine, by stage (for the Train page's estimate).

Trains the recommended settings ('Most accurate': the 3-network ensemble up to 300 photos)
and Lite0 alone ('Quick') on synthetic photos with an empty feature cache, records when
each stage (reading photos, learning, checking) starts and ends, and writes JSON:

    .venv/bin/python bench/train_eta_bench.py [--photos 12 60] [--out bench/results/train_eta.json]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image


def make_photos(root: Path, n: int, k: int = 2) -> None:
    rng = np.random.default_rng(0)
    for c in range(k):
        d = root / f'class{c}'
        d.mkdir(parents=True, exist_ok=True)
        for i in range(n // k):
            base = np.array([200 * (c == 0), 80, 200 * (c == 1)], dtype=float)
            img = np.clip(base + rng.normal(0, 40, (320, 400, 3)), 0, 255).astype('uint8')
            Image.fromarray(img).save(d / f'p{i}.jpg', quality=90)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--photos', type=int, nargs='+', default=[12, 60])
    ap.add_argument('--out', default='bench/results/train_eta.json')
    args = ap.parse_args()
    from petcognizer.core.config import recommend_config
    from petcognizer.core.events import BatchEnded, EpochEnded, Message, StageProgress
    from petcognizer.core.service import train_folder

    load_before = Path('/proc/loadavg').read_text().split()[:3] if Path('/proc/loadavg').exists() else None
    results = []
    for n in args.photos:
        for mode in ('quick', 'accurate'):
            with tempfile.TemporaryDirectory() as tmp:
                tmp = Path(tmp)
                os.environ['PETCOGNIZER_CACHE'] = str(tmp / 'cache')
                make_photos(tmp / 'data', n)
                cfg = recommend_config(n, 2, 'efficientnet_lite0')
                cfg = replace(cfg, ensemble=(mode == 'accurate'))
                marks: list[tuple[float, str]] = []
                rates: list[float] = []
                t0 = time.perf_counter()

                def cb(ev, marks=marks, rates=rates, t0=t0):
                    t = time.perf_counter() - t0
                    if isinstance(ev, StageProgress):
                        marks.append((t, ev.stage))
                        if ev.stage == 'features' and ev.images_per_s:
                            rates.append(ev.images_per_s)
                    elif isinstance(ev, (BatchEnded, EpochEnded)):
                        marks.append((t, 'learn'))
                    elif isinstance(ev, Message) and ev.text.startswith('Ensemble'):
                        marks.append((t, 'member'))

                rec = train_folder(tmp / 'data', cfg, out=tmp / 'model.safetensors', callback=cb)
                total = time.perf_counter() - t0
                spans: dict[str, list[float]] = {}
                for t, s in marks:
                    spans.setdefault(s, [t, t])[1] = t
                results.append({
                    'photos': n, 'mode': mode, 'seconds': round(total, 2),
                    'record_seconds': round(rec.seconds, 2),
                    'features_photos_per_s_last': round(rates[-1], 1) if rates else None,
                    'first_event_s': round(marks[0][0], 2) if marks else None,
                    'spans_s': {k: [round(a, 2), round(b, 2)] for k, (a, b) in spans.items()},
                    'epochs': cfg.epochs,
                })
                print(json.dumps(results[-1]), flush=True)
    load_after = Path('/proc/loadavg').read_text().split()[:3] if Path('/proc/loadavg').exists() else None
    out = {'command': 'python bench/train_eta_bench.py ' + ' '.join(f'--photos {n}' for n in args.photos),
           'loadavg_before': load_before, 'loadavg_after': load_after, 'results': results}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=1) + '\n')


if __name__ == '__main__':
    main()
