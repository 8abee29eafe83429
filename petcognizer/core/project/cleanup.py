"""Sweeping the temporary files an interrupted write left in a project (crash, kill, full disk).

Only files petcognizer itself names as temporary are removed, and only in the
project's own places: :data:`~petcognizer.core.project.schema.TMP_PREFIX`
files anywhere we write them, and inside ``.cache/`` (all ours) and ``runs/``
the patterns the writers there use (``.tmp-<hex>``, ``<name>.<pid>.tmp``,
``<name>.<ident>.tmp``, ``<name>.partial``). A user's photo is never touched:
class folders and the Unlabelled bin are only swept of ``TMP_PREFIX`` files.

A temp file that may still be being written is left alone: one tagged with the
id of a process still running (unless it is over an hour old, the id reused),
and any other one younger than :data:`STALE_AFTER_S`.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from pathlib import Path

from petcognizer.core.project.schema import TMP_PREFIX

__all__ = ['STALE_AFTER_S', 'is_temp_name', 'sweep_tree']

#: A temp file untouched for this long is left over, not being written.
STALE_AFTER_S = 120.0
_PID_REUSED_S = 3600.0

_PID_TAGGED = re.compile(r'\.(\d+)\.tmp$')


def is_temp_name(name: str) -> bool:
    """True for the names petcognizer's writers give temporary files."""
    return (
        name.startswith(TMP_PREFIX)
        or name.startswith('.tmp-')
        or name.endswith('.tmp')
        or name.endswith('.partial')
    )


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == 'nt':
        return True  # no cheap, safe check: age decides
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return pid <= 4_194_304  # another user's process, or not a pid at all (a thread id)
    return True


def _stale(name: str, mtime: float, now: float) -> bool:
    if name.startswith(TMP_PREFIX):
        return True  # written and renamed within one call: a leftover (as sweep_temp has always done)
    age = now - mtime
    m = _PID_TAGGED.search(name)
    if m is not None and not _alive(int(m.group(1))):
        return True
    if m is not None:
        return age > _PID_REUSED_S
    return age > STALE_AFTER_S


def sweep_tree(folder: Path) -> int:
    """Remove leftover temp files in ``folder`` and below (not following links); return how many."""
    removed = 0
    now = time.time()
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            if not is_temp_name(name):
                continue
            path = os.path.join(dirpath, name)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            if not os.path.isfile(path) or os.path.islink(path) or not _stale(name, st.st_mtime, now):
                continue
            with contextlib.suppress(OSError):
                os.unlink(path)
                removed += 1
    return removed
