"""Ensemble of the bundled backbones vs EfficientNet-Lite0 alone (issue 5's few-shot toolbox).

For 1, 3 and 10 photos a class, 10 random draws (train = the draw, test = every other photo):
a linear head with the class-name prior (prior.fit_head_with_prior, the trainer's default
recipe) on each of EfficientNet-Lite0/1/2, all at Lite0's 224 px input as the ensemble uses
them; the ensemble averages the three members' probabilities.

Run by hand: .venv/bin/python bench/ensemble_bench.py  (JSON in bench/results/ensemble.json)
Reads ../shared/datasets; features are cached in /tmp/petcognizer_bench/ensemble-cache.
"""
import random, torch, numpy as np, json
from petcognizer.core.data import folder_samples
from petcognizer.core.features import extract
from petcognizer.core.backbones import create_backbone, get_backbone
from petcognizer.core.data import Preprocess
from petcognizer.core.prior import ClassPrior, fit_head_with_prior, combined_logits
from petcognizer.core.perf import limit_threads
out = {}
for ds in ['imagewoof-mini', 'flowers5-mini', 'brain-mri']:
    paths, labels, classes = folder_samples(f'/work/shared/datasets/{ds}')
    feats = {}
    for name in ['efficientnet_lite0', 'efficientnet_lite1', 'efficientnet_lite2']:
        bb = create_backbone(name)
        res = extract(bb, None, paths, Preprocess.for_backbone(get_backbone('efficientnet_lite0')), cache_root='/tmp/petcognizer_bench/ensemble-cache')
        X = torch.from_numpy(res.data[:, 0]).float()
        with torch.no_grad(): Z = bb.imagenet_head(X)
        feats[name] = (X, Z, res.ok)
    y = torch.tensor(labels); K = len(classes)
    prior = ClassPrior.from_classes(classes)
    for per in [1, 3, 10]:
        acc = {'lite0': [], 'lite2': [], 'ensemble': []}
        for draw in range(10):
            r = random.Random(draw * 100 + per); tr = []
            for k in range(K): tr += r.sample([i for i in range(len(y)) if y[i] == k], per)
            te = torch.tensor([i for i in range(len(y)) if i not in set(tr)])
            probs = {}
            for name, (X, Z, ok) in feats.items():
                with limit_threads(1):
                    w, b, a = fit_head_with_prior(X[tr], Z[tr], y[tr], prior, num_classes=K)
                probs[name] = combined_logits(X[te], Z[te], w, b, prior, a).softmax(1)
            acc['lite0'].append(float((probs['efficientnet_lite0'].argmax(1) == y[te]).float().mean()))
            acc['lite2'].append(float((probs['efficientnet_lite2'].argmax(1) == y[te]).float().mean()))
            ens = sum(probs.values()) / 3
            acc['ensemble'].append(float((ens.argmax(1) == y[te]).float().mean()))
        row = {k: [round(np.mean(v) * 100, 1), round(np.std(v) * 100, 1)] for k, v in acc.items()}
        out[f'{ds}/{per}'] = row
        print(ds, per, row, flush=True)
json.dump(out, open('bench/results/ensemble.json', 'w'), indent=1)
