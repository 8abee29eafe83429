"""Suggested labels for the Unlabelled bin: review, check, accept in one step.

The suggestions come from :func:`petcognizer.core.suggest.suggest_for_unlabelled`
(run by the Data page in the engine process): the latest trained model when its classes
are the project's, otherwise a zero-shot model built from the class names. This
module is only the view: a panel listing every photo with its suggested class
and confidence, a checkbox per row and a threshold that checks the confident
ones. The Data page moves the checked photos (one undoable step).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from petcognizer.gui.thumbnails import ThumbnailLoader, placeholder_pixmap
from petcognizer.gui.widgets import ProgressRow
from PySide6.QtCore import QT_TRANSLATE_NOOP

from petcognizer.gui.i18n import translate

__all__ = [
    'DEFAULT_THRESHOLD',
    'NO_PRIOR_TEXT',
    'SuggestionsPanel',
    'latest_model_path',
]

#: Rows at or above this confidence (percent) start checked.
DEFAULT_THRESHOLD = 80
#: Shown when there is neither a trained model nor a class name ImageNet knows.
NO_PRIOR_TEXT = (
    QT_TRANSLATE_NOOP('suggestions', "None of the class names means something the pretrained network knows, and no model is "
    "trained yet. Train a model first, or give classes names like 'cat' and 'dog'.")
)
_ICON = 48
_PathRole = Qt.ItemDataRole.UserRole + 1
_LabelRole = Qt.ItemDataRole.UserRole + 2
_ConfRole = Qt.ItemDataRole.UserRole + 3


def latest_model_path(project: Any) -> Path | None:
    """The newest run's model if it was trained on exactly the project's classes, else None.

    Zero-shot runs are skipped (a fresh zero-shot model uses the current class
    matches); so are runs whose model file is gone.
    """
    classes = list(project.classes)
    for run in reversed(list(project.runs)):
        if not run.model_path or run.zero_shot:
            continue
        if sorted(run.classes) != sorted(classes):
            continue
        path = Path(project.root) / run.model_path
        if path.is_file():
            return path
    return None


def _swatch(color: str, size: int = 10) -> QIcon:
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(color))
    p.drawRoundedRect(0, 0, size, size, 3, 3)
    p.end()
    return QIcon(pix)


class _ConfidenceItem(QTreeWidgetItem):
    """Sorts by the number, not the text."""

    def __lt__(self, other: QTreeWidgetItem) -> bool:
        tree = self.treeWidget()
        column = tree.sortColumn() if tree is not None else 0
        if column == 2:
            return (self.data(0, _ConfRole) or 0) < (other.data(0, _ConfRole) or 0)
        return super().__lt__(other)


class SuggestionsPanel(QFrame):
    """Suggested classes for unlabelled photos, most confident first.

    Args:
        loader: the page's thumbnail loader (shared cache).

    Signals:
        accept_requested(list): [(path, class), ...] of the checked rows.
        cancel_requested(): stop the running suggestion job.
        close_requested(): back to the photos.
    """

    accept_requested = Signal(list)
    cancel_requested = Signal()
    close_requested = Signal()

    def __init__(self, loader: ThumbnailLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName('SuggestionsPanel')
        self._loader = loader
        self._items: dict[str, QTreeWidgetItem] = {}
        self._placeholder = QIcon(placeholder_pixmap(_ICON))

        self.title_label = QLabel(translate('suggestions', 'Suggested labels'))
        self.title_label.setObjectName('SuggestTitle')
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.title_label.setFont(font)
        self.source_label = QLabel()
        self.source_label.setObjectName('KeysLabel')
        self.source_label.setWordWrap(True)
        self.message_label = QLabel()
        self.message_label.setObjectName('HintLabel')
        self.message_label.setWordWrap(True)
        self.message_label.hide()

        self.progress_row = ProgressRow()
        self.progress_label = self.progress_row.label
        self.progress_bar = self.progress_row.bar
        self.cancel_button = self.progress_row.cancel_button

        self.tree = QTreeWidget()
        self.tree.setObjectName('SuggestionsTree')
        self.tree.setHeaderLabels([translate('suggestions', 'Photo'), translate('suggestions', 'Suggested class'), translate('suggestions', 'Confidence')])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setIconSize(QSize(_ICON, _ICON))
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setSortingEnabled(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)

        self.threshold_spin = QSpinBox()
        self.threshold_spin.setRange(0, 100)
        self.threshold_spin.setSuffix(' %')
        self.threshold_spin.setValue(DEFAULT_THRESHOLD)
        self.threshold_spin.setToolTip(translate('suggestions', 'Check every photo whose suggestion is at least this confident'))
        self.checked_label = QLabel()
        self.checked_label.setObjectName('KeysLabel')
        self.close_button = QPushButton(translate('suggestions', 'Back to photos'))
        self.accept_button = QPushButton(translate('suggestions', 'Accept checked'))
        self.accept_button.setObjectName('PrimaryButton')
        self.accept_button.setToolTip(translate('suggestions', 'Move the checked photos into their suggested classes (Ctrl+Z undoes)'))

        self.controls = QWidget()
        cr = QHBoxLayout(self.controls)
        cr.setContentsMargins(0, 0, 0, 0)
        cr.addWidget(QLabel(translate('suggestions', 'Check photos at or above')))
        cr.addWidget(self.threshold_spin)
        cr.addSpacing(12)
        cr.addWidget(self.checked_label)
        cr.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.controls, 1)
        bottom.addWidget(self.close_button)
        bottom.addWidget(self.accept_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.title_label)
        layout.addWidget(self.source_label)
        layout.addWidget(self.message_label)
        layout.addWidget(self.progress_row)
        layout.addWidget(self.tree, 1)
        layout.addLayout(bottom)

        self.threshold_spin.valueChanged.connect(self._on_threshold_spin_valueChanged)
        self.tree.itemChanged.connect(self._on_tree_itemChanged)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.close_button.clicked.connect(self.close_requested)
        self.accept_button.clicked.connect(self._on_accept_clicked)
        loader.thumbnail_ready.connect(self._on_thumbnail_ready)
        self._update_controls()

    # -- states ---------------------------------------------------------------
    def show_running(self, n_photos: int, source: str) -> None:
        """A job started for ``n_photos`` photos; ``source`` says what predicts."""
        self.clear()
        self.source_label.setText(source)
        self.message_label.hide()
        self.progress_label.setText(translate('suggestions', 'Looking at %n unlabelled photo(s)…', None, n_photos))
        self.progress_bar.setRange(0, 0)
        self.progress_row.show()
        self.cancel_button.setEnabled(True)
        self._update_controls()

    def show_progress(self, done: int, total: int, text: str = '') -> None:
        if total:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(done)
            self.progress_label.setText(translate('suggestions', 'Looking at the photos: {done} of {total}').format(done=done, total=total))
        elif text:
            self.progress_label.setText(text)

    def show_stopping(self) -> None:
        self.progress_label.setText(translate('suggestions', 'Stopping…'))
        self.cancel_button.setEnabled(False)

    def show_message(self, text: str) -> None:
        """Explain why there are no suggestions (or what went wrong)."""
        self.progress_row.hide()
        self.message_label.setText(text)
        self.message_label.show()
        self._update_controls()

    def show_suggestions(self, suggestions: Sequence[Any], colors: dict[str, str] | None = None) -> None:
        """List ``suggestions`` (objects with path, label, confidence), checking the confident ones."""
        self.progress_row.hide()
        colors = colors or {}
        threshold = self.threshold_spin.value() / 100
        self.tree.blockSignals(True)
        self.tree.setSortingEnabled(False)
        self.tree.clear()
        self._items.clear()
        for s in suggestions:
            path = Path(s.path)
            item = _ConfidenceItem([path.name, s.label, f'{s.confidence:.0%}'])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = s.confidence >= threshold
            item.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            item.setData(0, _PathRole, path)
            item.setData(0, _LabelRole, s.label)
            item.setData(0, _ConfRole, float(s.confidence))
            item.setIcon(0, self._placeholder)
            item.setToolTip(0, str(path))
            item.setIcon(1, _swatch(colors.get(s.label, '#9aa0a6')))
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if s.confidence < 0.5:
                item.setForeground(2, QColor('#b3261e'))
            self.tree.addTopLevelItem(item)
            self._items[os.fspath(path)] = item
            self._loader.request(path)
        self.tree.sortItems(2, Qt.SortOrder.DescendingOrder)
        self.tree.setSortingEnabled(True)
        self.tree.blockSignals(False)
        if not suggestions:
            self.show_message(translate('suggestions', 'There are no suggestions: every unlabelled photo failed to load.'))
        else:
            self.message_label.hide()
        self._update_controls()

    def clear(self) -> None:
        self.tree.clear()
        self._items.clear()
        self._update_controls()

    # -- contents -------------------------------------------------------------
    def rows(self) -> list[tuple[Path, str, float, bool]]:
        """(path, suggested class, confidence, checked) of every row, in display order."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            out.append((
                item.data(0, _PathRole),
                item.data(0, _LabelRole),
                item.data(0, _ConfRole),
                item.checkState(0) == Qt.CheckState.Checked,
            ))
        return out

    def checked(self) -> list[tuple[Path, str]]:
        """(path, class) of the checked rows."""
        return [(p, label) for p, label, _, on in self.rows() if on]

    def set_threshold(self, percent: int) -> None:
        """Check exactly the rows at or above ``percent`` confidence."""
        self.threshold_spin.setValue(percent)
        self._apply_threshold()

    def remove_paths(self, paths: Sequence[os.PathLike | str]) -> None:
        """Drop rows (photos that were labelled or are gone)."""
        for p in paths:
            item = self._items.pop(os.fspath(p), None)
            if item is not None:
                self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(item))
        self._update_controls()

    def _apply_threshold(self) -> None:
        threshold = self.threshold_spin.value() / 100
        self.tree.blockSignals(True)
        for item in self._items.values():
            on = (item.data(0, _ConfRole) or 0) >= threshold
            item.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.tree.blockSignals(False)
        self.tree.viewport().update()
        self._update_controls()

    def _update_controls(self) -> None:
        n = self.tree.topLevelItemCount()
        k = len(self.checked()) if n else 0
        self.controls.setVisible(n > 0)
        self.tree.setVisible(n > 0 or self.progress_row.isVisibleTo(self))
        self.checked_label.setText(translate('suggestions', '{k} of {n} checked').format(k=k, n=n))
        self.accept_button.setVisible(n > 0)
        self.accept_button.setEnabled(k > 0)
        self.accept_button.setText(translate('suggestions', 'Accept {k} checked').format(k=k) if k else translate('suggestions', 'Accept checked'))

    # -- slots ----------------------------------------------------------------
    def _on_threshold_spin_valueChanged(self, _value: int) -> None:
        self._apply_threshold()

    def _on_tree_itemChanged(self, _item: QTreeWidgetItem, column: int) -> None:
        if column == 0:
            self._update_controls()

    def _on_accept_clicked(self) -> None:
        pairs = self.checked()
        if pairs:
            self.accept_requested.emit(pairs)

    def _on_thumbnail_ready(self, key: str, image: QImage) -> None:
        item = self._items.get(key)
        if item is not None:
            pix = QPixmap.fromImage(image).scaled(
                _ICON, _ICON, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
            item.setIcon(0, QIcon(pix))
