"""Issue 13 in the window: the Train page looks at the photos and, far from ImageNet,
"Most accurate" fine-tunes the network, with its time, and "Quick" stays the cheaper choice."""

from __future__ import annotations

import threading

import pytest

from petcognizer.core.config import TrainConfig, recommend_config
from petcognizer.core.domain import MIN_PER_CLASS_TO_FINE_TUNE


def fake_recommend(far: bool, calls: list, gate: threading.Event | None = None):
    def job(callback, cancel, *, snapshot, cache_root, backbone=None):
        calls.append(len(snapshot['paths']))
        if gate is not None:
            gate.wait(10)
        n, k = len(snapshot['paths']), len(snapshot['classes'])
        cheaper = recommend_config(n, k)
        cfg = TrainConfig.from_dict(cheaper.to_dict())
        if far:
            cfg.freeze_depth, cfg.augment, cfg.ensemble, cfg.epochs, cfg.patience = 9, True, False, 30, 6
            cfg.val_fraction, cfg.members = 0.2, 2
        return {'config': cfg.to_dict(), 'cheaper_config': cheaper.to_dict() if far else None,
                'freeze_depth': cfg.freeze_depth, 'seconds': 360.0 if far else 12.0,
                'cheaper_seconds': 20.0 if far else None,
                'sentence': 'The photos look unlike ImageNet photos.' if far else 'Near.',
                'assessment': {'far': far}}
    return job


@pytest.fixture
def project(tmp_path, make_solid_photo):
    from petcognizer.core.project import Project

    project = Project.create(tmp_path / 'scans', classes=['tumour', 'healthy'])
    for k, (name, colour) in enumerate({'tumour': (200, 200, 200), 'healthy': (40, 40, 40)}.items()):
        project.add_files([make_solid_photo(tmp_path / 'src' / name / f'{i}.png', colour, seed=i + 50 * k)
                           for i in range(MIN_PER_CLASS_TO_FINE_TUNE)], name)
    return project


def test_far_photos_make_most_accurate_fine_tune_and_quick_the_cheaper_choice(
        qtbot, photo_advice, engine_jobs, open_train_page, project):
    calls: list = []
    engine_jobs['recommend'] = fake_recommend(True, calls)
    page = open_train_page(project)
    qtbot.waitUntil(lambda: page.advisor.advice is not None, timeout=10000)
    assert calls == [2 * MIN_PER_CLASS_TO_FINE_TUNE]
    accurate, quick = page.simple.mode_buttons['accurate'], page.simple.mode_buttons['quick']
    assert accurate.isChecked()
    d = page.config_dict()
    assert d['freeze_depth'] == 9 and d['augment'] is True and d['ensemble'] is False
    assert d['members'] == 2  # a field without a widget, kept from the recommendation
    note = page.simple.mode_notes['accurate'].text()
    assert 'network itself trains' in note and 'about 6 min' in note
    assert 'about 6 min' in page.summary_label.text()  # the look's own estimate
    assert 'last layer' in page.simple.mode_notes['quick'].text()
    assert page.simple.advice_label.isVisible()
    quick.click()
    assert page.config_dict()['freeze_depth'] == 0  # the cheaper choice
    assert page.config_dict()['members'] == 1
    accurate.click()
    assert page.config_dict()['freeze_depth'] == 9 and page.config_dict()['members'] == 2
    page.settings_panel.val_spin.setValue(0)  # no photos kept out: copies cannot apply, one model trains
    assert page.config_dict()['members'] == 1
    page.settings_panel.val_spin.setValue(20)
    assert page.config_dict()['members'] == 2
    # the same photos are not looked at twice; a new photo is
    page.advisor.photos_changed()
    qtbot.wait(2000)
    assert len(calls) == 1
    assert page.shutdown(5000)


def test_near_photos_change_nothing(qtbot, photo_advice, engine_jobs, open_train_page, project):
    calls: list = []
    engine_jobs['recommend'] = fake_recommend(False, calls)
    page = open_train_page(project)
    before = page.config_dict()
    qtbot.waitUntil(lambda: page.advisor.advice is not None, timeout=10000)
    assert page.config_dict() == before and before['freeze_depth'] == 0 and before['ensemble'] is True
    assert 'Three networks vote' in page.simple.mode_notes['accurate'].text()
    assert not page.simple.advice_label.isVisible()
    assert page.shutdown(5000)


def test_too_few_photos_are_not_looked_at_and_training_stops_a_look(
        qtbot, photo_advice, engine_jobs, open_train_page, tiny_project, project):
    calls: list = []
    engine_jobs['recommend'] = fake_recommend(True, calls)
    page = open_train_page(tiny_project)  # 6 photos a class: too few to fine-tune
    qtbot.wait(2500)
    assert calls == [] and page.advisor.advice is None
    gate = threading.Event()
    engine_jobs['recommend'] = fake_recommend(True, calls, gate)
    page.set_project(project)
    qtbot.waitUntil(lambda: page.advisor.is_looking(), timeout=10000)
    assert 'Looking at your photos' in page.simple.advice_label.text()
    page.advisor.cancel()
    gate.set()
    qtbot.waitUntil(lambda: not page.advisor.is_looking(), timeout=10000)
    assert page.advisor.advice is None  # a cancelled look is not taken
    assert page.shutdown(5000)
