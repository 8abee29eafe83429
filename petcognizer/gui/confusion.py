"""The confusion matrix of a run: rows the true class, columns what the model said.

Counts come from ``RunRecord.evaluation['confusion']`` (photos each model had
not seen). Right answers (the diagonal) are green, mistakes red, darker for
more photos; clicking a cell with photos emits ``cell_clicked(true, predicted)``
and the Train page opens those photos.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)
from petcognizer.gui.i18n import translate

__all__ = ['ConfusionMatrixWidget', 'cell_colour']


def cell_colour(count: int, row_total: int, right: bool) -> QColor:
    """Green (right) or red (wrong), stronger for a larger share of the row; white for 0."""
    if count <= 0 or row_total <= 0:
        return QColor('#ffffff')
    share = count / row_total
    base = (46, 125, 50) if right else (198, 40, 40)
    a = 0.15 + 0.65 * share
    return QColor(*(int(255 - (255 - c) * a) for c in base))


class ConfusionMatrixWidget(QTableWidget):
    """A table of counts; rows true class, columns predicted class.

    Signals:
        cell_clicked(str, str): the true and the predicted class of a clicked cell with photos.
    """

    cell_clicked = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName('ConfusionMatrix')
        self._classes: list[str] = []
        self._counts: list[list[int]] = []
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCornerButtonEnabled(False)
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionsClickable(False)
        self.horizontalHeader().setMinimumSectionSize(56)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.cellClicked.connect(self._on_cell_clicked)

    def set_matrix(self, classes: Sequence[str], counts: Sequence[Sequence[int]]) -> None:
        """Show ``counts[true][predicted]`` for ``classes`` (empty: nothing)."""
        self._classes = [str(c) for c in classes]
        n = len(self._classes)
        self._counts = [[int(v) for v in list(row)[:n]] + [0] * (n - len(row)) for row in list(counts)[:n]]
        self._counts += [[0] * n for _ in range(n - len(self._counts))]
        self.clear()
        self.setRowCount(n)
        self.setColumnCount(n)
        self.setHorizontalHeaderLabels([translate('confusion', 'said {c}').format(c=c) for c in self._classes])
        self.setVerticalHeaderLabels([translate('confusion', 'is {c}').format(c=c) for c in self._classes])
        bold = QFont(self.font())
        bold.setBold(True)
        for i, row in enumerate(self._counts):
            total = sum(row)
            for j, count in enumerate(row):
                item = QTableWidgetItem(str(count))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setBackground(cell_colour(count, total, i == j))
                if i == j:
                    item.setFont(bold)
                truth, said = self._classes[i], self._classes[j]
                if count and i == j:
                    tip = translate('confusion', "{count} photos of '{truth}' were recognised. Click to "
                                                   'see them.').format(count=count, truth=truth)
                elif count:
                    tip = translate('confusion', "{count} photos of '{truth}' were called '{said}'. Click "
                                                   'to see and fix them.').format(count=count, truth=truth, said=said)
                else:
                    tip = translate('confusion', "No photo of '{truth}' was called '{said}'.").format(truth=truth, said=said)
                item.setToolTip(tip)
                self.setItem(i, j, item)
        self.resizeColumnsToContents()
        self.resizeRowsToContents()
        self.updateGeometry()

    def count(self, true: str, predicted: str) -> int:
        i, j = self._classes.index(true), self._classes.index(predicted)
        return self._counts[i][j]

    def classes(self) -> list[str]:
        return list(self._classes)

    def click_cell(self, true: str, predicted: str) -> None:
        """As a click on that cell (tests and keyboard users)."""
        self._on_cell_clicked(self._classes.index(true), self._classes.index(predicted))

    @Slot(int, int)
    def _on_cell_clicked(self, row: int, column: int) -> None:
        if 0 <= row < len(self._counts) and 0 <= column < len(self._counts) and self._counts[row][column]:
            self.cell_clicked.emit(self._classes[row], self._classes[column])
