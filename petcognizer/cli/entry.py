"""``main``: parse, run the command, and turn every failure into one line and an exit status."""

from __future__ import annotations

import contextlib
import errno
import os
import sys

from petcognizer.cli.parser import UsageError, build_parser, dash_hint
from petcognizer.cli.projects import cmd_gui
from petcognizer.cli.text import echo
from petcognizer.cli.training import EXIT_CANCELLED, EXIT_ERROR
from petcognizer.core.perf import tune_allocator

__all__ = ['EXIT_USAGE', 'error_text', 'main']

EXIT_USAGE = 2
#: The longest error line printed (a library's message can run to pages).
MAX_ERROR = 600

_ADVICE = {
    errno.ENOENT: 'check the name',
    errno.EACCES: 'check its permissions',
    errno.EPERM: 'check its permissions',
    errno.EROFS: 'it is on a read-only disk: choose a place you can write',
    errno.ENOSPC: 'the disk is full: free some space and try again',
    errno.EISDIR: 'it is a folder: give a file',
    errno.ENOTDIR: 'a part of the path is not a folder',
    errno.ENAMETOOLONG: 'the name is too long: choose a shorter one',
}


def error_text(exc: BaseException) -> str:
    """One line for ``exc``: the file it names, what is wrong and what to do."""
    if isinstance(exc, MemoryError):
        text = ('not enough memory for this (MemoryError); close other programs and try again, '
                'or use fewer or smaller photos')
    elif isinstance(exc, KeyError) and exc.args:
        text = str(exc.args[0])
    elif isinstance(exc, OSError) and exc.strerror and exc.filename is not None:
        advice = _ADVICE.get(exc.errno, 'check the file and try again')
        text = f'{os.fsdecode(exc.filename)}: {exc.strerror}; {advice}'
    else:
        text = str(exc) or type(exc).__name__
    text = ' '.join(part.strip() for part in text.splitlines() if part.strip())
    return text if len(text) <= MAX_ERROR else text[:MAX_ERROR - 1] + '…'


def _safe_streams() -> None:
    """A character the terminal's encoding lacks is printed as an escape, never an exception."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors='backslashreplace')


def main(argv: list[str] | None = None) -> int:
    """Run ``petcognizer ARGS``; returns the exit status (0, 1 failure, 2 usage, 130 cancelled)."""
    tune_allocator()
    _safe_streams()
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        prog = exc.parser.prog
        echo(f'{prog}: error: {exc.message}{dash_hint(argv, parser)}; `{prog} --help` lists the '
             'arguments', err=True)
        return EXIT_USAGE
    if args.command is None:
        return cmd_gui(args)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        echo('petcognizer: cancelled', err=True)
        return EXIT_CANCELLED
    except BrokenPipeError:  # the reader went away (`| head`): stop without a word
        with contextlib.suppress(OSError, ValueError, AttributeError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    except Exception as exc:  # one clear line, unless --debug
        if getattr(args, 'debug', False) or os.environ.get('PETCOGNIZER_DEBUG'):
            raise
        echo(f'petcognizer: error: {error_text(exc)}', err=True)
        return EXIT_ERROR
