"""Benchmark: the dataset doctor finds planted mislabelled photos and near duplicates.

Run by hand (reads ../shared, never part of the test suite)::

    .venv/bin/python bench/doctor_bench.py [--seed 0] [--no-timing]

imagewoof-mini (400 photos, 10 breeds) is copied into a temporary folder and:

* 10 photos are moved to a wrong class (mislabelled);
* 10 photos get a near duplicate (resized to 80%, saved as JPEG quality 70) in
  their own class, named to sort last in it; the originals are chosen so that
  5 copies fall on the other side of the training/validation split a training
  run would make (``recommend_config``'s ``val_fraction`` and ``seed``) and 5
  on the same side.

The folder is imported into a temporary project and the doctor runs on its
snapshot twice: cold (features computed) and warm (features cached). For each
planted kind, the bench counts how many planted photos are among the top 20
findings of that kind (goal: at least 8 of each). Unless ``--no-timing``, it
also times the doctor, cold and warm, on a ~1,000-photo project (imagewoof-mini +
flowers5-mini + brain-mri, nothing planted) and lists the near duplicates it
finds there (brain-mri holds rescaled copies of the same scans). Prints JSON with the load average beside every
time and writes bench/results/doctor-<time>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from PIL import Image

from petcognizer.core.config import recommend_config
from petcognizer.core.data import folder_samples, stratified_split
from petcognizer.core.doctor import run_doctor
from petcognizer.core.fsutil import hash_file
from petcognizer.core.project import Project

__all__ = ['main']

DATASETS = Path(__file__).resolve().parents[2] / 'shared' / 'datasets'
RESULTS = Path(__file__).resolve().parent / 'results'
COPY_NAME = 'zz_copy.jpg'  # sorts after every imagewoof file name in its class


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def near_copy(src: Path, dst: Path) -> None:
    """``src`` resized to 80% and recompressed at JPEG quality 70."""
    with Image.open(src) as img:
        img = img.convert('RGB')
        img = img.resize((round(img.width * 0.8), round(img.height * 0.8)), Image.BILINEAR)
        img.save(dst, format='JPEG', quality=70)


def plant(dst: Path, seed: int, n_wrong: int = 10, n_near: int = 10, n_across: int = 5) -> dict:
    """Copy imagewoof-mini to ``dst`` and plant mislabelled photos and near duplicates."""
    rng = random.Random(seed)
    shutil.copytree(DATASETS / 'imagewoof-mini', dst)
    classes = sorted(d.name for d in dst.iterdir() if d.is_dir())
    files = {c: sorted(p for p in (dst / c).iterdir() if p.is_file()) for c in classes}
    everything = [p for c in classes for p in files[c]]
    wrong = rng.sample(everything, n_wrong)
    planted_wrong = {}
    for p in wrong:
        true = p.parent.name
        to = rng.choice([c for c in classes if c != true])
        target = dst / to / p.name
        p.rename(target)
        planted_wrong[hash_file(target)] = {'name': p.name, 'true': true, 'labelled': to}
    # placeholder copies fix every photo's position; the split is then known
    near_classes = rng.sample(classes, n_near)
    for c in near_classes:
        shutil.copyfile(next(p for p in (dst / c).iterdir()), dst / c / COPY_NAME)
    paths, labels, names = folder_samples(dst)
    cfg = recommend_config(len(paths), len(names))
    train, val = stratified_split(labels, cfg.val_fraction, cfg.seed)
    side = {str(paths[i]): 'train' for i in train} | {str(paths[i]): 'val' for i in val}
    wrong_names = {v['name'] for v in planted_wrong.values()}
    planted_near = {}
    for k, c in enumerate(near_classes):
        copy = dst / c / COPY_NAME
        across = k < n_across
        want = ({'train', 'val'} - {side[str(copy)]}).pop() if across else side[str(copy)]
        choices = [p for p in paths if p.parent.name == c and p.name not in wrong_names
                   and p.name != COPY_NAME and side[str(p)] == want]
        original = rng.choice(choices)
        copy.unlink()
        near_copy(original, copy)
        planted_near[hash_file(copy)] = {'original': hash_file(original),
                                         'name': original.name, 'class': c, 'across': across}
    return {'wrong': planted_wrong, 'near': planted_near, 'val_fraction': cfg.val_fraction,
            'seed': cfg.seed}


def score(report, by_path: dict[str, str], planted: dict) -> dict:
    top = {k: report.of_kind(k)[:20] for k in ('mislabelled', 'near_duplicate', 'leak')}
    wrong_found = [f for f in top['mislabelled'] if by_path[f.paths[0]] in planted['wrong']]

    def pair_found(findings, only_across=False):
        hits = set()
        for f in findings:
            d = {by_path[p] for p in f.paths}
            for copy, info in planted['near'].items():
                if (not only_across or info['across']) and copy in d and info['original'] in d:
                    hits.add(copy)
        return hits

    moved_right = sum(1 for f in wrong_found
                      if f.fix and f.fix['to'] == planted['wrong'][by_path[f.paths[0]]]['true'])
    return {
        'mislabelled_in_top20': len(wrong_found),
        'mislabelled_fix_to_true_class': moved_right,
        'near_duplicates_in_top20': len(pair_found(top['near_duplicate'])),
        'leaks_in_top20': len(pair_found(top['leak'], only_across=True)),
        'findings': {k: len(report.of_kind(k)) for k in
                     ('unreadable', 'duplicate', 'leak', 'near_duplicate', 'mislabelled',
                      'small_class', 'imbalance')},
        'top_near_duplicate_scores': [round(f.score, 4) for f in top['near_duplicate']],
        'top_mislabelled_scores': [round(f.score, 4) for f in top['mislabelled']],
    }


def timed(snapshot, cache_root) -> tuple[object, dict]:
    before = load()
    t0 = time.perf_counter()
    report = run_doctor(snapshot, cache_root=cache_root)
    return report, {'seconds': round(time.perf_counter() - t0, 2), 'load_before': before,
                    'load_after': load()}


def timing_1000(base: Path) -> dict:
    """The doctor, cold then warm, on imagewoof-mini + flowers5-mini + brain-mri (~1,000 photos)."""
    src = base / 'mix'
    for ds in ('imagewoof-mini', 'flowers5-mini', 'brain-mri'):
        for c in (DATASETS / ds).iterdir():
            if c.is_dir():
                shutil.copytree(c, src / f'{ds}-{c.name}')
    project, _ = Project.from_folder(src, base / 'mix-project')
    snap = project.snapshot()
    cache = Path(project.cache_dir) / 'features'
    _, cold = timed(snap, cache)
    report, warm = timed(snap, cache)
    # nothing is planted here: what the doctor finds is in the data sets themselves
    near = [{'score': round(f.score, 3), 'photos': [f'{Path(p).parent.name}/{Path(p).name}'
                                                    for p in f.paths]}
            for f in report.of_kind('near_duplicate')]
    return {'n_photos': snap.n_photos, 'n_classes': len(snap.classes), 'cold': cold,
            'warm': warm, 'doctor_seconds_reported': round(report.seconds, 2),
            'findings': {k: len(report.of_kind(k)) for k in ('duplicate', 'near_duplicate',
                                                             'mislabelled', 'imbalance')},
            'near_duplicates_found': near}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--no-timing', action='store_true', help='skip the 1,000-photo timing')
    args = ap.parse_args(argv)
    out = {'seed': args.seed, 'load_start': load(),
           'caveat': 'imagewoof photos come from ImageNet, which the backbone was trained on'}
    with tempfile.TemporaryDirectory(prefix='doctor-bench-') as tmp:
        base = Path(tmp)
        planted = plant(base / 'src', args.seed)
        project, _ = Project.from_folder(base / 'src', base / 'project')
        snap = project.snapshot()
        by_path = {p: (d or hash_file(p)) for p, d in zip(snap.paths, snap.digests)}
        cfg = recommend_config(snap.n_photos, len(snap.classes))
        train, val = stratified_split(list(snap.labels), cfg.val_fraction, cfg.seed)
        side = {by_path[snap.paths[i]]: 'train' for i in train}
        side |= {by_path[snap.paths[i]]: 'val' for i in val}
        across = sum(side[c] != side[i['original']] for c, i in planted['near'].items())
        out['planted'] = {'mislabelled': len(planted['wrong']), 'near_duplicates':
                          len(planted['near']), 'near_across_split_in_project': across,
                          'val_fraction': planted['val_fraction'], 'n_photos': snap.n_photos}
        cache = Path(project.cache_dir) / 'features'
        _, out['cold'] = timed(snap, cache)
        report, out['warm'] = timed(snap, cache)
        out['result'] = score(report, by_path, planted)
        r = out['result']
        out['goal_met'] = (r['mislabelled_in_top20'] >= 8 and r['near_duplicates_in_top20'] >= 8)
        if not args.no_timing:
            out['timing_1000'] = timing_1000(base)
    out['load_end'] = load()
    text = json.dumps(out, indent=1)
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%SZ')
    (RESULTS / f'doctor-{stamp}.json').write_text(text + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
