"""The project trash: deleted photos wait in ``.trash/<batch>/`` until restored or the trash is emptied."""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from petcognizer.core.project.base import emits
from petcognizer.core.project.errors import ProjectError
from petcognizer.core.project.listing import ListingMixin
from petcognizer.core.project.names import free_name, names_in

__all__ = ['TrashEntry', 'TrashMixin']


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


class TrashMixin(ListingMixin):
    """Deleting photos to the trash, restoring them, emptying the trash."""

    @emits
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
                self._hash_index.to_trash(rel, self._rel(dst), exact=True)
        finally:
            if entries:
                self._data['trash'].append({'id': batch, 'time': time.time()})
                self._changed(trash=True)
            self._hash_index.save()
            self._save_or_raise()
        return entries

    @emits
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

    @emits
    def restore(self, entries: Iterable[TrashEntry]) -> list[Path]:
        """Put trashed photos back where they were (a clashing name gets ' (2)'); return the new paths.

        A photo whose class no longer exists brings the class back.

        Raises:
            ProjectError: after restoring the rest, if some trashed files are gone (e.g. the trash was emptied).
        """
        restored: list[Path] = []
        missing: list[str] = []
        taken: dict[Path, set[str]] = {}
        changed = False
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
                    # The class may exist again spelled differently ('Cat' for 'cat'): use it.
                    c = self._same_class(folder.name) or folder.name
                    folder = self.images_dir / c
                    if c not in self._data['classes']:
                        self._new_class(c)
                        changed = True
                else:
                    raise ProjectError(f'Trash entry {e.id} points outside the project ({e.original}).')
                folder.mkdir(parents=True, exist_ok=True)
                if folder not in taken:
                    taken[folder] = names_in(folder)
                dst = folder / free_name(original.name, taken[folder])
                try:
                    os.replace(src, dst)
                except OSError as exc:
                    raise ProjectError(
                        f'Cannot restore {dst} from the trash ({exc.strerror or exc}); '
                        'check the project folder is writable.'
                    ) from None
                taken[folder].add(dst.name.casefold())
                changed = True
                restored.append(dst)
                self._listing_insert(c, dst)
                self._hash_index.from_trash(e.trashed, self._rel(dst), dst)
        finally:
            if changed:
                self._prune_trash()
                self._changed(trash=True)
                self._hash_index.save()
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

    def _batch_meta(self, entries: list[TrashEntry]) -> dict[str, Any]:
        """What :meth:`delete_class` recorded about the batch of these entries (colour, matches)."""
        if not entries:
            return {}
        batch = entries[0].id.split('/')[0]
        for b in self._data['trash']:
            if b.get('id') == batch:
                return b
        return {}

    @emits
    def empty_trash(self) -> None:
        """Delete everything in the project trash for good (emits ``photos_changed(frozenset())``)."""
        try:
            with os.scandir(self.trash_dir) as it:
                for e in it:
                    if e.is_dir(follow_symlinks=False):
                        shutil.rmtree(e.path)
                    else:
                        os.unlink(e.path)
                    self._changed(trash=True)
        except FileNotFoundError:
            self.trash_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProjectError(
                f'Cannot empty the trash {self.trash_dir} ({exc.strerror or exc}); '
                'close programs using files in it and try again.'
            ) from None
        self._data['trash'] = []
        self._changed(trash=True)
        self._save_or_raise()
