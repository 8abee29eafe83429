"""The Data page: class bins on the left, the selected bin's photos on the right.

Everything that changes the project goes through the core
(:class:`petcognizer.core.project.Project`) and, once done, onto the window's
``QUndoStack`` as a command from :mod:`petcognizer.gui.undo`. The page never
redraws by hand after an edit: the project's events, through the window's
:class:`~petcognizer.gui.project_model.ProjectModel`, redraw the bins and the
grid, whoever made the change (this page, an undo, the Predict page, a worker).

The parts live in their own modules: the bins (:mod:`~petcognizer.gui.class_bins`),
the grid (:mod:`~petcognizer.gui.photo_grid`), adding photos and drops
(:mod:`~petcognizer.gui.data_adding`), suggested labels, similar photos and
ImageNet matches (:mod:`~petcognizer.gui.data_assist`), and small panels
(:mod:`~petcognizer.gui.data_panels`).

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

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QUndoStack
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from petcognizer.gui.class_bins import ClassBinList
from petcognizer.gui.class_match_dialog import describe_match
from petcognizer.gui.data_adding import AddPhotosMixin
from petcognizer.gui.data_assist import LabelAssistMixin
from petcognizer.gui.data_panels import (
    MIN_PHOTOS_PER_CLASS,
    AddReportPanel,
    MessageBar,
    SimilarPhotosDialog,
    balance_hint,
)
from petcognizer.gui.doctor_panel import DoctorDialog
from petcognizer.gui.photo_grid import EmptyState, ThumbnailGrid
from petcognizer.gui.project_model import ProjectModel
from petcognizer.gui.suggestions import SuggestionsPanel
from petcognizer.gui.thumbnails import (
    PathRole,
    ThumbnailLoader,
    ThumbnailModel,
    urls_to_paths,
)
from petcognizer.gui.undo import (
    AddClassCommand,
    DeleteClassCommand,
    DeleteImagesCommand,
    MoveImagesCommand,
    RenameClassCommand,
)
from petcognizer.gui.widgets import ProgressRow

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


class DataPage(AddPhotosMixin, LabelAssistMixin, QWidget):
    """Class bins, photo grid, drop targets, undoable edits.

    The page redraws from the project's events (through ``project_model``):
    an edit here, an undo, a photo added by the Predict page or a worker
    thread all reach the bins and the grid the same way.

    Args:
        undo_stack: the window's stack (a private one if None).
        project_model: the window's :class:`ProjectModel` (a private one if None).

    Signals:
        status_changed(str): a short message for the status bar.
        add_finished(object): an add job ended, with its AddReport.
        busy_changed(bool): an add job started or ended.
    """

    status_changed = Signal(str)
    add_finished = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, undo_stack: QUndoStack | None = None, parent: QWidget | None = None,
                 project_model: ProjectModel | None = None) -> None:
        super().__init__(parent)
        self.setObjectName('DataPage')
        self.project: Any = None
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.project_model = project_model if project_model is not None else ProjectModel(self)
        self._bin: str | None = None
        self._init_adding()
        self._init_assist()

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
        self.doctor_button = QPushButton('Check my photos')
        self.doctor_button.setToolTip('Find duplicates, photos in the wrong class and other problems; fix them in one click')
        self.doctor_dialog: DoctorDialog | None = None
        head = QHBoxLayout()
        head.setSpacing(10)
        head.addWidget(self.title_label)
        head.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignBaseline)
        head.addStretch(1)
        head.addWidget(self.suggest_button)
        head.addWidget(self.doctor_button)
        head.addWidget(self.add_photos_button)
        head.addWidget(self.add_folder_button)

        self.grid = ThumbnailGrid()
        self.grid.setModel(self.model)
        self.empty_state = EmptyState()
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
        self.doctor_button.clicked.connect(self.open_doctor)
        self.suggestions.accept_requested.connect(self._on_suggestions_accept_requested)
        self.suggestions.cancel_requested.connect(self._on_suggestions_cancel_requested)
        self.suggestions.close_requested.connect(self._on_suggestions_close_requested)
        self.project_model.project_changed.connect(self._on_project_changed)
        self.project_model.classes_changed.connect(self._on_classes_changed)
        self.project_model.photos_changed.connect(self._on_photos_changed)
        self._on_project_changed(self.project_model.project)

    # ------------------------------------------------------------------ project
    def set_project(self, project: Any) -> None:
        """Show ``project`` (None: nothing) in every page that shares the project model."""
        self.project_model.set_project(project)

    def _on_project_changed(self, project: Any) -> None:
        self._cancel_jobs()
        self._cancel_suggest()
        self._suggestions_open = False
        self.project = project
        self.loader.clear_pending()
        self.loader.cache_dir = (Path(project.cache_dir) / 'thumbs') if project is not None else None
        self.message_bar.hide()
        self.report_panel.hide()
        if project is None or project.n_unlabelled or not project.classes:
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

    def _on_classes_changed(self) -> None:
        self.refresh()

    def _on_photos_changed(self, names: frozenset | None) -> None:
        # the bins' counts always change; the grid only when it shows a changed bin
        self.refresh(grid=names is None or self._bin in names)

    def refresh(self, keep_row: int | None = None, grid: bool = True) -> None:
        """Re-read the project into the bins, grid (unless ``grid`` is False), counts and hint."""
        project = self.project
        enabled = project is not None
        for w in (self.add_class_button, self.add_photos_button, self.add_folder_button, self.bins, self.doctor_button):
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
        self.hint_label.setText(balance_hint(counts, project.n_unlabelled))
        self.hint_label.show()
        if not grid:
            return
        paths = project.images(self._bin)
        self.model.set_paths(paths)
        self.title_label.setText('Unlabelled' if self._bin is None else self._bin)
        n = len(paths)
        self.count_label.setText(f'{n} photo{"s" if n != 1 else ""}')
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
        if keep_row is not None:
            self._select_row(keep_row)

    def _select_row(self, row: int | None) -> None:
        """Put the grid's cursor on ``row`` (or the last photo): keyboard labelling goes on there."""
        n = self.model.rowCount()
        if row is None or not n:
            return
        idx = self.model.index(min(row, n - 1))
        self.grid.selectionModel().setCurrentIndex(idx, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.grid.scrollTo(idx)

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
        """False (with a message) if an edit must wait for the photos being copied in.

        A training run never blocks an edit: it trains on a snapshot of the labels.
        """
        if self.project is None:
            return False
        if self.is_busy():
            self.status_changed.emit('Wait until the photos being added are in, then try again.')
            return False
        return True

    def _cmd_kwargs(self) -> dict[str, Any]:
        return {'on_error': self._on_command_error}

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Stop adding, searching and thumbnailing and join their threads; True if all stopped."""
        ok = self._cancel_jobs(timeout_ms)
        ok = self._cancel_similar(timeout_ms) and ok
        ok = self._cancel_suggest(timeout_ms) and ok
        if self.similar_dialog is not None:
            self.similar_dialog.hide()
        ok = self.loader.shutdown(timeout_ms) and ok
        return (self.doctor_dialog is None or self.doctor_dialog.shutdown(timeout_ms)) and ok

    def open_doctor(self, *_args: Any) -> DoctorDialog:
        """Show "Check my photos" (the dataset doctor); starts a check if none has run."""
        if self.doctor_dialog is None:
            self.doctor_dialog = DoctorDialog(self.project_model, self.undo_stack, self)
        self.doctor_dialog.show()
        if self.doctor_dialog.panel.report is None:
            self.doctor_dialog.panel.start()
        return self.doctor_dialog

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
            return False
        moves = [(origins[Path(p)], Path(mapping.get(p, p))) for p in moving]
        self.undo_stack.push(MoveImagesCommand(project, moves, target, **self._cmd_kwargs()))
        self._select_row(keep_row)
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
            return False
        self.undo_stack.push(
            DeleteImagesCommand(self.project, entries, len(paths), **self._cmd_kwargs())
        )
        self._select_row(keep_row)
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
        self.select_bin(name)
        return name

    def rename_class(self, old: str, new: str | None = None) -> bool:
        if not self._guard():
            return False
        if new is None:
            new, ok = QInputDialog.getText(self, 'Rename class', f"New name for '{old}':", text=old)
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
            return False
        self.undo_stack.push(
            DeleteClassCommand(project, name, entries, index, color, n, **self._cmd_kwargs())
        )
        return True

    def delete_current(self) -> bool:
        """Edit ▸ Delete: the selected photos, or the selected class if the bins have focus."""
        if self.bins.hasFocus() and self._bin is not None:
            return self.delete_class(self._bin)
        return self.delete_selected()

    # ------------------------------------------------------------------ slots
    def _on_bin_selected(self, name: str | None) -> None:
        self._bin = name
        self.refresh()

    def _on_photos_dropped(self, paths: list, target: str | None) -> None:
        self.move_paths([Path(p) for p in paths], target)

    def _on_label_key_pressed(self, number: int) -> None:
        self.label_selected(number)

    def _on_add_class_clicked(self) -> None:
        self.add_class()

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
        if len(paths) == 1:
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
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

