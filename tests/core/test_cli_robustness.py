"""The command line under bad input (issue 9): nothing overwritten, nothing hidden, one clear line.

Each test builds its own inputs. A refusal that must come *before* training is
checked by making the run service fail loudly if it is reached at all.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from photos import COLOURS, make_photo

from petcognizer.cli import build_parser, main
from petcognizer.cli.entry import error_text
from petcognizer.cli.models import confusion_lines
from petcognizer.cli.text import count, rate_text, shown
from petcognizer.core import service
from petcognizer.core.config import TrainConfig
from petcognizer.core.data import folder_samples
from petcognizer.core.model import save_model
from petcognizer.core.project import Project
from petcognizer.core.training import fit

REPO = Path(__file__).resolve().parents[2]


def one_error_line(err: str) -> str:
    """The single ``petcognizer: error:`` line of ``err`` (and no traceback)."""
    assert 'Traceback' not in err, err
    lines = [ln for ln in err.strip().splitlines() if ln.startswith('petcognizer')]
    assert len(lines) == 1, err
    assert lines[0].startswith('petcognizer: error: '), err
    return lines[0]


@pytest.fixture
def no_training(monkeypatch):
    """Training must not start: reaching the run service fails the test."""

    def boom(*args, **kwargs):
        raise AssertionError('training started before the checks refused the command')

    monkeypatch.setattr(service, 'train_folder', boom)
    monkeypatch.setattr(service, 'train_project', boom)


def _train_args(data: Path, out: os.PathLike | str, *extra: str) -> list[str]:
    return ['train', str(data), '--out', str(out), '--backbone', 'tiny_test', '--epochs', '1',
            '--no-prior', '-q', *extra]


# ---------------------------------------------------------------------- train --out


@pytest.mark.parametrize('victim', ['photo.jpg', 'notes.txt', 'other.safetensors'])
def test_train_never_overwrites_a_file_that_is_not_a_model(tiny_model, tmp_path, capsys,
                                                           no_training, victim):
    out = tmp_path / victim
    if victim.endswith('.jpg'):
        make_photo(out, fmt='JPEG')
    elif victim.endswith('.txt'):
        out.write_text('my notes\n')
    else:  # a safetensors file that some other program wrote
        header = json.dumps({'__metadata__': {'by': 'someone else'}}).encode()
        out.write_bytes(len(header).to_bytes(8, 'little') + header)
    before = out.read_bytes()
    assert main(_train_args(tiny_model.data, out)) == 1
    line = one_error_line(capsys.readouterr().err)
    assert str(out) in line and 'not a petcognizer model' in line and 'never overwrites' in line
    assert out.read_bytes() == before


def test_replacing_a_model_needs_force(tiny_model, tmp_path, capsys, monkeypatch):
    out = tmp_path / 'model.safetensors'
    shutil.copyfile(tiny_model.path, out)
    before = out.read_bytes()
    with monkeypatch.context() as mp:
        mp.setattr(service, 'train_folder', lambda *a, **k: pytest.fail('trained without --force'))
        assert main(_train_args(tiny_model.data, out)) == 1
    line = one_error_line(capsys.readouterr().err)
    assert str(out) in line and '--force' in line
    assert out.read_bytes() == before
    assert main(_train_args(tiny_model.data, out, '--force')) == 0
    assert capsys.readouterr().out.startswith(f'Replaced {out}: ')
    assert out.read_bytes() != before
    assert main(['predict', str(out), str(tiny_model.paths[0]), '-q']) == 0


def test_train_out_places_refused_before_training(tiny_model, tmp_path, capsys, no_training):
    folder = tmp_path / 'models'
    folder.mkdir()
    fifo = tmp_path / 'pipe.safetensors'
    os.mkfifo(fifo)
    cases = {
        str(folder): 'names a folder',
        str(tmp_path / 'new') + os.sep: 'names a folder',
        str(tmp_path / 'missing' / 'deeper' / 'm.safetensors'): 'no such folder',
        str(fifo): 'named pipe',
        '/proc/m.safetensors': 'cannot write',
    }
    for out, words in cases.items():
        assert main(_train_args(tiny_model.data, out)) == 1, out
        line = one_error_line(capsys.readouterr().err)
        assert words in line, (out, line)
    assert not (tmp_path / 'missing').exists()  # the missing folder is not made behind the user's back
    assert list(folder.iterdir()) == []


def _run_unprivileged(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """``python -m petcognizer ARGS`` where file permissions apply (root loses its override)."""
    cmd = [sys.executable, '-m', 'petcognizer', *args]
    if os.geteuid() == 0:
        setpriv = shutil.which('setpriv')
        if setpriv is None:
            pytest.skip('running as root without setpriv: permissions cannot be tested')
        cmd = [setpriv, '--bounding-set=-dac_override,-dac_read_search,-fowner', '--', *cmd]
    return subprocess.run(cmd, check=False, cwd=cwd, capture_output=True, text=True, timeout=240)


def _read_only(root: Path) -> None:
    for p in [root, *root.rglob('*')]:
        if not p.is_symlink():
            p.chmod(p.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _writable(root: Path) -> None:
    for p in [root, *root.rglob('*')]:
        if not p.is_symlink():
            p.chmod(p.stat().st_mode | stat.S_IWUSR)


def test_read_only_project_and_out_refused_before_training(tiny_model, tmp_path):
    project, _ = Project.from_folder(tiny_model.data, tmp_path / 'proj')
    ro_out = tmp_path / 'ro'
    ro_out.mkdir()
    _read_only(project.root)
    _read_only(ro_out)
    try:
        res = _run_unprivileged(_train_args(project.root, tmp_path / 'm.safetensors'), tmp_path)
        assert res.returncode == 1, res.stderr
        line = one_error_line(res.stderr)
        assert str(project.root) in line and 'cannot write' in line and 'writable' in line
        assert 'Errno' not in line
        res = _run_unprivileged(_train_args(tiny_model.data, ro_out / 'm.safetensors'), tmp_path)
        assert res.returncode == 1, res.stderr
        line = one_error_line(res.stderr)
        assert str(ro_out) in line and 'cannot write' in line
    finally:
        _writable(project.root)
        _writable(ro_out)
    assert Project.open(project.root).runs == []
    assert not (tmp_path / 'm.safetensors').exists() and list(ro_out.iterdir()) == []


def test_first_ctrl_c_stops_training_and_keeps_the_best_model(tiny_model, tmp_path, capsys,
                                                             monkeypatch):
    """Ctrl-C during `train PROJECT` stops after the current step; the model is saved and the run
    recorded as cancelled (exit 130, as for any interrupted command)."""
    import signal

    from petcognizer.cli import training
    from petcognizer.core import events as E

    class CtrlCAfterTwoEpochs(training.Progress):
        def __call__(self, ev):
            super().__call__(ev)
            if isinstance(ev, E.EpochEnded) and ev.epoch == 1:
                os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(training, 'Progress', CtrlCAfterTwoEpochs)
    project, _ = Project.from_folder(tiny_model.data, tmp_path / 'proj')
    out = tmp_path / 'm.safetensors'
    before = signal.getsignal(signal.SIGINT)
    code = main(['train', str(project.root), '--out', str(out), '--backbone', 'tiny_test',
                 '--epochs', '200', '--no-prior', '--val-fraction', '0'])
    cap = capsys.readouterr()
    assert code == 130, cap.err
    assert signal.getsignal(signal.SIGINT) is before
    assert 'Stopping: the best model so far is kept' in cap.err
    assert 'stopped early after' in cap.out and out.is_file()
    runs = Project.open(project.root).runs
    assert len(runs) == 1 and runs[0].cancelled and 2 <= len(runs[0].history) < 200


# ---------------------------------------------------------------------- export --out, eval --csv


def test_export_out_rules(tiny_model, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    model = str(tiny_model.path)
    # the extension is added, and the output says so
    assert main(['export', model, '--out', 'exported']) == 0
    out = capsys.readouterr().out
    assert 'Exported exported.safetensors (added .safetensors to the name given to --out)' in out
    # an earlier export is replaced only with --force
    before = (tmp_path / 'exported.safetensors').stat().st_mtime_ns
    assert main(['export', model, '--out', 'exported.safetensors']) == 1
    assert '--force' in one_error_line(capsys.readouterr().err)
    assert main(['export', model, '--out', 'exported.safetensors', '--force']) == 0
    capsys.readouterr()
    assert (tmp_path / 'exported.safetensors').stat().st_mtime_ns >= before
    # another format's extension is refused, not doubled
    assert main(['export', model, '--out', 'model.onnx']) == 1
    line = one_error_line(capsys.readouterr().err)
    assert 'ends in .onnx' in line and '--format onnx' in line
    assert not list(tmp_path.glob('model.onnx*'))
    # never over a file petcognizer did not make; never into a folder or a missing one
    photo = make_photo(tmp_path / 'holiday.pt', fmt='PNG')
    before = photo.read_bytes()
    assert main(['export', model, '--out', str(photo), '--format', 'torchscript', '--force']) == 1
    assert 'never overwrites' in one_error_line(capsys.readouterr().err)
    assert photo.read_bytes() == before
    (tmp_path / 'dir.safetensors').mkdir()
    assert main(['export', model, '--out', 'dir.safetensors']) == 1
    assert 'names a folder' in one_error_line(capsys.readouterr().err)
    assert main(['export', model, '--out', 'nowhere/m.safetensors']) == 1
    assert 'no such folder' in one_error_line(capsys.readouterr().err)
    assert main(['export', model, '--out', '/proc/m.safetensors']) == 1
    assert 'cannot write' in one_error_line(capsys.readouterr().err)


def test_eval_csv_never_overwrites_another_file(tiny_model, tmp_path, capsys):
    notes = tmp_path / 'notes.csv'
    notes.write_text('name,phone\nann,123\n')
    assert main(['eval', str(tiny_model.path), str(tiny_model.data), '--csv', str(notes), '-q']) == 1
    assert 'never overwrites' in one_error_line(capsys.readouterr().err)
    assert notes.read_text() == 'name,phone\nann,123\n'


# ---------------------------------------------------------------------- eval


@pytest.fixture(scope='module')
def breeds_model(tmp_path_factory):
    """A tiny model of the classes 'beagle' (red photos) and 'samoyed' (blue photos)."""
    base = tmp_path_factory.mktemp('breeds')
    for name, colour in (('beagle', COLOURS['red']), ('samoyed', COLOURS['blue'])):
        for i in range(5):
            make_photo(base / 'train' / name / f'{i}.png', colour, noise_seed=i + len(name))
    paths, labels, classes = folder_samples(base / 'train')
    cfg = TrainConfig(backbone='tiny_test', epochs=25, lr=0.03, val_fraction=0.0, use_prior=False,
                      freeze_depth=1, head='fc-dropout')
    return save_model(base / 'breeds.safetensors', fit(paths, labels, classes, cfg).model)


def test_eval_names_classes_the_model_does_not_know(breeds_model, tmp_path, capsys):
    data = tmp_path / 'other'
    make_photo(data / 'beagle' / 'b.png', COLOURS['red'], noise_seed=50)
    make_photo(data / 'dingo' / 'd1.png', COLOURS['green'], noise_seed=51)
    make_photo(data / 'dingo' / 'd2.png', COLOURS['green'], noise_seed=52)
    assert main(['eval', str(breeds_model), str(data), '-q']) == 1
    cap = capsys.readouterr()
    assert 'Accuracy: 100.00% on 1 photo\n' in cap.out
    assert "skipped 2 photos of class 'dingo', which the model does not know" in cap.out
    line = one_error_line(cap.err)
    assert str(data) in line and 'dingo' in line and '--ignore-unknown-classes' in line
    # told to ignore them: the same report, exit 0
    assert main(['eval', str(breeds_model), str(data), '-q', '--ignore-unknown-classes']) == 0
    cap = capsys.readouterr()
    assert "skipped 2 photos of class 'dingo'" in cap.out and cap.err == ''
    # the JSON report lists them too, and the exit still says photos were left out
    assert main(['eval', str(breeds_model), str(data), '--json']) == 1
    cap = capsys.readouterr()
    assert json.loads(cap.out)['unknown_classes'] == {'dingo': 2}


def test_eval_confusion_header_never_cuts_class_names(breeds_model, tmp_path, capsys):
    data = tmp_path / 'test'
    make_photo(data / 'beagle' / 'b.png', COLOURS['red'], noise_seed=60)
    make_photo(data / 'samoyed' / 's.png', COLOURS['blue'], noise_seed=61)
    assert main(['eval', str(breeds_model), str(data), '-q']) == 0
    out = capsys.readouterr().out
    assert 'on 2 photos' in out
    lines = out.split('Confusion (rows: true, columns: predicted)\n')[1].splitlines()
    header = lines[0]
    assert header.split() == ['beagle', 'samoyed']
    # each count ends in the column of its class name
    for row in lines[1:3]:
        assert len(row) == len(header), (header, row)
    long = ['a_rather_long_class_name', 'x']
    table = confusion_lines(long, [[1234567, 0], [0, 5]])
    assert table[0].split() == long
    assert all(len(r) == len(table[0]) for r in table)
    assert '1234567' in table[1]


def test_plurals():
    assert count(1, 'photo') == '1 photo' and count(2, 'photo') == '2 photos'
    assert count(0, 'photo') == '0 photos' and count(1, 'class', 'classes') == '1 class'


# ---------------------------------------------------------------------- predict


@pytest.mark.timeout(60)
def test_predict_unreadable_files_exit_1_and_the_others_are_printed(tiny_model, tmp_path, capsys):
    fifo = tmp_path / 'pipe.jpg'
    os.mkfifo(fifo)  # opening it for reading would block for ever
    good = tiny_model.paths[0]
    missing = tmp_path / 'gone.jpg'
    assert main(['predict', str(tiny_model.path), str(fifo), str(good), str(missing), '-q']) == 1
    cap = capsys.readouterr()
    lines = cap.out.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f'{fifo}: ERROR a named pipe')
    assert lines[1].startswith(f'{good}: {tiny_model.classes[0]} (') or ': ' in lines[1]
    assert 'ERROR' not in lines[1]
    assert lines[2].startswith(f'{missing}: ERROR no such file')
    assert '2 of 3 photos could not be read' in one_error_line(cap.err)


@pytest.mark.timeout(60)
def test_a_model_argument_that_is_a_folder_or_a_pipe(tiny_model, tmp_path, capsys):
    fifo = tmp_path / 'model.safetensors'
    os.mkfifo(fifo)
    photo = str(tiny_model.paths[0])
    for model, words in ((tmp_path, 'a folder, not a model file'), (fifo, 'a named pipe')):
        for args in (['predict', str(model), photo], ['eval', str(model), str(tiny_model.data)],
                     ['export', str(model), '--out', str(tmp_path / 'x')]):
            assert main(args) == 1, args
            line = one_error_line(capsys.readouterr().err)
            assert str(model) in line and words in line, (args, line)
    assert main(['backbones', '--import-weights', str(fifo)]) == 1
    assert 'a named pipe' in one_error_line(capsys.readouterr().err)


def test_rates_are_readable():
    assert rate_text(54120, 100.0) == '541 photos/s'
    assert rate_text(540, 1.0) == '540 photos/s'
    assert rate_text(3, 2.0) == '1.5 photos/s'
    assert rate_text(2, 2.0) == '1.0 photo/s'
    assert rate_text(5000, 0.4) == ''  # no figure for sub-second totals


def test_no_progress_bars_or_carriage_returns_when_stderr_is_not_a_terminal(tiny_model, capsys):
    assert main(['predict', str(tiny_model.path), str(tiny_model.data)]) == 0
    err = capsys.readouterr().err
    assert '\r' not in err and 'img/s' not in err and '%|' not in err
    assert f'{len(tiny_model.paths)} photos classified in ' in err


class _Terminal:
    """A stand-in for a terminal's stderr."""

    def __init__(self):
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True


def test_progress_bars_on_a_terminal_say_photos(tiny_model, capsys, monkeypatch):
    term = _Terminal()
    monkeypatch.setattr(sys, 'stderr', term)
    assert main(['predict', str(tiny_model.path), str(tiny_model.data)]) == 0
    drawn = ''.join(term.parts)
    assert '%|' in drawn and 'img/s' not in drawn and 'photos classified' in drawn


# ---------------------------------------------------------------------- file names


def test_names_are_shown_safely():
    assert shown('a\x1b]0;pwned\x07b.jpg') == 'a\\x1b]0;pwned\\x07b.jpg'
    assert shown('clear\x1b[2J\r\n.png') == 'clear\\x1b[2J\\x0d\\x0a.png'
    assert shown(os.fsdecode(b'caf\xff.jpg')) == 'caf\\xff.jpg'
    assert shown(Path(os.fsdecode(b'/x/\xfe.png'))) == '/x/\\xfe.png'
    assert shown('invoice\u202egnp.exe') == 'invoice\\u202egnp.exe'
    assert shown('café 猫 🐕.jpg') == 'café 猫 🐕.jpg'
    assert shown('\x9b31m') == '\\x9b31m'  # a C1 control (CSI) too


def test_predict_prints_hostile_and_non_utf8_names_safely(tiny_model, tmp_path, capsys):
    evil = tmp_path / 'evil\x1b[2J\x1b]0;owned\x07.png'
    shutil.copyfile(tiny_model.paths[0], evil)
    odd = Path(os.fsdecode(os.fsencode(str(tmp_path)) + b'/caf\xe9.png'))
    shutil.copyfile(tiny_model.paths[1], odd)
    assert main(['predict', str(tiny_model.path), str(evil), str(odd), '-q']) == 0
    out = capsys.readouterr().out
    assert '\x1b' not in out and '\x07' not in out
    assert 'evil\\x1b[2J\\x1b]0;owned\\x07.png: ' in out
    assert 'caf\\xe9.png: ' in out
    # in an error line too
    assert main(['predict', str(tmp_path / 'no\x1b[2Jmodel.safetensors'), str(evil)]) == 1
    err = capsys.readouterr().err
    assert '\x1b' not in err and 'no\\x1b[2Jmodel.safetensors' in one_error_line(err)


def test_a_name_starting_with_a_dash_gets_a_hint(tiny_model, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copyfile(tiny_model.paths[0], tmp_path / '-dash.png')
    assert main(['predict', str(tiny_model.path), '-dash.png']) == 2
    err = capsys.readouterr().err
    assert "use -- before file names that start with '-'" in err and 'Traceback' not in err
    assert main(['predict', str(tiny_model.path), str(tiny_model.paths[1]), '-dash.png']) == 2
    assert "use -- before file names" in capsys.readouterr().err
    assert main(['predict', str(tiny_model.path), '-q', '--', '-dash.png']) == 0
    assert capsys.readouterr().out.startswith('-dash.png: ')


def test_usage_errors_exit_2_with_one_line(capsys):
    assert main(['trian']) == 2
    err = capsys.readouterr().err
    assert err.count('\n') == 1 and 'invalid choice' in err and '`petcognizer --help`' in err
    assert main(['predict', 'm.safetensors', 'x.jpg', '--top-k', '0']) == 2
    err = capsys.readouterr().err
    assert err.count('\n') == 1 and err.startswith('petcognizer predict: error: argument --top-k')


# ---------------------------------------------------------------------- help


def _subparsers():
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == 'command')
    return action.choices


def test_every_command_and_argument_has_help(capsys):
    commands = _subparsers()
    assert {'train', 'eval', 'predict', 'export', 'backbones', 'similar', 'gui', 'new'} <= set(commands)
    for name, sub in commands.items():
        assert sub.description and len(sub.description) > 30, name
        for action in sub._actions:
            assert action.help and action.help.strip(), (name, action.dest)
    expected = {'predict': ['MODEL', '(default: 3)', 'most likely'],
                'similar': ['(default: 12)', 'IMAGE'],
                'export': ['(default: safetensors)', 'extension'],
                'train': ['(default: efficientnet_lite0)', '(default: chosen from the data)', '--force'],
                'eval': ['DATA', '--ignore-unknown-classes'],
                'new': ['--from']}
    for name, words in expected.items():
        with pytest.raises(SystemExit) as exc:
            main([name, '--help'])
        assert exc.value.code == 0
        text = ' '.join(capsys.readouterr().out.split())
        for word in words:
            assert word in text, (name, word)


# ---------------------------------------------------------------------- new, similar, gui


def test_new_makes_a_project(tiny_model, tmp_path, capsys):
    root = tmp_path / 'pets'
    assert main(['new', str(root), '--from', str(tiny_model.data), '-q']) == 0
    out = capsys.readouterr().out
    assert out.startswith(f'Created project {root.resolve()}: 3 classes (blue, green, red), '
                          f'18 photos added')
    project = Project.open(root)
    assert project.classes == ['blue', 'green', 'red'] and len(project.images('red')) == 6
    # once only
    assert main(['new', str(root)]) == 1
    assert 'already a petcognizer project' in one_error_line(capsys.readouterr().err)
    # an empty one, with classes
    assert main(['new', str(tmp_path / 'empty'), '--class', 'cat', '--class', 'dog']) == 0
    assert Project.open(tmp_path / 'empty').classes == ['cat', 'dog']
    capsys.readouterr()


def test_new_reports_files_it_could_not_import(tiny_model, tmp_path, capsys):
    src = tmp_path / 'src'
    shutil.copytree(tiny_model.data, src)
    (src / 'red' / 'broken.png').write_bytes(b'not a png at all')
    assert main(['new', str(tmp_path / 'p'), '--from', str(src), '-q']) == 1
    cap = capsys.readouterr()
    assert '18 photos added' in cap.out
    assert f'not added: {src / "red" / "broken.png"}' in cap.err
    assert '1 file could not be imported' in one_error_line(cap.err)
    assert len(Project.open(tmp_path / 'p').images('red')) == 6


def test_new_from_a_folder_with_non_utf8_names(tmp_path, capsys):
    src = os.fsencode(str(tmp_path / 'src'))
    make_photo(Path(os.fsdecode(src + b'/caf\xe9/1.png')), COLOURS['red'])
    make_photo(Path(os.fsdecode(src + b'/blue/b\xff.png')), COLOURS['blue'])
    make_photo(Path(os.fsdecode(src + b'/blue/2.png')), COLOURS['blue'], noise_seed=3)
    code = main(['new', str(tmp_path / 'p'), '--from', os.fsdecode(src), '-q'])
    cap = capsys.readouterr()
    assert 'Traceback' not in cap.err and 'UnicodeEncodeError' not in cap.err
    assert code == 0, cap.err
    assert '3 photos added' in cap.out
    project = Project.open(tmp_path / 'p')
    assert sum(len(project.images(c)) for c in project.classes) == 3


@pytest.mark.timeout(60)  # before the fix, `gui FOLDER` opened the window and waited
def test_similar_and_gui_name_the_real_ways_to_make_a_project(tiny_model, tmp_path, capsys):
    button = 'Import a folder of class folders…'
    assert button in (REPO / 'petcognizer' / 'gui' / 'start_page.py').read_text(encoding='utf-8')
    for args in (['similar', str(tiny_model.data), str(tiny_model.paths[0])],
                 ['gui', str(tiny_model.data)]):
        assert main(args) == 1
        line = one_error_line(capsys.readouterr().err)
        assert 'New project from folder' not in line
        assert f'petcognizer new PROJECT --from {tiny_model.data}' in line and button in line
    for args in (['similar', str(tmp_path / 'nothing'), str(tiny_model.paths[0])],
                 ['gui', str(tmp_path / 'nothing')]):
        assert main(args) == 1
        assert f'petcognizer new {tmp_path / "nothing"}' in one_error_line(capsys.readouterr().err)


# ---------------------------------------------------------------------- failures are one line


def test_error_lines_name_the_file_and_what_to_do():
    text = error_text(OSError(30, 'Read-only file system', '/x/runs/ro'))
    assert text == '/x/runs/ro: Read-only file system; it is on a read-only disk: choose a place you can write'
    assert 'MemoryError' in error_text(MemoryError()) and 'close other programs' in error_text(MemoryError())
    assert '\n' not in error_text(RuntimeError('line one\nline two'))
    assert len(error_text(RuntimeError('x' * 10_000))) <= 600


def test_train_and_eval_say_which_class_folders_they_leave_out(tiny_model, tmp_path, capsys):
    """A hidden class folder was dropped without a word by train and eval (issue 9)."""
    data = tmp_path / 'photos'
    for name, colour in (('red', COLOURS['red']), ('blue', COLOURS['blue'])):
        for i in range(3):
            make_photo(data / name / f'{name}{i}.png', colour, noise_seed=i)
    make_photo(data / '.hidden_class' / 'h.png', COLOURS['green'])
    out = tmp_path / 'm.safetensors'
    assert main(_train_args(data, out)) == 0
    err = capsys.readouterr().err
    assert '.hidden_class' in err and 'hidden' in err and 'rename it' in err
    main(['eval', str(out), str(data), '-q'])
    assert '.hidden_class' in capsys.readouterr().err
