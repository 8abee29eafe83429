"""Live training plots, built when first needed.

:class:`TrainingPlots` is what the Train page holds. The curves themselves
(:class:`petcognizer.gui.curves.TrainingCurves`) need pyqtgraph, whose import
costs about 0.4 s of CPU (more on a busy laptop) and is needed by nothing else
at start-up; they are created, and pyqtgraph imported, the first time the plots
are shown or given data. That import sits in a function body on purpose, for
the launch time (issue 8: a usable start page within 2 s): nothing else in the
window process imports in the background, so it cannot wait on another
import's lock, and there is no cycle to dodge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QVBoxLayout, QWidget
from PySide6.QtCore import QT_TRANSLATE_NOOP

from petcognizer.gui.i18n import translate

if TYPE_CHECKING:
    from petcognizer.gui.curves import TrainingCurves

__all__ = ['TrainingPlots']


class TrainingPlots(QWidget):
    """Two plots side by side: loss (batches and epochs) and accuracy (epochs).

    Every method and attribute of :class:`~petcognizer.gui.curves.TrainingCurves`
    is available here; before the curves exist, :meth:`reset`, :meth:`flush` and
    :meth:`set_empty_text` cost nothing and the counts read 0.

    Args:
        parent: the parent widget.
        max_fps: most redraws per second.
    """

    EMPTY_TEXT = QT_TRANSLATE_NOOP('plots', 'The training curves appear here while a model trains.')

    def __init__(self, parent=None, max_fps: float = 30.0) -> None:
        super().__init__(parent)
        self._max_fps = max_fps
        self._impl: TrainingCurves | None = None
        self._empty_text = translate('plots', self.EMPTY_TEXT)
        self.setMinimumHeight(220)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    @property
    def curves(self) -> TrainingCurves:
        """The pyqtgraph curves (created, and pyqtgraph imported, on first use)."""
        if self._impl is None:
            from petcognizer.gui.curves import (
                TrainingCurves,  # launch time: see the module doc
            )

            self._impl = TrainingCurves(self, max_fps=self._max_fps)
            self._impl.set_empty_text(self._empty_text)
            self.layout().addWidget(self._impl)
        return self._impl

    @property
    def is_built(self) -> bool:
        return self._impl is not None

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.curves  # noqa: B018 - build on first show
        super().showEvent(event)

    def set_empty_text(self, text: str) -> None:
        """The hint shown while there is nothing to plot."""
        self._empty_text = text
        if self._impl is not None:
            self._impl.set_empty_text(text)

    def set_training(self, training: bool) -> None:
        """While a run trains, the (empty) plots show instead of the hint."""
        self.curves.set_training(training)

    def reset(self) -> None:
        if self._impl is not None:
            self._impl.reset()

    def flush(self) -> None:
        if self._impl is not None:
            self._impl.flush()

    @property
    def n_batches(self) -> int:
        return self._impl.n_batches if self._impl is not None else 0

    @property
    def n_epochs(self) -> int:
        return self._impl.n_epochs if self._impl is not None else 0

    def __getattr__(self, name: str) -> Any:
        # Only for names not found on this widget: add_batch, add_epoch, set_history, the curves...
        if name.startswith('_'):
            raise AttributeError(name)
        return getattr(self.curves, name)
