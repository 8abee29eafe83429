"""Read and check a model file's header without torch: its classes, backbone and preprocessing.

A petcognizer model file is a safetensors file (see :mod:`petcognizer.core.model`).
The safetensors layout starts with an 8-byte little-endian header length, then
that many bytes of JSON: one ``{dtype, shape, data_offsets}`` entry per tensor,
and a ``__metadata__`` of string-to-string metadata; petcognizer keeps its own
JSON under ``"petcognizer"`` and a checksum under ``"checksum"``. Parsing that
header needs only the standard library, so the window can list a model's classes
without loading torch.

The checksum is unkeyed: it proves a file was not damaged, not who made it. So
every field is checked on its own, here, before anything is built from it
(:func:`check_metadata`, :func:`check_tensors`): sizes, classes, head, prior,
ensemble members and the tensor table against the file's size and against the
shapes the metadata implies. A file that fails gets one :class:`ModelFileError`
naming the file and the field.
"""

from __future__ import annotations

import json
import math
import os
import stat
import struct
from pathlib import Path
from typing import Any

__all__ = [
    'FORMAT', 'FORMAT_VERSION', 'HEADS', 'INTERPOLATIONS', 'ModelFileError', 'check_metadata',
    'check_tensors', 'head_shapes', 'read_header', 'read_metadata', 'read_model_header',
]

FORMAT = 'petcognizer-model'
FORMAT_VERSION = 1
#: A header longer than this is not a petcognizer model file's (a 3-member
#: ensemble's is about 0.2 MB; safetensors itself caps headers at 100 MB).
MAX_HEADER_BYTES = 16 * 1024 * 1024
#: The heads and resampling filters a model file may name; the same as
#: :data:`petcognizer.core.config.HEADS` and :data:`petcognizer.core.data.INTERPOLATIONS`
#: (tests check), repeated here because this module sits below both.
HEADS = ('linear', 'gap-dropout', 'fc-dropout', 'prototype')
INTERPOLATIONS = ('nearest', 'bilinear', 'bicubic', 'box', 'hamming', 'lanczos')
#: Allowed ranges (inclusive) of the numbers in a model file.
LIMITS = {
    'input size': (16, 1024),
    'resize': (16, 2048),
    'mean': (0.0, 1.0),
    'std': (0.001, 10.0),
    'classes': (2, 10_000),
    'in_features': (1, 16_384),
    'hidden': (1, 16_384),
    'dropout': (0.0, 1.0),
    'prior weight': (0.0, 1_000.0),
    'ensemble members': (1, 8),
    'tensors': (1, 100_000),
    'tensor dimensions': (0, 8),
    'temperature': (0.01, 100.0),
    'unknown threshold': (1e-9, 2.0),
    'unknown false flag rate': (0.0, 1.0),
}
#: The "none of these" scores a model file may name (see petcognizer.core.evaluation).
UNKNOWN_KINDS = ('centred-cosine',)
#: ImageNet-1k outputs a class-name prior may point at.
IMAGENET_OUTPUTS = 1000
MAX_NAME = 255
_DTYPE_BYTES = {'F64': 8, 'F32': 4, 'F16': 2, 'BF16': 2, 'I64': 8, 'I32': 4, 'I16': 2, 'I8': 1,
                'U8': 1, 'BOOL': 1}
DAMAGED = 'the file is damaged or was not made by petcognizer'


class ModelFileError(ValueError):
    """A model file that cannot be used; the message names it and says why."""


def _not_safetensors(path: Path) -> ModelFileError:
    return ModelFileError(
        f'{path}: not a petcognizer model file (it is not a safetensors file); '
        'choose a .safetensors file saved or exported by petcognizer')


def _bad(path: Path, what: str) -> ModelFileError:
    return ModelFileError(f'{path}: {what}: {DAMAGED}')


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + '...'


def _json(blob: bytes | str) -> Any:
    try:
        return json.loads(blob)
    except (UnicodeDecodeError, ValueError, RecursionError):  # JSONDecodeError is a ValueError
        return None


def _read_raw(path: Path) -> tuple[dict, int]:
    """The whole safetensors header (tensor table and ``__metadata__``) and the data's size."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ModelFileError(f'{path}: no such model file') from None
    except OSError as exc:  # a link loop, no permission to look, an I/O error
        raise ModelFileError(f'{path}: cannot be opened ({exc.strerror or exc}); '
                             'choose another model file') from None
    if not stat.S_ISREG(st.st_mode):
        raise ModelFileError(f'{path}: not a regular file; choose a .safetensors model file')
    try:
        with open(path, 'rb') as f:
            raw = f.read(8)
            if len(raw) != 8:
                raise _not_safetensors(path)
            (n,) = struct.unpack('<Q', raw)
            if n < 2 or n > MAX_HEADER_BYTES or n > st.st_size - 8:
                raise _not_safetensors(path)
            blob = f.read(n)
    except OSError as exc:
        raise ModelFileError(f'{path}: cannot be read ({exc.strerror or exc})') from None
    if len(blob) != n:
        raise _not_safetensors(path)
    header = _json(blob)
    if not isinstance(header, dict):
        raise _not_safetensors(path)
    meta = header.get('__metadata__') or {}
    if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
        raise _not_safetensors(path)
    return header, st.st_size - 8 - n


def read_header(path: os.PathLike | str) -> dict[str, str]:
    """The safetensors ``__metadata__`` of ``path`` (string keys and values).

    Raises:
        ModelFileError: no such file, or not a safetensors file.
    """
    return _read_raw(Path(path))[0].get('__metadata__') or {}


def _parse_metadata(path: Path, header: dict[str, str]) -> dict:
    if 'petcognizer' not in header:
        raise ModelFileError(
            f'{path}: a safetensors file, but not one made by petcognizer '
            '(no petcognizer metadata); train a model in petcognizer or choose another file')
    meta = _json(header['petcognizer'])
    if meta is None:
        raise ModelFileError(f'{path}: its petcognizer metadata is damaged; export the model again')
    if not isinstance(meta, dict) or meta.get('format') != FORMAT:
        raise ModelFileError(f'{path}: not a petcognizer model file')
    version = meta.get('format_version', 1)
    if isinstance(version, bool) or not isinstance(version, int):
        raise ModelFileError(f'{path}: its petcognizer metadata is damaged; export the model again')
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f'{path}: made by a newer petcognizer ({_show(meta.get("petcognizer_version"))}); '
            'update petcognizer to open it')
    if version < 1:
        raise _bad(path, f'format version {version} is out of range (1-{FORMAT_VERSION})')
    check_metadata(meta, path)
    return meta


def read_metadata(path: os.PathLike | str) -> dict:
    """The model file's petcognizer metadata (classes, backbone, preprocess, ...), checked.

    Reads the header only: no weights, no torch. Checks the format and every
    field's type and range (:func:`check_metadata`), not the checksum
    (:func:`petcognizer.core.model.load_model` does that).

    Raises:
        ModelFileError: the file is missing, not ours, damaged, or from a newer
            petcognizer.
    """
    path = Path(path)
    return _parse_metadata(path, read_header(path))


def read_model_header(path: os.PathLike | str) -> tuple[dict, dict[str, str], dict[str, dict]]:
    """(checked metadata, safetensors ``__metadata__``, tensor table) of a model file.

    The tensor table is checked against the file's size and the metadata
    (:func:`check_tensors`), so what a loader then allocates is bounded by the
    file itself.
    """
    path = Path(path)
    raw, data_size = _read_raw(path)
    strings = raw.get('__metadata__') or {}
    meta = _parse_metadata(path, strings)
    tensors = {k: v for k, v in raw.items() if k != '__metadata__'}
    check_tensors(tensors, data_size, meta, path)
    return meta, strings, tensors


# ------------------------------------------------------------------ fields


def _int(v: Any, name: str, path: Path, limits: tuple[int, int] | None = None) -> int:
    lo, hi = limits or LIMITS[name]
    if isinstance(v, bool) or not isinstance(v, int):
        raise _bad(path, f'{name} {_show(v)} is not a whole number')
    if not lo <= v <= hi:
        raise _bad(path, f'{name} {_show(v)} is out of range ({lo}-{hi})')
    return v


def _float(v: Any, name: str, path: Path) -> float:
    lo, hi = LIMITS[name]
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise _bad(path, f'{name} {_show(v)} is not a number')
    if not math.isfinite(v) or not lo <= v <= hi:
        raise _bad(path, f'{name} {_show(v)} is out of range ({lo:g}-{hi:g})')
    return float(v)


def _str(v: Any, name: str, path: Path, longest: int = MAX_NAME) -> str:
    if not isinstance(v, str) or not v or len(v) > longest or '\x00' in v:
        raise _bad(path, f'{name} {_show(v)} is not a name of 1 to {longest} characters')
    return v


def _dict(v: Any, name: str, path: Path) -> dict:
    if not isinstance(v, dict):
        raise _bad(path, f'{name} {_show(v)} is not a table of settings')
    return v


def _list(v: Any, name: str, path: Path) -> list:
    if not isinstance(v, list):
        raise _bad(path, f'{name} {_show(v)} is not a list')
    return v


def _check_preprocess(pre: Any, path: Path) -> None:
    pre = _dict(pre, 'preprocess', path)
    _int(pre.get('input_size'), 'input size', path)
    _int(pre.get('resize'), 'resize', path)
    for key in ('mean', 'std'):
        values = _list(pre.get(key), key, path)
        if len(values) != 3:
            raise _bad(path, f'{key} has {len(values)} values, not 3 (red, green, blue)')
        for x in values:
            _float(x, key, path)
    interp = pre.get('interpolation', 'bilinear')
    if interp not in INTERPOLATIONS:
        raise _bad(path, f'interpolation {_show(interp)} is not one of {", ".join(INTERPOLATIONS)}')


def _check_head(head: Any, path: Path, where: str) -> None:
    head = _dict(head, f'{where}head', path)
    if head.get('kind') not in HEADS:
        raise _bad(path, f'{where}head kind {_show(head.get("kind"))} is not one of {", ".join(HEADS)}')
    _int(head.get('in_features'), 'in_features', path)
    if 'hidden' in head:
        _int(head['hidden'], 'hidden', path)
    if 'dropout' in head:
        _float(head['dropout'], 'dropout', path)


def _check_prior(prior: Any, n_classes: int, path: Path, where: str) -> None:
    if prior is None:
        return
    prior = _dict(prior, f'{where}prior', path)
    if prior.get('version', 1) != 1:
        raise _bad(path, f'{where}prior version {_show(prior.get("version"))} is not 1')
    names = _list(prior.get('classes'), f'{where}prior classes', path)
    matches = _list(prior.get('matches'), f'{where}prior matches', path)
    if len(names) != n_classes or len(matches) != n_classes:
        raise _bad(path, f'{where}prior has {len(names)} classes and {len(matches)} matches, '
                         f'not one per class ({n_classes})')
    for name in names:
        _str(name, 'prior class name', path)
    for m in matches:
        if m is None:
            continue
        m = _dict(m, 'prior match', path)
        _str(m.get('wnid'), 'prior match id', path, longest=10_000)
        if not isinstance(m.get('name'), str) or len(m['name']) > 10_000:
            raise _bad(path, f'prior match name {_show(m.get("name"))} is not a text')
        outputs = _list(m.get('outputs'), 'prior match outputs', path)
        if len(outputs) > IMAGENET_OUTPUTS:
            raise _bad(path, f'a prior match has {len(outputs)} outputs (at most {IMAGENET_OUTPUTS})')
        for j in outputs:
            _int(j, 'prior output', path, (0, IMAGENET_OUTPUTS - 1))
    if not any(matches):
        raise _bad(path, f'{where}prior matches no class')


def _check_unknown(unknown: Any, path: Path, where: str) -> None:
    unknown = _dict(unknown, f'{where}unknown statistics', path)
    if unknown.get('kind') not in UNKNOWN_KINDS:
        raise _bad(path, f'{where}unknown kind {_show(unknown.get("kind"))} is not one of '
                         f'{", ".join(UNKNOWN_KINDS)}')
    _float(unknown.get('threshold'), 'unknown threshold', path)
    if 'false_flag_rate' in unknown:
        _float(unknown['false_flag_rate'], 'unknown false flag rate', path)


def _check_member(part: dict, n_classes: int, path: Path, where: str = '') -> None:
    _str(part.get('backbone'), f'{where}backbone', path, longest=100)
    _check_head(part.get('head'), path, where)
    if 'prior_weight' in part:
        _float(part['prior_weight'], 'prior weight', path)
    _check_prior(part.get('prior'), n_classes, path, where)
    if part.get('unknown') is not None:
        _check_unknown(part['unknown'], path, where)
    if 'flip_tta' in part and not isinstance(part['flip_tta'], bool):
        raise _bad(path, f'{where}flip_tta {_show(part["flip_tta"])} is neither true nor false')


def check_metadata(meta: dict, path: os.PathLike | str) -> None:
    """Check every field of a model file's petcognizer metadata, or raise :class:`ModelFileError`.

    Types and ranges of the preprocessing, the classes (count, unique names),
    the backbone name, head, prior, prior weight and "none of these" statistics
    of the model or of each ensemble member, the calibration temperature, and
    the optional ``extra`` and version text.
    """
    path = Path(path)
    _check_preprocess(meta.get('preprocess'), path)
    classes = _list(meta.get('classes'), 'classes', path)
    lo, hi = LIMITS['classes']
    if not lo <= len(classes) <= hi:
        raise _bad(path, f'{len(classes)} classes is out of range ({lo}-{hi})')
    for name in classes:
        _str(name, 'class name', path)
    if len(set(classes)) != len(classes):
        raise _bad(path, 'two classes have the same name')
    _str(meta.get('backbone'), 'backbone', path, longest=1000)
    if 'petcognizer_version' in meta and not isinstance(meta['petcognizer_version'], str):
        raise _bad(path, f'petcognizer version {_show(meta["petcognizer_version"])} is not a text')
    if 'extra' in meta:
        _dict(meta['extra'], 'extra', path)
    if 'temperature' in meta:
        _float(meta['temperature'], 'temperature', path)
    members = meta.get('members')
    if members:
        members = _list(members, 'ensemble members', path)
        _int(len(members), 'ensemble members', path)
        for k, part in enumerate(members):
            _check_member(_dict(part, f'ensemble member {k + 1}', path), len(classes), path,
                          f'member {k + 1} ')
    else:
        _check_member(meta, len(classes), path)


def head_shapes(meta: dict) -> dict[str, tuple[int, ...]]:
    """The head tensors' names and shapes that checked metadata implies (``members.k.`` prefixed)."""
    k = len(meta['classes'])
    parts = [(f'members.{i}.', m) for i, m in enumerate(meta['members'])] if meta.get('members') \
        else [('', meta)]
    out: dict[str, tuple[int, ...]] = {}
    for prefix, part in parts:
        hc = part['head']
        f, kind = hc['in_features'], hc['kind']
        if kind == 'fc-dropout':
            h = hc.get('hidden', 512)
            shapes = {'0.weight': (h, f), '0.bias': (h,), '3.weight': (k, h), '3.bias': (k,)}
        elif kind == 'prototype':
            shapes = {'1.weight': (k, f)}
        else:
            i = 0 if kind == 'linear' else 1
            shapes = {f'{i}.weight': (k, f), f'{i}.bias': (k,)}
        out.update({f'{prefix}head.{name}': s for name, s in shapes.items()})
        if part.get('unknown'):
            out[f'{prefix}unknown_centre'] = (f,)
            out[f'{prefix}unknown_means'] = (k, f)
    return out


def check_tensors(tensors: dict, data_size: int, meta: dict, path: os.PathLike | str) -> None:
    """Check a safetensors tensor table against the data's size and the metadata.

    Each entry needs a known dtype, at most 8 non-negative dimensions and data
    offsets that hold exactly its bytes; together they must tile the data with
    no gap or overlap; the head tensors must have the shapes the metadata's
    classes and head imply.
    """
    path = Path(path)
    _int(len(tensors), 'tensors', path)
    spans = []
    for name, t in tensors.items():
        where = f'tensor {_show(name)}'
        if not isinstance(t, dict) or t.get('dtype') not in _DTYPE_BYTES:
            raise _bad(path, f'{where} has no known type')
        shape = _list(t.get('shape'), f'{where} shape', path)
        _int(len(shape), 'tensor dimensions', path)
        numel = 1
        for dim in shape:
            numel *= _int(dim, f'{where} dimension', path, (0, data_size))
            if numel > data_size:
                raise _bad(path, f'{where} of shape {_show(shape)} is larger than the file')
        offsets = _list(t.get('data_offsets'), f'{where} offsets', path)
        if len(offsets) != 2:
            raise _bad(path, f'{where} offsets {_show(offsets)} are not [start, end]')
        start, end = (_int(x, f'{where} offset', path, (0, data_size)) for x in offsets)
        if end - start != numel * _DTYPE_BYTES[t['dtype']]:
            raise _bad(path, f'{where} of shape {_show(shape)} does not fit its {end - start} bytes')
        spans.append((start, end))
    spans.sort()
    at = 0
    for start, end in spans:
        if start != at:
            raise _bad(path, 'the tensors overlap or leave gaps in the file')
        at = end
    if at != data_size:
        raise _bad(path, f'the tensors hold {at} bytes but the file holds {data_size}')
    for name, shape in head_shapes(meta).items():
        t = tensors.get(name)
        if t is None:
            raise _bad(path, f'the head tensor {name} is missing')
        if tuple(t['shape']) != shape:
            raise _bad(path, f'the head tensor {name} has shape {_show(t["shape"])}, '
                             f'but the metadata says {list(shape)}')
