"""The main window: start page, or a project's Data / Train / Predict pages.

The window owns what is shared between pages: the open project (one
:class:`~petcognizer.gui.project_model.ProjectModel` that every page listens
to), the undo stack, the per-user settings (recent projects, geometry) and the
menus. It relays nothing between pages: a change to the project reaches every
page as the project's own event. It only routes the user's requests across
pages ("add this predicted photo to a class", "predict with this run").
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QStackedWidget,
    QTabWidget,
)

from petcognizer import __version__
from petcognizer.core import settings as settings_mod
from petcognizer.core.project import Project
from petcognizer.core.runs import RunRecord
from petcognizer.gui.data_page import DataPage
from petcognizer.gui.i18n import LANGUAGE_SETTING, LANGUAGES, system_language, translate
from petcognizer.gui.mimedrop import has_photos, read_mime
from petcognizer.gui.new_project import NewProjectDialog
from petcognizer.gui.predict_page import PredictPage
from petcognizer.gui.project_model import ProjectModel
from petcognizer.gui.shortcuts import ShortcutsDialog
from petcognizer.gui.start_page import StartPage
from petcognizer.gui.train_page import TrainPage
from petcognizer.gui.window_projects import ProjectDialogsMixin
from petcognizer.gui.workers import Worker, stop_worker, wait_for_workers

__all__ = ['MainWindow']

_log = logging.getLogger(__name__)


class MainWindow(ProjectDialogsMixin, QMainWindow):
    """The petcognizer window.

    Args:
        settings: per-user settings (loaded from disk if None).

    Signals:
        project_opened(object): a project is now shown.
        project_closed(): back to the start page.
    """

    project_opened = Signal(object)
    project_closed = Signal()

    def __init__(self, settings: settings_mod.AppSettings | None = None) -> None:
        super().__init__()
        self.setObjectName('MainWindow')
        self.settings = settings if settings is not None else settings_mod.load_settings()
        self.project: Any = None
        #: False: errors go to the status bar and the log only (screenshots, scripts).
        self.interactive = True
        self.undo_stack = QUndoStack(self)
        self.project_model = ProjectModel(self)
        self._import_worker: Worker | None = None
        self._import_thread = None
        self._import_dialog: QProgressDialog | None = None
        self._pending_report: tuple[Any, str] | None = None
        self.new_project_dialog: NewProjectDialog | None = None
        self.shortcuts_dialog: ShortcutsDialog | None = None

        self.start_page = StartPage()
        self.data_page = DataPage(self.undo_stack, project_model=self.project_model)
        self.train_page = TrainPage(project_model=self.project_model, undo_stack=self.undo_stack)
        self.predict_page = PredictPage(project_model=self.project_model)
        self.tabs = QTabWidget()
        self.tabs.setObjectName('PageTabs')
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.data_page, translate('main_window', 'Data'))
        self.tabs.addTab(self.train_page, translate('main_window', 'Train'))
        self.tabs.addTab(self.predict_page, translate('main_window', 'Predict'))
        self.tabs.currentChanged.connect(self._on_tabs_currentChanged)

        self.pages = QStackedWidget()
        self.pages.addWidget(self.start_page)
        self.pages.addWidget(self.tabs)
        self.setCentralWidget(self.pages)
        self.setAcceptDrops(True)

        self.start_page.new_project_requested.connect(self.new_project)
        self.start_page.open_project_requested.connect(self.open_project_dialog)
        self.start_page.import_folder_requested.connect(self.import_folder_dialog)
        self.start_page.recent_project_activated.connect(self._on_recent_project_activated)
        self.start_page.recent_project_removed.connect(self._on_recent_project_removed)
        self.data_page.status_changed.connect(self._on_status_changed)
        self.project_model.name_changed.connect(self._on_name_changed)
        self.predict_page.label_requested.connect(self._on_label_requested)
        self.train_page.run_finished.connect(self._on_run_finished)
        self.train_page.busy_changed.connect(self._on_training_busy)
        self.train_page.predict_requested.connect(self._on_predict_requested)

        self._build_menus()
        self.statusBar().showMessage(translate('main_window', 'Ready'))
        self.resize(1200, 800)
        self._restore_geometry()
        self._refresh_recent()
        self._update_title()
        self._update_actions()

    # ------------------------------------------------------------------ menus
    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(translate('main_window', '&File'))
        self.new_action = QAction(translate('main_window', '&New project…'), self, shortcut=QKeySequence.StandardKey.New)
        self.open_action = QAction(translate('main_window', '&Open project…'), self, shortcut=QKeySequence.StandardKey.Open)
        self.import_action = QAction(translate('main_window', '&Import a folder of class folders…'), self)
        self.recent_menu = file_menu.addMenu(translate('main_window', 'Open &recent'))
        self.close_action = QAction(translate('main_window', '&Close project'), self, shortcut=QKeySequence.StandardKey.Close)
        self.quit_action = QAction(translate('main_window', '&Quit'), self, shortcut=QKeySequence('Ctrl+Q'))
        self.new_action.triggered.connect(self.new_project)
        self.open_action.triggered.connect(self.open_project_dialog)
        self.import_action.triggered.connect(self.import_folder_dialog)
        self.close_action.triggered.connect(self.close_project)
        self.quit_action.triggered.connect(self.close)
        self.recent_menu.aboutToShow.connect(self._on_recent_menu_aboutToShow)
        file_menu.clear()
        for act in (self.new_action, self.open_action):
            file_menu.addAction(act)
        file_menu.addMenu(self.recent_menu)
        file_menu.addAction(self.import_action)
        file_menu.addSeparator()
        file_menu.addAction(self.close_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        edit_menu = bar.addMenu(translate('main_window', '&Edit'))
        self.undo_action = QAction(translate('main_window', '&Undo'), self, shortcut=QKeySequence('Ctrl+Z'))
        self.redo_action = QAction(translate('main_window', '&Redo'), self)
        self.redo_action.setShortcuts([QKeySequence('Ctrl+Shift+Z'), QKeySequence('Ctrl+Y')])
        self.delete_action = QAction(translate('main_window', '&Delete'), self, shortcut=QKeySequence(Qt.Key.Key_Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.data_page.addAction(self.delete_action)
        self.undo_action.triggered.connect(self.undo)
        self.redo_action.triggered.connect(self.redo)
        self.delete_action.triggered.connect(self._on_delete_triggered)
        self.undo_stack.canUndoChanged.connect(self._on_undo_state_changed)
        self.undo_stack.canRedoChanged.connect(self._on_undo_state_changed)
        self.undo_stack.undoTextChanged.connect(self._on_undo_state_changed)
        self.undo_stack.redoTextChanged.connect(self._on_undo_state_changed)
        for act in (self.undo_action, self.redo_action):
            edit_menu.addAction(act)
        edit_menu.addSeparator()
        edit_menu.addAction(self.delete_action)

        self._build_page_menus(bar)
        self._build_view_menu(bar)
        help_menu = bar.addMenu(translate('main_window', '&Help'))
        self.shortcuts_action = QAction(translate('main_window', '&Keyboard shortcuts'), self)
        self.shortcuts_action.setShortcuts([QKeySequence('F1'), QKeySequence('Ctrl+/')])
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        help_menu.addAction(self.shortcuts_action)
        about = help_menu.addAction(translate('main_window', '&About petcognizer'))
        about.triggered.connect(self._on_about_triggered)
        self._on_undo_state_changed()

    def _build_page_menus(self, bar) -> None:
        """Photos and Go menus: every Data page action and page switch, with its keys."""
        data = self.data_page
        photos = bar.addMenu(translate('main_window', '&Photos'))
        for act in (data.add_class_action, data.add_photos_action, data.add_folder_action, data.paste_action):
            photos.addAction(act)
        photos.addSeparator()
        for act in (data.label_as_action, data.rename_action, data.check_action):
            photos.addAction(act)
        self.photo_actions = [data.add_class_action, data.add_photos_action, data.add_folder_action,
                              data.paste_action, data.label_as_action, data.rename_action, data.check_action]
        go = bar.addMenu(translate('main_window', '&Go'))
        self.go_actions = []
        for i, (text, page) in enumerate(((translate('main_window', '&Data page'), self.data_page),
                                          (translate('main_window', '&Train page'), self.train_page),
                                          (translate('main_window', '&Predict page'), self.predict_page))):
            act = QAction(text, self, shortcut=QKeySequence(f'Ctrl+{i + 1}'))
            act.triggered.connect(lambda _=False, p=page: self.show_page(p))
            go.addAction(act)
            self.go_actions.append(act)
        go.addSeparator()
        self.train_action = QAction(translate('main_window', 'Start &training'), self, shortcut=QKeySequence('Ctrl+T'))
        self.train_action.triggered.connect(self._on_train_action_triggered)
        go.addAction(self.train_action)
        self.go_actions.append(self.train_action)

    def _build_view_menu(self, bar) -> None:
        """View ▸ Language: the system's, or one of :data:`~petcognizer.gui.i18n.LANGUAGES`; kept in the settings."""
        view = bar.addMenu(translate('main_window', '&View'))
        self.language_menu = view.addMenu(translate('main_window', '&Language (applies after a restart)'))
        group = QActionGroup(self)
        group.setExclusive(True)
        chosen = self.settings.extra.get(LANGUAGE_SETTING)
        self.language_actions: dict[str | None, QAction] = {}
        system = LANGUAGES[system_language()]
        entries = [(None, translate('main_window', 'System language ({name})').format(name=system))]
        entries += list(LANGUAGES.items())
        for code, name in entries:
            act = QAction(name, self, checkable=True)
            act.setData(code)
            act.setChecked(code == chosen if chosen in LANGUAGES else code is None)
            act.triggered.connect(lambda _=False, c=code: self.set_language(c))
            group.addAction(act)
            self.language_menu.addAction(act)
            self.language_actions[code] = act

    def set_language(self, code: str | None) -> None:
        """Remember the window's language (None: the system's); it applies at the next start."""
        if code is None:
            self.settings.extra.pop(LANGUAGE_SETTING, None)
        else:
            self.settings.extra[LANGUAGE_SETTING] = code
        act = self.language_actions.get(code)
        if act is not None:
            act.setChecked(True)
        self._save_settings()
        name = LANGUAGES[code] if code is not None else LANGUAGES[system_language()]
        self.statusBar().showMessage(
            translate('main_window', 'The window will be in {name} the next time petcognizer starts.').format(name=name),
            8000)

    def show_page(self, page) -> None:
        """Show a project page (Data, Train, Predict) and put the keyboard focus in it."""
        if self.project is None:
            self.statusBar().showMessage(translate('main_window', 'Open or create a project first (Ctrl+N, Ctrl+O).'), 5000)
            return
        self.tabs.setCurrentWidget(page)
        page.setFocus()
        if page is self.data_page:
            self.data_page.grid.setFocus()

    def _on_train_action_triggered(self) -> None:
        if self.project is None:
            return
        self.show_page(self.train_page)
        button = self.train_page.start_button
        if button.isEnabled():
            button.click()
        else:
            self.statusBar().showMessage(
                translate('main_window', 'Training cannot start yet: the Train page says what is missing.'), 8000
            )

    def show_shortcuts(self) -> ShortcutsDialog:
        """Help ▸ Keyboard shortcuts: every key of the window, from the actions themselves."""
        if self.shortcuts_dialog is None:
            self.shortcuts_dialog = ShortcutsDialog(self)
        self.shortcuts_dialog.show_for(self)
        return self.shortcuts_dialog

    def _update_actions(self) -> None:
        has = self.project is not None
        self.close_action.setEnabled(has)
        self.delete_action.setEnabled(has)
        for act in (*self.photo_actions, *self.go_actions):
            act.setEnabled(has)
        self._on_undo_state_changed()

    def _on_undo_state_changed(self, *_args: Any) -> None:
        s = self.undo_stack
        self.undo_action.setEnabled(s.canUndo())
        self.redo_action.setEnabled(s.canRedo())
        self.undo_action.setText(translate('main_window', '&Undo {undoText}').format(undoText=s.undoText()) if s.canUndo() else translate('main_window', '&Undo'))
        self.redo_action.setText(translate('main_window', '&Redo {redoText}').format(redoText=s.redoText()) if s.canRedo() else translate('main_window', '&Redo'))

    # ------------------------------------------------------------------ undo
    def undo(self) -> None:
        if self.data_page.is_busy():
            self.statusBar().showMessage(translate('main_window', 'Wait until the photos being added are in, then undo.'), 5000)
            return
        if self.undo_stack.canUndo():
            text = self.undo_stack.undoText()
            self.undo_stack.undo()
            self.statusBar().showMessage(translate('main_window', 'Undone: {text}').format(text=text), 5000)

    def redo(self) -> None:
        if self.data_page.is_busy():
            self.statusBar().showMessage(translate('main_window', 'Wait until the photos being added are in, then redo.'), 5000)
            return
        if self.undo_stack.canRedo():
            text = self.undo_stack.redoText()
            self.undo_stack.redo()
            self.statusBar().showMessage(translate('main_window', 'Redone: {text}').format(text=text), 5000)

    # ------------------------------------------------------------------ projects
    def set_project(self, project: Any) -> None:
        """Show ``project`` in every page (None: the start page)."""
        self.project = project
        self.undo_stack.clear()
        self.project_model.set_project(project)
        if project is None:
            self.pages.setCurrentWidget(self.start_page)
            self._refresh_recent()
            self.project_closed.emit()
        else:
            self.pages.setCurrentWidget(self.tabs)
            self.tabs.setCurrentWidget(self.data_page)
            self.settings.add_recent(project.root)
            self.settings.last_project = str(Path(project.root).absolute())
            self._save_settings()
            self._refresh_recent()
            if getattr(project, 'warnings', None):
                self.data_page.message_bar.show_message('\n'.join(project.warnings), 'info')
            self.statusBar().showMessage(translate('main_window', 'Opened {root}').format(root=project.root), 5000)
            self.project_opened.emit(project)
        self._update_title()
        self._update_actions()

    def open_project(self, path: os.PathLike | str) -> bool:
        """Open the project folder ``path``; show why if it cannot be opened."""
        path = Path(path).expanduser()
        if self.project is not None and Path(self.project.root).resolve() == path.resolve():
            self.pages.setCurrentWidget(self.tabs)
            return True
        if not self._confirm_leave():
            return False
        try:
            project = Project.open(path)
        except Exception as exc:
            self._error(translate('main_window', 'Cannot open the project'), str(exc))
            return False
        self.set_project(project)
        return True

    def create_project(self, path: os.PathLike | str) -> bool:
        """Create an empty project at ``path`` and open it."""
        if not self._confirm_leave():
            return False
        try:
            project = Project.create(path)
        except Exception as exc:
            self._error(translate('main_window', 'Cannot create the project'), str(exc))
            return False
        self.set_project(project)
        return True

    def close_project(self) -> bool:
        """Back to the start page (asks first if training runs)."""
        if self.project is None:
            return True
        if not self._confirm_leave():
            return False
        self.set_project(None)
        self.settings.last_project = None  # closed by hand: the next start shows the start page
        self._save_settings()
        return True

    def _confirm_leave(self) -> bool:
        """Stop busy pages (after asking); False if the user wants to stay."""
        if self.project is None:
            return True
        if self._train_busy():
            answer = QMessageBox.question(
                self,
                translate('main_window', 'Training is running'),
                translate('main_window', 'Training is running. Stop it and close?'),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        self._shutdown_pages()
        return True

    def _train_busy(self) -> bool:
        return self.train_page.is_busy()

    def _shutdown_pages(self, timeout_ms: int = 10000) -> bool:
        ok = self.train_page.shutdown(timeout_ms)
        ok = self.predict_page.shutdown(timeout_ms) and ok
        ok = self.data_page._cancel_jobs(timeout_ms) and ok
        return ok

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Stop every background job and join every thread; True if all stopped."""
        ok = self._shutdown_pages(timeout_ms)
        ok = self.data_page.shutdown(timeout_ms) and ok
        ok = stop_worker(self._import_worker, self._import_thread, timeout_ms) and ok
        # Safety net: every thread any page started through workers.start_worker.
        ok = wait_for_workers(timeout_ms) and ok
        return ok

    # ------------------------------------------------------------------ dialogs
    def _error(self, title: str, text: str) -> None:
        self.statusBar().showMessage(text, 10000)
        _log.warning('%s: %s', title, text)
        if self.interactive:
            QMessageBox.warning(self, title, text)

    # ------------------------------------------------------------------ settings
    def _save_settings(self) -> None:
        try:
            settings_mod.save_settings(self.settings)
        except OSError as exc:
            self.statusBar().showMessage(translate('main_window', 'Could not save settings: {exc}').format(exc=exc), 8000)

    def _refresh_recent(self) -> None:
        self.start_page.set_recent(self.settings.recent_projects)

    def _restore_geometry(self) -> None:
        text = self.settings.window_geometry
        if text:
            try:
                self.restoreGeometry(QByteArray.fromBase64(text.encode('ascii')))
            except Exception:  # a bad value only costs the window position
                pass

    def _store_geometry(self) -> None:
        self.settings.window_geometry = bytes(self.saveGeometry().toBase64().data()).decode('ascii')

    # ------------------------------------------------------------------ misc
    def _update_title(self) -> None:
        if self.project is None:
            self.setWindowTitle('petcognizer')
        else:
            self.setWindowTitle(translate('main_window', '{name} — petcognizer').format(name=self.project.name))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._train_busy():
            answer = QMessageBox.question(
                self,
                translate('main_window', 'Training is running'),
                translate('main_window', 'Training is running. Stop it and close?'),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.shutdown()
        self._store_geometry()
        self._save_settings()
        event.accept()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.project is not None and has_photos(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        """Files or browser pictures dropped anywhere else on the window go to Unlabelled."""
        photos = read_mime(event.mimeData())
        if self.project is None or not photos:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.tabs.setCurrentWidget(self.data_page)
        self.data_page.add_mime(photos, None)

    # ------------------------------------------------------------------ slots
    def _on_status_changed(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _on_name_changed(self, _name: str) -> None:
        self._update_title()

    def _on_tabs_currentChanged(self, index: int) -> None:
        """Runs another process recorded (``petcognizer train PROJECT``) appear on Train and Predict."""
        if self.project is None or self.tabs.widget(index) is self.data_page:
            return
        try:
            self.project.reload_runs()  # emits runs_changed if the list changed
        except (OSError, ValueError) as exc:
            self.statusBar().showMessage(translate('main_window', 'Could not re-read the runs: {exc}').format(exc=exc), 8000)

    def _on_delete_triggered(self) -> None:
        self.data_page.delete_current()

    def _on_recent_project_activated(self, path: Path) -> None:
        self.open_project(path)

    def _on_recent_project_removed(self, path: Path) -> None:
        key = os.path.normcase(os.path.abspath(path))
        self.settings.recent_projects = [
            p for p in self.settings.recent_projects if os.path.normcase(os.path.abspath(p)) != key
        ]
        self._save_settings()
        self._refresh_recent()

    def _on_recent_menu_aboutToShow(self) -> None:
        self.recent_menu.clear()
        for p in self.settings.recent_projects:
            act = self.recent_menu.addAction(p)
            act.setEnabled((Path(p) / 'project.json').is_file())
            act.triggered.connect(lambda _=False, path=p: self.open_project(path))
        if not self.settings.recent_projects:
            self.recent_menu.addAction(translate('main_window', 'No recent projects')).setEnabled(False)

    def _on_label_requested(self, paths: list, class_name: str) -> None:
        """Predict page: copy these photos into ``class_name`` (off the GUI thread, undoable)."""
        if self.project is None or not paths:
            return
        if class_name not in self.project.classes:
            self.statusBar().showMessage(translate('main_window', "There is no class '{class_name}' any "
                                                                    'more.').format(class_name=class_name), 8000)
            return
        self.data_page.add_paths([Path(p) for p in paths], class_name)

    def _on_training_busy(self, busy: bool) -> None:
        """A new run starts: the last run's 'Training finished' line no longer applies."""
        if busy:
            self.statusBar().clearMessage()

    def _on_run_finished(self, record: RunRecord) -> None:
        if record.best_val_acc is not None:
            self.statusBar().showMessage(translate('main_window', 'Training finished: validation accuracy '
                                                                    '{best_val_acc:.0%}.').format(best_val_acc=record.best_val_acc),
                                         15000)
        elif not record.cancelled:
            self.statusBar().showMessage(translate('main_window', 'Training finished.'), 15000)

    def _on_predict_requested(self, model_path) -> None:
        """Train page: 'Predict with this run' opens the Predict tab on that model."""
        self.predict_page.set_model_path(Path(model_path))
        self.tabs.setCurrentWidget(self.predict_page)

    def _on_about_triggered(self) -> None:
        QMessageBox.about(
            self,
            translate('main_window', 'About petcognizer'),
            translate('main_window', '<h3>petcognizer {version}</h3><p>Train image classifiers from '
                                       'folders of photos by transfer learning, offline, on your own '
                                       'computer.</p><p>Apache-2.0</p>').format(version=__version__),
        )
