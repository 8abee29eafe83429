"""Predict at a glance: badges, the Needs review filter, per-class counts, counts, undo, browser drops, paste.

The engine's 'predict' job is a fake (answers chosen per file name), so these
tests need no trained model: the page only needs a model file to name.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from layoutcheck import check_layout
from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from petcognizer.core.project import Project
from petcognizer.gui.predict_page import PredictPage
from petcognizer.gui.predict_summary import class_counts, matches
from petcognizer.gui.prediction_rows import Prediction, confidence, needs_review

#: file stem -> (probabilities, unknown); anything else could not be read.
ANSWERS = {
    'red_sure': ([('red', 1.0), ('green', 0.0), ('blue', 0.0)], False),
    'red_unsure': ([('red', 0.59), ('green', 0.41), ('blue', 0.0)], False),
    'green_fair': ([('green', 0.8), ('red', 0.15), ('blue', 0.05)], False),
    'odd': ([('blue', 0.9), ('red', 0.06), ('green', 0.04)], True),
}


def fake_predict(callback, cancel, *, model_path, paths, top_k=3, flag_unknown=True):
    out = []
    for p in paths:
        files = sorted(Path(p).iterdir()) if Path(p).is_dir() else [Path(p)]
        for f in files:
            stem = f.stem if f.stem in ANSWERS else f.stem.rsplit('_', 1)[0]
            if f.stem.startswith('pasted photo'):
                stem = 'red_sure'
            stem = stem if stem in ANSWERS else None
            if stem is None:
                out.append({'path': str(f), 'label': None, 'probabilities': [], 'error': 'not a photo',
                            'unknown': False, 'unknown_score': 0.0})
                continue
            probs, unknown = ANSWERS[stem]
            out.append({'path': str(f), 'label': probs[0][0], 'probabilities': probs[:top_k], 'error': None,
                        'unknown': unknown and flag_unknown, 'unknown_score': 3.0 if unknown else 0.1})
    return out


@pytest.fixture
def page(qtbot, engine_jobs, tmp_path):
    engine_jobs['predict'] = fake_predict
    model = tmp_path / 'model.safetensors'
    model.write_bytes(b'x')  # only named: the fake job never opens it
    page = PredictPage()
    qtbot.addWidget(page)
    page.set_model_path(model)
    yield page
    assert page.shutdown(5000)


def _photos(tmp_path, make_solid_photo):
    src = tmp_path / 'new'
    paths = [make_solid_photo(src / f'{stem}.png', (200, 50, 50), seed=i) for i, stem in enumerate(ANSWERS)]
    for name in ('broken.jpg', 'notes.txt'):
        (src / name).write_bytes(b'not a photo')
        paths.append(src / name)
    return paths


def _predict(qtbot, page, paths):
    with qtbot.waitSignal(page.predictions_finished, timeout=20000) as blocker:
        assert page.predict(paths)
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=5000)
    return blocker.args[0]


def test_confidence_words_tell_a_guess_from_a_sure_answer():
    sure = Prediction(Path('a.png'), 'dog', [('dog', 1.0), ('cat', 0.0)])
    guess = Prediction(Path('b.png'), 'dog', [('dog', 0.59), ('cat', 0.41)])
    fair = Prediction(Path('c.png'), 'dog', [('dog', 0.75), ('cat', 0.25)])
    odd = Prediction(Path('d.png'), 'dog', [('dog', 0.95), ('cat', 0.05)], unknown=True, unknown_score=3.0)
    bad = Prediction(Path('e.jpg'), None, [], 'cannot identify image file')
    assert [confidence(p).word for p in (sure, guess, fair, odd, bad)] == [
        'Sure', 'Unsure', 'Fairly sure', 'None of these', "Can't read"]
    assert confidence(sure).colour != confidence(guess).colour
    assert [needs_review(p) for p in (sure, guess, fair, odd, bad)] == [False, True, False, True, True]
    assert class_counts([sure, guess, fair, odd, bad]) == {'dog': 3}
    assert [matches(p, 'class:dog') for p in (sure, guess, odd, bad)] == [True, True, False, False]


def test_grid_badges_filters_counts_and_unreadable_files(qtbot, page, tmp_path, make_solid_photo):
    page.resize(1024, 700)
    page.show()
    preds = _predict(qtbot, page, _photos(tmp_path, make_solid_photo))
    assert len(preds) == 6
    # the status counts what was classified, and what was not
    assert page.status_label.text().startswith('4 photos classified; 2 could not be read; 1 looks like none')
    rows = {Path(r.prediction.path).stem: r for r in page.rows()}
    assert rows['red_sure'].badge.text() == 'Sure' and rows['red_unsure'].badge.text() == 'Unsure'
    assert rows['red_sure'].badge.styleSheet() != rows['red_unsure'].badge.styleSheet()
    for name in ('broken', 'notes'):  # nothing to put in a class
        assert not rows[name].other_button.isEnabled() and not rows[name].add_buttons
        assert rows[name].badge.text() == "Can't read"
    # per-class summary and filters
    bar = page.filter_bar
    assert bar.chip_texts() == ['All 6', 'Needs review 4', 'red 2', 'green 1', 'None of these 1', "Can't read 2"]
    bar.chips()['review'].click()
    assert sorted(Path(r.prediction.path).stem for r in page.visible_rows()) == [
        'broken', 'notes', 'odd', 'red_unsure']
    bar.chips()['class:red'].click()
    assert sorted(Path(r.prediction.path).stem for r in page.visible_rows()) == ['red_sure', 'red_unsure']
    bar.chips()['all'].click()
    assert len(page.visible_rows()) == 6
    # compact: at 1024x700 the cards sit three a line
    qtbot.wait(20)
    tops = sorted({r.geometry().top() for r in page.visible_rows()})
    assert len(tops) == 2, tops
    assert check_layout(page) == []
    page.clear()
    assert not bar.isVisibleTo(page) and not page.rows()


def test_sent_to_goes_when_an_undo_takes_the_photo_out(qtbot, page, tmp_path, make_solid_photo):
    project = Project.create(tmp_path / 'project', classes=['red', 'green', 'blue'])
    page.set_project(project)
    photo = make_solid_photo(tmp_path / 'new' / 'red_unsure.png', (220, 40, 40))
    _predict(qtbot, page, [photo])
    row = page.rows()[0]
    with qtbot.waitSignal(page.label_requested) as req:
        row.add_buttons['green'].click()
    assert req.args == [[photo], 'green']
    assert row.status_label.text() == 'Sent to “green”' and row.status_label.isVisibleTo(page)
    # what the main window does: copy it into the class (its undo removes the copy)
    report = project.add_files([photo], 'green')
    qtbot.waitUntil(lambda: row.sent_seen, timeout=2000)
    assert row.status_label.text() == 'Sent to “green”'
    project.remove_added(report.added)  # Edit ▸ Undo
    qtbot.waitUntil(lambda: row.status_label.text() == '', timeout=2000)
    assert row.sent_to is None and not row.status_label.isVisibleTo(page)


def _png_bytes(make_solid_photo, tmp_path) -> bytes:
    return make_solid_photo(tmp_path / 'web.png', (40, 60, 220)).read_bytes()


def test_browser_image_drop_file_url_and_web_address(qtbot, page, tmp_path, make_solid_photo):
    data = _png_bytes(make_solid_photo, tmp_path)
    mime = QMimeData()  # what a browser gives for a dragged picture: the bytes and its address
    mime.setData('image/png', data)
    mime.setUrls([QUrl('https://example.org/cat.png')])
    with qtbot.waitSignal(page.predictions_finished, timeout=20000) as blocker:
        assert page.predict_mime(mime)
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=5000)
    (pred,) = blocker.args[0]
    saved = Path(pred.path)
    assert saved.read_bytes() == data and saved.name.startswith('pasted photo')
    assert not page.error_banner.isVisibleTo(page)
    # an <img src="data:..."> in the HTML a browser offers
    html = QMimeData()
    html.setHtml(f'<img src="data:image/png;base64,{base64.b64encode(data).decode()}">')
    with qtbot.waitSignal(page.predictions_finished, timeout=20000):
        assert page.predict_mime(html)
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=5000)
    assert len(page.rows()) == 2
    # only an address: nothing is downloaded, the message says what to do
    remote = QMimeData()
    remote.setUrls([QUrl('https://example.org/dog.jpg')])
    assert not page.predict_mime(remote)
    assert 'does not download' in page.error_banner.text() and 'Save' in page.error_banner.text()
    assert len(page.rows()) == 2
    # the pictures saved for classifying go when the page closes
    folder = saved.parent
    assert page.shutdown(5000)
    assert not folder.exists()


@pytest.fixture(autouse=True)
def _empty_clipboard_after():
    """The clipboard owns the QMimeData a test gives it: left there, Qt deletes it while the
    interpreter shuts down, after Python's wrapper, and the process dies (SIGSEGV) after the
    tests passed. Empty it while both still live."""
    yield
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is not None:
        QGuiApplication.clipboard().clear()


def test_paste_from_the_clipboard(qtbot, page, tmp_path, make_solid_photo):
    assert page.paste_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Paste)
    photo = make_solid_photo(tmp_path / 'new' / 'green_fair.png', (40, 200, 60))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(photo))])
    QApplication.clipboard().setMimeData(mime)
    with qtbot.waitSignal(page.predictions_finished, timeout=20000) as blocker:
        page.paste_action.trigger()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=5000)
    assert [Path(p.path) for p in blocker.args[0]] == [photo]
    QApplication.clipboard().setMimeData(QMimeData())
    assert not page.paste()
    assert 'clipboard holds no photo' in page.error_banner.text()


def test_many_photos_fit_at_1024x700(qtbot, page, tmp_path, make_solid_photo):
    """30 photos: at least 9 cards fully in view at 1024x700 (the old rows showed 6)."""
    src = tmp_path / 'many'
    for i in range(30):
        make_solid_photo(src / f'{list(ANSWERS)[i % 3]}_{i}.png', (200, 50, 50), seed=i)

    page.resize(1024, 700)
    page.show()
    _predict(qtbot, page, [src])
    qtbot.wait(20)
    viewport = page.scroll.viewport()
    in_view = [r for r in page.rows()
               if viewport.rect().contains(r.mapTo(viewport, r.rect().bottomRight()))
               and r.mapTo(viewport, r.rect().topLeft()).y() >= 0]
    print("cards fully in view at 1024x700:", len(in_view))
    assert len(in_view) >= 9, len(in_view)
    assert check_layout(page) == []


def test_thumbnails_and_heat_map_are_sharp_at_200_percent(tmp_path, make_solid_photo):
    from petcognizer.gui.heatmap_view import heatmap_overlay
    from petcognizer.gui.prediction_rows import THUMB, thumbnail

    photo = make_solid_photo(tmp_path / 'big.png', (200, 50, 50), size=400)
    img = thumbnail(photo, dpr=2.0)
    assert (img.width(), img.devicePixelRatio()) == (2 * THUMB, 2.0)
    assert thumbnail(photo).width() == THUMB
    heat = heatmap_overlay(img, {'values': [[1.0, 0.0], [0.0, 0.0]]})  # hot in the top-left quarter only
    w, h = heat.width(), heat.height()
    assert heat.pixelColor(w // 10, h // 10) != img.pixelColor(w // 10, h // 10)
    # the map is stretched over the photo's pixels, not over twice its size
    assert heat.pixelColor(w * 8 // 10, h * 8 // 10) == img.pixelColor(w * 8 // 10, h * 8 // 10)


def test_window_ctrl_v_on_the_predict_tab_then_add_and_undo(qtbot, engine_jobs, trained, tmp_path, make_solid_photo):
    """After clicking the Predict tab, Ctrl+V classifies the clipboard's photo (not the Data page's paste);
    its card's "Sent to" line goes with Edit ▸ Undo."""
    from PySide6.QtCore import Qt

    from petcognizer.gui.main_window import MainWindow

    project, _record = trained
    engine_jobs['predict'] = fake_predict
    win = MainWindow()
    win.interactive = False
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    assert win.open_project(project.root)
    win.activateWindow()
    tab_bar = win.tabs.tabBar()
    qtbot.mouseClick(tab_bar, Qt.MouseButton.LeftButton, pos=tab_bar.tabRect(2).center())
    assert win.tabs.currentWidget() is win.predict_page
    photo = make_solid_photo(tmp_path / 'new' / 'green_fair.png', (40, 200, 60))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(photo))])
    QApplication.clipboard().setMimeData(mime)
    before = len(win.project.images('green'))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None
                    and win.predict_page.isAncestorOf(QApplication.focusWidget()), timeout=2000)
    target = QApplication.focusWidget()
    with qtbot.waitSignal(win.predict_page.predictions_finished, timeout=20000):
        qtbot.keyClick(target, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not win.predict_page.is_busy(), timeout=5000)
    assert [Path(r.prediction.path) for r in win.predict_page.rows()] == [photo]
    assert len(win.project.images('green')) == before  # nothing was added to the project
    # one click puts it in 'green' through the window; Edit ▸ Undo takes it out and the card forgets it
    row = win.predict_page.rows()[0]
    with qtbot.waitSignal(win.data_page.add_finished, timeout=20000):
        qtbot.mouseClick(row.add_buttons['green'], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(win.project.images('green')) == before + 1 and row.sent_seen, timeout=10000)
    assert row.status_label.text() == 'Sent to “green”'
    # the add job is over only when its worker's finished signal has been handled: Undo before
    # that is refused ("Wait until the photos being added are in"), as a user would be told
    qtbot.waitUntil(lambda: not win.data_page.is_busy(), timeout=10000)
    win.undo_action.trigger()
    qtbot.waitUntil(lambda: row.status_label.text() == '', timeout=5000)
    assert len(win.project.images('green')) == before
    win.shutdown(5000)
