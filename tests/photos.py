"""Synthetic photos for tests (importable as ``photos`` from any test module)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

#: Colours that the tiny test backbone separates easily.
COLOURS = {
    'red': (220, 40, 40),
    'green': (40, 200, 60),
    'blue': (40, 60, 220),
}


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
