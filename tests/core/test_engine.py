"""The engine process: jobs round-trip, cancel, concurrency, a killed child, no torch in the parent.

One engine client (one child process) is shared by the module: a spawn start
costs a second or more under load. The tests that kill or stop the child run
last; the next submit starts a new one.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from petcognizer.core.events import Cancelled, CancelToken, Message, StageProgress
from petcognizer.engine import jobs
from petcognizer.engine.client import EngineClient, EngineJobError
from petcognizer.engine.protocol import (
    TEST_JOBS_ENV,
    NotPlainData,
    describe_exit,
    engine_died_message,
    ensure_plain,
    format_error,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope='module')
def engine(tmp_path_factory):
    """One engine with the test jobs, isolated from the user's settings and caches."""
    base = tmp_path_factory.mktemp('engine_user')
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(TEST_JOBS_ENV, '1')
        mp.setenv('PETCOGNIZER_CONFIG', str(base / 'settings.json'))
        mp.setenv('PETCOGNIZER_CACHE', str(base / 'cache'))
        mp.setenv('TORCH_HOME', str(base / 'torch'))
        client = EngineClient()
        client.start()
        yield client
        assert client.shutdown(timeout=10)


class Recorder:
    """Collects one job's reply tuples (called on the client's reader thread)."""

    def __init__(self) -> None:
        self.messages: list[tuple] = []
        self.first_event = threading.Event()

    def __call__(self, message: tuple) -> None:
        self.messages.append(message)
        if message[0] == 'event':
            self.first_event.set()

    @property
    def events(self) -> list:
        return [m[2] for m in self.messages if m[0] == 'event']

    @property
    def ends(self) -> list[tuple]:
        return [m for m in self.messages if m[0] != 'event']


def _wait_dead(pid: int, timeout: float = 10.0) -> bool:
    """True once process ``pid`` has gone (a zombie counts as gone)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            stat = Path(f'/proc/{pid}/stat').read_text()
        except OSError:
            return True
        if stat.rsplit(')', 1)[1].split()[0] in ('Z', 'X'):
            return True
        time.sleep(0.05)
    return False


# ------------------------------------------------------------------ protocol helpers


def test_plain_data_is_accepted_and_anything_else_refused():
    value = {'a': [1, 2.5, None, True, 'x', (3, b'y')], 'event': StageProgress('s', 1, 2)}
    assert ensure_plain(value) is value
    with pytest.raises(NotPlainData, match=r"result\['p'\] is a pathlib"):
        ensure_plain({'p': Path('x')})
    with pytest.raises(NotPlainData, match='key'):
        ensure_plain({1: 'one'})


def test_exit_codes_read_as_words():
    assert 'killed' in describe_exit(-signal.SIGKILL) and 'out of memory' in describe_exit(-signal.SIGKILL)
    assert 'crashed' in describe_exit(-signal.SIGSEGV)
    assert describe_exit(3) == 'exit code 3'
    message = engine_died_message(-signal.SIGKILL)
    assert message.startswith('The engine process stopped unexpectedly (killed')
    assert message.endswith('Your project is safe: start the action again.')
    assert format_error(ValueError('')) == 'ValueError'
    assert format_error(ValueError('first line\nsecond')) == 'first line'


# ------------------------------------------------------------------ run_inline (the CLI's way)


def test_run_inline_runs_a_job_on_the_calling_thread(monkeypatch):
    monkeypatch.setenv(TEST_JOBS_ENV, '1')
    seen = []
    assert jobs.run_inline('count', {'n': 3}, seen.append) == 3
    assert [e.done for e in seen] == [1, 2, 3]
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        jobs.run_inline('count', {'n': 3}, cancel=token)


def test_test_jobs_need_the_environment_variable(monkeypatch):
    monkeypatch.delenv(TEST_JOBS_ENV, raising=False)
    with pytest.raises(jobs.UnknownJob, match="unknown engine job 'count'"):
        jobs.get_job('count')
    names = set(jobs.job_names())
    assert {'train', 'predict', 'suggest', 'similar', 'export', 'stage_params', 'evaluate', 'warm'} <= names
    assert not names & {'echo', 'count', 'fail', 'unplain', 'modules'}


# ------------------------------------------------------------------ the engine process


def test_result_and_events_round_trip(engine):
    rec = Recorder()
    handle = engine.submit('count', {'n': 5, 'stage': 'features'}, rec)
    assert handle.wait(30)
    assert handle.outcome == 'done'
    assert rec.events == [StageProgress('features', i, 5, text=f'features {i} of 5') for i in range(1, 6)]
    assert rec.ends == [('done', handle.id, 5)]
    assert rec.messages[-1][0] == 'done'  # every event comes before the end
    nested = {'paths': ['/a/b.png', '/c.jpg'], 'k': 3, 'opts': {'x': [1.5, None]}}
    seen = []
    out = engine.run('echo', nested, callback=seen.append)
    assert out == {'kwargs': nested, 'pid': engine.pid}
    assert seen == [Message('info', 'echo')]
    assert engine.pid != os.getpid()


def test_cancel_reaches_a_running_job_quickly(engine):
    rec = Recorder()
    handle = engine.submit('count', {'n': 100_000, 'delay': 0.005}, rec)
    assert rec.first_event.wait(30)
    t0 = time.monotonic()
    handle.cancel()
    assert handle.wait(5)
    assert time.monotonic() - t0 < 1.0
    assert rec.ends == [('cancelled', handle.id)]
    assert handle.outcome == 'cancelled'


def test_run_raises_cancelled_when_the_job_is_cancelled(engine):
    started = threading.Event()

    def cancel_when_started():
        started.wait(30)
        for handle in engine.running_jobs():
            handle.cancel()

    threading.Thread(target=cancel_when_started, daemon=True).start()
    with pytest.raises(Cancelled):
        engine.run('count', {'n': 100_000, 'delay': 0.005}, callback=lambda event: started.set(), timeout=30)


def test_two_jobs_run_at_once(engine):
    slow, fast = Recorder(), Recorder()
    h_slow = engine.submit('count', {'n': 40, 'delay': 0.02, 'stage': 'train'}, slow)
    assert slow.first_event.wait(30)
    h_fast = engine.submit('count', {'n': 3, 'stage': 'predict'}, fast)
    assert h_fast.wait(10)
    assert not h_slow.done, 'the short job had to wait for the long one'
    assert fast.ends == [('done', h_fast.id, 3)]
    assert h_slow.wait(30) and slow.ends == [('done', h_slow.id, 40)]
    assert [e.done for e in slow.events] == list(range(1, 41))


def test_an_exception_in_a_job_becomes_a_readable_error(engine):
    rec = Recorder()
    handle = engine.submit('fail', {'message': 'the photo folder is empty'}, rec)
    assert handle.wait(30)
    assert rec.ends == [('error', handle.id, 'the photo folder is empty')]
    with pytest.raises(EngineJobError, match="unknown engine job 'no_such_job'"):
        engine.run('no_such_job', timeout=30)
    with pytest.raises(EngineJobError, match='not plain data'):
        engine.run('unplain', timeout=30)
    with pytest.raises(NotPlainData):
        engine.submit('echo', {'path': Path('x')})
    assert engine.run('echo', {'still': 'alive'}, timeout=30)['kwargs'] == {'still': 'alive'}


def test_kill_9_mid_job_gives_one_clear_error_and_a_new_engine(engine):
    rec, other = Recorder(), Recorder()
    handle = engine.submit('count', {'n': 100_000, 'delay': 0.005}, rec)
    second = engine.submit('count', {'n': 100_000, 'delay': 0.005}, other)
    assert rec.first_event.wait(30) and other.first_event.wait(30)
    old_pid = engine.pid
    os.kill(old_pid, signal.SIGKILL)
    assert handle.wait(10) and second.wait(10)
    for r, h in ((rec, handle), (other, second)):
        assert len(r.ends) == 1
        kind, job_id, message = r.ends[0]
        assert (kind, job_id) == ('error', h.id)
        assert message.startswith('The engine process stopped unexpectedly (killed (SIGKILL)')
        assert 'Your project is safe' in message
    assert not engine.alive and engine.pid is None
    assert engine.last_death is not None
    out = engine.run('echo', {'after': 'death'}, timeout=60)
    assert out['pid'] != old_pid and out['pid'] == engine.pid and engine.alive


def test_a_submit_right_after_the_engine_died_goes_to_a_new_engine(engine):
    rec = Recorder()
    handle = engine.submit('count', {'n': 100_000, 'delay': 0.005}, rec)
    assert rec.first_event.wait(30)
    old_pid = engine.pid
    os.kill(old_pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while engine.alive and time.monotonic() < deadline:  # the process has ended (its reader may not know yet)
        time.sleep(0.001)
    assert engine.run('echo', timeout=60)['pid'] != old_pid
    assert handle.wait(10) and len(rec.ends) == 1 and 'stopped unexpectedly' in rec.ends[0][2]


def test_shutdown_cancels_running_jobs_and_a_later_submit_restarts(engine):
    rec = Recorder()
    handle = engine.submit('count', {'n': 100_000, 'delay': 0.005}, rec)
    assert rec.first_event.wait(30)
    old_pid = engine.pid
    assert engine.shutdown(timeout=10)
    assert handle.wait(5) and rec.ends == [('cancelled', handle.id)]
    assert not engine.alive and _wait_dead(old_pid, 5)
    assert engine.shutdown() is True  # nothing to stop
    assert engine.run('echo', timeout=60)['pid'] not in (old_pid, None)


# ------------------------------------------------------------------ in a fresh interpreter


def _python(code: str, timeout: float = 240) -> subprocess.CompletedProcess:
    env = dict(os.environ, **{TEST_JOBS_ENV: '1'})
    return subprocess.run([sys.executable, '-c', textwrap.dedent(code)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_the_client_side_never_imports_torch():
    """After a warm engine has imported torch, the parent still has none (nor the job code)."""
    out = _python('''
        import sys
        from petcognizer.engine.client import EngineClient
        if __name__ == '__main__':
            assert 'torch' not in sys.modules
            client = EngineClient()
            client.run('warm', timeout=200)
            in_child = client.run('modules', {'prefix': 'torch'}, timeout=30)
            result = client.run('count', {'n': 2}, timeout=30)
            client.shutdown()
            heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'timm', 'torchvision'))
            ours = sorted(m for m in sys.modules if m.startswith(('petcognizer.engine.jobs',
                          'petcognizer.engine.server', 'petcognizer.core.model')))
            print(in_child, result, heavy, ours)
    ''')
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == 'True 2 [] []', out.stdout


@pytest.mark.skipif(not Path('/proc/self/stat').exists(), reason='reads /proc')
def test_the_engine_exits_when_its_parent_dies():
    out = _python('''
        import os, signal
        from petcognizer.engine.client import EngineClient
        if __name__ == '__main__':
            client = EngineClient()
            client.submit('count', {'n': 100000, 'delay': 0.01})
            assert client.run('echo', timeout=60)
            print(client.pid, flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
    ''')
    assert out.returncode == -signal.SIGKILL, out.stderr
    child = int(out.stdout.split()[0])
    assert _wait_dead(child, 10), f'engine {child} still runs after its parent was killed'
