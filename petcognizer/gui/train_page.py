"""The Train page: one sentence, Quick or Most accurate, Train; watch, compare runs.

The page is thin. Its top (:class:`~petcognizer.gui.train_simple.SimpleTrainPanel`)
says what a run will do and how long it takes, and offers two choices that stand
for recommended settings; every setting is one click away under "Expert settings":
the form (:class:`~petcognizer.gui.train_settings.TrainSettingsPanel`)
makes a :class:`~petcognizer.core.config.TrainConfig`; a run trains in the engine
process (:class:`~petcognizer.gui.engine.EngineWorker` job ``'train'``) on
``project.snapshot()``, a frozen copy of the labels, so the Data page stays
editable meanwhile; the page renders the events the run reports and records the
returned :class:`~petcognizer.core.runs.RunRecord` with ``project.add_run``. The
summary, the recommended settings and the run list follow the project's events
(through the window's :class:`~petcognizer.gui.project_model.ProjectModel`); far from
ImageNet, "Most accurate" fine-tunes (:mod:`petcognizer.gui.train_advice`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSplitter, QTabWidget, QVBoxLayout, QWidget

from petcognizer.core.config import TrainConfig
from petcognizer.core.events import (
    BatchEnded,
    EpochEnded,
    EpochStarted,
    Message,
    RunEnded,
    RunStarted,
    StageProgress,
)
from petcognizer.core.runs import RunRecord, new_run_id
from petcognizer.gui.data_assist import is_cancelled
from petcognizer.gui.engine import EngineWorker
from petcognizer.gui.export_dialog import ExportDialog
from petcognizer.gui.formatting import (
    accuracy_text,
    format_duration,
    format_params,
    format_when,
    overfitting_warning,
    run_accuracy_text,
)
from petcognizer.gui.mistakes import MistakesDialog
from petcognizer.gui.plots import TrainingPlots
from petcognizer.gui.project_model import ProjectModel
from petcognizer.gui.result_card import ResultCard
from petcognizer.gui.run_history import RunHistoryPanel
from petcognizer.gui.run_progress import RunProgress
from petcognizer.gui.stage_diagram import StageDiagramWidget
from petcognizer.gui.train_estimate import estimate_seconds, plan_run, remember_timing
from petcognizer.gui.train_mistakes import MistakesMixin
from petcognizer.gui.train_advice import AdviceMixin
from petcognizer.gui.train_settings import STAGE_PARAMS_CACHE, TrainSettingsPanel, remember_backbone
from petcognizer.gui.train_simple import (
    ACCURATE,
    SimpleTrainPanel,
    bring_into_view,
    config_for_mode,
    expert_settings_open,
    recommended_mode,
    remember_expert_settings_open,
    run_sentence,
    scrolling_column,
)
from petcognizer.gui.widgets import BannerLabel
from petcognizer.gui.workers import Worker, start_worker
from petcognizer.gui.i18n import translate

__all__ = [
    'STAGE_PARAMS_CACHE',
    'StageDiagramWidget',
    'TrainPage',
    'format_duration',
    'format_params',
    'overfitting_warning',
]

#: ``make_job(project, config) -> job(callback, cancel)``: a job run on a thread instead of the engine (tests).
JobFactory = Callable[[Any, TrainConfig], Callable]


class TrainPage(AdviceMixin, MistakesMixin, QWidget):
    """Train a classifier on the current project and compare runs.

    Args:
        parent: the parent widget.
        make_job: ``make_job(project, config) -> job(callback, cancel)``, run on a
            worker thread instead of the engine; tests pass fake jobs. The job
            returns a run record (a RunRecord or its dict) or None.
        project_model: the window's :class:`ProjectModel` (a private one if None).
        undo_stack: the window's stack, for fixes made from a run's mistakes (a private one if None).

    Signals:
        run_finished(object): a run ended (completed or cancelled); its RunRecord.
        busy_changed(bool): training started (True) or ended (False).
        predict_requested(object): "Predict with this run": the model file's Path.
    """

    run_finished = Signal(object)
    busy_changed = Signal(bool)
    predict_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None, make_job: JobFactory | None = None,
                 project_model: ProjectModel | None = None, undo_stack: QUndoStack | None = None) -> None:
        super().__init__(parent)
        self._make_job = make_job
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.mistakes_dialog: MistakesDialog | None = None
        self.project_model = project_model if project_model is not None else ProjectModel(self)
        self._project: Any = None
        self._run_project: Any = None
        self._worker: Worker | EngineWorker | None = None
        self._thread: QThread | None = None
        self._cancel_requested = False
        #: True while the form follows the data (recommended settings), False once set by hand.
        self._auto_config = True
        self._mode = ACCURATE  # the recommended settings (recommend_config) up to 300 photos
        self._run_config: dict = {}
        self._history: list[dict] = []
        self._export_dialog: ExportDialog | None = None
        self._build_ui()
        self._init_advice()  # far from ImageNet? "Most accurate" then fine-tunes (train_advice)
        self.project_model.project_changed.connect(self._on_project_changed)
        self.project_model.classes_changed.connect(self._on_data_changed)
        self.project_model.photos_changed.connect(self._on_data_changed)
        self.project_model.runs_changed.connect(self._on_runs_changed)
        self.project_model.name_changed.connect(self._on_data_changed)
        self._on_project_changed(self.project_model.project)

    # ------------------------------------------------------------ building

    def _build_ui(self) -> None:
        outer = QHBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(splitter, 1)

        # ---- left: what will happen, the choice, Train; "Expert settings" below (scrolls)
        self.simple = simple = SimpleTrainPanel()
        simple.mode_chosen.connect(self._on_mode_chosen)
        simple.expert_toggled.connect(self._on_expert_toggled)
        self.summary_label = simple.sentence_label
        self.start_button = simple.train_button
        self.start_button.clicked.connect(self._on_start_button_clicked)
        self.stop_button = simple.stop_button
        self.stop_button.clicked.connect(self._on_stop_button_clicked)
        self.expert_toggle = simple.expert_toggle
        self.settings_panel = form = TrainSettingsPanel()
        form.edited.connect(self._on_settings_edited)
        form.recommend_button.clicked.connect(self._on_recommend_button_clicked)
        form.advanced_toggle.toggled.connect(self._on_more_settings_toggled)
        form.hide()
        self.left_scroll = scrolling_column(simple, form, min_width=form.minimumSizeHint().width() + 24)
        splitter.addWidget(self.left_scroll)
        # the form's widgets, by their old names (tests and screenshots use them)
        for name in ('backbone_combo', 'freeze_slider', 'freeze_label', 'stage_diagram', 'params_label',
                     'epochs_spin', 'batch_spin', 'prior_check', 'ensemble_check', 'recommend_button'):
            setattr(self, name, getattr(form, name))

        # ---- right: progress, plots and results, runs
        right = QWidget()
        rcol = QVBoxLayout(right)
        rcol.setContentsMargins(6, 0, 0, 0)
        self.progress = RunProgress()
        self.progress.cancel_download_clicked.connect(self._on_cancel_download_clicked)
        self.progress_bar = self.progress.progress_bar
        self.cancel_download_button = self.progress.cancel_download_button
        self.status_label = self.progress.status_label
        rcol.addWidget(self.progress)
        self.device_label = QLabel()
        self.device_label.setStyleSheet('color: #5f6670;')
        rcol.addWidget(self.device_label)

        self.error_banner = BannerLabel('error')
        self.overfit_banner = BannerLabel('warning')
        self.message_banner = BannerLabel('info')
        for b in (self.error_banner, self.overfit_banner, self.message_banner):
            rcol.addWidget(b)

        self.plots = TrainingPlots()
        self.progress.redrawn.connect(self.plots.flush)  # the curves never lag the status line
        self.result_card = ResultCard()
        self.result_card.cell_clicked.connect(self.open_cell)
        self.result_card.mistakes_requested.connect(self.open_mistakes)
        self.result_tabs = QTabWidget()
        self.result_tabs.addTab(self.result_card, translate('train_page', 'How good is it?'))
        self.result_tabs.addTab(self.plots, translate('train_page', 'Training curves'))
        self.result_tabs.setCurrentWidget(self.plots)
        rcol.addWidget(self.result_tabs, 3)

        self.run_history = RunHistoryPanel()
        self.run_history.run_selected.connect(self._on_run_selected)
        self.run_history.predict_requested.connect(self.predict_requested)
        self.run_history.export_requested.connect(self._on_export_requested)
        self.runs_table = self.run_history.table
        self.predict_button = self.run_history.predict_button
        self.export_button = self.run_history.export_button
        rcol.addWidget(self.run_history, 1)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([400, 860])
        if expert_settings_open():
            self.expert_toggle.setChecked(True)

    # ------------------------------------------------------------ the form

    def config_dict(self) -> dict:
        """The form's settings as a TrainConfig dict."""
        return self.settings_panel.config_dict()

    def set_config(self, config: dict | TrainConfig) -> None:
        """Fill the form from a TrainConfig or its dict (a setting by hand: no more recommending)."""
        self.settings_panel.set_config(config)
        self._auto_config = False

    @Slot()
    def _on_settings_edited(self) -> None:
        self._auto_config = False
        self._update_state()

    @Slot()
    def _on_recommend_button_clicked(self) -> None:
        if self._project is None:
            return
        n_images, n_classes = self._data_size()
        self._auto_config = True  # asked for: keep following the data
        self._recommend_if_auto()
        self._update_state()
        self.message_banner.show_text(translate('train_page', 'Settings recommended for {n_images} photos '
                                                                'in {n_classes} classes.').format(n_images=n_images, n_classes=n_classes))

    @Slot(str)
    def _on_mode_chosen(self, mode: str) -> None:
        self._mode = mode
        self._auto_config = True
        self._recommend_if_auto()
        self._update_state()

    @Slot(bool)
    def _on_expert_toggled(self, on: bool) -> None:
        self.settings_panel.setVisible(on)
        if on != expert_settings_open():
            remember_expert_settings_open(on)
        if on:  # in view: their first box, and the switch above them
            QTimer.singleShot(0, lambda: bring_into_view(self.left_scroll, self.settings_panel.first_box,
                                                         self.expert_toggle))

    @Slot(bool)
    def _on_more_settings_toggled(self, on: bool) -> None:
        if on:
            QTimer.singleShot(0, lambda: bring_into_view(self.left_scroll, self.settings_panel.wd_spin,
                                                         self.settings_panel.advanced_toggle))

    def _recommend_if_auto(self) -> None:
        """While the user has not set anything by hand, the form holds the chosen mode's settings."""
        if not self._auto_config or self.is_busy() or self._project is None:
            return
        n_images, n_classes = self._data_size()
        if n_images:
            self.settings_panel.set_config(config_for_mode(self._mode, n_images, n_classes,
                                                           self.settings_panel.backbone_name(), self.advisor.advice))

    def _follow_if_recommended(self) -> None:
        """Settings just shown (a run's) that are a choice's for this data keep following the data."""
        n_images, n_classes = self._data_size()
        mode = recommended_mode(self.config_dict(), n_images, n_classes, self.advisor.advice)
        if mode is not None:
            self._mode, self._auto_config = mode, True

    # ------------------------------------------------------------ project

    def set_project(self, project: Any) -> None:
        """Show ``project`` (or nothing: ``None``) in every page that shares the project model."""
        self.project_model.set_project(project)

    def project(self) -> Any:
        return self._project

    @Slot(object)
    def _on_project_changed(self, project: Any) -> None:
        self._project = project
        self.advisor.set_project(project)
        self.plots.reset()
        self.result_card.set_record(None)
        for banner in (self.error_banner, self.overfit_banner, self.message_banner):
            banner.hide()
        if not self.is_busy():
            self.progress.set_idle()
            self.status_label.clear()
            self.device_label.clear()
        records = self._records()
        self._auto_config = not records
        if records:  # the settings of the latest run
            self.settings_panel.set_config(_run_settings(records[0]))
            self._follow_if_recommended()
        self._recommend_if_auto()
        self._refresh_runs()
        records = self.run_records()
        if records and not self.is_busy():  # show the latest run's curves rather than empty plots
            self.select_run(records[0].id)
            if records[0].evaluation:
                self.result_tabs.setCurrentWidget(self.result_card)
        self._update_state()

    @Slot()
    def _on_data_changed(self, *_args: Any) -> None:
        self.advisor.photos_changed()
        self._recommend_if_auto()
        self._update_state()

    @Slot()
    def _on_runs_changed(self) -> None:
        self._refresh_runs()
        self._update_state()

    def _counts(self) -> dict[str, int]:
        if self._project is None:
            return {}
        return dict(self._project.counts())

    def _data_size(self) -> tuple[int, int]:
        """(photos, classes with photos) that a run would train on."""
        counts = self._counts()
        return sum(counts.values()), sum(1 for v in counts.values() if v)

    def _records(self) -> list[RunRecord]:
        """Runs, newest first."""
        runs = list(self._project.runs) if self._project is not None else []
        return sorted(runs, key=lambda r: str(r.created), reverse=True)

    # ------------------------------------------------------------ state

    def is_busy(self) -> bool:
        return self._worker is not None

    def _update_state(self) -> None:
        busy = self.is_busy()
        n_images, n_classes = self._data_size()
        can_train = self._project is not None and n_classes >= 2
        self.start_button.setEnabled(can_train and not busy)
        self.stop_button.setEnabled(busy and not self._cancel_requested)
        self.settings_panel.set_busy(busy)
        self.simple.set_busy(busy)
        self.run_history.set_busy(busy)
        self.simple.show_mode(self._mode if self._auto_config else None)
        advised_seconds = self._show_advice(n_images, n_classes)
        if self._project is None:
            self.summary_label.setText(translate('train_page', 'Open or create a project on the Start page to train a model.'))
        elif not can_train:
            self.summary_label.setText(translate('train_page', '<b>Nothing to train yet.</b> Add at least 2 classes '
                                                              'with photos on the Data page, then click Train.'))
        else:
            classes = [c for c, v in self._counts().items() if v]
            self.summary_label.setText(run_sentence(
                classes, n_images, advised_seconds or estimate_seconds(n_images, self.config_dict())))

    # ------------------------------------------------------------ training

    @Slot()
    def _on_start_button_clicked(self) -> None:
        self.start_training()

    def start_training(self) -> bool:
        """Start a run with the form's settings; False (and a message) if it cannot start."""
        project = self._project
        if self.is_busy() or project is None:
            return False
        for banner in (self.error_banner, self.overfit_banner, self.message_banner):
            banner.hide()
        d = self.config_dict()
        self.advisor.cancel()  # a look at the photos in flight would hold the engine up
        try:
            config = TrainConfig.from_dict(d)
            config.validate()
            worker = self._make_worker(project, config)
        except (ValueError, KeyError) as exc:
            self.error_banner.show_text(translate('train_page', 'Cannot start training: {exc}').format(exc=exc))
            return False
        remember_backbone(d.get('backbone'))
        self._history = []
        self._cancel_requested = False
        self._run_config = d
        self.plots.reset()
        self.plots.set_training(True)  # empty plots, not the hint, from the first second
        self.plots.clearFocus()
        self.result_tabs.setCurrentWidget(self.plots)
        self.runs_table.clearSelection()
        self.progress.set_starting(plan_run(self._data_size()[0], d))
        self.device_label.clear()
        worker.progressed.connect(self._on_worker_progressed)
        worker.returned.connect(self._on_worker_returned)
        worker.errored.connect(self._on_worker_errored)
        worker.finished.connect(self._on_worker_finished)
        self._worker = worker
        self._run_project = project
        if isinstance(worker, Worker):
            self._thread = start_worker(worker)
        else:
            worker.start()
        self._update_state()
        self.busy_changed.emit(True)
        return True

    def _make_worker(self, project: Any, config: TrainConfig) -> Worker | EngineWorker:
        """The run: in the engine on a snapshot of the labels (or a test's job on a thread)."""
        if self._make_job is not None:
            return Worker(self._make_job(project, config))
        run_id = new_run_id()
        return EngineWorker(
            'train', snapshot=project.snapshot().to_dict(), config=config.to_dict(),
            run_dir=str(project.runs_dir / run_id), cache_root=str(project.cache_dir / 'features'),
            run_id=run_id,
        )

    @Slot()
    def _on_stop_button_clicked(self) -> None:
        if self._worker is not None:
            self._cancel_requested = True
            self._worker.cancel()
            self.status_label.setText(translate('train_page', 'Stopping after the current batch… the best model so far is kept.'))
        self._update_state()

    @Slot()
    def _on_cancel_download_clicked(self) -> None:
        if self._worker is not None:
            self._cancel_requested = True
            self._worker.cancel()
            self.status_label.setText(translate('train_page', 'Cancelling the download…'))
        self._update_state()

    @Slot(object)
    def _on_worker_progressed(self, ev: Any) -> None:
        if isinstance(ev, BatchEnded):
            self.plots.add_batch(ev.loss, x=ev.epoch + (ev.step + 1) / max(1, ev.steps))
            self.progress.show_batch(ev)
            return
        self.progress.flush()
        if isinstance(ev, EpochEnded):
            self._on_epoch_ended(ev)
        elif isinstance(ev, StageProgress):
            self.progress.show_stage(ev, can_cancel=not self._cancel_requested)
        elif isinstance(ev, EpochStarted):
            self.progress.show_epoch_started(ev)
        elif isinstance(ev, RunStarted):
            self.device_label.setText(translate('train_page', 'Training on: <b>{device}</b>').format(device=ev.device))
            self.progress.show_run_started(ev)
        elif isinstance(ev, Message):
            self.progress.show_message(ev.text)
            if ev.level == 'info' and ev.text.startswith('Ensemble: training member'):
                return  # shown as the stage ("network 2 of 3")
            text = ev.text if ev.level != 'warning' else f'⚠ {ev.text}'
            prev = self.message_banner.text() if not self.message_banner.isHidden() else ''
            head = text.split(':', 1)[0] + ':'
            if ev.level == 'info' and ':' in text and head in prev:
                return  # once per kind (an ensemble's three networks each report their prior)
            self.message_banner.show_text(f'{prev}<br>{text}' if prev else text)
        elif isinstance(ev, RunEnded):
            clock = self.progress.run_clock
            if clock is not None and not ev.cancelled and not ev.error:  # this computer's speed, for next time
                remember_timing(clock.calibration(time.monotonic()))
            self.plots.flush()
            self.progress.show_run_ended(ev)

    def _on_epoch_ended(self, ev: EpochEnded) -> None:
        row = {
            'epoch': ev.epoch, 'train_loss': ev.train_loss, 'train_acc': ev.train_acc,
            'val_loss': ev.val_loss, 'val_acc': ev.val_acc,
        }
        self._history.append(row)
        self.plots.add_epoch(ev.train_loss, ev.val_loss, ev.train_acc, ev.val_acc,
                             x=ev.epoch + 1, is_best=ev.is_best)
        warning = overfitting_warning(self._history)
        if warning:
            self.overfit_banner.show_text(warning)
    @Slot(object)
    def _on_worker_returned(self, result: Any) -> None:
        if result is None:
            return
        record = result if isinstance(result, RunRecord) else RunRecord.from_dict(dict(result))
        project = self._run_project
        if project is not None and all(r.id != record.id for r in project.runs):
            project.add_run(record)  # runs_changed redraws the run lists here and on Predict
        if project is self._project:
            self._refresh_runs(select_id=record.id)
            self.result_card.set_record(record)
            if record.evaluation:
                self.result_tabs.setCurrentWidget(self.result_card)
        self.run_finished.emit(record)

    @Slot(object)
    def _on_worker_errored(self, error: Any) -> None:
        text = str(error) or type(error).__name__
        if type(error).__name__ == 'Cancelled' or is_cancelled(text):
            self.status_label.setText(translate('train_page', 'Training was cancelled before it learnt anything.'))
            return
        self.error_banner.show_text(translate('train_page', '<b>Training stopped with an error.</b> {text}').format(text=text))
        self.status_label.setText(translate('train_page', 'Training failed.'))

    @Slot()
    def _on_worker_finished(self) -> None:
        self.progress.ended()
        self.plots.set_training(False)
        self._worker = None
        self._thread = None
        self._run_project = None
        self._cancel_requested = False
        self._update_state()
        self.busy_changed.emit(False)

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Cancel a running job and wait for it; True when nothing runs any more."""
        deadline = time.monotonic() + timeout_ms / 1000
        worker = self._worker
        ok = True
        if worker is not None:
            worker.cancel()
            if self._thread is not None:
                try:
                    ok = bool(self._thread.wait(timeout_ms))
                except RuntimeError:  # already deleted: it has stopped
                    ok = True
            else:
                ok = bool(worker.wait(timeout_ms))
        left = max(0, int((deadline - time.monotonic()) * 1000))
        ok = self.settings_panel.shutdown(left) and ok
        if self.mistakes_dialog is not None:
            ok = self.mistakes_dialog.shutdown(left) and ok
        if ok and self._worker is not None:
            # the queued 'returned' and 'finished' slots have not run yet (the
            # event loop was blocked in wait()): record the run and settle now
            self._settle(self._worker)
        return ok

    def _settle(self, worker: Worker | EngineWorker) -> None:
        """Handle the end of ``worker`` at once instead of through its queued signals."""
        for signal, slot in ((worker.progressed, self._on_worker_progressed),
                             (worker.returned, self._on_worker_returned),
                             (worker.errored, self._on_worker_errored),
                             (worker.finished, self._on_worker_finished)):
            signal.disconnect(slot)
        if worker.result is not None:
            self._on_worker_returned(worker.result)
        self._on_worker_finished()

    # ------------------------------------------------------------ runs

    def _refresh_runs(self, select_id: str | None = None) -> None:
        root = self._project.root if self._project is not None else None
        self.run_history.set_records(self._records(), root, select_id=select_id)

    def run_records(self) -> list[RunRecord]:
        """The runs as listed, newest first."""
        return self.run_history.records()

    def selected_run(self) -> RunRecord | None:
        return self.run_history.selected_run()

    def select_run(self, run_id: str) -> None:
        """Select a run in the list (shows its curves and settings)."""
        self.run_history.select_run(run_id)

    @Slot(object)
    def _on_run_selected(self, record: RunRecord | None) -> None:
        if record is None or self.is_busy():
            return
        self.result_card.set_record(record)
        self.plots.set_history(record.history, record.best_epoch)
        self.settings_panel.set_config(_run_settings(record))
        self._auto_config = False  # the form shows this run's settings now
        self._follow_if_recommended()
        self._update_state()
        self.overfit_banner.hide()
        warning = overfitting_warning(record.history)
        if warning:
            self.overfit_banner.show_text(warning)
        acc = accuracy_text(record.best_val_acc, translate('train_page', 'not measured (no photos kept back)'))
        what = (translate('train_page', '{accuracy} right').format(accuracy=run_accuracy_text(record)) if record.evaluation
                else translate('train_page', '{acc} right on the photos kept back').format(acc=acc))
        self.status_label.setText(translate('train_page', 'The run of {when}: {what}, trained in {duration}. Its '
                                                          'settings are under Expert settings.').format(
            when=format_when(record.created), what=what, duration=format_duration(record.seconds)))
        self.status_label.setToolTip(translate('train_page', 'Run {id} on {device}').format(id=record.id, device=record.device))

    @Slot(object, object)
    def _on_export_requested(self, record: RunRecord, path: Any) -> None:
        name = self._project.name if self._project is not None else None
        self._export_dialog = ExportDialog(path, run=record, parent=self, project_name=name)
        self._export_dialog.open()


def _run_settings(record: RunRecord) -> TrainConfig:
    """A run's settings as a whole config: a field newer than the run takes its default."""
    return TrainConfig.from_dict(record.config)
