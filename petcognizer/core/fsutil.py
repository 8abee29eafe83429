"""Crash-safe file writes shared by projects, settings and caches."""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from pathlib import Path

__all__ = ['CHUNK', 'atomic_write_text', 'commit_file', 'copy_hashing', 'fsync_dir', 'hash_file']


def fsync_dir(path: Path) -> None:
    """Flush a folder's entry list (so a rename survives a power cut); no-op on Windows."""
    if os.name == 'nt':
        return
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write_text(path: os.PathLike | str, text: str, *, tmp_prefix: str = '.tmp-') -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder.

    The temporary file is flushed and fsynced, then renamed over ``path``
    (atomic on every platform Python supports), so a reader, or the next start
    after a crash, sees either the old file or the new one, never a mix. On any
    error the temporary file is removed and the old file is left as it was.
    """
    path = Path(path)
    tmp = path.parent / f'{tmp_prefix}{uuid.uuid4().hex}{path.suffix}'
    try:
        with open(tmp, 'x', encoding='utf-8') as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


def commit_file(tmp: os.PathLike | str, dst: os.PathLike | str) -> None:
    """Make a fully written temporary file durable, then rename it over ``dst``.

    For files written by other libraries (safetensors, torch, ONNX): their data
    is fsynced before the rename, so after a power cut ``dst`` is either the old
    file or the complete new one, never an empty name.
    """
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, dst)
    fsync_dir(Path(dst).parent)


#: Read size for hashing and copying.
CHUNK = 1 << 20


def hash_file(path: os.PathLike | str) -> str:
    """SHA-256 hex digest of a file's content: the one content hash of petcognizer.

    The project indexes photos by it (so a photo is hashed once, at import),
    the feature cache keys on it, and imported weights are checked with it.
    Raises OSError as ``open`` does.
    """
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def copy_hashing(src: os.PathLike | str, dst: os.PathLike | str) -> str:
    """Copy ``src`` to the new file ``dst`` (exclusive create, fsynced); return its SHA-256."""
    digest = hashlib.sha256()
    with open(src, 'rb') as fin, open(dst, 'xb') as fout:
        while chunk := fin.read(CHUNK):
            digest.update(chunk)
            fout.write(chunk)
        fout.flush()
        os.fsync(fout.fileno())
    return digest.hexdigest()
