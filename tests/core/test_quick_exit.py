"""The command line's quick exit: no interpreter teardown, and nothing lost to it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

PRELUDE = '''
import atexit, os, sys, threading, time
from petcognizer.core.perf import exit_without_teardown, register_quick_exit
register_quick_exit()
import torch
out = sys.argv[1]
'''


def _run(body: str, out) -> subprocess.CompletedProcess:
    code = PRELUDE + textwrap.dedent(body)
    return subprocess.run([sys.executable, '-c', code, str(out)], capture_output=True,
                          text=True, timeout=120, check=False)


def test_the_exit_status_threads_handlers_and_streams_all_survive(tmp_path):
    proc = _run('''
        def late():
            time.sleep(0.3)
            open(os.path.join(out, 'thread'), 'w').write('joined')
        threading.Thread(target=late).start()
        atexit.register(lambda: open(os.path.join(out, 'handler'), 'w').write('ran'))
        sys.stdout.write('unflushed')
        sys.stderr.write('err too')
        exit_without_teardown(3)
    ''', tmp_path)
    assert proc.returncode == 3, proc.stderr
    assert proc.stdout == 'unflushed' and proc.stderr == 'err too'
    assert (tmp_path / 'thread').read_text() == 'joined'
    assert (tmp_path / 'handler').read_text() == 'ran'


def test_the_teardown_is_skipped_only_on_the_quick_path(tmp_path):
    # An object whose __del__ runs only when the interpreter tears the modules down.
    body = '''
        class Marker:
            def __del__(self, open=open, path=os.path.join(out, 'teardown')):
                open(path, 'w').write('ran')
        marker = Marker()
        {end}
    '''
    quick = _run(body.format(end='exit_without_teardown(0)'), tmp_path)
    assert quick.returncode == 0, quick.stderr
    assert not (tmp_path / 'teardown').exists()
    crash = _run(body.format(end='raise RuntimeError("boom")'), tmp_path)
    assert crash.returncode == 1 and 'RuntimeError: boom' in crash.stderr
    assert (tmp_path / 'teardown').read_text() == 'ran'  # an error takes the ordinary exit


def test_python_dash_m_and_the_console_script_go_through_it():
    import tomllib
    from pathlib import Path

    import petcognizer.__main__ as entry

    root = Path(entry.__file__).resolve().parents[1]
    scripts = tomllib.loads((root / 'pyproject.toml').read_text())['project']['scripts']
    assert scripts['petcognizer'] == 'petcognizer.__main__:run'
    proc = subprocess.run([sys.executable, '-m', 'petcognizer', 'backbones', '--json'],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0 and '"efficientnet_lite0"' in proc.stdout, proc.stderr
