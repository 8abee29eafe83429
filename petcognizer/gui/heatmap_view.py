"""The heat map of where a model looked in a photo: drawn over the photo, asked of the engine.

The engine's ``'heatmap'`` job (Grad-CAM in :mod:`petcognizer.core.heatmap`)
returns a small grid of values 0..1 (``{'width', 'height', 'values', 'class'}``);
:func:`heatmap_overlay` stretches it smoothly over the photo in warm colours,
transparent where the model did not look. :class:`HeatmapRequester` runs one job
at a time, keeps the results, and asks again only for a photo it has not seen.
"""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QColor, QImage, QPainter

from petcognizer.gui.data_assist import is_cancelled, stop_engine_worker
from petcognizer.gui.engine import EngineWorker

__all__ = ['HeatmapRequester', 'heat_colour', 'heatmap_image', 'heatmap_overlay']


def heat_colour(value: float) -> QColor:
    """Clear (0) through faint blue and yellow to strong red (1)."""
    v = min(1.0, max(0.0, float(value)))
    if v < 0.5:
        r, g, b = int(510 * v), int(255 * (0.3 + 1.4 * v)), int(255 * (1 - 2 * v))
    else:
        r, g, b = 255, int(255 * (2 - 2 * v)), 0
    return QColor(min(255, r), min(255, g), max(0, b), int(200 * v))


def heatmap_image(values: list[list[float]]) -> QImage:
    """The grid as a small ARGB image, one pixel a cell."""
    rows = [list(r) for r in values or [] if len(r)]
    if not rows:
        return QImage()
    w = max(len(r) for r in rows)
    img = QImage(w, len(rows), QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    for y, row in enumerate(rows):
        for x, v in enumerate(row):
            img.setPixelColor(x, y, heat_colour(v))
    return img


def heatmap_overlay(photo: QImage, result: dict | None) -> QImage:
    """``photo`` with the heat map of ``result`` drawn over it (``photo`` itself if none)."""
    if photo.isNull() or not result:
        return photo
    small = heatmap_image(result.get('values') or [])
    if small.isNull():
        return photo
    out = photo.convertToFormat(QImage.Format.Format_ARGB32)
    heat = small.scaled(out.width(), out.height(), Qt.AspectRatioMode.IgnoreAspectRatio,
                        Qt.TransformationMode.SmoothTransformation)
    heat.setDevicePixelRatio(out.devicePixelRatio())  # a 200% photo: the map covers it, not a quarter
    p = QPainter(out)
    p.drawImage(0, 0, heat)
    p.end()
    return out


class HeatmapRequester(QObject):
    """Heat maps from the engine, one job at a time, remembered per (model, photo, class).

    Signals:
        ready(str, object): the photo's path and its heat map result.
        failed(str, str): the photo's path and why there is none.
    """

    ready = Signal(str, object)
    failed = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker: EngineWorker | None = None
        self._running: tuple[str, str, str | None] | None = None
        self._next: tuple[str, str, str | None] | None = None
        self._done: dict[tuple[str, str, str | None], dict] = {}

    def cached(self, model_path: Any, path: Any, class_name: str | None = None) -> dict | None:
        return self._done.get((os.fspath(model_path), os.fspath(path), class_name))

    def is_busy(self) -> bool:
        return self._worker is not None

    def request(self, model_path: Any, path: Any, class_name: str | None = None) -> None:
        """Ask for the heat map of ``path`` (emits ``ready`` at once if it is known)."""
        key = (os.fspath(model_path), os.fspath(path), class_name)
        if key in self._done:
            self.ready.emit(key[1], self._done[key])
            return
        if self._worker is not None:
            self._next = key  # only the latest wish waits
            return
        self._start(key)

    def _start(self, key: tuple[str, str, str | None]) -> None:
        model_path, path, class_name = key
        worker = EngineWorker('heatmap', model_path=model_path, path=path, class_name=class_name)
        worker.returned.connect(self._on_returned)
        worker.errored.connect(self._on_errored)
        worker.finished.connect(self._on_finished)
        self._worker = worker
        self._running = key
        worker.start()

    @Slot(object)
    def _on_returned(self, result: Any) -> None:
        if self._running is not None and isinstance(result, dict):
            self._done[self._running] = result
            self.ready.emit(self._running[1], result)

    @Slot(str)
    def _on_errored(self, message: str) -> None:
        if self._running is not None and not is_cancelled(message):
            self.failed.emit(self._running[1], str(message))

    @Slot()
    def _on_finished(self) -> None:
        self._worker = None
        self._running = None
        key, self._next = self._next, None
        if key is not None:
            self.request(*key)

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Forget what waits, stop the running job and wait for it."""
        self._next = None
        return stop_engine_worker(self._worker, timeout_ms)
