"""The Predict page: classify photos with a trained model; fix mistakes in one click.

Photos come from drag and drop (files, folders, or pictures from a web
browser), the clipboard (Ctrl+V) or the Add buttons. The
model classifies them in the engine process (:class:`~petcognizer.gui.engine.EngineWorker`
job ``'predict'``, which keeps the last model loaded); thumbnails are decoded
on a worker thread, as ``QImage`` (safe off the GUI thread). A wrong prediction
goes to the right class with one click: the page emits ``label_requested`` and
the main window copies the photo into the project through its undo stack. The
list of models follows the project's runs (``runs_changed``).

Results are a wrapping grid of compact cards (:class:`PredictionRowWidget`),
each with a confidence badge; :class:`~petcognizer.gui.predict_summary.FilterBar`
above them counts the photos per class and filters by class or "Needs review".
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from petcognizer.core.events import StageProgress
from petcognizer.core.modelfile import read_metadata
from petcognizer.gui.data_assist import is_cancelled, stop_engine_worker
from petcognizer.gui.engine import EngineWorker
from petcognizer.gui.flow_layout import FlowLayout
from petcognizer.gui.formatting import (
    format_when,
    run_accuracy_text,
    short_backbone_name,
)
from petcognizer.gui.heatmap_view import HeatmapRequester
from petcognizer.gui.predict_input import PhotoInputMixin
from petcognizer.gui.predict_summary import FilterBar, matches, status_text
from petcognizer.gui.prediction_rows import (
    Prediction,
    PredictionRowWidget,
    even_widths,
    thumbnails,
    write_predictions_csv,
)
from petcognizer.gui.project_model import ProjectModel
from petcognizer.gui.run_history import model_file
from petcognizer.gui.widgets import BannerLabel
from petcognizer.gui.workers import Worker, start_worker, stop_worker
from petcognizer.gui.i18n import translate

__all__ = ['PredictPage', 'PredictionRowWidget', 'write_predictions_csv']


class PredictPage(PhotoInputMixin, QWidget):
    """Classify photos with a chosen model.

    Signals:
        label_requested(list, str): photos (Paths) the user put into a class;
            the main window copies them into the project through the undo stack.
        predictions_finished(list): a batch of predictions is shown.
        busy_changed(bool): classification started or ended.
    """

    label_requested = Signal(list, str)
    predictions_finished = Signal(list)
    busy_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None, project_model: ProjectModel | None = None) -> None:
        super().__init__(parent)
        self._project = None
        self.project_model = project_model if project_model is not None else ProjectModel(self)
        self._worker: EngineWorker | None = None
        self._thumb_worker: Worker | None = None
        self._thread: QThread | None = None
        self._preds: list[Prediction] = []
        self._thumb_preds: list[Prediction] = []
        self._pending: list[Path] = []
        self._results: list = []
        self._rows: list[PredictionRowWidget] = []
        self._opened: list[Path] = []
        self._model_classes: list[str] = []
        self._pasted_dir: tempfile.TemporaryDirectory | None = None
        self.heatmaps = HeatmapRequester(self)
        self.heatmaps.ready.connect(self._on_heatmap_ready)
        self.heatmaps.failed.connect(self._on_heatmap_failed)
        self.setAcceptDrops(True)
        self._build_ui()
        self.project_model.project_changed.connect(self._on_project_changed)
        self.project_model.runs_changed.connect(self._on_runs_changed)
        self.project_model.photos_changed.connect(self._on_photos_changed)
        self._on_project_changed(self.project_model.project)

    # ------------------------------------------------------------ building

    def _build_ui(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        top = QHBoxLayout()
        top.addWidget(QLabel(translate('predict_page', 'Model:')))
        self.model_combo = QComboBox()
        self.model_combo.setMinimumContentsLength(28)
        self.model_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.model_combo.currentIndexChanged.connect(self._on_model_combo_changed)
        top.addWidget(self.model_combo, 1)
        self.open_model_button = QPushButton(translate('predict_page', 'Open model file…'))
        self.open_model_button.clicked.connect(self._on_open_model_button_clicked)
        top.addWidget(self.open_model_button)
        outer.addLayout(top)
        self.model_info = QLabel()
        self.model_info.setStyleSheet('color: #555;')
        self.model_info.setWordWrap(True)
        outer.addWidget(self.model_info)

        bar = QHBoxLayout()
        self.add_files_button = QPushButton(translate('predict_page', 'Add photos…'))
        self.add_files_button.clicked.connect(self._on_add_files_button_clicked)
        bar.addWidget(self.add_files_button)
        self.add_folder_button = QPushButton(translate('predict_page', 'Add folder…'))
        self.add_folder_button.clicked.connect(self._on_add_folder_button_clicked)
        bar.addWidget(self.add_folder_button)
        self.paste_button = QPushButton(translate('predict_page', 'Paste'))
        self.paste_button.setToolTip(translate('predict_page', 'Classify the photo or picture on the clipboard (Ctrl+V).'))
        self.paste_button.clicked.connect(self.paste)
        bar.addWidget(self.paste_button)
        bar.addSpacing(12)
        bar.addWidget(QLabel(translate('predict_page', 'Show top')))
        self.topk_spin = QSpinBox()
        self.topk_spin.setRange(1, 10)
        self.topk_spin.setValue(3)
        self.topk_spin.setSuffix(translate('predict_page', ' labels'))
        bar.addWidget(self.topk_spin)
        bar.addSpacing(12)
        self.unknown_check = QCheckBox(translate('predict_page', 'Spot photos that fit no class'))
        self.unknown_check.setChecked(True)
        self.unknown_check.setToolTip(
            translate('predict_page', 'Flag a photo that looks like none of the photos the model learnt from ("Not one of: …"). '
            'Applies to the photos classified next.')
        )
        bar.addWidget(self.unknown_check)
        bar.addStretch(1)
        self.clear_button = QPushButton(translate('predict_page', 'Clear'))
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        bar.addWidget(self.clear_button)
        self.save_csv_button = QPushButton(translate('predict_page', 'Save CSV…'))
        self.save_csv_button.setToolTip(translate('predict_page', 'Save path, label, probability for every photo and top label.'))
        self.save_csv_button.clicked.connect(self._on_save_csv_button_clicked)
        bar.addWidget(self.save_csv_button)
        self.stop_button = QPushButton(translate('predict_page', 'Stop'))
        self.stop_button.clicked.connect(self._on_stop_button_clicked)
        bar.addWidget(self.stop_button)
        outer.addLayout(bar)

        self.progress_bar = QProgressBar()
        self.progress_bar.setMaximumHeight(18)
        self.progress_bar.hide()
        outer.addWidget(self.progress_bar)
        self.status_label = QLabel()
        self.status_label.setStyleSheet('color: #333;')
        outer.addWidget(self.status_label)
        self.error_banner = BannerLabel('error')
        outer.addWidget(self.error_banner)

        self.filter_bar = FilterBar()
        self.filter_bar.filter_changed.connect(self._apply_filter)
        outer.addWidget(self.filter_bar)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self._list_host = QWidget()
        column = QVBoxLayout(self._list_host)
        column.setContentsMargins(2, 2, 2, 2)
        column.setSpacing(6)
        self.empty_label = QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setMinimumHeight(220)
        self.empty_label.setStyleSheet(
            'QLabel { color: #666; border: 2px dashed #bbb; border-radius: 8px; font-size: 15px; padding: 24px; }'
        )
        column.addWidget(self.empty_label)
        self.filter_empty_label = QLabel(translate('predict_page', 'No photos here.'))
        self.filter_empty_label.setStyleSheet('color: #5f6670;')
        self.filter_empty_label.hide()
        column.addWidget(self.filter_empty_label)
        #: the cards, as many a line as the width allows
        self._list = FlowLayout(spacing=8, uniform=True)
        column.addLayout(self._list)
        column.addStretch(1)
        self.scroll.setWidget(self._list_host)
        self.scroll.viewport().installEventFilter(self)
        outer.addWidget(self.scroll, 1)

        self.paste_action = QAction(translate('predict_page', 'Paste photos'), self)
        self.paste_action.setShortcut(QKeySequence.StandardKey.Paste)
        self.paste_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.paste_action.triggered.connect(self.paste)
        self.addAction(self.paste_action)

    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        QTimer.singleShot(0, self._take_focus)

    @Slot()
    def _take_focus(self) -> None:
        """Shown (the Predict tab clicked): the keys of the page (Ctrl+V) work at once."""
        focus = QApplication.focusWidget()
        if self.isVisible() and (focus is None or not self.isAncestorOf(focus)):
            self.scroll.setFocus(Qt.FocusReason.OtherFocusReason)

    # ------------------------------------------------------------ project and models

    def set_project(self, project: Any) -> None:
        """List the runs of ``project`` (or none) as models, in every page sharing the project model."""
        self.project_model.set_project(project)

    @Slot(object)
    def _on_project_changed(self, project: Any) -> None:
        self._project = project
        self._refresh_models()
        self._update_state()

    @Slot()
    def _on_runs_changed(self) -> None:
        self._refresh_models()

    def _run_models(self) -> list[tuple[str, Path]]:
        out = []
        if self._project is None:
            return out
        runs = sorted(self._project.runs, key=lambda r: str(r.created), reverse=True)
        for r in runs:
            path = model_file(r, self._project.root)
            if path is None:
                continue
            acc = run_accuracy_text(r)
            acc_text = acc if r.evaluation else translate('predict_page', '{acc} val. accuracy').format(acc=acc) if acc.endswith('%') else acc
            stopped = translate('predict_page', ', stopped early') if r.cancelled else ''
            name = short_backbone_name(r.backbone or '?')
            out.append((translate('predict_page', 'Run {when} · {name} · {acc_text}{stopped}').format(when=format_when(r.created), name=name, acc_text=acc_text, stopped=stopped), path))
        return out

    def _refresh_models(self, select: Path | None = None) -> None:
        current = select or self.model_path()
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        for text, path in self._run_models():
            self.model_combo.addItem(text, str(path))
        for path in self._opened:
            if self.model_combo.findData(str(path)) < 0:
                self.model_combo.addItem(translate('predict_page', 'File: {name}').format(name=path.name), str(path))
                self.model_combo.setItemData(self.model_combo.count() - 1, str(path), Qt.ItemDataRole.ToolTipRole)
        idx = self.model_combo.findData(str(current)) if current is not None else -1
        self.model_combo.setCurrentIndex(idx if idx >= 0 else (0 if self.model_combo.count() else -1))
        self.model_combo.blockSignals(False)
        self._on_model_combo_changed(self.model_combo.currentIndex())

    def model_path(self) -> Path | None:
        data = self.model_combo.currentData() if hasattr(self, 'model_combo') else None
        return Path(data) if data else None

    def set_model_path(self, path: os.PathLike | str) -> None:
        """Use the model file ``path`` (a run's model or an exported file)."""
        path = Path(path)
        if self.model_combo.findData(str(path)) < 0 and path not in self._opened:
            self._opened.append(path)
        self._refresh_models(select=path)

    @Slot(int)
    def _on_model_combo_changed(self, _index: int) -> None:
        path = self.model_path()
        self._model_classes = []
        if path is None:
            self.model_info.setText(
                translate('predict_page', 'No model yet: train one on the Train page, or open a model file (.safetensors).')
            )
        else:
            info = self._model_metadata(path)
            self.model_info.setText(info)
        self._update_state()

    def _model_metadata(self, path: Path) -> str:
        try:
            meta = read_metadata(path)
        except Exception as exc:  # a foreign file: say so, predicting will say more
            return f'{path}: {exc}'
        classes = meta.get('classes') or []
        self._model_classes = [str(c) for c in classes]
        shown = ', '.join(classes[:12]) + (' …' if len(classes) > 12 else '')
        n_classes = len(classes)
        return translate('predict_page', '{backbone} · %n class(es): {shown}', None, n_classes).format(
            backbone=short_backbone_name(meta.get('backbone', '?')), shown=shown)

    def _classes(self) -> list[str]:
        names = list(getattr(self._project, 'classes', []) or []) if self._project is not None else []
        for pred in self._results:
            for label, _ in pred.probabilities:
                if label not in names:
                    names.append(label)
        return names

    # ------------------------------------------------------------ input

    @Slot()
    def _on_open_model_button_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, translate('predict_page', 'Open a petcognizer model'), str(Path.home()), translate('predict_page', 'petcognizer models (*.safetensors)')
        )
        if path:
            self.set_model_path(path)

    # ------------------------------------------------------------ predicting

    def is_busy(self) -> bool:
        return self._worker is not None or self._thumb_worker is not None

    def predict(self, paths: list[Path]) -> bool:
        """Classify files and folders (off the GUI thread); queued while busy."""
        paths = [Path(p) for p in paths]
        if not paths:
            return False
        model = self.model_path()
        if model is None:
            self.error_banner.show_text(
                translate('predict_page', 'Choose a model first: train one on the Train page, or click “Open model file…”.')
            )
            return False
        if self.is_busy():
            self._pending += paths
            return True
        self.error_banner.hide()
        worker = EngineWorker('predict', model_path=str(model), paths=[os.fspath(p) for p in paths],
                              top_k=self.topk_spin.value(), flag_unknown=self.unknown_check.isChecked())
        worker.progressed.connect(self._on_worker_progressed)
        worker.returned.connect(self._on_worker_returned)
        worker.errored.connect(self._on_worker_errored)
        worker.finished.connect(self._on_worker_finished)
        self._worker = worker
        self.progress_bar.setRange(0, 0)
        self.progress_bar.show()
        self.status_label.setText(translate('predict_page', 'Classifying…'))
        worker.start()
        self._update_state()
        self.busy_changed.emit(True)
        return True

    @Slot(object)
    def _on_worker_progressed(self, ev) -> None:
        if isinstance(ev, StageProgress):
            self.progress_bar.setRange(0, max(1, ev.total))
            self.progress_bar.setValue(min(ev.done, ev.total))
            text = f'{ev.text or ev.stage}: {ev.done} of {ev.total}'
            if ev.images_per_s:
                text += translate('predict_page', ' · {images_per_s:.0f} photos/s').format(images_per_s=ev.images_per_s)
            self.status_label.setText(text)

    @Slot(object)
    def _on_worker_returned(self, result: Any) -> None:
        self._preds = [Prediction.from_dict(d) for d in result]

    @Slot(object)
    def _on_worker_errored(self, message: Any) -> None:
        if is_cancelled(str(message)):
            self.status_label.setText(translate('predict_page', 'Stopped.'))
            return
        self.error_banner.show_text(translate('predict_page', '<b>Could not classify.</b> {message}').format(message=message))
        self.status_label.clear()

    @Slot()
    def _on_worker_finished(self) -> None:
        self._worker = None
        preds, self._preds = self._preds, []
        if preds:  # thumbnails next, off the GUI thread
            self.status_label.setText(translate('predict_page', 'Making thumbnails…'))
            paths = [pred.path for pred in preds if not pred.error]
            dpr = self.devicePixelRatioF()
            worker = Worker(lambda emit, cancel: thumbnails(paths, cancel, dpr))
            self._thumb_preds = preds
            worker.returned.connect(self._on_thumbnails_returned)
            worker.finished.connect(self._on_thumb_worker_finished)
            self._thumb_worker = worker
            self._thread = start_worker(worker)
            return
        self._settle()

    @Slot(object)
    def _on_thumbnails_returned(self, thumbs: list) -> None:
        preds, self._thumb_preds = self._thumb_preds, []
        made = iter(thumbs)
        self._add_results(preds, [None if pred.error else next(made, None) for pred in preds])
        self.status_label.setText(status_text(self._results))
        self.predictions_finished.emit(list(preds))

    @Slot()
    def _on_thumb_worker_finished(self) -> None:
        self._thumb_worker = None
        self._thread = None
        self._settle()

    def _settle(self) -> None:
        """Nothing runs any more: show so, then start what was dropped meanwhile."""
        self.progress_bar.hide()
        self._update_state()
        self.busy_changed.emit(False)
        if self._pending:
            pending, self._pending = self._pending, []
            self.predict(pending)

    @Slot()
    def _on_stop_button_clicked(self) -> None:
        self._pending = []
        if self._worker is not None:
            self._worker.cancel()
        if self._thumb_worker is not None:
            self._thumb_worker.cancel()

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Cancel classification and thumbnails and wait for them."""
        self._pending = []
        ok = stop_engine_worker(self._worker, timeout_ms)
        ok = self.heatmaps.shutdown(timeout_ms) and ok
        ok = stop_worker(self._thumb_worker, self._thread, timeout_ms) and ok
        if ok and self._pasted_dir is not None:
            self._pasted_dir.cleanup()
            self._pasted_dir = None
        return ok

    # ------------------------------------------------------------ results

    def _add_results(self, preds: list, thumbs: list) -> None:
        classes = self._classes()
        for pred in preds:
            for label, _ in pred.probabilities:
                if label not in classes:
                    classes.append(label)
        can_label = self._project is not None
        for pred, thumb in zip(preds, thumbs):
            row = PredictionRowWidget(pred, thumb, classes, can_label, model_classes=self._model_classes or None)
            row.label_requested.connect(self._on_row_label_requested)
            row.heatmap_toggled.connect(self._on_row_heatmap_toggled)
            self._list.addWidget(row)
            self._rows.append(row)
            self._results.append(pred)
        self._even_widths()
        self.filter_bar.set_predictions(self._results, classes)
        self._apply_filter(self.filter_bar.key())
        self._update_state()

    def _even_widths(self) -> None:
        """The cards as wide as the widest, stretched to fill each line (a card with its heat map grows)."""
        if self._rows:
            even_widths(self._rows, self.scroll.viewport().width() - 4, self._list.spacing())

    def eventFilter(self, obj, ev) -> bool:
        if obj is self.scroll.viewport() and ev.type() == QEvent.Type.Resize:
            self._even_widths()
        return super().eventFilter(obj, ev)

    @Slot(str)
    def _apply_filter(self, key: str) -> None:
        shown = 0
        for row in self._rows:
            on = matches(row.prediction, key)
            row.setVisible(on)
            shown += on
        self.filter_empty_label.setVisible(bool(self._rows) and not shown)
        self._even_widths()
        self._list.invalidate()

    def visible_rows(self) -> list[PredictionRowWidget]:
        """The cards the filter shows."""
        return [row for row in self._rows if not row.isHidden()]

    @Slot(object, str)
    def _on_row_label_requested(self, path, class_name: str) -> None:
        self.label_requested.emit([Path(path)], class_name)

    def _row_of(self, path: Any) -> PredictionRowWidget | None:
        for row in self._rows:
            if str(row.prediction.path) == str(path):
                return row
        return None

    @Slot(object, bool)
    def _on_row_heatmap_toggled(self, path: Any, on: bool) -> None:
        row = self._row_of(path)
        model = self.model_path()
        if not on or row is None:
            return
        if model is None:
            row.show_heatmap(None, translate('predict_page', 'No model: no heat map.'))
            return
        self.heatmaps.request(model, path, row.prediction.label)

    @Slot(str, object)
    def _on_heatmap_ready(self, path: str, result: Any) -> None:
        row = self._row_of(path)
        if row is not None and row.heatmap_button.isChecked():
            row.show_heatmap(result)
            self._even_widths()

    @Slot(str, str)
    def _on_heatmap_failed(self, path: str, message: str) -> None:
        row = self._row_of(path)
        if row is not None:
            row.heatmap_button.setChecked(False)
            row.show_heatmap(None, translate('predict_page', 'No heat map: {message}').format(message=message))

    def results(self) -> list:
        """The predictions shown, in order."""
        return list(self._results)

    def rows(self) -> list[PredictionRowWidget]:
        return list(self._rows)

    @Slot()
    def _on_clear_button_clicked(self) -> None:
        self.clear()

    def clear(self) -> None:
        for row in self._rows:
            self._list.removeWidget(row)
            row.deleteLater()
        self._rows = []
        self._results = []
        self.status_label.clear()
        self.filter_bar.set_predictions([], [])
        self.filter_empty_label.hide()
        self._update_state()

    @Slot()
    def _on_save_csv_button_clicked(self) -> None:
        if not self._results:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, translate('predict_page', 'Save predictions'), str(Path.home() / 'predictions.csv'), translate('predict_page', 'CSV files (*.csv)')
        )
        if not path:
            return
        path = Path(path)
        if path.suffix.lower() != '.csv':
            path = path.with_name(path.name + '.csv')
        try:
            write_predictions_csv(path, self._results)
        except OSError as exc:
            self.error_banner.show_text(translate('predict_page', 'Could not save {path}: {reason}').format(path=path, reason=exc.strerror or exc))
            return
        self.status_label.setText(translate('predict_page', 'Saved {n} predictions to {path}').format(n=len(self._results), path=path))

    def _update_state(self) -> None:
        busy = self.is_busy()
        has_model = self.model_path() is not None
        self.stop_button.setVisible(busy)  # in the place of Clear and Save CSV: the bar fits 1024 px
        self.save_csv_button.setVisible(not busy)
        self.clear_button.setVisible(not busy)
        self.save_csv_button.setEnabled(bool(self._results) and not busy)
        self.clear_button.setEnabled(bool(self._results) and not busy)
        self.model_combo.setEnabled(not busy)
        self.open_model_button.setEnabled(not busy)
        self.add_files_button.setEnabled(has_model)
        self.add_folder_button.setEnabled(has_model)
        self.paste_button.setEnabled(has_model)
        if not has_model:
            self.empty_label.setText(
                translate('predict_page', 'No model to predict with yet.\n\nTrain one on the Train page, '
                'or click “Open model file…” to use a .safetensors model.')
            )
        else:
            self.empty_label.setText(
                translate('predict_page', 'Drop photos or folders here\n\nor click “Add photos…” / “Add folder…”, or paste a photo (Ctrl+V).\n'
                'Each photo gets its most likely classes; a wrong one can be put in the right class with one click.')
            )
        self.empty_label.setVisible(not self._rows)

