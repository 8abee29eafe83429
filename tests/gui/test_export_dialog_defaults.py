"""Export dialog, issue 11: ONNX by default, a short name from the project, the last folder, progress text."""

from __future__ import annotations

import threading
from pathlib import Path

from petcognizer.core.events import Cancelled, StageProgress
from petcognizer.core.exportformats import EXPORT_FORMATS
from petcognizer.core.settings import load_settings, save_settings
from petcognizer.gui.export_dialog import (
    ExportDialog,
    default_format,
    format_available,
    short_name,
)


def test_defaults_onnx_short_name_and_last_folder(qtbot, tmp_path):
    last = tmp_path / 'exports'
    last.mkdir()
    s = load_settings()
    s.last_export_dir = str(last)
    save_settings(s)
    name = 'My Pets: the cats and dogs of the whole street, photographed in 2026'
    dialog = ExportDialog(tmp_path / 'run1' / 'model.safetensors', project_name=name)
    qtbot.addWidget(dialog)
    assert default_format() == ('onnx' if format_available('onnx')[0] else next(iter(EXPORT_FORMATS)))
    assert dialog.fmt() == default_format()
    dest = Path(dialog.dest_edit.text())
    assert dest.parent == last  # the last export folder, remembered per user
    assert dest.name == short_name(name) + EXPORT_FORMATS[dialog.fmt()].suffix
    assert len(dest.stem) <= 32 and dest.stem.startswith('my-pets-the-cats')
    # an existing file is never the default: the next free name is
    dest.write_bytes(b'a file of the user')
    again = ExportDialog(tmp_path / 'run1' / 'model.safetensors', project_name=name)
    qtbot.addWidget(again)
    assert Path(again.dest_edit.text()).name == f'{short_name(name)}-2{EXPORT_FORMATS[again.fmt()].suffix}'
    # switching formats keeps the default name with the new suffix
    again.set_format('safetensors')
    assert Path(again.dest_edit.text()).name == f'{short_name(name)}.safetensors'
    assert short_name('') == 'model' and short_name('Félix & Minou') == 'félix-minou'


def test_progress_text_and_cancel_during_an_export(qtbot, tmp_path, engine_jobs):
    started = threading.Event()

    def slow_export(callback, cancel, *, model_path, dest, fmt='safetensors'):
        callback(StageProgress('export', 1, 3, text='Converting the network to ONNX'))
        started.set()
        while not cancel.cancelled:
            threading.Event().wait(0.01)
        raise Cancelled()

    engine_jobs['export'] = slow_export
    dialog = ExportDialog(tmp_path / 'run1' / 'model.safetensors', default_dir=tmp_path, project_name='pets')
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.export()
    assert started.wait(5)
    qtbot.waitUntil(lambda: 'Converting the network to ONNX' in dialog.progress_label.text(), timeout=3000)
    assert 's so far' in dialog.progress_label.text() and dialog.progress_label.isVisible()
    assert dialog.close_button.isEnabled() and dialog.close_button.text() == 'Cancel'
    dialog.close_button.click()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=5000)
    assert 'cancelled' in dialog.error_banner.text() and 'nothing was saved' in dialog.error_banner.text()
    assert dialog.close_button.text() == 'Close' and dialog.export_button.isEnabled()
    assert not list(tmp_path.glob('pets*'))
