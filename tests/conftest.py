"""Shared fixtures: offscreen Qt, isolated settings and caches, synthetic photos.

Every test runs offline on the CPU. Photos are made here with PIL; nothing
reads ../shared.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')
os.environ.setdefault('PETCOGNIZER_DEVICE', 'cpu')

import pytest  # noqa: E402

from photos import COLOURS, make_photo  # noqa: E402  (shared with test modules)


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Settings, torch hub cache and feature caches never touch the real home."""
    base = tmp_path_factory.mktemp('user')
    monkeypatch.setenv('PETCOGNIZER_CONFIG', str(base / 'settings.json'))
    monkeypatch.setenv('PETCOGNIZER_CACHE', str(base / 'cache'))
    monkeypatch.setenv('TORCH_HOME', str(base / 'torch'))
    yield


@pytest.fixture
def photo_tree(tmp_path) -> Path:
    """A folder of class folders: red/, green/, blue/ with 6 photos each."""
    root = tmp_path / 'photos'
    for name, colour in COLOURS.items():
        for i in range(6):
            make_photo(root / name / f'{name}_{i}.png', colour, noise_seed=i + 100 * len(name))
    return root
