"""Every field of a model file is checked on its own before anything is built from it.

The checksum is unkeyed (integrity, not origin): each crafted file here carries a
*valid* checksum, so only the field checks stand between it and the allocator.
"""

from __future__ import annotations

import json
import math
import os
import pickle
import struct
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from petcognizer.core import config as config_module
from petcognizer.core import data as data_module
from petcognizer.core import modelfile
from petcognizer.core.export import export_model
from petcognizer.core.model import _checksum, load_model
from petcognizer.core.modelfile import ModelFileError, read_metadata

DAMAGED = 'the file is damaged or was not made by petcognizer'


def _meta(path: Path) -> dict:
    return read_metadata(path)


def _write(path: Path, meta: dict, tensors: dict[str, torch.Tensor] | None = None,
           source: Path | None = None) -> Path:
    """Save ``meta`` and ``tensors`` as a model file with a correct checksum (as an attacker can)."""
    tensors = tensors if tensors is not None else load_file(str(source))
    meta_json = json.dumps(meta, sort_keys=True)
    save_file(tensors, str(path), metadata={'petcognizer': meta_json,
                                            'checksum': _checksum(tensors, meta_json)})
    return path


def _edited(tiny_model, tmp_path, edit) -> Path:
    meta = json.loads(json.dumps(_meta(tiny_model.path)))
    edit(meta)
    return _write(tmp_path / 'crafted.safetensors', meta, source=tiny_model.path)


def _raw_header(path: Path) -> tuple[dict, bytes]:
    raw = path.read_bytes()
    n = struct.unpack('<Q', raw[:8])[0]
    return json.loads(raw[8:8 + n]), raw[8 + n:]


def _raw_write(path: Path, header: dict, data: bytes) -> Path:
    blob = json.dumps(header).encode()
    blob += b' ' * (-len(blob) % 8)
    path.write_bytes(struct.pack('<Q', len(blob)) + blob + data)
    return path


def test_the_constants_repeated_below_the_core_agree():
    assert modelfile.HEADS == config_module.HEADS
    assert modelfile.INTERPOLATIONS == data_module.INTERPOLATIONS


def test_resize_100000_is_refused_by_name_everywhere(tiny_model, tmp_path):
    path = _edited(tiny_model, tmp_path, lambda m: m['preprocess'].update(resize=100000))
    expected = f'{path}: resize 100000 is out of range (16-2048): {DAMAGED}'
    for call in (read_metadata, load_model):
        with pytest.raises(ModelFileError) as info:
            call(path)
        assert str(info.value) == expected
    for fmt in ('safetensors', 'onnx'):
        dest = tmp_path / f'out-{fmt}'
        with pytest.raises(ModelFileError, match='resize 100000 is out of range'):
            export_model(path, dest, fmt)
        assert not list(tmp_path.glob('out-*'))  # nothing exported


def _set(*keys_and_value):
    *keys, value = keys_and_value

    def edit(meta):
        d = meta
        for k in keys[:-1]:
            d = d[k]
        d[keys[-1]] = value
    return edit


def _prior(n_outputs: int):
    def edit(meta):
        meta['prior'] = {'version': 1, 'classes': meta['classes'],
                         'matches': [{'wnid': 'n1', 'name': 'x', 'outputs': list(range(n_outputs))},
                                     None, None]}
        meta['prior_weight'] = 1.0
    return edit


@pytest.mark.parametrize('edit, says', [
    (_set('preprocess', 'input_size', 0), 'input size 0 is out of range (16-1024)'),
    (_set('preprocess', 'input_size', 10 ** 6), 'input size 1000000 is out of range'),
    (_set('preprocess', 'input_size', '224'), "input size '224' is not a whole number"),
    (_set('preprocess', 'input_size', True), 'input size True is not a whole number'),
    (_set('preprocess', 'resize', -5), 'resize -5 is out of range'),
    (_set('preprocess', 'resize', 1.5), 'resize 1.5 is not a whole number'),
    (_set('preprocess', 'mean', [0.5, 0.5]), 'mean has 2 values, not 3'),
    (_set('preprocess', 'mean', [0.5, 0.5, 1e300]), 'mean 1e+300 is out of range'),
    (_set('preprocess', 'std', [0.0, 0.5, 0.5]), 'std 0.0 is out of range'),
    (_set('preprocess', 'std', 'wide'), "std 'wide' is not a list"),
    (_set('preprocess', 'interpolation', 'os.system'), "interpolation 'os.system' is not one of"),
    (_set('preprocess', None), 'preprocess None is not a table of settings'),
    (_set('classes', []), '0 classes is out of range (2-10000)'),
    (_set('classes', ['only']), '1 classes is out of range'),
    (_set('classes', ['a', 'b'] + [f'c{i}' for i in range(10 ** 4)]), '10002 classes is out of range'),
    (_set('classes', ['blue', 7, 'red']), 'class name 7 is not a name'),
    (_set('classes', ['blue', '', 'red']), "class name '' is not a name"),
    (_set('classes', ['blue', 'x' * 300, 'red']), 'is not a name of 1 to 255 characters'),
    (_set('classes', ['blue', 'blue', 'red']), 'two classes have the same name'),
    (_set('classes', 'blue,green,red'), "classes 'blue,green,red' is not a list"),
    (_set('backbone', 12), 'backbone 12 is not a name'),
    (_set('head', 'kind', '__import__'), "head kind '__import__' is not one of"),
    (_set('head', 'in_features', 2 ** 40), 'in_features 1099511627776 is out of range (1-16384)'),
    (_set('head', 'hidden', 10 ** 9), 'hidden 1000000000 is out of range'),
    (_set('head', 'dropout', 7), 'dropout 7 is out of range (0-1)'),
    (_set('head', [1, 2]), 'head [1, 2] is not a table of settings'),
    (_set('prior_weight', float('inf')), 'prior weight inf is out of range'),
    (_set('prior_weight', -1), 'prior weight -1 is out of range'),
    (_set('flip_tta', 1), 'flip_tta 1 is neither true nor false'),
    (_prior(5000), 'a prior match has 5000 outputs (at most 1000)'),
    (_set('prior', {'version': 1, 'classes': ['a'], 'matches': [None]}),
     'prior has 1 classes and 1 matches, not one per class (3)'),
    (_set('members', [{'backbone': 'tiny_test'}] * 100), 'ensemble members 100 is out of range (1-8)'),
    (_set('extra', [1]), 'extra [1] is not a table of settings'),
    (_set('format_version', 0), 'format version 0 is out of range (1-1)'),
    (_set('petcognizer_version', {'x': 1}), 'petcognizer version'),
])
def test_a_field_out_of_range_or_of_the_wrong_type_is_named(tiny_model, tmp_path, edit, says):
    path = _edited(tiny_model, tmp_path, edit)
    with pytest.raises(ModelFileError) as info:
        load_model(path)
    text = str(info.value)
    assert text.startswith(f'{path}: ') and says in text, text
    assert '\n' not in text


def test_a_head_claiming_a_huge_shape_is_refused_by_its_shape_before_building_it(tiny_model, tmp_path,
                                                                                  monkeypatch):
    import petcognizer.core.model as model_module

    built = []
    monkeypatch.setattr(model_module, 'make_head', lambda *a, **k: built.append(a))
    path = _edited(tiny_model, tmp_path, _set('head', 'in_features', 10 ** 7))
    with pytest.raises(ModelFileError, match='in_features 10000000 is out of range'):
        load_model(path)
    # in range, but not what the backbone gives: refused before the head is made
    path = _edited(tiny_model, tmp_path, _set('head', 'in_features', 4096))
    with pytest.raises(ModelFileError, match='the head tensor head.0.weight has shape'):
        load_model(path)
    assert built == []


def test_a_head_that_fits_its_tensors_but_not_the_backbone_is_refused(tiny_model, tmp_path):
    meta = json.loads(json.dumps(_meta(tiny_model.path)))
    tensors = load_file(str(tiny_model.path))
    hidden = meta['head']['hidden']
    meta['head']['in_features'] = 64  # tiny_test gives 32
    tensors['head.0.weight'] = torch.zeros(hidden, 64)
    path = _write(tmp_path / 'wide.safetensors', meta, tensors)
    with pytest.raises(ModelFileError, match='its head reads 64 features, but tiny_test gives 32'):
        load_model(path)


@pytest.mark.parametrize('change, says', [
    (lambda h: h['head.0.weight'].update(shape=[50_000, 50_000]), 'is larger than the file'),
    (lambda h: h['head.0.weight'].update(shape=[256, 64]), r'has shape \[256, 64\], but the metadata says \[512, 32\]'),
    (lambda h: h['head.0.weight'].update(dtype='PICKLE'), 'has no known type'),
    (lambda h: h['head.0.weight'].update(shape=[1] * 20), 'tensor dimensions 20 is out of range'),
    (lambda h: h['head.0.weight'].update(data_offsets=[0, 16]), 'does not fit its 16 bytes'),
    (lambda h: h['head.0.bias'].update(data_offsets=[0, h['head.0.bias']['data_offsets'][1]
                                                     - h['head.0.bias']['data_offsets'][0]]),
     'the tensors overlap or leave gaps'),
    (lambda h: h.pop('head.3.bias'), 'the tensors overlap or leave gaps'),
])
def test_the_tensor_table_is_checked_against_the_file_and_the_metadata(tiny_model, tmp_path, change,
                                                                        says):
    header, data = _raw_header(tiny_model.path)
    change(header)
    path = _raw_write(tmp_path / 'table.safetensors', header, data)
    with pytest.raises(ModelFileError, match=says):
        load_model(path)


def test_a_tensor_table_longer_than_the_data_is_refused(tiny_model, tmp_path):
    header, data = _raw_header(tiny_model.path)
    path = _raw_write(tmp_path / 'short.safetensors', header, data[:-4])
    with pytest.raises(ModelFileError, match=r'offset \d+ is out of range|the tensors hold'):
        load_model(path)


class _Payload:
    """Unpickling this would create a marker file: proof that code ran."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


@pytest.mark.parametrize('how', ['torch.save', 'pickle', 'pickle after a small length'])
def test_a_pickle_renamed_safetensors_is_refused_and_runs_nothing(tmp_path, how):
    marker = tmp_path / 'code-ran'
    path = tmp_path / 'model.safetensors'
    payload = {'state_dict': {'w': torch.zeros(2)}, 'evil': _Payload(marker)}
    if how == 'torch.save':
        torch.save(payload, path)
    elif how == 'pickle':
        path.write_bytes(pickle.dumps(payload, protocol=2))
    else:  # a plausible header length, then pickle bytes where the JSON should be
        blob = pickle.dumps(payload, protocol=0)
        path.write_bytes(struct.pack('<Q', len(blob)) + blob)
    for call in (read_metadata, load_model):
        with pytest.raises(ModelFileError, match='not a petcognizer model file .*not a safetensors'):
            call(path)
    assert not marker.exists()


@pytest.mark.parametrize('blob', [
    b'{"__metadata__": {"petcognizer": "1"}, "x": ' + b'9' * 5000 + b'}',  # over int's digit limit
    b'[' * 100_000 + b']' * 100_000,  # deeper than the parser's recursion
    b'{"a": NaN, "b": Infinity}',
])
def test_odd_json_in_the_header_is_refused_as_not_safetensors(tmp_path, blob):
    path = tmp_path / 'odd.safetensors'
    blob += b' ' * (-len(blob) % 8)
    path.write_bytes(struct.pack('<Q', len(blob)) + blob)
    with pytest.raises(ModelFileError):
        load_model(path)


def test_nan_in_the_metadata_is_refused(tiny_model, tmp_path):
    path = _edited(tiny_model, tmp_path, _set('preprocess', 'mean', [math.nan, 0.5, 0.5]))
    with pytest.raises(ModelFileError, match='mean nan is out of range'):
        load_model(path)


def test_a_header_length_past_the_end_of_the_file_is_refused_without_reading(tmp_path):
    path = tmp_path / 'claims.safetensors'
    path.write_bytes(struct.pack('<Q', 15 * 1024 * 1024) + b'{}')
    with pytest.raises(ModelFileError, match='not a safetensors file'):
        read_metadata(path)


@pytest.mark.skipif(not hasattr(os, 'mkfifo'), reason='no FIFOs here')
def test_a_fifo_named_safetensors_is_refused_at_once(tmp_path):
    path = tmp_path / 'pipe.safetensors'
    os.mkfifo(path)
    for call in (read_metadata, load_model):
        with pytest.raises(ModelFileError, match='not a regular file'):
            call(path)


def test_a_small_file_naming_a_large_backbone_is_refused_before_building_it(tiny_model, tmp_path,
                                                                            monkeypatch):
    import petcognizer.core.model as model_module

    built = []
    real = model_module.create_backbone
    monkeypatch.setattr(model_module, 'create_backbone', lambda *a, **k: built.append(a) or real(*a, **k))
    path = _edited(tiny_model, tmp_path, _set('backbone', 'vgg19'))
    with pytest.raises(ModelFileError, match=r'MB of weights, too few for vgg19 \(at least 287'):
        load_model(path)
    assert built == []
    assert load_model(tiny_model.path).classes == tiny_model.classes  # the real one still loads


def test_a_symlink_loop_is_named_as_such_not_as_missing(tmp_path):
    path = tmp_path / 'loop.safetensors'
    path.symlink_to(path)
    with pytest.raises(ModelFileError, match='cannot be opened .*(symbolic links|loop)'):
        read_metadata(path)
