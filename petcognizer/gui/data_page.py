"""The Data page: class bins on the left, the selected bin's photos on the right.

Everything that changes the project goes through the core
(:class:`petcognizer.core.project.Project`) and, once done, onto the window's
``QUndoStack`` as a command from :mod:`petcognizer.gui.undo`. Adding photos
(which copies and verifies every file) runs on a worker thread from
:mod:`petcognizer.gui.workers`; thumbnails come from
:mod:`petcognizer.gui.thumbnails`.

Drops accepted:

* files or folders from the file manager onto a bin, onto the grid or its
  empty state (into the selected bin);
* photos dragged from the grid onto another bin (relabel; internal mime type
  :data:`~petcognizer.gui.thumbnails.PATHS_MIME`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QDrag,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QPainter,
    QPen,
    QPixmap,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from petcognizer.core.events import StageProgress
from petcognizer.core.images import IMAGE_EXTENSIONS
from petcognizer.gui.class_match_dialog import (
    ClassMatchCommand,
    ClassMatchDialog,
    current_match,
    describe_match,
)
from petcognizer.gui.suggestions import NO_PRIOR_TEXT, SuggestionsPanel, latest_model_path
from petcognizer.gui.thumbnails import (
    PATHS_MIME,
    THUMB_SIZE,
    PathRole,
    ThumbnailLoader,
    ThumbnailModel,
    decode_paths_mime,
    encode_paths_mime,
)
from petcognizer.gui.undo import (
    AddClassCommand,
    AddFilesCommand,
    DeleteClassCommand,
    DeleteImagesCommand,
    MoveImagesCommand,
    RenameClassCommand,
)
from petcognizer.gui.widgets import BannerLabel, ProgressRow
from petcognizer.gui.workers import Worker, start_worker, stop_worker

__all__ = [
    'MIN_PHOTOS_PER_CLASS',
    'AddReportPanel',
    'ClassBinList',
    'DataPage',
    'MessageBar',
    'SimilarPhotosDialog',
    'ThumbnailGrid',
    'balance_hint',
    'urls_to_paths',
]

_log = logging.getLogger(__name__)

#: Fewer photos than this in a class and the hint asks for more.
MIN_PHOTOS_PER_CLASS = 10
#: Item data role of a bin: the class name, or '' for Unlabelled.
BinRole = Qt.ItemDataRole.UserRole + 10
CountRole = Qt.ItemDataRole.UserRole + 11
ColorRole = Qt.ItemDataRole.UserRole + 12
KeyRole = Qt.ItemDataRole.UserRole + 13
#: Item data role of a class bin: its ImageNet match as shown ("→ domestic cat", "no match").
MatchRole = Qt.ItemDataRole.UserRole + 14

_UNLABELLED = ''
_FILE_FILTER = 'Photos ({})'.format(' '.join(f'*{e}' for e in sorted(IMAGE_EXTENSIONS)))


def _similar_available() -> bool:
    """True if the core has similar-photo search (checked without importing torch)."""
    import importlib.util

    try:
        return importlib.util.find_spec('petcognizer.core.similar') is not None
    except (ImportError, ValueError):
        return False


def urls_to_paths(mime) -> list[Path]:
    """Local files and folders of a drop from the file manager."""
    if mime is None or not mime.hasUrls():
        return []
    return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile() and u.toLocalFile()]


def balance_hint(counts: dict[str, int], n_unlabelled: int = 0) -> str:
    """One sentence telling the user what the data needs next.

    Args:
        counts: photos per class, in class order.
        n_unlabelled: photos waiting in the Unlabelled bin.
    """
    if not counts:
        text = 'Add a class for each kind of photo with "+ Add class", then drop photos onto it.'
    elif len(counts) < 2:
        text = 'Add a second class: a classifier needs at least two classes to choose from.'
    else:
        small = min(counts, key=lambda c: counts[c])
        large = max(counts, key=lambda c: counts[c])
        lo, hi = counts[small], counts[large]
        if lo == 0:
            text = (
                f"'{small}' has no photos yet: drop some onto it "
                f'(at least {MIN_PHOTOS_PER_CLASS} per class).'
            )
        elif lo < MIN_PHOTOS_PER_CLASS:
            text = (
                f'Add at least {MIN_PHOTOS_PER_CLASS} photos per class: '
                f"'{small}' has {lo}."
            )
        elif hi >= 2 * lo:
            text = (
                f'Smallest class has {hi / lo:.0f}× fewer photos than the largest: '
                f"add more photos of '{small}'."
            )
        else:
            text = 'Classes are balanced. Ready to train.'
    if n_unlabelled:
        if n_unlabelled == 1:
            text += ' 1 unlabelled photo is not used for training.'
        else:
            text += f' {n_unlabelled} unlabelled photos are not used for training.'
    return text


# ---------------------------------------------------------------------------- bins


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
    from PySide6.QtWidgets import QApplication

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


# ---------------------------------------------------------------------------- grid


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


class _EmptyState(QFrame):
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
        close = QPushButton('Dismiss')
        close.clicked.connect(self.hide)
        top.addWidget(self.summary, 1)
        top.addWidget(close)
        layout.addLayout(top)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(['File', 'Reason'])
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
            if reason.startswith(prefix):
                reason = reason[len(prefix):]
            item = QTreeWidgetItem([Path(src).name, reason])
            item.setToolTip(0, str(src))
            item.setToolTip(1, reason)
            self.tree.addTopLevelItem(item)
        for src, existing in duplicates:
            item = QTreeWidgetItem([Path(src).name, f'already in the project as {Path(existing).name}'])
            item.setToolTip(0, str(src))
            self.tree.addTopLevelItem(item)
        if not refused and not duplicates:
            self.hide()
            return
        parts = [f'Added {added} photo{"s" if added != 1 else ""} to {target}.']
        problems = []
        if refused:
            n = len(refused)
            problems.append(f'{n} file{"s" if n != 1 else ""} could not be added')
        if duplicates:
            n = len(duplicates)
            problems.append(
                f'{n} duplicate{"s were" if n != 1 else " was"} skipped (already in the project)'
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
        self.setWindowTitle(f'Photos like {query.name}')
        self.resize(720, 480)
        self.status_label = QLabel(f'Looking for photos like {query.name}…')
        self.status_label.setWordWrap(True)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setMaximumHeight(8)
        self.progress_bar.setTextVisible(False)
        self.model = ThumbnailModel(loader, parent=self)
        self.grid = ThumbnailGrid()
        self.grid.setDragEnabled(True)
        self.grid.setModel(self.model)
        close = QPushButton('Close')
        close.clicked.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.grid, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel('Drag photos onto a class to relabel them.'))
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
            self.status_label.setText('No similar photos found.')
        else:
            self.status_label.setText(f'{len(results)} most similar photos, most similar first:')
        self.model.set_paths(
            [p for p, _ in results],
            [f'{label} · {score:.0%}' for (_, score), label in zip(results, labels)],
        )

    def show_error(self, text: str) -> None:
        self.progress_bar.hide()
        self.status_label.setText(f'Could not search: {text}')

    def closeEvent(self, event) -> None:
        self.closed.emit()
        super().closeEvent(event)


# ---------------------------------------------------------------------------- page


class DataPage(QWidget):
    """Class bins, photo grid, drop targets, undoable edits.

    Args:
        undo_stack: the window's stack (a private one if None).

    Signals:
        data_changed(): photos or classes changed (other pages may refresh).
        status_changed(str): a short message for the status bar.
        add_finished(object): an add job ended, with its AddReport.
        busy_changed(bool): an add job started or ended.
    """

    data_changed = Signal()
    status_changed = Signal(str)
    add_finished = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, undo_stack: QUndoStack | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName('DataPage')
        self.project: Any = None
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self._bin: str | None = None
        self._worker: Worker | None = None
        self._thread = None
        self._queue: list[tuple[list[Path], str | None]] = []
        self._training_busy = False
        self._job_target: str | None = None
        self._job_sources: list[Path] = []
        self._job_project: Any = None
        self._similar_worker: Worker | None = None
        self._similar_thread = None
        self.similar_dialog: SimilarPhotosDialog | None = None
        self._suggest_worker: Worker | None = None
        self._suggest_thread = None
        self._suggest_project: Any = None
        self._suggestions_open = False

        self.loader = ThumbnailLoader(parent=self)
        self.model = ThumbnailModel(self.loader, parent=self)

        # left: bins
        self.bins = ClassBinList()
        self.add_class_button = QPushButton('+  Add class')
        self.add_class_button.setToolTip('Add a class (a kind of photo to recognize)')
        self.hint_label = QLabel()
        self.hint_label.setObjectName('HintLabel')
        self.hint_label.setWordWrap(True)
        header = QLabel('Classes')
        header.setObjectName('SectionHeader')
        left = QWidget()
        left.setObjectName('BinPanel')
        left.setFixedWidth(260)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(12, 12, 12, 12)
        lv.setSpacing(8)
        lv.addWidget(header)
        lv.addWidget(self.bins, 1)
        lv.addWidget(self.add_class_button)
        keys = QLabel('Select photos and press 1–9 to put them in that class, 0 for Unlabelled.')
        keys.setObjectName('KeysLabel')
        keys.setWordWrap(True)
        lv.addWidget(keys)
        lv.addWidget(self.hint_label)

        # right: photos
        self.title_label = QLabel()
        self.title_label.setObjectName('BinTitle')
        self.count_label = QLabel()
        self.count_label.setObjectName('BinCount')
        self.add_photos_button = QPushButton('Add photos…')
        self.add_folder_button = QPushButton('Add folder…')
        self.suggest_button = QPushButton('Suggest labels')
        self.suggest_button.setToolTip(
            'Guess a class for every unlabelled photo (from your trained model, or from the '
            'class names when none is trained yet); you check and accept them'
        )
        self.suggest_button.hide()
        head = QHBoxLayout()
        head.setSpacing(10)
        head.addWidget(self.title_label)
        head.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignBaseline)
        head.addStretch(1)
        head.addWidget(self.suggest_button)
        head.addWidget(self.add_photos_button)
        head.addWidget(self.add_folder_button)

        self.grid = ThumbnailGrid()
        self.grid.setModel(self.model)
        self.empty_state = _EmptyState()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_state)
        self.stack.addWidget(self.grid)
        self.suggestions = SuggestionsPanel(self.loader)
        self.stack.addWidget(self.suggestions)

        self.message_bar = MessageBar()
        self.report_panel = AddReportPanel()
        self.progress_row = ProgressRow()
        self.progress_label = self.progress_row.label
        self.progress_bar = self.progress_row.bar
        self.cancel_button = self.progress_row.cancel_button

        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(16, 12, 16, 12)
        rv.setSpacing(8)
        rv.addWidget(self.message_bar)
        rv.addLayout(head)
        rv.addWidget(self.stack, 1)
        rv.addWidget(self.progress_row)
        rv.addWidget(self.report_panel)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(left)
        sep = QFrame()
        sep.setFrameShape(QFrame.Shape.VLine)
        sep.setObjectName('Separator')
        layout.addWidget(sep)
        layout.addWidget(right, 1)

        # wiring
        self.bins.bin_selected.connect(self._on_bin_selected)
        self.bins.files_dropped.connect(self._on_files_dropped)
        self.bins.photos_dropped.connect(self._on_photos_dropped)
        self.bins.context_menu_requested.connect(self._on_bin_context_menu_requested)
        self.add_class_button.clicked.connect(self._on_add_class_clicked)
        self.grid.files_dropped.connect(self._on_grid_files_dropped)
        self.grid.label_key_pressed.connect(self._on_label_key_pressed)
        self.grid.delete_key_pressed.connect(self.delete_selected)
        self.grid.customContextMenuRequested.connect(self._on_grid_context_menu_requested)
        self.grid.doubleClicked.connect(self._on_grid_doubleClicked)
        self.empty_state.files_dropped.connect(self._on_grid_files_dropped)
        for button in (self.add_photos_button, self.empty_state.add_photos_button):
            button.clicked.connect(self._on_add_photos_clicked)
        for button in (self.add_folder_button, self.empty_state.add_folder_button):
            button.clicked.connect(self._on_add_folder_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.suggest_button.clicked.connect(self._on_suggest_clicked)
        self.suggestions.accept_requested.connect(self._on_suggestions_accept_requested)
        self.suggestions.cancel_requested.connect(self._on_suggestions_cancel_requested)
        self.suggestions.close_requested.connect(self._on_suggestions_close_requested)
        self.set_project(None)

    # ------------------------------------------------------------------ project
    def set_project(self, project: Any) -> None:
        """Show ``project`` (None: nothing)."""
        self._cancel_jobs()
        self._cancel_suggest()
        self._suggestions_open = False
        self.project = project
        self.loader.clear_pending()
        self.loader.cache_dir = (Path(project.cache_dir) / 'thumbs') if project is not None else None
        self.message_bar.hide()
        self.report_panel.hide()
        if project is None:
            self._bin = None
        elif project.n_unlabelled or not project.classes:
            self._bin = None
        else:
            self._bin = project.classes[0]
        self.refresh()

    def current_bin(self) -> str | None:
        """The selected bin: a class name, or None for Unlabelled."""
        return self._bin

    def select_bin(self, name: str | None) -> None:
        self._bin = name
        self.refresh()

    def refresh(self, keep_row: int | None = None) -> None:
        """Re-read the project into the bins, grid, counts and hint."""
        project = self.project
        enabled = project is not None
        for w in (self.add_class_button, self.add_photos_button, self.add_folder_button, self.bins):
            w.setEnabled(enabled)
        if project is None:
            self._suggestions_open = False
            self.suggest_button.hide()
            self.bins.clear()
            self.model.set_paths([])
            self.title_label.setText('No project open')
            self.count_label.setText('')
            self.hint_label.setText('')
            self.hint_label.hide()
            self.empty_state.show_no_project()
            self.stack.setCurrentWidget(self.empty_state)
            return
        if self._bin is not None and self._bin not in project.classes:
            self._bin = None
        counts = project.counts()
        colors = {c: project.class_color(c) for c in project.classes}
        matches = {c: describe_match(c, project.class_matches) for c in project.classes}
        self.bins.set_bins(project.classes, counts, colors, project.n_unlabelled, self._bin, matches)
        paths = project.images(self._bin)
        self.model.set_paths(paths)
        self.title_label.setText('Unlabelled' if self._bin is None else self._bin)
        n = len(paths)
        self.count_label.setText(f'{n} photo{"s" if n != 1 else ""}')
        self.hint_label.setText(balance_hint(counts, project.n_unlabelled))
        self.hint_label.show()
        self.empty_state.set_bin(self._bin, len(project.classes))
        can_suggest = self._bin is None and bool(paths) and len(project.classes) >= 2
        self.suggest_button.setVisible(can_suggest)
        self.suggest_button.setEnabled(not self.is_suggesting())
        if self._suggestions_open and (self._bin is not None or not paths):
            self.close_suggestions()
        if self._suggestions_open:
            # Photos labelled meanwhile (or by an accept) leave the list.
            unlabelled = {os.fspath(p) for p in paths}
            self.suggestions.remove_paths(
                [p for p, *_ in self.suggestions.rows() if os.fspath(p) not in unlabelled]
            )
            self.stack.setCurrentWidget(self.suggestions)
            return
        self.stack.setCurrentWidget(self.grid if paths else self.empty_state)
        if keep_row is not None and paths:
            row = min(keep_row, len(paths) - 1)
            idx = self.model.index(row)
            self.grid.selectionModel().setCurrentIndex(
                idx, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
            self.grid.scrollTo(idx)

    def _changed(self, keep_row: int | None = None) -> None:
        """After any change: refresh (keeping the cursor near ``keep_row``) and tell the other pages."""
        if self.project is None:
            return
        self.refresh(keep_row=keep_row)
        self.data_changed.emit()

    # ------------------------------------------------------------------ selection
    def selected_paths(self) -> list[Path]:
        rows = sorted({i.row() for i in self.grid.selectionModel().selectedIndexes()})
        return [self.model.path_at(r) for r in rows]

    def select_paths(self, paths: Sequence[Path]) -> None:
        sel = self.grid.selectionModel()
        sel.clearSelection()
        for p in paths:
            row = self.model.row_of(p)
            if row >= 0:
                sel.select(self.model.index(row), QItemSelectionModel.SelectionFlag.Select)

    # ------------------------------------------------------------------ errors
    def show_error(self, text: str) -> None:
        """A readable, non-blocking error above the photos (and in the status bar)."""
        self.message_bar.show_message(text, 'error')
        self.status_changed.emit(text)

    def _on_command_error(self, what: str, exc: BaseException) -> None:
        self.show_error(f'{what} failed: {exc}')

    def _guard(self) -> bool:
        """False (with a message) if an edit must wait for the running add."""
        if self.project is None:
            return False
        if self.is_busy():
            self.status_changed.emit('Wait until the photos being added are in, then try again.')
            return False
        if self._training_busy:
            # the training thread reads the class lists and writes the run record
            self.status_changed.emit('Training is running: wait for it to finish, or stop it, '
                                     'before changing classes or photos.')
            return False
        return True

    def set_training_busy(self, busy: bool) -> None:
        """The Train page's busy_changed: edits wait while a run reads the project."""
        self._training_busy = bool(busy)
        if not busy and self._worker is None and self._queue:
            self._start_next()

    def _cmd_kwargs(self) -> dict[str, Any]:
        return {'on_changed': self._changed, 'on_error': self._on_command_error}

    # ------------------------------------------------------------------ adding photos
    def is_busy(self) -> bool:
        """True while photos are being added."""
        return self._worker is not None

    def add_paths(self, paths: Sequence[os.PathLike | str], class_name: str | None) -> None:
        """Copy files/folders into a bin on a worker thread (queued if one is running)."""
        if self.project is None or not paths:
            return
        self._queue.append(([Path(p) for p in paths], class_name))
        if self._training_busy:
            self.status_changed.emit('Training is running: the photos will be added when it ends.')
        elif self._worker is None:
            self._start_next()

    def _start_next(self) -> None:
        if not self._queue or self.project is None:
            return
        paths, target = self._queue.pop(0)
        project = self.project

        def job(callback, cancel):
            def progress(done: int, total: int) -> None:
                callback(StageProgress('add', done, total))

            return project.add_files(paths, target, progress=progress, cancel=cancel)

        self._job_target = target
        self._job_sources = paths
        self._job_project = project
        self._worker = worker = Worker(job)
        worker.progressed.connect(self._on_add_progressed)
        worker.returned.connect(self._on_add_returned)
        worker.errored.connect(self._on_add_errored)
        worker.finished.connect(self._on_add_finished)
        where = 'Unlabelled' if target is None else f"'{target}'"
        self.progress_label.setText(f'Adding photos to {where}…')
        self.progress_bar.setRange(0, 0)
        self.progress_row.show()
        self.busy_changed.emit(True)
        self._thread = start_worker(worker)

    def _on_add_progressed(self, event: Any) -> None:
        if isinstance(event, StageProgress) and event.total:
            self.progress_bar.setRange(0, event.total)
            self.progress_bar.setValue(event.done)
            where = 'Unlabelled' if self._job_target is None else f"'{self._job_target}'"
            self.progress_label.setText(f'Adding photos to {where}: {event.done} of {event.total}')

    def _on_add_returned(self, report: Any) -> None:
        if self._job_project is not self.project:  # the project was closed meanwhile
            return
        target = self._job_target
        added = list(report.added)
        if added:
            self.undo_stack.push(
                AddFilesCommand(self.project, self._job_sources, target, added, **self._cmd_kwargs())
            )
        where = 'Unlabelled' if target is None else f"'{target}'"
        self.report_panel.show_report(report, where)
        msg = f'Added {len(added)} photo{"s" if len(added) != 1 else ""} to {where}.'
        if report.refused:
            msg += f' {len(report.refused)} could not be added (see the list below the photos).'
        if report.cancelled:
            msg += ' Stopped before the end.'
        self.status_changed.emit(msg)
        if self._bin != target and added and self.project is not None:
            self._bin = target
        self._changed()
        self.add_finished.emit(report)

    def _on_add_errored(self, exc: Any) -> None:
        self.show_error(f'Could not add the photos: {exc}')
        self.add_finished.emit(None)

    def _on_add_finished(self) -> None:
        thread = self._thread
        self._worker = None
        self._thread = None
        if thread is not None:
            thread.wait(2000)
        self.progress_row.hide()
        if self._queue:
            self._start_next()
        else:
            self.busy_changed.emit(False)

    def _on_cancel_clicked(self) -> None:
        self._queue.clear()
        if self._worker is not None:
            self._worker.cancel()
            self.progress_label.setText('Stopping…')

    def _cancel_jobs(self, timeout_ms: int = 10000) -> bool:
        self._queue.clear()
        return stop_worker(self._worker, self._thread, timeout_ms)

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Stop adding, searching and thumbnailing and join their threads; True if all stopped."""
        ok = self._cancel_jobs(timeout_ms)
        ok = self._cancel_similar(timeout_ms) and ok
        ok = self._cancel_suggest(timeout_ms) and ok
        if self.similar_dialog is not None:
            self.similar_dialog.hide()
        ok = self.loader.shutdown(timeout_ms) and ok
        return ok

    # ------------------------------------------------------------------ editing
    def move_paths(
        self, paths: Sequence[Path], target: str | None, keep_row: int | None = None
    ) -> bool:
        """Relabel photos into ``target`` (None: Unlabelled), undoably.

        Args:
            keep_row: select this row of the grid afterwards (keyboard labelling).
        """
        if not self._guard() or not paths:
            return False
        project = self.project
        try:
            origins = {Path(p): project.label_of(p) for p in paths}
            moving = [p for p, label in origins.items() if label != target]
            if not moving:
                return False
            mapping = project.move_images(moving, target)
        except Exception as exc:
            self.show_error(str(exc))
            self._changed()
            return False
        moves = [(origins[Path(p)], Path(mapping.get(p, p))) for p in moving]
        self.undo_stack.push(MoveImagesCommand(project, moves, target, **self._cmd_kwargs()))
        self._changed(keep_row)
        where = 'Unlabelled' if target is None else f"'{target}'"
        self.status_changed.emit(f'Moved {len(moves)} photo{"s" if len(moves) != 1 else ""} to {where}.')
        return True

    def label_selected(self, number: int) -> bool:
        """Move the selected photos to class ``number`` (1-9; 0 = Unlabelled)."""
        if self.project is None:
            return False
        if number == 0:
            target = None
        elif number <= len(self.project.classes):
            target = self.project.classes[number - 1]
        else:
            self.status_changed.emit(f'There is no class {number}; add one with "+ Add class".')
            return False
        paths = self.selected_paths()
        if not paths:
            return False
        rows = [self.model.row_of(p) for p in paths]
        return self.move_paths(paths, target, keep_row=min(rows))

    def delete_selected(self) -> bool:
        paths = self.selected_paths()
        if not paths:
            return False
        rows = [self.model.row_of(p) for p in paths]
        return self.delete_paths(paths, keep_row=min(rows))

    def delete_paths(self, paths: Sequence[Path], keep_row: int | None = None) -> bool:
        """Move photos to the project trash, undoably."""
        if not self._guard() or not paths:
            return False
        try:
            entries = self.project.delete_images(paths)
        except Exception as exc:
            self.show_error(str(exc))
            self._changed()
            return False
        self.undo_stack.push(
            DeleteImagesCommand(self.project, entries, len(paths), **self._cmd_kwargs())
        )
        self._changed(keep_row)
        n = len(paths)
        self.status_changed.emit(
            f'Moved {n} photo{"s" if n != 1 else ""} to the project trash (Ctrl+Z to undo).'
        )
        return True

    def add_class(self, name: str | None = None) -> str | None:
        """Add a class (asks for a name if None), undoably; returns its name."""
        if not self._guard():
            return None
        if name is None:
            name, ok = QInputDialog.getText(
                self, 'Add class', 'Name of the new class (e.g. "cat"):'
            )
            if not ok or not name.strip():
                return None
        try:
            name = self.project.add_class(name)
        except Exception as exc:
            self.show_error(str(exc))
            return None
        self.undo_stack.push(AddClassCommand(self.project, name, **self._cmd_kwargs()))
        self._bin = name
        self._changed()
        return name

    def rename_class(self, old: str, new: str | None = None) -> bool:
        if not self._guard():
            return False
        if new is None:
            new, ok = QInputDialog.getText(self, 'Rename class', f"New name for '{old}':", text=old)
            if not ok or not new.strip() or new == old:
                return False
        index = self.project.classes.index(old)
        try:
            self.project.rename_class(old, new)
        except Exception as exc:
            self.show_error(str(exc))
            return False
        new = self.project.classes[index]  # the cleaned name
        self.undo_stack.push(RenameClassCommand(self.project, old, new, **self._cmd_kwargs()))
        if self._bin == old:
            self._bin = new
        self._changed()
        return True

    def delete_class(self, name: str, confirm: bool = True) -> bool:
        if not self._guard():
            return False
        project = self.project
        n = project.counts().get(name, 0)
        if confirm:
            text = f"Delete the class '{name}'"
            text += f' and its {n} photo{"s" if n != 1 else ""}?' if n else '?'
            answer = QMessageBox.question(
                self,
                'Delete class',
                text + '\n\nThe photos go to the project trash; Edit ▸ Undo brings them back.',
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        index = project.classes.index(name)
        color = project.class_color(name)
        try:
            entries = project.delete_class(name)
        except Exception as exc:
            self.show_error(str(exc))
            self._changed()
            return False
        self.undo_stack.push(
            DeleteClassCommand(project, name, entries, index, color, n, **self._cmd_kwargs())
        )
        self._changed()
        return True

    def delete_current(self) -> bool:
        """Edit ▸ Delete: the selected photos, or the selected class if the bins have focus."""
        if self.bins.hasFocus() and self._bin is not None:
            return self.delete_class(self._bin)
        return self.delete_selected()

    # ------------------------------------------------------------------ ImageNet matches
    def edit_class_match(self, name: str) -> ClassMatchDialog | None:
        """Open the dialog that shows and changes the ImageNet match of ``name``."""
        if self.project is None or name not in self.project.classes:
            return None
        dialog = ClassMatchDialog(name, self.project.class_matches, self)
        dialog.finished.connect(lambda result, d=dialog: self._on_class_match_dialog_finished(d, result))
        dialog.open()
        return dialog

    def set_class_match(self, name: str, wnids: list[str] | None) -> bool:
        """Override the ImageNet match of ``name`` (None: automatic; []: none), undoably."""
        if not self._guard() or name not in self.project.classes:
            return False
        project = self.project
        old = project.class_matches.get(name)
        old = None if old is None else list(old)
        new = None if wnids is None else list(wnids)
        if old == new:
            return False
        try:
            ClassMatchCommand.apply(project, name, new)
        except Exception as exc:
            self.show_error(f'Could not save the match of {name!r}: {exc}')
            return False
        self.undo_stack.push(ClassMatchCommand(project, name, old, new, **self._cmd_kwargs()))
        self._changed()
        self.status_changed.emit(f"'{name}' now means: {describe_match(name, project.class_matches)}.")
        return True

    def _on_class_match_dialog_finished(self, dialog: ClassMatchDialog, result: int) -> None:
        if result == QDialog.DialogCode.Accepted:
            self.set_class_match(dialog.name, dialog.choice)
        dialog.deleteLater()

    # ------------------------------------------------------------------ suggestions
    def is_suggesting(self) -> bool:
        """True while suggestions are being computed."""
        return self._suggest_worker is not None

    def suggest_labels(self) -> bool:
        """Show the suggestions panel and compute a class for every unlabelled photo.

        Uses the latest run's model when it was trained on the project's
        classes, else a zero-shot model from the class names. Returns True if
        a job started.
        """
        project = self.project
        if project is None or self.is_suggesting():
            return False
        if self._bin is not None:
            self._bin = None
            self.refresh()
        paths = project.images(None)
        if not paths or len(project.classes) < 2:
            return False
        self._suggestions_open = True
        self.stack.setCurrentWidget(self.suggestions)
        model_path = latest_model_path(project)
        if model_path is None:
            from petcognizer.core.prior import ClassPrior

            try:
                has_prior = ClassPrior.from_classes(project.classes, overrides=project.class_matches)
            except ValueError:
                has_prior = None
            if has_prior is None:
                self.suggestions.clear()
                self.suggestions.source_label.setText('')
                self.suggestions.show_message(NO_PRIOR_TEXT)
                return False
            source = (
                'No model is trained yet, so these come from the class names alone '
                '(what the pretrained network knows about them).'
            )
            unmatched = [c for c in project.classes if current_match(c, project.class_matches)[0] is None]
            if unmatched:
                names = ', '.join(f"'{c}'" for c in unmatched)
                it = 'it gets' if len(unmatched) == 1 else 'they get'
                source += (
                    f' {names} {"has" if len(unmatched) == 1 else "have"} no ImageNet match, so {it} '
                    'the photos that look like none of the other classes.'
                )
            source += ' Check before accepting.'
        else:
            source = f'From your latest trained model ({model_path.parent.name}). Check before accepting.'
        self.suggestions.show_running(len(paths), source)

        def job(callback, cancel):
            from petcognizer.core.suggest import suggest_for_unlabelled  # imports torch

            return suggest_for_unlabelled(project, model_path=model_path, callback=callback, cancel=cancel)

        self._suggest_project = project
        self._suggest_worker = worker = Worker(job)
        worker.progressed.connect(self._on_suggest_progressed)
        worker.returned.connect(self._on_suggest_returned)
        worker.errored.connect(self._on_suggest_errored)
        worker.finished.connect(self._on_suggest_finished)
        self.suggest_button.setEnabled(False)
        self._suggest_thread = start_worker(worker)
        return True

    def close_suggestions(self) -> None:
        """Leave the suggestions panel (stops a running job)."""
        if self._suggest_worker is not None:
            self._suggest_worker.cancel()
        self._suggestions_open = False
        if self.project is not None:
            paths = self.model.paths()
            self.stack.setCurrentWidget(self.grid if paths else self.empty_state)

    def accept_suggestions(self, pairs: Sequence[tuple[Path, str]]) -> int:
        """Move photos into their suggested classes as one undoable step; return how many moved."""
        if not self._guard() or not pairs:
            return 0
        project = self.project
        groups: dict[str, list[Path]] = {}
        for path, label in pairs:
            if label in project.classes:
                groups.setdefault(label, []).append(Path(path))
        n = sum(len(v) for v in groups.values())
        if not n:
            return 0
        self.undo_stack.beginMacro(f'Label {n} suggested photo{"s" if n != 1 else ""}')
        moved = 0
        try:
            for label, paths in groups.items():
                try:
                    origins = {p: project.label_of(p) for p in paths}
                    mapping = project.move_images(paths, label)
                except Exception as exc:
                    self.show_error(str(exc))
                    continue
                moves = [(origins[p], Path(mapping.get(p, p))) for p in paths]
                self.undo_stack.push(MoveImagesCommand(project, moves, label, **self._cmd_kwargs()))
                moved += len(moves)
        finally:
            self.undo_stack.endMacro()
        self._changed()
        self.status_changed.emit(
            f'Labelled {moved} photo{"s" if moved != 1 else ""} from the suggestions (Ctrl+Z to undo).'
        )
        return moved

    def _cancel_suggest(self, timeout_ms: int = 10000) -> bool:
        return stop_worker(self._suggest_worker, self._suggest_thread, timeout_ms)

    def _on_suggest_clicked(self) -> None:
        self.suggest_labels()

    def _on_suggest_progressed(self, event: Any) -> None:
        if isinstance(event, StageProgress) and event.stage == 'predict':
            self.suggestions.show_progress(event.done, event.total)
        elif isinstance(event, StageProgress) and event.stage == 'weights':
            self.suggestions.show_progress(0, 0, 'Loading the pretrained network…')

    def _on_suggest_returned(self, suggestions: Any) -> None:
        if self._suggest_project is not self.project or self.project is None:
            return
        if not suggestions:
            self.suggestions.show_message(NO_PRIOR_TEXT)
            return
        colors = {c: self.project.class_color(c) for c in self.project.classes}
        self.suggestions.show_suggestions(suggestions, colors)
        self.status_changed.emit(f'{len(suggestions)} suggested labels: check them and click Accept.')

    def _on_suggest_errored(self, exc: Any) -> None:
        from petcognizer.core.events import Cancelled

        if isinstance(exc, Cancelled):
            self.suggestions.show_message('Stopped. Click "Suggest labels" to start again.')
        else:
            self.suggestions.show_message(f'Could not suggest labels: {exc}')

    def _on_suggest_finished(self) -> None:
        thread = self._suggest_thread
        self._suggest_worker = None
        self._suggest_thread = None
        self._suggest_project = None
        if thread is not None:
            thread.wait(2000)
        self.suggest_button.setEnabled(True)

    def _on_suggestions_accept_requested(self, pairs: list) -> None:
        self.accept_suggestions(pairs)

    def _on_suggestions_cancel_requested(self) -> None:
        if self._suggest_worker is not None:
            self._suggest_worker.cancel()
            self.suggestions.show_stopping()

    def _on_suggestions_close_requested(self) -> None:
        self.close_suggestions()

    # ------------------------------------------------------------------ similar photos
    def find_similar(self, path: Path, k: int = 12) -> SimilarPhotosDialog | None:
        """Search the project for photos like ``path`` off the GUI thread; show a dialog."""
        if self.project is None:
            return None
        self._cancel_similar(2000)
        project = self.project
        path = Path(path)

        def job(callback, cancel):
            from petcognizer.core import similar  # imports torch: keep it off the GUI thread

            return similar.find_similar(project, path, k=k, callback=callback, cancel=cancel)

        if self.similar_dialog is not None:
            self.similar_dialog.close()
            self.similar_dialog.deleteLater()
        dialog = self.similar_dialog = SimilarPhotosDialog(path, self.loader, self)
        dialog.closed.connect(self._on_similar_dialog_closed)
        self._similar_worker = worker = Worker(job)
        worker.progressed.connect(self._on_similar_progressed)
        worker.returned.connect(self._on_similar_returned)
        worker.errored.connect(self._on_similar_errored)
        worker.finished.connect(self._on_similar_finished)
        self._similar_thread = start_worker(worker)
        dialog.show()
        return dialog

    def is_searching(self) -> bool:
        return self._similar_worker is not None

    def _cancel_similar(self, timeout_ms: int = 10000) -> bool:
        return stop_worker(self._similar_worker, self._similar_thread, timeout_ms)

    def _on_similar_progressed(self, event: Any) -> None:
        if self.similar_dialog is not None and isinstance(event, StageProgress):
            self.similar_dialog.show_progress(event.done, event.total, event.text)

    def _on_similar_returned(self, results: Any) -> None:
        if self.similar_dialog is None or self.project is None:
            return
        labels = []
        for p, _ in results:
            try:
                label = self.project.label_of(p)
            except Exception:
                label = '?'
            labels.append('Unlabelled' if label is None else label)
        self.similar_dialog.show_results(results, labels)

    def _on_similar_errored(self, exc: Any) -> None:
        if self.similar_dialog is not None:
            self.similar_dialog.show_error(str(exc))

    def _on_similar_finished(self) -> None:
        thread = self._similar_thread
        self._similar_worker = None
        self._similar_thread = None
        if thread is not None:
            thread.wait(2000)

    def _on_similar_dialog_closed(self) -> None:
        if self._similar_worker is not None:
            self._similar_worker.cancel()

    # ------------------------------------------------------------------ slots
    def _on_bin_selected(self, name: str | None) -> None:
        self._bin = name
        self.refresh()

    def _on_files_dropped(self, paths: list, target: str | None) -> None:
        self.add_paths(paths, target)

    def _on_grid_files_dropped(self, paths: list) -> None:
        self.add_paths(paths, self._bin)

    def _on_photos_dropped(self, paths: list, target: str | None) -> None:
        self.move_paths([Path(p) for p in paths], target)

    def _on_label_key_pressed(self, number: int) -> None:
        self.label_selected(number)

    def _on_add_class_clicked(self) -> None:
        self.add_class()

    def _on_add_photos_clicked(self) -> None:
        if self.project is None:
            return
        files, _ = QFileDialog.getOpenFileNames(
            self, 'Add photos', str(Path.home()), f'{_FILE_FILTER};;All files (*)'
        )
        if files:
            self.add_paths(files, self._bin)

    def _on_add_folder_clicked(self) -> None:
        if self.project is None:
            return
        folder = QFileDialog.getExistingDirectory(self, 'Add a folder of photos', str(Path.home()))
        if folder:
            self.add_paths([folder], self._bin)

    def _on_bin_context_menu_requested(self, name: str | None, global_pos: QPoint) -> None:
        menu = QMenu(self)
        if name is None:
            act = menu.addAction('Add photos…')
            act.triggered.connect(self._on_add_photos_clicked)
        else:
            rename = menu.addAction('Rename…')
            rename.triggered.connect(lambda: self.rename_class(name))
            match = menu.addAction('ImageNet match…')
            match.setToolTip('What the pretrained network knows this class as')
            match.triggered.connect(lambda: self.edit_class_match(name))
            delete = menu.addAction('Delete class…')
            delete.triggered.connect(lambda: self.delete_class(name))
        menu.exec(global_pos)

    def _on_grid_context_menu_requested(self, pos: QPoint) -> None:
        if self.project is None:
            return
        paths = self.selected_paths()
        if not paths:
            return
        menu = QMenu(self)
        label_menu = menu.addMenu('Label as')
        for i, name in enumerate(self.project.classes):
            act = QAction(f'{name}\t{i + 1}' if i < 9 else name, label_menu)
            act.setEnabled(name != self._bin)
            act.triggered.connect(lambda _=False, n=name: self.move_paths(self.selected_paths(), n))
            label_menu.addAction(act)
        if not self.project.classes:
            label_menu.setEnabled(False)
        unl = menu.addAction('Move to Unlabelled\t0')
        unl.setEnabled(self._bin is not None)
        unl.triggered.connect(lambda: self.move_paths(self.selected_paths(), None))
        if len(paths) == 1 and _similar_available():
            menu.addSeparator()
            similar = menu.addAction('Find similar photos…')
            similar.triggered.connect(lambda: self.find_similar(paths[0]))
        menu.addSeparator()
        delete = menu.addAction('Delete\tDel')
        delete.triggered.connect(self.delete_selected)
        menu.exec(self.grid.viewport().mapToGlobal(pos))

    def _on_grid_doubleClicked(self, index: QModelIndex) -> None:
        path = index.data(PathRole)
        if path is not None:
            from PySide6.QtCore import QUrl
            from PySide6.QtGui import QDesktopServices

            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

