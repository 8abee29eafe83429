"""The progress of a training run: its stages, a bar, and a status line with the time left.

:class:`RunProgress` renders the core's events (:mod:`petcognizer.core.events`)
of one run as three stages (reading photos → learning → checking), one bar for
the whole run (an ensemble's three networks included: it never goes back) and a
status line that says "about N s left" from the first second: the estimate of
:mod:`petcognizer.gui.train_estimate` until the job reports its own.

Batch events can come hundreds of times a second; the text is redrawn at most
about 30 times a second (and once a second while nothing reports), and the
latest pending batch is always shown before any other event, so the order on
screen is the order of the run. :attr:`RunProgress.redrawn` fires after each
redraw: the Train page redraws its curves then, so they never lag the text.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from petcognizer.core.events import (
    BatchEnded,
    EpochStarted,
    RunEnded,
    RunStarted,
    StageProgress,
)
from petcognizer.gui.formatting import format_duration
from petcognizer.gui.train_estimate import (
    STAGE_TITLES,
    STAGES,
    Phase,
    RunClock,
    about_text,
)
from petcognizer.gui.i18n import translate

__all__ = ['RunProgress']

_BAR_MAX = 1000
_CHECK_STAGES = ('evaluate', 'predict')


class RunProgress(QWidget):
    """The stages, a progress bar with "Cancel download", and a status line under it.

    Signals:
        cancel_download_clicked(): the user wants the weights download to stop.
        redrawn(): the text and bar were just redrawn.
    """

    cancel_download_clicked = Signal()
    redrawn = Signal()

    def __init__(self, parent: QWidget | None = None, clock=time.monotonic) -> None:
        super().__init__(parent)
        self.run_info: RunStarted | None = None
        self.run_clock: RunClock | None = None
        self._now = clock
        self._pending_batch: BatchEnded | None = None
        self._detail = ''  # what the run does now, without the time left
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(33)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._tick = QTimer(self)  # the time left counts down while nothing reports
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._on_tick_timeout)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(4)
        stages = QHBoxLayout()
        stages.setSpacing(2)
        self.stage_labels: dict[str, QLabel] = {}
        for i, stage in enumerate(STAGES):
            if i:
                arrow = QLabel('→')
                arrow.setStyleSheet('color: #a0a6ad;')
                stages.addWidget(arrow)
            label = QLabel(f'{i + 1}  {translate("train_estimate", STAGE_TITLES[stage])}')
            label.setObjectName('StageLabel')
            label.setProperty('state', 'pending')
            stages.addWidget(label)
            self.stage_labels[stage] = label
        self.stage_labels['read'].setToolTip(translate('run_progress', 'The pretrained network (backbone) computes its features of '
                                             'every photo once; they are cached for the next run.'))
        self.stage_labels['learn'].setToolTip(translate('run_progress', 'A new classifier head learns your classes from those features.'))
        self.stage_labels['check'].setToolTip(translate('run_progress', 'Cross-validation: each photo is judged by a model that did '
                                              'not learn from it, which gives the accuracy and calibration.'))
        stages.addStretch(1)
        self.stages_row = QWidget()
        self.stages_row.setLayout(stages)
        stages.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.stages_row)
        row = QHBoxLayout()
        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(True)
        row.addWidget(self.progress_bar, 1)
        self.cancel_download_button = QPushButton(translate('run_progress', 'Cancel download'))
        self.cancel_download_button.clicked.connect(self._on_cancel_download_button_clicked)
        self.cancel_download_button.hide()
        row.addWidget(self.cancel_download_button)
        col.addLayout(row)
        self.status_label = QLabel()
        self.status_label.setStyleSheet('color: #333;')
        self.status_label.setWordWrap(True)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        col.addWidget(self.status_label)
        self.set_idle()

    # ------------------------------------------------------------ states

    def _set_stage(self, current: str | None, finished: bool = False) -> None:
        reached = False
        for stage in STAGES:
            label = self.stage_labels[stage]
            if finished:
                state = 'done'
            elif stage == current:
                state, reached = 'current', True
            else:
                state = 'pending' if reached or current is None else 'done'
            if label.property('state') != state:
                label.setProperty('state', state)
                label.style().unpolish(label)
                label.style().polish(label)

    def stage(self) -> str | None:
        """The stage shown as current (None when none is)."""
        return next((s for s, lab in self.stage_labels.items() if lab.property('state') == 'current'), None)

    def set_idle(self) -> None:
        """Nothing trains."""
        self._tick.stop()
        self.run_clock = None
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat(translate('run_progress', 'Not training'))
        self.progress_bar.hide()
        self._set_stage(None)
        self.stages_row.hide()

    def set_starting(self, phases: list[Phase] | None = None) -> None:
        """A run was asked for: its plan gives the time left until the job reports its own."""
        self.run_info = None
        self._pending_batch = None
        now = self._now()
        self.run_clock = RunClock(phases or [Phase('read', 0, 5.0), Phase('learn', 0, 1.0),
                                              Phase('check', 0, 2.0)], now)
        self.stages_row.show()
        self.progress_bar.show()
        self._set_stage('read')
        self.progress_bar.setRange(0, _BAR_MAX)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat(translate('run_progress', '%p%'))
        self._detail = translate('run_progress', 'Starting')
        self._tick.start()
        self._draw()

    def ended(self) -> None:
        """The run's job ended (whatever way)."""
        self.flush()
        self._tick.stop()
        self.cancel_download_button.hide()
        self.cancel_download_button.setEnabled(True)
        if self.run_clock is not None and self.progress_bar.format() != translate('run_progress', 'Done'):
            self.run_clock = None
            self.progress_bar.setFormat(translate('run_progress', 'Stopped'))
            self._set_stage(None)

    # ------------------------------------------------------------ text

    def _members_text(self) -> str:
        clock = self.run_clock
        if clock is None or clock.members < 2 or clock.stage == 'check':
            return ''
        return translate('run_progress', 'network {member} of {members}: ').format(member=clock.phase.member + 1, members=clock.members)

    def _draw(self) -> None:
        """Redraw the bar and the status line from the clock and the latest detail."""
        clock = self.run_clock
        if clock is None:
            return
        now = self._now()
        self._set_stage(clock.stage)
        if self.progress_bar.maximum() == _BAR_MAX:
            self.progress_bar.setValue(round(clock.done_fraction(now) * _BAR_MAX))
        left = about_text(clock.remaining(now))
        self.status_label.setText(f'{self._members_text()}{self._detail} · {left}')
        self.redrawn.emit()

    # ------------------------------------------------------------ events

    def show_run_started(self, ev: RunStarted) -> None:
        self.run_info = ev
        if self.run_clock is None:
            self.set_starting()
        val = translate('run_progress', ', {n_val} kept back to check it').format(n_val=ev.n_val) if ev.n_val else ''
        self._detail = translate('run_progress', 'Reading {n} photos{kept}').format(n=ev.n_train + ev.n_val, kept=val)
        self.status_label.setToolTip(
            f'{ev.backbone}: {ev.n_train} training photos, {ev.n_val} validation photos; '
            f'{len(ev.classes)} classes, {ev.epochs} epochs of {ev.steps_per_epoch} batches; '
            f'head {ev.head}; {ev.freeze_depth} backbone stages train.'
        )
        self._draw()

    def show_epoch_started(self, ev: EpochStarted) -> None:
        self.cancel_download_button.hide()
        if self.run_clock is not None:
            self.run_clock.at('learn', self._now(), fraction=ev.epoch / max(1, ev.epochs))
        self._detail = translate('run_progress', 'Learning: round {epoch} of {epochs}').format(epoch=ev.epoch + 1, epochs=ev.epochs)
        self._draw()

    def show_message(self, text: str) -> None:
        """An info message of the run (an ensemble's next network starts)."""
        if self.run_clock is not None:
            self.run_clock.on_message(text, self._now())
            if self.run_clock.stage == 'read':
                self._detail = translate('run_progress', 'Reading photos')
                self._draw()

    def show_stage(self, ev: StageProgress, can_cancel: bool = True) -> None:
        clock = self.run_clock
        if ev.stage == 'weights':
            total = max(1, ev.total)
            mb = 1024 * 1024
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(min(ev.done, total))
            self.progress_bar.setFormat(translate('run_progress', '{done:.1f} of {total:.0f} MB').format(done=ev.done / mb, total=ev.total / mb))
            self.cancel_download_button.setVisible(ev.done < ev.total)
            self.cancel_download_button.setEnabled(can_cancel)
            self.status_label.setText(ev.text or translate('run_progress', 'Downloading the backbone\'s weights…'))
            if clock is not None:
                clock.at('read', self._now())
            return
        self.cancel_download_button.hide()
        if self.progress_bar.maximum() != _BAR_MAX:
            self.progress_bar.setRange(0, _BAR_MAX)
            self.progress_bar.setFormat(translate('run_progress', '%p%'))
        total = max(1, ev.total)
        fraction = min(ev.done, total) / total
        if ev.stage in _CHECK_STAGES:
            stage, what = 'check', translate('run_progress', 'Checking how good it is')
        elif ev.stage == 'features':
            stage, what = 'read', translate('run_progress', 'Reading photos')
        else:
            stage, what = None, ev.text or ev.stage.capitalize()
        if clock is not None and stage is not None:
            clock.at(stage, self._now(), fraction=fraction, eta_s=ev.eta_s or None)
        self._detail = f'{what}: {min(ev.done, ev.total)} of {ev.total}'
        if clock is not None and stage == 'read' and ev.done >= ev.total and ev.total:
            clock.at('learn', self._now())  # the network learns next (an ensemble's others silently)
            self._detail = translate('run_progress', 'Learning')
        self.status_label.setToolTip(' · '.join(
            [ev.text or ev.stage] + ([translate('run_progress', '{images_per_s:.0f} photos/s').format(images_per_s=ev.images_per_s)] if ev.images_per_s else [])))
        self._draw()

    def show_batch(self, ev: BatchEnded) -> None:
        """Show ``ev`` within about 33 ms (the latest batch wins)."""
        self._pending_batch = ev
        if not self._timer.isActive():
            self._timer.start()

    def show_run_ended(self, ev: RunEnded) -> None:
        self._tick.stop()
        self.cancel_download_button.hide()
        if ev.error:
            self.status_label.setText(translate('run_progress', 'Training failed.'))
        else:
            what = translate('run_progress', 'Stopped') if ev.cancelled else translate('run_progress', 'Finished')
            acc = (translate('run_progress', ' Accuracy on the photos kept back: {percent:.1f}%').format(percent=ev.best_val_acc * 100)
                   + (translate('run_progress', ' (round {epoch}).').format(epoch=ev.best_epoch + 1) if ev.best_epoch is not None else '.')
                   if ev.best_val_acc is not None else '')
            self.status_label.setText(translate('run_progress', '{what} after '
                                                                  '{duration}.{acc}').format(what=what, duration=format_duration(ev.seconds), acc=acc))
        self.run_clock = None
        if not ev.cancelled and ev.error is None:
            self.progress_bar.setRange(0, 1)
            self.progress_bar.setValue(1)
            self.progress_bar.setFormat(translate('run_progress', 'Done'))
            self._set_stage(None, finished=True)
        self.redrawn.emit()

    def flush(self) -> None:
        """Show the latest batch's progress now (also before any other event, to keep order)."""
        self._timer.stop()
        ev, self._pending_batch = self._pending_batch, None
        if ev is None:
            return
        steps = max(1, ev.steps)
        info = self.run_info
        epochs = info.epochs if info is not None else ev.epoch + 1
        if self.run_clock is None:
            self.set_starting()
        clock = self.run_clock
        clock.at('learn', self._now(), fraction=(ev.epoch * steps + ev.step + 1) / max(1, epochs * steps),
                 eta_s=ev.eta_s or None)
        self._detail = translate('run_progress', 'Learning: round {epoch} of {epochs}').format(epoch=ev.epoch + 1, epochs=epochs)
        self.status_label.setToolTip(translate('run_progress', 'Epoch {epoch} of {epochs} · batch {batch} '
                                                                 'of {steps} · {images_per_s:.0f} photos/s · '
                                                                 'loss {loss:.3f}').format(epoch=ev.epoch + 1, epochs=epochs, batch=ev.step + 1, steps=steps, images_per_s=ev.images_per_s, loss=ev.loss))
        self._draw()

    @Slot()
    def _on_timer_timeout(self) -> None:
        self.flush()

    @Slot()
    def _on_tick_timeout(self) -> None:
        if self._pending_batch is None:
            self._draw()

    @Slot()
    def _on_cancel_download_button_clicked(self) -> None:
        self.cancel_download_button.setEnabled(False)
        self.cancel_download_clicked.emit()
