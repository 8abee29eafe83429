"""Scale (issue 14): torchrun with 1 and 2 gloo processes, and a 100,000-photo project.

Run by hand, never in the test suite (it reads ``../shared/datasets`` and writes
a few hundred MB under ``/tmp``)::

    .venv/bin/python bench/scale_bench.py [--phases dist,open,import] [--photos 2000]
        [--big 100000] [--import-photos 2000,8000] [--work /tmp/petcognizer-scale]

Phases (JSON to ``bench/results/scale-<time>.json``; the load average is read
before and after each timing):

* ``dist``: time to model for ``--photos`` photos (frozen Lite0, the recommended
  config: ``petcognizer train DATA --out M --backbone efficientnet_lite0 --freeze-depth 0
  --json``)
  in one process, then with ``torchrun --standalone --nproc-per-node 2`` (gloo),
  each with a fresh feature cache; the ratio; peak RSS of the processes. The
  photos are small JPEGs (short side 160 px) made from the 400 photos of
  ``../shared/datasets/imagewoof-mini`` (each in up to 5 variants: crops and
  flips, so every file is distinct); synthetic when that folder is missing.
* ``open``: a project of ``--big`` small JPEGs (64x48, 10 classes), written
  straight into ``images/<class>/`` (made once, kept in ``--work``), opened in a
  fresh process by ``core.project.Project.open`` (then ``snapshot()``, what a
  run starts with) and by the window (``MainWindow().open_project``, offscreen):
  wall time and peak RSS (``ru_maxrss``) of each.
* ``import``: ``Project.from_folder`` of ``--import-photos`` photos (copied in,
  hashed): time and peak RSS for each size, so memory growth per photo shows.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
SHARED = ROOT.parent / 'shared' / 'datasets' / 'imagewoof-mini'


def loadavg() -> list[float]:
    return [float(x) for x in Path('/proc/loadavg').read_text().split()[:3]]


def run_timed(cmd: list[str], env: dict, timeout: float = 3600) -> dict:
    """Run ``cmd``; wall time, exit code, peak RSS of its biggest child process, load."""
    before = loadavg()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout,
                          check=False)
    wall = time.perf_counter() - t0
    return {'cmd': ' '.join(cmd)[:300], 'rc': proc.returncode, 'wall_s': round(wall, 2),
            'load_before': before, 'load_after': loadavg(), 'stdout': proc.stdout,
            'stderr_tail': proc.stderr[-1500:]}


# --------------------------------------------------------------------- photos

def make_dist_photos(dest: Path, n: int) -> tuple[int, str]:
    from PIL import Image, ImageOps

    if dest.is_dir() and sum(1 for _ in dest.rglob('*.jpg')) == n:
        return n, 'kept'
    shutil.rmtree(dest, ignore_errors=True)
    sources = sorted(p for p in SHARED.rglob('*') if p.is_file()) if SHARED.is_dir() else []
    rnd = random.Random(0)
    made = 0
    if sources:
        per = -(-n // len(sources))
        for k in range(per):
            for src in sources:
                if made >= n:
                    break
                img = ImageOps.exif_transpose(Image.open(src)).convert('RGB')
                w, h = img.size
                if k:  # a different crop of the same photo, maybe mirrored
                    f = 0.75 + 0.05 * k
                    cw, ch = int(w * f), int(h * f)
                    x, y = rnd.randint(0, w - cw), rnd.randint(0, h - ch)
                    img = img.crop((x, y, x + cw, y + ch))
                    if k % 2:
                        img = ImageOps.mirror(img)
                s = 160 / min(img.size)
                img = img.resize((max(1, round(img.width * s)), max(1, round(img.height * s))))
                out = dest / src.parent.name / f'{src.stem}-{k}.jpg'
                out.parent.mkdir(parents=True, exist_ok=True)
                img.save(out, quality=85)
                made += 1
        return made, f'{SHARED} (crops and flips)'
    for i in range(n):  # synthetic: coloured noise, 4 classes
        c = i % 4
        img = Image.effect_noise((160, 160), 40 + 10 * c).convert('RGB')
        out = dest / f'class{c}' / f'{i}.jpg'
        out.parent.mkdir(parents=True, exist_ok=True)
        img.save(out, quality=85)
    return n, 'synthetic'


def _write_small(args) -> int:
    from PIL import Image

    folder, start, stop, cls = args
    rnd = random.Random(start)
    for i in range(start, stop):
        img = Image.new('RGB', (64, 48), (40 + 20 * cls, rnd.randrange(256), rnd.randrange(256)))
        px = img.load()
        for _ in range(12):
            px[rnd.randrange(64), rnd.randrange(48)] = (rnd.randrange(256),) * 3
        img.save(folder / f'p{i:06d}.jpg', quality=80)
    return stop - start


def make_big_project(root: Path, n: int) -> dict:
    from concurrent.futures import ProcessPoolExecutor

    from petcognizer.core.project import Project

    marker = root / '.bench-complete'
    if marker.is_file() and marker.read_text() == str(n):
        return {'made': False, 'photos': n}
    shutil.rmtree(root, ignore_errors=True)
    classes = [f'class{k:02d}' for k in range(10)]
    t0 = time.perf_counter()
    project = Project.create(root, classes=classes)
    jobs = []
    per = n // len(classes)
    for k, c in enumerate(classes):
        folder = Path(project.images_dir) / c
        folder.mkdir(parents=True, exist_ok=True)
        count = per + (n - per * len(classes) if k == len(classes) - 1 else 0)
        base = k * per
        for s in range(0, count, 2000):
            jobs.append((folder, base + s, base + min(count, s + 2000), k))
    with ProcessPoolExecutor(2) as pool:
        total = sum(pool.map(_write_small, jobs))
    marker.write_text(str(n))
    du = sum(p.stat().st_size for p in Path(project.images_dir).rglob('*.jpg'))
    return {'made': True, 'photos': total, 'seconds': round(time.perf_counter() - t0, 1),
            'bytes': du}


# --------------------------------------------------------------------- phases

_OPEN_CORE = r'''
import json, resource, sys, time
t0 = time.perf_counter()
from petcognizer.core.project import Project
t1 = time.perf_counter()
p = Project.open(sys.argv[1])
t2 = time.perf_counter()
n = sum(len(p.images(c)) for c in p.classes)
t3 = time.perf_counter()
s = p.snapshot()
t4 = time.perf_counter()
print(json.dumps({'import_s': t1 - t0, 'open_s': t2 - t1, 'list_all_s': t3 - t2,
                  'snapshot_s': t4 - t3, 'photos': n, 'snapshot_photos': len(s.paths),
                  'warnings': p.warnings[:3],
                  'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
'''

_OPEN_WINDOW = r'''
import json, os, resource, sys, time
os.environ['QT_QPA_PLATFORM'] = 'offscreen'
from PySide6.QtWidgets import QApplication
app = QApplication([])
from petcognizer.gui.main_window import MainWindow
w = MainWindow()
w.resize(1280, 800)
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t0 = time.perf_counter()
ok = w.open_project(sys.argv[1])
t1 = time.perf_counter()
for _ in range(20):
    app.processEvents()
t2 = time.perf_counter()
print(json.dumps({'opened': ok, 'open_project_s': t1 - t0, 'with_events_s': t2 - t0,
                  'rss_before_open_mb': rss0,
                  'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
w.close()
'''


def phase_dist(work: Path, n: int, env: dict) -> dict:
    data = work / f'photos{n}'
    made, source = make_dist_photos(data, n)
    out: dict = {'photos': made, 'source': source, 'runs': {}}
    # the freeze depth pinned: a single-process run without one first looks at the photos to
    # choose whether to fine-tune, which a torchrun run skips (the same work in both, so)
    base = ['-m', 'petcognizer', 'train', str(data), '--backbone', 'efficientnet_lite0',
            '--freeze-depth', '0', '--json', '-q', '--force']
    for name, launcher in (('1', [PY]),
                           ('2', [PY, '-m', 'torch.distributed.run', '--standalone',
                                  '--nproc-per-node', '2'])):
        cache = work / f'cache-{name}'
        shutil.rmtree(cache, ignore_errors=True)
        e = dict(env, PETCOGNIZER_CACHE=str(cache))
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        r = run_timed([*launcher, *base, '--out', str(work / f'model-{name}.safetensors')], e)
        after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        try:
            summary = json.loads(r.pop('stdout'))
        except ValueError:
            summary = {}
        r['peak_child_rss_mb'] = round(after / 1024, 1) if after > before else None
        r.update({k: summary.get(k) for k in ('world_size', 'backend', 'best_val_acc', 'n_train',
                                              'n_val')})
        r['cli_seconds'] = summary.get('seconds')  # what the command itself reports
        r['lr'] = summary.get('config', {}).get('lr')
        r['config'] = summary.get('config')
        out['runs'][name] = r
        print(f'dist {name} process(es): {r}', file=sys.stderr)
    one, two = out['runs']['1'], out['runs']['2']
    if one['rc'] == 0 and two['rc'] == 0:
        out['ratio_1_over_2'] = round(one['wall_s'] / two['wall_s'], 3)
    return out


def phase_open(work: Path, n: int, env: dict) -> dict:
    root = work / f'project{n}'
    out = {'generate': make_big_project(root, n)}
    for name, code in (('core', _OPEN_CORE), ('window', _OPEN_WINDOW)):
        runs = []
        for _ in range(2):  # the second open finds the folders in the OS cache
            r = run_timed([PY, '-c', code, str(root)], env, timeout=900)
            try:
                r.update(json.loads(r.pop('stdout').strip().splitlines()[-1]))
            except (ValueError, IndexError):
                pass
            runs.append(r)
            print(f'open {name}: {r}', file=sys.stderr)
        out[name] = runs
    return out


def phase_import(work: Path, sizes: list[int], env: dict) -> dict:
    src = work / f'project{max(sizes)}-src'
    if not (src / '.bench-complete').is_file():
        shutil.rmtree(src, ignore_errors=True)
        cls = [src / f'c{k}' for k in range(4)]
        for c in cls:
            c.mkdir(parents=True)
        per = -(-max(sizes) // 4)
        for k, c in enumerate(cls):
            _write_small((c, k * per, (k + 1) * per, k))
        (src / '.bench-complete').write_text('ok')
    out = {}
    code = r'''
import json, resource, shutil, sys, time
from pathlib import Path
from petcognizer.core.project import Project
src, dst, n = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
sub = dst.parent / (dst.name + '-src')
shutil.rmtree(sub, ignore_errors=True)
for c in sorted(src.iterdir()):
    if c.is_dir():
        files = sorted(c.iterdir())[: n // 4]
        (sub / c.name).mkdir(parents=True)
        for f in files:
            (sub / c.name / f.name).symlink_to(f)
r0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t0 = time.perf_counter()
p, report = Project.from_folder(sub, dst)
t1 = time.perf_counter()
print(json.dumps({'import_s': t1 - t0, 'added': len(report.added),
                  'rss_before_mb': r0,
                  'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
'''
    for n in sizes:
        dst = work / f'imported{n}'
        shutil.rmtree(dst, ignore_errors=True)
        r = run_timed([PY, '-c', code, str(src), str(dst), str(n)], env, timeout=3600)
        try:
            r.update(json.loads(r.pop('stdout').strip().splitlines()[-1]))
        except (ValueError, IndexError):
            pass
        out[str(n)] = r
        print(f'import {n}: {r}', file=sys.stderr)
        shutil.rmtree(dst, ignore_errors=True)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--phases', default='dist,open,import')
    ap.add_argument('--photos', type=int, default=2000)
    ap.add_argument('--big', type=int, default=100_000)
    ap.add_argument('--import-photos', default='2000,8000')
    ap.add_argument('--work', default='/tmp/petcognizer-scale')
    ap.add_argument('--tag', default='')
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PETCOGNIZER_DEVICE='cpu', PETCOGNIZER_CONFIG=str(work / 'settings.json'),
               PYTHONPATH=str(ROOT))
    env.setdefault('PETCOGNIZER_CACHE', str(work / 'cache'))
    result: dict = {'bench': 'scale', 'started': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
                    'cpus': os.cpu_count(), 'load_start': loadavg(), 'args': vars(args)}
    phases = args.phases.split(',')
    if 'dist' in phases:
        result['dist'] = phase_dist(work, args.photos, env)
    if 'open' in phases:
        result['open'] = phase_open(work, args.big, env)
    if 'import' in phases:
        result['import'] = phase_import(work, [int(x) for x in args.import_photos.split(',')], env)
    result['load_end'] = loadavg()
    out_dir = ROOT / 'bench' / 'results'
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())
    path = out_dir / f'scale-{stamp}{"-" + args.tag if args.tag else ""}.json'
    path.write_text(json.dumps(result, indent=1))
    print(path)
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
