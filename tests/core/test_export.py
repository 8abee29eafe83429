"""Exports run outside petcognizer and give the same probabilities as the Predictor."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import torch
from PIL import Image

from petcognizer.core.export import export_model
from petcognizer.core.exportformats import (
    EXPORT_FORMATS,
    export_format,
    export_path,
    sidecar_path,
    usage_snippet,
)
from petcognizer.core.modelfile import ModelFileError
from petcognizer.core.predict import Predictor


@pytest.fixture
def trained(tiny_model):
    return tiny_model.path, tiny_model.paths[::2]


def reference(model_path, paths):
    """(preprocessed batch, Predictor probabilities) for ``paths``."""
    pred = Predictor.load(model_path, device='cpu')
    x = torch.stack([pred.model.preprocess(Image.open(p).convert('RGB')) for p in paths])
    mat, ok, errors = pred.probabilities(paths)
    assert ok == list(range(len(paths))) and not errors
    return x, mat


def test_formats_are_described():
    assert list(EXPORT_FORMATS) == ['safetensors', 'onnx', 'torchscript']
    for name, spec in EXPORT_FORMATS.items():
        assert spec.name == name and spec.suffix.startswith('.') and spec.suffix in spec.title
        assert spec.description


def test_format_rules_load_no_torch():
    """The window imports exportformats, so it must not pull in torch (or Qt)."""
    code = ('import sys, petcognizer.core.exportformats; '
            'print(sorted(m for m in sys.modules if m.split(".")[0] in {"torch", "PySide6"}))')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == '[]', (
        f'petcognizer/core/exportformats.py loads {out.stdout.strip()}; keep it to the standard library')


@pytest.mark.parametrize(('dest', 'fmt', 'expected'), [
    ('m', 'onnx', 'm.onnx'),
    ('m.ONNX', 'onnx', 'm.ONNX'),
    ('v1.2', 'torchscript', 'v1.2.pt'),
    ('model.pt', 'safetensors', 'model.pt.safetensors'),
])
def test_export_path_adds_a_missing_suffix(tmp_path, dest, fmt, expected):
    assert export_path(tmp_path / dest, fmt) == tmp_path / expected


def test_unknown_format_names_the_known_ones():
    with pytest.raises(ValueError, match="unknown export format 'tflite'; choose one of: "
                                         'safetensors, onnx, torchscript'):
        export_format('tflite')
    with pytest.raises(ValueError, match='unknown export format'):
        usage_snippet('tflite', 'x')


def test_sidecar_sits_beside_the_onnx_file(tmp_path):
    assert sidecar_path(tmp_path / 'project.onnx') == tmp_path / 'project.onnx.json'
    assert str(sidecar_path(tmp_path / 'm.onnx')) in usage_snippet('onnx', tmp_path / 'm.onnx')


def test_safetensors_copy_loads(trained, tmp_path):
    model_path, paths = trained
    out = export_model(model_path, tmp_path / 'copy', 'safetensors')
    assert out == tmp_path / 'copy.safetensors'
    assert out.read_bytes() == model_path.read_bytes()
    a = Predictor.load(out).predict_paths(paths)
    b = Predictor.load(model_path).predict_paths(paths)
    assert [r.probabilities for r in a] == [r.probabilities for r in b]
    assert 'petcognizer predict' in usage_snippet('safetensors', out)


def test_torchscript_matches_predictor(trained, tmp_path):
    model_path, paths = trained
    out = export_model(model_path, tmp_path / 'model.pt', 'torchscript')
    assert out == tmp_path / 'model.pt'
    extra = {'petcognizer.json': ''}
    ts = torch.jit.load(str(out), _extra_files=extra)
    info = json.loads(extra['petcognizer.json'])
    assert info['classes'] == ['blue', 'green', 'red']
    assert info['preprocess']['input_size'] == 32
    x, expected = reference(model_path, paths)
    with torch.no_grad():
        got = ts(x)
    torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-5)
    assert torch.allclose(got.sum(1), torch.ones(len(paths)), atol=1e-5)
    assert 'torch.jit.load' in usage_snippet('torchscript', out)
    assert not list(tmp_path.glob('*.partial*'))


def test_onnx_matches_predictor(trained, tmp_path):
    """The graph takes uint8 NHWC pixels (preprocessed, not normalised) and gives the Predictor's answer."""
    pytest.importorskip('onnx')
    ort = pytest.importorskip('onnxruntime')
    from petcognizer.core.export_check import pixels

    model_path, paths = trained
    out = export_model(model_path, tmp_path / 'model', 'onnx')
    assert out == tmp_path / 'model.onnx'
    side = json.loads(out.with_name(out.name + '.json').read_text())
    assert side['classes'] == ['blue', 'green', 'red'] and side['backbone'] == 'tiny_test'
    assert side['preprocess']['mean'] == [0.5, 0.5, 0.5]
    assert 'uint8 [N, 32, 32, 3]' in side['inputs']['image']
    _, expected = reference(model_path, paths)
    session = ort.InferenceSession(str(out), providers=['CPUExecutionProvider'])
    assert session.get_inputs()[0].type == 'tensor(uint8)'
    x = pixels(paths, side['preprocess'])
    assert x.dtype == np.uint8 and x.shape == (len(paths), 32, 32, 3)
    got = session.run(None, {'image': x})[0]
    assert got.shape == (len(paths), 3)
    np.testing.assert_allclose(got, expected.numpy(), atol=1e-4)
    # dynamic batch: one image works too
    one = session.run(None, {'image': x[:1]})[0]
    np.testing.assert_allclose(one, expected[:1].numpy(), atol=1e-4)
    import onnx

    props = {p.key: p.value for p in onnx.load(str(out)).metadata_props}
    assert json.loads(props['petcognizer.classes']) == ['blue', 'green', 'red']
    assert json.loads(props['petcognizer.sidecar'])['preprocess_rules'] == side['preprocess_rules']
    assert 'onnxruntime' in usage_snippet('onnx', out)
    assert not list(tmp_path.glob('*.partial*'))


@pytest.mark.parametrize('fmt', ['safetensors', 'torchscript'])
def test_exporting_an_altered_file_is_refused(trained, tmp_path, fmt):
    model_path, _ = trained
    raw = bytearray(model_path.read_bytes())
    raw[-7] ^= 0x10  # inside the last tensor's data
    altered = tmp_path / 'altered.safetensors'
    altered.write_bytes(bytes(raw))
    with pytest.raises(ModelFileError, match='checksum mismatch'):
        export_model(altered, tmp_path / 'out', fmt)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith('out')]


def test_exporting_a_foreign_file_is_refused(tmp_path):
    from safetensors.torch import save_file

    foreign = tmp_path / 'foreign.safetensors'
    save_file({'w': torch.zeros(2)}, str(foreign))
    with pytest.raises(ModelFileError, match='not one made by petcognizer'):
        export_model(foreign, tmp_path / 'out', 'onnx')


def test_unknown_format_is_refused(trained, tmp_path):
    model_path, _ = trained
    with pytest.raises(ValueError, match='unknown export format'):
        export_model(model_path, tmp_path / 'x', 'tflite')


def test_onnx_sidecar_never_replaces_a_project_json(trained, tmp_path):
    """Exporting 'project.onnx' into a project folder leaves its project.json alone."""
    pytest.importorskip('onnx')
    model_path, _ = trained
    project_json = tmp_path / 'project.json'
    project_json.write_text('{"schema_version": 1}')
    out = export_model(model_path, tmp_path / 'project', 'onnx')
    assert out.name == 'project.onnx'
    assert project_json.read_text() == '{"schema_version": 1}'
    assert json.loads((tmp_path / 'project.onnx.json').read_text())['classes'] == [
        'blue', 'green', 'red']
