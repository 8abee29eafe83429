"""The export's web page (onnxruntime-web) in headless Chromium against petcognizer predict (issue 12).

For each model of bench/export_bench.py (run that first: it trains the models and makes the
200 photos in bench/out/export/), exports ONNX with the web page (``--also web``), serves the
export folder and the photos from a local HTTP server, opens the page in Debian's chromium
(headless) with ``?list=photos.json``; the page classifies every photo with its JavaScript
preprocessing and POSTs the probabilities back. Compared with petcognizer predict: top-1
agreement and the largest probability difference, overall and by kind of photo. The bundle's
standalone predict.py (onnxruntime + Pillow) is compared on the same photos too (``--no-predict-py``
skips it). The page decodes JPEGs with libjpeg-turbo in WebAssembly (@cwasm/jpeg-turbo, fetched
with npm at export) and TIFFs with its own reader; a photo it cannot decode exactly comes back
as an error, counted under ``errors``.

Run by hand:  .venv/bin/python bench/export_web_bench.py [--models single ...] [--limit N]
JSON in bench/results/export-web-<time>.json.  Needs chromium (apt-get install chromium).

``--damaged N`` instead makes N damaged copies (1-8 bytes overwritten, a fifth also cut short) of
the JPEG and TIFF photos (by content) and compares preprocess.js's decoding (in node, the page's own code for
those formats) with petcognizer's load_rgb on each: same pixels, both refuse, or one refuses;
"different pixels" is what must not happen. JSON in bench/results/export-web-damaged-<time>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / 'bench' / 'out' / 'export'
sys.path.insert(0, str(ROOT / 'bench'))


def serve(root: Path):
    """(server, results list): files under ``root``; POST /result appends the JSON body."""
    results: list = []
    done = threading.Event()

    class Handler(SimpleHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            n = int(self.headers.get('Content-Length', 0))
            results.append(json.loads(self.rfile.read(n)))
            self.send_response(204)
            self.end_headers()
            done.set()

        def log_message(self, *args):
            pass

    Handler.extensions_map = {**SimpleHTTPRequestHandler.extensions_map, '.wasm': 'application/wasm',
                              '.mjs': 'text/javascript'}
    server = ThreadingHTTPServer(('127.0.0.1', 0), partial(Handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, results, done


def chromium() -> str:
    for name in ('chromium', 'chromium-browser', 'google-chrome'):
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit('chromium is not installed: apt-get install chromium')


def run_page(root: Path, page: str, photos: list[str], timeout: float = 1800) -> list[dict]:
    (root / 'photos.json').write_text(json.dumps(photos))
    server, results, done = serve(root)
    url = f'http://127.0.0.1:{server.server_port}/{page}?list=/photos.json'
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.Popen([chromium(), '--headless=new', '--no-sandbox', '--disable-gpu',
                                 '--no-first-run', f'--user-data-dir={profile}', url],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            if not done.wait(timeout):
                raise SystemExit(f'the page did not answer within {timeout:.0f} s')
        finally:
            proc.terminate()
            proc.wait(30)
            server.shutdown()
    res = results[0]
    if isinstance(res, dict) and 'error' in res:
        raise SystemExit(f'the page failed: {res["error"]}')
    return res


NODE_DECODE = r"""
const fs = require('fs');
const P = require(process.argv[2]);
(async () => {
  await P.initJpeg(fs.readFileSync(process.argv[3]));
  const out = {};
  for (const f of JSON.parse(fs.readFileSync(process.argv[4]))) {
    try {
      const im = await P.decodePhoto(new Uint8Array(fs.readFileSync(f)), Number(process.argv[5]));
      out[f] = {w: im.w, h: im.h, rgb: Buffer.from(im.data).toString('base64')};
    } catch (e) { out[f] = {error: e.message}; }
  }
  fs.writeFileSync(process.argv[6], JSON.stringify(out));
})();
"""


def damaged(n: int, files: list[Path]) -> None:
    """preprocess.js against load_rgb on ``n`` damaged copies of the JPEG and TIFF photos."""
    import base64
    import random
    import warnings
    from collections import Counter

    from petcognizer.core.export_targets import jpeg_wasm
    from petcognizer.core.images import ImageError, load_rgb

    node = shutil.which('node')
    if node is None:
        raise SystemExit('--damaged needs node (apt-get install nodejs)')
    def kind_of(head: bytes) -> str | None:  # by content, as the page decides (not the name)
        if head[:3] == b'\xff\xd8\xff':
            return 'jpeg'
        return 'tiff' if head[:4] in (b'II*\x00', b'MM\x00*') else None

    src = [f for f in files if kind_of(f.read_bytes()[:4])]
    rng = random.Random(3)
    load0 = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        made = []
        for i in range(n):
            f = src[i % len(src)]
            b = bytearray(f.read_bytes())
            for _ in range(rng.randint(1, 8)):
                b[rng.randrange(len(b))] = rng.randrange(256)
            if rng.random() < 0.2:
                b = b[:rng.randrange(len(b))]
            made.append(tmp / f'{i:04d}-{f.name}')
            made[-1].write_bytes(bytes(b))
        (tmp / 'list.json').write_text(json.dumps([str(m) for m in made]))
        (tmp / 'decode.js').write_text(NODE_DECODE)
        t0 = time.perf_counter()
        r = subprocess.run([node, str(tmp / 'decode.js'), str(ROOT / 'resources' / 'export' / 'preprocess.js'),
                            str(jpeg_wasm()), str(tmp / 'list.json'), '256', str(tmp / 'out.json')],
                           capture_output=True, text=True, timeout=3600)
        if r.returncode:
            raise SystemExit(f'node failed: {r.stderr[-2000:]}')
        page_s = time.perf_counter() - t0
        page = json.loads((tmp / 'out.json').read_text())
        counts: Counter = Counter()
        different = []
        for m in made:
            kind = kind_of(src[int(m.name[:4]) % len(src)].read_bytes()[:4])
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter('ignore')
                    want = np.asarray(load_rgb(m, draft_size=256))
            except ImageError:
                want = None
            got = page[str(m)]
            if want is None or 'error' in got:
                what = ('petcognizer refuses' if want is None else 'petcognizer answers') + \
                    (', page refuses' if 'error' in got else ', page answers')
            else:
                px = np.frombuffer(base64.b64decode(got['rgb']), np.uint8)
                same = (got['h'], got['w']) == want.shape[:2] and np.array_equal(px.reshape(want.shape), want)
                what = 'same pixels' if same else 'different pixels'
                if not same:
                    different.append(m.name)
            counts[f'{kind}: {what}'] += 1
    result = {'damaged_copies': n, 'of_photos': len(src), 'counts': dict(sorted(counts.items())),
              'different': different, 'node_seconds': round(page_s, 1), 'load_start': load0,
              'load_end': os.getloadavg()}
    print(json.dumps(result, indent=1))
    stamp = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())
    dest = ROOT / 'bench' / 'results' / f'export-web-damaged-{stamp}.json'
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(result, indent=1))
    print('wrote', dest)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--models', nargs='*', default=['single', 'ensemble', 'finetuned'])
    ap.add_argument('--limit', type=int, default=0, help='only the first N photos')
    ap.add_argument('--no-predict-py', action='store_true', help="skip the bundle's predict.py")
    ap.add_argument('--damaged', type=int, default=0, metavar='N',
                    help='only compare the decoding of N damaged copies of the JPEG and TIFF photos (node)')
    args = ap.parse_args()
    import export_bench as eb

    from petcognizer.core.export import export_checked
    from petcognizer.core.exportformats import bundle_path

    photos = OUT / 'photos'
    if not photos.exists():
        raise SystemExit('run bench/export_bench.py first (it makes the models and photos)')
    files = sorted(p for p in photos.rglob('*') if p.is_file())
    if args.limit:
        files = files[:args.limit]
    if args.damaged:
        return damaged(args.damaged, files)
    import resource

    from petcognizer.core.export_targets import JPEG_WASM_PACKAGE, JPEG_WASM_VERSION, ORT_WEB_VERSION

    version = subprocess.run([chromium(), '--version'], capture_output=True, text=True).stdout.strip()
    result = {'photos': len(files), 'load_start': os.getloadavg(), 'chromium': version,
              'onnxruntime_web': ORT_WEB_VERSION, 'jpeg_decoder': f'{JPEG_WASM_PACKAGE} {JPEG_WASM_VERSION}',
              'models': {}}
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    for name in args.models:
        model = OUT / f'{name}.safetensors'
        root = OUT / 'web' / name
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        res = export_checked(model, root / f'{name}.onnx', 'onnx', also=('web',))
        link = root / 'photos'
        os.symlink(photos, link)
        classes, ref, _ = eb.petcognizer_probs(model, photos)
        rel = ['/photos/' + str(p.relative_to(photos)) for p in files]
        t0 = time.perf_counter()
        lines = run_page(root, f'{bundle_path(res.path).name}/web/index.html', rel)
        secs = time.perf_counter() - t0
        by_kind: dict[str, list] = {}
        diffs, top1, n, errors, worst = [], 0, 0, [], []
        for f, line in zip(files, lines):
            r = ref[str(f)]
            if 'error' in line or r.error:
                errors.append([f.name, line.get('error'), r.error])
                continue
            want = np.array([dict(r.probabilities)[c] for c in classes])
            got = np.array(line['probs'])
            d = float(np.abs(got - want).max())
            same = int(np.argmax(got)) == int(np.argmax(want))
            diffs.append(d)
            top1 += same
            n += 1
            kind = f.stem.split('-', 1)[1] if f.parent.name == 'variants' else f.suffix.lower()
            by_kind.setdefault(kind, []).append((d, same))
            worst.append((d, f.name))
        worst.sort(reverse=True)
        entry = {
            'photos': n, 'top1_agree': top1, 'max_abs_diff': max(diffs) if diffs else None,
            'within_1e-3': int(sum(d <= 1e-3 for d in diffs)), 'seconds': round(secs, 1),
            'errors': errors, 'worst': worst[:8],
            'by_kind': {k: {'photos': len(v), 'top1_agree': sum(s for _, s in v),
                            'max_abs_diff': max(d for d, _ in v)} for k, v in sorted(by_kind.items())},
        }
        if not args.no_predict_py:
            sub = root / 'predict-py-photos'
            sub.mkdir()
            for f in files:  # the same photos (--limit), as links
                os.symlink(f, sub / f'{f.parent.name}-{f.name}')
            r, secs_py = eb.run([sys.executable, bundle_path(res.path) / 'predict.py', '--top-k', '99', sub])
            lines_py = [json.loads(x) for x in r.stdout.splitlines()]
            for line in lines_py:  # back to the photos' own paths, as petcognizer's results name them
                link = Path(line['path'])
                line['path'] = str(link.resolve()) if link.is_symlink() else line['path']
            ref_sel = {str(f): ref[str(f)] for f in files}
            entry['predict_py'] = {**eb.compare_lines(classes, {str(Path(k).resolve()): v for k, v in ref_sel.items()}, lines_py),
                                   'seconds': round(secs_py, 1), 'errors': sum('error' in x for x in lines_py)}
        entry['load_end'] = os.getloadavg()
        result['models'][name] = entry
        print(name, json.dumps(entry, indent=1), flush=True)
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    me = resource.getrusage(resource.RUSAGE_SELF)
    result['cpu_seconds'] = {'children': round(cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime, 1),
                             'this_process': round(me.ru_utime + me.ru_stime, 1)}
    stamp = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())
    dest = ROOT / 'bench' / 'results' / f'export-web-{stamp}.json'
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(result, indent=1))
    print('wrote', dest)


if __name__ == '__main__':
    main()
