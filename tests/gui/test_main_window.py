"""The main window: projects, recent list, drops, undo, closing, screenshots."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from petcognizer.core.config import TrainConfig
from petcognizer.core.events import Cancelled
from petcognizer.core.project import Project
from petcognizer.core.service import train_project
from petcognizer.core.settings import load_settings
from petcognizer.gui.main_window import MainWindow
from petcognizer.gui.train_page import TrainPage

# PySide6 marks the QPoint constructors of drag events deprecated; Qt 6 has no other.
pytestmark = pytest.mark.filterwarnings('ignore:Function.*QDrag.*Event:DeprecationWarning')


from photos import make_photo


@pytest.fixture
def errors(monkeypatch):
    """Message boxes never block a test; warnings are recorded."""
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, 'warning', lambda *a, **k: shown.append(a[2]))
    return shown


@pytest.fixture
def window(qtbot, errors):
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    yield win
    win.shutdown(5000)


def _no_save_dialog(*_a, **_k):
    raise AssertionError('New project must not open a save-file dialog')


def test_new_project_from_start_page_is_remembered(qtbot, window, tmp_path, monkeypatch):
    """New project asks for a name in the window and makes the folder in the default location."""
    monkeypatch.setattr(QFileDialog, 'getSaveFileName', _no_save_dialog)
    window.settings.projects_dir = str(tmp_path / 'projects')
    target = tmp_path / 'projects' / 'My pets'
    assert window.pages.currentWidget() is window.start_page
    qtbot.mouseClick(window.start_page.new_button, Qt.MouseButton.LeftButton)
    dialog = window.new_project_dialog
    assert dialog is not None and dialog.isVisible() and dialog.focusWidget() is dialog.name_edit
    assert 'My pets' in dialog.where_label.text() and dialog.change_button.isVisible()
    with qtbot.waitSignal(window.project_opened):
        qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)  # the suggested name
    assert Project.is_project(target)
    assert window.windowTitle().startswith('My pets')
    assert window.pages.currentWidget() is window.tabs
    assert window.tabs.currentWidget() is window.data_page
    assert [Path(p) for p in load_settings().recent_projects] == [target]
    assert load_settings().last_project == str(target)

    # a new window lists it on its start page
    window.close_project()
    assert window.pages.currentWidget() is window.start_page
    assert load_settings().last_project is None  # closed by hand: not reopened
    other = MainWindow()
    qtbot.addWidget(other)
    assert other.start_page.recent_paths() == [target]
    other.shutdown()


def test_new_project_never_reuses_an_existing_folder(qtbot, window, tmp_path, monkeypatch):
    monkeypatch.setattr(QFileDialog, 'getSaveFileName', _no_save_dialog)
    window.settings.projects_dir = str(tmp_path)
    (tmp_path / 'Dogs').mkdir()
    (tmp_path / 'Dogs' / 'mine.txt').write_text('the user\'s own file')
    dialog = window.new_project()
    dialog.name_edit.clear()
    qtbot.keyClicks(dialog.name_edit, 'Dogs')
    assert dialog.target() == tmp_path / 'Dogs 2'
    assert "'Dogs 2'" in dialog.note_label.text() and dialog.note_label.isVisible()
    # another location, chosen with Change…
    other = tmp_path / 'elsewhere'
    other.mkdir()
    monkeypatch.setattr(QFileDialog, 'getExistingDirectory', lambda *a, **k: str(other))
    qtbot.mouseClick(dialog.change_button, Qt.MouseButton.LeftButton)
    assert dialog.target() == other / 'Dogs' and dialog.note_label.isHidden()
    dialog.name_edit.setText('  / ')
    assert not dialog.create_button.isEnabled()
    dialog.name_edit.setText('Dogs')
    with qtbot.waitSignal(window.project_opened):
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert window.project.root == other / 'Dogs'
    assert (tmp_path / 'Dogs' / 'mine.txt').read_text() == "the user's own file"
    assert window.settings.projects_dir == str(other)  # remembered for the next project


def test_the_last_project_reopens_on_start(qtbot, window, tmp_path):
    project = Project.create(tmp_path / 'pets', classes=['cat'])
    assert window.open_project(project.root)
    window._save_settings()
    nxt = MainWindow()
    qtbot.addWidget(nxt)
    assert nxt.reopen_last()
    assert nxt.project is not None and Path(nxt.project.root) == project.root
    nxt.shutdown()
    # the folder is gone: the start page says so
    import shutil

    window.set_project(None)
    shutil.move(project.root, tmp_path / 'moved')
    third = MainWindow()
    qtbot.addWidget(third)
    assert not third.reopen_last()
    assert third.pages.currentWidget() is third.start_page
    msg = third.start_page.message
    third.show()
    assert msg.isVisible() and "'pets'" in msg.text() and 'not at' in msg.text()
    assert load_settings().last_project is None
    third.shutdown()


def test_help_lists_the_keyboard_shortcuts(qtbot, window):
    dialog = window.show_shortcuts()
    rows = dict(dialog.rows())
    assert dialog.isVisible()
    for keys in ('Ctrl+N', 'Ctrl+V', 'Ctrl+L', 'Ctrl+T', 'Ctrl+1', '1 – 9', '0', 'F2 / Del'):
        assert any(keys in k for k in rows), (keys, list(rows))
    assert any('Label as' in what for what in rows.values())
    dialog.close()


def test_open_errors_are_readable_and_missing_recent_removable(qtbot, window, tmp_path, errors):
    assert not window.open_project(tmp_path)  # an empty folder is no project
    assert errors and str(tmp_path) in errors[0]
    assert window.project is None

    gone = Project.create(tmp_path / 'gone').root
    window.open_project(gone)
    window.close_project()
    import shutil

    shutil.rmtree(gone)
    window._refresh_recent()
    assert window.start_page.is_missing(0)
    window.start_page.recent_project_removed.emit(Path(gone))
    assert window.start_page.recent_paths() == []
    assert load_settings().recent_projects == []


def test_drop_on_window_goes_to_unlabelled(qtbot, window, tmp_path):
    project = Project.create(tmp_path / 'proj', classes=['cat'])
    assert window.open_project(project.root)
    photos = [make_photo(tmp_path / 'in' / f'p{i}.png', noise_seed=i) for i in range(2)]
    bad = tmp_path / 'in' / 'readme.txt'
    bad.write_text('hello')
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in [*photos, bad]])
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    # Qt delivers a drop to the widget that accepted the drag-enter: send both.
    enter = QDragEnterEvent(QPoint(5, 5), *args)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(5, 5), *args)
    with qtbot.waitSignal(window.data_page.add_finished, timeout=10000):
        QApplication.sendEvent(window, drop)
    assert drop.isAccepted()
    qtbot.waitUntil(lambda: not window.data_page.is_busy(), timeout=5000)
    assert window.project.n_unlabelled == 2
    assert [r[0] for r in window.data_page.report_panel.rows()] == ['readme.txt']
    # undo through the Edit menu action
    assert window.undo_action.isEnabled()
    window.undo_action.trigger()
    assert window.project.n_unlabelled == 0
    window.redo_action.trigger()
    assert window.project.n_unlabelled == 2


def test_label_requested_adds_to_class_undoably(qtbot, window, tmp_path):
    project = Project.create(tmp_path / 'proj', classes=['cat', 'dog'])
    window.open_project(project.root)
    photos = [make_photo(tmp_path / 'new' / f'n{i}.png', noise_seed=i) for i in range(2)]
    with qtbot.waitSignal(window.data_page.add_finished, timeout=10000):
        window._on_label_requested(photos, 'dog')
    qtbot.waitUntil(lambda: not window.data_page.is_busy(), timeout=5000)
    assert len(window.project.images('dog')) == 2
    assert window.data_page.bins.card('dog').count == 2
    window.undo()
    assert window.project.images('dog') == []
    with qtbot.waitSignal(window.data_page.add_finished, timeout=10000):
        window.predict_page.label_requested.emit(photos[:1], 'cat')
    qtbot.waitUntil(lambda: not window.data_page.is_busy(), timeout=5000)
    assert len(window.project.images('cat')) == 1


def test_import_folder_runs_off_the_gui_thread(qtbot, window, photo_tree, tmp_path):
    (photo_tree / 'red' / 'broken.jpg').write_text('nope')
    dest = tmp_path / 'imported'
    with qtbot.waitSignal(window.project_opened, timeout=20000):
        window.import_folder(photo_tree, dest)
        assert window.is_importing()
    qtbot.waitUntil(lambda: not window.is_importing(), timeout=5000)
    assert sorted(window.project.classes) == ['blue', 'green', 'red']
    assert sum(window.project.counts().values()) == 18
    assert [r[0] for r in window.data_page.report_panel.rows()] == ['broken.jpg']


def test_close_asks_while_training_and_saves_geometry(qtbot, window, tmp_path, monkeypatch):
    project = Project.create(tmp_path / 'proj', classes=['cat'])
    window.open_project(project.root)
    busy = [True]
    monkeypatch.setattr(window.train_page, 'is_busy', lambda: busy[0], raising=False)
    stopped = []
    original = window.train_page.shutdown if hasattr(window.train_page, 'shutdown') else None

    def shutdown(timeout_ms=10000):
        stopped.append(timeout_ms)
        busy[0] = False
        return original(timeout_ms) if original else True

    monkeypatch.setattr(window.train_page, 'shutdown', shutdown, raising=False)
    asked = []

    def answer(value):
        def question(*args, **kwargs):
            asked.append(args[2])
            return value

        return question

    monkeypatch.setattr(QMessageBox, 'question', answer(QMessageBox.StandardButton.No))
    assert not window.close()
    assert window.isVisible() and not stopped
    assert asked == ['Training is running. Stop it and close?']
    monkeypatch.setattr(QMessageBox, 'question', answer(QMessageBox.StandardButton.Yes))
    window.resize(900, 650)
    assert window.close()
    assert stopped
    assert load_settings().window_geometry


def test_screenshot_mode_writes_pngs(qtbot, tmp_path):
    from PIL import Image

    from petcognizer.gui.app import run

    project = Project.create(tmp_path / 'proj', classes=['cat', 'dog'])
    project.add_files([make_photo(tmp_path / 'in' / f'c{i}.png', noise_seed=i) for i in range(3)], 'cat')
    out = tmp_path / 'shots'
    assert run(project=str(project.root), screenshot_dir=str(out)) == 0
    files = sorted(p.name for p in out.glob('*.png'))
    assert files == ['1-start.png', '2-data.png', '3-train.png', '4-predict.png']
    with Image.open(out / '2-data.png') as img:
        assert img.size[0] >= 1280


def test_edit_delete_and_undo_redo_actions(qtbot, window, tmp_path):
    project = Project.create(tmp_path / 'proj', classes=['cat'])
    project.add_files([make_photo(tmp_path / 'in' / f'c{i}.png', noise_seed=i) for i in range(3)], 'cat')
    window.open_project(project.root)
    page = window.data_page
    assert page.current_bin() == 'cat' and page.model.rowCount() == 3
    page.grid.setFocus()
    page.select_paths(page.model.paths()[:1])
    window.delete_action.trigger()
    assert len(window.project.images('cat')) == 2
    assert window.undo_action.text() == '&Undo Delete 1 photo'
    window.undo_action.trigger()
    assert len(window.project.images('cat')) == 3
    assert window.redo_action.isEnabled()
    window.redo_action.trigger()
    assert len(window.project.images('cat')) == 2
    # closing the project forgets its history
    window.close_project()
    assert not window.undo_action.isEnabled()


def test_predict_with_a_run_opens_the_predict_tab(qtbot, window, tmp_path):
    """Train page's 'Predict with this run' selects that model on the Predict tab."""
    project = Project.create(tmp_path / 'proj', classes=['red', 'blue'])
    for name, colour in (('red', (220, 30, 30)), ('blue', (30, 30, 220))):
        project.add_files([make_photo(tmp_path / 'src' / f'{name}{i}.png', colour, noise_seed=i)
                           for i in range(3)], name)
    record = train_project(project, TrainConfig(backbone='tiny_test', epochs=3, lr=0.03,
                                                val_fraction=0.0, use_prior=False))
    window.open_project(project.root)
    model = project.root / record.model_path
    window.train_page.predict_requested.emit(model)
    assert window.tabs.currentWidget() is window.predict_page
    assert window.predict_page.model_path() == model


def test_a_run_recorded_by_another_process_is_listed(qtbot, window, tmp_path):
    """`petcognizer train PROJECT` writes project.json; the Train and Predict tabs pick the run up."""
    project = Project.create(tmp_path / 'proj', classes=['red', 'blue'])
    for name, colour in (('red', (220, 30, 30)), ('blue', (30, 30, 220))):
        project.add_files([make_photo(tmp_path / 'src' / f'{name}{i}.png', colour, noise_seed=i)
                           for i in range(3)], name)
    window.open_project(project.root)
    assert window.train_page.runs_table.rowCount() == 0
    # the CLI's process: its own Project object on the same folder
    record = train_project(Project.open(project.root),
                           TrainConfig(backbone='tiny_test', epochs=2, val_fraction=0.0, use_prior=False))
    assert window.project.runs == []  # nothing told this window yet
    window.tabs.setCurrentWidget(window.train_page)
    assert [r.id for r in window.train_page.run_records()] == [record.id]
    assert window.predict_page.model_path() == project.root / record.model_path


def test_the_data_stays_editable_while_a_run_trains(qtbot, window, tmp_path, engine_jobs):
    """A run trains on project.snapshot(): labelling goes on meanwhile, and the run keeps its input."""
    project = Project.create(tmp_path / 'proj', classes=['red', 'blue'])
    for name, colour in (('red', (220, 30, 30)), ('blue', (30, 30, 220))):
        project.add_files([make_photo(tmp_path / 'src' / f'{name}{i}.png', colour, noise_seed=i)
                           for i in range(3)], name)
    window.open_project(project.root)
    seen = []

    def train(callback, cancel, *, snapshot, config, run_dir, cache_root, run_id=None):
        seen.append(snapshot)
        while not cancel.cancelled:
            time.sleep(0.01)
        raise Cancelled()

    engine_jobs['train'] = train
    page = window.train_page
    page.start_button.click()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert page.is_busy()
    data = window.data_page
    assert data.add_class('green') == 'green'
    data.select_bin('red')
    data.select_paths(data.model.paths()[:1])
    assert data.move_paths(data.selected_paths(), 'blue')
    assert window.project.counts() == {'red': 2, 'blue': 4, 'green': 0}
    text = page.summary_label.text()  # the Train page's sentence: what the running run learns from
    assert '2 kinds' in text and 'from 6 photos' in text, text
    assert sorted(seen[0]['classes']) == ['blue', 'red'] and len(seen[0]['paths']) == 6
    page.stop_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=5000)
    assert window.project.runs == []


def test_a_deleted_page_never_breaks_the_project(qtbot, tmp_path):
    """The bridge holds no strong reference: a project outlives a closed page's ProjectModel."""
    project = Project.create(tmp_path / 'proj', classes=['a', 'b'])
    page = TrainPage()
    page.set_project(project)
    model = page.project_model
    shiboken6.delete(page)  # the C++ objects go; the Python wrappers stay
    assert not shiboken6.isValid(model)
    assert project.add_class('c') == 'c'  # the core call completes; no error from a dead bridge


def test_a_new_run_clears_the_last_runs_status_line(qtbot, window, tmp_path, engine_jobs):
    """After an engine kill, 'Training finished: ...' of the run before stood beside the error."""
    project = Project.create(tmp_path / 'proj', classes=['red', 'blue'])
    for name, colour in (('red', (220, 30, 30)), ('blue', (30, 30, 220))):
        project.add_files([make_photo(tmp_path / 'src' / f'{name}{i}.png', colour, noise_seed=i)
                           for i in range(3)], name)
    window.open_project(project.root)
    window.statusBar().showMessage('Training finished: validation accuracy 100%.', 15000)
    started = []

    def train(callback, cancel, *, snapshot, config, run_dir, cache_root, run_id=None):
        started.append(True)
        while not cancel.cancelled:
            time.sleep(0.01)
        raise Cancelled()

    engine_jobs['train'] = train
    window.train_page.start_button.click()
    qtbot.waitUntil(lambda: bool(started), timeout=5000)
    assert window.statusBar().currentMessage() == ''
    window.train_page.stop_button.click()
    qtbot.waitUntil(lambda: not window.train_page.is_busy(), timeout=5000)
