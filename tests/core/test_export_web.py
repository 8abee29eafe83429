"""The exported web page's decoding and preprocessing (resources/export/preprocess.js) against petcognizer.

The page must give petcognizer's pixels for every photo: JPEGs through libjpeg-turbo in
WebAssembly (jpeg-turbo.wasm of @cwasm/jpeg-turbo, which the export fetches with npm), TIFFs
through preprocess.js's own reader, the rest through the browser. These tests run preprocess.js
in node (skipped without node; the JPEG cases also without a cached jpeg-turbo.wasm, since tests
do not use the network) and in headless Chromium (skipped without chromium), and check the
export's handling of the third-party files without npm.
"""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import subprocess
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from petcognizer.core import export_targets as et
from petcognizer.core.export_check import pixels
from petcognizer.core.images import ImageError, load_rgb

ROOT = Path(__file__).resolve().parents[2]
JS = ROOT / 'resources' / 'export' / 'preprocess.js'
PRE = {'input_size': 64, 'resize': 73, 'interpolation': 'bilinear', 'mean': [0.5] * 3, 'std': [0.5] * 3}
NODE = shutil.which('node')
CHROMIUM = next((p for p in map(shutil.which, ('chromium', 'chromium-browser')) if p), None)


def cached_jpeg_wasm() -> Path | None:
    """jpeg-turbo.wasm if this machine has it ($PETCOGNIZER_JPEG_WASM or the export's npm cache)."""
    env = os.environ.get('PETCOGNIZER_JPEG_WASM')
    cache = Path(os.environ.get('XDG_CACHE_HOME', Path.home() / '.cache')) / 'petcognizer' / \
        f'cwasm-jpeg-turbo-{et.JPEG_WASM_VERSION}'
    for folder in ([Path(env)] if env else []) + [cache]:
        if (folder / et.JPEG_WASM_FILE).is_file():
            return folder / et.JPEG_WASM_FILE
    return None


WASM = cached_jpeg_wasm()
need_node = pytest.mark.skipif(NODE is None, reason='node is not installed')
need_wasm = pytest.mark.skipif(WASM is None, reason='jpeg-turbo.wasm is not cached here (petcognizer '
                               'export --also web fetches it with npm; tests use no network)')


def picture(w: int, h: int, seed: int = 0) -> Image.Image:
    """A photo-like RGB image: gradients, edges and noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    a = np.stack([x * 255 / max(1, w - 1), y * 255 / max(1, h - 1), ((x // 7 + y // 5) % 2) * 200], -1)
    a = a + rng.normal(0, 18, a.shape)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), 'RGB')


def jpeg_photos(folder: Path) -> dict[str, Path]:
    out = {}

    def save(name, img, **kw):
        out[name] = folder / name
        img.save(out[name], **kw)

    save('rgb.jpg', picture(150, 101), quality=90)
    save('progressive.jpg', picture(97, 130, 1), quality=80, progressive=True)
    save('grey.jpg', picture(120, 90, 2).convert('L'), quality=90)
    save('cmyk.jpg', picture(110, 95, 3).convert('CMYK'), quality=90)
    save('half.jpg', picture(240, 160, 4), quality=92)        # short side 160 >= 2 x 73: scale 1/2
    save('quarter.jpg', picture(700, 330, 5), quality=85)     # scale 1/4
    save('eighth.jpg', picture(1300, 640, 6), quality=85)     # scale 1/8
    save('cmyk-half.jpg', picture(300, 200, 7).convert('CMYK'), quality=90)
    for o in range(2, 9):
        exif = Image.Exif()
        exif[0x0112] = o
        save(f'exif{o}.jpg', picture(61, 37, o), quality=90, exif=exif)
    xmp = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
           b'22-rdf-syntax-ns#"><rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" '
           b'tiff:Orientation="6"/></rdf:RDF></x:xmpmeta>')
    save('xmp6.jpg', picture(80, 50, 9), quality=90, xmp=xmp)
    rotated = Image.Exif()
    rotated[0x0112] = 3
    save('big-exif3.jpg', picture(400, 180, 10), quality=90, exif=rotated)  # draft, then rotate
    return out


def tiff_photos(folder: Path) -> dict[str, Path]:
    out = {}

    def save(name, img, **kw):
        out[name] = folder / name
        img.save(out[name], format='TIFF', **kw)

    save('cmyk.tif', picture(90, 70).convert('CMYK'))
    save('rgb-lzw.tif', picture(130, 77, 1), compression='tiff_lzw')
    save('rgb-packbits.tif', picture(77, 90, 2), compression='packbits')
    save('rgb-deflate.tif', picture(100, 81, 3), compression='tiff_adobe_deflate')
    save('grey.tif', picture(90, 100, 4).convert('L'))
    rgba = picture(80, 80, 5).convert('RGBA')
    rgba.putalpha(Image.linear_gradient('L').resize((80, 80)))
    save('rgba.tif', rgba)
    save('palette.tif', picture(75, 90, 6).quantize(40))
    save('rotated8.tif', picture(96, 60, 7), tiffinfo={274: 8})
    return out


NODE_DRIVER = r"""
const fs = require('fs');
const P = require(process.argv[2]);
const job = JSON.parse(fs.readFileSync(process.argv[3]));
(async () => {
  if (job.wasm) { if (!await P.initJpeg(fs.readFileSync(job.wasm))) throw new Error('wasm did not load'); }
  const out = [];
  for (const path of job.photos) {
    try {
      const img = await P.decodePhoto(new Uint8Array(fs.readFileSync(path)), job.pre.resize);
      const crop = P.resizeCrop(img, job.pre);
      out.push({path, w: img.w, h: img.h, rgb: Buffer.from(img.data).toString('base64'),
                crop: Buffer.from(crop).toString('base64')});
    } catch (e) { out.push({path, error: e.message}); }
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(2); });
"""


def run_node(tmp_path: Path, photos, wasm: Path | None) -> dict[str, dict]:
    driver = tmp_path / 'driver.js'
    driver.write_text(NODE_DRIVER)
    job = tmp_path / 'job.json'
    job.write_text(json.dumps({'wasm': str(wasm) if wasm else None, 'pre': PRE,
                               'photos': [str(p) for p in photos]}))
    r = subprocess.run([NODE, str(driver), str(JS), str(job)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    return {Path(x['path']).name: x for x in json.loads(r.stdout)}


def assert_same_as_petcognizer(path: Path, got: dict) -> None:
    assert 'error' not in got, f'{path.name}: {got.get("error")}'
    want = np.asarray(load_rgb(path, draft_size=PRE['resize']))
    rgb = np.frombuffer(base64.b64decode(got['rgb']), np.uint8)
    assert (got['h'], got['w']) == want.shape[:2], path.name
    assert np.array_equal(rgb.reshape(want.shape), want), \
        f'{path.name}: {int((rgb.reshape(want.shape) != want).sum())} values differ from load_rgb'
    crop = np.frombuffer(base64.b64decode(got['crop']), np.uint8)
    assert np.array_equal(crop.reshape(PRE['input_size'], PRE['input_size'], 3), pixels([path], PRE)[0]), path.name


@need_node
def test_tiff_decoding_matches_pillow_exactly(tmp_path):
    photos = tiff_photos(tmp_path)
    got = run_node(tmp_path, photos.values(), None)
    for name, path in photos.items():
        assert_same_as_petcognizer(path, got[name])


@need_node
def test_unsupported_tiff_and_missing_jpeg_decoder_are_refused_by_name(tmp_path):
    img = picture(64, 48)
    img.save(tmp_path / 'jpeg-in.tif', format='TIFF', compression='jpeg')
    Image.fromarray((np.asarray(img.convert('L')).astype(np.uint16) * 257)).save(tmp_path / 'deep.tif', format='TIFF')
    img.save(tmp_path / 'a.jpg', quality=90)
    got = run_node(tmp_path, [tmp_path / 'jpeg-in.tif', tmp_path / 'deep.tif', tmp_path / 'a.jpg'], None)
    assert 'compression 7' in got['jpeg-in.tif']['error'] and 'predict.py' in got['jpeg-in.tif']['error']
    assert '16-bit' in got['deep.tif']['error']
    # without jpeg-turbo.wasm the page refuses a JPEG rather than decode it another way
    assert 'jpeg-turbo.wasm' in got['a.jpg']['error'] and 'exactly' in got['a.jpg']['error']


@need_node
@need_wasm
def test_jpeg_decoding_matches_pillow_exactly(tmp_path):
    """Full and reduced-scale (1/2, 1/4, 1/8) decoding, grey, CMYK, progressive, EXIF and XMP orientation."""
    photos = jpeg_photos(tmp_path)
    got = run_node(tmp_path, photos.values(), WASM)
    for name, path in photos.items():
        assert_same_as_petcognizer(path, got[name])


@need_node
@need_wasm
def test_damaged_jpegs_are_refused_like_petcognizer(tmp_path):
    buf = io.BytesIO()
    picture(120, 80).save(buf, 'JPEG', quality=90)
    data = buf.getvalue()
    (tmp_path / 'truncated.jpg').write_bytes(data[:len(data) * 2 // 3])
    (tmp_path / 'header.jpg').write_bytes(data[:40])
    # part of the scan missing, the end-of-image marker kept: libjpeg warns and fills in grey
    (tmp_path / 'gap.jpg').write_bytes(data[:len(data) // 2] + b'\xff\xd9')
    names = ['truncated.jpg', 'header.jpg']
    for name in names:
        with pytest.raises(ImageError):
            load_rgb(tmp_path / name, draft_size=PRE['resize'])
    got = run_node(tmp_path, [tmp_path / n for n in [*names, 'gap.jpg']], WASM)
    assert 'truncated' in got['truncated.jpg']['error']
    assert 'error' in got['header.jpg']
    # petcognizer decodes it, but builds of libjpeg recover differently: the page refuses it
    load_rgb(tmp_path / 'gap.jpg', draft_size=PRE['resize'])
    assert 'damaged' in got['gap.jpg']['error'] and 'predict.py' in got['gap.jpg']['error']


def test_web_files_without_npm_say_what_to_do(tmp_path, monkeypatch):
    monkeypatch.delenv('PETCOGNIZER_ORT_WEB', raising=False)
    monkeypatch.delenv('PETCOGNIZER_JPEG_WASM', raising=False)
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path / 'cache'))
    monkeypatch.setattr(shutil, 'which', lambda name: None)
    with pytest.raises(FileNotFoundError, match='install npm.*PETCOGNIZER_ORT_WEB'):
        et.check_variants(['web'])  # before any export work
    ort = tmp_path / 'ort'
    ort.mkdir()
    for name in et.ORT_WEB_FILES:
        (ort / name).write_text('x')
    monkeypatch.setenv('PETCOGNIZER_ORT_WEB', str(ort))
    with pytest.raises(FileNotFoundError, match='jpeg-turbo.*npm.*PETCOGNIZER_JPEG_WASM'):
        et.check_variants(['web'])
    fake = tmp_path / 'wasm'
    fake.mkdir()
    (fake / et.JPEG_WASM_FILE).write_bytes(b'\0asm not the one')
    monkeypatch.setenv('PETCOGNIZER_JPEG_WASM', str(fake))
    with pytest.raises(FileNotFoundError, match='checked with'):
        et.jpeg_wasm()
    monkeypatch.setenv('PETCOGNIZER_JPEG_WASM', str(tmp_path / 'nowhere'))
    with pytest.raises(FileNotFoundError, match='PETCOGNIZER_JPEG_WASM must name'):
        et.jpeg_wasm()


def test_write_web_bundles_the_page_and_its_licence_note(tmp_path):
    src = tmp_path / 'src'
    src.mkdir()
    files = {}
    for name in (*et.ORT_WEB_FILES, et.JPEG_WASM_FILE):
        (src / name).write_bytes(name.encode())
        files[name] = src / name
    index = et.write_web(tmp_path / 'bundle', 'pets.onnx', files)
    web = index.parent
    assert sorted(p.name for p in web.iterdir()) == sorted([*et.WEB_TEMPLATES, *files])
    html = index.read_text()
    assert "'../../pets.onnx'" in html and 'MODEL.onnx' not in html
    assert "initJpeg('jpeg-turbo.wasm')" in html
    note = (web / 'THIRD-PARTY.md').read_text()
    for needle in ('onnxruntime-web', 'MIT', '@cwasm/jpeg-turbo', 'libjpeg-turbo', 'IJG', 'BSD', 'zlib'):
        assert needle in note, needle
    assert (web / et.JPEG_WASM_FILE).read_bytes() == et.JPEG_WASM_FILE.encode()


# ---------------------------------------------------------------------- headless Chromium

HARNESS = """<!doctype html><meta charset="utf-8"><script src="preprocess.js"></script><script>
(async () => {
  const job = await (await fetch('job.json')).json();
  const ok = await initJpeg('jpeg-turbo.wasm');
  const out = [];
  for (const url of job.photos) {
    try {
      const px = await photoPixels(await (await fetch(url)).blob(), job.pre);
      let s = ''; for (let i = 0; i < px.length; i += 8192) s += String.fromCharCode(...px.subarray(i, i + 8192));
      out.push({url, crop: btoa(s)});
    } catch (e) { out.push({url, error: e.message}); }
  }
  await fetch('/result', {method: 'POST', body: JSON.stringify({ok, out})});
})();
</script>"""


def page_results(root: Path, timeout: float = 120, page: str = 'harness.html') -> dict:
    results, done = [], threading.Event()

    class Handler(SimpleHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            results.append(json.loads(self.rfile.read(int(self.headers.get('Content-Length', 0)))))
            self.send_response(204)
            self.end_headers()
            done.set()

        def log_message(self, *args):
            pass

    Handler.extensions_map = {**SimpleHTTPRequestHandler.extensions_map, '.wasm': 'application/wasm'}
    server = ThreadingHTTPServer(('127.0.0.1', 0), partial(Handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    profile = root / 'profile'
    proc = subprocess.Popen([CHROMIUM, '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run',
                             f'--user-data-dir={profile}', f'http://127.0.0.1:{server.server_port}/{page}'],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert done.wait(timeout), 'the page did not answer'
    finally:
        proc.terminate()
        proc.wait(30)
        server.shutdown()
    return results[0]


@pytest.mark.skipif(CHROMIUM is None, reason='chromium is not installed')
@need_wasm
def test_page_pixels_in_chromium_match_petcognizer(tmp_path):
    """photoPixels in the browser: JPEG (wasm), TIFF (own reader), PNG, GIF and WebP (the browser),
    16-bit grey PNG (own reader), EXIF and XMP orientation of PNG and WebP."""
    photos = {**jpeg_photos(tmp_path), **tiff_photos(tmp_path)}
    rgba = picture(90, 70, 11).convert('RGBA')
    rgba.putalpha(Image.radial_gradient('L').resize((90, 70)))
    exif = Image.Exif()
    exif[0x0112] = 6
    xmp = PngInfo()
    xmp.add_itxt('XML:com.adobe.xmp', '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
                 '02/22-rdf-syntax-ns#"><rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" '
                 'tiff:Orientation="8"/></rdf:RDF></x:xmpmeta>')
    deep = (np.arange(70 * 90).reshape(70, 90) * 7 % 3001).astype(np.uint16)  # a 12-bit range
    for name, img, kw in (('rgba.png', rgba, {}), ('grey.png', picture(80, 99, 12).convert('L'), {}),
                          ('palette.gif', picture(77, 80, 13).quantize(100), {'transparency': 0}),
                          ('exif6.png', picture(90, 50, 14), {'exif': exif}),
                          ('xmp8.png', picture(50, 81, 15), {'pnginfo': xmp}),
                          ('exif6.webp', picture(88, 40, 16), {'exif': exif, 'lossless': True}),
                          ('grey12.png', Image.fromarray(deep), {}),
                          ('grey16.png', Image.fromarray((deep * 21).astype(np.uint16)), {})):
        img.save(tmp_path / name, **kw)
        photos[name] = tmp_path / name
    shutil.copyfile(JS, tmp_path / 'preprocess.js')
    shutil.copyfile(WASM, tmp_path / et.JPEG_WASM_FILE)
    (tmp_path / 'harness.html').write_text(HARNESS)
    (tmp_path / 'job.json').write_text(json.dumps({'pre': PRE, 'photos': [f'/{n}' for n in photos]}))
    res = page_results(tmp_path)
    assert res['ok'] is True
    for line in res['out']:
        path = photos[line['url'][1:]]
        assert 'error' not in line, f'{path.name}: {line["error"]}'
        got = np.frombuffer(base64.b64decode(line['crop']), np.uint8).reshape(PRE['input_size'], PRE['input_size'], 3)
        want = pixels([path], PRE)[0]
        assert np.array_equal(got, want), f'{path.name}: {int((got != want).sum())} values differ'
    assert len(res['out']) == len(photos)


def cached_ort_web() -> Path | None:
    env = os.environ.get('PETCOGNIZER_ORT_WEB')
    cache = Path(os.environ.get('XDG_CACHE_HOME', Path.home() / '.cache')) / 'petcognizer' / \
        f'onnxruntime-web-{et.ORT_WEB_VERSION}'
    for folder in ([Path(env)] if env else []) + [cache]:
        if all((folder / f).is_file() for f in et.ORT_WEB_FILES):
            return folder
    return None


@pytest.mark.skipif(CHROMIUM is None, reason='chromium is not installed')
@pytest.mark.skipif(cached_ort_web() is None, reason='onnxruntime-web is not cached here (the export '
                    'fetches it with npm; tests use no network)')
@need_wasm
def test_exported_page_agrees_with_petcognizer_predict(tiny_model, tmp_path, monkeypatch):
    """The whole page: export --also web, open index.html in Chromium, classify photos of every kind."""
    pytest.importorskip('onnxruntime')
    from petcognizer.core.export import export_checked
    from petcognizer.core.exportformats import bundle_path
    from petcognizer.core.predict import Predictor

    monkeypatch.setenv('PETCOGNIZER_ORT_WEB', str(cached_ort_web()))
    monkeypatch.setenv('PETCOGNIZER_JPEG_WASM', str(WASM.parent))
    res = export_checked(tiny_model.path, tmp_path / 'colours.onnx', 'onnx', also=('web',))
    (tmp_path / 'photos').mkdir()
    photos = {**jpeg_photos(tmp_path / 'photos'), **tiff_photos(tmp_path / 'photos')}
    (tmp_path / 'photos' / 'bad.jpg').write_bytes(b'\xff\xd8\xff\xe0 not really a JPEG')
    (tmp_path / 'photos.json').write_text(json.dumps([f'/photos/{n}' for n in [*photos, 'bad.jpg']]))
    page = f'{bundle_path(res.path).name}/web/index.html?list=/photos.json'
    lines = page_results(tmp_path, timeout=240, page=page)
    assert isinstance(lines, list), f'the page failed: {lines}'
    pred = Predictor.load(tiny_model.path, device='cpu')
    ref = {Path(r.path).name: r for r in pred.predict_paths(list(photos.values()), top_k=len(pred.classes))}
    by_name = {line['url'].rsplit('/', 1)[1]: line for line in lines}
    assert 'error' in by_name.pop('bad.jpg')  # refused on that photo, not answered
    assert set(by_name) == set(photos)
    for name, line in by_name.items():
        assert 'error' not in line, f'{name}: {line["error"]}'
        want = np.array([dict(ref[name].probabilities)[c] for c in pred.classes])
        got = np.array(line['probs'])
        assert int(np.argmax(got)) == int(np.argmax(want)), name
        assert np.abs(got - want).max() < 1e-3, name
