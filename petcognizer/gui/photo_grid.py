"""The photo grid of the Data page and the empty state shown in its place.

Photos dragged out of the grid carry the internal mime type
:data:`~petcognizer.gui.thumbnails.PATHS_MIME` (relabel by dropping them on a
class card); files from the file manager and pictures from a web browser
dropped on the grid or the empty state are added to the class shown
(``mime_dropped``, read by :func:`petcognizer.gui.mimedrop.read_mime`).

Captions (:class:`CaptionDelegate`) are drawn below the photo, wrapped, never
over it, every cell as tall as the longest caption of the class needs (up to
:data:`MAX_CAPTION_LINES` lines), so rows line up; a selected photo gets a
strong blue frame and a tick.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QModelIndex, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDrag,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from petcognizer.gui.mimedrop import has_photos, read_mime
from petcognizer.gui.thumbnails import (
    PATHS_MIME,
    THUMB_SIZE,
    PathRole,
    encode_paths_mime,
)
from petcognizer.gui.i18n import translate

__all__ = ['MAX_CAPTION_LINES', 'CaptionDelegate', 'EmptyState', 'ThumbnailGrid']

#: Captions longer than this many lines are shortened in the middle (the full name is the tooltip).
MAX_CAPTION_LINES = 6
_CELL_W = THUMB_SIZE + 24
_PAD = 4
_WRAP = Qt.TextFlag.TextWrapAnywhere | Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop


def caption_lines(fm: QFontMetrics, text: str, width: int) -> int:
    """Lines ``text`` needs, wrapped anywhere at ``width`` pixels."""
    if fm.horizontalAdvance(text) <= width:
        return 1
    rect = fm.boundingRect(QRect(0, 0, width, 10000), int(_WRAP), text)
    return max(1, math.ceil(rect.height() / max(1, fm.lineSpacing())))


class CaptionDelegate(QStyledItemDelegate):
    """A photo with its caption below it, wrapped, at one height for the whole grid."""

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self.view = view
        self.lines = 1

    def text_width(self) -> int:
        return _CELL_W - 2 * _PAD - 4

    def cell_size(self) -> QSize:
        fm = self.view.fontMetrics()
        return QSize(_CELL_W, THUMB_SIZE + 2 * _PAD + 6 + self.lines * fm.lineSpacing() + 4)

    def fit_captions(self, captions) -> None:
        """Make every cell as tall as the longest caption needs (at most MAX_CAPTION_LINES)."""
        fm = self.view.fontMetrics()
        width = self.text_width()
        short = width // max(1, fm.maxWidth())  # captions this short fit on one line anyway
        lines = 1
        for text in captions:
            text = str(text)
            if len(text) <= short:
                continue
            lines = max(lines, caption_lines(fm, text, width))
            if lines >= MAX_CAPTION_LINES:
                lines = MAX_CAPTION_LINES
                break
        self.lines = lines

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        return self.cell_size()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        cell = QRect(option.rect.topLeft(), self.cell_size()).adjusted(2, 2, -2, -2)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.setPen(QPen(QColor('#2f6fde'), 3))
            painter.setBrush(QColor('#d6e4fb'))
            painter.drawRoundedRect(QRectF(cell).adjusted(1.5, 1.5, -1.5, -1.5), 8, 8)
        elif option.state & QStyle.StateFlag.State_MouseOver:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor('#eef1f5'))
            painter.drawRoundedRect(QRectF(cell), 8, 8)
        pix = index.data(Qt.ItemDataRole.DecorationRole)
        icon_box = QRect(cell.left() + (cell.width() - THUMB_SIZE) // 2, cell.top() + _PAD, THUMB_SIZE, THUMB_SIZE)
        if isinstance(pix, QPixmap) and not pix.isNull():
            size = pix.size().scaled(icon_box.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, size.width(), size.height())
            target.moveCenter(icon_box.center())
            painter.drawPixmap(target, pix)
        if selected:  # a tick in the corner: visible on any photo
            badge = QRect(icon_box.right() - 22, icon_box.top() + 2, 20, 20)
            painter.setPen(QPen(QColor('white'), 2))
            painter.setBrush(QColor('#2f6fde'))
            painter.drawEllipse(badge)
            painter.drawLine(badge.left() + 5, badge.center().y(), badge.center().x() - 1, badge.bottom() - 6)
            painter.drawLine(badge.center().x() - 1, badge.bottom() - 6, badge.right() - 5, badge.top() + 6)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or '')
        fm = QFontMetrics(option.font)
        text_rect = QRect(cell.left() + _PAD, icon_box.bottom() + 6, self.text_width(),
                          self.lines * fm.lineSpacing() + 2)
        if caption_lines(fm, text, text_rect.width()) > self.lines:
            keep = max(8, len(text) * self.lines // caption_lines(fm, text, text_rect.width()) - 2)
            text = text[: keep // 2] + ' … ' + text[-(keep // 2):]
        painter.setPen(QColor('#0d2a5c') if selected else QColor('#2b3037'))
        painter.drawText(text_rect, int(_WRAP), text)
        if option.state & QStyle.StateFlag.State_HasFocus:
            painter.setPen(QPen(QColor('#1a56c4'), 1, Qt.PenStyle.DotLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(cell).adjusted(0.5, 0.5, -0.5, -0.5), 8, 8)
        painter.restore()


class ThumbnailGrid(QListView):
    """The photos of one bin as a grid of thumbnails (a view over ThumbnailModel).

    Signals:
        files_dropped(list): file-manager paths dropped on the grid.
        label_key_pressed(int): 0-9 pressed with photos selected.
        delete_key_pressed(): Delete or Backspace pressed.
    """

    files_dropped = Signal(list)
    mime_dropped = Signal(object)
    label_key_pressed = Signal(int)
    delete_key_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName('ThumbnailGrid')
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        # One pass: with uniform sizes on a grid, laying out 10,000 photos is arithmetic (~ms),
        # and the scroll bar is right at once (Batched made "scroll to the end" stop at row 1,000).
        self.setLayoutMode(QListView.LayoutMode.SinglePass)
        self.setIconSize(QSize(THUMB_SIZE, THUMB_SIZE))
        self.caption_delegate = CaptionDelegate(self)
        self.setItemDelegate(self.caption_delegate)
        self.setGridSize(self.caption_delegate.cell_size())
        self.setSpacing(4)
        self.setWordWrap(False)  # the delegate wraps the captions itself
        self.setMouseTracking(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionRectVisible(True)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.viewport().setAcceptDrops(True)  # setMovement(Static) turned it off
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(24)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def setModel(self, model) -> None:
        super().setModel(model)
        model.modelReset.connect(self.fit_captions)
        self.fit_captions()

    def fit_captions(self) -> None:
        """Cells as tall as the longest caption needs (called when the photos change)."""
        model = self.model()
        if model is None:
            return
        if hasattr(model, 'captions'):
            captions = model.captions()
        else:
            role = Qt.ItemDataRole.DisplayRole
            captions = [model.index(r).data(role) for r in range(model.rowCount())]
        self.caption_delegate.fit_captions(captions)
        size = self.caption_delegate.cell_size()
        if size != self.gridSize():  # a new grid size lays every item out again
            self.setGridSize(size)

    def startDrag(self, supported_actions: Qt.DropAction) -> None:
        """Drag the selected photos with our own mime type (the bins do the move)."""
        indexes = self.selectedIndexes()
        if not indexes:
            return
        paths = [i.data(PathRole) for i in sorted(indexes, key=lambda i: i.row())]
        drag = QDrag(self)
        drag.setMimeData(encode_paths_mime(paths))
        icon = indexes[0].data(Qt.ItemDataRole.DecorationRole)
        if isinstance(icon, QPixmap):
            pix = icon.scaled(64, 64, Qt.AspectRatioMode.KeepAspectRatio)
            if len(paths) > 1:
                p = QPainter(pix)
                p.setRenderHint(QPainter.RenderHint.Antialiasing)
                p.setBrush(QColor('#2f6fde'))
                p.setPen(Qt.PenStyle.NoPen)
                p.drawEllipse(pix.width() - 24, 0, 24, 24)
                p.setPen(QColor('white'))
                p.drawText(QRect(pix.width() - 24, 0, 24, 24), Qt.AlignmentFlag.AlignCenter, str(len(paths)))
                p.end()
            drag.setPixmap(pix)
        drag.exec(Qt.DropAction.MoveAction)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if has_photos(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if has_photos(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        if event.mimeData().hasFormat(PATHS_MIME):
            event.ignore()  # dropped back on its own bin: nothing to do
            return
        photos = read_mime(event.mimeData())
        if photos:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.mime_dropped.emit(photos)
        else:
            event.ignore()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if Qt.Key.Key_0 <= key <= Qt.Key.Key_9 and not (
            event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        ):
            self.label_key_pressed.emit(int(key - Qt.Key.Key_0))
            event.accept()
            return
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_key_pressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class EmptyState(QFrame):
    """What the photo area shows for an empty bin: what to do, and drop target."""

    files_dropped = Signal(list)
    mime_dropped = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName('EmptyState')
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        self.title = QLabel(translate('photo_grid', 'Drop photos here'))
        self.title.setObjectName('EmptyTitle')
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text = QLabel()
        self.text.setObjectName('EmptyText')
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        row = QHBoxLayout()
        row.addStretch(1)
        self.add_photos_button = QPushButton(translate('photo_grid', 'Add photos…'))
        self.add_folder_button = QPushButton(translate('photo_grid', 'Add folder…'))
        self.add_photos_button.setObjectName('PrimaryButton')
        row.addWidget(self.add_photos_button)
        row.addWidget(self.add_folder_button)
        row.addStretch(1)
        layout.addSpacing(12)
        layout.addLayout(row)
        layout.addStretch(3)

    def show_no_project(self) -> None:
        self.title.setText(translate('photo_grid', 'No project open'))
        self.text.setText(translate('photo_grid', 'Choose File ▸ New project… (Ctrl+N) or File ▸ Open project… (Ctrl+O) to start.'))
        self.add_photos_button.hide()
        self.add_folder_button.hide()

    def set_bin(self, name: str | None, n_classes: int) -> None:
        self.add_photos_button.show()
        self.add_folder_button.show()
        if name is None:
            self.title.setText(translate('photo_grid', 'No unlabelled photos'))
            self.text.setText(
                translate('photo_grid', 'Drop photos or folders here (from your file manager or a web browser), paste them '
                'with Ctrl+V, or click Add photos…\nThen drag them onto a class card, or select them '
                'and press 1–9.')
            )
        else:
            self.title.setText(translate('photo_grid', "No photos of '{name}' yet").format(name=name))
            self.text.setText(
                translate('photo_grid', "Drop photos of '{name}' here or on its card, paste them with "
                                          'Ctrl+V, or click Add photos…\nOne photo is enough to start; three '
                                          'or more give an honest accuracy estimate; more, in different '
                                          'places and light, help most.').format(name=name)
            )

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if has_photos(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        photos = read_mime(event.mimeData())
        if photos:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.mime_dropped.emit(photos)
        else:
            event.ignore()


# ---------------------------------------------------------------------------- panels
