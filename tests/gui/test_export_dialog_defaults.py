"""Export dialog, issue 11: ONNX by default, a short name from the project, the last folder, progress text."""

from __future__ import annotations

import threading
from pathlib import Path

from petcognizer.core.events import Cancelled, StageProgress
from petcognizer.core.exportformats import EXPORT_FORMATS
from petcognizer.core.settings import load_settings, save_settings
from petcognizer.gui.export_dialog import (
    ExportDialog,
    check_text,
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
    # an ONNX export's folder of ready-to-run files counts too
    (last / 'pets.onnx-bundle').mkdir()
    third = ExportDialog(tmp_path / 'm.safetensors', project_name='Pets')
    qtbot.addWidget(third)
    third.set_format('onnx')
    assert Path(third.dest_edit.text()).name == 'pets-2.onnx'
    assert short_name('') == 'model' and short_name('Félix & Minou') == 'félix-minou'


def test_progress_text_and_cancel_during_an_export(qtbot, tmp_path, engine_jobs):
    started = threading.Event()

    def slow_export(callback, cancel, *, model_path, dest, fmt='safetensors', report=False):
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


def test_the_check_is_said_in_words():
    assert check_text(None) == ''
    text = check_text({'photos': 4, 'top1_agree': 4, 'max_abs_diff': 2e-7, 'tolerance': 1e-4, 'ok': True})
    assert 'Checked on 4 test photos' in text and 'on all' in text and '2e-07' in text
    assert 'for 3' in check_text({'photos': 4, 'top1_agree': 3, 'max_abs_diff': 1e-5})


def test_a_default_export_is_checked_and_its_folder_remembered(qtbot, trained, tmp_path):
    project, record = trained
    out = tmp_path / 'out'
    out.mkdir()
    dialog = ExportDialog(project.root / record.model_path, run=record, default_dir=out, project_name='Our Pets')
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.exported, timeout=60000) as blocker:
        dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=5000)
    path = blocker.args[0]
    assert path == out / f'our-pets{EXPORT_FORMATS[default_format()].suffix}' and path.is_file()
    assert 'Checked on' in dialog.result_label.text(), dialog.result_label.text()
    assert load_settings().last_export_dir == str(out)
    nxt = ExportDialog(project.root / record.model_path, run=record, project_name='Our Pets')
    qtbot.addWidget(nxt)
    assert Path(nxt.dest_edit.text()).parent == out
    assert Path(nxt.dest_edit.text()).name != path.name  # never the file just written
