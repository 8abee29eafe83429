"""Export dialog: export a real tiny model in the engine's job code and show how to use it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog

from petcognizer.core.exportformats import EXPORT_FORMATS
from petcognizer.gui.export_dialog import ExportDialog, format_available


@pytest.fixture
def trained_model(trained):
    project, record = trained
    return project.root / record.model_path, record


@pytest.mark.parametrize('fmt', ['safetensors', 'torchscript'])
def test_export_to_chosen_file_and_usage(qtbot, trained_model, tmp_path, monkeypatch, fmt):
    model_path, record = trained_model
    dialog = ExportDialog(model_path, run=record, default_dir=tmp_path)
    qtbot.addWidget(dialog)
    assert dialog.format_buttons['onnx'].isChecked()  # the default (issue 11)
    dialog.set_format(fmt)
    target = tmp_path / 'out' / 'my model'
    monkeypatch.setattr(QFileDialog, 'getSaveFileName', lambda *a, **k: (str(target), ''))
    dialog.browse_button.click()
    assert dialog.dest_edit.text() == str(target)
    with qtbot.waitSignal(dialog.exported, timeout=30000) as blocker:
        dialog.export_button.click()
        assert not dialog.export_button.isEnabled()
        assert not any(b.isEnabled() for b in dialog.format_buttons.values())
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=5000)
    out = blocker.args[0]
    suffix = {'safetensors': '.safetensors', 'torchscript': '.pt'}[fmt]
    assert out == target.with_name('my model' + suffix) and out.is_file()
    assert str(out) in dialog.usage_text.toPlainText()
    assert dialog.usage_text.isReadOnly() and not dialog.result_box.isHidden()
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == dialog.usage_text.toPlainText()
    assert dialog.export_button.isEnabled()
    assert {f: b.isEnabled() for f, b in dialog.format_buttons.items()} == {
        f: format_available(f)[0] for f in dialog.format_buttons}


def test_export_error_is_shown(qtbot, tmp_path):
    bad = tmp_path / 'model.safetensors'
    bad.write_bytes(b'not a model')
    dialog = ExportDialog(bad, default_dir=tmp_path)
    qtbot.addWidget(dialog)
    assert dialog.dest_edit.text().startswith(str(tmp_path))
    dialog.export()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=10000)
    assert 'Export failed' in dialog.error_banner.text()
    assert dialog.result_box.isHidden()


def test_importing_the_dialog_loads_no_torch():
    code = 'import sys, petcognizer.gui.export_dialog; print("torch" in sys.modules)'
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True,
                         env={**os.environ, 'QT_QPA_PLATFORM': 'offscreen'})
    assert out.stdout.strip() == 'False', 'petcognizer/gui/export_dialog.py must not load torch'


def test_formats_listed_from_the_core_and_suffix_follows_the_format(qtbot, tmp_path):
    model_path = tmp_path / 'run1' / 'model.safetensors'
    dialog = ExportDialog(model_path, default_dir=tmp_path)
    qtbot.addWidget(dialog)
    assert [b.text() for b in dialog.format_buttons.values()] == [
        f.title for f in EXPORT_FORMATS.values()]
    assert Path(dialog.dest_edit.text()) == tmp_path / 'model.onnx'  # no project name: 'model'
    dialog.set_format('safetensors')
    assert Path(dialog.dest_edit.text()) == tmp_path / 'model.safetensors'
    # a dot that is not a format's suffix stays in the name
    dialog.dest_edit.setText(str(tmp_path / 'v1.2'))
    dialog.set_format('torchscript')
    assert Path(dialog.dest_edit.text()) == tmp_path / 'v1.2.pt'
    dialog.set_format('safetensors')
    assert Path(dialog.dest_edit.text()) == tmp_path / 'v1.2.safetensors'
