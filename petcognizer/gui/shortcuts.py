"""Help ▸ Keyboard shortcuts: every key of the window in one list.

The menu entries are read from the window's actions themselves (so the list
never goes stale); the keys that are not menu entries (number keys on photos,
arrows on the class cards, ...) are listed from :data:`OTHER_KEYS`.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

__all__ = ['OTHER_KEYS', 'ShortcutsDialog', 'menu_shortcuts']

#: Keys that work without a menu entry: (where, key, what it does).
OTHER_KEYS: tuple[tuple[str, str, str], ...] = (
    ('Data page: photos', '1 – 9', 'Put the selected photos in class 1 – 9 (the number on its card)'),
    ('Data page: photos', '0', 'Move the selected photos to Unlabelled'),
    ('Data page: photos', 'Ctrl+L', 'Label as… any class (the tenth and later too)'),
    ('Data page: photos', 'Ctrl+A', 'Select every photo shown'),
    ('Data page: photos', 'Arrows, Shift+Arrows', 'Move in the photos, select more'),
    ('Data page: photos', 'Del', 'Move the selected photos to the project trash'),
    ('Data page: photos', 'Menu key', 'The photo menu (label, find similar, delete)'),
    ('Data page: class cards', 'Tab', 'Go to the class cards'),
    ('Data page: class cards', 'Arrows', 'Move between the cards'),
    ('Data page: class cards', 'Enter or Space', "Show the card's photos"),
    ('Data page: class cards', 'F2 / Del', "Rename / delete the card's class"),
    ('Data page: class cards', 'Menu key', "The card's menu (rename, ImageNet match, delete)"),
    ('Data page: class cards', 'Ctrl+Alt+1 – 9, Ctrl+0', 'Show class 1 – 9, Unlabelled'),
    ('New class name', 'Enter / Esc', 'Add the class / cancel'),
    ('Anywhere', 'Tab, Shift+Tab', 'Move between buttons and fields; Space or Enter presses a button'),
    ('Anywhere', 'Alt+letter', 'Open a menu (the underlined letter)'),
)


def _text(action: QAction) -> str:
    return action.text().replace('&', '').split('\t')[0].rstrip('…').strip() + (
        '…' if action.text().rstrip().endswith('…') else ''
    )


def menu_shortcuts(window: QMainWindow) -> list[tuple[str, str, str]]:
    """(menu, keys, entry) for every menu entry of ``window`` that has keys."""
    out: list[tuple[str, str, str]] = []

    def walk(menu: QMenu, title: str) -> None:
        for act in menu.actions():
            if act.menu() is not None:
                walk(act.menu(), title)
                continue
            keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in act.shortcuts() if not k.isEmpty()]
            if keys and act.text():
                out.append((title, ', '.join(keys), _text(act)))

    for top in window.menuBar().actions():
        if top.menu() is not None:
            walk(top.menu(), top.text().replace('&', '') + ' menu')
    return out


class ShortcutsDialog(QDialog):
    """A list of every shortcut: the menus' (from their actions) and the others."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName('ShortcutsDialog')
        self.setWindowTitle('Keyboard shortcuts')
        self.resize(640, 560)
        intro = QLabel('Everything in petcognizer can be done from the keyboard. '
                       'Menu entries show their keys too.')
        intro.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(['Keys', 'What it does'])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.tree, 1)
        lay.addWidget(buttons)

    def show_for(self, window: QMainWindow) -> None:
        """Fill the list from ``window``'s menus and show it."""
        self.tree.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        for where, keys, what in [*menu_shortcuts(window), *OTHER_KEYS]:
            group = groups.get(where)
            if group is None:
                group = QTreeWidgetItem([where, ''])
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                group.setFirstColumnSpanned(True)
                self.tree.addTopLevelItem(group)
                groups[where] = group
            self.tree.addTopLevelItem(QTreeWidgetItem([keys, what]))
        self.show()
        self.raise_()

    def rows(self) -> list[tuple[str, str]]:
        """(keys, what) of every listed shortcut; for tests."""
        items = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        return [(it.text(0), it.text(1)) for it in items if it.text(1)]
