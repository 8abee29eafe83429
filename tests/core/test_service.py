"""The run service: a project run is saved and recorded, a folder run is not, snapshots are fixed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch
from photos import COLOURS, make_photo

import petcognizer.core.features as F
from petcognizer.core import events as E
from petcognizer.core.config import TrainConfig
from petcognizer.core.model import Ensemble
from petcognizer.core.predict import Predictor
from petcognizer.core.project import Project
from petcognizer.core.runs import RunRecord, TrainingSnapshot
from petcognizer.core.service import (
    MODEL_FILE,
    ensemble_val_accuracy,
    train_folder,
    train_project,
    train_snapshot,
)
from petcognizer.core.training import fit


def cfg(**kw) -> TrainConfig:
    base = dict(backbone='tiny_test', epochs=30, lr=0.03, val_fraction=0.0, use_prior=False, seed=0)
    base.update(kw)
    return TrainConfig(**base)


def _project(tmp_path, photo_tree, classes=('red', 'green', 'blue')) -> Project:
    project = Project.create(tmp_path / 'proj', classes=classes)
    for c in classes:
        if (photo_tree / c).is_dir():
            project.add_files(sorted((photo_tree / c).iterdir()), c)
    return project


def _cancel_on(kind):
    token, seen = E.CancelToken(), []

    def cb(ev):
        seen.append(ev)
        if isinstance(ev, kind):
            token.cancel()

    return token, seen, cb


# ------------------------------------------------------------------ projects


def test_train_project_saves_the_model_in_its_run_folder_and_records_the_run(photo_tree, tmp_path):
    project = _project(tmp_path, photo_tree)
    seen = []
    record = train_project(project, cfg(), callback=seen.append)
    assert isinstance(record, RunRecord)
    assert record.classes == ['red', 'green', 'blue']  # the project's order
    assert record.n_train == 18 and record.n_val == 0 and record.best_val_acc is None
    assert record.cancelled is False and record.backbone == 'tiny_test' and not record.zero_shot
    assert len(record.history) == 30 and record.config['epochs'] == 30
    assert record.model_path == f'runs/{record.id}/{MODEL_FILE}'
    model_file = project.root / record.model_path
    assert model_file.is_file()
    assert [r.id for r in project.runs] == [record.id]
    # recorded on disk: another process opening the project lists the run
    reopened = Project.open(project.root)
    assert [r.id for r in reopened.runs] == [record.id]
    assert reopened.runs[0].model_path == record.model_path
    pred = Predictor.load(model_file)
    assert pred.classes == ['red', 'green', 'blue']
    assert pred.metadata['extra']['run_id'] == record.id
    results = pred.predict_paths([project.images('green')[0], project.images('blue')[0]])
    assert [r.label for r in results] == ['green', 'blue']
    assert (project.cache_dir / 'features').is_dir()
    assert isinstance(seen[0], E.RunStarted) and isinstance(seen[-1], E.RunEnded)


def test_train_project_copies_the_model_to_out(photo_tree, tmp_path):
    project = _project(tmp_path, photo_tree)
    out = tmp_path / 'elsewhere' / 'm.safetensors'
    record = train_project(project, cfg(epochs=3), out=out)
    assert out.read_bytes() == (project.root / record.model_path).read_bytes()
    assert not list(out.parent.glob('*.partial'))


def test_train_project_skips_empty_classes(photo_tree, tmp_path):
    project = _project(tmp_path, photo_tree, classes=('red', 'empty', 'blue'))
    seen = []
    record = train_project(project, cfg(epochs=3), callback=seen.append)
    assert record.classes == ['red', 'blue']
    assert any('empty' in m.text for m in seen if isinstance(m, E.Message) and m.level == 'warning')


def test_train_project_with_one_class_of_unmatched_names_raises(photo_tree, tmp_path):
    project = _project(tmp_path, photo_tree, classes=('red', 'nothing'))
    with pytest.raises(ValueError, match='two classes'):
        train_project(project, cfg(epochs=3))
    assert project.runs == []


def test_train_project_cancelled_is_recorded(photo_tree, tmp_path):
    project = _project(tmp_path, photo_tree)
    token, _, cb = _cancel_on(E.EpochEnded)
    record = train_project(project, cfg(batch_size=4, epochs=10), callback=cb, cancel=token)
    assert record.cancelled is True and record.model_path
    assert (project.root / record.model_path).is_file()
    assert project.runs[-1].cancelled is True


def test_train_project_cancelled_before_anything_is_learnt_is_recorded_without_a_model(photo_tree,
                                                                                     tmp_path):
    project, _ = Project.from_folder(photo_tree, tmp_path / 'proj')
    token = E.CancelToken()
    token.cancel()
    seen = []
    out = tmp_path / 'out.safetensors'
    record = train_project(project, cfg(epochs=2), cancel=token, out=out, callback=seen.append)
    assert record.cancelled is True and record.model_path is None and record.best_epoch is None
    assert [r.id for r in Project.open(project.root).runs] == [record.id]
    assert Project.open(project.root).runs[0].cancelled is True
    assert not out.exists() and not (project.runs_dir / record.id / MODEL_FILE).exists()
    assert any('nothing was learnt' in ev.text for ev in seen if isinstance(ev, E.Message))
    assert isinstance(seen[-1], E.RunEnded) and seen[-1].cancelled


# ------------------------------------------------------------------ snapshots


def test_train_snapshot_never_touches_project_json(photo_tree, tmp_path):
    project = _project(tmp_path, photo_tree)
    snapshot = project.snapshot()
    before = (project.root / 'project.json').read_bytes()
    run_dir = project.runs_dir / 'r1'
    record = train_snapshot(TrainingSnapshot.from_dict(json.loads(json.dumps(snapshot.to_dict()))),
                            cfg(epochs=3), run_dir=run_dir, cache_root=tmp_path / 'c', run_id='r1')
    assert record.id == 'r1' and record.model_path == f'runs/r1/{MODEL_FILE}'
    assert (run_dir / MODEL_FILE).is_file()
    assert (project.root / 'project.json').read_bytes() == before
    assert Project.open(project.root).runs == []


def test_snapshot_digests_are_the_feature_cache_keys(photo_tree, tmp_path, monkeypatch):
    """A photo hashed at import is not hashed again at feature extraction."""
    project = _project(tmp_path, photo_tree)
    snapshot = project.snapshot()
    assert all(snapshot.digests)

    def no_hashing(path):
        raise AssertionError(f'{path} hashed again')

    monkeypatch.setattr(F, 'hash_file', no_hashing)
    record = train_snapshot(snapshot, cfg(epochs=2), run_dir=tmp_path / 'run',
                            cache_root=tmp_path / 'c')
    assert record.n_train == 18 and not record.skipped
    names = {p.name.split('-')[0] for p in (tmp_path / 'c').rglob('*.npy')}
    assert names == set(snapshot.digests)


def test_a_photo_moved_during_the_run_is_found_by_its_digest(photo_tree, tmp_path):
    project = _project(tmp_path, photo_tree)
    snapshot = project.snapshot()
    moved = Path(snapshot.paths[0])
    # the window moves the photo to another class after the snapshot was taken
    project.move_images([moved], 'blue')
    assert not moved.exists()
    record = train_snapshot(snapshot, cfg(epochs=2), run_dir=tmp_path / 'run',
                            cache_root=tmp_path / 'c')
    assert record.n_train == 18 and not record.skipped


def test_a_photo_gone_during_the_run_is_skipped(photo_tree, tmp_path):
    project = _project(tmp_path, photo_tree)
    snapshot = project.snapshot()
    Path(snapshot.paths[0]).unlink()
    record = train_snapshot(snapshot, cfg(epochs=2), run_dir=tmp_path / 'run',
                            cache_root=tmp_path / 'c')
    assert record.n_train == 17 and [p for p, _ in record.skipped] == [snapshot.paths[0]]


# ------------------------------------------------------------------ folders


def test_train_folder_saves_to_out_and_records_nothing(photo_tree, tmp_path):
    out = tmp_path / 'models' / 'colours.safetensors'
    record = train_folder(photo_tree, cfg(epochs=3), out=out)
    assert record.classes == ['blue', 'green', 'red'] and record.n_train == 18
    assert record.source == str(photo_tree) and record.model_path == str(out.resolve())
    assert Predictor.load(out).classes == ['blue', 'green', 'red']
    assert sorted(p.name for p in out.parent.iterdir()) == ['colours.safetensors']
    assert not (photo_tree / 'project.json').exists()


def test_train_folder_without_photos_is_a_clear_error(tmp_path):
    (tmp_path / 'empty' / 'cat').mkdir(parents=True)
    with pytest.raises(ValueError, match='no photos found'):
        train_folder(tmp_path / 'empty', cfg(), out=tmp_path / 'm.safetensors')
    assert not (tmp_path / 'm.safetensors').exists()


def test_a_failed_folder_run_leaves_no_files(tmp_path):
    root = tmp_path / 'data'
    for i in range(3):
        make_photo(root / 'red' / f'{i}.png', COLOURS['red'], noise_seed=i)
        (root / 'blue').mkdir(parents=True, exist_ok=True)
        (root / 'blue' / f'{i}.png').write_bytes(b'broken')
    out = tmp_path / 'out' / 'm.safetensors'
    with pytest.raises(ValueError, match='readable'):
        train_folder(root, cfg(epochs=2), out=out)
    assert list(out.parent.iterdir()) == []


def test_ensemble_runs_get_the_ensembles_validation_accuracy(tmp_path, monkeypatch):
    import petcognizer.core.service as S

    measured = []
    monkeypatch.setattr(S, 'ensemble_val_accuracy', lambda *a, **k: measured.append(a) or 0.75)
    root = tmp_path / 'data'
    for name, colour in COLOURS.items():
        for i in range(4):
            make_photo(root / name / f'{i}.png', colour, size=(48, 48), noise_seed=i)
    shutil.rmtree(root / 'green')
    seen = []
    record = train_folder(root, TrainConfig(ensemble=True, epochs=2, val_fraction=0.5,
                                            use_prior=False), out=tmp_path / 'm.safetensors',
                          callback=seen.append)
    assert len(measured) == 1 and record.best_val_acc == 0.75 and record.n_val == 4
    assert record.backbone == 'efficientnet_lite0+efficientnet_lite1+efficientnet_lite2'
    # one run, its end last, carrying the ensemble's accuracy
    ends = [e for e in seen if isinstance(e, E.RunEnded)]
    assert len(ends) == 1 and seen[-1] is ends[0] and ends[0].best_val_acc == 0.75


def test_ensemble_val_accuracy_predicts_the_validation_photos(tmp_path):
    paths = [make_photo(tmp_path / f'{i}.png', COLOURS['red'], noise_seed=i) for i in range(8)]
    labels = [0, 0, 0, 0, 1, 1, 1, 1]
    config = TrainConfig(backbone='tiny_test', val_fraction=0.5, seed=1)
    member = fit(paths, labels, ['a', 'b'], TrainConfig(backbone='tiny_test', epochs=1,
                                                         use_prior=False, val_fraction=0.0)).model
    with torch.no_grad():
        for p in member.head.parameters():
            p.zero_()
        member.head[0].bias.copy_(torch.tensor([5.0, 0.0]))  # always class a
    seen = []
    acc = ensemble_val_accuracy(Ensemble([member]), paths, labels, config, callback=seen.append)
    assert acc == 0.5  # half of the validation photos are class a
    assert seen and all(isinstance(e, E.StageProgress) for e in seen)
    token = E.CancelToken()
    token.cancel()
    assert ensemble_val_accuracy(Ensemble([member]), paths, labels, config, token) is None
