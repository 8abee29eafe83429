"""Every colour mode Pillow opens decodes to the right 8-bit RGB (issue 9), never to black.

Each test writes a file in that mode with known values and checks decoded
pixels against what they should be (within a rounding tolerance).
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from petcognizer.core.images import load_rgb


def _grey(img: Image.Image, x: int, y: int) -> int:
    r, g, b = img.getpixel((x, y))
    assert abs(r - g) <= 1 and abs(g - b) <= 1, (r, g, b)
    return r


def _ramp(width: int, top: float, dtype) -> np.ndarray:
    """Two rows of a left-to-right ramp from 0 to ``top``."""
    row = np.linspace(0.0, top, width)
    return np.stack([row, row]).astype(dtype)


def _save(arr_or_img, path, mode=None, **kw):
    img = arr_or_img if isinstance(arr_or_img, Image.Image) else Image.fromarray(arr_or_img, mode)
    img.save(path, **kw)
    with Image.open(path) as back:
        return back.mode


@pytest.mark.parametrize('top', [1.0, 255.0])
def test_float_tiff_is_scaled_by_its_range_not_clipped_to_black(tmp_path, top):
    path = tmp_path / 'float.tif'
    assert _save(_ramp(11, top, np.float32), path, 'F') == 'F'
    img = load_rgb(path)
    assert img.mode == 'RGB' and img.size == (11, 2)
    # 0 .. top maps to 0 .. 255, linearly
    for x in range(11):
        assert abs(_grey(img, x, 0) - 255 * x / 10) <= 1.5, x


def test_float_tiff_with_negative_values_is_stretched(tmp_path):
    path = tmp_path / 'signed.tif'
    arr = _ramp(11, 2.0, np.float32) - 1.0  # -1 .. 1
    _save(arr, path, 'F')
    img = load_rgb(path)
    assert _grey(img, 0, 0) <= 1 and _grey(img, 10, 0) >= 254 and abs(_grey(img, 5, 0) - 128) <= 2


def test_float_tiff_with_nan_and_infinity(tmp_path):
    path = tmp_path / 'nan.tif'
    arr = _ramp(11, 1.0, np.float32)
    arr[0, 3], arr[0, 4], arr[0, 5] = np.nan, np.inf, -np.inf
    _save(arr, path, 'F')
    img = load_rgb(path)
    assert _grey(img, 10, 0) >= 254 and abs(_grey(img, 7, 1) - 178) <= 2
    assert _grey(img, 4, 0) >= 254 and _grey(img, 5, 0) <= 1  # +inf -> the max, -inf -> the min


def test_all_nan_float_is_black_not_an_error(tmp_path):
    path = tmp_path / 'allnan.tif'
    _save(np.full((3, 4), np.nan, np.float32), path, 'F')
    assert load_rgb(path).getpixel((1, 1)) == (0, 0, 0)


@pytest.mark.parametrize('mode,ext', [('I;16', '.png'), ('I;16', '.tif'), ('I;16B', '.tif')])
def test_sixteen_bit_greyscale(tmp_path, mode, ext):
    path = tmp_path / f'deep{ext}'
    img = Image.new(mode, (11, 2))
    for x in range(11):
        for y in range(2):
            img.putpixel((x, y), round(65535 * x / 10))
    _save(img, path)
    out = load_rgb(path)
    for x in range(11):
        assert abs(_grey(out, x, 1) - 255 * x / 10) <= 1.5, (mode, x)


def test_twelve_bit_data_in_sixteen_bits_is_not_dark(tmp_path):
    path = tmp_path / 'sensor.png'
    _save(_ramp(11, 4095, np.uint16), path)
    out = load_rgb(path)
    assert _grey(out, 10, 0) >= 254 and abs(_grey(out, 5, 0) - 128) <= 2


@pytest.mark.parametrize('top', [255, 65535, 1_000_000])
def test_thirty_two_bit_integer(tmp_path, top):
    path = tmp_path / 'int.tif'
    assert _save(_ramp(11, top, np.int32), path, 'I') == 'I'
    out = load_rgb(path)
    for x in range(11):
        assert abs(_grey(out, x, 0) - 255 * x / 10) <= 1.5, (top, x)


def test_one_bit(tmp_path):
    img = Image.new('1', (8, 4), 0)
    img.putpixel((2, 1), 1)
    for ext in ('.png', '.tif', '.bmp'):
        path = tmp_path / f'bits{ext}'
        assert _save(img, path) == '1'
        out = load_rgb(path)
        assert out.getpixel((2, 1)) == (255, 255, 255) and out.getpixel((0, 0)) == (0, 0, 0)


@pytest.mark.parametrize('ext', ['.png', '.tif'])
def test_la_goes_onto_white(tmp_path, ext):
    img = Image.new('LA', (6, 4), (100, 255))
    img.putpixel((0, 0), (0, 0))      # transparent -> white
    img.putpixel((1, 0), (0, 128))    # half -> grey
    path = tmp_path / f'la{ext}'
    assert _save(img, path) == 'LA'
    out = load_rgb(path)
    assert out.getpixel((3, 3)) == (100, 100, 100)
    assert out.getpixel((0, 0)) == (255, 255, 255)
    assert abs(_grey(out, 1, 0) - 127) <= 2


def test_pa_goes_onto_white(tmp_path):
    img = Image.new('PA', (6, 4))
    img.putpalette([0, 0, 0, 200, 30, 30] + [0] * 762)
    for x in range(6):
        for y in range(4):
            img.putpixel((x, y), (1, 255))
    img.putpixel((0, 0), (1, 0))
    path = tmp_path / 'pa.tif'
    assert _save(img, path) == 'PA'
    out = load_rgb(path)
    assert out.getpixel((3, 3)) == (200, 30, 30) and out.getpixel((0, 0)) == (255, 255, 255)


@pytest.mark.parametrize('ext', ['.tif', '.jpg'])
def test_cmyk(tmp_path, ext):
    path = tmp_path / f'print{ext}'
    Image.new('CMYK', (16, 8), (0, 255, 255, 0)).save(path)  # pure red ink
    out = load_rgb(path)
    r, g, b = out.getpixel((5, 5))
    assert r > 200 and g < 60 and b < 60


def test_palette_png_with_transparency_index(tmp_path):
    img = Image.new('P', (6, 4), 1)
    img.putpalette([9, 9, 9, 30, 60, 220] + [0] * 762)
    img.putpixel((0, 0), 0)
    path = tmp_path / 'pal.png'
    img.save(path, transparency=0)
    out = load_rgb(path)
    assert out.getpixel((0, 0)) == (255, 255, 255) and out.getpixel((3, 3)) == (30, 60, 220)


@pytest.mark.parametrize('mode', ['YCbCr', 'LAB'])
def test_other_colour_spaces_in_tiff(tmp_path, mode):
    rgb = Image.new('RGB', (8, 4), (200, 200, 200))
    path = tmp_path / f'{mode}.tif'
    assert _save(rgb.convert(mode) if mode != 'LAB' else Image.new('LAB', (8, 4), (80, 128, 128)),
                 path) == mode
    out = load_rgb(path)
    assert out.mode == 'RGB' and sum(out.getpixel((2, 2))) > 150  # a light grey, not black


def test_rgba_sixteen_bit_png(tmp_path):
    arr = np.zeros((4, 6, 4), np.uint16)
    arr[..., 0] = 65535
    arr[..., 3] = 65535
    # Pillow has no 16-bit RGBA mode: write it with the PNG encoder's raw mode
    img = Image.frombytes('RGBA', (6, 4), (arr >> 8).astype(np.uint8).tobytes())
    path = tmp_path / 'rgba.png'
    img.save(path)
    assert load_rgb(path).getpixel((2, 2)) == (255, 0, 0)
