"""Export a trained model: choose a format and a place, then see how to use the file.

The defaults: ONNX when it can be written (else the first format listed), a short
file name made from the project's name (``my-pets.onnx``; ``my-pets-2.onnx`` when
that file exists: an export never replaces a file unasked) and the folder of this
user's last export. While an export runs, a line says what it does and for how
long; Cancel asks the engine to stop (an export that cannot stop any more
finishes, and the dialog says so).

The export itself (:func:`petcognizer.core.export.export_model`) runs in the
engine process (:class:`~petcognizer.gui.engine.EngineWorker` job ``'export'``),
since ONNX and TorchScript trace the whole network with torch. The formats, file
names and usage text come from the torch-free :mod:`petcognizer.core.exportformats`.
"""

from __future__ import annotations

import importlib.util
import os
import re
import time
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QTimer, QUrl, Signal, Slot
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

from petcognizer.core.events import StageProgress
from petcognizer.core.exportformats import (
    EXPORT_FORMATS,
    bundle_path,
    export_format,
    export_path,
    sidecar_path,
    usage_snippet,
)
from petcognizer.core.runs import RunRecord
from petcognizer.core.settings import load_settings, save_settings
from petcognizer.gui.engine import CANCELLED_MESSAGE, EngineWorker
from petcognizer.gui.formatting import format_when
from petcognizer.gui.i18n import translate
from petcognizer.gui.widgets import BannerLabel

__all__ = ['ExportDialog', 'check_text', 'default_format', 'format_available', 'short_name']

def _retarget(path: Path, fmt: str) -> Path:
    """``path`` for format ``fmt``: another format's suffix is replaced, any other
    suffix kept (``v1.2`` becomes ``v1.2.pt``, not ``v1.pt``)."""
    if path.suffix.lower() in {f.suffix for f in EXPORT_FORMATS.values()}:
        path = path.with_suffix('')
    return export_path(path, fmt)


def short_name(name: str | None, limit: int = 32) -> str:
    """A short, safe file name from a project name: ``'My Pets!'`` -> ``'my-pets'``."""
    text = re.sub(r'[^\w]+', '-', (name or '').strip().lower(), flags=re.UNICODE).strip('-_')
    return text[:limit].rstrip('-_') or 'model'


def check_text(check: dict | None) -> str:
    """The export's comparison with the model here, in words (empty without one)."""
    if not isinstance(check, dict) or not check.get('photos'):
        return ''
    n, same = int(check['photos']), int(check.get('top1_agree') or 0)
    diff = float(check.get('max_abs_diff') or 0.0)
    if same == n:
        text = translate('export_dialog', '<br>Checked on {n} test photos: the same answer as petcognizer on all '
                                          '(confidences differ by at most {diff:.1g}).')
    else:
        text = translate('export_dialog', '<br>Checked on {n} test photos: the same answer as petcognizer for '
                                          '{same} (confidences differ by at most {diff:.1g}).')
    return text.format(n=n, same=same, diff=diff)


def default_format() -> str:
    """ONNX when this installation can write it, else the first format listed."""
    if 'onnx' in EXPORT_FORMATS and format_available('onnx')[0]:
        return 'onnx'
    return next((f for f in EXPORT_FORMATS if format_available(f)[0]), next(iter(EXPORT_FORMATS)))


def format_available(fmt: str) -> tuple[bool, str]:
    """(usable, why not): ONNX needs the optional ``onnx`` package."""
    if fmt == 'onnx' and (importlib.util.find_spec('onnx') is None
                          or importlib.util.find_spec('onnxruntime') is None):
        # both are in the base install; a trimmed environment gets the source-checkout form
        return False, translate('export_dialog', "needs onnx and onnxruntime: pip install -e '.[export]'")
    return True, ''


#: The core's fixed texts of the formats (core.exportformats), listed for lupdate: the dialog
#: translates them by lookup, and a text the core changes shows in English until it is listed here.
_CORE_TEXTS = (
    QT_TRANSLATE_NOOP('core', 'petcognizer model (.safetensors)'),
    QT_TRANSLATE_NOOP('core', 'petcognizer model file (.safetensors): weights, classes and preprocessing; '
                              'load with petcognizer or safetensors'),
    QT_TRANSLATE_NOOP('core', 'ONNX (.onnx + .onnx.json): runs in ONNX Runtime, no PyTorch needed'),
    QT_TRANSLATE_NOOP('core', 'TorchScript (.pt): runs with plain PyTorch, no petcognizer needed'),
)


class ExportDialog(QDialog):
    """Export one run's model.

    Args:
        model_path: the run's ``.safetensors`` model file.
        run: the run's record (for the title and the default file name).
        parent: the parent widget.
        default_dir: where the file goes by default (this user's last export folder if None).
        project_name: the file's default name comes from it (else ``model``).

    Signals:
        exported(object): the written file's Path.
    """

    exported = Signal(object)

    def __init__(self, model_path: os.PathLike | str, run: RunRecord | None = None,
                 parent: QWidget | None = None, default_dir: os.PathLike | str | None = None,
                 project_name: str | None = None) -> None:
        super().__init__(parent)
        self.model_path = Path(model_path)
        self.run = run
        self.project_name = project_name
        self._worker: EngineWorker | None = None
        self._started = 0.0
        self._stage_text = ''
        self._cancelling = False
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._show_progress_text)
        self._fmt = 'safetensors'
        self._dest: Path | None = None
        self._default_dir = Path(default_dir) if default_dir else self._guess_dir()
        self.setWindowTitle(translate('export_dialog', 'Export model'))
        self.setMinimumWidth(640)

        lay = QVBoxLayout(self)
        backbone = (run.backbone if run is not None else '') or ''
        networks = len(backbone.split('+'))
        what = translate('export_dialog', '{networks} networks voting').format(networks=networks) if networks > 1 else (backbone or translate('export_dialog', 'the model'))
        when = translate('export_dialog', 'trained {when}, ').format(when=format_when(run.created)) if run is not None and run.created else ''
        intro = QLabel(
            translate('export_dialog', '<b>Use this model outside petcognizer</b>: in your own program, '
                                         'app or web page.<br><span style="color:#5f6670">{when}{what}</span>').format(when=when, what=what)
        )
        intro.setToolTip(translate('export_dialog', 'Run {run}: {backbone}\n{model_path}').format(run=run.id if run is not None else self.model_path.parent.name, backbone=backbone, model_path=self.model_path))
        intro.setWordWrap(True)
        lay.addWidget(intro)

        fmt_box = QGroupBox(translate('export_dialog', 'Format'))
        fmt_lay = QVBoxLayout(fmt_box)
        self.format_group = QButtonGroup(self)
        self.format_buttons: dict[str, QRadioButton] = {}
        for fmt, spec in EXPORT_FORMATS.items():
            ok, why = format_available(fmt)
            desc = translate('core', spec.description)  # fixed core texts: see _CORE_TEXTS
            button = QRadioButton(translate('core', spec.title))
            button.setEnabled(ok)
            button.setProperty('fmt', fmt)
            fmt_lay.addWidget(button)
            note = QLabel(desc if ok else f'{desc} ({why})')
            note.setWordWrap(True)
            note.setStyleSheet('color: #666; margin-left: 22px;')
            fmt_lay.addWidget(note)
            self.format_group.addButton(button)
            self.format_buttons[fmt] = button
        self.format_buttons[default_format()].setChecked(True)
        self.format_group.buttonToggled.connect(self._on_format_group_toggled)
        lay.addWidget(fmt_box)

        dest_row = QHBoxLayout()
        dest_row.addWidget(QLabel(translate('export_dialog', 'Save as:')))
        self.dest_edit = QLineEdit()
        self.dest_edit.setPlaceholderText(translate('export_dialog', 'Choose where to save the file'))
        dest_row.addWidget(self.dest_edit, 1)
        self.browse_button = QPushButton(translate('export_dialog', 'Choose…'))
        self.browse_button.clicked.connect(self._on_browse_button_clicked)
        dest_row.addWidget(self.browse_button)
        lay.addLayout(dest_row)
        self._set_default_dest()

        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setMaximumHeight(14)
        self.progress_bar.hide()
        lay.addWidget(self.progress_bar)
        self.progress_label = QLabel()
        self.progress_label.setWordWrap(True)
        self.progress_label.setStyleSheet('color: #3c424a;')
        self.progress_label.hide()
        lay.addWidget(self.progress_label)
        self.error_banner = BannerLabel('error')
        lay.addWidget(self.error_banner)

        self.result_box = QGroupBox(translate('export_dialog', 'How to use it'))
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
        self.copy_button = QPushButton(translate('export_dialog', 'Copy'))
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        self.show_button = QPushButton(translate('export_dialog', 'Show in folder'))
        self.show_button.clicked.connect(self._on_show_button_clicked)
        row.addWidget(self.copy_button)
        row.addWidget(self.show_button)
        row.addStretch(1)
        res.addLayout(row)
        self.result_box.hide()
        lay.addWidget(self.result_box)
        lay.addStretch(1)  # extra height goes below the content, not between rows

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(translate('export_dialog', 'Export'), QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        self.export_button.setObjectName('PrimaryButton')
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.close_button.clicked.connect(self._on_close_button_clicked)
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
        return str(button.property('fmt')) if button is not None else default_format()

    def set_format(self, fmt: str) -> None:
        self.format_buttons[fmt].setChecked(True)

    def _default_name(self) -> str:
        """``<project>.<suffix>``, numbered past files that exist (an export never replaces one unasked)."""
        base = short_name(self.project_name)
        suffix = export_format(self.fmt()).suffix
        name, k = f'{base}{suffix}', 2
        while self._taken(self._default_dir / name) and k < 1000:
            name, k = f'{base}-{k}{suffix}', k + 1
        return name

    def _taken(self, path: Path) -> bool:
        """Whether an export to ``path`` would meet a file already there (its sidecar and folder too)."""
        paths = [path] + ([sidecar_path(path), bundle_path(path)] if self.fmt() == 'onnx' else [])
        return any(os.path.lexists(p) for p in paths)

    def _set_default_dest(self) -> None:
        self.dest_edit.setText(str(self._default_dir / self._default_name()))
        self._default_text = self.dest_edit.text()

    @property
    def _dest_is_default(self) -> bool:
        return self.dest_edit.text().strip() == getattr(self, '_default_text', None)

    @Slot(object, bool)
    def _on_format_group_toggled(self, _button, checked: bool) -> None:
        if not checked:
            return
        text = self.dest_edit.text().strip()
        if text and self._dest_is_default is False:
            self.dest_edit.setText(str(_retarget(Path(text), self.fmt())))
        else:
            self._set_default_dest()

    @Slot()
    def _on_browse_button_clicked(self) -> None:
        spec = export_format(self.fmt())
        start = self.dest_edit.text().strip() or str(self._default_dir / self._default_name())
        path, _ = QFileDialog.getSaveFileName(
            self, translate('export_dialog', 'Export model as'), start, f'{spec.title} (*{spec.suffix})'
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
        worker = EngineWorker('export', model_path=str(self.model_path), dest=str(dest), fmt=self._fmt,
                              report=True)
        worker.progressed.connect(self._on_worker_progressed)
        worker.returned.connect(self._on_worker_returned)
        worker.errored.connect(self._on_worker_errored)
        worker.finished.connect(self._on_worker_finished)
        self._worker = worker
        self._started = time.monotonic()
        self._stage_text = (translate('export_dialog', 'Writing the {title} file, then checking that it '
                                                         'gives the same answers as here').format(title=export_format(self._fmt).title))
        self._cancelling = False
        self._show_busy(True)
        worker.start()
        return True

    @Slot(object)
    def _on_worker_progressed(self, ev) -> None:
        if isinstance(ev, StageProgress) and ev.text:
            total = translate('export_dialog', ' ({done} of {total})').format(done=ev.done, total=ev.total) if ev.total > 1 else ''
            self._stage_text = f'{ev.text}{total}'
            self._show_progress_text()

    @Slot()
    def _show_progress_text(self) -> None:
        if self._worker is None:
            return
        took = int(time.monotonic() - self._started)
        what = translate('export_dialog', 'Cancelling: the export stops at its next step') if self._cancelling else self._stage_text
        self.progress_label.setText(translate('export_dialog', '{what}… {took} s so far.').format(what=what, took=took))

    @Slot()
    def _on_close_button_clicked(self) -> None:
        if self.is_busy():
            self.cancel_export()
        else:
            self.reject()

    def cancel_export(self) -> None:
        """Ask the running export to stop (it may be too far along to stop; then it finishes)."""
        if self._worker is not None and not self._cancelling:
            self._cancelling = True
            self._worker.cancel()
            self._show_progress_text()

    @Slot(object)
    def _on_worker_returned(self, result) -> None:
        fmt = self._fmt
        report = result if isinstance(result, dict) else {'path': str(result)}
        self._dest = Path(report['path'])
        extra = ''
        if fmt == 'onnx':
            extra = translate('export_dialog', ' and {name} (classes and preprocessing)').format(name=sidecar_path(self._dest).name)
            if bundle_path(self._dest).is_dir():
                extra += translate('export_dialog', ', with a ready-to-run folder {name}').format(name=bundle_path(self._dest).name)
        late = translate('export_dialog', 'The export had finished before it could stop. ') if self._cancelling else ''
        check = check_text(report.get('check'))
        self.result_label.setText(translate('export_dialog', '{late}Saved <b>{dest}</b>{extra}.{check}').format(
            late=late, dest=self._dest, extra=extra, check=check))
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
        if self._cancelling or str(exc) == CANCELLED_MESSAGE:
            self.error_banner.show_text(translate('export_dialog', 'Export cancelled; nothing was saved.'))
            return
        self.error_banner.show_text(translate('export_dialog', '<b>Export failed.</b> {exc}').format(exc=exc))

    @Slot()
    def _on_worker_finished(self) -> None:
        self._worker = None
        self._cancelling = False
        self._show_busy(False)

    def _show_busy(self, busy: bool) -> None:
        """While an export runs: the bar and what it does show, the choices are locked, Close cancels."""
        self.progress_bar.setVisible(busy)
        self.progress_label.setVisible(busy)
        if busy:
            self._tick.start()
            self._show_progress_text()
        else:
            self._tick.stop()
        for w in (self.export_button, self.browse_button, self.dest_edit):
            w.setEnabled(not busy)
        self.close_button.setText(translate('export_dialog', 'Cancel') if busy else translate('export_dialog', 'Close'))
        self.close_button.setToolTip(translate('export_dialog', 'Stop the export') if busy else '')
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
        if self.is_busy():  # Escape or the window's close: cancel first, close when it has stopped
            self.cancel_export()
            return
        super().reject()

    def done(self, result: int) -> None:
        if self._worker is not None:
            self._worker.wait(30000)
        super().done(result)
