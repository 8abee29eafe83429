"""From image files to normalised tensors: preprocessing, augmentation, parallel decode.

Also the dataset readers every trainer shares: :func:`folder_samples` (a tree of
class folders) and :func:`stratified_split`.

The preprocessing of a model is data (:class:`Preprocess`), stored in the model
file, so prediction reproduces training exactly, as timm's ``pretrained_cfg``
and torchvision's ``weights.transforms()`` do.

Decoding runs in a small thread pool: Pillow releases the GIL while it decodes
and resizes, so two threads keep two cores busy. (DataLoader worker processes
hang when started from a non-main thread, pytorch/pytorch#15808, and the app
trains on a QThread, so we do not use them.) JPEGs are decoded in draft mode at
the smallest DCT scale that still covers the resize target.
"""

from __future__ import annotations

import math
import os
import random
import re
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from petcognizer.core.images import ImageError, is_image_name, load_rgb, os_error_reason, verify_image

__all__ = [
    'INTERPOLATIONS',
    'MAX_INPUT_SIZE',
    'MAX_RESIZED_PIXELS',
    'Augment',
    'natural_key',
    'Preprocess',
    'decode_batches',
    'folder_samples',
    'stratified_split',
    'unreadable',
]


_DIGITS = re.compile(r'(\d+)')


def natural_key(text: os.PathLike | str) -> tuple:
    """Sort key that puts 'img2' before 'img10', case-insensitively (whole string)."""
    parts = _DIGITS.split(os.fspath(text).casefold())
    # re.split alternates text, number, text...: positions always hold the same type.
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts))


#: Resampling filters a :class:`Preprocess` can name (PIL's, by torchvision's names).
INTERPOLATIONS = ('nearest', 'bilinear', 'bicubic', 'box', 'hamming', 'lanczos')
#: The largest crop (``input_size``) and short side (``resize``) a Preprocess may ask for.
MAX_INPUT_SIZE = 2048
MAX_RESIZE = 4096
#: A resize that would make more pixels than this (a long strip, a huge ``resize``)
#: resizes only the region the centre crop keeps.
MAX_RESIZED_PIXELS = 16_000_000


def _resampling(name: str):
    """The PIL resampling filter for an interpolation name ('bicubic' -> BICUBIC)."""
    from PIL import Image

    return Image.Resampling[name.upper()]


@dataclass(frozen=True)
class Preprocess:
    """Resize the short side to ``resize``, centre-crop ``input_size``, normalise.

    ``interpolation`` is the resampling filter of the resize (and of the
    augmented crops), one of :data:`INTERPOLATIONS`; torchvision's weights ask
    for bicubic on some backbones (EfficientNet-B0), bilinear on most.
    """

    input_size: int
    resize: int
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    interpolation: str = 'bilinear'

    def __post_init__(self) -> None:
        if self.interpolation not in INTERPOLATIONS:
            raise ValueError(f'unknown interpolation {self.interpolation!r}; '
                             f'choose one of: {", ".join(INTERPOLATIONS)}')
        if not 1 <= self.input_size <= MAX_INPUT_SIZE:
            raise ValueError(f'input size {self.input_size} is out of range; it must be 1 to {MAX_INPUT_SIZE} pixels')
        if not 1 <= self.resize <= MAX_RESIZE:
            raise ValueError(f'resize {self.resize} is out of range; it must be 1 to {MAX_RESIZE} pixels')
        for name, values in (('mean', self.mean), ('std', self.std)):
            if len(values) != 3 or not all(math.isfinite(v) and abs(v) <= 1e3 for v in values):
                raise ValueError(f'{name} {values!r} must be three finite numbers')
        if not all(v > 0 for v in self.std):
            raise ValueError(f'std {self.std!r} must be three positive numbers')

    @classmethod
    def for_backbone(cls, spec) -> Preprocess:
        """The preprocessing a backbone's weights were trained with.

        ``spec`` is a :class:`~petcognizer.core.backbones.BackboneSpec`; its
        ``preprocess_config()`` says sizes, normalisation and interpolation
        (read from torchvision's weights for the downloadable backbones).
        """
        cfg = spec.preprocess_config()
        return cls(input_size=int(cfg['input_size']), resize=int(cfg['resize']),
                   mean=tuple(float(x) for x in cfg['mean']),
                   std=tuple(float(x) for x in cfg['std']),
                   interpolation=str(cfg.get('interpolation', 'bilinear')))

    def to_dict(self) -> dict:
        """Plain data, as stored in model files and feature-cache keys."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Preprocess:
        """Read :meth:`to_dict` output; files without ``interpolation`` mean bilinear."""
        return cls(
            input_size=int(d['input_size']),
            resize=int(d['resize']),
            mean=tuple(float(x) for x in d['mean']),
            std=tuple(float(x) for x in d['std']),
            interpolation=str(d.get('interpolation', 'bilinear')),
        )

    def resize_crop(self, img):
        """PIL image -> PIL image of input_size x input_size (deterministic)."""
        w, h = img.size
        s = self.input_size
        scale = self.resize / min(w, h)
        nw, nh = max(s, round(w * scale)), max(s, round(h * scale))
        left, top = (nw - s) // 2, (nh - s) // 2
        if nw * nh > MAX_RESIZED_PIXELS:
            # A long strip (or a huge resize): resize only the region the crop
            # keeps, so memory stays at input_size squared whatever the shape.
            sx, sy = w / nw, h / nh
            box = (left * sx, top * sy, (left + s) * sx, (top + s) * sy)
            return img.resize((s, s), _resampling(self.interpolation), box=box, reducing_gap=3.0)
        img = img.resize((nw, nh), _resampling(self.interpolation), reducing_gap=3.0)
        return img.crop((left, top, left + s, top + s))

    def to_tensor(self, img):
        """PIL RGB image of input_size -> normalised float tensor [3, H, W]."""
        import numpy as np
        import torch

        arr = torch.from_numpy(np.asarray(img, dtype=np.uint8).copy()).permute(2, 0, 1)
        x = arr.float().div_(255.0)
        mean = torch.tensor(self.mean).view(3, 1, 1)
        std = torch.tensor(self.std).view(3, 1, 1)
        return x.sub_(mean).div_(std)

    def __call__(self, img):
        return self.to_tensor(self.resize_crop(img))


@dataclass(frozen=True)
class Augment:
    """Training-time augmentation (the bag of tricks' data part)."""

    crop_flip: bool = True
    color_jitter: bool = False
    random_erasing: bool = False
    scale: tuple[float, float] = (0.35, 1.0)

    @property
    def any(self) -> bool:
        return self.crop_flip or self.color_jitter or self.random_erasing

    def apply(self, img, pre: Preprocess, rng: random.Random):
        """PIL image -> augmented normalised tensor, driven by ``rng`` (reproducible)."""
        import torch
        from PIL import Image, ImageEnhance

        if self.crop_flip:
            w, h = img.size
            area = w * h
            for _ in range(10):
                target = area * rng.uniform(*self.scale)
                ratio = pow(2.0, rng.uniform(-0.415, 0.415))  # 3/4 .. 4/3
                cw = int(round((target * ratio) ** 0.5))
                ch = int(round((target / ratio) ** 0.5))
                if 0 < cw <= w and 0 < ch <= h:
                    left, top = rng.randint(0, w - cw), rng.randint(0, h - ch)
                    break
            else:
                cw = ch = min(w, h)
                left, top = (w - cw) // 2, (h - ch) // 2
            img = img.resize(
                (pre.input_size, pre.input_size),
                _resampling(pre.interpolation),
                box=(left, top, left + cw, top + ch),
                reducing_gap=3.0,
            )
            if rng.random() < 0.5:
                img = img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        else:
            img = pre.resize_crop(img)
        if self.color_jitter:
            img = ImageEnhance.Brightness(img).enhance(rng.uniform(0.7, 1.3))
            img = ImageEnhance.Contrast(img).enhance(rng.uniform(0.7, 1.3))
            img = ImageEnhance.Color(img).enhance(rng.uniform(0.7, 1.3))
        x = pre.to_tensor(img)
        if self.random_erasing and rng.random() < 0.5:
            # cutout: one rectangle of 2-25% of the image, filled with noise
            s = pre.input_size
            area = s * s * rng.uniform(0.02, 0.25)
            ratio = pow(2.0, rng.uniform(-1.7, 1.7))
            eh = min(s, int(round((area * ratio) ** 0.5)))
            ew = min(s, int(round((area / ratio) ** 0.5)))
            top, left = rng.randint(0, s - eh), rng.randint(0, s - ew)
            g = torch.Generator().manual_seed(rng.randrange(2**31))
            x[:, top : top + eh, left : left + ew] = torch.randn(3, eh, ew, generator=g)
        return x


def _worker_count() -> int:
    env = os.environ.get('PETCOGNIZER_DECODE_THREADS')
    if env:
        return max(1, int(env))
    return max(1, min(4, os.cpu_count() or 1))


@dataclass
class DecodeResult:
    """One batch: ``indices`` into the input list, stacked ``tensor``, and refused files."""

    indices: list[int]
    tensor: object  # torch.Tensor [B, 3, H, W], or None if every file failed
    errors: list[tuple[int, ImageError]] = field(default_factory=list)


def decode_batches(
    paths: Sequence[Path],
    pre: Preprocess,
    batch_size: int,
    *,
    augment: Augment | None = None,
    seeds: Sequence[int] | None = None,
    threads: int | None = None,
    prefetch: int = 2,
    make=None,
    cancel=None,
) -> Iterator[DecodeResult]:
    """Decode ``paths`` in order, in parallel, ``batch_size`` at a time.

    With ``augment``, image ``i`` is augmented with ``random.Random(seeds[i])``, so
    a given (image, seed) always gives the same view, whichever thread decodes it.
    Unreadable files are skipped and reported in ``DecodeResult.errors``.

    With ``make(img, i) -> tensor [m, 3, H, W]``, each decoded image is turned
    into ``m`` tensors by the caller's function (e.g. several augmented views of
    one decode) and the batch tensor is their concatenation.

    With ``cancel`` (a :class:`~petcognizer.core.events.CancelToken`), decodes
    still queued are skipped once it is set, and the generator raises Cancelled.
    """
    import torch

    def one(i: int):
        if cancel is not None and cancel.cancelled:
            return i, None  # the consumer raises Cancelled at this result
        try:
            img = load_rgb(paths[i], draft_size=pre.resize)
            if make is not None:
                return i, make(img, i)
            if augment is not None and augment.any:
                rng = random.Random(seeds[i] if seeds is not None else i)
                return i, augment.apply(img, pre, rng)
            return i, pre(img)
        except ImageError as exc:
            return i, exc
        except OSError as exc:  # the disk, mid-decode: say which problem it is
            return i, ImageError(paths[i], os_error_reason(exc))
        except MemoryError:
            return i, ImageError(paths[i], 'image is too large to decode in the memory available; '
                                           'resize it or close other programs')

    n = len(paths)
    chunks = [list(range(s, min(s + batch_size, n))) for s in range(0, n, batch_size)]
    workers = threads or _worker_count()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix='decode') as pool:
        pending = []
        chunk_iter = iter(chunks)

        def submit_next():
            chunk = next(chunk_iter, None)
            if chunk is not None:
                pending.append([pool.submit(one, i) for i in chunk])

        for _ in range(prefetch + 1):
            submit_next()
        while pending:
            futures = pending.pop(0)
            submit_next()
            idx, tensors, errors = [], [], []
            for fut in futures:
                i, out = fut.result()
                if cancel is not None:
                    cancel.raise_if_cancelled()
                if isinstance(out, ImageError):
                    errors.append((i, out))
                else:
                    idx.append(i)
                    tensors.append(out)
            joined = None
            if tensors:
                joined = torch.cat(tensors) if make is not None else torch.stack(tensors)
            try:
                yield DecodeResult(idx, joined, errors)
            except GeneratorExit:  # the consumer stopped: drop the queued decodes
                for queued in pending:
                    for fut in queued:
                        fut.cancel()
                raise


def unreadable(paths: Sequence[Path], threads: int = 4) -> list[ImageError | None]:
    """For each file, why it cannot be decoded as a photo (an :class:`ImageError`), or None.

    Checked in a small thread pool, without decoding the whole image.
    """
    def check(path: Path) -> ImageError | None:
        try:
            verify_image(path)
        except ImageError as exc:
            return exc
        return None

    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix='verify') as pool:
        return list(pool.map(check, paths))


def stratified_split(
    labels: Sequence[int], val_fraction: float, seed: int, min_train_per_class: int = 1,
    fold: int = 0,
) -> tuple[list[int], list[int]]:
    """Indices (train, val), stratified by class, reproducible for a seed.

    Each class keeps at least ``min_train_per_class`` training images and gives
    ``round(n * val_fraction)`` to validation (at least one when the fraction is
    positive and the class has two or more images). ``fold`` ``k`` takes the
    ``k``-th such share of the same shuffle, so folds ``0 .. 1/val_fraction - 1``
    validate on different photos while ``k + 1`` shares fit in a class (its shuffle
    wraps around at its end, so a small class may repeat photos in a late fold).
    """
    rng = random.Random(seed)
    by_class: dict[int, list[int]] = {}
    for i, y in enumerate(labels):
        by_class.setdefault(y, []).append(i)
    train, val = [], []
    for y in sorted(by_class):
        idx = by_class[y][:]
        rng.shuffle(idx)
        n_val = 0
        if val_fraction > 0 and len(idx) > min_train_per_class:
            n_val = max(1, round(len(idx) * val_fraction))
            n_val = min(n_val, len(idx) - min_train_per_class)
        start = fold * n_val % len(idx)
        idx = idx[start:] + idx[:start]
        val += idx[:n_val]
        train += idx[n_val:]
    return sorted(train), sorted(val)


def folder_samples(
    root: os.PathLike | str, skipped: list[tuple[Path, str]] | None = None
) -> tuple[list[Path], list[int], list[str]]:
    """A tree of class folders (ImageFolder layout) -> (paths, labels, classes).

    Also accepts a petcognizer project folder (its ``images/`` is used).

    Args:
        root: the folder of class folders.
        skipped: if given, receives (path, sentence) for what is left out and
            why: hidden folders (a name starting with a dot), folders that
            cannot be read, and photo names that are not regular files (a pipe,
            a device). Hidden files are left out without a word.
    """
    root = Path(root)
    if (root / 'project.json').is_file() and (root / 'images').is_dir():
        root = root / 'images'
    if not root.is_dir():
        raise ValueError(f'{root}: no such folder; give a folder with one subfolder per class')
    note = skipped.append if skipped is not None else (lambda item: None)

    def hidden(path: Path) -> None:
        note((path, f'{path}: skipped: a folder whose name starts with a dot is hidden; '
                    'rename it without the dot to use its photos.'))

    classes = []
    for d in root.iterdir():
        if d.is_dir():
            if d.name.startswith('.'):
                hidden(d)
            else:
                classes.append(d.name)
    classes.sort(key=natural_key)
    paths, labels = [], []
    for k, c in enumerate(classes):
        files = []

        def failed(exc: OSError) -> None:
            where = Path(exc.filename) if exc.filename is not None else root / c
            note((where, f'{where}: folder {os_error_reason(exc)}; its photos were left out.'))

        for dirpath, dirnames, filenames in os.walk(root / c, onerror=failed):
            here = Path(dirpath)
            for d in [d for d in dirnames if d.startswith('.')]:
                hidden(here / d)
            dirnames[:] = [d for d in dirnames if not d.startswith('.')]
            for name in filenames:
                if not is_image_name(name):
                    continue
                path = here / name
                if path.is_file():
                    files.append(path)
                elif os.path.lexists(path):
                    note((path, f'{path}: skipped: not a regular file (a pipe, a device or a broken link).'))
        files.sort(key=lambda p: natural_key(str(p)))
        paths += files
        labels += [k] * len(files)
    keep = [k for k in range(len(classes)) if k in set(labels)]
    if len(keep) < len(classes):
        remap = {old: new for new, old in enumerate(keep)}
        classes = [classes[k] for k in keep]
        labels = [remap[y] for y in labels]
    return paths, labels, classes
