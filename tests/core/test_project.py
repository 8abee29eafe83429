"""The project folder: adding, moving, deleting, undoing, and surviving crashes and bad files."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
from photos import make_photo

from petcognizer.core.project import hashindex, importing
from petcognizer.core.events import CancelToken
from petcognizer.core.project import (
    AddReport,
    Project,
    ProjectError,
    TrashEntry,
    natural_key,
    validate_class_name,
)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Bytes and mtime of every file below ``folder``: originals must never change."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob('*'))
        if p.is_file()
    }


@pytest.fixture
def sources(tmp_path) -> Path:
    """Loose photos outside any project."""
    src = tmp_path / 'src'
    for i in range(4):
        make_photo(src / f'p{i}.jpg', noise_seed=1000 + i)
    return src


@pytest.fixture
def proj(tmp_path) -> Project:
    return Project.create(tmp_path / 'proj', classes=['cat', 'dog'])


# ---------------------------------------------------------------- create / open


def test_create_layout_and_json(tmp_path):
    p = Project.create(tmp_path / 'new', classes=['cat', 'dog'])
    for d in (p.images_dir, p.unlabelled_dir, p.trash_dir, p.cache_dir, p.runs_dir):
        assert d.is_dir()
    assert (p.images_dir / 'cat').is_dir() and (p.images_dir / 'dog').is_dir()
    data = json.loads((p.root / Project.FILE_NAME).read_text())
    assert data['schema_version'] == Project.SCHEMA_VERSION == 1
    assert data['classes'] == ['cat', 'dog'] and data['name'] == 'new'
    assert Project.is_project(p.root) and p.warnings == []
    assert p.classes == ['cat', 'dog'] and p.name == 'new'


def test_create_refuses_non_empty_folder_and_accepts_empty(tmp_path):
    full = tmp_path / 'full'
    make_photo(full / 'a.jpg')
    with pytest.raises(ProjectError, match='not empty'):
        Project.create(full)
    empty = tmp_path / 'empty'
    empty.mkdir()
    (empty / '.DS_Store').write_bytes(b'x')  # system clutter does not count
    assert Project.create(empty).classes == []
    (tmp_path / 'file').write_text('x')
    with pytest.raises(ProjectError):
        Project.create(tmp_path / 'file')
    with pytest.raises(ProjectError, match='already'):
        Project.create(tmp_path / 'dup', classes=['cat', 'Cat'])


def test_open_non_project_says_how_to_create(tmp_path):
    (tmp_path / 'plain').mkdir()
    assert not Project.is_project(tmp_path / 'plain')
    with pytest.raises(ProjectError, match='create'):
        Project.open(tmp_path / 'plain')
    with pytest.raises(ProjectError):
        Project.open(tmp_path / 'missing')


def test_open_round_trip(proj, sources):
    proj.add_files([sources / 'p0.jpg'], 'cat')
    proj.set_class_color('dog', '#123ABC')
    proj.settings['epochs'] = 7
    proj.class_matches['cat'] = ['n02123045']
    proj.save()
    again = Project.open(proj.root)
    assert again.classes == ['cat', 'dog'] and again.warnings == []
    assert again.class_color('dog') == '#123abc'
    assert again.settings == {'epochs': 7}
    assert again.class_matches == {'cat': ['n02123045']}
    assert [p.name for p in again.images('cat')] == ['p0.jpg']


@pytest.mark.parametrize('content', [b'{"classes": ["cat", ', b'\x00\xff garbage', b'[1, 2]', b''])
def test_open_corrupt_json_rebuilds_from_folders(proj, sources, content):
    proj.add_files([sources / 'p0.jpg'], 'dog')
    (proj.root / 'project.json').write_bytes(content)
    again = Project.open(proj.root)
    assert sorted(again.classes) == ['cat', 'dog']
    assert again.counts()['dog'] == 1
    kept = list(proj.root.glob('project.json.corrupt-*'))
    assert len(kept) == 1 and kept[0].read_bytes() == content
    assert any('damaged' in w for w in again.warnings)
    # The rebuilt file is valid and the next open is clean.
    assert Project.open(proj.root).warnings == []


def test_open_missing_json(proj, sources):
    proj.add_files([sources / 'p0.jpg'], None)
    (proj.root / 'project.json').unlink()
    assert Project.is_project(proj.root)
    again = Project.open(proj.root)
    assert sorted(again.classes) == ['cat', 'dog'] and again.n_unlabelled == 1
    assert any('missing' in w for w in again.warnings)
    assert (proj.root / 'project.json').is_file()


def test_open_malformed_fields_are_reset_not_fatal(proj):
    data = json.loads((proj.root / 'project.json').read_text())
    data['runs'] = 'oops'
    data['class_colors'] = {'cat': 'not a colour'}
    (proj.root / 'project.json').write_text(json.dumps(data))
    again = Project.open(proj.root)
    assert again.runs == [] and again.class_color('cat').startswith('#')
    assert any('runs' in w for w in again.warnings)


def test_open_newer_schema_is_refused(proj):
    data = json.loads((proj.root / 'project.json').read_text())
    data['schema_version'] = 99
    (proj.root / 'project.json').write_text(json.dumps(data))
    with pytest.raises(ProjectError, match='newer'):
        Project.open(proj.root)


def test_open_reconciles_folders_and_cleans_temp_files(proj, sources):
    proj.add_files([sources / 'p0.jpg'], 'cat')
    # A class folder made outside petcognizer, a vanished class folder, and crash leftovers.
    make_photo(proj.images_dir / 'bird' / 'b.png')
    os.rmdir(proj.images_dir / 'dog')
    leftovers = [
        proj.root / '.petcognizer-tmp-abc.json',
        proj.images_dir / 'cat' / '.petcognizer-tmp-123.jpg',
        proj.unlabelled_dir / '.petcognizer-tmp-456.png',
    ]
    for f in leftovers:
        f.write_bytes(b'partial')
    again = Project.open(proj.root)
    assert again.classes == ['cat', 'dog', 'bird']
    assert (proj.images_dir / 'dog').is_dir()
    assert again.counts() == {'cat': 1, 'dog': 0, 'bird': 1}
    assert not any(f.exists() for f in leftovers)
    assert len(again.warnings) == 2


def test_open_is_fast_without_hashing(proj, monkeypatch):
    for i in range(30):
        make_photo(proj.images_dir / 'cat' / f'{i}.png', noise_seed=i)

    def no_hashing(*a, **k):
        raise AssertionError('open must not hash photos')

    monkeypatch.setattr(hashindex, 'hash_file', no_hashing)
    monkeypatch.setattr(importing, 'verify_image', no_hashing)
    again = Project.open(proj.root)
    assert again.counts()['cat'] == 30


# ---------------------------------------------------------------- adding


def test_add_files_copies_and_never_touches_originals(proj, sources):
    before = snapshot(sources)
    report = proj.add_files(sorted(sources.iterdir()), 'cat')
    assert isinstance(report, AddReport) and not report.cancelled
    assert [p.name for p in report.added] == ['p0.jpg', 'p1.jpg', 'p2.jpg', 'p3.jpg']
    assert all(p.parent == proj.images_dir / 'cat' and p.is_absolute() for p in report.added)
    assert report.added[0].read_bytes() == (sources / 'p0.jpg').read_bytes()
    assert snapshot(sources) == before
    assert proj.counts() == {'cat': 4, 'dog': 0}
    assert proj.label_of(report.added[0]) == 'cat'


def test_add_to_unlabelled(proj, sources):
    report = proj.add_files([sources / 'p1.jpg'], None)
    assert report.added[0].parent == proj.unlabelled_dir
    assert proj.n_unlabelled == 1 and proj.label_of(report.added[0]) is None
    assert proj.images(None) == report.added


def test_add_folder_recursively_skipping_hidden(proj, tmp_path):
    src = tmp_path / 'deep'
    make_photo(src / 'a.jpg')
    make_photo(src / 'sub' / 'b.png', noise_seed=1)
    make_photo(src / 'sub' / 'deeper' / 'c.webp', noise_seed=2, fmt='WEBP')
    make_photo(src / '.hidden' / 'h.jpg', noise_seed=3)
    make_photo(src / '__MACOSX' / 'm.jpg', noise_seed=4)
    make_photo(src / '.dot.jpg', noise_seed=5)
    (src / 'Thumbs.db').write_bytes(b'x')
    (src / 'desktop.ini').write_bytes(b'x')
    (src / '._a.jpg').write_bytes(b'x')
    before = snapshot(src)
    report = proj.add_files([src], 'dog')
    assert sorted(p.name for p in report.added) == ['a.jpg', 'b.png', 'c.webp']
    # the hidden folder is skipped, but said so (issue 9); hidden files and __MACOSX go silently
    assert [p for p, _ in report.refused] == [src / '.hidden'] and report.duplicates == []
    assert 'starts with a dot' in report.refused[0][1]
    assert snapshot(src) == before


def test_duplicates_stored_once(proj, sources):
    first = proj.add_files([sources / 'p0.jpg'], 'cat')
    copy = sources / 'same content other name.jpg'
    copy.write_bytes((sources / 'p0.jpg').read_bytes())
    report = proj.add_files([copy, sources / 'p0.jpg'], 'dog')
    assert report.added == []
    assert report.duplicates == [(copy, first.added[0]), (sources / 'p0.jpg', first.added[0])]
    assert proj.counts() == {'cat': 1, 'dog': 0}
    # Within one batch too.
    twin = sources / 'twin.jpg'
    twin.write_bytes((sources / 'p1.jpg').read_bytes())
    report = proj.add_files([sources / 'p1.jpg', twin], None)
    assert len(report.added) == 1 and report.duplicates[0][0] == twin
    assert not list(proj.root.rglob('.petcognizer-tmp-*'))


def test_hash_index_survives_reopen_without_rehashing(proj, sources, monkeypatch):
    added = proj.add_files([sources / 'p0.jpg'], 'cat').added
    index = json.loads((proj.cache_dir / 'content-hashes.json').read_text())
    assert 'images/cat/p0.jpg' in index['entries']
    again = Project.open(proj.root)
    calls = []
    real = hashindex.hash_file
    monkeypatch.setattr(hashindex, 'hash_file', lambda p: calls.append(p) or real(p))
    report = again.add_files([sources / 'p0.jpg'], 'dog')
    assert report.duplicates == [(sources / 'p0.jpg', added[0])]
    assert calls == []  # the index was trusted (same path, size, mtime_ns)
    # A photo changed outside petcognizer (new mtime) is rehashed.
    make_photo(added[0], noise_seed=77)
    third = Project.open(proj.root)
    third.add_files([sources / 'p1.jpg'], 'dog')
    assert calls == [added[0]]


def test_duplicate_detected_after_move_and_after_restore(proj, sources):
    a = proj.add_files([sources / 'p0.jpg'], 'cat').added[0]
    moved = proj.move_images([a], 'dog')[a]
    assert proj.add_files([sources / 'p0.jpg'], None).duplicates == [(sources / 'p0.jpg', moved)]
    entries = proj.delete_images([moved])
    assert proj.add_files([sources / 'p0.jpg'], 'cat').added  # deleted: may be added again
    proj.restore(entries)


def test_name_collision_never_overwrites(proj, tmp_path):
    srcs = [make_photo(tmp_path / f's{i}' / 'photo.jpg', noise_seed=i) for i in range(3)]
    upper = make_photo(tmp_path / 's9' / 'PHOTO.jpg', noise_seed=9)
    report = proj.add_files([*srcs, upper], 'cat')
    assert [p.name for p in report.added] == ['photo.jpg', 'photo (2).jpg', 'photo (3).jpg', 'PHOTO (4).jpg']
    for src, dst in zip([*srcs, upper], report.added):
        assert dst.read_bytes() == src.read_bytes()


def test_bad_files_are_refused_with_reasons_and_do_not_block_others(proj, tmp_path):
    src = tmp_path / 'mixed'
    good = make_photo(src / 'good.jpg')
    big = make_photo(tmp_path / 'big.jpg', size=(300, 300))
    (src / 'cut.jpg').write_bytes(big.read_bytes()[:800])
    (src / 'text.png').write_text('not an image')
    (src / 'empty.jpg').write_bytes(b'')
    (src / 'notes.txt').write_text('hello')
    (src / 'noext').write_bytes(b'x')
    make_photo(src / 'zlast.png', noise_seed=5)
    before = snapshot(src)
    report = proj.add_files(
        [src / 'cut.jpg', src / 'text.png', good, src / 'empty.jpg', src / 'notes.txt',
         src / 'noext', tmp_path / 'gone.jpg', src / 'zlast.png'],
        'cat',
    )  # fmt: skip
    assert [p.name for p in report.added] == ['good.jpg', 'zlast.png']
    reasons = dict(report.refused)
    assert set(reasons) == {
        src / 'cut.jpg', src / 'text.png', src / 'empty.jpg', src / 'notes.txt', src / 'noext', tmp_path / 'gone.jpg'
    }
    for path, reason in report.refused:
        assert path.name in reason and reason.endswith('.')
    assert 'truncated' in reasons[src / 'cut.jpg'] or 'damaged' in reasons[src / 'cut.jpg']
    assert '.txt' in reasons[src / 'notes.txt'] and 'JPEG' in reasons[src / 'notes.txt']
    assert 'not found' in reasons[tmp_path / 'gone.jpg']
    assert snapshot(src) == before
    assert proj.counts()['cat'] == 2


def test_decompression_bomb_refused(proj, tmp_path):
    from test_images import _png_header_only

    bomb = _png_header_only(tmp_path / 'bomb.png', 20000, 20000)
    report = proj.add_files([bomb], 'cat')
    assert report.added == [] and 'too large' in report.refused[0][1]


def test_all_formats_and_odd_names(proj, tmp_path):
    src = tmp_path / 'odd'
    files = [
        make_photo(src / 'my cat 100%.JPEG', fmt='JPEG', noise_seed=1),
        make_photo(src / 'Katze größe 猫.png', noise_seed=2),
        make_photo(src / 'w.WebP', fmt='WEBP', noise_seed=3),
        make_photo(src / 'b.bmp', noise_seed=4),
        make_photo(src / 'g.gif', noise_seed=5),
        make_photo(src / 't.TIF', fmt='TIFF', noise_seed=6),
        make_photo(src / 'j.jfif', fmt='JPEG', noise_seed=7),
    ]
    before = snapshot(src)
    report = proj.add_files(files, 'cat')
    assert report.refused == [] and len(report.added) == 7
    assert {p.name for p in proj.images('cat')} == {f.name for f in files}
    assert snapshot(src) == before
    again = Project.open(proj.root)
    assert again.counts()['cat'] == 7


def test_natural_sort(proj, tmp_path):
    names = ['img10.png', 'img2.png', 'IMG1.png', 'img1b.png', 'a.png']
    for i, n in enumerate(names):
        make_photo(tmp_path / 'ns' / n, noise_seed=i)
    proj.add_files([tmp_path / 'ns'], 'cat')
    assert [p.name for p in proj.images('cat')] == ['a.png', 'IMG1.png', 'img1b.png', 'img2.png', 'img10.png']
    assert sorted(['x10', 'x9', 'x100'], key=natural_key) == ['x9', 'x10', 'x100']


def test_progress_and_cancel(proj, tmp_path):
    for i in range(6):
        make_photo(tmp_path / 'many' / f'{i}.png', noise_seed=i)
    token = CancelToken()
    calls = []

    def progress(done, total):
        calls.append((done, total))
        if done == 2:
            token.cancel()

    report = proj.add_files([tmp_path / 'many'], 'cat', progress=progress, cancel=token)
    assert report.cancelled and len(report.added) == 2
    assert calls[0] == (0, 6) and calls[-1] == (2, 6)
    assert proj.counts()['cat'] == 2  # files already added stay
    full = proj.add_files([tmp_path / 'many'], 'cat', progress=lambda d, t: calls.append((d, t)))
    assert not full.cancelled and len(full.added) == 4 and len(full.duplicates) == 2
    assert calls[-1] == (6, 6)


@pytest.mark.parametrize('err', [errno.ENOSPC, errno.EACCES])
def test_disk_full_or_permission_error_while_copying(proj, sources, monkeypatch, err):
    real = importing.copy_hashing
    state = {'n': 0}

    def failing_copy(src, dst):
        state['n'] += 1
        if state['n'] == 2:
            with open(dst, 'xb') as f:
                f.write(b'half a photo')
            raise OSError(err, os.strerror(err))
        return real(src, dst)

    monkeypatch.setattr(importing, 'copy_hashing', failing_copy)
    before = snapshot(sources)
    report = proj.add_files([sources / f'p{i}.jpg' for i in range(3)], 'cat')
    assert [p.name for p in report.added] == ['p0.jpg', 'p2.jpg']
    assert report.refused[0][0] == sources / 'p1.jpg'
    reason = report.refused[0][1]
    assert ('disk full: free some space and add it again' in reason) if err == errno.ENOSPC else (
        'permission denied' in reason
    )
    assert not list(proj.root.rglob('.petcognizer-tmp-*'))
    assert snapshot(sources) == before
    assert Project.open(proj.root).counts()['cat'] == 2


def test_disk_full_on_final_rename(proj, sources, monkeypatch):
    real_replace = os.replace

    def failing_replace(a, b):
        if Path(b).parent.name == 'cat':
            raise OSError(errno.ENOSPC, 'No space left on device')
        return real_replace(a, b)

    # A context, not monkeypatch.undo(), which would also undo conftest's isolated settings paths.
    with monkeypatch.context() as m:
        m.setattr(os, 'replace', failing_replace)
        report = proj.add_files([sources / 'p0.jpg'], 'cat')
    assert report.added == [] and 'disk full' in report.refused[0][1]
    assert not list(proj.root.rglob('.petcognizer-tmp-*'))
    assert proj.counts()['cat'] == 0


def test_save_failure_leaves_previous_json(proj, monkeypatch):
    before = (proj.root / 'project.json').read_bytes()

    def no_space(*a, **k):
        raise OSError(errno.ENOSPC, 'No space left on device')

    with monkeypatch.context() as m, pytest.raises(ProjectError, match='free some disk space'):
        m.setattr(os, 'fsync', no_space)
        proj.add_class('bird')
    assert (proj.root / 'project.json').read_bytes() == before
    assert not list(proj.root.glob('.petcognizer-tmp-*'))
    assert Project.open(proj.root).classes == ['cat', 'dog', 'bird']  # folder exists: rebuilt


# ---------------------------------------------------------------- import


def test_import_tree_and_from_folder(photo_tree, tmp_path):
    make_photo(photo_tree / 'loose.png', noise_seed=999)
    make_photo(photo_tree / 'red' / 'nested' / 'deep.png', noise_seed=998)
    (photo_tree / 'readme.txt').write_text('hi')
    (photo_tree / '__MACOSX').mkdir()
    make_photo(photo_tree / '__MACOSX' / 'x.png', noise_seed=997)
    before = snapshot(photo_tree)
    calls = []
    p, report = Project.from_folder(photo_tree, tmp_path / 'proj', progress=lambda d, t: calls.append((d, t)))
    assert p.classes == ['blue', 'green', 'red']
    assert p.counts() == {'blue': 6, 'green': 6, 'red': 7}
    assert p.n_unlabelled == 1
    assert [r[0].name for r in report.refused] == ['readme.txt']
    assert calls[-1] == (21, 21)  # 18 + deep + loose + readme
    assert snapshot(photo_tree) == before
    paths, labels = p.samples()
    assert len(paths) == 19 and labels == [0] * 6 + [1] * 6 + [2] * 7
    assert all(p.label_of(x) == p.classes[i] for x, i in zip(paths, labels))


def test_import_tree_merges_case_insensitively_and_sanitizes(proj, tmp_path):
    src = tmp_path / 'tree'
    make_photo(src / 'CAT' / 'a.png')
    make_photo(src / 'con' / 'b.png', noise_seed=1)
    make_photo(src / 'trailing. ' / 'c.png', noise_seed=2)
    (src / 'empty').mkdir()
    report = proj.import_tree(src)
    assert len(report.added) == 3
    assert proj.classes == ['cat', 'dog', 'con_', 'trailing']
    assert proj.counts() == {'cat': 1, 'dog': 0, 'con_': 1, 'trailing': 1}


def test_project_inside_its_source_folder_is_not_imported(photo_tree):
    p, report = Project.from_folder(photo_tree, photo_tree / 'myproject')
    assert p.classes == ['blue', 'green', 'red'] and len(report.added) == 18
    assert report.refused == []


def test_import_cancel(photo_tree, tmp_path):
    token = CancelToken()
    token.cancel()
    p, report = Project.from_folder(photo_tree, tmp_path / 'p', cancel=token)
    assert report.cancelled and report.added == []


# ---------------------------------------------------------------- classes


@pytest.mark.parametrize(
    'bad,match',
    [
        ('', 'empty'), ('   ', 'empty'), ('a/b', 'cannot be used'), ('a\\b', 'cannot be used'),
        ('.', 'cannot be a class'), ('..', 'cannot be a class'), ('CON', 'reserved'),
        ('nul.txt', 'reserved'), ('com1', 'reserved'), ('LPT9', 'reserved'), ('cat.', 'dot'),
        ('x' * 101, 'at most 100'), ('Cat', 'already'), ('a:b', 'cannot be used'), ('.hidden', 'dot'),
    ],
)  # fmt: skip
def test_class_name_validation(proj, bad, match):
    with pytest.raises(ProjectError, match=match):
        proj.add_class(bad)
    assert proj.classes == ['cat', 'dog']


def test_add_class_cleans_name_and_colours(proj):
    assert proj.add_class('  bird  ') == 'bird'
    assert proj.add_class('x' * 100) == 'x' * 100
    assert proj.add_class('Schäferhund 🐕') == 'Schäferhund 🐕'
    assert validate_class_name('console') == 'console'  # only exact reserved names
    colours = [proj.class_color(c) for c in proj.classes]
    assert len(set(colours)) == len(colours)
    assert all(len(c) == 7 and c.startswith('#') for c in colours)
    assert proj.add_class('fish', '#ABCDEF') == 'fish' and proj.class_color('fish') == '#abcdef'
    with pytest.raises(ProjectError):
        proj.set_class_color('fish', 'red')
    with pytest.raises(ProjectError, match='no class'):
        proj.class_color('nope')
    assert Project.open(proj.root).class_color('bird') == proj.class_color('bird')


def test_rename_class(proj, sources):
    a = proj.add_files([sources / 'p0.jpg'], 'cat').added[0]
    colour = proj.class_color('cat')
    proj.class_matches['cat'] = ['n1']
    proj.rename_class('cat', 'kitten')
    assert proj.classes == ['kitten', 'dog']
    assert proj.class_color('kitten') == colour and proj.class_matches == {'kitten': ['n1']}
    assert [p.name for p in proj.images('kitten')] == ['p0.jpg']
    assert not a.exists() and (proj.images_dir / 'kitten' / 'p0.jpg').exists()
    proj.rename_class('kitten', 'Kitten')  # case-only rename
    assert proj.classes == ['Kitten', 'dog'] and proj.counts()['Kitten'] == 1
    with pytest.raises(ProjectError, match='already'):
        proj.rename_class('Kitten', 'DOG')
    with pytest.raises(ProjectError, match='no class'):
        proj.rename_class('nope', 'x')
    assert proj.add_files([sources / 'p0.jpg'], 'dog').duplicates[0][1] == proj.images('Kitten')[0]
    assert Project.open(proj.root).classes == ['Kitten', 'dog']


def test_move_class(proj):
    proj.add_class('bird')
    proj.move_class('bird', 0)
    assert proj.classes == ['bird', 'cat', 'dog']
    proj.move_class('bird', 99)
    assert proj.classes == ['cat', 'dog', 'bird']
    assert Project.open(proj.root).classes == ['cat', 'dog', 'bird']


def test_delete_and_restore_class(proj, sources):
    added = proj.add_files([sources / 'p0.jpg', sources / 'p1.jpg'], 'cat').added
    colour = proj.class_color('cat')
    proj.class_matches['cat'] = ['n2']
    proj.save()
    entries = proj.delete_class('cat')
    assert all(isinstance(e, TrashEntry) for e in entries)
    assert {e.original for e in entries} == {'images/cat/p0.jpg', 'images/cat/p1.jpg'}
    assert all(e.trashed.startswith('.trash/') and (proj.root / e.trashed).is_file() for e in entries)
    assert proj.classes == ['dog'] and not (proj.images_dir / 'cat').exists()
    assert Project.open(proj.root).classes == ['dog']
    proj.restore_class('cat', entries, index=0)
    assert proj.classes == ['cat', 'dog']
    assert proj.images('cat') == added
    assert proj.class_color('cat') == colour and proj.class_matches['cat'] == ['n2']
    assert not any(proj.trash_dir.iterdir())  # restored batches are cleaned up
    assert Project.open(proj.root).counts() == {'cat': 2, 'dog': 0}


def test_restore_class_after_trash_emptied_raises_but_restores_class(proj, sources):
    proj.add_files([sources / 'p0.jpg'], 'cat')
    entries = proj.delete_class('cat')
    proj.empty_trash()
    with pytest.raises(ProjectError, match='no longer in the'):
        proj.restore_class('cat', entries, color='#000000')
    assert proj.classes == ['dog', 'cat'] and proj.class_color('cat') == '#000000'


# ---------------------------------------------------------------- moving, deleting, undo


def test_move_images_and_back(proj, sources):
    added = proj.add_files([sources / 'p0.jpg', sources / 'p1.jpg'], 'cat').added
    mapping = proj.move_images(added, 'dog')
    assert [v.parent.name for v in mapping.values()] == ['dog', 'dog']
    assert proj.counts() == {'cat': 0, 'dog': 2}
    to_unlabelled = proj.move_images(list(mapping.values()), None)
    assert proj.n_unlabelled == 2 and all(proj.label_of(p) is None for p in to_unlabelled.values())
    back = proj.move_images(list(to_unlabelled.values()), 'cat')
    assert sorted(back.values()) == sorted(added)
    assert proj.move_images([added[0]], 'cat') == {added[0]: added[0]}  # already there
    assert Project.open(proj.root).counts() == {'cat': 2, 'dog': 0}


def test_move_collision_renames(proj, tmp_path):
    a = proj.add_files([make_photo(tmp_path / 'x' / 'same.jpg', noise_seed=1)], 'cat').added[0]
    b = proj.add_files([make_photo(tmp_path / 'y' / 'same.jpg', noise_seed=2)], 'dog').added[0]
    content = a.read_bytes()
    new = proj.move_images([a], 'dog')[a]
    assert new.name == 'same (2).jpg' and new.read_bytes() == content and b.exists()


def test_paths_outside_project_are_refused(proj, sources, tmp_path):
    inside = proj.add_files([sources / 'p0.jpg'], 'cat').added[0]
    before = snapshot(sources)
    with pytest.raises(ProjectError, match='not a photo in the project'):
        proj.move_images([inside, sources / 'p1.jpg'], 'dog')
    with pytest.raises(ProjectError):
        proj.delete_images([sources / 'p1.jpg'])
    with pytest.raises(ProjectError):
        proj.label_of(sources / 'p1.jpg')
    with pytest.raises(ProjectError):
        proj.delete_images([proj.root / 'project.json'])
    with pytest.raises(ProjectError, match='no longer'):
        proj.delete_images([proj.images_dir / 'cat' / 'ghost.jpg'])
    assert inside.exists() and snapshot(sources) == before  # nothing was half-done


def test_delete_images_and_restore(proj, sources):
    added = proj.add_files([sources / 'p0.jpg', sources / 'p1.jpg'], 'cat').added
    u = proj.add_files([sources / 'p2.jpg'], None).added[0]
    entries = proj.delete_images([added[0], u])
    assert proj.counts()['cat'] == 1 and proj.n_unlabelled == 0
    assert [e.original for e in entries] == ['images/cat/p0.jpg', 'unlabelled/p2.jpg']
    # Meanwhile a new photo took the name: restoring must not overwrite it.
    proj.add_files([make_photo(sources / 'again' / 'p0.jpg', noise_seed=55)], 'cat')
    restored = proj.restore(entries)
    assert [p.name for p in restored] == ['p0 (2).jpg', 'p2.jpg']
    assert proj.counts()['cat'] == 3 and proj.n_unlabelled == 1
    assert restored[0].read_bytes() == (sources / 'p0.jpg').read_bytes()


def test_restore_into_deleted_class_brings_it_back(proj, sources):
    a = proj.add_files([sources / 'p0.jpg'], 'dog').added[0]
    entries = proj.delete_images([a])
    proj.delete_class('dog')
    assert proj.restore(entries)[0] == a and 'dog' in proj.classes


def test_remove_added_is_undo_of_add(proj, sources):
    before = snapshot(sources)
    report = proj.add_files(sorted(sources.iterdir()), 'cat')
    proj.remove_added(report.added)
    assert proj.counts()['cat'] == 0
    assert snapshot(sources) == before
    # After undo the same files can be added again (not duplicates).
    assert len(proj.add_files(sorted(sources.iterdir()), 'cat').added) == 4


def test_empty_trash(proj, sources):
    added = proj.add_files([sources / 'p0.jpg'], 'cat').added
    proj.delete_images(added)
    proj.delete_class('dog')
    assert any(proj.trash_dir.iterdir())
    proj.empty_trash()
    assert not any(proj.trash_dir.iterdir())
    assert json.loads((proj.root / 'project.json').read_text())['trash'] == []


# ---------------------------------------------------------------- listings, runs


def test_listing_cache_and_refresh(proj, sources):
    proj.add_files([sources / 'p0.jpg'], 'cat')
    first = proj.images('cat')
    first.clear()  # callers get a copy
    assert len(proj.images('cat')) == 1
    make_photo(proj.images_dir / 'cat' / 'outside.png')  # another program adds a file
    make_photo(proj.images_dir / 'newclass' / 'n.png', noise_seed=3)
    assert len(proj.images('cat')) == 1  # cached
    proj.refresh()
    assert len(proj.images('cat')) == 2 and 'newclass' in proj.classes
    with pytest.raises(ProjectError):
        proj.images('nope')


def test_listing_ignores_non_images_and_hidden(proj):
    folder = proj.images_dir / 'cat'
    make_photo(folder / 'a.jpg')
    (folder / 'notes.txt').write_text('x')
    (folder / '.DS_Store').write_bytes(b'x')
    (folder / 'sub').mkdir()
    proj.refresh()
    assert [p.name for p in proj.images('cat')] == ['a.jpg']


def test_large_listing_is_fast(proj):
    import time

    folder = proj.images_dir / 'cat'
    for i in range(3000):
        (folder / f'img{i}.jpg').write_bytes(b'')  # listing never decodes, so empty files suffice
    start = time.perf_counter()
    again = Project.open(proj.root)
    assert again.counts()['cat'] == 3000
    for _ in range(50):
        again.images('cat')
    assert time.perf_counter() - start < 2.0


def test_runs(proj):
    proj.add_run({'id': 'r1', 'best_val_acc': 0.5})
    proj.add_run({'id': 'r2'})
    with pytest.raises(ProjectError):
        proj.add_run({'id': 'r1'})
    with pytest.raises(ProjectError):
        proj.add_run({'no': 'id'})
    proj.update_run('r1', best_val_acc=0.9, cancelled=False)
    proj.remove_run('r2')
    with pytest.raises(ProjectError):
        proj.update_run('r2', x=1)
    again = Project.open(proj.root)
    assert [r.id for r in again.runs] == ['r1']
    assert again.run('r1').best_val_acc == 0.9 and again.run('r1').cancelled is False


def test_settings_are_saved(proj):
    proj.settings.update({'backbone': 'tiny_test', 'epochs': 3})
    proj.save()
    assert Project.open(proj.root).settings == {'backbone': 'tiny_test', 'epochs': 3}


def test_every_mutation_saves(proj, sources):
    def on_disk():
        return json.loads((proj.root / 'project.json').read_text())

    proj.add_class('bird')
    assert on_disk()['classes'] == ['cat', 'dog', 'bird']
    proj.set_class_color('bird', '#010203')
    assert on_disk()['class_colors']['bird'] == '#010203'
    proj.move_class('bird', 0)
    assert on_disk()['classes'][0] == 'bird'
    proj.rename_class('bird', 'owl')
    assert on_disk()['classes'][0] == 'owl'
    proj.delete_class('owl')
    assert on_disk()['classes'] == ['cat', 'dog']


def test_restore_class_merges_into_a_class_made_meanwhile(proj, sources):
    proj.add_files([sources / 'p0.jpg'], 'cat')
    entries = proj.delete_class('cat')
    proj.add_class('Cat')
    proj.add_files([sources / 'p1.jpg'], 'Cat')
    proj.restore_class('cat', entries)
    assert proj.classes == ['dog', 'Cat'] and proj.counts()['Cat'] == 2


def test_restore_refuses_foreign_trash_entries(proj, tmp_path):
    outside = make_photo(tmp_path / 'outside.jpg')
    bad = [TrashEntry('x/0', 'images/cat/a.jpg', '../outside.jpg')]
    with pytest.raises(ProjectError, match='not from this project'):
        proj.restore(bad)
    assert outside.exists() and proj.counts()['cat'] == 0


def test_add_files_to_unknown_class(proj, sources):
    with pytest.raises(ProjectError, match='no class'):
        proj.add_files([sources / 'p0.jpg'], 'nope')


def _listings(project: Project) -> dict:
    return {c: [p.name for p in project.images(c)] for c in [None, *project.classes]}


def test_operations_keep_listings_equal_to_a_fresh_rescan(proj, tmp_path):
    # Listings are updated in place (no rescan) by add / move / delete / restore:
    # after each step they must equal what a fresh Project.open reads from disk.
    src = tmp_path / 'many'
    names = ['img10.jpg', 'img2.jpg', 'IMG1.jpg', 'b 3.png', 'a.jpg', 'img2 (2).jpg', 'z9.jpg']
    for i, name in enumerate(names):
        make_photo(src / name, noise_seed=200 + i)
    proj.images('cat'), proj.images('dog'), proj.images(None)  # cache every listing first

    def check():
        assert _listings(proj) == _listings(Project.open(proj.root))

    proj.add_files([src / n for n in names[:4]], 'cat')
    check()
    proj.add_files([src / n for n in names[4:]], None)
    check()
    proj.add_files([src / 'img2.jpg'], 'dog')  # duplicate content: refused, listing unchanged
    check()
    unl = proj.images(None)
    mapping = proj.move_images(unl[:2], 'cat')
    check()
    proj.move_images([mapping[unl[0]]], 'dog')
    check()
    cat = proj.images('cat')
    make_photo(proj.images_dir / 'dog' / cat[0].name, noise_seed=999)  # a clash in the target
    proj.refresh()
    check()
    proj.move_images([cat[0]], 'dog')  # renamed ' (2)'
    check()
    entries = proj.delete_images(proj.images('cat')[:2] + proj.images(None)[:1])
    check()
    proj.restore(entries)
    check()
    entries = proj.delete_class('dog')
    check()
    proj.restore_class('dog', entries)
    check()
    proj.remove_added(proj.images('dog')[:1])
    check()
    assert sum(len(v) for v in _listings(proj).values()) == 7 + 1 - 1  # + the clash, - removed


def test_relabel_in_a_big_class_does_not_rescan(proj, monkeypatch):
    import time

    folder = proj.images_dir / 'cat'
    for i in range(10_000):
        (folder / f'img{i}.jpg').write_bytes(b'')  # listing never decodes, so empty files suffice
    proj.refresh()
    assert proj.counts() == {'cat': 10_000, 'dog': 0}
    scans = []
    real_scan = Project._scan
    monkeypatch.setattr(Project, '_scan', lambda self, *a, **k: scans.append(a) or real_scan(self, *a, **k))
    start = time.perf_counter()
    proj.move_images([folder / 'img5000.jpg'], 'dog')
    proj.move_images([proj.images_dir / 'dog' / 'img5000.jpg'], 'cat')
    elapsed = time.perf_counter() - start
    assert scans == []
    assert proj.counts() == {'cat': 10_000, 'dog': 0}
    assert proj.images('cat')[5000].name == 'img5000.jpg'
    assert elapsed < 1.0, elapsed  # two relabels; was ~1 s each with a rescan


def test_importing_another_project_only_reads_it(photo_tree, tmp_path):
    """A project used as an import source is read, never repaired or rewritten."""
    src, _ = Project.from_folder(photo_tree, tmp_path / 'theirs')
    src.add_files([make_photo(tmp_path / 'loose.png', noise_seed=99)], None)
    (src.root / 'images' / 'red' / '.petcognizer-tmp-leftover.png').write_bytes(b'x')
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in src.root.rglob('*') if p.is_file()}
    mine = Project.create(tmp_path / 'mine')
    report = mine.import_tree(src.root)
    assert not report.refused
    assert mine.classes == src.classes
    assert mine.counts() == src.counts() and mine.n_unlabelled == 1
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in src.root.rglob('*') if p.is_file()}
    assert after == before


def test_training_samples_leave_out_empty_classes(tmp_path):
    p = Project.create(tmp_path / 'p', classes=['a', 'empty', 'b'])
    p.add_files([make_photo(tmp_path / 'x.png', noise_seed=1)], 'b')
    p.add_files([make_photo(tmp_path / 'y.png', noise_seed=2)], 'a')
    paths, labels, classes, empty = p.training_samples()
    assert classes == ['a', 'b'] and empty == ['empty']
    assert [classes[y] for y in labels] == [p.label_of(q) for q in paths]


def test_opening_a_plain_folder_names_real_ways_to_make_a_project(tmp_path):
    """The message pointed at a 'New project from folder' button that does not exist (issue 9)."""
    with pytest.raises(ProjectError) as info:
        Project.open(tmp_path)
    text = str(info.value)
    assert 'New project from folder' not in text
    assert 'Import a folder of class folders' in text and 'petcognizer new' in text
