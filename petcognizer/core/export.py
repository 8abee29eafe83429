"""Export a trained model to files that run outside petcognizer."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from petcognizer.core.export_check import ExportResult, compare, expectations, pixels
from petcognizer.core.export_graph import quiet_deprecations
from petcognizer.core.export_spec import TOLERANCE, preprocess_rules, write_vectors
from petcognizer.core.exportformats import BUNDLE_MARKER, bundle_path, export_path
from petcognizer.core.fsutil import commit_file
from petcognizer.core.model import load_model
from petcognizer.core.modelfile import read_metadata

# The formats, their file names and usage text live in the torch-free
# petcognizer.core.exportformats, which the window imports too.
__all__ = ['ExportResult', 'check_bundle_place', 'export_checked', 'export_model']


def _probabilities_module(model):
    import torch
    from torch import nn

    class Probabilities(nn.Module):
        """Normalised image batch [N, 3, H, W] -> class probabilities [N, K]."""

        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.inner(x).softmax(dim=1)

    return Probabilities(model).eval()


def _sidecar(meta: dict) -> dict:
    """The TorchScript file's embedded description (float NCHW input, as before)."""
    return {
        'classes': meta['classes'],
        'preprocess': meta['preprocess'],
        'backbone': meta['backbone'],
        'input': 'float32 [N, 3, H, W]: RGB, resized with preprocess.interpolation so the short '
                 'side is preprocess.resize, centre-cropped to preprocess.input_size, scaled to '
                 '0..1, then (x - mean) / std',
        'output': 'float32 [N, K]: class probabilities in the order of classes',
        'preprocess_rules': preprocess_rules(meta['preprocess']),
    }


def export_model(model_path: os.PathLike | str, dest: os.PathLike | str,
                 fmt: str = 'safetensors') -> Path:
    """Write the model at ``model_path`` to ``dest`` in format ``fmt``; returns the file.

    ``fmt`` is a key of :data:`~petcognizer.core.exportformats.EXPORT_FORMATS`; a
    missing suffix is added (:func:`~petcognizer.core.exportformats.export_path`).
    Files are written to a temporary name and renamed, so a failed export never
    leaves a half-written file under ``dest``. See :func:`export_checked`.
    """
    return export_checked(model_path, dest, fmt).path


def export_checked(model_path: os.PathLike | str, dest: os.PathLike | str,
                   fmt: str = 'safetensors', also: tuple[str, ...] = ()) -> ExportResult:
    """:func:`export_model`, returning the files and the check against the source model.

    Every export is reloaded and compared with ``petcognizer predict`` on test
    vectors (small reference images); an ONNX export also gets its sidecar,
    its bundle folder (``predict.py``, README, the vectors) and a check that
    no float64 is in the graph. An export that differs from its source by more
    than the tolerance is refused (RuntimeError with the numbers).

    ``also`` (ONNX only): more formats written into the bundle and checked the
    same way: ``fp16``, ``int8`` (quantised ONNX), ``openvino``, ``coreml``, ``pt2``
    (:mod:`petcognizer.core.export_targets`).
    """
    import torch

    dest = export_path(dest, fmt)  # ValueError naming the known formats for another fmt
    dest.parent.mkdir(parents=True, exist_ok=True)
    meta = read_metadata(model_path)
    if also and fmt != 'onnx':
        raise ValueError(f'more formats ({", ".join(also)}) come only with an ONNX export')
    if also:
        from petcognizer.core.export_targets import check_variants

        check_variants(also)
    if fmt == 'onnx':
        check_bundle_place(bundle_path(dest))
    tmp = dest.with_name(dest.name + '.partial')
    try:
        if fmt == 'safetensors':
            load_model(model_path)  # verifies the checksum before we hand it out
            shutil.copyfile(model_path, tmp)
            commit_file(tmp, dest)
            return ExportResult(dest, [dest], _check_copy(model_path, dest, meta))
        model = load_model(model_path)
        if fmt == 'torchscript':
            wrapped = _probabilities_module(model)
            size = meta['preprocess']['input_size']
            example = torch.zeros(1, 3, size, size)
            extra = {'petcognizer.json': json.dumps(_sidecar(meta), indent=1)}
            with torch.no_grad(), quiet_deprecations():
                traced = torch.jit.trace(wrapped, example)
                torch.jit.save(traced, str(tmp), _extra_files=extra)
            check = _check_torchscript(model_path, tmp, meta)
            commit_file(tmp, dest)
            return ExportResult(dest, [dest], check)
        from petcognizer.core.export_onnx import export_onnx_bundle

        return export_onnx_bundle(model, model_path, meta, dest, tmp, tuple(also))
    except OSError as exc:
        raise OSError(f'{dest}: export failed ({exc.strerror or exc}); check free space and '
                      'that the folder is writable') from None
    finally:
        tmp.unlink(missing_ok=True)
        data = tmp.with_name(tmp.name + '.data')
        data.unlink(missing_ok=True)


def check_bundle_place(bundle: Path) -> None:
    """A bundle folder may replace only an earlier petcognizer bundle (it holds the marker)."""
    if os.path.lexists(bundle) and not (bundle.is_dir() and (bundle / BUNDLE_MARKER).is_file()):
        raise FileExistsError(f'{bundle}: exists and is not a petcognizer export bundle; '
                              'petcognizer never overwrites other files: move it away or '
                              'choose another name')


def _check_copy(model_path, dest: Path, meta: dict) -> dict:
    import tempfile

    with tempfile.TemporaryDirectory(prefix='petcognizer-vectors-') as folder:
        paths = write_vectors(Path(folder), meta['preprocess'])
        expected, _ = expectations(model_path, paths)
        got, _ = expectations(dest, paths)
    return compare(expected, got, TOLERANCE)


def _check_torchscript(model_path, ts_path: Path, meta: dict) -> dict:
    import tempfile

    import torch

    from petcognizer.core.data import Preprocess

    pre = Preprocess.from_dict(meta['preprocess'])
    with tempfile.TemporaryDirectory(prefix='petcognizer-vectors-') as folder:
        paths = write_vectors(Path(folder), meta['preprocess'])
        expected, _ = expectations(model_path, paths)
        x = torch.stack([pre.to_tensor(a) for a in pixels(paths, meta['preprocess'])])
    with quiet_deprecations():
        ts = torch.jit.load(str(ts_path))
    with torch.no_grad():
        got = ts(x).numpy()
    result = compare(expected, got, TOLERANCE)
    if not result['ok']:
        raise RuntimeError(f'{ts_path}: the TorchScript export differs from the model by '
                           f'{result["max_abs_diff"]:.2g} on the test vectors; it was not written')
    return result
