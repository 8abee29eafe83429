"""The model file: a faithful round trip, and refusal of anything foreign or altered."""

from __future__ import annotations

import dataclasses
import json
import struct

import pytest
import torch
from PIL import Image

from petcognizer.core.model import load_model, save_model
from petcognizer.core.modelfile import ModelFileError, read_metadata


@pytest.fixture
def trained(tiny_model):
    return tiny_model.model, tiny_model.paths[::2]


@pytest.fixture
def saved(trained, tmp_path):
    model, _ = trained
    return save_model(tmp_path / 'm.safetensors', model, extra={'note': 'test'})


def batch(model, paths):
    return torch.stack([model.preprocess(Image.open(p).convert('RGB')) for p in paths])


def _split(path):
    raw = path.read_bytes()
    n = struct.unpack('<Q', raw[:8])[0]
    return json.loads(raw[8:8 + n]), raw[8 + n:]


def _join(path, header, data):
    blob = json.dumps(header).encode()
    blob += b' ' * (-len(blob) % 8)
    path.write_bytes(struct.pack('<Q', len(blob)) + blob + data)


def test_round_trip_gives_identical_predictions(trained, saved):
    model, paths = trained
    loaded = load_model(saved)
    for (name, a), (_, b) in zip(model.state_dict().items(), loaded.state_dict().items()):
        assert torch.equal(a, b), name  # the weights are stored bit for bit
    x = batch(model, paths)
    with torch.no_grad():
        torch.testing.assert_close(loaded(x), model.eval()(x), rtol=1e-5, atol=1e-6)
    assert loaded.classes == model.classes == ['blue', 'green', 'red']
    assert loaded.preprocess == model.preprocess
    assert loaded.head_config == model.head_config
    assert loaded.backbone.spec.name == 'tiny_test'
    assert not loaded.training
    meta = read_metadata(saved)
    assert meta['classes'] == ['blue', 'green', 'red'] and meta['extra'] == {'note': 'test'}
    from petcognizer.core.data import Preprocess

    assert Preprocess.from_dict(meta['preprocess']) == model.preprocess
    assert not list(saved.parent.glob('*.partial'))


def test_classes_keep_their_order(trained, tmp_path):
    model, paths = trained
    import copy

    m = copy.deepcopy(model)
    m.classes = ['zebra', 'Apple', 'mango']  # not sorted: the order is the head's order
    path = save_model(tmp_path / 'order.safetensors', m)
    assert load_model(path).classes == ['zebra', 'Apple', 'mango']


def test_foreign_safetensors_file_is_refused(tmp_path):
    from safetensors.torch import save_file

    path = tmp_path / 'foreign.safetensors'
    save_file({'weight': torch.randn(4, 4)}, str(path), metadata={'author': 'someone'})
    with pytest.raises(ModelFileError, match='not one made by petcognizer'):
        load_model(path)
    save_file({'weight': torch.randn(4, 4)}, str(path))
    with pytest.raises(ModelFileError, match='not one made by petcognizer'):
        load_model(path)


@pytest.mark.parametrize('content', [b'hello, I am a text file\n', b'', b'\x00' * 3])
def test_non_safetensors_file_is_refused(tmp_path, content):
    path = tmp_path / 'model.safetensors'
    path.write_bytes(content)
    with pytest.raises(ModelFileError) as info:
        load_model(path)
    assert str(path) in str(info.value)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(ModelFileError, match='no such model file'):
        load_model(tmp_path / 'nothing.safetensors')


def test_truncated_file_is_refused(saved):
    raw = saved.read_bytes()
    saved.write_bytes(raw[: len(raw) - 100])
    with pytest.raises(ModelFileError):
        load_model(saved)
    saved.write_bytes(raw[:50])
    with pytest.raises(ModelFileError):
        load_model(saved)


def test_one_flipped_byte_is_a_checksum_mismatch(trained, saved):
    header, data = _split(saved)
    raw = bytearray(saved.read_bytes())
    start = len(raw) - len(data)
    # flip a byte inside the head's last weight
    name = next(k for k in header if k.startswith('head.') and k.endswith('weight') and k != '__metadata__')
    off = start + header[name]['data_offsets'][0] + 5
    raw[off] ^= 0x01
    saved.write_bytes(bytes(raw))
    with pytest.raises(ModelFileError, match='checksum mismatch'):
        load_model(saved)


def test_edited_class_names_are_refused(saved):
    header, data = _split(saved)
    meta = json.loads(header['__metadata__']['petcognizer'])
    meta['classes'] = ['cat', 'dog', 'fox']
    header['__metadata__']['petcognizer'] = json.dumps(meta, sort_keys=True)
    _join(saved, header, data)
    assert read_metadata(saved)['classes'] == ['cat', 'dog', 'fox']  # still parses...
    with pytest.raises(ModelFileError, match='checksum mismatch'):
        load_model(saved)  # ...but is refused


def test_edited_preprocessing_is_refused(saved):
    header, data = _split(saved)
    meta = json.loads(header['__metadata__']['petcognizer'])
    meta['preprocess']['input_size'] = 64
    header['__metadata__']['petcognizer'] = json.dumps(meta, sort_keys=True)
    _join(saved, header, data)
    with pytest.raises(ModelFileError, match='checksum mismatch'):
        load_model(saved)


def test_resaved_with_altered_tensor_is_refused(saved):
    from safetensors import safe_open
    from safetensors.torch import load_file, save_file

    with safe_open(str(saved), framework='pt') as f:
        header = f.metadata()
    tensors = load_file(str(saved))
    key = next(k for k in tensors if k.startswith('head.'))
    tensors[key] = tensors[key] + 1e-3
    save_file(tensors, str(saved), metadata=header)
    with pytest.raises(ModelFileError, match='checksum mismatch'):
        load_model(saved)


def test_newer_format_is_refused(saved):
    header, data = _split(saved)
    meta = json.loads(header['__metadata__']['petcognizer'])
    meta['format_version'] = 99
    meta['petcognizer_version'] = '99.0'
    header['__metadata__']['petcognizer'] = json.dumps(meta)
    _join(saved, header, data)
    with pytest.raises(ModelFileError, match='newer petcognizer'):
        load_model(saved)


def test_damaged_metadata_json_is_refused(saved):
    header, data = _split(saved)
    header['__metadata__']['petcognizer'] = '{"format": "petcognizer-model", '
    _join(saved, header, data)
    with pytest.raises(ModelFileError, match='damaged'):
        load_model(saved)


def test_unknown_backbone_is_refused(trained, tmp_path):
    import copy

    model, _ = trained
    m = copy.deepcopy(model)
    m.backbone.spec = dataclasses.replace(m.backbone.spec, name='no_such_net')
    path = save_model(tmp_path / 'unknown.safetensors', m)
    with pytest.raises(ModelFileError, match='no_such_net'):
        load_model(path)


def test_loading_never_unpickles(saved, monkeypatch):
    import pickle

    def forbidden(*a, **k):
        raise AssertionError('pickle used while loading a model file')

    monkeypatch.setattr(pickle, 'load', forbidden)
    monkeypatch.setattr(pickle, 'loads', forbidden)
    monkeypatch.setattr(pickle, 'Unpickler', forbidden)
    monkeypatch.setattr(torch, 'load', forbidden)
    model = load_model(saved)
    assert model.classes == ['blue', 'green', 'red']


def test_save_is_atomic_on_failure(trained, tmp_path, monkeypatch):
    import safetensors.torch

    model, _ = trained
    target = save_model(tmp_path / 'keep.safetensors', model)
    before = target.read_bytes()

    def boom(*a, **k):
        raise OSError(28, 'No space left on device')

    monkeypatch.setattr(safetensors.torch, 'save_file', boom)
    with pytest.raises(OSError, match='could not save the model'):
        save_model(target, model)
    assert target.read_bytes() == before
    assert not list(tmp_path.glob('*.partial'))
