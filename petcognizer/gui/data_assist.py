"""Help with labelling on the Data page: suggested labels, similar photos, ImageNet matches.

:class:`LabelAssistMixin` is one part of :class:`petcognizer.gui.data_page.DataPage`
(it uses the page's ``project``, ``undo_stack``, ``loader``, ``stack``, ``grid``,
``model``, ``suggestions`` panel and ``suggest_button``). Suggestions and similar
search run in the engine process (:class:`~petcognizer.gui.engine.EngineWorker`
jobs ``'suggest'`` and ``'similar'``); their results are plain dicts and lists.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialog

from petcognizer.core.events import StageProgress
from petcognizer.gui.class_match_dialog import (
    ClassMatchCommand,
    ClassMatchDialog,
    current_match,
    describe_match,
)
from petcognizer.gui.data_panels import SimilarPhotosDialog
from petcognizer.gui.engine import CANCELLED_MESSAGE, EngineWorker
from petcognizer.gui.suggestions import NO_PRIOR_TEXT, latest_model_path
from petcognizer.gui.undo import MoveImagesCommand
from petcognizer.gui.i18n import translate

__all__ = ['LabelAssistMixin', 'Suggestion', 'is_cancelled', 'stop_engine_worker']


@dataclass(frozen=True)
class Suggestion:
    """One suggested label, as the suggestions panel shows it."""

    path: Path
    label: str
    confidence: float


def stop_engine_worker(worker: EngineWorker | None, timeout_ms: int = 10000) -> bool:
    """Cancel ``worker`` (if any) and wait for it; True when it no longer runs."""
    if worker is None or not worker.is_running():
        return True
    worker.cancel()
    return bool(worker.wait(timeout_ms))


def is_cancelled(message: str) -> bool:
    """True if an ``errored`` message says the job stopped at a cancel request."""
    return str(message) == CANCELLED_MESSAGE


class LabelAssistMixin:
    """Suggested labels, similar photos and ImageNet matches for the Data page."""

    def _init_assist(self) -> None:
        self._similar_worker: EngineWorker | None = None
        self.similar_dialog: SimilarPhotosDialog | None = None
        self._suggest_worker: EngineWorker | None = None
        self._suggest_project: Any = None
        self._suggestions_open = False

    # ------------------------------------------------------------------ ImageNet matches
    def edit_class_match(self, name: str) -> ClassMatchDialog | None:
        """Open the dialog that shows and changes the ImageNet match of ``name``."""
        if self.project is None or name not in self.project.classes:
            return None
        dialog = ClassMatchDialog(name, self.project.class_matches, self)
        dialog.finished.connect(lambda result, d=dialog: self._on_class_match_dialog_finished(d, result))
        dialog.open()
        return dialog

    def set_class_match(self, name: str, wnids: list[str] | None) -> bool:
        """Override the ImageNet match of ``name`` (None: automatic; []: none), undoably."""
        if not self._guard() or name not in self.project.classes:
            return False
        project = self.project
        old = project.class_matches.get(name)
        old = None if old is None else list(old)
        new = None if wnids is None else list(wnids)
        if old == new:
            return False
        try:
            ClassMatchCommand.apply(project, name, new)
        except Exception as exc:
            self.show_error(translate('data_assist', 'Could not save the match of {name!r}: {exc}').format(name=name, exc=exc))
            return False
        self.undo_stack.push(ClassMatchCommand(project, name, old, new, **self._cmd_kwargs()))
        self.status_changed.emit(translate('data_assist', "'{name}' now means: {meaning}.").format(name=name, meaning=describe_match(name, project.class_matches)))
        return True

    def _on_class_match_dialog_finished(self, dialog: ClassMatchDialog, result: int) -> None:
        if result == QDialog.DialogCode.Accepted:
            self.set_class_match(dialog.name, dialog.choice)
        dialog.deleteLater()

    # ------------------------------------------------------------------ suggestions
    def is_suggesting(self) -> bool:
        """True while suggestions are being computed."""
        return self._suggest_worker is not None

    def suggest_labels(self) -> bool:
        """Show the suggestions panel and compute a class for every unlabelled photo.

        Uses the latest run's model when it was trained on the project's
        classes, else a zero-shot model from the class names. Returns True if
        a job started.
        """
        project = self.project
        if project is None or self.is_suggesting():
            return False
        if self._bin is not None:
            self.select_bin(None)
        paths = project.images(None)
        if not paths or len(project.classes) < 2:
            return False
        self._suggestions_open = True
        self.stack.setCurrentWidget(self.suggestions)
        model_path = latest_model_path(project)
        if model_path is None:
            matched = [c for c in project.classes if current_match(c, project.class_matches)[0] is not None]
            if not matched:
                self.suggestions.clear()
                self.suggestions.source_label.setText('')
                self.suggestions.show_message(translate('suggestions', NO_PRIOR_TEXT))
                return False
            source = (
                translate('data_assist', 'No model is trained yet, so these come from the class names alone '
                '(what the pretrained network knows about them).')
            )
            unmatched = [c for c in project.classes if c not in matched]
            if unmatched:
                names = ', '.join(f"'{c}'" for c in unmatched)
                source += (translate('data_assist', ' {names} has no ImageNet match, so it gets the photos that '
                                                    'look like none of the other classes.')
                           if len(unmatched) == 1 else
                           translate('data_assist', ' {names} have no ImageNet match, so they get the photos '
                                                    'that look like none of the other classes.')).format(names=names)
            source += translate('data_assist', ' Check before accepting.')
        else:
            source = translate('data_assist', 'From your latest trained model ({name}). Check before '
                                                'accepting.').format(name=model_path.parent.name)
        self.suggestions.show_running(len(paths), source)
        self._suggest_project = project
        self._suggest_worker = worker = EngineWorker(
            'suggest', root=str(project.root), unlabelled=[os.fspath(p) for p in paths],
            classes=list(project.classes), class_matches=dict(project.class_matches),
            model_path=None if model_path is None else str(model_path),
        )
        worker.progressed.connect(self._on_suggest_progressed)
        worker.returned.connect(self._on_suggest_returned)
        worker.errored.connect(self._on_suggest_errored)
        worker.finished.connect(self._on_suggest_finished)
        self.suggest_button.setEnabled(False)
        worker.start()
        return True

    def close_suggestions(self) -> None:
        """Leave the suggestions panel (stops a running job)."""
        if self._suggest_worker is not None:
            self._suggest_worker.cancel()
        self._suggestions_open = False
        if self.project is not None:
            paths = self.model.paths()
            self.stack.setCurrentWidget(self.grid if paths else self.empty_state)

    def accept_suggestions(self, pairs: Sequence[tuple[Path, str]]) -> int:
        """Move photos into their suggested classes as one undoable step; return how many moved."""
        if not self._guard() or not pairs:
            return 0
        project = self.project
        groups: dict[str, list[Path]] = {}
        for path, label in pairs:
            if label in project.classes:
                groups.setdefault(label, []).append(Path(path))
        n = sum(len(v) for v in groups.values())
        if not n:
            return 0
        self.undo_stack.beginMacro(translate('data_assist', 'Label %n suggested photo(s)', None, n))
        moved = 0
        try:
            for label, paths in groups.items():
                try:
                    origins = {p: project.label_of(p) for p in paths}
                    mapping = project.move_images(paths, label)
                except Exception as exc:
                    self.show_error(str(exc))
                    continue
                moves = [(origins[p], Path(mapping.get(p, p))) for p in paths]
                self.undo_stack.push(MoveImagesCommand(project, moves, label, **self._cmd_kwargs()))
                moved += len(moves)
        finally:
            self.undo_stack.endMacro()
        self.status_changed.emit(
            translate('data_assist', 'Labelled %n photo(s) from the suggestions (Ctrl+Z to undo).', None, moved)
        )
        return moved

    def _cancel_suggest(self, timeout_ms: int = 10000) -> bool:
        return stop_engine_worker(self._suggest_worker, timeout_ms)

    def _on_suggest_clicked(self) -> None:
        self.suggest_labels()

    def _on_suggest_progressed(self, event: Any) -> None:
        if isinstance(event, StageProgress) and event.stage == 'predict':
            self.suggestions.show_progress(event.done, event.total)
        elif isinstance(event, StageProgress) and event.stage == 'weights':
            self.suggestions.show_progress(0, 0, translate('data_assist', 'Loading the pretrained network…'))

    def _on_suggest_returned(self, found: Any) -> None:
        if self._suggest_project is not self.project or self.project is None:
            return
        if not found:
            self.suggestions.show_message(translate('suggestions', NO_PRIOR_TEXT))
            return
        suggestions = [Suggestion(Path(d['path']), d['label'], float(d['confidence'])) for d in found]
        colors = {c: self.project.class_color(c) for c in self.project.classes}
        self.suggestions.show_suggestions(suggestions, colors)
        self.status_changed.emit(translate('data_assist', '{len_suggestions} suggested labels: check them '
                                                            'and click Accept.').format(len_suggestions=len(suggestions)))

    def _on_suggest_errored(self, message: str) -> None:
        if is_cancelled(message):
            self.suggestions.show_message(translate('data_assist', 'Stopped. Click "Suggest labels" to start again.'))
        else:
            self.suggestions.show_message(translate('data_assist', 'Could not suggest labels: {message}').format(message=message))

    def _on_suggest_finished(self) -> None:
        self._suggest_worker = None
        self._suggest_project = None
        self.suggest_button.setEnabled(True)

    def _on_suggestions_accept_requested(self, pairs: list) -> None:
        self.accept_suggestions(pairs)

    def _on_suggestions_cancel_requested(self) -> None:
        if self._suggest_worker is not None:
            self._suggest_worker.cancel()
            self.suggestions.show_stopping()

    def _on_suggestions_close_requested(self) -> None:
        self.close_suggestions()

    # ------------------------------------------------------------------ similar photos
    def find_similar(self, path: Path, k: int = 12) -> SimilarPhotosDialog | None:
        """Search the project for photos like ``path`` in the engine; show a dialog."""
        if self.project is None:
            return None
        self._cancel_similar(2000)
        project = self.project
        path = Path(path)
        if self.similar_dialog is not None:
            self.similar_dialog.close()
            self.similar_dialog.deleteLater()
        dialog = self.similar_dialog = SimilarPhotosDialog(path, self.loader, self)
        dialog.closed.connect(self._on_similar_dialog_closed)
        paths = [os.fspath(p) for c in [*project.classes, None] for p in project.images(c)]
        self._similar_worker = worker = EngineWorker(
            'similar', root=str(project.root), query_path=os.fspath(path), paths=paths, k=k,
        )
        worker.progressed.connect(self._on_similar_progressed)
        worker.returned.connect(self._on_similar_returned)
        worker.errored.connect(self._on_similar_errored)
        worker.finished.connect(self._on_similar_finished)
        worker.start()
        dialog.show()
        return dialog

    def is_searching(self) -> bool:
        return self._similar_worker is not None

    def _cancel_similar(self, timeout_ms: int = 10000) -> bool:
        return stop_engine_worker(self._similar_worker, timeout_ms)

    def _on_similar_progressed(self, event: Any) -> None:
        if self.similar_dialog is not None and isinstance(event, StageProgress):
            self.similar_dialog.show_progress(event.done, event.total, event.text)

    def _on_similar_returned(self, results: Any) -> None:
        if self.similar_dialog is None or self.project is None:
            return
        found = [(Path(p), float(score)) for p, score in results]
        labels = []
        for p, _ in found:
            try:
                label = self.project.label_of(p)
            except Exception:
                label = '?'
            labels.append(translate('data_assist', 'Unlabelled') if label is None else label)
        self.similar_dialog.show_results(found, labels)

    def _on_similar_errored(self, message: str) -> None:
        if self.similar_dialog is not None:
            self.similar_dialog.show_error(str(message))

    def _on_similar_finished(self) -> None:
        self._similar_worker = None

    def _on_similar_dialog_closed(self) -> None:
        if self._similar_worker is not None:
            self._similar_worker.cancel()
