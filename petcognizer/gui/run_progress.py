"""The progress of a training run as text and a bar: stages, epochs, batches, the end.

:class:`RunProgress` renders the core's events (:mod:`petcognizer.core.events`)
of one run. Batch events can come hundreds of times a second; their text is
redrawn at most about 30 times a second, and the latest pending batch is
always shown before any other event, so the order on screen is the order of
the run.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal, Slot
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

__all__ = ['RunProgress']


class RunProgress(QWidget):
    """A progress bar with "Cancel download", and a status line under it.

    Signals:
        cancel_download_clicked(): the user wants the weights download to stop.
    """

    cancel_download_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.run_info: RunStarted | None = None
        self._pending_batch: BatchEnded | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(33)
        self._timer.timeout.connect(self._on_timer_timeout)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(True)
        row.addWidget(self.progress_bar, 1)
        self.cancel_download_button = QPushButton('Cancel download')
        self.cancel_download_button.clicked.connect(self._on_cancel_download_button_clicked)
        self.cancel_download_button.hide()
        row.addWidget(self.cancel_download_button)
        col.addLayout(row)
        self.status_label = QLabel()
        self.status_label.setStyleSheet('color: #333;')
        col.addWidget(self.status_label)
        self.set_idle()

    def set_idle(self) -> None:
        """Nothing trains."""
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat('Not training')

    def set_starting(self) -> None:
        """A run was asked for: busy until its first event."""
        self.run_info = None
        self._pending_batch = None
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setFormat('%p%')
        self.status_label.setText('Starting…')

    def ended(self) -> None:
        """The run's job ended (whatever way)."""
        self.flush()
        self.cancel_download_button.hide()
        self.cancel_download_button.setEnabled(True)
        if self.progress_bar.maximum() == 0:  # never got an event
            self.set_idle()

    # ------------------------------------------------------------ events

    def show_run_started(self, ev: RunStarted) -> None:
        self.run_info = ev
        val = f', {ev.n_val} for validation' if ev.n_val else ', no validation split'
        self.status_label.setText(
            f'{ev.backbone}: {ev.n_train} photos for training{val}; '
            f'{len(ev.classes)} classes, {ev.epochs} epochs.'
        )

    def show_epoch_started(self, ev: EpochStarted) -> None:
        info = self.run_info
        if info is not None:
            self.progress_bar.setRange(0, max(1, info.epochs * info.steps_per_epoch))
        self.cancel_download_button.hide()
        self.status_label.setText(f'Epoch {ev.epoch + 1} of {ev.epochs} (learning rate {ev.lr:g})…')

    def show_stage(self, ev: StageProgress, can_cancel: bool = True) -> None:
        total = max(1, ev.total)
        self.progress_bar.setRange(0, total)
        self.progress_bar.setValue(min(ev.done, total))
        if ev.stage == 'weights':
            mb = 1024 * 1024
            self.progress_bar.setFormat(f'{ev.done / mb:.1f} of {ev.total / mb:.0f} MB')
            self.cancel_download_button.setVisible(ev.done < ev.total)
            self.cancel_download_button.setEnabled(can_cancel)
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

    def show_batch(self, ev: BatchEnded) -> None:
        """Show ``ev`` within about 33 ms (the latest batch wins)."""
        self._pending_batch = ev
        if not self._timer.isActive():
            self._timer.start()

    def show_run_ended(self, ev: RunEnded) -> None:
        self.cancel_download_button.hide()
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

    def flush(self) -> None:
        """Show the latest batch's progress now (also before any other event, to keep order)."""
        self._timer.stop()
        ev, self._pending_batch = self._pending_batch, None
        if ev is None:
            return
        steps = max(1, ev.steps)
        info = self.run_info
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

    @Slot()
    def _on_timer_timeout(self) -> None:
        self.flush()

    @Slot()
    def _on_cancel_download_button_clicked(self) -> None:
        self.cancel_download_button.setEnabled(False)
        self.cancel_download_clicked.emit()
