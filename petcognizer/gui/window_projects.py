"""The window's project dialogs: New project (a name, typed in the window), Import, reopening the last one.

:class:`ProjectDialogsMixin` is one part of :class:`petcognizer.gui.main_window.MainWindow`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QProgressDialog

from petcognizer.core import settings as settings_mod
from petcognizer.core.events import StageProgress
from petcognizer.core.project import Project
from petcognizer.gui.new_project import NewProjectDialog
from petcognizer.gui.workers import Worker, start_worker
from petcognizer.gui.i18n import translate

__all__ = ['ProjectDialogsMixin']


class ProjectDialogsMixin:
    """New project, open, import a folder of class folders, reopen the last project."""

    def _start_dir(self) -> str:
        recent = self.settings.recent_projects
        if recent:
            return str(Path(recent[0]).parent)
        return str(Path.home())

    def new_project(self) -> NewProjectDialog:
        """Ask for a name in the window (never a save-file dialog); Create makes and opens it."""
        location = settings_mod.default_projects_dir(self.settings)
        dialog = NewProjectDialog(location, parent=self)
        dialog.accepted.connect(lambda: self._on_new_project_accepted(dialog))
        dialog.finished.connect(dialog.deleteLater)
        self.new_project_dialog = dialog
        dialog.open()
        dialog.name_edit.setFocus()
        return dialog

    def _on_new_project_accepted(self, dialog: NewProjectDialog) -> None:
        target = dialog.target()
        if target is None:
            return
        if dialog.location != settings_mod.default_projects_dir(self.settings):
            self.settings.projects_dir = str(dialog.location)
        self.new_project_dialog = None
        if self.create_project(target):
            self.statusBar().showMessage(
                translate('window_projects', "Made the project '{name}' at {target}. Add a class for each "
                                               'kind of photo.').format(name=target.name, target=target), 10000
            )

    def reopen_last(self) -> bool:
        """On start: open the project open when the app last closed; if it is gone, say so on the start page."""
        last = self.settings.last_project
        if not last:
            return False
        path = Path(last)
        if not (path / 'project.json').is_file():
            self.start_page.show_message(
                translate('window_projects', "The project you had open last, '{name}', is not at {parent} "
                                               'any more (moved, renamed or deleted?). Open it from where it '
                                               'is now, or start a new one.').format(name=path.name, parent=path.parent)
            )
            self.settings.last_project = None
            self._save_settings()
            return False
        return self.open_project(path)

    def open_project_dialog(self) -> None:
        path = QFileDialog.getExistingDirectory(self, translate('window_projects', 'Open a project folder'), self._start_dir())
        if path:
            self.open_project(path)

    def import_folder_dialog(self) -> None:
        """Choose the folder of class folders, then name the new project in the window."""
        src = QFileDialog.getExistingDirectory(
            self, translate('window_projects', 'Choose the folder that holds one subfolder per class'), str(Path.home())
        )
        if not src:
            return
        dialog = NewProjectDialog(settings_mod.default_projects_dir(self.settings), Path(src).name, self)
        dialog.setWindowTitle(translate('window_projects', 'Import a folder of class folders'))
        dialog.accepted.connect(lambda: self._on_import_dialog_accepted(dialog, Path(src)))
        dialog.finished.connect(dialog.deleteLater)
        self.new_project_dialog = dialog
        dialog.open()

    def _on_import_dialog_accepted(self, dialog: NewProjectDialog, src: Path) -> None:
        target = dialog.target()
        self.new_project_dialog = None
        if target is not None:
            if dialog.location != settings_mod.default_projects_dir(self.settings):
                self.settings.projects_dir = str(dialog.location)
            self.import_folder(src, target)

    def import_folder(self, src: os.PathLike | str, dest: os.PathLike | str) -> None:
        """Make a project at ``dest`` from the class folders of ``src``, off the GUI thread."""
        if self._import_worker is not None or not self._confirm_leave():
            return
        src, dest = Path(src), Path(dest)

        def job(callback, cancel):
            def progress(done: int, total: int) -> None:
                callback(StageProgress('import', done, total))

            return Project.from_folder(src, dest, progress=progress, cancel=cancel)

        dialog = QProgressDialog(translate('window_projects', 'Importing photos from {src}…').format(src=src), translate('window_projects', 'Cancel'), 0, 0, self)
        dialog.setWindowTitle(translate('window_projects', 'Import a folder of class folders'))
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
        self.statusBar().showMessage(translate('window_projects', 'Importing {src}…').format(src=src))

    def is_importing(self) -> bool:
        return self._import_worker is not None

    def _on_import_progressed(self, event: Any) -> None:
        if self._import_dialog is not None and isinstance(event, StageProgress) and event.total:
            self._import_dialog.setMaximum(event.total)
            self._import_dialog.setValue(event.done)
            self._import_dialog.setLabelText(translate('window_projects', 'Importing photos: {done} of '
                                                                            '{total}').format(done=event.done, total=event.total))

    def _on_import_returned(self, result: Any) -> None:
        project, report = result
        self.set_project(project)
        self.data_page.report_panel.show_report(report, f"'{project.name}'")
        n = len(report.added)
        msg = translate('window_projects', 'Imported %n photo(s) into {classes} classes.', None, n).format(
            classes=len(project.classes))
        if report.refused:
            msg += translate('window_projects', ' {len_refused} files could not be added (listed on the '
                                                  'Data page).').format(len_refused=len(report.refused))
        if report.cancelled:
            msg += translate('window_projects', ' Import stopped before the end; the photos added so far are in the project.')
        self.statusBar().showMessage(msg, 15000)

    def _on_import_errored(self, exc: Any) -> None:
        self._error(translate('window_projects', 'Cannot import the folder'), str(exc))

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

