"""The class bins of the Data page: Unlabelled first, then the classes, with counts.

Drops accepted on a bin: files or folders from the file manager (add them to
that bin) and photos dragged from the grid (relabel them).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QPainter,
    QPen,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from petcognizer.gui.thumbnails import PATHS_MIME, decode_paths_mime, urls_to_paths

__all__ = ['BinRole', 'ClassBinList', 'ColorRole', 'CountRole', 'KeyRole', 'MatchRole']

#: Item data role of a bin: the class name, or '' for Unlabelled.
BinRole = Qt.ItemDataRole.UserRole + 10
CountRole = Qt.ItemDataRole.UserRole + 11
ColorRole = Qt.ItemDataRole.UserRole + 12
KeyRole = Qt.ItemDataRole.UserRole + 13
#: Item data role of a class bin: its ImageNet match as shown ("→ domestic cat", "no match").
MatchRole = Qt.ItemDataRole.UserRole + 14

_UNLABELLED = ''


class _BinDelegate(QStyledItemDelegate):
    """Draws a bin: swatch, name, and the photo count right-aligned."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        if index.data(MatchRole):
            line = option.fontMetrics.height()
            return QSize(size.width(), max(size.height(), 2 * line + 14, 44))
        return QSize(size.width(), max(size.height(), 34))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ''
        style = opt.widget.style() if opt.widget else _app_style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        if getattr(opt.widget, 'drop_row', -1) == index.row():
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(QColor('#2f6fde'), 2))
            painter.setBrush(QColor('#dbe8fb'))
            painter.drawRoundedRect(QRectF(opt.rect).adjusted(1, 1, -1, -1), 6, 6)
            painter.restore()
        rect = opt.rect.adjusted(10, 0, -8, 0)
        fm = opt.fontMetrics
        count = str(index.data(CountRole) or 0)
        unlabelled = index.data(BinRole) == _UNLABELLED
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # colour swatch (a grey ring for Unlabelled)
        sw = QRect(rect.left(), rect.center().y() - 6, 12, 12)
        if unlabelled:
            painter.setPen(QPen(QColor('#9aa0a6'), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(sw.adjusted(1, 1, -1, -1))
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(index.data(ColorRole) or '#9aa0a6'))
            painter.drawRoundedRect(sw, 3, 3)
        # count pill on the right
        pill_w = max(28, fm.horizontalAdvance(count) + 14)
        pill = QRect(rect.right() - pill_w, rect.center().y() - 10, pill_w, 20)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor('#e9ecf0') if count != '0' else QColor('#f3f4f6'))
        painter.drawRoundedRect(pill, 10, 10)
        painter.setPen(QColor('#3c424a') if count != '0' else QColor('#9aa0a6'))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, count)
        # name, and under it the ImageNet match, dimmed
        left = sw.right() + 10
        name_rect = QRect(left, rect.top(), pill.left() - left - 8, rect.height())
        match = index.data(MatchRole)
        painter.setPen(QColor('#5f6670') if unlabelled else QColor('#1f2329'))
        if match:
            line = fm.height()
            top = rect.center().y() - line
            name_rect = QRect(left, top, name_rect.width(), line)
            match_rect = QRect(left, top + line + 1, name_rect.width(), line)
        painter.drawText(
            name_rect,
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            fm.elidedText(text, Qt.TextElideMode.ElideRight, name_rect.width()),
        )
        if match:
            font = painter.font()
            font.setPointSizeF(max(7.0, font.pointSizeF() * 0.88))
            painter.setFont(font)
            painter.setPen(QColor('#8a9099') if match != 'no match' else QColor('#aab0b7'))
            small = painter.fontMetrics()
            painter.drawText(
                match_rect,
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                small.elidedText(match, Qt.TextElideMode.ElideRight, match_rect.width()),
            )
        painter.restore()


def _app_style() -> QStyle:
    return QApplication.style()


class ClassBinList(QListWidget):
    """The bins: Unlabelled first, then the classes in order.

    Signals:
        bin_selected(object): class name, or None for Unlabelled.
        files_dropped(list, object): file-manager paths dropped on a bin.
        photos_dropped(list, object): photos dragged from the grid onto a bin.
        context_menu_requested(object, QPoint): right click on a bin (global pos).
    """

    bin_selected = Signal(object)
    files_dropped = Signal(list, object)
    photos_dropped = Signal(list, object)
    context_menu_requested = Signal(object, QPoint)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName('ClassBinList')
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(False)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.viewport().setAcceptDrops(True)
        self.setItemDelegate(_BinDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._on_customContextMenuRequested)
        self.currentItemChanged.connect(self._on_currentItemChanged)
        self._updating = False
        #: Row under a drag (drawn as the drop target), or -1.
        self.drop_row = -1

    def set_bins(
        self,
        classes: Sequence[str],
        counts: dict[str, int],
        colors: dict[str, str],
        n_unlabelled: int,
        current: str | None,
        matches: dict[str, str] | None = None,
    ) -> None:
        """Rebuild the list, keeping ``current`` selected (no bin_selected emitted).

        Args:
            matches: per class, its ImageNet match as text ("→ domestic cat",
                "no match"), drawn dimmed under the name.
        """
        matches = matches or {}
        self._updating = True
        try:
            self.clear()
            item = QListWidgetItem('Unlabelled')
            item.setData(BinRole, _UNLABELLED)
            item.setData(CountRole, n_unlabelled)
            item.setData(KeyRole, '0')
            item.setToolTip('Photos without a class. Press 0 to move selected photos here.')
            self.addItem(item)
            for i, name in enumerate(classes):
                item = QListWidgetItem(name)
                item.setData(BinRole, name)
                item.setData(CountRole, counts.get(name, 0))
                item.setData(ColorRole, colors.get(name))
                key = str(i + 1) if i < 9 else ''
                item.setData(KeyRole, key)
                match = matches.get(name)
                item.setData(MatchRole, match)
                tip = f"Class '{name}': {counts.get(name, 0)} photos."
                if key:
                    tip += f' Press {key} to label selected photos as {name}.'
                if match:
                    meaning = 'nothing ImageNet knows' if match == 'no match' else match[2:]
                    tip += (
                        f'\nImageNet match: {meaning}. Right-click ▸ ImageNet match… to change it.'
                    )
                item.setToolTip(tip)
                self.addItem(item)
            self.select_bin(current)
        finally:
            self._updating = False

    def bin_at_row(self, row: int) -> str | None:
        item = self.item(row)
        name = item.data(BinRole) if item else _UNLABELLED
        return None if name == _UNLABELLED else name

    def row_of(self, name: str | None) -> int:
        key = _UNLABELLED if name is None else name
        for row in range(self.count()):
            if self.item(row).data(BinRole) == key:
                return row
        return -1

    def select_bin(self, name: str | None) -> None:
        row = self.row_of(name)
        self.setCurrentRow(max(row, 0))

    def _bin_at(self, pos: QPoint) -> tuple[bool, str | None]:
        item = self.itemAt(pos)
        if item is None:
            return False, None
        name = item.data(BinRole)
        return True, (None if name == _UNLABELLED else name)

    # -- drops --------------------------------------------------------------
    def _acceptable(self, event: QDropEvent | QDragMoveEvent) -> bool:
        mime = event.mimeData()
        return bool(mime and (mime.hasFormat(PATHS_MIME) or mime.hasUrls()))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._acceptable(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        found, _ = self._bin_at(event.position().toPoint())
        if found and self._acceptable(event):
            self._highlight(self.itemAt(event.position().toPoint()))
            event.acceptProposedAction()
        else:
            self._highlight(None)
            event.ignore()

    def dragLeaveEvent(self, event) -> None:
        self._highlight(None)
        super().dragLeaveEvent(event)

    def _highlight(self, item: QListWidgetItem | None) -> None:
        row = self.row(item) if item is not None else -1
        if row != self.drop_row:
            self.drop_row = row
            self.viewport().update()

    def dropEvent(self, event: QDropEvent) -> None:
        self._highlight(None)
        found, target = self._bin_at(event.position().toPoint())
        if not found:
            event.ignore()
            return
        mime = event.mimeData()
        photos = decode_paths_mime(mime)
        if photos:
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
            self.photos_dropped.emit(photos, target)
            return
        files = urls_to_paths(mime)
        if files:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.files_dropped.emit(files, target)
            return
        event.ignore()

    # -- slots --------------------------------------------------------------
    def _on_currentItemChanged(self, current: QListWidgetItem | None, _previous) -> None:
        if self._updating or current is None:
            return
        name = current.data(BinRole)
        self.bin_selected.emit(None if name == _UNLABELLED else name)

    def _on_customContextMenuRequested(self, pos: QPoint) -> None:
        found, name = self._bin_at(pos)
        if found:
            self.context_menu_requested.emit(name, self.viewport().mapToGlobal(pos))
