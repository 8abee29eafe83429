"""Reading user photos safely: every format we accept, every way it can go wrong.

All image decoding in petcognizer goes through :func:`load_rgb`, so a corrupt,
truncated, huge or foreign file produces one :class:`ImageError` naming the file
and what to do, never a crash.
"""

from __future__ import annotations

import errno
import os
import stat
import warnings
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

__all__ = [
    'IMAGE_EXTENSIONS',
    'MAX_ASPECT',
    'MAX_PIXELS',
    'ImageError',
    'check_regular',
    'is_hidden',
    'is_image_name',
    'load_rgb',
    'open_regular',
    'os_error_reason',
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
#: Images whose long side is more than this many times the short side are
#: refused: resizing the short side of a 1 x 100,000 strip to 256 pixels would
#: ask for 25.6 gigapixels. The widest phone panoramas are about 10:1.
MAX_ASPECT = 100

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


# ---------------------------------------------------------------------- opening files safely

_FILE_KINDS = (
    (stat.S_ISFIFO, 'a pipe'),
    (stat.S_ISCHR, 'a device'),
    (stat.S_ISBLK, 'a device'),
    (stat.S_ISSOCK, 'a socket'),
)

#: Reasons for the errors a file system gives when a file is read.
NOT_FOUND_REASON = 'file not found; it may have been moved or deleted'
PERMISSION_REASON = 'cannot be read (permission denied): check its permissions'
IO_ERROR_REASON = (
    'could not be read (I/O error): the disk or network share may be failing; '
    'copy the photo from a good copy'
)


def os_error_reason(exc: OSError) -> str:
    """What an ``OSError`` raised while reading a file means, and what to do (no file name).

    One wording for every reader (decoding, hashing, copying in), so a
    permission problem never reads as "check the file still exists".
    """
    code = exc.errno
    if isinstance(exc, FileNotFoundError) or code == errno.ENOENT:
        return NOT_FOUND_REASON
    if code == errno.ELOOP:
        return 'is a symbolic link loop; point the link at a real photo or remove it'
    if isinstance(exc, IsADirectoryError) or code == errno.EISDIR:
        return 'is a folder, not a photo'
    if isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM):
        return PERMISSION_REASON
    if code == errno.EIO:
        return IO_ERROR_REASON
    if code == errno.ENAMETOOLONG:
        return 'the file name or path is too long to open; rename it or move it to a shorter path'
    if code == errno.ENOTDIR:
        return 'not found (a folder in its path is a file); check the path'
    if code in (errno.ETIMEDOUT, getattr(errno, 'EHOSTDOWN', -1), getattr(errno, 'ESTALE', -1)):
        return 'could not be read (the network share did not answer); check the connection'
    text = exc.strerror or str(exc) or type(exc).__name__
    return f'could not be read ({text}); check the file and try again'


def _kind_reason(mode: int) -> str | None:
    """Why a file of this ``st_mode`` is not a photo, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return 'is a folder, not a photo'
    for test, kind in _FILE_KINDS:
        if test(mode):
            return f'is not a regular file ({kind}); choose a photo file'
    return 'is not a regular file (a special file); choose a photo file'


def check_regular(path: os.PathLike | str) -> os.stat_result:
    """``os.stat`` of a photo file, or :class:`ImageError` for anything that is not a regular file.

    Pipes, devices and sockets are refused without being opened (opening a pipe
    blocks until someone writes to it).
    """
    path = Path(path)
    try:
        st = os.stat(path)
    except OSError as exc:
        reason = os_error_reason(exc)
        if reason == NOT_FOUND_REASON and os.path.islink(path):
            reason = 'is a symbolic link to a file that does not exist; point it at a photo or remove it'
        raise ImageError(path, reason) from None
    except ValueError:  # an embedded NUL byte
        raise ImageError(path, 'the file name is not valid on this system; rename it') from None
    reason = _kind_reason(st.st_mode)
    if reason:
        raise ImageError(path, reason)
    return st


def open_regular(path: os.PathLike | str) -> BinaryIO:
    """Open a photo file for reading; never blocks on a pipe or device.

    The file is opened non-blocking and checked with ``fstat`` before any read,
    so a file replaced by a pipe between the check and the open is refused too.

    Raises:
        ImageError: not a regular file, missing, unreadable (the reason says which).
    """
    path = Path(path)
    check_regular(path)
    nonblock = getattr(os, 'O_NONBLOCK', 0)
    flags = os.O_RDONLY | nonblock | getattr(os, 'O_BINARY', 0) | getattr(os, 'O_NOCTTY', 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise ImageError(path, os_error_reason(exc)) from None
    try:
        reason = _kind_reason(os.fstat(fd).st_mode)
        if reason:
            raise ImageError(path, reason)
        if nonblock:
            os.set_blocking(fd, True)
        return os.fdopen(fd, 'rb')
    except BaseException:
        os.close(fd)
        raise


# ---------------------------------------------------------------------- decoding

#: The one wording for a file that ends too early, wherever Pillow notices it.
TRUNCATED_REASON = 'file is truncated (an incomplete copy or download); copy it again'
TOO_LARGE_REASON = 'image is too large (possible decompression bomb); resize it below 100 megapixels'
#: Images bigger than this are reduced by a whole factor right after decoding
#: when the caller says how small it needs them (``draft_size``).
REDUCE_ABOVE = 16_000_000


def _damage_reason(exc: BaseException, opened: bool = False) -> str:
    """The reason for a decoding error: truncated files get one wording everywhere.

    Args:
        exc: what Pillow raised (``OSError`` 'Truncated File Read', 'image file
            is truncated', ``EOFError``...).
        opened: the header was read (the error came while decoding pixels).
    """
    if isinstance(exc, OSError) and exc.errno is not None:
        return os_error_reason(exc)  # the disk, not the image
    if isinstance(exc, MemoryError):
        return 'image is too large to decode in the memory available; resize it or close other programs'
    text = str(exc) or type(exc).__name__
    if 'truncated' in text.lower() or isinstance(exc, EOFError):
        return TRUNCATED_REASON
    if len(text) > 120:
        text = text[:117] + '...'
    if opened:
        return f'damaged image data ({text}); re-export or copy it again'
    return f'cannot be read ({text}); it may be damaged'


def _open(path: Path, fp: BinaryIO) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # Pillow warns from 89 MP; our own limit (MAX_PIXELS, checked below)
            # decides, so the message always matches the limit it names.
            warnings.simplefilter('ignore', Image.DecompressionBombWarning)
            img = Image.open(fp)
    except Image.DecompressionBombError:
        raise ImageError(path, TOO_LARGE_REASON) from None
    except UnidentifiedImageError:
        raise ImageError(
            path, 'not an image petcognizer can read (JPEG, PNG, WebP, BMP, GIF or TIFF)'
        ) from None
    except Exception as exc:  # a hostile header can make any plugin raise anything
        raise ImageError(path, _damage_reason(exc)) from None
    try:
        w, h = img.size
        if w < 1 or h < 1:
            raise ImageError(path, 'image has no pixels')
        if w * h > MAX_PIXELS:
            raise ImageError(
                path,
                f'image is too large ({w}x{h} = {w * h / 1e6:.0f} megapixels); '
                'resize it below 100 megapixels',
            )
        if max(w, h) > MAX_ASPECT * min(w, h):
            raise ImageError(
                path,
                f'image is a {w}x{h} strip (its long side is {max(w, h) // min(w, h)} times '
                f'the short side); crop it to at most {MAX_ASPECT}:1',
            )
    except BaseException:
        img.close()
        raise
    return img


def _scale_to_l(img: Image.Image) -> Image.Image:
    """16-bit, 32-bit integer and float greyscale to 8 bits, scaled by the range the values use.

    Non-negative values are read against the smallest usual full scale that
    holds them (1.0 for 0..1 floats, 255, 4095 for 12-bit sensors, 65535);
    anything else (negative or beyond 16 bits) is stretched from its minimum to
    its maximum. NaN and infinities become the nearest finite value.
    """
    a = np.asarray(img).astype(np.float32)
    finite = np.isfinite(a)
    if not finite.all():
        if not finite.any():
            return Image.new('L', img.size, 0)
        lo, hi = float(a[finite].min()), float(a[finite].max())
        np.nan_to_num(a, copy=False, nan=lo, posinf=hi, neginf=lo)
    del finite
    lo, hi = float(a.min()), float(a.max())
    if lo >= 0:
        top = next((t for t in (1.0, 255.0, 4095.0, 65535.0) if hi <= t), hi)
        lo = 0.0
    else:
        top = hi
    if top > lo:
        a -= lo
        a *= 255.0 / (top - lo)
    else:
        a[...] = 0.0
    np.clip(a, 0.0, 255.0, out=a)
    a += 0.5
    return Image.fromarray(a.astype(np.uint8), 'L')


def _to_rgb(img: Image.Image, path: Path) -> Image.Image:
    """Every mode Pillow opens to 8-bit RGB: deep greyscale scaled, alpha onto white."""
    mode = img.mode
    if mode == 'RGB':
        return img
    try:
        if mode in ('I', 'F') or mode.startswith('I;') or mode.startswith('F;'):
            return _scale_to_l(img).convert('RGB')
        if mode == 'P' and 'transparency' in img.info:
            img = img.convert('RGBA')
        elif mode in ('PA', 'RGBa', 'LA', 'La', 'RGBA'):
            img = img.convert('RGBA') if mode not in ('LA', 'La') else img.convert('LA').convert('RGBA')
        if img.mode == 'RGBA':
            background = Image.new('RGB', img.size, (255, 255, 255))
            background.paste(img, mask=img.getchannel('A'))
            return background
        return img.convert('RGB')
    except (ValueError, OSError) as exc:
        raise ImageError(
            path,
            f'uses the colour mode {mode}, which petcognizer cannot convert ({exc}); '
            'save it as an RGB JPEG or PNG',
        ) from None


def _orientation(img: Image.Image) -> int:
    try:
        return int(img.getexif().get(0x0112, 1) or 1)
    except Exception:  # a damaged EXIF block must not refuse an otherwise good photo
        return 1


def _reduce(img: Image.Image, draft_size: int | None) -> Image.Image:
    """A very large decoded image, reduced by a whole factor while staying >= 3x ``draft_size``."""
    w, h = img.size
    if not draft_size or w * h <= REDUCE_ABOVE:
        return img
    factor = min(w, h) // (3 * draft_size)
    if factor < 2:
        return img
    if img.mode.startswith('I;'):
        img = img.convert('I')
    elif img.mode in ('1', 'P'):
        img = img.convert('RGBA' if 'transparency' in img.info else 'RGB')
    try:
        return img.reduce(factor)
    except ValueError:  # a mode reduce() does not handle: resized later anyway
        return img


class _BoundedReader:
    """A file whose ``read(n)`` never asks for more than the file has left.

    A damaged header can claim a 4 GB chunk; Python's buffered ``read(n)``
    allocates ``n`` bytes before reading, so Pillow's ``fp.read(length)`` would
    ask for 4 GB for a 300-byte file.
    """

    def __init__(self, f: BinaryIO, size: int):
        self._f = f
        self._size = size

    def read(self, n: int | None = -1) -> bytes:
        if n is None or n < 0:
            return self._f.read()
        return self._f.read(max(0, min(n, self._size - self._f.tell())))

    def __getattr__(self, name: str):
        return getattr(self._f, name)


def _load(path: Path, draft_size: int | None) -> tuple[Image.Image, tuple[int, int]]:
    """Decode to upright RGB; also return the upright full-resolution size."""
    with open_regular(path) as f:
        fp = _BoundedReader(f, os.fstat(f.fileno()).st_size)
        img = _open(path, fp)
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
            orientation = _orientation(img)
            full_size = (h, w) if orientation in (5, 6, 7, 8) else (w, h)
            small = _reduce(img, draft_size)
            out = ImageOps.exif_transpose(small) if orientation != 1 else small
            out = _to_rgb(out or small, path)
            if out is img:
                # Never hand out the image that holds the (soon closed) file.
                out = img.copy()
            return out, full_size
        except ImageError:
            raise
        except Image.DecompressionBombError:
            raise ImageError(path, TOO_LARGE_REASON) from None
        except Exception as exc:  # damaged data can make any decoder raise anything (MemoryError too)
            raise ImageError(path, _damage_reason(exc, opened=True)) from None
        finally:
            if out is not img:
                img.close()


def load_rgb(path: os.PathLike | str, draft_size: int | None = None) -> Image.Image:
    """Decode a photo to an upright 8-bit RGB image.

    Args:
        path: the file.
        draft_size: if given, the caller resizes the short side to this many
            pixels: JPEGs are decoded at the smallest DCT scale whose short side
            is still at least this, and other images above 16 megapixels are
            reduced by a whole factor right after decoding (both much faster
            and smaller for camera photos).

    Raises:
        ImageError: for anything that is not a readable photo (pipes, devices,
            missing or unreadable files, damaged data, strips and bombs).
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
