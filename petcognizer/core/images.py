"""Reading user photos safely: every format we accept, every way it can go wrong.

All image decoding in petcognizer goes through :func:`load_rgb`, so a corrupt,
truncated, huge or foreign file produces one :class:`ImageError` naming the file
and what to do, never a crash.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

__all__ = [
    'IMAGE_EXTENSIONS',
    'MAX_PIXELS',
    'ImageError',
    'is_hidden',
    'is_image_name',
    'load_rgb',
    'verify_image',
]

#: File extensions we accept (lower case). GIF gives its first frame.
IMAGE_EXTENSIONS = frozenset(
    {'.jpg', '.jpeg', '.jpe', '.jfif', '.png', '.webp', '.bmp', '.gif', '.tif', '.tiff'}
)
#: Images above this many pixels are refused as possible decompression bombs
#: (Pillow warns at 89 MP and refuses at twice that; we refuse at 100 MP, a
#: 10,000 x 10,000 photo, which no camera a user owns produces).
MAX_PIXELS = 100_000_000

# Truncated JPEGs are refused, not silently padded with grey.
ImageFile.LOAD_TRUNCATED_IMAGES = False


class ImageError(ValueError):
    """A file that cannot be used as a photo; ``str()`` names it and says what to do."""

    def __init__(self, path: os.PathLike | str, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f'{self.path}: {reason}')


def is_hidden(path: os.PathLike | str) -> bool:
    """Hidden and system files that are never photos (dot files, Thumbs.db, ...)."""
    # plain string operations: this runs for every file of a 10,000-photo project
    name = os.path.basename(os.fspath(path))
    return (
        name.startswith('.')
        or name.startswith('~$')
        or name.lower() in {'thumbs.db', 'desktop.ini', 'icon\r', '.ds_store'}
        or name.startswith('._')
    )


def is_image_name(path: os.PathLike | str) -> bool:
    """True for a visible file whose extension is one we read."""
    name = os.path.basename(os.fspath(path))
    return not is_hidden(name) and os.path.splitext(name)[1].lower() in IMAGE_EXTENSIONS


#: The one wording for a file that ends too early, wherever Pillow notices it.
TRUNCATED_REASON = 'file is truncated (an incomplete copy or download); copy it again'


def _damage_reason(exc: BaseException, opened: bool = False) -> str:
    """The reason for a decoding error: truncated files get one wording everywhere.

    Args:
        exc: what Pillow raised (``OSError`` 'Truncated File Read', 'image file
            is truncated', ``EOFError``...).
        opened: the header was read (the error came while decoding pixels).
    """
    text = str(exc) or type(exc).__name__
    if 'truncated' in text.lower() or isinstance(exc, EOFError):
        return TRUNCATED_REASON
    if opened:
        return f'damaged image data ({text}); re-export or copy it again'
    return f'cannot be read ({text}); it may be damaged'


def _open(path: Path) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # Pillow warns from 89 MP; our own limit (MAX_PIXELS, checked below)
            # decides, so the message always matches the limit it names.
            warnings.simplefilter('ignore', Image.DecompressionBombWarning)
            img = Image.open(path)
    except FileNotFoundError:
        raise ImageError(path, 'file not found; it may have been moved or deleted') from None
    except IsADirectoryError:
        raise ImageError(path, 'is a folder, not a photo') from None
    except PermissionError:
        raise ImageError(path, 'permission denied; check the file can be read') from None
    except Image.DecompressionBombError:
        raise ImageError(
            path, 'image is too large (possible decompression bomb); resize it below 100 megapixels'
        ) from None
    except UnidentifiedImageError:
        raise ImageError(
            path, 'not an image petcognizer can read (JPEG, PNG, WebP, BMP, GIF or TIFF)'
        ) from None
    except (OSError, SyntaxError, EOFError) as exc:
        raise ImageError(path, _damage_reason(exc)) from None
    w, h = img.size
    if w * h > MAX_PIXELS:
        img.close()
        raise ImageError(
            path,
            f'image is too large ({w}x{h} = {w * h / 1e6:.0f} megapixels); '
            'resize it below 100 megapixels',
        )
    if w < 1 or h < 1:
        img.close()
        raise ImageError(path, 'image has no pixels')
    return img


def _to_rgb(img: Image.Image) -> Image.Image:
    """Greyscale, palette, alpha, 16-bit and CMYK to 8-bit RGB; alpha onto white."""
    if img.mode == 'RGB':
        return img
    if img.mode in ('I;16', 'I;16B', 'I;16L', 'I;16N', 'I'):
        # 16/32-bit greyscale: scale the used range down to 8 bits.
        import numpy as np

        arr = np.asarray(img, dtype=np.float64)
        hi = arr.max() if arr.size else 0
        scale = 255.0 / (65535.0 if hi > 255 else max(hi, 1.0) if img.mode == 'I' else 65535.0)
        if img.mode != 'I' or hi > 255:
            arr = arr * scale
        img = Image.fromarray(arr.clip(0, 255).astype('uint8'), 'L')
    if img.mode == 'F':
        img = img.convert('L')
    if img.mode == 'P' and 'transparency' in img.info:
        img = img.convert('RGBA')
    if img.mode in ('RGBA', 'LA', 'PA', 'RGBa', 'La'):
        rgba = img.convert('RGBA')
        background = Image.new('RGB', rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel('A'))
        return background
    return img.convert('RGB')


def _orientation(img: Image.Image) -> int:
    try:
        return int(img.getexif().get(0x0112, 1) or 1)
    except Exception:  # a damaged EXIF block must not refuse an otherwise good photo
        return 1


def _load(path: Path, draft_size: int | None) -> tuple[Image.Image, tuple[int, int]]:
    """Decode to upright RGB; also return the upright full-resolution size."""
    img = _open(path)
    out = None
    try:
        w, h = img.size
        if draft_size and img.format == 'JPEG':
            scale = min(w, h) / draft_size
            if scale >= 2:
                img.draft('RGB', (max(1, int(w / scale)), max(1, int(h / scale))))
        img.seek(0)  # GIF / multi-page TIFF: first frame
        img.load()
        # Read EXIF only after load(): for PNG getexif() itself decodes the
        # image, and an error there must not be swallowed.
        # Orientations 5-8 swap width and height.
        full_size = (h, w) if _orientation(img) in (5, 6, 7, 8) else (w, h)
        out = ImageOps.exif_transpose(img) or img
        out = _to_rgb(out)
        if out is img and getattr(img, 'fp', None) is not None:
            # Multi-frame files keep their file open; return a detached copy
            # so no file handle outlives this call.
            out = img.copy()
        return out, full_size
    except ImageError:
        raise
    except Image.DecompressionBombError:
        raise ImageError(path, 'image is too large; resize it below 100 megapixels') from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageError(path, _damage_reason(exc, opened=True)) from None
    finally:
        if out is not img:
            # Releases the file handle; never close the image we return.
            img.close()


def load_rgb(path: os.PathLike | str, draft_size: int | None = None) -> Image.Image:
    """Decode a photo to an upright 8-bit RGB image.

    Args:
        path: the file.
        draft_size: if given, JPEGs are decoded at the smallest DCT scale whose
            short side is still at least this many pixels (much faster for
            camera photos; the caller resizes anyway).

    Raises:
        ImageError: for anything that is not a readable photo.
    """
    return _load(Path(path), draft_size)[0]


def verify_image(path: os.PathLike | str) -> tuple[int, int]:
    """Check that a file decodes fully, and return its upright full-size (width, height).

    The decode itself may run at a reduced JPEG scale for speed; the size
    returned is always that of the full image, after EXIF rotation.

    Raises:
        ImageError: with the reason, for any file we would refuse to train on.
    """
    return _load(Path(path), 64)[1]
