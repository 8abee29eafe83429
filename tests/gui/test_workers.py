"""Worker threads: order of signals, errors, cancel, no thread left behind."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QObject, QThread, Slot

from petcognizer.core.events import BatchEnded, Cancelled, RunEnded, StageProgress
from petcognizer.gui.workers import Worker, running_threads, start_worker


class _RecorderObject(QObject):
    """Receives worker signals on the GUI thread and records where they ran."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list = []
        self.threads: set = set()

    @Slot(object)
    def _on_progressed(self, value) -> None:
        self.threads.add(QThread.currentThread())
        self.seen.append(value)


def _counting_job(n):
    def job(emit, cancel):
        for i in range(n):
            emit(BatchEnded(0, i, n, loss=1.0 / (i + 1), images_per_s=10.0, eta_s=0.0))
        emit(RunEnded(cancelled=False, best_epoch=0, best_val_acc=1.0, seconds=0.0))
        return 'done'

    return job


def test_events_reach_gui_thread_in_order(qtbot):
    worker = Worker(_counting_job(50))
    rec = _RecorderObject()
    worker.progressed.connect(rec._on_progressed)
    order = []
    worker.started.connect(lambda: order.append('started'))
    worker.returned.connect(lambda r: order.append(('returned', r)))
    worker.finished.connect(lambda: order.append('finished'))
    with qtbot.waitSignal(worker.finished, timeout=5000):
        thread = start_worker(worker)
        assert isinstance(thread, QThread)
    qtbot.waitUntil(lambda: not running_threads(), timeout=5000)
    assert [e.step for e in rec.seen if isinstance(e, BatchEnded)] == list(range(50))
    assert isinstance(rec.seen[-1], RunEnded)
    assert rec.threads == {QThread.currentThread()}
    assert order == ['started', ('returned', 'done'), 'finished']
    assert worker.result == 'done'


def test_error_is_reported_then_finished(qtbot):
    def job(emit, cancel):
        raise ValueError('the photo folder is empty')

    worker = Worker(job)
    order = []
    worker.errored.connect(lambda exc: order.append(('errored', str(exc))))
    worker.returned.connect(lambda r: order.append('returned'))
    worker.finished.connect(lambda: order.append('finished'))
    with qtbot.waitSignal(worker.finished, timeout=5000):
        start_worker(worker)
    assert order == [('errored', 'the photo folder is empty'), 'finished']
    assert 'ValueError: the photo folder is empty' in worker.error_message


def test_cancel_stops_job_between_steps(qtbot):
    step_done = threading.Event()
    may_go_on = threading.Event()
    steps = []

    def job(emit, cancel):
        for i in range(1000):
            if cancel.cancelled:
                return ('cancelled', i)
            steps.append(i)
            if i == 2:
                step_done.set()
                may_go_on.wait(5)
        return ('complete', 1000)

    worker = Worker(job)
    with qtbot.waitSignal(worker.returned, timeout=5000) as blocker:
        start_worker(worker)
        assert step_done.wait(5)
        worker.cancel()
        may_go_on.set()
    assert blocker.args == [('cancelled', 3)]
    assert steps == [0, 1, 2]
    assert worker.cancelled


def test_cancelled_exception_is_errored(qtbot):
    def job(emit, cancel):
        cancel.cancel()
        cancel.raise_if_cancelled()

    worker = Worker(job)
    with qtbot.waitSignal(worker.errored, timeout=5000) as blocker:
        start_worker(worker)
    assert isinstance(blocker.args[0], Cancelled)
    qtbot.waitUntil(lambda: worker.is_done, timeout=5000)


def test_stage_progress_is_throttled_but_last_passes(qtbot):
    def job(emit, cancel):
        for i in range(1, 2001):
            emit(StageProgress('weights', i, 2000, text='Downloading'))
        return None

    worker = Worker(job, max_rate=30)
    rec = _RecorderObject()
    worker.progressed.connect(rec._on_progressed)
    with qtbot.waitSignal(worker.finished, timeout=5000):
        start_worker(worker)
    qtbot.waitUntil(lambda: bool(rec.seen) and rec.seen[-1].done == 2000, timeout=5000)
    assert len(rec.seen) < 200
    assert rec.seen[0].done == 1


@pytest.mark.parametrize('n', [1, 3])
def test_no_thread_left_running(qtbot, n):
    workers = [Worker(_counting_job(3)) for _ in range(n)]
    with qtbot.waitSignals([w.finished for w in workers], timeout=5000):
        for w in workers:
            start_worker(w)
    qtbot.waitUntil(lambda: not running_threads(), timeout=5000)


def test_emit_keeps_refcount_of_true(qtbot):
    """PySide6 6.12.0 on Python < 3.12 lost a reference to True per emit (see fix_emit_refcount)."""
    import sys

    from PySide6.QtCore import Signal

    class _EmitterObject(QObject):
        fired = Signal(object)

    obj = _EmitterObject()
    before = sys.getrefcount(True)
    for i in range(3000):
        obj.fired.emit(i)
    assert abs(sys.getrefcount(True) - before) < 10  # the bug lost 3000
