"""Read a model file's metadata without torch: its classes, backbone and preprocessing.

A petcognizer model file is a safetensors file (see :mod:`petcognizer.core.model`).
The safetensors layout starts with an 8-byte little-endian header length, then
that many bytes of JSON whose ``__metadata__`` holds string-to-string metadata;
petcognizer keeps its own JSON under ``"petcognizer"`` and a checksum under
``"checksum"``. Parsing that header needs only the standard library, so the
window can list a model's classes without loading torch.
"""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

__all__ = ['FORMAT', 'FORMAT_VERSION', 'ModelFileError', 'read_header', 'read_metadata']

FORMAT = 'petcognizer-model'
FORMAT_VERSION = 1
#: A header longer than this is not a model file's (safetensors caps it at 100 MB too).
MAX_HEADER_BYTES = 100 * 1024 * 1024


class ModelFileError(ValueError):
    """A model file that cannot be used; the message names it and says why."""


def _not_safetensors(path: Path) -> ModelFileError:
    return ModelFileError(
        f'{path}: not a petcognizer model file (it is not a safetensors file); '
        'choose a .safetensors file saved or exported by petcognizer')


def read_header(path: os.PathLike | str) -> dict[str, str]:
    """The safetensors ``__metadata__`` of ``path`` (string keys and values).

    Raises:
        ModelFileError: no such file, or not a safetensors file.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f'{path}: no such model file')
    try:
        with open(path, 'rb') as f:
            raw = f.read(8)
            if len(raw) != 8:
                raise _not_safetensors(path)
            (n,) = struct.unpack('<Q', raw)
            if n < 2 or n > MAX_HEADER_BYTES:
                raise _not_safetensors(path)
            blob = f.read(n)
    except OSError as exc:
        raise ModelFileError(f'{path}: cannot be read ({exc.strerror or exc})') from None
    if len(blob) != n:
        raise _not_safetensors(path)
    try:
        header = json.loads(blob)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _not_safetensors(path) from None
    if not isinstance(header, dict):
        raise _not_safetensors(path)
    meta = header.get('__metadata__') or {}
    if not isinstance(meta, dict):
        raise _not_safetensors(path)
    return meta


def read_metadata(path: os.PathLike | str) -> dict:
    """The model file's petcognizer metadata (classes, backbone, preprocess, ...).

    Reads the header only: no weights, no torch. Checks the format, not the
    checksum (:func:`petcognizer.core.model.load_model` does that).

    Raises:
        ModelFileError: the file is missing, not ours, damaged, or from a newer
            petcognizer.
    """
    path = Path(path)
    header = read_header(path)
    if 'petcognizer' not in header:
        raise ModelFileError(
            f'{path}: a safetensors file, but not one made by petcognizer '
            '(no petcognizer metadata); train a model in petcognizer or choose another file')
    try:
        meta = json.loads(header['petcognizer'])
    except (TypeError, json.JSONDecodeError):
        raise ModelFileError(f'{path}: its petcognizer metadata is damaged; export the model again') from None
    if not isinstance(meta, dict) or meta.get('format') != FORMAT:
        raise ModelFileError(f'{path}: not a petcognizer model file')
    try:
        version = int(meta.get('format_version', 0))
    except (TypeError, ValueError):
        raise ModelFileError(f'{path}: its petcognizer metadata is damaged; export the model again') from None
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f'{path}: made by a newer petcognizer ({meta.get("petcognizer_version")}); '
            'update petcognizer to open it')
    return meta
