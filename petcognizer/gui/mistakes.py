"""The mistakes browser: a run's wrong answers, most confidently wrong first, fixed in one click.

It shows the photos of ``RunRecord.evaluation['predictions']`` (each judged by a
model that had not seen it): all the wrong ones (:meth:`MistakesBrowser.show_mistakes`)
or those of one confusion cell (:meth:`MistakesBrowser.show_cell`). For the
selected photos: move to the class the model said, to another class, to
Unlabelled, or delete, all through :class:`~petcognizer.gui.photo_fixes.PhotoFixer`
(undoable). The current photo is shown large, with the heat map of where the
model looked (engine job ``'heatmap'``). A fixed photo leaves the list (it is no
longer where the run saw it); an undo brings it back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, Slot
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from petcognizer.gui.heatmap_view import HeatmapRequester, heatmap_overlay
from petcognizer.gui.photo_fixes import PhotoFixer, still_there
from petcognizer.gui.photo_grid import ThumbnailGrid
from petcognizer.gui.prediction_rows import thumbnail
from petcognizer.gui.result_card import mistakes_of
from petcognizer.gui.thumbnails import ThumbnailLoader, ThumbnailModel
from petcognizer.gui.i18n import translate

__all__ = ['PREVIEW', 'MistakesBrowser', 'MistakesDialog', 'caption']

#: Longest side of the large photo, in pixels.
PREVIEW = 300


def caption(entry: dict) -> str:
    """'dog → cat 97%' (true → said, confidence)."""
    conf = float(entry.get('confidence') or 0.0) * 100
    if entry.get('true') == entry.get('predicted'):
        return f'{entry.get("true")} ✓ {conf:.0f}%'
    return f'{entry.get("true")} → {entry.get("predicted")} {conf:.0f}%'


class MistakesBrowser(QWidget):
    """Photos of a run's evaluation with one-click, undoable fixes and a heat map.

    Args:
        project_model: the window's ProjectModel (the fixes change its project).
        undo_stack: the window's undo stack.
    """

    def __init__(self, project_model: Any, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName('MistakesBrowser')
        self.project_model = project_model
        self.fixer = PhotoFixer(project_model, undo_stack, self._on_fix_message)
        self.heatmaps = HeatmapRequester(self)
        self.heatmaps.ready.connect(self._on_heatmap_ready)
        self.heatmaps.failed.connect(self._on_heatmap_failed)
        self.loader = ThumbnailLoader(parent=self)
        self.model = ThumbnailModel(self.loader, parent=self)
        self._entries: list[dict] = []  # what this view is about, in display order
        self._shown: list[dict] = []  # those still where the run saw them
        self._model_path: Path | None = None
        self._preview: QImage = QImage()
        self._build_ui()
        project_model.photos_changed.connect(self._on_photos_changed)
        project_model.classes_changed.connect(self._on_photos_changed)
        project_model.project_changed.connect(self._on_project_changed)
        self._on_project_changed(project_model.project)

    def _build_ui(self) -> None:
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        self.title_label = QLabel()
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() + 2)
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setWordWrap(True)
        lay.addWidget(self.title_label)
        self.hint_label = QLabel()
        self.hint_label.setWordWrap(True)
        self.hint_label.setStyleSheet('color: #555;')
        lay.addWidget(self.hint_label)
        body = QHBoxLayout()
        self.grid = ThumbnailGrid()
        self.grid.setModel(self.model)
        self.grid.setDragEnabled(False)
        self.grid.setAcceptDrops(False)
        self.grid.setMinimumWidth(260)
        self.grid.selectionModel().currentChanged.connect(self._on_current_changed)
        self.grid.delete_key_pressed.connect(self._on_delete_clicked)
        self.grid.label_key_pressed.connect(self._on_label_key_pressed)
        body.addWidget(self.grid, 3)

        side = QVBoxLayout()
        self.preview_label = QLabel()
        self.preview_label.setFixedSize(PREVIEW, PREVIEW)
        self.preview_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview_label.setStyleSheet('background: #f3f4f6; border-radius: 4px; color: #888;')
        side.addWidget(self.preview_label)
        self.heatmap_check = QCheckBox(translate('mistakes', 'Show where the model looked'))
        self.heatmap_check.setChecked(True)
        self.heatmap_check.setToolTip(translate('mistakes', 'A heat map (Grad-CAM): red where the photo mattered most for the answer.'))
        self.heatmap_check.toggled.connect(self._on_heatmap_toggled)
        side.addWidget(self.heatmap_check)
        self.heatmap_status = QLabel()
        self.heatmap_status.setStyleSheet('color: #777;')
        self.heatmap_status.setWordWrap(True)
        side.addWidget(self.heatmap_status)
        self.info_label = QLabel()
        self.info_label.setWordWrap(True)
        self.info_label.setMaximumWidth(PREVIEW)
        side.addWidget(self.info_label)
        self.said_button = QPushButton()
        self.said_button.setObjectName('PrimaryButton')
        self.said_button.clicked.connect(self._on_said_clicked)
        side.addWidget(self.said_button)
        row = QHBoxLayout()
        self.other_button = QToolButton()
        self.other_button.setText(translate('mistakes', 'Move to class…'))
        self.other_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.other_menu = QMenu(self.other_button)
        self.other_menu.triggered.connect(self._on_other_triggered)
        self.other_button.setMenu(self.other_menu)
        row.addWidget(self.other_button)
        self.unlabel_button = QPushButton(translate('mistakes', 'To Unlabelled'))
        self.unlabel_button.setToolTip(translate('mistakes', 'Not sure what it is: take it out of training (Ctrl+Z to undo).'))
        self.unlabel_button.clicked.connect(self._on_unlabel_clicked)
        row.addWidget(self.unlabel_button)
        self.delete_button = QPushButton('Delete')
        self.delete_button.setToolTip(translate('mistakes', 'Move the photo to the project trash (Ctrl+Z to undo).'))
        self.delete_button.clicked.connect(self._on_delete_clicked)
        row.addWidget(self.delete_button)
        side.addLayout(row)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setMaximumWidth(PREVIEW)
        side.addWidget(self.status_label)
        self.undo_button = QPushButton(translate('mistakes', 'Undo'))
        self.undo_button.setToolTip(translate('mistakes', 'Take back the last change to the photos (as Edit ▸ Undo).'))
        self.undo_button.clicked.connect(self.fixer.undo_stack.undo)
        self.undo_button.setEnabled(self.fixer.undo_stack.canUndo())
        self.fixer.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        side.addWidget(self.undo_button, 0, Qt.AlignmentFlag.AlignLeft)
        side.addStretch(1)
        body.addLayout(side, 0)
        lay.addLayout(body, 1)

    # ------------------------------------------------------------ contents

    def show_mistakes(self, evaluation: dict, model_path: Path | None) -> None:
        """Every wrong prediction, most confidently wrong first."""
        self._model_path = Path(model_path) if model_path else None
        self._title = translate('mistakes', 'Mistakes')
        self._set_entries(mistakes_of(evaluation))

    def show_cell(self, evaluation: dict, true: str, predicted: str, model_path: Path | None) -> None:
        """The photos of one confusion cell, most confident first."""
        self._model_path = Path(model_path) if model_path else None
        self._title = (translate('mistakes', "Photos of '{true}' the model recognised").format(true=true) if true == predicted
                       else translate('mistakes', "Photos of '{true}' the model called '{predicted}'").format(true=true, predicted=predicted))
        entries = [p for p in evaluation.get('predictions') or []
                   if p.get('true') == true and p.get('predicted') == predicted]
        self._set_entries(sorted(entries, key=lambda p: -float(p.get('confidence') or 0.0)))

    def _set_entries(self, entries: list[dict]) -> None:
        self._entries = [dict(e) for e in entries]
        self.status_label.clear()
        self.refresh(keep_row=0)

    def entries(self) -> list[dict]:
        """The photos listed now (still where the run saw them), in order."""
        return list(self._shown)

    def refresh(self, keep_row: int | None = None) -> None:
        project = self.project_model.project
        if keep_row is None:
            current = self.grid.currentIndex()
            keep_row = current.row() if current.isValid() else 0
        self._shown = [e for e in self._entries if still_there(project, e['path'], e.get('true'))]
        fixed = len(self._entries) - len(self._shown)
        n = len(self._shown)
        self.title_label.setText(f'{getattr(self, "_title", "Mistakes")}: {n}')
        hint = (translate('mistakes', 'Each photo was judged by a model that had not seen it. Fix a wrong label in one click '
                '(or press 1–9 for a class, 0 for Unlabelled, Delete); Undo takes it back.'))
        if fixed:
            hint += translate('mistakes', ' {fixed} fixed or moved since the run.').format(fixed=fixed)
        self.hint_label.setText(hint)
        self.model.set_paths([Path(e['path']) for e in self._shown], [caption(e) for e in self._shown])
        self._fill_class_menu(project)
        if n:
            idx = self.model.index(min(max(0, keep_row), n - 1))
            self.grid.selectionModel().setCurrentIndex(idx, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self._show_current()

    def _fill_class_menu(self, project: Any) -> None:
        self.other_menu.clear()
        for name in list(getattr(project, 'classes', []) or []):
            act = self.other_menu.addAction(name)
            act.setData(name)

    def current_entry(self) -> dict | None:
        idx = self.grid.currentIndex()
        return self._shown[idx.row()] if idx.isValid() and idx.row() < len(self._shown) else None

    def selected_entries(self) -> list[dict]:
        rows = sorted({i.row() for i in self.grid.selectionModel().selectedIndexes()})
        chosen = [self._shown[r] for r in rows if r < len(self._shown)]
        if not chosen and self.current_entry() is not None:
            chosen = [self.current_entry()]
        return chosen

    def select_row(self, row: int) -> None:
        idx = self.model.index(row)
        self.grid.selectionModel().setCurrentIndex(idx, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _show_current(self) -> None:
        entry = self.current_entry()
        has = entry is not None
        for w in (self.said_button, self.other_button, self.unlabel_button, self.delete_button):
            w.setEnabled(has)
        if entry is None:
            self._preview = QImage()
            self.preview_label.setPixmap(QPixmap())
            self.preview_label.setText(translate('mistakes', 'Nothing left to fix here.') if self._entries else translate('mistakes', 'No photos.'))
            self.info_label.clear()
            self.heatmap_status.clear()
            self.said_button.setText(translate('mistakes', 'Move to the class it said'))
            return
        self._preview = thumbnail(Path(entry['path']), PREVIEW)
        conf = float(entry.get('confidence') or 0.0) * 100
        true, said = entry.get('true'), entry.get('predicted')
        if true == said:
            self.info_label.setText(translate('mistakes', '<b>{name}</b><br>Labelled <b>{true}</b>; the model '
                                                          'agreed ({conf:.0f}% sure).').format(
                name=Path(entry['path']).name, true=true, conf=conf))
        else:
            self.info_label.setText(translate('mistakes', '<b>{name}</b><br>Labelled <b>{true}</b>; the model '
                                                          'said <b>{said}</b> ({conf:.0f}% sure).').format(
                name=Path(entry['path']).name, true=true, said=said, conf=conf))
        self.said_button.setText(translate('mistakes', "It is a '{said}': move it there").format(said=said))
        self.said_button.setVisible(true != said)
        self._draw_preview()
        if self.heatmap_check.isChecked():
            self._request_heatmap(entry)

    def _request_heatmap(self, entry: dict) -> None:
        if self._model_path is None or not self._model_path.is_file():
            self.heatmap_status.setText(translate('mistakes', 'No heat map: the model file of this run is gone.'))
            return
        if self.heatmaps.cached(self._model_path, entry['path'], entry.get('predicted')) is None:
            self.heatmap_status.setText(translate('mistakes', 'Finding where the model looked…'))
        self.heatmaps.request(self._model_path, entry['path'], entry.get('predicted'))

    def _draw_preview(self) -> None:
        entry = self.current_entry()
        image = self._preview
        if image.isNull():
            self.preview_label.setPixmap(QPixmap())
            self.preview_label.setText(translate('mistakes', 'This photo cannot be read.'))
            return
        if entry is not None and self.heatmap_check.isChecked() and self._model_path is not None:
            heat = self.heatmaps.cached(self._model_path, entry['path'], entry.get('predicted'))
            if heat is not None:
                image = heatmap_overlay(image, heat)
        self.preview_label.setPixmap(QPixmap.fromImage(image))

    def is_showing_heatmap(self) -> bool:
        entry = self.current_entry()
        return bool(entry and self.heatmap_check.isChecked() and self._model_path is not None
                    and self.heatmaps.cached(self._model_path, entry['path'], entry.get('predicted')))

    # ------------------------------------------------------------ fixes

    def move_selected(self, target: str | None) -> bool:
        paths = [Path(e['path']) for e in self.selected_entries()]
        return self.fixer.move(paths, target)

    def delete_selected(self) -> bool:
        return self.fixer.delete([Path(e['path']) for e in self.selected_entries()])

    @Slot()
    def _on_said_clicked(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            # the selected photos the model called the same, moved together
            chosen = [e for e in self.selected_entries() if e.get('predicted') == entry.get('predicted')]
            self.fixer.move([Path(e['path']) for e in chosen or [entry]], entry.get('predicted'))

    @Slot(object)
    def _on_other_triggered(self, action: Any) -> None:
        self.move_selected(str(action.data()))

    @Slot(int)
    def _on_label_key_pressed(self, number: int) -> None:
        """1-9: move the selected photos to that class (the Data page's keys); 0: to Unlabelled."""
        classes = list(getattr(self.project_model.project, 'classes', []) or [])
        if number == 0:
            self.move_selected(None)
        elif number <= len(classes):
            self.move_selected(classes[number - 1])

    @Slot()
    def _on_unlabel_clicked(self) -> None:
        self.move_selected(None)

    @Slot()
    def _on_delete_clicked(self) -> None:
        self.delete_selected()

    def _on_fix_message(self, text: str, error: bool) -> None:
        self.status_label.setStyleSheet('color: #b71c1c;' if error else 'color: #2e7d32;')
        self.status_label.setText(text)

    # ------------------------------------------------------------ slots

    @Slot(object)
    def _on_project_changed(self, project: Any) -> None:
        self.loader.clear_pending()
        self.loader.cache_dir = (Path(project.cache_dir) / 'thumbs') if project is not None else None
        self.refresh()

    @Slot()
    def _on_photos_changed(self, *_args: Any) -> None:
        self.refresh()

    @Slot(object, object)
    def _on_current_changed(self, *_args: Any) -> None:
        self._show_current()

    @Slot(bool)
    def _on_heatmap_toggled(self, on: bool) -> None:
        entry = self.current_entry()
        if on and entry is not None:
            self._request_heatmap(entry)
        elif not on:
            self.heatmap_status.clear()
        self._draw_preview()

    @Slot(str, object)
    def _on_heatmap_ready(self, path: str, result: Any) -> None:
        entry = self.current_entry()
        if entry is not None and str(entry['path']) == path:
            self.heatmap_status.setText(translate('mistakes', "Red: where it looked to say '{name}'.").format(
                name=result.get('class', '?')))
            self._draw_preview()

    @Slot(str, str)
    def _on_heatmap_failed(self, path: str, message: str) -> None:
        entry = self.current_entry()
        if entry is not None and str(entry['path']) == path:
            self.heatmap_status.setText(translate('mistakes', 'No heat map: {message}').format(message=message))

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        ok = self.heatmaps.shutdown(timeout_ms)
        return self.loader.shutdown(timeout_ms) and ok


class MistakesDialog(QDialog):
    """The browser in its own window (not modal: the pages stay usable)."""

    def __init__(self, project_model: Any, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate('mistakes', 'Mistakes'))
        self.resize(940, 620)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.browser = MistakesBrowser(project_model, undo_stack, self)
        lay.addWidget(self.browser)
        # Edit ▸ Undo / Redo of the main window do not reach this window: the same keys here
        QShortcut(QKeySequence.StandardKey.Undo, self, undo_stack.undo)
        QShortcut(QKeySequence.StandardKey.Redo, self, undo_stack.redo)

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        return self.browser.shutdown(timeout_ms)
