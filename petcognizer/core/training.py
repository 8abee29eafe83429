"""Fitting: photos and labels in, a trained :class:`~petcognizer.core.model.Classifier` out.

The trainer is a plain function that reports through ``callback(event)`` and
polls a :class:`~petcognizer.core.events.CancelToken` between batches (Orange3's
``TaskState`` shape with fastai's event vocabulary). What to train with is a
:class:`~petcognizer.core.config.TrainConfig`; saving the model and recording
the run is the run service's job (:mod:`petcognizer.core.service`).

How an epoch is kept cheap: with freeze depth ``d`` (the number of top stages
that train) the first ``S - d`` stages never change, so their outputs are
computed once per image by :func:`petcognizer.core.features.extract` (cached on
disk) and every epoch runs only the top ``d`` stages and the head. With the
whole backbone frozen (``d = 0``, the default) an epoch is a few matrix products
over cached feature vectors. With augmentation on, a fixed number of augmented
views per image is cached and each epoch draws one. Only ``d = S`` (everything
trains) decodes and augments images every epoch.
"""

from __future__ import annotations

import contextlib
import math
import os
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from petcognizer.core import distributed
from petcognizer.core.backbones import create_backbone, get_backbone
from petcognizer.core.config import ENSEMBLE_BACKBONES, TrainConfig, blended_frozen_config
from petcognizer.core.data import Augment, Preprocess, decode_batches, stratified_split
from petcognizer.core.devices import device_description, resolve_device
from petcognizer.core.events import (
    BatchEnded,
    Callback,
    Cancelled,
    CancelToken,
    EpochEnded,
    EpochStarted,
    Message,
    RunEnded,
    RunStarted,
    StageProgress,
    null_callback,
)
from petcognizer.core.features import cancel_hooks, check_readable, extract
from petcognizer.core.headfit import (HeadAdamW, LambdaSchedule, WeightEma, seeded, state_copy,
                                      unfrozen_stages, warmup_cosine)
from petcognizer.core.model import PROTOTYPE_SCALE, Classifier, Ensemble, make_head
from petcognizer.core.perf import limit_threads, tune_allocator
from petcognizer.core.prior import ClassPrior, choose_prior_weight, fit_linear_head

__all__ = ['FitResult', 'fit']


@dataclass
class FitResult:
    """What :func:`fit` returns: the model (None if cancelled before an epoch) and the run's facts.

    ``history`` has one dict per finished epoch; ``skipped`` lists
    ``(path, reason)`` for unreadable photos; ``timings`` holds the seconds of
    the run's phases (for ``bench/``).
    """

    model: object  # Classifier | None (None when cancelled before any epoch)
    config: TrainConfig
    classes: list[str]
    history: list[dict] = field(default_factory=list)
    best_epoch: int | None = None
    best_val_acc: float | None = None
    cancelled: bool = False
    seconds: float = 0.0
    n_train: int = 0
    n_val: int = 0
    device: str = 'cpu'
    skipped: list[tuple[str, str]] = field(default_factory=list)
    prior_weight: float = 0.0
    timings: dict = field(default_factory=dict)


def fit(
    paths: list[Path],
    labels: list[int],
    classes: list[str],
    config: TrainConfig,
    *,
    cache_root: os.PathLike | str | None = None,
    class_matches: dict[str, list[str]] | None = None,
    callback: Callback = null_callback,
    cancel: CancelToken | None = None,
    preprocess: Preprocess | None = None,
    digests: Sequence[str | None] | None = None,
) -> FitResult:
    """Train a classifier on ``paths``/``labels``; see the module docstring.

    Emits RunStarted ... RunEnded. A cancelled run returns ``cancelled=True`` and
    the best model so far (or ``model=None`` if no epoch finished). With
    ``config.ensemble``, one classifier per bundled backbone is trained and their
    probabilities are averaged (:class:`~petcognizer.core.model.Ensemble`); its
    ``best_val_acc`` is then None (the run service measures the ensemble); with
    ``config.members`` above 1, that many copies on different validation folds.
    ``digests`` (SHA-256 per path, or None) key the feature cache without
    hashing the photos again.
    """
    if config.ensemble or config.members > 1 or config.blend_frozen:
        config.validate()
        return _fit_several(paths, labels, classes, config, cache_root=cache_root,
                            class_matches=class_matches, callback=callback, cancel=cancel,
                            digests=digests)
    import torch

    tune_allocator()
    t_start = time.perf_counter()
    cancel = cancel or CancelToken()
    config.validate()
    if len(classes) < 2:
        raise ValueError('training needs at least two classes with photos')
    empty = [c for k, c in enumerate(classes) if labels.count(k) == 0]
    if empty:
        raise ValueError(f'class {empty[0]!r} has no photos; add photos to it or delete the class')
    spec = get_backbone(config.backbone)
    S, d = spec.num_stages, config.freeze_depth
    P = S - d  # frozen prefix
    device = resolve_device(config.device)
    train_idx, val_idx = stratified_split(labels, config.val_fraction, config.seed,
                                          fold=config.val_fold)
    bs = max(1, min(config.batch_size, len(train_idx)))
    steps_per_epoch = math.ceil(len(train_idx) / bs)
    callback(RunStarted(spec.name, device_description(device), config.epochs, steps_per_epoch,
                        len(train_idx), len(val_idx), tuple(classes), d, config.head))
    result = FitResult(None, config, list(classes), n_train=len(train_idx), n_val=len(val_idx),
                       device=device.type)
    threads = torch.get_num_threads()
    try:
        with seeded(config.seed), contextlib.ExitStack() as hooks:
            return _fit(paths, labels, classes, config, spec, d, P, device, train_idx, val_idx, bs,
                        cache_root, class_matches, callback, cancel, result, t_start,
                        preprocess, digests, hooks)
    except Cancelled:
        result.cancelled = True
        result.seconds = time.perf_counter() - t_start
        callback(RunEnded(True, result.best_epoch, result.best_val_acc, result.seconds))
        return result
    except Exception as exc:
        callback(RunEnded(False, None, None, time.perf_counter() - t_start, error=str(exc)))
        raise
    finally:
        torch.set_num_threads(threads)


def _fit(paths, labels, classes, config: TrainConfig, spec, d: int, P: int, device,
         train_idx: list[int], val_idx: list[int], bs: int, cache_root, class_matches,
         callback: Callback, cancel: CancelToken, result: FitResult, t_start: float,
         preprocess: Preprocess | None, digests: Sequence[str | None] | None,
         hooks: contextlib.ExitStack) -> FitResult:
    """The body of :func:`fit` for one backbone (``d`` top stages train, ``P`` are frozen)."""
    import torch
    from torch import nn

    prototype = config.head == 'prototype'
    par = distributed.for_training()  # torchrun: this process's share of each epoch, DDP
    if prototype:
        # set from the class means, not trained: one pass reports its accuracy
        config = replace(config, epochs=1)
    K = len(classes)

    def weights_progress(done, total):
        cancel.raise_if_cancelled()
        callback(StageProgress('weights', done, total, text=f'Downloading {spec.name} weights'))

    cancel.raise_if_cancelled()  # e.g. between ensemble members: before building the next
    backbone = create_backbone(spec.name, pretrained=True, progress=weights_progress)
    backbone.to(device)
    hooks.enter_context(cancel_hooks(list(backbone.stages.values()), cancel))  # fit() removes them
    pre = preprocess or Preprocess.for_backbone(spec)
    augment = Augment(crop_flip=config.augment, color_jitter=config.color_jitter,
                      random_erasing=config.random_erasing)
    aug_on = augment.any
    cached = P > 0
    paths = [Path(p) for p in paths]
    timings = result.timings

    # ---- inputs: cached frozen-prefix outputs, or live images
    def keys(idx):
        return [digests[i] for i in idx] if digests else None
    train_views = 1 + config.aug_views if (aug_on and cached) else 1
    t_feat = time.perf_counter()
    if cached:
        stage_end = None if d == 0 else P
        batch = 64 if device.type != 'cpu' else 32

        tr = extract(backbone, stage_end, [paths[i] for i in train_idx], pre,
                     views=train_views, augment=augment if aug_on else None,
                     cache_root=cache_root, device=device, batch_size=batch,
                     callback=callback, cancel=cancel, digests=keys(train_idx))
        va = extract(backbone, stage_end, [paths[i] for i in val_idx], pre, views=1,
                     cache_root=cache_root, device=device, batch_size=batch,
                     callback=callback, cancel=cancel, digests=keys(val_idx)) if val_idx else None
        skipped = tr.errors + (va.errors if va else [])
        train_idx = [train_idx[j] for j in tr.ok]
        if va is not None:
            val_idx = [val_idx[j] for j in va.ok]
        x_train, x_val = tr.data, (va.data if va is not None else None)
        timings['features_s'] = time.perf_counter() - t_feat
        timings['features_computed'] = tr.computed + (va.computed if va else 0)
    else:
        # live decoding: check every photo once up front, so an unreadable one is
        # reported and left out (as the feature cache does), not silently dropped
        bad_tr = check_readable([paths[i] for i in train_idx], cancel)
        bad_va = check_readable([paths[i] for i in val_idx], cancel)
        skipped = [e for e in bad_tr + bad_va if e is not None]
        train_idx = [i for i, e in zip(train_idx, bad_tr) if e is None]
        val_idx = [i for i, e in zip(val_idx, bad_va) if e is None]
        x_train = x_val = None
    for err in skipped:
        result.skipped.append((str(err.path), err.reason))
        callback(Message('warning', f'Skipped {err}'))
    y_train = torch.tensor([labels[i] for i in train_idx])
    y_val = torch.tensor([labels[i] for i in val_idx])
    if len(set(y_train.tolist())) < 2:
        raise ValueError('fewer than two classes have readable training photos; add photos')
    result.n_train, result.n_val = len(train_idx), len(val_idx)

    # ---- the part that trains
    stage_mods = list(backbone.stages.values())
    top = nn.Sequential(*stage_mods[P:]) if d > 0 else nn.Sequential()
    head = make_head(config.head, backbone.num_features, K, dropout=config.dropout).to(device)
    for i, m in enumerate(stage_mods):
        m.requires_grad_(i >= P)
    if d == 0:
        backbone.requires_grad_(False)
    if backbone.imagenet_head is not None:
        backbone.imagenet_head.requires_grad_(False)

    # ---- class-name prior (whole backbone frozen only: it reads ImageNet logits
    # of the frozen features)
    prior, prior_weight = None, 0.0
    prior_train = prior_val = None
    if config.use_prior and d == 0 and backbone.imagenet_head is not None and not prototype:
        prior = ClassPrior.from_classes(classes, overrides=class_matches)
        if prior is not None:
            with torch.inference_mode():
                def lp(arr):
                    f = torch.from_numpy(np.asarray(arr, dtype=np.float32)).to(device)
                    return prior.log_probs(backbone.imagenet_head(f.flatten(0, 1))).view(
                        f.shape[0], f.shape[1], K).cpu()
                prior_train = lp(x_train)
                prior_val = lp(x_val) if x_val is not None and len(x_val) else None
                f0 = torch.from_numpy(np.asarray(x_train[:, 0], dtype=np.float32))
                logits0 = backbone.imagenet_head(f0.to(device)).cpu()
            cancel.raise_if_cancelled()
            with limit_threads(1):
                prior_weight = float(choose_prior_weight(
                    f0, logits0, y_train, prior, seed=config.seed, weight_decay=config.head_l2,
                    label_smoothing=config.label_smoothing, cancel=cancel))
            names = [m.name if m is not None else '-' for m in prior.matches]
            callback(Message('info', 'Class-name prior: ' + ', '.join(
                f'{c} = {n}' for c, n in zip(classes, names)) + f'; weight {prior_weight:.2f}'))
            if prior_weight <= 0:
                prior = prior_train = prior_val = None
    result.prior_weight = prior_weight
    # Label smoothing works against a confident prior (the head learns to undo
    # it): with the prior in use, the head is fitted unsmoothed, as the weight
    # was cross-validated (prior.fit_head_with_prior does the same). With one
    # photo a class the weight came from a smoothed joint fit, so keep smoothing.
    smoothing = config.label_smoothing
    if prior_weight > 0 and int(torch.bincount(y_train).max()) >= 2:
        smoothing = 0.0

    # ---- a linear head starts from the optimum of its regularised objective on the frozen
    # features (full-batch Newton on the plain views, with the prior offset the weight was
    # cross-validated for), so few epochs never leave it under-fitted next to a strong prior;
    # a fine-tuning too (``probe_init``: LP-FT, Kumar et al. 2022; README, "Fine-tuning recipes")
    probe = d > 0 and config.probe_init and config.head in ('linear', 'gap-dropout')
    if (d == 0 and config.head == 'linear') or probe:
        pooled, y_fit = x_train, y_train
        if probe:  # the untouched backbone's pooled features (a recommendation cached them)
            r = extract(backbone, None, [paths[i] for i in train_idx], pre, cache_root=cache_root,
                        device=device, callback=callback, cancel=cancel, digests=keys(train_idx))
            pooled, y_fit = r.data, y_train[r.ok]
        f0 = torch.from_numpy(np.asarray(pooled[:, 0], dtype=np.float32))
        off = prior_weight * prior_train[:, 0].double() if prior_train is not None else None
        steps = 100 if len(y_train) >= 200 else 200  # hundreds of photos: the epochs finish it
        cancel.raise_if_cancelled()
        with limit_threads(1):
            w0, b0, _ = fit_linear_head(f0, y_fit, K, offset=off, weight_decay=config.head_l2,
                                        label_smoothing=smoothing, max_iter=steps, cancel=cancel)
        with torch.no_grad():
            head[-1].weight.copy_(w0)
            head[-1].bias.copy_(b0)

    if prototype:
        f0 = torch.from_numpy(np.asarray(x_train[:, 0], dtype=np.float32))
        means = torch.stack([f0[y_train == k].mean(0) for k in range(K)])
        with torch.no_grad():
            head[1].weight.copy_(PROTOTYPE_SCALE * nn.functional.normalize(means, dim=1))

    # ---- optimiser: head at lr, stages below it at smaller rates
    groups = [{'params': list(head.parameters()), 'lr': 0.0 if prototype else config.lr}]
    for k, m in enumerate(reversed(stage_mods[P:])):
        params = [p for p in m.parameters()]
        if params:
            groups.append({'params': params, 'lr': config.lr * config.backbone_lr_mult * 0.5**k})
    amp = device.type == 'cuda'
    # only a head trains: torch's AdamW in plain tensor ops (torch.optim imports torch._dynamo)
    adamw = HeadAdamW if d == 0 and not amp else torch.optim.AdamW
    opt = adamw(groups, weight_decay=config.weight_decay)
    head_weights = [m.weight for m in head.modules() if isinstance(m, nn.Linear)]
    total_steps = config.epochs * math.ceil(par.n(len(train_idx)) / bs)
    sched = LambdaSchedule(
        opt, warmup_cosine(total_steps, config.warmup_epochs * math.ceil(par.n(len(train_idx)) / bs)))
    class_w = None
    if config.balance_classes:
        cnt = torch.bincount(y_train, minlength=K).float()
        if cnt.max() > 1.5 * cnt.clamp(min=1).min():
            class_w = (cnt.sum() / (K * cnt.clamp(min=1))).to(device)
    loss_fn = nn.CrossEntropyLoss(weight=class_w, label_smoothing=smoothing)
    scaler = torch.amp.GradScaler('cuda') if amp else None
    if d > 0:
        top.to(device)
        if device.type in ('cpu', 'cuda'):
            top.to(memory_format=torch.channels_last)
    train_top, train_head = par.wrap(top, unused=config.schedule == 'unfreeze'), par.wrap(head)
    ema = WeightEma([p for m in [head] + stage_mods[P:] for p in m.parameters()], config.ema_epochs
                    * math.ceil(par.n(len(train_idx)) / bs)) if config.ema_epochs > 0 and d else None

    def set_modes(n_unfrozen: int, training: bool):
        head.train(training)
        for k, m in enumerate(reversed(stage_mods[P:])):
            on = k < n_unfrozen
            m.requires_grad_(on)
            m.train(training and on)  # frozen stages keep BatchNorm in eval mode
            if not config.train_bn:
                # Trained stages keep their ImageNet BatchNorm statistics too (their
                # scale and shift still learn), as Keras' fine-tuning guide advises:
                # small batches of a few photos give noisy batch statistics, and
                # stages unfrozen late would otherwise keep stale running stats.
                for bn in m.modules():
                    if isinstance(bn, nn.modules.batchnorm._BatchNorm):
                        bn.eval()

    def forward_cached(xb, prior_b):
        xb = xb.to(device, non_blocking=True).float()
        if d > 0:
            if xb.ndim == 4 and device.type in ('cpu', 'cuda'):
                xb = xb.contiguous(memory_format=torch.channels_last)
            f = backbone.pool(train_top(xb))
        else:
            f = xb
        out = train_head(f)
        if prior_b is not None:
            out = out + prior_weight * prior_b.to(device)
        return out

    def forward_live(xb):
        xb = xb.to(device, non_blocking=True)
        if device.type in ('cpu', 'cuda'):
            xb = xb.contiguous(memory_format=torch.channels_last)
        return train_head(backbone.pool(train_top(xb)))

    if not cached and device.type in ('cpu', 'cuda'):
        backbone.to(memory_format=torch.channels_last)

    def batches(epoch: int, training: bool):
        """Yield (x, y, prior) batches for an epoch."""
        idx_list = train_idx if training else val_idx
        n = len(idx_list)
        order = list(range(n))
        if training:
            random.Random(config.seed * 1000003 + epoch).shuffle(order)
        order = par.order(order, epoch, training)
        if cached:
            data = x_train if training else x_val
            pri = prior_train if training else prior_val
            g = np.random.default_rng(config.seed * 7919 + epoch)
            for s in range(0, len(order), bs):
                rows = order[s:s + bs]
                if training and train_views > 1:
                    views = g.integers(0, train_views, size=len(rows))
                else:
                    views = np.zeros(len(rows), dtype=int)
                xb = torch.from_numpy(np.ascontiguousarray(data[np.asarray(rows), views]))
                pb = pri[rows, views] if pri is not None else None
                yb = (y_train if training else y_val)[rows]
                yield xb, yb, pb
        else:
            sel = [paths[idx_list[r]] for r in order]
            seeds = [hash((config.seed, epoch, idx_list[r])) & 0x7FFFFFFF for r in order]
            ys = (y_train if training else y_val)
            pre_e = small_pre if (training and epoch < config.epochs // 2) else pre
            for b in decode_batches(sel, pre_e, bs, augment=augment if (training and aug_on) else None,
                                    seeds=seeds, cancel=cancel):
                if b.tensor is None:
                    continue
                rows = [order[j] for j in b.indices]
                yield b.tensor, ys[rows], None

    small_pre = pre
    if config.progressive_resize and not cached:
        small = max(32, int(round(pre.input_size * 0.75 / 32)) * 32)
        small_pre = Preprocess(small, int(round(pre.resize * small / pre.input_size)),
                               pre.mean, pre.std, pre.interpolation)
    history = result.history
    best_state, best_key = None, None
    stale = 0
    step_times: list[float] = []
    steps_done = 0
    total_val_steps = math.ceil(len(val_idx) / bs) if val_idx else 0
    timings['epochs_s'] = []
    t_train = time.perf_counter()
    if d == 0 and device.type == 'cpu':
        # only a head on cached vectors trains: tiny matmuls, fastest on one
        # thread (see perf.limit_threads); fit() restores the thread count
        torch.set_num_threads(1)
    for epoch in range(config.epochs):
        if best_state is None:
            cancel.raise_if_cancelled()  # nothing to keep yet: end as cancelled
        te = time.perf_counter()
        n_unfrozen = unfrozen_stages(epoch, d, config.epochs, config.schedule)
        set_modes(n_unfrozen, True)
        callback(EpochStarted(epoch, config.epochs, opt.param_groups[0]['lr']))
        tot_loss = tot_correct = tot_n = 0.0
        cancelled = False
        try:
            for step, (xb, yb, pb) in enumerate(batches(epoch, True)):
                if cancel.cancelled:
                    cancelled = True
                    break
                ts = time.perf_counter()
                yb = yb.to(device)
                with torch.autocast(device.type, dtype=torch.float16, enabled=amp):
                    out = forward_cached(xb, pb) if cached else forward_live(xb)
                    loss = loss_fn(out.float(), yb)
                data_loss = float(loss.detach())  # what the plots show: the penalty is not data fit
                if config.head_l2 and not prototype:
                    loss = loss + 0.5 * config.head_l2 * sum((w * w).sum() for w in head_weights)
                opt.zero_grad(set_to_none=True)
                if scaler is not None:
                    scaler.scale(loss).backward()
                    scaler.step(opt)
                    scaler.update()
                else:
                    loss.backward()
                    opt.step()
                sched.step()
                if ema is not None:
                    ema.update()
                nb = len(yb)
                tot_loss += data_loss * nb
                tot_correct += float((out.argmax(1) == yb).sum())
                tot_n += nb
                steps_done += 1
                step_times.append(time.perf_counter() - ts)
                recent = step_times[-20:]
                per_step = sum(recent) / len(recent)
                remaining = (total_steps - steps_done) + total_val_steps * (config.epochs - epoch)
                callback(BatchEnded(epoch, step, math.ceil(par.n(len(train_idx)) / bs), data_loss,
                                    nb / max(per_step, 1e-9), remaining * per_step))
        except Cancelled:  # raised mid-batch by a stage or the decoder
            cancelled = True
        if cancelled:
            break
        tot_loss, tot_correct, tot_n = par.sum(tot_loss, tot_correct, tot_n)
        train_loss = tot_loss / max(tot_n, 1)
        train_acc = tot_correct / max(tot_n, 1)
        val_loss = val_acc = None
        # with weight averaging (ema_epochs) the average is validated and kept
        with ema.swapped() if ema is not None else contextlib.nullcontext():
            if val_idx:
                set_modes(0, False)
                vl = vc = vn = 0.0
                try:
                    with torch.inference_mode():
                        for xb, yb, pb in batches(epoch, False):
                            cancel.raise_if_cancelled()
                            yb = yb.to(device)
                            out = (forward_cached(xb, pb) if cached else forward_live(xb)).float()
                            vl += float(nn.functional.cross_entropy(out, yb, reduction='sum'))
                            vc += float((out.argmax(1) == yb).sum())
                            vn += len(yb)
                except Cancelled:
                    cancelled = True
                if cancelled:
                    break
                vl, vc, vn = par.sum(vl, vc, vn)
                val_loss, val_acc = vl / max(vn, 1), vc / max(vn, 1)
            key = (val_acc, -val_loss) if val_acc is not None else (epoch,)
            is_best = best_key is None or key > best_key or epoch < config.start_from_epoch  # see config
            if is_best:
                best_key = key
                best_state = (state_copy(head), [state_copy(m) for m in stage_mods[P:]])
                result.best_epoch, result.best_val_acc = epoch, val_acc
                stale = 0
            else:
                stale += 1
        secs = time.perf_counter() - te
        timings['epochs_s'].append(secs)
        history.append({'epoch': epoch, 'train_loss': train_loss, 'train_acc': train_acc,
                        'val_loss': val_loss, 'val_acc': val_acc, 'seconds': secs})
        callback(EpochEnded(epoch, config.epochs, train_loss, train_acc, val_loss, val_acc, secs,
                            is_best))
        if config.patience and val_idx and stale >= config.patience:
            callback(Message('info', f'Stopped early: no better validation accuracy for '
                                     f'{config.patience} epochs; keeping epoch {result.best_epoch + 1}.'))
            break
    timings['train_s'] = time.perf_counter() - t_train
    result.cancelled = cancel.cancelled
    if best_state is not None:
        head.load_state_dict(best_state[0])
        for m, sd in zip(stage_mods[P:], best_state[1]):
            m.load_state_dict(sd)
        backbone.requires_grad_(False)
        head.requires_grad_(False)
        backbone.to(memory_format=torch.contiguous_format)
        model = Classifier(backbone.cpu(), head.cpu(), classes, pre,
                           {'kind': config.head, 'in_features': backbone.num_features,
                            'dropout': config.dropout, 'hidden': 512},
                           prior, prior_weight if prior is not None else 0.0)
        model.flip_tta = config.answers_mirrored  # trained on mirror images
        result.model = model.eval()
    result.seconds = time.perf_counter() - t_start
    callback(RunEnded(result.cancelled, result.best_epoch, result.best_val_acc, result.seconds))
    return result


def _fit_several(paths, labels, classes, config: TrainConfig, *, cache_root, class_matches,
                 callback: Callback, cancel: CancelToken | None,
                 digests: Sequence[str | None] | None = None) -> FitResult:
    """Train several members and average their probabilities: one per bundled backbone
    (``config.ensemble``), or ``config.members`` copies, each validated on its own fold.

    The first member's run reports as usual (its curves are plotted); the others their
    features and messages (a copy its epochs, as stage 'evaluate'): a UI sees one run. A
    cancelled run keeps the members that finished. An ensemble's ``best_val_acc`` is None (the
    run service measures it: ``service.ensemble_val_accuracy``); copies give their mean.
    """
    t0 = time.perf_counter()
    cancel = cancel or CancelToken()
    pre = Preprocess.for_backbone(get_backbone(config.backbone))
    if config.ensemble:
        names = [config.backbone] + [b for b in ENSEMBLE_BACKBONES if b != config.backbone]
        cfgs = [replace(config, backbone=name, ensemble=False) for name in names]
        said = [f'Ensemble: training member {k + 1} of {len(names)} ({name})'
                for k, name in enumerate(names)]
    else:
        cfgs = [replace(config, members=1, val_fold=config.val_fold + k, blend_frozen=False)
                for k in range(config.members)]
        said = [f'Training copy {k + 1} of {len(cfgs)}: it validates on other photos, and the '
                'copies are averaged' for k in range(len(cfgs))]
    if config.blend_frozen:  # the few-photo ensemble's frozen heads, on every photo
        cfgs.append(blended_frozen_config(config, len(paths), len(classes)))
        said.append('Fitting frozen heads on EfficientNet-Lite0, 1 and 2 to average them in')
    results: list[FitResult] = []
    for k, member_cfg in enumerate(cfgs):

        def relay(ev, k=k):
            if k and not config.ensemble and isinstance(ev, StageProgress) and ev.stage == 'features':
                callback(replace(ev, stage='evaluate'))  # later copies, frozen heads: after the first
            elif k == 0 and not isinstance(ev, RunEnded) or isinstance(ev, (StageProgress, Message)):
                callback(ev)
            elif k and not config.ensemble and not cfgs[k].ensemble and isinstance(ev, EpochEnded):
                callback(StageProgress('evaluate', ev.epoch + 1, ev.epochs, text=said[k]))

        if k:
            callback(Message('info', said[k]))
        res = fit(paths, labels, classes, member_cfg, cache_root=cache_root,
                  class_matches=class_matches, callback=relay, cancel=cancel, preprocess=pre,
                  digests=digests)
        if res.model is not None:
            results.append(res)
            if config.blend_frozen and member_cfg.ensemble:  # answer as the copies do
                for m in res.model.members:
                    m.flip_tta = config.answers_mirrored
        if res.cancelled:
            break
    first = results[0] if results else None
    out = FitResult(None, config, list(classes), cancelled=cancel.cancelled,
                    history=first.history if first else [],
                    n_train=first.n_train if first else 0, n_val=first.n_val if first else 0,
                    device=first.device if first else 'cpu',
                    prior_weight=first.prior_weight if first else 0.0)
    if results:
        out.model = Ensemble([m for r in results for m in getattr(r.model, 'members', [r.model])])
        out.model.eval()
        out.skipped = first.skipped
        out.best_epoch = first.best_epoch
        accs = [r.best_val_acc for r in results if r.best_val_acc is not None and r.n_val]
        out.best_val_acc = sum(accs) / len(accs) if accs and not config.ensemble else None
        out.timings = {'members': [r.timings for r in results]}
    out.seconds = time.perf_counter() - t0
    callback(RunEnded(out.cancelled, out.best_epoch, out.best_val_acc, out.seconds))
    return out
