"""Hypothesis fuzzing of the model loader (issue 9): whatever the file, only ModelFileError comes out.

A real ``tiny_test`` model file (and a two-member ensemble of it) is mutated:
metadata fields set to extreme values or wrong types, keys dropped, members
added, tensor-table shapes, dtypes and offsets changed, truncation, byte flips
and a patched header length. Metadata edits usually get a freshly computed,
*valid* checksum (the checksum is unkeyed, so an attacker can), so the field
checks, not the checksum, must stop them. The default run tries
``FUZZ_EXAMPLES`` examples; ``bench/fuzz_model_file.py`` runs thousands and
measures time and memory. Set ``PETCOGNIZER_FUZZ_EXAMPLES`` for a longer run here.
"""

from __future__ import annotations

import json
import math
import os
import struct
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from petcognizer.core.modelfile import ModelFileError, read_metadata

FUZZ_EXAMPLES = int(os.environ.get('PETCOGNIZER_FUZZ_EXAMPLES', '100'))

#: Values a mutated field may take: extremes, wrong types, names that mean something.
EXTREMES = [0, -1, 1, 2, 15, 16, 2048, 2049, 100000, 2 ** 31, 2 ** 63, 10 ** 30, -2 ** 63,
            0.5, -0.0, 1e-300, 1e308, -1e308, math.inf, -math.inf, math.nan, True, False, None,
            '', 'x', 'x' * 5000, '\x00', '../../etc/passwd', 'tiny_test', 'efficientnet_lite0',
            'linear', 'fc-dropout', 'prototype', 'bicubic', [], [1, 2, 3], [0.5] * 3, [0] * 3,
            [2 ** 40] * 3, ['a', 'b'], ['a'] * 3, [None], {}, {'kind': 'linear'},
            {'kind': 'fc-dropout', 'in_features': 2 ** 40, 'hidden': 2 ** 40}]
KINDS = ['field', 'drop', 'member', 'table', 'truncate', 'flip', 'length', 'raw_meta']


class Base:
    """A model file, split for mutation: header dict, metadata dict, data bytes, tensors."""

    def __init__(self, path: Path):
        from safetensors.torch import load_file

        raw = path.read_bytes()
        n = struct.unpack('<Q', raw[:8])[0]
        self.raw = raw
        self.header = json.loads(raw[8:8 + n])
        self.meta = json.loads(self.header['__metadata__']['petcognizer'])
        self.data = raw[8 + n:]
        self.tensors = load_file(str(path))


def _paths(obj, prefix=()):
    """Every (path of keys/indices) inside nested dicts and lists."""
    out = [prefix]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj[:8]):
            out += _paths(v, prefix + (i,))
    return out


def _set_at(obj, path, value):
    for k in path[:-1]:
        obj = obj[k]
    obj[path[-1]] = value


def _pack(header: dict, data: bytes) -> bytes:
    blob = json.dumps(header).encode()
    blob += b' ' * (-len(blob) % 8)
    return struct.pack('<Q', len(blob)) + blob + data


def mutate_model(base: Base, kind: str, seed: int, resign: bool) -> bytes:
    """One kind of damage to a model file; ``resign``: give metadata edits a valid checksum."""
    from petcognizer.core.model import _checksum

    rng = np.random.default_rng(seed)
    header = json.loads(json.dumps(base.header))
    meta = json.loads(json.dumps(base.meta))
    data = base.data

    def pick(seq):
        return seq[int(rng.integers(0, len(seq)))]

    if kind in ('field', 'drop', 'member'):
        for _ in range(int(rng.integers(1, 4))):
            paths = [p for p in _paths(meta) if p]
            path = pick(paths)
            if kind == 'field':
                _set_at(meta, path, json.loads(json.dumps(pick(EXTREMES))))
            elif kind == 'drop':
                parent = meta
                for k in path[:-1]:
                    parent = parent[k]
                parent.pop(path[-1])  # a key of a dict or an index of a list
            else:
                part = {k: meta.get(k) for k in ('backbone', 'head', 'prior', 'prior_weight')}
                members = [json.loads(json.dumps(part)) for _ in range(int(rng.integers(1, 12)))]
                if members and rng.random() < 0.7:
                    sub = [p for p in _paths(members[0]) if p]
                    _set_at(members[0], pick(sub), json.loads(json.dumps(pick(EXTREMES))))
                meta['members'] = members
        meta_json = json.dumps(meta, sort_keys=True, allow_nan=True)
        header['__metadata__']['petcognizer'] = meta_json
        if resign:
            header['__metadata__']['checksum'] = _checksum(base.tensors, meta_json)
        return _pack(header, data)
    if kind == 'raw_meta':  # the metadata string itself: cut, or not JSON
        text = header['__metadata__']['petcognizer']
        header['__metadata__']['petcognizer'] = text[:int(rng.integers(0, len(text)))]
        return _pack(header, data)
    if kind == 'table':
        names = [k for k in header if k != '__metadata__']
        t = header[pick(names)]
        what = pick(['shape', 'dim', 'dtype', 'offsets', 'drop', 'add'])
        if what == 'shape':
            t['shape'] = [int(rng.integers(0, 2 ** 20)) for _ in range(int(rng.integers(0, 10)))]
        elif what == 'dim' and t['shape']:
            t['shape'][int(rng.integers(0, len(t['shape'])))] = pick([0, 2 ** 31, 2 ** 62, -1, 7.5, 'x'])
        elif what == 'dtype':
            t['dtype'] = pick(['F64', 'I8', 'BOOL', 'F8_E4M3', 'PICKLE', '', None, 7])
        elif what == 'offsets':
            t['data_offsets'] = [int(x) for x in rng.integers(-10, len(data) + 10, 2)] \
                if rng.random() < 0.7 else pick([[], [0], 'x', [0, 2 ** 63]])
        elif what == 'drop':
            header.pop(pick(names))
        else:
            header[f'extra.{seed}'] = {'dtype': 'F32', 'shape': [2 ** 30], 'data_offsets': [0, 2 ** 32]}
        return _pack(header, data)
    raw = bytearray(base.raw)
    if kind == 'truncate':
        return bytes(raw[:int(rng.integers(0, len(raw)))])
    if kind == 'flip':
        n = struct.unpack('<Q', bytes(raw[:8]))[0]
        for _ in range(int(rng.integers(1, 12))):
            at = int(rng.integers(0, 8 + n)) if rng.random() < 0.7 else int(rng.integers(0, len(raw)))
            raw[at] ^= 1 << int(rng.integers(0, 8))
        return bytes(raw)
    # 'length': the 8-byte header length
    raw[:8] = struct.pack('<Q', pick([0, 1, 2, 7, len(raw), len(raw) - 8, 2 ** 27, 2 ** 63,
                                      int(rng.integers(0, len(raw)))]))
    return bytes(raw)


def load_one(data: bytes, folder: str) -> str:
    """Write ``data`` as a model file and load it: 'ok', 'refused' (ModelFileError), or raises."""
    from petcognizer.core.model import load_model

    path = Path(folder) / 'fuzz.safetensors'
    path.write_bytes(data)
    try:
        read_metadata(path)
        load_model(path)
    except ModelFileError as exc:
        text = str(exc)
        assert text.startswith(f'{path}: ') and '\n' not in text, text
        return 'refused'
    return 'ok'


mutations = st.tuples(st.sampled_from(KINDS), st.integers(0, 2 ** 32 - 1), st.booleans())


@pytest.fixture(scope='module')
def bases(tiny_model, tmp_path_factory):
    """The tiny model's file and a two-member ensemble of it."""
    from petcognizer.core.model import Ensemble, load_model, save_model

    m = load_model(tiny_model.path)
    ens = save_model(tmp_path_factory.mktemp('fuzz') / 'ens.safetensors',
                     Ensemble([m, load_model(tiny_model.path)]))
    return [Base(tiny_model.path), Base(ens)]


@settings(max_examples=FUZZ_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(mutation=mutations, which=st.integers(0, 1))
def test_a_mutated_model_file_is_loaded_or_refused_with_a_model_file_error(bases, mutation, which):
    kind, seed, resign = mutation
    data = mutate_model(bases[which], kind, seed, resign)
    with tempfile.TemporaryDirectory() as folder:
        assert load_one(data, folder) in ('ok', 'refused')
