"""The Train page: choose a backbone and settings, train, watch, compare runs.

The page is thin: it turns the form into a
:class:`~petcognizer.core.training.TrainConfig`, runs
:func:`~petcognizer.core.training.train_project` on a worker thread and renders
the events it reports. Run records come from ``project.runs``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from petcognizer.core import backbones
from petcognizer.core.events import (
    BatchEnded,
    EpochEnded,
    EpochStarted,
    Message,
    RunEnded,
    RunStarted,
    StageProgress,
)
from petcognizer.gui.plots import TrainingPlots
from petcognizer.gui.widgets import BannerLabel
from petcognizer.gui.workers import Worker, start_worker

__all__ = [
    'STAGE_PARAMS_CACHE',
    'BannerLabel',
    'StageDiagramWidget',
    'TrainPage',
    'format_duration',
    'format_params',
    'overfitting_warning',
]

#: backbone name -> parameter count of each stage (input to output).
STAGE_PARAMS_CACHE: dict[str, tuple[int, ...]] = {}

HEAD_LABELS = {
    'linear': 'Linear (fastest; best with few photos)',
    'gap-dropout': 'Pooling + dropout + linear',
    'fc-dropout': 'Hidden layer + dropout',
    'prototype': 'Nearest class mean (frozen backbone)',
}
SCHEDULE_LABELS = {
    'single': 'All at once',
    'unfreeze': 'Unfreeze gradually (head first)',
}
DEVICE_LABELS = {
    'auto': 'Automatic (GPU if there is one)',
    'cpu': 'CPU',
    'cuda': 'NVIDIA GPU (CUDA)',
    'mps': 'Apple GPU (MPS)',
}

JobFactory = Callable[[Any, Any], Callable]


# ------------------------------------------------------------------ helpers


def format_duration(seconds: float | None) -> str:
    """``75`` -> ``'1:15'``; ``3700`` -> ``'1:01:40'``."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return '–'
    s = int(round(seconds))
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f'{h}:{m:02d}:{s:02d}' if h else f'{m}:{s:02d}'


def format_params(n: int) -> str:
    """``1_652_640`` -> ``'1.65 M'``."""
    if n >= 1_000_000:
        return f'{n / 1e6:.2f} M'
    if n >= 1_000:
        return f'{n / 1e3:.1f} k'
    return str(n)


def overfitting_warning(history: list[dict], patience: int = 2) -> str | None:
    """A warning when validation loss rose ``patience``+ epochs in a row while training loss fell.

    Args:
        history: per-epoch dicts with ``train_loss`` and ``val_loss``.
        patience: consecutive epochs of rising validation loss that count.
    """
    rows = [r for r in history if r.get('val_loss') is not None and r.get('train_loss') is not None]
    if len(rows) < patience + 1:
        return None
    tail = rows[-(patience + 1):]
    val_up = all(b['val_loss'] > a['val_loss'] for a, b in zip(tail, tail[1:]))
    train_down = all(b['train_loss'] < a['train_loss'] for a, b in zip(tail, tail[1:]))
    if not (val_up and train_down):
        return None
    return (
        f'Overfitting: validation loss has risen for {patience} epochs in a row while '
        'training loss keeps falling, so the model is memorising the training photos. '
        'Try fewer epochs, more photos per class, or turn on augmentation. '
        '(The best epoch so far is kept.)'
    )


def short_backbone_name(name: str) -> str:
    """'efficientnet_lite0+efficientnet_lite1+...' -> 'ensemble: lite0+lite1+...'."""
    parts = name.split('+')
    if len(parts) == 1:
        return name
    return 'ensemble: ' + '+'.join(p.replace('efficientnet_', '') for p in parts)


def _last_backbone() -> str | None:
    """The backbone of the user's last run, if it is still registered."""
    from petcognizer.core.settings import load_settings

    name = load_settings().last_backbone
    try:
        backbones.get_backbone(name)
    except (KeyError, TypeError):
        return None
    return name


def _remember_backbone(name: str | None) -> None:
    from petcognizer.core.settings import load_settings, save_settings

    if not name:
        return
    s = load_settings()
    if s.last_backbone != name:
        s.last_backbone = name
        try:
            save_settings(s)
        except OSError:
            pass  # a read-only config folder only loses the preference


def _stage_param_job(name: str):
    """A job counting each stage's parameters on a random-weight build (no download)."""

    def job(emit, cancel):
        model = backbones.create_backbone(name, pretrained=False)
        return name, tuple(sum(p.numel() for p in m.parameters()) for m in model.stages.values())

    return job


def _default_make_job(project, config):
    from petcognizer.core import service as training

    def job(emit, cancel):
        return training.train_project(project, config, callback=emit, cancel=cancel)

    return job


# ------------------------------------------------------------------ widgets


class StageDiagramWidget(QWidget):
    """The backbone's stages as a row of boxes: frozen grey with a lock, training coloured.

    The last box is the new head, which always trains.
    """

    FROZEN = QColor('#d9d9d9')
    FROZEN_TEXT = QColor('#6b6b6b')
    TRAINS = QColor('#4a90d9')
    HEAD = QColor('#2e9d57')

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stages: tuple[str, ...] = ()
        self._depth = 0
        self.setMinimumHeight(64)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(360, 64)

    def set_stages(self, stages: tuple[str, ...] | list[str]) -> None:
        self._stages = tuple(stages)
        self._depth = min(self._depth, len(self._stages))
        self.update()

    def set_freeze_depth(self, depth: int) -> None:
        self._depth = max(0, min(int(depth), len(self._stages)))
        self.update()

    def is_frozen(self, index: int) -> bool:
        return index < len(self._stages) - self._depth

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        names = list(self._stages) + ['new head']
        n = len(names)
        if n == 0:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = self.width(), self.height()
        gap = 3.0
        arrow_h = 14.0
        box_w = (w - gap * (n - 1) - 2) / n
        box_h = h - arrow_h - 2
        font = QFont(self.font())
        font.setPointSizeF(max(6.5, min(9.0, box_w / 7.5)))
        p.setFont(font)
        for i, name in enumerate(names):
            x = 1 + i * (box_w + gap)
            rect = QRectF(x, 1, box_w, box_h)
            head = i == n - 1
            frozen = not head and self.is_frozen(i)
            fill = self.HEAD if head else (self.FROZEN if frozen else self.TRAINS)
            p.setPen(QPen(fill.darker(125), 1))
            p.setBrush(fill)
            p.drawRoundedRect(rect, 4, 4)
            p.setPen(self.FROZEN_TEXT if frozen else QColor('white'))
            text_rect = rect.adjusted(2, 2, -2, -16 if frozen else -2)
            label = name.replace('_', ' ')
            p.drawText(text_rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, label)
            if frozen:
                self._draw_lock(p, rect.center().x(), rect.bottom() - 9)
        # "image -> classes" arrow under the boxes, with its caption in a gap of the line
        small = QFont(self.font())
        small.setPointSizeF(7.0)
        p.setFont(small)
        caption = 'image → features → classes'
        tw = p.fontMetrics().horizontalAdvance(caption) + 12
        y = h - arrow_h / 2
        mid = w / 2
        p.setPen(QPen(QColor('#999'), 1))
        p.drawLine(QPointF(4, y), QPointF(mid - tw / 2, y))
        p.drawLine(QPointF(mid + tw / 2, y), QPointF(w - 6, y))
        p.drawLine(QPointF(w - 6, y), QPointF(w - 11, y - 3))
        p.drawLine(QPointF(w - 6, y), QPointF(w - 11, y + 3))
        p.setPen(QColor('#666'))
        p.drawText(QRectF(mid - tw / 2, h - arrow_h, tw, arrow_h), Qt.AlignmentFlag.AlignCenter, caption)
        p.end()

    @staticmethod
    def _draw_lock(p: QPainter, cx: float, cy: float) -> None:
        color = QColor('#7a7a7a')
        p.setPen(QPen(color, 1.4))
        p.setBrush(Qt.BrushStyle.NoBrush)
        shackle = QPainterPath()
        shackle.moveTo(cx - 3, cy - 1)
        shackle.lineTo(cx - 3, cy - 4)
        shackle.arcTo(QRectF(cx - 3, cy - 7, 6, 6), 180, -180)
        shackle.lineTo(cx + 3, cy - 1)
        p.drawPath(shackle)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(color)
        p.drawRoundedRect(QRectF(cx - 4.5, cy - 1.5, 9, 7), 1.5, 1.5)


class LearningRateSpinBox(QDoubleSpinBox):
    """A learning-rate box shown as ``0.003``; the arrows halve or double it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDecimals(7)
        self.setRange(1e-6, 1.0)
        self.setValue(3e-3)

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt override
        return f'{value:g}'

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt override
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):
        from PySide6.QtGui import QValidator

        try:
            v = float(text)
        except ValueError:
            return QValidator.State.Intermediate, text, pos
        ok = self.minimum() <= v <= self.maximum()
        return (QValidator.State.Acceptable if ok else QValidator.State.Intermediate), text, pos

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt override
        self.setValue(self.value() * (2.0**steps))


# ------------------------------------------------------------------ the page


class TrainPage(QWidget):
    """Train a classifier on the current project and compare runs.

    Args:
        parent: the parent widget.
        make_job: ``make_job(project, config) -> job(callback, cancel)``; the
            default runs :func:`petcognizer.core.training.train_project`.
            Tests pass fake jobs.

    Signals:
        run_finished(dict): a run ended (completed or cancelled); its record.
        busy_changed(bool): training started (True) or ended (False).
        predict_requested(object): "Predict with this run": the model file's Path.
    """

    run_finished = Signal(dict)
    busy_changed = Signal(bool)
    predict_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None, make_job: JobFactory | None = None) -> None:
        super().__init__(parent)
        self._make_job = make_job or _default_make_job
        self._project = None
        self._worker: Worker | None = None
        self._thread: QThread | None = None
        self._param_workers: dict[str, Worker] = {}
        self._param_threads: dict[str, QThread] = {}
        self._history: list[dict] = []
        self._extra_records: list[dict] = []
        self._run_info: RunStarted | None = None
        self._export_dialog = None
        self._filling = False
        self._pending_batch: BatchEnded | None = None
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(33)
        self._status_timer.timeout.connect(self._on_status_timer_timeout)
        self._build_ui()
        self._fill_backbones()
        defaults = self._training().TrainConfig().to_dict() if self._training() else {}
        last = _last_backbone()
        if last:  # the backbone chosen last time, for a new project (settings persist per user)
            defaults['backbone'] = last
        self._apply_config(defaults)
        self._update_state()

    # ------------------------------------------------------------ building

    def _build_ui(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        f = self.summary_label.font()
        f.setPointSizeF(f.pointSizeF() + 1)
        self.summary_label.setFont(f)
        outer.addWidget(self.summary_label)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(splitter, 1)

        # ---- left: the form, scrollable
        form_host = QWidget()
        form_col = QVBoxLayout(form_host)
        form_col.setContentsMargins(0, 0, 6, 0)

        bb_box = QGroupBox('Backbone (the pretrained network)')
        bb_lay = QVBoxLayout(bb_box)
        self.backbone_combo = QComboBox()
        self.backbone_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.backbone_combo.setMinimumContentsLength(20)
        self.backbone_combo.currentIndexChanged.connect(self._on_backbone_combo_changed)
        bb_lay.addWidget(self.backbone_combo)
        self.backbone_info = QLabel()
        self.backbone_info.setWordWrap(True)
        self.backbone_info.setStyleSheet('color: #555;')
        bb_lay.addWidget(self.backbone_info)
        form_col.addWidget(bb_box)

        fr_box = QGroupBox('What trains')
        fr_lay = QVBoxLayout(fr_box)
        row = QHBoxLayout()
        row.addWidget(QLabel('Frozen'))
        self.freeze_slider = QSlider(Qt.Orientation.Horizontal)
        self.freeze_slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.freeze_slider.setPageStep(1)
        self.freeze_slider.valueChanged.connect(self._on_freeze_slider_changed)
        self.freeze_slider.setToolTip(
            'How many of the backbone\'s top stages train. Left: only the new head trains '
            '(fast, best with few photos). Right: the whole network trains (slow, needs many photos).'
        )
        row.addWidget(self.freeze_slider, 1)
        row.addWidget(QLabel('Trains'))
        fr_lay.addLayout(row)
        self.freeze_label = QLabel()
        fr_lay.addWidget(self.freeze_label)
        self.stage_diagram = StageDiagramWidget()
        fr_lay.addWidget(self.stage_diagram)
        self.params_label = QLabel()
        self.params_label.setStyleSheet('color: #555;')
        fr_lay.addWidget(self.params_label)
        form_col.addWidget(fr_box)

        set_box = QGroupBox('Training')
        form = QFormLayout(set_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.head_combo = QComboBox()
        for key, text in HEAD_LABELS.items():
            self.head_combo.addItem(text, key)
        form.addRow('Head:', self.head_combo)
        self.epochs_spin = QSpinBox()
        self.epochs_spin.setRange(1, 1000)
        self.epochs_spin.setSuffix(' epochs')
        form.addRow('Length:', self.epochs_spin)
        self.lr_spin = LearningRateSpinBox()
        self.lr_spin.setToolTip('Step size of the optimiser (AdamW). The arrows halve or double it.')
        form.addRow('Learning rate:', self.lr_spin)
        self.batch_spin = QSpinBox()
        self.batch_spin.setRange(1, 1024)
        self.batch_spin.setSuffix(' photos')
        form.addRow('Batch size:', self.batch_spin)
        self.schedule_combo = QComboBox()
        for key, text in SCHEDULE_LABELS.items():
            self.schedule_combo.addItem(text, key)
        form.addRow('Schedule:', self.schedule_combo)
        aug = QVBoxLayout()
        aug.setSpacing(2)
        self.augment_check = QCheckBox('Random crop and flip')
        self.jitter_check = QCheckBox('Colour jitter')
        self.erasing_check = QCheckBox('Cutout (random erasing)')
        for w in (self.augment_check, self.jitter_check, self.erasing_check):
            aug.addWidget(w)
        form.addRow('Augmentation:', aug)
        self.prior_check = QCheckBox('Use class-name knowledge (ImageNet prior)')
        self.prior_check.setToolTip(
            'When a class name matches ImageNet categories (e.g. "tabby cat"), start from what '
            'the backbone already knows. Only with the whole backbone frozen.'
        )
        form.addRow(self.prior_check)
        self.ensemble_check = QCheckBox('Ensemble of the 3 bundled backbones')
        self.ensemble_check.setToolTip(
            'Train a head on EfficientNet-Lite0, -Lite1 and -Lite2 and average their answers: '
            'more accurate with few photos, about 5x the compute.'
        )
        form.addRow(self.ensemble_check)
        self.recommend_button = QPushButton('Recommended settings')
        self.recommend_button.setToolTip('Fill the settings from the number of photos and classes.')
        self.recommend_button.clicked.connect(self._on_recommend_button_clicked)
        form.addRow(self.recommend_button)
        form_col.addWidget(set_box)

        self.advanced_toggle = QToolButton()
        self.advanced_toggle.setText('Advanced')
        self.advanced_toggle.setCheckable(True)
        self.advanced_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_toggle.setAutoRaise(True)
        self.advanced_toggle.toggled.connect(self._on_advanced_toggle_toggled)
        form_col.addWidget(self.advanced_toggle)
        self.advanced_box = QWidget()
        adv = QFormLayout(self.advanced_box)
        adv.setContentsMargins(12, 0, 0, 0)
        self.wd_spin = QDoubleSpinBox()
        self.wd_spin.setDecimals(5)
        self.wd_spin.setRange(0, 1)
        self.wd_spin.setSingleStep(1e-3)
        adv.addRow('Weight decay:', self.wd_spin)
        self.smoothing_spin = QDoubleSpinBox()
        self.smoothing_spin.setRange(0, 0.5)
        self.smoothing_spin.setSingleStep(0.05)
        adv.addRow('Label smoothing:', self.smoothing_spin)
        self.dropout_spin = QDoubleSpinBox()
        self.dropout_spin.setRange(0, 0.9)
        self.dropout_spin.setSingleStep(0.05)
        adv.addRow('Head dropout:', self.dropout_spin)
        self.val_spin = QSpinBox()
        self.val_spin.setRange(0, 50)
        self.val_spin.setSuffix(' % of photos')
        self.val_spin.setToolTip('Photos held back to measure accuracy. 0: train on everything (no validation).')
        adv.addRow('Validation:', self.val_spin)
        self.patience_spin = QSpinBox()
        self.patience_spin.setRange(0, 1000)
        self.patience_spin.setSpecialValueText('off')
        self.patience_spin.setSuffix(' epochs')
        adv.addRow('Stop early after:', self.patience_spin)
        self.warmup_spin = QSpinBox()
        self.warmup_spin.setRange(0, 100)
        self.warmup_spin.setSuffix(' epochs')
        adv.addRow('Warm-up:', self.warmup_spin)
        self.views_spin = QSpinBox()
        self.views_spin.setRange(1, 32)
        self.views_spin.setSuffix(' per photo')
        self.views_spin.setToolTip('With augmentation and a frozen backbone (or prefix), this many '
                                   'augmented views of each photo are computed once and reused.')
        adv.addRow('Augmented views:', self.views_spin)
        self.progressive_check = QCheckBox('Progressive resizing (3/4 size first; all stages training)')
        self.balance_check = QCheckBox('Weight classes by their photo counts')
        self.train_bn_check = QCheckBox('Update BatchNorm statistics in trained stages')
        for box in (self.progressive_check, self.balance_check, self.train_bn_check):
            adv.addRow(box)
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        adv.addRow('Random seed:', self.seed_spin)
        self.device_combo = QComboBox()
        for key, text in DEVICE_LABELS.items():
            self.device_combo.addItem(text, key)
        adv.addRow('Device:', self.device_combo)
        self.advanced_box.hide()
        form_col.addWidget(self.advanced_box)
        form_col.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(form_host)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(380)
        splitter.addWidget(scroll)

        # ---- right: controls, progress, plots, runs
        right = QWidget()
        rcol = QVBoxLayout(right)
        rcol.setContentsMargins(6, 0, 0, 0)
        bar = QHBoxLayout()
        self.start_button = QPushButton('Train')
        self.start_button.setDefault(True)
        self.start_button.setMinimumWidth(110)
        self.start_button.setObjectName('PrimaryButton')  # styled by petcognizer.gui.style
        self.start_button.clicked.connect(self._on_start_button_clicked)
        bar.addWidget(self.start_button)
        self.stop_button = QPushButton('Stop')
        self.stop_button.setToolTip('Stop after the current batch; the best model so far is kept.')
        self.stop_button.clicked.connect(self._on_stop_button_clicked)
        bar.addWidget(self.stop_button)
        bar.addSpacing(12)
        self.device_label = QLabel()
        self.device_label.setStyleSheet('color: #555;')
        bar.addWidget(self.device_label, 1)
        rcol.addLayout(bar)

        prog = QHBoxLayout()
        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(True)
        self._set_progress_idle()
        prog.addWidget(self.progress_bar, 1)
        self.cancel_download_button = QPushButton('Cancel download')
        self.cancel_download_button.clicked.connect(self._on_cancel_download_button_clicked)
        self.cancel_download_button.hide()
        prog.addWidget(self.cancel_download_button)
        rcol.addLayout(prog)
        self.status_label = QLabel()
        self.status_label.setStyleSheet('color: #333;')
        rcol.addWidget(self.status_label)

        self.error_banner = BannerLabel('error')
        self.overfit_banner = BannerLabel('warning')
        self.message_banner = BannerLabel('info')
        for b in (self.error_banner, self.overfit_banner, self.message_banner):
            rcol.addWidget(b)

        self.plots = TrainingPlots()
        rcol.addWidget(self.plots, 3)

        runs_box = QGroupBox('Runs')
        runs_lay = QVBoxLayout(runs_box)
        self.runs_table = QTableWidget(0, 7)
        self.runs_table.setHorizontalHeaderLabels(
            ['When', 'Backbone', 'Trains', 'Best val. accuracy', 'Epochs', 'Time', 'Result']
        )
        self.runs_table.verticalHeader().hide()
        self.runs_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.runs_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.runs_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.runs_table.setAlternatingRowColors(True)
        hdr = self.runs_table.horizontalHeader()
        hdr.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hdr.setStretchLastSection(True)
        self.runs_table.itemSelectionChanged.connect(self._on_runs_table_selection_changed)
        runs_lay.addWidget(self.runs_table)
        self.runs_empty_label = QLabel('No runs yet. Finished runs are listed here; click one to see its curves and settings.')
        self.runs_empty_label.setStyleSheet('color: #777;')
        runs_lay.addWidget(self.runs_empty_label)
        btns = QHBoxLayout()
        self.predict_button = QPushButton('Predict with this run')
        self.predict_button.clicked.connect(self._on_predict_button_clicked)
        self.export_button = QPushButton('Export…')
        self.export_button.clicked.connect(self._on_export_button_clicked)
        btns.addStretch(1)
        btns.addWidget(self.predict_button)
        btns.addWidget(self.export_button)
        runs_lay.addLayout(btns)
        rcol.addWidget(runs_box, 1)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([420, 860])

    # ------------------------------------------------------------ core access

    @staticmethod
    def _training():
        try:
            from petcognizer.core import config as training
        except ImportError:  # the core is being written
            return None
        return training

    def _fill_backbones(self) -> None:
        self.backbone_combo.blockSignals(True)
        self.backbone_combo.clear()
        for spec in backbones.list_backbones():
            if spec.source == 'random':
                continue  # test-only backbones appear only when a config asks for them
            self._add_backbone_item(spec)
        self.backbone_combo.blockSignals(False)

    def _add_backbone_item(self, spec) -> None:
        ready, status = backbones.weights_status(spec)
        top1 = f', {spec.imagenet_top1:.1f}%' if spec.imagenet_top1 else ''
        if ready:
            short = 'ready'
        elif spec.download_mb:
            short = f'download {spec.download_mb:.0f} MB'
        else:
            short = 'not installed'
        text = f'{spec.name}  ({spec.params_m:g} M{top1}) · {short}'
        self.backbone_combo.addItem(text, spec.name)
        idx = self.backbone_combo.count() - 1
        tip = (
            f'{spec.family}: {spec.params_m:g} M parameters, ImageNet top-1 '
            f'{spec.imagenet_top1 or "n/a"}%. {spec.description}\nWeights: {status}.'
        )
        self.backbone_combo.setItemData(idx, tip, Qt.ItemDataRole.ToolTipRole)
        color = QColor('#2e7d32') if ready else QColor('#a15c00')
        self.backbone_combo.setItemData(idx, color, Qt.ItemDataRole.ForegroundRole)

    def _backbone_name(self) -> str:
        return self.backbone_combo.currentData() or backbones.DEFAULT_BACKBONE

    def _select_backbone(self, name: str) -> None:
        idx = self.backbone_combo.findData(name)
        if idx < 0:
            try:
                spec = backbones.get_backbone(name)
            except KeyError:
                return
            self._add_backbone_item(spec)
            idx = self.backbone_combo.count() - 1
        self.backbone_combo.setCurrentIndex(idx)
        self._on_backbone_combo_changed(idx)

    # ------------------------------------------------------------ the form

    def config_dict(self) -> dict:
        """The form's settings as a TrainConfig dict."""
        return {
            'backbone': self._backbone_name(),
            'freeze_depth': self.freeze_slider.value(),
            'head': self.head_combo.currentData(),
            'epochs': self.epochs_spin.value(),
            'lr': self.lr_spin.value(),
            'batch_size': self.batch_spin.value(),
            'weight_decay': self.wd_spin.value(),
            'label_smoothing': self.smoothing_spin.value(),
            'dropout': self.dropout_spin.value(),
            'augment': self.augment_check.isChecked(),
            'color_jitter': self.jitter_check.isChecked(),
            'random_erasing': self.erasing_check.isChecked(),
            'val_fraction': self.val_spin.value() / 100.0,
            'seed': self.seed_spin.value(),
            'patience': self.patience_spin.value(),
            'schedule': self.schedule_combo.currentData(),
            'warmup_epochs': self.warmup_spin.value(),
            'use_prior': self.prior_check.isChecked(),
            'ensemble': self.ensemble_check.isChecked() and self._ensemble_possible(),
            'aug_views': self.views_spin.value(),
            'progressive_resize': self.progressive_check.isChecked(),
            'balance_classes': self.balance_check.isChecked(),
            'train_bn': self.train_bn_check.isChecked(),
            'device': self.device_combo.currentData(),
        }

    def set_config(self, config: dict | Any) -> None:
        """Fill the form from a TrainConfig or its dict (unknown keys are ignored)."""
        if hasattr(config, 'to_dict'):
            config = config.to_dict()
        self._apply_config(dict(config))

    def _apply_config(self, d: dict) -> None:
        self._filling = True
        try:
            if 'backbone' in d:
                self._select_backbone(d['backbone'])
            elif self.backbone_combo.currentIndex() < 0 and self.backbone_combo.count():
                self._select_backbone(backbones.DEFAULT_BACKBONE)

            def set_combo(combo: QComboBox, key: str) -> None:
                if key in d:
                    i = combo.findData(d[key])
                    if i >= 0:
                        combo.setCurrentIndex(i)

            if 'freeze_depth' in d:
                self.freeze_slider.setValue(int(d['freeze_depth']))
            set_combo(self.head_combo, 'head')
            set_combo(self.schedule_combo, 'schedule')
            set_combo(self.device_combo, 'device')
            for key, spin, scale in (
                ('epochs', self.epochs_spin, 1), ('batch_size', self.batch_spin, 1),
                ('patience', self.patience_spin, 1), ('warmup_epochs', self.warmup_spin, 1),
                ('seed', self.seed_spin, 1), ('val_fraction', self.val_spin, 100),
                ('aug_views', self.views_spin, 1),
            ):
                if key in d and d[key] is not None:
                    spin.setValue(int(round(float(d[key]) * scale)))
            for key, spin in (
                ('lr', self.lr_spin), ('weight_decay', self.wd_spin),
                ('label_smoothing', self.smoothing_spin), ('dropout', self.dropout_spin),
            ):
                if key in d and d[key] is not None:
                    spin.setValue(float(d[key]))
            for key, box in (
                ('augment', self.augment_check), ('color_jitter', self.jitter_check),
                ('random_erasing', self.erasing_check), ('use_prior', self.prior_check),
                ('ensemble', self.ensemble_check), ('progressive_resize', self.progressive_check),
                ('balance_classes', self.balance_check), ('train_bn', self.train_bn_check),
            ):
                if key in d:
                    box.setChecked(bool(d[key]))
        finally:
            self._filling = False
        self._update_freeze_texts()

    def _ensemble_possible(self) -> bool:
        """An ensemble is made of the bundled backbones: only with one of them chosen."""
        from petcognizer.core.config import ENSEMBLE_BACKBONES

        return self._backbone_name() in ENSEMBLE_BACKBONES

    @Slot(int)
    def _on_backbone_combo_changed(self, _index: int) -> None:
        name = self._backbone_name()
        self.ensemble_check.setEnabled(self._ensemble_possible() and not self.is_busy())
        try:
            spec = backbones.get_backbone(name)
        except KeyError:
            return
        ready, status = backbones.weights_status(spec)
        top1 = f'{spec.imagenet_top1:.1f}%' if spec.imagenet_top1 else 'n/a'
        ready_text = (
            f'<span style="color:#2e7d32">Ready: {status}</span>' if ready
            else f'<span style="color:#a15c00">Not on this computer yet: {status} (done automatically when you train)</span>'
        )
        self.backbone_info.setText(
            f'{spec.family} · {spec.params_m:g} M parameters · ImageNet top-1 {top1} · '
            f'{spec.input_size} px<br>{ready_text}'
        )
        depth = self.freeze_slider.value()
        self.freeze_slider.blockSignals(True)
        self.freeze_slider.setRange(0, spec.num_stages)
        self.freeze_slider.setValue(min(depth, spec.num_stages))
        self.freeze_slider.blockSignals(False)
        self.stage_diagram.set_stages(spec.stages)
        self._update_freeze_texts()
        if name not in STAGE_PARAMS_CACHE:
            self._count_stage_params(name)

    @Slot(int)
    def _on_freeze_slider_changed(self, _value: int) -> None:
        self._update_freeze_texts()

    def _update_freeze_texts(self) -> None:
        name = self._backbone_name()
        d = self.freeze_slider.value()
        n = self.freeze_slider.maximum()
        self.stage_diagram.set_freeze_depth(d)
        if d == 0:
            text = 'Only the new head trains (the backbone stays as it is: fast).'
        elif d >= n:
            text = f'Everything trains: all {n} stages and the head (slow; needs many photos).'
        else:
            text = f'The head and the top {d} of {n} stages train.'
        self.freeze_label.setText(text)
        counts = STAGE_PARAMS_CACHE.get(name)
        if counts is None:
            self.params_label.setText('Counting parameters…')
        else:
            total = sum(counts)
            trainable = sum(counts[len(counts) - d:]) if d else 0
            self.params_label.setText(
                f'Trainable backbone parameters: {format_params(trainable)} of {format_params(total)} '
                '(plus the head)'
            )
        self.prior_check.setEnabled(d == 0 and not self.is_busy())
        if d:
            self.prior_check.setToolTip('The class-name prior needs the whole backbone frozen (slider at the left).')

    def _count_stage_params(self, name: str) -> None:
        if name in self._param_workers:
            return
        worker = Worker(_stage_param_job(name))
        worker.returned.connect(self._on_param_worker_returned)
        worker.finished.connect(self._on_param_worker_finished)
        self._param_workers[name] = worker
        self._param_threads[name] = start_worker(worker)

    @Slot(object)
    def _on_param_worker_returned(self, result) -> None:
        name, counts = result
        STAGE_PARAMS_CACHE[name] = counts
        if name == self._backbone_name():
            self._update_freeze_texts()

    @Slot()
    def _on_param_worker_finished(self) -> None:
        for name, w in list(self._param_workers.items()):
            if w.is_done:
                del self._param_workers[name]
                self._param_threads.pop(name, None)
                if name not in STAGE_PARAMS_CACHE and name == self._backbone_name():
                    self.params_label.setText('Parameter count unavailable.')

    @Slot(bool)
    def _on_advanced_toggle_toggled(self, on: bool) -> None:
        self.advanced_box.setVisible(on)
        self.advanced_toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)

    @Slot()
    def _on_recommend_button_clicked(self) -> None:
        training = self._training()
        if training is None or self._project is None:
            return
        counts = self._counts()
        n_images = sum(counts.values())
        n_classes = sum(1 for v in counts.values() if v)
        cfg = training.recommend_config(n_images, max(1, n_classes), self._backbone_name())
        self._apply_config(cfg.to_dict())
        self.message_banner.show_text(
            f'Settings recommended for {n_images} photos in {n_classes} classes.'
        )

    # ------------------------------------------------------------ project

    def set_project(self, project) -> None:
        """Show ``project`` (or nothing: ``None``); refused while training."""
        if self.is_busy():
            return
        self._project = project
        self._extra_records = []
        self.plots.reset()
        self.error_banner.hide()
        self.overfit_banner.hide()
        self.message_banner.hide()
        self._set_progress_idle()
        self.status_label.clear()
        self.device_label.clear()
        if project is not None:
            runs = self._records()
            if runs:
                self._apply_config(runs[0].get('config') or {})
            elif self._training() is not None:
                counts = self._counts()
                n = sum(counts.values())
                if n:
                    cfg = self._training().recommend_config(
                        n, max(1, sum(1 for v in counts.values() if v)), self._backbone_name()
                    )
                    self._apply_config(cfg.to_dict())
        self._refresh_runs()
        records = self.run_records()
        if records:  # show the latest run's curves rather than empty plots
            self.select_run(records[0].get('id'))
        self._update_state()

    def project(self):
        return self._project

    def _counts(self) -> dict[str, int]:
        if self._project is None:
            return {}
        try:
            return dict(self._project.counts())
        except Exception:  # a project being edited elsewhere: show what we can
            return {}

    def _records(self) -> list[dict]:
        """Runs, newest first."""
        records = list(getattr(self._project, 'runs', []) or []) if self._project is not None else []
        ids = {r.get('id') for r in records}
        records += [r for r in self._extra_records if r.get('id') not in ids]
        return sorted(records, key=lambda r: str(r.get('created', '')), reverse=True)

    # ------------------------------------------------------------ state

    def is_busy(self) -> bool:
        return self._worker is not None

    def _update_state(self) -> None:
        busy = self.is_busy()
        counts = self._counts()
        usable = [c for c, n in counts.items() if n]
        can_train = self._project is not None and len(usable) >= 2
        self.start_button.setEnabled(can_train and not busy)
        self.stop_button.setEnabled(busy and not (self._worker and self._worker.cancelled))
        for w in (self.backbone_combo, self.freeze_slider, self.head_combo, self.epochs_spin,
                  self.lr_spin, self.batch_spin, self.schedule_combo, self.augment_check,
                  self.jitter_check, self.erasing_check,
                  self.recommend_button, self.advanced_box):
            w.setEnabled(not busy)
        self.ensemble_check.setEnabled(not busy and self._ensemble_possible())
        self.prior_check.setEnabled(not busy and self.freeze_slider.value() == 0)
        self.runs_table.setEnabled(not busy)
        if self._project is None:
            self.summary_label.setText('Open or create a project on the Start page to train a model.')
        elif not can_train:
            self.summary_label.setText(
                '<b>Nothing to train yet.</b> Add at least 2 classes with photos on the Data page, '
                'then click Train.'
            )
        else:
            n = sum(counts.values())
            self.summary_label.setText(
                f'<b>{self._project.name}</b>: {n} photos in {len(usable)} classes. '
                'Choose a backbone and settings, then click <b>Train</b>.'
            )
        self._update_run_buttons()

    def _update_run_buttons(self) -> None:
        record = self.selected_run()
        has_model = record is not None and self._model_path(record) is not None
        self.predict_button.setEnabled(has_model and not self.is_busy())
        self.export_button.setEnabled(has_model and not self.is_busy())

    # ------------------------------------------------------------ training

    @Slot()
    def _on_start_button_clicked(self) -> None:
        self.start_training()

    def start_training(self) -> bool:
        """Start a run with the form's settings; False (and a message) if it cannot start."""
        if self.is_busy() or self._project is None:
            return False
        self.error_banner.hide()
        self.overfit_banner.hide()
        self.message_banner.hide()
        d = self.config_dict()
        training = self._training()
        try:
            config = training.TrainConfig.from_dict(d) if training else d
            if hasattr(config, 'validate'):
                config.validate()
            job = self._make_job(self._project, config)
        except (ValueError, KeyError) as exc:
            self.error_banner.show_text(f'Cannot start training: {exc}')
            return False
        _remember_backbone(d.get('backbone'))
        self._history = []
        self._run_info = None
        self.plots.reset()
        self.plots.clearFocus()
        self.runs_table.clearSelection()
        self.progress_bar.setRange(0, 0)  # busy until the first event
        self.progress_bar.setFormat('%p%')
        self.status_label.setText('Starting…')
        self.device_label.clear()
        worker = Worker(job)
        worker.progressed.connect(self._on_worker_progressed)
        worker.returned.connect(self._on_worker_returned)
        worker.errored.connect(self._on_worker_errored)
        worker.finished.connect(self._on_worker_finished)
        self._worker = worker
        self._thread = start_worker(worker)
        self._update_state()
        self.busy_changed.emit(True)
        return True

    @Slot()
    def _on_stop_button_clicked(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            self.status_label.setText('Stopping after the current batch… the best model so far is kept.')
        self._update_state()

    @Slot()
    def _on_cancel_download_button_clicked(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            self.status_label.setText('Cancelling the download…')
        self.cancel_download_button.setEnabled(False)
        self._update_state()

    @Slot(object)
    def _on_worker_progressed(self, ev) -> None:
        if isinstance(ev, BatchEnded):
            self._on_batch_ended(ev)
            return
        self._flush_batch_status()
        if isinstance(ev, EpochEnded):
            self._on_epoch_ended(ev)
        elif isinstance(ev, StageProgress):
            self._on_stage_progress(ev)
        elif isinstance(ev, EpochStarted):
            info = self._run_info
            if info is not None:
                self.progress_bar.setRange(0, max(1, info.epochs * info.steps_per_epoch))
            self.cancel_download_button.hide()
            self.status_label.setText(f'Epoch {ev.epoch + 1} of {ev.epochs} (learning rate {ev.lr:g})…')
        elif isinstance(ev, RunStarted):
            self._run_info = ev
            self.device_label.setText(f'Training on: <b>{ev.device}</b>')
            val = f', {ev.n_val} for validation' if ev.n_val else ', no validation split'
            self.status_label.setText(
                f'{ev.backbone}: {ev.n_train} photos for training{val}; '
                f'{len(ev.classes)} classes, {ev.epochs} epochs.'
            )
        elif isinstance(ev, Message):
            text = ev.text if ev.level != 'warning' else f'⚠ {ev.text}'
            prev = self.message_banner.text() if self.message_banner.isVisible() else ''
            self.message_banner.show_text(f'{prev}<br>{text}' if prev else text)
        elif isinstance(ev, RunEnded):
            self.cancel_download_button.hide()
            self.plots.flush()
            if ev.error:
                self.status_label.setText('Training failed.')
            else:
                acc = f'{ev.best_val_acc * 100:.1f}%' if ev.best_val_acc is not None else 'n/a'
                what = 'Stopped' if ev.cancelled else 'Finished'
                self.status_label.setText(
                    f'{what} after {format_duration(ev.seconds)}. Best validation accuracy: {acc}'
                    + (f' (epoch {ev.best_epoch + 1}).' if ev.best_epoch is not None else '.')
                )
            if not ev.cancelled and ev.error is None:
                self.progress_bar.setRange(0, 1)
                self.progress_bar.setValue(1)
                self.progress_bar.setFormat('Done')

    def _on_stage_progress(self, ev: StageProgress) -> None:
        total = max(1, ev.total)
        self.progress_bar.setRange(0, total)
        self.progress_bar.setValue(min(ev.done, total))
        if ev.stage == 'weights':
            mb = 1024 * 1024
            self.progress_bar.setFormat(f'{ev.done / mb:.1f} of {ev.total / mb:.0f} MB')
            self.cancel_download_button.setVisible(ev.done < ev.total)
            self.cancel_download_button.setEnabled(not (self._worker and self._worker.cancelled))
            self.status_label.setText(ev.text or 'Downloading the backbone\'s weights…')
            return
        self.cancel_download_button.hide()
        self.progress_bar.setFormat('%p%')
        parts = [ev.text or ev.stage.capitalize(), f'{ev.done} of {ev.total}']
        if ev.images_per_s:
            parts.append(f'{ev.images_per_s:.0f} photos/s')
        if ev.eta_s:
            parts.append(f'about {format_duration(ev.eta_s)} left')
        self.status_label.setText(' · '.join(parts))

    def _on_batch_ended(self, ev: BatchEnded) -> None:
        steps = max(1, ev.steps)
        self.plots.add_batch(ev.loss, x=ev.epoch + (ev.step + 1) / steps)
        # The progress text is redrawn at most ~30 times a second, like the plots.
        self._pending_batch = ev
        if not self._status_timer.isActive():
            self._status_timer.start()

    @Slot()
    def _on_status_timer_timeout(self) -> None:
        self._flush_batch_status()

    def _flush_batch_status(self) -> None:
        """Show the latest batch's progress now (also before any other event, to keep order)."""
        self._status_timer.stop()
        ev, self._pending_batch = self._pending_batch, None
        if ev is None:
            return
        steps = max(1, ev.steps)
        info = self._run_info
        epochs = info.epochs if info is not None else ev.epoch + 1
        total = max(1, epochs * steps)
        if self.progress_bar.maximum() != total:
            self.progress_bar.setRange(0, total)
        self.progress_bar.setValue(min(total, ev.epoch * steps + ev.step + 1))
        self.progress_bar.setFormat('%p%')
        self.status_label.setText(
            f'Epoch {ev.epoch + 1} of {epochs} · batch {ev.step + 1} of {steps} · '
            f'{ev.images_per_s:.0f} photos/s · about {format_duration(ev.eta_s)} left'
        )

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
    def _on_worker_returned(self, record) -> None:
        if isinstance(record, dict):
            ids = {r.get('id') for r in getattr(self._project, 'runs', []) or []}
            if record.get('id') not in ids:
                self._extra_records.append(record)
            self._refresh_runs(select_id=record.get('id'))
            self.run_finished.emit(record)

    @Slot(object)
    def _on_worker_errored(self, exc) -> None:
        text = str(exc) or type(exc).__name__
        if type(exc).__name__ == 'Cancelled':
            text = 'Training was cancelled before it began.'
            self.status_label.setText(text)
            return
        self.error_banner.show_text(f'<b>Training stopped with an error.</b> {text}')
        self.status_label.setText('Training failed.')

    @Slot()
    def _on_worker_finished(self) -> None:
        self._flush_batch_status()
        self._worker = None
        self._thread = None
        self.cancel_download_button.hide()
        self.cancel_download_button.setEnabled(True)
        if self.progress_bar.maximum() == 0:  # never got an event
            self._set_progress_idle()
        self._update_state()
        self.busy_changed.emit(False)

    def _set_progress_idle(self) -> None:
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat('Not training')

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Cancel a running job and wait for its thread; True when nothing runs any more."""
        deadline = time.monotonic() + timeout_ms / 1000
        if self._worker is not None:
            self._worker.cancel()
        ok = True
        # the parameter counters are short and do not poll; wait for them too
        for thread in [self._thread, *self._param_threads.values()]:
            if thread is None:
                continue
            left = max(0, int((deadline - time.monotonic()) * 1000))
            try:
                ok = bool(thread.wait(left)) and ok
            except RuntimeError:  # already deleted: it has stopped
                continue
        if ok and self._worker is not None:
            # the queued 'finished' slot has not run yet (the event loop was
            # blocked in wait()): settle now, so the page accepts a new project
            self._on_worker_finished()
        return ok

    # ------------------------------------------------------------ runs

    def _refresh_runs(self, select_id: str | None = None) -> None:
        records = self._records()
        self._shown_records = records
        table = self.runs_table
        table.blockSignals(True)
        table.setRowCount(len(records))
        for row, r in enumerate(records):
            cfg = r.get('config') or {}
            acc = r.get('best_val_acc')
            depth = cfg.get('freeze_depth', 0)
            created = str(r.get('created', ''))
            try:
                when = datetime.fromisoformat(created).astimezone().strftime('%d %b %H:%M')
            except ValueError:
                when = created
            if r.get('cancelled'):
                result = 'stopped'
            elif r.get('model_path'):
                result = 'finished'
            else:
                result = 'no model'
            n_epochs = len(r.get('history') or [])
            cells = [
                when,
                short_backbone_name(r.get('backbone') or cfg.get('backbone', '?')),
                'head only' if not depth else f'head + {depth} stages',
                f'{acc * 100:.1f}%' if isinstance(acc, (int, float)) else 'no validation',
                f'{n_epochs} of {cfg.get("epochs", n_epochs)}',
                format_duration(r.get('seconds')),
                result,
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(str(text))
                if col == 0:
                    item.setData(Qt.ItemDataRole.UserRole, r.get('id'))
                    item.setToolTip(f'Run {r.get("id")}, {created}')
                if col in (3, 4, 5):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, col, item)
        table.blockSignals(False)
        self.runs_empty_label.setVisible(not records)
        table.setVisible(bool(records))
        if select_id is not None:
            for row, r in enumerate(records):
                if r.get('id') == select_id:
                    table.blockSignals(True)
                    table.selectRow(row)
                    table.blockSignals(False)
        self._update_run_buttons()

    def run_records(self) -> list[dict]:
        """The runs as listed, newest first."""
        return list(getattr(self, '_shown_records', []))

    def selected_run(self) -> dict | None:
        rows = self.runs_table.selectionModel().selectedRows() if self.runs_table.selectionModel() else []
        if not rows:
            return None
        records = self.run_records()
        i = rows[0].row()
        return records[i] if 0 <= i < len(records) else None

    def select_run(self, run_id: str) -> None:
        """Select a run in the list (shows its curves and settings)."""
        for row, r in enumerate(self.run_records()):
            if r.get('id') == run_id:
                self.runs_table.selectRow(row)
                return

    def _model_path(self, record: dict) -> Path | None:
        rel = record.get('model_path')
        if not rel:
            return None
        path = Path(rel)
        if not path.is_absolute() and self._project is not None:
            path = Path(self._project.root) / path
        return path if path.is_file() else None

    @Slot()
    def _on_runs_table_selection_changed(self) -> None:
        record = self.selected_run()
        self._update_run_buttons()
        if record is None or self.is_busy():
            return
        self.plots.set_history(record.get('history') or [], record.get('best_epoch'))
        self._apply_config(record.get('config') or {})
        self.overfit_banner.hide()
        warning = overfitting_warning(record.get('history') or [])
        if warning:
            self.overfit_banner.show_text(warning)
        acc = record.get('best_val_acc')
        acc_text = f'{acc * 100:.1f}%' if isinstance(acc, (int, float)) else 'n/a (no validation photos)'
        self.status_label.setText(
            f'Showing run {record.get("id")}: best validation accuracy {acc_text}, '
            f'{format_duration(record.get("seconds"))} on {record.get("device", "?")}. '
            'Its settings are in the form.'
        )

    @Slot()
    def _on_predict_button_clicked(self) -> None:
        record = self.selected_run()
        path = self._model_path(record) if record else None
        if path is not None:
            self.predict_requested.emit(path)

    @Slot()
    def _on_export_button_clicked(self) -> None:
        record = self.selected_run()
        path = self._model_path(record) if record else None
        if path is None:
            return
        from petcognizer.gui.export_dialog import ExportDialog

        self._export_dialog = ExportDialog(path, run=record, parent=self)
        self._export_dialog.open()
