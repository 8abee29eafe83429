"""Class-name priors: matching, the prior, its weighting and zero-shot suggestions.

Synthetic tensors only; the shipped hierarchy resource is the only file read.
"""

from __future__ import annotations

import json

import pytest
import torch

from petcognizer.core import classnames as N
from petcognizer.core import prior as P
from petcognizer.core.classnames import ClassMatch, match_class_name, search_synsets, synset
from petcognizer.core.prior import (
    ClassPrior,
    choose_prior_weight,
    combined_logits,
    fit_head_with_prior,
    fit_linear_head,
    suggest_labels,
)

DOG, DOMESTIC_CAT, CAR = 'n02084071', 'n02121808', 'n02958343'
GOLDEN = 'n02099601'


def _imagenet_index(wnid: str) -> int:
    return N._hierarchy().imagenet.index(wnid)


# ------------------------------------------------------------------ matching


def test_resource_has_the_imagenet_classes():
    h = N._hierarchy()
    assert len(h.imagenet) == 1000
    assert len(synset(DOG).outputs) == 118
    assert len(synset(DOMESTIC_CAT).outputs) == 5
    assert len(synset('n01503061').outputs) == 59  # bird


@pytest.mark.parametrize(
    ('name', 'wnid'),
    [
        ('dog', DOG),
        ('Dog', DOG),
        ('DOGS', DOG),
        ('cat', DOMESTIC_CAT),
        ('cats', DOMESTIC_CAT),
        ('puppies', DOG),
        ('kitty', DOMESTIC_CAT),
        ('pussy cat', DOMESTIC_CAT),
        ('automobile', CAR),
        ('cars', CAR),
        ('golden retriever', GOLDEN),
        ('Golden_Retriever', GOLDEN),
        ('golden-retrievers', GOLDEN),
        ('0_cat', DOMESTIC_CAT),
        ('daisies', 'n11939491'),
        ('tiger', 'n02129604'),
        ('shih_tzu', 'n02086240'),
    ],
)
def test_match_class_name(name, wnid):
    m = match_class_name(name)
    assert m is not None and m.wnid == wnid


def test_breed_maps_to_its_single_output():
    m = match_class_name('golden retriever')
    assert m.outputs == (_imagenet_index(GOLDEN),)
    assert m.name == 'golden retriever'


def test_boxes_singularised():
    m = match_class_name('boxes')
    assert m is not None and m.name == 'box'


def test_ambiguous_crane_is_documented_choice():
    assert match_class_name('crane').wnid == 'n02012849'


@pytest.mark.parametrize('name', ['tumor', 'no_tumor', 'my sofa', 'alice', 'xyzzy', '', '  _ '])
def test_no_match(name):
    assert match_class_name(name) is None


def test_synset_and_search():
    assert synset(DOG).name == 'dog'
    with pytest.raises(ValueError):
        synset('n99999999')
    hits = search_synsets('cat', limit=5)
    assert hits[0].wnid == DOMESTIC_CAT
    assert len(hits) == 5 and len({h.wnid for h in hits}) == 5
    assert any(h.wnid == GOLDEN for h in search_synsets('retriever'))
    assert search_synsets(GOLDEN)[0].wnid == GOLDEN
    assert search_synsets('') == []


# ------------------------------------------------------------------ the prior


def test_no_match_means_no_prior():
    assert ClassPrior.from_classes(['tumor', 'no_tumor']) is None
    assert ClassPrior.from_classes(['alice', 'bob']) is None


def test_overrides_change_and_clear():
    p = ClassPrior.from_classes(['cat', 'my pet'], overrides={'my pet': [DOG]})
    assert [m.wnid for m in p.matches] == [DOMESTIC_CAT, DOG]
    assert ClassPrior.from_classes(['cat', 'dog'], overrides={'cat': [], 'dog': []}) is None
    p = ClassPrior.from_classes(['pets'], overrides={'pets': [DOG, DOMESTIC_CAT]})
    assert len(p.matches[0].outputs) == 123
    assert p.matches[0].wnids == [DOG, DOMESTIC_CAT]


def _logits_for(outputs_per_row: list[int], n_out: int = 1000, strength: float = 10.0):
    z = torch.zeros(len(outputs_per_row), n_out)
    for i, j in enumerate(outputs_per_row):
        z[i, j] = strength
    return z


def test_log_probs_shape_and_normalisation():
    p = ClassPrior.from_classes(['cat', 'dog'])
    cat_out, dog_out = synset(DOMESTIC_CAT).outputs[0], synset(DOG).outputs[0]
    z = torch.cat([_logits_for([cat_out, dog_out]), torch.randn(3, 1000)])
    lp = p.log_probs(z)
    assert lp.shape == (5, 2)
    assert torch.allclose(lp.exp().sum(1), torch.ones(5), atol=1e-5)
    assert lp[0].argmax() == 0 and lp[1].argmax() == 1


def test_partial_match_keeps_unmatched_classes_tied():
    p = ClassPrior.from_classes(['daisy', 'rose', 'tulip'])
    assert p.matches[0] is not None and p.matches[1] is None and p.matches[2] is None
    lp = p.log_probs(torch.randn(7, 1000) * 3)
    # The prior adds the same amount to every unmatched class: the plain head
    # alone orders them.
    assert torch.allclose(lp[:, 1], lp[:, 2])
    daisy = _logits_for([synset('n11939491').outputs[0]])
    assert p.log_probs(daisy).argmax() == 0


def test_most_specific_class_owns_shared_outputs():
    p = ClassPrior.from_classes(['dog', 'golden retriever'])
    z = _logits_for([_imagenet_index(GOLDEN), synset('n02088364').outputs[0]])  # beagle
    assert p.log_probs(z).argmax(1).tolist() == [1, 0]


def test_to_dict_round_trip():
    p = ClassPrior.from_classes(['cats', 'tumor', 'automobile'])
    q = ClassPrior.from_dict(json.loads(json.dumps(p.to_dict())))
    assert q.class_names == p.class_names and q.matches == p.matches
    z = torch.randn(4, 1000)
    assert torch.allclose(p.log_probs(z), q.log_probs(z))
    assert ClassMatch.from_dict(p.matches[0].to_dict()) == p.matches[0]


# ------------------------------------------------------------------ weighting


def _prior_right_features_noise(n_per_class: int, seed: int = 0, dim: int = 32):
    """Two classes (cat, dog): ImageNet logits point the right way, features are noise."""
    g = torch.Generator().manual_seed(seed)
    cat_outs, dog_outs = synset(DOMESTIC_CAT).outputs, synset(DOG).outputs
    rows, labels = [], []
    for c, outs in enumerate([cat_outs, dog_outs]):
        for i in range(n_per_class):
            rows.append(outs[i % len(outs)])
            labels.append(c)
    z = _logits_for(rows, strength=10.0) + torch.randn(len(rows), 1000, generator=g)
    x = torch.randn(len(rows), dim, generator=g)
    return x, z, torch.tensor(labels)


def _prior_wrong_features_separate(n_per_class: int, seed: int = 0, dim: int = 16):
    """Features separate the classes; the ImageNet logits point the wrong way."""
    g = torch.Generator().manual_seed(seed)
    cat_outs, dog_outs = synset(DOMESTIC_CAT).outputs, synset(DOG).outputs
    rows, labels, x = [], [], []
    centres = torch.randn(2, dim, generator=g) * 3
    for c, outs in enumerate([dog_outs, cat_outs]):  # swapped: the prior is wrong
        for i in range(n_per_class):
            rows.append(outs[i % len(outs)])
            labels.append(c)
            x.append(centres[c] + torch.randn(dim, generator=g))
    z = _logits_for(rows, strength=10.0) + torch.randn(len(rows), 1000, generator=g)
    return torch.stack(x), z, torch.tensor(labels)


def test_no_prior_is_exactly_the_plain_head():
    x, z, y = _prior_right_features_noise(5)
    assert choose_prior_weight(x, z, y, None) == 0.0
    w, b, a = fit_head_with_prior(x, z, y, None, num_classes=2)
    w0, b0, _ = fit_linear_head(x, y, 2)
    assert a == 0.0 and torch.equal(w, w0) and torch.equal(b, b0)
    torch.testing.assert_close(combined_logits(x, z, w, b, None, a), x @ w0.T + b0)


@pytest.mark.parametrize('n', [0, 1])
def test_prior_carries_the_decision_with_few_photos(n):
    prior = ClassPrior.from_classes(['cat', 'dog'])
    x, z, y = _prior_right_features_noise(n)
    xt, zt, yt = _prior_right_features_noise(40, seed=1)
    w, b, a = fit_head_with_prior(x, z, y, prior)
    assert a > 0
    w = w if w.shape[1] == xt.shape[1] else torch.zeros(2, xt.shape[1])
    acc = (combined_logits(xt, zt, w, b, prior, a).argmax(1) == yt).float().mean()
    assert acc > 0.95


def test_prior_carries_the_decision_with_three_photos():
    prior = ClassPrior.from_classes(['cat', 'dog'])
    x, z, y = _prior_right_features_noise(3)
    xt, zt, yt = _prior_right_features_noise(40, seed=1)
    w, b, a = fit_head_with_prior(x, z, y, prior)
    assert a >= 1.0
    acc = (combined_logits(xt, zt, w, b, prior, a).argmax(1) == yt).float().mean()
    assert acc > 0.95


def test_photos_win_when_the_prior_is_wrong():
    prior = ClassPrior.from_classes(['cat', 'dog'])
    x, z, y = _prior_wrong_features_separate(15)
    xt, zt, yt = _prior_wrong_features_separate(40, seed=0)
    a = choose_prior_weight(x, z, y, prior)
    assert a == 0.0
    w, b, a = fit_head_with_prior(x, z, y, prior)
    w0, b0, _ = fit_linear_head(x, y, 2)
    assert torch.equal(w, w0) and torch.equal(b, b0)


def test_single_photo_contradicting_prior_gets_small_weight():
    prior = ClassPrior.from_classes(['cat', 'dog'])
    x, z, y = _prior_wrong_features_separate(1)
    assert choose_prior_weight(x, z, y, prior) < 0.05


def test_choose_is_deterministic_for_a_seed():
    prior = ClassPrior.from_classes(['cat', 'dog'])
    x, z, y = _prior_right_features_noise(4)
    assert choose_prior_weight(x, z, y, prior, seed=3) == choose_prior_weight(
        x, z, y, prior, seed=3)


def test_partially_matched_class_list_trains():
    prior = ClassPrior.from_classes(['cat', 'tumor', 'dog'])
    g = torch.Generator().manual_seed(0)
    x = torch.randn(9, 8, generator=g)
    z = torch.randn(9, 1000, generator=g)
    y = torch.tensor([0, 0, 0, 1, 1, 1, 2, 2, 2])
    w, b, a = fit_head_with_prior(x, z, y, prior)
    assert w.shape == (3, 8) and b.shape == (3,) and a in P.PRIOR_WEIGHTS
    assert combined_logits(x, z, w, b, prior, a).shape == (9, 3)


# ------------------------------------------------------------------ zero-shot


def test_suggest_labels_and_ordering():
    prior = ClassPrior.from_classes(['cat', 'dog', 'other'])
    cat_out, dog_out = synset(DOMESTIC_CAT).outputs[0], synset(DOG).outputs[0]
    z = torch.full((4, 1000), -5.0)  # a trained head's background is well below 0
    z[0, dog_out] = 4.0   # a dog, fairly sure
    z[1, cat_out] = 12.0  # a cat, very sure
    z[2, 500] = 12.0      # neither: the unmatched class takes it
    z[3, cat_out] = 2.5   # probably a cat, unsure
    labels, conf = suggest_labels(z, prior)
    assert labels.tolist() == [1, 0, 2, 0]
    assert labels.dtype == torch.int64 and conf.shape == (4,)
    order = conf.argsort(descending=True).tolist()
    assert order.index(1) < order.index(0) < order.index(3)
    assert ((conf > 0) & (conf <= 1)).all()


def test_head_fits_stop_at_a_cancel():
    """The L-BFGS fits poll the cancel token: a cancel never waits for a fit to converge (issue 9)."""
    import torch

    from petcognizer.core.events import CancelToken, Cancelled
    from petcognizer.core.prior import choose_prior_weight, fit_linear_head

    calls = []

    class CountingToken(CancelToken):
        def raise_if_cancelled(self):
            calls.append(1)
            if len(calls) >= 3:
                raise Cancelled()

    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(40, 8, generator=g), torch.arange(40) % 2
    with pytest.raises(Cancelled):
        fit_linear_head(x, y, 2, cancel=CountingToken())
    assert len(calls) == 3  # stopped at the third evaluation, not after up to 200
    token = CancelToken()
    token.cancel()
    prior = ClassPrior.from_classes(['cat', 'dog'])
    with pytest.raises(Cancelled):
        choose_prior_weight(x, torch.randn(40, 1000, generator=g), y, prior, cancel=token)
