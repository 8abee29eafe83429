"""The Data page: every class as a card at the top, the chosen card's photos below.

Everything that changes the project goes through the core
(:class:`petcognizer.core.project.Project`) and, once done, onto the window's
``QUndoStack`` as a command from :mod:`petcognizer.gui.undo`. The page never
redraws by hand after an edit: the project's events, through the window's
:class:`~petcognizer.gui.project_model.ProjectModel`, redraw the cards and the
grid, whoever made the change (this page, an undo, the Predict page, a worker).

The parts live in their own modules: the class cards (:mod:`~petcognizer.gui.class_bins`),
the grid (:mod:`~petcognizer.gui.photo_grid`), adding photos, drops and paste
(:mod:`~petcognizer.gui.data_adding`), edits and keys (:mod:`~petcognizer.gui.data_editing`),
suggested labels, similar photos and ImageNet matches (:mod:`~petcognizer.gui.data_assist`),
and small panels (:mod:`~petcognizer.gui.data_panels`). The hint under the cards is
:func:`petcognizer.core.hints.data_hint`, the rule the Train page and the README use too.

Drops accepted (read by :mod:`petcognizer.gui.mimedrop`):

* files or folders from the file manager, pictures or file links from a web
  browser onto a card (that class), onto the grid or its empty state (the class
  shown); a web address without the picture gets a message (the app is offline);
* photos dragged from the grid onto another card (relabel; internal mime type
  :data:`~petcognizer.gui.thumbnails.PATHS_MIME`);
* Ctrl+V pastes photos or files from the clipboard into the class shown.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from petcognizer.gui.core_text import data_hint_text
from petcognizer.gui.class_bins import ClassCards
from petcognizer.gui.class_match_dialog import describe_match
from petcognizer.gui.data_adding import AddPhotosMixin
from petcognizer.gui.data_assist import LabelAssistMixin
from petcognizer.gui.data_editing import EditingMixin
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
from petcognizer.gui.widgets import ProgressRow
from PySide6.QtCore import QT_TRANSLATE_NOOP

from petcognizer.gui.i18n import translate

__all__ = [
    'MIN_PHOTOS_PER_CLASS',
    'AddReportPanel',
    'ClassCards',
    'DataPage',
    'MessageBar',
    'SimilarPhotosDialog',
    'ThumbnailGrid',
    'balance_hint',
    'urls_to_paths',
]

_log = logging.getLogger(__name__)

#: The keyboard line under the photos.
KEYS_TEXT = QT_TRANSLATE_NOOP(
    'data_page',
    'Keys: select photos, then 1–9 puts them in that class, 0 in Unlabelled, Ctrl+L any class; '
    'Del deletes; Ctrl+V pastes photos. Help ▸ Keyboard shortcuts lists them all.'
)


class DataPage(AddPhotosMixin, EditingMixin, LabelAssistMixin, QWidget):
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

        # top: the classes as cards, and what the photos need next
        self.bins = ClassCards()
        self.add_class_button = self.bins.add_card.button
        header = QLabel(translate('data_page', 'Classes'))
        header.setObjectName('SectionHeader')
        self.hint_label = QLabel()
        self.hint_label.setObjectName('HintLabel')
        self.hint_label.setWordWrap(True)

        # below: the photos of the chosen card
        self.title_label = QLabel()
        self.title_label.setObjectName('BinTitle')
        self.count_label = QLabel()
        self.count_label.setObjectName('BinCount')
        self.add_photos_button = QPushButton(translate('data_page', 'Add photos…'))
        self.add_photos_button.setToolTip(translate('data_page', 'Copy photos from your computer into the class shown (Ctrl+Shift+O)'))
        self.add_folder_button = QPushButton(translate('data_page', 'Add folder…'))
        self.add_folder_button.setToolTip(translate('data_page', 'Copy every photo of a folder into the class shown'))
        self.suggest_button = QPushButton(translate('data_page', 'Suggest labels'))
        self.suggest_button.setToolTip(
            translate('data_page', 'Guess a class for every unlabelled photo (from your trained model, or from the '
            'class names when none is trained yet); you check and accept them')
        )
        self.suggest_button.hide()
        self.doctor_button = QPushButton(translate('data_page', 'Check my photos'))
        self.doctor_button.setToolTip(translate('data_page', 'Find duplicates, photos in the wrong class and other problems; fix them in one click'))
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
        self.keys_label = QLabel(translate('data_page', KEYS_TEXT))
        self.keys_label.setObjectName('KeysLabel')
        self.keys_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 8)
        layout.setSpacing(6)
        layout.addWidget(self.message_bar)
        layout.addWidget(header)
        layout.addWidget(self.bins)
        layout.addWidget(self.hint_label)
        layout.addSpacing(4)
        layout.addLayout(head)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.progress_row)
        layout.addWidget(self.report_panel)
        layout.addWidget(self.keys_label)

        # wiring
        self.bins.bin_selected.connect(self._on_bin_selected)
        self.bins.mime_dropped.connect(self._on_mime_dropped)
        self.bins.photos_dropped.connect(self._on_photos_dropped)
        self.bins.context_menu_requested.connect(self._on_bin_context_menu_requested)
        self.bins.add_class_requested.connect(self._on_add_class_name_entered)
        self.grid.files_dropped.connect(self._on_grid_files_dropped)
        self.grid.mime_dropped.connect(self._on_grid_mime_dropped)
        self.grid.label_key_pressed.connect(self._on_label_key_pressed)
        self.grid.delete_key_pressed.connect(self.delete_selected)
        self.grid.customContextMenuRequested.connect(self._on_grid_context_menu_requested)
        self.grid.doubleClicked.connect(self._on_grid_doubleClicked)
        self.empty_state.files_dropped.connect(self._on_grid_files_dropped)
        self.empty_state.mime_dropped.connect(self._on_grid_mime_dropped)
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
        self._build_actions()
        self.project_model.project_changed.connect(self._on_project_changed)
        self.project_model.classes_changed.connect(self._on_classes_changed)
        self.project_model.photos_changed.connect(self._on_photos_changed)
        self._on_project_changed(self.project_model.project)

    def _build_actions(self) -> None:
        """Keys of the page (active while the focus is in it); the window's menus show them too."""
        def action(text: str, keys: str, slot) -> QAction:
            act = QAction(text, self)
            act.setShortcut(QKeySequence(keys))
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.add_class_action = action(translate('data_page', 'Add &class…'), 'Ctrl+Shift+N', self._on_add_class_clicked)
        self.add_photos_action = action(translate('data_page', 'Add &photos…'), 'Ctrl+Shift+O', self._on_add_photos_clicked)
        self.add_folder_action = action(translate('data_page', 'Add &folder…'), 'Ctrl+Shift+F', self._on_add_folder_clicked)
        self.paste_action = action(translate('data_page', '&Paste photos'), 'Ctrl+V', self.paste_photos)
        self.label_as_action = action(translate('data_page', '&Label as…'), 'Ctrl+L', self.label_as_dialog)
        self.rename_action = action(translate('data_page', '&Rename class…'), 'F2', self.rename_current)
        self.show_unlabelled_action = action(translate('data_page', 'Show &Unlabelled'), 'Ctrl+0', lambda: self._show_bin_key(0))
        self.show_class_actions = [
            action(translate('data_page', 'Show class {i}').format(i=i), f'Ctrl+Alt+{i}', lambda _=False, n=i: self._show_bin_key(n))
            for i in range(1, 10)
        ]
        self.check_action = action(translate('data_page', 'C&heck my photos'), 'Ctrl+Shift+K', self.open_doctor)

    def _show_bin_key(self, number: int) -> None:
        if self.project is None:
            return
        classes = self.project.classes
        if number == 0:
            self.select_bin(None)
        elif number <= len(classes):
            self.select_bin(classes[number - 1])
        else:
            self.show_info(translate('data_page', 'There is no class {number}.').format(number=number))
            return
        self.grid.setFocus()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        # the cards take at most ~40% of the page; more classes scroll
        self.bins.max_height = max(150, int(self.height() * 0.4))
        self.bins.fit()

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
        self.bins.set_cache_dir(self.loader.cache_dir)
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
        for w in (self.add_photos_button, self.add_folder_button, self.bins, self.doctor_button):
            w.setEnabled(enabled)
        if project is None:
            self._suggestions_open = False
            self.suggest_button.hide()
            self.bins.clear()
            self.model.set_paths([])
            self.title_label.setText(translate('data_page', 'No project open'))
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
        samples = {name: project.images(name)[:4] for name in (None, *project.classes)}
        self.bins.set_bins(project.classes, counts, colors, project.n_unlabelled, self._bin, matches, samples)
        self.hint_label.setText(data_hint_text(counts, project.n_unlabelled))
        self.hint_label.show()
        if not grid:
            return
        paths = project.images(self._bin)
        self.model.set_paths(paths)
        self.title_label.setText(translate('data_page', 'Unlabelled') if self._bin is None else self._bin)
        n = len(paths)
        self.count_label.setText(translate('data_page', '%n photo(s)', None, n))
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

    def show_info(self, text: str) -> None:
        """A visible hint above the photos (and in the status bar): what to do next."""
        self.message_bar.show_message(text, 'info')
        self.status_changed.emit(text)

    def _on_command_error(self, what: str, exc: BaseException) -> None:
        self.show_error(translate('data_page', '{what} failed: {exc}').format(what=what, exc=exc))

    def _guard(self) -> bool:
        """False (with a message) if an edit must wait for the photos being copied in.

        A training run never blocks an edit: it trains on a snapshot of the labels.
        """
        if self.project is None:
            return False
        if self.is_busy():
            self.status_changed.emit(translate('data_page', 'Wait until the photos being added are in, then try again.'))
            return False
        return True

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Stop adding, searching and thumbnailing and join their threads; True if all stopped."""
        ok = self._cancel_jobs(timeout_ms)
        ok = self._cancel_similar(timeout_ms) and ok
        ok = self._cancel_suggest(timeout_ms) and ok
        if self.similar_dialog is not None:
            self.similar_dialog.hide()
        ok = self.loader.shutdown(timeout_ms) and ok
        ok = self.bins.shutdown(timeout_ms) and ok
        return (self.doctor_dialog is None or self.doctor_dialog.shutdown(timeout_ms)) and ok

    def open_doctor(self, *_args: Any) -> DoctorDialog:
        """Show "Check my photos" (the dataset doctor); starts a check if none has run."""
        if self.doctor_dialog is None:
            self.doctor_dialog = DoctorDialog(self.project_model, self.undo_stack, self)
        self.doctor_dialog.show()
        if self.doctor_dialog.panel.report is None:
            self.doctor_dialog.panel.start()
        return self.doctor_dialog

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

    def _on_add_class_name_entered(self, name: str) -> None:
        self.add_class(name)

    def _on_grid_doubleClicked(self, index: QModelIndex) -> None:
        path = index.data(PathRole)
        if path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

