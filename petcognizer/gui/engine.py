"""Run engine jobs from the window: a Qt face on :class:`petcognizer.engine.client.EngineClient`.

:class:`EngineWorker` has the signals of :class:`petcognizer.gui.workers.Worker`,
in the same order::

    started -> progressed* -> (returned | errored) -> finished

but its job runs in the engine process, so nothing here imports torch and the
window's interpreter is never busy with machine learning. The client's reader
thread emits the signals; the worker lives on the GUI thread, so Qt queues
each emission to the GUI thread and every receiver (a slot, a lambda,
pytest-qt's ``waitSignal``) runs there.

``errored`` carries a readable message (str): the job's error, the engine's
death ("The engine process stopped unexpectedly (...)"), or
:data:`CANCELLED_MESSAGE` when the job stopped at a cancel request (then
:attr:`EngineWorker.was_cancelled` is True). Throttling is the Worker's:
:class:`~petcognizer.core.events.StageProgress` events come at most
``max_rate`` times a second per stage, the last of a stage always; every other
event passes.

The shared client (:func:`engine_client`) starts its process on first use;
:func:`warm_up` starts it and loads torch there, in the background, so the
first real job starts at once.
"""

from __future__ import annotations

import atexit
import threading
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from petcognizer.engine.client import EngineClient, JobHandle
from petcognizer.engine.protocol import CANCELLED, DONE, ERROR, EVENT, TERMINAL
from petcognizer.gui.workers import ProgressThrottle, fix_emit_refcount

__all__ = [
    'CANCELLED_MESSAGE',
    'EngineWorker',
    'ProgressThrottle',
    'engine_client',
    'engine_pid',
    'running_engine_workers',
    'shutdown_engine',
    'warm_up',
]

#: The ``errored`` message of a job that stopped at a cancel request.
CANCELLED_MESSAGE = 'Cancelled.'

fix_emit_refcount()  # idempotent: signals are emitted from the client's reader thread


#: Workers whose job has started and whose ``finished`` the GUI thread has not handled yet:
#: a worker collected while its signals are queued would lose them.
_RUNNING: set[EngineWorker] = set()


class EngineWorker(QObject):
    """Run engine job ``job_name`` with keyword arguments; report through signals.

    Args:
        job_name: a job of :mod:`petcognizer.engine.jobs` (``'train'``, ``'predict'``, ...).
        client: the engine to use; default the shared :func:`engine_client`.
        max_rate: at most this many StageProgress events a second per stage.
        **kwargs: the job's plain-data keyword arguments (str paths, numbers, lists, dicts).

    Attributes:
        result: after ``returned``, the job's result (plain data).
        error_message: after ``errored``, its message.
        is_done: True once the job has ended (set before ``finished`` is emitted).
    """

    started = Signal()
    progressed = Signal(object)
    returned = Signal(object)
    errored = Signal(str)
    finished = Signal()

    #: Re-posts a message to the GUI thread (used when the job could not be submitted).
    _posted = Signal(object)
    #: Emits ``started`` from the event loop, ahead of any reply.
    _start_posted = Signal()

    def __init__(self, job_name: str, /, *, client: EngineClient | None = None, max_rate: float = 30.0,
                 **kwargs: Any) -> None:
        super().__init__()
        self.job_name = job_name
        self.kwargs = kwargs
        self._client = client
        self._throttle = ProgressThrottle(max_rate)
        self._handle: JobHandle | None = None
        self._cancel_requested = False
        self._ended = threading.Event()
        self._was_cancelled = False
        self.result: Any = None
        self.error_message = ''
        self.is_done = False
        self._posted.connect(self._on_message, Qt.ConnectionType.QueuedConnection)
        self._start_posted.connect(self.started, Qt.ConnectionType.QueuedConnection)

    # ------------------------------------------------------------ control

    def start(self) -> None:
        """Submit the job (starting the engine if needed); call once, on the GUI thread."""
        if self._handle is not None or self in _RUNNING or self.is_done:
            raise RuntimeError(f'engine worker {self.job_name!r} was already started')
        _RUNNING.add(self)
        # Connected last, so the GUI thread runs every other finished-receiver first.
        self.finished.connect(self._release)
        self._start_posted.emit()
        client = self._client if self._client is not None else engine_client()
        try:
            self._handle = client.submit(self.job_name, self.kwargs, self._on_message)
        except Exception as exc:  # e.g. the process could not be started
            self._posted.emit((ERROR, 0, f'Could not start the engine job {self.job_name!r}: {exc}'))
            return
        if self._cancel_requested:
            self._handle.cancel()

    def cancel(self) -> None:
        """Ask the job to stop at its next check (within one batch); safe from any thread."""
        self._cancel_requested = True
        if self._handle is not None:
            self._handle.cancel()

    @property
    def cancelled(self) -> bool:
        """True once :meth:`cancel` was called."""
        return self._cancel_requested

    @property
    def was_cancelled(self) -> bool:
        """True if the job ended because it was cancelled (``errored`` got :data:`CANCELLED_MESSAGE`)."""
        return self._was_cancelled

    def is_running(self) -> bool:
        """True from :meth:`start` until the job has ended."""
        return self in _RUNNING and not self.is_done

    def wait(self, timeout_ms: int = 10000) -> bool:
        """Block until the job has ended; True if it did in time (or never started).

        The signals of the end are queued to the GUI thread: they are delivered
        when its event loop runs next.
        """
        if self not in _RUNNING and not self.is_done:
            return True
        return self._ended.wait(max(0, timeout_ms) / 1000)

    # ------------------------------------------------------------ replies

    def _on_message(self, message: tuple) -> None:
        """One reply of the job (on the client's reader thread): re-emit it as a signal."""
        kind = message[0]
        if kind == EVENT:
            if self._throttle.allow(message[2]):
                self.progressed.emit(message[2])
            return
        if kind == DONE:
            self.result = message[2]
            self.returned.emit(message[2])
        elif kind == ERROR:
            self.error_message = str(message[2])
            self.errored.emit(self.error_message)
        elif kind == CANCELLED:
            self._was_cancelled = True
            self.error_message = CANCELLED_MESSAGE
            self.errored.emit(CANCELLED_MESSAGE)
        if kind in TERMINAL:
            self.is_done = True
            self._ended.set()
            self.finished.emit()

    @Slot()
    def _release(self) -> None:
        _RUNNING.discard(self)

    def __repr__(self) -> str:
        state = 'done' if self.is_done else ('running' if self.is_running() else 'new')
        return f'<EngineWorker {self.job_name!r} {state}>'


def running_engine_workers() -> list[EngineWorker]:
    """Workers started and not yet finished (for the tests' leak guard)."""
    return [w for w in list(_RUNNING) if not w.is_done]


# ------------------------------------------------------------------ the shared engine

_client: EngineClient | None = None
_client_lock = threading.Lock()


def engine_client() -> EngineClient:
    """The window's engine client (created on first call; its process starts on first use)."""
    global _client
    with _client_lock:
        if _client is None:
            _client = EngineClient()
            atexit.register(shutdown_engine, 5.0)
        return _client


def engine_pid() -> int | None:
    """The engine process's id, or None when none runs (for tests and diagnostics)."""
    client = _client
    return client.pid if client is not None else None


def warm_up() -> JobHandle:
    """Start the engine and load torch and the core there in the background ('warm' job)."""
    return engine_client().submit('warm')


def shutdown_engine(timeout: float = 10.0) -> bool:
    """Stop the shared engine process (running jobs are cancelled); True if it exited in time."""
    client = _client
    return client.shutdown(timeout) if client is not None else True
