"""Small jobs for the engine's own tests: fast, torch-free, cancellable.

Registered only when ``PETCOGNIZER_ENGINE_TEST_JOBS=1`` is set in the
environment of the process that runs them (see :func:`petcognizer.engine.jobs.get_job`).
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from petcognizer.core.events import Callback, CancelToken, Message, StageProgress

__all__ = ['JOBS', 'count', 'echo', 'fail', 'modules', 'unplain']


def echo(callback: Callback, cancel: CancelToken, **kwargs: Any) -> dict[str, Any]:
    """Return the keyword arguments, with the engine's pid (to tell processes apart)."""
    callback(Message('info', 'echo'))
    return {'kwargs': kwargs, 'pid': os.getpid()}


def count(callback: Callback, cancel: CancelToken, *, n: int = 10, delay: float = 0.0,
          stage: str = 'count') -> int:
    """Emit ``n`` StageProgress events, ``delay`` seconds apart; raise Cancelled when asked."""
    for i in range(n):
        cancel.raise_if_cancelled()
        if delay:
            time.sleep(delay)
        callback(StageProgress(stage, i + 1, n, text=f'{stage} {i + 1} of {n}'))
    cancel.raise_if_cancelled()
    return n


def fail(callback: Callback, cancel: CancelToken, *, message: str = 'the photo folder is empty') -> None:
    """Raise ValueError(message) after one event."""
    callback(StageProgress('fail', 0, 1))
    raise ValueError(message)


def unplain(callback: Callback, cancel: CancelToken) -> object:
    """Return something that is not plain data (the engine must refuse to send it)."""
    return object()


def modules(callback: Callback, cancel: CancelToken, *, prefix: str = 'torch') -> bool:
    """Whether a module named ``prefix`` is loaded in this process."""
    return prefix in sys.modules


JOBS = {'echo': echo, 'count': count, 'fail': fail, 'unplain': unplain, 'modules': modules}
