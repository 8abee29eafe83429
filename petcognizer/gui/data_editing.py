"""Editing on the Data page: relabel, delete, add/rename/delete classes, number keys, "Label as…".

:class:`EditingMixin` is one part of :class:`petcognizer.gui.data_page.DataPage`.
Every edit goes through the core and onto the undo stack as a command from
:mod:`petcognizer.gui.undo`; the project's events redraw the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox

from petcognizer.gui.class_bins import key_for_index
from petcognizer.gui.undo import (
    AddClassCommand,
    DeleteClassCommand,
    DeleteImagesCommand,
    MoveImagesCommand,
    RenameClassCommand,
)
from petcognizer.gui.i18n import translate

__all__ = ['EditingMixin']


class EditingMixin:
    """Relabelling, deleting and class edits, each undoable."""

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
                where = translate('data_editing', 'Unlabelled') if target is None else f"'{target}'"
                self.status_changed.emit(translate('data_editing', 'Those photos are in {where} already.').format(where=where))
                return False
            mapping = project.move_images(moving, target)
        except Exception as exc:
            self.show_error(str(exc))
            return False
        moves = [(origins[Path(p)], Path(mapping.get(p, p))) for p in moving]
        self.undo_stack.push(MoveImagesCommand(project, moves, target, **self._cmd_kwargs()))
        self._select_row(keep_row)
        where = translate('data_editing', 'Unlabelled') if target is None else f"'{target}'"
        n_moved = len(moves)
        self.status_changed.emit(translate('data_editing', 'Moved %n photo(s) to {where}.', None, n_moved).format(where=where))
        return True

    def label_selected(self, number: int) -> bool:
        """Move the selected photos to class ``number`` (1-9; 0 = Unlabelled).

        With nothing selected, or no such class, a message says what to do.
        """
        if self.project is None:
            return False
        classes = self.project.classes
        if number == 0:
            target = None
        elif number <= min(len(classes), 9):
            target = classes[number - 1]
        else:
            self.show_info(translate('data_editing', 'There is no class {number}; add one with "+ Add '
                                                       'class" (Ctrl+Shift+N).').format(number=number))
            return False
        paths = self.selected_paths()
        if not paths:
            where = translate('data_editing', 'Unlabelled') if target is None else f"'{target}'"
            self.show_info(
                translate('data_editing', 'Select photos first (click one, Shift/Ctrl+click for more, '
                                            'Ctrl+A for all), then press {number} to put them in {where}.').format(number=number, where=where)
            )
            return False
        rows = [self.model.row_of(p) for p in paths]
        return self.move_paths(paths, target, keep_row=min(rows))

    def label_menu(self) -> QMenu:
        """The "Label as…" menu: every class (the first nine with their keys), then Unlabelled."""
        menu = QMenu(translate('data_editing', 'Label as'), self)
        menu.setObjectName('LabelAsMenu')
        classes = self.project.classes if self.project is not None else []
        for i, name in enumerate(classes):
            key = key_for_index(i)
            act = QAction(f'{name}\t{key}' if key else name, menu)
            act.setEnabled(name != self._bin)
            act.triggered.connect(lambda _=False, n=name: self.move_paths(self.selected_paths(), n))
            menu.addAction(act)
        if not classes:
            none = menu.addAction(translate('data_editing', 'No classes yet: add one with "+ Add class"'))
            none.setEnabled(False)
        menu.addSeparator()
        unl = menu.addAction(translate('data_editing', 'Unlabelled\t0'))
        unl.setEnabled(self._bin is not None)
        unl.triggered.connect(lambda: self.move_paths(self.selected_paths(), None))
        return menu

    def label_as_dialog(self) -> QMenu | None:
        """Ctrl+L: choose any class (the tenth and later too) for the selected photos."""
        if self.project is None:
            return None
        if not self.selected_paths():
            self.show_info(translate('data_editing', 'Select photos first, then press Ctrl+L to choose their class.'))
            return None
        menu = self.label_menu()
        idx = self.grid.currentIndex()
        rect = self.grid.visualRect(idx) if idx.isValid() else self.grid.viewport().rect()
        menu.popup(self.grid.viewport().mapToGlobal(rect.center()))
        self._label_menu = menu  # tests read it; popup() does not block
        return menu

    def delete_selected(self) -> bool:
        paths = self.selected_paths()
        if not paths:
            self.show_info(translate('data_editing', 'Select photos first, then press Delete to move them to the project trash.'))
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
            return False
        self.undo_stack.push(
            DeleteImagesCommand(self.project, entries, len(paths), **self._cmd_kwargs())
        )
        self._select_row(keep_row)
        n = len(paths)
        self.status_changed.emit(
            translate('data_editing', 'Moved %n photo(s) to the project trash (Ctrl+Z to undo).', None, n)
        )
        return True

    def add_class(self, name: str | None = None) -> str | None:
        """Add a class, undoably; returns its name. With no name, the "Add class" card asks for one."""
        if not self._guard():
            return None
        if name is None:
            self.bins.add_card.start_editing()
            self.bins.ensureWidgetVisible(self.bins.add_card)
            return None
        try:
            name = self.project.add_class(name)
        except Exception as exc:
            self.show_error(str(exc))
            return None
        self.bins.add_card.stop_editing()
        self.undo_stack.push(AddClassCommand(self.project, name, **self._cmd_kwargs()))
        self.select_bin(name)
        self.status_changed.emit(translate('data_editing', "Added the class '{name}': drop photos on its "
                                                             'card.').format(name=name))
        return name

    def rename_class(self, old: str, new: str | None = None) -> bool:
        if not self._guard():
            return False
        if new is None:
            new, ok = QInputDialog.getText(self, translate('data_editing', 'Rename class'),
                                           translate('data_editing', "New name for '{old}':").format(old=old), text=old)
            if not ok or not new.strip() or new == old:
                return False
        index = self.project.classes.index(old)
        was_shown = self._bin == old
        try:
            self.project.rename_class(old, new)
        except Exception as exc:
            self.show_error(str(exc))
            return False
        new = self.project.classes[index]  # the cleaned name
        self.undo_stack.push(RenameClassCommand(self.project, old, new, **self._cmd_kwargs()))
        if was_shown:
            self.select_bin(new)
        return True

    def delete_class(self, name: str, confirm: bool = True) -> bool:
        if not self._guard():
            return False
        project = self.project
        n = project.counts().get(name, 0)
        if confirm:
            text = (translate('data_editing', "Delete the class '{name}' and its %n photo(s)?", None, n) if n
                    else translate('data_editing', "Delete the class '{name}'?")).format(name=name)
            answer = QMessageBox.question(
                self,
                translate('data_editing', 'Delete class'),
                text + translate('data_editing', '\n\nThe photos go to the project trash; Edit ▸ Undo brings them back.'),
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
            return False
        self.undo_stack.push(
            DeleteClassCommand(project, name, entries, index, color, n, **self._cmd_kwargs())
        )
        return True

    def delete_current(self) -> bool:
        """Edit ▸ Delete: the selected photos, or the focused class card's class."""
        name = self.bins.focused_name() if self.bins.has_card_focus() else None
        if name is not None:
            return self.delete_class(name)
        return self.delete_selected()

    def rename_current(self) -> bool:
        """F2: rename the focused card's class, else the class shown."""
        name = self.bins.focused_name() if self.bins.has_card_focus() else self._bin
        if name is None:
            self.show_info(translate('data_editing', 'Choose a class card first (click it, or Tab to it), then press F2 to rename it.'))
            return False
        return self.rename_class(name)

    # ------------------------------------------------------------------ menus
    def _on_bin_context_menu_requested(self, name: str | None, global_pos: QPoint) -> None:
        menu = QMenu(self)
        if name is None:
            act = menu.addAction(translate('data_editing', 'Add photos…'))
            act.triggered.connect(self._on_add_photos_clicked)
        else:
            rename = menu.addAction(translate('data_editing', 'Rename…\tF2'))
            rename.triggered.connect(lambda: self.rename_class(name))
            match = menu.addAction(translate('data_editing', 'ImageNet match…'))
            match.setToolTip(translate('data_editing', 'What the pretrained network knows this class as'))
            match.triggered.connect(lambda: self.edit_class_match(name))
            delete = menu.addAction(translate('data_editing', 'Delete class…\tDel'))
            delete.triggered.connect(lambda: self.delete_class(name))
        menu.exec(global_pos)

    def _on_grid_context_menu_requested(self, pos: QPoint) -> None:
        if self.project is None:
            return
        paths = self.selected_paths()
        if not paths:
            return
        menu = QMenu(self)
        label_menu = self.label_menu()
        label_menu.setTitle(translate('data_editing', 'Label as\tCtrl+L'))
        menu.addMenu(label_menu)
        if len(paths) == 1:
            menu.addSeparator()
            similar = menu.addAction(translate('data_editing', 'Find similar photos…'))
            similar.triggered.connect(lambda: self.find_similar(paths[0]))
        menu.addSeparator()
        delete = menu.addAction(translate('data_editing', 'Delete\tDel'))
        delete.triggered.connect(self.delete_selected)
        menu.exec(self.grid.viewport().mapToGlobal(pos))

    def _cmd_kwargs(self) -> dict[str, Any]:
        return {'on_error': self._on_command_error}
