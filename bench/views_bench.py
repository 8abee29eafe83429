"""Issue 13, item 6: input views for the few-photo case near ImageNet (imagewoof-mini).

Run by hand (reads ../shared/datasets; never part of the test suite)::

    .venv/bin/python bench/views_bench.py prior [--dataset imagewoof-mini]
    .venv/bin/python bench/views_bench.py tta [--pers 3 10] [--draws 10]
    .venv/bin/python bench/views_bench.py crop

``crop``: how much of each photo the network sees, on all three sets: a 5-fold
cross-validated linear head (``evaluation.out_of_fold_logits``, mean of seeds 0-2) on
EfficientNet-Lite0's pooled features of every photo, the short side resized to 256 and the
centre 224 cropped (timm's 0.875), resized to 224 and cropped (the whole short side), or
the whole photo squashed to 224 x 224.

``prior``: every photo through each bundled backbone (EfficientNet-Lite0/1/2) under six
input views (224 px centre crop of a 256 px short side, the app's default for every ensemble
member; each network's own size; its own size with bicubic resizing; 256 and 288 px crops;
the whole photo squashed to 224 px), each also flipped. Reports the class-name prior's
accuracy alone (no photo trains: the backbone's ImageNet outputs matched to the class
names), per network and for the three averaged, with and without the flip averaged in, and
how many photos most views get wrong (a floor set by the photos themselves, such as
ImageNet's own label errors).

``tta``: the default few-photo run (``recommend_config``, through the run service, as
``bench/six_photos_bench.py accuracy`` draws and trains), tested on every other photo with
and without the flipped copy averaged in (the app's preprocessing, as it is now).

Prints JSON and writes ``bench/results/views-<mode>-<UTC time>.json``.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'bench'))

import run as R  # noqa: E402  (datasets, draws, the run service wrapper)

HALF = (0.5, 0.5, 0.5)
NATIVE = {0: 224, 1: 240, 2: 260}
VIEWS = {  # name: (crop, short side, interpolation); None = the network's own size
    'default 224': (224, 256, 'bilinear'),
    'own size': None,
    'own size, bicubic': None,
    '256 px': (256, 292, 'bilinear'),
    '288 px': (288, 329, 'bilinear'),
    'whole photo 224': (224, 224, 'bilinear'),
}


def _pooled(bb, paths, pre, flip: bool) -> np.ndarray:
    """Pooled features of every photo through ``pre``, horizontally flipped if ``flip``."""
    import torch

    from petcognizer.core.data import decode_batches

    f = np.zeros((len(paths), bb.num_features), np.float32)
    with torch.inference_mode():
        for b in decode_batches(paths, pre, 32):
            x = torch.flip(b.tensor, dims=[3]) if flip else b.tensor
            f[b.indices] = bb(x.contiguous(memory_format=torch.channels_last)).numpy()
    return f


def _features(paths, name, cache: Path):
    """{(network, view, flipped): pooled features}, and each network's ImageNet head."""
    import torch

    from petcognizer.core.backbones import create_backbone
    from petcognizer.core.data import Preprocess

    file = cache / f'views-{name}.npz'
    if file.is_file():
        z = np.load(file)
        return {tuple(k.split('|')): z[k] for k in z.files}
    out = {}
    for i in (0, 1, 2):
        bb = create_backbone(f'efficientnet_lite{i}').eval().to(memory_format=torch.channels_last)
        for view, spec in VIEWS.items():
            if spec is None:
                spec = (NATIVE[i], round(NATIVE[i] / 0.875),
                        'bicubic' if 'bicubic' in view else 'bilinear')
            pre = Preprocess(spec[0], spec[1], HALF, HALF, spec[2])
            for flip in (0, 1):
                out[str(i), view, str(flip)] = _pooled(bb, paths, pre, flip)
        out[str(i), 'W', ''] = bb.imagenet_head.weight.detach().numpy()
        out[str(i), 'B', ''] = bb.imagenet_head.bias.detach().numpy()
    cache.mkdir(parents=True, exist_ok=True)
    np.savez(file, **{'|'.join(k): v for k, v in out.items()})
    return out


def prior(args) -> dict:
    import torch

    from petcognizer.core.prior import ClassPrior

    paths, labels, classes = R.dataset(args.dataset)
    y = np.array(labels)
    F = _features(paths, args.dataset, R.WORK)
    cp = ClassPrior.from_classes(classes)

    def probs(i, view, flips):
        W, B = (torch.from_numpy(F[str(i), k, '']) for k in 'WB')
        return torch.stack([cp.probs(torch.from_numpy(F[str(i), view, str(fl)]) @ W.T + B).double()
                            for fl in flips]).mean(0)

    def acc(p):
        return round(100 * float((p.argmax(1).numpy() == y).mean()), 2)

    rows, wrong = {}, []
    for view in VIEWS:
        row = {}
        for flips, tag in (((0,), ''), ((0, 1), ' + flip')):
            per = [probs(i, view, flips) for i in (0, 1, 2)]
            row.update({f'Lite{i}{tag}': acc(p) for i, p in enumerate(per)})
            row[f'three averaged{tag}'] = acc(torch.stack(per).mean(0))
            wrong += [p.argmax(1).numpy() != y for p in per] if not tag else []
        rows[view] = row
    share = np.mean(wrong, axis=0)
    return {'command': f'.venv/bin/python bench/views_bench.py prior --dataset {args.dataset}',
            'dataset': args.dataset, 'photos': len(paths), 'caveat': R.CAVEATS[args.dataset],
            'prior_alone_accuracy_%': rows,
            'photos_most_views_get_wrong': int((share >= 0.5).sum()),
            'photos_every_view_gets_wrong': [paths[j].name for j in np.where(share == 1)[0]]}


def tta(args) -> dict:
    import torch

    from petcognizer.core.config import ENSEMBLE_BACKBONES, recommend_config

    from petcognizer.core.backbones import create_backbone, get_backbone
    from petcognizer.core.data import Preprocess

    R.reuse_backbone()
    name = args.dataset
    paths, labels, classes = R.dataset(name)
    lab = np.array(labels)
    # every member reads Lite0's preprocessing (what the app does), plain and flipped
    pre = Preprocess.for_backbone(get_backbone(ENSEMBLE_BACKBONES[0]))
    F = {}
    for i, b in enumerate(ENSEMBLE_BACKBONES):
        bb = create_backbone(b).eval().to(memory_format=torch.channels_last)
        for fl in (0, 1):
            F[str(i), 'default', str(fl)] = _pooled(bb, paths, pre, fl)
    out = {'command': f'.venv/bin/python bench/views_bench.py tta --pers '
                      f'{" ".join(map(str, args.pers))} --draws {args.draws}',
           'dataset': name, 'results': {}, 'loadavg_before': os.getloadavg()}
    for per in args.pers:
        acc = {'plain': [], 'flip averaged in': []}
        for draw in range(args.draws):
            tr, te = R.draw_per_class(labels, per, f'{name}-{per}-{draw}')
            cfg = recommend_config(len(tr), len(classes))
            cfg.seed = draw
            _record, model = R.service_run([paths[i] for i in tr], [labels[i] for i in tr],
                                           classes, cfg, R.WORK / 'features')
            members = model.members if hasattr(model, 'members') else [model]
            with torch.inference_mode():
                p = [torch.stack([m.logits_from_features(torch.from_numpy(
                    F[str(ENSEMBLE_BACKBONES.index(m.backbone_name)), 'default', str(fl)][te]))
                    .softmax(1) for m in members]).mean(0) for fl in (0, 1)]
            acc['plain'].append(float((p[0].argmax(1).numpy() == lab[te]).mean()))
            acc['flip averaged in'].append(float(((p[0] + p[1]).argmax(1).numpy() == lab[te]).mean()))
            print(json.dumps({'per': per, 'draw': draw, **{k: v[-1] for k, v in acc.items()}}),
                  file=sys.stderr, flush=True)
        out['results'][str(per)] = {k: {'mean_%': round(100 * statistics.fmean(v), 2),
                                        'std_%': round(100 * statistics.stdev(v), 2)}
                                    for k, v in acc.items()}
    out['loadavg_after'] = os.getloadavg()
    return out


def crop(args) -> dict:
    import torch
    from PIL import Image

    from petcognizer.core.backbones import create_backbone
    from petcognizer.core.data import Preprocess, decode_batches
    from petcognizer.core.evaluation import cv_folds, out_of_fold_logits

    bb = create_backbone('efficientnet_lite0').eval().to(memory_format=torch.channels_last)

    def squashed(paths):
        for s in range(0, len(paths), 32):
            xs = []
            for p in paths[s:s + 32]:
                with Image.open(p) as im:
                    im = im.convert('RGB').resize((224, 224), Image.Resampling.BILINEAR,
                                                  reducing_gap=3.0)
                a = torch.from_numpy(np.asarray(im, dtype=np.uint8).copy()).permute(2, 0, 1)
                xs.append((a.float() / 255 - 0.5) / 0.5)
            yield list(range(s, s + len(xs))), torch.stack(xs)

    rows = {}
    for name in R.DATASET_NAMES:
        paths, labels, classes = R.dataset(name)
        y = np.array(labels)
        row = {}
        for view in ('0.875 (256, centre 224)', 'whole short side (224, centre 224)',
                     'whole photo squashed to 224 x 224'):
            if view.startswith('whole photo'):
                batches = squashed(paths)
            else:
                pre = Preprocess(224, 256 if view.startswith('0.875') else 224, HALF, HALF)
                batches = ((b.indices, b.tensor) for b in decode_batches(paths, pre, 32))
            f = np.zeros((len(paths), bb.num_features), np.float32)
            with torch.inference_mode():
                for idx, x in batches:
                    f[idx] = bb(x.contiguous(memory_format=torch.channels_last)).numpy()
            accs = []
            for seed in range(3):
                folds = cv_folds(y.tolist(), seed=seed, k=5, loo_max=0)
                oof = out_of_fold_logits(f, None, y, len(classes), prior=None, folds=folds)
                accs.append(float((oof.argmax(1) == y).mean()))
            row[view] = round(100 * statistics.fmean(accs), 2)
            print(name, view, row[view], file=sys.stderr, flush=True)
        rows[name] = row
    return {'command': '.venv/bin/python bench/views_bench.py crop',
            'cross_validated_accuracy_%': rows, 'loadavg': os.getloadavg()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('mode', choices=('prior', 'tta', 'crop'))
    ap.add_argument('--dataset', default='imagewoof-mini')
    ap.add_argument('--pers', type=int, nargs='+', default=[3, 10])
    ap.add_argument('--draws', type=int, default=10)
    args = ap.parse_args()
    out = {'prior': prior, 'tta': tta, 'crop': crop}[args.mode](args)
    out['date'] = datetime.now(timezone.utc).isoformat(timespec='seconds')
    text = json.dumps(out, indent=1)
    print(text)
    res = ROOT / 'bench' / 'results'
    res.mkdir(exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%SZ')
    (res / f'views-{args.mode}-{stamp}.json').write_text(text)
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
