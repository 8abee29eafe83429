"""Photos from drops and the clipboard (petcognizer.gui.mimedrop): files, browser pictures, web addresses."""

from __future__ import annotations

import base64
import io

from PIL import Image
from PySide6.QtCore import QByteArray, QMimeData, QUrl
from PySide6.QtGui import QColor, QGuiApplication, QImage

from petcognizer.gui.mimedrop import (
    has_photos,
    image_suffix,
    read_mime,
    remote_message,
    save_images,
)


def _png_bytes(color=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new('RGB', (8, 8), color).save(buf, 'PNG')
    return buf.getvalue()


def _jpeg_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new('RGB', (8, 8), (10, 200, 10)).save(buf, 'JPEG')
    return buf.getvalue()


def test_file_urls_are_files(qapp, tmp_path):
    f = tmp_path / 'a.jpg'
    f.write_bytes(_jpeg_bytes())
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)), QUrl.fromLocalFile(str(tmp_path))])
    photos = read_mime(mime)
    assert photos.paths == [f, tmp_path]
    assert not photos.images and not photos.remote
    assert has_photos(mime)


def test_raw_image_bytes_are_saved_under_unique_names(qapp, tmp_path):
    mime = QMimeData()
    mime.setData('image/png', QByteArray(_png_bytes()))
    photos = read_mime(mime)
    assert len(photos.images) == 1 and photos.images[0][1] == '.png'
    assert has_photos(mime)
    first = save_images(photos, tmp_path / 'in')
    second = save_images(photos, tmp_path / 'in')  # same second: a new name, never over the first
    assert len(first) == 1 and len(second) == 1
    assert first[0] != second[0]
    assert first[0].read_bytes() == _png_bytes() == second[0].read_bytes()
    assert first[0].suffix == '.png' and first[0].name.startswith('pasted photo ')


def test_browser_drag_with_web_address_and_data_uses_the_picture(qapp):
    mime = QMimeData()
    mime.setUrls([QUrl('https://example.com/cat.jpg')])
    mime.setData('image/jpeg', QByteArray(_jpeg_bytes()))
    photos = read_mime(mime)
    assert [s for _, s in photos.images] == ['.jpg']
    assert photos.remote == []  # the picture came: no message about the address


def test_web_address_without_picture_gets_a_clear_message(qapp):
    mime = QMimeData()
    mime.setUrls([QUrl('https://example.com/dog.jpg')])
    mime.setHtml('<img src="https://example.com/dog.jpg">')
    photos = read_mime(mime)
    assert photos.empty and photos.remote == ['https://example.com/dog.jpg']
    msg = remote_message(photos.remote)
    assert 'https://example.com/dog.jpg' in msg and 'offline' in msg and 'Save image as' in msg


def test_data_url_in_html_and_in_urls(qapp):
    b64 = base64.b64encode(_png_bytes()).decode()
    mime = QMimeData()
    mime.setHtml(f'<meta charset="utf-8"><img alt="x" src="data:image/png;base64,{b64}">')
    assert [s for _, s in read_mime(mime).images] == ['.png']
    mime2 = QMimeData()
    mime2.setUrls([QUrl(f'data:image/png;base64,{b64}')])
    assert [s for _, s in read_mime(mime2).images] == ['.png']


def test_qt_image_only_and_clipboard(qapp, tmp_path):
    img = QImage(6, 4, QImage.Format.Format_RGB32)
    img.fill(QColor('blue'))
    mime = QMimeData()
    mime.setImageData(img)
    photos = read_mime(mime)
    assert [s for _, s in photos.images] == ['.png']
    saved = save_images(photos, tmp_path)
    assert QImage(str(saved[0])).size().width() == 6
    QGuiApplication.clipboard().setImage(img)
    from petcognizer.gui.mimedrop import clipboard_photos

    assert len(clipboard_photos().images) == 1


def test_not_a_picture_is_ignored(qapp):
    mime = QMimeData()
    mime.setData('image/png', QByteArray(b'not really a png'))
    mime.setText('hello there')
    photos = read_mime(mime)
    assert photos.empty and not photos.remote
    assert image_suffix(b'GIF89a....') == '.gif'
    assert image_suffix(b'hello') is None


def test_internal_drag_is_not_taken(qapp):
    mime = QMimeData()
    mime.setData('application/x-petcognizer-paths', QByteArray(b'/x/y.jpg'))
    assert not has_photos(mime)
