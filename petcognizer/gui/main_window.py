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
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QStackedWidget,
    QTabWidget,
)

from petcognizer import __version__
from petcognizer.core import settings as settings_mod
from petcognizer.core.events import StageProgress
from petcognizer.core.project import Project
from petcognizer.core.runs import RunRecord
from petcognizer.gui.data_page import DataPage
from petcognizer.gui.predict_page import PredictPage
from petcognizer.gui.project_model import ProjectModel
from petcognizer.gui.start_page import StartPage
from petcognizer.gui.thumbnails import urls_to_paths
from petcognizer.gui.train_page import TrainPage
from petcognizer.gui.workers import Worker, start_worker, stop_worker, wait_for_workers

__all__ = ['MainWindow']

_log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
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

        self.start_page = StartPage()
        self.data_page = DataPage(self.undo_stack, project_model=self.project_model)
        self.train_page = TrainPage(project_model=self.project_model, undo_stack=self.undo_stack)
        self.predict_page = PredictPage(project_model=self.project_model)
        self.tabs = QTabWidget()
        self.tabs.setObjectName('PageTabs')
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.data_page, 'Data')
        self.tabs.addTab(self.train_page, 'Train')
        self.tabs.addTab(self.predict_page, 'Predict')
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
        self.statusBar().showMessage('Ready')
        self.resize(1200, 800)
        self._restore_geometry()
        self._refresh_recent()
        self._update_title()
        self._update_actions()

    # ------------------------------------------------------------------ menus
    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu('&File')
        self.new_action = QAction('&New project…', self, shortcut=QKeySequence.StandardKey.New)
        self.open_action = QAction('&Open project…', self, shortcut=QKeySequence.StandardKey.Open)
        self.import_action = QAction('&Import a folder of class folders…', self)
        self.recent_menu = file_menu.addMenu('Open &recent')
        self.close_action = QAction('&Close project', self, shortcut=QKeySequence.StandardKey.Close)
        self.quit_action = QAction('&Quit', self, shortcut=QKeySequence.StandardKey.Quit)
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

        edit_menu = bar.addMenu('&Edit')
        self.undo_action = QAction('&Undo', self, shortcut=QKeySequence('Ctrl+Z'))
        self.redo_action = QAction('&Redo', self)
        self.redo_action.setShortcuts([QKeySequence('Ctrl+Shift+Z'), QKeySequence('Ctrl+Y')])
        self.delete_action = QAction('&Delete', self, shortcut=QKeySequence(Qt.Key.Key_Delete))
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

        help_menu = bar.addMenu('&Help')
        about = help_menu.addAction('&About petcognizer')
        about.triggered.connect(self._on_about_triggered)
        self._on_undo_state_changed()

    def _update_actions(self) -> None:
        has = self.project is not None
        self.close_action.setEnabled(has)
        self.delete_action.setEnabled(has)
        self._on_undo_state_changed()

    def _on_undo_state_changed(self, *_args: Any) -> None:
        s = self.undo_stack
        self.undo_action.setEnabled(s.canUndo())
        self.redo_action.setEnabled(s.canRedo())
        self.undo_action.setText(f'&Undo {s.undoText()}' if s.canUndo() else '&Undo')
        self.redo_action.setText(f'&Redo {s.redoText()}' if s.canRedo() else '&Redo')

    # ------------------------------------------------------------------ undo
    def undo(self) -> None:
        if self.data_page.is_busy():
            self.statusBar().showMessage('Wait until the photos being added are in, then undo.', 5000)
            return
        if self.undo_stack.canUndo():
            text = self.undo_stack.undoText()
            self.undo_stack.undo()
            self.statusBar().showMessage(f'Undone: {text}', 5000)

    def redo(self) -> None:
        if self.data_page.is_busy():
            self.statusBar().showMessage('Wait until the photos being added are in, then redo.', 5000)
            return
        if self.undo_stack.canRedo():
            text = self.undo_stack.redoText()
            self.undo_stack.redo()
            self.statusBar().showMessage(f'Redone: {text}', 5000)

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
            self._save_settings()
            self._refresh_recent()
            if getattr(project, 'warnings', None):
                self.data_page.message_bar.show_message('\n'.join(project.warnings), 'info')
            self.statusBar().showMessage(f'Opened {project.root}', 5000)
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
            self._error('Cannot open the project', str(exc))
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
            self._error('Cannot create the project', str(exc))
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
        return True

    def _confirm_leave(self) -> bool:
        """Stop busy pages (after asking); False if the user wants to stay."""
        if self.project is None:
            return True
        if self._train_busy():
            answer = QMessageBox.question(
                self,
                'Training is running',
                'Training is running. Stop it and close?',
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

    def _start_dir(self) -> str:
        recent = self.settings.recent_projects
        if recent:
            return str(Path(recent[0]).parent)
        return str(Path.home())

    def new_project(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            'New project: choose where and a name for its folder',
            os.path.join(self._start_dir(), 'My classifier'),
            '',
            '',
            QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.create_project(path)

    def open_project_dialog(self) -> None:
        path = QFileDialog.getExistingDirectory(self, 'Open a project folder', self._start_dir())
        if path:
            self.open_project(path)

    def import_folder_dialog(self) -> None:
        src = QFileDialog.getExistingDirectory(
            self, 'Choose the folder that holds one subfolder per class', str(Path.home())
        )
        if not src:
            return
        dest, _ = QFileDialog.getSaveFileName(
            self,
            'Where should the new project be created?',
            os.path.join(self._start_dir(), f'{Path(src).name} project'),
            '',
            '',
            QFileDialog.Option.DontConfirmOverwrite,
        )
        if dest:
            self.import_folder(src, dest)

    def import_folder(self, src: os.PathLike | str, dest: os.PathLike | str) -> None:
        """Make a project at ``dest`` from the class folders of ``src``, off the GUI thread."""
        if self._import_worker is not None or not self._confirm_leave():
            return
        src, dest = Path(src), Path(dest)

        def job(callback, cancel):
            def progress(done: int, total: int) -> None:
                callback(StageProgress('import', done, total))

            return Project.from_folder(src, dest, progress=progress, cancel=cancel)

        dialog = QProgressDialog(f'Importing photos from {src}…', 'Cancel', 0, 0, self)
        dialog.setWindowTitle('Import a folder of class folders')
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        self._import_dialog = dialog
        self._import_worker = worker = Worker(job)
        dialog.canceled.connect(worker.cancel)
        worker.progressed.connect(self._on_import_progressed)
        worker.returned.connect(self._on_import_returned)
        worker.errored.connect(self._on_import_errored)
        worker.finished.connect(self._on_import_finished)
        self._import_thread = start_worker(worker)
        self.statusBar().showMessage(f'Importing {src}…')

    def is_importing(self) -> bool:
        return self._import_worker is not None

    def _on_import_progressed(self, event: Any) -> None:
        if self._import_dialog is not None and isinstance(event, StageProgress) and event.total:
            self._import_dialog.setMaximum(event.total)
            self._import_dialog.setValue(event.done)
            self._import_dialog.setLabelText(f'Importing photos: {event.done} of {event.total}')

    def _on_import_returned(self, result: Any) -> None:
        project, report = result
        self.set_project(project)
        self.data_page.report_panel.show_report(report, f"'{project.name}'")
        n = len(report.added)
        msg = f'Imported {n} photo{"s" if n != 1 else ""} into {len(project.classes)} classes.'
        if report.refused:
            msg += f' {len(report.refused)} files could not be added (listed on the Data page).'
        if report.cancelled:
            msg += ' Import stopped before the end; the photos added so far are in the project.'
        self.statusBar().showMessage(msg, 15000)

    def _on_import_errored(self, exc: Any) -> None:
        self._error('Cannot import the folder', str(exc))

    def _on_import_finished(self) -> None:
        thread = self._import_thread
        self._import_worker = None
        self._import_thread = None
        if thread is not None:
            thread.wait(2000)
        if self._import_dialog is not None:
            self._import_dialog.close()
            self._import_dialog.deleteLater()
            self._import_dialog = None

    # ------------------------------------------------------------------ settings
    def _save_settings(self) -> None:
        try:
            settings_mod.save_settings(self.settings)
        except OSError as exc:
            self.statusBar().showMessage(f'Could not save settings: {exc}', 8000)

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
            self.setWindowTitle(f'{self.project.name} — petcognizer')

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._train_busy():
            answer = QMessageBox.question(
                self,
                'Training is running',
                'Training is running. Stop it and close?',
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
        if self.project is not None and event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        """Files dropped anywhere else on the window go to Unlabelled."""
        paths = urls_to_paths(event.mimeData())
        if self.project is None or not paths:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.tabs.setCurrentWidget(self.data_page)
        self.data_page.add_paths(paths, None)

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
            self.statusBar().showMessage(f'Could not re-read the runs: {exc}', 8000)

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
            self.recent_menu.addAction('No recent projects').setEnabled(False)

    def _on_label_requested(self, paths: list, class_name: str) -> None:
        """Predict page: copy these photos into ``class_name`` (off the GUI thread, undoable)."""
        if self.project is None or not paths:
            return
        if class_name not in self.project.classes:
            self.statusBar().showMessage(f"There is no class '{class_name}' any more.", 8000)
            return
        self.data_page.add_paths([Path(p) for p in paths], class_name)

    def _on_training_busy(self, busy: bool) -> None:
        """A new run starts: the last run's 'Training finished' line no longer applies."""
        if busy:
            self.statusBar().clearMessage()

    def _on_run_finished(self, record: RunRecord) -> None:
        if record.best_val_acc is not None:
            self.statusBar().showMessage(f'Training finished: validation accuracy {record.best_val_acc:.0%}.',
                                         15000)
        elif not record.cancelled:
            self.statusBar().showMessage('Training finished.', 15000)

    def _on_predict_requested(self, model_path) -> None:
        """Train page: 'Predict with this run' opens the Predict tab on that model."""
        self.predict_page.set_model_path(Path(model_path))
        self.tabs.setCurrentWidget(self.predict_page)

    def _on_about_triggered(self) -> None:
        QMessageBox.about(
            self,
            'About petcognizer',
            f'<h3>petcognizer {__version__}</h3>'
            '<p>Train image classifiers from folders of photos by transfer learning, '
            'offline, on your own computer.</p><p>Apache-2.0</p>',
        )
