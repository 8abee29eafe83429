"""Suggested labels for the Unlabelled bin: zero-shot from class names, accept, undo."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from photos import make_photo

from petcognizer.core.project import Project
from petcognizer.core.runs import RunRecord
from petcognizer.gui.data_page import DataPage
from petcognizer.gui.suggestions import (
    NO_PRIOR_TEXT,
    SuggestionsPanel,
    latest_model_path,
)
from petcognizer.gui.thumbnails import ThumbnailLoader


def _page(qtbot, project) -> DataPage:
    page = DataPage()
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.set_project(project)
    page.show()
    qtbot.waitExposed(page)
    return page


@pytest.fixture
def pets(tmp_path) -> Project:
    """Classes 'cat' and 'dog', five small unlabelled photos."""
    project = Project.create(tmp_path / 'proj', classes=['cat', 'dog'])
    src = tmp_path / 'src'
    photos = [make_photo(src / f'photo{i}.png', size=(64, 64), noise_seed=i) for i in range(5)]
    project.add_files(photos, None)
    return project


def test_button_only_for_unlabelled_with_photos_and_two_classes(qtbot, pets):
    page = _page(qtbot, pets)
    assert page.current_bin() is None
    assert page.suggest_button.isVisible()
    page.select_bin('cat')
    assert not page.suggest_button.isVisible()
    page.select_bin(None)
    page.delete_class('dog', confirm=False)
    assert not page.suggest_button.isVisible()  # one class: nothing to choose between
    assert page.shutdown(5000)


def test_zero_shot_suggestions_accept_and_undo(qtbot, pets):
    page = _page(qtbot, pets)
    unlabelled = pets.images(None)
    page.suggest_button.click()
    assert page.is_suggesting()
    assert page.stack.currentWidget() is page.suggestions
    assert page.suggestions.progress_row.isVisible()
    assert 'class names' in page.suggestions.source_label.text()
    qtbot.waitUntil(lambda: not page.is_suggesting(), timeout=180_000)

    rows = page.suggestions.rows()
    assert sorted(p for p, *_ in rows) == sorted(unlabelled)  # every unlabelled photo, once
    assert all(label in ('cat', 'dog') for _, label, _, _ in rows)
    confidences = [c for _, _, c, _ in rows]
    assert confidences == sorted(confidences, reverse=True)  # most confident first
    assert all(on == (c >= 0.8) for _, _, c, on in rows)  # pre-checked from 80 %

    page.suggestions.set_threshold(0)
    assert len(page.suggestions.checked()) == len(unlabelled)
    assert page.suggestions.accept_button.isEnabled()
    expected = {p.name: label for p, label, _, _ in rows}
    depth = page.undo_stack.count()
    page.suggestions.accept_button.click()

    assert pets.images(None) == []
    assert {p.name: c for c in pets.classes for p in pets.images(c)} == expected
    assert page.undo_stack.count() == depth + 1  # one step, whatever the number of classes
    assert page.stack.currentWidget() is not page.suggestions  # nothing left to review

    page.undo_stack.undo()
    assert sorted(pets.images(None)) == sorted(unlabelled)
    assert pets.counts() == {'cat': 0, 'dog': 0}
    page.undo_stack.redo()
    assert pets.images(None) == []
    assert page.shutdown(5000)


def test_partial_accept_keeps_the_rest_listed(qtbot, pets, monkeypatch):
    from petcognizer.core import suggest

    fake = [
        suggest.Suggestion(p, 'cat' if i % 2 else 'dog', 0.95 - 0.2 * i)
        for i, p in enumerate(pets.images(None))
    ]
    monkeypatch.setattr(suggest, 'suggest_for_unlabelled', lambda project, **kw: list(fake))
    page = _page(qtbot, pets)
    page.suggest_labels()
    qtbot.waitUntil(lambda: not page.is_suggesting(), timeout=10_000)
    assert [on for *_, on in page.suggestions.rows()] == [True, False, False, False, False]
    page.suggestions.set_threshold(50)
    assert len(page.suggestions.checked()) == 3
    assert page.suggestions.accept_button.text() == 'Accept 3 checked'
    page.suggestions.accept_button.click()
    assert len(pets.images(None)) == 2
    assert page.stack.currentWidget() is page.suggestions
    assert len(page.suggestions.rows()) == 2
    page.suggestions.close_button.click()
    assert page.stack.currentWidget() is page.grid
    assert page.shutdown(5000)


def test_no_known_class_name_and_no_model_says_what_to_do(qtbot, tmp_path):
    project = Project.create(tmp_path / 'proj', classes=['tumor', 'healthy tissue'])
    project.add_files([make_photo(tmp_path / 'a.png', size=(64, 64))], None)
    page = _page(qtbot, project)
    assert page.suggest_button.isVisible()
    assert not page.suggest_labels()
    assert not page.is_suggesting()
    assert page.suggestions.message_label.isVisible()
    assert page.suggestions.message_label.text() == NO_PRIOR_TEXT
    assert "Train a model first, or give classes names like 'cat' and 'dog'" in NO_PRIOR_TEXT
    assert page.shutdown(5000)


def test_cancel_stops_the_job(qtbot, pets, monkeypatch):
    import threading

    from petcognizer.core import suggest
    from petcognizer.core.events import StageProgress

    started = threading.Event()

    def slow(project, *, model_path=None, callback, cancel):
        started.set()
        while True:
            callback(StageProgress('predict', 1, 5))
            cancel.raise_if_cancelled()
            threading.Event().wait(0.01)

    monkeypatch.setattr(suggest, 'suggest_for_unlabelled', slow)
    page = _page(qtbot, pets)
    page.suggest_labels()
    qtbot.waitUntil(started.is_set, timeout=10_000)
    qtbot.waitUntil(lambda: page.suggestions.progress_bar.maximum() == 5, timeout=10_000)
    page.suggestions.cancel_button.click()
    qtbot.waitUntil(lambda: not page.is_suggesting(), timeout=10_000)
    assert 'Stopped' in page.suggestions.message_label.text()
    assert page.suggest_button.isEnabled()
    assert len(pets.images(None)) == 5
    assert page.shutdown(5000)


def test_latest_model_path_needs_the_same_classes(tmp_path):
    root = tmp_path
    (root / 'runs').mkdir()
    for name in ('a.pt', 'b.pt', 'z.pt'):
        (root / 'runs' / name).write_bytes(b'x')
    project = SimpleNamespace(root=root, classes=['cat', 'dog'], runs=[])
    assert latest_model_path(project) is None
    project.runs = [
        RunRecord.from_dict({'id': str(i), **d}) for i, d in enumerate([
            {'model_path': 'runs/a.pt', 'classes': ['dog', 'cat']},
            {'model_path': 'runs/b.pt', 'classes': ['cat', 'dog', 'bird']},
            {'model_path': 'runs/gone.pt', 'classes': ['cat', 'dog']},
            {'model_path': 'runs/z.pt', 'classes': ['cat', 'dog'], 'zero_shot': True},
            {'model_path': None, 'classes': ['cat', 'dog']},
        ])
    ]
    assert latest_model_path(project) == root / 'runs' / 'a.pt'


def test_panel_threshold_checks_rows(qtbot, tmp_path):
    loader = ThumbnailLoader()
    panel = SuggestionsPanel(loader)
    qtbot.addWidget(panel)
    rows = [SimpleNamespace(path=tmp_path / f'{i}.png', label='cat', confidence=c)
            for i, c in enumerate([0.3, 0.99, 0.8, 0.79])]
    panel.show_suggestions(rows, {'cat': '#4e79a7'})
    assert [round(c, 2) for _, _, c, _ in panel.rows()] == [0.99, 0.8, 0.79, 0.3]
    assert [on for *_, on in panel.rows()] == [True, True, False, False]
    assert panel.checked_label.text() == '2 of 4 checked'
    panel.set_threshold(30)
    assert len(panel.checked()) == 4
    panel.set_threshold(100)
    assert panel.checked() == [] and not panel.accept_button.isEnabled()
    assert loader.shutdown(5000)
