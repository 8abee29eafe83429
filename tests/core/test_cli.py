"""The command line, in-process: train, eval, predict, export, backbones, similar, errors."""

from __future__ import annotations

import csv
import json

import pytest
from photos import COLOURS, make_photo

from petcognizer.cli import main
from petcognizer.core.modelfile import ModelFileError
from petcognizer.core.project import Project


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    """(data folder, model file) trained once through the CLI."""
    base = tmp_path_factory.mktemp('cli')
    data = base / 'data'
    for name, colour in COLOURS.items():
        for i in range(6):
            make_photo(data / name / f'{name}{i}.png', colour, noise_seed=i + 11 * len(name))
    model = base / 'colours.safetensors'
    with pytest.MonkeyPatch.context() as mp:  # the autouse isolation is per test
        mp.setenv('PETCOGNIZER_CONFIG', str(base / 'settings.json'))
        mp.setenv('PETCOGNIZER_CACHE', str(base / 'cache'))
        mp.setenv('TORCH_HOME', str(base / 'torch'))
        code = main(['train', str(data), '--out', str(model), '--backbone', 'tiny_test',
                     '--epochs', '30', '--lr', '0.03', '--freeze-depth', '1', '--quiet', '--json'])
    assert code == 0
    return data, model


def one_error_line(err: str) -> str:
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith('petcognizer: error: ')
    assert 'Traceback' not in err
    return lines[0]


def test_train_writes_a_model_and_a_summary(tmp_path, capsys):
    data = tmp_path / 'd'
    for name, colour in COLOURS.items():
        for i in range(3):
            make_photo(data / name / f'{i}.png', colour, noise_seed=i + len(name))
    out = tmp_path / 'm.safetensors'
    code = main(['train', str(data), '--out', str(out), '--backbone', 'tiny_test', '--epochs', '3',
                 '--lr', '0.03', '--head', 'fc-dropout', '--seed', '2', '--no-prior', '--json', '-q'])
    assert code == 0 and out.is_file()
    summary = json.loads(capsys.readouterr().out)
    assert summary['model'] == str(out)
    assert summary['classes'] == ['blue', 'green', 'red']
    assert summary['n_train'] == 9 and summary['n_val'] == 0  # few photos: no validation split
    assert summary['epochs_run'] == 3
    cfg = summary['config']
    assert cfg['backbone'] == 'tiny_test' and cfg['head'] == 'fc-dropout' and cfg['seed'] == 2
    assert cfg['use_prior'] is False and cfg['lr'] == 0.03
    # human-readable form; replacing the model it wrote needs --force
    code = main(['train', str(data), '--out', str(out), '--backbone', 'tiny_test', '--epochs', '2',
                 '--freeze-depth', 'all', '-q', '--force'])
    assert code == 0
    text = capsys.readouterr().out
    assert text.startswith(f'Replaced {out}') and '3 classes' in text


def test_train_on_a_project_records_the_run_in_it(tmp_path, capsys):
    """`petcognizer train PROJECT --out M` is a run of the project, as one trained in the window."""
    data = tmp_path / 'photos'
    for name, colour in COLOURS.items():
        for i in range(3):
            make_photo(data / name / f'{i}.png', colour, noise_seed=i + len(name))
    project, _ = Project.from_folder(data, tmp_path / 'proj')
    out = tmp_path / 'm.safetensors'
    code = main(['train', str(project.root), '--out', str(out), '--backbone', 'tiny_test',
                 '--epochs', '3', '--no-prior', '--json', '-q'])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    runs = Project.open(project.root).runs
    assert [r.id for r in runs] == [summary['run']]
    run = runs[0]
    assert run.model_path == f'runs/{run.id}/model.safetensors'
    assert run.n_train == summary['n_train'] == 9 and run.config['epochs'] == 3
    assert out.read_bytes() == (project.root / run.model_path).read_bytes()
    assert summary['model'] == str(out) and summary['classes'] == run.classes
    # the window's copy of the project sees it without reopening
    assert project.reload_runs() and [r.id for r in project.runs] == [run.id]
    # the text summary says where the run went
    assert main(['train', str(project.root), '--out', str(out), '--backbone', 'tiny_test',
                 '--epochs', '2', '--no-prior', '-q', '--force']) == 0
    text = capsys.readouterr().out
    second = Project.open(project.root).runs[-1]
    assert text.startswith(f'Replaced {out}') and f'Recorded as run {second.id}' in text
    assert len(Project.open(project.root).runs) == 2


def test_eval_json_and_csv(trained, tmp_path, capsys):
    data, model = trained
    csv_path = tmp_path / 'metrics.csv'
    assert main(['eval', str(model), str(data), '--json', '--csv', str(csv_path)]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep['accuracy'] == 1.0 and rep['n'] == 18
    assert set(rep['per_class']) == {'red', 'green', 'blue'}
    assert all(set(m) >= {'precision', 'recall', 'f1', 'support'} for m in rep['per_class'].values())
    assert rep['confusion'] == [[6, 0, 0], [0, 6, 0], [0, 0, 6]]
    rows = list(csv.reader(csv_path.open(encoding='utf-8')))
    assert rows[0] == ['class', 'precision', 'recall', 'f1', 'support']
    assert sorted(r[0] for r in rows[1:]) == ['blue', 'green', 'red']
    assert all(float(r[3]) == 1.0 and r[4] == '6' for r in rows[1:])


def test_eval_text(trained, capsys):
    data, model = trained
    assert main(['eval', str(model), str(data), '-q']) == 0
    out = capsys.readouterr().out
    assert 'Accuracy: 100.00% on 18 photos' in out and 'Confusion' in out


def test_predict_json_lines(trained, capsys):
    data, model = trained
    files = [data / 'red' / 'red0.png', data / 'blue' / 'blue3.png']
    assert main(['predict', str(model), *map(str, files), '--json', '--top-k', '2']) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    objs = [json.loads(ln) for ln in lines]
    assert [o['path'] for o in objs] == [str(f) for f in files]
    assert [o['label'] for o in objs] == ['red', 'blue']
    for o in objs:
        assert len(o['probabilities']) == 2 and o['label'] in o['probabilities']
        assert max(o['probabilities'].values()) == o['probabilities'][o['label']]
        assert 'error' not in o


def test_predict_folder_text_and_bad_files(trained, tmp_path, capsys):
    data, model = trained
    bad = tmp_path / 'bad.png'
    bad.write_bytes(b'not a png')
    # the others are classified and printed; the unreadable one makes the exit status 1
    assert main(['predict', str(model), str(data / 'green'), str(bad), '-q']) == 1
    captured = capsys.readouterr()
    out = captured.out.strip().splitlines()
    assert len(out) == 7
    assert all(': green (' in ln for ln in out[:6])
    assert out[6].startswith(f'{bad}: ERROR ')
    assert '1 of 7 photos could not be read' in one_error_line(captured.err)
    # every file failing is a failure
    assert main(['predict', str(model), str(bad), '--json']) == 1
    obj = json.loads(capsys.readouterr().out)
    assert obj['label'] is None and obj['error']


def test_predict_nothing_found_is_an_error(trained, tmp_path, capsys):
    _, model = trained
    (tmp_path / 'empty').mkdir()
    assert main(['predict', str(model), str(tmp_path / 'empty')]) == 1
    assert 'no photos found' in one_error_line(capsys.readouterr().err)


@pytest.mark.parametrize('fmt,suffix', [('safetensors', '.safetensors'), ('torchscript', '.pt'),
                                        ('onnx', '.onnx')])
def test_export(trained, tmp_path, capsys, fmt, suffix):
    if fmt == 'onnx':
        pytest.importorskip('onnx')
    _, model = trained
    assert main(['export', str(model), '--out', str(tmp_path / 'exported'), '--format', fmt]) == 0
    out = capsys.readouterr().out
    dest = tmp_path / f'exported{suffix}'
    assert dest.is_file() and f'Exported {dest}' in out and 'How to use it' in out


def test_backbones_json(capsys):
    assert main(['backbones', '--json']) == 0
    info = json.loads(capsys.readouterr().out)
    rows = {r['name']: r for r in info['backbones']}
    assert rows['efficientnet_lite0']['usable'] is True
    assert rows['resnet18']['usable'] is False and 'needs a download' in rows['resnet18']['status']
    assert 'tiny_test' not in rows
    assert main(['backbones', '--json', '--all']) == 0
    assert 'tiny_test' in {r['name'] for r in json.loads(capsys.readouterr().out)['backbones']}
    assert main(['backbones']) == 0
    assert 'efficientnet_lite0' in capsys.readouterr().out


def test_import_wrong_weights_file(tmp_path, capsys):
    f = tmp_path / 'weights.pth'
    f.write_bytes(b'\x00' * 100)
    assert main(['backbones', '--import-weights', str(f)]) == 1
    line = one_error_line(capsys.readouterr().err)
    assert 'not a weights file petcognizer knows' in line
    assert main(['backbones', '--import-weights', str(tmp_path / 'absent.pth')]) == 1
    assert 'no such file' in one_error_line(capsys.readouterr().err)


def test_import_weights_with_a_known_name_but_wrong_content(tmp_path, capsys):
    from petcognizer.core.backbones import get_backbone

    name = get_backbone('resnet18').weights_filename
    f = tmp_path / name
    f.write_bytes(b'fake weights')
    assert main(['backbones', '--import-weights', str(f)]) == 1
    assert 'SHA-256 does not match' in one_error_line(capsys.readouterr().err)


def test_train_on_a_missing_folder(tmp_path, capsys):
    code = main(['train', str(tmp_path / 'nowhere'), '--out', str(tmp_path / 'm'), '--backbone',
                 'tiny_test'])
    assert code == 1
    assert 'no such folder' in one_error_line(capsys.readouterr().err)
    assert not (tmp_path / 'm').exists()


def test_train_on_a_folder_without_photos(tmp_path, capsys):
    (tmp_path / 'data' / 'cats').mkdir(parents=True)
    (tmp_path / 'data' / 'cats' / 'readme.txt').write_text('hi')
    assert main(['train', str(tmp_path / 'data'), '--out', str(tmp_path / 'm'),
                 '--backbone', 'tiny_test']) == 1
    assert 'no photos found' in one_error_line(capsys.readouterr().err)


def test_train_with_one_class(tmp_path, capsys):
    make_photo(tmp_path / 'data' / 'cats' / 'a.png')
    make_photo(tmp_path / 'data' / 'cats' / 'b.png', noise_seed=1)
    assert main(['train', str(tmp_path / 'data'), '--out', str(tmp_path / 'm'),
                 '--backbone', 'tiny_test', '-q']) == 1
    assert 'two classes' in one_error_line(capsys.readouterr().err)


def test_unknown_backbone_and_bad_freeze_depth(trained, tmp_path, capsys):
    data, _ = trained
    assert main(['train', str(data), '--out', str(tmp_path / 'm'), '--backbone', 'nonet']) == 1
    line = one_error_line(capsys.readouterr().err)
    assert "unknown backbone 'nonet'" in line and 'efficientnet_lite0' in line
    assert main(['train', str(data), '--out', str(tmp_path / 'm'), '--backbone', 'tiny_test',
                 '--freeze-depth', 'lots']) == 1
    assert 'freeze depth' in one_error_line(capsys.readouterr().err)


def test_predict_with_a_non_model_file(trained, tmp_path, capsys):
    data, _ = trained
    fake = tmp_path / 'fake.safetensors'
    fake.write_text('I am not a model')
    assert main(['predict', str(fake), str(data / 'red' / 'red0.png')]) == 1
    assert 'not a petcognizer model file' in one_error_line(capsys.readouterr().err)
    assert main(['eval', str(fake), str(data)]) == 1
    one_error_line(capsys.readouterr().err)
    assert main(['export', str(fake), '--out', str(tmp_path / 'x')]) == 1
    one_error_line(capsys.readouterr().err)


def test_debug_reraises(trained, tmp_path):
    data, _ = trained
    fake = tmp_path / 'fake.safetensors'
    fake.write_text('I am not a model')
    with pytest.raises(ModelFileError):
        main(['--debug', 'predict', str(fake), str(data / 'red' / 'red0.png')])
    with pytest.raises(ModelFileError):
        main(['predict', '--debug', str(fake), str(data / 'red' / 'red0.png')])


def test_similar(trained, tmp_path, capsys):
    from petcognizer.core.project import Project

    data, _ = trained
    project = Project.create(tmp_path / 'proj', classes=['red', 'green'])
    project.add_files(sorted((data / 'red').iterdir()), 'red')
    project.add_files(sorted((data / 'green').iterdir()), 'green')
    # the CLI uses the default (bundled) backbone: keep the project tiny
    query = project.images('red')[0]
    assert main(['similar', str(project.root), str(query), '-k', '3', '--json', '-q']) == 0
    rows = [json.loads(ln) for ln in capsys.readouterr().out.strip().splitlines()]
    assert len(rows) == 3
    assert all(r['path'] != str(query) for r in rows)
    sims = [r['similarity'] for r in rows]
    assert sims == sorted(sims, reverse=True)
    assert all('/red/' in r['path'] for r in rows), rows  # same colour first
