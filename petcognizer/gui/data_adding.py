"""Adding photos on the Data page: drops, file dialogs and the copy job.

:class:`AddPhotosMixin` is one part of :class:`petcognizer.gui.data_page.DataPage`.
Copying and verifying photos (:meth:`petcognizer.core.project.Project.add_files`)
runs on a worker thread from :mod:`petcognizer.gui.workers`, one request after
another; the project's ``photos_changed`` event (queued to the GUI thread by the
page's :class:`~petcognizer.gui.project_model.ProjectModel`) redraws the bins and
the grid, and the finished copy is pushed onto the undo stack.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog

from petcognizer.core.events import StageProgress
from petcognizer.core.images import IMAGE_EXTENSIONS
from petcognizer.gui.mimedrop import (
    MimePhotos,
    clipboard_photos,
    remote_message,
    save_images,
)
from petcognizer.gui.undo import AddFilesCommand
from petcognizer.gui.workers import Worker, start_worker, stop_worker
from PySide6.QtCore import QT_TRANSLATE_NOOP

from petcognizer.gui.i18n import translate

__all__ = ['AddPhotosMixin']

_FILE_FILTER = QT_TRANSLATE_NOOP('data_adding', 'Photos ({})'), (' '.join(f'*{e}' for e in sorted(IMAGE_EXTENSIONS)))


class AddPhotosMixin:
    """Copy dropped or chosen files and folders into a bin, one request at a time."""

    def _init_adding(self) -> None:
        self._worker: Worker | None = None
        self._thread = None
        self._queue: list[tuple[list[Path], str | None]] = []
        self._job_target: str | None = None
        self._job_sources: list[Path] = []
        self._job_project: Any = None

    # ------------------------------------------------------------------ adding photos
    def is_busy(self) -> bool:
        """True while photos are being added."""
        return self._worker is not None

    def add_paths(self, paths: Sequence[os.PathLike | str], class_name: str | None) -> None:
        """Copy files/folders into a bin on a worker thread (queued if one is running)."""
        if self.project is None or not paths:
            return
        self._queue.append(([Path(p) for p in paths], class_name))
        if self._worker is None:
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
        where = translate('data_adding', 'Unlabelled') if target is None else f"'{target}'"
        self.progress_label.setText(translate('data_adding', 'Adding photos to {where}…').format(where=where))
        self.progress_bar.setRange(0, 0)
        self.progress_row.show()
        self.busy_changed.emit(True)
        self._thread = start_worker(worker)

    def _on_add_progressed(self, event: Any) -> None:
        if isinstance(event, StageProgress) and event.total:
            self.progress_bar.setRange(0, event.total)
            self.progress_bar.setValue(event.done)
            where = translate('data_adding', 'Unlabelled') if self._job_target is None else f"'{self._job_target}'"
            self.progress_label.setText(translate('data_adding', 'Adding photos to {where}: {done} of '
                                                                   '{total}').format(where=where, done=event.done, total=event.total))

    def _on_add_returned(self, report: Any) -> None:
        if self._job_project is not self.project:  # the project was closed meanwhile
            return
        target = self._job_target
        added = list(report.added)
        if added:
            self.undo_stack.push(
                AddFilesCommand(self.project, self._job_sources, target, added, **self._cmd_kwargs())
            )
        where = translate('data_adding', 'Unlabelled') if target is None else f"'{target}'"
        self.report_panel.show_report(report, where)
        n_added = len(added)
        msg = translate('data_adding', 'Added %n photo(s) to {where}.', None, n_added).format(where=where)
        if report.refused:
            msg += translate('data_adding', ' {len_refused} could not be added (see the list below the '
                                              'photos).').format(len_refused=len(report.refused))
        if report.cancelled:
            msg += translate('data_adding', ' Stopped before the end.')
        self.status_changed.emit(msg)
        if self._bin != target and added and self.project is not None:
            self.select_bin(target)  # show where the photos went
        self.add_finished.emit(report)

    def _on_add_errored(self, exc: Any) -> None:
        self.show_error(translate('data_adding', 'Could not add the photos: {exc}').format(exc=exc))
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
            self.progress_label.setText(translate('data_adding', 'Stopping…'))

    def _cancel_jobs(self, timeout_ms: int = 10000) -> bool:
        self._queue.clear()
        return stop_worker(self._worker, self._thread, timeout_ms)

    def _on_files_dropped(self, paths: list, target: str | None) -> None:
        self.add_paths(paths, target)

    def add_mime(self, photos: MimePhotos, target: str | None) -> bool:
        """Add what a drop or the clipboard holds to a bin: files, pictures; explain web addresses.

        Pictures that came as data (from a browser or a screenshot) are saved
        first under ``project.cache_dir / 'pasted'`` with a unique name, then
        added like files (so undo/redo work on them as on any other photo).
        Returns True if something is being added.
        """
        if self.project is None:
            return False
        paths = list(photos.paths)
        problems = list(photos.problems)
        if photos.images:
            try:
                paths += save_images(photos, Path(self.project.cache_dir) / 'pasted')
            except OSError as exc:
                problems.append(str(exc))
        if photos.remote:
            problems.append(remote_message(photos.remote))
        if problems:
            self.show_error(' '.join(problems)) if not paths else self.show_info(' '.join(problems))
        if not paths:
            return False
        self.add_paths(paths, target)
        return True

    def paste_photos(self) -> bool:
        """Ctrl+V: photos, files or a picture from the clipboard go into the class shown."""
        if self.project is None:
            return False
        photos = clipboard_photos()
        if not photos:
            self.show_info(
                translate('data_adding', 'The clipboard holds no photo. Copy a photo or photo files (in a browser: right-click '
                'the image, "Copy image"), then press Ctrl+V here.')
            )
            return False
        return self.add_mime(photos, self._bin)

    def _on_mime_dropped(self, photos: MimePhotos, target: str | None) -> None:
        self.add_mime(photos, target)

    def _on_grid_mime_dropped(self, photos: MimePhotos) -> None:
        self.add_mime(photos, self._bin)

    def _on_grid_files_dropped(self, paths: list) -> None:
        self.add_paths(paths, self._bin)

    def _on_add_photos_clicked(self) -> None:
        if self.project is None:
            return
        files, _ = QFileDialog.getOpenFileNames(
            self, translate('data_adding', 'Add photos'), str(Path.home()), translate('data_adding', '{photos};;All files (*)').format(
                photos=translate('data_adding', _FILE_FILTER[0]).format(_FILE_FILTER[1]))
        )
        if files:
            self.add_paths(files, self._bin)

    def _on_add_folder_clicked(self) -> None:
        if self.project is None:
            return
        folder = QFileDialog.getExistingDirectory(self, translate('data_adding', 'Add a folder of photos'), str(Path.home()))
        if folder:
            self.add_paths([folder], self._bin)
