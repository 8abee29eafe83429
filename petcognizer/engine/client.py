"""The window's side of the engine: start the warm child process, submit jobs, read replies.

Qt-free and torch-free (the window imports it). :class:`EngineClient` starts
one ``multiprocessing`` *spawn* child running :func:`petcognizer.engine.server.serve`
and talks to it over a duplex :func:`multiprocessing.Pipe` (the messages are in
:mod:`petcognizer.engine.protocol`). A reader thread receives every reply and
hands it to the job's ``on_message`` callback, on that reader thread.

If the pipe breaks (the child was killed, ran out of memory, crashed in a
native library), every job still running gets ONE error reply saying so, the
client marks itself dead, and the next :meth:`EngineClient.submit` starts a new
child.

The child's entry point names the server module by string
(:func:`_engine_main`): the window must never load the job code, which is
checked by an import-linter contract.
"""

from __future__ import annotations

import importlib
import itertools
import multiprocessing
import os
import sys
import threading
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_for
from typing import Any

from petcognizer.core.events import Callback, Cancelled
from petcognizer.engine.protocol import (
    CANCEL,
    CANCELLED,
    DONE,
    ERROR,
    EVENT,
    RUN,
    SHUTDOWN,
    TERMINAL,
    engine_died_message,
    ensure_plain,
)

__all__ = ['EngineClient', 'EngineJobError', 'JobHandle', 'OnMessage']

#: Receives each reply tuple of one job (see :mod:`petcognizer.engine.protocol`), on the reader thread.
OnMessage = Callable[[tuple], None]

SERVER_MODULE = 'petcognizer.engine.server'


def _engine_main(conn: Connection, parent_pid: int) -> None:
    """The child's entry point: load the server (by name: the parent never imports it) and serve."""
    server = importlib.import_module(SERVER_MODULE)
    server.serve(conn, parent_pid)


class EngineJobError(RuntimeError):
    """A job failed in the engine (or the engine died); ``str()`` is the readable message."""


class JobHandle:
    """One submitted job: its id, a way to cancel it, and whether it has ended.

    Attributes:
        id: the job's id (unique within its client).
        name: the job's name.
        outcome: after the end, ``'done'``, ``'error'`` or ``'cancelled'``.
    """

    def __init__(self, session: _Session, job_id: int, name: str, on_message: OnMessage | None) -> None:
        self._session = session
        self.id = job_id
        self.name = name
        self._on_message = on_message
        self._done = threading.Event()
        self.outcome: str | None = None

    def cancel(self) -> None:
        """Ask the job to stop at its next check; safe from any thread, a no-op once it has ended."""
        if not self._done.is_set():
            self._session.send((CANCEL, self.id))

    @property
    def done(self) -> bool:
        """True once the job's last reply has been handled."""
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job has ended (its callback has run); False on timeout."""
        return self._done.wait(timeout)

    def _deliver(self, message: tuple) -> None:
        """Hand one reply to the callback (reader thread); the terminal one ends the job."""
        terminal = message[0] in TERMINAL
        if terminal:
            self.outcome = message[0]
        try:
            if self._on_message is not None:
                self._on_message(message)
        except Exception:  # a faulty callback must not stop the reader thread
            traceback.print_exc(file=sys.stderr)
        finally:
            if terminal:
                self._done.set()

    def __repr__(self) -> str:
        state = self.outcome or 'running'
        return f'<JobHandle {self.id} {self.name!r} {state}>'


class _Session:
    """One child process, its pipe, its reader thread and its running jobs."""

    def __init__(self, client: EngineClient, process: multiprocessing.process.BaseProcess,
                 conn: Connection) -> None:
        self.client = client
        self.process = process
        self.conn = conn
        self.send_lock = threading.Lock()
        self.jobs: dict[int, JobHandle] = {}
        self.dead = False
        self.closing = False
        # Only one thread may wait for (reap) the process at a time: two concurrent
        # waitpid() calls make one of them see "no such child" and report it alive.
        self._reap_lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, name=f'engine-reader-{process.pid}', daemon=True)

    def send(self, message: tuple) -> bool:
        """Send one request; False if the pipe is closed (the reader reports the death)."""
        try:
            with self.send_lock:
                self.conn.send(message)
        except (OSError, EOFError, ValueError):
            return False
        return True

    def exited(self) -> bool:
        """True once the process has ended (non-blocking; does not reap it)."""
        return bool(wait_for([self.process.sentinel], 0))

    def reap(self, timeout: float) -> int | None:
        """Wait up to ``timeout`` s for the process to end; its exit code (None: still running)."""
        with self._reap_lock:
            self.process.join(timeout)
            return self.process.exitcode

    def stop(self, timeout: float) -> bool:
        """Wait up to ``timeout`` s for the process to exit, then terminate, then kill it.

        Returns:
            True if it exited by itself in time.
        """
        if self.reap(timeout) is not None:
            return True
        with self._reap_lock:
            for end in (self.process.terminate, self.process.kill):
                end()  # a no-op once the process has been reaped
                self.process.join(2.0)
                if self.process.exitcode is not None:
                    break
        return False

    def _read(self) -> None:
        while True:
            try:
                message = self.conn.recv()
            except (EOFError, OSError):
                break
            except Exception:  # a reply that cannot be unpickled here: say so, keep reading
                traceback.print_exc(file=sys.stderr)
                continue
            kind, job_id = message[0], message[1]
            with self.client._lock:
                handle = self.jobs.pop(job_id, None) if kind in TERMINAL else self.jobs.get(job_id)
            if handle is not None:
                handle._deliver(message)
        self.client._on_session_ended(self)


class EngineClient:
    """Run named jobs in one warm engine process.

    Thread-safe. Callbacks run on the client's reader thread: keep them short
    (the Qt adapter, :class:`petcognizer.gui.engine.EngineWorker`, only emits
    signals there).

    Args:
        name: the child process's name (shown by ``ps`` on some systems).
    """

    def __init__(self, *, name: str = 'petcognizer-engine') -> None:
        self._name = name
        self._lock = threading.RLock()
        self._session: _Session | None = None
        self._ids = itertools.count(1)
        self._context = multiprocessing.get_context('spawn')
        #: Why the last engine process stopped unexpectedly (None if it never did).
        self.last_death: str | None = None

    # ------------------------------------------------------------ process

    def start(self) -> None:
        """Start the engine process if it is not running (idempotent, returns at once)."""
        with self._lock:
            old = self._session
            if old is not None and not old.dead and not old.exited():
                return
            # An engine that has exited but whose reader has not noticed yet keeps
            # its jobs: that reader ends them with the one error; new jobs go to a new engine.
            parent_conn, child_conn = self._context.Pipe(duplex=True)
            process = self._context.Process(
                target=_engine_main, args=(child_conn, os.getpid()), name=self._name, daemon=True,
            )
            process.start()
            child_conn.close()  # only the child holds its end: its death closes the pipe
            session = _Session(self, process, parent_conn)
            self._session = session
            session.reader.start()

    @property
    def alive(self) -> bool:
        """True while an engine process is running and answering."""
        with self._lock:
            session = self._session
        return session is not None and not session.dead and not session.exited()

    @property
    def pid(self) -> int | None:
        """The engine process's id, or None when none runs."""
        with self._lock:
            session = self._session
        if session is None or session.dead:
            return None
        return session.process.pid

    def running_jobs(self) -> list[JobHandle]:
        """The jobs that have not ended yet."""
        with self._lock:
            return list(self._session.jobs.values()) if self._session is not None else []

    # ------------------------------------------------------------ jobs

    def submit(self, name: str, kwargs: dict[str, Any] | None = None,
               on_message: OnMessage | None = None) -> JobHandle:
        """Start job ``name`` with plain-data ``kwargs``; ``on_message`` gets each reply tuple.

        Starts the engine first if it is not running (also after it died).

        Raises:
            NotPlainData: ``kwargs`` hold something other than plain data.
        """
        kwargs = ensure_plain(dict(kwargs or {}), where='kwargs')
        with self._lock:
            self.start()
            session = self._session
            assert session is not None
            handle = JobHandle(session, next(self._ids), name, on_message)
            session.jobs[handle.id] = handle
        session.send((RUN, handle.id, name, kwargs))  # a broken pipe is reported by the reader
        return handle

    def run(self, name: str, kwargs: dict[str, Any] | None = None, *, callback: Callback | None = None,
            timeout: float | None = None) -> Any:
        """Run a job and wait for its result (``callback`` gets its events on the reader thread).

        Raises:
            EngineJobError: the job failed or the engine died (the message says which).
            Cancelled: the job was cancelled.
            TimeoutError: no result within ``timeout`` seconds (the job is cancelled).
        """
        box: dict[str, tuple] = {}

        def on_message(message: tuple) -> None:
            if message[0] == EVENT:
                if callback is not None:
                    callback(message[2])
            else:
                box['end'] = message

        handle = self.submit(name, kwargs, on_message)
        if not handle.wait(timeout):
            handle.cancel()
            raise TimeoutError(f'engine job {name!r} did not finish within {timeout} s')
        end = box['end']
        if end[0] == DONE:
            return end[2]
        if end[0] == CANCELLED:
            raise Cancelled()
        raise EngineJobError(end[2])

    # ------------------------------------------------------------ ending

    def _on_session_ended(self, session: _Session) -> None:
        """The pipe closed (reader thread): end every job of that session with one reply."""
        exitcode = session.reap(2.0)  # the exit code tells what happened
        with self._lock:
            session.dead = True
            pending = list(session.jobs.values())
            session.jobs.clear()
            if self._session is session:
                self._session = None
        if not session.closing:
            self.last_death = engine_died_message(exitcode)
        for handle in pending:
            if session.closing:
                handle._deliver((CANCELLED, handle.id))
            else:
                handle._deliver((ERROR, handle.id, engine_died_message(exitcode)))
        try:
            session.conn.close()
        except OSError:
            pass

    def shutdown(self, timeout: float = 10.0) -> bool:
        """Ask the engine to cancel its jobs and exit; True if it exited in time.

        After ``timeout`` seconds it is terminated (then killed). Jobs still
        running end with ``('cancelled', id)``. A later :meth:`submit` starts a
        new engine.
        """
        with self._lock:
            session = self._session
            self._session = None
            if session is None:
                return True
            session.closing = True
        session.send((SHUTDOWN,))
        clean = session.stop(timeout)
        if threading.current_thread() is not session.reader:
            session.reader.join(5.0)
        return clean

    def __repr__(self) -> str:
        return f'<EngineClient pid={self.pid} alive={self.alive}>'
