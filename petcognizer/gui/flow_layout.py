"""A layout that places its items left to right and wraps them onto new lines (Qt's flow layout example).

Used for the Predict page's grid of photo cards (as many columns as the width
allows) and its row of class filters (which wrap instead of running off the
window at 1024 px).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget, QWidgetItem

__all__ = ['FlowLayout']


class FlowLayout(QLayout):
    """Items in reading order, wrapped at the layout's width; hidden widgets take no room.

    Args:
        spacing: pixels between items, across and down.
        uniform: give every item on a line the height of the tallest one (cards line up).
    """

    def __init__(self, parent: QWidget | None = None, spacing: int = 6, uniform: bool = False) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._uniform = uniform
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    # ------------------------------------------------------------ QLayout

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def insertWidget(self, index: int, widget: QWidget) -> None:
        """Put ``widget`` at ``index`` (the end for ``index`` < 0 or past the end)."""
        self.addChildWidget(widget)
        item = QWidgetItem(widget)
        if index < 0 or index >= len(self._items):
            self._items.append(item)
        else:
            self._items.insert(index, item)
        self.invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._do_layout(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._do_layout(rect, apply=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    # ------------------------------------------------------------ placing

    def _visible(self) -> list[QLayoutItem]:
        out = []
        for item in self._items:
            w = item.widget()
            if w is not None and w.isHidden():
                continue
            out.append(item)
        return out

    def _item_size(self, item: QLayoutItem, width: int) -> QSize:
        hint = item.sizeHint()
        w = min(hint.width(), width)
        if item.hasHeightForWidth():
            return QSize(w, item.heightForWidth(w))
        return QSize(w, hint.height())

    def _do_layout(self, rect: QRect, apply: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y = area.x(), area.y()
        lines: list[list[tuple[QLayoutItem, QSize]]] = [[]]
        for item in self._visible():
            size = self._item_size(item, max(1, area.width()))
            if lines[-1] and x + size.width() > area.right() + 1:
                lines.append([])
                x = area.x()
            lines[-1].append((item, size))
            x += size.width() + self.spacing()
        for line in lines:
            if not line:
                continue
            height = max(size.height() for _, size in line)
            x = area.x()
            for item, size in line:
                if apply:
                    h = height if self._uniform else size.height()
                    item.setGeometry(QRect(QPoint(x, y), QSize(size.width(), h)))
                x += size.width() + self.spacing()
            y += height + self.spacing()
        used = y - self.spacing() if any(lines) and lines[0] else y
        return used - rect.y() + m.bottom()
