"""Issue 13, item 6: ideas for few photos near ImageNet, each against the default head + prior.

Run by hand (reads ../shared/datasets through bench/run.py's feature cache; never a test):

    .venv/bin/python bench/fewphoto_ideas_bench.py [--pers 3 10] [--draws 10] [--dataset imagewoof-mini]

The draws are ``bench/six_photos_bench.py accuracy``'s (``per`` photos a class train, every other
photo tests), the features the three bundled networks' pooled ones (the whole short side), and
every variant fits its heads with the app's own Newton solver on those features and averages the
three networks' probabilities, as the default few-photo run does (its AdamW epochs change no
test prediction here: ``base`` reproduces six_photos_bench's figures). Variants:

* ``prior``: the class-name prior alone (no photo trains).
* ``base``: the default: the prior's weight by 5-fold log-loss per network, head L2 0.01.
* ``joint_l2``: the head's L2 penalty chosen with the prior weight (0.01 to 1000; 1000 is
  about the prior plus a bias).
* ``joint_l2_or_prior``: as ``joint_l2``, with the (tempered) prior alone as one more candidate.
* ``shared_weight``: one prior weight for the three networks (lowest summed held-out loss).
* ``self_train_T``: transductive self-training: the test photos stand for a project's
  Unlabelled bin; those the ensemble is at least T sure of join the training photos with their
  guessed class, twice.

Prints one JSON report (mean and standard deviation over the draws, in percent).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / 'bench'))

import run as R  # noqa: E402

L2S = (0.01, 0.1, 1.0, 10.0, 1000.0)
THRESHOLDS = (0.5, 0.8, 0.9)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--pers', type=int, nargs='+', default=[3, 10])
    ap.add_argument('--draws', type=int, default=10)
    ap.add_argument('--dataset', default='imagewoof-mini')
    args = ap.parse_args(argv)

    import torch

    from petcognizer.core.backbones import create_backbone
    from petcognizer.core.config import ENSEMBLE_BACKBONES
    from petcognizer.core.headfit import WEIGHT_DECAY, fit_linear_head, fit_linear_heads
    from petcognizer.core.prior import PRIOR_WEIGHTS, ClassPrior, _folds

    torch.set_num_threads(1)
    load0 = os.getloadavg()
    name = args.dataset
    paths, labels, classes = R.dataset(name)
    lab = np.array(labels)
    prior = ClassPrior.from_classes(classes)
    if prior is None:
        raise SystemExit(f'{name}: no class name matches ImageNet; these ideas need the prior')
    k_cls = len(classes)
    feats, logp = {}, {}
    for b in ENSEMBLE_BACKBONES:
        f = torch.from_numpy(R.pooled_features(name, paths, R.WORK / 'features', b)['data'])
        with torch.no_grad():
            z = create_backbone(b).imagenet_head(f).double()
        feats[b], logp[b] = f.double(), prior.log_probs(z).double()
    alphas = torch.tensor(PRIOR_WEIGHTS, dtype=torch.float64)

    def held_out(b, tr, y, l2, seed):
        """Out-of-fold probabilities [weights, n, K] of head + alpha * log prior, per alpha."""
        x, lp = feats[b][tr], logp[b][tr]
        n = len(y)
        out = torch.zeros(len(alphas), n, k_cls, dtype=torch.float64)
        for held in _folds(y, min(5, int(torch.bincount(y).max())), seed):
            m = torch.ones(n, dtype=torch.bool)
            m[held] = False
            offs = alphas[:, None, None] * lp[None]
            w, bias, _ = fit_linear_heads(x[m], y[m], k_cls, offs[:, m], weight_decay=l2,
                                          label_smoothing=0.0, max_iter=200)
            out[:, held] = (torch.matmul(x[held], w.double().transpose(1, 2)) + bias.double()[:, None, :]
                            + offs[:, held]).softmax(-1)
        return out

    def nll(p, y):
        return float(-torch.log(p[torch.arange(len(y)), y].clamp_min(1e-12)).sum())

    def predict(b, idx, y, alpha, l2, te):
        if l2 is None:  # the tempered prior alone
            return (alpha * logp[b][te]).softmax(1)
        w, bias, _ = fit_linear_head(feats[b][idx], y, k_cls, offset=alpha * logp[b][idx] if alpha else None,
                                     weight_decay=l2, label_smoothing=0.0 if alpha else 0.1)
        return (feats[b][te] @ w.double().T + bias.double() + alpha * logp[b][te]).softmax(1)

    def acc(p, te):
        return float((p.argmax(1).numpy() == lab[te]).mean())

    report = {'command': f'.venv/bin/python bench/fewphoto_ideas_bench.py --pers {" ".join(map(str, args.pers))} '
                         f'--draws {args.draws} --dataset {name}',
              'dataset': name, 'draws': args.draws, 'loadavg_before': load0, 'results': {}}
    for per in args.pers:
        rows: dict[str, list[float]] = {}
        for draw in range(args.draws):
            tr, te = R.draw_per_class(labels, per, f'{name}-{per}-{draw}')
            y = torch.tensor(lab[tr])
            choice = {}  # variant -> {backbone: (alpha, l2)}
            losses = {b: {l2: held_out(b, tr, y, l2, draw) for l2 in L2S} for b in ENSEMBLE_BACKBONES}
            for b in ENSEMBLE_BACKBONES:
                base = losses[b][WEIGHT_DECAY]
                i = int(np.argmin([nll(base[j], y) for j in range(len(alphas))]))
                choice.setdefault('base', {})[b] = (float(alphas[i]), WEIGHT_DECAY)
                grid = [(nll(losses[b][l2][j], y), float(alphas[j]), l2) for l2 in L2S for j in range(len(alphas))]
                best = min(grid, key=lambda t: t[0])  # first minimum: smaller weight, smaller L2
                choice.setdefault('joint_l2', {})[b] = best[1:]
                po = min((nll((float(a) * logp[b][tr]).softmax(1), y), float(a), None) for a in alphas if a > 0)
                choice.setdefault('joint_l2_or_prior', {})[b] = (po if po[0] < best[0] else best)[1:]
            summed = [sum(nll(losses[b][WEIGHT_DECAY][j], y) for b in ENSEMBLE_BACKBONES) for j in range(len(alphas))]
            shared = float(alphas[int(np.argmin(summed))])
            choice['shared_weight'] = {b: (shared, WEIGHT_DECAY) for b in ENSEMBLE_BACKBONES}
            probs = {v: torch.stack([predict(b, tr, y, *c[b], te) for b in ENSEMBLE_BACKBONES]).mean(0)
                     for v, c in choice.items()}
            probs['prior'] = torch.stack([logp[b][te].softmax(1) for b in ENSEMBLE_BACKBONES]).mean(0)
            for t in THRESHOLDS:
                p = probs['base']
                for _ in range(2):
                    conf, guess = p.max(1)
                    sel = (conf >= t).nonzero().flatten().tolist()
                    idx = list(tr) + [te[i] for i in sel]
                    yy = torch.cat([y, guess[sel]])
                    p = torch.stack([predict(b, idx, yy, choice['base'][b][0], WEIGHT_DECAY, te)
                                     for b in ENSEMBLE_BACKBONES]).mean(0)
                probs[f'self_train_{t}'] = p
            for v, p in probs.items():
                rows.setdefault(v, []).append(acc(p, te))
            print(json.dumps({'per': per, 'draw': draw, **{v: round(r[-1], 4) for v, r in rows.items()}}),
                  file=sys.stderr, flush=True)
        report['results'][str(per)] = {v: {'mean': round(100 * float(np.mean(r)), 2),
                                           'std': round(100 * float(np.std(r, ddof=1)), 2) if len(r) > 1 else 0.0}
                                       for v, r in rows.items()}
    report['loadavg_after'] = os.getloadavg()
    print(json.dumps(report, indent=1))
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
