"""Photo thumbnails for the grid: made off the GUI thread, cached on disk.

The grid is a ``QListView`` over :class:`ThumbnailModel`, never a widget per
photo, so 10,000 photos cost 10,000 rows of a Python list. A row asks for its
thumbnail only when the view paints it (``data()`` with ``DecorationRole``):

* :class:`ThumbnailLoader` keeps the requests in a deduplicated stack and a
  small :class:`~PySide6.QtCore.QThreadPool` drains it newest first, so the
  rows the user has just scrolled to come before the ones scrolled past;
* :func:`make_thumbnail` decodes with :func:`petcognizer.core.images.load_rgb`
  (JPEG draft mode: a 12 MP photo decodes at 1/8 scale) and writes a 128 px
  JPEG under ``project.cache_dir / 'thumbs'``, keyed by a hash of the file's
  path, size and modification time, so the next visit reads 5 kB instead of
  5 MB;
* the model keeps a bounded LRU of pixmaps and shows a placeholder until the
  real thumbnail arrives (or a "broken photo" tile, with the reason as tooltip).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    Qt,
    QThreadPool,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen, QPixmap

from petcognizer.core.images import load_rgb

__all__ = [
    'PATHS_MIME',
    'THUMB_SIZE',
    'PathRole',
    'ThumbnailLoader',
    'ThumbnailModel',
    'decode_paths_mime',
    'encode_paths_mime',
    'make_thumbnail',
    'thumbnail_cache_path',
    'urls_to_paths',
]

_log = logging.getLogger(__name__)

#: Longest side of a thumbnail, in pixels.
THUMB_SIZE = 128
#: Mime type of an internal drag of photos (paths, one per line, UTF-8).
PATHS_MIME = 'application/x-petcognizer-paths'
#: Item data role holding a row's :class:`~pathlib.Path`.
PathRole = Qt.ItemDataRole.UserRole + 1

_ModelIndex = QModelIndex | QPersistentModelIndex


def encode_paths_mime(paths: Iterable[os.PathLike | str]) -> QMimeData:
    """Mime data for an internal drag of photos."""
    mime = QMimeData()
    text = '\n'.join(os.fspath(p) for p in paths)
    mime.setData(PATHS_MIME, QByteArray(text.encode('utf-8')))
    return mime


def decode_paths_mime(mime: QMimeData) -> list[Path]:
    """Paths of an internal drag, or ``[]`` if ``mime`` is not one."""
    if mime is None or not mime.hasFormat(PATHS_MIME):
        return []
    text = bytes(mime.data(PATHS_MIME).data()).decode('utf-8')
    return [Path(line) for line in text.splitlines() if line]


def urls_to_paths(mime: QMimeData | None) -> list[Path]:
    """Local files and folders of a drop from the file manager."""
    if mime is None or not mime.hasUrls():
        return []
    return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile() and u.toLocalFile()]


def thumbnail_cache_path(path: os.PathLike | str, cache_dir: Path) -> Path:
    """Where the thumbnail of ``path`` is (or will be) cached.

    The key hashes the absolute path, the size and the modification time, so
    an edited or replaced photo gets a new thumbnail.

    Raises:
        OSError: if ``path`` cannot be stat'ed.
    """
    path = Path(path)
    st = path.stat()
    raw = f'{os.path.abspath(path)}|{st.st_size}|{st.st_mtime_ns}'.encode('utf-8', 'surrogatepass')
    key = hashlib.sha1(raw).hexdigest()
    return cache_dir / key[:2] / f'{key}.jpg'


def make_thumbnail(
    path: os.PathLike | str, cache_dir: Path | None, size: int = THUMB_SIZE
) -> QImage:
    """Return the thumbnail of a photo, from the disk cache when possible.

    Safe to call from any thread (it only uses ``QImage``, never ``QPixmap``).

    Raises:
        petcognizer.core.images.ImageError: the file is not a readable photo.
        OSError: the file vanished.
    """
    cached = thumbnail_cache_path(path, cache_dir) if cache_dir is not None else None
    if cached is not None and cached.is_file():
        image = QImage(str(cached))
        if not image.isNull():
            return image
    pil = load_rgb(path, draft_size=size)
    pil.thumbnail((size, size))
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_name(f'{cached.stem}.{threading.get_ident()}.tmp')
            pil.save(tmp, 'JPEG', quality=85)
            os.replace(tmp, cached)
        except OSError as exc:  # a full or read-only disk only costs speed
            _log.debug('cannot cache thumbnail of %s: %s', path, exc)
    data = pil.tobytes()
    w, h = pil.size
    return QImage(data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


class ThumbnailLoader(QObject):
    """Makes thumbnails on a thread pool, newest request first.

    Args:
        cache_dir: where thumbnails are cached (``None``: memory only).
        max_threads: pool size; the GUI keeps one core for itself.
        max_pending: older requests beyond this are dropped (they are asked
            again when their rows are painted again).
    """

    thumbnail_ready = Signal(str, QImage)
    thumbnail_failed = Signal(str, str)
    became_idle = Signal()

    def __init__(
        self,
        cache_dir: Path | None = None,
        *,
        max_threads: int | None = None,
        max_pending: int = 2000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.cache_dir = cache_dir
        self._pool = QThreadPool(self)
        n = max_threads or max(1, min(4, (os.cpu_count() or 2) - 1))
        self._pool.setMaxThreadCount(n)
        self._pool.setExpiryTimeout(2000)
        self._lock = threading.Lock()
        self._pending: OrderedDict[str, None] = OrderedDict()
        self._in_flight: set[str] = set()
        self._active = 0
        self._max_pending = max_pending
        self._stopped = False

    def request(self, path: os.PathLike | str) -> None:
        """Queue ``path`` (again: moves it to the top of the stack)."""
        key = os.fspath(path)
        with self._lock:
            if self._stopped or key in self._in_flight:
                return
            self._pending[key] = None
            self._pending.move_to_end(key)
            while len(self._pending) > self._max_pending:
                self._pending.popitem(last=False)
            start = self._active < self._pool.maxThreadCount()
            if start:
                self._active += 1
        if start:
            self._pool.start(self._drain)

    def is_pending(self, path: os.PathLike | str) -> bool:
        key = os.fspath(path)
        with self._lock:
            return key in self._pending or key in self._in_flight

    def clear_pending(self) -> None:
        """Forget queued requests (e.g. the user switched to another bin)."""
        with self._lock:
            self._pending.clear()

    def is_idle(self) -> bool:
        with self._lock:
            return not self._pending and not self._in_flight and self._active == 0

    def wait_idle(self, timeout_ms: int = 30000) -> bool:
        """Block until the queue is empty; for screenshots and tests."""
        return self._pool.waitForDone(timeout_ms)

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Drop the queue and join the pool's threads; True if they stopped."""
        with self._lock:
            self._stopped = True
            self._pending.clear()
        return self._pool.waitForDone(timeout_ms)

    def _drain(self) -> None:
        """Runs on a pool thread: make thumbnails until the stack is empty."""
        while True:
            with self._lock:
                if self._stopped or not self._pending:
                    self._active -= 1
                    idle = not self._pending and not self._in_flight and self._active == 0
                    break
                key, _ = self._pending.popitem(last=True)
                self._in_flight.add(key)
            try:
                image = make_thumbnail(key, self.cache_dir)
            except Exception as exc:  # every failure becomes a tile with a reason
                reason = getattr(exc, 'reason', None) or str(exc) or type(exc).__name__
                self._finish(key)
                self.thumbnail_failed.emit(key, reason)
            else:
                self._finish(key)
                self.thumbnail_ready.emit(key, image)
        if idle:
            self.became_idle.emit()

    def _finish(self, key: str) -> None:
        with self._lock:
            self._in_flight.discard(key)


def _tile(size: int, fill: str, border: str) -> QPixmap:
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(QColor(border), 1))
    p.setBrush(QColor(fill))
    p.drawRoundedRect(QRect(4, 4, size - 8, size - 8), 8, 8)
    p.end()
    return pix


def placeholder_pixmap(size: int = THUMB_SIZE) -> QPixmap:
    """The light tile shown while a thumbnail is being made."""
    return _tile(size, '#eef0f3', '#e0e3e8')


def broken_pixmap(size: int = THUMB_SIZE) -> QPixmap:
    """The tile of a photo that cannot be read."""
    pix = _tile(size, '#fdecec', '#f3b7b7')
    p = QPainter(pix)
    p.setPen(QColor('#c0392b'))
    font = QFont()
    font.setPixelSize(size // 3)
    font.setBold(True)
    p.setFont(font)
    p.drawText(pix.rect(), Qt.AlignmentFlag.AlignCenter, '!')
    p.end()
    return pix


class ThumbnailModel(QAbstractListModel):
    """The photos of one bin, with lazily loaded thumbnails.

    Args:
        loader: makes the thumbnails (shared, so its disk cache is too).
        max_pixmaps: how many thumbnails stay in memory (LRU).
    """

    def __init__(
        self,
        loader: ThumbnailLoader,
        *,
        max_pixmaps: int = 1500,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._loader = loader
        self._paths: list[Path] = []
        self._labels: list[str] | None = None
        self._row_of: dict[str, int] = {}
        self._pixmaps: OrderedDict[str, QPixmap] = OrderedDict()
        self._errors: dict[str, str] = {}
        self._max_pixmaps = max_pixmaps
        self._placeholder = placeholder_pixmap()
        self._broken = broken_pixmap()
        loader.thumbnail_ready.connect(self._on_thumbnail_ready)
        loader.thumbnail_failed.connect(self._on_thumbnail_failed)

    # -- contents -----------------------------------------------------------
    def set_paths(self, paths: Sequence[Path], labels: Sequence[str] | None = None) -> None:
        """Show these photos (the previous requests are forgotten).

        Args:
            paths: the photos, in display order.
            labels: captions (default: the file names).
        """
        self.beginResetModel()
        self._paths = [p if isinstance(p, Path) else Path(p) for p in paths]
        self._labels = list(labels) if labels is not None else None
        self._row_of = {os.fspath(p): i for i, p in enumerate(self._paths)}
        self.endResetModel()
        self._loader.clear_pending()

    def paths(self) -> list[Path]:
        return list(self._paths)

    def captions(self) -> list[str]:
        """The caption of every row (the labels given, else the file names), cheaply."""
        return list(self._labels) if self._labels is not None else [p.name for p in self._paths]

    def path_at(self, row: int) -> Path:
        return self._paths[row]

    def row_of(self, path: os.PathLike | str) -> int:
        """Row of ``path`` or -1."""
        return self._row_of.get(os.fspath(path), -1)

    def has_thumbnail(self, path: os.PathLike | str) -> bool:
        return os.fspath(path) in self._pixmaps

    def error_of(self, path: os.PathLike | str) -> str | None:
        return self._errors.get(os.fspath(path))

    # -- Qt model API -------------------------------------------------------
    def rowCount(self, parent: _ModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._paths)

    def data(self, index: _ModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._paths):
            return None
        path = self._paths[index.row()]
        key = os.fspath(path)
        if role == Qt.ItemDataRole.DecorationRole:
            pix = self._pixmaps.get(key)
            if pix is not None:
                self._pixmaps.move_to_end(key)
                return pix
            if key in self._errors:
                return self._broken
            self._loader.request(key)
            return self._placeholder
        if role == Qt.ItemDataRole.DisplayRole:
            return self._labels[index.row()] if self._labels is not None else path.name
        if role == Qt.ItemDataRole.ToolTipRole:
            error = self._errors.get(key)
            return f'{path}\n{error}' if error else str(path)
        if role == PathRole:
            return path
        return None

    def flags(self, index: _ModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return base

    def mimeTypes(self) -> list[str]:
        return [PATHS_MIME]

    def mimeData(self, indexes) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        return encode_paths_mime(self._paths[r] for r in rows)

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    # -- slots --------------------------------------------------------------
    def _on_thumbnail_ready(self, key: str, image: QImage) -> None:
        row = self._row_of.get(key)
        if row is None:
            return
        self._errors.pop(key, None)
        self._pixmaps[key] = QPixmap.fromImage(image)
        self._pixmaps.move_to_end(key)
        while len(self._pixmaps) > self._max_pixmaps:
            self._pixmaps.popitem(last=False)
        idx = self.index(row)
        self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DecorationRole])

    def _on_thumbnail_failed(self, key: str, reason: str) -> None:
        row = self._row_of.get(key)
        if row is None:
            return
        self._errors[key] = reason
        idx = self.index(row)
        self.dataChanged.emit(
            idx, idx, [Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole]
        )
