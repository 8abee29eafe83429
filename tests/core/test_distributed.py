"""torchrun: two gloo processes train the same model one process trains (issue 14).

The end-to-end test launches ``torchrun --nproc-per-node 2 -m petcognizer
train`` on the CPU (gloo) and compares it with the single-process run of the
same command: same validation accuracy (within 1 point) and head weights within
2% of the largest weight (measured: 94.4% both, weights 0.18% apart). The rest checks the
pieces without starting processes.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from photos import make_photo

from petcognizer.cli import main
from petcognizer.core import distributed
from petcognizer.core.distributed import DistContext, env_world

#: Overlapping colours, so neither run is trivially perfect.
_CENTRES = {'red': (180, 90, 80), 'green': (110, 160, 90), 'blue': (90, 100, 170)}
HEAD_TOLERANCE = 0.02  # of the largest head weight


def _data(root: Path, per_class: int = 20) -> Path:
    rnd = random.Random(0)
    for name, centre in _CENTRES.items():
        for i in range(per_class):
            colour = tuple(max(0, min(255, v + rnd.randint(-60, 60))) for v in centre)
            make_photo(root / name / f'{name}{i}.png', colour, noise_seed=i)
    (root / 'red' / 'red99.jpg').write_bytes(b'\xff\xd8\xff not really a photo')  # skipped
    return root


def _heads(path: Path) -> dict[str, np.ndarray]:
    from safetensors.numpy import load_file

    return {k: v for k, v in load_file(str(path)).items() if k.startswith('head.')}


def test_two_gloo_processes_match_one(tmp_path, capsys):
    data = _data(tmp_path / 'photos')
    # the freeze depth pinned: a run that may fine-tune first looks at the photos to decide
    args = ['train', str(data), '--backbone', 'tiny_test', '--epochs', '6', '--val-fraction',
            '0.3', '--freeze-depth', '0', '--json', '-q']
    one = tmp_path / 'one.safetensors'
    assert main([*args, '--out', str(one)]) == 0
    single = json.loads(capsys.readouterr().out)
    assert single['world_size'] == 1 and single['backend'] is None

    out_dir = tmp_path / 'two'
    out_dir.mkdir()
    two = out_dir / 'two.safetensors'
    env = dict(os.environ, PETCOGNIZER_CACHE=str(tmp_path / 'cache2'),  # computed afresh
               PETCOGNIZER_DIST_TIMEOUT='60', OMP_NUM_THREADS='1')
    proc = subprocess.run(
        [sys.executable, '-m', 'torch.distributed.run', '--standalone', '--nproc-per-node', '2',
         '-m', 'petcognizer', *args, '--out', str(two)],
        capture_output=True, text=True, env=env, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    double = json.loads(proc.stdout)  # rank 0 alone prints
    assert double['world_size'] == 2 and double['backend'] == 'gloo'
    assert double['n_train'] == single['n_train'] and double['n_val'] == single['n_val'] > 0
    # the documented rule: linear scaling with the global batch (2 x batch_size)
    assert double['config']['lr'] == pytest.approx(2 * single['config']['lr'])
    assert abs(double['best_val_acc'] - single['best_val_acc']) <= 0.01
    # the photo that cannot be read is reported once, whichever process met it
    assert [s['path'] for s in double['skipped']] == [s['path'] for s in single['skipped']]
    assert [Path(s['path']).name for s in single['skipped']] == ['red99.jpg']
    assert sorted(p.name for p in out_dir.iterdir()) == ['two.safetensors']  # one file, no debris
    a, b = _heads(one), _heads(two)
    assert a.keys() == b.keys() and a
    scale = max(float(np.abs(w).max()) for w in a.values())
    for k in a:
        assert float(np.abs(a[k] - b[k]).max()) <= HEAD_TOLERANCE * scale, k
    # the same model file format: predict reads it
    photo = next((data / 'red').iterdir())
    assert main(['predict', str(two), str(photo), '--json']) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[0])['label'] in _CENTRES


def test_env_world():
    assert env_world({}) is None
    assert env_world({'RANK': '1', 'WORLD_SIZE': '2', 'LOCAL_RANK': '1'}) == (1, 2, 1)
    assert env_world({'RANK': '3', 'WORLD_SIZE': '4'}) == (3, 4, 3)
    with pytest.raises(ValueError, match='torchrun'):
        env_world({'RANK': 'x', 'WORLD_SIZE': '2'})
    with pytest.raises(ValueError, match='between 0 and WORLD_SIZE-1'):
        env_world({'RANK': '2', 'WORLD_SIZE': '2'})


def test_one_process_is_no_session():
    with distributed.session(environ={}) as ctx:
        assert ctx is None and distributed.active() is None and distributed.is_main()
    with distributed.session(environ={'RANK': '0', 'WORLD_SIZE': '1'}) as ctx:
        assert ctx is None
    single = distributed.for_training()
    assert single.n(7) == 7 and single.order([3, 1, 2], 0, True) == [3, 1, 2]
    assert single.sum(1.0, 2.0) == (1.0, 2.0)


def test_epoch_order_is_split_like_a_distributed_sampler():
    order = [4, 0, 3, 1, 2]  # an epoch's shuffled order, the same in every process
    parts = [DistContext(r, 2, r, 'gloo', 'cpu', 60.0) for r in range(2)]
    train = [p.order(order, epoch=0, training=True) for p in parts]
    assert [len(t) for t in train] == [3, 3] == [parts[0].n(5)] * 2  # padded: same step count
    both = train[0] + train[1]
    assert set(both) == set(order) and both.count(order[0]) == 2  # every photo, the first twice
    val = [p.order(order, epoch=0, training=False) for p in parts]
    assert sorted(val[0] + val[1]) == sorted(order)  # validation: each photo once, no padding


def test_bad_timeout_is_a_clear_error(monkeypatch):
    monkeypatch.setenv('PETCOGNIZER_DIST_TIMEOUT', 'soon')
    with pytest.raises(ValueError, match='PETCOGNIZER_DIST_TIMEOUT'), \
            distributed.session(environ={'RANK': '0', 'WORLD_SIZE': '2'}):
        pass


_FAILING = '''
import sys
from petcognizer.core import distributed
from petcognizer.cli.training import _rank_error
with distributed.session() as ctx:
    if ctx.rank == 1:
        sys.exit('process 1: failing on purpose')
    try:
        ctx.sum(1.0)
    except Exception as exc:
        sys.exit(_rank_error(ctx, exc))
    sys.exit('process 0: no error')
'''


def test_a_failing_process_is_an_error_in_the_others_not_a_hang(tmp_path):
    script = tmp_path / 'failing.py'
    script.write_text(_FAILING)
    env = dict(os.environ, PETCOGNIZER_DIST_TIMEOUT='30', OMP_NUM_THREADS='1')
    proc = subprocess.run(
        [sys.executable, '-m', 'torch.distributed.run', '--standalone', '--nproc-per-node', '2',
         str(script)], capture_output=True, text=True, env=env, timeout=90, check=False)
    assert proc.returncode != 0
    assert 'process 1: failing on purpose' in proc.stderr
    # the peer's collective fails at once (gloo sees the closed connection; else the timeout)
    assert 'process 0 of 2: another process of the run stopped or failed' in proc.stderr


def test_linear_scaling_rule_and_backend_choice():
    from petcognizer.core.config import TrainConfig
    from petcognizer.core.distributed import _choose, scale_config

    cfg = TrainConfig(lr=0.01)
    assert scale_config(cfg, None).lr == pytest.approx(0.01)
    assert scale_config(cfg, DistContext(0, 4, 0, 'gloo', 'cpu', 60.0)).lr == pytest.approx(0.04)
    assert _choose('cpu', 0, {}) == ('gloo', 'cpu')
    with pytest.raises(ValueError, match='nccl needs a CUDA GPU'):
        _choose('cpu', 0, {'PETCOGNIZER_DIST_BACKEND': 'nccl'})
    with pytest.raises(ValueError, match='give nccl or gloo'):
        _choose('cpu', 0, {'PETCOGNIZER_DIST_BACKEND': 'mpi'})
