"""Prototype (nearest class mean, cosine) head vs the plain linear head, few photos.

EfficientNet-Lite0 frozen features; for 1, 2 and 3 photos a class, 10 random draws (train =
the draw, test = every other photo); no class-name prior in either. Run by hand:
.venv/bin/python bench/prototype_bench.py   (reads ../shared/datasets; prints one line per cell)
"""
import random, torch, numpy as np
from petcognizer.core.data import folder_samples
from petcognizer.core.features import extract
from petcognizer.core.backbones import create_backbone, get_backbone
from petcognizer.core.data import Preprocess
from petcognizer.core.prior import fit_linear_head
from petcognizer.core.perf import limit_threads
bb = create_backbone('efficientnet_lite0')
for ds in ['imagewoof-mini', 'flowers5-mini', 'brain-mri']:
    paths, labels, classes = folder_samples(f'/work/shared/datasets/{ds}')
    res = extract(bb, None, paths, Preprocess.for_backbone(get_backbone('efficientnet_lite0')), cache_root='/tmp/petcognizer_bench/proto-cache')
    X = torch.from_numpy(res.data[:,0]).float(); y = torch.tensor([labels[i] for i in res.ok]); K = len(classes)
    for per in [1, 2, 3]:
        a_lin, a_pro, a_pro_c = [], [], []
        for draw in range(10):
            r = random.Random(draw*100+per); tr = []
            for k in range(K): tr += r.sample([i for i in range(len(y)) if y[i]==k], per)
            te = torch.tensor([i for i in range(len(y)) if i not in set(tr)])
            Xt, yt = X[tr], y[tr]
            with limit_threads(1):
                w, b, _ = fit_linear_head(Xt, yt, K)
            a_lin.append(float(((X[te]@w.T+b).argmax(1)==y[te]).float().mean()))
            means = torch.stack([Xt[yt==k].mean(0) for k in range(K)])
            mn = torch.nn.functional.normalize(means, dim=1); xn = torch.nn.functional.normalize(X[te], dim=1)
            a_pro.append(float(((xn@mn.T).argmax(1)==y[te]).float().mean()))
            # centred cosine: subtract the mean of the training features
            c = Xt.mean(0); mn2 = torch.nn.functional.normalize(means - c, dim=1); xn2 = torch.nn.functional.normalize(X[te]-c, dim=1)
            a_pro_c.append(float(((xn2@mn2.T).argmax(1)==y[te]).float().mean()))
        print(ds, per, 'linear %.1f±%.1f' % (np.mean(a_lin)*100, np.std(a_lin)*100), 'proto %.1f±%.1f' % (np.mean(a_pro)*100, np.std(a_pro)*100), 'proto-centred %.1f±%.1f' % (np.mean(a_pro_c)*100, np.std(a_pro_c)*100), flush=True)
