"""Small widgets shared by the pages."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QProgressBar,
    QPushButton,
    QToolButton,
    QWidget,
)
from petcognizer.gui.i18n import translate

__all__ = ['BannerLabel', 'FlowLayout', 'ProgressRow']


class BannerLabel(QFrame):
    """A coloured inline message with a close button (no modal dialogs)."""

    STYLES = {
        'error': ('#fdecea', '#b71c1c', '#f5c2c0'),
        'warning': ('#fff8e1', '#7a5200', '#f3d98b'),
        'info': ('#e8f1fb', '#0d3c61', '#b9d3ee'),
    }

    def __init__(self, kind: str = 'info', parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName('banner')
        self.set_kind(kind)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 4, 4, 4)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.label, 1)
        close = QToolButton()
        close.setText('✕')
        close.setAutoRaise(True)
        close.setToolTip(translate('widgets', 'Dismiss'))
        close.clicked.connect(self.hide)
        lay.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def set_kind(self, kind: str) -> None:
        """'error', 'warning' or 'info': the banner's colours."""
        bg, fg, border = self.STYLES.get(kind, self.STYLES['info'])
        self.setStyleSheet(
            f'QFrame#banner {{ background: {bg}; border: 1px solid {border}; border-radius: 4px; }}'
            f'QLabel {{ color: {fg}; background: transparent; border: none; }}'
        )

    def show_text(self, text: str) -> None:
        self.label.setText(text)
        self.show()

    def text(self) -> str:
        return self.label.text()


class ProgressRow(QWidget):
    """A thin progress line for background work: text, bar and a Cancel button (hidden at first)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(8)
        self.cancel_button = QPushButton(translate('widgets', 'Cancel'))
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.label)
        lay.addWidget(self.bar, 1)
        lay.addWidget(self.cancel_button)
        self.hide()


class FlowLayout(QLayout):
    """Lays widgets out left to right and wraps them into rows (Qt's flow layout example).

    Each row is as tall as its tallest item; ``heightForWidth`` gives the
    height the items need at a width, so a scroll area can size itself.
    """

    def __init__(self, parent: QWidget | None = None, spacing: int = 10) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

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
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    @staticmethod
    def _item_size(item: QLayoutItem) -> QSize:
        hint = item.sizeHint()
        if item.hasHeightForWidth():
            hint.setHeight(max(hint.height(), item.heightForWidth(hint.width())))
        return hint

    def _do_layout(self, rect: QRect, apply: bool) -> int:
        """Place the items in rows; each row's items get the row's height. Returns the height used."""
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        rows: list[list[tuple[QLayoutItem, QSize]]] = [[]]
        x = area.x()
        for item in self._items:
            w = item.widget()
            if w is not None and w.isHidden():
                continue
            size = self._item_size(item)
            if rows[-1] and x + size.width() > area.right() + 1:
                rows.append([])
                x = area.x()
            rows[-1].append((item, size))
            x += size.width() + self._spacing
        y = area.y()
        for row in rows:
            if not row:
                continue
            row_h = max(size.height() for _, size in row)
            x = area.x()
            for item, size in row:
                if apply:
                    item.setGeometry(QRect(QPoint(x, y), QSize(size.width(), row_h)))
                x += size.width() + self._spacing
            y += row_h + self._spacing
        used = y - self._spacing if any(rows) else y
        return used - rect.y() + m.bottom()
