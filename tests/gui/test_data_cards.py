"""The Data page's class cards: counts, samples, drops from a browser, paste, keys, captions, layout."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QByteArray, QMimeData, Qt, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from petcognizer.core.project import Project
from petcognizer.gui.data_page import DataPage
from petcognizer.gui.thumbnails import encode_paths_mime

sys.path.insert(0, str(Path(__file__).parent))
from layoutcheck import check_layout  # noqa: E402
from photos import make_photo  # noqa: E402
from test_data_page import send_drop, url_mime  # noqa: E402

pytestmark = pytest.mark.filterwarnings('ignore:Function.*QDrag.*Event:DeprecationWarning')


def png_bytes(colour=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new('RGB', (24, 20), colour).save(buf, 'PNG')
    return buf.getvalue()


@pytest.fixture
def project(tmp_path) -> Project:
    return Project.create(tmp_path / 'proj', classes=['cat', 'dog'])


@pytest.fixture
def page(qtbot, project):
    page = DataPage()
    qtbot.addWidget(page)
    page.resize(1024, 700)
    page.set_project(project)
    page.show()
    qtbot.waitExposed(page)
    yield page
    assert page.shutdown(5000)


def wait_added(qtbot, page, action):
    with qtbot.waitSignal(page.add_finished, timeout=10000) as blocker:
        action()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=5000)
    return blocker.args[0]


def test_cards_show_every_class_its_count_need_and_samples(qtbot, page, project, tmp_path):
    photos = [make_photo(tmp_path / 'in' / f'c{i}.png', noise_seed=i) for i in range(5)]
    wait_added(qtbot, page, lambda: page.add_paths(photos, 'cat'))
    cards = page.bins.cards()
    assert [c.name for c in cards] == [None, 'cat', 'dog']
    assert all(c.isVisible() for c in cards) and page.bins.add_card.isVisible()
    cat = page.bins.card('cat')
    assert cat.count_label.text() == '5 photos' and cat.key_label.text() == '1'
    assert cat.need_label.text() == 'more photos help'
    assert page.bins.card('dog').need_label.text() == 'add a photo to start'
    # four sample thumbnails arrive on the card
    qtbot.waitUntil(lambda: all(t.pixmap() is not None and not t.pixmap().isNull() for t in cat.thumbs), timeout=10000)
    # clicking a card shows its photos
    qtbot.mouseClick(page.bins.card('dog'), Qt.MouseButton.LeftButton)
    assert page.current_bin() == 'dog' and page.bins.card('dog').selected
    qtbot.mouseClick(cat, Qt.MouseButton.LeftButton)
    assert page.current_bin() == 'cat' and page.model.rowCount() == 5
    # the same rule as core.hints, naming the class that needs photos
    assert "'dog' needs at least one photo" in page.hint_label.text()


def test_add_class_inline_in_its_card(qtbot, page, project):
    qtbot.mouseClick(page.add_class_button, Qt.MouseButton.LeftButton)
    edit = page.bins.add_card.edit
    assert edit.isVisible() and edit.hasFocus()
    qtbot.keyClicks(edit, 'bird')
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert project.classes == ['cat', 'dog', 'bird']
    assert page.current_bin() == 'bird' and not edit.isVisible()
    # Esc cancels
    page.add_class()
    qtbot.keyClicks(edit, 'nope')
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert not edit.isVisible() and project.classes == ['cat', 'dog', 'bird']


def test_browser_picture_dropped_on_a_card_is_saved_and_added(qtbot, page, project):
    mime = QMimeData()
    mime.setUrls([QUrl('https://example.com/a-dog.png')])
    mime.setData('image/png', QByteArray(png_bytes()))
    report = wait_added(qtbot, page, lambda: send_drop(page.bins.card('dog'), mime))
    assert len(report.added) == 1 and len(project.images('dog')) == 1
    assert project.images('dog')[0].suffix == '.png'
    page.undo_stack.undo()
    assert not project.images('dog')
    page.undo_stack.redo()  # the saved picture is still there to copy again
    assert len(project.images('dog')) == 1


def test_web_address_without_picture_gets_a_message(qtbot, page, project):
    mime = QMimeData()
    mime.setUrls([QUrl('https://example.com/a-cat.jpg')])
    assert send_drop(page.bins.card('cat'), mime)
    assert page.message_bar.isVisible()
    text = page.message_bar.text()
    assert 'https://example.com/a-cat.jpg' in text and 'offline' in text
    assert not page.is_busy() and not project.images('cat')


def test_thumbnail_dragged_onto_a_card_relabels(qtbot, page, project, tmp_path):
    photos = [make_photo(tmp_path / 'in' / f'c{i}.png', noise_seed=i) for i in range(3)]
    wait_added(qtbot, page, lambda: page.add_paths(photos, 'cat'))
    assert send_drop(page.bins.card('dog'), encode_paths_mime(project.images('cat')[:2]))
    assert len(project.images('dog')) == 2
    assert page.bins.card('dog').count == 2 and page.bins.drop_row == -1


def test_ctrl_v_pastes_a_picture_and_files(qtbot, page, project, tmp_path):
    mime = QMimeData()
    mime.setData('image/png', QByteArray(png_bytes((10, 200, 10))))
    QGuiApplication.clipboard().setMimeData(mime)
    page.select_bin('cat')
    page.grid.setFocus()
    wait_added(qtbot, page, lambda: qtbot.keyClick(page.grid, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier))
    assert len(project.images('cat')) == 1
    f = make_photo(tmp_path / 'copied.png', noise_seed=3)
    QGuiApplication.clipboard().setMimeData(url_mime([f]))
    wait_added(qtbot, page, page.paste_action.trigger)
    assert len(project.images('cat')) == 2
    QGuiApplication.clipboard().setText('just words')
    assert not page.paste_photos()
    assert 'clipboard holds no photo' in page.message_bar.text()


def test_number_key_with_nothing_selected_says_what_to_do(qtbot, page, project, tmp_path):
    photos = [make_photo(tmp_path / 'in' / f'u{i}.png', noise_seed=i) for i in range(2)]
    wait_added(qtbot, page, lambda: page.add_paths(photos, None))
    page.select_bin(None)
    page.grid.setFocus()
    page.grid.selectionModel().clearSelection()
    qtbot.keyClick(page.grid, Qt.Key.Key_1)
    assert page.message_bar.isVisible() and 'Select photos first' in page.message_bar.text()
    assert "'cat'" in page.message_bar.text() and project.n_unlabelled == 2


def test_tenth_class_reached_with_label_as(qtbot, page, project, tmp_path):
    for i in range(10):
        project.add_class(f'breed {i}')
    assert page.bins.card('breed 7').key_label.text() == ''  # the 10th class: no number key
    assert 'Ctrl+L' in page.bins.card('breed 7').toolTip()
    photos = [make_photo(tmp_path / 'in' / f'u{i}.png', noise_seed=i) for i in range(2)]
    wait_added(qtbot, page, lambda: page.add_paths(photos, None))
    page.select_bin(None)
    page.select_paths(page.model.paths()[:1])
    page.grid.setFocus()
    qtbot.keyClick(page.grid, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    menu = page._label_menu
    qtbot.waitUntil(menu.isVisible, timeout=3000)
    titles = [a.text().split('\t')[0] for a in menu.actions() if a.text()]
    assert 'breed 9' in titles and 'Unlabelled' in titles
    next(a for a in menu.actions() if a.text() == 'breed 9').trigger()
    menu.close()
    assert len(project.images('breed 9')) == 1


def test_captions_are_whole_below_the_photo_at_one_height(qtbot, page, project, tmp_path):
    names = ['a.png', 'IMG_20231012_123456789_a_very_long_file_name_from_a_phone.png', 'b.png']
    photos = [make_photo(tmp_path / 'in' / n, noise_seed=i) for i, n in enumerate(names)]
    wait_added(qtbot, page, lambda: page.add_paths(photos, 'cat'))
    page.select_bin('cat')
    QApplication.processEvents()
    grid = page.grid
    delegate = grid.caption_delegate
    assert delegate.lines >= 3  # the long name wraps onto as many lines as it needs
    rects = [grid.visualRect(page.model.index(r)) for r in range(page.model.rowCount())]
    assert len({r.height() for r in rects}) == 1  # even heights
    fm = grid.fontMetrics()
    text_h = delegate.lines * fm.lineSpacing()
    assert rects[0].height() >= 128 + text_h  # the caption sits below the photo, not over it
    from petcognizer.gui.photo_grid import caption_lines

    assert all(caption_lines(fm, n, delegate.text_width()) <= delegate.lines for n in names)


@pytest.mark.parametrize('size', [(1024, 700), (1920, 1080)])
def test_data_page_layout_has_no_clipped_or_overlapping_text(qtbot, page, project, tmp_path, size):
    for name in ('Labrador Retriever puppy', 'parrot', 'hamster'):
        project.add_class(name)
    photos = [make_photo(tmp_path / 'in' / f'c{i}.png', noise_seed=i) for i in range(4)]
    wait_added(qtbot, page, lambda: page.add_paths(photos, 'cat'))
    page.resize(*size)
    QApplication.processEvents()
    problems = check_layout(page)
    assert not problems, '\n'.join(problems)


def test_cards_from_the_keyboard(qtbot, page, project):
    cards = page.bins.cards()
    cards[1].setFocus()
    assert page.bins.focused_name() == 'cat'
    qtbot.keyClick(cards[1], Qt.Key.Key_Right)
    assert page.bins.focused_name() == 'dog'
    qtbot.keyClick(page.bins.card('dog'), Qt.Key.Key_Return)
    assert page.current_bin() == 'dog'
    qtbot.keyClick(page.bins.card('dog'), Qt.Key.Key_Left)
    qtbot.keyClick(page.bins.card('cat'), Qt.Key.Key_Space)
    assert page.current_bin() == 'cat'
    # Ctrl+Alt+2 shows class 2, Ctrl+0 Unlabelled
    page.grid.setFocus()
    qtbot.keyClick(page.grid, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    assert page.current_bin() == 'dog'
    qtbot.keyClick(page.grid, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert page.current_bin() is None
    # Ctrl+Shift+N opens the name field of "Add class"
    qtbot.keyClick(page.grid, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert page.bins.add_card.is_editing()
