"""The formats an ONNX export can add to its bundle: quantised ONNX, torch.export, OpenVINO, Core ML."""

from __future__ import annotations

import json
import sys
import warnings

import numpy as np
import pytest

from petcognizer.core.export import export_checked
from petcognizer.core.exportformats import bundle_path, sidecar_path

pytest.importorskip('onnx')
pytest.importorskip('onnxruntime')


def test_quantised_and_pt2_are_written_and_checked(tiny_model, tmp_path):
    import torch

    res = export_checked(tiny_model.path, tmp_path / 'm', 'onnx', also=('fp16', 'int8', 'pt2'))
    bundle = bundle_path(res.path)
    side = json.loads(sidecar_path(res.path).read_text())
    for kind in ('fp16', 'int8', 'pt2'):
        v = side['variants'][kind]
        assert (tmp_path / v['file']).exists() and v['bytes'] > 0
        c = res.check['variants'][kind]
        assert c['photos'] == len(side['test_vectors']) and c['top1_agree'] == c['photos']
        assert c['max_abs_diff'] < (0.05 if kind != 'pt2' else 1e-5)
    assert side['variants']['fp16']['bytes'] < res.path.stat().st_size
    # the .pt2 loads with plain torch, without a deprecation warning, and takes uint8 NHWC
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        program = torch.export.load(str(bundle / 'm.pt2')).module()
    x = torch.zeros(2, 32, 32, 3, dtype=torch.uint8)
    out = program(x)
    probs = out[0] if isinstance(out, tuple) else out
    assert probs.shape == (2, 3) and torch.allclose(probs.sum(1), torch.ones(2), atol=1e-5)


def test_openvino_matches(tiny_model, tmp_path):
    pytest.importorskip('openvino')
    res = export_checked(tiny_model.path, tmp_path / 'm', 'onnx', also=('openvino',))
    c = res.check['variants']['openvino']
    assert c['ok'] and c['max_abs_diff'] < 1e-4
    assert (bundle_path(res.path) / 'openvino' / 'm.xml').is_file()
    assert (bundle_path(res.path) / 'openvino' / 'm.bin').is_file()


def test_coreml_converts(tiny_model, tmp_path):
    ct = pytest.importorskip('coremltools')
    res = export_checked(tiny_model.path, tmp_path / 'm', 'onnx', also=('coreml',))
    pkg = bundle_path(res.path) / 'm.mlpackage'
    spec = ct.utils.load_spec(str(pkg))
    assert [i.name for i in spec.description.input] == ['image']
    assert [o.name for o in spec.description.output][0] == 'probabilities'
    assert res.check['variants']['coreml']['ok']
    if sys.platform == 'darwin':  # Core ML predicts only on macOS
        model = ct.models.MLModel(str(pkg))
        out = model.predict({'image': np.zeros((1, 32, 32, 3), np.float32)})
        assert out['probabilities'].shape[-1] == 3


def test_unknown_or_misplaced_formats_are_refused(tiny_model, tmp_path):
    with pytest.raises(ValueError, match="unknown export format 'tflite' for --also; choose from: fp16"):
        export_checked(tiny_model.path, tmp_path / 'm', 'onnx', also=('tflite',))
    with pytest.raises(ValueError, match='only with an ONNX export'):
        export_checked(tiny_model.path, tmp_path / 'm', 'torchscript', also=('fp16',))
    assert not list(tmp_path.iterdir())


def test_a_missing_runtime_says_how_to_install_it(tiny_model, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, 'onnxruntime', None)  # import onnxruntime raises ImportError
    with pytest.raises(RuntimeError, match=r"needs the onnxruntime package: pip install -e '\.\[export\]'"):
        export_checked(tiny_model.path, tmp_path / 'm', 'onnx')
    assert not list(tmp_path.iterdir())
