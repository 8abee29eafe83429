"""The pyqtgraph curves behind :class:`petcognizer.gui.plots.TrainingPlots`.

Loss per batch (smoothed) and loss/accuracy per epoch.

Curves are created once and updated with ``setData`` (pyqtgraph's
``scrollingPlots`` pattern). Adding a point only appends to a list and marks the
plots dirty; a single-shot timer redraws at most ``max_fps`` times a second, so a
fast job that reports hundreds of batches a second never stalls the GUI.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget
from PySide6.QtCore import QT_TRANSLATE_NOOP

from petcognizer.gui.i18n import translate

__all__ = ['TrainingCurves', 'ema']

pg.setConfigOptions(antialias=True, background='w', foreground='#333')

TRAIN_COLOR = '#1f77b4'
VAL_COLOR = '#d62728'


def ema(values: np.ndarray | list[float], beta: float = 0.9) -> np.ndarray:
    """Exponential moving average with bias correction (fastai's smooth loss)."""
    out = np.empty(len(values), dtype=float)
    avg = 0.0
    for i, v in enumerate(values):
        avg = beta * avg + (1 - beta) * float(v)
        out[i] = avg / (1 - beta ** (i + 1))
    return out


class TrainingCurves(QWidget):
    """Two plots side by side: loss (batches and epochs) and accuracy (epochs).

    The x axis is in epochs: batch ``step`` of epoch ``e`` sits at
    ``e + (step + 1) / steps``, and epoch ``e``'s results at ``e + 1``, so batch
    and epoch curves line up. The legend is a line of text under the plots (it
    never covers a curve or an axis label); with nothing to plot and no run
    going, a hint takes the plots' place instead of covering them.

    Args:
        parent: the parent widget.
        max_fps: most redraws per second.
    """

    beta = 0.9

    def __init__(self, parent=None, max_fps: float = 30.0) -> None:
        super().__init__(parent)
        self.setMinimumHeight(220)
        self._training = False
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setToolTip(
            translate('curves', 'Left: the loss (cross-entropy) on the training photos per batch and per epoch, and on the '
            'validation photos; lower is better.\nRight: the share of photos named right (accuracy). '
            'One round is one epoch: every training photo seen once.')
        )
        col.addWidget(self.graphics, 1)
        self._loss_plot = self.graphics.addPlot(row=0, col=0, title=translate('curves', 'Mistakes (lower is better)'))
        self._acc_plot = self.graphics.addPlot(row=0, col=1, title=translate('curves', 'Photos named right'))
        for plot in (self._loss_plot, self._acc_plot):
            plot.showGrid(x=True, y=True, alpha=0.15)
            plot.setLabel('bottom', translate('curves', 'round'))
            plot.setDownsampling(mode='peak')
            plot.setClipToView(True)
            for side in ('left', 'bottom'):
                plot.getAxis(side).enableAutoSIPrefix(False)  # no "(x0.001)" on a loss axis
        self._acc_plot.setLabel('left', '%')
        self._acc_plot.setYRange(0, 100, padding=0.02)
        self._loss_plot.setLabel('left', translate('curves', 'loss'))

        faint = QColor(TRAIN_COLOR)
        faint.setAlpha(60)
        self.raw_batch_curve = self._loss_plot.plot(pen=pg.mkPen(faint, width=1))
        self.batch_curve = self._loss_plot.plot(pen=pg.mkPen(TRAIN_COLOR, width=2))
        self.train_loss_curve = self._loss_plot.plot(
            pen=pg.mkPen(TRAIN_COLOR, width=1.5, style=pg.QtCore.Qt.PenStyle.DashLine),
            symbol='o', symbolSize=5, symbolBrush=TRAIN_COLOR,
        )
        self.val_loss_curve = self._loss_plot.plot(
            pen=pg.mkPen(VAL_COLOR, width=2), symbol='o', symbolSize=5, symbolBrush=VAL_COLOR,
        )
        self.train_acc_curve = self._acc_plot.plot(
            pen=pg.mkPen(TRAIN_COLOR, width=2), symbol='o', symbolSize=5, symbolBrush=TRAIN_COLOR,
        )
        self.val_acc_curve = self._acc_plot.plot(
            pen=pg.mkPen(VAL_COLOR, width=2), symbol='o', symbolSize=5, symbolBrush=VAL_COLOR,
        )
        self._best_line = pg.InfiniteLine(
            angle=90, pen=pg.mkPen('#2ca02c', width=1, style=pg.QtCore.Qt.PenStyle.DotLine)
        )
        self._best_line.setVisible(False)
        self._acc_plot.addItem(self._best_line)

        self.legend_label = QLabel()
        self.legend_label.setWordWrap(True)
        self.legend_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.legend_label.setStyleSheet('color: #444;')
        self.legend_label.setToolTip(
            translate('curves', 'Blue: training photos (per batch, smoothed; dashed: per epoch). Red: validation photos, '
            'which the model does not learn from. Green: the epoch whose model is kept.')
        )
        col.addWidget(self.legend_label)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(1, int(1000 / max_fps)))
        self._timer.timeout.connect(self._on_timer_timeout)
        self.redraws = 0
        self.empty_label = QLabel(translate('curves', self.EMPTY_TEXT))
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet('QLabel { color: #666; padding: 8px; }')
        col.addWidget(self.empty_label, 1)
        self.reset()

    EMPTY_TEXT = QT_TRANSLATE_NOOP('curves', 'The training curves appear here while a model trains.')

    def set_empty_text(self, text: str) -> None:
        """The hint shown while there is nothing to plot."""
        self.empty_label.setText(text)

    def set_training(self, training: bool) -> None:
        """While a run trains the plots show (empty at first), never the hint."""
        self._training = bool(training)
        self._show_empty(self._is_empty())

    #: (curve attribute, glyph colour, glyph, words) of the legend, in its order.
    LEGEND = (
        ('batch_curve', TRAIN_COLOR, '━━', QT_TRANSLATE_NOOP('curves', 'photos it learns from')),
        ('train_loss_curve', TRAIN_COLOR, '╌●╌', QT_TRANSLATE_NOOP('curves', 'the same, per round')),
        ('val_loss_curve', VAL_COLOR, '━●━', QT_TRANSLATE_NOOP('curves', 'photos kept back to check')),
        ('_best_line', '#2ca02c', '┆', QT_TRANSLATE_NOOP('curves', 'best round (kept)')),
    )

    def _update_legend(self) -> None:
        """The legend names only what is drawn; an entry never breaks across lines."""
        shown = []
        for attr, colour, glyph, words in self.LEGEND:
            item = getattr(self, attr)
            if attr == '_best_line':
                drawn = self._best_x is not None
            else:
                x = item.getData()[0]
                drawn = x is not None and len(x) > 0
            if drawn:
                shown.append(f'<span style="color:{colour}">{glyph}</span>&nbsp;{translate("curves", words).replace(" ", "&nbsp;")}')
        text = ' &nbsp; '.join(shown)
        if text != self.legend_label.text():
            self.legend_label.setText(text)

    def _is_empty(self) -> bool:
        return not self._batch_x and not self._epochs

    def _show_empty(self, empty: bool) -> None:
        hint = empty and not self._training
        self.empty_label.setVisible(hint)
        self.graphics.setVisible(not hint)
        self.legend_label.setVisible(not hint)

    # ----------------------------------------------------------------- data in

    def reset(self) -> None:
        """Forget all points and clear the curves."""
        self._batch_x: list[float] = []
        self._batch_y: list[float] = []
        self._smooth_y: list[float] = []
        self._avg = 0.0
        self._epochs: list[tuple[float, float, float | None, float | None, float | None]] = []
        self._best_x: float | None = None
        self._timer.stop()
        self.flush()

    def add_batch(self, loss: float, x: float | None = None) -> None:
        """Append one batch's training loss (redrawn within ``1/max_fps`` s)."""
        if x is None:
            x = float(len(self._batch_x) + 1)
        self._batch_x.append(float(x))
        value = float(loss)
        self._batch_y.append(value if math.isfinite(value) else np.nan)
        if math.isfinite(value):  # the smoothed curve skips NaN/inf batches
            self._avg = self.beta * self._avg + (1 - self.beta) * value
        n = len(self._batch_y)
        self._smooth_y.append(self._avg / (1 - self.beta**n))
        self._schedule()

    def add_epoch(
        self,
        train_loss: float | None,
        val_loss: float | None,
        train_acc: float | None,
        val_acc: float | None,
        x: float | None = None,
        is_best: bool = False,
    ) -> None:
        """Append one epoch's results; accuracies are fractions (0..1)."""
        if x is None:
            x = float(len(self._epochs) + 1)
        self._epochs.append((float(x), train_loss, val_loss, train_acc, val_acc))
        if is_best:
            self._best_x = float(x)
        self._schedule()

    def set_history(self, history: list[dict], best_epoch: int | None = None) -> None:
        """Show a finished run's stored per-epoch history (no batch curve)."""
        self.reset()
        for row in history:
            epoch = int(row.get('epoch', len(self._epochs)))
            self.add_epoch(
                row.get('train_loss'), row.get('val_loss'), row.get('train_acc'),
                row.get('val_acc'), x=epoch + 1, is_best=epoch == best_epoch,
            )
        self.flush()

    # -------------------------------------------------------------- read back

    @property
    def n_batches(self) -> int:
        return len(self._batch_y)

    @property
    def n_epochs(self) -> int:
        return len(self._epochs)

    # ----------------------------------------------------------------- redraw

    def _schedule(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    @Slot()
    def _on_timer_timeout(self) -> None:
        self.flush()

    def flush(self) -> None:
        """Redraw now (tests call this instead of waiting for the timer)."""
        self._timer.stop()
        self.redraws += 1
        self._show_empty(self._is_empty())
        bx = np.asarray(self._batch_x, dtype=float)
        by = np.asarray(self._batch_y, dtype=float)
        self.raw_batch_curve.setData(bx, by)
        self.batch_curve.setData(bx, np.asarray(self._smooth_y, dtype=float))

        def column(i: int, scale: float = 1.0):
            pts = [(e[0], e[i] * scale) for e in self._epochs if e[i] is not None]
            if not pts:
                return np.empty(0), np.empty(0)
            xs, ys = zip(*pts)
            return np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)

        self.train_loss_curve.setData(*column(1))
        self.val_loss_curve.setData(*column(2))
        self.train_acc_curve.setData(*column(3, 100.0))
        self.val_acc_curve.setData(*column(4, 100.0))
        if self._best_x is not None:
            self._best_line.setPos(self._best_x)
            self._best_line.setVisible(True)
        else:
            self._best_line.setVisible(False)
        self._update_legend()
