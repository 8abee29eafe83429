"""The rows of the Predict page: one photo, its top classes, one-click "add to class"."""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QImage, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from petcognizer.gui.heatmap_view import heatmap_overlay

__all__ = [
    'CSV_COLUMNS',
    'HEAT_THUMB',
    'THUMB',
    'Prediction',
    'PredictionRowWidget',
    'not_one_of',
    'thumbnail',
    'write_predictions_csv',
]


@dataclass(frozen=True)
class Prediction:
    """One photo's prediction, as the engine's ``'predict'`` job reports it.

    Attributes:
        path: the photo.
        label: the most likely class (None if the file could not be read).
        probabilities: ``(class, probability)`` pairs, best first.
        error: why the file could not be read, or None.
        unknown: the photo looks like none of the model's classes ("None of these").
        unknown_score: how unlike the training photos it is (0: no statistics).
    """

    path: Path
    label: str | None = None
    probabilities: list[tuple[str, float]] = field(default_factory=list)
    error: str | None = None
    unknown: bool = False
    unknown_score: float = 0.0

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Prediction:
        return cls(Path(d['path']), d.get('label'),
                   [(str(c), float(p)) for c, p in d.get('probabilities') or []], d.get('error'),
                   bool(d.get('unknown', False)), float(d.get('unknown_score') or 0.0))


def not_one_of(classes: Sequence[str], limit: int = 6) -> str:
    """'Not one of: cat, dog' (the first ``limit`` classes, then how many more)."""
    names = [str(c) for c in classes]
    shown = ', '.join(names[:limit])
    if len(names) > limit:
        shown += f' … ({len(names)} classes)'
    return f'Not one of: {shown}' if names else 'Not one of the classes'


def thumbnails(paths: Sequence[Path], cancel: Any) -> list[QImage]:
    """Thumbnails of ``paths`` (an empty image where one cannot be read); worker thread."""
    out = []
    for path in paths:
        out.append(QImage() if cancel.cancelled else thumbnail(Path(path)))
    return out


THUMB = 88
#: The photo's size while its heat map is shown.
HEAT_THUMB = 200
CSV_COLUMNS = ('path', 'label', 'probability')


def write_predictions_csv(path: os.PathLike | str, predictions: list) -> Path:
    """Write ``path,label,probability``: one row per photo and top-k label, best first.

    A photo that could not be read gets one row with an empty label and probability.
    """
    path = Path(path)
    with open(path, 'w', newline='', encoding='utf-8') as f:
        out = csv.writer(f)
        out.writerow(CSV_COLUMNS)
        for pred in predictions:
            if pred.error or not pred.probabilities:
                out.writerow([str(pred.path), '', ''])
                continue
            for label, p in pred.probabilities:
                out.writerow([str(pred.path), label, f'{p:.6f}'])
    return path


def thumbnail(path: Path, size: int = THUMB) -> QImage:
    """Decode a small, EXIF-rotated thumbnail (worker thread)."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    src = reader.size()
    if src.isValid() and src.width() > 0 and src.height() > 0:
        scale = size / max(src.width(), src.height())
        if scale < 1:
            reader.setScaledSize(QSize(max(1, round(src.width() * scale)), max(1, round(src.height() * scale))))
    img = reader.read()
    if img.isNull():
        return QImage()
    if max(img.width(), img.height()) != size:  # small photos are enlarged so they can be seen
        img = img.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
    return img


class PredictionRowWidget(QFrame):
    """One photo: thumbnail, top-k bars and one-click "add to class" buttons.

    Args:
        model_classes: the model's classes (for "Not one of: …"; default ``classes``).

    Signals:
        label_requested(object, str): add this photo (a Path) to that class.
        heatmap_toggled(object, bool): show (True) or hide the heat map of this photo (a Path).
    """

    label_requested = Signal(object, str)
    heatmap_toggled = Signal(object, bool)

    def __init__(self, prediction, thumbnail: QImage | None, classes: list[str],
                 can_label: bool, parent: QWidget | None = None,
                 model_classes: Sequence[str] | None = None) -> None:
        super().__init__(parent)
        self.prediction = prediction
        self._thumbnail = thumbnail if thumbnail is not None else QImage()
        self.heatmap: dict | None = None
        self.setObjectName('predictionRow')
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet('QFrame#predictionRow { background: white; border: 1px solid #ddd; border-radius: 4px; }')
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        self.thumb_label = thumb = QLabel()
        thumb.setFixedSize(THUMB, THUMB)
        thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if thumbnail is not None and not thumbnail.isNull():
            thumb.setPixmap(QPixmap.fromImage(thumbnail))
        else:
            thumb.setText('?' if prediction.error else '')
            thumb.setStyleSheet('background: #eee; color: #999; font-size: 28px;')
        lay.addWidget(thumb)

        body = QVBoxLayout()
        body.setSpacing(3)
        path = Path(prediction.path)
        name = QLabel(f'<b>{path.name}</b> <span style="color:#888">{path.parent}</span>')
        name.setToolTip(str(path))
        name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        name.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        body.addWidget(name)
        self.unknown_label = QLabel(not_one_of(model_classes if model_classes else classes))
        self.unknown_label.setObjectName('UnknownLabel')
        self.unknown_label.setStyleSheet('color: #a84300; font-weight: bold;')
        self.unknown_label.setToolTip(
            'This photo looks like none of the photos the model was trained on '
            f'(score {getattr(prediction, "unknown_score", 0.0):.2f}); the classes below are only its best guesses.'
        )
        self.unknown_label.setVisible(bool(getattr(prediction, 'unknown', False)) and not prediction.error)
        body.addWidget(self.unknown_label)
        self.add_buttons: dict[str, QToolButton] = {}
        if prediction.error:
            err = QLabel(f'Could not read this file: {prediction.error}')
            err.setWordWrap(True)
            err.setStyleSheet('color: #b71c1c;')
            self.error_label = err
            body.addWidget(err)
        else:
            grid = QGridLayout()
            grid.setHorizontalSpacing(6)
            grid.setVerticalSpacing(2)
            for row, (label, p) in enumerate(prediction.probabilities):
                text = QLabel(label)
                text.setMinimumWidth(90)
                if row == 0 and not getattr(prediction, 'unknown', False):
                    text.setStyleSheet('font-weight: bold;')
                grid.addWidget(text, row, 0)
                bar = QProgressBar()
                bar.setRange(0, 1000)
                bar.setValue(int(round(p * 1000)))
                bar.setFormat(f'{p * 100:.1f}%')
                bar.setMaximumHeight(16)
                bar.setMinimumWidth(160)
                bar.setMaximumWidth(360)
                grid.addWidget(bar, row, 1)
                button = QToolButton()
                button.setText(f'Add to “{label}”')
                button.setAutoRaise(True)
                button.setEnabled(can_label)
                button.setToolTip(
                    f'Copy this photo into the class “{label}” of the project (undo with Ctrl+Z).'
                    if can_label else 'Open a project to add photos to its classes.'
                )
                button.clicked.connect(self._on_add_button_clicked)
                button.setProperty('class_name', label)
                grid.addWidget(button, row, 2)
                self.add_buttons[label] = button
            grid.setColumnStretch(3, 1)
            body.addLayout(grid)
        body.addStretch(1)
        lay.addLayout(body, 1)

        side = QVBoxLayout()
        self.other_button = QToolButton()
        self.other_button.setText('Add to class…')
        self.other_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.other_button.setEnabled(can_label and bool(classes))
        menu = QMenu(self.other_button)
        for c in classes:
            act = menu.addAction(c)
            act.setData(c)
        menu.triggered.connect(self._on_menu_triggered)
        self.other_button.setMenu(menu)
        side.addWidget(self.other_button)
        self.heatmap_button = QToolButton()
        self.heatmap_button.setText('Where it looked')
        self.heatmap_button.setCheckable(True)
        self.heatmap_button.setToolTip('Show a heat map over the photo: red where it mattered most for the answer.')
        self.heatmap_button.setEnabled(not prediction.error)
        self.heatmap_button.toggled.connect(self._on_heatmap_button_toggled)
        side.addWidget(self.heatmap_button)
        self.status_label = QLabel()
        self.status_label.setStyleSheet('color: #2e7d32;')
        side.addWidget(self.status_label)
        side.addStretch(1)
        lay.addLayout(side)

    def _request(self, class_name: str) -> None:
        self.status_label.setText(f'Sent to “{class_name}”')
        self.label_requested.emit(Path(self.prediction.path), class_name)

    @Slot()
    def _on_add_button_clicked(self) -> None:
        button = self.sender()
        if button is not None:
            self._request(str(button.property('class_name')))

    @Slot(object)
    def _on_menu_triggered(self, action) -> None:
        self._request(str(action.data()))

    @Slot(bool)
    def _on_heatmap_button_toggled(self, on: bool) -> None:
        if not on:
            self.show_heatmap(None)
        else:
            self.status_label.setText('Finding where it looked…')
        self.heatmap_toggled.emit(Path(self.prediction.path), on)

    def show_heatmap(self, result: dict | None, message: str = '') -> None:
        """Draw ``result`` (the 'heatmap' job's) over a larger photo; None: back to the thumbnail."""
        self.heatmap = result
        if result is None or not self.heatmap_button.isChecked():
            self.thumb_label.setFixedSize(THUMB, THUMB)
            if not self._thumbnail.isNull():
                self.thumb_label.setPixmap(QPixmap.fromImage(self._thumbnail))
            self.status_label.setText(message)
            return
        photo = thumbnail(Path(self.prediction.path), HEAT_THUMB)
        self.thumb_label.setFixedSize(HEAT_THUMB, HEAT_THUMB)
        self.thumb_label.setPixmap(QPixmap.fromImage(heatmap_overlay(photo, result)))
        self.status_label.setText(f"Red: where it looked\nto say “{result.get('class', '?')}”")
