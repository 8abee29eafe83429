"""The trainer: it learns, reports events in order, freezes what it should, cancels cleanly."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch
from photos import COLOURS, make_photo

from petcognizer.core import events as E
from petcognizer.core.backbones import create_backbone, get_backbone
from petcognizer.core.config import TrainConfig, parse_freeze_depth, recommend_config
from petcognizer.core.data import folder_samples, stratified_split
from petcognizer.core.training import fit


def cfg(**kw) -> TrainConfig:
    base = dict(backbone='tiny_test', epochs=30, lr=0.03, val_fraction=0.0, use_prior=False, seed=0)
    base.update(kw)
    return TrainConfig(**base)


class Recorder:
    def __init__(self):
        self.events = []

    def __call__(self, ev):
        self.events.append(ev)

    def of(self, kind):
        return [e for e in self.events if isinstance(e, kind)]


def predicted_labels(model, paths) -> list[int]:
    """Classify ``paths`` with a trained Classifier exactly as prediction does."""
    from PIL import Image

    x = torch.stack([model.preprocess(Image.open(p).convert('RGB')) for p in paths])
    with torch.no_grad():
        return model(x).argmax(1).tolist()


def accuracy(model, paths, labels) -> float:
    pred = predicted_labels(model, paths)
    return sum(int(a == b) for a, b in zip(pred, labels)) / len(labels)


@pytest.fixture
def samples(photo_tree):
    return folder_samples(photo_tree)


# ------------------------------------------------------------------ learning


def test_folder_samples_reads_class_folders(photo_tree):
    paths, labels, classes = folder_samples(photo_tree)
    assert classes == ['blue', 'green', 'red']
    assert len(paths) == 18 and labels.count(0) == labels.count(1) == labels.count(2) == 6
    for p, y in zip(paths, labels):
        assert p.parent.name == classes[y]


def test_fit_learns_the_colours_with_a_validation_split(samples, tmp_path):
    paths, labels, classes = samples
    res = fit(paths, labels, classes, cfg(val_fraction=0.34), cache_root=tmp_path / 'c')
    assert not res.cancelled and res.model is not None
    assert res.n_val == 6 and res.n_train == 12  # stratified: 2 of 6 per class
    assert res.best_val_acc == pytest.approx(1.0)
    assert accuracy(res.model, paths, labels) == 1.0
    assert res.model.classes == classes


def test_events_arrive_in_order(samples, tmp_path):
    paths, labels, classes = samples
    rec = Recorder()
    epochs, bs = 4, 5
    res = fit(paths, labels, classes, cfg(epochs=epochs, batch_size=bs, val_fraction=0.34),
              cache_root=tmp_path / 'c', callback=rec)
    ev = rec.events
    assert isinstance(ev[0], E.RunStarted)
    assert isinstance(ev[-1], E.RunEnded) and not ev[-1].cancelled and ev[-1].error is None
    assert sum(isinstance(e, E.RunEnded) for e in ev) == 1
    started = ev[0]
    assert started.epochs == epochs and started.n_train == 12 and started.n_val == 6
    assert started.steps_per_epoch == math.ceil(12 / bs) == 3
    assert started.classes == tuple(classes) and started.backbone == 'tiny_test'
    assert [e.epoch for e in rec.of(E.EpochStarted)] == list(range(epochs))
    assert [e.epoch for e in rec.of(E.EpochEnded)] == list(range(epochs))
    batches = rec.of(E.BatchEnded)
    assert len(batches) == epochs * started.steps_per_epoch
    assert [(b.epoch, b.step) for b in batches] == [
        (e, s) for e in range(epochs) for s in range(started.steps_per_epoch)]
    assert all(b.steps == started.steps_per_epoch and math.isfinite(b.loss) for b in batches)
    # within an epoch: EpochStarted, its batches, EpochEnded
    kinds = [type(e).__name__ for e in ev if isinstance(e, (E.EpochStarted, E.BatchEnded, E.EpochEnded))]
    assert kinds == (['EpochStarted'] + ['BatchEnded'] * 3 + ['EpochEnded']) * epochs
    # feature progress comes before the first epoch
    first_epoch = ev.index(rec.of(E.EpochStarted)[0])
    assert all(ev.index(p) < first_epoch for p in rec.of(E.StageProgress))
    assert rec.of(E.StageProgress), 'feature extraction reports progress'
    ended = rec.of(E.EpochEnded)
    assert all(e.val_acc is not None and e.val_loss is not None for e in ended)
    assert ev[-1].best_epoch == res.best_epoch and ev[-1].best_val_acc == res.best_val_acc
    assert len(res.history) == epochs


@pytest.mark.parametrize('depth', [0, 1, 'all'])
def test_freeze_depths_learn(samples, tmp_path, depth):
    paths, labels, classes = samples
    d = parse_freeze_depth(depth, 'tiny_test')
    # full depth decodes every photo every epoch: fewer epochs (it learns in ~4)
    res = fit(paths, labels, classes, cfg(freeze_depth=d, epochs=12 if d == 3 else 30),
              cache_root=tmp_path / 'c')
    assert res.model is not None
    assert accuracy(res.model, paths, labels) == 1.0


def test_parse_freeze_depth():
    assert parse_freeze_depth('all', 'tiny_test') == get_backbone('tiny_test').num_stages == 3
    assert parse_freeze_depth('ALL', 'efficientnet_lite0') == 9
    assert parse_freeze_depth('2', 'tiny_test') == 2
    assert parse_freeze_depth(1, 'tiny_test') == 1
    with pytest.raises(ValueError, match='number or "all"'):
        parse_freeze_depth('most', 'tiny_test')


def test_out_of_range_freeze_depth_is_refused(samples):
    paths, labels, classes = samples
    with pytest.raises(ValueError, match='out of range'):
        fit(paths, labels, classes, cfg(freeze_depth=4))


@pytest.mark.parametrize('head', ['linear', 'gap-dropout', 'fc-dropout'])
def test_heads(samples, tmp_path, head):
    paths, labels, classes = samples
    res = fit(paths, labels, classes, cfg(head=head), cache_root=tmp_path / 'c')
    assert res.model.head_config['kind'] == head
    linears = [m for m in res.model.head.modules() if isinstance(m, torch.nn.Linear)]
    assert len(linears) == (2 if head == 'fc-dropout' else 1)
    assert any(isinstance(m, torch.nn.Dropout) for m in res.model.head.modules()) == (head != 'linear')
    assert linears[-1].out_features == 3
    assert accuracy(res.model, paths, labels) == 1.0


def test_unknown_head_and_schedule_are_refused(samples):
    paths, labels, classes = samples
    with pytest.raises(ValueError, match='unknown head'):
        fit(paths, labels, classes, cfg(head='transformer'))
    with pytest.raises(ValueError, match='unknown schedule'):
        fit(paths, labels, classes, cfg(schedule='sometimes'))


def _stage_state(model, name):
    return {k: v.clone() for k, v in model.stages[name].state_dict().items()}


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_freeze_depth_one_keeps_lower_stages_unchanged(samples, tmp_path):
    paths, labels, classes = samples
    fresh = create_backbone('tiny_test')  # deterministic random weights
    res = fit(paths, labels, classes, cfg(freeze_depth=1, epochs=8), cache_root=tmp_path / 'c')
    bb = res.model.backbone
    for name in ('stem', 'block1'):
        assert _same(_stage_state(bb, name), _stage_state(fresh, name)), name
    assert not _same(_stage_state(bb, 'block2'), _stage_state(fresh, 'block2'))


def test_unfreeze_schedule_keeps_frozen_batchnorm_in_eval_mode(samples, tmp_path):
    """Full depth, schedule 'unfreeze', 3 epochs: head, then block2, then block1+block2.

    The stem runs in every forward pass (live decode) but never trains, so its
    weights *and* BatchNorm running statistics must be untouched.
    """
    paths, labels, classes = samples
    fresh = create_backbone('tiny_test')
    rec = Recorder()
    res = fit(paths, labels, classes, cfg(freeze_depth=3, schedule='unfreeze', epochs=3),
              callback=rec)
    bb = res.model.backbone
    assert _same(_stage_state(bb, 'stem'), _stage_state(fresh, 'stem'))
    assert not _same(_stage_state(bb, 'block2'), _stage_state(fresh, 'block2'))
    assert len(rec.of(E.EpochEnded)) == 3


def test_unfreeze_schedule_learns(samples, tmp_path):
    # several steps an epoch: with one step an epoch, BatchNorm running statistics of
    # stages unfrozen late lag behind (eval accuracy 1/3 at depth 2, 30 epochs, batch 32)
    paths, labels, classes = samples
    res = fit(paths, labels, classes, cfg(freeze_depth=2, schedule='unfreeze', epochs=30, batch_size=6),
              cache_root=tmp_path / 'c')
    assert accuracy(res.model, paths, labels) == 1.0


def test_augmentation_uses_cached_views(samples, tmp_path):
    paths, labels, classes = samples
    c = cfg(augment=True, aug_views=2, epochs=20)
    res = fit(paths, labels, classes, c, cache_root=tmp_path / 'c')
    assert res.timings['features_computed'] == 18 * 3  # plain view + 2 augmented per photo
    assert accuracy(res.model, paths, labels) == 1.0
    again = fit(paths, labels, classes, c, cache_root=tmp_path / 'c')
    assert again.timings['features_computed'] == 0
    for a, b in zip(res.model.head.parameters(), again.model.head.parameters()):
        assert torch.allclose(a, b, atol=1e-6)


def test_full_fine_tune_with_augmentation_decodes_live(samples, tmp_path):
    paths, labels, classes = samples
    res = fit(paths, labels, classes, cfg(freeze_depth=3, augment=True, color_jitter=True,
                                          random_erasing=True, epochs=12, probe_init=False),
              cache_root=tmp_path / 'c')
    assert 'features_computed' not in res.timings  # nothing cached: images each epoch
    assert not (tmp_path / 'c').exists()
    assert accuracy(res.model, paths, labels) >= 2 / 3


@pytest.mark.parametrize('head', ['linear', 'gap-dropout'])
def test_a_fine_tuning_starts_from_the_frozen_heads_fit(samples, tmp_path, head):
    """LP-FT: with ``probe_init`` the head starts as the logistic regression on the untouched
    backbone's pooled features (the cache holds them afterwards); without it, at random."""
    from petcognizer.core.data import Preprocess
    from petcognizer.core.features import extract
    from petcognizer.core.headfit import fit_linear_head

    paths, labels, classes = samples
    barely = dict(freeze_depth=3, head=head, epochs=1, lr=1e-9, label_smoothing=0.0)
    probed = fit(paths, labels, classes, cfg(**barely), cache_root=tmp_path / 'c').model
    assert (tmp_path / 'c').exists()
    random_head = fit(paths, labels, classes, cfg(**barely, probe_init=False)).model
    fresh = create_backbone('tiny_test')
    f = extract(fresh, None, paths, Preprocess.for_backbone(get_backbone('tiny_test'))).data[:, 0]
    w, b, _ = fit_linear_head(torch.from_numpy(f), torch.tensor(labels), len(classes),
                              weight_decay=TrainConfig().head_l2, label_smoothing=0.0)
    got = probed.head[-1]
    assert torch.allclose(got.weight, w.float(), atol=1e-4) and torch.allclose(got.bias, b.float(), atol=1e-4)
    assert not torch.allclose(random_head.head[-1].weight, w.float(), atol=1e-2)
    assert accuracy(probed, paths, labels) == 1.0  # a frozen head's answers before any real step


def test_weight_ema_follows_the_parameters_and_swaps_back():
    """The average lags a parameter that grows by 1 a step by ``decay / (1 - decay)`` steps once
    its warm-up is over; ``swapped`` shows the average and puts the live values back."""
    from petcognizer.core.headfit import WeightEma

    p = torch.nn.Parameter(torch.zeros(2))
    ema = WeightEma([p], horizon_steps=5)
    for _ in range(200):
        with torch.no_grad():
            p.add_(1.0)
        ema.update()
    assert ema.decay == pytest.approx(0.8)
    assert torch.allclose(ema.shadow[0], torch.full((2,), 200.0 - 4.0), atol=1e-3)
    with ema.swapped():
        assert torch.allclose(p.detach(), ema.shadow[0])
    assert torch.equal(p.detach(), torch.full((2,), 200.0))


def _trained_weights(model) -> torch.Tensor:
    return torch.cat([t.flatten() for t in model.state_dict().values() if t.is_floating_point()])


def test_a_fine_tuning_with_weight_averaging_keeps_the_average(samples):
    """``ema_epochs``: the same steps are taken (the curves match a run without it), and the
    weights kept are the average's; an average over less than a step is the weights themselves."""
    paths, labels, classes = samples
    tuned = dict(freeze_depth=3, epochs=3, val_fraction=1 / 3)
    plain = fit(paths, labels, classes, cfg(**tuned))
    averaged = fit(paths, labels, classes, cfg(**tuned, ema_epochs=2))
    instant = fit(paths, labels, classes, cfg(**tuned, ema_epochs=1e-6))
    def losses(r):
        return [h['train_loss'] for h in r.history]
    assert losses(averaged) == pytest.approx(losses(plain), rel=1e-6)
    assert not torch.allclose(_trained_weights(averaged.model), _trained_weights(plain.model), atol=1e-6)
    assert torch.allclose(_trained_weights(instant.model), _trained_weights(plain.model), atol=1e-6)
    with pytest.raises(ValueError, match='0 epochs'):
        fit(paths, labels, classes, cfg(**tuned, ema_epochs=-1))


def _poisoned_validation(photo_tree):
    """Paths whose validation photos (for seed 0, fraction 1/3) are of another colour."""
    paths, labels, classes = folder_samples(photo_tree)
    _, val = stratified_split(labels, 1 / 3, 0)
    other = {0: 'green', 1: 'red', 2: 'blue'}  # blue->green, green->red, red->blue
    out = list(paths)
    for j, i in enumerate(val):
        out[i] = make_photo(photo_tree.parent / 'swapped' / f'{j}.png', COLOURS[other[labels[i]]],
                            noise_seed=1000 + j)
    return out, labels, classes, val


def test_early_stopping_and_keep_best_epoch(photo_tree, tmp_path):
    paths, labels, classes, val = _poisoned_validation(photo_tree)
    rec = Recorder()
    res = fit(paths, labels, classes, cfg(val_fraction=1 / 3, patience=3, epochs=60),
              cache_root=tmp_path / 'c', callback=rec)
    # validation can only get worse as the model learns the training colours
    assert len(res.history) < 60
    assert len(res.history) == res.best_epoch + 1 + 3
    assert any('Stopped early' in m.text for m in rec.of(E.Message))
    assert isinstance(rec.events[-1], E.RunEnded)
    # the returned model is the best epoch's, not the last one's
    from PIL import Image

    x = torch.stack([res.model.preprocess(Image.open(paths[i]).convert('RGB')) for i in val])
    y = torch.tensor([labels[i] for i in val])
    with torch.no_grad():
        loss = float(torch.nn.functional.cross_entropy(res.model(x), y))
    best = res.history[res.best_epoch]
    assert loss == pytest.approx(best['val_loss'], rel=1e-4, abs=1e-5)
    assert loss < res.history[-1]['val_loss']


def test_start_from_epoch_neither_picks_nor_stops_before_it(photo_tree, tmp_path):
    """Keras' start_from_epoch: the first epochs (noisy in a fine-tuning) are never the chosen one."""
    paths, labels, classes, _ = _poisoned_validation(photo_tree)
    res = fit(paths, labels, classes, cfg(val_fraction=1 / 3, patience=3, epochs=60, start_from_epoch=8),
              cache_root=tmp_path / 'c')
    # no epoch before the 8th is kept, and patience stops the run as before
    assert res.best_epoch >= 7
    assert len(res.history) == res.best_epoch + 1 + 3


def test_class_imbalance_weighting(tmp_path):
    root = tmp_path / 'imb'
    for name, n in (('red', 9), ('green', 6), ('blue', 2)):
        for i in range(n):
            make_photo(root / name / f'{i}.png', COLOURS[name], noise_seed=i + 50 * len(name))
    paths, labels, classes = folder_samples(root)
    # freeze depth 1: learns fast, so the test is about the weighting, not the head's pace
    res = fit(paths, labels, classes, cfg(balance_classes=True, freeze_depth=1),
              cache_root=tmp_path / 'c')
    assert accuracy(res.model, paths, labels) == 1.0  # the two blue photos too
    res2 = fit(paths, labels, classes, cfg(balance_classes=False, epochs=2), cache_root=tmp_path / 'c')
    assert res2.model is not None


def test_classes_count_by_their_photos_unless_weighting_is_asked_for():
    from petcognizer.cli.parser import build_parser
    from petcognizer.cli.training import _with_options
    from petcognizer.core.config import TrainConfig, recommend_config

    assert TrainConfig().balance_classes is False  # decisions follow the photos' own shares
    assert recommend_config(200, 2).balance_classes is False

    def options(*extra):
        args = build_parser().parse_args(['train', 'photos', '--out', 'm.safetensors', *extra])
        return _with_options(args, recommend_config(200, 2))

    assert options().balance_classes is False
    assert options('--balance-classes').balance_classes is True


def test_stratified_split_is_reproducible():
    labels = [0] * 10 + [1] * 7 + [2] * 3
    a = stratified_split(labels, 0.3, seed=5)
    assert a == stratified_split(labels, 0.3, seed=5)
    train, val = a
    assert sorted(train + val) == list(range(20)) and not set(train) & set(val)
    assert [sum(labels[i] == k for i in val) for k in range(3)] == [3, 2, 1]
    assert any(stratified_split(labels, 0.3, seed=s) != a for s in range(6, 12))
    assert stratified_split(labels, 0.0, seed=5) == (list(range(20)), [])
    # a class of one photo keeps it for training
    tr, va = stratified_split([0, 0, 1], 0.5, 0)
    assert 2 in tr and len(va) == 1


def test_same_seed_same_model(samples, tmp_path):
    paths, labels, classes = samples
    a = fit(paths, labels, classes, cfg(val_fraction=0.34, epochs=5), cache_root=tmp_path / 'c')
    b = fit(paths, labels, classes, cfg(val_fraction=0.34, epochs=5), cache_root=tmp_path / 'c')
    strip = lambda hist: [{k: v for k, v in h.items() if k != 'seconds'} for h in hist]  # noqa: E731
    assert strip(a.history) == strip(b.history)
    for pa, pb in zip(a.model.head.parameters(), b.model.head.parameters()):
        assert torch.equal(pa, pb)
    assert [h['val_acc'] for h in a.history] == [h['val_acc'] for h in b.history]


# ------------------------------------------------------------------ cancel


def _cancel_on(kind, nth=1):
    token = E.CancelToken()
    rec = Recorder()
    seen = [0]

    def cb(ev):
        rec(ev)
        if isinstance(ev, kind):
            seen[0] += 1
            if seen[0] == nth:
                token.cancel()

    return token, rec, cb


def test_cancel_after_first_batch(samples, tmp_path):
    paths, labels, classes = samples
    token, rec, cb = _cancel_on(E.BatchEnded)
    res = fit(paths, labels, classes, cfg(batch_size=4, epochs=10), cache_root=tmp_path / 'c',
              callback=cb, cancel=token)
    assert res.cancelled
    assert res.model is None  # no epoch finished: nothing to keep
    assert len(rec.of(E.BatchEnded)) == 1
    assert isinstance(rec.events[-1], E.RunEnded) and rec.events[-1].cancelled
    assert sum(isinstance(e, E.RunEnded) for e in rec.events) == 1


def test_cancel_after_first_epoch_keeps_best_model(samples, tmp_path):
    paths, labels, classes = samples
    token, rec, cb = _cancel_on(E.EpochEnded)
    res = fit(paths, labels, classes, cfg(batch_size=4, epochs=10, val_fraction=0.34),
              cache_root=tmp_path / 'c', callback=cb, cancel=token)
    assert res.cancelled and res.model is not None
    assert res.best_epoch == 0 and len(res.history) == 1
    assert isinstance(rec.events[-1], E.RunEnded) and rec.events[-1].cancelled
    assert rec.events[-1].best_epoch == 0


def test_cancel_live_decode_run(samples):
    paths, labels, classes = samples
    token, rec, cb = _cancel_on(E.BatchEnded)
    res = fit(paths, labels, classes, cfg(freeze_depth=3, batch_size=4, epochs=10),
              callback=cb, cancel=token)
    assert res.cancelled and res.model is None
    assert isinstance(rec.events[-1], E.RunEnded) and rec.events[-1].cancelled


def test_cancel_before_start_ends_during_features(samples, tmp_path):
    paths, labels, classes = samples
    token = E.CancelToken()
    token.cancel()
    rec = Recorder()
    res = fit(paths, labels, classes, cfg(), cache_root=tmp_path / 'c', callback=rec, cancel=token)
    assert res.cancelled and res.model is None and not res.history
    assert isinstance(rec.events[0], E.RunStarted)
    assert isinstance(rec.events[-1], E.RunEnded) and rec.events[-1].cancelled
    assert not rec.of(E.EpochStarted)


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize('depth', [0, 3])
def test_corrupt_photo_is_skipped_with_a_message(photo_tree, tmp_path, depth):
    bad = photo_tree / 'red' / 'broken.png'
    bad.write_bytes(b'this is not a png at all')
    paths, labels, classes = folder_samples(photo_tree)
    assert bad in paths
    rec = Recorder()
    res = fit(paths, labels, classes, cfg(freeze_depth=depth, epochs=12 if depth else 30),
              cache_root=tmp_path / 'c', callback=rec)
    assert res.model is not None and not res.cancelled
    warnings = [m.text for m in rec.of(E.Message) if m.level == 'warning']
    assert any('broken.png' in t for t in warnings), warnings
    assert [Path(p).name for p, _ in res.skipped] == ['broken.png']
    assert res.n_train == 18
    good = [p for p in paths if p != bad]
    assert accuracy(res.model, good, [labels[paths.index(p)] for p in good]) == 1.0


def test_fewer_than_two_classes_is_a_clear_error(photo_tree):
    paths, labels, classes = folder_samples(photo_tree)
    red = [p for p, y in zip(paths, labels) if classes[y] == 'red']
    with pytest.raises(ValueError, match='at least two classes'):
        fit(red, [0] * len(red), ['red'], cfg())


def test_class_without_photos_is_an_error(photo_tree):
    paths, labels, classes = folder_samples(photo_tree)
    with pytest.raises(ValueError, match="'extra' has no photos"):
        fit(paths, labels, classes + ['extra'], cfg())


def test_recommend_config():
    few = recommend_config(18, 3)
    assert few.val_fraction == 0.0 and few.patience == 0
    assert few.freeze_depth == 0 and few.backbone == 'efficientnet_lite0'
    small = recommend_config(300, 3)  # cross-validated, no photo kept out of training
    assert small.val_fraction == 0.0 and small.patience == 0 and small.ensemble
    many = recommend_config(600, 3)
    assert 0 < many.val_fraction < 0.5 and many.patience > 0
    assert 20 <= few.epochs <= 200 and 20 <= many.epochs <= 200
    assert many.batch_size <= 64 and few.batch_size <= 18
    few.validate()
    many.validate()


def test_config_round_trip():
    c = cfg(head='fc-dropout', freeze_depth=2, augment=True)
    d = c.to_dict()
    assert TrainConfig.from_dict(d) == c
    assert TrainConfig.from_dict({**d, 'future_option': 1}) == c


def test_failed_run_still_ends_with_run_ended(tmp_path):
    # every photo of one class unreadable: fewer than two classes left to train on
    root = tmp_path / 'data'
    for i in range(3):
        make_photo(root / 'red' / f'{i}.png', COLOURS['red'], noise_seed=i)
        (root / 'blue').mkdir(parents=True, exist_ok=True)
        (root / 'blue' / f'{i}.png').write_bytes(b'broken')
    paths, labels, classes = folder_samples(root)
    for depth in (0, 3):
        rec = Recorder()
        with pytest.raises(ValueError, match='readable'):
            fit(paths, labels, classes, cfg(freeze_depth=depth, epochs=2), cache_root=tmp_path / 'c',
                callback=rec)
        assert isinstance(rec.events[0], E.RunStarted)
        last = rec.events[-1]
        assert isinstance(last, E.RunEnded) and not last.cancelled and 'readable' in last.error
        assert sum('.png' in m.text for m in rec.of(E.Message)) == 3


def test_prototype_head_is_set_from_class_means(photo_tree, tmp_path):
    """The nearest-class-mean head needs no training and separates the colours."""
    paths, labels, classes = folder_samples(photo_tree)
    cfg = TrainConfig(backbone='tiny_test', head='prototype', epochs=50, use_prior=False,
                      val_fraction=0.0)
    res = fit(paths, labels, classes, cfg, cache_root=tmp_path / 'c')
    assert len(res.history) == 1 and res.history[0]['train_acc'] == 1.0
    w = res.model.head[1].weight.detach()
    assert torch.allclose(w.norm(dim=1), torch.full((3,), 16.0), atol=1e-4)
    with pytest.raises(ValueError, match='frozen features'):
        TrainConfig(backbone='tiny_test', head='prototype', freeze_depth=1).validate()


def test_large_feature_sets_are_memory_mapped_privately(photo_tree, tmp_path, monkeypatch):
    """Above the RAM budget, train and validation features get their own file, left nowhere."""
    import petcognizer.core.features as F
    monkeypatch.setattr(F, 'RAM_BUDGET', 1)
    paths, labels, classes = folder_samples(photo_tree)
    cfg = TrainConfig(backbone='tiny_test', freeze_depth=1, epochs=3, lr=0.03, val_fraction=0.34,
                      use_prior=False)
    res = fit(paths, labels, classes, cfg, cache_root=tmp_path / 'c')
    assert res.best_val_acc is not None and res.model is not None
    assert not list((tmp_path / 'c').rglob('.run-*'))


def test_a_run_leaves_the_global_random_generators_as_they_were(samples):
    """fit() seeds the generators for itself; what the process draws afterwards is not repeated."""
    import random

    import numpy as np

    paths, labels, classes = samples
    random.seed(123)
    np.random.seed(123)
    torch.manual_seed(123)
    expected = (random.random(), np.random.rand(), torch.rand(1).item())
    random.seed(123)
    np.random.seed(123)
    torch.manual_seed(123)
    fit(paths, labels, classes, cfg(epochs=2))
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == expected


def test_cancel_hooks_stop_a_forward_and_a_backward_midway_and_are_removed_after():
    from torch import nn

    from petcognizer.core.events import Cancelled, CancelToken
    from petcognizer.core.features import cancel_hooks

    stages = [nn.Linear(4, 4), nn.Linear(4, 4), nn.Linear(4, 2)]
    net = nn.Sequential(*stages)
    token = CancelToken()
    with cancel_hooks(stages, token):
        # backward: the cancel comes while the gradient flows; the first stage never gets one
        out = net(torch.randn(3, 4))
        out.register_hook(lambda g: token.cancel())
        with pytest.raises(Cancelled):
            out.sum().backward()
        assert stages[0].weight.grad is None
        # forward: the stage after the cancel never runs
        ran = []
        stages[2].register_forward_hook(lambda *a: ran.append(1))
        with pytest.raises(Cancelled):
            net(torch.randn(3, 4))
        assert ran == []
    assert net(torch.randn(3, 4)).shape == (3, 2)  # the hooks are gone: the set token is ignored
    net(torch.randn(3, 4)).sum().backward()
