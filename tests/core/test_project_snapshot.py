"""project.snapshot(): the frozen input of a run, and finding a photo by its content from another process."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from photos import make_photo

from petcognizer.core import fsutil
from petcognizer.core.project import Project, hashindex, locate_by_digest
from petcognizer.core.runs import TrainingSnapshot


@pytest.fixture
def proj(tmp_path) -> Project:
    p = Project.create(tmp_path / 'proj', classes=['cat', 'empty', 'dog'])
    src = tmp_path / 'src'
    p.add_files([make_photo(src / f'c{i}.png', noise_seed=500 + i) for i in range(3)], 'cat')
    p.add_files([make_photo(src / f'd{i}.png', noise_seed=510 + i) for i in range(2)], 'dog')
    p.add_files([make_photo(src / 'u.png', noise_seed=520)], None)
    p.class_matches = {'cat': ['n02123045']}
    return p


@pytest.fixture
def no_hashing(monkeypatch):
    def refuse(*a, **k):
        raise AssertionError('snapshot() must not hash photos')

    monkeypatch.setattr(hashindex, 'hash_file', refuse)
    monkeypatch.setattr(fsutil, 'hash_file', refuse)


def test_snapshot_matches_training_samples(proj, no_hashing):
    snap = proj.snapshot()
    paths, labels, classes, empty = proj.training_samples()
    assert isinstance(snap, TrainingSnapshot)
    assert snap.root == str(proj.root)
    assert snap.paths == tuple(str(p) for p in paths) and all(os.path.isabs(p) for p in snap.paths)
    assert snap.labels == tuple(labels) and snap.classes == ('cat', 'dog') == tuple(classes)
    assert snap.empty == ('empty',) == tuple(empty)
    assert snap.class_matches == {'cat': ['n02123045']}
    assert [snap.classes[y] for y in snap.labels] == [proj.label_of(p) for p in snap.paths]
    assert TrainingSnapshot.from_dict(json.loads(json.dumps(snap.to_dict()))) == snap


def test_snapshot_digests_come_from_the_index(proj, no_hashing):
    snap = proj.snapshot()
    assert len(snap.digests) == snap.n_photos
    assert all(isinstance(d, str) and len(d) == 64 for d in snap.digests)
    assert len(set(snap.digests)) == snap.n_photos  # five different photos


def test_snapshot_digests_are_the_file_hashes(proj):
    snap = proj.snapshot()
    assert list(snap.digests) == [fsutil.hash_file(p) for p in snap.paths]


def test_snapshot_of_a_reopened_project_reads_the_stored_index(proj, no_hashing):
    again = Project.open(proj.root)
    assert again.snapshot().digests == proj.snapshot().digests


def test_snapshot_leaves_unindexed_or_changed_photos_as_none(proj, no_hashing):
    outside = make_photo(proj.images_dir / 'dog' / 'added outside.png', noise_seed=9)
    changed = proj.images('cat')[0]
    make_photo(changed, noise_seed=99)  # rewritten by another program: new content
    st = changed.stat()
    os.utime(changed, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    again = Project.open(proj.root)
    snap = again.snapshot()
    digest_of = dict(zip(snap.paths, snap.digests))
    assert digest_of[str(outside)] is None
    assert digest_of[str(changed)] is None
    assert sum(d is None for d in snap.digests) == 2


def test_a_snapshot_does_not_follow_later_edits(proj):
    snap = proj.snapshot()
    proj.move_images([proj.images('cat')[0]], 'dog')
    proj.delete_class('dog')
    assert snap.classes == ('cat', 'dog') and snap.n_photos == 5


def test_locate_by_digest_finds_a_moved_photo(proj):
    snap = proj.snapshot()
    path, digest = Path(snap.paths[0]), snap.digests[0]
    assert locate_by_digest(proj.root, digest) == path
    moved = proj.move_images([path], None)[path]
    assert locate_by_digest(str(proj.root), digest) == moved
    proj.rename_class('dog', 'puppy')
    dog_digest = snap.digests[-1]
    assert locate_by_digest(proj.root, dog_digest) == proj.images_dir / 'puppy' / Path(snap.paths[-1]).name
    proj.delete_images([moved])
    assert locate_by_digest(proj.root, digest) is None  # in the trash: not a photo of the project
    assert locate_by_digest(proj.root, '0' * 64) is None
    assert locate_by_digest(proj.root.parent / 'not a project', digest) is None


def test_locate_by_digest_follows_moves_made_before_any_import(proj, no_hashing):
    # A project opened just to relabel (the index never loaded for an import) still keeps it current.
    digest = proj.snapshot().digests[0]
    again = Project.open(proj.root)
    first = again.images('cat')[0]
    moved = again.move_images([first], 'dog')[first]
    assert locate_by_digest(proj.root, digest) == moved


def test_locate_by_digest_ignores_a_changed_file(proj):
    snap = proj.snapshot()
    path = Path(snap.paths[0])
    make_photo(path, noise_seed=1234, size=(50, 50))
    assert locate_by_digest(proj.root, snap.digests[0]) is None
