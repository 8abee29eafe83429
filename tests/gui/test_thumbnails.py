"""Thumbnails: made off the GUI thread, cached on disk, newest request first."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap

from petcognizer.gui import thumbnails
from petcognizer.gui.thumbnails import (
    THUMB_SIZE,
    ThumbnailLoader,
    ThumbnailModel,
    decode_paths_mime,
    encode_paths_mime,
    make_thumbnail,
    thumbnail_cache_path,
)


from photos import make_photo  # noqa: E402


def test_make_thumbnail_caches_on_disk_and_rekeys_on_change(tmp_path):
    photo = make_photo(tmp_path / 'a.jpg', size=(640, 480))
    cache = tmp_path / 'thumbs'
    image = make_thumbnail(photo, cache)
    assert max(image.width(), image.height()) == THUMB_SIZE
    cached = thumbnail_cache_path(photo, cache)
    assert cached.is_file() and cached.parent.parent == cache
    # second call reads the cache (even if the photo could no longer be decoded)
    again = make_thumbnail(photo, cache)
    assert again.size() == image.size()
    # a changed file gets a new key
    st = photo.stat()
    os.utime(photo, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000))
    assert thumbnail_cache_path(photo, cache) != cached


def test_make_thumbnail_refuses_a_broken_file(tmp_path):
    bad = tmp_path / 'fake.jpg'
    bad.write_text('not a photo')
    with pytest.raises(ValueError, match='fake.jpg'):
        make_thumbnail(bad, tmp_path / 'thumbs')


def test_paths_mime_round_trip(tmp_path):
    paths = [tmp_path / 'a b.jpg', tmp_path / 'ünï.png']
    assert decode_paths_mime(encode_paths_mime(paths)) == paths


def test_model_shows_placeholder_then_thumbnail_and_broken_tile(qtbot, tmp_path):
    good = make_photo(tmp_path / 'good.png')
    bad = tmp_path / 'bad.jpg'
    bad.write_bytes(b'\xff\xd8\xff' + b'\0' * 50)
    loader = ThumbnailLoader(tmp_path / 'thumbs')
    model = ThumbnailModel(loader)
    model.set_paths([good, bad])
    try:
        first = model.data(model.index(0), Qt.ItemDataRole.DecorationRole)
        assert isinstance(first, QPixmap)
        model.data(model.index(1), Qt.ItemDataRole.DecorationRole)
        qtbot.waitUntil(lambda: model.has_thumbnail(good) and bool(model.error_of(bad)), timeout=5000)
        assert model.data(model.index(0), Qt.ItemDataRole.DecorationRole).width() == 48
        assert 'bad.jpg' in model.data(model.index(1), Qt.ItemDataRole.ToolTipRole)
        assert list((tmp_path / 'thumbs').rglob('*.jpg'))
        assert model.data(model.index(0), Qt.ItemDataRole.DisplayRole) == 'good.png'
    finally:
        assert loader.shutdown(5000)


def test_loader_is_lifo_and_deduplicates(qtbot, tmp_path, monkeypatch):
    gate = threading.Event()
    order: list[str] = []

    def fake(path, cache_dir, size=THUMB_SIZE):
        order.append(Path(path).name)
        if len(order) == 1:
            gate.wait(5)
        from PySide6.QtGui import QImage

        img = QImage(4, 4, QImage.Format.Format_RGB888)
        img.fill(0)
        return img

    monkeypatch.setattr(thumbnails, 'make_thumbnail', fake)
    loader = ThumbnailLoader(None, max_threads=1)
    try:
        loader.request(tmp_path / 'a')
        deadline = time.monotonic() + 5
        while not order and time.monotonic() < deadline:
            time.sleep(0.005)
        for name in 'bcdb':  # b asked twice: once in the queue, moved to the top
            loader.request(tmp_path / name)
        gate.set()
        assert loader.wait_idle(5000)
    finally:
        loader.shutdown(5000)
    assert order == ['a', 'b', 'd', 'c']


def test_only_painted_rows_are_requested(qtbot, tmp_path, monkeypatch):
    """10,000 photos: the grid asks only for the rows it shows."""
    from petcognizer.gui.data_page import ThumbnailGrid

    loader = ThumbnailLoader(tmp_path / 'thumbs')
    asked: list[str] = []
    monkeypatch.setattr(loader, 'request', lambda p: asked.append(os.fspath(p)))
    model = ThumbnailModel(loader)
    grid = ThumbnailGrid()
    qtbot.addWidget(grid)
    grid.setModel(model)
    grid.resize(800, 600)
    t0 = time.perf_counter()
    model.set_paths([tmp_path / f'photo_{i:05d}.jpg' for i in range(10_000)])
    grid.show()
    qtbot.waitExposed(grid)
    qtbot.waitUntil(lambda: len(asked) > 0, timeout=5000)
    assert time.perf_counter() - t0 < 5
    assert 0 < len(set(asked)) < 300
    grid.scrollToBottom()
    qtbot.waitUntil(lambda: any('photo_09999' in a for a in asked), timeout=5000)
    loader.shutdown(5000)
