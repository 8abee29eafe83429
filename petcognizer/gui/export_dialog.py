"""Export a trained model: choose a format and a place, then see how to use the file.

The export itself (:func:`petcognizer.core.export.export_model`) runs in the
engine process (:class:`~petcognizer.gui.engine.EngineWorker` job ``'export'``),
since ONNX and TorchScript trace the whole network with torch. The formats, file
names and usage text come from the torch-free :mod:`petcognizer.core.exportformats`.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from PySide6.QtCore import QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from petcognizer.core.exportformats import (
    EXPORT_FORMATS,
    export_format,
    export_path,
    sidecar_path,
    usage_snippet,
)
from petcognizer.core.runs import RunRecord
from petcognizer.core.settings import load_settings, save_settings
from petcognizer.gui.engine import EngineWorker
from petcognizer.gui.widgets import BannerLabel

__all__ = ['ExportDialog', 'format_available']

def _retarget(path: Path, fmt: str) -> Path:
    """``path`` for format ``fmt``: another format's suffix is replaced, any other
    suffix kept (``v1.2`` becomes ``v1.2.pt``, not ``v1.pt``)."""
    if path.suffix.lower() in {f.suffix for f in EXPORT_FORMATS.values()}:
        path = path.with_suffix('')
    return export_path(path, fmt)


def format_available(fmt: str) -> tuple[bool, str]:
    """(usable, why not): ONNX needs the optional ``onnx`` package."""
    if fmt == 'onnx' and importlib.util.find_spec('onnx') is None:
        return False, 'needs the optional package: pip install "petcognizer[onnx]"'
    return True, ''


class ExportDialog(QDialog):
    """Export one run's model.

    Args:
        model_path: the run's ``.safetensors`` model file.
        run: the run's record (for the title and the default file name).
        parent: the parent widget.
        default_dir: where the file dialog starts.

    Signals:
        exported(object): the written file's Path.
    """

    exported = Signal(object)

    def __init__(self, model_path: os.PathLike | str, run: RunRecord | None = None,
                 parent: QWidget | None = None, default_dir: os.PathLike | str | None = None) -> None:
        super().__init__(parent)
        self.model_path = Path(model_path)
        self.run = run
        self._worker: EngineWorker | None = None
        self._fmt = 'safetensors'
        self._dest: Path | None = None
        self._default_dir = Path(default_dir) if default_dir else self._guess_dir()
        self.setWindowTitle('Export model')
        self.setMinimumWidth(640)

        lay = QVBoxLayout(self)
        acc = run.best_val_acc if run is not None else None
        acc_text = f', best validation accuracy {acc * 100:.1f}%' if isinstance(acc, (int, float)) else ''
        intro = QLabel(
            f'<b>Run {run.id if run is not None else self.model_path.parent.name}</b> · '
            f'{run.backbone if run is not None else ""}{acc_text}<br>'
            f'<span style="color:#666">{self.model_path}</span>'
        )
        intro.setWordWrap(True)
        lay.addWidget(intro)

        fmt_box = QGroupBox('Format')
        fmt_lay = QVBoxLayout(fmt_box)
        self.format_group = QButtonGroup(self)
        self.format_buttons: dict[str, QRadioButton] = {}
        for fmt, spec in EXPORT_FORMATS.items():
            ok, why = format_available(fmt)
            desc = spec.description
            button = QRadioButton(spec.title)
            button.setEnabled(ok)
            button.setProperty('fmt', fmt)
            fmt_lay.addWidget(button)
            note = QLabel(desc if ok else f'{desc} ({why})')
            note.setWordWrap(True)
            note.setStyleSheet('color: #666; margin-left: 22px;')
            fmt_lay.addWidget(note)
            self.format_group.addButton(button)
            self.format_buttons[fmt] = button
        self.format_buttons[next(iter(self.format_buttons))].setChecked(True)
        self.format_group.buttonToggled.connect(self._on_format_group_toggled)
        lay.addWidget(fmt_box)

        dest_row = QHBoxLayout()
        dest_row.addWidget(QLabel('Save as:'))
        self.dest_edit = QLineEdit()
        self.dest_edit.setPlaceholderText('Choose where to save the file')
        dest_row.addWidget(self.dest_edit, 1)
        self.browse_button = QPushButton('Choose…')
        self.browse_button.clicked.connect(self._on_browse_button_clicked)
        dest_row.addWidget(self.browse_button)
        lay.addLayout(dest_row)
        self._set_default_dest()

        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setMaximumHeight(14)
        self.progress_bar.hide()
        lay.addWidget(self.progress_bar)
        self.error_banner = BannerLabel('error')
        lay.addWidget(self.error_banner)

        self.result_box = QGroupBox('How to use it')
        res = QVBoxLayout(self.result_box)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        res.addWidget(self.result_label)
        self.usage_text = QPlainTextEdit()
        self.usage_text.setReadOnly(True)
        self.usage_text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.usage_text.setMinimumHeight(150)
        self.usage_text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        res.addWidget(self.usage_text)
        row = QHBoxLayout()
        self.copy_button = QPushButton('Copy')
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        self.show_button = QPushButton('Show in folder')
        self.show_button.clicked.connect(self._on_show_button_clicked)
        row.addWidget(self.copy_button)
        row.addWidget(self.show_button)
        row.addStretch(1)
        res.addLayout(row)
        self.result_box.hide()
        lay.addWidget(self.result_box)
        lay.addStretch(1)  # extra height goes below the content, not between rows

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton('Export', QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        self.export_button.setObjectName('PrimaryButton')
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.close_button.clicked.connect(self.reject)
        lay.addWidget(self.buttons)

    # ------------------------------------------------------------ choices

    def _guess_dir(self) -> Path:
        try:
            last = load_settings().last_export_dir
            if last and Path(last).is_dir():
                return Path(last)
        except Exception:  # settings are a convenience here
            pass
        return Path.home()

    def fmt(self) -> str:
        button = self.format_group.checkedButton()
        return str(button.property('fmt')) if button is not None else 'safetensors'

    def set_format(self, fmt: str) -> None:
        self.format_buttons[fmt].setChecked(True)

    def _default_name(self) -> str:
        backbone = (self.run.backbone if self.run is not None else '') or 'model'
        run_id = self.run.id if self.run is not None else self.model_path.parent.name
        return f'{backbone}-{run_id}{export_format(self.fmt()).suffix}'

    def _set_default_dest(self) -> None:
        self.dest_edit.setText(str(self._default_dir / self._default_name()))

    @Slot(object, bool)
    def _on_format_group_toggled(self, _button, checked: bool) -> None:
        if not checked:
            return
        text = self.dest_edit.text().strip()
        if text:
            self.dest_edit.setText(str(_retarget(Path(text), self.fmt())))
        else:
            self._set_default_dest()

    @Slot()
    def _on_browse_button_clicked(self) -> None:
        spec = export_format(self.fmt())
        start = self.dest_edit.text().strip() or str(self._default_dir / self._default_name())
        path, _ = QFileDialog.getSaveFileName(
            self, 'Export model as', start, f'{spec.title} (*{spec.suffix})'
        )
        if path:
            self.dest_edit.setText(path)

    # ------------------------------------------------------------ export

    def is_busy(self) -> bool:
        return self._worker is not None

    @Slot()
    def _on_export_button_clicked(self) -> None:
        self.export()

    def export(self) -> bool:
        """Export with the chosen format and destination (asks for one if empty)."""
        if self.is_busy():
            return False
        if not self.dest_edit.text().strip():
            self._on_browse_button_clicked()
        text = self.dest_edit.text().strip()
        if not text:
            return False
        dest = Path(text).expanduser()
        self.error_banner.hide()
        self.result_box.hide()
        self._fmt = self.fmt()
        worker = EngineWorker('export', model_path=str(self.model_path), dest=str(dest), fmt=self._fmt)
        worker.returned.connect(self._on_worker_returned)
        worker.errored.connect(self._on_worker_errored)
        worker.finished.connect(self._on_worker_finished)
        self._worker = worker
        self._show_busy(True)
        worker.start()
        return True

    @Slot(object)
    def _on_worker_returned(self, path: str) -> None:
        fmt = self._fmt
        self._dest = Path(path)
        extra = ''
        if fmt == 'onnx':
            extra = f' and {sidecar_path(self._dest).name} (classes and preprocessing)'
        self.result_label.setText(f'Saved <b>{self._dest}</b>{extra}.')
        self.usage_text.setPlainText(usage_snippet(fmt, self._dest))
        self.result_box.show()
        try:
            s = load_settings()
            s.last_export_dir = str(self._dest.parent)
            save_settings(s)
        except Exception:  # remembering the folder is a convenience
            pass
        self.exported.emit(self._dest)

    @Slot(object)
    def _on_worker_errored(self, exc) -> None:
        self.error_banner.show_text(f'<b>Export failed.</b> {exc}')

    @Slot()
    def _on_worker_finished(self) -> None:
        self._worker = None
        self._show_busy(False)

    def _show_busy(self, busy: bool) -> None:
        """While an export runs: the progress bar shows and every choice is locked."""
        self.progress_bar.setVisible(busy)
        for w in (self.export_button, self.browse_button, self.dest_edit, self.close_button):
            w.setEnabled(not busy)
        for fmt, button in self.format_buttons.items():
            button.setEnabled(not busy and format_available(fmt)[0])

    def exported_path(self) -> Path | None:
        return self._dest

    @Slot()
    def _on_copy_button_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.usage_text.toPlainText())

    @Slot()
    def _on_show_button_clicked(self) -> None:
        if self._dest is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._dest.parent)))

    def reject(self) -> None:
        if self.is_busy():  # an export cannot be interrupted; it is short
            return
        super().reject()

    def done(self, result: int) -> None:
        if self._worker is not None:
            self._worker.wait(30000)
        super().done(result)
