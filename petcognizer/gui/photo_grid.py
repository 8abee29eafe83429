"""The photo grid of the Data page and the empty state shown in its place.

Photos dragged out of the grid carry the internal mime type
:data:`~petcognizer.gui.thumbnails.PATHS_MIME` (relabel by dropping them on a
bin); files from the file manager dropped on the grid or the empty state are
added to the selected bin.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDrag,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QPainter,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from petcognizer.gui.thumbnails import (
    PATHS_MIME,
    THUMB_SIZE,
    PathRole,
    encode_paths_mime,
    urls_to_paths,
)

__all__ = ['EmptyState', 'ThumbnailGrid']


class ThumbnailGrid(QListView):
    """The photos of one bin as a grid of thumbnails (a view over ThumbnailModel).

    Signals:
        files_dropped(list): file-manager paths dropped on the grid.
        label_key_pressed(int): 0-9 pressed with photos selected.
        delete_key_pressed(): Delete or Backspace pressed.
    """

    files_dropped = Signal(list)
    label_key_pressed = Signal(int)
    delete_key_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName('ThumbnailGrid')
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(500)
        self.setIconSize(QSize(THUMB_SIZE, THUMB_SIZE))
        self.setGridSize(QSize(THUMB_SIZE + 24, THUMB_SIZE + 30))
        self.setSpacing(4)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
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
        if event.mimeData().hasUrls() and not event.mimeData().hasFormat(PATHS_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasUrls() and not event.mimeData().hasFormat(PATHS_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        if event.mimeData().hasFormat(PATHS_MIME):
            event.ignore()  # dropped back on its own bin: nothing to do
            return
        files = urls_to_paths(event.mimeData())
        if files:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.files_dropped.emit(files)
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

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName('EmptyState')
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        self.title = QLabel('Drop photos here')
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
        self.add_photos_button = QPushButton('Add photos…')
        self.add_folder_button = QPushButton('Add folder…')
        self.add_photos_button.setObjectName('PrimaryButton')
        row.addWidget(self.add_photos_button)
        row.addWidget(self.add_folder_button)
        row.addStretch(1)
        layout.addSpacing(12)
        layout.addLayout(row)
        layout.addStretch(3)

    def show_no_project(self) -> None:
        self.title.setText('No project open')
        self.text.setText('Choose File ▸ New project… or File ▸ Open project… to start.')
        self.add_photos_button.hide()
        self.add_folder_button.hide()

    def set_bin(self, name: str | None, n_classes: int) -> None:
        self.add_photos_button.show()
        self.add_folder_button.show()
        if name is None:
            self.title.setText('No unlabelled photos')
            self.text.setText(
                'Drop photos or folders from your file manager here, or click Add photos…\n'
                'Then drag them onto a class on the left, or select them and press 1–9.'
            )
        else:
            self.title.setText(f"No photos of '{name}' yet")
            self.text.setText(
                f"Drop photos of '{name}' here, or click Add photos…\n"
                'Tip: 20 or more photos per class, taken in different places and light, work best.'
            )

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        files = urls_to_paths(event.mimeData())
        if files:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.files_dropped.emit(files)
        else:
            event.ignore()


# ---------------------------------------------------------------------------- panels
