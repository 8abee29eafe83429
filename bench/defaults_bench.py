"""Issue 13: what `petcognizer train` does with no options, on stratified 80/20 splits.

Run by hand (reads ../shared/datasets; never part of the test suite):

    .venv/bin/python bench/defaults_bench.py DATASET [--splits 5] [--start 0] [--out FILE.json] [--probs DIR]

For each split seed, the 80% are linked into a fresh class-folder tree and trained with the
real command line (`python -m petcognizer train TREE --out M --json`, a fresh
PETCOGNIZER_CACHE each time, so the recommendation's look at the photos is paid for); the
model then classifies the other 20% (core.predict.Predictor). One JSON line per split, then a
summary: mean and standard deviation of the test accuracy, the settings the recommendation
chose and its sentence, the accuracy with a flipped copy averaged in (Predictor's tta), for
copies of a fine-tuned model (``members``) the first copy's accuracy alone, wall and CPU
seconds (the child's user + sys), the load average.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from petcognizer.core.data import folder_samples, stratified_split  # noqa: E402

DATA = Path(os.environ.get('PETCOGNIZER_DATASETS', ROOT.parent / 'shared' / 'datasets'))


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def one_split(ds: str, seed: int, probs_dir: Path | None = None) -> dict:
    from petcognizer.core.model import load_model
    from petcognizer.core.predict import Predictor

    paths, labels, classes = folder_samples(DATA / ds)
    tr, te = stratified_split(labels, 0.2, seed)
    with tempfile.TemporaryDirectory(prefix='pc_defaults_') as tmp:
        tree = Path(tmp) / 'photos'
        for i in tr:
            dst = tree / classes[labels[i]] / f'{i:05d}{Path(paths[i]).suffix}'
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.symlink_to(Path(paths[i]).resolve())
        out = Path(tmp) / 'model.safetensors'
        env = {**os.environ, 'PETCOGNIZER_CACHE': str(Path(tmp) / 'cache')}
        load0, c0, t0 = os.getloadavg(), _children_cpu(), time.time()
        proc = subprocess.run([sys.executable, '-m', 'petcognizer', 'train', str(tree), '--out', str(out),
                               '--json', '--quiet'], capture_output=True, text=True, env=env, check=False)
        wall, cpu = time.time() - t0, _children_cpu() - c0
        if proc.returncode != 0:
            raise SystemExit(f'train failed on {ds} split {seed}:\n{proc.stderr[-3000:]}')
        summary = json.loads(proc.stdout)
        model = load_model(out)
        model_classes = summary.get('classes', classes)
        # the model as saved, with a horizontal flip averaged in, and (copies of a fine-tuned
        # model: ``members``) its first copy alone, which is what one copy would have given
        first = model.members[0] if (summary.get('config') or {}).get('members', 1) > 1 else None
        acc = {}
        for key, m, tta in (('saved', model, False), ('flip', model, True), ('first', first, False)):
            if m is None:
                acc[key] = None
                continue
            probs, ok, _ = Predictor(m).probabilities([paths[i] for i in te], tta=tta)
            want = np.array([labels[te[j]] for j in ok])
            got = np.array([classes.index(model_classes[k]) for k in probs.argmax(1).tolist()])
            acc[key] = round(float((got == want).mean()), 4)
        if probs_dir is not None and hasattr(model, 'members'):  # each member's, for afterwards
            probs_dir.mkdir(parents=True, exist_ok=True)
            each = [Predictor(m).probabilities([paths[i] for i in te])[0].numpy()
                    for m in model.members]
            flipped = [Predictor(m).probabilities([paths[i] for i in te], tta=True)[0].numpy()
                       for m in model.members]  # each member with its mirror image averaged in
            np.savez(probs_dir / f'{ds}-split{seed}.npz', labels=want, members=np.stack(each),
                     members_flip=np.stack(flipped),
                     names=np.array([m.backbone_name for m in model.members]),
                     copies=(summary.get('config') or {}).get('members', 1))
        parts = {}
        if hasattr(model, 'members') and (summary.get('config') or {}).get('blend_frozen'):
            # the fine-tuned copies alone and the blended frozen heads alone, scored apart
            copies = (summary.get('config') or {}).get('members', 1)
            each = np.stack([Predictor(m).probabilities([paths[i] for i in te])[0].numpy()
                             for m in model.members])
            for key, sel in (('copies_only', each[:copies]), ('frozen_heads_only', each[copies:])):
                got = np.array([classes.index(model_classes[k]) for k in sel.mean(0).argmax(1)])
                parts[f'accuracy_{key}'] = round(float((got == want).mean()), 4)
        rec = summary.get('recommendation') or {}
        return {**parts,'dataset': ds, 'split': seed, 'test_photos': len(ok), 'accuracy': acc['saved'],
                'accuracy_flip_tta': acc['flip'], 'accuracy_first_copy_alone': acc['first'],
                'members': (summary.get('config') or {}).get('members'),
                'freeze_depth': rec.get('freeze_depth'), 'augment': rec.get('augment'),
                'estimated_s': rec.get('seconds'), 'sentence': rec.get('sentence'),
                'wall_s': round(wall, 1), 'cpu_s': round(cpu, 1),
                'best_epoch': summary.get('best_epoch'), 'epochs_run': summary.get('epochs_run'),
                'n_train': summary.get('n_train'), 'n_val': summary.get('n_val'),
                'estimated_accuracy': (summary.get('evaluation') or {}).get('accuracy'),
                'load_before': [round(x, 2) for x in load0], 'load_after': [round(x, 2) for x in os.getloadavg()]}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('dataset')
    ap.add_argument('--splits', type=int, default=5)
    ap.add_argument('--start', type=int, default=0, help='the first split seed (to resume a run)')
    ap.add_argument('--out', type=Path)
    ap.add_argument('--probs', type=Path, metavar='DIR',
                    help="keep each ensemble member's test probabilities here (one .npz a split)")
    args = ap.parse_args(argv)
    rows = []
    for seed in range(args.start, args.splits):
        rows.append(one_split(args.dataset, seed, args.probs))
        print(json.dumps(rows[-1]), flush=True)
    acc = np.array([r['accuracy'] for r in rows]) * 100
    report = {'command': f'.venv/bin/python bench/defaults_bench.py {args.dataset} --splits {args.splits}'
                         + (f' --start {args.start}' if args.start else ''),
              'dataset': args.dataset, 'splits': rows,
              'accuracy_mean': round(float(acc.mean()), 2), 'accuracy_sd': round(float(acc.std(ddof=1)), 2)
              if len(acc) > 1 else 0.0,
              'accuracy_flip_tta_mean': round(float(np.mean([r['accuracy_flip_tta'] for r in rows]) * 100), 2),
              'accuracy_first_copy_alone_mean': round(float(np.mean(
                  [r['accuracy_first_copy_alone'] for r in rows])) * 100, 2)
              if all(r['accuracy_first_copy_alone'] is not None for r in rows) else None,
              'wall_s_max': max(r['wall_s'] for r in rows), 'cpu_s_max': max(r['cpu_s'] for r in rows),
              'date': time.strftime('%Y-%m-%dT%H:%M:%S%z')}
    text = json.dumps(report, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + '\n')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
