"""Issue 10: honest accuracy, calibrated confidence and "none of these", measured.

Run by hand (reads ../shared/datasets; never part of the test suite):

    .venv/bin/python bench/trust_bench.py [--draws 10] [--only accuracy calibration unknown]
                                          [--models ensemble lite0]

The JSON report goes to stdout and bench/results/trust-<UTC time>.json. Pooled features of
every photo (EfficientNet-Lite0/1/2, all at Lite0's 224 px preprocessing, as the ensemble reads
them) are extracted once with features.extract into /tmp/petcognizer_trust/cache and kept as
.npz there; later runs only fit heads.

What a "model" is here: for each member the head the trainer starts its epochs from (the
class-name prior's weight chosen by prior.choose_prior_weight, then the L2-regularised
logistic regression with the prior as an offset, unsmoothed when the prior is used), fitted
on the training photos; the ensemble averages its members' probabilities. The trainer then
refines that optimum with AdamW epochs on the same objective; the bench does not.

Sections (imagewoof-mini, draws of 3 or 10 photos a class, seeded like bench/ensemble_bench.py):
  accuracy:    the run's estimate as the run service makes it (recommend_config: a validation
               split from 8 photos a class, else cross-validation of evaluation.out_of_fold_logits
               over the draw) and its 95% Wilson interval, against the accuracy of the final model
               on every other photo of imagewoof-mini. Coverage = share of draws whose interval
               holds that accuracy; error = mean |estimate - truth| and mean (estimate - truth).
               Also cross-validation over all the draw's photos (no split) for comparison.
  calibration: 10 photos a class; ECE (15 bins) on every other photo before (T = 1) and after the
               temperature fitted on the training photos' out-of-fold logits.
  unknown:     10 photos a class; share flagged of flowers5-mini, brain-mri and the unseen
               imagewoof photos, for several scores, each with its threshold at the 97th or 95th
               percentile (target false-flag rate 3% or 5%) of the training photos'
               out-of-fold (leave-one-out) scores. The adopted score is centred_cosine_mean@3%
               (evaluation.unknown_statistics); max_probability uses the calibrated out-of-fold
               probabilities, prior_mass the ImageNet mass on the class names' outputs.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from petcognizer.core import evaluation as ev
from petcognizer.core.backbones import create_backbone, get_backbone
from petcognizer.core.config import recommend_config
from petcognizer.core.data import Preprocess, folder_samples, stratified_split
from petcognizer.core.features import extract
from petcognizer.core.prior import ClassPrior, choose_prior_weight, fit_linear_head

DATA = Path(os.environ.get('PETCOGNIZER_DATASETS', ROOT.parent / 'shared' / 'datasets'))
WORK = Path(os.environ.get('PETCOGNIZER_TRUST_DIR', '/tmp/petcognizer_trust'))
MEMBERS = ('efficientnet_lite0', 'efficientnet_lite1', 'efficientnet_lite2')
DATASETS = ('imagewoof-mini', 'flowers5-mini', 'brain-mri')
#: --cv-all: also cross-validate over every photo of a draw that has a validation split
CV_ALL = False


def load_features(ds: str, name: str) -> dict:
    f = WORK / f'{ds}-{name}.npz'
    if not f.exists():
        pre = Preprocess.for_backbone(get_backbone('efficientnet_lite0'))
        paths, labels, classes = folder_samples(DATA / ds)
        bb = create_backbone(name)
        res = extract(bb, None, paths, pre, cache_root=WORK / 'cache')
        x = torch.from_numpy(np.asarray(res.data[:, 0])).float()
        with torch.no_grad():
            z = bb.imagenet_head(x)
        WORK.mkdir(parents=True, exist_ok=True)
        np.savez(f, X=x.numpy(), Z=z.numpy(), ok=np.array(res.ok), labels=np.array(labels),
                 classes=np.array(classes), paths=np.array([str(p) for p in paths]))
    d = np.load(f)
    ok = d['ok']
    return {'X': d['X'], 'Z': d['Z'], 'y': d['labels'][ok], 'classes': [str(c) for c in d['classes']],
            'paths': d['paths'][ok]}


_MEMO: dict = {}


def fit_head(x, z, y, k, prior, seed=0):
    """(W, b, alpha) the way training.fit starts its linear head.

    Fitted in an orthonormal basis of the training photos' span (evaluation._span_basis): the
    same L2-regularised optimum, at about half the cost; W is mapped back to feature space.
    """
    xt, zt, yt = torch.from_numpy(x).float(), torch.from_numpy(z).float(), torch.from_numpy(y).long()
    basis = ev._span_basis(xt)
    xr = (xt.double() @ basis).float()
    alpha = float(choose_prior_weight(xr, zt, yt, prior, seed=seed)) if prior is not None else 0.0
    off = alpha * prior.log_probs(zt).double() if alpha > 0 else None
    ls = 0.0 if (alpha > 0 and int(torch.bincount(yt).max()) >= 2) else 0.1
    w, b, _ = fit_linear_head(xr, yt, k, offset=off, label_smoothing=ls)
    return (w.double() @ basis.T).numpy(), b.double().numpy(), alpha


def memo_head(f, name, idx, k, prior):
    key = ('head', name, tuple(int(i) for i in idx))
    if key not in _MEMO:
        _MEMO[key] = fit_head(f['X'][idx], f['Z'][idx], f['y'][idx], k, prior)
    return _MEMO[key]


def memo_oof(f, name, idx, k, prior):
    key = ('oof', name, tuple(int(i) for i in idx))
    if key not in _MEMO:
        _MEMO[key] = ev.out_of_fold_logits(f['X'][idx], f['Z'][idx], f['y'][idx], k, prior=prior)
    return _MEMO[key]


def head_logits(model, x, z, prior):
    w, b, alpha = model
    out = x.astype(np.float64) @ w.T + b
    if alpha > 0:
        out = out + alpha * prior.log_probs(torch.from_numpy(z).float()).double().numpy()
    return out


def draw(y, per, seed):
    r = random.Random(seed * 100 + per)
    tr = []
    for c in sorted(set(y.tolist())):
        tr += r.sample([i for i in range(len(y)) if y[i] == c], per)
    tr = sorted(tr)
    te = sorted(set(range(len(y))) - set(tr))
    return np.array(tr), np.array(te)


def model_logits(feats, members, tr, te, prior, k, oof_idx=None):
    """(test 'logits', out-of-fold 'logits' over oof_idx or None): log-mean-probs of members."""
    test, oof = [], []
    for name in members:
        f = feats[name]
        m = memo_head(f, name, tr, k, prior)
        test.append(head_logits(m, f['X'][te], f['Z'][te], prior))
        if oof_idx is not None:
            oof.append(memo_oof(f, name, oof_idx, k, prior))
    comb = (lambda ls: ls[0]) if len(members) == 1 else ev.log_mean_probs
    return comb(test), (comb(oof) if oof_idx is not None else None)


def section_accuracy(feats, members, draws, pers=(3, 10)):
    y = feats[members[0]]['y']
    classes = feats[members[0]]['classes']
    k = len(classes)
    prior = ClassPrior.from_classes(classes)
    rows = {}
    for per in pers:
        cfg = recommend_config(per * k, k)
        recs = []
        for d in range(draws):
            t0 = time.perf_counter()
            tr_all, te = draw(y, per, d)
            if cfg.val_fraction > 0:
                tri, vai = stratified_split(y[tr_all].tolist(), cfg.val_fraction, cfg.seed)
                tr, va = tr_all[tri], tr_all[vai]
                test, _ = model_logits(feats, members, tr, np.concatenate([te, va]), prior, k)
                t_te, t_va = test[:len(te)], test[len(te):]
                est_k, est_n = int((t_va.argmax(1) == y[va]).sum()), len(va)
                truth = float((t_te.argmax(1) == y[te]).mean())
                method = 'validation'
            else:
                test, oof = model_logits(feats, members, tr_all, te, prior, k, oof_idx=tr_all)
                est_k, est_n = int((oof.argmax(1) == y[tr_all]).sum()), len(tr_all)
                truth = float((test.argmax(1) == y[te]).mean())
                method = 'cross-validation'
            lo, hi = ev.wilson_interval(est_k, est_n)
            rec = {'draw': d, 'method': method, 'n': est_n, 'estimate': est_k / est_n,
                   'low': lo, 'high': hi, 'truth': truth, 'covered': lo <= truth <= hi,
                   'seconds': round(time.perf_counter() - t0, 1)}
            if cfg.val_fraction > 0 and CV_ALL:  # cross-validation over every photo, for comparison
                test2, oof2 = model_logits(feats, members, tr_all, te, prior, k, oof_idx=tr_all)
                k2 = int((oof2.argmax(1) == y[tr_all]).sum())
                lo2, hi2 = ev.wilson_interval(k2, len(tr_all))
                t2 = float((test2.argmax(1) == y[te]).mean())
                rec['cv_all'] = {'n': len(tr_all), 'estimate': k2 / len(tr_all), 'low': lo2,
                                 'high': hi2, 'truth': t2, 'covered': lo2 <= t2 <= hi2}
            recs.append(rec)
            print(f'accuracy {"+".join(members)} {per}/class draw {d}: {json.dumps(rec)}',
                  file=sys.stderr, flush=True)
        rows[f'{per}_per_class'] = summarise(recs) | {'draws': recs}
    return rows


def summarise(recs):
    def agg(rs):
        err = [r['estimate'] - r['truth'] for r in rs]
        return {'coverage': float(np.mean([r['covered'] for r in rs])),
                'mean_abs_error_points': round(100 * float(np.mean(np.abs(err))), 2),
                'mean_signed_error_points': round(100 * float(np.mean(err)), 2),
                'mean_truth': round(float(np.mean([r['truth'] for r in rs])), 4),
                'mean_interval_width_points': round(
                    100 * float(np.mean([r['high'] - r['low'] for r in rs])), 1)}
    out = {'method': recs[0]['method'], 'n_measured': recs[0]['n']} | agg(recs)
    if 'cv_all' in recs[0]:
        out['cv_all'] = agg([r['cv_all'] for r in recs])
    return out


def section_calibration(feats, members, draws, per=10):
    y = feats[members[0]]['y']
    classes = feats[members[0]]['classes']
    k = len(classes)
    prior = ClassPrior.from_classes(classes)
    cfg = recommend_config(per * k, k)
    out = {}
    for variant in ('defaults', 'cv_all') if CV_ALL else ('defaults',):
        before, after, temps = [], [], []
        for d in range(draws):
            tr_all, te = draw(y, per, d)
            tr = tr_all
            if variant == 'defaults' and cfg.val_fraction > 0:
                tri, _ = stratified_split(y[tr_all].tolist(), cfg.val_fraction, cfg.seed)
                tr = tr_all[tri]  # the model trains on the split's training part only
            test, oof = model_logits(feats, members, tr, te, prior, k, oof_idx=tr)
            t = ev.fit_temperature(oof, y[tr])
            before.append(ev.expected_calibration_error(ev.softmax(test), y[te]))
            after.append(ev.expected_calibration_error(ev.softmax(test, t), y[te]))
            temps.append(t)
            print(f'calibration {"+".join(members)} {variant} draw {d}: T={t:.3f} '
                  f'ece {before[-1]:.4f} -> {after[-1]:.4f}', file=sys.stderr, flush=True)
        out[variant] = {'ece_before': round(float(np.mean(before)), 4),
                        'ece_after': round(float(np.mean(after)), 4),
                        'ece_after_max': round(float(np.max(after)), 4),
                        'temperature_mean': round(float(np.mean(temps)), 3),
                        'per_draw': [{'before': round(b, 4), 'after': round(a, 4), 'T': round(t, 3)}
                                     for b, a, t in zip(before, after, temps)]}
    return out


def _quantile_threshold(train_scores, rate=ev.FALSE_FLAG_RATE):
    return float(np.quantile(train_scores, 1 - rate))


def unknown_scores_all(x_tr, y_tr, k, x_new_sets, prior=None, z_tr=None, z_new_sets=None,
                       oof_probs=None, model_probs_sets=None):
    """{score name: (train out-of-fold scores, [scores of each new set])}."""
    res = {}
    st = ev.unknown_statistics(x_tr, y_tr, k)
    c = np.asarray(st['centre'])
    # the adopted one: centred cosine to the nearest class mean
    xc_tr = x_tr - c
    u = ev._unit(xc_tr)
    loo = []
    counts = np.bincount(y_tr, minlength=k)
    sums = np.zeros((k, x_tr.shape[1]))
    np.add.at(sums, y_tr, xc_tr)
    for i in range(len(y_tr)):
        means = sums.copy()
        means[y_tr[i]] -= xc_tr[i]
        m = means / np.clip(counts - (np.arange(k) == y_tr[i]), 1, None)[:, None]
        loo.append(1 - float((u[i] @ ev._unit(m).T).max()))
    res['centred_cosine_mean'] = (np.array(loo), [ev.unknown_scores(xn, st) for xn in x_new_sets],
                                  st['threshold'])
    # raw cosine to class means (no centring)
    sums_r = np.zeros((k, x_tr.shape[1]))
    np.add.at(sums_r, y_tr, x_tr)
    ur = ev._unit(x_tr)
    loo_r = []
    for i in range(len(y_tr)):
        means = sums_r.copy()
        means[y_tr[i]] -= x_tr[i]
        loo_r.append(1 - float((ur[i] @ ev._unit(means).T).max()))
    mr = ev._unit(sums_r)
    res['raw_cosine_mean'] = (np.array(loo_r), [1 - (ev._unit(xn) @ mr.T).max(1) for xn in x_new_sets])
    # 1-nearest neighbour (centred cosine), leave-one-out on the training photos
    sim = u @ u.T
    np.fill_diagonal(sim, -2)
    res['centred_cosine_1nn'] = (1 - sim.max(1), [1 - (ev._unit(xn - c) @ u.T).max(1)
                                                  for xn in x_new_sets])
    if oof_probs is not None:
        res['max_probability'] = (1 - oof_probs.max(1), [1 - p.max(1) for p in model_probs_sets])
    if prior is not None and z_tr is not None:
        def mass(z):
            return 1 - prior.masses(torch.from_numpy(z).float()).double().sum(1).numpy()
        res['prior_mass'] = (mass(z_tr), [mass(z) for z in z_new_sets])
    return res


def section_unknown(feats_all, members, draws, per=10):
    iw = {m: feats_all[('imagewoof-mini', m)] for m in members}
    y = iw[members[0]]['y']
    classes = iw[members[0]]['classes']
    k = len(classes)
    prior = ClassPrior.from_classes(classes)
    names = ('flowers5-mini', 'brain-mri', 'imagewoof-unseen')
    rates: dict[str, dict[str, list[float]]] = {}
    for d in range(draws):
        tr, te = draw(y, per, d)
        per_member = []
        for m in members:
            f = iw[m]
            xs = [feats_all[('flowers5-mini', m)]['X'], feats_all[('brain-mri', m)]['X'], f['X'][te]]
            zs = [feats_all[('flowers5-mini', m)]['Z'], feats_all[('brain-mri', m)]['Z'], f['Z'][te]]
            head = memo_head(f, m, tr, k, prior)
            oof = memo_oof(f, m, tr, k, prior)
            t = ev.fit_temperature(oof, y[tr])
            probs = [ev.softmax(head_logits(head, x, z, prior), t) for x, z in zip(xs, zs)]
            per_member.append(unknown_scores_all(
                f['X'][tr].astype(np.float64), y[tr], k, [x.astype(np.float64) for x in xs],
                prior=prior, z_tr=f['Z'][tr], z_new_sets=zs, oof_probs=ev.softmax(oof, t),
                model_probs_sets=probs))
        for score in per_member[0]:
            for rate in (0.03, 0.05):
                # a photo is flagged when its score over the threshold is above 1; an ensemble
                # averages that ratio over its members (as Predictor does)
                ratio_new = [np.mean([pm[score][1][j] / max(
                    _quantile_threshold(pm[score][0], rate), 1e-9) for pm in per_member], 0)
                    for j in range(3)]
                r = rates.setdefault(f'{score}@{int(rate * 100)}%', {n: [] for n in names})
                for n, s in zip(names, ratio_new):
                    r[n].append(float((s > 1.0).mean()))
        print(f'unknown {"+".join(members)} draw {d}: ' + json.dumps(
            {s: {n: round(v[-1], 3) for n, v in r.items()} for s, r in rates.items()}),
            file=sys.stderr, flush=True)
    return {s: {n: {'flagged_mean': round(float(np.mean(v)), 4),
                    'flagged_min': round(float(np.min(v)), 4),
                    'flagged_max': round(float(np.max(v)), 4)} for n, v in r.items()}
            for s, r in rates.items()}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--draws', type=int, default=10)
    ap.add_argument('--only', nargs='*', default=['accuracy', 'calibration', 'unknown'])
    ap.add_argument('--models', nargs='*', default=['ensemble', 'lite0'])
    ap.add_argument('--pers', nargs='*', type=int, default=[3, 10],
                    help='photos a class for the accuracy section')
    ap.add_argument('--cv-all', action='store_true',
                    help='also cross-validate over every photo of a draw with a validation split')
    args = ap.parse_args(argv)
    global CV_ALL
    CV_ALL = args.cv_all
    torch.set_num_threads(1)
    started = datetime.now(timezone.utc)
    report = {'command': 'python bench/trust_bench.py ' + ' '.join(sys.argv[1:]),
              'started': started.isoformat(timespec='seconds'),
              'load_average_start': os.getloadavg(), 'nproc': os.cpu_count(),
              'torch': torch.__version__,
              'commit': subprocess.run(['git', '-C', str(ROOT), 'rev-parse', 'HEAD'],
                                       capture_output=True, text=True, check=False).stdout.strip()}
    feats = {(ds, m): load_features(ds, m) for ds in DATASETS for m in MEMBERS}
    t0 = time.perf_counter()
    for model in args.models:
        members = MEMBERS if model == 'ensemble' else ('efficientnet_lite0',)
        iw = {m: feats[('imagewoof-mini', m)] for m in members}
        rep = report.setdefault(model, {})
        if 'accuracy' in args.only:
            rep['accuracy'] = section_accuracy(iw, members, args.draws, tuple(args.pers))
        if 'calibration' in args.only:
            rep['calibration'] = section_calibration(iw, members, args.draws)
        if 'unknown' in args.only:
            rep['unknown'] = section_unknown(feats, members, args.draws)
    report['seconds'] = round(time.perf_counter() - t0, 1)
    report['load_average_end'] = os.getloadavg()
    text = json.dumps(report, indent=1)
    print(text)
    out = ROOT / 'bench' / 'results'
    out.mkdir(parents=True, exist_ok=True)
    tag = '-'.join(args.only) + '-' + '-'.join(map(str, args.pers))
    (out / f'trust-{started.strftime("%Y%m%dT%H%M%SZ")}-{tag}.json').write_text(text)


if __name__ == '__main__':
    main()
