"""The window's one view of the open project: Qt signals for ``project.events``.

:class:`petcognizer.core.project.Project` is Qt-free and announces every change
through psygnal signals (``project.events``), on the thread that made the
change. A page must redraw on the GUI thread, and a project method may run on a
worker thread (adding photos, importing a folder). :class:`ProjectModel` is the
bridge every page subscribes to: it re-emits each psygnal event as a Qt signal
of a QObject that lives on the GUI thread, so Qt delivers an event from another
thread queued, and one from the GUI thread at once (an undo redraws before it
returns). Events of a project that is no longer shown are dropped.

Signal order for a switch of project: ``project_changed`` first, then the
events of the new project as they come.
"""

from __future__ import annotations

import weakref
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

__all__ = ['ProjectModel']

_EVENTS = ('classes_changed', 'photos_changed', 'settings_changed', 'runs_changed', 'name_changed')


class ProjectModel(QObject):
    """The open project (or None) and its change events, as Qt signals.

    Signals:
        project_changed(object): another project (or None) is shown.
        classes_changed(): a class was added, renamed, deleted, restored, moved or
            recoloured, or the class matches changed.
        photos_changed(object): a frozenset of the class names whose photos
            changed (``None`` in it: Unlabelled); ``None`` instead of a set: any.
        settings_changed(): ``project.settings`` was assigned.
        runs_changed(): the list of runs changed.
        name_changed(str): the project was renamed.
    """

    project_changed = Signal(object)
    classes_changed = Signal()
    photos_changed = Signal(object)
    settings_changed = Signal()
    runs_changed = Signal()
    name_changed = Signal(str)

    #: Internal hop: (project, event name, args) from any thread to the GUI thread.
    _event = Signal(object, str, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._project: Any = None
        self._callbacks: dict[str, Any] = {}
        self._event.connect(self._on_event)

    @property
    def project(self) -> Any:
        """The project shown, or None."""
        return self._project

    def set_project(self, project: Any) -> None:
        """Show ``project`` (None: none); emits ``project_changed`` even for the same one."""
        if project is not self._project:
            self._disconnect()
            self._project = project
            self._connect()
        self.project_changed.emit(project)

    # ------------------------------------------------------------ psygnal side

    def _connect(self) -> None:
        project = self._project
        events = getattr(project, 'events', None)
        if events is None:
            return
        model = weakref.ref(self)  # the project must not keep a closed window's bridge alive
        for name in _EVENTS:
            signal = getattr(events, name, None)
            if signal is None:
                continue

            def relay(*args: Any, _name: str = name, _project: Any = project) -> None:
                # runs on the thread that changed the project; never raises into the core
                bridge = model()
                if bridge is None:
                    return
                try:
                    bridge._event.emit(_project, _name, args)
                except RuntimeError:  # its C++ object is deleted: nobody listens any more
                    pass

            signal.connect(relay)
            self._callbacks[name] = relay

    def _disconnect(self) -> None:
        events = getattr(self._project, 'events', None)
        for name, relay in self._callbacks.items():
            signal = getattr(events, name, None)
            if signal is not None:
                signal.disconnect(relay)
        self._callbacks.clear()

    # ------------------------------------------------------------ Qt side

    @Slot(object, str, object)
    def _on_event(self, project: Any, name: str, args: Any) -> None:
        if project is not self._project:  # queued from a project that is closed now
            return
        if name == 'photos_changed':
            self.photos_changed.emit(args[0] if args else None)
        elif name == 'name_changed':
            self.name_changed.emit(str(args[0]) if args else '')
        else:
            getattr(self, name).emit()
