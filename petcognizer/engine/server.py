"""The engine process: read requests from the pipe, run each job on its own thread.

:func:`serve` is the child's main function (started by
:class:`petcognizer.engine.client.EngineClient`). The main thread only reads
the pipe, so a ``cancel`` reaches a running job's
:class:`~petcognizer.core.events.CancelToken` at once and the core sees it at
its next check (between batches). Jobs run on daemon threads, so a training
run and a prediction can run at the same time; every send is serialised by one
lock, and each job's replies stay in order (its events, then one of ``done``,
``error`` or ``cancelled``).

The process exits when the parent asks (``('shutdown',)``), when the pipe
closes (the parent exited or was killed), or when its parent process is gone
(checked twice a second, in case something else keeps the pipe open).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
import traceback
from multiprocessing.connection import Connection
from typing import Any

from petcognizer.core.events import Cancelled, CancelToken
from petcognizer.engine.jobs import get_job, warm_imports
from petcognizer.engine.protocol import (
    CANCEL,
    CANCELLED,
    DONE,
    ERROR,
    EVENT,
    RUN,
    SHUTDOWN,
    NotPlainData,
    ensure_plain,
    format_error,
)

__all__ = ['ENGINE_NICENESS', 'EngineServer', 'serve']

#: The engine runs at a lower CPU priority than the window, so the window's
#: event loop is scheduled first when the computer is busy.
ENGINE_NICENESS = 5
#: How long a shutdown waits for cancelled jobs to finish (e.g. save a model).
SHUTDOWN_GRACE_S = 8.0
#: How often the watchdog checks that the parent process is still there.
PARENT_POLL_S = 0.5


class EngineServer:
    """The child side of one pipe: a reader loop and one thread per job.

    Args:
        conn: the child's end of the duplex pipe.
        parent_pid: the window's (or test's) process id, watched for its exit.
    """

    def __init__(self, conn: Connection, parent_pid: int | None = None) -> None:
        self._conn = conn
        self._parent_pid = parent_pid
        self._send_lock = threading.Lock()
        self._jobs_lock = threading.Lock()
        self._jobs: dict[int, tuple[threading.Thread, CancelToken]] = {}

    # ------------------------------------------------------------ sending

    def send(self, message: tuple) -> bool:
        """Send one reply; False if the pipe is closed (the parent has gone)."""
        try:
            with self._send_lock:
                self._conn.send(message)
        except (OSError, EOFError, ValueError):  # ValueError: the connection is closed
            return False
        return True

    def _send_terminal(self, message: tuple) -> None:
        """Send a job's last reply; one that cannot be pickled becomes an error reply."""
        try:
            with self._send_lock:
                self._conn.send(message)
        except (OSError, EOFError, ValueError):
            return
        except Exception as exc:  # pickling failed: nothing was written
            self.send((ERROR, message[1], f'The result could not be sent to the window: {format_error(exc)}'))

    # ------------------------------------------------------------ jobs

    def _run_job(self, job_id: int, name: str, kwargs: dict[str, Any], token: CancelToken) -> None:
        """Body of a job thread: run it and send exactly one terminal reply."""

        def emit(event: Any) -> None:
            ensure_plain(event, where='event')
            if not self.send((EVENT, job_id, event)):
                token.cancel()  # nobody listens any more

        reply: tuple = (ERROR, job_id, 'The job ended without a result.')
        try:
            spec = get_job(name)
            if spec.needs_core:
                warm_imports()
            token.raise_if_cancelled()
            result = spec.func(emit, token, **kwargs)
            reply = (DONE, job_id, ensure_plain(result))
        except Cancelled:
            reply = (CANCELLED, job_id)
        except NotPlainData as exc:
            reply = (ERROR, job_id, f'Engine job {name!r} produced something that is not plain data: {exc}')
        except BaseException as exc:  # noqa: BLE001 - every failure becomes one error reply
            print(f'petcognizer engine: job {job_id} ({name}) failed:', file=sys.stderr)
            traceback.print_exception(exc, file=sys.stderr)
            reply = (ERROR, job_id, format_error(exc))
        finally:
            with self._jobs_lock:
                self._jobs.pop(job_id, None)
            self._send_terminal(reply)

    def start_job(self, job_id: int, name: str, kwargs: dict[str, Any]) -> None:
        """Start job ``name`` on a new daemon thread."""
        token = CancelToken()
        thread = threading.Thread(
            target=self._run_job, args=(job_id, name, kwargs, token),
            name=f'engine-job-{job_id}-{name}', daemon=True,
        )
        with self._jobs_lock:
            if job_id in self._jobs:
                self.send((ERROR, job_id, f'job id {job_id} is already running'))
                return
            self._jobs[job_id] = (thread, token)
        thread.start()

    def cancel_job(self, job_id: int) -> None:
        """Set a running job's CancelToken (a finished or unknown job is ignored)."""
        with self._jobs_lock:
            entry = self._jobs.get(job_id)
        if entry is not None:
            entry[1].cancel()

    def running(self) -> list[int]:
        """Ids of the jobs still running."""
        with self._jobs_lock:
            return sorted(self._jobs)

    def stop_jobs(self, grace_s: float = SHUTDOWN_GRACE_S) -> bool:
        """Cancel every job and wait up to ``grace_s`` for them; True if all stopped."""
        with self._jobs_lock:
            entries = list(self._jobs.values())
        for _thread, token in entries:
            token.cancel()
        deadline = time.monotonic() + grace_s
        for thread, _token in entries:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(thread.is_alive() for thread, _token in entries)

    # ------------------------------------------------------------ main loop

    def _watch_parent(self) -> None:
        """Exit when the parent process is gone (the pipe may stay open in a grandchild)."""
        while True:
            time.sleep(PARENT_POLL_S)
            if self._parent_pid is not None and os.getppid() != self._parent_pid:
                self.stop_jobs(grace_s=1.0)
                _exit(0)

    def serve_forever(self) -> None:
        """Handle requests until shutdown or until the parent goes away."""
        threading.Thread(target=self._watch_parent, name='engine-parent-watch', daemon=True).start()
        while True:
            try:
                message = self._conn.recv()
            except (EOFError, OSError):  # the parent closed the pipe or died
                self.stop_jobs(grace_s=1.0)
                return
            kind = message[0]
            if kind == RUN:
                _, job_id, name, kwargs = message
                self.start_job(job_id, name, kwargs or {})
            elif kind == CANCEL:
                self.cancel_job(message[1])
            elif kind == SHUTDOWN:
                self.stop_jobs()
                return
            else:
                print(f'petcognizer engine: ignored unknown request {kind!r}', file=sys.stderr)


def _exit(code: int) -> None:
    """Leave at once: daemon threads inside native code can crash interpreter shutdown."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def serve(conn: Connection, parent_pid: int | None = None) -> None:
    """The engine process's main function; never returns."""
    # Ctrl+C in the window's terminal reaches the whole process group: the
    # window decides what to stop (it cancels jobs or shuts the engine down).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(os, 'nice'):
        with contextlib.suppress(OSError):
            os.nice(ENGINE_NICENESS)
    EngineServer(conn, parent_pid).serve_forever()
    with contextlib.suppress(OSError):
        conn.close()
    _exit(0)

