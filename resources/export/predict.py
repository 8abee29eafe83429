#!/usr/bin/env python3
"""Classify photos with an exported petcognizer model: needs only onnxruntime, numpy and Pillow.

    pip install onnxruntime numpy pillow
    python predict.py photo.jpg folder/ ...          # one JSON line per photo
    python predict.py --model other.onnx photo.jpg
    python predict.py --check                         # the export's test vectors

Prints the same JSON lines as ``petcognizer predict --json``: path, label, the
top-k probabilities, unknown and unknown_score (and error for a file it cannot
read). This file is the reference port of the preprocessing the sidecar
(``<model>.onnx.json``, "preprocess_rules") describes: decode, JPEG reduced
decoding, very large images reduced, EXIF orientation, colour to RGB (alpha
onto white, 16-bit grey / 257, CMYK), resize and centre crop with Pillow's
antialiased filter. The graph does the rest (normalisation, prior, calibration).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

#: The model file, relative to this script's folder (filled in by the export).
MODEL_FILE = '../model.onnx'
IMAGE_EXTENSIONS = {'.jpg', '.jpeg', '.jpe', '.jfif', '.png', '.webp', '.bmp', '.gif', '.tif', '.tiff'}
REDUCE_ABOVE = 16_000_000  # pixels: rule 3
MAX_RESIZED_PIXELS = 16_000_000  # pixels: rule 7
Image.MAX_IMAGE_PIXELS = 100_000_000


# ---------------------------------------------------------------------- the rules


def _scale_to_l(img: Image.Image) -> Image.Image:
    """Rule 5: deep greyscale (I;16, I, F) to 8 bits."""
    a = np.asarray(img).astype(np.float32)
    finite = np.isfinite(a)
    if not finite.all():
        if not finite.any():
            return Image.new('L', img.size, 0)
        np.nan_to_num(a, copy=False, nan=float(a[finite].min()), posinf=float(a[finite].max()),
                      neginf=float(a[finite].min()))
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


def _to_rgb(img: Image.Image) -> Image.Image:
    """Rule 5: every mode to 8-bit RGB, alpha composited onto white."""
    mode = img.mode
    if mode == 'RGB':
        return img
    if mode in ('I', 'F') or mode.startswith('I;') or mode.startswith('F;'):
        return _scale_to_l(img).convert('RGB')
    if mode == 'P' and 'transparency' in img.info:
        img = img.convert('RGBA')
    elif mode in ('PA', 'RGBa', 'RGBA'):
        img = img.convert('RGBA')
    elif mode in ('LA', 'La'):
        img = img.convert('LA').convert('RGBA')
    if img.mode == 'RGBA':
        background = Image.new('RGB', img.size, (255, 255, 255))
        background.paste(img, mask=img.getchannel('A'))
        return background
    return img.convert('RGB')


def _orientation(img: Image.Image) -> int:
    try:
        return int(img.getexif().get(0x0112, 1) or 1)
    except Exception:  # rule 4: a damaged EXIF block counts as 1
        return 1


def _reduce(img: Image.Image, resize: int) -> Image.Image:
    """Rule 3: a very large image reduced by a whole factor."""
    w, h = img.size
    if w * h <= REDUCE_ABOVE:
        return img
    factor = min(w, h) // (3 * resize)
    if factor < 2:
        return img
    if img.mode.startswith('I;'):
        img = img.convert('I')
    elif img.mode in ('1', 'P'):
        img = img.convert('RGBA' if 'transparency' in img.info else 'RGB')
    try:
        return img.reduce(factor)
    except ValueError:
        return img


def load_rgb(path: str | os.PathLike, resize: int) -> Image.Image:
    """Rules 1-5: the photo decoded, reduced, upright, RGB."""
    with Image.open(path) as img:
        w, h = img.size
        if img.format == 'JPEG':
            scale = min(w, h) / resize
            if scale >= 2:  # rule 2
                img.draft('RGB', (max(1, int(w / scale)), max(1, int(h / scale))))
        img.seek(0)
        img.load()
        orientation = _orientation(img)
        small = _reduce(img, resize)
        out = ImageOps.exif_transpose(small) if orientation != 1 else small
        out = _to_rgb(out or small)
        return out.copy() if out is img else out


def resize_crop(img: Image.Image, pre: dict) -> Image.Image:
    """Rules 6-7: short side to ``resize``, centre crop ``input_size``."""
    resample = Image.Resampling[pre['interpolation'].upper()]
    w, h = img.size
    s = pre['input_size']
    scale = pre['resize'] / min(w, h)
    nw, nh = max(s, round(w * scale)), max(s, round(h * scale))
    left, top = (nw - s) // 2, (nh - s) // 2
    if nw * nh > MAX_RESIZED_PIXELS:
        sx, sy = w / nw, h / nh
        box = (left * sx, top * sy, (left + s) * sx, (top + s) * sy)
        return img.resize((s, s), resample, box=box, reducing_gap=3.0)
    img = img.resize((nw, nh), resample, reducing_gap=3.0)
    return img.crop((left, top, left + s, top + s))


def pixels(path: str | os.PathLike, pre: dict) -> np.ndarray:
    """The graph input for one photo: uint8 [1, H, W, 3]."""
    img = resize_crop(load_rgb(path, pre['resize']), pre)
    return np.asarray(img, dtype=np.uint8)[None]


# ---------------------------------------------------------------------- the model


def _natural_key(text: str) -> tuple:
    parts = re.split(r'(\d+)', text.casefold())
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts))


def _is_image(p: Path) -> bool:
    name = p.name
    hidden = (name.startswith(('.', '~$', '._'))
              or name.lower() in {'thumbs.db', 'desktop.ini', 'icon\r', '.ds_store'})
    return not hidden and p.suffix.lower() in IMAGE_EXTENSIONS


def collect(paths: list[str]) -> list[Path]:
    """Files as given; folders expanded recursively to their photos (natural order)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = [q for q in p.rglob('*') if q.is_file() and _is_image(q)]
            out += sorted(found, key=lambda q: _natural_key(str(q)))
        else:
            out.append(p)
    return out


class Model:
    """The exported graph and its sidecar."""

    def __init__(self, path: str | os.PathLike):
        import onnxruntime as ort

        self.path = Path(path)
        self.info = json.loads(Path(str(self.path) + '.json').read_text(encoding='utf-8'))
        self.classes = self.info['classes']
        self.pre = self.info['preprocess']
        opts = ort.SessionOptions()
        opts.log_severity_level = 3
        self.session = ort.InferenceSession(str(self.path), opts, providers=['CPUExecutionProvider'])
        self.outputs = [o.name for o in self.session.get_outputs()]

    def run(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """(probabilities [N, K], unknown score [N] or None) for a uint8 [N, H, W, 3] batch."""
        out = self.session.run(None, {'image': x})
        named = dict(zip(self.outputs, out))
        return named['probabilities'], named.get('unknown_score')

    def predict(self, path: Path, top_k: int = 3, flag_unknown: bool = True) -> dict:
        """One JSON line's data, as ``petcognizer predict --json`` prints it."""
        try:
            x = pixels(path, self.pre)
        except Exception as exc:  # noqa: BLE001 - every unreadable file gets its line
            return {'path': str(path), 'label': None, 'probabilities': {}, 'unknown': False,
                    'unknown_score': 0.0, 'error': f'cannot be read ({exc})'}
        probs, unknown = self.run(x)
        p = probs[0]
        k = max(1, min(top_k, len(self.classes)))
        order = sorted(range(len(p)), key=lambda j: -float(p[j]))[:k]
        score = float(unknown[0]) if unknown is not None and flag_unknown else 0.0
        return {
            'path': str(path),
            'label': self.classes[order[0]],
            'probabilities': {self.classes[j]: round(float(p[j]), 6) for j in order},
            'unknown': score > 1.0,
            'unknown_score': round(score, 4),
        }

    def check(self) -> bool:
        """Run the sidecar's test vectors; print one line each; True when all are within tolerance."""
        tol = float(self.info.get('tolerance', 1e-3))
        ok = True
        for v in self.info.get('test_vectors', []):
            path = self.path.parent / v['file']
            got = self.run(pixels(path, self.pre))[0][0]
            diff = float(np.abs(got - np.asarray(v['probabilities'], dtype=np.float64)).max())
            ok &= diff <= tol
            print(json.dumps({'file': v['file'], 'max_abs_diff': diff, 'ok': diff <= tol}))
        return ok


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('paths', nargs='*', metavar='PHOTO', help='photo files or folders of photos')
    ap.add_argument('--model', default=str(here / MODEL_FILE), help='the .onnx file (default: %(default)s)')
    ap.add_argument('--top-k', '-k', type=int, default=3, help='probabilities shown per photo')
    ap.add_argument('--no-unknown', action='store_true', help='never flag a photo as "none of these"')
    ap.add_argument('--check', action='store_true', help="run the export's test vectors")
    args = ap.parse_args(argv)
    model = Model(args.model)
    if args.check:
        return 0 if model.check() else 1
    if not args.paths:
        ap.error('give photo files or folders')
    failed = 0
    for path in collect(args.paths):
        line = model.predict(path, args.top_k, not args.no_unknown)
        failed += 'error' in line
        print(json.dumps(line), flush=True)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
