"""Fuzz benchmark of the photo decoder (issue 9): thousands of generated and damaged images.

Run by hand (never part of the test suite)::

    .venv/bin/python bench/fuzz_decoder.py [--n 2000] [--seed 0] [--out FILE]

Each case is a random image (a random format and a mode that format writes,
sizes from 1 x 1 to 2,000 x 2,000 and strips up to 1 x 100,000) encoded by
Pillow, or a real photo from ``/work/shared/datasets`` when it is there, then
damaged in one of five ways (none, truncated, bits flipped, garbage inserted,
a header word overwritten with a huge size). Every case goes through
``load_rgb(path)``, ``load_rgb(path, draft_size=256)`` + ``Preprocess``
(224/256) and ``verify_image(path)``.

Checked: only ``ImageError`` comes out; no call takes over 5 s (a call that
passes 60 s is stopped with SIGALRM and counted as a hang); peak allocation
under 2 GB, from ``tracemalloc`` (Python and NumPy allocations, per call) and
``resource.getrusage().ru_maxrss`` (the whole process, which includes Pillow's
own C buffers; torch is imported before the first case, and counts there).
Prints JSON and writes ``bench/results/fuzz_decoder-<UTC>.json``.
"""

from __future__ import annotations

import argparse
import collections
import io
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import PIL
from PIL import Image

from petcognizer.core.data import Preprocess
from petcognizer.core.images import ImageError, load_rgb, verify_image

__all__ = ['main']

RESULTS = Path(__file__).resolve().parent / 'results'
DATASETS = Path('/work/shared/datasets')
FORMAT_MODES = {
    'PNG': ['1', 'L', 'LA', 'P', 'RGB', 'RGBA', 'I;16', 'I;16B'],
    'JPEG': ['L', 'RGB', 'CMYK'],
    'TIFF': ['1', 'L', 'LA', 'P', 'PA', 'RGB', 'RGBA', 'CMYK', 'YCbCr', 'LAB', 'I', 'I;16', 'I;16B', 'F'],
    'WEBP': ['RGB', 'RGBA'],
    'BMP': ['1', 'L', 'P', 'RGB'],
    'GIF': ['L', 'P'],
}
EXT = {'PNG': '.png', 'JPEG': '.jpg', 'TIFF': '.tif', 'WEBP': '.webp', 'BMP': '.bmp', 'GIF': '.gif'}
DAMAGE = ('none', 'truncate', 'flip', 'garbage', 'header')
SLOW_S = 5.0
HANG_S = 60
PRE = Preprocess(224, 256, (0.5,) * 3, (0.5,) * 3)


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang


def _size(rng: np.random.Generator) -> tuple[int, int]:
    r = rng.random()
    if r < 0.6:
        return int(rng.integers(1, 96)), int(rng.integers(1, 96))
    if r < 0.8:  # strips, both ways
        long = int(rng.choice([100, 1_000, 10_000, 100_000]))
        return (1, long) if rng.random() < 0.5 else (long, int(rng.integers(1, 3)))
    if r < 0.95:
        return int(rng.integers(96, 800)), int(rng.integers(96, 800))
    return int(rng.integers(800, 2000)), int(rng.integers(800, 2000))


def _generated(rng: np.random.Generator) -> tuple[str, str, tuple[int, int], bytes]:
    fmt = str(rng.choice(sorted(FORMAT_MODES)))
    mode = str(rng.choice(FORMAT_MODES[fmt]))
    size = _size(rng)
    if fmt == 'WEBP' and max(size) > 16383:
        size = (min(size[0], 16383), min(size[1], 16383))
    if fmt == 'GIF' and max(size) > 65535:
        size = (min(size[0], 65535), min(size[1], 65535))
    w, h = size
    if rng.random() < 0.5:  # smooth content (compresses like a photo)
        base = Image.linear_gradient('L').resize(size)
        img = base.convert(mode) if mode not in ('I;16', 'I;16B', 'PA', 'LAB', 'YCbCr') else None
        if img is None:
            img = Image.frombytes(mode, size, bytes(len(Image.new(mode, (1, 1)).tobytes()) * w * h))
    else:  # raw random bytes (NaN and infinite floats included)
        per = len(Image.new(mode, (1, 1)).tobytes())
        n = (w + 7) // 8 * h if mode == '1' else per * w * h
        img = Image.frombytes(mode, size, rng.integers(0, 256, n, dtype=np.uint8).tobytes())
    if mode in ('P', 'PA'):
        img.putpalette(rng.integers(0, 256, 768, dtype=np.uint8).tolist())
    buf = io.BytesIO()
    img.save(buf, fmt, **({'transparency': 0} if mode == 'P' and fmt == 'PNG' and rng.random() < 0.5 else {}))
    return fmt, mode, size, buf.getvalue()


def _mutate(data: bytes, kind: str, rng: np.random.Generator) -> bytes:
    b = bytearray(data)
    if kind == 'truncate':
        return bytes(b[: int(rng.integers(0, max(1, len(b))))])
    if kind == 'flip':
        for _ in range(int(rng.integers(1, 17))):
            b[int(rng.integers(0, len(b)))] ^= 1 << int(rng.integers(0, 8))
    elif kind == 'garbage':
        at = int(rng.integers(0, len(b) + 1))
        b[at:at] = rng.integers(0, 256, int(rng.integers(1, 256)), dtype=np.uint8).tobytes()
    elif kind == 'header':
        at = int(rng.integers(0, min(len(b), 64)))
        word = int(rng.choice([0, 1, 0xFFFF, 50_000, 0x7FFFFFFF, 0xFFFFFFFF]))
        b[at:at + 4] = word.to_bytes(4, 'big' if rng.random() < 0.5 else 'little')
    return bytes(b)


def _real_photos(limit: int = 40) -> list[tuple[str, bytes]]:
    if not DATASETS.is_dir():
        return []
    out = []
    for p in sorted(DATASETS.rglob('*')):
        if p.suffix.lower() in ('.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff') and p.is_file():
            out.append((p.suffix.lower(), p.read_bytes()))
            if len(out) >= limit:
                break
    return out


def _calls(path: Path):
    yield 'load_rgb', lambda: load_rgb(path)
    yield 'load_rgb+preprocess', lambda: PRE(load_rgb(path, draft_size=PRE.resize))
    yield 'verify_image', lambda: verify_image(path)


def _reason_kind(reason: str) -> str:
    for key in ('truncated', 'strip', 'too large', 'not an image', 'damaged', 'cannot be read', 'colour mode',
                'no pixels', 'memory'):
        if key in reason:
            return key
    return 'other'


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--n', type=int, default=2000, help='number of decoded cases (default 2000)')
    ap.add_argument('--seed', type=int, default=0, help='random seed (default 0)')
    ap.add_argument('--out', type=Path, default=None, help='JSON file (default bench/results/fuzz_decoder-<UTC>.json)')
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    real = _real_photos()
    PRE(Image.new('RGB', (300, 300)))  # imports torch once, outside the timings
    load_start = os.getloadavg()
    signal.signal(signal.SIGALRM, _alarm)
    tracemalloc.start()
    outcomes = collections.Counter()
    reasons = collections.Counter()
    by_damage = collections.Counter()
    failures, slow, hangs = [], [], []
    times: list[float] = []
    max_peak = 0
    max_peak_case = None
    t_all = time.perf_counter()
    cpu0 = time.process_time()
    with tempfile.TemporaryDirectory(prefix='petcognizer-fuzz-') as tmp:
        i = -1
        while sum(by_damage.values()) < args.n:
            i += 1
            kind = DAMAGE[sum(by_damage.values()) % len(DAMAGE)]
            if real and rng.random() < 0.2:
                ext, data = real[int(rng.integers(0, len(real)))]
                case = {'source': 'real', 'ext': ext}
            else:
                try:
                    fmt, mode, size, data = _generated(rng)
                except (OSError, ValueError):
                    outcomes['not encodable (drawn again)'] += 1
                    continue
                ext = EXT[fmt]
                case = {'source': 'generated', 'format': fmt, 'mode': mode, 'size': size}
            data = _mutate(data, kind, rng)
            case.update(index=i, damage=kind, bytes=len(data))
            by_damage[kind] += 1
            path = Path(tmp) / f'case{ext}'
            path.write_bytes(data)
            for name, call in _calls(path):
                tracemalloc.reset_peak()
                t0 = time.perf_counter()
                signal.alarm(HANG_S)
                try:
                    call()
                    outcomes[f'{name}: ok'] += 1
                except ImageError as exc:
                    outcomes[f'{name}: ImageError'] += 1
                    reasons[_reason_kind(exc.reason)] += 1
                except Hang:
                    hangs.append({**case, 'call': name})
                except Exception as exc:  # the bug this bench looks for
                    failures.append({**case, 'call': name, 'error': f'{type(exc).__name__}: {exc}'[:300]})
                finally:
                    signal.alarm(0)
                dt = time.perf_counter() - t0
                times.append(dt)
                if dt > SLOW_S:
                    slow.append({**case, 'call': name, 'seconds': round(dt, 2)})
                peak = tracemalloc.get_traced_memory()[1]
                if peak > max_peak:
                    max_peak, max_peak_case = peak, {**case, 'call': name}
    wall = time.perf_counter() - t_all
    cpu = time.process_time() - cpu0
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 if sys.platform != 'darwin' else 1024**2)
    t = np.array(times)
    try:
        commit = subprocess.run(['git', 'rev-parse', 'HEAD'], capture_output=True, text=True,
                                cwd=Path(__file__).resolve().parent).stdout.strip()
    except OSError:
        commit = None
    report = {
        'command': ' '.join([Path(sys.executable).name, *sys.argv]),
        'date_utc': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
        'commit': commit,
        'pillow': PIL.__version__,
        'nproc': os.cpu_count(),
        'load_average_start': [round(x, 2) for x in load_start],
        'load_average_end': [round(x, 2) for x in os.getloadavg()],
        'cases': sum(by_damage.values()),
        'real_photo_bases': len(real),
        'cases_by_damage': dict(by_damage),
        'calls': len(times),
        'outcomes': dict(outcomes),
        'refusal_reasons': dict(reasons),
        'uncaught_exceptions': len(failures),
        'uncaught_examples': failures[:20],
        'hangs_over_60s': hangs,
        'calls_over_5s': slow[:20],
        'n_calls_over_5s': len(slow),
        'call_seconds': {'median': round(float(np.median(t)), 5), 'p99': round(float(np.quantile(t, 0.99)), 4),
                         'max': round(float(t.max()), 3)},
        'tracemalloc_peak_mb_max': round(max_peak / 2**20, 1),
        'tracemalloc_peak_case': max_peak_case,
        'ru_maxrss_mb': round(maxrss_mb, 1),
        'wall_s': round(wall, 1),
        'cpu_s': round(cpu, 1),
        'pass': not failures and not hangs and not slow and max_peak < 2 * 2**30 and maxrss_mb < 2048,
    }
    text = json.dumps(report, indent=1, default=str)
    print(text)
    out = args.out or RESULTS / f'fuzz_decoder-{time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())}.json'
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + '\n')
    return report


if __name__ == '__main__':
    sys.exit(0 if main()['pass'] else 1)
