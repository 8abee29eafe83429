"""One training run in several processes: ``torchrun`` and DistributedDataParallel.

``torchrun --nproc-per-node N -m petcognizer train DATA --out M`` starts N
copies of the command line; each finds its place in the ``RANK``,
``WORLD_SIZE`` and ``LOCAL_RANK`` environment variables torchrun sets, and
:func:`session` joins them into one process group (backend ``nccl`` when every
process has a GPU of its own, else ``gloo``). While a session is open,
:func:`active` returns its :class:`DistContext` and the core divides the work:

* :func:`petcognizer.core.features.extract` computes every ``world_size``-th
  photo (rank ``r`` takes photos ``r, r + W, ...``) and the outputs are
  gathered, so each process then holds every photo's features in the order one
  process would have them (:meth:`DistContext.extract`);
* :func:`petcognizer.core.training.fit` trains the head (and the unfrozen
  stages) wrapped in ``DistributedDataParallel``: each epoch's shuffled order
  is split with a ``DistributedSampler`` (every process takes ``batch_size``
  photos a step, so the global batch is ``world_size x batch_size``), the
  gradients are averaged, and the epoch's loss and accuracy and the validation
  counts are summed over the processes, so every process takes the same
  decisions (best epoch, early stop);
* the learning rate follows the linear scaling rule (Goyal et al., 2017,
  "Accurate, large minibatch SGD"): ``lr x world_size``, since the global batch
  is ``world_size`` times the single-process one (:func:`scale_config`);
* only rank 0 writes the model file and records the run (:func:`is_main`).

Failures: the process group has a timeout (``PETCOGNIZER_DIST_TIMEOUT`` seconds,
default 600), so a process whose peer died gets an error instead of waiting for
ever; :func:`session` always destroys the group on the way out.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ['DistContext', 'active', 'env_world', 'for_training', 'is_main', 'scale_config',
           'session']

#: Above this many bytes of features per process, the outputs are gathered through the
#: feature cache (every process reads them back from disk) instead of over the network.
GATHER_LIMIT = int(os.environ.get('PETCOGNIZER_DIST_GATHER_MB', '512')) * 1024 * 1024

_ACTIVE: DistContext | None = None


def env_world(environ=None) -> tuple[int, int, int] | None:
    """``(rank, world_size, local_rank)`` from torchrun's variables, or None outside torchrun."""
    env = os.environ if environ is None else environ
    if 'RANK' not in env or 'WORLD_SIZE' not in env:
        return None
    try:
        rank, world = int(env['RANK']), int(env['WORLD_SIZE'])
        local = int(env.get('LOCAL_RANK', rank))
    except ValueError:
        raise ValueError(f'RANK={env.get("RANK")!r}, WORLD_SIZE={env.get("WORLD_SIZE")!r}: '
                         'torchrun sets these to whole numbers; start the run with torchrun') from None
    if world < 1 or not 0 <= rank < world:
        raise ValueError(f'RANK={rank} is not between 0 and WORLD_SIZE-1 ({world - 1}); '
                         'start the run with torchrun')
    return rank, world, local


def active() -> DistContext | None:
    """The open session's context, or None (one process: the window, the plain CLI)."""
    return _ACTIVE


def is_main() -> bool:
    """True in the process that writes files and prints: rank 0, or the only process."""
    return _ACTIVE is None or _ACTIVE.rank == 0


@dataclass
class DistContext:
    """This process's place in the run and the collective operations the core uses."""

    rank: int
    world_size: int
    local_rank: int
    backend: str
    device: str  # 'cuda' or 'cpu': where this process trains
    timeout_s: float
    sharding: bool = field(default=True, repr=False)

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def _comm_device(self):
        import torch

        return torch.device('cuda', torch.cuda.current_device()) if self.backend == 'nccl' \
            else torch.device('cpu')

    def barrier(self) -> None:
        import torch.distributed as dist

        if self.backend == 'nccl':
            dist.barrier(device_ids=[self._comm_device().index])
        else:
            dist.barrier()

    def gather_objects(self, obj) -> list:
        """Every process's ``obj`` (picklable), in rank order."""
        import torch.distributed as dist

        out = [None] * self.world_size
        dist.all_gather_object(out, obj)
        return out

    def sum(self, *values: float) -> tuple[float, ...]:
        """The sums of ``values`` over the processes (in float64)."""
        import torch
        import torch.distributed as dist

        t = torch.tensor([float(v) for v in values], dtype=torch.float64,
                         device=self._comm_device())
        dist.all_reduce(t)
        return tuple(float(v) for v in t.cpu())

    @contextlib.contextmanager
    def main_first(self) -> Iterator[None]:
        """Rank 0 runs the block first (e.g. opening a project, which may repair it), then
        the others."""
        if not self.is_main:
            self.barrier()
        yield
        if self.is_main:
            self.barrier()
        self.barrier()  # and no one goes on (writes caches) while another still opens (sweeps)

    # ---- training: the sampler, the wrapped modules

    def n(self, n: int) -> int:
        """Training photos a process takes each epoch (``DistributedSampler``'s ``num_samples``)."""
        return math.ceil(n / self.world_size)

    def order(self, order: list[int], epoch: int, training: bool) -> list[int]:
        """This process's part of an epoch's (already shuffled, identical) order.

        Training: a ``DistributedSampler`` over it (padded by repeating the first
        photos, so every process runs the same number of steps). Validation:
        every ``world_size``-th photo, no padding (the counts are summed).
        """
        if not training:
            return order[self.rank::self.world_size]
        from torch.utils.data import DistributedSampler

        sampler = DistributedSampler(order, num_replicas=self.world_size, rank=self.rank,
                                     shuffle=False, drop_last=False)
        sampler.set_epoch(epoch)
        return [order[i] for i in sampler]

    def wrap(self, module, *, unused: bool = False):
        """``module`` in ``DistributedDataParallel`` (the same module when nothing in it trains).

        The wrapper is used only while gradients are on and some of its
        parameters train: validation (inference mode) and epochs with its stages
        still frozen (the 'unfreeze' schedule) call the plain module. ``unused``:
        some of its parameters may get no gradient in a step (stages of the
        'unfreeze' schedule still frozen).
        """
        params = [p for p in module.parameters() if p.requires_grad]
        if not params:
            return module
        import inspect

        from torch.nn.parallel import DistributedDataParallel

        dev = params[0].device
        # buffers (BatchNorm statistics, kept in eval mode) are the same in every process:
        # no sync in forward, where processes may run different numbers of validation batches
        sync = ('forward_sync_buffers' if 'forward_sync_buffers' in
                inspect.signature(DistributedDataParallel).parameters else 'broadcast_buffers')
        ddp = DistributedDataParallel(module, device_ids=[dev.index] if dev.type == 'cuda' else None,
                                      find_unused_parameters=unused, **{sync: False})
        return _Trainable(module, ddp)

    # ---- feature extraction: sharded, gathered

    def extract(self, fn, model, stage_end, paths: Sequence, pre, *, digests=None,
                cache_root=None, **kwargs):
        """``fn(model, stage_end, paths, pre, ...)`` (features.extract) on this process's share
        of ``paths``, then every process's outputs gathered, ordered as one process has them."""
        from petcognizer.core.images import ImageError

        n, W = len(paths), self.world_size
        mine = list(range(self.rank, n, W))

        def keys(idx):
            return [digests[i] for i in idx] if digests is not None else None

        self.sharding = False  # fn is features.extract, which would shard again
        try:
            r = fn(model, stage_end, [paths[i] for i in mine], pre, digests=keys(mine),
                   cache_root=cache_root, **kwargs)
            data = np.asarray(r.data)
            meta = {'ok': [mine[j] for j in r.ok], 'nbytes': int(data.nbytes),
                    'errors': [(str(e.path), e.reason) for e in r.errors],
                    'computed': int(r.computed), 'seconds': float(r.seconds),
                    'shape': data.shape[1:], 'dtype': data.dtype.str}
            metas = self.gather_objects(meta)
            ok = sorted(i for m in metas for i in m['ok'])
            index = {str(p): i for i, p in enumerate(paths)}
            errors = sorted((e for m in metas for e in m['errors']),
                            key=lambda e: index.get(e[0], n))
            if max(m['nbytes'] for m in metas) > GATHER_LIMIT and cache_root is not None:
                # too big for the network: every process reads them back from the cache,
                # which now holds them all (every process's outputs were written there)
                self.barrier()
                full = fn(model, stage_end, [paths[i] for i in ok], pre, digests=keys(ok),
                          cache_root=cache_root, **kwargs)
                out = full.data
            else:
                parts = self.gather_objects(data)
                shape = next((m['shape'] for m in metas if m['ok']), data.shape[1:])
                out = np.empty((len(ok), *shape), dtype=np.dtype(metas[0]['dtype']))
                row = {i: k for k, i in enumerate(ok)}
                for m, part in zip(metas, parts):
                    for j, i in enumerate(m['ok']):
                        out[row[i]] = part[j]
        finally:
            self.sharding = True
        return type(r)(out, ok, [ImageError(p, reason) for p, reason in errors],
                       sum(m['computed'] for m in metas), max(m['seconds'] for m in metas))


class _Trainable:
    """A module and its DDP wrapper: the wrapper while something in it trains, else the module."""

    def __init__(self, module, ddp):
        self.module, self.ddp = module, ddp

    def __call__(self, x):
        import torch

        if torch.is_grad_enabled() and any(p.requires_grad for p in self.module.parameters()):
            return self.ddp(x)
        return self.module(x)


class _Single:
    """:func:`for_training` outside a session: one process takes everything."""

    world_size, rank = 1, 0

    def n(self, n: int) -> int:
        return n

    def order(self, order: list[int], epoch: int, training: bool) -> list[int]:
        return order

    def wrap(self, module, *, unused: bool = False):
        return module

    def sum(self, *values: float) -> tuple[float, ...]:
        return values


def for_training() -> DistContext | _Single:
    """What :func:`petcognizer.core.training.fit` shards and sums with (a no-op in one process)."""
    return _ACTIVE if _ACTIVE is not None else _Single()


def scale_config(config, ctx: DistContext | None):
    """``config`` with the learning rate scaled for ``ctx``'s global batch (linear scaling rule).

    Each process takes ``config.batch_size`` photos a step, so a step sees
    ``world_size x batch_size`` photos and the rate is ``world_size x lr``.
    Returns ``config`` itself (changed in place) for chaining.
    """
    if ctx is not None and ctx.world_size > 1:
        config.lr = config.lr * ctx.world_size
    return config


def _timeout_s() -> float:
    raw = os.environ.get('PETCOGNIZER_DIST_TIMEOUT', '600')
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f'PETCOGNIZER_DIST_TIMEOUT={raw!r}: give a number of seconds') from None
    if not value > 0:
        raise ValueError(f'PETCOGNIZER_DIST_TIMEOUT={raw!r}: give a positive number of seconds')
    return value


def _choose(device_name: str, local_rank: int, environ) -> tuple[str, str]:
    """(backend, device): nccl when every process on this machine has a GPU of its own."""
    import torch

    want = environ.get('PETCOGNIZER_DIST_BACKEND')
    if device_name == 'auto':
        device_name = environ.get('PETCOGNIZER_DEVICE', 'auto')
    cuda = torch.cuda.is_available() and device_name in ('auto', 'cuda')
    if device_name == 'cuda' and not torch.cuda.is_available():
        raise ValueError('device "cuda" was asked for, but no CUDA GPU is available; use --device auto')
    device = 'cuda' if cuda else 'cpu'
    if cuda:
        n_gpus = torch.cuda.device_count()
        torch.cuda.set_device(local_rank % n_gpus)
        local_world = int(environ.get('LOCAL_WORLD_SIZE', '1'))
        backend = 'nccl' if local_world <= n_gpus and torch.distributed.is_nccl_available() \
            else 'gloo'  # NCCL refuses two processes on one GPU
    else:
        backend = 'gloo'
    if want:
        if want not in ('nccl', 'gloo'):
            raise ValueError(f'PETCOGNIZER_DIST_BACKEND={want!r}: give nccl or gloo')
        if want == 'nccl' and not cuda:
            raise ValueError('PETCOGNIZER_DIST_BACKEND=nccl needs a CUDA GPU for every process; '
                             'use gloo on the CPU')
        backend = want
    return backend, device


@contextlib.contextmanager
def session(device_name: str = 'auto', environ=None) -> Iterator[DistContext | None]:
    """Join the run's process group while inside (None outside torchrun or with one process).

    Raises:
        ValueError: torchrun's variables are malformed, or the backend cannot run here.
        RuntimeError: the processes could not meet (torch's message, within the timeout).
    """
    global _ACTIVE
    env = os.environ if environ is None else environ
    where = env_world(env)
    if where is None or where[1] == 1:
        yield None
        return
    import datetime

    import torch.distributed as dist

    rank, world, local = where
    timeout = _timeout_s()
    backend, device = _choose(device_name, local, env)
    if _ACTIVE is not None or dist.is_initialized():
        raise RuntimeError('a distributed session is already open in this process')
    dist.init_process_group(backend, timeout=datetime.timedelta(seconds=timeout))
    ctx = DistContext(rank, world, local, backend, device, timeout)
    _ACTIVE = ctx
    try:
        yield ctx
    finally:
        _ACTIVE = None
        with contextlib.suppress(Exception):  # a broken group must not hide the error
            dist.destroy_process_group()
