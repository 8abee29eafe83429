"""Predict page with a real tiny model: rows, errors, CSV, one-click labels, drops."""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog

from petcognizer.gui.predict_page import PredictPage


@pytest.fixture
def page(qtbot):
    page = PredictPage()
    qtbot.addWidget(page)
    yield page
    assert page.shutdown(5000)


def _photos(tmp_path, solid_photo):
    red = solid_photo(tmp_path / 'new' / 'red_new.png', (220, 40, 40), seed=99)
    folder = tmp_path / 'new' / 'more'
    for i in range(2):
        solid_photo(folder / f'blue_{i}.png', (40, 60, 220), seed=50 + i)
    bad = tmp_path / 'new' / 'broken.jpg'
    bad.write_bytes(b'this is not a jpeg')
    return red, folder, bad


def test_no_model_says_what_to_do(page):
    assert page.model_path() is None
    assert 'Train page' in page.empty_label.text()
    assert not page.predict([Path('x.png')])
    assert 'Choose a model first' in page.error_banner.text()


def test_predict_rows_csv_and_one_click_label(qtbot, page, trained, tmp_path, monkeypatch,
                                             make_solid_photo):
    project, record = trained
    page.set_project(project)
    assert page.model_path() == project.root / record.model_path
    assert 'red, green, blue' in page.model_info.text()
    red, folder, bad = _photos(tmp_path, make_solid_photo)
    with qtbot.waitSignal(page.predictions_finished, timeout=20000) as blocker:
        assert page.predict([red, folder, bad])
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=5000)
    preds = blocker.args[0]
    assert [Path(p.path).name for p in preds] == ['red_new.png', 'blue_0.png', 'blue_1.png', 'broken.jpg']
    rows = page.rows()
    assert len(rows) == 4 and page.empty_label.isHidden()
    assert len(rows[0].add_buttons) == 3  # top-3 of 3 classes
    assert rows[3].prediction.error and 'Could not read' in rows[3].error_label.text()
    assert not rows[3].add_buttons

    # one click puts a photo in a class
    with qtbot.waitSignal(page.label_requested, timeout=1000) as req:
        qtbot.mouseClick(rows[0].add_buttons['green'], Qt.MouseButton.LeftButton)
    assert req.args == [[red], 'green']
    assert 'green' in rows[0].status_label.text()

    # CSV: path,label,probability; top-k rows per photo; unreadable files with an empty label
    out = tmp_path / 'preds'
    monkeypatch.setattr(QFileDialog, 'getSaveFileName', lambda *a, **k: (str(out), 'CSV files (*.csv)'))
    page.save_csv_button.click()
    with open(out.with_suffix('.csv'), newline='') as f:
        table = list(csv.reader(f))
    assert table[0] == ['path', 'label', 'probability']
    assert len(table) == 1 + 3 * 3 + 1
    assert table[1][0] == str(red) and float(table[1][2]) >= float(table[2][2])
    assert table[-1] == [str(bad), '', '']
    assert 'Saved' in page.status_label.text()


def test_drop_files_and_set_model_path(qtbot, page, trained, tmp_path, make_solid_photo):
    project, record = trained
    page.set_model_path(project.root / record.model_path)  # no project: opened as a file
    assert page.model_combo.currentText().startswith('File:')
    red, folder, _bad = _photos(tmp_path, make_solid_photo)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(red)), QUrl.fromLocalFile(str(folder))])
    pos = page.rect().center()
    action, button, mods = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    with warnings.catch_warnings():  # PySide6 6.12 marks the QPoint constructor deprecated
        warnings.simplefilter('ignore', DeprecationWarning)
        enter = QDragEnterEvent(pos, action, mime, button, mods)
    QApplication.sendEvent(page, enter)
    assert enter.isAccepted()
    with qtbot.waitSignal(page.predictions_finished, timeout=20000) as blocker:
        QApplication.sendEvent(page, QDropEvent(QPointF(pos), action, mime, button, mods))
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=5000)
    assert len(blocker.args[0]) == 3
    # without a project there is nowhere to add photos
    assert not page.rows()[0].other_button.isEnabled()
    page.clear()
    assert not page.rows() and not page.save_csv_button.isEnabled()


def test_foreign_model_file_shows_error(qtbot, page, tmp_path, make_solid_photo):
    fake = tmp_path / 'model.safetensors'
    fake.write_bytes(b'not a model')
    page.set_model_path(fake)
    red = make_solid_photo(tmp_path / 'a.png', (200, 0, 0))
    with qtbot.waitSignal(page.busy_changed, timeout=10000, check_params_cb=lambda b: not b):
        page.predict([red])
    assert 'Could not classify' in page.error_banner.text()
    assert not page.rows()


def test_models_follow_the_project_runs(page, trained):
    """The model list redraws from runs_changed: no one has to push the new run to this page."""
    project, record = trained
    page.set_project(project)
    assert page.model_combo.count() == 1
    project.remove_run(record.id)
    assert page.model_path() is None and page.model_combo.count() == 0
    project.add_run(record)
    assert page.model_path() == project.root / record.model_path
