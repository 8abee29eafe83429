"""The top of the Train page: what will happen, one choice, a big Train button.

Two choices a pet owner understands, each a recommended configuration
(:func:`config_for_mode`):

* **Quick**: EfficientNet-Lite0 alone, with
  :func:`~petcognizer.core.config.recommend_config`'s settings for the data
  (the whole network frozen, a linear head, the class-name prior).
* **Most accurate**: the same settings with the ensemble of the three bundled
  networks (EfficientNet-Lite0, -Lite1 and -Lite2, their answers averaged), at
  about 3 to 4 times the time. Up to 300 photos this is exactly
  ``recommend_config``'s default.

Everything else is under "Expert settings" (the page's
:class:`~petcognizer.gui.train_settings.TrainSettingsPanel`), whose open or
closed state is remembered per user.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from petcognizer.core.config import ENSEMBLE_BACKBONES, TrainConfig, recommend_config
from petcognizer.core.settings import load_settings, save_settings
from petcognizer.gui.train_estimate import about_text
from PySide6.QtCore import QT_TRANSLATE_NOOP

from petcognizer.gui.i18n import translate

__all__ = [
    'MODES',
    'SimpleTrainPanel',
    'bring_into_view',
    'config_for_mode',
    'expert_settings_open',
    'mode_of',
    'recommended_mode',
    'remember_expert_settings_open',
    'run_sentence',
    'scrolling_column',
]

QUICK, ACCURATE = 'quick', 'accurate'
MODES = {
    QUICK: (QT_TRANSLATE_NOOP('train_simple', 'Quick'), QT_TRANSLATE_NOOP('train_simple', 'One network (EfficientNet-Lite0): recommended settings for your photos '
                     '(frozen backbone, linear head, class-name prior).')),
    ACCURATE: (QT_TRANSLATE_NOOP('train_simple', 'Most accurate'), QT_TRANSLATE_NOOP('train_simple', 'Three networks (EfficientNet-Lite0, -Lite1 and -Lite2, an ensemble) '
                                'whose answers are averaged: the recommended settings plus the ensemble. '
                                'More accurate with few photos; about 3 to 4 times as long.')),
}
MODE_TEXT = {
    QUICK: QT_TRANSLATE_NOOP('train_simple', 'One network: the fastest.'),
    ACCURATE: QT_TRANSLATE_NOOP('train_simple', 'Three networks vote: usually a little more accurate, takes longer.'),
}
_EXPERT_KEY = 'train_expert_open'


def config_for_mode(mode: str, n_images: int, n_classes: int, backbone: str | None = None,
                    advice: Any = None) -> TrainConfig:
    """The settings a choice stands for, for ``n_images`` photos in ``n_classes`` classes.

    ``advice``: the look at these photos (:class:`~petcognizer.gui.train_advice.Advice`);
    when it recommends fine-tuning (photos far from ImageNet), "Most accurate" is that.
    """
    if mode == ACCURATE and advice is not None and advice.fine_tune:
        return TrainConfig.from_dict(advice.config.to_dict())
    if mode == QUICK:
        cfg = recommend_config(n_images, max(1, n_classes), ENSEMBLE_BACKBONES[0])
        cfg.ensemble = False
        return cfg
    name = backbone if backbone in ENSEMBLE_BACKBONES else ENSEMBLE_BACKBONES[0]
    cfg = recommend_config(n_images, max(1, n_classes), name)
    cfg.ensemble = True
    return cfg


def mode_of(config: dict) -> str:
    return ACCURATE if config.get('ensemble') else QUICK


def same_settings(config: dict, want: dict) -> bool:
    """Whether a form's dict holds ``want``'s settings (floats to rounding)."""
    for key, value in want.items():
        if key not in config:
            continue
        got = config[key]
        if isinstance(value, float) and isinstance(got, (int, float)):
            if not math.isclose(value, got, rel_tol=1e-6, abs_tol=1e-9):
                return False
        elif value != got:
            return False
    return True


def recommended_mode(config: dict, n_images: int, n_classes: int, advice: Any = None) -> str | None:
    """The choice whose settings ``config`` (a form's dict) is for this data, or None."""
    if not n_images:
        return None
    modes = (ACCURATE, QUICK) if advice is not None and advice.fine_tune else (mode_of(config),)
    for mode in modes:
        if same_settings(config, config_for_mode(mode, n_images, n_classes, config.get('backbone'),
                                                 advice).to_dict()):
            return mode
    return None


def expert_settings_open() -> bool:
    """Whether this user left "Expert settings" open (a per-user setting; closed at first)."""
    try:
        s = load_settings()
    except (OSError, ValueError):  # settings are a convenience here
        return False
    value = getattr(s, 'expert_settings_open', None)
    if value is None:
        value = s.extra.get(_EXPERT_KEY)
    return bool(value)


def remember_expert_settings_open(is_open: bool) -> None:
    try:
        s = load_settings()
        if hasattr(s, 'expert_settings_open'):
            s.expert_settings_open = bool(is_open)
        else:
            s.extra[_EXPERT_KEY] = bool(is_open)
        save_settings(s)
    except (OSError, ValueError):  # a read-only config folder only loses the preference
        pass


def run_sentence(classes: list[str], n_images: int, seconds: float | None) -> str:
    """``petcognizer will learn 2 kinds (cat, dog) from 12 photos: about 30 s on this computer.``"""
    names = ', '.join(classes[:4]) + (', …' if len(classes) > 4 else '')
    kinds = translate('train_simple', '{len_classes} kinds ({names})').format(len_classes=len(classes), names=names) if names else translate('train_simple', '{len_classes} kinds').format(len_classes=len(classes))
    if seconds is None:
        return translate('train_simple', 'petcognizer will learn to tell {kinds} apart from {n_images} '
                                         'photos.').format(kinds=kinds, n_images=n_images)
    return translate('train_simple', 'petcognizer will learn to tell {kinds} apart from {n_images} photos: '
                                     '{time} on this computer.').format(kinds=kinds, n_images=n_images,
                                                                        time=about_text(seconds, ''))


def scrolling_column(*widgets: QWidget, min_width: int = 360) -> QScrollArea:
    """``widgets`` one under the other in a vertically scrolling column."""
    host = QWidget()
    col = QVBoxLayout(host)
    col.setContentsMargins(0, 0, 8, 0)
    for w in widgets:
        col.addWidget(w)
    col.addStretch(1)
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(host)
    area.setMinimumWidth(min_width)
    return area


def bring_into_view(area: QScrollArea, first: QWidget, header: QWidget) -> None:
    """Scroll ``area`` so that ``first`` (just shown) and the ``header`` above it are in view."""
    area.widget().layout().activate()
    area.ensureWidgetVisible(first, 0, 8)
    area.ensureWidgetVisible(header, 0, 4)
    area.horizontalScrollBar().setValue(0)  # the column scrolls only up and down


class SimpleTrainPanel(QFrame):
    """The sentence, Quick / Most accurate, Train and Stop, and the "Expert settings" switch.

    Signals:
        mode_chosen(str): the user picked a choice (``'quick'`` or ``'accurate'``).
        expert_toggled(bool): "Expert settings" opened (True) or closed.
    """

    mode_chosen = Signal(str)
    expert_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName('ChoiceCard')
        col = QVBoxLayout(self)
        col.setContentsMargins(14, 12, 14, 12)
        col.setSpacing(8)
        self.sentence_label = QLabel()
        self.sentence_label.setObjectName('RunSentence')
        self.sentence_label.setWordWrap(True)
        col.addWidget(self.sentence_label)

        self.mode_group = QButtonGroup(self)
        self.mode_buttons: dict[str, QRadioButton] = {}
        self.mode_notes: dict[str, QLabel] = {}
        for mode, (title, tip) in MODES.items():
            title, tip = translate('train_simple', title), translate('train_simple', tip)
            button = QRadioButton(title)
            button.setToolTip(tip)
            f = button.font()
            f.setBold(True)
            button.setFont(f)
            self.mode_group.addButton(button)
            self.mode_buttons[mode] = button
            col.addWidget(button)
            note = QLabel(translate('train_simple', MODE_TEXT[mode]))
            note.setWordWrap(True)
            note.setToolTip(tip)
            note.setStyleSheet('color: #5f6670; margin-left: 24px;')
            col.addWidget(note)
            self.mode_notes[mode] = note
            button.clicked.connect(self._on_mode_button_clicked)
        self.advice_label = QLabel()
        self.advice_label.setObjectName('AdviceNote')
        self.advice_label.setWordWrap(True)
        self.advice_label.setStyleSheet('color: #5f6670; font-style: italic;')
        self.advice_label.hide()
        col.addWidget(self.advice_label)
        self.custom_label = QLabel(translate('train_simple', 'Using your own settings (see Expert settings). '
                                   'Pick a choice above to go back to the recommended ones.'))
        self.custom_label.setWordWrap(True)
        self.custom_label.setStyleSheet('color: #a15c00;')
        self.custom_label.hide()
        col.addWidget(self.custom_label)

        row = QHBoxLayout()
        self.train_button = QPushButton(translate('train_simple', 'Train'))
        self.train_button.setObjectName('PrimaryButton')  # styled by petcognizer.gui.style
        self.train_button.setProperty('big', True)
        f = self.train_button.font()
        f.setPointSizeF(f.pointSizeF() * 1.3)
        f.setBold(True)
        self.train_button.setFont(f)
        self.train_button.setMinimumHeight(44)
        self.train_button.setMinimumWidth(150)
        self.train_button.setDefault(True)
        row.addWidget(self.train_button, 1)
        self.stop_button = QPushButton(translate('train_simple', 'Stop'))
        self.stop_button.setToolTip(translate('train_simple', 'Stop after the current batch; the best model so far is kept.'))
        self.stop_button.setMinimumHeight(44)
        row.addWidget(self.stop_button)
        col.addLayout(row)

        self.expert_toggle = QToolButton()
        self.expert_toggle.setObjectName('ExpertToggle')
        self.expert_toggle.setText(translate('train_simple', 'Expert settings'))
        self.expert_toggle.setToolTip(translate('train_simple', 'The network (backbone), what trains, head, epochs, learning rate, '
                                      'batch size, augmentation, validation split, device…'))
        self.expert_toggle.setCheckable(True)
        self.expert_toggle.setAutoRaise(True)
        self.expert_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.expert_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.expert_toggle.toggled.connect(self._on_expert_toggle_toggled)
        col.addWidget(self.expert_toggle)

    def mode(self) -> str | None:
        """The checked choice (None while the expert settings are the user's own)."""
        return next((m for m, b in self.mode_buttons.items() if b.isChecked()), None)

    def show_mode(self, mode: str | None) -> None:
        """Check ``mode``'s button, or none (own settings) for None; not a choice by the user."""
        self.mode_group.setExclusive(False)
        for m, b in self.mode_buttons.items():
            b.setChecked(m == mode)
        self.mode_group.setExclusive(True)
        self.custom_label.setVisible(mode is None)

    def show_advice(self, advice: Any, looking: bool, quick_seconds: float | None) -> None:
        """The notes under the choices after the look at the photos (or while it runs)."""
        quick, accurate = self.mode_notes[QUICK], self.mode_notes[ACCURATE]
        if advice is not None and advice.fine_tune:
            accurate.setText(translate('train_simple', 'The network itself trains, as your photos are '
                                       'unlike everyday photos: {time} on this computer.').format(
                time=about_text(advice.seconds or 0.0, '')))
            accurate.setToolTip(advice.sentence)
            quick.setText(translate('train_simple', 'Only its last layer trains: {time}.').format(
                time=about_text(quick_seconds, '') if quick_seconds else '?'))
            self.advice_label.setText(translate('train_simple', 'Recommended for these photos: Most accurate.'))
        else:
            accurate.setText(translate('train_simple', MODE_TEXT[ACCURATE]))
            accurate.setToolTip(translate('train_simple', MODES[ACCURATE][1]))
            quick.setText(translate('train_simple', MODE_TEXT[QUICK]))
            self.advice_label.setText(translate('train_simple', 'Looking at your photos to choose the '
                                                'settings…') if looking else '')
        self.advice_label.setVisible(bool(self.advice_label.text()))

    def set_busy(self, busy: bool) -> None:
        for b in self.mode_buttons.values():
            b.setEnabled(not busy)

    @Slot()
    def _on_mode_button_clicked(self) -> None:
        mode = self.mode()
        self.custom_label.hide()
        if mode is not None:
            self.mode_chosen.emit(mode)

    @Slot(bool)
    def _on_expert_toggle_toggled(self, on: bool) -> None:
        self.expert_toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.expert_toggled.emit(on)
