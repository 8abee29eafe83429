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
from PySide6.QtCore import QT_TRANSLATE_NOOP

from petcognizer.gui.i18n import translate

__all__ = ['OTHER_KEYS', 'ShortcutsDialog', 'menu_shortcuts']

#: Keys that work without a menu entry: (where, key, what it does).
OTHER_KEYS: tuple[tuple[str, str, str], ...] = (
    (QT_TRANSLATE_NOOP('shortcuts', 'Data page: photos'), '1 – 9', QT_TRANSLATE_NOOP('shortcuts', 'Put the selected photos in class 1 – 9 (the number on its card)')),
    (QT_TRANSLATE_NOOP('shortcuts', 'Data page: photos'), '0', QT_TRANSLATE_NOOP('shortcuts', 'Move the selected photos to Unlabelled')),
    (QT_TRANSLATE_NOOP('shortcuts', 'Data page: photos'), 'Ctrl+L', QT_TRANSLATE_NOOP('shortcuts', 'Label as… any class (the tenth and later too)')),
    (QT_TRANSLATE_NOOP('shortcuts', 'Data page: photos'), 'Ctrl+A', QT_TRANSLATE_NOOP('shortcuts', 'Select every photo shown')),
    (QT_TRANSLATE_NOOP('shortcuts', 'Data page: photos'), QT_TRANSLATE_NOOP('shortcuts', 'Arrows, Shift+Arrows'), QT_TRANSLATE_NOOP('shortcuts', 'Move in the photos, select more')),
    (QT_TRANSLATE_NOOP('shortcuts', 'Data page: photos'), 'Del', QT_TRANSLATE_NOOP('shortcuts', 'Move the selected photos to the project trash')),
    (QT_TRANSLATE_NOOP('shortcuts', 'Data page: photos'), QT_TRANSLATE_NOOP('shortcuts', 'Menu key'), QT_TRANSLATE_NOOP('shortcuts', 'The photo menu (label, find similar, delete)')),
    (QT_TRANSLATE_NOOP('shortcuts', 'Data page: class cards'), 'Tab', QT_TRANSLATE_NOOP('shortcuts', 'Go to the class cards')),
    (QT_TRANSLATE_NOOP('shortcuts', 'Data page: class cards'), QT_TRANSLATE_NOOP('shortcuts', 'Arrows'), QT_TRANSLATE_NOOP('shortcuts', 'Move between the cards')),
    (QT_TRANSLATE_NOOP('shortcuts', 'Data page: class cards'), QT_TRANSLATE_NOOP('shortcuts', 'Enter or Space'), QT_TRANSLATE_NOOP('shortcuts', "Show the card's photos")),
    (QT_TRANSLATE_NOOP('shortcuts', 'Data page: class cards'), QT_TRANSLATE_NOOP('shortcuts', 'F2 / Del'), QT_TRANSLATE_NOOP('shortcuts', "Rename / delete the card's class")),
    (QT_TRANSLATE_NOOP('shortcuts', 'Data page: class cards'), QT_TRANSLATE_NOOP('shortcuts', 'Menu key'), QT_TRANSLATE_NOOP('shortcuts', "The card's menu (rename, ImageNet match, delete)")),
    (QT_TRANSLATE_NOOP('shortcuts', 'Data page: class cards'), QT_TRANSLATE_NOOP('shortcuts', 'Ctrl+Alt+1 – 9, Ctrl+0'), QT_TRANSLATE_NOOP('shortcuts', 'Show class 1 – 9, Unlabelled')),
    (QT_TRANSLATE_NOOP('shortcuts', 'New class name'), QT_TRANSLATE_NOOP('shortcuts', 'Enter / Esc'), QT_TRANSLATE_NOOP('shortcuts', 'Add the class / cancel')),
    (QT_TRANSLATE_NOOP('shortcuts', 'Anywhere'), QT_TRANSLATE_NOOP('shortcuts', 'Tab, Shift+Tab'), QT_TRANSLATE_NOOP('shortcuts', 'Move between buttons and fields; Space or Enter presses a button')),
    (QT_TRANSLATE_NOOP('shortcuts', 'Anywhere'), QT_TRANSLATE_NOOP('shortcuts', 'Alt+letter'), QT_TRANSLATE_NOOP('shortcuts', 'Open a menu (the underlined letter)')),
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
            walk(top.menu(), translate('shortcuts', '{menu} menu').format(menu=top.text().replace('&', '')))
    return out


class ShortcutsDialog(QDialog):
    """A list of every shortcut: the menus' (from their actions) and the others."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName('ShortcutsDialog')
        self.setWindowTitle(translate('shortcuts', 'Keyboard shortcuts'))
        self.resize(640, 560)
        intro = QLabel(translate('shortcuts', 'Everything in petcognizer can be done from the keyboard. '
                       'Menu entries show their keys too.'))
        intro.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([translate('shortcuts', 'Keys'), translate('shortcuts', 'What it does')])
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
        others = [tuple(translate('shortcuts', t) for t in row) for row in OTHER_KEYS]
        for where, keys, what in [*menu_shortcuts(window), *others]:
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
