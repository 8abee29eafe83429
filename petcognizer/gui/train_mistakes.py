"""The Train page's way into a run's mistakes: the whole list, or one confusion cell."""

from __future__ import annotations

from typing import Any

from petcognizer.gui.mistakes import MistakesDialog
from petcognizer.gui.run_history import model_file
from petcognizer.gui.i18n import translate

__all__ = ['MistakesMixin']


class MistakesMixin:
    """For :class:`~petcognizer.gui.train_page.TrainPage`: open the mistakes browser.

    Needs ``mistakes_dialog``, ``project_model``, ``undo_stack``, ``result_card``
    and ``_project`` on the page.
    """

    mistakes_dialog: MistakesDialog | None

    def _mistakes(self) -> MistakesDialog:
        if self.mistakes_dialog is None:
            self.mistakes_dialog = MistakesDialog(self.project_model, self.undo_stack, self)
        return self.mistakes_dialog

    def _shown_model(self) -> Any:
        record = self.result_card.record
        return model_file(record, self._project.root if self._project is not None else None) if record else None

    def open_mistakes(self) -> MistakesDialog | None:
        """Open the mistakes browser for the run on the result card."""
        ev = self.result_card.evaluation()
        if not ev.get('predictions'):
            return None
        dialog = self._mistakes()
        dialog.browser.show_mistakes(ev, self._shown_model())
        dialog.setWindowTitle(translate('train_mistakes', 'Mistakes of this run'))
        dialog.show()
        dialog.raise_()
        return dialog

    def open_cell(self, true: str, predicted: str) -> MistakesDialog | None:
        """Open the photos of one confusion cell (true class, predicted class)."""
        ev = self.result_card.evaluation()
        if not ev.get('predictions'):
            return None
        dialog = self._mistakes()
        dialog.browser.show_cell(ev, true, predicted, self._shown_model())
        dialog.setWindowTitle(translate('train_mistakes', "'{true}' called '{predicted}'").format(true=true, predicted=predicted))
        dialog.show()
        dialog.raise_()
        return dialog
