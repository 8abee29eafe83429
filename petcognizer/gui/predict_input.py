"""How photos reach the Predict page: file dialogs, drops (files, folders, browser pictures), Ctrl+V.

:class:`PhotoInputMixin` is part of :class:`~petcognizer.gui.predict_page.PredictPage`
(kept here so that each file stays small). Pictures that come without a file (a
browser's image, a screenshot on the clipboard) are saved into a temporary
folder of the page with :func:`~petcognizer.gui.mimedrop.save_images` and
classified like files; web addresses that come without the picture get the
clear offline message. It also keeps the cards' "Sent to …" lines true: an
undo that takes a photo out of its class clears the line (:func:`in_class`).
"""

from __future__ import annotations

import filecmp

import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog

from petcognizer.gui.mimedrop import (
    clipboard_photos,
    has_photos,
    read_mime,
    remote_message,
    save_images,
)
from petcognizer.gui.i18n import translate

__all__ = ['PhotoInputMixin', 'in_class']


class PhotoInputMixin:
    """Add buttons, drops and paste for the Predict page (which provides ``predict`` and ``error_banner``)."""

    _pasted_dir: tempfile.TemporaryDirectory | None = None

    def _on_add_files_button_clicked(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, translate('predict_input', 'Photos to classify'), str(Path.home()),
            translate('predict_input', 'Images (*.jpg *.jpeg *.png *.bmp *.gif *.webp *.tif *.tiff *.heic);;All files (*)')
        )
        if paths:
            self.predict([Path(p) for p in paths])

    def _on_add_folder_button_clicked(self) -> None:
        path = QFileDialog.getExistingDirectory(self, translate('predict_input', 'Folder of photos to classify'), str(Path.home()))
        if path:
            self.predict([Path(path)])

    def dragEnterEvent(self, ev) -> None:
        if has_photos(ev.mimeData()):
            ev.acceptProposedAction()
        else:
            ev.ignore()

    def dragMoveEvent(self, ev) -> None:
        self.dragEnterEvent(ev)

    def dropEvent(self, ev) -> None:
        if self.predict_mime(ev.mimeData()):
            ev.acceptProposedAction()

    def paste(self) -> bool:
        """Classify what the clipboard holds (files, or a picture copied in a browser)."""
        photos = clipboard_photos()
        if not photos:
            self.error_banner.show_text(translate('predict_input', 'The clipboard holds no photo. Copy a photo or an image file, '
                                        'then press Ctrl+V here.'))
            return False
        return self._predict_photos(photos)

    def predict_mime(self, mime) -> bool:
        """Classify the files and pictures of a drop (from a file manager or a web browser)."""
        return self._predict_photos(read_mime(mime))

    def _predict_photos(self, photos) -> bool:
        problems = list(photos.problems)
        if photos.remote:
            problems.append(remote_message(photos.remote))
        paths = list(photos.paths)
        if photos.images:
            if self._pasted_dir is None:  # pictures with no file: kept until the page closes
                self._pasted_dir = tempfile.TemporaryDirectory(prefix='petcognizer-pasted-')
            try:
                paths += save_images(photos, self._pasted_dir.name)
            except OSError as exc:
                problems.append(str(exc))
        ok = bool(paths) and self.predict(paths)
        if problems:
            self.error_banner.show_text(' '.join(problems))
        return ok

    def _on_photos_changed(self, classes: Any) -> None:
        """An undo took a photo out of the class it was sent to: its "Sent to" line goes."""
        project = self._project
        for row in self._rows:
            name = row.sent_to
            if project is None or name is None or (classes is not None and name not in classes):
                continue
            if in_class(project, name, Path(row.prediction.path)):
                row.sent_seen = True
            elif row.sent_seen:
                row.clear_sent()


def in_class(project: Any, class_name: str, source: Path) -> bool:
    """Whether a copy of ``source`` (the same bytes) is among the photos of ``class_name``.

    Sizes are compared first and only same-size files read: a size-and-date test took
    another photo of the same size made in the same second for the copy.
    """
    try:
        size = source.stat().st_size
        photos = project.images(class_name)
    except (OSError, KeyError, ValueError):
        return False
    for photo in photos:
        try:
            if photo.stat().st_size == size and filecmp.cmp(source, photo, shallow=False):
                return True
        except OSError:
            continue
    return False
