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
    'free_name',
    'is_ignored_dir',
    'names_in',
    'natural_key',
    'sanitize_class_name',
    'validate_class_name',
]

MAX_NAME = 100
_WINDOWS_RESERVED = frozenset(
    ['con', 'prn', 'aux', 'nul']
    + [f'com{i}' for i in range(1, 10)]
    + [f'lpt{i}' for i in range(1, 10)]
)
_IGNORED_DIRS = frozenset({'__macosx', '$recycle.bin', 'system volume information'})


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
    if len(cleaned) > MAX_NAME:
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
    cleaned = unicodedata.normalize('NFC', name).strip()
    for other in existing:
        if other.casefold() == cleaned.casefold():
            return other
    cleaned = re.sub(r'[/\\:*?"<>|\x00-\x1f]', '_', cleaned).rstrip('. ').lstrip('.')
    if cleaned.split('.')[0].strip().lower() in _WINDOWS_RESERVED:
        cleaned = f'{cleaned}_'
    cleaned = cleaned[:MAX_NAME].rstrip('. ') or 'class'
    for other in existing:
        if other.casefold() == cleaned.casefold():
            return other
    return validate_class_name(cleaned, existing)


def is_ignored_dir(name: str) -> bool:
    """Hidden folders and the clutter of archivers and OSes (``__MACOSX``, ``$RECYCLE.BIN``...)."""
    return name.startswith('.') or name.casefold() in _IGNORED_DIRS


def names_in(folder: Path) -> set[str]:
    """The case-folded names in a folder (empty if it cannot be read).

    Case-folded so 'A.jpg' and 'a.jpg' never coexist (they would clash on Windows and macOS).
    """
    try:
        return {n.casefold() for n in os.listdir(folder)}
    except OSError:
        return set()


def free_name(name: str, taken: set[str]) -> str:
    """``name``, or ``'stem (2).ext'``, ``'stem (3).ext'``... : the first not in ``taken`` (case-folded)."""
    stem, suffix = os.path.splitext(name)
    candidate, n = name, 2
    while candidate.casefold() in taken:
        candidate = f'{stem} ({n}){suffix}'
        n += 1
    return candidate
