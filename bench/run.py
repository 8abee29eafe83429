"""petcognizer benchmarks: one entry point, one JSON report.

Run by hand (reads /work/shared/datasets, never part of the test suite)::

    .venv/bin/python bench/run.py [--quick] [--only SECTION ...] [--draws N] [--seeds N]

Sections: accuracy, speed, cache, tricks, gui (see bench/README.md). Prints the
JSON report on stdout and writes bench/results/report-<date>.json plus a
markdown summary bench/results/report-<date>.md. Scratch data (feature caches,
projects built from hard links) lives in /tmp/petcognizer_bench.

Internal: ``--worker NAME --args JSON`` runs one measurement in a fresh process
(used for peak-RSS, allocator and GUI measurements); it prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATASETS = Path('/work/shared/datasets')
DATASET_NAMES = ('imagewoof-mini', 'flowers5-mini', 'brain-mri')
WORK = Path(os.environ.get('PETCOGNIZER_BENCH_DIR', '/tmp/petcognizer_bench'))
RESULTS = ROOT / 'bench' / 'results'
PY = sys.executable
SECTIONS = ('accuracy', 'speed', 'cache', 'tricks', 'gui')
BASE_CMD = '.venv/bin/python bench/run.py'

CAVEATS = {
    'imagewoof-mini': 'Imagewoof photos come from ImageNet with ImageNet labels: the ImageNet-pretrained '
                      'backbone has seen many of them; accuracy is optimistic (tests fine-grained '
                      'separation, not generalisation).',
    'flowers5-mini': 'flowers5-mini was squashed to 128x128 by its source (almost no detail above ~32 px); '
                     'a frozen backbone tops out near 71% on the full 4,317 photos. Compare methods, '
                     'do not judge absolute accuracy.',
    'brain-mri': 'brain-mri: a domain far from ImageNet; 2 classes (141/87), byte-identical duplicates '
                 'removed; small test sets, so single-draw numbers are noisy.',
    'machine': 'Shared 2-core machine, other engineers run jobs at the same time: timings are noisy; '
               'compare ratios measured in the same run and medians.',
}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def mean_std(xs):
    if not xs:
        return None, None
    m = statistics.fmean(xs)
    s = statistics.stdev(xs) if len(xs) > 1 else 0.0
    return m, s


def rnd(x, n=4):
    return None if x is None else round(float(x), n)


def machine_info() -> dict:
    import torch

    cpu = ''
    try:
        for line in Path('/proc/cpuinfo').read_text().splitlines():
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
    except OSError:
        commit = ''
    mem = ''
    try:
        mem = Path('/proc/meminfo').read_text().splitlines()[0].split(':', 1)[1].strip()
    except OSError:
        pass
    return {
        'nproc': os.cpu_count(),
        'cpu_model': cpu,
        'memory': mem,
        'torch': torch.__version__,
        'torch_threads': torch.get_num_threads(),
        'python': platform.python_version(),
        'platform': platform.platform(),
        'git_commit': commit,
        'loadavg_at_start': os.getloadavg(),
    }


def du(path: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(dirpath, f))
            except OSError:
                pass
    return total


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# ---------------------------------------------------------------- data


def dataset(name: str):
    from petcognizer.core.data import folder_samples

    return folder_samples(DATASETS / name)


def all_17():
    """Every photo of the three datasets as one 17-class problem."""
    paths, labels, classes = [], [], []
    for name in DATASET_NAMES:
        p, y, c = dataset(name)
        off = len(classes)
        classes += c
        paths += p
        labels += [off + k for k in y]
    return paths, labels, classes


def draw_per_class(labels, k, seed):
    """(train, test) indices: k random photos a class train, the rest test."""
    rng = random.Random(seed)
    by = {}
    for i, y in enumerate(labels):
        by.setdefault(y, []).append(i)
    train = []
    for y in sorted(by):
        train += rng.sample(by[y], min(k, len(by[y]) - 1))
    ts = set(train)
    return sorted(train), [i for i in range(len(labels)) if i not in ts]


_FEATS: dict = {}
_BACKBONE_PATCHED = False


def reuse_backbone():
    """Accuracy runs only: let fit() deep-copy one loaded lite0 instead of rebuilding it
    (about 1 s a fit on a loaded machine). fit() never changes a frozen backbone's weights,
    so the results are the same; timing sections never use this."""
    global _BACKBONE_PATCHED
    import copy

    import petcognizer.core.training as T

    if _BACKBONE_PATCHED:
        return
    orig = T.create_backbone
    cache = {}

    def create(name, pretrained=True, progress=None):
        key = (name, pretrained)
        if key not in cache:
            cache[key] = orig(name, pretrained=pretrained, progress=progress)
        return copy.deepcopy(cache[key])

    T.create_backbone = create
    _BACKBONE_PATCHED = True


def service_run(paths, labels, classes, cfg, cache_root):
    """Train as every caller does, through the run service; (run record, loaded model).

    A :class:`TrainingSnapshot` of the drawn photos goes to
    ``service.train_snapshot``, which saves the model in a throw-away run folder;
    the model is read back from that file (what a user's Predict page loads).
    """
    from petcognizer.core.model import load_model
    from petcognizer.core.runs import TrainingSnapshot
    from petcognizer.core.service import train_snapshot

    snapshot = TrainingSnapshot(root=str(WORK), paths=tuple(map(str, paths)),
                                labels=tuple(labels), classes=tuple(classes))
    run_dir = Path(tempfile.mkdtemp(prefix='run-', dir=WORK))
    try:
        record = train_snapshot(snapshot, cfg, run_dir=run_dir, cache_root=cache_root)
        model = load_model(run_dir / 'model.safetensors')
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    return record, model


def pooled_features(name, paths, cache_root, backbone='efficientnet_lite0'):
    """Pooled features (view 0) of every photo, via the trainer's own cache.

    Every backbone reads Lite0's 224 px input, as ensemble members do (for Lite0
    itself that is its own preprocessing).
    """
    import torch  # noqa: F401

    from petcognizer.core.backbones import create_backbone, get_backbone
    from petcognizer.core.data import Preprocess
    from petcognizer.core.features import extract

    if (name, backbone) in _FEATS:
        return _FEATS[name, backbone]
    spec = get_backbone('efficientnet_lite0')
    bb = create_backbone(backbone)
    t0 = time.perf_counter()
    r = extract(bb, None, paths, Preprocess.for_backbone(spec), cache_root=cache_root)
    assert len(r.ok) == len(paths), r.errors
    out = {'data': r.data[:, 0].astype('float32'), 'computed': r.computed,
           'seconds': time.perf_counter() - t0}
    _FEATS[name, backbone] = out
    return out


def flipped_features(name, paths):
    """Pooled features of the horizontally flipped centre crop (what Predictor's TTA adds)."""
    import numpy as np
    import torch

    from petcognizer.core.backbones import create_backbone, get_backbone
    from petcognizer.core.data import Preprocess, decode_batches

    f = WORK / f'flip-{name}-{len(paths)}.npy'
    if f.is_file():
        return np.load(f)
    spec = get_backbone('efficientnet_lite0')
    bb = create_backbone(spec.name).eval().to(memory_format=torch.channels_last)
    out = np.zeros((len(paths), bb.num_features), dtype=np.float32)
    with torch.inference_mode():
        for b in decode_batches(paths, Preprocess.for_backbone(spec), 32):
            x = torch.flip(b.tensor, dims=[3]).contiguous(memory_format=torch.channels_last)
            out[b.indices] = bb(x).float().numpy()
    WORK.mkdir(parents=True, exist_ok=True)
    np.save(f, out)
    return out


def acc_from_features(model, feats, labels, flip=None, member_feats=None):
    """Accuracy from cached pooled features; an Ensemble needs each member's (``member_feats``)."""
    import torch

    with torch.inference_mode():
        if hasattr(model, 'members'):
            p = torch.stack([m.logits_from_features(torch.from_numpy(member_feats[m.backbone_name]))
                             .softmax(1) for m in model.members]).mean(0)
            return float((p.argmax(1).numpy() == labels).mean())
        f = torch.from_numpy(feats)
        p = model.logits_from_features(f).softmax(1)
        if flip is not None:
            p = (p + model.logits_from_features(torch.from_numpy(flip)).softmax(1)) / 2
    pred = p.argmax(1).numpy()
    return float((pred == labels).mean())


# ---------------------------------------------------------------- 1. accuracy


def section_accuracy(args) -> dict:
    import numpy as np

    from petcognizer.core.config import recommend_config
    from petcognizer.core.predict import Predictor

    reuse_backbone()
    cache_root = WORK / 'features'
    draws = args.draws if args.draws else (3 if args.quick else 10)
    shots_list = (1, 3, 10)
    out = {'command': f'{BASE_CMD} --only accuracy --draws {draws}',
           'what': 'k photos a class drawn at random (seeded), trained with recommend_config(n, K) '
                   '(frozen backbone, linear head; up to 300 photos the Lite0/1/2 ensemble), tested on every other photo of the '
                   'dataset; with the class-name prior (default) and without (use_prior=False)',
           'draws': draws, 'datasets': {}, 'caveats': [CAVEATS[n] for n in DATASET_NAMES]}
    t_sec = time.perf_counter()
    checked = False
    for name in DATASET_NAMES:
        paths, labels, classes = dataset(name)
        lab = np.array(labels)
        feats = pooled_features(name, paths, cache_root)
        F = feats['data']
        from petcognizer.core.config import ENSEMBLE_BACKBONES

        FM = {b: pooled_features(name, paths, cache_root, b)['data'] for b in ENSEMBLE_BACKBONES}
        ds = {'n_photos': len(paths), 'classes': classes, 'features_first_pass_s': rnd(feats['seconds'], 2),
              'features_computed_first_pass': feats['computed'], 'results': {}}
        fit_s = []
        entries_before = sum(1 for _ in cache_root.rglob('*.npy'))
        for shots in shots_list:
            row = {}
            for prior in (True, False):
                accs, weights = [], []
                for draw in range(draws):
                    tr, te = draw_per_class(labels, shots, f'{name}-{shots}-{draw}')
                    cfg = recommend_config(len(tr), len(classes))
                    cfg.seed = draw
                    cfg.use_prior = prior
                    t0 = time.perf_counter()
                    record, model = service_run([paths[i] for i in tr], [labels[i] for i in tr],
                                                classes, cfg, cache_root)
                    fit_s.append(time.perf_counter() - t0)
                    a = acc_from_features(model, F[te], lab[te],
                                          member_feats={b: v[te] for b, v in FM.items()})
                    if not checked:
                        # the feature shortcut must agree with the real predictor
                        sub = te[:96]
                        mat, ok, _ = Predictor(model).probabilities([paths[i] for i in sub])
                        a_pred = float((mat.argmax(1).numpy() == lab[sub]).mean())
                        a_feat = acc_from_features(model, F[sub], lab[sub],
                                                   member_feats={b: v[sub] for b, v in FM.items()})
                        out['check_feature_eval_vs_predictor'] = {
                            'dataset': name, 'n': len(sub), 'acc_predictor': a_pred,
                            'acc_features': a_feat}
                        checked = True
                    accs.append(a)
                    weights.append(record.prior_weight)
                m, s = mean_std(accs)
                row['prior' if prior else 'plain'] = {
                    'mean': rnd(m), 'std': rnd(s), 'n_runs': len(accs),
                    'mean_prior_weight': rnd(statistics.fmean(weights), 3) if prior else None,
                    'n_test_mean': round(statistics.fmean(
                        len(draw_per_class(labels, shots, f'{name}-{shots}-{d}')[1])
                        for d in range(draws)), 1)}
                log(f'accuracy {name} {shots}/class prior={prior}: {m:.3f} ± {s:.3f}')
            ds['results'][f'{shots}'] = row
        ds['fit_seconds_median'] = rnd(med(fit_s), 3)
        # new cache entries = features the runs had to compute (0: all came from the cache)
        ds['features_computed_during_fits'] = sum(1 for _ in cache_root.rglob('*.npy')) - entries_before
        out['datasets'][name] = ds
    out['seconds'] = rnd(time.perf_counter() - t_sec, 1)
    return out


# ---------------------------------------------------------------- 2. speed


def plain_forward(paths, pre, model):
    """decode + resize/crop (data.decode_batches, trainer's thread pool) + lite0, batch 32."""
    import torch

    from petcognizer.core.data import decode_batches

    t0, c0 = time.perf_counter(), time.process_time()
    n = 0
    with torch.inference_mode():
        for b in decode_batches(paths, pre, 32):
            model(b.tensor.contiguous(memory_format=torch.channels_last))
            n += len(b.indices)
    return time.perf_counter() - t0, n, time.process_time() - c0


def section_speed(args) -> dict:
    import torch

    from petcognizer.core.backbones import create_backbone, get_backbone
    from petcognizer.core.config import recommend_config
    from petcognizer.core.data import Preprocess, decode_batches
    from petcognizer.core.perf import tune_allocator
    from petcognizer.core.training import fit

    out = {'caveats': [CAVEATS['machine']]}
    WORK.mkdir(parents=True, exist_ok=True)
    t_sec = time.perf_counter()

    # (a) 6 photos, whole CLI process, cold feature cache
    reps = 1 if args.quick else 5  # issue 13: the target is the median of 5 (also bench/six_photos_bench.py)
    six = WORK / 'six'
    if six.exists():
        shutil.rmtree(six)
    paths, labels, classes = dataset('imagewoof-mini')
    for c in ('beagle', 'samoyed'):
        (six / c).mkdir(parents=True)
        k = classes.index(c)
        for p in [p for p, y in zip(paths, labels) if y == k][:3]:
            shutil.copy(p, six / c / p.name)
    cli = str(ROOT / '.venv' / 'bin' / 'petcognizer')
    walls, inner, cpus = [], [], []
    for r in range(reps):
        tmp = Path(tempfile.mkdtemp(prefix='cache-', dir=WORK))
        env = dict(os.environ, PETCOGNIZER_CACHE=str(tmp), PETCOGNIZER_CONFIG=str(tmp / 'settings.json'))
        model = tmp / 'model.safetensors'
        cmd = [cli, 'train', str(six), '--out', str(model), '--quiet', '--json']
        import resource

        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        p = subprocess.run(cmd, env=env, capture_output=True, text=True)
        walls.append(time.perf_counter() - t0)
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(ru1.ru_utime - ru0.ru_utime + ru1.ru_stime - ru0.ru_stime)
        if p.returncode != 0:
            out['six_photos'] = {'error': p.stderr[-2000:]}
            break
        inner.append(json.loads(p.stdout)['seconds'])
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        out['six_photos'] = {
            'command': f'PETCOGNIZER_CACHE=$(mktemp -d) .venv/bin/petcognizer train {six} --out M --quiet --json',
            'photos': 6, 'classes': ['beagle', 'samoyed'], 'runs': reps,
            'wall_s_median': rnd(med(walls), 2), 'wall_s_all': [rnd(w, 2) for w in walls],
            'in_process_s_median': rnd(med(inner), 2),
            'process_cpu_s_median (user+sys)': rnd(med(cpus), 2),
            'cpu_s_all': [rnd(c, 2) for c in cpus],
            'startup_and_import_s_median': rnd(med(walls) - med(inner), 2),
            'note': 'wall = process start to model saved and process exit; in_process = the CLI\'s own '
                    'timer (after imports)'}
    log('speed six', out.get('six_photos'))

    # (b) ~1,000 photos: time to model vs one plain forward pass
    paths, labels, classes = all_17()
    if args.quick:
        sel = sorted(random.Random(0).sample(range(len(paths)), 300))
        paths, labels = [paths[i] for i in sel], [labels[i] for i in sel]
    tune_allocator()
    spec = get_backbone('efficientnet_lite0')
    pre = Preprocess.for_backbone(spec)
    model = create_backbone(spec.name).eval().to(memory_format=torch.channels_last)
    with torch.inference_mode():  # warm oneDNN once
        model(torch.zeros(32, 3, 224, 224).contiguous(memory_format=torch.channels_last))
    for p in paths:  # warm the OS file cache for everyone
        p.read_bytes()
    fw1, n, cpu1 = plain_forward(paths, pre, model)
    cache_root = Path(tempfile.mkdtemp(prefix='fit1000-', dir=WORK))
    cfg = recommend_config(len(paths), len(classes))
    # instrumentation only: time the class-name prior's weight selection inside fit()
    import petcognizer.core.training as T

    orig_choose, prior_t = T.choose_prior_weight, {}

    def timed_choose(*a, **k):
        t, c = time.perf_counter(), time.process_time()
        try:
            return orig_choose(*a, **k)
        finally:
            prior_t['wall_s'], prior_t['cpu_s'] = time.perf_counter() - t, time.process_time() - c

    T.choose_prior_weight = timed_choose
    t0, c0 = time.perf_counter(), time.process_time()
    res = fit(paths, labels, classes, cfg, cache_root=cache_root)
    T.choose_prior_weight = orig_choose
    fit_wall, fit_cpu = time.perf_counter() - t0, time.process_time() - c0
    fw2, _, cpu2 = plain_forward(paths, pre, model)
    shutil.rmtree(cache_root, ignore_errors=True)
    fw = med([fw1, fw2])
    tm = res.timings
    out['thousand_photos'] = {
        'command': f'{BASE_CMD} --only speed',
        'photos': len(paths), 'classes': len(classes),
        'config': {k: cfg.to_dict()[k] for k in ('freeze_depth', 'epochs', 'batch_size', 'val_fraction',
                                                  'patience', 'use_prior')},
        'fit_wall_s': rnd(fit_wall, 2),
        'plain_forward_s': [rnd(fw1, 2), rnd(fw2, 2)],
        'plain_forward_s_median': rnd(fw, 2),
        'ratio_fit_over_forward': rnd(fit_wall / fw, 3),
        'target_ratio': 1.2,
        'met': fit_wall / fw <= 1.2,
        'cpu_s (process user+sys, all threads)': {'fit': rnd(fit_cpu, 2), 'plain_forward': [rnd(cpu1, 2), rnd(cpu2, 2)]},
        'ratio_cpu_fit_over_forward': rnd(fit_cpu / med([cpu1, cpu2]), 3),
        'breakdown_s': {'features': rnd(tm.get('features_s'), 2), 'epochs_total': rnd(tm.get('train_s'), 2),
                        'epochs_run': len(tm.get('epochs_s', [])),
                        'other (weights load, prior, copy to model)':
                            rnd(fit_wall - tm.get('features_s', 0) - tm.get('train_s', 0), 2),
                        'of which choose_prior_weight (wall / cpu)': [rnd(prior_t.get('wall_s'), 2),
                                                                      rnd(prior_t.get('cpu_s'), 2)]},
        'features_computed': tm.get('features_computed'),
        'feature_extraction_img_per_s': rnd(tm.get('features_computed', 0) / max(tm.get('features_s', 1e-9), 1e-9), 1),
        'plain_forward_img_per_s': rnd(n / fw, 1),
        'note': 'plain forward = data.decode_batches (same thread pool) + lite0, batch 32, inference_mode, '
                'channels_last, measured before and after the fit in the same process; OS file cache warm '
                'for both; fit uses a fresh (cold) feature cache',
    }
    log('speed 1000', out['thousand_photos'])

    # (c) decode only
    def decode_rate(threads):
        t0 = time.perf_counter()
        k = 0
        for b in decode_batches(paths, pre, 32, threads=threads):
            k += len(b.indices)
        return k / (time.perf_counter() - t0)

    from petcognizer.core.data import _worker_count

    pool = [decode_rate(None) for _ in range(2)]
    single = [decode_rate(1) for _ in range(2)]
    with torch.inference_mode():
        x = torch.randn(32, 3, 224, 224).contiguous(memory_format=torch.channels_last)
        model(x)
        ts = []
        for _ in range(3 if args.quick else 5):
            t0 = time.perf_counter()
            model(x)
            ts.append(time.perf_counter() - t0)
    fwd_only = 32 / med(ts)
    out['decode'] = {
        'command': f'{BASE_CMD} --only speed',
        'photos': len(paths),
        'pool_threads': _worker_count(),
        'decode_img_per_s_pool': rnd(med(pool), 1),
        'decode_img_per_s_single_thread': rnd(med(single), 1),
        'pool_speedup': rnd(med(pool) / med(single), 2),
        'forward_only_img_per_s (random batch 32, no decode)': rnd(fwd_only, 1),
        'feature_extraction_img_per_s (in fit)': out['thousand_photos']['feature_extraction_img_per_s'],
        'plain_forward_img_per_s (decode+forward)': out['thousand_photos']['plain_forward_img_per_s'],
        'note': 'decode = load_rgb with JPEG draft + resize/centre-crop + to tensor; pool runs alone here, '
                'while in training it shares the 2 cores with the forward pass',
    }
    log('speed decode', out['decode'])

    # (d) allocator and channels_last, each in a fresh process
    reps_d = 2 if args.quick else 3
    configs = [('mallopt+channels_last', False, True), ('no_mallopt+channels_last', True, True),
               ('mallopt+contiguous', False, False), ('no_mallopt+contiguous', True, False)]
    rates = {c[0]: [] for c in configs}
    cpu_rates = {c[0]: [] for c in configs}
    for _ in range(reps_d):
        for label, no_mallopt, cl in configs:
            env = dict(os.environ)
            env.pop('PETCOGNIZER_NO_MALLOPT', None)
            if no_mallopt:
                env['PETCOGNIZER_NO_MALLOPT'] = '1'
            r = run_worker('forward_rate', {'channels_last': cl, 'batches': 4 if args.quick else 6}, env=env)
            rates[label].append(r['img_per_s'])
            cpu_rates[label].append(r['img_per_cpu_s'])
    m = {k: med(v) for k, v in rates.items()}
    out['allocator'] = {
        'command': f'{BASE_CMD} --only speed   # each figure: a fresh `{BASE_CMD} --worker forward_rate` '
                   'process, PETCOGNIZER_NO_MALLOPT=1 for "no_mallopt"',
        'img_per_s_median': {k: rnd(v, 1) for k, v in m.items()},
        'img_per_s_all': {k: [rnd(x, 1) for x in v] for k, v in rates.items()},
        'img_per_cpu_s_median (images per CPU-second, less sensitive to other jobs)':
            {k: rnd(med(v), 1) for k, v in cpu_rates.items()},
        'runs_each': reps_d,
        'mallopt_speedup (channels_last)': rnd(m['mallopt+channels_last'] / m['no_mallopt+channels_last'], 2),
        'channels_last_speedup (mallopt)': rnd(m['mallopt+channels_last'] / m['mallopt+contiguous'], 2),
        'note': 'lite0 forward on a random batch of 32 at 224 px, inference_mode, after 2 warm-up batches',
    }
    log('speed allocator', out['allocator'])
    out['seconds'] = rnd(time.perf_counter() - t_sec, 1)
    return out


def worker_forward_rate(a):
    import torch

    from petcognizer.core.backbones import create_backbone
    from petcognizer.core.perf import tune_allocator

    tuned = tune_allocator()
    model = create_backbone('efficientnet_lite0').eval()
    x = torch.randn(32, 3, 224, 224)
    if a['channels_last']:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    with torch.inference_mode():
        for _ in range(2):
            model(x)
        ts, cs = [], []
        for _ in range(a['batches']):
            t0, c0 = time.perf_counter(), time.process_time()
            model(x)
            ts.append(time.perf_counter() - t0)
            cs.append(time.process_time() - c0)
    return {'img_per_s': 32 / statistics.median(ts), 'img_per_cpu_s': 32 / statistics.median(cs),
            'allocator': tuned}


# ---------------------------------------------------------------- 3. cache


def worker_cache_one(a):
    """One freeze depth / augmentation setting: cached epochs vs a full-forward epoch."""
    import torch
    from torch import nn

    from petcognizer.core.backbones import create_backbone, get_backbone
    from petcognizer.core.config import recommend_config
    from petcognizer.core.data import Augment, Preprocess, decode_batches, stratified_split
    from petcognizer.core.model import make_head
    from petcognizer.core.perf import tune_allocator
    from petcognizer.core.training import fit

    tune_allocator()
    paths, labels, classes = dataset('imagewoof-mini')
    keep = [i for i in range(len(paths)) if sum(1 for j in range(i) if labels[j] == labels[i]) < a['per_class']]
    paths, labels = [paths[i] for i in keep], [labels[i] for i in keep]
    d, aug = a['depth'], a['augment']
    cache_root = Path(tempfile.mkdtemp(prefix=f'cache-d{d}-a{int(aug)}-', dir=WORK))
    cfg = recommend_config(len(paths), len(classes))
    cfg.freeze_depth, cfg.augment, cfg.epochs, cfg.patience = d, aug, a['epochs'], 0
    cfg.ensemble = False  # one backbone: this measures its frozen-prefix cache
    from petcognizer.core.events import EpochEnded, EpochStarted

    ep_cpu, mark = [], {}

    def cb(ev):
        if isinstance(ev, EpochStarted):
            mark['c'] = time.process_time()
        elif isinstance(ev, EpochEnded):
            ep_cpu.append(time.process_time() - mark['c'])

    rss0 = peak_rss_mb()
    t0 = time.perf_counter()
    res = fit(paths, labels, classes, cfg, cache_root=cache_root, callback=cb)
    wall = time.perf_counter() - t0
    rss_fit = peak_rss_mb()
    size = du(cache_root)
    tm = res.timings
    cached_epoch = statistics.median(tm['epochs_s'])

    # the same epoch without the cache: decode (+augment) every photo, run the frozen
    # prefix without gradients, the top d stages and the head with them
    spec = get_backbone('efficientnet_lite0')
    S = spec.num_stages
    P = S - d
    pre = Preprocess.for_backbone(spec)
    bb = create_backbone(spec.name).to(memory_format=torch.channels_last)
    bb.eval()
    mods = list(bb.stages.values())
    for i, m in enumerate(mods):
        m.requires_grad_(i >= P)
        m.train(i >= P)
    head = make_head('linear', bb.num_features, len(classes))
    params = list(head.parameters()) + [p for m in mods[P:] for p in m.parameters()]
    opt = torch.optim.AdamW(params, lr=1e-3)
    train_idx, _ = stratified_split(labels, cfg.val_fraction, cfg.seed)
    tp = [paths[i] for i in train_idx]
    ty = torch.tensor([labels[i] for i in train_idx])
    augment = Augment(crop_flip=True) if aug else None
    full, full_cpu = [], []
    for ep in range(a['full_epochs']):
        te, ce = time.perf_counter(), time.process_time()
        for b in decode_batches(tp, pre, cfg.batch_size, augment=augment,
                                seeds=[ep * 100003 + i for i in range(len(tp))]):
            x = b.tensor.contiguous(memory_format=torch.channels_last)
            with torch.no_grad():
                x = bb.forward_stages(x, 0, P)
            x = bb.pool(bb.forward_stages(x, P, S)) if d > 0 else bb.pool(x)
            loss = nn.functional.cross_entropy(head(x), ty[b.indices])
            opt.zero_grad()
            loss.backward()
            opt.step()
        full.append(time.perf_counter() - te)
        full_cpu.append(time.process_time() - ce)
    shutil.rmtree(cache_root, ignore_errors=True)
    full_epoch = statistics.median(full)
    return {
        'freeze_depth': d, 'augment': aug, 'photos': len(paths), 'n_train': res.n_train,
        'cached_views_per_image': (1 + cfg.aug_views) if aug else 1,
        'cache_dtype': 'float32 pooled' if d == 0 else 'float16 feature maps',
        'epochs_cached': len(tm['epochs_s']),
        'epoch_s_cached_median': cached_epoch,
        'epoch_s_full_forward_median': full_epoch,
        'speedup_full_over_cached': full_epoch / cached_epoch,
        'epoch_cpu_s_cached_median': statistics.median(ep_cpu),
        'epoch_cpu_s_full_forward_median': statistics.median(full_cpu),
        'speedup_cpu_full_over_cached': statistics.median(full_cpu) / max(statistics.median(ep_cpu), 1e-9),
        'features_s (one-off extraction)': tm.get('features_s'),
        'fit_wall_s': wall,
        'cache_mb_on_disk': size / 1e6,
        'peak_rss_mb_after_fit': rss_fit,
        'peak_rss_mb_before_fit': rss0,
        'peak_rss_mb_incl_full_epoch': peak_rss_mb(),
    }


def worker_half_one(a):
    """freeze_depth=2 trained on float16 vs float32 cached feature maps, same seed and split."""
    import numpy as np

    import petcognizer.core.training as T
    from petcognizer.core.config import recommend_config
    from petcognizer.core.data import stratified_split
    from petcognizer.core.predict import Predictor
    from petcognizer.core.training import fit

    orig = T.extract

    def patched(*args, **kw):  # the trainer calls the extract it imported: patch that name
        kw['half'] = a['half']
        return orig(*args, **kw)

    T.extract = patched
    paths, labels, classes = dataset('imagewoof-mini')
    accs = []
    for seed in range(a['seeds']):
        tr, te = stratified_split(labels, 0.2, seed)
        cache_root = Path(tempfile.mkdtemp(prefix=f'half{int(a["half"])}-', dir=WORK))
        cfg = recommend_config(len(tr), len(classes))
        cfg.freeze_depth, cfg.seed = 2, seed
        cfg.ensemble = False
        cfg.epochs = min(cfg.epochs, a['epochs'])
        res = fit([paths[i] for i in tr], [labels[i] for i in tr], classes, cfg, cache_root=cache_root)
        size = du(cache_root)
        shutil.rmtree(cache_root, ignore_errors=True)
        mat, ok, _ = Predictor(res.model).probabilities([paths[i] for i in te])
        accs.append(float((mat.argmax(1).numpy() == np.array([labels[i] for i in te])[ok]).mean()))
    return {'half': a['half'], 'accs': accs, 'cache_mb': size / 1e6, 'epochs': cfg.epochs,
            'n_train': len(tr), 'n_test': len(te)}


def section_cache(args) -> dict:
    per_class = 20 if args.quick else 40
    epochs = 3
    full_epochs = 1
    rows = []
    t_sec = time.perf_counter()
    for d in (0, 1, 2, 3):
        for aug in (False, True):
            r = run_worker('cache_one', {'depth': d, 'augment': aug, 'per_class': per_class,
                                         'epochs': epochs, 'full_epochs': full_epochs})
            r = {k: (rnd(v, 4) if isinstance(v, float) else v) for k, v in r.items()}
            rows.append(r)
            log('cache', r)
    seeds = 1 if args.quick else 2
    half = {}
    for h in (True, False):
        half['float16' if h else 'float32'] = run_worker('half_one', {'half': h, 'seeds': seeds, 'epochs': 30})
    log('cache half', half)
    m16, s16 = mean_std(half['float16']['accs'])
    m32, s32 = mean_std(half['float32']['accs'])
    return {
        'command': f'{BASE_CMD} --only cache' + (' --quick' if args.quick else ''),
        'what': f'imagewoof-mini, {per_class} photos a class ({per_class * 10}); per freeze depth and '
                f'augmentation: the trainer\'s epochs with the frozen-prefix cache ({epochs} epochs, median) '
                f'vs {full_epochs} epoch(s) of the same training without a cache (decode + augment + frozen '
                'prefix forward + top stages/head forward/backward, bench code); cache size; peak RSS of a '
                'fresh process (ru_maxrss) after the fit',
        'rows': rows,
        'float16_vs_float32_cache': {
            'command': f'{BASE_CMD} --only cache   # worker half_one: features.extract(half=...) patched '
                       'in the bench, the trainer has no switch for it',
            'setup': f'imagewoof-mini, 80/20 split (stratified, seeds 0..{seeds - 1}), freeze_depth=2, '
                     f'recommend_config with epochs capped at 30, accuracy on the 20% test photos '
                     f'via Predictor',
            'float16_acc_mean': rnd(m16), 'float16_acc_std': rnd(s16),
            'float32_acc_mean': rnd(m32), 'float32_acc_std': rnd(s32),
            'runs_each': seeds,
            'float16_cache_mb': rnd(half['float16']['cache_mb'], 1),
            'float32_cache_mb': rnd(half['float32']['cache_mb'], 1),
            'raw': half,
        },
        'caveats': [CAVEATS['imagewoof-mini'], CAVEATS['machine']],
        'seconds': rnd(time.perf_counter() - t_sec, 1),
    }


# ---------------------------------------------------------------- 4. tricks

TRICKS = (
    ('baseline', {}),
    ('augment (crop+flip)', {'augment': True}),
    ('colour jitter', {'color_jitter': True}),
    ('cutout (random_erasing)', {'random_erasing': True}),
    ('label smoothing 0 (default 0.1)', {'label_smoothing': 0.0}),
    ('warm-up 0 (default 1 epoch)', {'warmup_epochs': 0}),
    ('test-time augmentation (flip)', 'tta'),
)


def section_tricks(args) -> dict:
    import numpy as np

    from petcognizer.core.config import recommend_config
    from petcognizer.core.data import stratified_split
    from petcognizer.core.predict import Predictor

    reuse_backbone()
    seeds = args.seeds if args.seeds else (1 if args.quick else 3)
    seeds_all = min(seeds, args.seeds_all) if args.seeds_all else seeds
    regimes = ('10/class',) if args.quick else ('10/class', 'all (80/20)')
    cache_root = WORK / 'features'
    t_sec = time.perf_counter()
    table = {}
    tta_check = None
    partial = RESULTS / 'tricks-partial.json'
    # smallest first; a partial table is written after each dataset (long runs on a busy machine)
    for name in ('brain-mri', 'flowers5-mini', 'imagewoof-mini'):
        paths, labels, classes = dataset(name)
        lab = np.array(labels)
        F = pooled_features(name, paths, cache_root)['data']
        Fflip = flipped_features(name, paths)
        for regime in regimes:
            res_row = {t: [] for t, _ in TRICKS}
            for seed in range(seeds if regime == '10/class' else seeds_all):
                if regime == '10/class':
                    tr, te = draw_per_class(labels, 10, f'{name}-10-{seed}')
                else:
                    tr, te = stratified_split(labels, 0.2, seed)
                base_model = None
                for trick, change in TRICKS:
                    if change == 'tta':
                        a = acc_from_features(base_model, F[te], lab[te], flip=Fflip[te])
                        if tta_check is None:
                            sub = te[:64]
                            mat, ok, _ = Predictor(base_model).probabilities([paths[i] for i in sub], tta=True)
                            tta_check = {'dataset': name, 'n': len(sub),
                                         'acc_predictor_tta': float((mat.argmax(1).numpy() == lab[sub]).mean()),
                                         'acc_features_tta': acc_from_features(base_model, F[sub], lab[sub],
                                                                               flip=Fflip[sub])}
                        res_row[trick].append(a)
                        continue
                    cfg = recommend_config(len(tr), len(classes))
                    cfg.seed = seed
                    cfg.ensemble = False  # the tricks table compares tricks on Lite0 alone
                    for k, v in change.items():
                        setattr(cfg, k, v)
                    _, model = service_run([paths[i] for i in tr], [labels[i] for i in tr], classes,
                                           cfg, cache_root)
                    if trick == 'baseline':
                        base_model = model
                    res_row[trick].append(acc_from_features(model, F[te], lab[te]))
            for trick, accs in res_row.items():
                m, s = mean_std(accs)
                table.setdefault(trick, {})[f'{name} {regime}'] = {'mean': rnd(m), 'std': rnd(s),
                                                                   'n_runs': len(accs)}
            log('tricks', name, regime, {t: rnd(mean_std(v)[0], 3) for t, v in res_row.items()})
            partial.write_text(json.dumps({'seeds': seeds, 'seeds_all_regime': seeds_all, 'table': table,
                                           'tta_check': tta_check,
                                           'seconds': time.perf_counter() - t_sec}, indent=1))
    for trick in ('cosine schedule', 'progressive resizing'):
        table[trick] = ('always on: the trainer always uses a cosine schedule (not switchable), so every '
                        'row above uses it' if trick.startswith('cosine') else
                        'only with every stage training (--freeze-depth all, minutes per epoch on this CPU): not measured')
    return {
        'command': f'{BASE_CMD} --only tricks --seeds {seeds}' + (f' --seeds-all {seeds_all}' if seeds_all != seeds else '')
                   + (' --quick' if args.quick else ''),
        'what': 'baseline = recommend_config defaults (lite0 frozen, linear head, class-name prior, '
                'label smoothing 0.1, warm-up 1 epoch, cosine); each trick switched on alone. '
                '"10/class": 10 random photos a class train, every other photo tests; "all (80/20)": '
                'stratified 80/20 split (the trainer then holds out 20% of the 80% for early stopping). '
                'Augmentations use the cached views (aug_views=4 + the plain view). Accuracy computed '
                'from cached pooled features (checked against Predictor); TTA averages the softmax of '
                'the image and its horizontal flip, as Predictor.probabilities(tta=True) does.',
        'seeds': seeds, 'seeds_all_regime': seeds_all, 'regimes': list(regimes), 'table': table, 'tta_check': tta_check,
        'caveats': [CAVEATS[n] for n in DATASET_NAMES],
        'seconds': rnd(time.perf_counter() - t_sec, 1),
    }


# ---------------------------------------------------------------- 5. gui


def build_project(root: Path, per_class: int | None, copies: int = 1, datasets=DATASET_NAMES):
    """A project whose images/<class>/ are hard links to the dataset photos."""
    from petcognizer.core.project import Project

    if root.exists():
        shutil.rmtree(root)
    items = []
    classes = []
    for name in datasets:
        p, y, c = dataset(name)
        counts = {}
        for path, k in zip(p, y):
            counts[k] = counts.get(k, 0) + 1
            if per_class is None or counts[k] <= per_class:
                items.append((path, c[k]))
        classes += c
    project = Project.create(root, classes=classes)
    n = 0
    for rep in range(copies):
        for i, (path, c) in enumerate(items):
            dst = project.images_dir / c / f'{rep:02d}-{i:05d}{path.suffix.lower()}'
            try:
                os.link(path, dst)
            except OSError:
                shutil.copy(path, dst)
            n += 1
    project.refresh()
    project.save()
    return n


def worker_gui_stall(a):
    os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')
    from PySide6.QtCore import QEventLoop, QTimer

    from petcognizer.core.project import Project
    from petcognizer.gui.app import create_app
    from petcognizer.gui.train_page import TrainPage

    app = create_app()
    root = WORK / 'gui-train'
    n = build_project(root, a['per_class'], datasets=('imagewoof-mini',))
    project = Project.open(root)
    page = TrainPage()
    page.set_project(project)
    page.resize(1200, 800)
    page.show()
    ticks = []

    def tick():
        ticks.append(time.perf_counter())

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    loop = QEventLoop()
    page.busy_changed.connect(lambda busy: (not busy) and loop.quit())
    timer.start()
    t_idle = time.perf_counter()
    while time.perf_counter() - t_idle < 1.0:
        app.processEvents()
        time.sleep(0.001)
    idle_ticks = list(ticks)
    ticks.clear()
    t0 = time.perf_counter()
    ok = page.start_training()
    QTimer.singleShot(600_000, loop.quit)
    loop.exec()
    t_train = time.perf_counter() - t0
    timer.stop()
    recs = project.runs  # RunRecord, newest last; the page recorded the run in this project

    def lateness(ts):
        gaps = [(b - a_) * 1000 - 10 for a_, b in zip(ts, ts[1:])]
        gaps = sorted(max(0.0, g) for g in gaps)
        if not gaps:
            return {}
        q = lambda f: gaps[min(len(gaps) - 1, int(round(f * (len(gaps) - 1))))]  # noqa: E731
        return {'ticks': len(gaps) + 1, 'p50_ms': q(0.5), 'p99_ms': q(0.99), 'max_ms': gaps[-1]}

    page.shutdown()
    return {'photos': n, 'started': ok, 'train_s': t_train, 'idle': lateness(idle_ticks),
            'training': lateness(ticks),
            'run': {k: (getattr(recs[-1], k) if recs else None)
                    for k in ('n_train', 'n_val', 'best_val_acc', 'seconds', 'cancelled')},
            'config': {k: (recs[-1].config.get(k) if recs else None)
                       for k in ('backbone', 'freeze_depth', 'epochs')}}


def worker_gui_open(a):
    os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')
    t_imp = time.perf_counter()
    from PySide6.QtWidgets import QApplication

    from petcognizer.gui.app import create_app
    from petcognizer.gui.main_window import MainWindow

    _app = create_app()  # kept alive for the window
    t_app = time.perf_counter()
    w = MainWindow()
    w.interactive = False
    w.resize(1280, 800)
    w.show()
    t_win = time.perf_counter()
    ok = w.open_project(a['root'])
    for _ in range(3):
        QApplication.processEvents()
    t_open = time.perf_counter()
    rows = w.data_page.model.rowCount()
    res = {'opened': ok, 'listed_rows': rows, 'bins': w.data_page.bins.count(),
           'import_s': t_app - t_imp, 'window_s': t_win - t_app, 'open_and_list_s': t_open - t_win,
           'peak_rss_mb': peak_rss_mb(), 'process_cpu_s': time.process_time()}
    print('READY ' + json.dumps(res), flush=True)
    w.shutdown(2000)
    return res


def section_gui(args) -> dict:
    gui = ROOT / 'petcognizer' / 'gui'
    if not ((gui / 'train_page.py').is_file() and (gui / 'main_window.py').is_file()):
        return {'skipped': 'petcognizer/gui/train_page.py or main_window.py missing'}
    t_sec = time.perf_counter()
    env = dict(os.environ, QT_QPA_PLATFORM='offscreen')
    tmp = Path(tempfile.mkdtemp(prefix='gui-', dir=WORK))
    env['PETCOGNIZER_CONFIG'] = str(tmp / 'settings.json')
    env['PETCOGNIZER_CACHE'] = str(tmp / 'cache')
    per_class = 10 if args.quick else 20
    stall = run_worker('gui_stall', {'per_class': per_class}, env=env)
    tr = stall.get('training', {})
    out = {'stall': {
        'command': f'{BASE_CMD} --only gui   # worker gui_stall (offscreen)',
        'what': f'offscreen QApplication, a real TrainPage started with start_training() (its default job, '
                f'train_project) on a fresh project of {stall["photos"]} imagewoof photos (cold feature '
                f'cache, so the run includes feature extraction at full CPU load); a 10 ms QTimer records '
                f'how late each tick fires',
        'p50_ms': rnd(tr.get('p50_ms'), 1), 'p99_ms': rnd(tr.get('p99_ms'), 1), 'max_ms': rnd(tr.get('max_ms'), 1),
        'ticks': tr.get('ticks'), 'target_p99_ms': 50,
        'met': tr.get('p99_ms') is not None and tr['p99_ms'] <= 50,
        'idle_before': {k: rnd(v, 1) for k, v in stall.get('idle', {}).items()},
        'train_s': rnd(stall['train_s'], 2), 'run': stall['run'], 'config': stall['config']}}
    log('gui stall', out['stall'])

    root = WORK / 'project10k'
    marker = root / '.bench-built'
    if not marker.is_file():
        n = build_project(root, None, copies=10)
        marker.write_text(str(n))
    n = int(marker.read_text())
    runs = []
    for _ in range(1 if args.quick else 3):
        cmd = [PY, str(Path(__file__).resolve()), '--worker', 'gui_open', '--args', json.dumps({'root': str(root)})]
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        ready = None
        for line in p.stdout:
            if line.startswith('READY '):
                ready = time.perf_counter() - t0
                info = json.loads(line[6:])
                break
        p.communicate(timeout=120)
        if ready is None:
            runs.append({'error': p.stderr[-2000:] if p.stderr else 'no READY line'})
            break
        info['wall_s'] = ready
        runs.append(info)
        log('gui open', info)
    good = [r for r in runs if 'wall_s' in r]
    out['open_10k'] = {
        'command': f'{BASE_CMD} --only gui   # worker gui_open in a fresh process',
        'what': f'a project of {n} photos (hard links of the three datasets, 10 copies, 17 classes); '
                'time from process start (Popen) until MainWindow is shown with the project open and the '
                'data page listing done (model rows set); thumbnails load later in the background',
        'photos': n, 'runs': len(good),
        'wall_s_median': rnd(med([r['wall_s'] for r in good]), 2),
        'wall_s_all': [rnd(r['wall_s'], 2) for r in good],
        'peak_rss_mb_median': rnd(med([r['peak_rss_mb'] for r in good]), 1),
        'process_cpu_s_median': rnd(med([r.get('process_cpu_s') for r in good]), 2),
        'breakdown_first_run': {k: rnd(v, 3) for k, v in good[0].items()} if good else None,
        'target_s': 2.0, 'target_rss_mb': 1536,
        'met': bool(good) and med([r['wall_s'] for r in good]) <= 2.0
               and med([r['peak_rss_mb'] for r in good]) <= 1536,
        'errors': [r for r in runs if 'error' in r],
    }
    shutil.rmtree(tmp, ignore_errors=True)
    out['caveats'] = [CAVEATS['machine'], 'offscreen platform plugin: no real display/compositor']
    out['seconds'] = rnd(time.perf_counter() - t_sec, 1)
    return out


# ---------------------------------------------------------------- plumbing

WORKERS = {'forward_rate': worker_forward_rate, 'cache_one': worker_cache_one, 'half_one': worker_half_one,
           'gui_stall': worker_gui_stall, 'gui_open': worker_gui_open}


def run_worker(name, a, env=None):
    cmd = [PY, str(Path(__file__).resolve()), '--worker', name, '--args', json.dumps(a)]
    p = subprocess.run(cmd, env=env or os.environ.copy(), capture_output=True, text=True, cwd=ROOT)
    for line in reversed(p.stdout.splitlines()):
        if line.startswith('RESULT '):
            return json.loads(line[7:])
    raise RuntimeError(f'worker {name} failed ({p.returncode}): {p.stderr[-3000:]}')


def fmt_pct(cell):
    if not isinstance(cell, dict) or cell.get('mean') is None:
        return str(cell)
    return f'{cell["mean"] * 100:.1f} ± {cell["std"] * 100:.1f} (n={cell["n_runs"]})'


def markdown(report) -> str:
    s = report['sections']
    md = [f'Measured {report["date"]} on {report["machine"]["cpu_model"]} ({report["machine"]["nproc"]} cores, '
          f'shared), torch {report["machine"]["torch"]}, commit {report["machine"]["git_commit"]}. '
          f'Command: `{report["command"]}`.', '']
    if 'accuracy' in s and 'datasets' in s['accuracy']:
        a = s['accuracy']
        md += [f'**Accuracy** (the CLI defaults: frozen backbone, linear head, up to 300 photos the Lite0/1/2 ensemble; mean ± std over {a["draws"]} random draws; '
               'test = every other photo of the dataset)', '',
               '| dataset | photos/class | with class-name prior | plain head |', '|---|---|---|---|']
        for name, ds in a['datasets'].items():
            for shots, row in ds['results'].items():
                md.append(f'| {name} | {shots} | {fmt_pct(row["prior"])} | {fmt_pct(row["plain"])} |')
        md.append('')
    if 'speed' in s:
        sp = s['speed']
        md += ['**Speed**', '', '| measurement | figure |', '|---|---|']
        if 'wall_s_median' in sp.get('six_photos', {}):
            x = sp['six_photos']
            md.append(f'| `petcognizer train` on 6 photos, cold cache, whole process (median of {x["runs"]}) | '
                      f'{x["wall_s_median"]} s wall (start-up/imports {x["startup_and_import_s_median"]} s); '
                      f'{x.get("process_cpu_s_median (user+sys)")} CPU-s |')
        if 'thousand_photos' in sp:
            x = sp['thousand_photos']
            md.append(f'| {x["photos"]} photos, 17 classes, defaults: time to model | {x["fit_wall_s"]} s |')
            md.append(f'| one plain forward pass over the same photos | {x["plain_forward_s_median"]} s |')
            md.append(f'| ratio, wall (target ≤ 1.2) | {x["ratio_fit_over_forward"]} |')
            if 'ratio_cpu_fit_over_forward' in x:
                md.append(f'| ratio, CPU-seconds | {x["ratio_cpu_fit_over_forward"]} |')
            pw = x['breakdown_s'].get('of which choose_prior_weight (wall / cpu)')
            if pw:
                md.append(f'| … of the fit: features / epochs / class-name prior weight selection | '
                          f'{x["breakdown_s"]["features"]} / {x["breakdown_s"]["epochs_total"]} / {pw[0]} s wall ({pw[1]} CPU-s) |')
        if 'decode' in sp:
            x = sp['decode']
            md.append(f'| decode + resize, {x["pool_threads"]}-thread pool / 1 thread | '
                      f'{x["decode_img_per_s_pool"]} / {x["decode_img_per_s_single_thread"]} img/s |')
            md.append(f'| feature extraction in training (decode + lite0) | '
                      f'{x["feature_extraction_img_per_s (in fit)"]} img/s |')
            md.append(f'| lite0 forward alone (batch 32) | {x["forward_only_img_per_s (random batch 32, no decode)"]} img/s |')
        if 'allocator' in sp:
            x = sp['allocator']['img_per_s_median']
            md.append(f'| lite0 forward: mallopt on / off (channels_last) | {x["mallopt+channels_last"]} / '
                      f'{x["no_mallopt+channels_last"]} img/s |')
            md.append(f'| lite0 forward: channels_last / contiguous (mallopt on) | {x["mallopt+channels_last"]} / '
                      f'{x["mallopt+contiguous"]} img/s |')
            c = sp['allocator'].get('img_per_cpu_s_median (images per CPU-second, less sensitive to other jobs)')
            if c:
                md.append(f'| same, images per CPU-second: mallopt on / off / contiguous | {c["mallopt+channels_last"]} / '
                          f'{c["no_mallopt+channels_last"]} / {c["mallopt+contiguous"]} |')
        md.append('')
    if 'cache' in s and 'rows' in s['cache']:
        c = s['cache']
        md += ['**Frozen-prefix cache** (imagewoof-mini; per-epoch seconds, median)', '',
               '| freeze depth | augmentation | epoch, cached | epoch, full forward | speed-up (wall) | speed-up (CPU-s) | cache on disk | peak RSS |',
               '|---|---|---|---|---|---|---|---|']
        for r in c['rows']:
            md.append(f'| {r["freeze_depth"]} | {"crop+flip, " + str(r["cached_views_per_image"]) + " views" if r["augment"] else "off"} | '
                      f'{r["epoch_s_cached_median"]:.3f} s | {r["epoch_s_full_forward_median"]:.2f} s | '
                      f'{r["speedup_full_over_cached"]:.0f}× | {r.get("speedup_cpu_full_over_cached", 0):.0f}× | {r["cache_mb_on_disk"]:.1f} MB | '
                      f'{r["peak_rss_mb_after_fit"]:.0f} MB |')
        h = c['float16_vs_float32_cache']
        md += ['', f'float16 vs float32 cache at freeze depth 2: {h["float16_acc_mean"]} vs {h["float32_acc_mean"]} '
               f'test accuracy ({h["runs_each"]} runs each; {h["float16_cache_mb"]} vs {h["float32_cache_mb"]} MB).', '']
    if 'tricks' in s and 'table' in s['tricks']:
        t = s['tricks']
        cols = list(next(v for v in t['table'].values() if isinstance(v, dict)).keys())
        md += [f'**Tricks** (accuracy % mean ± std, n runs; {t["seeds"]} seeds)', '',
               '| trick | ' + ' | '.join(cols) + ' |', '|---' * (len(cols) + 1) + '|']
        rows = dict(t['table'])
        rows.setdefault('cosine schedule', 'always on (the trainer always uses cosine; every row uses it)')
        rows.setdefault('progressive resizing', 'only with every stage training (--freeze-depth all, minutes per epoch on this CPU): not measured')
        for trick, row in rows.items():
            if isinstance(row, dict):
                md.append(f'| {trick} | ' + ' | '.join(fmt_pct(row.get(c)) for c in cols) + ' |')
            else:
                md.append(f'| {trick} | {row} |' + ' |' * (len(cols) - 1))
        md.append('')
    if 'gui' in s and 'stall' in s['gui']:
        g = s['gui']
        md += ['**GUI**', '', '| measurement | figure | target |', '|---|---|---|',
               f'| event-loop lateness while training ({g["stall"]["run"].get("n_train")}+{g["stall"]["run"].get("n_val")} photos, cold cache) p50 / p99 / max | '
               f'{g["stall"]["p50_ms"]} / {g["stall"]["p99_ms"]} / {g["stall"]["max_ms"]} ms | p99 ≤ 50 ms |',
               f'| open a {g["open_10k"]["photos"]}-photo project: process start to usable window | '
               f'{g["open_10k"]["wall_s_median"]} s | ≤ 2 s |',
               f'| … peak RSS | {g["open_10k"]["peak_rss_mb_median"]} MB | ≤ 1,536 MB |',
               f'| … process CPU-seconds to that point | '
               f'{g["open_10k"].get("process_cpu_s_median") or (g["open_10k"].get("breakdown_first_run") or {}).get("process_cpu_s")} | |',
               '']
    md += ['Caveats: ' + ' '.join(CAVEATS.values())]
    return '\n'.join(md)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--quick', action='store_true', help='fewer draws/seeds/photos (for development)')
    ap.add_argument('--only', nargs='+', choices=SECTIONS, help='run only these sections')
    ap.add_argument('--draws', type=int, default=None, help='accuracy: random draws per setting (default 10)')
    ap.add_argument('--seeds', type=int, default=None, help='tricks: seeds per setting (default 3)')
    ap.add_argument('--seeds-all', type=int, default=None,
                    help='tricks: seeds for the "all (80/20)" regime (default: --seeds)')
    ap.add_argument('--merge', nargs='+', metavar='REPORT',
                    help='combine the sections of earlier report JSONs into one report (and .md)')
    ap.add_argument('--worker', help=argparse.SUPPRESS)
    ap.add_argument('--args', help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        res = WORKERS[args.worker](json.loads(args.args or '{}'))
        print('RESULT ' + json.dumps(res), flush=True)
        return 0
    if args.merge:
        reports = []
        for p in args.merge:
            r = json.loads(Path(p).read_text())
            if 'sections' not in r:  # a tricks-partial.json written during an unfinished run
                r = {'command': f'{BASE_CMD} --only tricks (unfinished; partial table from {p})',
                     'date': datetime.fromtimestamp(Path(p).stat().st_mtime, timezone.utc).isoformat(
                         timespec='seconds'), 'machine': {},
                     'sections': {'tricks': {**r, 'partial': True, 'command': f'{BASE_CMD} --only tricks '
                                             f'--seeds {r["seeds"]} --seeds-all {r["seeds_all_regime"]}',
                                             'regimes': ['10/class', 'all (80/20)']}}}
            reports.append(r)
        report = dict(reports[0])
        report['sections'] = {}
        report['merged_from'] = [{'file': str(p), 'command': r['command'], 'date': r['date'],
                                  'loadavg': [r['machine'].get('loadavg_at_start'), r['machine'].get('loadavg_at_end')]}
                                 for p, r in zip(args.merge, reports)]
        for r in reports:
            report['sections'].update(r['sections'])
        report['command'] = ' ; '.join(r['command'] for r in reports)
        stamp = datetime.now(timezone.utc).strftime('%Y%m%d-%H%M%S')
        path = RESULTS / f'report-{stamp}.json'
        path.write_text(json.dumps(report, indent=1, default=str))
        path.with_suffix('.md').write_text(markdown(report) + '\n')
        print(json.dumps(report, indent=1, default=str))
        log(f'wrote {path} and {path.with_suffix(".md")}')
        return 0
    import torch  # noqa: F401

    from petcognizer.core.perf import tune_allocator

    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    tuned = tune_allocator()
    now = datetime.now(timezone.utc)
    command = ' '.join([BASE_CMD] + [shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])])
    report = {'command': command, 'date': now.isoformat(timespec='seconds'), 'machine': machine_info(),
              'allocator': tuned, 'datasets': str(DATASETS), 'caveats': CAVEATS, 'sections': {}}
    funcs = {'accuracy': section_accuracy, 'speed': section_speed, 'cache': section_cache,
             'tricks': section_tricks, 'gui': section_gui}
    for name in args.only or SECTIONS:
        log(f'== {name}')
        t0 = time.perf_counter()
        try:
            report['sections'][name] = funcs[name](args)
        except Exception as exc:  # keep the other sections; say what failed
            import traceback

            traceback.print_exc()
            report['sections'][name] = {'error': f'{type(exc).__name__}: {exc}'}
        log(f'== {name} done in {time.perf_counter() - t0:.0f} s')
    report['machine']['loadavg_at_end'] = os.getloadavg()
    stamp = now.strftime('%Y%m%d-%H%M%S')
    suffix = ('-quick' if args.quick else '') + ('-' + '-'.join(args.only) if args.only else '')
    path = RESULTS / f'report-{stamp}{suffix}.json'
    text = json.dumps(report, indent=1, default=str)
    path.write_text(text)
    md = markdown(report)
    path.with_suffix('.md').write_text(md + '\n')
    print(text)
    log(f'wrote {path} and {path.with_suffix(".md")}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
