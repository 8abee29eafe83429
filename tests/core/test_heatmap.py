"""Grad-CAM heat maps (petcognizer.core.heatmap) on the tiny colour model."""

from __future__ import annotations

import numpy as np
import pytest
from photos import make_photo
from PIL import Image

from petcognizer.core.heatmap import grad_cam, heatmap_for_file
from petcognizer.core.images import ImageError
from petcognizer.core.model import Ensemble

BLUE = (40, 60, 220)


def patched(path, corner: str, size: int = 40, patch: int = 12):
    """A blue square photo with a white patch in its top-left or bottom-right corner."""
    img = Image.new('RGB', (size, size), BLUE)
    x0 = 0 if corner == 'top-left' else size - patch
    img.paste((255, 255, 255), (x0, x0, x0 + patch, x0 + patch))
    img.save(path)
    return path


def test_map_shape_and_range(tiny_model, tmp_path):
    # tiny_test: input 32, three stride-2 stages -> a 32x32 input gives a 4x4 map
    cam = grad_cam(tiny_model.model, make_photo(tmp_path / 'sq.png', BLUE, size=(40, 40)))
    assert cam.shape == (4, 4)
    assert cam.dtype == np.float32
    assert cam.min() >= 0.0 and cam.max() <= 1.0
    assert cam.max() == pytest.approx(1.0)


def test_map_covers_the_whole_photo(tiny_model, tmp_path):
    # 48x40 -> short side 32, long side 38 (not cropped to a square): 4 rows of 5
    cam = grad_cam(tiny_model.model, make_photo(tmp_path / 'wide.png', BLUE, size=(48, 40)))
    assert cam.shape == (4, 5)
    tall = grad_cam(tiny_model.model, make_photo(tmp_path / 'tall.png', BLUE, size=(40, 48)))
    assert tall.shape == (5, 4)


def test_map_follows_a_patch(tiny_model, tmp_path):
    """A white patch is no evidence of 'blue': the map is lower at the patch's corner."""
    a = grad_cam(tiny_model.model, patched(tmp_path / 'a.png', 'top-left'))
    b = grad_cam(tiny_model.model, patched(tmp_path / 'b.png', 'bottom-right'))
    assert np.abs(a - b).max() > 0.2
    assert a[0, 0] < b[0, 0] - 0.1
    assert b[-1, -1] < a[-1, -1] - 0.1


def test_ensemble_explains_its_first_member(tiny_model, tmp_path):
    photo = patched(tmp_path / 'a.png', 'top-left')
    ensemble = Ensemble([tiny_model.model, tiny_model.model]).eval()
    np.testing.assert_allclose(grad_cam(ensemble, photo), grad_cam(tiny_model.model, photo),
                               atol=1e-6)


def test_heatmap_for_file(tiny_model, tmp_path):
    photo = patched(tmp_path / 'a.png', 'top-left')
    out = heatmap_for_file(tiny_model.path, photo)
    assert set(out) == {'width', 'height', 'values', 'class'}
    assert (out['width'], out['height']) == (4, 4)
    assert len(out['values']) == 4 and all(len(row) == 4 for row in out['values'])
    assert all(isinstance(v, float) and 0.0 <= v <= 1.0 for row in out['values'] for v in row)
    assert out['class'] == 'blue'  # the model's top class for a mostly blue photo
    red = heatmap_for_file(tiny_model.path, photo, 'red')
    assert red['class'] == 'red'
    assert red['values'] != out['values']


def test_heatmap_errors_name_the_problem(tiny_model, tmp_path):
    photo = patched(tmp_path / 'a.png', 'top-left')
    with pytest.raises(ValueError, match="no class 'cat'.*blue, green, red"):
        heatmap_for_file(tiny_model.path, photo, 'cat')
    bad = tmp_path / 'broken.png'
    bad.write_bytes(b'not a photo')
    with pytest.raises(ImageError):
        heatmap_for_file(tiny_model.path, bad)
    with pytest.raises(ValueError, match='out of range'):
        grad_cam(tiny_model.model, photo, 7)
