"""Issue 13: the blended frozen heads trained on more views of each photo.

Run by hand (reads ../shared/datasets and a ``defaults_bench.py --probs DIR`` run's saved
probabilities; never part of the test suite):

    .venv/bin/python bench/blend_views_bench.py DATASET --probs bench/results/probs-unbal

For each split of ``defaults_bench.py`` (same seeds, same 80/20), the blended frozen heads
(the few-photo ensemble's config, as ``training._fit_several`` builds it) are fitted
in-process on the 80% in several variants, and scored on the 20% alone and averaged with the
fine-tuned copies' saved probabilities, as the saved model averages them. Variants:

- ``plain``: today's heads (one centred view of each photo);
- ``flip``: each photo's centred view and its mirror image, both as training rows (the
  head's first full-batch fit sees the centred views; the epochs that refine it draw either);
- ``crop_flip``: the trainer's augmentation (random crops and flips), ``aug_views`` rows;
- ``scaleS`` (say ``scale1.5``): today's heads on each backbone's input S times larger (the
  whole short side at S x its native size, in training and test);
- ``A&B``: the members of variants A and B averaged (say ``plain&scale1.5``: two input scales);
- each of the above with a flipped test view averaged in (``+tta``).

Without ``--probs`` only the frozen heads are scored (``blended`` is then absent).

One JSON line per split and variant, then a summary (mean and sd over splits, load average).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from petcognizer.core import training  # noqa: E402
from petcognizer.core.config import recommend_config  # noqa: E402
from petcognizer.core.data import Augment, folder_samples, stratified_split  # noqa: E402

DATA = Path(os.environ.get('PETCOGNIZER_DATASETS', ROOT.parent / 'shared' / 'datasets'))


@dataclass(frozen=True)
class FlipOnly(Augment):
    """The centred view mirrored (no crop): the one extra row 'flip' trains on."""

    def apply(self, img, pre, rng: random.Random):
        from PIL import Image
        return pre.to_tensor(pre.resize_crop(img).transpose(Image.Transpose.FLIP_LEFT_RIGHT))


def frozen_heads(paths, labels, classes, variant: str, seed: int):
    from petcognizer.core.data import Preprocess

    cfg = replace(recommend_config(len(paths), len(classes)), ensemble=True, val_fraction=0.0,
                  refit_all=False, seed=seed)
    real, real_pre = training.Augment, Preprocess.__dict__['for_backbone']
    if variant.startswith('scale'):
        k = float(variant[5:])

        def scaled(cls, spec):
            p = real_pre.__func__(cls, spec)
            return replace(p, input_size=round(p.input_size * k), resize=round(p.resize * k))
        Preprocess.for_backbone = classmethod(scaled)
    elif variant == 'flip':
        cfg = replace(cfg, augment=True, aug_views=1)
        training.Augment = lambda **kw: FlipOnly(crop_flip=True)
    elif variant == 'crop_flip':
        cfg = replace(cfg, augment=True)
    try:
        return training.fit(paths, labels, classes, cfg).model
    finally:
        training.Augment = real
        Preprocess.for_backbone = real_pre


def main(argv=None) -> int:
    from petcognizer.core.predict import Predictor

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('dataset')
    ap.add_argument('--probs', type=Path, help="a defaults_bench --probs folder")
    ap.add_argument('--splits', type=int, default=5)
    ap.add_argument('--variants', nargs='+', default=['plain', 'flip', 'crop_flip'])
    ap.add_argument('--out', type=Path)
    args = ap.parse_args(argv)
    paths, labels, classes = folder_samples(DATA / args.dataset)
    rows = []
    for seed in range(args.splits):
        tr, te = stratified_split(labels, 0.2, seed)
        want = np.array([labels[i] for i in te])
        copies = None
        if args.probs is not None:
            saved = np.load(args.probs / f'{args.dataset}-split{seed}.npz')
            copies = saved['members'][:int(saved['copies'])]
            assert (want == saved['labels']).all(), 'the saved split differs from this one'
        kept: dict[tuple[str, bool], np.ndarray] = {}
        for variant in args.variants:
            t0, load0 = time.time(), os.getloadavg()
            parts = variant.split('&')
            if len(parts) == 1:
                model = frozen_heads([paths[i] for i in tr], [labels[i] for i in tr], classes, variant, seed)
            fit_s = time.time() - t0
            for tta in (False, True):
                if len(parts) > 1:  # made of variants run before it
                    each = np.concatenate([kept[(p, tta)] for p in parts])
                else:
                    each = np.stack([Predictor(m).probabilities([paths[i] for i in te], tta=tta)[0].numpy()
                                     for m in model.members])
                    kept[(variant, tta)] = each
                row = {'split': seed, 'variant': variant + ('+tta' if tta else ''),
                       'frozen_alone': round(float((each.mean(0).argmax(1) == want).mean()), 4)}
                if copies is not None:
                    blend = np.concatenate([copies, each]).mean(0)
                    row['blended'] = round(float((blend.argmax(1) == want).mean()), 4)
                rows.append({**row, 'fit_s': round(fit_s, 1), 'load': [round(x, 2) for x in load0]})
                print(json.dumps(rows[-1]), flush=True)
    summary = {}
    for v in dict.fromkeys(r['variant'] for r in rows):
        sel = [r for r in rows if r['variant'] == v]
        for key in ('frozen_alone', 'blended'):
            if key not in sel[0]:
                continue
            a = np.array([r[key] for r in sel]) * 100
            summary[f'{v} {key}'] = f'{a.mean():.2f} ± {a.std(ddof=1) if len(a) > 1 else 0:.2f}'
        summary[f'{v} fit_s'] = round(float(np.mean([r['fit_s'] for r in sel])), 1)
    report = {'command': ' '.join(['.venv/bin/python', 'bench/blend_views_bench.py', *sys.argv[1:]]),
              'dataset': args.dataset, 'summary': summary, 'rows': rows,
              'date': time.strftime('%Y-%m-%dT%H:%M:%S%z')}
    text = json.dumps(report, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + '\n')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
