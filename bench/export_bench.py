"""Exports against petcognizer predict on 200 photos in every form users have (issue 12).

Three models trained on imagewoof-mini (10 photos a class, 9 dog breeds, so the class-name
prior matters): EfficientNet-Lite0 alone (frozen, linear head), the default ensemble
(Lite0/1/2) and a partly fine-tuned Lite0 (top stage trained). The 200 photos: 140 from
../shared/datasets (imagewoof, flowers, brain MRI; none used for training) and 60 converted
variants of them: EXIF orientations 2-8, greyscale, grey + alpha, RGBA, 16-bit grey, CMYK JPEG
and TIFF, palette PNG/GIF, odd sizes (strips, tiny, huge). For each model:

* ONNX float32: the bundle's predict.py (a subprocess: onnxruntime + numpy + Pillow) vs
  petcognizer predict: top-1 agreement, largest probability difference;
* float16 and int8 (dynamic) ONNX: file size, top-1 agreement, largest difference;
* OpenVINO IR (if openvino is installed): the same;
* (web page: bench/export_web_bench.py).

Run by hand:  .venv/bin/python bench/export_bench.py [--quick]
JSON in bench/results/export-<time>.json; models and photos cached in bench/out/export/.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / 'shared' / 'datasets'
OUT = ROOT / 'bench' / 'out' / 'export'
PY = sys.executable
TRAIN_PER_CLASS = 10


def run(cmd, **kw):
    t0 = time.perf_counter()
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    if r.returncode not in (0, 1):
        raise SystemExit(f'{cmd}: exit {r.returncode}\n{r.stderr[-3000:]}')
    return r, time.perf_counter() - t0


def train_models() -> dict[str, Path]:
    """The three models (cached): trained with the petcognizer CLI on a 10-a-class subset."""
    train = OUT / 'train'
    if not train.exists():
        rng = random.Random(0)
        for cls in sorted(p for p in (DATA / 'imagewoof-mini').iterdir() if p.is_dir()):
            files = sorted(cls.iterdir())
            (train / cls.name).mkdir(parents=True)
            for f in rng.sample(files, TRAIN_PER_CLASS):
                os.symlink(f, train / cls.name / f.name)
    plans = {
        'single': ['--backbone', 'efficientnet_lite0', '--no-ensemble', '--freeze-depth', '0'],
        'ensemble': ['--ensemble'],
        'finetuned': ['--backbone', 'efficientnet_lite0', '--no-ensemble', '--freeze-depth', '1',
                      '--epochs', '4'],
    }
    models = {}
    for name, opts in plans.items():
        path = OUT / f'{name}.safetensors'
        if not path.exists():
            r, s = run([PY, '-m', 'petcognizer', 'train', train, '--out', path, '--quiet', *opts])
            if not path.exists():
                raise SystemExit(f'training {name} failed:\n{r.stderr[-3000:]}')
            print(f'trained {name} in {s:.0f} s (load {os.getloadavg()[0]:.1f})', flush=True)
        models[name] = path
    return models


def _variant(img: Image.Image, kind: str, i: int) -> tuple[Image.Image, dict]:
    """One converted photo: (image, save options)."""
    rgb = img.convert('RGB')
    if kind == 'exif':
        exif = Image.Exif()
        exif[0x0112] = 2 + i % 7
        return rgb, {'format': 'JPEG', 'exif': exif, 'quality': 90}
    if kind == 'grey':
        return rgb.convert('L'), {'format': 'PNG'}
    if kind == 'grey_alpha':
        la = rgb.convert('L').convert('LA')
        la.putalpha(Image.linear_gradient('L').resize(la.size))
        return la, {'format': 'PNG'}
    if kind == 'rgba':
        a = rgb.convert('RGBA')
        a.putalpha(Image.radial_gradient('L').resize(a.size))
        return a, {'format': 'PNG'}
    if kind == 'grey16':
        g = np.asarray(rgb.convert('L')).astype(np.uint16) * 257
        return Image.fromarray(g), {'format': 'PNG'}
    if kind == 'cmyk_jpeg':
        return rgb.convert('CMYK'), {'format': 'JPEG', 'quality': 90}
    if kind == 'cmyk_tiff':
        return rgb.convert('CMYK'), {'format': 'TIFF'}
    if kind == 'palette_png':
        return rgb.quantize(64), {'format': 'PNG'}
    if kind == 'palette_gif':
        p = rgb.quantize(128)
        return p, {'format': 'GIF', 'transparency': 0}
    if kind == 'strip':
        w, h = rgb.size
        return rgb.crop((0, h // 3, w, h // 3 + max(8, h // 9))), {'format': 'PNG'}
    if kind == 'tiny':
        return rgb.resize((31, 23)), {'format': 'PNG'}
    if kind == 'huge':
        return rgb.resize((rgb.width * 6 + 1, rgb.height * 6 + 3), Image.Resampling.BICUBIC), {
            'format': 'JPEG', 'quality': 85}
    raise ValueError(kind)


KINDS = ['exif'] * 14 + ['grey'] * 5 + ['grey_alpha'] * 4 + ['rgba'] * 5 + ['grey16'] * 5 + \
    ['cmyk_jpeg'] * 5 + ['cmyk_tiff'] * 3 + ['palette_png'] * 4 + ['palette_gif'] * 3 + \
    ['strip'] * 4 + ['tiny'] * 4 + ['huge'] * 4
SUFFIX = {'JPEG': '.jpg', 'PNG': '.png', 'TIFF': '.tif', 'GIF': '.gif'}


def make_photos(models: dict[str, Path]) -> Path:
    """200 photos (cached): 140 originals not used for training + 60 converted variants."""
    folder = OUT / 'photos'
    if folder.exists():
        return folder
    used = {p.resolve() for p in (OUT / 'train').rglob('*')}
    rng = random.Random(1)
    picks = []
    for ds, n in (('imagewoof-mini', 60), ('flowers5-mini', 40), ('brain-mri', 40)):
        files = sorted(p for p in (DATA / ds).rglob('*') if p.is_file() and p.resolve() not in used)
        picks += [(ds, p) for p in rng.sample(files, n)]
    tmp = folder.with_name('photos.partial')
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / 'originals').mkdir(parents=True)
    (tmp / 'variants').mkdir()
    for i, (ds, p) in enumerate(picks):
        shutil.copyfile(p, tmp / 'originals' / f'{i:03d}-{ds}{p.suffix.lower()}')
    assert len(KINDS) == 60
    for i, kind in enumerate(KINDS):
        src = picks[(i * 7) % len(picks)][1]
        with Image.open(src) as img:
            img.load()
            out, opts = _variant(img, kind, i)
        out.save(tmp / 'variants' / f'{i:03d}-{kind}{SUFFIX[opts["format"]]}', **opts)
    tmp.rename(folder)
    return folder


def petcognizer_probs(model: Path, folder: Path):
    from petcognizer.core.predict import Predictor

    pred = Predictor.load(model, device='cpu')
    t0 = time.perf_counter()
    res = pred.predict_paths([folder], top_k=len(pred.classes))
    return pred.classes, {str(r.path): r for r in res}, time.perf_counter() - t0


def compare_lines(classes, ref: dict, lines: list[dict]) -> dict:
    got = {line['path']: line for line in lines}
    diffs, top1, n, worst = [], 0, 0, None
    for path, r in ref.items():
        line = got.get(path)
        if r.error or line is None or 'error' in line:
            continue
        n += 1
        want = dict(r.probabilities)
        d = max(abs(line['probabilities'].get(k, 0.0) - v) for k, v in want.items())
        diffs.append(d)
        top1 += line['label'] == r.label
        if worst is None or d > worst[1]:
            worst = (Path(path).name, d)
    return {'photos': n, 'top1_agree': top1, 'max_abs_diff': max(diffs) if diffs else None,
            'mean_abs_diff_max': float(np.mean(diffs)) if diffs else None, 'worst': worst,
            'missing': len(ref) - n}


def runtime_probs(runner, folder: Path, pre: dict, ref: dict, classes) -> dict:
    """A runner (uint8 batch -> probabilities) on every photo, compared with petcognizer."""
    from petcognizer.core.export_check import pixels

    diffs, top1, n = [], 0, 0
    dogs = [0, 0]  # the 60 imagewoof originals: photos of the model's own classes
    for path, r in ref.items():
        if r.error:
            continue
        p = runner(pixels([Path(path)], pre))[0]
        want = np.array([dict(r.probabilities)[c] for c in classes])
        diffs.append(float(np.abs(p - want).max()))
        same = int(np.argmax(p)) == int(np.argmax(want))
        top1 += same
        n += 1
        if 'imagewoof' in Path(path).name and Path(path).parent.name == 'originals':
            dogs[0] += 1
            dogs[1] += same
    return {'photos': n, 'top1_agree': top1, 'max_abs_diff': max(diffs),
            'mean_abs_diff_max': float(np.mean(diffs)),
            'own_class_photos': dogs[0], 'own_class_top1_agree': dogs[1]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--models', nargs='*', default=['single', 'ensemble', 'finetuned'])
    ap.add_argument('--no-quantised', action='store_true')
    ap.add_argument('--quantised-only', action='store_true',
                    help='only the float16 / int8 graphs (of the float32 exports made before)')
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    load0 = os.getloadavg()
    models = train_models()
    folder = make_photos(models)
    n_photos = sum(1 for p in folder.rglob('*') if p.is_file())
    result = {'photos': n_photos, 'load_start': load0, 'models': {}}
    from petcognizer.core.export import export_checked
    from petcognizer.core.exportformats import bundle_path

    from petcognizer.core.export_check import onnx_runner

    for name in args.models:
        model = models[name]
        entry: dict = {}
        classes, ref, secs = petcognizer_probs(model, folder)
        entry['petcognizer_predict_s'] = round(secs, 1)
        exp = OUT / 'exports' / name
        if args.quantised_only:
            src = exp / f'{name}.onnx'
            pre = json.loads(Path(str(src) + '.json').read_text())['preprocess']
            from petcognizer.core.export_targets import quantize_onnx

            for kind in ('fp16', 'int8'):
                q = quantize_onnx(src, exp / f'{name}.{kind}.onnx', kind)
                entry[f'onnx_{kind}'] = {'mb': round(q.stat().st_size / 1e6, 2),
                                         **runtime_probs(onnx_runner(q), folder, pre, ref, classes)}
            entry['load_end'] = os.getloadavg()
            result['models'][name] = entry
            print(name, json.dumps(entry, indent=1), flush=True)
            continue
        shutil.rmtree(exp, ignore_errors=True)
        exp.mkdir(parents=True)
        t0 = time.perf_counter()
        res = export_checked(model, exp / f'{name}.onnx', 'onnx')
        entry['export_s'] = round(time.perf_counter() - t0, 1)
        entry['export_check'] = res.check
        entry['onnx_mb'] = round(res.path.stat().st_size / 1e6, 2)
        r, secs = run([PY, bundle_path(res.path) / 'predict.py', '--top-k', '99', folder])
        lines = [json.loads(x) for x in r.stdout.splitlines()]
        entry['predict_py'] = {**compare_lines(classes, ref, lines), 'seconds': round(secs, 1),
                               'errors': sum('error' in x for x in lines)}
        pre = json.loads(Path(str(res.path) + '.json').read_text())['preprocess']
        if not args.no_quantised:
            from petcognizer.core.export_targets import quantize_onnx

            for kind in ('fp16', 'int8'):
                q = exp / f'{name}.{kind}.onnx'
                quantize_onnx(res.path, q, kind)
                entry[f'onnx_{kind}'] = {'mb': round(q.stat().st_size / 1e6, 2),
                                         **runtime_probs(onnx_runner(q), folder, pre, ref, classes)}
        try:
            from petcognizer.core.export_targets import openvino_runner, to_openvino
        except ImportError:
            openvino_runner = None
        if openvino_runner is not None:
            try:
                xml = to_openvino(res.path, exp / f'{name}.xml')
                entry['openvino'] = runtime_probs(openvino_runner(xml), folder, pre, ref, classes)
            except ImportError as exc:
                entry['openvino'] = f'skipped: {exc}'
        entry['load_end'] = os.getloadavg()
        result['models'][name] = entry
        print(name, json.dumps(entry, indent=1), flush=True)
    stamp = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())
    dest = ROOT / 'bench' / 'results' / f'export-{stamp}{"-quantised" if args.quantised_only else ""}.json'
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(result, indent=1))
    print('wrote', dest)


if __name__ == '__main__':
    main()
