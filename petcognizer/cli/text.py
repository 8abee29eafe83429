"""What the command line prints: file names made safe for a terminal, plurals, rates.

Every line the CLI writes goes through :func:`echo`, and every file name or
message inside it through :func:`shown`: a name with terminal escape codes
cannot clear the screen or retitle the terminal, and a name that is not valid
UTF-8 (read from disk as surrogate escapes) prints without UnicodeEncodeError.
"""

from __future__ import annotations

import os
import sys
import unicodedata

__all__ = ['count', 'echo', 'rate_text', 'shown']

#: Unicode's bidirectional controls: they reorder the text after them on screen ("Trojan Source").
_BIDI = frozenset('\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069')


def _escape(ch: str) -> str:
    o = ord(ch)
    if 0xDC80 <= o <= 0xDCFF:  # a byte that was not UTF-8, kept by os.fsdecode as a surrogate
        return f'\\x{o - 0xDC00:02x}'
    if o <= 0xFF:
        return f'\\x{o:02x}'
    return f'\\u{o:04x}' if o <= 0xFFFF else f'\\U{o:08x}'


def shown(value: object) -> str:
    """``value`` (a path, bytes or any text) as one printable line.

    Control characters (escape codes, newlines, tabs, DEL, C1 controls),
    bidirectional overrides, lone surrogates and line separators are written as
    ``\\x1b``, ``\\u202e`` and so on; a byte that was not UTF-8 in a file name is
    written as ``\\xff``. Everything else is kept as is.
    """
    if isinstance(value, bytes):
        text = os.fsdecode(value)
    elif isinstance(value, os.PathLike):
        text = os.fspath(value)
        text = os.fsdecode(text) if isinstance(text, bytes) else text
    else:
        text = str(value)
    if text.isprintable() and not _BIDI.intersection(text):
        return text
    return ''.join(
        _escape(ch) if (ch in _BIDI or unicodedata.category(ch) in ('Cc', 'Cs', 'Zl', 'Zp')) else ch
        for ch in text
    )


def echo(text: object = '', *, err: bool = False) -> None:
    """Print ``text``, each of its lines made safe with :func:`shown`, to stdout (or stderr)."""
    stream = sys.stderr if err else sys.stdout
    lines = str(text).split('\n')
    print('\n'.join(shown(line) for line in lines), file=stream)


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``'1 photo'``, ``'2 photos'``, ``'0 classes'`` (with ``plural='classes'``)."""
    return f'{n} {noun}' if n == 1 else f'{n} {plural or noun + "s"}'


def rate_text(n: int, seconds: float, noun: str = 'photo', plural: str | None = None) -> str:
    """``'540 photos/s'`` for ``n`` items in ``seconds``; ``''`` below one second (no honest rate).

    Whole numbers from 10 a second up, one decimal below (``'2.5 photos/s'``).
    """
    if seconds < 1.0 or n <= 0:
        return ''
    rate = n / seconds
    figure = f'{rate:,.0f}' if rate >= 10 else f'{rate:.1f}'
    unit = noun if figure in ('1', '1.0') else (plural or noun + 's')
    return f'{figure} {unit}/s'
