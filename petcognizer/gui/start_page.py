"""The start page: new project, open project, import a folder, recent projects.

The page only shows choices and emits what the user picked; the main window
asks for folders, opens projects and remembers them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from petcognizer.gui.widgets import BannerLabel
from petcognizer.gui.i18n import translate

__all__ = ['StartPage']

_PathRole = Qt.ItemDataRole.UserRole + 1
_MissingRole = Qt.ItemDataRole.UserRole + 2


class _RecentDelegate(QStyledItemDelegate):
    """A recent project: its name in bold, its folder below in grey."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        fm = option.fontMetrics
        return QSize(200, fm.height() * 2 + 18)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ''
        widget = opt.widget
        widget.style().drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        path: Path = index.data(_PathRole)
        missing = bool(index.data(_MissingRole))
        rect = opt.rect.adjusted(10, 7, -10, -7)
        fm = opt.fontMetrics
        painter.save()
        bold = QFont(opt.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(QColor('#9aa0a6') if missing else QColor('#1f2329'))
        name = path.name + (translate('start_page', '  (not found)') if missing else '')
        top = QRect(rect.left(), rect.top(), rect.width(), fm.height())
        painter.drawText(top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         QFontMetrics(bold).elidedText(name, Qt.TextElideMode.ElideRight, top.width()))
        painter.setFont(opt.font)
        painter.setPen(QColor('#b0b5bb') if missing else QColor('#6b727c'))
        bottom = QRect(rect.left(), rect.top() + fm.height() + 2, rect.width(), fm.height())
        painter.drawText(bottom, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         fm.elidedText(str(path.parent), Qt.TextElideMode.ElideMiddle, bottom.width()))
        painter.restore()


class _ActionCard(QPushButton):
    """A large button with a title and one line of explanation."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName('ActionCard')
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMinimumHeight(72)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.setSpacing(2)
        t = QLabel(title)
        t.setObjectName('CardTitle')
        d = QLabel(text)
        d.setObjectName('CardText')
        d.setWordWrap(True)
        for label in (t, d):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            layout.addWidget(label)
        policy = self.sizePolicy()
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    # A QPushButton sizes itself by its own (empty) text: ask the labels' layout instead,
    # so a text that wraps to more lines (a long translation) makes the card taller.
    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(self.minimumHeight(), self.layout().totalHeightForWidth(width))

    def sizeHint(self) -> QSize:
        hint = self.layout().totalSizeHint()
        return QSize(hint.width(), max(self.minimumHeight(), self.heightForWidth(hint.width())))

    def minimumSizeHint(self) -> QSize:
        least = self.layout().totalMinimumSize()
        return QSize(least.width(), self.minimumHeight())


class StartPage(QWidget):
    """What the window shows when no project is open.

    Signals:
        new_project_requested(): "New project…" clicked.
        open_project_requested(): "Open project…" clicked.
        import_folder_requested(): "Import a folder of class folders…" clicked.
        recent_project_activated(object): a recent project (Path) clicked.
        recent_project_removed(object): "Remove from list" chosen for a Path.
    """

    new_project_requested = Signal()
    open_project_requested = Signal()
    import_folder_requested = Signal()
    recent_project_activated = Signal(object)
    recent_project_removed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName('StartPage')

        title = QLabel('petcognizer')
        title.setObjectName('AppTitle')
        subtitle = QLabel(
            translate('start_page', 'Teach your computer to recognize your photos: one class per kind of photo, '
            'then train, check and export. Everything stays on this computer.')
        )
        subtitle.setObjectName('AppSubtitle')
        subtitle.setWordWrap(True)

        self.new_button = _ActionCard(
            translate('start_page', 'New project…'), translate('start_page', 'Type a name, add a class for each kind of photo, drop photos on them.')
        )
        self.new_button.setToolTip('Ctrl+N')
        self.open_button = _ActionCard(translate('start_page', 'Open project…'), translate('start_page', 'Continue with a project folder.'))
        self.open_button.setToolTip('Ctrl+O')
        self.import_button = _ActionCard(
            translate('start_page', 'Import a folder of class folders…'),
            translate('start_page', 'A folder with one subfolder of photos per class, e.g. photos/cat, photos/dog.'),
        )
        self.new_button.clicked.connect(self.new_project_requested)
        self.open_button.clicked.connect(self.open_project_requested)
        self.import_button.clicked.connect(self.import_folder_requested)

        actions = QVBoxLayout()
        actions.setSpacing(10)
        actions.setContentsMargins(0, 0, 0, 0)
        actions.addWidget(self.new_button)
        actions.addWidget(self.open_button)
        actions.addWidget(self.import_button)
        actions.addStretch(1)

        recent_header = QLabel(translate('start_page', 'Recent projects'))
        recent_header.setObjectName('SectionHeader')
        self.recent_list = QListWidget()
        self.recent_list.setObjectName('RecentList')
        self.recent_list.setItemDelegate(_RecentDelegate(self.recent_list))
        self.recent_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.recent_list.itemActivated.connect(self._on_recent_itemActivated)
        self.recent_list.itemClicked.connect(self._on_recent_itemActivated)
        self.recent_list.customContextMenuRequested.connect(self._on_recent_customContextMenuRequested)
        self.remove_button = QPushButton(translate('start_page', 'Remove from list'))
        self.remove_button.setEnabled(False)
        self.remove_button.clicked.connect(self._on_remove_clicked)
        self.recent_list.currentItemChanged.connect(
            lambda cur, _prev: self.remove_button.setEnabled(cur is not None)
        )
        self.empty_recent = QLabel(
            translate('start_page', 'Projects you create or open appear here, so you can come back to them with one click.')
        )
        self.empty_recent.setWordWrap(True)
        self.empty_recent.setObjectName('HintLabel')
        recent = QVBoxLayout()
        recent.setSpacing(8)
        recent.addWidget(recent_header)
        recent.addWidget(self.recent_list, 1)
        recent.addWidget(self.empty_recent)
        self._recent_stretch = recent.count()
        recent.addStretch(0)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.remove_button)
        recent.addLayout(row)

        self._recent_layout = recent
        columns = QHBoxLayout()
        columns.setSpacing(32)
        left = QVBoxLayout()
        left.setSpacing(8)
        start = QLabel(translate('start_page', 'Start'))
        start.setObjectName('SectionHeader')
        left.addWidget(start)
        left.addLayout(actions, 1)
        columns.addLayout(left, 1)
        columns.addLayout(recent, 1)

        card = QFrame()
        card.setObjectName('StartCard')
        card.setMaximumWidth(980)
        cv = QVBoxLayout(card)
        cv.setContentsMargins(40, 36, 40, 32)
        cv.setSpacing(8)
        cv.addWidget(title)
        cv.addWidget(subtitle)
        self.message = BannerLabel('warning')
        self.message.setObjectName('StartMessage')
        cv.addSpacing(8)
        cv.addWidget(self.message)
        cv.addSpacing(12)
        cv.addLayout(columns, 1)

        outer = QHBoxLayout(self)
        outer.setContentsMargins(32, 32, 32, 32)
        outer.addStretch(1)
        outer.addWidget(card, 20)
        outer.addStretch(1)
        self.set_recent([])

    def show_message(self, text: str) -> None:
        """A dismissible message at the top (e.g. the last project is gone)."""
        self.message.show_text(text)

    def set_recent(self, paths: Sequence[os.PathLike | str]) -> None:
        """Show recent project folders; missing ones are greyed out."""
        self.recent_list.clear()
        for p in paths:
            path = Path(p)
            missing = not (path / 'project.json').is_file()
            text = f'{path.name}\n{path.parent}'
            if missing:
                text = translate('start_page', '{name}  (not found)\n{parent}').format(name=path.name, parent=path.parent)
            item = QListWidgetItem(text)
            item.setData(_PathRole, path)
            item.setData(_MissingRole, missing)
            item.setToolTip(
                translate('start_page', '{path}\nThis folder is missing or no longer a project; '
                                          'right-click to remove it.').format(path=path)
                if missing
                else str(path)
            )
            if missing:
                item.setForeground(QColor('#9aa0a6'))
            self.recent_list.addItem(item)
        has = bool(paths)
        self.recent_list.setVisible(has)
        self.empty_recent.setVisible(not has)
        self.remove_button.setVisible(has)
        # With no list, the hint sits at the top instead of stretching.
        self._recent_layout.setStretch(self._recent_stretch, 0 if has else 1)

    def recent_paths(self) -> list[Path]:
        return [self.recent_list.item(i).data(_PathRole) for i in range(self.recent_list.count())]

    def is_missing(self, row: int) -> bool:
        return bool(self.recent_list.item(row).data(_MissingRole))

    def _on_recent_itemActivated(self, item: QListWidgetItem) -> None:
        if item is not None and not item.data(_MissingRole):
            self.recent_project_activated.emit(item.data(_PathRole))

    def _on_remove_clicked(self) -> None:
        item = self.recent_list.currentItem()
        if item is not None:
            self.recent_project_removed.emit(item.data(_PathRole))

    def _on_recent_customContextMenuRequested(self, pos: QPoint) -> None:
        item = self.recent_list.itemAt(pos)
        if item is None:
            return
        menu = QMenu(self)
        if not item.data(_MissingRole):
            menu.addAction(translate('start_page', 'Open')).triggered.connect(lambda: self._on_recent_itemActivated(item))
        path = item.data(_PathRole)
        menu.addAction(translate('start_page', 'Remove from list')).triggered.connect(
            lambda: self.recent_project_removed.emit(path)
        )
        menu.exec(self.recent_list.viewport().mapToGlobal(pos))
