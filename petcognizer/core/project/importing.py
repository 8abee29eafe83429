"""Adding photos: copying files and folders in, importing class-folder trees and other projects.

The user's originals are only ever read. Each photo is copied through a temp
file and hashed while copying (its digest goes to the hash index, so it is
never hashed again); identical content is stored once.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from petcognizer.core.events import CancelToken
from petcognizer.core.fsutil import copy_hashing
from petcognizer.core.images import (
    ImageError,
    check_regular,
    is_hidden,
    is_image_name,
    os_error_reason,
    verify_image,
)
from petcognizer.core.project.base import emits
from petcognizer.core.project.errors import ProjectError
from petcognizer.core.project.listing import ListingMixin
from petcognizer.core.project.names import (
    free_name,
    is_hidden_clutter,
    is_ignored_dir,
    names_in,
    natural_key,
    safe_name,
    sanitize_class_name,
)
from petcognizer.core.project.schema import FILE_NAME, TMP_PREFIX, is_color, is_project_folder

__all__ = ['AddReport', 'ImportMixin', 'Progress']

#: Called with (done, total) after each file.
Progress = Callable[[int, int], None]


@dataclass
class AddReport:
    """What happened to each file offered to :meth:`Project.add_files`.

    Attributes:
        added: new absolute paths inside the project.
        duplicates: (source, existing copy in the project) for content already present.
        refused: (source, reason); the reason is a sentence naming the problem and what to do.
            Folders left out (hidden ones, unreadable ones, one that cannot be a class)
            are listed here too, so nothing is dropped without a word.
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


def _copy_error_reason(src: Path, exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, getattr(errno, 'EDQUOT', -1)):
        return f'{src}: disk full: free some space and add it again.'
    if exc.filename is not None and os.fspath(exc.filename) == os.fspath(src):
        return f'{src}: {os_error_reason(exc)}.'  # the original, not the project
    if exc.errno == errno.ENAMETOOLONG:
        return (f'{src}: its name is too long for the project folder; '
                'move the project to a shorter path or rename the photo.')
    if exc.errno == errno.EIO:
        return f'{src}: {os_error_reason(exc)}.'
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (
            f'{src}: permission denied while copying it into the project; '
            'check that the project folder is writable and add it again.'
        )
    return f'{src}: could not be copied ({exc.strerror or exc}); add it again.'


def _photos_in(folder: Path, skipped: list[tuple[Path, str]] | None = None) -> list[Path]:
    try:
        with os.scandir(folder) as it:
            names = [e.name for e in it if is_image_name(e.name) and e.is_file()]
    except FileNotFoundError:
        return []
    except OSError as exc:
        if skipped is not None:
            skipped.append((folder, _folder_reason(folder, exc)))
        return []
    return [folder / n for n in sorted(names, key=natural_key)]


def _folder_reason(folder: Path, exc: OSError) -> str:
    """Why a folder's photos were not imported (it could not be listed)."""
    return f'{folder}: folder {os_error_reason(exc)}; its photos were not imported.'


def _hidden_reason(folder: Path) -> str:
    return (f'{folder}: skipped: a folder whose name starts with a dot is hidden; '
            'rename it without the dot to import its photos.')


class ImportMixin(ListingMixin):
    """:meth:`add_files` and :meth:`import_tree`; each emits ``photos_changed`` once (and
    ``classes_changed`` when an import made classes)."""

    # ------------------------------------------------------------------ collecting files

    def _collect(self, paths: Iterable[os.PathLike | str], skipped: list[tuple[Path, str]]) -> list[Path]:
        """Expand folders recursively; drop hidden files silently; keep order.

        Folders that are skipped (hidden, unreadable) go to ``skipped`` with the reason.
        """
        out: list[Path] = []
        for p in paths:
            p = Path(p)
            if p.name in ('.', '..', '') and p.is_dir():
                p = Path(os.path.abspath(p))
            if p.is_dir():
                if p.name.startswith('.'):
                    skipped.append((p, _hidden_reason(p)))
                elif not is_ignored_dir(p.name):
                    out += self._walk(p, skipped)
            elif not is_hidden(p):
                out.append(p)
        return out

    def _walk(self, folder: Path, skipped: list[tuple[Path, str]]) -> list[Path]:
        files: list[Path] = []

        def failed(exc: OSError) -> None:
            where = Path(exc.filename) if exc.filename is not None else folder
            skipped.append((where, _folder_reason(where, exc)))

        for dirpath, dirnames, filenames in os.walk(folder, onerror=failed):
            here = Path(dirpath)
            for d in dirnames:
                if d.startswith('.') and not is_hidden_clutter(d):
                    skipped.append((here / d, _hidden_reason(here / d)))
            # Never import the project into itself (a project made inside the photo folder).
            dirnames[:] = sorted(
                (d for d in dirnames if not is_ignored_dir(d) and not self._is_self(here / d)),
                key=natural_key,
            )
            files += [here / f for f in sorted(filenames, key=natural_key) if not is_hidden(f)]
        return files

    def _is_self(self, path: Path) -> bool:
        try:
            return path.resolve() == self.root
        except OSError:
            return False

    # ------------------------------------------------------------------ public

    @emits
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
        files = self._collect(paths, report.refused)
        self._add_many([(f, class_name) for f in files], report, progress, cancel)
        return report

    @emits
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
        Another petcognizer project is read (never repaired): its classes,
        colours and Unlabelled bin.
        """
        src = Path(src)
        if not src.is_dir():
            raise ProjectError(f'{src} is not a folder; choose the folder that holds your class folders.')
        report = AddReport()
        n_classes = len(self._data['classes'])
        if is_project_folder(src) and (src / 'images').is_dir():
            items = self._project_items(src, report.refused)
        else:
            items = self._tree_items(src, report.refused)
        if len(self._data['classes']) != n_classes:
            self._save_or_raise()
        self._add_many(items, report, progress, cancel)
        return report

    # ------------------------------------------------------------------ sources

    def _class_for(self, folder_name: str, color: str | None = None) -> str:
        """The class that receives a source folder's photos, made (not saved) if new."""
        name = sanitize_class_name(folder_name, self._data['classes'])
        if name not in self._data['classes']:
            try:
                self._new_class(name, color)
            except OSError as exc:
                raise ProjectError(
                    f'Cannot create the folder {self.images_dir / name} ({exc.strerror or exc}); '
                    'check the project folder is writable.'
                ) from None
        return name

    def _tree_items(self, src: Path, skipped: list[tuple[Path, str]]) -> list[tuple[Path, str | None]]:
        items: list[tuple[Path, str | None]] = []
        try:
            with os.scandir(src) as it:
                entries = sorted(it, key=lambda e: natural_key(e.name))
        except OSError as exc:
            raise ProjectError(f'{src}: folder {os_error_reason(exc)}.') from None
        for e in entries:
            path = Path(e.path)
            if e.is_dir():
                if e.name.startswith('.'):
                    if not is_hidden_clutter(e.name):
                        skipped.append((path, _hidden_reason(path)))
                    continue
                if is_ignored_dir(e.name) or self._is_self(path):
                    continue
                files = self._walk(path, skipped)
                if not files:
                    continue
                try:
                    name = self._class_for(e.name)
                except ProjectError as exc:
                    # One folder that cannot be a class never stops the others.
                    skipped.append((path, f'{path}: folder skipped: {exc}'))
                    continue
                items += [(f, name) for f in files]
            elif not is_hidden(e.name):
                items.append((path, None))
        return items

    def _project_items(self, src: Path, skipped: list[tuple[Path, str]]) -> list[tuple[Path, str | None]]:
        # Read the other project without opening it: Project.open repairs and
        # saves, and a source is only ever read (it may be a read-only backup).
        order: list[str] = []
        colors: dict = {}
        try:
            data = json.loads((src / FILE_NAME).read_text(encoding='utf-8'))
            order = [c for c in data.get('classes', []) if isinstance(c, str)]
            colors = data.get('class_colors') or {}
        except (OSError, ValueError, AttributeError):
            pass  # a damaged project.json: its folders still say what is there
        images = src / 'images'
        try:
            on_disk = sorted((d.name for d in images.iterdir() if d.is_dir() and not is_hidden(d.name)),
                             key=natural_key)
        except OSError:
            on_disk = []
        items: list[tuple[Path, str | None]] = [(p, None) for p in _photos_in(src / 'unlabelled', skipped)]
        for c in [c for c in order if c in on_disk] + [c for c in on_disk if c not in order]:
            color = colors.get(c) if isinstance(colors, dict) else None
            try:
                name = self._class_for(c, color if is_color(color) else None)
            except ProjectError as exc:
                skipped.append((images / c, f'{images / c}: folder skipped: {exc}'))
                continue
            items += [(p, name) for p in _photos_in(images / c, skipped)]
        return items

    # ------------------------------------------------------------------ copying

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
        self._hash_index.complete(self._all_photos())
        taken: dict[str | None, set[str]] = {}
        try:
            for done, (src, class_name) in enumerate(items, 1):
                if cancel is not None and cancel.cancelled:
                    report.cancelled = True
                    break
                if class_name not in taken:
                    taken[class_name] = names_in(self._folder(class_name))
                if self._add_one(src, class_name, taken[class_name], report):
                    self._listing_insert(class_name, report.added[-1])
                if progress:
                    progress(done, total)
        finally:
            self._hash_index.save()
            with contextlib.suppress(OSError):
                self.save()

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
            check_regular(src)  # a pipe or device is refused before anything opens it
            verify_image(src)
        except ImageError as exc:
            report.refused.append((src, f'{exc.path}: {exc.reason}.'))
            return False
        except OSError as exc:
            report.refused.append((src, f'{src}: {os_error_reason(exc)}.'))
            return False
        folder = self._folder(class_name)
        tmp = folder / f'{TMP_PREFIX}{uuid.uuid4().hex}{src.suffix.lower()}'
        try:
            folder.mkdir(parents=True, exist_ok=True)
            digest = copy_hashing(src, tmp)
            existing = self._hash_index.find(digest)
            if existing is not None and (self.root / existing).is_file():
                tmp.unlink()
                report.duplicates.append((src, self.root / existing))
                return False
            with contextlib.suppress(OSError):
                # Keep the photo's date: many users sort by it.
                st = src.stat()
                os.utime(tmp, ns=(st.st_atime_ns, st.st_mtime_ns))
            name = free_name(unicodedata.normalize('NFC', safe_name(src.name)), taken)
            dst = folder / name
            os.replace(tmp, dst)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            report.refused.append((src, _copy_error_reason(src, exc)))
            return False
        taken.add(name.casefold())
        self._hash_index.add(self._rel(dst), dst, digest)
        report.added.append(dst)
        return True
