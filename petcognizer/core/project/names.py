"""Class names and file names: what a folder may be called on every OS, and natural order."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from petcognizer.core.data import natural_key as data_natural_key
from petcognizer.core.project.errors import ProjectError

__all__ = [
    'MAX_NAME_BYTES',
    'fit_name',
    'free_name',
    'is_hidden_clutter',
    'is_ignored_dir',
    'names_in',
    'natural_key',
    'safe_name',
    'sanitize_class_name',
    'validate_class_name',
]

MAX_NAME = 100
#: The longest file name (in UTF-8 bytes) the common file systems allow.
MAX_NAME_BYTES = 255
_CONTROL = re.compile(r'[\x00-\x1f\x7f]')
_WINDOWS_RESERVED = frozenset(
    ['con', 'prn', 'aux', 'nul']
    + [f'com{i}' for i in range(1, 10)]
    + [f'lpt{i}' for i in range(1, 10)]
)
_IGNORED_DIRS = frozenset({'__macosx', '$recycle.bin', 'system volume information'})
#: Dot folders that operating systems and apps make, skipped without a word.
_DOT_CLUTTER = frozenset({
    '.trashes', '.trash', '.spotlight-v100', '.fseventsd', '.temporaryitems', '.appledouble',
    '.thumbnails', '.cache', '.git', '.ds_store', '.documentrevisions-v100',
})


def natural_key(path: os.PathLike | str) -> tuple:
    """Sort key putting 'img2' before 'img10' (case-insensitive, by file name)."""
    name = os.path.basename(os.fspath(path))
    return data_natural_key(name), name


def validate_class_name(name: str, existing: Iterable[str] = ()) -> str:
    """Return the cleaned class name, or raise ProjectError saying what is wrong.

    The name becomes a folder name on every OS, so the rules are those of the
    strictest file system (Windows), checked case-insensitively for uniqueness.

    Args:
        name: the name the user typed (surrounding whitespace is removed).
        existing: names it must differ from, case-insensitively.

    Raises:
        ProjectError: empty, too long, reserved, path-like or duplicate names.
    """
    if not isinstance(name, str):
        raise ProjectError(f'Class name {name!r} must be text.')
    if any(0xD800 <= ord(c) <= 0xDFFF for c in name):
        raise ProjectError(
            f'Class name {name!r} contains bytes that are not valid text (UTF-8); type the name again.'
        )
    cleaned = unicodedata.normalize('NFC', name).strip()
    if not cleaned:
        raise ProjectError('A class name cannot be empty; type a name such as "cat".')
    if cleaned in ('.', '..'):
        raise ProjectError(f'"{cleaned}" cannot be a class name; choose another name.')
    bad = sorted({c for c in cleaned if c in '/\\:*?"<>|' or ord(c) < 32})
    if bad:
        shown = ' '.join(repr(c) for c in bad)
        raise ProjectError(
            f'Class name "{cleaned}" contains {shown}, which cannot be used in folder names; '
            'remove them.'
        )
    if cleaned.endswith('.'):
        raise ProjectError(f'Class name "{cleaned}" cannot end with a dot; remove it.')
    if cleaned.split('.')[0].strip().lower() in _WINDOWS_RESERVED:
        raise ProjectError(
            f'"{cleaned}" is a reserved name on Windows and cannot be a folder; choose another name.'
        )
    if len(cleaned) > MAX_NAME or len(cleaned.encode('utf-8')) > MAX_NAME_BYTES:
        raise ProjectError(
            f'Class name "{cleaned[:30]}..." is {len(cleaned)} characters long; '
            f'use at most {MAX_NAME}.'
        )
    if cleaned.startswith('.'):
        # Dot folders are hidden and would be skipped when the project is read back.
        raise ProjectError(f'Class name "{cleaned}" cannot start with a dot; remove it.')
    folded = cleaned.casefold()
    for other in existing:
        if other.casefold() == folded:
            raise ProjectError(
                f'There is already a class called "{other}" (names are compared ignoring case); '
                'choose another name.'
            )
    return cleaned


def sanitize_class_name(name: str, existing: Iterable[str]) -> str:
    """Turn a folder name from an imported tree into a valid class name.

    Returns the existing class's spelling when it matches one case-insensitively,
    so importing 'Cat/' into a project with 'cat' merges them.
    """
    existing = list(existing)
    cleaned = unicodedata.normalize('NFC', safe_name(name)).strip()
    for other in existing:
        if other.casefold() == cleaned.casefold():
            return other
    cleaned = re.sub(r'[/\\:*?"<>|\x00-\x1f\x7f]', '_', cleaned).rstrip('. ').lstrip('.').strip()
    first, dot, rest = cleaned.partition('.')
    if first.strip().lower() in _WINDOWS_RESERVED:
        cleaned = f'{first}_{dot}{rest}'  # 'aux.x' -> 'aux_.x', 'con' -> 'con_'
    cleaned = cleaned[:MAX_NAME]
    while len(cleaned.encode('utf-8')) > MAX_NAME_BYTES:
        cleaned = cleaned[:-1]
    cleaned = cleaned.rstrip('. ') or 'class'
    for other in existing:
        if other.casefold() == cleaned.casefold():
            return other
    return validate_class_name(cleaned, existing)


def is_ignored_dir(name: str) -> bool:
    """Hidden folders and the clutter of archivers and OSes (``__MACOSX``, ``$RECYCLE.BIN``...)."""
    return name.startswith('.') or name.casefold() in _IGNORED_DIRS


def is_hidden_clutter(name: str) -> bool:
    """A dot folder an OS or app makes (``.Trashes``, ``.thumbnails``...): skipped silently.

    Other dot folders (a ``.hidden_class``, ``...``) are skipped with a reason in the report.
    """
    return name.casefold() in _DOT_CLUTTER or name.startswith('.Trash-')


def names_in(folder: Path) -> set[str]:
    """The case-folded names in a folder (empty if it cannot be read).

    Case-folded so 'A.jpg' and 'a.jpg' never coexist (they would clash on Windows and macOS).
    """
    try:
        return {n.casefold() for n in os.listdir(folder)}
    except OSError:
        return set()


def safe_name(name: str) -> str:
    """A name read from disk as valid text, for a file or folder the project makes.

    Bytes that were not UTF-8 (which Python reads as surrogate escapes) are
    read as Windows-1252, the usual origin of such names ('caf\\xe9' -> 'café');
    other lone surrogates become U+FFFD, control characters (terminal escape
    codes among them) become '_'.
    """
    if not any(0xD800 <= ord(c) <= 0xDFFF for c in name):
        return _CONTROL.sub('_', name)
    out = []
    for c in name:
        o = ord(c)
        if 0xDC80 <= o <= 0xDCFF:
            out.append(bytes([o - 0xDC00]).decode('cp1252', errors='replace'))
        elif 0xD800 <= o <= 0xDFFF:
            out.append('\ufffd')
        else:
            out.append(c)
    return _CONTROL.sub('_', ''.join(out))


def fit_name(stem: str, tail: str = '', limit: int = MAX_NAME_BYTES) -> str:
    """``stem + tail`` with the stem shortened (at a character boundary) so it fits in ``limit`` UTF-8 bytes."""
    budget = limit - len(tail.encode('utf-8'))
    if budget < 1:  # an absurd extension: keep what fits of the whole name
        return (stem + tail).encode('utf-8')[:limit].decode('utf-8', 'ignore')
    raw = stem.encode('utf-8')
    if len(raw) > budget:
        stem = raw[:budget].decode('utf-8', 'ignore').rstrip() or stem[:1]
    return stem + tail


def free_name(name: str, taken: set[str]) -> str:
    """``name``, or ``'stem (2).ext'``, ``'stem (3).ext'``... : the first not in ``taken`` (case-folded).

    Every candidate fits in :data:`MAX_NAME_BYTES`: a name that is already as
    long as a file name can be has its stem shortened to make room for ' (2)'.
    """
    stem, suffix = os.path.splitext(name)
    candidate, n = fit_name(stem, suffix), 2
    while candidate.casefold() in taken:
        candidate = fit_name(stem, f' ({n}){suffix}')
        n += 1
    return candidate
