"""The content-hash index: the SHA-256 of every photo, so a photo is hashed once, when it is imported.

Stored in ``.cache/content-hashes.json`` as ``{"version": 1, "entries": {rel:
[size, mtime_ns, sha256]}}`` where ``rel`` is the photo's POSIX path relative
to the project root. An entry is trusted while the file keeps its size and
mtime_ns (a photo changed by another program is hashed again).

The project finds duplicates with it at import, the feature cache keys on the
same digest (:func:`petcognizer.core.fsutil.hash_file`), and a run in another
process finds a photo moved during the run with :func:`locate_by_digest`.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from pathlib import Path

from petcognizer.core.fsutil import hash_file
from petcognizer.core.project.schema import write_json

__all__ = ['INDEX_NAME', 'HashIndex', 'locate_by_digest', 'read_index']

INDEX_NAME = 'content-hashes.json'

#: [size, mtime_ns, sha256 hex]
Entry = list


def read_index(cache_dir: Path) -> dict[str, Entry]:
    """The stored entries (unverified); empty when the file is missing or damaged."""
    try:
        raw = json.loads((cache_dir / INDEX_NAME).read_text(encoding='utf-8'))
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict) or raw.get('version') != 1 or not isinstance(raw.get('entries'), dict):
        return {}
    return {k: v for k, v in raw['entries'].items()
            if isinstance(k, str) and isinstance(v, list) and len(v) == 3 and isinstance(v[2], str)}


def _matches(entry: Entry, path: Path) -> bool:
    try:
        st = path.stat()
    except OSError:
        return False
    return entry[0] == st.st_size and entry[1] == st.st_mtime_ns


def locate_by_digest(root: Path | str, digest: str) -> Path | None:
    """Where the photo with this SHA-256 is in the project at ``root`` now, from the index on disk.

    Needs no :class:`Project` (a run in another process calls it for a photo
    that was moved or relabelled while it ran). Only photos in a class folder
    or the Unlabelled bin are found, and only while the file still has the
    size and mtime the index recorded; None otherwise.
    """
    root = Path(root)
    for rel, entry in read_index(root / '.cache').items():
        if entry[2] != digest or not (rel.startswith('images/') or rel.startswith('unlabelled/')):
            continue
        path = root / rel
        if _matches(entry, path):
            return path
    return None


class HashIndex:
    """The project's in-memory copy of the index, kept current by the project's own operations.

    The stored entries are read lazily (no hashing); :meth:`complete` hashes
    whatever photo they lack, once, before the first import of a session.
    Entries of trashed photos are kept in memory so an undo restores them
    without hashing again.
    """

    def __init__(self, cache_dir: Path):
        self.cache_dir = cache_dir
        self._entries: dict[str, Entry] | None = None
        self._by_hash: dict[str, str] = {}
        self._complete = False
        self._dirty = False
        self._trashed: dict[str, Entry] = {}

    @property
    def is_complete(self) -> bool:
        """True once every photo of the project has an entry (after :meth:`complete`)."""
        return self._complete

    def _loaded(self) -> dict[str, Entry]:
        if self._entries is None:
            self._entries = read_index(self.cache_dir)
            self._by_hash = {v[2]: k for k, v in self._entries.items()}
        return self._entries

    def forget(self) -> None:
        """Drop the in-memory entries (after outside changes); they are read and checked again when needed."""
        self.save()
        self._entries = None
        self._by_hash = {}
        self._complete = False

    def complete(self, photos: Iterable[tuple[str, Path]]) -> None:
        """Make the index hold exactly ``photos`` ((rel, path) pairs), hashing those not matching their entry."""
        if self._complete:
            return
        stored = self._loaded()
        index: dict[str, Entry] = {}
        dirty = False
        for rel, path in photos:
            try:
                st = path.stat()
            except OSError:
                continue
            entry = stored.get(rel)
            if entry is not None and entry[0] == st.st_size and entry[1] == st.st_mtime_ns:
                index[rel] = entry
                continue
            try:
                index[rel] = [st.st_size, st.st_mtime_ns, hash_file(path)]
            except OSError:
                continue
            dirty = True
        self._dirty = self._dirty or dirty or len(index) != len(stored)
        self._entries = index
        self._by_hash = {v[2]: k for k, v in index.items()}
        self._complete = True

    def find(self, digest: str) -> str | None:
        """The relative path of a photo with this content (meaningful after :meth:`complete`)."""
        return self._by_hash.get(digest) if self._complete else None

    def digest(self, rel: str, path: Path) -> str | None:
        """The recorded SHA-256 of a photo, or None: never hashes (checks size and mtime unless complete)."""
        entry = self._loaded().get(rel)
        if entry is None:
            return None
        return entry[2] if self._complete or _matches(entry, path) else None

    def add(self, rel: str, path: Path, digest: str) -> None:
        """Record a photo just written to ``path`` with this content."""
        entries = self._loaded()
        st = path.stat()
        entries[rel] = [st.st_size, st.st_mtime_ns, digest]
        self._by_hash[digest] = rel
        self._dirty = True

    def _keys(self, old: str, exact: bool) -> list[str]:
        entries = self._loaded()
        if exact:
            return [old] if old in entries else []
        return [k for k in entries if k.startswith(old)]

    def move(self, old: str, new: str, *, exact: bool = False) -> None:
        """A photo (``exact``) or every photo under a folder prefix moved from ``old`` to ``new``."""
        entries = self._loaded()
        for k in self._keys(old, exact):
            entry = entries.pop(k)
            nk = new if exact else new + k[len(old):]
            entries[nk] = entry
            self._by_hash[entry[2]] = nk
            self._dirty = True

    def to_trash(self, old: str, new: str, *, exact: bool = False) -> None:
        """Photos moved into the trash: out of the index, kept in memory under their trash path."""
        entries = self._loaded()
        for k in self._keys(old, exact):
            entry = entries.pop(k)
            if self._by_hash.get(entry[2]) == k:
                del self._by_hash[entry[2]]
            self._trashed[new if exact else new + k[len(old):]] = entry
            self._dirty = True

    def from_trash(self, trashed: str, rel: str, path: Path) -> None:
        """A photo restored from ``trashed`` to ``path``: its old entry comes back (hashed only if unknown)."""
        entry = self._trashed.pop(trashed, None)
        if entry is None and not self._complete:
            return  # hashed with the others by complete(), when an import needs it
        with contextlib.suppress(OSError):
            self.add(rel, path, entry[2] if entry else hash_file(path))

    def save(self) -> None:
        """Write the index if it changed. Only a cache: failing costs a rehash next time, nothing more."""
        if self._entries is None or not self._dirty:
            return
        with contextlib.suppress(OSError):
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            write_json(self.cache_dir / INDEX_NAME, {'version': 1, 'entries': self._entries})
            self._dirty = False
