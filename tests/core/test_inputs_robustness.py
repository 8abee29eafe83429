"""Bad inputs to decoding and importing (issue 9): every case is made here, in the test.

Strips and bombs, pipes and link loops, permission and I/O errors, names that
are not UTF-8 or as long as a name can be, hidden, unreadable and invalid
class folders, and the temp files an interrupted write leaves behind.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from photos import make_photo
from PIL import Image

from petcognizer.core import images
from petcognizer.core.data import Preprocess, decode_batches, unreadable
from petcognizer.core.images import ImageError, load_rgb, verify_image
from petcognizer.core.project import Project

PRE = Preprocess(32, 40, (0.5,) * 3, (0.5,) * 3)


@pytest.fixture
def proj(tmp_path):
    return Project.create(tmp_path / 'proj', classes=['cat', 'dog'])


@pytest.fixture
def resize_guard(monkeypatch):
    """Records the size of every resize and fails one over 20 MP instead of allocating it."""
    requested: list[int] = []
    real_resize = Image.Image.resize

    def recording_resize(self, out_size, *args, **kwargs):
        requested.append(out_size[0] * out_size[1])
        if out_size[0] * out_size[1] > 20_000_000:
            raise AssertionError(f'asked for a {out_size} image')  # never allocate it here
        return real_resize(self, out_size, *args, **kwargs)

    monkeypatch.setattr(Image.Image, 'resize', recording_resize)
    return requested


def _strip(path: Path, w: int, h: int) -> Path:
    Image.new('RGB', (w, h), (200, 30, 30)).save(path)
    return path


def _fifo(path: Path) -> Path:
    if not hasattr(os, 'mkfifo'):
        pytest.skip('no FIFOs on this system')
    os.mkfifo(path)
    return path


# ---------------------------------------------------------------------- strips and huge sizes


@pytest.mark.parametrize('w,h', [(1, 100_000), (100_000, 1), (1, 10_000), (3, 400)])
def test_extreme_strips_are_refused_with_a_reason_naming_the_file(tmp_path, w, h):
    path = _strip(tmp_path / 'strip.png', w, h)
    assert path.stat().st_size < 50_000  # a tiny file: the danger is only in the resize
    for call in (load_rgb, verify_image, lambda p: load_rgb(p, draft_size=256)):
        with pytest.raises(ImageError) as err:
            call(path)
        assert str(path) in str(err.value) and 'strip' in err.value.reason and 'crop it' in err.value.reason


def test_import_refuses_a_strip_and_keeps_the_good_photos_beside_it(proj, tmp_path):
    src = tmp_path / 'src'
    src.mkdir()
    _strip(src / 'strip.png', 1, 100_000)
    good = make_photo(src / 'good.jpg')
    report = proj.add_files([src], 'cat')
    assert [p.name for p in report.added] == ['good.jpg']
    assert [p for p, _ in report.refused] == [src / 'strip.png'] and 'strip' in report.refused[0][1]
    assert good.exists()


def test_training_decode_skips_a_strip_with_a_message_not_memoryerror(tmp_path, resize_guard):
    good = make_photo(tmp_path / 'good.jpg')
    strip = _strip(tmp_path / 'strip.png', 1, 100_000)
    pre = Preprocess(224, 256, (0.5,) * 3, (0.5,) * 3)
    batches = list(decode_batches([strip, good], pre, batch_size=4, threads=1))
    assert batches[0].indices == [1] and tuple(batches[0].tensor.shape) == (1, 3, 224, 224)
    (i, exc), = batches[0].errors
    assert i == 0 and 'strip' in exc.reason


@pytest.mark.parametrize('size', [(1, 10_000), (10_000, 1), (3, 20_000)])
def test_resize_crop_of_a_strip_allocates_only_the_crop(resize_guard, size):
    """A strip that got past the decoder (an old project, a thumbnail) resizes in bounded memory."""
    requested = resize_guard
    pre = Preprocess(224, 256, (0.5,) * 3, (0.5,) * 3)
    out = pre.resize_crop(Image.new('RGB', size, (10, 200, 10)))
    assert out.size == (224, 224) and max(requested) <= 224 * 224
    assert out.getpixel((100, 100)) == (10, 200, 10)
    x = pre(Image.new('RGB', size, (10, 200, 10)))
    assert tuple(x.shape) == (3, 224, 224) and x.numel() * 4 < 1_000_000  # the returned array stays small


def test_resize_crop_of_a_normal_photo_is_unchanged():
    """The bounded path only applies past the bound: normal photos give the same pixels as before."""
    img = Image.effect_noise((300, 200), 60).convert('RGB')
    pre = Preprocess(224, 256, (0.5,) * 3, (0.5,) * 3)
    scale = 256 / 200
    nw, nh = round(300 * scale), 256
    ref = img.resize((nw, nh), Image.Resampling.BILINEAR, reducing_gap=3.0)
    left, top = (nw - 224) // 2, (nh - 224) // 2
    ref = ref.crop((left, top, left + 224, top + 224))
    assert pre.resize_crop(img).tobytes() == ref.tobytes()


def test_preprocess_refuses_sizes_that_would_exhaust_memory():
    with pytest.raises(ValueError, match='resize 100000 is out of range'):
        Preprocess(224, 100_000, (0.5,) * 3, (0.5,) * 3)
    with pytest.raises(ValueError, match='input size'):
        Preprocess.from_dict({'input_size': 10**6, 'resize': 256, 'mean': [0.5] * 3, 'std': [0.5] * 3})
    with pytest.raises(ValueError, match='std'):
        Preprocess(224, 256, (0.5,) * 3, (0.5, 0.0, 0.5))
    with pytest.raises(ValueError, match='mean'):
        Preprocess(224, 256, (float('nan'),) * 3, (0.5,) * 3)


def test_large_png_is_reduced_when_the_caller_needs_it_small(tmp_path):
    path = tmp_path / 'big.png'
    Image.new('RGB', (5000, 4000), (30, 60, 220)).save(path)  # 20 MP, compresses to little
    small = load_rgb(path, draft_size=256)
    assert min(small.size) >= 3 * 256 and small.size[0] * small.size[1] < 5_000_000
    assert small.getpixel((10, 10)) == (30, 60, 220)
    assert verify_image(path) == (5000, 4000)


# ---------------------------------------------------------------------- file types and OS errors


@pytest.mark.timeout(30)
def test_a_fifo_never_blocks_anywhere(proj, tmp_path):
    src = tmp_path / 'src'
    src.mkdir()
    pipe = _fifo(src / 'pipe.jpg')
    make_photo(src / 'good.jpg')
    for call in (load_rgb, verify_image, images.check_regular, images.open_regular):
        with pytest.raises(ImageError) as err:
            call(pipe)
        assert err.value.reason.startswith('is not a regular file (a pipe)') and str(pipe) in str(err.value)
    assert 'a pipe' in unreadable([pipe])[0].reason
    batches = list(decode_batches([pipe], PRE, batch_size=2, threads=1))
    assert 'a pipe' in batches[0].errors[0][1].reason
    report = proj.add_files([src], 'cat')
    assert [p.name for p in report.added] == ['good.jpg']
    assert 'is not a regular file (a pipe)' in dict(report.refused)[pipe]
    tree = tmp_path / 'tree'
    (tree / 'dog').mkdir(parents=True)
    _fifo(tree / 'dog' / 'p.png')
    make_photo(tree / 'dog' / 'd.jpg', noise_seed=3)
    report = proj.import_tree(tree)
    assert [p.name for p in report.added] == ['d.jpg'] and 'a pipe' in report.refused[0][1]


@pytest.mark.timeout(30)
def test_a_fifo_replacing_a_file_after_the_check_is_refused_too(tmp_path, monkeypatch):
    pipe = _fifo(tmp_path / 'late.jpg')
    real_stat = os.stat

    def regular_stat(path, *a, **kw):  # the check sees a file; the open finds a pipe
        st = real_stat(path, *a, **kw)
        if os.fspath(path) == os.fspath(pipe):
            return os.stat_result((0o100644,) + tuple(st)[1:])
        return st

    monkeypatch.setattr(images.os, 'stat', regular_stat)
    with pytest.raises(ImageError, match=r'a pipe'):
        load_rgb(pipe)


def test_symlink_loop_and_dangling_link_and_missing(tmp_path):
    loop = tmp_path / 'loop.jpg'
    os.symlink(loop, loop)
    with pytest.raises(ImageError, match='is a symbolic link loop'):
        load_rgb(loop)
    dangling = tmp_path / 'dangling.jpg'
    os.symlink(tmp_path / 'nowhere.jpg', dangling)
    with pytest.raises(ImageError, match='symbolic link to a file that does not exist'):
        verify_image(dangling)
    with pytest.raises(ImageError, match='not found'):
        load_rgb(tmp_path / 'gone.jpg')


def test_import_names_each_os_problem(proj, tmp_path):
    loop = tmp_path / 'loop.jpg'
    os.symlink(loop, loop)
    report = proj.add_files([loop, tmp_path / 'gone.jpg'], None)
    reasons = dict(report.refused)
    assert 'is a symbolic link loop' in reasons[loop]
    assert 'not found' in reasons[tmp_path / 'gone.jpg']


def _failing_open(monkeypatch, target: Path, err: int):
    real_open = os.open

    def fake_open(path, flags, *a, **kw):
        if os.fspath(path) == os.fspath(target):
            raise OSError(err, os.strerror(err), os.fspath(path))
        return real_open(path, flags, *a, **kw)

    monkeypatch.setattr(images.os, 'open', fake_open)


@pytest.mark.parametrize('err,words', [
    (errno.EACCES, 'cannot be read (permission denied): check its permissions'),
    (errno.EPERM, 'cannot be read (permission denied): check its permissions'),
    (errno.EIO, 'could not be read (I/O error): the disk or network share may be failing'),
])
def test_permission_and_io_errors_say_what_they_are(tmp_path, monkeypatch, proj, err, words):
    photo = make_photo(tmp_path / 'p.jpg')
    _failing_open(monkeypatch, photo, err)
    with pytest.raises(ImageError) as exc:
        load_rgb(photo)
    assert words in exc.value.reason and str(photo) in str(exc.value)
    # training's decode path gives the same reason, never "check the file still exists"
    (i, e), = next(decode_batches([photo], PRE, batch_size=1, threads=1)).errors
    assert words in e.reason and 'still exists' not in e.reason
    report = proj.add_files([photo], 'cat')
    assert report.added == [] and words in report.refused[0][1]


def test_io_error_in_the_middle_of_decoding(tmp_path, monkeypatch):
    photo = make_photo(tmp_path / 'p.png', size=(64, 64))
    real = images.open_regular

    class Failing:
        def __init__(self, f):
            self.f = f

        def __getattr__(self, name):
            return getattr(self.f, name)

        def read(self, *a):
            if self.f.tell() > 40:
                raise OSError(errno.EIO, 'Input/output error')
            return self.f.read(*a)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

    monkeypatch.setattr(images, 'open_regular', lambda p: Failing(real(p)))
    with pytest.raises(ImageError, match=r'\(I/O error\): the disk or network share may be failing'):
        load_rgb(photo)


def test_decode_reports_memory_error_as_a_sentence(tmp_path, monkeypatch):
    photo = make_photo(tmp_path / 'p.jpg')

    def no_memory(self, *a, **k):
        raise MemoryError

    monkeypatch.setattr(Preprocess, 'resize_crop', no_memory)
    (i, e), = next(decode_batches([photo], PRE, batch_size=1, threads=1)).errors
    assert 'too large to decode in the memory available' in e.reason


# ---------------------------------------------------------------------- names


def _bytes_name(folder: Path, raw: bytes) -> Path:
    path = Path(os.fsdecode(os.fsencode(folder) + b'/' + raw))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
        path.unlink()
    except (OSError, UnicodeError):
        pytest.skip('this file system refuses names that are not UTF-8')
    return path


def test_non_utf8_file_name_is_added_and_the_project_keeps_working(proj, tmp_path):
    src = _bytes_name(tmp_path / 'src', b'caf\xe9.jpg')
    make_photo(src)
    report = proj.add_files([src], 'cat')
    assert [p.name for p in report.added] == ['café.jpg'] and report.refused == []
    index = json.loads((proj.cache_dir / 'content-hashes.json').read_text(encoding='utf-8'))
    assert 'images/cat/café.jpg' in index['entries']
    assert [p.name for p in proj.add_files([make_photo(tmp_path / 'b.jpg', noise_seed=2)], 'cat').added] == ['b.jpg']
    assert Project.open(proj.root).counts()['cat'] == 2
    assert src.exists()  # the original is untouched


def test_a_non_utf8_name_already_in_the_project_does_not_break_the_index(proj, tmp_path):
    """A file put into the project by hand with a non-UTF-8 name: the index stores it exactly."""
    odd = _bytes_name(proj.images_dir / 'cat', b'\xff\xfe.jpg')
    make_photo(odd)
    proj.refresh()
    report = proj.add_files([make_photo(tmp_path / 'b.jpg', noise_seed=2)], 'cat')
    assert [p.name for p in report.added] == ['b.jpg']
    again = proj.add_files([make_photo(tmp_path / 'c.jpg', noise_seed=3)], 'cat')
    assert [p.name for p in again.added] == ['c.jpg']
    reopened = Project.open(proj.root)
    dup = reopened.add_files([odd], 'dog')
    assert dup.duplicates and dup.duplicates[0][1] == odd  # the index found it by content


def test_non_utf8_class_folder_is_imported_under_a_safe_name(tmp_path):
    src = tmp_path / 'tree'
    folder = _bytes_name(src, b'd\xf6g')
    make_photo(folder / 'a.jpg')
    make_photo(src / 'cat' / 'b.jpg', noise_seed=1)
    project, report = Project.from_folder(src, tmp_path / 'proj')
    assert project.classes == ['cat', 'dög'] and len(report.added) == 2 and report.refused == []
    assert Project.open(project.root).classes == ['cat', 'dög']


def test_control_characters_in_a_name_are_not_stored(proj, tmp_path):
    src = make_photo(tmp_path / 'evil\x1b]0;title\x07.jpg')
    report = proj.add_files([src], None)
    assert report.added[0].name == 'evil_]0;title_.jpg'


def test_255_byte_name_collision_shortens_the_stem(proj, tmp_path):
    name = 'a' * 251 + '.jpg'  # 255 bytes: no room for " (2)"
    first = make_photo(tmp_path / 'one' / name, noise_seed=1)
    second = make_photo(tmp_path / 'two' / name, noise_seed=2)
    assert proj.add_files([first], 'cat').added[0].name == name
    report = proj.add_files([second], 'cat')
    assert report.refused == [], report.refused
    (added,) = report.added
    assert added.name.endswith(' (2).jpg') and len(os.fsencode(added.name)) <= 255
    assert proj.counts()['cat'] == 2


def test_multibyte_long_name_fits_after_clash(proj, tmp_path):
    name = 'é' * 125 + '.jpg'  # 254 bytes
    a = make_photo(tmp_path / 'x' / name, noise_seed=1)
    b = make_photo(tmp_path / 'y' / name, noise_seed=2)
    proj.add_files([a], 'cat')
    (added,) = proj.add_files([b], 'cat').added
    assert len(os.fsencode(added.name)) <= 255 and added.name.endswith(' (2).jpg')
    added.name.encode('utf-8')  # cut at a character boundary


# ---------------------------------------------------------------------- folders


def test_hidden_odd_and_unreadable_folders_are_reported(tmp_path, monkeypatch):
    src = tmp_path / 'tree'
    make_photo(src / 'cat' / 'a.jpg')
    make_photo(src / '.hidden_class' / 'h.jpg', noise_seed=1)
    make_photo(src / '...' / 'd.jpg', noise_seed=2)
    make_photo(src / 'locked' / 'l.jpg', noise_seed=3)
    make_photo(src / 'cat' / 'locked_sub' / 's.jpg', noise_seed=4)
    make_photo(src / '.Trashes' / 't.jpg', noise_seed=5)  # OS clutter: silent
    locked = {os.fspath(src / 'locked'), os.fspath(src / 'cat' / 'locked_sub')}
    real_scandir = os.scandir

    def scandir(path='.'):
        if os.fspath(path) in locked:
            raise PermissionError(errno.EACCES, 'Permission denied', os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, 'scandir', scandir)
    project, report = Project.from_folder(src, tmp_path / 'proj')
    assert [p.name for p in report.added] == ['a.jpg'] and project.classes == ['cat']
    reasons = {p.name: r for p, r in report.refused}
    assert set(reasons) == {'.hidden_class', '...', 'locked', 'locked_sub'}
    assert 'starts with a dot' in reasons['.hidden_class'] and 'starts with a dot' in reasons['...']
    assert 'permission denied' in reasons['locked'] and 'not imported' in reasons['locked_sub']


def test_add_files_reports_a_hidden_folder_given_by_name(proj, tmp_path):
    hidden = tmp_path / '.shots'
    make_photo(hidden / 'a.jpg')
    report = proj.add_files([hidden, tmp_path / '.shots' / '..' / '.shots'], 'cat')
    assert report.added == [] and len(report.refused) == 2
    assert all('starts with a dot' in r for _, r in report.refused)


def test_reserved_class_folder_name_does_not_abort_the_import(tmp_path):
    src = tmp_path / 'tree'
    for k, name in enumerate(['aux.x', 'cat', 'CON', 'dog']):
        make_photo(src / name / f'{k}.jpg', noise_seed=k)
    project, report = Project.from_folder(src, tmp_path / 'proj')
    assert len(report.added) == 4 and report.refused == []
    assert set(project.classes) == {'aux_.x', 'cat', 'CON_', 'dog'}


def test_a_class_folder_that_cannot_be_made_is_reported_and_the_rest_imports(tmp_path, monkeypatch):
    src = tmp_path / 'tree'
    for k, name in enumerate(['bad', 'cat', 'dog']):
        make_photo(src / name / f'{k}.jpg', noise_seed=k)
    real_new = Project._new_class

    def new_class(self, name, *a, **kw):
        if name == 'bad':
            raise OSError(errno.EINVAL, 'Invalid argument')
        return real_new(self, name, *a, **kw)

    monkeypatch.setattr(Project, '_new_class', new_class)
    project, report = Project.from_folder(src, tmp_path / 'proj')
    assert project.classes == ['cat', 'dog'] and len(report.added) == 2
    (path, reason), = report.refused
    assert path == src / 'bad' and 'folder skipped' in reason


# ---------------------------------------------------------------------- temp files


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, '-c', 'pass'])
    proc.wait()
    return proc.pid


def test_temp_files_are_cleaned_on_the_next_open_and_user_files_are_not(proj):
    old = time.time() - 3600
    dead = _dead_pid()
    feats = proj.cache_dir / 'features' / 'abcd' / 'ef'
    feats.mkdir(parents=True)
    leftovers = [feats / f'ef12-0.npy.{dead}.tmp', feats / f'ef34-1.npy.{dead}.tmp',
                 proj.cache_dir / '.tmp-0123abcd.json', proj.cache_dir / 'thumbs' / 'aa' / 'k.140234.tmp',
                 proj.runs_dir / 'model.pcz.partial', proj.root / '.petcognizer-tmp-1234.json']
    keep = [feats / f'ef56-0.npy.{os.getpid()}.tmp',      # a writer in this process, maybe still going
            proj.cache_dir / '.tmp-fresh.json',            # just written: maybe still being renamed
            feats / 'ef78-0.npy',                          # a cache entry
            proj.images_dir / 'cat' / 'notes.tmp',         # the user's file in a class folder
            proj.unlabelled_dir / 'draft.partial',
            proj.root / 'mine.tmp']                        # the user's file beside project.json
    for p in leftovers + keep:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b'x')
    for p in leftovers[1:] + keep[2:]:
        os.utime(p, (old, old))
    Project.open(proj.root)
    assert [p for p in leftovers if p.exists()] == []
    assert [p for p in keep if not p.exists()] == []


def test_a_header_claiming_a_4_gb_chunk_never_asks_for_4_gb(tmp_path, monkeypatch):
    """Found by bench/fuzz_decoder.py: an IDAT length of 0xFFFFFFFF made Python allocate 4 GB for a read."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes, length: int | None = None) -> bytes:
        body = kind + data
        return struct.pack('>I', len(data) if length is None else length) + body + struct.pack('>I', zlib.crc32(body))

    path = tmp_path / 'huge-chunk.png'
    path.write_bytes(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 6, 19, 8, 4, 0, 0, 0))
                     + chunk(b'IDAT', zlib.compress(b'\x00' * 50), length=0xFFFFFFFF))
    asked: list[int] = []
    real = images.open_regular

    class Recording:
        def __init__(self, f):
            self.f = f

        def read(self, n=-1):
            asked.append(n)
            return self.f.read(n)

        def __getattr__(self, name):
            return getattr(self.f, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

    monkeypatch.setattr(images, 'open_regular', lambda p: Recording(real(p)))
    with pytest.raises(ImageError):
        load_rgb(path)
    assert asked and max(asked) <= path.stat().st_size


@pytest.mark.timeout(30)
def test_folder_samples_says_what_it_leaves_out(tmp_path, monkeypatch):
    from petcognizer.core.data import folder_samples

    make_photo(tmp_path / 'cat' / 'a.jpg')
    make_photo(tmp_path / 'cat' / 'sub' / 'b.jpg', noise_seed=1)
    make_photo(tmp_path / '.hidden_class' / 'h.jpg', noise_seed=2)
    make_photo(tmp_path / 'cat' / '.thumbs' / 't.jpg', noise_seed=3)
    make_photo(tmp_path / 'dog' / 'locked' / 'd.jpg', noise_seed=4)
    make_photo(tmp_path / 'dog' / 'e.jpg', noise_seed=5)
    _fifo(tmp_path / 'dog' / 'pipe.jpg')
    real_scandir = os.scandir

    def scandir(path='.'):
        if os.fspath(path) == os.fspath(tmp_path / 'dog' / 'locked'):
            raise PermissionError(errno.EACCES, 'Permission denied', os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, 'scandir', scandir)
    skipped: list = []
    paths, labels, classes = folder_samples(tmp_path, skipped)
    assert classes == ['cat', 'dog'] and [p.name for p in paths] == ['a.jpg', 'b.jpg', 'e.jpg']
    assert labels == [0, 0, 1]
    why = {p.name: r for p, r in skipped}
    assert set(why) == {'.hidden_class', '.thumbs', 'locked', 'pipe.jpg'}
    assert 'permission denied' in why['locked'] and 'not a regular file' in why['pipe.jpg']
    assert folder_samples(tmp_path) == (paths, labels, classes)  # without the list: the same samples
