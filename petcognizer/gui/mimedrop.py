"""Photos from drops and the clipboard: files, browser images, pasted pictures.

One helper for every page that takes photos (Data, Predict):

* :func:`read_mime` turns any :class:`~PySide6.QtGui.QMimeData` (a drop from the
  file manager or a web browser, or the clipboard) into a :class:`MimePhotos`:
  local files and folders (``file:`` URLs, or a path as plain text), raw image
  bytes (``image/png``, ``image/jpeg``, ... formats, ``data:`` URLs, an
  ``<img src="data:...">`` in the HTML a browser puts beside a dragged image, or
  a picture copied in another program), and web addresses (``http(s):`` URLs)
  that came without the picture itself;
* :func:`has_photos` says whether a drag is worth accepting (for
  ``dragEnterEvent``);
* :func:`save_images` writes the raw images into a folder under safe, unique
  names (``pasted photo 2026-12-02 020512.png``, ``... (2).png``), never over an
  existing file, and returns their paths, so the page can add them like files;
* :func:`remote_message` is the clear message for web addresses with no
  picture: the app works offline and never downloads, so the user saves the
  photo first;
* :func:`clipboard_photos` reads the clipboard (for Ctrl+V).

Typical use on a page::

    photos = read_mime(event.mimeData())
    paths = photos.paths + save_images(photos, staging_folder)
    if photos.remote:
        show_message(remote_message(photos.remote))

The module never downloads anything and never touches the user's files: it
only writes new files into the folder it is given.
"""

from __future__ import annotations

import base64
import binascii
import html
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData, QUrl
from PySide6.QtGui import QGuiApplication, QImage
from petcognizer.gui.i18n import translate

__all__ = [
    'MAX_IMAGE_BYTES',
    'MimePhotos',
    'clipboard_photos',
    'has_photos',
    'image_suffix',
    'read_mime',
    'remote_message',
    'save_images',
]

#: Raw images above this size are refused (a photo is a few MB; this is a runaway paste).
MAX_IMAGE_BYTES = 64 * 1024 * 1024

#: Mime formats carrying an encoded picture, best first (kept as they are: no re-encoding).
_IMAGE_FORMATS = (
    'image/png',
    'image/jpeg',
    'image/jpg',
    'image/webp',
    'image/gif',
    'image/bmp',
    'image/x-bmp',
    'image/tiff',
)
_INTERNAL_MIME = 'application/x-petcognizer-paths'
_DATA_URL = re.compile(r'^data:(image/[\w.+-]+)?(;[\w=.+-]+)*?(;base64)?,(.*)$', re.DOTALL | re.IGNORECASE)
_IMG_SRC = re.compile(r'<img\b[^>]*?\bsrc\s*=\s*(["\'])(.*?)\1', re.DOTALL | re.IGNORECASE)


@dataclass
class MimePhotos:
    """What a drop or the clipboard holds, sorted into three kinds.

    Attributes:
        paths: local files and folders (as given; folders are walked by the project).
        images: raw encoded pictures as ``(bytes, suffix)``, e.g. ``(b'\\x89PNG...', '.png')``.
        remote: web addresses that came without the picture (never downloaded).
        problems: one sentence for each thing that was offered and could not be used.
    """

    paths: list[Path] = field(default_factory=list)
    images: list[tuple[bytes, str]] = field(default_factory=list)
    remote: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True when there is nothing to add (no files, no pictures)."""
        return not self.paths and not self.images

    def __bool__(self) -> bool:
        return not self.empty or bool(self.remote)


def image_suffix(data: bytes) -> str | None:
    """The file suffix of an encoded picture from its first bytes, or None if it is not one we read."""
    head = bytes(data[:16])
    if head.startswith(b'\x89PNG\r\n\x1a\n'):
        return '.png'
    if head.startswith(b'\xff\xd8\xff'):
        return '.jpg'
    if head[:4] == b'RIFF' and head[8:12] == b'WEBP':
        return '.webp'
    if head.startswith((b'GIF87a', b'GIF89a')):
        return '.gif'
    if head.startswith(b'BM'):
        return '.bmp'
    if head.startswith((b'II*\x00', b'MM\x00*')):
        return '.tif'
    return None


def _decode_data_url(url: str) -> tuple[bytes, str] | None:
    m = _DATA_URL.match(url.strip())
    if not m:
        return None
    payload = m.group(4)
    try:
        data = base64.b64decode(payload, validate=False) if m.group(3) else unquote(payload).encode('latin-1')
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None
    suffix = image_suffix(data)
    return (data, suffix) if suffix else None


def _local_path(text: str) -> Path | None:
    """A local path from a ``file:`` URL or an absolute path written as text; None otherwise."""
    text = text.strip()
    if not text or '\n' in text:
        return None
    if text.lower().startswith('file:'):
        local = QUrl(text).toLocalFile()
        return Path(local) if local else None
    if os.path.isabs(text) and os.path.exists(text):
        return Path(text)
    return None


def _is_remote(url: str) -> bool:
    return urlparse(url.strip()).scheme.lower() in ('http', 'https', 'ftp')


def _qimage_bytes(image: QImage) -> bytes | None:
    if image.isNull():
        return None
    buf = QByteArray()
    dev = QBuffer(buf)
    dev.open(QIODevice.OpenModeFlag.WriteOnly)
    ok = image.save(dev, 'PNG')
    dev.close()
    return bytes(buf.data()) if ok else None


def read_mime(mime: QMimeData | None) -> MimePhotos:
    """Sort the contents of a drop or the clipboard into files, pictures and web addresses.

    The petcognizer-internal drag of photos between bins is not read here (see
    :func:`petcognizer.gui.thumbnails.decode_paths_mime`). When a browser gives
    both the picture and its web address, the picture is used and the address
    is not reported.
    """
    out = MimePhotos()
    if mime is None:
        return out
    seen: set[str] = set()

    def add_image(data: bytes, suffix: str) -> None:
        if len(data) > MAX_IMAGE_BYTES:
            out.problems.append(
                translate('mimedrop', 'A pasted picture of {mb} MB is too large to add; save it as a '
                                        'file and add the file.').format(mb=len(data) // (1024 * 1024))
            )
            return
        out.images.append((data, suffix))

    # 1. URLs: local files, data: pictures, web addresses.
    remote: list[str] = []
    if mime.hasUrls():
        for url in mime.urls():
            text = url.toString()
            if url.isLocalFile():
                local = url.toLocalFile()
                if local and local not in seen:
                    seen.add(local)
                    out.paths.append(Path(local))
            elif url.scheme().lower() == 'data':
                decoded = _decode_data_url(url.toString(QUrl.ComponentFormattingOption.FullyEncoded))
                if decoded:
                    add_image(*decoded)
            elif _is_remote(text):
                remote.append(text)
    # 2. Encoded picture bytes (a browser's copy/drag of an image, a screenshot tool).
    if not out.images:
        for fmt in _IMAGE_FORMATS:
            if mime.hasFormat(fmt):
                data = bytes(mime.data(fmt).data())
                suffix = image_suffix(data)
                if suffix:
                    add_image(data, suffix)
                    break
    # 3. HTML from a browser: <img src="data:..."> or a local file.
    if not out.images and not out.paths and mime.hasHtml():
        for _, src in _IMG_SRC.findall(mime.html()):
            src = html.unescape(src)
            if src.lower().startswith('data:'):
                decoded = _decode_data_url(src)
                if decoded:
                    add_image(*decoded)
            elif src.lower().startswith('file:'):
                local = _local_path(src)
                if local is not None and str(local) not in seen:
                    seen.add(str(local))
                    out.paths.append(local)
            elif _is_remote(src) and src not in remote:
                remote.append(src)
    # 4. A picture only Qt can hand over (application/x-qt-image).
    if not out.images and not out.paths and mime.hasImage():
        data = _qimage_bytes(QImage(mime.imageData()))
        if data:
            add_image(data, '.png')
    # 5. Plain text: a path or file URL someone copied.
    if not out.images and not out.paths and mime.hasText():
        for line in mime.text().splitlines():
            local = _local_path(line)
            if local is not None and str(local) not in seen:
                seen.add(str(local))
                out.paths.append(local)
            elif line.strip().lower().startswith('data:'):
                decoded = _decode_data_url(line)
                if decoded:
                    add_image(*decoded)
            elif _is_remote(line) and line.strip() not in remote and not remote:
                remote.append(line.strip())
    if not out.images:
        out.remote = remote
    return out


def has_photos(mime: QMimeData | None) -> bool:
    """Whether a drag may hold photos (cheap: for ``dragEnterEvent``; the drop reads it fully).

    Web addresses count, so that the drop can explain why it cannot use them.
    """
    if mime is None or mime.hasFormat(_INTERNAL_MIME):
        return False
    if mime.hasUrls() or mime.hasImage() or mime.hasHtml():
        return True
    if any(mime.hasFormat(f) for f in _IMAGE_FORMATS):
        return True
    return mime.hasText() and bool(read_mime(mime))


def _unique_path(folder: Path, stem: str, suffix: str) -> Path:
    candidate = folder / f'{stem}{suffix}'
    n = 2
    while candidate.exists():
        candidate = folder / f'{stem} ({n}){suffix}'
        n += 1
    return candidate


def save_images(
    photos: MimePhotos, folder: os.PathLike | str, *, stem: str = 'pasted photo'
) -> list[Path]:
    """Write the raw pictures of ``photos`` into ``folder`` as new files and return their paths.

    Names are ``<stem> <date> <time>.<suffix>`` with `` (2)``, `` (3)``... added
    on a clash; an existing file is never replaced (exclusive create). The
    folder is created if needed.

    Raises:
        OSError: if the folder cannot be made or a file cannot be written
        (the message names the file).
    """
    if not photos.images:
        return []
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime('%Y-%m-%d %H%M%S')
    written: list[Path] = []
    for data, suffix in photos.images:
        while True:
            path = _unique_path(folder, f'{stem} {stamp}', suffix)
            try:
                with open(path, 'xb') as fh:
                    fh.write(data)
            except FileExistsError:
                continue
            except OSError as exc:
                raise OSError(translate('mimedrop', 'Could not save the pasted photo as {path}: {exc}').format(path=path, exc=exc)) from exc
            break
        written.append(path)
    return written


def remote_message(urls: list[str]) -> str:
    """A clear message for web addresses that came without the picture (nothing is downloaded)."""
    if not urls:
        return ''
    first = urls[0]
    if len(first) > 70:
        first = first[:67] + '…'
    more = translate('mimedrop', ' (and {n} more)').format(n=len(urls) - 1) if len(urls) > 1 else ''
    return (
        translate('mimedrop', 'The browser gave only a web address ({first}){more}, not the photo. '
                                'petcognizer works offline and does not download. Save the photo to your '
                                'computer (right-click it, "Save image as…") and drop the saved file, or '
                                'copy the image (right-click, "Copy image") and paste it here with Ctrl+V.').format(first=first, more=more)
    )


def clipboard_photos() -> MimePhotos:
    """What the clipboard holds, read with :func:`read_mime` (for Ctrl+V)."""
    app = QGuiApplication.instance()
    if app is None:
        return MimePhotos()
    return read_mime(QGuiApplication.clipboard().mimeData())
