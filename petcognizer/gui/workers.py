"""Run core jobs on a QThread: the only module that mixes Qt threads and core work.

A *job* is a plain function ``job(callback, cancel) -> result`` from the
Qt-free core (see :mod:`petcognizer.core.events`). :class:`Worker` runs it on a
:class:`~PySide6.QtCore.QThread` with the worker-object pattern (superqt's
``new_worker_qthread``: a small runner object is moved to the thread) and passes
a callback that re-emits each event as the ``progressed`` signal. The worker
itself stays on the GUI thread, so Qt queues every emission to the GUI thread:
any receiver (a widget's slot, a lambda, pytest-qt's ``waitSignal``) runs there.

Signal order, always::

    started -> progressed* -> (returned | errored) -> finished

Cancelling is a request: :meth:`Worker.cancel` sets the job's
:class:`~petcognizer.core.events.CancelToken`, and the core polls it between
steps. A Python thread cannot be killed, so nothing here ever calls
``QThread.terminate()``.

Throttling: a job may report thousands of small progress events a second (a
download reports every chunk, a tiny model every batch). Events listed in
``droppable`` (by default :class:`~petcognizer.core.events.StageProgress`) are
rate-limited to ``max_rate`` per second and per stage; the last one of a stage
(``done >= total``) and any other event always pass, in order. Batch losses are
never dropped (the loss curve needs every one); the plots coalesce their
redraws instead (see :class:`petcognizer.gui.curves.TrainingCurves`).
"""

from __future__ import annotations

import ctypes
import sys
import time
import traceback
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, SignalInstance, Slot

from petcognizer.core.events import Cancelled, CancelToken, StageProgress

__all__ = [
    'Job',
    'ProgressThrottle',
    'Worker',
    'fix_emit_refcount',
    'running_threads',
    'start_worker',
    'started_at',
    'stop_worker',
    'wait_for_workers',
]


def fix_emit_refcount() -> bool:
    """Work around PySide6 6.12.0 ``SignalInstance.emit`` losing a reference to ``True``.

    On Python < 3.12 (where ``True`` is not immortal) every ``signal.emit(...)``
    made from Python returns ``True`` without owning a reference, so each emit
    lowers ``True``'s reference count by one. After a few hundred to a few
    thousand emits (one training run reports every batch) the count reaches
    zero and the interpreter aborts ("bool_dealloc: deallocating True or
    False") or corrupts memory and hangs. This probes the bug once and, only if
    it is present, wraps ``emit`` to give the returned bool its reference back.

    Returns:
        True if the workaround was installed.
    """
    if sys.version_info >= (3, 12) or getattr(SignalInstance.emit, '_petcognizer_fixed', False):
        return False

    class _ProbeObject(QObject):
        probed = Signal()

    probe = _ProbeObject()
    before = sys.getrefcount(True)
    for _ in range(4):
        probe.probed.emit()
    lost = before - sys.getrefcount(True)
    # give back what the probe took
    for _ in range(max(0, lost)):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    if lost < 4:
        return False
    original = SignalInstance.emit
    incref = ctypes.pythonapi.Py_IncRef

    def emit(self, *args):
        result = original(self, *args)
        if result is True or result is False:
            incref(ctypes.py_object(result))
        return result

    emit._petcognizer_fixed = True
    emit.__doc__ = original.__doc__
    SignalInstance.emit = emit
    return True


EMIT_REFCOUNT_FIXED = fix_emit_refcount()

Job = Callable[[Callable[[Any], None], CancelToken], Any]

#: Every thread started by :func:`start_worker`, for the tests' leak guard.
_THREADS: weakref.WeakSet[QThread] = weakref.WeakSet()
#: Strong references to running threads: a QThread collected while it runs aborts the process.
_ALIVE: set[QThread] = set()
#: The runner of each live thread (it must outlive the thread's event loop).
_RUNNERS: dict[QThread, QObject] = {}
#: Where each thread was started (a short stack), for the leak guard's message.
_STARTED_AT: weakref.WeakKeyDictionary[QThread, str] = weakref.WeakKeyDictionary()


class ProgressThrottle:
    """Let through at most ``max_rate`` droppable events a second per (type, stage).

    The last event of a stage (``done >= total``) and every event of another
    type always pass, so nothing that ends a stage or carries a loss is lost.
    """

    def __init__(self, max_rate: float = 30.0, droppable: tuple[type, ...] = (StageProgress,)) -> None:
        self._min_interval = 1.0 / max_rate if max_rate > 0 else 0.0
        self._droppable = droppable
        self._last: dict[Any, float] = {}

    def allow(self, event: Any) -> bool:
        """True if ``event`` should be shown now."""
        if not self._droppable or not isinstance(event, self._droppable):
            return True
        key = (type(event), getattr(event, 'stage', None))
        now = time.monotonic()
        last = self._last.get(key)
        done, total = getattr(event, 'done', 0), getattr(event, 'total', 0)
        if last is not None and now - last < self._min_interval and not (total and done >= total):
            return False
        self._last[key] = now
        return True



class Worker(QObject):
    """Run ``job(callback, cancel)`` on a thread and report through signals.

    Args:
        job: the work; receives a callback for progress events and a
            :class:`CancelToken` it should poll.
        max_rate: at most this many droppable events per second reach the GUI.
        droppable: event types that may be skipped when they come too fast.

    Attributes:
        error_message: after ``errored``, the exception's text plus traceback.
        result: after ``returned``, the job's return value.
    """

    started = Signal()
    progressed = Signal(object)
    returned = Signal(object)
    errored = Signal(object)
    finished = Signal()

    def __init__(
        self,
        job: Job,
        *,
        max_rate: float = 30.0,
        droppable: tuple[type, ...] = (StageProgress,),
    ) -> None:
        super().__init__()  # no parent: it is moved to its thread
        self._job = job
        self._token = CancelToken()
        self._throttle = ProgressThrottle(max_rate, droppable)
        self.error_message = ''
        self.result: Any = None
        self.is_done = False

    @property
    def cancel_token(self) -> CancelToken:
        return self._token

    def cancel(self) -> None:
        """Ask the job to stop at its next check; safe from any thread."""
        self._token.cancel()

    @property
    def cancelled(self) -> bool:
        return self._token.cancelled

    def _emit_progress(self, value: Any) -> None:
        """The callback handed to the job; runs on the worker thread."""
        if self._throttle.allow(value):
            self.progressed.emit(value)

    @Slot()
    def run(self) -> None:
        """Run the job once; emits ``finished`` last whatever happens."""
        self.started.emit()
        try:
            result = self._job(self._emit_progress, self._token)
        except Cancelled as exc:
            # A job may abort by raising Cancelled (e.g. from a download progress hook).
            self.error_message = 'Cancelled.'
            self.errored.emit(exc)
        except Exception as exc:  # report it; a dead thread helps nobody
            self.error_message = ''.join(traceback.format_exception(exc)).strip()
            self.errored.emit(exc)
        else:
            self.result = result
            self.returned.emit(result)
        finally:
            self.is_done = True
            self.finished.emit()


class _RunnerObject(QObject):
    """Lives on the worker thread and calls :meth:`Worker.run` there.

    The :class:`Worker` itself stays on the GUI thread, so every receiver of its
    signals (bound methods, lambdas, pytest-qt's ``waitSignal``) is called on the
    GUI thread: Qt queues an emission from another thread to the receiver's
    context thread. Had the worker been moved to the thread, a lambda (whose
    context is the sender) would run on the worker thread instead; pytest-qt's
    blocker then races with its own event loop and can wait forever.
    """

    def __init__(self, worker: Worker) -> None:
        super().__init__()
        self._worker = worker

    @Slot()
    def run(self) -> None:
        self._worker.run()


class _ReaperObject(QObject):
    """Lives on the GUI thread; drops the strong reference to a finished thread."""

    @Slot()
    def _on_thread_finished(self) -> None:
        thread = self.sender()
        if isinstance(thread, QThread):
            # `finished` is emitted just before the thread really ends; never block for long
            if thread.wait(5000):
                _ALIVE.discard(thread)
                _RUNNERS.pop(thread, None)


_reaper: _ReaperObject | None = None


def _get_reaper() -> _ReaperObject:
    global _reaper
    if _reaper is None:
        _reaper = _ReaperObject()
    return _reaper


def start_worker(worker: Worker) -> QThread:
    """Run ``worker`` on a new QThread; return the thread.

    Must be called on the GUI thread. A small runner object is moved to the
    thread (superqt's ``new_worker_qthread`` pattern) and calls ``worker.run()``
    there; the worker stays on the GUI thread, so its signals always reach
    receivers on the GUI thread. The thread quits when the worker emits
    ``finished``; it is recorded for :func:`running_threads` and kept alive
    (with the runner and the worker) until it has stopped.
    """
    thread = QThread()
    thread.setObjectName(f'petcognizer-worker-{len(_STARTED_AT) + 1}')
    runner = _RunnerObject(worker)
    runner.moveToThread(thread)
    thread.started.connect(runner.run)
    # quit() is thread-safe; calling it directly lets the thread end without
    # the GUI event loop, so shutdown() can block in wait().
    worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
    thread.finished.connect(_get_reaper()._on_thread_finished)
    _RUNNERS[thread] = runner
    _THREADS.add(thread)
    _ALIVE.add(thread)
    _STARTED_AT[thread] = ''.join(traceback.format_stack(limit=6)[:-1])
    thread.start()
    return thread


def running_threads() -> list[QThread]:
    """Threads started by :func:`start_worker` that are still running."""
    out = []
    for thread in list(_THREADS):
        try:
            if thread.isRunning():
                out.append(thread)
        except RuntimeError:  # the C++ object is already deleted
            continue
    return out


def started_at(thread: QThread) -> str:
    """The stack from which ``thread`` was started (for leak reports)."""
    return _STARTED_AT.get(thread, '(unknown)')


def wait_for_workers(timeout_ms: int = 5000) -> bool:
    """Block until every recorded thread has stopped; True if all did in time."""
    deadline = time.monotonic() + timeout_ms / 1000
    for thread in running_threads():
        left = max(0, int((deadline - time.monotonic()) * 1000))
        try:
            if not thread.wait(left):
                return False
        except RuntimeError:
            continue
    return True


def stop_worker(worker: Worker | None, thread: QThread | None, timeout_ms: int = 10000) -> bool:
    """Ask ``worker`` to cancel and wait for ``thread``; True when nothing runs any more.

    Either may be None (nothing started, or already finished); a thread whose
    C++ object is already deleted has stopped.
    """
    if worker is not None:
        worker.cancel()
    if thread is None:
        return True
    try:
        return bool(thread.wait(timeout_ms))
    except RuntimeError:
        return True
