"""Benchmark: class-name priors from the ImageNet head vs the plain linear head.

Run by hand (reads ../shared, never part of the test suite)::

    .venv/bin/python bench/prior_bench.py [--draws 10] [--shots 1 3 10]

For each data set under /work/shared/datasets, pooled EfficientNet-Lite0
features and ImageNet logits are extracted once and cached in /tmp. Then, for
1, 3 and 10 photos a class, 10 random draws (train = the draw, test = every
other photo): the plain head, the prior alone and the combination chosen by
:func:`petcognizer.core.prior.fit_head_with_prior`. Prints JSON and writes
bench/results/prior.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

__all__ = ['extract', 'main']

DATASETS = Path('/work/shared/datasets')
CACHE = Path('/tmp/petcognizer_prior_bench')
RESULTS = Path(__file__).resolve().parent / 'results' / 'prior.json'


def extract(root: Path) -> dict:
    """Pooled features, ImageNet logits and labels of one ImageFolder tree, cached."""
    import torch

    CACHE.mkdir(parents=True, exist_ok=True)
    cache = CACHE / f'{root.name}.pt'
    if cache.is_file():
        return torch.load(cache, weights_only=False)
    from petcognizer.core.backbones import create_backbone
    from petcognizer.core.images import is_image_name, load_rgb
    from petcognizer.core.perf import tune_allocator
    from torchvision import transforms as T

    tune_allocator()
    classes = sorted(p.name for p in root.iterdir() if p.is_dir())
    paths, labels = [], []
    for i, c in enumerate(classes):
        for p in sorted((root / c).iterdir()):
            if is_image_name(p):
                paths.append(p)
                labels.append(i)
    tf = T.Compose([
        T.Resize(int(224 * 1.14)),
        T.CenterCrop(224),
        T.ToTensor(),
        T.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
    ])
    model = create_backbone('efficientnet_lite0')
    feats, logits = [], []
    t0 = time.perf_counter()
    with torch.inference_mode():
        for s in range(0, len(paths), 32):
            x = torch.stack([tf(load_rgb(p, draft_size=256)) for p in paths[s:s + 32]])
            f = model(x)
            feats.append(f)
            logits.append(model.imagenet_head(f))
    out = {
        'classes': classes,
        'paths': [str(p) for p in paths],
        'labels': torch.tensor(labels),
        'features': torch.cat(feats),
        'logits': torch.cat(logits),
        'seconds': time.perf_counter() - t0,
    }
    torch.save(out, cache)
    return out


# A broad-class proxy for "cat vs dog" (no cat photos under ../shared): two
# WordNet groups whose prior mass sums several ImageNet outputs each.
COARSE = {
    'terrier': ('australian_terrier', 'border_terrier'),
    'hound': ('beagle', 'english_foxhound'),
}


def _coarse(woof: dict) -> dict:
    import torch

    keep, labels = [], []
    for new, (name, breeds) in enumerate(COARSE.items()):
        for b in breeds:
            idx = (woof['labels'] == woof['classes'].index(b)).nonzero().flatten().tolist()
            keep += idx
            labels += [new] * len(idx)
    keep = torch.tensor(keep)
    return {
        'classes': list(COARSE),
        'labels': torch.tensor(labels),
        'features': woof['features'][keep],
        'logits': woof['logits'][keep],
    }


def _draw(labels, n: int, seed: int):
    import torch

    g = torch.Generator().manual_seed(seed)
    train = []
    for c in labels.unique().tolist():
        idx = (labels == c).nonzero().flatten()
        train += idx[torch.randperm(len(idx), generator=g)[:n]].tolist()
    mask = torch.zeros(len(labels), dtype=torch.bool)
    mask[train] = True
    return mask


def _stats(v: list[float]) -> dict:
    import statistics

    return {'mean': statistics.fmean(v), 'std': statistics.pstdev(v) if len(v) > 1 else 0.0}


def evaluate(d: dict, shots, draws: int) -> dict:
    """Plain head, prior alone and the combination over random draws."""
    from petcognizer.core.prior import (
        ClassPrior,
        combined_logits,
        fit_head_with_prior,
        fit_linear_head,
    )

    x, z, y = d['features'], d['logits'], d['labels']
    k = len(d['classes'])
    prior = ClassPrior.from_classes(d['classes'])
    out = {
        'classes': d['classes'],
        'matches': [m.name if m else None for m in prior.matches] if prior else [None] * k,
        'images': len(y),
        'shots': {},
    }
    if prior is not None:
        out['prior_alone_all_photos'] = float((prior.probs(z).argmax(1) == y).float().mean())
    for n in shots:
        res = {'plain': [], 'prior': [], 'combined': [], 'alpha': []}
        t0 = time.perf_counter()
        for s in range(draws):
            m = _draw(y, n, s)
            yt = y[~m]

            def acc(logits, yt=yt):
                return float((logits.argmax(1) == yt).float().mean())

            w, b, _ = fit_linear_head(x[m], y[m], k)
            res['plain'].append(acc(x[~m] @ w.T + b))
            if prior is not None:
                res['prior'].append(acc(prior.log_probs(z[~m])))
            w, b, a = fit_head_with_prior(x[m], z[m], y[m], prior, seed=s, num_classes=k)
            res['combined'].append(acc(combined_logits(x[~m], z[~m], w, b, prior, a)))
            res['alpha'].append(a)
        row = {key: _stats(v) for key, v in res.items() if v and key != 'alpha'}
        row['alpha'] = [round(a, 3) for a in res['alpha']]
        row['seconds'] = round(time.perf_counter() - t0, 1)
        out['shots'][str(n)] = row
        print(f"  {n:>2}/class: " + ', '.join(
            f"{key} {v['mean']:.3f}±{v['std']:.3f}" for key, v in row.items()
            if isinstance(v, dict)) + f", alpha {row['alpha']}", file=sys.stderr, flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--extract-only', action='store_true')
    ap.add_argument('--draws', type=int, default=10)
    ap.add_argument('--shots', type=int, nargs='+', default=[1, 3, 10])
    ap.add_argument('--datasets', nargs='*', help='names under /work/shared/datasets (default: all + proxy)')
    args = ap.parse_args(argv)
    import torch

    from petcognizer.core.prior import LABEL_SMOOTHING, PRIOR_WEIGHTS, WEIGHT_DECAY

    torch.set_num_threads(2)
    data = {}
    for root in sorted(p for p in DATASETS.iterdir() if p.is_dir()):
        data[root.name] = extract(root)
        print(root.name, tuple(data[root.name]['features'].shape), file=sys.stderr)
    if args.extract_only:
        return 0
    if 'imagewoof-mini' in data:
        data['terrier-vs-hound (imagewoof proxy)'] = _coarse(data['imagewoof-mini'])
    results = {
        'backbone': 'efficientnet_lite0 (pooled features + its ImageNet head)',
        'head': f'logistic regression, L-BFGS full batch, raw features, weight decay '
                f'{WEIGHT_DECAY} on W, label smoothing {LABEL_SMOOTHING}',
        'prior_weights': list(PRIOR_WEIGHTS),
        'draws': args.draws,
        'datasets': {},
    }
    for name, d in data.items():
        if args.datasets and name not in args.datasets:
            continue
        print(name, file=sys.stderr)
        results['datasets'][name] = evaluate(d, args.shots, args.draws)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1))
    print(json.dumps(results, indent=1))
    return 0


if __name__ == '__main__':
    sys.exit(main())
