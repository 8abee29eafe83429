"""GUI test fixtures: a thread-leak guard, engine jobs in the test process, photos.

The leak guard follows napari's ``_dangling_qthreads``: a test that leaves a
worker thread running would crash or hang a later test at random, so it fails
here, at the test that caused it.

Engine jobs: unless a test asks for the ``real_engine`` fixture, every
:class:`~petcognizer.gui.engine.EngineWorker` the pages create is an
:class:`InProcessEngineWorker`: the same job function of
:mod:`petcognizer.engine.jobs` (or a fake a test registers in ``engine_jobs``),
run on a worker thread of the test process, with the same signals and messages.
Only the process boundary is left out; the tests that need it (the first-user
flow, an engine killed mid-run) use the real engine.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any, ClassVar

import pytest
from PySide6.QtCore import QCoreApplication, QObject, Signal

from petcognizer.core.config import TrainConfig
from petcognizer.core.events import Cancelled
from petcognizer.engine import jobs as engine_jobs_module
from petcognizer.gui import (
    data_assist,
    doctor_panel,
    export_dialog,
    heatmap_view,
    predict_page,
    train_advice,
    train_page,
    train_settings,
)
from petcognizer.gui.engine import CANCELLED_MESSAGE, running_engine_workers
from petcognizer.gui.workers import Worker, running_threads, start_worker, started_at

os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')

#: Modules that create EngineWorkers (each imported the name itself).
ENGINE_USERS = (data_assist, doctor_panel, export_dialog, heatmap_view, predict_page, train_advice, train_page,
                train_settings)


class InProcessEngineWorker(QObject):
    """An EngineWorker whose job runs on a thread here: same signals, same messages."""

    started = Signal()
    progressed = Signal(object)
    returned = Signal(object)
    errored = Signal(str)
    finished = Signal()

    #: job name -> ``job(callback, cancel, **kwargs)`` used instead of the engine's.
    overrides: ClassVar[dict[str, Callable[..., Any]]] = {}

    def __init__(self, job_name: str, /, **kwargs: Any) -> None:
        super().__init__()
        self.job_name = job_name
        self.kwargs = kwargs
        func = self.overrides.get(job_name)
        if func is None:
            func = engine_jobs_module.get_job(job_name).func
        self._inner = Worker(lambda callback, cancel: func(callback, cancel, **kwargs))
        self._inner.started.connect(self.started)
        self._inner.progressed.connect(self.progressed)
        self._inner.returned.connect(self.returned)
        self._inner.errored.connect(self._on_errored)
        self._inner.finished.connect(self.finished)
        self._thread = None
        self.was_cancelled = False

    def _on_errored(self, exc: BaseException) -> None:
        self.was_cancelled = isinstance(exc, Cancelled)
        self.errored.emit(CANCELLED_MESSAGE if self.was_cancelled else str(exc))

    @property
    def result(self) -> Any:
        return self._inner.result

    def start(self) -> None:
        self._thread = start_worker(self._inner)

    def cancel(self) -> None:
        self._inner.cancel()

    @property
    def cancelled(self) -> bool:
        return self._inner.cancelled

    def is_running(self) -> bool:
        return self._thread is not None and not self._inner.is_done

    def wait(self, timeout_ms: int = 10000) -> bool:
        if self._thread is None:
            return True
        try:
            return bool(self._thread.wait(timeout_ms))
        except RuntimeError:  # deleted: it has stopped
            return True


@pytest.fixture(autouse=True)
def _english_window(monkeypatch):
    """The window in English whatever the machine's locale (tests find widgets by their English text).

    ``app.run()`` and child processes read ``PETCOGNIZER_LANG``; the translation tests
    install their translators themselves and take them out again.
    """
    from petcognizer.gui.i18n import remove_translators

    monkeypatch.setenv('PETCOGNIZER_LANG', 'en')
    yield
    remove_translators()


@pytest.fixture(autouse=True)
def _no_photo_advice(request, monkeypatch):
    """The Train page's look at the photos (a real backbone) only where a test asks for it
    with the ``photo_advice`` fixture."""
    if 'photo_advice' not in request.fixturenames:
        monkeypatch.setattr(train_advice.PhotoAdvisor, 'ENABLED', False)
    yield


@pytest.fixture
def photo_advice():
    """Let the Train page look at the photos (engine job 'recommend')."""
    yield


@pytest.fixture
def real_engine():
    """Use the real engine process in this test (no InProcessEngineWorker)."""
    yield


@pytest.fixture(autouse=True)
def engine_jobs(request, monkeypatch):
    """Run engine jobs in the test process; a test may put fakes in the returned dict."""
    overrides: dict[str, Callable[..., Any]] = {}
    if 'real_engine' in request.fixturenames:
        yield overrides
        return
    monkeypatch.setattr(InProcessEngineWorker, 'overrides', overrides)
    for module in ENGINE_USERS:
        monkeypatch.setattr(module, 'EngineWorker', InProcessEngineWorker)
    yield overrides


@pytest.fixture(autouse=True)
def _dangling_worker_threads():
    """Fail a test that leaves a thread from ``start_worker`` (or an engine job) running."""
    yield
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
    for worker in running_engine_workers():
        while not worker.wait(20) and time.monotonic() < deadline:
            if app is not None:
                app.processEvents()
        if not worker.is_done:
            still.append(f'{worker!r} (an engine job)')
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
    from petcognizer.gui import train_settings

    cache = dict(train_settings.STAGE_PARAMS_CACHE)
    # Counts for EfficientNet-Lite0 (stem, block1..7, head_conv), measured once.
    cache.setdefault(
        'efficientnet_lite0',
        (928, 896, 13968, 39712, 198480, 446784, 1652640, 605440, 412160),
    )
    monkeypatch.setattr(train_settings, 'STAGE_PARAMS_CACHE', cache)
    yield


@pytest.fixture
def trained(tiny_project):
    """``tiny_project`` with one recorded run of the random-weight ``tiny_test`` backbone."""
    # imported here, not at the top: the run service imports torch, and a GUI test
    # process must be able to show that the window itself never does
    from petcognizer.core import service

    cfg = TrainConfig(backbone='tiny_test', epochs=3, batch_size=6, val_fraction=0.0,
                      use_prior=False, patience=0)
    record = service.train_project(tiny_project, cfg)
    assert record.model_path
    return tiny_project, record


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


@pytest.fixture
def app_style(qapp):
    """The app's own look (Fusion, palette, font, style sheet) as the user sees it; put back afterwards."""
    from PySide6.QtWidgets import QStyleFactory

    from petcognizer.gui.style import apply_style

    before = (qapp.style().name(), qapp.palette(), qapp.font(), qapp.styleSheet())
    apply_style(qapp)
    yield
    name, palette, font, sheet = before
    qapp.setStyleSheet(sheet)
    qapp.setStyle(QStyleFactory.create(name))
    qapp.setPalette(palette)
    qapp.setFont(font)


@pytest.fixture(params=['ru', 'zh_CN'])
def translated(request, qapp):
    """The window's translators for Russian, then Simplified Chinese (as ``petcognizer gui`` installs them)."""
    from petcognizer.gui import i18n

    assert i18n.install_translators(request.param, qapp)
    yield request.param
    i18n.remove_translators(qapp)


@pytest.fixture
def layout_window(qtbot, trained, engine_jobs):
    """A shown 1024x700 main window whose Predict job answers with every kind of result.

    Request ``translated`` or ``app_style`` before it for a translated or styled window.
    """
    from layoutcheck import fake_predictions, shown_main_window

    engine_jobs['predict'] = lambda callback, cancel, *, paths, **kw: fake_predictions(paths)
    win = shown_main_window(qtbot, (1024, 700))
    yield win
    win.shutdown(5000)


@pytest.fixture
def open_train_page(qtbot):
    """``open_train_page(project, **kwargs)``: a shown 1024x700 TrainPage on ``project``."""
    from petcognizer.gui.train_page import TrainPage

    def open_(project, **kwargs):
        page = TrainPage(**kwargs)
        qtbot.addWidget(page)
        page.set_project(project)
        page.resize(1024, 700)
        page.show()
        qtbot.waitExposed(page)
        return page
    return open_
