"""A poisoned hub-cache weights file: never reported ready, refused in one line naming it."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest

import petcognizer.core.backbones as B
from petcognizer.core.backbones import (
    WeightsUnavailable,
    create_backbone,
    get_backbone,
    weights_status,
)


@pytest.fixture
def hub(tmp_path, monkeypatch):
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch'))
    monkeypatch.setenv('PETCOGNIZER_CACHE', str(tmp_path / 'cache'))
    d = B.hub_checkpoint_dir()
    d.mkdir(parents=True)
    return d


@pytest.mark.parametrize('content', [b'not a zip, not a pickle', b'PK\x03\x04' + b'\x00' * 100, b''])
def test_a_poisoned_weights_file_is_not_ready_and_is_refused_in_one_line(hub, content):
    spec = get_backbone('resnet18')
    bad = hub / spec.weights_filename
    bad.write_bytes(content)
    ok, text = weights_status(spec)
    assert ok is False and 'downloaded' not in text
    assert str(bad) in text and '--import-weights' in text
    with pytest.raises(WeightsUnavailable) as info:
        create_backbone('resnet18', pretrained=True)
    msg = str(info.value)
    assert msg == (f'{bad}: the weights file is damaged or not the one expected; delete it to '
                   f'download it again, or run: petcognizer backbones --import-weights {bad.name}')
    assert bad.read_bytes() == content  # never deleted or changed by petcognizer


def test_a_file_with_the_right_hash_is_ready_and_the_hash_is_remembered(hub, monkeypatch):
    content = b'pretend weights'
    prefix = hashlib.sha256(content).hexdigest()[:8]
    spec = dataclasses.replace(get_backbone('resnet18'), name='hub_test',
                               weights_url=f'https://example.invalid/hub_test-{prefix}.pth')
    path = hub / spec.weights_filename
    path.write_bytes(content)
    assert weights_status(spec) == (True, 'downloaded')
    hashed = []
    monkeypatch.setattr(B, 'hash_file', lambda p: hashed.append(p) or 'f' * 64)
    assert weights_status(spec) == (True, 'downloaded')  # remembered by size and time
    assert hashed == []
    path.write_bytes(content + b'!')  # changed: hashed again
    assert weights_status(spec)[0] is False and hashed == [path]
