"""Hypothesis fuzzing of the decoder (issue 9): whatever the bytes, only ImageError comes out.

Generated images in every mode each format writes, sizes including strips,
then truncations, byte flips, garbage inserts and patched header sizes of the
real encoding. The default run tries a small number of examples (see
``FUZZ_EXAMPLES``); ``bench/fuzz_decoder.py`` runs thousands and measures time
and memory. Set ``PETCOGNIZER_FUZZ_EXAMPLES`` for a longer run here.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from petcognizer.core.data import Preprocess
from petcognizer.core.images import ImageError, load_rgb, verify_image

FUZZ_EXAMPLES = int(os.environ.get('PETCOGNIZER_FUZZ_EXAMPLES', '100'))

#: The modes each format can write with Pillow.
FORMAT_MODES = {
    'PNG': ['1', 'L', 'LA', 'P', 'RGB', 'RGBA', 'I;16', 'I;16B'],
    'JPEG': ['L', 'RGB', 'CMYK'],
    'TIFF': ['1', 'L', 'LA', 'P', 'PA', 'RGB', 'RGBA', 'CMYK', 'YCbCr', 'LAB', 'I', 'I;16', 'I;16B', 'F'],
    'WEBP': ['RGB', 'RGBA'],
    'BMP': ['1', 'L', 'P', 'RGB'],
    'GIF': ['L', 'P'],
}
EXT = {'PNG': '.png', 'JPEG': '.jpg', 'TIFF': '.tif', 'WEBP': '.webp', 'BMP': '.bmp', 'GIF': '.gif'}
PRE = Preprocess(32, 40, (0.5,) * 3, (0.5,) * 3)


def encode(fmt: str, mode: str, size: tuple[int, int], seed: int) -> bytes:
    """A random image of ``mode`` and ``size`` in ``fmt`` (raw random bytes: NaN floats included)."""
    rng = np.random.default_rng(seed)
    n = len(Image.new(mode, (1, 1)).tobytes()) * size[0] * size[1] if mode != '1' else (size[0] + 7) // 8 * size[1]
    img = Image.frombytes(mode, size, rng.integers(0, 256, n, dtype=np.uint8).tobytes())
    if mode in ('P', 'PA'):
        img.putpalette(rng.integers(0, 256, 768, dtype=np.uint8).tolist())
    buf = io.BytesIO()
    kwargs = {'transparency': 0} if mode == 'P' and fmt == 'PNG' and seed % 2 else {}
    img.save(buf, fmt, **kwargs)
    return buf.getvalue()


def mutate(data: bytes, kind: str, rng: np.random.Generator) -> bytes:
    """One kind of damage to an encoding."""
    b = bytearray(data)
    if kind == 'truncate':
        return bytes(b[: int(rng.integers(0, max(1, len(b))))])
    if kind == 'flip':
        for _ in range(int(rng.integers(1, 9))):
            b[int(rng.integers(0, len(b)))] ^= 1 << int(rng.integers(0, 8))
        return bytes(b)
    if kind == 'garbage':
        at = int(rng.integers(0, len(b) + 1))
        return bytes(b[:at]) + rng.integers(0, 256, int(rng.integers(1, 64)), dtype=np.uint8).tobytes() + bytes(b[at:])
    if kind == 'header':
        # overwrite a 4-byte run near the start (where formats keep width/height) with a big number
        at = int(rng.integers(0, min(len(b), 64)))
        b[at:at + 4] = int(rng.choice([0, 1, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF, 50_000])).to_bytes(4, 'big')
        return bytes(b)
    return bytes(b)


def check_decodes_or_refuses(path: Path) -> None:
    """load_rgb / verify_image give an RGB image or ImageError; nothing else may escape."""
    for call in (lambda: load_rgb(path), lambda: load_rgb(path, draft_size=40), lambda: verify_image(path)):
        try:
            out = call()
        except ImageError as exc:
            assert exc.reason and str(path) in str(exc)
            continue
        if isinstance(out, Image.Image):
            assert out.mode == 'RGB' and min(out.size) >= 1
            PRE(out)  # and it preprocesses
        else:
            assert len(out) == 2 and min(out) >= 1


sizes = st.one_of(
    st.tuples(st.integers(1, 48), st.integers(1, 48)),
    st.tuples(st.just(1), st.integers(50, 3000)),  # strips, both ways
    st.tuples(st.integers(50, 3000), st.just(1)),
)
cases = st.sampled_from(sorted(FORMAT_MODES)).flatmap(
    lambda fmt: st.tuples(st.just(fmt), st.sampled_from(FORMAT_MODES[fmt]))
)


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(case=cases, size=sizes, seed=st.integers(0, 2**16),
       damage=st.sampled_from(['none', 'truncate', 'flip', 'garbage', 'header']))
def test_decoder_only_raises_image_error(case, size, seed, damage):
    fmt, mode = case
    try:
        data = encode(fmt, mode, size, seed)
    except (OSError, ValueError):
        return  # a combination this Pillow cannot write
    data = mutate(data, damage, np.random.default_rng(seed))
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f'fuzz{EXT[fmt]}'
        path.write_bytes(data)
        check_decodes_or_refuses(path)


@settings(max_examples=max(10, FUZZ_EXAMPLES // 4), deadline=None, database=None)
@given(data=st.binary(max_size=512), ext=st.sampled_from(sorted(EXT.values())))
def test_random_bytes_only_raise_image_error(data, ext):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f'noise{ext}'
        path.write_bytes(data)
        check_decodes_or_refuses(path)


#: Deep greyscale modes, the file format that stores each, and the usual full scales of its values.
DEEP = {'F': ('TIFF', np.float32, (1.0, 255.0, 65535.0)), 'I': ('TIFF', np.int32, (255, 4095, 65535)),
        'I;16': ('PNG', np.uint16, (255, 4095, 65535)), 'I;16B': ('TIFF', '>u2', (255, 4095, 65535))}


@settings(max_examples=max(20, FUZZ_EXAMPLES // 2), deadline=None, database=None)
@given(mode=st.sampled_from(sorted(DEEP)), scale=st.integers(0, 2), hi_frac=st.floats(0.25, 1.0),
       lo_frac=st.floats(0.0, 0.5), negative=st.booleans(), width=st.integers(2, 300))
def test_deep_greyscale_ramps_keep_their_contrast(mode, scale, hi_frac, lo_frac, negative, width):
    """A ramp in a 16-bit, 32-bit or float image decodes to a rising ramp with the contrast it has.

    Non-negative values are read against the usual full scale that holds them
    (1.0, 255, 4095, 65535), so a ramp from lo to hi keeps at least
    255 * (hi - lo) / scale of contrast; signed floats are stretched from min to max.
    """
    fmt, dtype, scales = DEEP[mode]
    top = scales[scale]
    hi = top * hi_frac
    lo = hi * lo_frac
    if negative and mode == 'F':
        lo = -hi
    row = np.linspace(lo, hi, width)
    if np.dtype(dtype).kind in 'iu':
        row = np.round(row)
    arr = np.stack([row] * 3).astype(dtype)
    img = Image.fromarray(arr) if mode != 'I;16B' else Image.frombytes('I;16B', (width, 3), arr.tobytes())
    assert img.mode == mode
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f'ramp{EXT[fmt]}'
        img.save(path)
        out = np.asarray(load_rgb(path))[1, :, 0].astype(int)
    assert (np.diff(out) >= 0).all(), out
    want = 250 if lo < 0 else 255 * (float(row[-1]) - float(row[0])) / top - 2
    assert out[-1] - out[0] >= want, (out[0], out[-1], want)
