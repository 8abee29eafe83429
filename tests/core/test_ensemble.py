"""Ensembles of the bundled backbones: one run, one model file, averaged probabilities."""

from __future__ import annotations

import pytest
import torch
from photos import make_photo

from petcognizer.core import events as E
from petcognizer.core.model import Ensemble, load_model, save_model
from petcognizer.core.predict import Predictor
from petcognizer.core.config import ENSEMBLE_BACKBONES, TrainConfig
from petcognizer.core.training import fit


@pytest.fixture
def few_photos(tmp_path):
    paths, labels = [], []
    for k, colour in enumerate([(230, 200, 40), (40, 90, 220)]):
        for i in range(3):
            paths.append(make_photo(tmp_path / f'c{k}' / f'{i}.png', colour, size=(64, 64),
                                    noise_seed=i + 10 * k))
            labels.append(k)
    return paths, labels


def test_ensemble_trains_every_bundled_backbone_as_one_run(few_photos, tmp_path):
    paths, labels = few_photos
    seen = []
    cfg = TrainConfig(ensemble=True, epochs=3, val_fraction=0.0, use_prior=False)
    res = fit(paths, labels, ['yellow', 'blue'], cfg, cache_root=tmp_path / 'c', callback=seen.append)
    assert isinstance(res.model, Ensemble)
    assert [m.backbone_name for m in res.model.members] == list(ENSEMBLE_BACKBONES)
    kinds = [type(e).__name__ for e in seen]
    assert kinds[0] == 'RunStarted' and kinds[-1] == 'RunEnded'
    assert kinds.count('RunStarted') == 1 and kinds.count('RunEnded') == 1
    # the later members' head epochs are not reported (as copies' epochs are, as 'evaluate')
    assert not [e for e in seen if type(e).__name__ == 'StageProgress' and e.stage == 'evaluate']
    assert kinds.count('EpochEnded') == 3
    # the ensemble's probability is the mean of its members'
    x = torch.randn(2, 3, 224, 224)
    with torch.no_grad():
        mean = torch.stack([m(x).softmax(1) for m in res.model.members]).mean(0)
        assert torch.allclose(res.model(x).softmax(1), mean, atol=1e-5)
    out = tmp_path / 'ens.safetensors'
    save_model(out, res.model)
    loaded = load_model(out)
    assert isinstance(loaded, Ensemble) and len(loaded.members) == 3
    with torch.no_grad():
        assert torch.allclose(loaded(x), res.model(x), atol=1e-5)
    pred = Predictor.load(out)
    assert pred.backbone == '+'.join(ENSEMBLE_BACKBONES)
    assert {p.label for p in pred.predict_paths(paths)} <= {'yellow', 'blue'}


def test_ensemble_cancelled_during_a_later_member_keeps_the_finished_ones(few_photos, tmp_path):
    paths, labels = few_photos
    token = E.CancelToken()

    def on_event(ev):
        if isinstance(ev, E.Message) and 'member 2' in ev.text:
            token.cancel()

    cfg = TrainConfig(ensemble=True, epochs=2, val_fraction=0.0, use_prior=False)
    res = fit(paths, labels, ['yellow', 'blue'], cfg, cache_root=tmp_path / 'c',
              callback=on_event, cancel=token)
    assert res.cancelled
    assert isinstance(res.model, Ensemble) and len(res.model.members) == 1


def test_ensemble_needs_bundled_backbones():
    with pytest.raises(ValueError, match='bundled EfficientNet-Lite'):
        TrainConfig(backbone='tiny_test', ensemble=True).validate()
