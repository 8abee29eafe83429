"""One-click fixes to photos from the trust views (mistakes, confusion cells, the doctor).

:class:`PhotoFixer` relabels, moves to Unlabelled or deletes photos through the
core (:class:`~petcognizer.core.project.Project`) and pushes the command from
:mod:`petcognizer.gui.undo` already done, exactly as the Data page does, so
Edit ▸ Undo takes any fix back. The views never redraw by hand: the project's
events do. :func:`still_there` says whether a measured photo is still where the
run saw it, with the label it had (a fixed photo leaves the lists; an undo
brings it back).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtGui import QUndoStack

from petcognizer.gui.undo import DeleteImagesCommand, MoveImagesCommand
from petcognizer.gui.i18n import translate

__all__ = ['PhotoFixer', 'still_there']


def still_there(project: Any, path: os.PathLike | str, label: str | None) -> bool:
    """True if ``path`` is a photo of ``project`` and is still labelled ``label``."""
    if project is None or not Path(path).is_file():
        return False
    try:
        return project.label_of(path) == label
    except Exception:  # not inside this project any more
        return False


class PhotoFixer:
    """Undoable relabel / move to Unlabelled / delete of photos of the open project.

    Args:
        project_model: the window's :class:`~petcognizer.gui.project_model.ProjectModel`.
        undo_stack: the window's stack.
        on_message: called with a short sentence after each fix or failure.
    """

    def __init__(self, project_model: Any, undo_stack: QUndoStack,
                 on_message: Callable[[str, bool], None] | None = None) -> None:
        self.project_model = project_model
        self.undo_stack = undo_stack
        self._on_message = on_message

    @property
    def project(self) -> Any:
        return self.project_model.project

    def _say(self, text: str, error: bool = False) -> None:
        if self._on_message is not None:
            self._on_message(text, error)

    def _on_command_error(self, what: str, exc: BaseException) -> None:
        self._say(translate('photo_fixes', '{what} failed: {exc}').format(what=what, exc=exc), True)

    def move(self, paths: Sequence[os.PathLike | str], target: str | None) -> bool:
        """Relabel ``paths`` into ``target`` (None: Unlabelled), as one undoable step."""
        project = self.project
        if project is None or not paths:
            return False
        try:
            origins = {Path(p): project.label_of(p) for p in paths}
            moving = [p for p, label in origins.items() if label != target]
            if not moving:
                return False
            mapping = project.move_images(moving, target)
        except Exception as exc:
            self._say(translate('photo_fixes', 'Could not move the photos: {exc}').format(exc=exc), True)
            return False
        moves = [(origins[p], Path(mapping.get(p, p))) for p in moving]
        self.undo_stack.push(MoveImagesCommand(project, moves, target, on_error=self._on_command_error))
        where = translate('photo_fixes', 'Unlabelled') if target is None else f"'{target}'"
        n_moved = len(moves)
        self._say(translate('photo_fixes', 'Moved %n photo(s) to {where} (Ctrl+Z to undo).', None, n_moved).format(where=where))
        return True

    def delete(self, paths: Sequence[os.PathLike | str]) -> bool:
        """Move ``paths`` to the project trash, as one undoable step."""
        project = self.project
        if project is None or not paths:
            return False
        try:
            entries = project.delete_images(paths)
        except Exception as exc:
            self._say(translate('photo_fixes', 'Could not delete the photos: {exc}').format(exc=exc), True)
            return False
        self.undo_stack.push(
            DeleteImagesCommand(project, entries, len(paths), on_error=self._on_command_error)
        )
        n_deleted = len(paths)
        self._say(translate('photo_fixes', 'Moved %n photo(s) to the project trash (Ctrl+Z to undo).', None, n_deleted))
        return True

    def apply(self, fix: dict) -> bool:
        """Apply a doctor finding's fix: ``{'action': 'move', 'paths', 'to'}`` or ``{'action': 'delete', 'paths'}``."""
        paths = [Path(p) for p in fix.get('paths') or []]
        action = fix.get('action')
        if action == 'move':
            return self.move(paths, fix.get('to'))
        if action == 'delete':
            return self.delete(paths)
        self._say(translate('photo_fixes', 'This fix cannot be applied here (unknown action {action!r}).').format(action=action), True)
        return False
