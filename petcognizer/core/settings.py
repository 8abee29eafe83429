"""Per-user app settings (recent projects, last choices, window geometry), Qt-free.

Stored as JSON at ``$PETCOGNIZER_CONFIG`` if set, else in the platform's user
config folder. A missing, corrupt or unreadable file gives the defaults: a bad
settings file must never stop the app from starting.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

from petcognizer.core.fsutil import atomic_write_text

__all__ = [
    'MAX_RECENT',
    'AppSettings',
    'cache_root',
    'default_projects_dir',
    'feature_cache_root',
    'folder_name',
    'free_project_path',
    'load_settings',
    'save_settings',
    'settings_path',
]

MAX_RECENT = 10
_APP = 'petcognizer'


@dataclass
class AppSettings:
    """Settings that belong to the user, not to a project.

    Attributes:
        schema_version: format of the settings file.
        recent_projects: project folders, most recent first (at most :data:`MAX_RECENT`).
        last_backbone: backbone chosen last, or None.
        last_export_dir: folder of the last export, or None.
        window_geometry: main-window geometry as base64 text from the GUI, or None.
        projects_dir: where "New project" puts new projects (None: :func:`default_projects_dir`).
        last_project: the project open when the app last closed (reopened on start), or None.
        extra: anything else a module wants to remember (JSON-able).
    """

    schema_version: int = 1
    recent_projects: list[str] = field(default_factory=list)
    last_backbone: str | None = None
    last_export_dir: str | None = None
    window_geometry: str | None = None
    projects_dir: str | None = None
    last_project: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def add_recent(self, path: os.PathLike | str) -> None:
        """Put a project folder first in :attr:`recent_projects` (no duplicates, at most 10)."""
        p = os.path.abspath(os.fspath(path))
        key = os.path.normcase(p)
        rest = [r for r in self.recent_projects if os.path.normcase(os.path.abspath(r)) != key]
        self.recent_projects = [p, *rest][:MAX_RECENT]

    @classmethod
    def from_dict(cls, data: Any) -> AppSettings:
        """Build settings from loaded JSON, keeping each well-formed field and defaulting the rest."""
        s = cls()
        if not isinstance(data, dict):
            return s
        recent = data.get('recent_projects')
        if isinstance(recent, list):
            s.recent_projects = [r for r in recent if isinstance(r, str) and r][:MAX_RECENT]
        for name in ('last_backbone', 'last_export_dir', 'window_geometry', 'projects_dir', 'last_project'):
            value = data.get(name)
            if isinstance(value, str):
                setattr(s, name, value)
        if isinstance(data.get('extra'), dict):
            s.extra = data['extra']
        return s


def default_projects_dir(s: AppSettings | None = None) -> Path:
    """Where new projects go: the folder the user chose last, else ``~/petcognizer``."""
    if s is not None and s.projects_dir:
        return Path(s.projects_dir).expanduser()
    return Path.home() / _APP


_BAD_CHARS = '<>:"/\\|?*'


def folder_name(name: str) -> str:
    """A project name as a folder name: trimmed, no path separators or characters Windows refuses.

    Returns '' if nothing usable is left (the caller says "type a name").
    """
    cleaned = ''.join('-' if (c in _BAD_CHARS or ord(c) < 32) else c for c in name.strip())
    cleaned = cleaned.strip(' .-')
    return cleaned[:120] if any(c.isalnum() for c in cleaned) else ''


def free_project_path(parent: os.PathLike | str, name: str) -> Path:
    """``parent / name``, or ``name 2``, ``name 3``... if that exists already (never an existing folder).

    Raises:
        ValueError: if ``name`` has nothing usable as a folder name.
    """
    base = folder_name(name)
    if not base:
        raise ValueError('Type a name for the project (letters or numbers).')
    parent = Path(parent).expanduser()
    candidate = parent / base
    n = 2
    while candidate.exists() or candidate.is_symlink():
        candidate = parent / f'{base} {n}'
        n += 1
    return candidate


def settings_path() -> Path:
    """Where the settings file lives."""
    env = os.environ.get('PETCOGNIZER_CONFIG')
    if env:
        return Path(env)
    return Path(platformdirs.user_config_dir(_APP)) / 'settings.json'


def cache_root() -> Path:
    """Per-user cache folder (``$PETCOGNIZER_CACHE`` or the platform's user cache folder)."""
    env = os.environ.get('PETCOGNIZER_CACHE')
    if env:
        return Path(env)
    return Path(platformdirs.user_cache_dir(_APP))


def feature_cache_root(project=None) -> Path:
    """Where the feature cache lives: ``<project>/.cache/features`` for a project (any
    object with a ``cache_dir``), else ``features/`` in the per-user cache folder."""
    if project is not None:
        return Path(project.cache_dir) / 'features'
    return cache_root() / 'features'


def load_settings() -> AppSettings:
    """Read the settings; defaults if the file is missing, corrupt or unreadable."""
    try:
        data = json.loads(settings_path().read_text(encoding='utf-8'))
    except (OSError, ValueError):
        return AppSettings()
    return AppSettings.from_dict(data)


def save_settings(s: AppSettings) -> None:
    """Write the settings atomically (temp file in the same folder, fsync, replace).

    Raises:
        OSError: if the folder cannot be written (callers may ignore it).
    """
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    known = {f.name for f in fields(AppSettings)}
    data = {k: v for k, v in asdict(s).items() if k in known}
    text = json.dumps(data, indent=2, ensure_ascii=False) + '\n'
    atomic_write_text(path, text, tmp_prefix=f'.{path.name}.')
