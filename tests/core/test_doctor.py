"""The dataset doctor (petcognizer.core.doctor): pure findings, then a real run on photos."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from petcognizer.core import doctor
from petcognizer.core.config import recommend_config
from petcognizer.core.data import stratified_split
from petcognizer.core.doctor import (
    IMBALANCE_RATIO,
    KINDS,
    MIN_PHOTOS_PER_CLASS,
    cross_val_probabilities,
    diagnose,
    folder_snapshot,
    near_duplicate_threshold,
    run_doctor,
)
from petcognizer.core.events import Cancelled, CancelToken, StageProgress
from petcognizer.core.project import Project
from petcognizer.engine.protocol import ensure_plain


def clusters(n_per_class=12, k=3, dim=32, spread=0.35, seed=0):
    """Features of ``k`` well-separated classes (unit-length centres plus noise)."""
    rng = np.random.default_rng(seed)
    centres = np.eye(dim)[:k] * 3.0
    x = np.concatenate([centres[c] + spread * rng.standard_normal((n_per_class, dim))
                        for c in range(k)])
    y = np.repeat(np.arange(k), n_per_class)
    return x.astype(np.float32), y


def names(n):
    return [f'/p/photo{i:03d}.jpg' for i in range(n)]


def kinds(findings, sizes=False):
    """The kinds of the findings (without small_class/imbalance unless ``sizes``)."""
    return [f.kind for f in findings if sizes or f.kind not in ('small_class', 'imbalance')]


# ------------------------------------------------------------------ diagnose (pure)


def test_clean_data_has_no_findings():
    x, y = clusters()
    p = cross_val_probabilities(x, y, 3)
    assert diagnose(names(len(y)), y, ['a', 'b', 'c'], features=x, probabilities=p,
                    split=([0, 1], [2])) == []


def test_exact_duplicates_and_their_leak():
    paths = names(4)
    digests = ['d1', 'd2', 'd1', 'd3']
    out = diagnose(paths, [0, 0, 1, 1], ['cat', 'dog'], digests=digests,
                   split=([0, 1, 3], [2]))
    assert kinds(out) == ['duplicate', 'leak']
    dup, leak = out[:2]
    assert dup.paths == [paths[0], paths[2]] and dup.classes == ['cat', 'dog']
    assert dup.fix == {'action': 'delete', 'paths': [paths[2]]}
    assert "labelled 'cat' and 'dog'" in dup.message
    assert leak.fix == dup.fix and 'training' in leak.message
    # same split side: a duplicate, no leak; no split at all: no leak either
    assert kinds(diagnose(paths, [0, 0, 1, 1], ['cat', 'dog'], digests=digests,
                          split=([0, 2], [1, 3]))) == ['duplicate']
    assert kinds(diagnose(paths, [0, 0, 1, 1], ['cat', 'dog'], digests=digests)) == ['duplicate']


def test_near_duplicate_found_and_the_larger_copy_kept(tmp_path):
    x, y = clusters()
    x = np.concatenate([x, x[5:6] + 0.01])  # photo 5 again, barely changed
    y = np.append(y, y[5])
    paths = names(len(y))
    big, small = tmp_path / 'big.png', tmp_path / 'small.jpg'
    Image.new('RGB', (60, 50), (10, 200, 10)).save(big)
    Image.new('RGB', (48, 40), (10, 200, 10)).save(small)
    paths[5], paths[-1] = str(small), str(big)
    out = diagnose(paths, y, ['a', 'b', 'c'], features=x, split=([5], [len(y) - 1]))
    assert kinds(out) == ['leak', 'near_duplicate']
    near = out[1]
    assert near.paths == [str(big), str(small)]  # the larger photo first: it is kept
    assert near.fix == {'action': 'delete', 'paths': [str(small)]}
    assert near.score > 0.99 and 'copy of big.png' in near.message


def test_near_duplicate_threshold_follows_the_data():
    assert near_duplicate_threshold(np.array([0.70] * 5)) == pytest.approx(1 - 0.35 * 0.30)
    assert near_duplicate_threshold(np.array([0.2] * 5)) == pytest.approx(0.80)  # the floor
    assert near_duplicate_threshold(np.array([0.99] * 5)) > 0.996  # a class of look-alikes


def test_exact_copies_are_not_near_duplicates_too():
    x, y = clusters()
    x[7] = x[3]
    digests = [f'd{i}' for i in range(len(y))]
    digests[7] = digests[3]
    out = diagnose(names(len(y)), y, ['a', 'b', 'c'], features=x, digests=digests)
    assert kinds(out) == ['duplicate']


def test_mislabelled_photo_found_with_the_move_to_its_class():
    x, y = clusters()
    y = y.copy()
    y[4] = 2  # a photo of class 0 labelled 2
    p = cross_val_probabilities(x, y, 3)
    assert p.shape == (len(y), 3)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-5)
    out = diagnose(names(len(y)), y, ['cat', 'dog', 'fox'], features=x, probabilities=p)
    assert kinds(out) == ['mislabelled']
    f = out[0]
    assert f.paths == [names(len(y))[4]] and f.classes == ['fox', 'cat']
    assert f.fix == {'action': 'move', 'paths': f.paths, 'to': 'cat'}
    assert "labelled 'fox' but looks like 'cat'" in f.message
    assert f.score > 0.5


def test_unsure_disagreement_moves_to_unlabelled():
    probs = np.array([[0.45, 0.40, 0.15]] * 3 + [[0.1, 0.9, 0.0]] * 3, dtype=np.float32)
    out = diagnose(names(6), [2, 2, 2, 1, 1, 1], ['a', 'b', 'c'], probabilities=probs)
    assert {f.fix['to'] for f in out if f.kind == 'mislabelled'} == {None}  # Unlabelled
    # rows not measured (NaN) are never findings
    probs[:3] = np.nan
    assert [f for f in diagnose(names(6), [2, 2, 2, 1, 1, 1], ['a', 'b', 'c'],
                                probabilities=probs) if f.kind == 'mislabelled'] == []


def test_small_empty_and_unbalanced_classes():
    n_big = int(MIN_PHOTOS_PER_CLASS * IMBALANCE_RATIO) + 1
    labels = [0] * n_big + [1] * MIN_PHOTOS_PER_CLASS + [2] * 2
    out = diagnose(names(len(labels)), labels, ['cat', 'dog', 'fox'], empty=['owl'])
    assert kinds(out) == []
    small = [f for f in out if f.kind == 'small_class']
    assert [f.classes for f in small] == [['owl'], ['fox']]
    assert 'no photos' in small[0].message and "'fox' has only 2 photos" in small[1].message
    assert len(small[1].paths) == 2 and small[1].fix is None
    imbalance = [f for f in out if f.kind == 'imbalance']
    assert [f.classes for f in imbalance] == [['fox', 'cat'], ['dog', 'cat']]
    assert imbalance[1].score == pytest.approx(n_big / MIN_PHOTOS_PER_CLASS)
    assert "add photos of 'dog'" in imbalance[1].message


def test_unreadable_files_reported_first():
    out = diagnose(names(2), [0, 1], ['a', 'b'], unreadable=[('/p/bad.jpg', 'damaged JPEG')])
    assert out[0].kind == 'unreadable' and out[0].paths == ['/p/bad.jpg']
    assert 'damaged JPEG' in out[0].message
    assert out[0].fix == {'action': 'delete', 'paths': ['/p/bad.jpg']}


# ------------------------------------------------------------------ run_doctor on photos

COLOURS = {'red': (200, 60, 60), 'green': (60, 190, 70), 'blue': (60, 70, 200)}


def pattern(path: Path, base, seed: int, size: int = 64) -> Path:
    """A photo of 6x6 random blocks around a class colour: distinct photos, alike colours."""
    rng = np.random.default_rng(seed)
    blocks = np.clip(np.array(base)[None, None] + rng.integers(-90, 90, (6, 6, 3)), 0, 255)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(blocks.astype(np.uint8)).resize((size, size), Image.NEAREST).save(path)
    return path


@pytest.fixture(scope='module')
def sick_folder(tmp_path_factory) -> Path:
    """12 photos a class, plus: a red photo in green/, a resized JPEG copy, an exact copy,
    a damaged file."""
    root = tmp_path_factory.mktemp('doctor') / 'photos'
    for k, (c, colour) in enumerate(COLOURS.items()):
        for i in range(12):
            pattern(root / c / f'{c}{i:02d}.png', colour, 100 * k + i)
    pattern(root / 'green' / 'oops.png', COLOURS['red'], 999)
    with Image.open(root / 'blue' / 'blue03.png') as im:
        im.convert('RGB').resize((51, 51), Image.BILINEAR).save(root / 'blue' / 'blue03 small.jpg',
                                                                 quality=70)
    shutil.copyfile(root / 'red' / 'red05.png', root / 'red' / 'red05 again.png')
    (root / 'red' / 'broken.png').write_bytes(b'\x89PNG\r\n\x1a\n not really')
    return root


def by_kind(report):
    out = {}
    for f in report.findings:
        out.setdefault(f.kind, []).append(f)
    return out


def test_run_doctor_finds_each_planted_problem(sick_folder, tmp_path):
    events = []
    # a run with a validation split (small projects have none: they are cross-validated)
    config = recommend_config(40, 3, 'tiny_test')
    config.val_fraction = 0.2
    report = run_doctor(folder_snapshot(sick_folder), cache_root=tmp_path / 'cache',
                        backbone='tiny_test', callback=events.append, config=config)
    found = by_kind(report)
    snap = folder_snapshot(sick_folder)
    train, val = stratified_split(snap.labels, config.val_fraction, 0)
    side = {snap.paths[i]: 'train' for i in train} | {snap.paths[i]: 'val' for i in val}
    expected = {'unreadable', 'duplicate', 'near_duplicate', 'mislabelled'}
    assert set(found) - {'leak'} == expected
    straddle = [f.paths for f in found['duplicate'] + found['near_duplicate']
                if len({side[p] for p in f.paths}) == 2]
    assert [f.paths for f in found.get('leak', [])] == straddle
    assert [Path(p).name for p in found['unreadable'][0].paths] == ['broken.png']
    # the copy with the shorter name is kept
    assert [Path(p).name for p in found['duplicate'][0].paths] == ['red05.png', 'red05 again.png']
    assert found['duplicate'][0].fix['paths'] == [str(sick_folder / 'red' / 'red05 again.png')]
    assert [[Path(p).name for p in f.paths] for f in found['near_duplicate']] == [
        ['blue03.png', 'blue03 small.jpg']]
    assert found['near_duplicate'][0].fix['paths'] == [str(sick_folder / 'blue' / 'blue03 small.jpg')]
    assert [(Path(f.paths[0]).name, f.fix['to']) for f in found['mislabelled']] == [('oops.png', 'red')]
    assert report.n_photos == 40 and report.seconds > 0
    order = [f.kind for f in report.findings]
    assert order == sorted(order, key=KINDS.index)
    stages = [e for e in events if isinstance(e, StageProgress)]
    assert stages and all(e.stage == 'doctor' for e in stages)
    assert stages[-1].done == stages[-1].total
    # plain data for the engine, and JSON for the CLI
    d = report.to_dict()
    ensure_plain(d)
    assert set(d) == {'findings', 'n_photos', 'seconds'}
    assert set(d['findings'][0]) == {'kind', 'paths', 'classes', 'score', 'message', 'fix'}
    json.dumps(d)


def test_run_doctor_reuses_cached_features(sick_folder, tmp_path):
    snap = folder_snapshot(sick_folder)
    first = run_doctor(snap, cache_root=tmp_path / 'cache', backbone='tiny_test')
    events = []
    second = run_doctor(snap, cache_root=tmp_path / 'cache', backbone='tiny_test',
                        callback=events.append)
    assert second.to_dict()['findings'] == first.to_dict()['findings']
    # only the damaged file is decoded again (an unreadable file has nothing to cache)
    computed = [e for e in events if isinstance(e, StageProgress)
                and e.text == 'Computing backbone features']
    assert computed and all(e.total == 1 for e in computed)


def test_run_doctor_cancel(sick_folder, tmp_path):
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(Cancelled):
        run_doctor(folder_snapshot(sick_folder), cache_root=tmp_path / 'c', backbone='tiny_test',
                   cancel=cancel)


def test_fixes_apply_to_a_project_and_the_doctor_agrees(sick_folder, tmp_path):
    """The fixes are what Project.move_images / delete_images take; after them, nothing is left."""
    src = tmp_path / 'src'
    shutil.copytree(sick_folder, src)
    (src / 'red' / 'broken.png').unlink()  # the import refuses it anyway
    project, _ = Project.from_folder(src, tmp_path / 'project')
    cache = Path(project.cache_dir) / 'features'
    report = run_doctor(project.snapshot(), cache_root=cache, backbone='tiny_test')
    fixed = set()
    for f in report.findings:
        if f.fix is None or set(f.fix['paths']) & fixed:
            continue
        if f.fix['action'] == 'move':
            project.move_images(f.fix['paths'], f.fix['to'])
        else:
            project.delete_images(f.fix['paths'])
        fixed |= set(f.fix['paths'])
    # the moved photo and the resized copy (the import already left out the exact copy)
    assert len(fixed) == 2
    after = run_doctor(project.snapshot(), cache_root=cache, backbone='tiny_test')
    assert after.findings == []


def test_empty_snapshot(tmp_path):
    (tmp_path / 'photos').mkdir()
    report = run_doctor(folder_snapshot(tmp_path / 'photos'), cache_root=None,
                        backbone='tiny_test')
    assert report.findings == [] and report.n_photos == 0


def test_cross_validation_primal_equals_dual(monkeypatch):
    x, y = clusters(n_per_class=8, dim=40)
    dual = cross_val_probabilities(x, y, 3)
    monkeypatch.setattr(doctor, 'DUAL_MAX', 0)
    np.testing.assert_allclose(cross_val_probabilities(x, y, 3), dual, atol=1e-4)


def test_diagnose_refuses_misaligned_inputs():
    with pytest.raises(ValueError, match='one row of features per photo: got 2 for 3 photos'):
        diagnose(names(3), [0, 1, 1], ['a', 'b'], features=np.ones((2, 4)))
