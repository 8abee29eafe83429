"""Export a trained model to files that run outside petcognizer."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import warnings
from pathlib import Path

from petcognizer.core.exportformats import export_path, sidecar_path
from petcognizer.core.fsutil import atomic_write_text, commit_file
from petcognizer.core.model import load_model
from petcognizer.core.modelfile import read_metadata

# The formats, their file names and usage text live in the torch-free
# petcognizer.core.exportformats, which the window imports too.
__all__ = ['export_model']


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
    return {
        'classes': meta['classes'],
        'preprocess': meta['preprocess'],
        'backbone': meta['backbone'],
        'input': 'float32 [N, 3, H, W]: RGB, resized with preprocess.interpolation so the short '
                 'side is preprocess.resize, centre-cropped to preprocess.input_size, scaled to '
                 '0..1, then (x - mean) / std',
        'output': 'float32 [N, K]: class probabilities in the order of classes',
    }


def export_model(model_path: os.PathLike | str, dest: os.PathLike | str,
                 fmt: str = 'safetensors') -> Path:
    """Write the model at ``model_path`` to ``dest`` in format ``fmt``; returns the file.

    ``fmt`` is a key of :data:`~petcognizer.core.exportformats.EXPORT_FORMATS`; a
    missing suffix is added (:func:`~petcognizer.core.exportformats.export_path`).
    Files are written to a temporary name and renamed, so a failed export never
    leaves a half-written file under ``dest``.
    """
    import torch

    dest = export_path(dest, fmt)  # ValueError naming the known formats for another fmt
    dest.parent.mkdir(parents=True, exist_ok=True)
    meta = read_metadata(model_path)
    tmp = dest.with_name(dest.name + '.partial')
    try:
        if fmt == 'safetensors':
            load_model(model_path)  # verifies the checksum before we hand it out
            shutil.copyfile(model_path, tmp)
        else:
            model = load_model(model_path)
            wrapped = _probabilities_module(model)
            size = meta['preprocess']['input_size']
            example = torch.zeros(1, 3, size, size)
            if fmt == 'torchscript':
                extra = {'petcognizer.json': json.dumps(_sidecar(meta), indent=1)}
                with torch.no_grad(), _quiet_deprecations():
                    traced = torch.jit.trace(wrapped, example)
                    torch.jit.save(traced, str(tmp), _extra_files=extra)
            else:
                _export_onnx(wrapped, example, tmp, meta)
                # the sidecar first, so an .onnx never appears without it
                atomic_write_text(sidecar_path(dest), json.dumps(_sidecar(meta), indent=1))
        commit_file(tmp, dest)
    except OSError as exc:
        raise OSError(f'{dest}: export failed ({exc.strerror or exc}); check free space and '
                      'that the folder is writable') from None
    finally:
        tmp.unlink(missing_ok=True)
        data = tmp.with_name(tmp.name + '.data')
        data.unlink(missing_ok=True)
    return dest


@contextlib.contextmanager
def _quiet_deprecations():
    """Hide torch's deprecation notices for the exporters we use on purpose.

    TorchScript tracing and the TorchScript-based ONNX exporter (``dynamo=False``)
    warn that they are deprecated; users of ``petcognizer export`` cannot act on that.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings('ignore', message=r'.*(legacy TorchScript-based ONNX|torch\.jit\.)',
                                category=DeprecationWarning)
        warnings.filterwarnings('ignore', message=r'.*torch\.jit\.', category=FutureWarning)
        yield


def _export_onnx(wrapped, example, tmp: Path, meta: dict) -> None:
    import torch

    try:
        import onnx
    except ImportError:
        raise RuntimeError('ONNX export needs the onnx package: pip install "petcognizer[onnx]"') from None
    with torch.no_grad(), _quiet_deprecations():
        torch.onnx.export(
            wrapped, (example,), str(tmp), input_names=['image'], output_names=['probabilities'],
            dynamic_axes={'image': {0: 'batch'}, 'probabilities': {0: 'batch'}},
            dynamo=False, opset_version=17,
        )
    proto = onnx.load(str(tmp))
    for k, v in {'petcognizer.classes': json.dumps(meta['classes']),
                 'petcognizer.preprocess': json.dumps(meta['preprocess'])}.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = k, v
    onnx.save(proto, str(tmp))
