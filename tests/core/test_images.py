"""Every format we accept and every way a photo file can be broken."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from photos import make_photo
from PIL import Image

from petcognizer.core.images import (
    IMAGE_EXTENSIONS,
    ImageError,
    is_hidden,
    is_image_name,
    load_rgb,
    verify_image,
)


def _png_header_only(path: Path, width: int, height: int) -> Path:
    """A tiny PNG whose header declares a huge size (a decompression bomb, cheaply)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack('>I', len(data)) + body + struct.pack('>I', zlib.crc32(body))

    ihdr = struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b'\x00' * 16)
    path.write_bytes(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + chunk(b'IDAT', idat) + chunk(b'IEND', b''))
    return path


@pytest.mark.parametrize(
    'ext,fmt',
    [('.jpg', 'JPEG'), ('.png', 'PNG'), ('.webp', 'WEBP'), ('.bmp', 'BMP'), ('.gif', 'GIF'), ('.tiff', 'TIFF')],
)
def test_every_format_loads_as_rgb(tmp_path, ext, fmt):
    path = make_photo(tmp_path / f'a{ext}', size=(30, 20), fmt=fmt)
    img = load_rgb(path)
    assert img.mode == 'RGB' and img.size == (30, 20)
    assert verify_image(path) == (30, 20)
    assert ext in IMAGE_EXTENSIONS


def test_gif_gives_first_frame(tmp_path):
    frames = [Image.new('RGB', (16, 16), c) for c in [(255, 0, 0), (0, 0, 255)]]
    path = tmp_path / 'anim.gif'
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=50, loop=0)
    r, g, b = load_rgb(path).getpixel((8, 8))
    assert r > 200 and b < 50


def test_sixteen_bit_png(tmp_path):
    import numpy as np

    arr = np.full((10, 12), 60000, dtype=np.uint16)
    path = tmp_path / 'deep.png'
    Image.fromarray(arr).save(path)
    img = load_rgb(path)
    assert img.mode == 'RGB' and img.size == (12, 10)
    assert img.getpixel((0, 0))[0] > 200  # 60000/65535 of full scale, not clipped or black


def test_cmyk_jpeg(tmp_path):
    path = tmp_path / 'print.jpg'
    Image.new('CMYK', (20, 10), (0, 255, 255, 0)).save(path)
    img = load_rgb(path)
    assert img.mode == 'RGB' and img.size == (20, 10)
    r, g, b = img.getpixel((5, 5))
    assert r > 200 and g < 80


def test_palette_with_transparency_goes_onto_white(tmp_path):
    img = Image.new('P', (10, 10), 0)
    img.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    img.putpixel((0, 0), 1)
    path = tmp_path / 'pal.png'
    img.save(path, transparency=0)
    out = load_rgb(path)
    assert out.getpixel((5, 5)) == (255, 255, 255)
    assert out.getpixel((0, 0)) == (255, 0, 0)


def test_rgba_and_greyscale(tmp_path):
    Image.new('RGBA', (8, 8), (0, 0, 0, 0)).save(tmp_path / 'a.png')
    Image.new('L', (8, 8), 128).save(tmp_path / 'l.png')
    assert load_rgb(tmp_path / 'a.png').getpixel((1, 1)) == (255, 255, 255)
    assert load_rgb(tmp_path / 'l.png').getpixel((1, 1)) == (128, 128, 128)


def test_exif_rotation_is_applied(tmp_path):
    img = Image.new('RGB', (40, 20), (10, 200, 10))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    path = tmp_path / 'phone.jpg'
    img.save(path, exif=exif.tobytes())
    assert load_rgb(path).size == (20, 40)
    assert verify_image(path) == (20, 40)


def test_verify_image_returns_full_size_for_big_jpeg(tmp_path):
    # load with a draft decodes a smaller JPEG; the reported size must still be the full one.
    path = make_photo(tmp_path / 'big.jpg', size=(1024, 768))
    assert verify_image(path) == (1024, 768)
    assert load_rgb(path, draft_size=64).size[0] < 1024


def test_truncated_jpeg_is_refused(tmp_path):
    good = make_photo(tmp_path / 'good.jpg', size=(256, 256))
    data = good.read_bytes()
    bad = tmp_path / 'cut.jpg'
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageError) as info:
        verify_image(bad)
    assert 'cut.jpg' in str(info.value)
    assert 'truncated' in info.value.reason or 'damaged' in info.value.reason


@pytest.mark.parametrize('cut', ['half', 100])
@pytest.mark.parametrize('reader', [verify_image, load_rgb], ids=['verify_image', 'load_rgb'])
def test_truncated_jpeg_has_one_wording(tmp_path, cut, reader):
    # Cut at 100 bytes Pillow fails while reading the header ('Truncated File Read', from
    # Image.open); cut in half it fails while decoding: both must read the same.
    good = make_photo(tmp_path / 'good.jpg', size=(256, 256))
    data = good.read_bytes()
    bad = tmp_path / 'cut.jpg'
    bad.write_bytes(data[: len(data) // 2 if cut == 'half' else cut])
    with pytest.raises(ImageError) as info:
        reader(bad)
    assert info.value.reason == 'file is truncated (an incomplete copy or download); copy it again'
    assert str(info.value).startswith(str(bad))


@pytest.mark.parametrize(
    'name,content',
    [('text.jpg', b'hello, I am not a photo\n'), ('empty.png', b''), ('noise.webp', bytes(range(256)) * 4)],
)
def test_non_images_with_image_extensions_are_refused(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImageError) as info:
        load_rgb(path)
    assert name in str(info.value)


def test_corrupt_png_body(tmp_path):
    path = make_photo(tmp_path / 'x.png', size=(64, 64))
    data = bytearray(path.read_bytes())
    at = data.index(b'IDAT') + 12  # inside the compressed pixel data
    data[at : at + 30] = b'\xff' * 30
    path.write_bytes(bytes(data))
    with pytest.raises(ImageError):
        verify_image(path)


@pytest.mark.parametrize('size', [(20000, 20000), (11000, 10000)])
def test_decompression_bomb_header_is_refused(tmp_path, size):
    path = _png_header_only(tmp_path / 'bomb.png', *size)
    assert path.stat().st_size < 200
    with pytest.raises(ImageError) as info:
        verify_image(path)
    assert 'too large' in info.value.reason


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ImageError, match='not found'):
        load_rgb(tmp_path / 'nope.jpg')
    with pytest.raises(ImageError):
        load_rgb(tmp_path)


def test_odd_names(tmp_path):
    for name in ['my cat 100%.JPEG', 'Katze größe ñ 猫.png', 'UPPER.PnG']:
        path = make_photo(tmp_path / name, fmt='JPEG' if name.endswith('JPEG') else 'PNG')
        assert is_image_name(path)
        assert load_rgb(path).size == (48, 40)


def test_hidden_and_system_names():
    for name in ['.DS_Store', '._a.jpg', '.hidden.jpg', 'Thumbs.db', 'desktop.ini', '~$doc.jpg']:
        assert is_hidden(name) and not is_image_name(name)
    assert not is_hidden('cat.jpg') and is_image_name('cat.JPG')
    assert not is_image_name('notes.txt')


def test_source_file_is_not_modified(tmp_path):
    path = make_photo(tmp_path / 'a.jpg')
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    load_rgb(path)
    verify_image(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
