"""The Predict page's summary and filter: how many photos each class got, and "Needs review".

A row of toggle chips that wraps at the page's width: "All 30", "Needs review 5",
one chip per class with the number of photos the model put in it, then "None of
these" and "Can't read" when there are any. Clicking a chip shows only its
photos (:func:`matches`); the chips are exclusive, like tabs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QButtonGroup, QToolButton, QWidget

from petcognizer.gui.flow_layout import FlowLayout
from petcognizer.gui.prediction_rows import confidence, needs_review
from petcognizer.gui.i18n import translate

__all__ = ['FilterBar', 'class_counts', 'matches', 'status_text']

ALL, REVIEW, UNKNOWN, ERROR = 'all', 'review', 'unknown', 'error'


def class_counts(preds: Sequence[Any]) -> Counter:
    """Photos per class the model gave them (photos that are none of the classes, or unreadable, not counted)."""
    return Counter(p.label for p in preds if confidence(p).kind not in ('unknown', 'error') and p.label)


def matches(pred: Any, key: str) -> bool:
    """Whether ``pred`` is shown under the filter ``key`` ('all', 'review', 'unknown', 'error', 'class:<name>')."""
    kind = confidence(pred).kind
    if key == ALL:
        return True
    if key == REVIEW:
        return needs_review(pred)
    if key == UNKNOWN:
        return kind == 'unknown'
    if key == ERROR:
        return kind == 'error'
    if key.startswith('class:'):
        return kind not in ('unknown', 'error') and pred.label == key[len('class:'):]
    return True


def status_text(preds: Sequence[Any]) -> str:
    """'2 photos classified; 2 could not be read; …' for the photos ``preds``."""
    n_err = sum(1 for p in preds if p.error)
    n_ok = len(preds) - n_err
    n_unknown = sum(1 for p in preds if p.unknown and not p.error)
    text = translate('predict_summary', '%n photo(s) classified', None, n_ok)
    text += translate('predict_summary', '; {n_err} could not be read').format(n_err=n_err) if n_err else ''
    if n_unknown:
        text += (translate('predict_summary', '; 1 looks like none of the classes') if n_unknown == 1 else
                 translate('predict_summary', '; {n} look like none of the classes').format(n=n_unknown))
    if n_ok:
        text += translate('predict_summary', '. A wrong guess? Click the right class under the photo.')
    return text


_CHIP_STYLE = (
    'QToolButton#FilterChip { border: 1px solid #d5d9df; border-radius: 12px; padding: 3px 10px; '
    'background: white; color: #1f2329; }'
    'QToolButton#FilterChip:hover { border-color: #2f6fde; }'
    'QToolButton#FilterChip:checked { background: #2f6fde; border-color: #285fc0; color: white; }'
)


class FilterBar(QWidget):
    """Chips that summarise the predictions and filter them.

    Signals:
        filter_changed(str): the key of the chip now checked.
    """

    filter_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(_CHIP_STYLE)
        self._layout = FlowLayout(self, spacing=6)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self._chips: dict[str, QToolButton] = {}
        self._key = ALL
        self.set_predictions([], [])

    def key(self) -> str:
        """The filter shown ('all' when nothing else is chosen)."""
        return self._key

    def chips(self) -> dict[str, QToolButton]:
        """Filter key -> its chip (for tests and keyboard focus)."""
        return dict(self._chips)

    def chip_texts(self) -> list[str]:
        return [chip.text() for chip in self._chips.values()]

    def set_key(self, key: str) -> None:
        """Check the chip ``key`` (falls back to 'all' when there is none)."""
        if key not in self._chips:
            key = ALL
        self._chips[key].setChecked(True)
        if key != self._key:
            self._key = key
            self.filter_changed.emit(key)

    def set_predictions(self, preds: Sequence[Any], classes: Sequence[str]) -> None:
        """Redraw the chips for ``preds``; ``classes`` orders them (classes with no photos are left out)."""
        for chip in self._chips.values():
            self._group.removeButton(chip)
            self._layout.removeWidget(chip)
            chip.hide()
            chip.setParent(None)
            chip.deleteLater()
        self._chips = {}
        counts = class_counts(preds)
        n_review = sum(1 for p in preds if needs_review(p))
        n_unknown = sum(1 for p in preds if confidence(p).kind == 'unknown')
        n_error = sum(1 for p in preds if confidence(p).kind == 'error')
        self._add(ALL, translate('predict_summary', 'All {len_preds}').format(len_preds=len(preds)), translate('predict_summary', 'Show every photo.'))
        self._add(REVIEW, translate('predict_summary', 'Needs review {n_review}').format(n_review=n_review),
                  translate('predict_summary', 'Photos worth a look: the model is unsure (below 70%), the photo looks like none of '
                  'the classes, or the file could not be read.'))
        ordered = [c for c in classes if counts.get(c)] + sorted(c for c in counts if c not in classes)
        for name in ordered:
            n = counts[name]
            self._add(f'class:{name}', f'{name} {n}',
                      translate('predict_summary', '%n photo(s) the model says are “{name}”.', None, n).format(name=name))
        if n_unknown:
            self._add(UNKNOWN, translate('predict_summary', 'None of these {n_unknown}').format(n_unknown=n_unknown),
                      translate('predict_summary', 'Photos that look like none of the classes the model knows.'))
        if n_error:
            self._add(ERROR, translate('predict_summary', "Can't read {n_error}").format(n_error=n_error), translate('predict_summary', 'Files that could not be read as photos.'))
        key = self._key if self._key in self._chips else ALL
        self._chips[key].setChecked(True)
        if key != self._key:
            self._key = key
            self.filter_changed.emit(key)
        self.setVisible(bool(preds))
        self.updateGeometry()

    def _add(self, key: str, text: str, tip: str) -> None:
        chip = QToolButton()
        chip.setObjectName('FilterChip')
        chip.setText(text)
        chip.setToolTip(tip)
        chip.setCheckable(True)
        chip.setProperty('filter_key', key)
        chip.toggled.connect(self._on_chip_toggled)
        self._group.addButton(chip)
        self._layout.addWidget(chip)
        self._chips[key] = chip

    @Slot(bool)
    def _on_chip_toggled(self, on: bool) -> None:
        chip = self.sender()
        if not on or chip is None:
            return
        key = str(chip.property('filter_key'))
        if key != self._key:
            self._key = key
            self.filter_changed.emit(key)
