"""The :class:`Project` class: a labelled photo collection in one folder, observable through ``events``."""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from petcognizer.core.events import CancelToken
from petcognizer.core.images import is_hidden
from petcognizer.core.project.base import emits
from petcognizer.core.project.classes import ClassesMixin
from petcognizer.core.project.cleanup import sweep_tree
from petcognizer.core.project.errors import ProjectError
from petcognizer.core.project.importing import AddReport, ImportMixin, Progress
from petcognizer.core.project.names import (
    is_ignored_dir,
    natural_key,
    validate_class_name,
)
from petcognizer.core.project.schema import (
    clean_data,
    default_data,
    is_project_folder,
    read_project_json,
    sweep_temp,
)
from petcognizer.core.runs import RunRecord, TrainingSnapshot

__all__ = ['Project']


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside (the objects made here hold no cycles)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class Project(ImportMixin, ClassesMixin):
    """A labelled photo collection on disk; see :mod:`petcognizer.core.project` for the layout.

    Listings are cached in memory and kept current by the project's own
    operations; call :meth:`refresh` after other programs change the folder.
    Every change is announced on :attr:`events` (a
    :class:`~petcognizer.core.project.events.ProjectEvents`) once it is on disk.
    """

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
        try:
            root.mkdir(parents=True, exist_ok=True)
            # Resolved once, so paths we hand out compare equal to paths we get back.
            root = root.resolve()
            project = cls(root, default_data(root.name))
            for d in (project.images_dir, project.unlabelled_dir, project.trash_dir,
                      project.cache_dir, project.runs_dir):  # fmt: skip
                d.mkdir(parents=True, exist_ok=True)
            for name in names:
                project._new_class(name)
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
        return is_project_folder(Path(path))

    @classmethod
    def open(cls, root: os.PathLike | str) -> Project:
        """Open an existing project, repairing what a crash may have left behind.

        A missing or corrupt project.json is rebuilt from the folders (a corrupt
        one is kept as ``project.json.corrupt-<timestamp>``); leftover temp files
        are removed; class folders and the class list are reconciled; malformed
        run records are left out. Each repair is described in :attr:`warnings`.

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
                'create one from this folder of class folders with "Import a folder of class '
                'folders…" on the start page or `petcognizer new PROJECT --from FOLDER`.'
            )
        root = root.resolve()
        warnings: list[str] = []
        data = clean_data(read_project_json(root, warnings), root.name, warnings)
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
        sweep_temp(self.root)
        for d in (self.cache_dir, self.runs_dir):
            # .cache/ is all ours; runs/ holds only what the trainers write.
            sweep_tree(d)
        on_disk = []
        with contextlib.suppress(FileNotFoundError), os.scandir(self.images_dir) as it:
            for e in it:
                if e.is_dir() and not is_ignored_dir(e.name):
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
        with _gc_paused():  # 100,000 new paths: the collector's passes would cost a fifth
            for c in [None, *classes]:
                self._scan(c, sweep=True)
        if changed or self.warnings:
            with contextlib.suppress(OSError):
                self.save()

    @emits
    def refresh(self) -> None:
        """Forget cached listings and hashes and re-read the folders (after outside changes).

        Emits ``classes_changed`` if the class list changed and
        ``photos_changed`` with the classes whose photos differ from before.
        """
        classes = list(self._data['classes'])
        before = {c: list(v) for c, v in self._listing.items()}
        self._hash_index.forget()
        self._repair()
        after = self._listing
        if self._data['classes'] != classes:
            self._changed(classes=True)
        # A listing never read before was shown by no one: only new classes with photos join it.
        changed = {c for c in before if before[c] != after.get(c)}
        changed |= {c for c in self._data['classes'] if c not in classes and after.get(c)}
        self._changed(photos=tuple(changed))

    # ------------------------------------------------------------------ name and settings

    @property
    def name(self) -> str:
        """Display name of the project (the folder name unless changed); assign to save and emit."""
        return self._data['name']

    @name.setter
    @emits
    def name(self, value: str) -> None:
        value = str(value)
        if value == self._data['name']:
            return
        self._data['name'] = value
        self._save_or_raise()
        self._changed(name=value)

    @property
    def settings(self) -> dict[str, Any]:
        """Saved training settings (a JSON-able dict).

        Assign a new dict to save it and emit ``settings_changed``; after
        changing it in place, call :meth:`save` (no event).
        """
        return self._data['settings']

    @settings.setter
    @emits
    def settings(self, value: dict[str, Any]) -> None:
        self._data['settings'] = dict(value)
        self._save_or_raise()
        self._changed(settings=True)

    def __repr__(self) -> str:
        return f'Project({str(self.root)!r}, classes={self.classes!r})'

    # ------------------------------------------------------------------ runs

    @property
    def runs(self) -> list[RunRecord]:
        """The recorded training runs, oldest first (a copy of the list)."""
        return list(self._runs)

    def run(self, run_id: str) -> RunRecord:
        """The run with this id.

        Raises:
            ProjectError: there is none.
        """
        try:
            return self._runs.get(run_id)
        except KeyError:
            raise ProjectError(f'There is no run "{run_id}" in {self.root / self.FILE_NAME}.') from None

    @contextlib.contextmanager
    def _run_change(self, run_id: str | None = None) -> Iterator[None]:
        """Change the run list, save, and note it; on any failure the list is as it was."""
        state = self._runs.state()
        try:
            yield
            self._save_or_raise()
        except KeyError:
            self._runs.restore(state)
            raise ProjectError(f'There is no run "{run_id}" in {self.root / self.FILE_NAME}.') from None
        except BaseException:
            self._runs.restore(state)
            raise
        self._changed(runs=True)

    @emits
    def add_run(self, record: RunRecord | dict[str, Any]) -> RunRecord:
        """Record a run (a dict, as older callers pass, is read with RunRecord.from_dict) and save; return it.

        Raises:
            ProjectError: no id, an id already recorded, or a record that is not JSON-able.
        """
        with self._run_change():
            added = self._runs.add(record)
        return added

    @emits
    def update_run(self, run_id: str, **fields: Any) -> RunRecord:
        """Change fields of a recorded run (names it does not know go to ``extra``) and save; return it."""
        with self._run_change(run_id):
            updated = self._runs.update(run_id, fields)
        return updated

    @emits
    def remove_run(self, run_id: str) -> None:
        """Forget a run record (its model files are left to the caller) and save."""
        with self._run_change(run_id):
            self._runs.remove(run_id)

    @emits
    def reload_runs(self) -> bool:
        """Read in the runs another process (the CLI, the engine) recorded in project.json meanwhile.

        Runs removed in this session stay removed. Emits ``runs_changed`` and
        returns True if there were new ones.
        """
        return self._merge_disk_runs()

    # ------------------------------------------------------------------ training input

    def snapshot(self) -> TrainingSnapshot:
        """What a run trains on, fixed now: the labelled photos as in :meth:`training_samples`.

        Each photo's SHA-256 comes from the hash index (None where it is not
        indexed: nothing is hashed here, so this stays cheap for big projects).
        """
        paths, labels, classes, empty = self.training_samples()
        digests = tuple(self._hash_index.digest(self._rel(p), p) for p in paths)
        return TrainingSnapshot(
            root=str(self.root),
            paths=tuple(str(p) for p in paths),
            labels=tuple(labels),
            classes=tuple(classes),
            empty=tuple(empty),
            digests=digests,
            class_matches={k: list(v) for k, v in self._data['class_matches'].items()},
        )
