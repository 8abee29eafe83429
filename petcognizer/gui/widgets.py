"""Small widgets shared by the pages."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QToolButton,
    QWidget,
)

__all__ = ['BannerLabel', 'ProgressRow']


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
        close.setToolTip('Dismiss')
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
        self.cancel_button = QPushButton('Cancel')
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.label)
        lay.addWidget(self.bar, 1)
        lay.addWidget(self.cancel_button)
        self.hide()
