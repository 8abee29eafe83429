"""Undoable changes to a project, for one ``QUndoStack`` per window.

Every change the user makes to the data (add photos, relabel, delete, add /
rename / delete a class) is one command here. The page performs the change
first (so it can show an error and push nothing when it fails) and pushes the
command already *done*: the first ``redo()`` that ``QUndoStack.push`` calls is
skipped. Later undo/redo calls go to the core; a failure there (a file removed
behind our back) is reported through ``on_error`` and never raised into Qt.

A command only calls :class:`~petcognizer.core.project.Project` methods: the
project's events redraw every page, as for the original edit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtGui import QUndoCommand
from petcognizer.gui.i18n import translate

__all__ = [
    'AddClassCommand',
    'AddFilesCommand',
    'DeleteClassCommand',
    'DeleteImagesCommand',
    'MoveImagesCommand',
    'ProjectCommand',
    'RenameClassCommand',
]

_log = logging.getLogger(__name__)

ErrorCallback = Callable[[str, BaseException], None]


def _label(name: str | None) -> str:
    return translate('undo', 'Unlabelled') if name is None else f"'{name}'"


class ProjectCommand(QUndoCommand):
    """Base: runs ``_do``/``_undo`` against the project, reports errors.

    Args:
        text: shown in the Edit menu ("Undo Delete 3 photos").
        project: the open :class:`petcognizer.core.project.Project`.
        on_error: called with (command text, exception) if the core refuses.
    """

    def __init__(
        self,
        text: str,
        project: Any,
        on_error: ErrorCallback | None = None,
    ) -> None:
        super().__init__(text)
        self.project = project
        self._on_error = on_error
        self._skip_redo = True  # pushed after the change was made

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self._run(self._do)

    def undo(self) -> None:
        self._run(self._undo)

    def _run(self, fn: Callable[[], None]) -> None:
        try:
            fn()
        except Exception as exc:  # reported, never raised into Qt's event loop
            _log.warning('%s failed: %s', self.text(), exc)
            if self._on_error is not None:
                self._on_error(self.text(), exc)

    def _do(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _undo(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class AddFilesCommand(ProjectCommand):
    """Photos copied into a bin; undo removes the copies.

    Args:
        sources: the files the user dropped (copied again on redo).
        class_name: the bin (``None``: Unlabelled).
        added: the new paths inside the project (``AddReport.added``).
    """

    def __init__(
        self,
        project: Any,
        sources: Sequence[Path],
        class_name: str | None,
        added: Sequence[Path],
        **kwargs: Any,
    ) -> None:
        n_added = len(added)
        super().__init__(
            translate('undo', 'Add %n photo(s) to {target}', None, n_added).format(target=_label(class_name)),
            project, **kwargs
        )
        self.sources = [Path(p) for p in sources]
        self.class_name = class_name
        self.added = [Path(p) for p in added]

    def _do(self) -> None:
        report = self.project.add_files(self.sources, self.class_name)
        self.added = [Path(p) for p in report.added]

    def _undo(self) -> None:
        self.project.remove_added(self.added)


class MoveImagesCommand(ProjectCommand):
    """Photos relabelled; undo moves each back to the bin it came from.

    Args:
        moves: (original class or ``None``, path now) for every moved photo.
        target: the class they were moved to (``None``: Unlabelled).
    """

    def __init__(
        self,
        project: Any,
        moves: Sequence[tuple[str | None, Path]],
        target: str | None,
        **kwargs: Any,
    ) -> None:
        n_moved = len(moves)
        super().__init__(
            translate('undo', 'Move %n photo(s) to {target}', None, n_moved).format(target=_label(target)),
            project, **kwargs
        )
        self.moves = [(label, Path(p)) for label, p in moves]
        self.target = target

    def _do(self) -> None:
        mapping = self.project.move_images([p for _, p in self.moves], self.target)
        self.moves = [(label, Path(mapping.get(p, p))) for label, p in self.moves]

    def _undo(self) -> None:
        groups: dict[str | None, list[Path]] = {}
        for label, path in self.moves:
            groups.setdefault(label, []).append(path)
        new_of: dict[Path, Path] = {}
        for label, paths in groups.items():
            mapping = self.project.move_images(paths, label)
            new_of.update({Path(k): Path(v) for k, v in mapping.items()})
        self.moves = [(label, new_of.get(p, p)) for label, p in self.moves]


class DeleteImagesCommand(ProjectCommand):
    """Photos moved to the project trash; undo restores them.

    Args:
        entries: the trash entries ``Project.delete_images`` returned.
        count: how many photos (for the menu text).
    """

    def __init__(self, project: Any, entries: Sequence[Any], count: int, **kwargs: Any) -> None:
        super().__init__(translate('undo', 'Delete %n photo(s)', None, count), project, **kwargs)
        self.entries = list(entries)
        self.restored: list[Path] = []

    def _do(self) -> None:
        self.entries = list(self.project.delete_images(self.restored))

    def _undo(self) -> None:
        self.restored = [Path(p) for p in self.project.restore(self.entries)]


class AddClassCommand(ProjectCommand):
    """A new, empty class; undo deletes it."""

    def __init__(self, project: Any, name: str, color: str | None = None, **kwargs: Any) -> None:
        super().__init__(translate('undo', "Add class '{name}'").format(name=name), project, **kwargs)
        self.name = name
        self.color = color

    def _do(self) -> None:
        self.name = self.project.add_class(self.name, color=self.color)

    def _undo(self) -> None:
        self.color = self.project.class_color(self.name)
        self.project.delete_class(self.name)


class RenameClassCommand(ProjectCommand):
    """A class renamed; undo gives it its old name back."""

    def __init__(self, project: Any, old: str, new: str, **kwargs: Any) -> None:
        super().__init__(translate('undo', "Rename '{old}' to '{new}'").format(old=old, new=new), project, **kwargs)
        self.old = old
        self.new = new

    def _do(self) -> None:
        self.project.rename_class(self.old, self.new)

    def _undo(self) -> None:
        self.project.rename_class(self.new, self.old)


class DeleteClassCommand(ProjectCommand):
    """A class and its photos moved to the trash; undo restores both.

    Args:
        name: the class.
        entries: what ``Project.delete_class`` returned.
        index: its position in the class order before deletion.
        color: its colour before deletion.
        count: how many photos it had (for the menu text).
    """

    def __init__(
        self,
        project: Any,
        name: str,
        entries: Sequence[Any],
        index: int,
        color: str | None,
        count: int = 0,
        **kwargs: Any,
    ) -> None:
        text = (translate('undo', "Delete class '{name}' (%n photo(s))", None, count) if count
                else translate('undo', "Delete class '{name}'")).format(name=name)
        super().__init__(text, project, **kwargs)
        self.name = name
        self.entries = list(entries)
        self.index = index
        self.color = color

    def _do(self) -> None:
        self.entries = list(self.project.delete_class(self.name))

    def _undo(self) -> None:
        self.project.restore_class(self.name, self.entries, index=self.index, color=self.color)
