"""``project.json``: its defaults, reading it back from any state a crash or an old version left, writing it.

The file holds::

    schema_version   int (1)
    name             the display name
    classes          class names in display and training order
    class_colors     class -> '#rrggbb'
    settings         the Train page's settings (a JSON object)
    runs             one RunRecord.to_dict() per training run, oldest first
    class_matches    class -> ImageNet WordNet ids chosen by the user
    trash            one {id, time, ...} per batch in .trash/

plus any key a later minor version wrote, carried along untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from petcognizer.core.fsutil import atomic_write_text
from petcognizer.core.project.errors import ProjectError
from petcognizer.core.runs import RunRecord

__all__ = [
    'FILE_NAME',
    'PALETTE',
    'SCHEMA_VERSION',
    'TMP_PREFIX',
    'clean_data',
    'default_data',
    'file_stamp',
    'is_color',
    'is_project_folder',
    'parse_runs',
    'pick_color',
    'read_disk_runs',
    'read_project_json',
    'sweep_temp',
    'write_json',
]

FILE_NAME = 'project.json'
SCHEMA_VERSION = 1

#: Every temp file we write starts with this, so open() can sweep leftovers
#: from a crash. The leading dot also hides them from listings.
TMP_PREFIX = '.petcognizer-tmp-'

#: Pleasant, distinguishable class colours (Tableau 10, then lighter variants).
PALETTE = (
    '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f',
    '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
    '#a0cbe8', '#ffbe7d', '#ff9d9a', '#86bcb6', '#8cd17d',
    '#f1ce63', '#d4a6c8', '#fabfd2', '#d7b5a6', '#79706e',
)  # fmt: skip

_COLOR_RE = re.compile(r'^#[0-9a-fA-F]{6}$')

#: (inode, mtime_ns, size) of a file: changes on every atomic rewrite (a new inode).
FileStamp = tuple[int, int, int]


def is_color(value: Any) -> bool:
    """True for a '#rrggbb' string."""
    return isinstance(value, str) and bool(_COLOR_RE.match(value))


def pick_color(name: str, used: Iterable[str | None]) -> str:
    """The first palette colour not in ``used``; past 20 classes a stable pick from the name."""
    used = set(used)
    for c in PALETTE:
        if c not in used:
            return c
    return PALETTE[int(hashlib.sha256(name.encode()).hexdigest(), 16) % len(PALETTE)]


def is_project_folder(path: Path) -> bool:
    """True if ``path`` looks like a petcognizer project folder (even one with a damaged project.json)."""
    if (path / FILE_NAME).is_file():
        return True
    return (path / 'images').is_dir() and (path / 'unlabelled').is_dir()


def default_data(name: str) -> dict[str, Any]:
    """The content of a new project's ``project.json`` (``runs`` as RunRecord objects)."""
    return {
        'schema_version': SCHEMA_VERSION,
        'name': name,
        'classes': [],
        'class_colors': {},
        'settings': {},
        'runs': [],
        'class_matches': {},
        'trash': [],
    }


def parse_runs(raw: list[Any], warnings: list[str]) -> list[RunRecord]:
    """Run records from the ``runs`` list of a project.json; malformed or repeated entries are left out.

    Each entry left out is described in ``warnings`` (once per distinct message).
    """
    records: list[RunRecord] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw):
        try:
            record = RunRecord.from_dict(entry)
        except (ValueError, TypeError) as exc:
            label = entry.get('id') if isinstance(entry, dict) else None
            message = (f'project.json: run entry {i + 1}'
                       f'{f" ({label!r})" if label is not None else ""} was malformed ({exc}) '
                       'and has been left out.')
            if message not in warnings:
                warnings.append(message)
            continue
        if record.id in seen:
            message = f'project.json: run "{record.id}" was recorded twice; the second copy was left out.'
            if message not in warnings:
                warnings.append(message)
            continue
        seen.add(record.id)
        records.append(record)
    return records


def clean_data(data: dict[str, Any] | None, name: str, warnings: list[str]) -> dict[str, Any]:
    """Keep every well-formed field of a loaded project.json; reset the others with a warning.

    ``runs`` comes back as a list of :class:`RunRecord`.
    """
    clean = default_data(name)
    if data is None:
        return clean

    def bad(key: str) -> None:
        warnings.append(f'project.json: "{key}" was malformed and has been reset.')

    if 'name' in data:
        if isinstance(data['name'], str) and data['name'].strip():
            clean['name'] = data['name']
        else:
            bad('name')
    if 'classes' in data:
        if isinstance(data['classes'], list) and all(isinstance(c, str) for c in data['classes']):
            seen: set[str] = set()
            for c in data['classes']:
                if c and c.casefold() not in seen and '/' not in c and '\\' not in c and c not in ('.', '..'):
                    seen.add(c.casefold())
                    clean['classes'].append(c)
        else:
            bad('classes')
    for key in ('class_colors', 'settings', 'class_matches'):
        if key in data:
            if isinstance(data[key], dict):
                clean[key] = data[key]
            else:
                bad(key)
    clean['class_colors'] = {k: v.lower() for k, v in clean['class_colors'].items() if is_color(v)}
    clean['class_matches'] = {
        k: [str(x) for x in v] for k, v in clean['class_matches'].items() if isinstance(v, list)
    }
    if 'runs' in data:
        if isinstance(data['runs'], list):
            clean['runs'] = parse_runs(data['runs'], warnings)
        else:
            bad('runs')
    if 'trash' in data:
        if isinstance(data['trash'], list):
            clean['trash'] = [r for r in data['trash'] if isinstance(r, dict) and 'id' in r]
        else:
            bad('trash')
    # Unknown keys written by a later minor version are carried along untouched.
    for key, value in data.items():
        if key not in clean:
            clean[key] = value
    clean['schema_version'] = SCHEMA_VERSION
    return clean


def read_project_json(root: Path, warnings: list[str]) -> dict[str, Any] | None:
    """The JSON object in ``root/project.json``, or None when it is missing or damaged.

    A damaged file is set aside as ``project.json.corrupt-<timestamp>``; each
    such repair is described in ``warnings``.

    Raises:
        ProjectError: the file cannot be read or set aside, or a newer petcognizer wrote it.
    """
    json_path = root / FILE_NAME
    try:
        raw = json_path.read_bytes()
    except FileNotFoundError:
        warnings.append(
            f'{json_path} was missing; the project was rebuilt from its folders '
            '(class colours, settings and run history were reset).'
        )
        return None
    except OSError as exc:
        raise ProjectError(f'{json_path} cannot be read ({exc.strerror or exc}); check its permissions.') from None
    try:
        data = json.loads(raw.decode('utf-8'))
        if not isinstance(data, dict):
            raise ValueError('not a JSON object')
    except (ValueError, UnicodeDecodeError) as exc:
        kept = root / f'{FILE_NAME}.corrupt-{time.strftime("%Y%m%d-%H%M%S")}'
        n = 2
        while kept.exists():
            kept = kept.with_name(f'{kept.name.split("~")[0]}~{n}')
            n += 1
        try:
            os.replace(json_path, kept)
        except OSError as exc2:
            raise ProjectError(
                f'{json_path} is damaged and cannot be set aside ({exc2.strerror}); '
                'check the folder is writable.'
            ) from None
        warnings.append(
            f'{json_path} was damaged ({exc}); it was kept as {kept.name} and the '
            'project was rebuilt from its folders (class colours, settings and run '
            'history were reset).'
        )
        return None
    version = data.get('schema_version', 1)
    if isinstance(version, int) and version > SCHEMA_VERSION:
        raise ProjectError(
            f'{json_path} was written by a newer petcognizer (project format {version}); '
            'update petcognizer to open it.'
        )
    return data


def read_disk_runs(root: Path, warnings: list[str]) -> list[RunRecord] | None:
    """The runs recorded in ``root/project.json`` now (None if it cannot be read); never repairs anything."""
    try:
        data = json.loads((root / FILE_NAME).read_text(encoding='utf-8'))
    except (OSError, ValueError):
        return None
    runs = data.get('runs') if isinstance(data, dict) else None
    return parse_runs(runs, warnings) if isinstance(runs, list) else None


def write_json(path: Path, data: Any) -> None:
    """Write JSON via a temp file in the same folder, fsync, then os.replace."""
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + '\n'
    try:
        text.encode('utf-8')
    except UnicodeEncodeError:
        # A name read from disk that was not UTF-8 (a surrogate escape): JSON's
        # \\udcxx escapes store it exactly and read back to the same string.
        text = json.dumps(data, indent=2, ensure_ascii=True, sort_keys=False) + '\n'
    atomic_write_text(path, text, tmp_prefix=TMP_PREFIX)


def file_stamp(path: Path) -> FileStamp | None:
    """What tells one version of a file from the next (None: no file)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


def sweep_temp(folder: Path) -> None:
    """Remove the temp files a crash left in ``folder`` (not below it)."""
    try:
        with os.scandir(folder) as it:
            for e in it:
                if e.name.startswith(TMP_PREFIX) and e.is_file(follow_symlinks=False):
                    try:
                        os.unlink(e.path)
                    except OSError:
                        pass
    except OSError:
        pass
