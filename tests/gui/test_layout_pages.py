"""Every page of the window, at 1024x700, 1920x1080 and 200%: no clipped, elided or overlapping text.

The window shows a real project with a recorded run (the random-weight
``tiny_test`` backbone); Predict shows results from a fake engine job (a
sure answer, an unsure one, a photo that is none of the classes, an
unreadable file). ``tests/gui/layoutcheck.py`` walks every visible label,
button, field and tab. The 200% case runs in a child process with
``QT_SCALE_FACTOR=2`` (Qt reads it once, at start), on the same project.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from layoutcheck import check_layout, with_results


SIZES = [(1024, 700), (1920, 1080)]
HERE = Path(__file__).resolve().parent


def settle(qtbot, ms: int = 50) -> None:
    qtbot.wait(ms)


def size_problem(window, size) -> list[str]:
    """The window must take the size: a page whose minimum is larger pushes it past the screen."""
    got = (window.width(), window.height())
    return [] if got == tuple(size) else [f'the window is {got[0]}x{got[1]}, not {size[0]}x{size[1]}']


def page_problems(window, qtbot, size) -> dict[str, list[str]]:
    """Problems of each page of ``window`` at ``size``."""
    window.resize(*size)
    found: dict[str, list[str]] = {}
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        settle(qtbot)
        found[window.tabs.tabText(index)] = check_layout(window) + size_problem(window, size)
    return found


@pytest.fixture
def window(app_style, layout_window):
    return layout_window


def test_start_page_at_both_sizes(qtbot, window):
    window.pages.setCurrentWidget(window.start_page)
    for size in SIZES:
        window.resize(*size)
        settle(qtbot)
        assert check_layout(window) + size_problem(window, size) == [], f'start page at {size}'


@pytest.mark.parametrize('size', SIZES, ids=['1024x700', '1920x1080'])
def test_every_page_with_a_project_a_run_and_predictions(qtbot, window, trained, tmp_path, make_solid_photo, size):
    project, _record = trained
    with_results(qtbot, window, project, tmp_path, make_solid_photo)
    found = page_problems(window, qtbot, size)
    assert set(found) == {'Data', 'Train', 'Predict'}
    report = '\n'.join(f'{page}: {p}' for page, problems in found.items() for p in problems)
    assert not report, report


CHILD = r'''
import json, os, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from layoutcheck import check_layout, fake_predictions
from petcognizer.gui.app import create_app
from petcognizer.gui.main_window import MainWindow
from petcognizer.gui.prediction_rows import Prediction, thumbnail
from PySide6.QtWidgets import QApplication

app = create_app([])
win = MainWindow()
win.interactive = False
win.resize(1024, 700)
win.show()
out = {'dpr': win.devicePixelRatioF()}
win.pages.setCurrentWidget(win.start_page)
for _ in range(5):
    app.processEvents()
out['Start'] = check_layout(win)
assert win.open_project(sys.argv[2])
page = win.predict_page
preds = [Prediction.from_dict(d) for d in fake_predictions([sys.argv[3]])]
page._add_results(preds, [None if p.error else thumbnail(Path(p.path), dpr=2) for p in preds])
for index in range(win.tabs.count()):
    win.tabs.setCurrentIndex(index)
    for _ in range(5):
        app.processEvents()
    out[win.tabs.tabText(index)] = check_layout(win)
win.shutdown(5000)
print('RESULT ' + json.dumps(out))
'''


def test_every_page_at_200_percent(trained, tmp_path, make_solid_photo):
    project, _record = trained
    new = tmp_path / 'new photos'
    for i in range(7):
        make_solid_photo(new / f'photo_{i}.png', (200, 60, 60), seed=i)
    env = {**os.environ, 'QT_SCALE_FACTOR': '2', 'QT_QPA_PLATFORM': 'offscreen'}
    proc = subprocess.run([sys.executable, '-c', CHILD, str(HERE), str(project.root), str(new)],
                          check=False, capture_output=True, text=True, timeout=120, env=env)
    lines = [line for line in proc.stdout.splitlines() if line.startswith('RESULT ')]
    assert proc.returncode == 0 and lines, proc.stderr[-3000:]
    found = json.loads(lines[-1][len('RESULT '):])
    assert found.pop('dpr') == pytest.approx(2.0)
    assert set(found) == {'Start', 'Data', 'Train', 'Predict'}
    report = '\n'.join(f'{page}: {p}' for page, problems in found.items() for p in problems)
    assert not report, report


def test_predict_page_while_it_classifies(qtbot, window, trained, engine_jobs, tmp_path, make_solid_photo):
    """The busy Predict page (progress, Stop) fits at both sizes too."""
    import threading

    from layoutcheck import fake_predictions

    project, _record = trained
    go = threading.Event()

    def slow_predict(callback, cancel, *, paths, **kw):
        while not go.wait(0.02):
            if cancel.cancelled:
                break
        return fake_predictions(paths)

    engine_jobs['predict'] = slow_predict
    assert window.open_project(project.root)
    window.tabs.setCurrentWidget(window.predict_page)
    photo = make_solid_photo(tmp_path / 'new' / 'a.png', (200, 60, 60))
    assert window.predict_page.predict([photo])
    try:
        assert window.predict_page.stop_button.isVisibleTo(window)
        for size in SIZES:
            window.resize(*size)
            settle(qtbot)
            assert check_layout(window) + size_problem(window, size) == [], f'busy Predict page at {size}'
    finally:
        go.set()
    qtbot.waitUntil(lambda: not window.predict_page.is_busy(), timeout=10000)
