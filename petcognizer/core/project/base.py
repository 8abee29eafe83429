"""The state every part of a project shares: its folders, ``project.json``, listings and change batching.

:class:`ProjectBase` is the base of the mixins that make up
:class:`~petcognizer.core.project.Project`; it is not used alone.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from petcognizer.core.images import IMAGE_EXTENSIONS, is_image_name
from petcognizer.core.project.errors import ProjectError
from petcognizer.core.project.events import PendingChanges, ProjectEvents
from petcognizer.core.project.hashindex import HashIndex
from petcognizer.core.project.names import natural_key
from petcognizer.core.project.runlist import RunList
from petcognizer.core.project.schema import (
    FILE_NAME,
    SCHEMA_VERSION,
    TMP_PREFIX,
    FileStamp,
    file_stamp,
    is_color,
    pick_color,
    read_disk_runs,
    write_json,
)

__all__ = ['ProjectBase', 'emits']

F = TypeVar('F', bound=Callable[..., Any])


def emits(method: F) -> F:
    """Make a public method one batch of changes: its events are emitted once, when it returns or raises."""

    @functools.wraps(method)
    def wrapper(self: ProjectBase, *args: Any, **kwargs: Any) -> Any:
        with self._changes():
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class ProjectBase:
    """Folders, the parsed ``project.json``, cached listings, the hash index, the run list and the events."""

    FILE_NAME = FILE_NAME
    SCHEMA_VERSION = SCHEMA_VERSION

    def __init__(self, root: Path, data: dict[str, Any], warnings: list[str] | None = None):
        """Use :meth:`Project.create` or :meth:`Project.open` instead."""
        self.root = root
        self.images_dir = root / 'images'
        self.unlabelled_dir = root / 'unlabelled'
        self.trash_dir = root / '.trash'
        self.cache_dir = root / '.cache'
        self.runs_dir = root / 'runs'
        self.warnings: list[str] = list(warnings or [])
        #: The project's signals (see :mod:`petcognizer.core.project.events`).
        self.events = ProjectEvents()
        data = dict(data)
        self._runs = RunList(data.pop('runs', []))
        self._data = data
        self._listing: dict[str | None, list[Path]] = {}
        self._hash_index = HashIndex(self.cache_dir)
        #: The batch of the public call running on each thread (events go to the calling thread).
        self._pending: dict[int, PendingChanges] = {}
        #: project.json as this object last wrote or read it (to notice another process's writes).
        self._stamp: FileStamp | None = file_stamp(root / FILE_NAME)

    # ------------------------------------------------------------------ change batching

    @contextlib.contextmanager
    def _changes(self) -> Iterator[PendingChanges]:
        """Collect the changes of one public call; the outermost call emits them when it ends."""
        thread = threading.get_ident()
        if thread in self._pending:
            yield self._pending[thread]
            return
        self._pending[thread] = pending = PendingChanges()
        try:
            yield pending
        finally:
            del self._pending[thread]
            pending.emit(self.events)

    def _changed(
        self,
        *,
        classes: bool = False,
        photos: tuple[str | None, ...] = (),
        trash: bool = False,
        settings: bool = False,
        runs: bool = False,
        name: str | None = None,
    ) -> None:
        """Note a change made in the current batch (ignored outside one, e.g. while opening)."""
        p = self._pending.get(threading.get_ident())
        if p is None:
            return
        p.classes |= classes
        p.photos.update(photos)
        p.photos_touched |= trash
        p.settings |= settings
        p.runs |= runs
        if name is not None:
            p.name = name

    # ------------------------------------------------------------------ saving

    def _to_json(self) -> dict[str, Any]:
        data = dict(self._data)
        data['runs'] = self._runs.to_json()
        return data

    def _merge_disk_runs(self) -> bool:
        """Take in the runs another process recorded in project.json; True if there were new ones."""
        on_disk = read_disk_runs(self.root, self.warnings)
        self._stamp = file_stamp(self.root / FILE_NAME)
        if on_disk is None or not self._runs.merge(on_disk):
            return False
        self._changed(runs=True)
        return True

    @emits
    def save(self) -> None:
        """Write project.json atomically, first taking in runs another process recorded there."""
        path = self.root / FILE_NAME
        if file_stamp(path) != self._stamp:
            self._merge_disk_runs()
        write_json(path, self._to_json())
        self._stamp = file_stamp(path)

    def _save_or_raise(self) -> None:
        try:
            self.save()
        except OSError as exc:
            raise ProjectError(
                f'Cannot save {self.root / FILE_NAME} ({exc.strerror or exc}); '
                'free some disk space or check the folder is writable, then try again.'
            ) from None

    # ------------------------------------------------------------------ classes (shared helpers)

    def _require_class(self, name: str) -> None:
        if name not in self._data['classes']:
            raise ProjectError(
                f'There is no class called "{name}" in {self.root}; '
                f'the classes are: {", ".join(self._data["classes"]) or "(none yet)"}.'
            )

    def _same_class(self, name: str) -> str | None:
        """The existing class whose name equals ``name`` ignoring case, if any."""
        if name in self._data['classes']:
            return name
        folded = name.casefold()
        return next((c for c in self._data['classes'] if c.casefold() == folded), None)

    def _assign_color(self, name: str) -> str:
        colors = self._data['class_colors']
        colors[name] = pick_color(name, (colors.get(c) for c in self._data['classes'] if c != name))
        return colors[name]

    def _new_class(self, name: str, color: str | None = None, index: int | None = None) -> None:
        """Make a valid, new class's folder and record it (at ``index``, default last); no save.

        Raises:
            OSError: the folder cannot be created.
        """
        (self.images_dir / name).mkdir(parents=True, exist_ok=True)
        classes = self._data['classes']
        classes.insert(len(classes) if index is None else max(0, min(int(index), len(classes))), name)
        if color is not None and is_color(color):
            self._data['class_colors'][name] = color.lower()
        else:
            self._assign_color(name)
        self._listing.pop(name, None)
        self._changed(classes=True)

    @staticmethod
    def _new_batch() -> str:
        return f'{time.strftime("%Y%m%d-%H%M%S")}-{uuid.uuid4().hex[:8]}'

    # ------------------------------------------------------------------ listings

    def _folder(self, class_name: str | None) -> Path:
        return self.unlabelled_dir if class_name is None else self.images_dir / class_name

    def _scan(self, class_name: str | None, sweep: bool = False) -> list[Path]:
        # bare-name string operations only: this runs for every file of a
        # 100,000-photo project when it opens (bench/scale_bench.py)
        folder = self._folder(class_name)
        found: list[str] = []
        try:
            with os.scandir(folder) as it:
                for e in it:
                    name = e.name
                    if sweep and name.startswith(TMP_PREFIX):
                        with contextlib.suppress(OSError):
                            os.unlink(e.path)
                        continue
                    # is_image_name for a bare name: with an image extension, is_hidden
                    # reduces to these two prefixes ('._' and '.DS_Store' start with '.')
                    if (name[name.rfind('.'):].lower() in IMAGE_EXTENSIONS
                            and name[0] != '.' and not name.startswith('~$') and e.is_file()):
                        found.append(name)
        except FileNotFoundError:
            pass
        found.sort(key=_name_key)
        listing = _children(folder, found)
        self._listing[class_name] = listing
        return listing

    def _listing_insert(self, class_name: str | None, path: Path) -> None:
        """Add a new file to a cached listing, keeping natural order (no rescan)."""
        self._changed(photos=(class_name,))
        listing = self._listing.get(class_name)
        if listing is None or not is_image_name(path.name):
            return  # not cached yet: the next _list() scans the folder anyway
        bisect.insort(listing, path, key=natural_key)

    def _listing_remove(self, class_name: str | None, path: Path) -> None:
        """Drop a file that left a folder from its cached listing (no rescan)."""
        self._changed(photos=(class_name,))
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

    def _all_photos(self) -> Iterator[tuple[str, Path]]:
        """(relative path, path) of every photo, Unlabelled first, then class by class."""
        for c in [None, *self._data['classes']]:
            for p in self._list(c):
                yield self._rel(p), p

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

    def _rel(self, path: Path) -> str:
        text, prefix = os.fspath(path), self._root_prefix()
        if text.startswith(prefix):  # the common case, without pathlib's parsing
            return text[len(prefix):].replace(os.sep, '/')
        return path.relative_to(self.root).as_posix()

    def _root_prefix(self) -> str:
        prefix = getattr(self, '_prefix', None)
        if prefix is None or prefix[0] != self.root:
            prefix = self._prefix = (self.root, os.path.join(os.fspath(self.root), ''))
        return prefix[1]


_DIGITS = re.compile(r'(\d+)')  # as petcognizer.core.data.natural_key splits


def _name_key(name: str) -> tuple:
    """:func:`~petcognizer.core.project.names.natural_key` of a bare file name, faster."""
    parts = _DIGITS.split(name.casefold())
    parts[1::2] = map(int, parts[1::2])  # the digit runs, as data.natural_key has them
    return tuple(parts), name


def _children(folder: Path, names: list[str]) -> list[Path]:
    """``[folder / n for n in names]`` for bare file names, three times faster where pathlib
    has its directory-walking shortcut (checked against ``/`` on the first name)."""
    child = getattr(folder, '_make_child_relpath', None)
    if not names or child is None:
        return [folder / n for n in names]
    try:
        first = child(names[0])
    except (TypeError, ValueError, AttributeError):  # a pathlib whose shortcut differs
        first = None
    if first != folder / names[0] or not isinstance(first, Path):
        return [folder / n for n in names]
    return [first, *map(child, names[1:])]
