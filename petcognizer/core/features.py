"""Backbone outputs computed once per image and reused: the frozen-prefix cache.

When a backbone, or its frozen prefix of stages, does not train, its output for
an image never changes, so an epoch only needs the part that trains. This module
runs the frozen part once per image (and per augmented view, when augmentation
is on) and caches the result on disk, keyed by

* the image *content* (its SHA-256, :func:`petcognizer.core.fsutil.hash_file`,
  the hash the project indexes photos by, so a caller that knows the digests
  passes them and nothing is hashed again; a renamed file is a hit, an edited
  one a miss),
* the backbone name, a fingerprint of its weights, the preprocessing, the
  number of frozen stages, the storage dtype, and the view (plain or
  augmentation number),

so a changed image or backbone is never served stale. Pooled features are stored
in float32; intermediate feature maps (partly frozen backbones) in float16,
which halves memory and disk. Large caches live in a memory-mapped file instead
of RAM.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from petcognizer.core import distributed
from petcognizer.core.data import Augment, Preprocess, decode_batches, unreadable
from petcognizer.core.events import (
    Callback,
    CancelToken,
    Message,
    StageProgress,
    null_callback,
)
from petcognizer.core.fsutil import hash_file
from petcognizer.core.images import NOT_FOUND_REASON, ImageError, check_regular, os_error_reason
from petcognizer.core.perf import tune_allocator

__all__ = [
    'ExtractResult',
    'FeatureCache',
    'cancel_hooks',
    'check_readable',
    'extract',
    'weights_fingerprint',
]

#: Above this many bytes, extracted outputs are kept in a memory-mapped file.
RAM_BUDGET = int(os.environ.get('PETCOGNIZER_FEATURE_RAM_MB', '2048')) * 1024 * 1024
#: Images a CPU forwards at once: small enough that a cancel is seen within a second.
CPU_CHUNK = 8
#: From this many images to compute, the backbone runs in channels_last memory format.
CHANNELS_LAST_MIN = 32


@contextlib.contextmanager
def cancel_hooks(modules, cancel: CancelToken | None):
    """While inside, each of ``modules`` and their children polls ``cancel`` in forward and backward.

    A cancel is then seen within one block's forward or backward (Cancelled
    propagates out of ``loss.backward()``), not one whole training step's. The
    hooks are removed on the way out, so a model built from these modules never
    holds the token.
    """
    if cancel is None:
        yield
        return

    def poll(*_):
        cancel.raise_if_cancelled()

    def poll_backward(module, args, output):
        if getattr(output, 'requires_grad', False):
            output.register_hook(poll)  # runs when the gradient reaches this stage's output

    targets = [t for m in modules for t in (m, *m.children())]
    handles = [m.register_forward_pre_hook(poll) for m in targets]
    handles += [m.register_forward_hook(poll_backward) for m in targets]
    try:
        yield
    finally:
        for h in handles:
            h.remove()


def check_readable(paths: Sequence[Path], cancel: CancelToken | None = None, chunk: int = 64):
    """:func:`petcognizer.core.data.unreadable`, ``chunk`` files at a time, polling ``cancel``."""
    out = []
    for s in range(0, len(paths), chunk):
        if cancel is not None:
            cancel.raise_if_cancelled()
        out += unreadable(paths[s:s + chunk])
    return out


def weights_fingerprint(model) -> str:
    """A cheap fingerprint of a module's weights: shapes plus a sample of values."""
    import torch

    h = hashlib.blake2b(digest_size=8)
    with torch.no_grad():
        for name, t in model.state_dict().items():
            h.update(name.encode())
            h.update(str(tuple(t.shape)).encode())
            flat = t.detach().reshape(-1)
            if flat.numel():
                step = max(1, flat.numel() // 64)
                h.update(flat[::step][:64].float().cpu().numpy().tobytes())
    return h.hexdigest()


class FeatureCache:
    """A folder of ``.npy`` files, one per (image content, view), per key.

    Args:
        root: cache folder (a project's ``.cache/features``, or the user cache).
        key: everything besides the image that determines the output.
    """

    def __init__(self, root: os.PathLike | str, key: dict):
        blob = json.dumps(key, sort_keys=True).encode()
        self.key = key
        self.dir = Path(root) / hashlib.blake2b(blob, digest_size=10).hexdigest()
        self._meta_written = False

    def _path(self, chash: str, view: int) -> Path:
        return self.dir / chash[:2] / f'{chash}-{view}.npy'

    def get(self, chash: str, view: int) -> np.ndarray | None:
        p = self._path(chash, view)
        try:
            return np.load(p, allow_pickle=False)
        except (OSError, ValueError, EOFError):
            return None  # missing or damaged: recompute

    def put(self, chash: str, view: int, arr: np.ndarray) -> None:
        p = self._path(chash, view)
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            if not self._meta_written:
                meta = self.dir / 'key.json'
                if not meta.exists():
                    meta.write_text(json.dumps(self.key, indent=1, sort_keys=True))
                self._meta_written = True
            tmp = p.with_name(p.name + f'.{os.getpid()}.tmp')
            try:
                with open(tmp, 'wb') as f:
                    np.save(f, arr, allow_pickle=False)
                os.replace(tmp, p)
            except BaseException:  # never leave the temporary file behind
                with contextlib.suppress(OSError):
                    tmp.unlink()
                raise
        except OSError:
            # A full disk or read-only cache only costs speed, never a run.
            pass


@dataclass
class ExtractResult:
    """Outputs for ``paths`` x ``views``; rows of unreadable files are dropped.

    Attributes:
        data: array [n_ok, n_views, *shape] (float32 or float16; maybe memory-mapped).
        ok: indices into the input paths that have outputs.
        errors: files that could not be read, with reasons.
        computed: how many (image, view) outputs were computed (not from cache).
        seconds: wall time.
    """

    data: np.ndarray
    ok: list[int]
    errors: list[ImageError] = field(default_factory=list)
    computed: int = 0
    seconds: float = 0.0


def _hash_all(paths: Sequence[Path], digests: Sequence[str | None] | None = None,
              cancel: CancelToken | None = None) -> tuple[list[str | None], dict[int, str]]:
    """Each file's SHA-256: the known digest where given, else hashed (None: unreadable).

    Returns the digests and, for each unreadable file, why (one wording with the
    decoder: :func:`petcognizer.core.images.os_error_reason`). Only regular files
    are opened, so a pipe named like a photo never blocks. A known digest is
    trusted only for a file that is still there: a photo deleted since the
    digest was taken is reported as unreadable, not served from cache.
    """
    reasons: dict[int, str] = {}

    def one(k: int) -> str | None:
        known = digests[k] if digests is not None and k < len(digests) else None
        try:
            check_regular(paths[k])
            return known or hash_file(paths[k])
        except ImageError as exc:
            reasons[k] = exc.reason
        except OSError as exc:
            reasons[k] = os_error_reason(exc)
        return None

    out: list[str | None] = []
    with ThreadPoolExecutor(max_workers=4, thread_name_prefix='hash') as pool:
        for s in range(0, len(paths), 32):  # a cancel is seen between chunks of files
            if cancel is not None:
                cancel.raise_if_cancelled()
            out += pool.map(one, range(s, min(s + 32, len(paths))))
    return out, reasons


def extract(
    model,
    stage_end: int | None,
    paths: Sequence[Path],
    pre: Preprocess,
    *,
    views: int = 1,
    augment: Augment | None = None,
    cache_root: os.PathLike | str | None = None,
    device=None,
    batch_size: int = 32,
    half: bool | None = None,
    callback: Callback = null_callback,
    cancel: CancelToken | None = None,
    stage_label: str = 'features',
    digests: Sequence[str | None] | None = None,
) -> ExtractResult:
    """Run the first ``stage_end`` stages (``None``: all, then pool) on every image.

    View 0 is always the plain, centre-cropped image; views 1.. are augmented
    with ``augment``, seeded by the image content, so the same image gives the
    same views in every run (and they can be cached).

    ``digests`` (one SHA-256 hex per path, or None where unknown; e.g. a
    :class:`~petcognizer.core.runs.TrainingSnapshot`'s) are the cache keys of
    those files, so they are not read twice.

    Raises:
        Cancelled: when ``cancel`` is set between batches.
    """
    import torch

    if (ctx := distributed.active()) is not None and ctx.sharding:  # torchrun: a share each
        return ctx.extract(extract, model, stage_end, paths, pre, views=views, augment=augment,
                           cache_root=cache_root, device=device, batch_size=batch_size, half=half,
                           callback=callback, cancel=cancel, stage_label=stage_label,
                           digests=digests)
    tune_allocator()
    t0 = time.perf_counter()
    device = device or torch.device('cpu')
    pooled = stage_end is None
    if half is None:
        half = not pooled
    store_dtype = np.float16 if half else np.float32
    paths = [Path(p) for p in paths]
    hashes, reasons = _hash_all(paths, digests, cancel)
    cache = None
    if cache_root is not None:
        cache = FeatureCache(
            cache_root,
            {
                'backbone': getattr(getattr(model, 'spec', None), 'name', type(model).__name__),
                'weights': weights_fingerprint(model),
                'preprocess': pre.to_dict(),
                'stage_end': stage_end,
                'dtype': np.dtype(store_dtype).name,
                'augment': None if augment is None else repr(augment),
                'version': 2,  # 2: SHA-256 content keys
            },
        )
    n, v = len(paths), max(1, views)
    errors: list[ImageError] = []
    for i, h in enumerate(hashes):
        if h is None:
            errors.append(ImageError(paths[i], reasons.get(i, NOT_FOUND_REASON)))

    # 1. what is cached already. Every output goes straight into the result array
    # (memory-mapped when large), never into a second copy: memory stays bounded.
    row_of = {i: r for r, i in enumerate(k for k in range(n) if hashes[k] is not None)}
    dest: list[np.ndarray] = []  # [the result array], made when the first output's shape is known

    def store(i: int, view: int, arr: np.ndarray) -> None:
        if not dest:
            dest.append(_result_array((len(row_of), v, *arr.shape), store_dtype, cache))
        dest[0][row_of[i], view] = arr

    todo: list[tuple[int, int]] = []
    for i in range(n):
        if hashes[i] is None:
            continue
        for view in range(v):
            arr = cache.get(hashes[i], view) if cache is not None else None
            if arr is not None:
                store(i, view, arr)
            else:
                todo.append((i, view))

    # 2. compute the rest: each image is decoded once for all the views it needs
    # channels_last is faster per image, but converting the weights (and, in the trainer,
    # back) costs more than it saves on a few photos (0.1-0.3 CPU s a backbone)
    use_cl = device.type in ('cpu', 'cuda') and len(todo) >= CHANNELS_LAST_MIN
    if todo:  # nothing to run when every output is cached
        model = model.to(device).eval()
        if use_cl:
            model = model.to(memory_format=torch.channels_last)
    amp = device.type == 'cuda'
    need: dict[int, list[int]] = {}
    for i, view in todo:
        need.setdefault(i, []).append(view)
    order = sorted(need)
    total = len(todo)
    done = 0
    bad: set[int] = set()
    fwd_batch = max(1, batch_size if device.type != 'cpu' else min(batch_size, CPU_CHUNK))

    def make(img, local):
        i = order[local]
        views_i = need[i]
        tensors = []
        for view in views_i:
            if view == 0 or augment is None:
                tensors.append(pre(img))
            else:
                rng = random.Random(int(hashes[i][:8], 16) + 7919 * view)
                tensors.append(augment.apply(img, pre, rng))
        return torch.stack(tensors)

    def forward(x):
        """Forward ``x`` in chunks; on a CUDA out-of-memory error, halve the chunk and say so."""
        nonlocal fwd_batch
        outs, s = [], 0
        while s < len(x):
            if cancel is not None:
                cancel.raise_if_cancelled()
            chunk = x[s:s + fwd_batch]
            try:
                if device.type == 'cuda':
                    chunk = chunk.pin_memory()
                chunk = chunk.to(device, non_blocking=True)
                if use_cl:
                    chunk = chunk.contiguous(memory_format=torch.channels_last)
                with torch.inference_mode(), torch.autocast(
                    device.type, dtype=torch.float16, enabled=amp
                ):
                    y = model.forward_stages(chunk, 0, stage_end)
                    if pooled:
                        y = model.pool(y)
            except torch.cuda.OutOfMemoryError:
                if fwd_batch == 1:
                    raise
                fwd_batch = max(1, fwd_batch // 2)
                torch.cuda.empty_cache()
                callback(Message('warning', f'GPU out of memory: continuing with batches of '
                                            f'{fwd_batch} images'))
                continue
            outs.append(y.float().cpu())
            s += len(chunk)
        return torch.cat(outs)

    if total:
        callback(StageProgress(stage_label, 0, total, text='Reading photos'))
        per_decode = max(1, batch_size // max(1, max(len(vs) for vs in need.values())))
        for batch in decode_batches([paths[i] for i in order], pre, per_decode, make=make,
                                    cancel=cancel):
            if cancel is not None:
                cancel.raise_if_cancelled()
            for local, err in batch.errors:
                i = order[local]
                if i not in bad:
                    bad.add(i)
                    errors.append(err)
            if batch.tensor is not None:
                y = forward(batch.tensor).contiguous().numpy().astype(store_dtype, copy=False)
                row = 0
                for local in batch.indices:
                    i = order[local]
                    for view in need[i]:
                        store(i, view, y[row])
                        if cache is not None:
                            cache.put(hashes[i], view, y[row])
                        row += 1
            done += sum(len(need[order[j]]) for j in batch.indices) + sum(
                len(need[order[j]]) for j, _ in batch.errors)
            dt = time.perf_counter() - t0
            rate = done / dt if dt > 0 else 0.0
            callback(
                StageProgress(
                    stage_label,
                    done,
                    total,
                    images_per_s=rate,
                    eta_s=(total - done) / rate if rate > 0 else 0.0,
                    text='Computing backbone features',
                )
            )
    ok = [i for i in range(n) if hashes[i] is not None and i not in bad]
    if not dest or not ok:
        return ExtractResult(np.empty((0, v), dtype=store_dtype), [], errors, total,
                             time.perf_counter() - t0)
    data = dest[0]
    for r, i in enumerate(ok):  # close the gaps of photos that failed to decode (rows move up)
        if row_of[i] != r:
            data[r] = data[row_of[i]]
    return ExtractResult(data[:len(ok)], ok, errors, total, time.perf_counter() - t0)


def _result_array(shape: tuple[int, ...], dtype, cache: FeatureCache | None) -> np.ndarray:
    """An array for the outputs: in RAM, or above :data:`RAM_BUDGET` a memory-mapped file."""
    nbytes = int(np.prod(shape)) * np.dtype(dtype).itemsize
    if nbytes <= RAM_BUDGET or cache is None:
        return np.empty(shape, dtype=dtype)
    cache.dir.mkdir(parents=True, exist_ok=True)
    # a private file per call: two extractions with the same key (training
    # and validation photos) must not share it
    fd, name = tempfile.mkstemp(dir=cache.dir, prefix='.run-', suffix='.npy')
    os.close(fd)
    data = np.lib.format.open_memmap(name, mode='w+', dtype=dtype, shape=shape)
    if os.name != 'nt':
        os.unlink(name)  # the mapping stays valid; the disk space goes with it
    return data
