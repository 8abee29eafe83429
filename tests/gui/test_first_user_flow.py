"""The main flow as a first-time user clicks it, with the real engine process.

New project, classes cat and dog, three photos dropped on each; the Train page
follows at once (no reopen); Train; Predict lists the run; "Add to class" on a
predicted photo counts on the Train page; undo. The window process never
imports torch: that flow runs in a fresh pytest process (so no other test has
imported torch there) and asserts it at the end.

Also: the engine killed with SIGKILL in the middle of a run leaves the window
open with one clear message, the project intact, and the next Train works.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
from photos import make_photo
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog

from petcognizer.core.config import recommend_config
from petcognizer.core.project import Project
from petcognizer.gui.engine import engine_pid
from petcognizer.gui.main_window import MainWindow

#: Set in the child pytest process that runs the flow (see the first test).
FLOW_ENV = 'PETCOGNIZER_GUI_FLOW_CHILD'
#: Where the flow renders the Train page at its end.
TRAIN_PNG = Path(os.environ.get('PETCOGNIZER_FLOW_PNG', '/tmp/gui_flow_train.png'))
CAT, DOG = (200, 120, 60), (70, 70, 80)


def send_drop(widget, paths, pos: QPoint) -> bool:
    """Drag files from the file manager onto ``widget`` at ``pos``; True if the drop was accepted."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    with warnings.catch_warnings():  # PySide6 marks the QPoint constructors deprecated
        warnings.simplefilter('ignore', DeprecationWarning)
        QApplication.sendEvent(widget, QDragEnterEvent(pos, actions, mime, buttons, mods))
        QApplication.sendEvent(widget, QDragMoveEvent(pos, actions, mime, buttons, mods, QEvent.Type.DragMove))
    drop = QDropEvent(QPointF(pos), actions, mime, buttons, mods)
    QApplication.sendEvent(widget, drop)
    return drop.isAccepted()


def drop_on_bin(qtbot, window: MainWindow, paths, name: str) -> None:
    bins = window.data_page.bins
    pos = bins.visualItemRect(bins.item(bins.row_of(name))).center()
    with qtbot.waitSignal(window.data_page.add_finished, timeout=20000):
        assert send_drop(bins.viewport(), paths, pos)
    qtbot.waitUntil(lambda: not window.data_page.is_busy(), timeout=10000)


def summary(window: MainWindow) -> str:
    return window.train_page.summary_label.text()


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.setattr(MainWindow, '_save_settings', lambda self: None)
    w = MainWindow()
    w.interactive = False
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    yield w
    assert w.shutdown(20000)


def test_first_user_flow_never_imports_torch_in_the_window(tmp_path):
    """Run the flow in a fresh pytest process: nothing else there has imported torch."""
    if os.environ.get(FLOW_ENV):
        pytest.skip('this is the child process')
    env = dict(os.environ, **{FLOW_ENV: '1', 'QT_QPA_PLATFORM': 'offscreen'})
    out = subprocess.run(
        [sys.executable, '-m', 'pytest', '-q', '-x', '-p', 'no:cacheprovider', '--basetemp', str(tmp_path / 'child'),
         f'{__file__}::test_first_user_flow'],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert out.returncode == 0, out.stdout[-6000:] + out.stderr[-3000:]
    assert '1 passed' in out.stdout


@pytest.mark.slow
def test_first_user_flow(qtbot, window, tmp_path, monkeypatch, real_engine):
    if not os.environ.get(FLOW_ENV):
        pytest.skip('runs in its own process: test_first_user_flow_never_imports_torch_in_the_window')
    torch_before = 'torch' in sys.modules
    assert not torch_before, 'something imported torch before the flow started'

    # File ▸ New project
    target = tmp_path / 'My pets'
    monkeypatch.setattr(QFileDialog, 'getSaveFileName', lambda *a, **k: (str(target), ''))
    qtbot.mouseClick(window.start_page.new_button, Qt.MouseButton.LeftButton)
    assert window.project is not None and window.tabs.currentWidget() is window.data_page

    # + Add class, twice
    for name in ('cat', 'dog'):
        monkeypatch.setattr(QInputDialog, 'getText', lambda *a, n=name, **k: (n, True))
        qtbot.mouseClick(window.data_page.add_class_button, Qt.MouseButton.LeftButton)
    assert window.project.classes == ['cat', 'dog']

    # three photos dropped on each class
    cats = [make_photo(tmp_path / 'photos' / f'cat{i}.png', CAT, noise_seed=i) for i in range(3)]
    dogs = [make_photo(tmp_path / 'photos' / f'dog{i}.png', DOG, noise_seed=10 + i) for i in range(3)]
    drop_on_bin(qtbot, window, cats, 'cat')
    drop_on_bin(qtbot, window, dogs, 'dog')

    # the Train page follows at once: count, recommended settings, Train enabled
    window.tabs.setCurrentWidget(window.train_page)
    page = window.train_page
    assert '6 photos in 2 classes' in summary(window)
    rec = recommend_config(6, 2, page.settings_panel.backbone_name())
    form = page.config_dict()
    for key in ('epochs', 'batch_size', 'ensemble', 'val_fraction', 'use_prior'):
        assert form[key] == getattr(rec, key), key
    assert form['ensemble'] and form['epochs'] == 200  # not the stale 60 epochs / batch 32
    assert page.start_button.isEnabled()

    # Train, in the engine process, with the recommended settings (an ensemble of 3 backbones)
    t0 = time.monotonic()
    with qtbot.waitSignal(page.run_finished, timeout=300000) as blocker:
        qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=20000)
    seconds = time.monotonic() - t0
    record = blocker.args[0]
    assert not record.cancelled and record.model_path, page.error_banner.text()
    assert [r.id for r in window.project.runs] == [record.id]
    assert page.runs_table.rowCount() == 1
    print(f'recommended run (ensemble of 3, 6 photos) took {seconds:.1f} s from the click')

    # Predict lists the run
    window.tabs.setCurrentWidget(window.predict_page)
    predict = window.predict_page
    model = window.project.root / record.model_path
    assert predict.model_path() == model and predict.model_combo.count() == 1
    new_cat = make_photo(tmp_path / 'new' / 'another cat.png', CAT, noise_seed=99)
    with qtbot.waitSignal(predict.predictions_finished, timeout=120000):
        assert predict.predict([new_cat])
    qtbot.waitUntil(lambda: not predict.is_busy(), timeout=20000)
    row = predict.rows()[0]
    assert not row.prediction.error and set(row.add_buttons) == {'cat', 'dog'}

    # "Add to class" on the predicted photo: the Train page counts it
    with qtbot.waitSignal(window.data_page.add_finished, timeout=20000):
        qtbot.mouseClick(row.add_buttons['cat'], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.data_page.is_busy(), timeout=10000)
    assert '7 photos in 2 classes' in summary(window)
    assert len(window.project.images('cat')) == 4

    # Edit ▸ Undo: back to 6
    window.undo_action.trigger()
    assert '6 photos in 2 classes' in summary(window)
    assert len(window.project.images('cat')) == 3

    window.tabs.setCurrentWidget(window.train_page)
    qtbot.wait(50)
    assert page.grab().save(str(TRAIN_PNG))
    assert 'torch' not in sys.modules, 'the window process imported torch'


@pytest.mark.slow
def test_window_survives_the_engine_killed_mid_run(qtbot, window, tmp_path, real_engine, make_solid_photo):
    project = Project.create(tmp_path / 'proj', classes=['red', 'blue'])
    for name, colour in (('red', (220, 40, 40)), ('blue', (40, 60, 220))):
        project.add_files([make_solid_photo(tmp_path / 'src' / f'{name}{i}.png', colour, seed=i)
                           for i in range(4)], name)
    labels = {c: sorted(p.name for p in project.images(c)) for c in project.classes}
    assert window.open_project(project.root)
    window.tabs.setCurrentWidget(window.train_page)
    page = window.train_page
    page.set_config({'backbone': 'tiny_test', 'epochs': 100000, 'batch_size': 2, 'use_prior': False,
                     'val_fraction': 0.0, 'patience': 0, 'ensemble': False})
    page.start_button.click()
    qtbot.waitUntil(lambda: page.plots.n_batches > 3, timeout=120000)
    pid = engine_pid()
    assert pid is not None and pid != os.getpid()
    os.kill(pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=30000)

    # one clear line; the window is still there and usable
    assert page.error_banner.isVisible()
    text = page.error_banner.text()
    assert 'engine' in text.lower() and text.count('\n') == 0, text
    assert window.isVisible() and page.start_button.isEnabled()
    assert window.project is not None and window.project.runs == []

    # the project on disk still has every label
    reopened = Project.open(project.root)
    assert {c: sorted(p.name for p in reopened.images(c)) for c in reopened.classes} == labels

    # the next Train starts a new engine and works
    page.set_config({'epochs': 2})
    with qtbot.waitSignal(page.run_finished, timeout=120000) as blocker:
        page.start_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=20000)
    assert blocker.args[0].model_path and not blocker.args[0].cancelled
    assert engine_pid() not in (None, pid)
    assert page.error_banner.isHidden()
