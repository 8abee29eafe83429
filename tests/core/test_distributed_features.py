"""Feature extraction at scale (issue 14): outputs go straight into one result array,
memory-mapped above the RAM budget, with the rows of undecodable photos closed up."""

from __future__ import annotations

import numpy as np
from photos import make_photo

from petcognizer.core import features as F
from petcognizer.core.backbones import create_backbone, get_backbone
from petcognizer.core.data import Preprocess


def _photos(root):
    paths = [make_photo(root / f'p{i}.png', (40 * i % 255, 90, 200 - 30 * i), noise_seed=i)
             for i in range(5)]
    paths[1].write_bytes(b'not a photo at all')  # decodes badly: its row must go
    paths[3].write_bytes(b'\xff\xd8\xff broken jpeg')
    return paths


def test_large_results_are_memory_mapped_and_gapless(tmp_path, monkeypatch):
    model = create_backbone('tiny_test')
    pre = Preprocess.for_backbone(get_backbone('tiny_test'))
    paths = _photos(tmp_path / 'photos')
    ram = F.extract(model, 1, paths, pre)  # no cache: in RAM
    assert ram.ok == [0, 2, 4] and {e.path for e in ram.errors} == {paths[1], paths[3]}
    monkeypatch.setattr(F, 'RAM_BUDGET', 1)
    for attempt in range(2):  # computed, then every output read from the cache
        mapped = F.extract(model, 1, paths, pre, cache_root=tmp_path / 'cache')
        assert isinstance(mapped.data, np.memmap) or isinstance(mapped.data.base, np.memmap)
        assert mapped.ok == ram.ok and mapped.data.shape == ram.data.shape
        assert mapped.computed == (5 if attempt == 0 else 2)  # the 2 unreadable: tried again
        np.testing.assert_allclose(np.asarray(mapped.data, np.float32),
                                   np.asarray(ram.data, np.float32), atol=1e-3)
    assert not list((tmp_path / 'cache').rglob('.run-*'))  # the mapping's file is gone


def test_nothing_readable_gives_an_empty_result(tmp_path):
    model = create_backbone('tiny_test')
    pre = Preprocess.for_backbone(get_backbone('tiny_test'))
    bad = tmp_path / 'bad.png'
    bad.write_bytes(b'nope')
    r = F.extract(model, None, [bad], pre)
    assert r.ok == [] and r.data.shape[0] == 0 and len(r.errors) == 1
