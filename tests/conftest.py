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
from PIL import Image  # noqa: E402

#: Colours that the tiny test backbone separates easily.
COLOURS = {
    'red': (220, 40, 40),
    'green': (40, 200, 60),
    'blue': (40, 60, 220),
}


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Settings, torch hub cache and feature caches never touch the real home."""
    base = tmp_path_factory.mktemp('user')
    monkeypatch.setenv('PETCOGNIZER_CONFIG', str(base / 'settings.json'))
    monkeypatch.setenv('PETCOGNIZER_CACHE', str(base / 'cache'))
    monkeypatch.setenv('TORCH_HOME', str(base / 'torch'))
    yield


def make_photo(path: Path, colour=(200, 30, 30), size=(48, 40), fmt=None, noise_seed=0) -> Path:
    """Write a solid-colour photo with a little noise so files differ."""
    import random

    rnd = random.Random(noise_seed)
    img = Image.new('RGB', size, colour)
    px = img.load()
    for _ in range(20):
        x, y = rnd.randrange(size[0]), rnd.randrange(size[1])
        px[x, y] = tuple(min(255, max(0, c + rnd.randint(-30, 30))) for c in colour)
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, format=fmt)
    return path


@pytest.fixture
def photo_tree(tmp_path) -> Path:
    """A folder of class folders: red/, green/, blue/ with 6 photos each."""
    root = tmp_path / 'photos'
    for name, colour in COLOURS.items():
        for i in range(6):
            make_photo(root / name / f'{name}_{i}.png', colour, noise_seed=i + 100 * len(name))
    return root
