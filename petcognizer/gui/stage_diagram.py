"""The backbone's stages drawn as boxes: frozen grey with a lock, training coloured."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget
from petcognizer.gui.i18n import translate

__all__ = ['StageDiagramWidget']


class StageDiagramWidget(QWidget):
    """The backbone's stages as a row of boxes: frozen grey with a lock, training coloured.

    The last box is the new head, which always trains.
    """

    FROZEN = QColor('#d9d9d9')
    FROZEN_TEXT = QColor('#6b6b6b')
    TRAINS = QColor('#4a90d9')
    HEAD = QColor('#2e9d57')

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stages: tuple[str, ...] = ()
        self._depth = 0
        self.setMinimumHeight(64)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(360, 64)

    def set_stages(self, stages: tuple[str, ...] | list[str]) -> None:
        self._stages = tuple(stages)
        self._depth = min(self._depth, len(self._stages))
        self.update()

    def set_freeze_depth(self, depth: int) -> None:
        self._depth = max(0, min(int(depth), len(self._stages)))
        self.update()

    def is_frozen(self, index: int) -> bool:
        return index < len(self._stages) - self._depth

    def paintEvent(self, _event) -> None:
        names = list(self._stages) + [translate('stage_diagram', 'new head')]
        n = len(names)
        if n == 0:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = self.width(), self.height()
        gap = 3.0
        arrow_h = 14.0
        box_w = (w - gap * (n - 1) - 2) / n
        box_h = h - arrow_h - 2
        font = QFont(self.font())
        font.setPointSizeF(max(6.5, min(9.0, box_w / 7.5)))
        p.setFont(font)
        for i, name in enumerate(names):
            x = 1 + i * (box_w + gap)
            rect = QRectF(x, 1, box_w, box_h)
            head = i == n - 1
            frozen = not head and self.is_frozen(i)
            fill = self.HEAD if head else (self.FROZEN if frozen else self.TRAINS)
            p.setPen(QPen(fill.darker(125), 1))
            p.setBrush(fill)
            p.drawRoundedRect(rect, 4, 4)
            p.setPen(self.FROZEN_TEXT if frozen else QColor('white'))
            text_rect = rect.adjusted(2, 2, -2, -16 if frozen else -2)
            label = name.replace('_', ' ')
            p.drawText(text_rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, label)
            if frozen:
                self._draw_lock(p, rect.center().x(), rect.bottom() - 9)
        # "image -> classes" arrow under the boxes, with its caption in a gap of the line
        small = QFont(self.font())
        small.setPointSizeF(7.0)
        p.setFont(small)
        caption = translate('stage_diagram', 'image → features → classes')
        tw = p.fontMetrics().horizontalAdvance(caption) + 12
        y = h - arrow_h / 2
        mid = w / 2
        p.setPen(QPen(QColor('#999'), 1))
        p.drawLine(QPointF(4, y), QPointF(mid - tw / 2, y))
        p.drawLine(QPointF(mid + tw / 2, y), QPointF(w - 6, y))
        p.drawLine(QPointF(w - 6, y), QPointF(w - 11, y - 3))
        p.drawLine(QPointF(w - 6, y), QPointF(w - 11, y + 3))
        p.setPen(QColor('#666'))
        p.drawText(QRectF(mid - tw / 2, h - arrow_h, tw, arrow_h), Qt.AlignmentFlag.AlignCenter, caption)
        p.end()

    @staticmethod
    def _draw_lock(p: QPainter, cx: float, cy: float) -> None:
        color = QColor('#7a7a7a')
        p.setPen(QPen(color, 1.4))
        p.setBrush(Qt.BrushStyle.NoBrush)
        shackle = QPainterPath()
        shackle.moveTo(cx - 3, cy - 1)
        shackle.lineTo(cx - 3, cy - 4)
        shackle.arcTo(QRectF(cx - 3, cy - 7, 6, 6), 180, -180)
        shackle.lineTo(cx + 3, cy - 1)
        p.drawPath(shackle)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(color)
        p.drawRoundedRect(QRectF(cx - 4.5, cy - 1.5, 9, 7), 1.5, 1.5)
