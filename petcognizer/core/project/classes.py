"""Classes: adding, renaming, reordering, recolouring, deleting (to the trash) and restoring them."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterable

from petcognizer.core.project.base import emits
from petcognizer.core.project.errors import ProjectError
from petcognizer.core.project.names import validate_class_name
from petcognizer.core.project.schema import TMP_PREFIX, is_color
from petcognizer.core.project.trash import TrashEntry, TrashMixin

__all__ = ['ClassesMixin']


class ClassesMixin(TrashMixin):
    """The class list: every change renames, moves or trashes the class's folder, then saves."""

    @property
    def classes(self) -> list[str]:
        """Class names in their display and training order (a copy)."""
        return list(self._data['classes'])

    @property
    def class_matches(self) -> dict[str, list[str]]:
        """Class name -> ImageNet WordNet ids chosen by the user.

        Assign a new dict to save it and emit ``classes_changed``; after
        changing it in place, call :meth:`save` (no event).
        """
        return self._data['class_matches']

    @class_matches.setter
    @emits
    def class_matches(self, value: dict[str, list[str]]) -> None:
        self._data['class_matches'] = {k: list(v) for k, v in value.items()}
        self._save_or_raise()
        self._changed(classes=True)

    def class_color(self, name: str) -> str:
        """The class's colour as '#rrggbb' (assigned from :data:`PALETTE` and stored)."""
        self._require_class(name)
        color = self._data['class_colors'].get(name)
        if color is None:
            color = self._assign_color(name)
            self._save_or_raise()
        return color

    @emits
    def set_class_color(self, name: str, color: str) -> None:
        """Set a class colour ('#rrggbb')."""
        self._require_class(name)
        if not is_color(color):
            raise ProjectError(f'Colour {color!r} for class "{name}" must look like "#4e79a7".')
        self._data['class_colors'][name] = color.lower()
        self._save_or_raise()
        self._changed(classes=True)

    @emits
    def add_class(self, name: str, color: str | None = None) -> str:
        """Add an empty class at the end; return its validated name."""
        name = validate_class_name(name, self._data['classes'])
        if color is not None and not is_color(color):
            raise ProjectError(f'Colour {color!r} for class "{name}" must look like "#4e79a7".')
        try:
            self._new_class(name, color)
        except OSError as exc:
            raise ProjectError(
                f'Cannot create the folder {self.images_dir / name} ({exc.strerror or exc}); '
                'check the project folder is writable.'
            ) from None
        self._save_or_raise()
        return name

    @emits
    def rename_class(self, old: str, new: str) -> None:
        """Rename a class (and its folder); colour and ImageNet matches follow it.

        Emits ``classes_changed`` and ``photos_changed({old, new})`` (its photos have new paths).
        """
        self._require_class(old)
        others = [c for c in self._data['classes'] if c != old]
        new = validate_class_name(new, others)
        if new == old:
            return
        src, dst = self.images_dir / old, self.images_dir / new
        try:
            if old.casefold() == new.casefold():
                # Case-only rename: go through a temp name for case-insensitive file systems.
                tmp = self.images_dir / f'{TMP_PREFIX}{uuid.uuid4().hex}'
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
        self._hash_index.move(f'images/{old}/', f'images/{new}/')
        self._changed(classes=True, photos=(old, new))
        self._save_or_raise()
        self._hash_index.save()

    @emits
    def move_class(self, name: str, index: int) -> None:
        """Move a class to position ``index`` in the class order (clamped to the list)."""
        self._require_class(name)
        classes = self._data['classes']
        before = list(classes)
        classes.remove(name)
        classes.insert(max(0, min(int(index), len(classes))), name)
        if classes != before:
            self._save_or_raise()
            self._changed(classes=True)

    @emits
    def delete_class(self, name: str) -> list[TrashEntry]:
        """Move a class's folder to the trash and remove the class; return entries for :meth:`restore_class`.

        Emits ``classes_changed`` and ``photos_changed({name})``.
        """
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
        self._hash_index.to_trash(f'images/{name}/', self._rel(dst) + '/')
        self._changed(classes=True, photos=(name,))
        self._save_or_raise()
        self._hash_index.save()
        return entries

    @emits
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
            self._new_class(name, color or meta.get('color'), index)
            if meta.get('matches') and name not in self._data['class_matches']:
                self._data['class_matches'][name] = list(meta['matches'])
            self._save_or_raise()
        self.restore(entries)
