"""A project: one folder on disk holding the photos, their labels and the runs.

Layout (``images/`` is the ImageFolder layout, so torchvision, Keras and fastai
read it as is)::

    project.json          name, class order and colours, settings, run history
    images/<class>/...    labelled photos, one folder per class
    unlabelled/           the Unlabelled bin (outside images/ so ImageFolder
                          readers do not take it for a class)
    .trash/               deleted photos and classes, restorable
    .cache/               thumbnails, features, the content-hash index
    runs/                 trained models

The user's originals are only ever read: photos are copied in. Every write is
atomic (temp file in the same folder, flush, fsync, ``os.replace``), so a crash
at any moment leaves a project that :meth:`Project.open` can open.
"""

from __future__ import annotations

import bisect
import contextlib
import errno
import hashlib
import json
import os
import re
import shutil
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from petcognizer.core.data import natural_key as data_natural_key
from petcognizer.core.events import CancelToken
from petcognizer.core.fsutil import atomic_write_text
from petcognizer.core.images import ImageError, is_hidden, is_image_name, verify_image

__all__ = [
    'PALETTE',
    'AddReport',
    'Progress',
    'Project',
    'ProjectError',
    'TrashEntry',
    'natural_key',
    'validate_class_name',
]

Progress = Callable[[int, int], None]

#: Pleasant, distinguishable class colours (Tableau 10, then lighter variants).
PALETTE = (
    '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f',
    '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
    '#a0cbe8', '#ffbe7d', '#ff9d9a', '#86bcb6', '#8cd17d',
    '#f1ce63', '#d4a6c8', '#fabfd2', '#d7b5a6', '#79706e',
)  # fmt: skip

#: Every temp file we write starts with this, so open() can sweep leftovers
#: from a crash. The leading dot also hides them from listings.
_TMP_PREFIX = '.petcognizer-tmp-'
_HASH_INDEX = 'content-hashes.json'
_MAX_NAME = 100
_WINDOWS_RESERVED = frozenset(
    ['con', 'prn', 'aux', 'nul']
    + [f'com{i}' for i in range(1, 10)]
    + [f'lpt{i}' for i in range(1, 10)]
)
_IGNORED_DIRS = frozenset({'__macosx', '$recycle.bin', 'system volume information'})
_COLOR_RE = re.compile(r'^#[0-9a-fA-F]{6}$')
_CHUNK = 1 << 20


class ProjectError(Exception):
    """A project operation that cannot be done; the message names the file or folder and what to do."""


@dataclass
class AddReport:
    """What happened to each file offered to :meth:`Project.add_files`.

    Attributes:
        added: new absolute paths inside the project.
        duplicates: (source, existing copy in the project) for content already present.
        refused: (source, reason); the reason is a sentence naming the problem and what to do.
        cancelled: True if the user stopped the operation (files already added stay).
    """

    added: list[Path] = field(default_factory=list)
    duplicates: list[tuple[Path, Path]] = field(default_factory=list)
    refused: list[tuple[Path, str]] = field(default_factory=list)
    cancelled: bool = False

    def merge(self, other: AddReport) -> None:
        """Append another report's results to this one."""
        self.added += other.added
        self.duplicates += other.duplicates
        self.refused += other.refused
        self.cancelled = self.cancelled or other.cancelled


@dataclass(frozen=True)
class TrashEntry:
    """One file in the project trash.

    Attributes:
        id: unique id of the entry.
        original: path relative to the project root, e.g. ``'images/cat/a.jpg'``.
        trashed: path relative to the project root inside ``.trash/``.
    """

    id: str
    original: str
    trashed: str


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
    if len(cleaned) > _MAX_NAME:
        raise ProjectError(
            f'Class name "{cleaned[:30]}..." is {len(cleaned)} characters long; '
            f'use at most {_MAX_NAME}.'
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


def _sanitize_class_name(name: str, existing: Iterable[str]) -> str:
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
    cleaned = cleaned[:_MAX_NAME].rstrip('. ') or 'class'
    for other in existing:
        if other.casefold() == cleaned.casefold():
            return other
    return validate_class_name(cleaned, existing)


def _atomic_write_json(path: Path, data: Any) -> None:
    """Write JSON via a temp file in the same folder, fsync, then os.replace."""
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + '\n'
    atomic_write_text(path, text, tmp_prefix=_TMP_PREFIX)


def _copy_hashing(src: Path, dst: Path) -> str:
    """Copy ``src`` to the new file ``dst`` (flushed and fsynced); return the SHA-256 hex digest."""
    digest = hashlib.sha256()
    with open(src, 'rb') as fin, open(dst, 'xb') as fout:
        while chunk := fin.read(_CHUNK):
            digest.update(chunk)
            fout.write(chunk)
        fout.flush()
        os.fsync(fout.fileno())
    return digest.hexdigest()


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_error_reason(src: Path, exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, getattr(errno, 'EDQUOT', -1)):
        return f'{src}: disk full: free some space and add it again.'
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (
            f'{src}: permission denied while copying it into the project; '
            'check that the project folder is writable and add it again.'
        )
    return f'{src}: could not be copied ({exc.strerror or exc}); add it again.'


def _sentence(exc: ImageError) -> str:
    return f'{exc.path}: {exc.reason}.'


def _is_ignored_dir(name: str) -> bool:
    return name.startswith('.') or name.casefold() in _IGNORED_DIRS


def _default_data(name: str) -> dict[str, Any]:
    return {
        'schema_version': Project.SCHEMA_VERSION,
        'name': name,
        'classes': [],
        'class_colors': {},
        'settings': {},
        'runs': [],
        'class_matches': {},
        'trash': [],
    }


class Project:
    """A labelled photo collection on disk; see the module docstring for the layout.

    Listings are cached in memory and kept current by the project's own
    operations; call :meth:`refresh` after other programs change the folder.
    """

    FILE_NAME = 'project.json'
    SCHEMA_VERSION = 1

    def __init__(self, root: Path, data: dict[str, Any], warnings: list[str] | None = None):
        """Use :meth:`create` or :meth:`open` instead."""
        self.root = root
        self.images_dir = root / 'images'
        self.unlabelled_dir = root / 'unlabelled'
        self.trash_dir = root / '.trash'
        self.cache_dir = root / '.cache'
        self.runs_dir = root / 'runs'
        self.warnings: list[str] = list(warnings or [])
        self._data = data
        self._listing: dict[str | None, list[Path]] = {}
        # Content-hash index, loaded on the first add: relative path -> [size, mtime_ns, sha256].
        self._hashes: dict[str, list] | None = None
        self._by_hash: dict[str, str] = {}
        self._hashes_dirty = False
        self._trashed_hashes: dict[str, list] = {}

    # ------------------------------------------------------------------ create / open

    @classmethod
    def create(cls, root: os.PathLike | str, *, classes: Iterable[str] = ()) -> Project:
        """Make a new, empty project in ``root``.

        Args:
            root: a folder that does not exist yet or is empty.
            classes: initial class names, in order.

        Raises:
            ProjectError: ``root`` has content, a class name is invalid, or the folder cannot be written.
        """
        root = Path(os.path.abspath(root))
        if root.exists():
            if not root.is_dir():
                raise ProjectError(f'{root} is a file; choose a new or empty folder for the project.')
            try:
                content = [e for e in os.listdir(root) if not is_hidden(e)]
            except OSError as exc:
                raise ProjectError(f'{root} cannot be read ({exc.strerror}); choose another folder.') from None
            if content:
                raise ProjectError(
                    f'{root} is not empty; choose a new or empty folder for the project '
                    '(or open it if it already is one).'
                )
        names: list[str] = []
        for name in classes:
            names.append(validate_class_name(name, names))
        data = _default_data(root.name)
        try:
            root.mkdir(parents=True, exist_ok=True)
            # Resolved once, so paths we hand out compare equal to paths we get back.
            root = root.resolve()
            project = cls(root, data)
            for d in (project.images_dir, project.unlabelled_dir, project.trash_dir,
                      project.cache_dir, project.runs_dir):  # fmt: skip
                d.mkdir(parents=True, exist_ok=True)
            for name in names:
                (project.images_dir / name).mkdir(exist_ok=True)
                data['classes'].append(name)
                project._assign_color(name)
            project.save()
        except OSError as exc:
            raise ProjectError(
                f'Cannot create the project in {root} ({exc.strerror or exc}); '
                'check the folder is writable and has free space.'
            ) from None
        return project

    @staticmethod
    def is_project(path: os.PathLike | str) -> bool:
        """True if ``path`` looks like a petcognizer project folder (even one with a damaged project.json)."""
        path = Path(path)
        if (path / Project.FILE_NAME).is_file():
            return True
        return (path / 'images').is_dir() and (path / 'unlabelled').is_dir()

    @classmethod
    def open(cls, root: os.PathLike | str) -> Project:
        """Open an existing project, repairing what a crash may have left behind.

        A missing or corrupt project.json is rebuilt from the folders (a corrupt
        one is kept as ``project.json.corrupt-<timestamp>``); leftover temp files
        are removed; class folders and the class list are reconciled. Each
        repair is described in :attr:`warnings`.

        Raises:
            ProjectError: ``root`` is not a project, or project.json cannot be read.
        """
        root = Path(os.path.abspath(root))
        if not root.is_dir():
            raise ProjectError(
                f'{root} does not exist or is not a folder; choose a project folder, '
                'or create a new project there.'
            )
        if not cls.is_project(root):
            raise ProjectError(
                f'{root} is not a petcognizer project (it has no {cls.FILE_NAME}); '
                'create a new project, or make one from this folder of class folders with '
                '"New project from folder".'
            )
        root = root.resolve()
        warnings: list[str] = []
        json_path = root / cls.FILE_NAME
        data: dict[str, Any] | None = None
        try:
            raw = json_path.read_bytes()
        except FileNotFoundError:
            warnings.append(
                f'{json_path} was missing; the project was rebuilt from its folders '
                '(class colours, settings and run history were reset).'
            )
        except OSError as exc:
            raise ProjectError(
                f'{json_path} cannot be read ({exc.strerror or exc}); check its permissions.'
            ) from None
        else:
            try:
                loaded = json.loads(raw.decode('utf-8'))
                if not isinstance(loaded, dict):
                    raise ValueError('not a JSON object')
                data = loaded
            except (ValueError, UnicodeDecodeError) as exc:
                kept = root / f'{cls.FILE_NAME}.corrupt-{time.strftime("%Y%m%d-%H%M%S")}'
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
        if data is not None:
            version = data.get('schema_version', 1)
            if isinstance(version, int) and version > cls.SCHEMA_VERSION:
                raise ProjectError(
                    f'{json_path} was written by a newer petcognizer (project format {version}); '
                    'update petcognizer to open it.'
                )
        data = cls._clean_data(data, root.name, warnings)
        project = cls(root, data, warnings)
        project._repair()
        return project

    @classmethod
    def from_folder(
        cls,
        src: os.PathLike | str,
        root: os.PathLike | str,
        *,
        progress: Progress | None = None,
        cancel: CancelToken | None = None,
    ) -> tuple[Project, AddReport]:
        """Create a project at ``root`` and import the class folders of ``src`` into it."""
        src = Path(src)
        if not src.is_dir():
            raise ProjectError(f'{src} is not a folder; choose the folder that holds your class folders.')
        project = cls.create(root)
        report = project.import_tree(src, progress=progress, cancel=cancel)
        return project, report

    @staticmethod
    def _clean_data(data: dict[str, Any] | None, name: str, warnings: list[str]) -> dict[str, Any]:
        """Keep every well-formed field of a loaded project.json; reset the others with a warning."""
        clean = _default_data(name)
        if data is None:
            return clean

        def bad(key: str) -> None:
            warnings.append(f'project.json: "{key}" was malformed and has been reset.')

        for key in ('name',):
            if key in data:
                if isinstance(data[key], str) and data[key].strip():
                    clean[key] = data[key]
                else:
                    bad(key)
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
        clean['class_colors'] = {
            k: v.lower() for k, v in clean['class_colors'].items()
            if isinstance(v, str) and _COLOR_RE.match(v)
        }  # fmt: skip
        clean['class_matches'] = {
            k: [str(x) for x in v] for k, v in clean['class_matches'].items() if isinstance(v, list)
        }
        for key in ('runs', 'trash'):
            if key in data:
                if isinstance(data[key], list):
                    clean[key] = [r for r in data[key] if isinstance(r, dict) and 'id' in r]
                else:
                    bad(key)
        # Unknown keys written by a later minor version are carried along untouched.
        for key, value in data.items():
            if key not in clean:
                clean[key] = value
        clean['schema_version'] = Project.SCHEMA_VERSION
        return clean

    def _repair(self) -> None:
        """Recreate missing folders, sweep temp files, reconcile classes with folders; then save."""
        changed = False
        for d in (self.images_dir, self.unlabelled_dir, self.trash_dir, self.cache_dir, self.runs_dir):
            if not d.is_dir():
                try:
                    d.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    # A read-only copy (a DVD, a shared drive) still opens for viewing.
                    self.warnings.append(f'{d} is missing and cannot be created ({exc.strerror or exc}).')
                    continue
                if d in (self.images_dir, self.unlabelled_dir):
                    self.warnings.append(f'{d} was missing and has been recreated.')
        for d in (self.root, self.cache_dir):
            self._sweep_temp(d)
        on_disk = []
        with contextlib.suppress(FileNotFoundError), os.scandir(self.images_dir) as it:
            for e in it:
                if e.is_dir() and not _is_ignored_dir(e.name):
                    on_disk.append(e.name)
        on_disk.sort(key=natural_key)
        classes = self._data['classes']
        folded = {c.casefold() for c in classes}
        present = set(on_disk)
        for name in list(classes):
            if name not in present:
                with contextlib.suppress(OSError):
                    (self.images_dir / name).mkdir(parents=True, exist_ok=True)
                self.warnings.append(
                    f'The folder of class "{name}" ({self.images_dir / name}) was missing; '
                    'it has been recreated, empty.'
                )
        for name in on_disk:
            if name not in classes:
                if name.casefold() in folded:
                    self.warnings.append(
                        f'{self.images_dir / name} differs from another class only in letter case; '
                        'rename or merge it, as it will clash on Windows and macOS.'
                    )
                classes.append(name)
                folded.add(name.casefold())
                changed = True
                self.warnings.append(
                    f'Found class folder {self.images_dir / name} that was not in project.json; '
                    f'added it as class "{name}".'
                )
        for name in classes:
            if name not in self._data['class_colors']:
                self._assign_color(name)
                changed = True
        # Listing every folder now also sweeps temp files a crash left in them.
        self._listing.clear()
        for c in [None, *classes]:
            self._scan(c, sweep=True)
        if changed or self.warnings:
            with contextlib.suppress(OSError):
                self.save()

    @staticmethod
    def _sweep_temp(folder: Path) -> None:
        with contextlib.suppress(OSError), os.scandir(folder) as it:
            for e in it:
                if e.name.startswith(_TMP_PREFIX) and e.is_file(follow_symlinks=False):
                    with contextlib.suppress(OSError):
                        os.unlink(e.path)

    # ------------------------------------------------------------------ basic properties

    @property
    def name(self) -> str:
        """Display name of the project (the folder name unless changed)."""
        return self._data['name']

    @name.setter
    def name(self, value: str) -> None:
        self._data['name'] = str(value)

    @property
    def classes(self) -> list[str]:
        """Class names in their display and training order (a copy)."""
        return list(self._data['classes'])

    @property
    def settings(self) -> dict[str, Any]:
        """Saved training settings (a JSON-able dict): modify, then call :meth:`save`."""
        return self._data['settings']

    @settings.setter
    def settings(self, value: dict[str, Any]) -> None:
        self._data['settings'] = dict(value)

    @property
    def runs(self) -> list[dict[str, Any]]:
        """Run history records (JSON-able dicts with at least an 'id'), oldest first."""
        return self._data['runs']

    @property
    def class_matches(self) -> dict[str, list[str]]:
        """Class name -> ImageNet WordNet ids chosen by the user; modify, then :meth:`save`."""
        return self._data['class_matches']

    @class_matches.setter
    def class_matches(self, value: dict[str, list[str]]) -> None:
        self._data['class_matches'] = {k: list(v) for k, v in value.items()}

    def __repr__(self) -> str:
        return f'Project({str(self.root)!r}, classes={self.classes!r})'

    def save(self) -> None:
        """Write project.json atomically."""
        _atomic_write_json(self.root / self.FILE_NAME, self._data)

    def _save_or_raise(self) -> None:
        try:
            self.save()
        except OSError as exc:
            raise ProjectError(
                f'Cannot save {self.root / self.FILE_NAME} ({exc.strerror or exc}); '
                'free some disk space or check the folder is writable, then try again.'
            ) from None

    # ------------------------------------------------------------------ colours

    def _assign_color(self, name: str) -> str:
        colors = self._data['class_colors']
        used = {colors.get(c) for c in self._data['classes'] if c != name}
        for c in PALETTE:
            if c not in used:
                colors[name] = c
                return c
        # More classes than colours: a stable pick from the name.
        pick = PALETTE[int(hashlib.sha256(name.encode()).hexdigest(), 16) % len(PALETTE)]
        colors[name] = pick
        return pick

    def class_color(self, name: str) -> str:
        """The class's colour as '#rrggbb' (assigned from :data:`PALETTE` and stored)."""
        self._require_class(name)
        color = self._data['class_colors'].get(name)
        if color is None:
            color = self._assign_color(name)
            self._save_or_raise()
        return color

    def set_class_color(self, name: str, color: str) -> None:
        """Set a class colour ('#rrggbb')."""
        self._require_class(name)
        if not isinstance(color, str) or not _COLOR_RE.match(color):
            raise ProjectError(f'Colour {color!r} for class "{name}" must look like "#4e79a7".')
        self._data['class_colors'][name] = color.lower()
        self._save_or_raise()

    # ------------------------------------------------------------------ listings

    def _folder(self, class_name: str | None) -> Path:
        return self.unlabelled_dir if class_name is None else self.images_dir / class_name

    def _require_class(self, name: str) -> None:
        if name not in self._data['classes']:
            raise ProjectError(
                f'There is no class called "{name}" in {self.root}; '
                f'the classes are: {", ".join(self._data["classes"]) or "(none yet)"}.'
            )

    def _scan(self, class_name: str | None, sweep: bool = False) -> list[Path]:
        folder = self._folder(class_name)
        found: list[str] = []
        try:
            with os.scandir(folder) as it:
                for e in it:
                    if sweep and e.name.startswith(_TMP_PREFIX):
                        with contextlib.suppress(OSError):
                            os.unlink(e.path)
                        continue
                    if is_image_name(e.name) and e.is_file():
                        found.append(e.name)
        except FileNotFoundError:
            pass
        found.sort(key=natural_key)
        listing = [folder / n for n in found]
        self._listing[class_name] = listing
        return listing

    def _listing_insert(self, class_name: str | None, path: Path) -> None:
        """Add a new file to a cached listing, keeping natural order (no rescan)."""
        listing = self._listing.get(class_name)
        if listing is None or not is_image_name(path.name):
            return  # not cached yet: the next _list() scans the folder anyway
        bisect.insort(listing, path, key=natural_key)

    def _listing_remove(self, class_name: str | None, path: Path) -> None:
        """Drop a file that left a folder from its cached listing (no rescan)."""
        listing = self._listing.get(class_name)
        if listing is None:
            return
        i = bisect.bisect_left(listing, natural_key(path), key=natural_key)
        if i < len(listing) and listing[i] == path:
            del listing[i]
        else:  # not where natural order says (e.g. a path spelled differently): search
            with contextlib.suppress(ValueError):
                listing.remove(path)

    def _list(self, class_name: str | None) -> list[Path]:
        listing = self._listing.get(class_name)
        if listing is None:
            listing = self._scan(class_name)
        return listing

    def images(self, class_name: str | None) -> list[Path]:
        """Absolute paths of a class's photos (None: the Unlabelled bin), in natural order."""
        if class_name is not None:
            self._require_class(class_name)
        return list(self._list(class_name))

    def counts(self) -> dict[str, int]:
        """Number of photos per class, in class order."""
        return {c: len(self._list(c)) for c in self._data['classes']}

    @property
    def n_unlabelled(self) -> int:
        """Number of photos in the Unlabelled bin."""
        return len(self._list(None))

    def samples(self) -> tuple[list[Path], list[int]]:
        """All labelled photos and their class indices (in class order)."""
        paths: list[Path] = []
        labels: list[int] = []
        for i, c in enumerate(self._data['classes']):
            listing = self._list(c)
            paths += listing
            labels += [i] * len(listing)
        return paths, labels

    def training_samples(self) -> tuple[list[Path], list[int], list[str], list[str]]:
        """Labelled photos for training: classes without photos take no part.

        Returns:
            ``(paths, labels, classes, empty)``: labels index ``classes`` (the
            project's class order minus the empty classes, listed in ``empty``).
        """
        paths, labels = self.samples()
        used = sorted(set(labels))
        remap = {old: new for new, old in enumerate(used)}
        classes = [self._data['classes'][k] for k in used]
        empty = [c for c in self._data['classes'] if c not in classes]
        return paths, [remap[y] for y in labels], classes, empty

    def refresh(self) -> None:
        """Forget cached listings and hashes and re-read the folders (after outside changes)."""
        self._hashes = None
        self._by_hash = {}
        self._repair()

    def _locate(self, path: os.PathLike | str) -> tuple[Path, str | None]:
        """(absolute path, class or None) of a photo in this project, or ProjectError."""
        p = Path(os.path.abspath(path))
        for candidate in (p, p.resolve() if p.parent.exists() else p):
            parent = candidate.parent
            if parent == self.unlabelled_dir:
                return candidate, None
            if parent.parent == self.images_dir and parent.name in self._data['classes']:
                return candidate, parent.name
        raise ProjectError(
            f'{path} is not a photo in the project {self.root}; '
            'only photos inside its classes or Unlabelled bin can be used here.'
        )

    def label_of(self, path: os.PathLike | str) -> str | None:
        """Class of a photo in the project; None if it is in the Unlabelled bin."""
        return self._locate(path)[1]

    def _rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    # ------------------------------------------------------------------ classes

    def add_class(self, name: str, color: str | None = None) -> str:
        """Add an empty class at the end; return its validated name."""
        name = validate_class_name(name, self._data['classes'])
        if color is not None and not (isinstance(color, str) and _COLOR_RE.match(color)):
            raise ProjectError(f'Colour {color!r} for class "{name}" must look like "#4e79a7".')
        try:
            (self.images_dir / name).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProjectError(
                f'Cannot create the folder {self.images_dir / name} ({exc.strerror or exc}); '
                'check the project folder is writable.'
            ) from None
        self._data['classes'].append(name)
        if color is not None:
            self._data['class_colors'][name] = color.lower()
        else:
            self._assign_color(name)
        self._listing.pop(name, None)
        self._save_or_raise()
        return name

    def rename_class(self, old: str, new: str) -> None:
        """Rename a class (and its folder); colour and ImageNet matches follow it."""
        self._require_class(old)
        others = [c for c in self._data['classes'] if c != old]
        new = validate_class_name(new, others)
        if new == old:
            return
        src, dst = self.images_dir / old, self.images_dir / new
        try:
            if old.casefold() == new.casefold():
                # Case-only rename: go through a temp name for case-insensitive file systems.
                tmp = self.images_dir / f'{_TMP_PREFIX}{uuid.uuid4().hex}'
                os.rename(src, tmp)
                os.rename(tmp, dst)
            else:
                if dst.exists():
                    raise ProjectError(
                        f'{dst} already exists; move or remove it, then rename the class again.'
                    )
                os.rename(src, dst)
        except OSError as exc:
            raise ProjectError(
                f'Cannot rename {src} to {dst.name} ({exc.strerror or exc}); '
                'close programs using files in it and try again.'
            ) from None
        classes = self._data['classes']
        classes[classes.index(old)] = new
        for key in ('class_colors', 'class_matches'):
            if old in self._data[key]:
                self._data[key][new] = self._data[key].pop(old)
        self._listing.pop(old, None)
        self._listing.pop(new, None)
        self._rekey_hashes(f'images/{old}/', f'images/{new}/')
        self._save_or_raise()
        self._save_hashes()

    def move_class(self, name: str, index: int) -> None:
        """Move a class to position ``index`` in the class order (clamped to the list)."""
        self._require_class(name)
        classes = self._data['classes']
        classes.remove(name)
        index = max(0, min(int(index), len(classes)))
        classes.insert(index, name)
        self._save_or_raise()

    def delete_class(self, name: str) -> list[TrashEntry]:
        """Move a class's folder to the trash and remove the class; return entries for :meth:`restore_class`."""
        self._require_class(name)
        batch = self._new_batch()
        src = self.images_dir / name
        dst = self.trash_dir / batch / 'images' / name
        entries = [
            TrashEntry(f'{batch}/{i}', self._rel(p), self._rel(dst / p.name))
            for i, p in enumerate(self._list(name))
        ]
        try:
            dst.parent.mkdir(parents=True, exist_ok=True)
            if src.exists():
                os.replace(src, dst)
        except OSError as exc:
            raise ProjectError(
                f'Cannot move {src} to the project trash ({exc.strerror or exc}); '
                'close programs using files in it and try again.'
            ) from None
        self._data['trash'].append({
            'id': batch, 'time': time.time(), 'class': name,
            'color': self._data['class_colors'].get(name),
            'matches': self._data['class_matches'].get(name),
        })  # fmt: skip
        self._data['classes'].remove(name)
        self._data['class_colors'].pop(name, None)
        self._data['class_matches'].pop(name, None)
        self._listing.pop(name, None)
        self._to_trash_hashes(f'images/{name}/', self._rel(dst) + '/')
        self._save_or_raise()
        self._save_hashes()
        return entries

    def restore_class(
        self,
        name: str,
        entries: Iterable[TrashEntry],
        index: int | None = None,
        color: str | None = None,
    ) -> None:
        """Undo :meth:`delete_class`: re-add the class (at ``index``) and restore its photos.

        If a class of that name exists again meanwhile, the photos are merged into it.
        """
        entries = list(entries)
        if self._same_class(name) is None:
            name = validate_class_name(name, self._data['classes'])
            meta = self._batch_meta(entries)
            (self.images_dir / name).mkdir(parents=True, exist_ok=True)
            classes = self._data['classes']
            pos = len(classes) if index is None else max(0, min(int(index), len(classes)))
            classes.insert(pos, name)
            color = color or meta.get('color')
            if color and _COLOR_RE.match(color):
                self._data['class_colors'][name] = color.lower()
            else:
                self._assign_color(name)
            if meta.get('matches') and name not in self._data['class_matches']:
                self._data['class_matches'][name] = list(meta['matches'])
            self._save_or_raise()
        self.restore(entries)

    def _same_class(self, name: str) -> str | None:
        """The existing class whose name equals ``name`` ignoring case, if any."""
        if name in self._data['classes']:
            return name
        folded = name.casefold()
        return next((c for c in self._data['classes'] if c.casefold() == folded), None)

    def _batch_meta(self, entries: list[TrashEntry]) -> dict[str, Any]:
        if not entries:
            return {}
        batch = entries[0].id.split('/')[0]
        for b in self._data['trash']:
            if b.get('id') == batch:
                return b
        return {}

    # ------------------------------------------------------------------ adding photos

    def _collect(self, paths: Iterable[os.PathLike | str]) -> list[Path]:
        """Expand folders recursively; drop hidden files silently; keep order."""
        out: list[Path] = []
        for p in paths:
            p = Path(p)
            if is_hidden(p):
                continue
            if p.is_dir():
                if _is_ignored_dir(p.name):
                    continue
                out += self._walk(p)
            else:
                out.append(p)
        return out

    def _walk(self, folder: Path) -> list[Path]:
        files: list[Path] = []
        for dirpath, dirnames, filenames in os.walk(folder):
            here = Path(dirpath)
            # Never import the project into itself (a project made inside the photo folder).
            dirnames[:] = sorted(
                (d for d in dirnames if not _is_ignored_dir(d) and not self._is_self(here / d)),
                key=natural_key,
            )
            files += [here / f for f in sorted(filenames, key=natural_key) if not is_hidden(f)]
        return files

    def _is_self(self, path: Path) -> bool:
        try:
            return path.resolve() == self.root
        except OSError:
            return False

    def add_files(
        self,
        paths: Iterable[os.PathLike | str],
        class_name: str | None,
        *,
        progress: Progress | None = None,
        cancel: CancelToken | None = None,
    ) -> AddReport:
        """Copy photos (files or whole folders, recursively) into a class or the Unlabelled bin.

        Originals are never modified. Identical content is stored once; name
        clashes get ' (2)' etc.; hidden/system files are skipped silently; every
        other file that cannot be added is listed in ``refused`` with a reason.

        Args:
            paths: files and folders to add.
            class_name: target class, or None for the Unlabelled bin.
            progress: called with (done, total) after each file.
            cancel: checked between files; when set, the report says cancelled.
        """
        if class_name is not None:
            self._require_class(class_name)
        report = AddReport()
        files = self._collect(paths)
        self._add_many([(f, class_name) for f in files], report, progress, cancel)
        return report

    def import_tree(
        self,
        src: os.PathLike | str,
        *,
        progress: Progress | None = None,
        cancel: CancelToken | None = None,
    ) -> AddReport:
        """Import a folder of class folders: each subfolder becomes a class, loose files go to Unlabelled.

        Photos in nested folders go to the class of their top-level folder.
        Classes that exist already (compared ignoring case) receive the photos.
        """
        src = Path(src)
        if not src.is_dir():
            raise ProjectError(f'{src} is not a folder; choose the folder that holds your class folders.')
        report = AddReport()
        if self.is_project(src) and (src / 'images').is_dir():
            # Importing another petcognizer project: its classes and Unlabelled bin.
            return self._import_project(src, report, progress, cancel)
        items: list[tuple[Path, str | None]] = []
        try:
            entries = sorted(os.scandir(src), key=lambda e: natural_key(e.name))
        except OSError as exc:
            raise ProjectError(f'{src} cannot be read ({exc.strerror or exc}); check its permissions.') from None
        created = False
        for e in entries:
            path = Path(e.path)
            if e.is_dir():
                if _is_ignored_dir(e.name) or self._is_self(path):
                    continue
                files = self._walk(path)
                if not files:
                    continue
                name = _sanitize_class_name(e.name, self._data['classes'])
                if name not in self._data['classes']:
                    (self.images_dir / name).mkdir(parents=True, exist_ok=True)
                    self._data['classes'].append(name)
                    self._assign_color(name)
                    created = True
                items += [(f, name) for f in files]
            elif not is_hidden(e.name):
                items.append((path, None))
        if created:
            self._save_or_raise()
        self._add_many(items, report, progress, cancel)
        return report

    def _import_project(
        self, src: Path, report: AddReport, progress: Progress | None, cancel: CancelToken | None
    ) -> AddReport:
        # Read the other project without opening it: Project.open repairs and
        # saves, and a source is only ever read (it may be a read-only backup).
        order: list[str] = []
        colors: dict = {}
        try:
            data = json.loads((src / self.FILE_NAME).read_text(encoding='utf-8'))
            order = [c for c in data.get('classes', []) if isinstance(c, str)]
            colors = data.get('class_colors') or {}
        except (OSError, ValueError, AttributeError):
            pass  # a damaged project.json: its folders still say what is there

        def photos_in(folder: Path) -> list[Path]:
            try:
                with os.scandir(folder) as it:
                    names = [e.name for e in it if is_image_name(e.name) and e.is_file()]
            except OSError:
                return []
            return [folder / n for n in sorted(names, key=natural_key)]

        images = src / 'images'
        try:
            on_disk = sorted((d.name for d in images.iterdir() if d.is_dir() and not is_hidden(d.name)),
                             key=natural_key)
        except OSError:
            on_disk = []
        items: list[tuple[Path, str | None]] = [(p, None) for p in photos_in(src / 'unlabelled')]
        for c in [c for c in order if c in on_disk] + [c for c in on_disk if c not in order]:
            name = _sanitize_class_name(c, self._data['classes'])
            if name not in self._data['classes']:
                color = colors.get(c) if isinstance(colors, dict) else None
                valid = isinstance(color, str) and _COLOR_RE.match(color)
                self.add_class(name, color if valid else None)
            items += [(p, name) for p in photos_in(images / c)]
        self._add_many(items, report, progress, cancel)
        return report

    def _add_many(
        self,
        items: list[tuple[Path, str | None]],
        report: AddReport,
        progress: Progress | None,
        cancel: CancelToken | None,
    ) -> None:
        total = len(items)
        if progress:
            progress(0, total)
        self._load_hashes()
        taken: dict[str | None, set[str]] = {}
        try:
            for done, (src, class_name) in enumerate(items, 1):
                if cancel is not None and cancel.cancelled:
                    report.cancelled = True
                    break
                if class_name not in taken:
                    taken[class_name] = self._names_in(self._folder(class_name))
                if self._add_one(src, class_name, taken[class_name], report):
                    self._listing_insert(class_name, report.added[-1])
                if progress:
                    progress(done, total)
        finally:
            self._save_hashes()
            with contextlib.suppress(OSError):
                self.save()

    @staticmethod
    def _names_in(folder: Path) -> set[str]:
        # Case-folded so 'A.jpg' and 'a.jpg' never coexist (they would clash on Windows/macOS).
        try:
            return {n.casefold() for n in os.listdir(folder)}
        except OSError:
            return set()

    def _free_name(self, name: str, taken: set[str]) -> str:
        stem, suffix = os.path.splitext(name)
        candidate, n = name, 2
        while candidate.casefold() in taken:
            candidate = f'{stem} ({n}){suffix}'
            n += 1
        return candidate

    def _add_one(self, src: Path, class_name: str | None, taken: set[str], report: AddReport) -> bool:
        if not is_image_name(src.name):
            ext = src.suffix or '(no extension)'
            report.refused.append((
                src,
                f'{src}: {ext} files are not photos petcognizer can use; '
                'add JPEG, PNG, WebP, BMP, GIF or TIFF files.',
            ))
            return False
        try:
            if not src.is_file():
                raise ImageError(src, 'file not found; it may have been moved or deleted')
            verify_image(src)
        except ImageError as exc:
            report.refused.append((src, _sentence(exc)))
            return False
        except OSError as exc:
            report.refused.append((src, f'{src}: cannot be read ({exc.strerror or exc}); check it and add it again.'))
            return False
        folder = self._folder(class_name)
        tmp = folder / f'{_TMP_PREFIX}{uuid.uuid4().hex}{src.suffix.lower()}'
        try:
            folder.mkdir(parents=True, exist_ok=True)
            digest = _copy_hashing(src, tmp)
            existing = self._by_hash.get(digest)
            if existing is not None and (self.root / existing).is_file():
                tmp.unlink()
                report.duplicates.append((src, self.root / existing))
                return False
            with contextlib.suppress(OSError):
                # Keep the photo's date: many users sort by it.
                st = src.stat()
                os.utime(tmp, ns=(st.st_atime_ns, st.st_mtime_ns))
            name = self._free_name(unicodedata.normalize('NFC', src.name), taken)
            dst = folder / name
            os.replace(tmp, dst)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            report.refused.append((src, _copy_error_reason(src, exc)))
            return False
        taken.add(name.casefold())
        self._index(dst, digest)
        report.added.append(dst)
        return True

    def remove_added(self, paths: Iterable[os.PathLike | str]) -> None:
        """Undo :meth:`add_files`: move the copies the project made to the trash (originals are elsewhere)."""
        existing = []
        for p in paths:
            with contextlib.suppress(ProjectError):
                q, _ = self._locate(p)
                if q.exists():
                    existing.append(q)
        if existing:
            self.delete_images(existing)

    # ------------------------------------------------------------------ moving, deleting, restoring

    def _check_paths(self, paths: Iterable[os.PathLike | str]) -> list[tuple[Path, str | None]]:
        located = []
        for p in paths:
            q, c = self._locate(p)
            if not q.is_file():
                raise ProjectError(
                    f'{q} is no longer in the project (moved or deleted outside petcognizer); '
                    'refresh the project and try again.'
                )
            located.append((q, c))
        return located

    def move_images(self, paths: Iterable[os.PathLike | str], class_name: str | None) -> dict[Path, Path]:
        """Move photos to a class (None: the Unlabelled bin); return {old path: new path}.

        A photo already in the target keeps its path; name clashes get ' (2)' etc.
        """
        if class_name is not None:
            self._require_class(class_name)
        located = self._check_paths(paths)
        folder = self._folder(class_name)
        taken = self._names_in(folder)
        moved: dict[Path, Path] = {}
        try:
            for src, c in located:
                if c == class_name:
                    moved[src] = src
                    continue
                dst = folder / self._free_name(src.name, taken)
                try:
                    os.replace(src, dst)
                except OSError as exc:
                    raise ProjectError(
                        f'Cannot move {src} to {folder} ({exc.strerror or exc}); '
                        'close programs using it and try again.'
                    ) from None
                taken.add(dst.name.casefold())
                moved[src] = dst
                self._listing_remove(c, src)
                self._listing_insert(class_name, dst)
                self._rekey_hashes(self._rel(src), self._rel(dst), exact=True)
        finally:
            self._save_hashes()
            self._save_or_raise()
        return moved

    def _new_batch(self) -> str:
        return f'{time.strftime("%Y%m%d-%H%M%S")}-{uuid.uuid4().hex[:8]}'

    def delete_images(self, paths: Iterable[os.PathLike | str]) -> list[TrashEntry]:
        """Move photos to the project trash; return entries for :meth:`restore`."""
        located = self._check_paths(paths)
        if not located:
            return []
        batch = self._new_batch()
        entries: list[TrashEntry] = []
        try:
            for i, (src, c) in enumerate(located):
                rel = self._rel(src)
                dst = self.trash_dir / batch / rel
                try:
                    dst.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(src, dst)
                except OSError as exc:
                    raise ProjectError(
                        f'Cannot move {src} to the project trash ({exc.strerror or exc}); '
                        'close programs using it and try again.'
                    ) from None
                self._listing_remove(c, src)
                entries.append(TrashEntry(f'{batch}/{i}', rel, self._rel(dst)))
                self._to_trash_hashes(rel, self._rel(dst), exact=True)
        finally:
            if entries:
                self._data['trash'].append({'id': batch, 'time': time.time()})
            self._save_hashes()
            self._save_or_raise()
        return entries

    def restore(self, entries: Iterable[TrashEntry]) -> list[Path]:
        """Put trashed photos back where they were (a clashing name gets ' (2)'); return the new paths.

        A photo whose class no longer exists brings the class back.

        Raises:
            ProjectError: after restoring the rest, if some trashed files are gone (e.g. the trash was emptied).
        """
        restored: list[Path] = []
        missing: list[str] = []
        taken: dict[Path, set[str]] = {}
        touched: set[str | None] = set()
        classes_changed = False
        try:
            for e in entries:
                parts = Path(e.trashed).parts + Path(e.original).parts
                if not e.trashed.startswith('.trash/') or '..' in parts or Path(e.original).is_absolute():
                    raise ProjectError(f'Trash entry {e.id} is not from this project ({e.trashed}).')
                src = self.root / e.trashed
                if not src.is_file():
                    missing.append(e.original)
                    continue
                original = self.root / e.original
                folder = original.parent
                if folder == self.unlabelled_dir:
                    c = None
                elif folder.parent == self.images_dir:
                    c = self._same_class(folder.name) or folder.name
                    # The class may exist again spelled differently ('Cat' for 'cat'): use it.
                    folder = self.images_dir / c
                    if c not in self._data['classes']:
                        self._data['classes'].append(c)
                        self._assign_color(c)
                        classes_changed = True
                else:
                    raise ProjectError(f'Trash entry {e.id} points outside the project ({e.original}).')
                folder.mkdir(parents=True, exist_ok=True)
                if folder not in taken:
                    taken[folder] = self._names_in(folder)
                dst = folder / self._free_name(original.name, taken[folder])
                try:
                    os.replace(src, dst)
                except OSError as exc:
                    raise ProjectError(
                        f'Cannot restore {dst} from the trash ({exc.strerror or exc}); '
                        'check the project folder is writable.'
                    ) from None
                taken[folder].add(dst.name.casefold())
                touched.add(c)
                restored.append(dst)
                self._listing_insert(c, dst)
                self._from_trash_hashes(e.trashed, dst)
        finally:
            if touched or classes_changed:
                self._prune_trash()
                self._save_hashes()
                self._save_or_raise()
        if missing:
            raise ProjectError(
                f'{len(missing)} photo(s) could not be restored because they are no longer in the '
                f'trash (it may have been emptied): {", ".join(missing[:5])}.'
            )
        return restored

    def _prune_trash(self) -> None:
        """Forget trash batches whose files have all been restored or removed."""
        keep = []
        for b in self._data['trash']:
            folder = self.trash_dir / str(b.get('id'))
            if any(f.is_file() for f in folder.rglob('*')) if folder.is_dir() else False:
                keep.append(b)
            elif folder.is_dir():
                shutil.rmtree(folder, ignore_errors=True)
        self._data['trash'] = keep

    def empty_trash(self) -> None:
        """Delete everything in the project trash for good."""
        try:
            with os.scandir(self.trash_dir) as it:
                for e in it:
                    if e.is_dir(follow_symlinks=False):
                        shutil.rmtree(e.path)
                    else:
                        os.unlink(e.path)
        except FileNotFoundError:
            self.trash_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProjectError(
                f'Cannot empty the trash {self.trash_dir} ({exc.strerror or exc}); '
                'close programs using files in it and try again.'
            ) from None
        self._data['trash'] = []
        self._save_or_raise()

    # ------------------------------------------------------------------ runs

    def add_run(self, record: dict[str, Any]) -> None:
        """Append a run record (a JSON-able dict with a unique 'id') and save."""
        if not isinstance(record, dict) or 'id' not in record:
            raise ProjectError('A run record must be a dict with an "id".')
        if any(r.get('id') == record['id'] for r in self._data['runs']):
            raise ProjectError(f'A run with id "{record["id"]}" is already recorded; use update_run.')
        json.dumps(record)  # fail here, not half-way through writing project.json
        self._data['runs'].append(record)
        self._save_or_raise()

    def _run(self, run_id: str) -> dict[str, Any]:
        for r in self._data['runs']:
            if r.get('id') == run_id:
                return r
        raise ProjectError(f'There is no run "{run_id}" in {self.root / self.FILE_NAME}.')

    def update_run(self, run_id: str, **fields: Any) -> None:
        """Change fields of a recorded run and save."""
        run = self._run(run_id)
        json.dumps(fields)
        run.update(fields)
        self._save_or_raise()

    def remove_run(self, run_id: str) -> None:
        """Forget a run record (its model files are left to the caller) and save."""
        run = self._run(run_id)
        self._data['runs'].remove(run)
        self._save_or_raise()

    # ------------------------------------------------------------------ content-hash index

    def _load_hashes(self) -> None:
        """Hash every photo not already in the index (matched on relative path, size and mtime_ns)."""
        if self._hashes is not None:
            return
        stored: dict[str, list] = {}
        with contextlib.suppress(OSError, ValueError, AttributeError, TypeError):
            raw = json.loads((self.cache_dir / _HASH_INDEX).read_text(encoding='utf-8'))
            if raw.get('version') == 1 and isinstance(raw.get('entries'), dict):
                stored = raw['entries']
        index: dict[str, list] = {}
        dirty = False
        for c in [None, *self._data['classes']]:
            for p in self._list(c):
                rel = self._rel(p)
                try:
                    st = p.stat()
                except OSError:
                    continue
                entry = stored.get(rel)
                if (
                    isinstance(entry, list) and len(entry) == 3
                    and entry[0] == st.st_size and entry[1] == st.st_mtime_ns
                ):  # fmt: skip
                    index[rel] = entry
                else:
                    try:
                        index[rel] = [st.st_size, st.st_mtime_ns, _hash_file(p)]
                    except OSError:
                        continue
                    dirty = True
        dirty = dirty or len(index) != len(stored)
        self._hashes = index
        self._by_hash = {v[2]: k for k, v in index.items()}
        self._hashes_dirty = dirty

    def _index(self, path: Path, digest: str) -> None:
        if self._hashes is None:
            return
        rel = self._rel(path)
        st = path.stat()
        self._hashes[rel] = [st.st_size, st.st_mtime_ns, digest]
        self._by_hash[digest] = rel
        self._hashes_dirty = True

    def _rekey_hashes(self, old: str, new: str, exact: bool = False) -> None:
        if self._hashes is None:
            return
        keys = [old] if exact else [k for k in self._hashes if k.startswith(old)]
        for k in keys:
            if k in self._hashes:
                entry = self._hashes.pop(k)
                nk = new if exact else new + k[len(old):]
                self._hashes[nk] = entry
                self._by_hash[entry[2]] = nk
                self._hashes_dirty = True

    def _drop_hashes(self, prefix: str, exact: bool = False) -> None:
        if self._hashes is None:
            return
        keys = [prefix] if exact else [k for k in self._hashes if k.startswith(prefix)]
        for k in keys:
            entry = self._hashes.pop(k, None)
            if entry is not None:
                if self._by_hash.get(entry[2]) == k:
                    del self._by_hash[entry[2]]
                self._hashes_dirty = True

    def _to_trash_hashes(self, old: str, new: str, exact: bool = False) -> None:
        # Kept in memory under the trash path, so an undo restores the entry without rehashing.
        if self._hashes is None:
            return
        keys = [old] if exact else [k for k in self._hashes if k.startswith(old)]
        for k in keys:
            entry = self._hashes.pop(k, None)
            if entry is None:
                continue
            if self._by_hash.get(entry[2]) == k:
                del self._by_hash[entry[2]]
            self._trashed_hashes[new if exact else new + k[len(old):]] = entry
            self._hashes_dirty = True

    def _from_trash_hashes(self, trashed: str, dst: Path) -> None:
        if self._hashes is None:
            return
        entry = self._trashed_hashes.pop(trashed, None)
        try:
            digest = entry[2] if entry else _hash_file(dst)
            self._index(dst, digest)
        except OSError:
            pass

    def _save_hashes(self) -> None:
        if self._hashes is None or not self._hashes_dirty:
            return
        # Only a cache: failing to write it costs a rehash next time, nothing more.
        with contextlib.suppress(OSError):
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            _atomic_write_json(self.cache_dir / _HASH_INDEX, {'version': 1, 'entries': self._hashes})
            self._hashes_dirty = False
