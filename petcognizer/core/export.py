"""Export a trained model to files that run outside petcognizer."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import warnings
from pathlib import Path

from petcognizer.core.fsutil import atomic_write_text, commit_file
from petcognizer.core.model import load_model
from petcognizer.core.modelfile import read_metadata

__all__ = ['EXPORT_FORMATS', 'export_model', 'sidecar_path', 'usage_snippet']

EXPORT_FORMATS = {
    'safetensors': 'petcognizer model file (.safetensors): weights, classes and preprocessing; '
                   'load with petcognizer or safetensors',
    'onnx': 'ONNX (.onnx + .onnx.json): runs in ONNX Runtime, no PyTorch needed',
    'torchscript': 'TorchScript (.pt): runs with plain PyTorch, no petcognizer needed',
}
_SUFFIX = {'safetensors': '.safetensors', 'onnx': '.onnx', 'torchscript': '.pt'}


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

    A missing suffix is added. Files are written to a temporary name and renamed,
    so a failed export never leaves a half-written file under ``dest``.
    """
    import torch

    if fmt not in EXPORT_FORMATS:
        raise ValueError(f'unknown export format {fmt!r}; choose one of: {", ".join(EXPORT_FORMATS)}')
    dest = Path(dest)
    if dest.suffix.lower() != _SUFFIX[fmt]:
        dest = dest.with_name(dest.name + _SUFFIX[fmt])
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
                # the sidecar first, so an .onnx never appears without it; its own
                # name (not <stem>.json) so it can never replace a project.json
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


def sidecar_path(onnx_path: os.PathLike | str) -> Path:
    """Where an ONNX export's classes and preprocessing go: ``<name>.onnx.json``."""
    onnx_path = Path(onnx_path)
    return onnx_path.with_name(onnx_path.name + '.json')


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


def usage_snippet(fmt: str, dest: os.PathLike | str) -> str:
    """A short, copy-pasteable example of using an exported file."""
    dest = str(dest)
    if fmt == 'safetensors':
        return (f'# command line\npetcognizer predict "{dest}" photo.jpg\n\n'
                '# Python\nfrom petcognizer.core.predict import Predictor\n'
                f'p = Predictor.load(r"{dest}")\n'
                'print(p.predict_paths(["photo.jpg"])[0].probabilities)\n')
    if fmt == 'torchscript':
        return ('import json, torch\n'
                'extra = {"petcognizer.json": ""}\n'
                f'model = torch.jit.load(r"{dest}", _extra_files=extra)\n'
                'info = json.loads(extra["petcognizer.json"])  # classes + preprocessing\n'
                '# x: float tensor [N, 3, H, W] preprocessed as info["input"] says\n'
                'probs = model(x)\n'
                'print(info["classes"][int(probs[0].argmax())])\n')
    side = str(sidecar_path(dest))
    return ('import json, onnxruntime as ort\n'
            f'info = json.load(open(r"{side}"))  # classes + preprocessing\n'
            f'session = ort.InferenceSession(r"{dest}")\n'
            '# x: float32 array [N, 3, H, W] preprocessed as info["input"] says\n'
            'probs = session.run(None, {"image": x})[0]\n'
            'print(info["classes"][int(probs[0].argmax())])\n')
