"""The export formats and their file rules, without torch.

What :mod:`petcognizer.core.export` writes and what the window shows about it
come from here: each format's title, file suffix and description, where an ONNX
export's sidecar goes, the file name an export gets, and how to use the file.
The window imports this module; it must never import torch
(``tests/core/test_export.py`` checks it in a fresh interpreter).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    'EXPORT_FORMATS',
    'ExportFormat',
    'export_format',
    'BUNDLE_MARKER',
    'bundle_path',
    'export_path',
    'sidecar_path',
    'usage_snippet',
]


@dataclass(frozen=True)
class ExportFormat:
    """One export format.

    Attributes:
        name: the format's key (``'safetensors'``, ``'onnx'``, ``'torchscript'``).
        title: a short label naming the file type, e.g. ``'ONNX (.onnx)'``.
        suffix: the file suffix an export in this format gets.
        description: what the file holds and what runs it.
    """

    name: str
    title: str
    suffix: str
    description: str


#: name -> format, in the order the window lists them (the first is the default).
EXPORT_FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat('safetensors', 'petcognizer model (.safetensors)', '.safetensors',
                 'petcognizer model file (.safetensors): weights, classes and preprocessing; '
                 'load with petcognizer or safetensors'),
    ExportFormat('onnx', 'ONNX (.onnx)', '.onnx',
                 'ONNX (.onnx + .onnx.json): runs in ONNX Runtime, no PyTorch needed'),
    ExportFormat('torchscript', 'TorchScript (.pt)', '.pt',
                 'TorchScript (.pt): runs with plain PyTorch, no petcognizer needed'),
)}


def export_format(name: str) -> ExportFormat:
    """The format called ``name``; ValueError naming the known ones otherwise."""
    try:
        return EXPORT_FORMATS[name]
    except KeyError:
        raise ValueError(f'unknown export format {name!r}; choose one of: '
                         f'{", ".join(EXPORT_FORMATS)}') from None


def export_path(dest: os.PathLike | str, fmt: str) -> Path:
    """The file an export of format ``fmt`` to ``dest`` writes: ``dest`` with the
    format's suffix added unless it already ends in it (any case)."""
    dest = Path(dest)
    suffix = export_format(fmt).suffix
    return dest if dest.suffix.lower() == suffix else dest.with_name(dest.name + suffix)


def sidecar_path(onnx_path: os.PathLike | str) -> Path:
    """Where an ONNX export's classes and preprocessing go: ``<name>.onnx.json``.

    Its own name, not ``<stem>.json``, so it can never replace a ``project.json``.
    """
    onnx_path = Path(onnx_path)
    return onnx_path.with_name(onnx_path.name + '.json')


#: The file that marks a bundle folder as petcognizer's (only such a folder is ever replaced).
BUNDLE_MARKER = '.petcognizer-export'


def bundle_path(onnx_path: os.PathLike | str) -> Path:
    """The folder an ONNX export's ready-to-run files go in: ``<name>.onnx-bundle``.

    It holds ``predict.py`` (onnxruntime + numpy + Pillow only), ``README.md``
    and the test vectors (``vectors/*.png``) the sidecar lists.
    """
    onnx_path = Path(onnx_path)
    return onnx_path.with_name(onnx_path.name + '-bundle')


def usage_snippet(fmt: str, dest: os.PathLike | str) -> str:
    """A short, copy-pasteable example of using the exported file ``dest``."""
    export_format(fmt)
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
    bundle = bundle_path(dest)
    script = bundle / 'predict.py'
    return (f'# ready to run (onnxruntime, numpy, Pillow): the same JSON lines as petcognizer predict --json\n'
            f'python "{script}" photo.jpg\n\n'
            '# Python, with the preprocessing of predict.py (pixels: uint8 [1, H, W, 3])\n'
            'import json, sys, onnxruntime as ort\n'
            f'sys.path.insert(0, r"{bundle}")\n'
            'from predict import pixels\n'
            f'info = json.load(open(r"{side}"))  # classes, preprocess_rules, test_vectors\n'
            f'session = ort.InferenceSession(r"{dest}")\n'
            'x = pixels("photo.jpg", info["preprocess"])  # decode, orient, resize, crop: no normalising\n'
            'probs = session.run(None, {"image": x})[0]\n'
            'print(info["classes"][int(probs[0].argmax())])\n')
