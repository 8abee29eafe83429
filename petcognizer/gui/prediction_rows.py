"""The cards of the Predict page: one photo, how sure the model is, its top classes, one-click "add to class".

Each :class:`PredictionRowWidget` is a compact card (the photo on the left, a
confidence badge and the top classes as one-click buttons on the right) laid
out in a wrapping grid by the page. :func:`confidence` turns a prediction into
the badge a pet owner reads ("Sure", "Fairly sure", "Unsure", "None of these?",
"Can't read"), and :func:`needs_review` is the page's "Needs review" filter.
"""

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
from PySide6.QtCore import QT_TRANSLATE_NOOP

from petcognizer.gui.i18n import translate

__all__ = [
    'CSV_COLUMNS',
    'FAIRLY_SURE',
    'HEAT_THUMB',
    'SURE',
    'THUMB',
    'Confidence',
    'Prediction',
    'PredictionRowWidget',
    'confidence',
    'even_widths',
    'needs_review',
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
        shown += translate('prediction_rows', ' … ({len_names} classes)').format(len_names=len(names))
    return translate('prediction_rows', 'Not one of: {shown}').format(shown=shown) if names else translate('prediction_rows', 'Not one of the classes')


def thumbnails(paths: Sequence[Path], cancel: Any, dpr: float = 1.0) -> list[QImage]:
    """Thumbnails of ``paths`` (an empty image where one cannot be read); worker thread.

    ``dpr``: the screen's device pixel ratio; at 200% the images have twice the
    pixels (and say so), so they stay crisp.
    """
    out = []
    for path in paths:
        out.append(QImage() if cancel.cancelled else thumbnail(Path(path), dpr=dpr))
    return out


THUMB = 88
#: The photo's size while its heat map is shown.
HEAT_THUMB = 200
#: The least width of a card's right-hand side (badge, classes, buttons).
BODY_WIDTH = 200
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


def thumbnail(path: Path, size: int = THUMB, dpr: float = 1.0) -> QImage:
    """Decode a small, EXIF-rotated thumbnail, ``size`` logical pixels at ``dpr`` (worker thread)."""
    dpr = max(1.0, float(dpr))
    if dpr > 1.0:
        img = thumbnail(path, round(size * dpr))
        img.setDevicePixelRatio(dpr)
        return img
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


#: The top class's probability from which a guess is "Sure" / "Fairly sure"; below: "Unsure".
SURE = 0.9
FAIRLY_SURE = 0.7


@dataclass(frozen=True)
class Confidence:
    """How a prediction is shown at a glance.

    Attributes:
        kind: 'sure', 'fairly', 'unsure', 'unknown' (none of the classes) or 'error'.
        word: the badge ("Sure", "Unsure", ...).
        colour: the badge's text and the card's edge; ``background`` the badge's fill.
        tip: the badge's tooltip (the technical words).
    """

    kind: str
    word: str
    colour: str
    background: str
    tip: str


_KINDS = {
    'sure': (QT_TRANSLATE_NOOP('prediction_rows', 'Sure'), '#1e7b34', '#e3f4e8'),
    'fairly': (QT_TRANSLATE_NOOP('prediction_rows', 'Fairly sure'), '#1d5fb8', '#e6effc'),
    'unsure': (QT_TRANSLATE_NOOP('prediction_rows', 'Unsure'), '#a94b00', '#fff0dc'),
    'unknown': (QT_TRANSLATE_NOOP('prediction_rows', 'None of these'), '#7a2a91', '#f5e6fa'),
    'error': (QT_TRANSLATE_NOOP('prediction_rows', "Can't read"), '#5f6670', '#eceef1'),
}


def confidence(pred: Any) -> Confidence:
    """The badge of ``pred``: its top probability in words, or why there is none."""
    if pred.error or not pred.probabilities:
        kind, tip = 'error', translate('prediction_rows', 'This file could not be read: {error}').format(
            error=pred.error or translate('prediction_rows', 'no answer'))
    elif getattr(pred, 'unknown', False):
        kind = 'unknown'
        tip = translate('prediction_rows', 'This photo looks like none of the photos the model learnt from '
                                           '(out-of-distribution score {score:.2f}); its classes are only '
                                           'guesses.').format(score=getattr(pred, 'unknown_score', 0.0))
    else:
        top = pred.probabilities[0][1]
        kind = 'sure' if top >= SURE else 'fairly' if top >= FAIRLY_SURE else 'unsure'
        tip = (translate('prediction_rows', 'The model gives “{label}” a probability of {top:.1%} (softmax '
                                              'of the top class). Sure: {SURE:.0%} or more; fairly sure: '
                                              '{FAIRLY_SURE:.0%} or more; unsure: less.').format(label=pred.probabilities[0][0], top=top, SURE=SURE, FAIRLY_SURE=FAIRLY_SURE))
    word, colour, background = _KINDS[kind]
    word = translate('prediction_rows', word)
    return Confidence(kind, word, colour, background, tip)


def needs_review(pred: Any) -> bool:
    """Worth a look: an unsure guess, a photo that is none of the classes, or a file that could not be read."""
    return confidence(pred).kind in ('unsure', 'unknown', 'error')


def even_widths(rows: Sequence[QWidget], available: int, spacing: int) -> None:
    """Give the cards ``rows`` one width: the widest one's, stretched so that full lines fill ``available``.

    Fewer cards than a line holds keep their own width; a card showing its heat
    map (``row.heatmap``) may be wider.
    """
    for row in rows:
        row.setMinimumWidth(0)
        row.setMaximumWidth(16777215)
    base = max((row.sizeHint().width() for row in rows if row.heatmap is None), default=0)
    if base <= 0:
        return
    shown = [row for row in rows if not row.isHidden()]
    per_line = max(1, (available + spacing) // (base + spacing))
    width = base
    if len(shown) >= per_line and available > base:
        width = max(base, (available - (per_line - 1) * spacing) // per_line)
    for row in rows:
        row.setFixedWidth(width if row.heatmap is None else max(width, row.sizeHint().width()))


class PredictionRowWidget(QFrame):
    """One photo as a compact card: thumbnail, confidence badge, top classes as one-click buttons.

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
        #: the class this photo was sent to (until an undo takes it out again)
        self.sent_to: str | None = None
        self.sent_seen = False
        self.confidence = conf = confidence(prediction)
        self.setObjectName('predictionRow')
        self.setProperty('kind', conf.kind)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.setStyleSheet(
            'QFrame#predictionRow { background: white; border: 1px solid #e1e4e8; '
            f'border-left: 4px solid {conf.colour}; border-radius: 6px; }}'
        )
        path = Path(prediction.path)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(5, 5, 5, 5)
        lay.setSpacing(6)
        self.thumb_label = thumb = QLabel()
        thumb.setFixedSize(THUMB, THUMB)
        thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        thumb.setToolTip(str(path))
        if thumbnail is not None and not thumbnail.isNull():
            thumb.setPixmap(QPixmap.fromImage(thumbnail))
        else:
            thumb.setText('?' if prediction.error else '')
            thumb.setStyleSheet('background: #eee; color: #999; font-size: 28px; border-radius: 4px;')
        left = QVBoxLayout()
        left.setSpacing(2)
        left.addWidget(thumb, 0, Qt.AlignmentFlag.AlignHCenter)

        body = QVBoxLayout()
        body.setSpacing(3)
        body.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.setSpacing(6)
        self.badge = QLabel(conf.word)
        self.badge.setObjectName('ConfidenceBadge')
        self.badge.setToolTip(conf.tip)
        self.badge.setStyleSheet(
            f'QLabel {{ color: {conf.colour}; background: {conf.background}; border-radius: 8px; '
            'padding: 1px 6px; font-weight: 600; }'
        )
        head.addWidget(self.badge)
        head.addStretch(1)
        body.addLayout(head)
        self.heatmap_button = QToolButton()
        self.heatmap_button.setText(translate('prediction_rows', 'Where it\nlooked'))
        self.heatmap_button.setCheckable(True)
        self.heatmap_button.setAutoRaise(True)
        small = self.heatmap_button.font()
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.9))
        self.heatmap_button.setFont(small)
        self.heatmap_button.setToolTip(translate('prediction_rows', 'Show a heat map over the photo: red where it mattered most for the answer '
                                       '(Grad-CAM).'))
        self.heatmap_button.setEnabled(not prediction.error)
        self.heatmap_button.toggled.connect(self._on_heatmap_button_toggled)
        left.addWidget(self.heatmap_button, 0, Qt.AlignmentFlag.AlignHCenter)
        left.addStretch(1)
        lay.addLayout(left)
        self.unknown_label = QLabel(not_one_of(model_classes if model_classes else classes))
        self.unknown_label.setObjectName('UnknownLabel')
        self.unknown_label.setWordWrap(True)
        self.unknown_label.setStyleSheet('color: #7a2a91;')
        self.unknown_label.setToolTip(conf.tip if conf.kind == 'unknown' else '')
        self.unknown_label.setVisible(conf.kind == 'unknown')
        body.addWidget(self.unknown_label)
        self.add_buttons: dict[str, QToolButton] = {}
        self.error_label = None
        if prediction.error:
            err = QLabel(translate('prediction_rows', 'Could not read {name}: {error}').format(name=path.name, error=prediction.error))
            err.setWordWrap(True)
            err.setToolTip(str(path))
            err.setStyleSheet('color: #b71c1c;')
            err.setMinimumWidth(BODY_WIDTH)
            self.error_label = err
            body.addWidget(err)
        else:
            body.addLayout(self._class_grid(prediction, can_label))
        body.addStretch(1)
        foot = QHBoxLayout()
        foot.setSpacing(4)
        self.other_button = QToolButton()
        self.other_button.setText(translate('prediction_rows', 'Add to class…'))
        self.other_button.setAutoRaise(True)
        self.other_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.other_button.setEnabled(can_label and bool(classes) and not prediction.error)
        self.other_button.setToolTip(
            translate('prediction_rows', 'Put this photo in any class of the project.') if not prediction.error
            else translate('prediction_rows', 'This file could not be read, so it cannot go into a class.')
        )
        menu = QMenu(self.other_button)
        for c in classes:
            act = menu.addAction(c)
            act.setData(c)
        menu.triggered.connect(self._on_menu_triggered)
        self.other_button.setMenu(menu)
        foot.addWidget(self.other_button)
        foot.addStretch(1)
        body.addLayout(foot)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setStyleSheet('color: #2e7d32;')
        self.status_label.hide()
        body.addWidget(self.status_label)
        for label in (self.unknown_label, self.status_label, self.error_label):
            if label is not None:  # wrapped text takes the card's width, it does not set it
                policy = label.sizePolicy()
                policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
                label.setSizePolicy(policy)
        lay.addLayout(body, 1)

    def _class_grid(self, prediction, can_label: bool) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(1)
        for row, (label, p) in enumerate(prediction.probabilities):
            button = QToolButton()
            button.setText(f'+ {label}')
            button.setObjectName('AddToClass')
            button.setAutoRaise(True)
            button.setEnabled(can_label)
            if row == 0:
                font = button.font()
                font.setBold(True)
                button.setFont(font)
            button.setToolTip(
                translate('prediction_rows', 'Put this photo in the class “{label}” of the project (Ctrl+Z '
                                               'undoes it).').format(label=label)
                if can_label else translate('prediction_rows', 'Open a project to put photos in its classes.')
            )
            button.clicked.connect(self._on_add_button_clicked)
            button.setProperty('class_name', label)
            grid.addWidget(button, row, 0)
            bar = QProgressBar()
            bar.setRange(0, 1000)
            bar.setValue(round(p * 1000))
            bar.setTextVisible(False)
            bar.setFixedHeight(6)
            bar.setFixedWidth(64)
            bar.setToolTip(f'{p:.1%}')
            if row == 0:  # the guess's bar in the badge's colour: an unsure guess looks unsure
                bar.setStyleSheet(f'QProgressBar::chunk {{ background: {self.confidence.colour}; }}')
            grid.addWidget(bar, row, 1)
            pct = QLabel(f'{p:.0%}' if p >= 0.01 or p == 0 else '<1%')
            pct.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            pct.setStyleSheet('color: #5f6670;')
            pct.setMinimumWidth(pct.fontMetrics().horizontalAdvance('100%') + 2)
            grid.addWidget(pct, row, 2)
            self.add_buttons[label] = button
        grid.setColumnStretch(3, 1)
        return grid

    def _request(self, class_name: str) -> None:
        self.sent_to, self.sent_seen = class_name, False
        self._set_status(translate('prediction_rows', 'Sent to “{class_name}”').format(class_name=class_name))
        self.label_requested.emit(Path(self.prediction.path), class_name)

    def clear_sent(self) -> None:
        """The photo is no longer in the class it was sent to (an undo): forget the "Sent to" line."""
        self.sent_to, self.sent_seen = None, False
        if self.status_label.text().startswith('Sent to'):
            self._set_status('')

    def _set_status(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.setVisible(bool(text))

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
            self._set_status(translate('prediction_rows', 'Finding where it looked…'))
        self.heatmap_toggled.emit(Path(self.prediction.path), on)

    def show_heatmap(self, result: dict | None, message: str = '') -> None:
        """Draw ``result`` (the 'heatmap' job's) over a larger photo; None: back to the thumbnail."""
        self.heatmap = result
        if result is None or not self.heatmap_button.isChecked():
            self.thumb_label.setFixedSize(THUMB, THUMB)
            if not self._thumbnail.isNull():
                self.thumb_label.setPixmap(QPixmap.fromImage(self._thumbnail))
            self._set_status(message or (translate('prediction_rows', 'Sent to “{sent_to}”').format(sent_to=self.sent_to) if self.sent_to else ''))
            self.updateGeometry()
            return
        photo = thumbnail(Path(self.prediction.path), HEAT_THUMB, dpr=self.devicePixelRatioF())
        self.thumb_label.setFixedSize(HEAT_THUMB, HEAT_THUMB)
        self.thumb_label.setPixmap(QPixmap.fromImage(heatmap_overlay(photo, result)))
        self._set_status(translate('prediction_rows', 'Red: where it looked to say “{name}”').format(
            name=result.get('class', '?')))
        self.updateGeometry()
