"""Zero-shot start: a model from class names, and suggestions for unlabelled photos."""

from __future__ import annotations

import pytest
from photos import make_photo

from petcognizer.core.predict import Predictor
from petcognizer.core.project import Project
from petcognizer.core.suggest import suggest_for_unlabelled, zero_shot_model
from petcognizer.core.config import TrainConfig
from petcognizer.core.service import train_project


def test_zero_shot_model_needs_a_matched_name():
    assert zero_shot_model(['tumor', 'no_tumor']) is None
    model = zero_shot_model(['cat', 'dog'])
    assert model is not None and model.uses_prior and model.prior_weight == 1.0
    assert all(float(p.detach().abs().sum()) == 0 for p in model.head.parameters())


def test_project_with_names_but_no_photos_trains_a_zero_shot_run(tmp_path):
    project = Project.create(tmp_path / 'p', classes=['cat', 'dog'])
    record = train_project(project, TrainConfig())
    assert record.zero_shot and record.n_train == 0
    assert project.runs[-1].id == record.id and project.runs[-1].zero_shot
    pred = Predictor.load(project.root / record.model_path)
    out = pred.predict_paths([make_photo(tmp_path / 'x.png', size=(64, 64))])
    assert out[0].label in {'cat', 'dog'}
    assert abs(sum(p for _, p in out[0].probabilities) - 1) < 1e-4


def test_unmatched_names_and_no_photos_is_a_clear_error(tmp_path):
    project = Project.create(tmp_path / 'p', classes=['alice', 'bob'])
    with pytest.raises(ValueError, match='at least two classes'):
        train_project(project, TrainConfig())


def test_suggestions_cover_every_unlabelled_photo_most_confident_first(tmp_path):
    project = Project.create(tmp_path / 'p', classes=['cat', 'dog', 'tumor'])
    files = [make_photo(tmp_path / 'src' / f'{i}.png', (40 * i, 90, 200 - 30 * i), size=(64, 64),
                        noise_seed=i) for i in range(4)]
    project.add_files(files, None)
    out = suggest_for_unlabelled(project)
    assert sorted(s.path for s in out) == sorted(project.images(None))
    conf = [s.confidence for s in out]
    assert conf == sorted(conf, reverse=True)
    # zero-shot never suggests a class it knows nothing about, and plain colour
    # squares are no cat or dog: confidence is the ImageNet mass, not renormalised
    assert all(s.label in {'cat', 'dog'} for s in out)
    assert max(conf) < 0.5


def test_no_suggestions_without_matches_or_model(tmp_path):
    project = Project.create(tmp_path / 'p', classes=['alice', 'bob'])
    project.add_files([make_photo(tmp_path / 'a.png')], None)
    assert suggest_for_unlabelled(project) == []
