"""Checks every export gets: no float64 in an ONNX graph, and the same answers as its source.

:func:`compare` measures an exported model on the test vectors (or any photos)
against the probabilities ``petcognizer predict`` gives; the export is refused
when they differ by more than the tolerance, and the numbers go in the sidecar
and in what the CLI and the engine return.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = ['ExportResult', 'compare', 'expectations', 'float64_names', 'onnx_runner', 'pixels']


@dataclass
class ExportResult:
    """What an export wrote and how it compared with its source model.

    Attributes:
        path: the exported file.
        files: every file and folder written (the file first).
        check: the comparison on the test vectors (photos, top1_agree,
            max_abs_diff, tolerance, ok, float64 for ONNX), or None.
    """

    path: Path
    files: list[Path] = field(default_factory=list)
    check: dict | None = None

    def to_dict(self) -> dict:
        return {'path': str(self.path), 'files': [str(f) for f in self.files], 'check': self.check}


def expectations(model_path, paths: list[Path]):
    """The probabilities (and unknown scores) petcognizer predict gives for ``paths``."""
    from petcognizer.core.predict import Predictor

    pred = Predictor.load(model_path, device='cpu')
    ratios: list[float] = []
    mat, ok, errors = pred.probabilities(paths, unknown=ratios)
    if errors or len(ok) != len(paths):
        raise RuntimeError(f'test vectors could not be read: {errors}')
    return mat.numpy(), ratios


def pixels(paths: Sequence[Path], pre: dict) -> np.ndarray:
    """uint8 [N, H, W, 3]: the photos exactly as petcognizer preprocesses them, before normalising."""
    from petcognizer.core.data import Preprocess
    from petcognizer.core.images import load_rgb

    p = Preprocess.from_dict(pre)
    return np.stack([np.asarray(p.resize_crop(load_rgb(path, draft_size=p.resize)), dtype=np.uint8)
                     for path in paths])


def float64_names(model) -> list[str]:
    """Every initializer, value, constant or cast of an ONNX ``ModelProto`` that is float64."""
    import onnx
    from onnx import TensorProto

    double = TensorProto.DOUBLE
    try:
        model = onnx.shape_inference.infer_shapes(model)
    except Exception:  # noqa: BLE001 - the explicit types are still checked
        pass
    g = model.graph
    found = [f'initializer {t.name}' for t in g.initializer if t.data_type == double]
    for kind, values in (('input', g.input), ('output', g.output), ('value', g.value_info)):
        found += [f'{kind} {v.name}' for v in values
                  if v.type.HasField('tensor_type') and v.type.tensor_type.elem_type == double]
    for node in g.node:
        for a in node.attribute:
            if a.type == onnx.AttributeProto.TENSOR and a.t.data_type == double:
                found.append(f'{node.op_type} {node.name}.{a.name}')
            if node.op_type == 'Cast' and a.name == 'to' and a.i == double:
                found.append(f'Cast {node.name} to float64')
    return found


def onnx_runner(path: Path, input_name: str = 'image') -> Callable[[np.ndarray], np.ndarray]:
    """uint8 batch -> probabilities with ONNX Runtime on the CPU (one photo at a time)."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    session = ort.InferenceSession(str(path), opts, providers=['CPUExecutionProvider'])

    def run(x: np.ndarray) -> np.ndarray:
        return np.concatenate([session.run(None, {input_name: x[i:i + 1]})[0] for i in range(len(x))])

    return run


def compare(expected: np.ndarray, got: np.ndarray, tolerance: float) -> dict:
    """Agreement of ``got`` with ``expected`` (both [N, K] probabilities)."""
    expected = np.asarray(expected, dtype=np.float64)
    got = np.asarray(got, dtype=np.float64)
    diff = float(np.abs(expected - got).max()) if expected.size else 0.0
    top1 = int((expected.argmax(1) == got.argmax(1)).sum()) if expected.size else 0
    return {
        'photos': len(expected),
        'top1_agree': top1,
        'max_abs_diff': diff,
        'tolerance': tolerance,
        # a top-1 change within the tolerance is a near tie; the difference decides
        'ok': bool(diff <= tolerance),
    }
