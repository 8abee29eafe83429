"""The messages between the window and the engine process, and what both sides share.

The parent and the child talk over one duplex
:func:`multiprocessing.Pipe` connection; every message is a tuple whose first
item says what it is. Requests (parent to child)::

    ('run', job_id, name, kwargs)     start job ``name`` with keyword arguments ``kwargs``
    ('cancel', job_id)                set that job's CancelToken
    ('shutdown',)                     cancel every job and exit

Replies (child to parent)::

    ('event', job_id, event)          a frozen event from petcognizer.core.events
    ('done', job_id, result)          the job's plain-data result
    ('error', job_id, message)        the job raised; a readable one-line message
    ('cancelled', job_id)             the job stopped at a cancel request

Every job gets exactly one of ``done``, ``error`` or ``cancelled``, after all of
its events. Results and events are *plain data* (see :func:`ensure_plain`), so
unpickling them in the window never imports torch or the machine-learning core.

This module imports nothing heavy: both sides import it.
"""

from __future__ import annotations

import dataclasses
import signal
from typing import Any

__all__ = [
    'CANCEL',
    'CANCELLED',
    'DONE',
    'ERROR',
    'EVENT',
    'RUN',
    'SHUTDOWN',
    'TERMINAL',
    'TEST_JOBS_ENV',
    'NotPlainData',
    'describe_exit',
    'engine_died_message',
    'ensure_plain',
    'format_error',
]

RUN = 'run'
CANCEL = 'cancel'
SHUTDOWN = 'shutdown'
EVENT = 'event'
DONE = 'done'
ERROR = 'error'
CANCELLED = 'cancelled'
#: The replies that end a job.
TERMINAL = frozenset({DONE, ERROR, CANCELLED})

#: Set to ``1`` to register the engine's test jobs (petcognizer.engine.testjobs).
TEST_JOBS_ENV = 'PETCOGNIZER_ENGINE_TEST_JOBS'

#: Module whose frozen dataclasses may cross the pipe (it is torch-free).
EVENTS_MODULE = 'petcognizer.core.events'

_PLAIN_SCALARS = (type(None), bool, int, float, str, bytes)


class NotPlainData(TypeError):
    """A job produced something that is not plain data (e.g. a tensor or a Path)."""


def ensure_plain(value: Any, *, where: str = 'result') -> Any:
    """Return ``value`` unchanged if it is plain data; raise :class:`NotPlainData` if not.

    Plain data is ``None``, bool, int, float, str, bytes, and lists, tuples and
    dicts (with str keys) of plain data, plus the frozen dataclasses of
    :mod:`petcognizer.core.events` whose fields are plain. Anything else might
    make the window import a heavy module when it unpickles the value (a torch
    tensor imports torch), so the engine refuses to send it.
    """
    _check_plain(value, where)
    return value


def _check_plain(value: Any, where: str) -> None:
    if isinstance(value, _PLAIN_SCALARS):
        return
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _check_plain(item, f'{where}[{i}]')
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise NotPlainData(f'{where}: dict key {key!r} is not a str')
            _check_plain(item, f'{where}[{key!r}]')
        return
    cls = type(value)
    if dataclasses.is_dataclass(value) and cls.__module__ == EVENTS_MODULE:
        for f in dataclasses.fields(value):
            _check_plain(getattr(value, f.name), f'{where}.{f.name}')
        return
    raise NotPlainData(
        f'{where} is a {cls.__module__}.{cls.__qualname__}, not plain data '
        '(send str, numbers, lists and dicts; paths as str)'
    )


def format_error(exc: BaseException) -> str:
    """A readable one-line message for an exception raised by a job."""
    if isinstance(exc, MemoryError):
        return 'The engine ran out of memory. Try fewer photos at once or a smaller backbone.'
    text = str(exc).strip()
    if isinstance(exc, KeyError) and len(exc.args) == 1:
        text = f'missing key {exc.args[0]!r}'
    if not text:
        return type(exc).__name__
    first, _, _rest = text.partition('\n')
    return first if len(first) <= 500 else first[:497] + '...'


def describe_exit(exitcode: int | None) -> str:
    """How a process ended, in words: ``multiprocessing``'s exit code (negative: a signal)."""
    if exitcode is None:
        return 'it stopped answering'
    if exitcode < 0:
        try:
            sig = signal.Signals(-exitcode)
        except ValueError:
            return f'killed by signal {-exitcode}'
        if sig == getattr(signal, 'SIGKILL', None):
            return 'killed (SIGKILL), for example because the computer ran out of memory'
        if sig == getattr(signal, 'SIGSEGV', None):
            return 'crashed (SIGSEGV) in a native library'
        if sig == getattr(signal, 'SIGABRT', None):
            return 'aborted (SIGABRT) by a native library'
        return f'killed by {sig.name}'
    if exitcode == 0:
        return 'it exited'
    return f'exit code {exitcode}'


def engine_died_message(exitcode: int | None) -> str:
    """The one error every running job gets when the engine process dies."""
    return (
        f'The engine process stopped unexpectedly ({describe_exit(exitcode)}). '
        'Your project is safe: start the action again.'
    )
