"""The Train page's form: a :class:`~petcognizer.core.config.TrainConfig` as widgets.

The parameter count of each backbone stage comes from the engine process (job
``'stage_params'``: it builds the network with random weights), once per
backbone and session (:data:`STAGE_PARAMS_CACHE`).
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QColor, QValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from petcognizer.core import backbones
from petcognizer.core.config import ENSEMBLE_BACKBONES, TrainConfig, recommend_config, settle_members
from petcognizer.core.settings import load_settings, save_settings
from petcognizer.gui.engine import EngineWorker
from petcognizer.gui.formatting import format_params
from petcognizer.gui.stage_diagram import StageDiagramWidget
from PySide6.QtCore import QT_TRANSLATE_NOOP

from petcognizer.gui.i18n import translate

__all__ = ['STAGE_PARAMS_CACHE', 'LearningRateSpinBox', 'TrainSettingsPanel', 'remember_backbone']

#: backbone name -> parameter count of each stage (input to output).
STAGE_PARAMS_CACHE: dict[str, tuple[int, ...]] = {}

HEAD_LABELS = {
    'linear': QT_TRANSLATE_NOOP('train_settings', 'Linear (fastest; best with few photos)'),
    'gap-dropout': QT_TRANSLATE_NOOP('train_settings', 'Pooling + dropout + linear'),
    'fc-dropout': QT_TRANSLATE_NOOP('train_settings', 'Hidden layer + dropout'),
    'prototype': QT_TRANSLATE_NOOP('train_settings', 'Nearest class mean (frozen backbone)'),
}
SCHEDULE_LABELS = {
    'single': QT_TRANSLATE_NOOP('train_settings', 'All at once'),
    'unfreeze': QT_TRANSLATE_NOOP('train_settings', 'Unfreeze gradually (head first)'),
}
DEVICE_LABELS = {
    'auto': QT_TRANSLATE_NOOP('train_settings', 'Automatic (GPU if there is one)'),
    'cpu': QT_TRANSLATE_NOOP('train_settings', 'CPU'),
    'cuda': QT_TRANSLATE_NOOP('train_settings', 'NVIDIA GPU (CUDA)'),
    'mps': QT_TRANSLATE_NOOP('train_settings', 'Apple GPU (MPS)'),
}


#: The core's fixed weight states (core.backbones.weights_status), listed for lupdate: translated by
#: lookup; the templated ones (a missing package, a damaged file) stay English.
_CORE_STATUS = (QT_TRANSLATE_NOOP('core', 'bundled'), QT_TRANSLATE_NOOP('core', 'downloaded'),
                QT_TRANSLATE_NOOP('core', 'random weights (tests)'))


def _last_backbone() -> str | None:
    """The backbone of the user's last run, if it is still registered."""
    name = load_settings().last_backbone
    try:
        backbones.get_backbone(name)
    except (KeyError, TypeError):
        return None
    return name


def remember_backbone(name: str | None) -> None:
    """Make ``name`` the backbone a new project starts with (a per-user setting)."""
    if not name:
        return
    s = load_settings()
    if s.last_backbone != name:
        s.last_backbone = name
        try:
            save_settings(s)
        except OSError:
            pass  # a read-only config folder only loses the preference


class LearningRateSpinBox(QDoubleSpinBox):
    """A learning-rate box shown as ``0.003``; the arrows halve or double it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDecimals(7)
        self.setRange(1e-6, 1.0)
        self.setValue(3e-3)

    def textFromValue(self, value: float) -> str:
        return f'{value:g}'

    def valueFromText(self, text: str) -> float:
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):
        try:
            v = float(text)
        except ValueError:
            return QValidator.State.Intermediate, text, pos
        ok = self.minimum() <= v <= self.maximum()
        return (QValidator.State.Acceptable if ok else QValidator.State.Intermediate), text, pos

    def stepBy(self, steps: int) -> None:
        self.setValue(self.value() * (2.0**steps))


# ------------------------------------------------------------------ the page

class TrainSettingsPanel(QWidget):
    """The Train page's expert form: backbone, what trains, and every :class:`TrainConfig` setting.

    The page puts it in its scrolling left column, under "Expert settings".

    Signals:
        edited(): the user changed a setting by hand (not :meth:`set_config`).
    """

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filling = False
        self._busy = False
        self._param_workers: dict[str, EngineWorker] = {}
        # the last config's fields that have no widget (refit_all, start_from_epoch, ...)
        self._beyond_form: dict[str, Any] = {}
        self._build_ui()
        self._fill_backbones()
        defaults = TrainConfig().to_dict()
        last = _last_backbone()
        if last:  # the backbone chosen last time, for a new project (settings persist per user)
            defaults['backbone'] = last
        self.set_config(defaults)
        self._connect_edits()

    def _build_ui(self) -> None:
        form_col = QVBoxLayout(self)
        form_col.setContentsMargins(0, 0, 0, 0)

        self.first_box = bb_box = QGroupBox(translate('train_settings', 'Network (the pretrained backbone)'))
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

        fr_box = QGroupBox(translate('train_settings', 'What trains'))
        fr_lay = QVBoxLayout(fr_box)
        row = QHBoxLayout()
        row.addWidget(QLabel(translate('train_settings', 'Frozen')))
        self.freeze_slider = QSlider(Qt.Orientation.Horizontal)
        self.freeze_slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.freeze_slider.setPageStep(1)
        self.freeze_slider.valueChanged.connect(self._on_freeze_slider_changed)
        self.freeze_slider.setToolTip(
            translate('train_settings', 'How many of the backbone\'s top stages train. Left: only the new head trains '
            '(fast, best with few photos). Right: the whole network trains (slow, needs many photos).')
        )
        row.addWidget(self.freeze_slider, 1)
        row.addWidget(QLabel(translate('train_settings', 'Trains')))
        fr_lay.addLayout(row)
        self.freeze_label = QLabel()
        fr_lay.addWidget(self.freeze_label)
        self.stage_diagram = StageDiagramWidget()
        fr_lay.addWidget(self.stage_diagram)
        self.params_label = QLabel()
        self.params_label.setStyleSheet('color: #555;')
        fr_lay.addWidget(self.params_label)
        form_col.addWidget(fr_box)

        set_box = QGroupBox(translate('train_settings', 'Training'))
        form = QFormLayout(set_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.head_combo = QComboBox()
        for key, text in HEAD_LABELS.items():
            text = translate('train_settings', text)
            self.head_combo.addItem(text, key)
        form.addRow(translate('train_settings', 'Head:'), self.head_combo)
        self.epochs_spin = QSpinBox()
        self.epochs_spin.setRange(1, 1000)
        self.epochs_spin.setSuffix(translate('train_settings', ' epochs'))
        form.addRow(translate('train_settings', 'Length:'), self.epochs_spin)
        self.lr_spin = LearningRateSpinBox()
        self.lr_spin.setToolTip(translate('train_settings', 'Step size of the optimiser (AdamW). The arrows halve or double it.'))
        form.addRow(translate('train_settings', 'Learning rate:'), self.lr_spin)
        self.batch_spin = QSpinBox()
        self.batch_spin.setRange(1, 1024)
        self.batch_spin.setSuffix(translate('train_settings', ' photos'))
        form.addRow(translate('train_settings', 'Batch size:'), self.batch_spin)
        self.schedule_combo = QComboBox()
        for key, text in SCHEDULE_LABELS.items():
            text = translate('train_settings', text)
            self.schedule_combo.addItem(text, key)
        form.addRow(translate('train_settings', 'Schedule:'), self.schedule_combo)
        aug = QVBoxLayout()
        aug.setSpacing(2)
        self.augment_check = QCheckBox(translate('train_settings', 'Random crop and flip'))
        self.jitter_check = QCheckBox(translate('train_settings', 'Colour jitter'))
        self.erasing_check = QCheckBox(translate('train_settings', 'Cutout (random erasing)'))
        for w in (self.augment_check, self.jitter_check, self.erasing_check):
            aug.addWidget(w)
        form.addRow(translate('train_settings', 'Augmentation:'), aug)
        self.prior_check = QCheckBox(translate('train_settings', 'Use class-name knowledge (ImageNet prior)'))
        self.prior_check.setToolTip(
            translate('train_settings', 'When a class name matches ImageNet categories (e.g. "tabby cat"), start from what '
            'the backbone already knows. Only with the whole backbone frozen.')
        )
        form.addRow(self.prior_check)
        self.ensemble_check = QCheckBox(translate('train_settings', 'Ensemble of the 3 bundled backbones'))
        self.ensemble_check.setToolTip(
            translate('train_settings', 'Train a head on EfficientNet-Lite0, -Lite1 and -Lite2 and average their answers: '
            'more accurate with few photos, about 5x the compute.')
        )
        form.addRow(self.ensemble_check)
        self.recommend_button = QPushButton(translate('train_settings', 'Recommended settings'))
        self.recommend_button.setToolTip(translate('train_settings', 'Fill the settings from the number of photos and classes.'))
        form.addRow(self.recommend_button)
        form_col.addWidget(set_box)

        self.advanced_toggle = QToolButton()
        self.advanced_toggle.setText(translate('train_settings', 'More settings'))
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
        adv.addRow(translate('train_settings', 'Weight decay:'), self.wd_spin)
        self.smoothing_spin = QDoubleSpinBox()
        self.smoothing_spin.setRange(0, 0.5)
        self.smoothing_spin.setSingleStep(0.05)
        adv.addRow(translate('train_settings', 'Label smoothing:'), self.smoothing_spin)
        self.dropout_spin = QDoubleSpinBox()
        self.dropout_spin.setRange(0, 0.9)
        self.dropout_spin.setSingleStep(0.05)
        adv.addRow(translate('train_settings', 'Head dropout:'), self.dropout_spin)
        self.val_spin = QSpinBox()
        self.val_spin.setRange(0, 50)
        self.val_spin.setSuffix(translate('train_settings', ' % of photos'))
        self.val_spin.setToolTip(translate('train_settings', 'Photos held back to measure accuracy. 0: train on everything (no validation).'))
        adv.addRow(translate('train_settings', 'Validation:'), self.val_spin)
        self.patience_spin = QSpinBox()
        self.patience_spin.setRange(0, 1000)
        self.patience_spin.setSpecialValueText('off')
        self.patience_spin.setSuffix(translate('train_settings', ' epochs'))
        adv.addRow(translate('train_settings', 'Stop early after:'), self.patience_spin)
        self.warmup_spin = QSpinBox()
        self.warmup_spin.setRange(0, 100)
        self.warmup_spin.setSuffix(translate('train_settings', ' epochs'))
        adv.addRow(translate('train_settings', 'Warm-up:'), self.warmup_spin)
        self.views_spin = QSpinBox()
        self.views_spin.setRange(1, 32)
        self.views_spin.setSuffix(translate('train_settings', ' per photo'))
        self.views_spin.setToolTip(translate('train_settings', 'With augmentation and a frozen backbone (or prefix), this many '
                                   'augmented views of each photo are computed once and reused.'))
        adv.addRow(translate('train_settings', 'Augmented views:'), self.views_spin)
        self.progressive_check = QCheckBox(translate('train_settings', 'Progressive resizing (3/4 size first; all stages training)'))
        self.balance_check = QCheckBox(translate('train_settings', 'Weight classes by their photo counts'))
        self.balance_check.setToolTip(translate(
            'train_settings', 'Off: guesses follow how many photos each class has, best when new photos come in '
                              'the same shares. On: every class counts the same, so a small class is guessed more often.'))
        self.train_bn_check = QCheckBox(translate('train_settings', 'Update BatchNorm statistics in trained stages'))
        for box in (self.progressive_check, self.balance_check, self.train_bn_check):
            adv.addRow(box)
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        adv.addRow(translate('train_settings', 'Random seed:'), self.seed_spin)
        self.device_combo = QComboBox()
        for key, text in DEVICE_LABELS.items():
            text = translate('train_settings', text)
            self.device_combo.addItem(text, key)
        adv.addRow(translate('train_settings', 'Device:'), self.device_combo)
        self.advanced_box.hide()
        form_col.addWidget(self.advanced_box)

    def _connect_edits(self) -> None:
        """Every input reports a change by hand as ``edited``."""
        for combo in (self.backbone_combo, self.head_combo, self.schedule_combo, self.device_combo):
            combo.currentIndexChanged.connect(self._on_input_changed)
        for spin in (self.freeze_slider, self.epochs_spin, self.lr_spin, self.batch_spin, self.wd_spin,
                     self.smoothing_spin, self.dropout_spin, self.val_spin, self.patience_spin,
                     self.warmup_spin, self.views_spin, self.seed_spin):
            spin.valueChanged.connect(self._on_input_changed)
        for box in (self.augment_check, self.jitter_check, self.erasing_check, self.prior_check,
                    self.ensemble_check, self.progressive_check, self.balance_check, self.train_bn_check):
            box.toggled.connect(self._on_input_changed)

    @Slot()
    def _on_input_changed(self, *_args: Any) -> None:
        if not self._filling:
            self.edited.emit()

    def set_busy(self, busy: bool) -> None:
        """While a run trains, the form shows its settings and cannot be changed."""
        self._busy = bool(busy)
        for w in (self.backbone_combo, self.freeze_slider, self.head_combo, self.epochs_spin,
                  self.lr_spin, self.batch_spin, self.schedule_combo, self.augment_check,
                  self.jitter_check, self.erasing_check, self.recommend_button, self.advanced_box):
            w.setEnabled(not busy)
        self.ensemble_check.setEnabled(not busy and self._ensemble_possible())
        self.prior_check.setEnabled(not busy and self.freeze_slider.value() == 0)

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Stop counting parameters; True when nothing runs any more."""
        ok = True
        for worker in list(self._param_workers.values()):
            worker.cancel()
            ok = bool(worker.wait(timeout_ms)) and ok
        return ok

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
        status = translate('core', status)  # the fixed ones are in _CORE_STATUS
        top1 = f', {spec.imagenet_top1:.1f}%' if spec.imagenet_top1 else ''
        unavailable = not ready and spec.source == 'download' and backbones.torchvision_problem()
        if ready:
            short = translate('train_settings', 'ready')
        elif unavailable:  # a build without torchvision (packaging/README.md): no download helps
            short = translate('train_settings', 'not in this build')
        elif spec.download_mb:
            short = translate('train_settings', 'download {download_mb:.0f} MB').format(download_mb=spec.download_mb)
        else:
            short = translate('train_settings', 'not installed')
        text = translate('train_settings', '{name}  ({params_m:g} M{top1}) · {short}').format(name=spec.name, params_m=spec.params_m, top1=top1, short=short)
        self.backbone_combo.addItem(text, spec.name)
        idx = self.backbone_combo.count() - 1
        tip = translate('train_settings', '{family}: {params:g} M parameters, ImageNet top-1 {top1}%. '
                                          '{description}\nWeights: {status}.').format(
            family=spec.family, params=spec.params_m, top1=spec.imagenet_top1 or 'n/a',
            description=spec.description, status=status)
        self.backbone_combo.setItemData(idx, tip, Qt.ItemDataRole.ToolTipRole)
        if not unavailable:  # a disabled item keeps the palette's grey
            color = QColor('#2e7d32') if ready else QColor('#a15c00')
            self.backbone_combo.setItemData(idx, color, Qt.ItemDataRole.ForegroundRole)
        else:
            item = self.backbone_combo.model().item(idx)
            if item is not None:
                item.setEnabled(False)

    def backbone_name(self) -> str:
        """The chosen backbone's registry name."""
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
        """The form's settings as a TrainConfig dict, with the last config's fields the form does
        not show (``refit_all``, ``start_from_epoch``, ``members``...) as that config had them
        (one copy once the form no longer fits copies: ``settle_members``)."""
        merged = {**self._beyond_form, **self._form_dict()}
        return settle_members(TrainConfig.from_dict(merged)).to_dict()

    def _form_dict(self) -> dict:
        return {
            'backbone': self.backbone_name(),
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

    def set_config(self, config: dict | TrainConfig) -> None:
        """Fill the form from a TrainConfig or its dict (unknown keys are ignored; not an edit)."""
        if isinstance(config, TrainConfig):
            config = config.to_dict()
        self._apply_config(dict(config))

    def _apply_config(self, d: dict) -> None:
        known = {f.name for f in fields(TrainConfig)}
        form = self._form_dict().keys()
        self._beyond_form.update((k, v) for k, v in d.items() if k in known and k not in form)
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

        return self.backbone_name() in ENSEMBLE_BACKBONES

    @Slot(int)
    def _on_backbone_combo_changed(self, _index: int) -> None:
        name = self.backbone_name()
        self.ensemble_check.setEnabled(self._ensemble_possible() and not self._busy)
        try:
            spec = backbones.get_backbone(name)
        except KeyError:
            return
        ready, status = backbones.weights_status(spec)
        status = translate('core', status)  # the fixed ones are in _CORE_STATUS
        top1 = f'{spec.imagenet_top1:.1f}%' if spec.imagenet_top1 else 'n/a'
        ready_text = (
            translate('train_settings', '<span style="color:#2e7d32">Ready: {status}</span>').format(status=status) if ready
            else translate('train_settings', '<span style="color:#a15c00">Not on this computer yet: '
                                               '{status} (done automatically when you train)</span>').format(status=status)
        )
        self.backbone_info.setText(
            translate('train_settings', '{family} · {params_m:g} M parameters · ImageNet top-1 {top1} · '
                                          '{input_size} px<br>{ready_text}').format(family=spec.family, params_m=spec.params_m, top1=top1, input_size=spec.input_size, ready_text=ready_text)
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
        name = self.backbone_name()
        d = self.freeze_slider.value()
        n = self.freeze_slider.maximum()
        self.stage_diagram.set_freeze_depth(d)
        if d == 0:
            text = translate('train_settings', 'Only the new head trains (the backbone stays as it is: fast).')
        elif d >= n:
            text = translate('train_settings', 'Everything trains: all {n} stages and the head (slow; '
                                                 'needs many photos).').format(n=n)
        else:
            text = translate('train_settings', 'The head and the top {d} of {n} stages train.').format(d=d, n=n)
        self.freeze_label.setText(text)
        counts = STAGE_PARAMS_CACHE.get(name)
        if counts is None:
            self.params_label.setText(translate('train_settings', 'Counting parameters…'))
        else:
            total = sum(counts)
            trainable = sum(counts[len(counts) - d:]) if d else 0
            self.params_label.setText(
                translate('train_settings', 'Trainable backbone parameters: {format_params_trainable} of '
                                              '{format_params_total} (plus the head)').format(format_params_trainable=format_params(trainable), format_params_total=format_params(total))
            )
        self.prior_check.setEnabled(d == 0 and not self._busy)
        if d:
            self.prior_check.setToolTip(translate('train_settings', 'The class-name prior needs the whole backbone frozen (slider at the left).'))

    def _count_stage_params(self, name: str) -> None:
        """Count each stage's parameters in the engine (a random-weight build: no download)."""
        if name in self._param_workers:
            return
        worker = EngineWorker('stage_params', backbone=name)
        # bound methods: Qt drops the connections when the panel is deleted first
        worker.returned.connect(self._on_param_worker_returned)
        worker.finished.connect(self._on_param_worker_finished)
        self._param_workers[name] = worker
        worker.start()

    def _sender_backbone(self) -> str | None:
        sender = self.sender()
        return next((n for n, w in self._param_workers.items() if w is sender), None)

    @Slot(object)
    def _on_param_worker_returned(self, counts: list[int]) -> None:
        name = self._sender_backbone()
        if name is None:
            return
        STAGE_PARAMS_CACHE[name] = tuple(int(c) for c in counts)
        if name == self.backbone_name():
            self._update_freeze_texts()

    @Slot()
    def _on_param_worker_finished(self) -> None:
        name = self._sender_backbone()
        if name is None:
            return
        del self._param_workers[name]
        if name not in STAGE_PARAMS_CACHE and name == self.backbone_name():
            self.params_label.setText(translate('train_settings', 'Parameter count unavailable.'))

    @Slot(bool)
    def _on_advanced_toggle_toggled(self, on: bool) -> None:
        self.advanced_box.setVisible(on)
        self.advanced_toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)

    def recommend(self, n_images: int, n_classes: int) -> TrainConfig:
        """Fill the form with :func:`~petcognizer.core.config.recommend_config` for this data."""
        cfg = recommend_config(n_images, max(1, n_classes), self.backbone_name())
        self.set_config(cfg)
        return cfg
