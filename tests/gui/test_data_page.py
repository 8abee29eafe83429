"""The Data page, driven like a user: drops, drags, keys, undo."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtWidgets import QApplication, QMessageBox

from petcognizer.core.project import Project
from petcognizer.gui.data_page import DataPage, balance_hint
from petcognizer.gui.thumbnails import encode_paths_mime

# PySide6 marks the QPoint constructors of drag events deprecated; Qt 6 has no other.
pytestmark = pytest.mark.filterwarnings('ignore:Function.*QDrag.*Event:DeprecationWarning')


from photos import make_photo


def url_mime(paths) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def send_drop(widget, mime: QMimeData, pos: QPoint | None = None) -> bool:
    """Drag enter, move and drop ``mime`` at ``pos`` on ``widget``; True if accepted."""
    from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent

    pos = pos if pos is not None else widget.rect().center()
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(widget, QDragEnterEvent(pos, actions, mime, buttons, mods))
    QApplication.sendEvent(widget, QDragMoveEvent(pos, actions, mime, buttons, mods, QEvent.Type.DragMove))
    drop = QDropEvent(QPointF(pos), actions, mime, buttons, mods)
    QApplication.sendEvent(widget, drop)
    return drop.isAccepted()


def card(page: DataPage, name: str | None):
    """The class card of ``name`` (None: Unlabelled)."""
    return page.bins.card(name)


def bad_files(folder: Path) -> tuple[Path, Path]:
    text = folder / 'notes.jpg'
    text.write_text('this is not a photo')
    truncated = folder / 'cut.jpg'
    make_photo(folder / 'whole.jpg', size=(200, 150), fmt='JPEG')
    data = (folder / 'whole.jpg').read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    (folder / 'whole.jpg').unlink()
    return text, truncated


@pytest.fixture
def project(tmp_path) -> Project:
    return Project.create(tmp_path / 'proj', classes=['cat', 'dog'])


@pytest.fixture
def page(qtbot, project):
    page = DataPage()
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.set_project(project)
    page.show()
    qtbot.waitExposed(page)
    yield page
    assert page.shutdown(5000)


def add_photos(qtbot, page: DataPage, paths, target):
    with qtbot.waitSignal(page.add_finished, timeout=10000) as blocker:
        page.add_paths(paths, target)
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=5000)
    return blocker.args[0]


def test_empty_state_says_what_to_do(page):
    assert page.current_bin() == 'cat'
    assert page.stack.currentWidget() is page.empty_state
    assert 'Drop photos' in page.empty_state.text.text()
    assert 'Add photos' in page.empty_state.text.text()
    assert page.empty_state.add_photos_button.isVisible()
    # one hint, drawn from the data, naming every class that needs photos
    assert "'cat' and 'dog' each need at least one photo" in page.hint_label.text()


def test_drop_good_and_bad_files_on_empty_state_then_grid(qtbot, page, project, tmp_path):
    src = tmp_path / 'src'
    good = [make_photo(src / f'cat{i}.png', noise_seed=i) for i in range(3)]
    text, truncated = bad_files(src)
    mime = url_mime([*good, text, truncated])
    with qtbot.waitSignal(page.add_finished, timeout=10000) as blocker:
        assert send_drop(page.empty_state, mime)
    report = blocker.args[0]
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=5000)
    assert len(report.added) == 3
    assert len(project.images('cat')) == 3
    assert page.model.rowCount() == 3
    assert page.stack.currentWidget() is page.grid
    assert page.report_panel.isVisible()
    rows = dict(page.report_panel.rows())
    assert set(rows) == {'notes.jpg', 'cut.jpg'}
    assert 'truncated' in rows['cut.jpg'].lower()
    assert 'count' not in page.count_label.text() and '3 photos' in page.count_label.text()

    # more photos dropped on the grid itself go to the selected bin too
    more = make_photo(src / 'cat_more.png', noise_seed=50)
    with qtbot.waitSignal(page.add_finished, timeout=10000):
        assert send_drop(page.grid.viewport(), url_mime([more]))
    qtbot.waitUntil(lambda: len(project.images('cat')) == 4, timeout=5000)
    assert not page.report_panel.isVisible()  # nothing went wrong this time

    # the add is undoable
    page.undo_stack.undo()
    assert len(project.images('cat')) == 3
    page.undo_stack.redo()
    assert len(project.images('cat')) == 4


def test_drop_folder_on_a_bin(qtbot, page, project, tmp_path):
    folder = tmp_path / 'dogs'
    for i in range(4):
        make_photo(folder / 'sub' / f'd{i}.png', colour=(10, 10, 200), noise_seed=i)
    with qtbot.waitSignal(page.add_finished, timeout=10000):
        assert send_drop(card(page, 'dog'), url_mime([folder]))
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=5000)
    assert len(project.images('dog')) == 4
    assert page.current_bin() == 'dog'
    counts = {c.name_label.text(): c.count for c in page.bins.cards()}
    assert counts == {'Unlabelled': 0, 'cat': 0, 'dog': 4}
    assert card(page, 'dog').count_label.text() == '4 photos'
    assert card(page, 'dog').selected and not card(page, 'cat').selected


def test_relabel_by_dragging_photos_onto_a_bin(qtbot, page, project, tmp_path):
    src = [make_photo(tmp_path / 'in' / f'p{i}.png', noise_seed=i) for i in range(3)]
    add_photos(qtbot, page, src, 'cat')
    cats = project.images('cat')
    assert send_drop(card(page, 'dog'), encode_paths_mime(cats[:2]))
    assert page.bins.drop_row == -1  # the drop-target highlight is gone
    assert len(project.images('dog')) == 2 and len(project.images('cat')) == 1
    assert page.model.rowCount() == 1  # the cat bin is still shown
    page.undo_stack.undo()
    assert len(project.images('cat')) == 3 and not project.images('dog')
    page.undo_stack.redo()
    assert len(project.images('dog')) == 2
    # dropping onto the grid of the same bin does nothing
    assert not send_drop(page.grid.viewport(), encode_paths_mime(project.images('cat')))


def test_number_keys_label_the_selection(qtbot, page, project, tmp_path):
    src = [make_photo(tmp_path / 'in' / f'p{i}.png', noise_seed=i) for i in range(4)]
    add_photos(qtbot, page, src, None)
    page.select_bin(None)
    assert page.model.rowCount() == 4
    page.grid.setFocus()
    page.select_paths(page.model.paths()[:2])
    qtbot.keyClick(page.grid, Qt.Key.Key_2)
    assert len(project.images('dog')) == 2
    assert project.n_unlabelled == 2
    # the next photo is selected, ready for the next key
    assert len(page.selected_paths()) == 1
    qtbot.keyClick(page.grid, Qt.Key.Key_1)
    assert len(project.images('cat')) == 1
    # 9: no such class -> nothing moves, a visible message says why
    with qtbot.waitSignal(page.status_changed) as blocker:
        qtbot.keyClick(page.grid, Qt.Key.Key_9)
    assert 'no class 9' in blocker.args[0]
    assert page.message_bar.isVisible() and 'no class 9' in page.message_bar.text()
    assert project.n_unlabelled == 1
    # 0 moves back to Unlabelled
    page.select_bin('dog')
    page.select_paths(page.model.paths())
    qtbot.keyClick(page.grid, Qt.Key.Key_0)
    assert project.n_unlabelled == 3 and not project.images('dog')


def test_delete_undo_redo(qtbot, page, project, tmp_path):
    src = [make_photo(tmp_path / 'in' / f'p{i}.png', noise_seed=i) for i in range(3)]
    add_photos(qtbot, page, src, 'cat')
    page.select_paths(page.model.paths()[:2])
    qtbot.keyClick(page.grid, Qt.Key.Key_Delete)
    assert len(project.images('cat')) == 1
    assert page.undo_stack.undoText() == 'Delete 2 photos'
    page.undo_stack.undo()
    assert len(project.images('cat')) == 3
    assert page.model.rowCount() == 3
    page.undo_stack.redo()
    assert len(project.images('cat')) == 1


def test_add_rename_delete_class_with_undo(qtbot, page, project, tmp_path, monkeypatch):
    assert page.add_class('bird') == 'bird'
    assert project.classes == ['cat', 'dog', 'bird']
    assert page.current_bin() == 'bird'
    assert page.bins.count() == 4
    page.undo_stack.undo()
    assert project.classes == ['cat', 'dog']
    page.undo_stack.redo()
    assert project.classes == ['cat', 'dog', 'bird']

    page.select_bin('bird')
    assert page.rename_class('bird', 'parrot')
    assert project.classes == ['cat', 'dog', 'parrot']
    assert page.title_label.text() == 'parrot'
    page.undo_stack.undo()
    assert project.classes == ['cat', 'dog', 'bird']

    # an invalid name is refused with a readable message, nothing pushed
    depth = page.undo_stack.count()
    assert not page.rename_class('bird', 'Cat')
    assert page.message_bar.isVisible() and 'cat' in page.message_bar.label.text().lower()
    assert page.undo_stack.count() == depth

    add_photos(qtbot, page, [make_photo(tmp_path / 'd.png')], 'dog')
    asked = []

    def no(*args, **kwargs):
        asked.append(args[2])
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, 'question', no)
    assert not page.delete_class('dog')
    assert 'dog' in project.classes and '1 photo' in asked[0]
    monkeypatch.setattr(QMessageBox, 'question', lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert page.delete_class('dog')
    assert project.classes == ['cat', 'bird']
    page.undo_stack.undo()
    assert project.classes == ['cat', 'dog', 'bird']
    assert len(project.images('dog')) == 1


def test_thumbnails_arrive_and_are_cached(qtbot, page, project, tmp_path):
    src = [make_photo(tmp_path / 'in' / f'p{i}.jpg', size=(300, 200), noise_seed=i) for i in range(3)]
    add_photos(qtbot, page, src, 'cat')
    paths = page.model.paths()
    page.grid.viewport().update()
    qtbot.waitUntil(lambda: all(page.model.has_thumbnail(p) for p in paths), timeout=10000)
    pix = page.model.data(page.model.index(0), Qt.ItemDataRole.DecorationRole)
    assert pix.width() == 128
    assert len(list((Path(project.cache_dir) / 'thumbs').rglob('*.jpg'))) == 3


def test_edits_wait_for_a_running_add(qtbot, page, project, tmp_path):
    src = [make_photo(tmp_path / 'in' / f'p{i}.png', noise_seed=i) for i in range(3)]
    add_photos(qtbot, page, src, 'cat')
    with qtbot.waitSignal(page.add_finished, timeout=10000):
        page.add_paths([make_photo(tmp_path / 'x.png', noise_seed=99)], 'dog')
        assert page.is_busy()
        assert not page.move_paths(project.images('cat')[:1], 'dog')  # refused while busy
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=5000)
    assert page.move_paths(project.images('cat')[:1], 'dog')


@pytest.mark.parametrize(
    ('counts', 'unlabelled', 'expected'),
    [
        ({}, 0, 'Add a class'),
        ({'cat': 30}, 0, 'second class'),
        ({'cat': 30, 'dog': 4}, 0, "more photos, in different places and light, of 'dog' (4)"),
        ({'cat': 30, 'dog': 2, 'fox': 1}, 0, "'fox' (1) and 'dog' (2)"),
        ({'cat': 40, 'dog': 10}, 0, "of 'dog' (10)"),
        ({'cat': 12, 'dog': 10}, 1, '1 unlabelled photo is not used'),
    ],
)
def test_balance_hint(counts, unlabelled, expected):
    assert expected in balance_hint(counts, unlabelled)


def test_find_similar_shows_results_in_a_dialog(qtbot, page, project, tmp_path, engine_jobs):
    src = [make_photo(tmp_path / 'in' / f'p{i}.png', noise_seed=i) for i in range(3)]
    add_photos(qtbot, page, src, 'cat')
    cats = project.images('cat')
    calls = []

    def fake(callback, cancel, *, root, query_path, paths, k):
        calls.append((query_path, sorted(paths), k))
        return [[str(cats[1]), 0.93], [str(cats[2]), 0.5]]

    engine_jobs['similar'] = fake
    dialog = page.find_similar(cats[0])
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=5000)
    qtbot.waitUntil(lambda: not page.is_searching(), timeout=5000)
    assert calls == [(str(cats[0]), sorted(str(p) for p in cats), 12)]
    assert dialog.model.data(dialog.model.index(0)) == 'cat · 93%'
    dialog.close()


# ---------------------------------------------------------------- ImageNet matches


def test_bins_show_the_imagenet_match_of_each_class(page, project):
    page.add_class('tumor')
    matches = {c.name: c.match_label.text() or None for c in page.bins.cards()}
    assert matches == {None: None, 'cat': '→ domestic cat', 'dog': '→ dog', 'tumor': 'no match'}
    assert 'domestic cat' in card(page, 'cat').toolTip()
    assert card(page, 'cat').match_label.isVisible()


def test_match_dialog_sets_clears_and_resets_the_override(qtbot, page, project):
    from petcognizer.gui.class_match_dialog import ClassMatchDialog

    def shown(name):
        return card(page, name).match_label.text()

    dialog = page.edit_class_match('cat')
    assert isinstance(dialog, ClassMatchDialog)
    assert "knows about 'cat'" in dialog.findChildren(type(dialog.current_label))[0].text()
    assert 'domestic cat' in dialog.current_label.text() and 'automatic' in dialog.current_label.text()
    assert not dialog.automatic_button.isEnabled()  # nothing to reset yet
    dialog.search_edit.setText('tiger cat')
    dialog.search()
    names = [dialog.results.item(i).text() for i in range(dialog.results.count())]
    assert names and names[0].startswith('tiger cat') and 'ImageNet output' in names[0]
    dialog.results.setCurrentRow(0)
    wnid = dialog.selected_wnid()
    dialog.use_button.click()
    assert project.class_matches == {'cat': [wnid]}
    assert Project.open(project.root).class_matches == {'cat': [wnid]}  # saved
    assert shown('cat') == '→ tiger cat'

    page.undo_stack.undo()
    assert project.class_matches == {}
    assert shown('cat') == '→ domestic cat'
    page.undo_stack.redo()
    assert project.class_matches == {'cat': [wnid]}

    dialog = page.edit_class_match('cat')
    assert 'your choice' in dialog.current_label.text()
    dialog.clear_button.click()
    assert project.class_matches == {'cat': []}
    assert Project.open(project.root).class_matches == {'cat': []}
    assert shown('cat') == 'no match'

    dialog = page.edit_class_match('cat')
    assert dialog.automatic_button.isEnabled()
    dialog.automatic_button.click()
    assert project.class_matches == {}
    assert Project.open(project.root).class_matches == {}
    assert shown('cat') == '→ domestic cat'


def test_match_dialog_search_finds_nothing_politely(qtbot, page):
    dialog = page.edit_class_match('dog')
    dialog.search_edit.setText('qwxzzy')
    dialog.search()
    assert dialog.results.count() == 0
    assert 'Nothing in ImageNet' in dialog.status_label.text()
    assert not dialog.use_button.isEnabled()
    dialog.reject()


def test_changes_made_on_another_thread_redraw_the_page(qtbot, page, project, tmp_path):
    """The page follows the project's events: a change made off the GUI thread arrives queued."""
    src = [make_photo(tmp_path / 'in' / f'p{i}.png', noise_seed=i) for i in range(2)]
    page.select_bin('cat')
    done = threading.Event()
    threading.Thread(target=lambda: (project.add_files(src, 'cat'), done.set())).start()
    assert done.wait(10)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=5000)
    assert card(page, 'cat').count == 2
    assert page.count_label.text() == '2 photos'


def test_a_project_method_alone_redraws_the_page(page, project, tmp_path):
    """No hand-pushed refresh: a Project call (as an undo command makes) is enough."""
    project.add_class('bird')
    assert page.bins.row_of('bird') >= 0
    project.rename_class('bird', 'parrot')
    assert page.bins.row_of('parrot') >= 0 and page.bins.row_of('bird') < 0
