"""What a project tells its views: one psygnal signal per kind of change.

Every public :class:`~petcognizer.core.project.Project` call that changes
something emits each signal that applies once, after the change is on disk,
on the calling thread. A call that raises :class:`ProjectError` before
changing anything emits nothing; one that fails part-way (say, a restore with
some photos gone from the trash) still reports what it did change. Nested
calls (``restore_class`` restores photos) emit once, when the outer call ends.

``photos_changed`` carries the frozenset of the classes whose photo list
changed, ``None`` standing for the Unlabelled bin.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from psygnal import Signal, SignalGroup

__all__ = ['PendingChanges', 'ProjectEvents']


class ProjectEvents(SignalGroup):
    """The signals of one project (``project.events``); ``events.all`` relays every one."""

    #: A class was added, renamed, deleted, restored, moved or recoloured, or class_matches was set.
    classes_changed = Signal()
    #: The photo lists of these classes changed (None: the Unlabelled bin); an empty set: only the trash.
    photos_changed = Signal(object)
    #: ``project.settings`` was assigned.
    settings_changed = Signal()
    #: A run was added, updated or removed, or runs recorded by another process were read in.
    runs_changed = Signal()
    #: The project's display name changed.
    name_changed = Signal(str)


@dataclass
class PendingChanges:
    """The changes one public call made so far; emitted together when it ends."""

    classes: bool = False
    photos: set[str | None] = field(default_factory=set)
    photos_touched: bool = False
    settings: bool = False
    runs: bool = False
    name: str | None = None

    def emit(self, events: ProjectEvents) -> None:
        """Emit one signal per kind of change: name, classes, photos, settings, runs (in that order)."""
        if self.name is not None:
            events.name_changed.emit(self.name)
        if self.classes:
            events.classes_changed.emit()
        if self.photos or self.photos_touched:
            events.photos_changed.emit(frozenset(self.photos))
        if self.settings:
            events.settings_changed.emit()
        if self.runs:
            events.runs_changed.emit()
