"""Issue 13: a `defaults_bench.py --probs DIR` run's saved models, member by member.

Run by hand after a defaults run (never part of the test suite):

    .venv/bin/python bench/probs_report.py DIR [--dataset brain-mri]

Each ``DATASET-splitS.npz`` holds every member's test probabilities (``members``: the
fine-tuned copies first, then the blended frozen heads) and the same with the mirror image
averaged in (``members_flip``, Predictor's tta). Prints one JSON report: per split and on
average, the accuracy of the copies alone, the frozen heads alone, all members averaged (what
the model file does), and the same with the copies, or every member, averaged with the mirror
image. With ``flip_tta`` (on by default since stop 23) the saved copies already do: then
``members`` and ``members_flip`` agree for them.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np


def variants(z) -> dict[str, float]:
    y, m, c = z['labels'], z['members'], int(z['copies'])
    f = z['members_flip'] if 'members_flip' in z.files else None

    def acc(p):
        return round(float((p.mean(0).argmax(1) == y).mean()) * 100, 2)

    out = {'copies': c, 'copies_alone': acc(m[:c]), 'frozen_heads_alone': acc(m[c:]) if len(m) > c else None,
           'all_members': acc(m)}
    if f is not None:
        out['copies_flipped_alone'] = acc(f[:c])
        out['copies_flipped_with_frozen_heads'] = acc(np.concatenate([f[:c], m[c:]]))
        out['every_member_flipped'] = acc(f)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('dir', type=Path)
    ap.add_argument('--dataset', default='*')
    args = ap.parse_args(argv)
    rows = {}
    for p in sorted(args.dir.glob(f'{args.dataset}-split*.npz')):
        with np.load(p) as z:
            rows[p.stem] = variants(z)
    keys = [k for k in next(iter(rows.values()), {}) if k != 'copies']
    mean = {k: round(float(np.mean([r[k] for r in rows.values()])), 2)
            for k in keys if all(r.get(k) is not None for r in rows.values())}
    print(json.dumps({'command': f'.venv/bin/python bench/probs_report.py {args.dir}', 'splits': rows,
                      'mean': mean}, indent=1))
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
