"""``petcognizer doctor DATA [--json]`` on a folder of class folders and on a project."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from petcognizer.cli.doctor import HEADINGS
from PIL import Image

from petcognizer.cli import main
from petcognizer.core.doctor import KINDS
from petcognizer.core.project import Project

COLOURS = {'red': (200, 60, 60), 'green': (60, 190, 70), 'blue': (60, 70, 200)}


@pytest.fixture(scope='module')
def folder(tmp_path_factory):
    """12 patterned photos a class, a red one in green/ and a resized JPEG copy in blue/."""
    root = tmp_path_factory.mktemp('cli_doctor') / 'photos'
    for k, (c, colour) in enumerate(COLOURS.items()):
        for i in range(12):
            rng = np.random.default_rng(100 * k + i)
            blocks = np.clip(np.array(colour)[None, None] + rng.integers(-90, 90, (6, 6, 3)), 0, 255)
            (root / c).mkdir(parents=True, exist_ok=True)
            Image.fromarray(blocks.astype(np.uint8)).resize((64, 64), Image.NEAREST).save(
                root / c / f'{c}{i:02d}.png')
    shutil.copyfile(root / 'red' / 'red07.png', root / 'green' / 'oops.png')
    (root / 'red' / 'red07.png').unlink()
    with Image.open(root / 'blue' / 'blue03.png') as im:
        im.convert('RGB').resize((51, 51), Image.BILINEAR).save(root / 'blue' / 'blue03 small.jpg',
                                                                 quality=70)
    return root


def test_every_kind_has_a_heading():
    assert set(HEADINGS) == set(KINDS)


def test_text_report_lists_findings_by_kind_with_photos_and_fix(folder, capsys):
    assert main(['doctor', str(folder), '--backbone', 'tiny_test', '--quiet']) == 0
    out = capsys.readouterr().out
    assert out.startswith('Checked 37 photos in ')
    assert f'{HEADINGS["near_duplicate"]} (1):' in out
    assert f'{HEADINGS["mislabelled"]} (1):' in out
    assert str(folder / 'green' / 'oops.png') in out
    assert "fix: move 1 photo to the class 'red'" in out
    assert f'fix: delete {folder / "blue" / "blue03 small.jpg"}' in out
    assert out.index(HEADINGS['near_duplicate']) < out.index(HEADINGS['mislabelled'])


def test_json_report(folder, capsys):
    assert main(['doctor', str(folder), '--backbone', 'tiny_test', '--json']) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert set(report) == {'findings', 'n_photos', 'seconds'}
    assert report['n_photos'] == 37
    mislabelled = [f for f in report['findings'] if f['kind'] == 'mislabelled']
    assert [f['fix'] for f in mislabelled] == [
        {'action': 'move', 'paths': [str(folder / 'green' / 'oops.png')], 'to': 'red'}]
    assert captured.err == ''  # --json draws no progress


def test_project_and_clean_data(folder, tmp_path, capsys):
    src = tmp_path / 'src'
    shutil.copytree(folder, src)
    (src / 'green' / 'oops.png').unlink()
    (src / 'blue' / 'blue03 small.jpg').unlink()
    project, _ = Project.from_folder(src, tmp_path / 'project')
    assert main(['doctor', str(project.root), '--backbone', 'tiny_test', '-q']) == 0
    out = capsys.readouterr().out
    assert 'no problems found' in out
    assert (tmp_path / 'project' / '.cache' / 'features').is_dir()  # the project's own cache


def test_missing_folder_is_one_line(tmp_path, capsys):
    assert main(['doctor', str(tmp_path / 'nope')]) == 1
    err = capsys.readouterr().err
    assert err.count('\n') == 1 and 'no such folder' in err and 'subfolder of photos' in err
