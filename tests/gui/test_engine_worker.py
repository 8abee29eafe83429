"""EngineWorker: Worker's signals and order, on the GUI thread, for jobs run in the engine process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QThread, Slot

from petcognizer.core.events import Message, StageProgress
from petcognizer.engine.client import EngineClient
from petcognizer.engine.protocol import TEST_JOBS_ENV
from petcognizer.gui import engine as gui_engine
from petcognizer.gui.engine import CANCELLED_MESSAGE, EngineWorker, running_engine_workers

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope='module')
def client(tmp_path_factory):
    """One engine with the test jobs for the module (a spawn start costs a second or more)."""
    base = tmp_path_factory.mktemp('engine_user')
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(TEST_JOBS_ENV, '1')
        mp.setenv('PETCOGNIZER_CONFIG', str(base / 'settings.json'))
        mp.setenv('PETCOGNIZER_CACHE', str(base / 'cache'))
        c = EngineClient()
        c.start()
        yield c
        c.shutdown()


class _RecorderObject(QObject):
    """Records every signal of a worker, with the thread each slot ran on."""

    def __init__(self, worker: EngineWorker) -> None:
        super().__init__()
        self.seen: list = []
        self.threads: set = set()
        worker.started.connect(self._on_started)
        worker.progressed.connect(self._on_progressed)
        worker.returned.connect(self._on_returned)
        worker.errored.connect(self._on_errored)
        worker.finished.connect(self._on_finished)

    def _record(self, item) -> None:
        self.threads.add(QThread.currentThread())
        self.seen.append(item)

    @Slot()
    def _on_started(self) -> None:
        self._record('started')

    @Slot(object)
    def _on_progressed(self, event) -> None:
        self._record(event)

    @Slot(object)
    def _on_returned(self, result) -> None:
        self._record(('returned', result))

    @Slot(str)
    def _on_errored(self, message: str) -> None:
        self._record(('errored', message))

    @Slot()
    def _on_finished(self) -> None:
        self._record('finished')

    @property
    def ends(self) -> list:
        return [s for s in self.seen if not isinstance(s, (StageProgress, Message))]


def _run(qtbot, worker: EngineWorker, timeout: int = 30000) -> _RecorderObject:
    rec = _RecorderObject(worker)
    with qtbot.waitSignal(worker.finished, timeout=timeout):
        worker.start()
    qtbot.waitUntil(lambda: worker not in running_engine_workers(), timeout=5000)
    return rec


def test_signals_come_in_order_on_the_gui_thread(qtbot, client):
    worker = EngineWorker('count', client=client, n=5, stage='features', max_rate=0)
    rec = _run(qtbot, worker)
    assert rec.seen == ['started'] + [StageProgress('features', i, 5, text=f'features {i} of 5')
                                       for i in range(1, 6)] + [('returned', 5), 'finished']
    assert rec.threads == {QThread.currentThread()}
    assert worker.result == 5 and worker.is_done and not worker.is_running()
    assert worker.wait(0)


def test_stage_progress_is_throttled_but_the_last_one_passes(qtbot, client):
    worker = EngineWorker('count', client=client, n=2000, stage='features')
    rec = _run(qtbot, worker)
    progress = [e for e in rec.seen if isinstance(e, StageProgress)]
    assert 1 <= len(progress) < 2000
    assert progress[-1].done == progress[-1].total == 2000
    assert rec.ends == ['started', ('returned', 2000), 'finished']


def test_an_exception_becomes_errored_with_a_readable_message(qtbot, client):
    worker = EngineWorker('fail', client=client, message='the photo folder is empty')
    rec = _run(qtbot, worker)
    assert rec.ends == ['started', ('errored', 'the photo folder is empty'), 'finished']
    assert worker.error_message == 'the photo folder is empty' and not worker.was_cancelled


def test_arguments_that_are_not_plain_data_are_an_error_not_a_crash(qtbot, client):
    worker = EngineWorker('echo', client=client, path=Path('photo.png'))
    rec = _run(qtbot, worker)
    assert rec.ends[0] == 'started' and rec.ends[-1] == 'finished' and len(rec.ends) == 3
    kind, message = rec.ends[1]
    assert kind == 'errored' and "Could not start the engine job 'echo'" in message and 'not plain data' in message


def test_cancel_stops_the_job_within_a_moment(qtbot, client):
    worker = EngineWorker('count', client=client, n=100_000, delay=0.005)
    rec = _RecorderObject(worker)
    with qtbot.waitSignal(worker.progressed, timeout=30000):
        worker.start()
    assert worker.is_running()
    t0 = time.monotonic()
    with qtbot.waitSignal(worker.finished, timeout=5000):
        worker.cancel()
    assert time.monotonic() - t0 < 1.0
    assert rec.ends == ['started', ('errored', CANCELLED_MESSAGE), 'finished']
    assert worker.was_cancelled and worker.cancelled


def test_cancel_before_start_cancels_at_once(qtbot, client):
    worker = EngineWorker('count', client=client, n=100_000, delay=0.005)
    worker.cancel()
    rec = _run(qtbot, worker, timeout=10000)
    assert rec.ends == ['started', ('errored', CANCELLED_MESSAGE), 'finished']


def test_wait_blocks_until_the_job_has_ended(qtbot, client):
    worker = EngineWorker('count', client=client, n=20, delay=0.01)
    assert worker.wait(0)  # never started: nothing to wait for
    rec = _RecorderObject(worker)
    worker.start()
    assert worker.is_running()
    assert worker.wait(10000) and worker.is_done
    qtbot.waitUntil(lambda: 'finished' in rec.seen, timeout=5000)  # queued, delivered by the event loop
    assert rec.ends == ['started', ('returned', 20), 'finished']
    with pytest.raises(RuntimeError, match='already started'):
        worker.start()


def test_a_killed_engine_gives_one_error_and_the_next_job_a_new_engine(qtbot, client):
    worker = EngineWorker('count', client=client, n=100_000, delay=0.005)
    rec = _RecorderObject(worker)
    with qtbot.waitSignal(worker.progressed, timeout=30000):
        worker.start()
    old_pid = client.pid
    with qtbot.waitSignal(worker.finished, timeout=10000):
        os.kill(old_pid, signal.SIGKILL)
    errors = [s for s in rec.ends if isinstance(s, tuple)]
    assert len(errors) == 1 and errors[0][0] == 'errored'
    assert errors[0][1].startswith('The engine process stopped unexpectedly (killed (SIGKILL)')
    assert rec.ends[-1] == 'finished' and rec.ends.count('finished') == 1
    again = EngineWorker('echo', client=client, after='death')
    rec2 = _run(qtbot, again)
    assert rec2.ends[1][0] == 'returned'
    assert again.result['pid'] not in (old_pid, None) and again.result['pid'] == client.pid


def test_the_shared_engine(qtbot, monkeypatch):
    """engine_client() is shared and starts on first use; engine_pid() and shutdown_engine() follow it."""
    gui_engine.shutdown_engine()
    monkeypatch.setenv(TEST_JOBS_ENV, '1')
    assert gui_engine.engine_client() is gui_engine.engine_client()
    warm = gui_engine.warm_up()
    assert warm.wait(240) and warm.outcome == 'done'
    pid = gui_engine.engine_pid()
    assert pid is not None and pid != os.getpid()
    worker = EngineWorker('echo')
    _run(qtbot, worker)
    assert worker.result['pid'] == pid
    assert gui_engine.shutdown_engine() and gui_engine.engine_pid() is None


def test_the_window_side_imports_no_torch():
    """petcognizer.gui.engine and the client load neither torch nor the job code, even after a job."""
    code = textwrap.dedent('''
        import sys
        from PySide6.QtCore import QCoreApplication, QTimer
        from petcognizer.gui.engine import EngineWorker, shutdown_engine
        if __name__ == '__main__':
            app = QCoreApplication([])
            worker = EngineWorker('count', n=3)
            worker.finished.connect(app.quit)
            QTimer.singleShot(0, worker.start)
            QTimer.singleShot(60000, app.quit)
            app.exec()
            shutdown_engine()
            loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'timm', 'torchvision')
                            or m in ('petcognizer.engine.jobs', 'petcognizer.engine.server'))
            print(worker.result, loaded)
    ''')
    env = dict(os.environ, **{TEST_JOBS_ENV: '1', 'QT_QPA_PLATFORM': 'offscreen'})
    out = subprocess.run([sys.executable, '-c', code], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == '3 []', out.stdout + out.stderr
