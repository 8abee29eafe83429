"""petcognizer.core.evaluation: intervals, calibration, cross-validation, "none of these".

Synthetic arrays only (no photos, no backbone): fast.
"""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from petcognizer.core import evaluation as ev

CONTRACT_KEYS = {'method', 'folds', 'n', 'accuracy', 'low', 'high', 'per_class', 'classes',
                 'confusion', 'predictions', 'ece', 'temperature', 'summary'}


def test_import_is_torch_free():
    code = ('import sys, petcognizer.core.evaluation; '
            'bad = [m for m in ("torch", "torchvision", "timm") if m in sys.modules]; '
            'print(bad); sys.exit(1 if bad else 0)')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, f'importing petcognizer.core.evaluation loaded {out.stdout}{out.stderr}'


# ------------------------------------------------------------------ intervals and text


@pytest.mark.parametrize(('k', 'n', 'low', 'high'), [
    (6, 6, 0.6097, 1.0),       # Wilson, z = 1.96 (textbook values)
    (8, 10, 0.4902, 0.9433),
    (0, 10, 0.0, 0.2775),
    (50, 100, 0.4038, 0.5962),
])
def test_wilson_interval_known_values(k, n, low, high):
    lo, hi = ev.wilson_interval(k, n)
    assert lo == pytest.approx(low, abs=5e-4) and hi == pytest.approx(high, abs=5e-4)


def test_wilson_interval_holds_the_observed_share_in_floating_point_too():
    for n in range(1, 301):
        for k in range(n + 1):
            lo, hi = ev.wilson_interval(k, n)
            assert 0.0 <= lo <= k / n <= hi <= 1.0, (k, n)
    assert ev.wilson_interval(6, 6)[1] == 1.0 and ev.wilson_interval(0, 6)[0] == 0.0


def test_wilson_interval_without_photos_is_everything():
    assert ev.wilson_interval(0, 0) == (0.0, 1.0)


def test_summary_text_says_it_in_words():
    lo, hi = ev.wilson_interval(6, 6)
    assert ev.summary_text(1.0, lo, hi, 6) == (
        'About 100% right (61-100%), measured on 6 photos each model had not seen')
    assert ev.summary_text(0.9, 0.7, 0.97, 20, 'validation') == (
        'About 90% right (70-97%), measured on 20 photos the model had not seen '
        '(the validation split)')
    assert 'Not measured' in ev.summary_text(0.0, 0.0, 1.0, 0)


def test_confusion_rows_are_true_columns_predicted():
    assert ev.confusion([0, 0, 1, 2], [0, 1, 1, 0], 3) == [[1, 1, 0], [0, 1, 0], [1, 0, 0]]


# ------------------------------------------------------------------ calibration


def test_ece_of_a_perfectly_calibrated_model_is_near_zero():
    rng = np.random.default_rng(0)
    conf = rng.uniform(0.5, 1.0, 20000)
    right = rng.uniform(size=conf.size) < conf  # right exactly as often as it says
    probs = np.stack([conf, 1 - conf], 1)
    labels = np.where(right, 0, 1)
    assert ev.expected_calibration_error(probs, labels) < 0.015


def test_ece_of_an_overconfident_model():
    # says 0.99 but is right half the time: ECE = 0.49
    probs = np.tile([0.99, 0.01], (100, 1))
    labels = np.array([0, 1] * 50)
    assert ev.expected_calibration_error(probs, labels) == pytest.approx(0.49, abs=1e-9)
    rows = ev.reliability_table(probs, labels)
    assert len(rows) == 1 and rows[0]['n'] == 100 and rows[0]['high'] == 1.0
    assert rows[0]['accuracy'] == pytest.approx(0.5) and rows[0]['confidence'] == pytest.approx(0.99)


def test_reliability_table_puts_a_confidence_of_one_in_the_last_bin():
    rows = ev.reliability_table(np.array([[1.0, 0.0], [0.5, 0.5]]), [0, 1], bins=15)
    assert [r['n'] for r in rows] == [1, 1]
    assert rows[-1]['low'] == pytest.approx(14 / 15)


def test_fit_temperature_recovers_the_true_temperature():
    rng = np.random.default_rng(1)
    z = rng.normal(0, 3, size=(20000, 4))
    true_t = 2.5
    p = ev.softmax(z, true_t)
    labels = np.array([rng.choice(4, p=row) for row in p])
    assert ev.fit_temperature(z, labels) == pytest.approx(true_t, rel=0.05)


def test_temperature_scaling_lowers_the_ece_of_overconfident_logits():
    rng = np.random.default_rng(2)
    z = rng.normal(0, 2, size=(5000, 3))
    labels = np.array([rng.choice(3, p=row) for row in ev.softmax(z)])
    hot = 4 * z  # four times too confident
    t = ev.fit_temperature(hot, labels)
    assert t == pytest.approx(4.0, rel=0.1)
    assert ev.expected_calibration_error(ev.softmax(hot, t), labels) < 0.03 < \
        ev.expected_calibration_error(ev.softmax(hot), labels)


def test_fit_temperature_without_photos_is_one():
    assert ev.fit_temperature(np.zeros((0, 3)), []) == 1.0


# ------------------------------------------------------------------ the evaluation dict


def test_build_evaluation_has_the_contract_fields():
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
    e = ev.build_evaluation(['cat', 'dog'], [0, 1, 1, 1], probs, ['/a', '/b', '/c', '/d'],
                            method='cross-validation', folds=4, temperature=1.5)
    assert set(e) == CONTRACT_KEYS
    assert e['n'] == 4 and e['accuracy'] == 0.75 and e['folds'] == 4
    assert (e['low'], e['high']) == pytest.approx(ev.wilson_interval(3, 4))
    assert e['per_class']['cat'] == {'n': 1, 'accuracy': 1.0, **dict(zip(
        ('low', 'high'), ev.wilson_interval(1, 1)))}
    assert e['per_class']['dog']['n'] == 3 and e['per_class']['dog']['accuracy'] == pytest.approx(2 / 3)
    assert e['confusion'] == [[1, 0], [1, 2]]
    assert e['predictions'][2] == {'path': '/c', 'true': 'dog', 'predicted': 'cat',
                                   'confidence': 0.6}
    assert e['temperature'] == 1.5 and e['ece'] == pytest.approx(
        ev.expected_calibration_error(probs, [0, 1, 1, 1]))
    assert e['summary'].startswith('About 75% right (')


# ------------------------------------------------------------------ cross-validation


def test_cv_folds_leave_one_out_when_small_and_stratified_k_fold_above():
    assert [f.tolist() for f in ev.cv_folds([0, 0, 1, 1, 1])] == [[0], [1], [2], [3], [4]]
    assert len(ev.cv_folds([0, 1] * 30)) == 10 and len(ev.cv_folds([0, 1] * 60)) == ev.K_FOLDS
    labels = [0] * 25 + [1] * 15
    folds = ev.cv_folds(labels, k=5)
    assert len(folds) == 5
    assert sorted(np.concatenate(folds).tolist()) == list(range(40))  # each photo held out once
    for f in folds:
        assert sum(labels[i] == 1 for i in f) == 3  # stratified


def _blobs(n_per, k, d, seed, spread=1.0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 3, size=(k, d))
    x = np.concatenate([centres[c] + spread * rng.normal(size=(n_per, d)) for c in range(k)])
    y = np.repeat(np.arange(k), n_per)
    return x.astype(np.float32), y


def test_out_of_fold_accuracy_is_honest_on_random_labels():
    # 40 photos, 200 random features, random labels: a head fits its training photos
    # perfectly, but photos it had not seen are right about half the time
    rng = np.random.default_rng(3)
    x = rng.normal(size=(40, 200)).astype(np.float32)
    y = rng.integers(0, 2, 40)
    logits = ev.out_of_fold_logits(x, None, y, 2, weight_decay=1e-3)
    assert (logits.argmax(1) == y).mean() < 0.75


def test_out_of_fold_accuracy_on_separable_classes_is_high():
    x, y = _blobs(6, 3, 16, seed=4)
    logits = ev.out_of_fold_logits(x, None, y, 3)
    assert logits.shape == (18, 3) and (logits.argmax(1) == y).mean() == 1.0
    proto = ev.out_of_fold_logits(x, None, y, 3, head='prototype')
    assert (proto.argmax(1) == y).mean() == 1.0


def test_a_photos_own_label_never_reaches_its_out_of_fold_logits():
    x, y = _blobs(5, 2, 8, seed=5)
    base = ev.out_of_fold_logits(x, None, y, 2)
    flipped = y.copy()
    flipped[3] = 1 - flipped[3]
    again = ev.out_of_fold_logits(x, None, flipped, 2)
    np.testing.assert_allclose(again[3], base[3], atol=1e-6)


def test_the_prior_weight_is_chosen_again_inside_each_fold(monkeypatch):
    """choose_prior_weight sees only the fold's training photos, once per fold."""
    seen = []

    def fake_choose(features, imagenet_logits, labels, prior, **kw):
        seen.append(features.shape[0])
        return 0.0

    class FakePrior:
        num_classes = 2

        def log_probs(self, z):
            import torch
            return torch.log_softmax(z[:, :2].double(), 1)

    monkeypatch.setattr(ev, 'choose_prior_weight', fake_choose)
    x, y = _blobs(20, 2, 8, seed=6)  # 40 photos: 10-fold
    z = np.random.default_rng(0).normal(size=(40, 1000)).astype(np.float32)
    ev.out_of_fold_logits(x, z, y, 2, prior=FakePrior())
    assert seen == [36] * 10
    seen.clear()
    ev.out_of_fold_logits(x[:12], z[:12], np.array([0, 1] * 6), 2, prior=FakePrior())  # LOO
    assert seen == [11] * 12


def test_log_mean_probs_is_the_log_of_the_averaged_probabilities():
    a, b = np.array([[2.0, 0.0]]), np.array([[0.0, 2.0]])
    np.testing.assert_allclose(np.exp(ev.log_mean_probs([a, b])), [[0.5, 0.5]], atol=1e-9)


# ------------------------------------------------------------------ none of these


def test_unknown_statistics_flag_far_photos_and_few_known_ones():
    x, y = _blobs(40, 3, 32, seed=7)
    x = x + 10  # all positive-ish, like pooled ReLU features
    stats = ev.unknown_statistics(x, y, 3)
    assert stats['kind'] == 'centred-cosine' and len(stats['means']) == 3
    assert len(stats['centre']) == 32 and stats['false_flag_rate'] == ev.FALSE_FLAG_RATE
    # new photos of the known classes: about 5% flagged
    x_new, _ = _blobs(200, 3, 32, seed=7)
    known = ev.unknown_scores(x_new[40:] + 10, stats) > stats['threshold']
    assert known.mean() < 0.15
    # photos of a class it never saw
    far = np.random.default_rng(8).normal(0, 3, size=(100, 32)) + 10
    assert (ev.unknown_scores(far, stats) > stats['threshold']).mean() > 0.9
    assert math.isfinite(stats['threshold'])


# ------------------------------------------------------------------ a whole run


class _Backbone:
    imagenet_head = None


class _Member:
    """A trained member as evaluate_fit sees it: a linear head on pooled features."""

    def __init__(self, x, y, k):
        import torch

        from petcognizer.core.prior import fit_linear_head
        self.backbone = _Backbone()
        self.head_config = {'kind': 'linear'}
        w, b, _ = fit_linear_head(torch.from_numpy(x), torch.from_numpy(y), k)
        self.w, self.b = w, b

    def logits_from_features(self, f):
        return f @ self.w.T + self.b


class _Config:
    seed, use_prior, head_l2, label_smoothing = 0, True, 1e-2, 0.1


def test_evaluate_fit_cross_validates_without_a_split():
    x, y = _blobs(6, 3, 16, seed=9)
    paths = [f'/photos/{i}.png' for i in range(len(y))]
    member = _Member(x, y, 3)
    pooled = [{'train': x, 'val': None, 'train_index': list(range(18)), 'val_index': []}]
    events = []
    out = ev.evaluate_fit(member, pooled, y, paths, ['a', 'b', 'c'], config=_Config(),
                          callback=events.append)
    e = out['evaluation']
    assert set(e) == CONTRACT_KEYS and e['method'] == 'cross-validation' and e['folds'] == 18
    assert e['n'] == 18 and e['accuracy'] == 1.0 and e['low'] < 1.0
    assert e['predictions'][0]['path'] == '/photos/0.png'
    assert 0.05 <= out['temperature'] <= 20 and e['temperature'] == out['temperature']
    assert 0.0 <= e['ece'] <= 1.0
    assert len(out['unknown']) == 1 and out['unknown'][0]['kind'] == 'centred-cosine'
    assert events[-1].stage == 'evaluate' and events[-1].done == events[-1].total


def test_evaluate_fit_uses_the_validation_split_when_there_is_one():
    x, y = _blobs(10, 2, 16, seed=10)
    tr, va = list(range(0, 20, 2)), list(range(1, 20, 2))
    members = [_Member(x[tr], y[tr], 2), _Member(x[tr] * 1.01, y[tr], 2)]

    class _Ens:
        pass

    ens = _Ens()
    ens.members = members
    pooled = [{'train': x[tr] * s, 'val': x[va] * s, 'train_index': tr, 'val_index': va}
              for s in (1.0, 1.01)]
    out = ev.evaluate_fit(ens, pooled, y, [str(i) for i in range(20)], ['a', 'b'],
                          config=_Config())
    e = out['evaluation']
    assert e['method'] == 'validation' and e['folds'] is None and e['n'] == 10
    assert [p['path'] for p in e['predictions']] == [str(i) for i in va]
    assert 'the validation split' in e['summary'] and len(out['unknown']) == 2


def test_evaluate_fit_without_features_measures_nothing():
    out = ev.evaluate_fit(_Member(*_blobs(3, 2, 4, seed=1), 2), [], [0, 1], ['a', 'b'], ['a', 'b'],
                          config=_Config())
    assert out == {'evaluation': {}, 'temperature': None, 'unknown': [None]}


def test_temperature_with_few_photos_all_right_stays_moderate():
    # six photos, all right with a small margin: without the prior on log T the
    # fit runs to the lower bound (every probability 100%)
    logits = np.array([[1.0, 0.0]] * 6)
    t = ev.fit_temperature(logits, [0] * 6)
    assert 0.2 < t < 1.0
    assert ev.fit_temperature(logits, [0] * 6, prior_strength=0.0) < 0.06
