"""The feature cache: correct, invalidated by content and backbone, robust to damage."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from photos import COLOURS, make_photo
from PIL import Image

from petcognizer.core.backbones import create_backbone, get_backbone
from petcognizer.core.config import TrainConfig
from petcognizer.core.data import Augment, Preprocess, folder_samples
from petcognizer.core.features import FeatureCache, extract, weights_fingerprint
from petcognizer.core.fsutil import hash_file
from petcognizer.core.training import fit


@pytest.fixture
def tiny():
    return create_backbone('tiny_test')


@pytest.fixture
def pre():
    return Preprocess.for_backbone(get_backbone('tiny_test'))


def files(photo_tree):
    return sorted(photo_tree.rglob('*.png'))


def noise_photo(path, seed):
    rng = np.random.default_rng(seed)
    Image.fromarray(rng.integers(0, 255, (40, 48, 3), dtype=np.uint8)).save(path)
    return path


def test_cached_outputs_equal_fresh_ones_and_hit_on_second_run(photo_tree, tiny, pre, tmp_path):
    paths = files(photo_tree)
    first = extract(tiny, None, paths, pre, cache_root=tmp_path / 'c')
    assert first.computed == len(paths) and first.ok == list(range(len(paths)))
    assert first.data.shape == (len(paths), 1, tiny.num_features) and first.data.dtype == np.float32
    second = extract(tiny, None, paths, pre, cache_root=tmp_path / 'c')
    assert second.computed == 0
    np.testing.assert_array_equal(first.data, second.data)
    plain = extract(tiny, None, paths, pre, cache_root=None)
    assert plain.computed == len(paths)
    np.testing.assert_allclose(plain.data, first.data, rtol=1e-5, atol=1e-6)
    # and the cached vector is what the backbone gives for the preprocessed image
    x = pre(Image.open(paths[0]).convert('RGB'))[None]
    with torch.no_grad():
        direct = tiny.eval()(x).numpy()[0]
    np.testing.assert_allclose(first.data[0, 0], direct, atol=1e-5)


def test_partial_prefix_is_stored_in_half_precision(photo_tree, tiny, pre, tmp_path):
    paths = files(photo_tree)[:4]
    res = extract(tiny, 2, paths, pre, cache_root=tmp_path / 'c')
    assert res.data.dtype == np.float16
    assert res.data.shape[:2] == (4, 1) and res.data.ndim == 5  # [n, views, C, H, W]
    x = torch.stack([pre(Image.open(p).convert('RGB')) for p in paths])
    with torch.no_grad():
        direct = tiny.eval().forward_stages(x, 0, 2).numpy()
    np.testing.assert_allclose(res.data[:, 0].astype(np.float32), direct, atol=2e-2, rtol=1e-2)
    again = extract(tiny, 2, paths, pre, cache_root=tmp_path / 'c')
    assert again.computed == 0
    # a different prefix is a different key
    other = extract(tiny, 1, paths, pre, cache_root=tmp_path / 'c')
    assert other.computed == 4


def test_changed_image_is_recomputed_alone(photo_tree, tiny, pre, tmp_path):
    paths = files(photo_tree)
    first = extract(tiny, None, paths, pre, cache_root=tmp_path / 'c')
    make_photo(paths[3], COLOURS['green'], noise_seed=999)  # new bytes, same name
    second = extract(tiny, None, paths, pre, cache_root=tmp_path / 'c')
    assert second.computed == 1
    changed = [i for i in range(len(paths)) if not np.array_equal(first.data[i], second.data[i])]
    assert changed == [3]


def test_renamed_file_with_same_content_is_a_hit(photo_tree, tiny, pre, tmp_path):
    paths = files(photo_tree)
    first = extract(tiny, None, paths, pre, cache_root=tmp_path / 'c')
    moved = tmp_path / 'elsewhere' / 'renamed.png'
    moved.parent.mkdir()
    shutil.move(paths[0], moved)
    res = extract(tiny, None, [moved], pre, cache_root=tmp_path / 'c')
    assert res.computed == 0
    np.testing.assert_array_equal(res.data[0], first.data[0])


def test_other_backbone_or_weights_use_another_cache_dir(photo_tree, tiny, pre, tmp_path):
    paths = files(photo_tree)[:3]
    extract(tiny, None, paths, pre, cache_root=tmp_path / 'c')
    dirs_before = {d.name for d in (tmp_path / 'c').iterdir()}
    with torch.no_grad():
        tiny.stages['block2'][0].weight.mul_(1.5)  # e.g. an updated weights file
    fp = weights_fingerprint(tiny)
    res = extract(tiny, None, paths, pre, cache_root=tmp_path / 'c')
    assert res.computed == 3
    dirs_after = {d.name for d in (tmp_path / 'c').iterdir()}
    assert len(dirs_after - dirs_before) == 1
    assert fp != weights_fingerprint(create_backbone('tiny_test'))
    key = {'backbone': 'tiny_test', 'weights': fp}
    assert FeatureCache(tmp_path, key).dir != FeatureCache(tmp_path, {**key, 'backbone': 'other'}).dir
    assert FeatureCache(tmp_path, key).dir == FeatureCache(tmp_path, dict(key)).dir


@pytest.mark.parametrize('damage', ['garbage', 'truncated', 'empty'])
def test_damaged_cache_file_is_recomputed(photo_tree, tiny, pre, tmp_path, damage):
    paths = files(photo_tree)[:3]
    first = extract(tiny, None, paths, pre, cache_root=tmp_path / 'c')
    entries = sorted((tmp_path / 'c').rglob('*.npy'))
    assert len(entries) == 3
    target = next(e for e in entries if e.name.startswith(hash_file(paths[1])))
    raw = target.read_bytes()
    target.write_bytes({'garbage': b'\x00garbage' * 10, 'truncated': raw[: len(raw) // 2],
                        'empty': b''}[damage])
    second = extract(tiny, None, paths, pre, cache_root=tmp_path / 'c')
    assert second.computed == 1
    # recomputed alone, not in a batch of three: equal up to float rounding (~1e-8)
    np.testing.assert_allclose(second.data, first.data, rtol=1e-5, atol=1e-6)
    third = extract(tiny, None, paths, pre, cache_root=tmp_path / 'c')
    assert third.computed == 0  # the repaired entry was written back


def test_unreadable_file_is_reported_and_left_out(photo_tree, tiny, pre, tmp_path):
    paths = files(photo_tree)[:3]
    bad = photo_tree / 'bad.png'
    bad.write_bytes(b'nope')
    missing = photo_tree / 'missing.png'
    res = extract(tiny, None, [paths[0], bad, paths[1], missing, paths[2]], pre,
                  cache_root=tmp_path / 'c')
    assert res.ok == [0, 2, 4]
    assert res.data.shape[0] == 3
    assert sorted(e.path.name for e in res.errors) == ['bad.png', 'missing.png']


def test_augmented_views_are_deterministic_per_content(tmp_path, tiny, pre):
    a = noise_photo(tmp_path / 'a.png', 1)
    b = tmp_path / 'copy_of_a.png'
    shutil.copyfile(a, b)
    c = noise_photo(tmp_path / 'c.png', 2)
    aug = Augment(crop_flip=True, color_jitter=True)
    r1 = extract(tiny, None, [a, b, c], pre, views=4, augment=aug, cache_root=None)
    r2 = extract(tiny, None, [c, a], pre, views=4, augment=aug, cache_root=None)
    # same bytes, same views, whatever the position in the list (up to float rounding
    # of a different batch)
    np.testing.assert_allclose(r1.data[0], r1.data[1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(r1.data[0], r2.data[1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(r1.data[2], r2.data[0], rtol=1e-5, atol=1e-6)
    views = r1.data[0]
    assert not np.allclose(views[0], views[1])  # augmented views differ from the plain one
    assert not np.allclose(views[1], views[2])  # and from each other


def test_training_with_and_without_cache_gives_the_same_model(photo_tree, tmp_path):
    paths, labels, classes = folder_samples(photo_tree)
    c = TrainConfig(backbone='tiny_test', epochs=10, lr=0.03, val_fraction=0.34, use_prior=False,
                    freeze_depth=1, seed=3)
    uncached = fit(paths, labels, classes, c, cache_root=None)
    cold = fit(paths, labels, classes, c, cache_root=tmp_path / 'c')
    warm = fit(paths, labels, classes, c, cache_root=tmp_path / 'c')
    assert cold.timings['features_computed'] > 0 and warm.timings['features_computed'] == 0
    for other in (cold, warm):
        for (n, p), (_, q) in zip(uncached.model.state_dict().items(), other.model.state_dict().items()):
            assert torch.allclose(p.float(), q.float(), atol=1e-6), n
    x = torch.stack([uncached.model.preprocess(Image.open(p).convert('RGB')) for p in paths])
    with torch.no_grad():
        torch.testing.assert_close(uncached.model(x), warm.model(x))


@pytest.mark.parametrize('error', [OSError(28, 'No space left on device'), KeyboardInterrupt()])
def test_a_failed_cache_write_leaves_no_temporary_file(photo_tree, tiny, pre, tmp_path, monkeypatch,
                                                       error):
    import petcognizer.core.features as F

    real_save = np.save

    def save_half_then_fail(f, arr, **kw):  # the disk fills up mid-write
        real_save(f, arr, **kw)
        f.truncate(10)
        raise error

    monkeypatch.setattr(F.np, 'save', save_half_then_fail)
    paths = sorted(photo_tree.rglob('*.png'))[:4]
    if isinstance(error, OSError):
        res = extract(tiny, None, paths, pre, cache_root=tmp_path / 'c')  # the run goes on
        assert res.ok == [0, 1, 2, 3]
    else:
        with pytest.raises(KeyboardInterrupt):
            extract(tiny, None, paths, pre, cache_root=tmp_path / 'c')
    assert list((tmp_path / 'c').rglob('*.tmp')) == []
    assert list((tmp_path / 'c').rglob('*.npy')) == []


@pytest.mark.timeout(60)
@pytest.mark.parametrize('known_digest', [False, True])
def test_a_pipe_named_like_a_photo_never_blocks_and_says_what_it_is(photo_tree, tiny, pre, tmp_path,
                                                                     known_digest):
    """Hashing opened every path with open(): a FIFO blocked the run for good (issue 9)."""
    import os

    paths = files(photo_tree)[:2]
    fifo = tmp_path / 'pipe.jpg'
    os.mkfifo(fifo)
    digests = [hash_file(paths[0]), hash_file(paths[1]), 'f' * 64] if known_digest else None
    res = extract(tiny, None, [*paths, fifo], pre, cache_root=tmp_path / 'c', digests=digests)
    assert res.ok == [0, 1]
    assert len(res.errors) == 1 and res.errors[0].path == fifo
    assert 'pipe' in res.errors[0].reason and 'still exists' not in res.errors[0].reason


def test_an_unreadable_photo_says_permission_denied_not_missing(photo_tree, tiny, pre, tmp_path,
                                                                 monkeypatch):
    import petcognizer.core.features as features_mod

    paths = files(photo_tree)[:2]

    def denied(path):
        if Path(path) == paths[1]:
            raise PermissionError(13, 'Permission denied', str(path))
        return hash_file(path)

    monkeypatch.setattr(features_mod, 'hash_file', denied)
    res = extract(tiny, None, paths, pre, cache_root=tmp_path / 'c')
    assert res.ok == [0]
    assert 'permission denied' in res.errors[0].reason
