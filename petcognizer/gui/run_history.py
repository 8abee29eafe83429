"""The Train page's list of runs: when, backbone, what trained, accuracy, time, result.

Rows are :class:`~petcognizer.core.runs.RunRecord` objects, newest first. The
panel only shows them; the page decides what a selection means (curves and
settings of that run) and what "Predict with this run" and "Export…" do.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from petcognizer.core.runs import RunRecord
from petcognizer.gui.formatting import (
    format_duration,
    format_when,
    run_accuracy_text,
    short_backbone_name,
)
from PySide6.QtCore import QT_TRANSLATE_NOOP

from petcognizer.gui.i18n import translate

__all__ = ['RunHistoryPanel', 'model_file', 'run_result']

COLUMNS = (QT_TRANSLATE_NOOP('run_history', 'When'), QT_TRANSLATE_NOOP('run_history', 'Network'), QT_TRANSLATE_NOOP('run_history', 'Trains'), QT_TRANSLATE_NOOP('run_history', 'Right (range)'), QT_TRANSLATE_NOOP('run_history', 'Rounds'), QT_TRANSLATE_NOOP('run_history', 'Time'), QT_TRANSLATE_NOOP('run_history', 'Result'))


def model_file(record: RunRecord, root: Path | str | None) -> Path | None:
    """The run's model file (relative paths are inside the project ``root``), if it exists."""
    if not record.model_path:
        return None
    path = Path(record.model_path)
    if not path.is_absolute() and root is not None:
        path = Path(root) / path
    return path if path.is_file() else None


def run_result(record: RunRecord) -> str:
    """'stopped', 'finished' or 'no model'."""
    if record.cancelled:
        return translate('run_history', 'stopped')
    return translate('run_history', 'finished') if record.model_path else translate('run_history', 'no model')


def _network_text(backbone: str) -> str:
    """``'efficientnet_lite0+efficientnet_lite1+efficientnet_lite2'`` -> ``'3 networks'``."""
    members = str(backbone).split(':', 1)[-1].split('+')
    return translate('run_history', '{len_members} networks').format(len_members=len(members)) if len(members) > 1 else short_backbone_name(str(backbone))


class RunHistoryPanel(QGroupBox):
    """The runs table with "Predict with this run" and "Export…".

    Signals:
        run_selected(object): the selected RunRecord (None: no selection).
        predict_requested(object): the selected run's model file (a Path).
        export_requested(object, object): the selected RunRecord and its model file.
    """

    run_selected = Signal(object)
    predict_requested = Signal(object)
    export_requested = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(translate('run_history', 'Runs'), parent)
        self._records: list[RunRecord] = []
        self._root: Path | None = None
        self._busy = False
        lay = QVBoxLayout(self)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([translate('run_history', c) for c in COLUMNS])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        hdr = self.table.horizontalHeader()
        hdr.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hdr.setStretchLastSection(True)
        for col in (2, 4):  # what trains, epochs: in the network's tooltip (fits at 1024 px)
            self.table.setColumnHidden(col, True)
        self.table.itemSelectionChanged.connect(self._on_table_selection_changed)
        lay.addWidget(self.table)
        self.empty_label = QLabel(
            translate('run_history', 'No runs yet. Finished runs are listed here; click one to see its curves and settings.')
        )
        self.empty_label.setStyleSheet('color: #777;')
        self.empty_label.setWordWrap(True)  # the page fits 1024 px with the expert column
        lay.addWidget(self.empty_label)
        buttons = QHBoxLayout()
        self.predict_button = QPushButton(translate('run_history', 'Predict with this run'))
        self.predict_button.clicked.connect(self._on_predict_button_clicked)
        self.export_button = QPushButton(translate('run_history', 'Export…'))
        self.export_button.clicked.connect(self._on_export_button_clicked)
        buttons.addStretch(1)
        buttons.addWidget(self.predict_button)
        buttons.addWidget(self.export_button)
        lay.addLayout(buttons)
        self.set_records([], None)

    # ------------------------------------------------------------ contents

    def set_records(self, records: Sequence[RunRecord], root: Path | str | None,
                    select_id: str | None = None) -> None:
        """Show ``records`` (sorted newest first here); keep or set the selected run."""
        keep = select_id
        if keep is None:
            current = self.selected_run()
            keep = current.id if current is not None else None
        self._records = sorted(records, key=lambda r: str(r.created), reverse=True)
        self._root = Path(root) if root is not None else None
        table = self.table
        table.blockSignals(True)
        table.clearSelection()
        table.setRowCount(len(self._records))
        for row, r in enumerate(self._records):
            depth = int(r.config.get('freeze_depth', 0) or 0)
            n_epochs = len(r.history)
            cells = [
                format_when(r.created),
                _network_text(r.backbone or r.config.get('backbone', '?')),
                translate('run_history', 'head only') if not depth else translate('run_history', 'head + {depth} stages').format(depth=depth),
                run_accuracy_text(r),
                translate('run_history', '{done} of {epochs}').format(done=n_epochs, epochs=r.config.get('epochs', n_epochs)),
                format_duration(r.seconds),
                run_result(r),
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(str(text))
                if col == 3:
                    item.setToolTip((r.evaluation or {}).get('summary') or translate('run_history', 'Accuracy on the validation photos'))
                if col == 1:  # with what the hidden columns hold
                    item.setToolTip(f"{r.backbone or r.config.get('backbone', '?')}: {cells[2]}, "
                                    f'{cells[4]} epochs')
                if col == 0:
                    item.setData(Qt.ItemDataRole.UserRole, r.id)
                    item.setToolTip(translate('run_history', 'Run {id}, {created}').format(id=r.id, created=r.created))
                if col in (3, 4, 5):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, col, item)
        for row, r in enumerate(self._records):
            if r.id == keep:
                table.selectRow(row)
        table.blockSignals(False)
        self.empty_label.setVisible(not self._records)
        table.setVisible(bool(self._records))
        self._update_buttons()

    def records(self) -> list[RunRecord]:
        """The runs as listed, newest first."""
        return list(self._records)

    def selected_run(self) -> RunRecord | None:
        model = self.table.selectionModel()
        rows = model.selectedRows() if model is not None else []
        if not rows:
            return None
        i = rows[0].row()
        return self._records[i] if 0 <= i < len(self._records) else None

    def select_run(self, run_id: str) -> None:
        """Select a run in the list (emits ``run_selected``)."""
        for row, r in enumerate(self._records):
            if r.id == run_id:
                self.table.selectRow(row)
                return

    def model_file(self, record: RunRecord | None) -> Path | None:
        return model_file(record, self._root) if record is not None else None

    def set_busy(self, busy: bool) -> None:
        """While training, the list cannot be clicked (the plots show the run in progress)."""
        self._busy = bool(busy)
        self.table.setEnabled(not busy)
        self._update_buttons()

    # ------------------------------------------------------------ slots

    def _update_buttons(self) -> None:
        has_model = self.model_file(self.selected_run()) is not None
        self.predict_button.setEnabled(has_model and not self._busy)
        self.export_button.setEnabled(has_model and not self._busy)

    @Slot()
    def _on_table_selection_changed(self) -> None:
        self._update_buttons()
        self.run_selected.emit(self.selected_run())

    @Slot()
    def _on_predict_button_clicked(self) -> None:
        path = self.model_file(self.selected_run())
        if path is not None:
            self.predict_requested.emit(path)

    @Slot()
    def _on_export_button_clicked(self) -> None:
        record = self.selected_run()
        path = self.model_file(record)
        if path is not None:
            self.export_requested.emit(record, path)
