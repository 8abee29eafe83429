"""GUI test fixtures: a thread-leak guard and fake core objects.

The leak guard follows napari's ``_dangling_qthreads``: a test that leaves a
worker thread running would crash or hang a later test at random, so it fails
here, at the test that caused it.
"""

from __future__ import annotations

import os
import time

import pytest

os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')


@pytest.fixture(autouse=True)
def _dangling_worker_threads():
    """Fail a test that leaves a thread from ``start_worker`` running."""
    yield
    from PySide6.QtCore import QCoreApplication

    from petcognizer.gui.workers import running_threads, started_at

    app = QCoreApplication.instance()
    deadline = time.monotonic() + 5.0
    still = []
    for thread in running_threads():
        try:
            # Process events while waiting: queued `finished` handlers must run.
            while thread.isRunning() and time.monotonic() < deadline:
                if app is not None:
                    app.processEvents()
                thread.wait(20)
            if thread.isRunning():
                still.append(f'{thread.objectName()} started at\n{started_at(thread)}')
        except RuntimeError:  # deleted C++ object: it has stopped
            continue
    if app is not None:
        app.processEvents()  # let the last queued handlers run before the next test
    if still:
        pytest.fail(
            f'{len(still)} worker thread(s) still running 5 s after the test: '
            f'{chr(10).join(still)}\nWait for the worker\'s `finished` signal '
            '(qtbot.waitSignal(worker.finished)) or call page.shutdown() before '
            'the test ends; a job that never polls its CancelToken cannot be stopped.',
            pytrace=False,
        )


@pytest.fixture(autouse=True)
def _known_stage_params(monkeypatch):
    """Pre-fill the per-stage parameter counts, so no test builds a real backbone."""
    try:
        from petcognizer.gui import train_page
    except ImportError:
        yield
        return
    cache = dict(train_page.STAGE_PARAMS_CACHE)
    # Counts for EfficientNet-Lite0 (stem, block1..7, head_conv), measured once.
    cache.setdefault(
        'efficientnet_lite0',
        (928, 896, 13968, 39712, 198480, 446784, 1652640, 605440, 412160),
    )
    monkeypatch.setattr(train_page, 'STAGE_PARAMS_CACHE', cache)
    yield


@pytest.fixture
def tiny_project(tmp_path):
    """A real project: red/green/blue classes with 6 solid-colour 32 px photos each."""
    from petcognizer.core.project import Project

    project = Project.create(tmp_path / 'project', classes=list(GUI_COLOURS))
    for name, colour in GUI_COLOURS.items():
        photos = [
            solid_photo(tmp_path / 'src' / name / f'{name}_{i}.png', colour, seed=i + 10 * len(name))
            for i in range(6)
        ]
        project.add_files(photos, name)
    return project


GUI_COLOURS = {'red': (220, 40, 40), 'green': (40, 200, 60), 'blue': (40, 60, 220)}


def solid_photo(path, colour, size=32, seed=0):
    """A solid-colour PNG with a few noisy pixels (so files differ)."""
    import random

    from PIL import Image

    rnd = random.Random(seed)
    img = Image.new('RGB', (size, size), colour)
    px = img.load()
    for _ in range(12):
        x, y = rnd.randrange(size), rnd.randrange(size)
        px[x, y] = tuple(min(255, max(0, c + rnd.randint(-30, 30))) for c in colour)
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)
    return path


@pytest.fixture
def make_solid_photo():
    """The :func:`solid_photo` helper, as a fixture (tests/gui is not a package)."""
    return solid_photo
