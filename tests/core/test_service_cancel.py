"""Cancel at any moment of a run: the call returns, and the run is recorded as cancelled.

A model is kept (and loads) whenever an epoch finished; a run cancelled before
that is recorded with ``cancelled=True`` and no model. Timings are measured in
``bench/``, not here.
"""

from __future__ import annotations

import dataclasses

import pytest
import torch

import petcognizer.core.config as config_module
import petcognizer.core.training as training_module
from petcognizer.core import events as E
from petcognizer.core.backbones import (
    get_backbone,
    register_backbone,
    unregister_backbone,
)
from petcognizer.core.config import TrainConfig
from petcognizer.core.data import Preprocess, decode_batches
from petcognizer.core.predict import Predictor
from petcognizer.core.project import Project
from petcognizer.core.service import train_project
from petcognizer.core.training import fit


def cfg(**kw) -> TrainConfig:
    base = {'backbone': 'tiny_test', 'epochs': 4, 'lr': 0.03, 'val_fraction': 0.0,
            'use_prior': False, 'seed': 0, 'batch_size': 4}
    base.update(kw)
    return TrainConfig(**base)


def _cancel_when(pred):
    token, seen = E.CancelToken(), []

    def cb(ev):
        seen.append(ev)
        if not token.cancelled and pred(ev):
            token.cancel()

    return token, seen, cb


MOMENTS = {
    'features start': lambda ev: isinstance(ev, E.StageProgress) and ev.stage == 'features',
    'run started': lambda ev: isinstance(ev, E.RunStarted),
    'first epoch starts': lambda ev: isinstance(ev, E.EpochStarted) and ev.epoch == 0,
    'first batch': lambda ev: isinstance(ev, E.BatchEnded) and ev.epoch == 0,
    'first epoch ended': lambda ev: isinstance(ev, E.EpochEnded) and ev.epoch == 0,
    'third epoch, a batch': lambda ev: isinstance(ev, E.BatchEnded) and ev.epoch == 2,
}
LEARNT = {'first epoch ended', 'third epoch, a batch'}


def _check(project, record, seen, learnt: bool):
    assert record.cancelled is True
    assert [r.id for r in Project.open(project.root).runs][-1] == record.id
    assert Project.open(project.root).runs[-1].cancelled is True
    assert isinstance(seen[-1], E.RunEnded) and seen[-1].cancelled is True
    if learnt:
        assert record.model_path and record.best_epoch is not None
        pred = Predictor.load(project.root / record.model_path)
        assert pred.classes == record.classes
    else:
        assert record.model_path is None and record.best_epoch is None and record.history == []
        assert not (project.runs_dir / record.id / 'model.safetensors').exists()
        assert any('nothing was learnt' in ev.text for ev in seen if isinstance(ev, E.Message))


@pytest.mark.parametrize('moment', list(MOMENTS))
@pytest.mark.parametrize('freeze_depth', [0, 3], ids=['head only', 'fine-tuning'])
def test_a_cancel_at_any_moment_returns_and_records_the_run(photo_tree, tmp_path, moment, freeze_depth):
    # a fine-tuning's features: the pooled ones its head starts from (probe_init)
    project, _ = Project.from_folder(photo_tree, tmp_path / 'proj')
    token, seen, cb = _cancel_when(MOMENTS[moment])
    record = train_project(project, cfg(freeze_depth=freeze_depth), callback=cb, cancel=token)
    assert token.cancelled
    _check(project, record, seen, learnt=moment in LEARNT)
    assert len(record.history) <= 3


@pytest.mark.parametrize('freeze_depth', [0, 3], ids=['head only', 'fine-tuning'])
def test_a_cancel_while_photos_decode_returns_and_records_the_run(photo_tree, tmp_path, monkeypatch,
                                                                  freeze_depth):
    import petcognizer.core.data as data_module

    project, _ = Project.from_folder(photo_tree, tmp_path / 'proj')
    token, seen = E.CancelToken(), []
    real, count = data_module.load_rgb, []

    def load_rgb(path, **kw):  # the fifth decode of the run (a decode thread) sees the cancel
        count.append(path)
        if len(count) == 5:
            token.cancel()
        return real(path, **kw)

    monkeypatch.setattr(data_module, 'load_rgb', load_rgb)
    record = train_project(project, cfg(freeze_depth=freeze_depth), callback=seen.append, cancel=token)
    _check(project, record, seen, learnt=False)
    assert len(count) < 18 + 8  # the queued decodes were dropped, not all decoded first


def test_a_cancel_during_validation_keeps_the_last_finished_epoch(photo_tree, tmp_path, monkeypatch):
    project, _ = Project.from_folder(photo_tree, tmp_path / 'proj')
    token, seen, epochs = E.CancelToken(), [], []

    def callback(ev):
        seen.append(ev)
        if isinstance(ev, E.EpochEnded):
            epochs.append(ev.epoch)

    real = torch.nn.functional.cross_entropy

    def cross_entropy(*a, **k):  # the validation pass of the second epoch sees the cancel
        if len(epochs) == 1 and k.get('reduction') == 'sum':
            token.cancel()
        return real(*a, **k)

    monkeypatch.setattr(torch.nn.functional, 'cross_entropy', cross_entropy)
    record = train_project(project, cfg(val_fraction=0.3, epochs=5), callback=callback, cancel=token)
    assert record.cancelled and record.best_epoch == 0 and len(record.history) == 1
    _check(project, record, seen, learnt=True)


@pytest.fixture
def tiny_ensemble(monkeypatch):
    """Ensembles of two tiny backbones (the bundled ones are too slow for a test)."""
    spec = dataclasses.replace(get_backbone('tiny_test'), name='tiny_test_b')
    register_backbone(spec, replace=True)
    names = ('tiny_test', 'tiny_test_b')
    monkeypatch.setattr(config_module, 'ENSEMBLE_BACKBONES', names)
    monkeypatch.setattr(training_module, 'ENSEMBLE_BACKBONES', names)
    yield names
    unregister_backbone('tiny_test_b')


@pytest.mark.parametrize('moment, members', [
    ('at the switch to the second member', 1),
    ('while measuring the ensemble', 2),
    ('before the first member learnt', 0),
])
def test_a_cancelled_ensemble_keeps_the_members_that_finished(photo_tree, tmp_path, tiny_ensemble,
                                                              moment, members):
    project, _ = Project.from_folder(photo_tree, tmp_path / 'proj')
    when = {
        'at the switch to the second member': lambda ev: isinstance(ev, E.Message)
        and 'member 2' in ev.text,
        'while measuring the ensemble': lambda ev: isinstance(ev, E.StageProgress)
        and ev.stage == 'predict',
        'before the first member learnt': lambda ev: isinstance(ev, E.EpochStarted),
    }[moment]
    token, seen, cb = _cancel_when(when)
    record = train_project(project, cfg(ensemble=True, val_fraction=0.3), callback=cb, cancel=token)
    assert token.cancelled
    _check(project, record, seen, learnt=members > 0)
    if members:
        model = Predictor.load(project.root / record.model_path).model
        n = len(model.members) if hasattr(model, 'members') else 1
        assert n == members


def test_a_cancelled_fit_leaves_no_cancel_hook_in_its_model(photo_tree):
    from petcognizer.core.data import folder_samples

    paths, labels, classes = folder_samples(photo_tree)
    token, _, cb = _cancel_when(lambda ev: isinstance(ev, E.EpochEnded) and ev.epoch == 1)
    res = fit(paths, labels, classes, cfg(freeze_depth=1), callback=cb, cancel=token)
    assert res.cancelled and res.model is not None
    x = torch.zeros(2, 3, 32, 32)
    with torch.no_grad():
        assert res.model(x).shape == (2, 3)  # the token is set, yet the model still runs


def test_decode_batches_skips_queued_decodes_once_cancelled(photo_tree, monkeypatch):
    import petcognizer.core.data as data_module

    paths = sorted(photo_tree.rglob('*.png')) * 4
    decoded = []
    real = data_module.load_rgb
    monkeypatch.setattr(data_module, 'load_rgb', lambda p, **k: decoded.append(p) or real(p, **k))
    token = E.CancelToken()
    pre = Preprocess(32, 37, (0.5,) * 3, (0.5,) * 3)
    with pytest.raises(E.Cancelled):
        for _ in decode_batches(paths, pre, 2, cancel=token, threads=1):
            token.cancel()
    assert len(decoded) < len(paths) // 2


def test_a_cancel_while_the_model_is_saved_is_recorded(photo_tree, tmp_path, monkeypatch):
    import petcognizer.core.service as service_module

    project, _ = Project.from_folder(photo_tree, tmp_path / 'proj')
    token, real = E.CancelToken(), service_module.save_model

    def save_model(*a, **k):
        token.cancel()  # the user presses Cancel as the run ends
        return real(*a, **k)

    monkeypatch.setattr(service_module, 'save_model', save_model)
    record = train_project(project, cfg(epochs=2), cancel=token)
    assert record.cancelled is True and record.model_path and len(record.history) == 2
    assert Project.open(project.root).runs[-1].cancelled is True
    assert Predictor.load(project.root / record.model_path).classes == record.classes
