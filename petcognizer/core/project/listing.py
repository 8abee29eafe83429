"""Which photo is in which class: the listings, the training samples, and relabelling by moving files."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from petcognizer.core.project.base import ProjectBase, emits
from petcognizer.core.project.errors import ProjectError
from petcognizer.core.project.names import free_name, names_in

__all__ = ['ListingMixin']


class ListingMixin(ProjectBase):
    """Photo listings (cached, kept current in place) and :meth:`move_images`."""

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

    def label_of(self, path: os.PathLike | str) -> str | None:
        """Class of a photo in the project; None if it is in the Unlabelled bin."""
        return self._locate(path)[1]

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

    @emits
    def move_images(self, paths: Iterable[os.PathLike | str], class_name: str | None) -> dict[Path, Path]:
        """Move photos to a class (None: the Unlabelled bin); return {old path: new path}.

        A photo already in the target keeps its path; name clashes get ' (2)' etc.
        Emits ``photos_changed`` with the source and target classes.
        """
        if class_name is not None:
            self._require_class(class_name)
        located = self._check_paths(paths)
        folder = self._folder(class_name)
        taken = names_in(folder)
        moved: dict[Path, Path] = {}
        try:
            for src, c in located:
                if c == class_name:
                    moved[src] = src
                    continue
                dst = folder / free_name(src.name, taken)
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
                self._hash_index.move(self._rel(src), self._rel(dst), exact=True)
        finally:
            if any(a != b for a, b in moved.items()):
                self._hash_index.save()
                self._save_or_raise()
        return moved
