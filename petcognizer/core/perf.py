"""Process-wide performance settings, applied once by every entry point.

glibc's malloc serves large blocks (above ``M_MMAP_THRESHOLD``, 128 KiB by
default, growing dynamically up to 32 MiB) with fresh ``mmap`` calls and returns
them to the operating system when they are freed, and trims the heap top above
``M_TRIM_THRESHOLD``. A CNN's activation buffers are many MiB each and are freed
and re-allocated every batch, so at the defaults each batch pays for page faults
on fresh memory: on a 2-core x86_64 machine EfficientNet-Lite0 fell from about
85 to about 21 images/s, mostly in system time. Keeping those buffers in the
heap lets every batch reuse them.

``mallopt`` takes effect at once, for allocations made after the call, so it
works without re-executing the process (unlike the ``MALLOC_*_`` environment
variables, which glibc reads only at start-up). On macOS (libmalloc's magazine
allocator) and Windows (the NT heap) there is no such call and no such cliff has
been reported; the function does nothing there and says so in its return value.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import ctypes.util
import os
import sys

__all__ = [
    'exit_without_teardown',
    'limit_threads',
    'register_quick_exit',
    'tune_allocator',
    'tune_threads',
]

_M_TRIM_THRESHOLD = -1
_M_TOP_PAD = -2
_M_MMAP_MAX = -4
# glibc refuses an M_MMAP_THRESHOLD above 32 MiB (HEAP_MAX/2 on 64-bit), and a
# batch of 32 images at 224 px has activation tensors of 50-150 MiB, which would
# still be mmapped and faulted in afresh each batch. So mmap is switched off for
# malloc (M_MMAP_MAX = 0): every block comes from the heap and is reused. The
# trim threshold keeps up to 1 GiB of freed heap instead of returning it at
# once; memory is still returned above that.
_TRIM_THRESHOLD = 1024 * 1024 * 1024
_TOP_PAD = 64 * 1024 * 1024

_tuned: str | None = None


def tune_allocator() -> str:
    """Raise glibc's mmap and trim thresholds once per process.

    Returns:
        A short description of what was done, for logs and benchmark reports.
    """
    global _tuned
    if _tuned is not None:
        return _tuned
    if os.environ.get('PETCOGNIZER_NO_MALLOPT'):
        _tuned = 'disabled by PETCOGNIZER_NO_MALLOPT'
    elif not sys.platform.startswith('linux'):
        _tuned = f'not needed on {sys.platform}'
    else:
        try:
            libc = ctypes.CDLL(ctypes.util.find_library('c') or 'libc.so.6')
            mallopt = libc.mallopt
        except (OSError, AttributeError):
            _tuned = 'no mallopt (not glibc)'
        else:
            ok = (
                mallopt(_M_MMAP_MAX, 0)
                and mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD)
                and mallopt(_M_TOP_PAD, _TOP_PAD)
            )
            _tuned = 'glibc mallopt applied' if ok else 'glibc mallopt refused'
    return _tuned


def tune_threads() -> int:
    """Use every core for intra-op work unless the user chose otherwise."""
    import torch

    if 'OMP_NUM_THREADS' not in os.environ:
        torch.set_num_threads(max(1, os.cpu_count() or 1))
    return torch.get_num_threads()


class limit_threads:  # noqa: N801 - used as a context manager, like torch.no_grad
    """Run small tensor work on ``n`` intra-op threads.

    Tiny BLAS calls (the dot products of L-BFGS on a few photos' features, a
    linear head's matmuls) cost microseconds on one thread but can cost a
    millisecond or more when BLAS wakes a second thread, and far more when
    another process keeps the cores busy (measured: a 12,800-element float64
    dot took 2 us on one thread, 1.4 ms on two, on a loaded 2-core machine).
    """

    def __init__(self, n: int = 1):
        self.n = n
        self._saved = None

    def __enter__(self):
        import torch

        self._saved = torch.get_num_threads()
        torch.set_num_threads(self.n)
        return self

    def __exit__(self, *exc):
        import torch

        torch.set_num_threads(self._saved)
        return False


_exit_code: int | None = None


def exit_without_teardown(code: int) -> None:
    """Exit with ``code`` and skip the interpreter's teardown once torch is loaded.

    Once torch (a CUDA build) is imported, tearing the interpreter down (clearing
    modules, then the native libraries' destructors) takes about 0.9 s on a 2-core
    machine, a fifth of a six-photo ``petcognizer train``. For the command line
    only (a test calling ``cli.main`` never comes here), the process leaves
    through ``os._exit`` from an ``atexit`` handler registered here, *before*
    any other: atexit runs handlers last-registered first, so by then Python has
    joined every non-daemon thread and run every other handler (multiprocessing's,
    ``weakref.finalize``'s, ``tempfile``'s). Open Python files are closed by their
    ``with`` blocks before that; standard streams and logging are flushed here.
    The desktop app (Qt writes its settings as its objects are destroyed) and a
    process without torch (nothing to gain) take the ordinary exit. Instagram's
    "Dismissing Python Garbage Collection" describes the same ``atexit`` handler.

    Raises:
        SystemExit: always, with ``code``; the handler then ends the process.
    """
    global _exit_code
    _exit_code = code
    raise SystemExit(code)


def _leave() -> None:
    if _exit_code is None or 'torch' not in sys.modules or 'PySide6.QtCore' in sys.modules:
        return
    if 'logging' in sys.modules:
        sys.modules['logging'].shutdown()
    code = _exit_code
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # e.g. a full disk under `> out.json`: fail as Python's exit does
            code = code or 120
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).fflush(None)  # native libraries' buffered C stdio output
    os._exit(code)


def register_quick_exit() -> None:
    """Call first thing in the process's entry point (see ``exit_without_teardown``)."""
    atexit.register(_leave)
