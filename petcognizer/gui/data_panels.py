"""Small parts of the Data page: the balance hint, messages, the add report, similar photos."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from petcognizer.core.hints import GOOD_PER_CLASS
from petcognizer.gui.photo_grid import ThumbnailGrid
from petcognizer.gui.thumbnails import ThumbnailLoader, ThumbnailModel
from petcognizer.gui.widgets import BannerLabel
from petcognizer.gui.core_text import data_hint_text
from petcognizer.gui.i18n import translate

__all__ = [
    'MIN_PHOTOS_PER_CLASS',
    'AddReportPanel',
    'MessageBar',
    'SimilarPhotosDialog',
    'balance_hint',
]

#: Below this many photos a class, more photos of it is what helps most (the one rule: core.hints).
MIN_PHOTOS_PER_CLASS = GOOD_PER_CLASS


def balance_hint(counts: dict[str, int], n_unlabelled: int = 0) -> str:
    """What the data needs next: :func:`petcognizer.core.hints.data_hint` as text.

    Args:
        counts: photos per class, in class order.
        n_unlabelled: photos waiting in the Unlabelled bin.
    """
    return data_hint_text(counts, n_unlabelled)


class MessageBar(BannerLabel):
    """A dismissible one-line message (error or info) above the photos."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__('error', parent)
        self.setContentsMargins(4, 4, 0, 4)

    def show_message(self, text: str, kind: str = 'error') -> None:
        self.set_kind(kind)
        self.show_text(text)


class AddReportPanel(QFrame):
    """Lists the files that could not be added and why; dismissible, non-blocking."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName('AddReportPanel')
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 8, 8)
        top = QHBoxLayout()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        close = QPushButton(translate('data_panels', 'Dismiss'))
        close.clicked.connect(self.hide)
        top.addWidget(self.summary, 1)
        top.addWidget(close)
        layout.addLayout(top)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([translate('data_panels', 'File'), translate('data_panels', 'Reason')])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setColumnWidth(0, 260)
        layout.addWidget(self.tree)
        self.hide()

    def show_report(self, report: Any, target: str) -> None:
        """Show what went wrong in ``report`` (an AddReport); hide if nothing did."""
        refused = list(getattr(report, 'refused', []) or [])
        duplicates = list(getattr(report, 'duplicates', []) or [])
        added = len(getattr(report, 'added', []) or [])
        self.tree.clear()
        for src, reason in refused:
            reason = str(reason)
            prefix = f'{src}: '
            reason = reason.removeprefix(prefix)
            item = QTreeWidgetItem([Path(src).name, reason])
            item.setToolTip(0, str(src))
            item.setToolTip(1, reason)
            self.tree.addTopLevelItem(item)
        for src, existing in duplicates:
            item = QTreeWidgetItem([Path(src).name, translate('data_panels', 'already in the project as '
                                                                               '{name}').format(name=Path(existing).name)])
            item.setToolTip(0, str(src))
            self.tree.addTopLevelItem(item)
        if not refused and not duplicates:
            self.hide()
            return
        parts = [translate('data_panels', 'Added %n photo(s) to {target}.', None, added).format(target=target)]
        problems = []
        if refused:
            n = len(refused)
            problems.append(translate('data_panels', '%n file(s) could not be added', None, n))
        if duplicates:
            n = len(duplicates)
            problems.append(
                translate('data_panels', '%n duplicate(s) skipped (already in the project)', None, n)
            )
        problem = ' and '.join(problems)
        parts.append(problem[0].upper() + problem[1:] + ':')
        self.summary.setText(' '.join(parts))
        rows = min(self.tree.topLevelItemCount(), 6)
        row_h = self.tree.sizeHintForRow(0) if self.tree.topLevelItemCount() else 18
        self.tree.setFixedHeight(self.tree.header().sizeHint().height() + rows * row_h + 6)
        self.tree.setVisible(True)
        self.show()

    def rows(self) -> list[tuple[str, str]]:
        """(file name, reason) of every listed file; for tests."""
        return [
            (self.tree.topLevelItem(i).text(0), self.tree.topLevelItem(i).text(1))
            for i in range(self.tree.topLevelItemCount())
        ]


class SimilarPhotosDialog(QDialog):
    """Photos like a chosen one (from petcognizer.core.similar), as thumbnails.

    Signals:
        closed(): the dialog was closed (the page cancels the search).
    """

    closed = Signal()

    def __init__(self, query: Path, loader: ThumbnailLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate('data_panels', 'Photos like {name}').format(name=query.name))
        self.resize(720, 480)
        self.status_label = QLabel(translate('data_panels', 'Looking for photos like {name}…').format(name=query.name))
        self.status_label.setWordWrap(True)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setMaximumHeight(8)
        self.progress_bar.setTextVisible(False)
        self.model = ThumbnailModel(loader, parent=self)
        self.grid = ThumbnailGrid()
        self.grid.setDragEnabled(True)
        self.grid.setModel(self.model)
        close = QPushButton(translate('data_panels', 'Close'))
        close.clicked.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.grid, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel(translate('data_panels', 'Drag photos onto a class to relabel them.')))
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)

    def show_progress(self, done: int, total: int, text: str = '') -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)
        if text:
            self.status_label.setText(text)

    def show_results(self, results: Sequence[tuple[Path, float]], labels: Sequence[str]) -> None:
        self.progress_bar.hide()
        if not results:
            self.status_label.setText(translate('data_panels', 'No similar photos found.'))
        else:
            self.status_label.setText(translate('data_panels', '{len_results} most similar photos, most '
                                                                 'similar first:').format(len_results=len(results)))
        self.model.set_paths(
            [p for p, _ in results],
            [f'{label} · {score:.0%}' for (_, score), label in zip(results, labels)],
        )

    def show_error(self, text: str) -> None:
        self.progress_bar.hide()
        self.status_label.setText(translate('data_panels', 'Could not search: {text}').format(text=text))

    def closeEvent(self, event) -> None:
        self.closed.emit()
        super().closeEvent(event)


# ---------------------------------------------------------------------------- page
