"""The main flow as a first-time user clicks it, with the real engine process.

Launch; New project, a name typed in the window; "+ Add class" twice (cat, dog,
typed in the card); three photos dropped on each card; the Train tab, Train
(the simple page's default); the Predict tab, a photo dropped on it: a
prediction is shown. No file or input dialog, no other click. Then "Add to
class" on the predicted photo counts on the Train page; undo. The window process never
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
from layoutcheck import shown_main_window
from photos import make_photo
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog

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


def drop_on_card(qtbot, window: MainWindow, paths, name: str) -> None:
    """Drop files from the file manager on a class card of the Data page."""
    card = window.data_page.bins.card(name)
    with qtbot.waitSignal(window.data_page.add_finished, timeout=20000):
        assert send_drop(card, paths, card.rect().center())
    qtbot.waitUntil(lambda: not window.data_page.is_busy(), timeout=10000)


def click_tab(qtbot, window: MainWindow, page) -> None:
    """Click a page's tab (Data, Train, Predict) as a user does."""
    bar = window.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(window.tabs.indexOf(page)).center())
    assert window.tabs.currentWidget() is page


def summary(window: MainWindow) -> str:
    return window.train_page.summary_label.text()


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.setattr(MainWindow, '_save_settings', lambda self: None)
    w = shown_main_window(qtbot, (1280, 800))
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
    """Launch, New project, type a name, add two classes, drop photos on their cards, Train,
    drop a photo on Predict: a prediction is shown. Only those clicks (and typing); never a file dialog."""
    if not os.environ.get(FLOW_ENV):
        pytest.skip('runs in its own process: test_first_user_flow_never_imports_torch_in_the_window')
    torch_before = 'torch' in sys.modules
    assert not torch_before, 'something imported torch before the flow started'

    def no_dialog(*_a, **_k):
        raise AssertionError('the first-user flow must not need a file or input dialog')

    for name in ('getSaveFileName', 'getExistingDirectory', 'getOpenFileNames', 'getOpenFileName'):
        monkeypatch.setattr(QFileDialog, name, no_dialog)
    monkeypatch.setattr(QInputDialog, 'getText', no_dialog)
    window.settings.projects_dir = str(tmp_path / 'projects')  # the default location, here in the test folder

    # New project: a name typed in the window, Enter
    qtbot.mouseClick(window.start_page.new_button, Qt.MouseButton.LeftButton)
    dialog = window.new_project_dialog
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.name_edit, 'Our pets')
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.project is not None, timeout=5000)
    assert window.project.root == tmp_path / 'projects' / 'Our pets'
    assert window.tabs.currentWidget() is window.data_page

    # "+ Add class", a name, Enter; twice
    for name in ('cat', 'dog'):
        qtbot.mouseClick(window.data_page.add_class_button, Qt.MouseButton.LeftButton)
        edit = window.data_page.bins.add_card.edit
        qtbot.keyClicks(edit, name)
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert window.project.classes == ['cat', 'dog']

    # three photos dropped on each card
    cats = [make_photo(tmp_path / 'photos' / f'cat{i}.png', CAT, noise_seed=i) for i in range(3)]
    dogs = [make_photo(tmp_path / 'photos' / f'dog{i}.png', DOG, noise_seed=10 + i) for i in range(3)]
    drop_on_card(qtbot, window, cats, 'cat')
    drop_on_card(qtbot, window, dogs, 'dog')
    assert window.data_page.bins.card('cat').count == 3 and window.data_page.bins.card('dog').count == 3
    assert 'Ready to train' in window.data_page.hint_label.text()

    # Train: its tab, then the Train button, with what the simple page offers by default
    click_tab(qtbot, window, window.train_page)
    page = window.train_page
    assert 'from 6 photos' in summary(window), summary(window)
    assert page.start_button.isEnabled()
    t0 = time.monotonic()
    with qtbot.waitSignal(page.run_finished, timeout=300000) as blocker:
        qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=20000)
    seconds = time.monotonic() - t0
    record = blocker.args[0]
    assert not record.cancelled and record.model_path, page.error_banner.text()
    assert [r.id for r in window.project.runs] == [record.id]
    print(f'default run ({record.config.get("ensemble") and "ensemble" or "one network"}, 6 photos) '
          f'took {seconds:.1f} s from the click')

    # Predict: its tab, then a photo dropped on it
    click_tab(qtbot, window, window.predict_page)
    predict = window.predict_page
    model = window.project.root / record.model_path
    assert predict.model_path() == model
    new_cat = make_photo(tmp_path / 'new' / 'another cat.png', CAT, noise_seed=99)
    with qtbot.waitSignal(predict.predictions_finished, timeout=120000):
        assert send_drop(predict, [new_cat], predict.rect().center())
    qtbot.waitUntil(lambda: not predict.is_busy(), timeout=20000)
    results = predict.results()
    assert len(results) == 1 and not results[0].error
    assert results[0].label in ('cat', 'dog')
    row = predict.rows()[0]
    assert row.isVisible() and set(row.add_buttons) == {'cat', 'dog'}

    # "Add to class" on the predicted photo: the Train page counts it; Edit > Undo takes it back
    with qtbot.waitSignal(window.data_page.add_finished, timeout=20000):
        qtbot.mouseClick(row.add_buttons['cat'], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.data_page.is_busy(), timeout=10000)
    assert len(window.project.images('cat')) == 4
    assert 'from 7 photos' in summary(window)
    window.undo_action.trigger()
    assert len(window.project.images('cat')) == 3
    assert 'from 6 photos' in summary(window)

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
