"""The ONNX bundle: float32 graph, sidecar rules and vectors, and predict.py agreeing with petcognizer.

``predict.py`` (onnxruntime + numpy + Pillow only) runs in a subprocess on photos in every
awkward form a user has (EXIF-rotated, greyscale, alpha, 16-bit, CMYK, palette, odd sizes,
a large JPEG decoded at reduced scale, a damaged file) and must print what
``petcognizer predict --json`` prints: the same top-1 and probabilities within 1e-3.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from petcognizer.core.export import export_checked
from petcognizer.core.exportformats import BUNDLE_MARKER, bundle_path, sidecar_path
from petcognizer.core.model import Classifier, Ensemble, save_model
from petcognizer.core.predict import Predictor
from petcognizer.core.prior import ClassPrior

onnx = pytest.importorskip('onnx')
pytest.importorskip('onnxruntime')


def _noisy(size, colour, seed):
    rng = np.random.RandomState(seed)
    w, h = size
    a = np.empty((h, w, 3), np.float32)
    a[...] = colour
    a += rng.normal(0, 25, size=(h, w, 3))
    a += np.linspace(-30, 30, w)[None, :, None]
    return np.clip(a, 0, 255).astype(np.uint8)


def odd_photos(folder: Path) -> list[Path]:
    """Photos in the forms users have; returns them (plus one damaged file) in a fixed order."""
    folder.mkdir(parents=True, exist_ok=True)
    red, green, blue = (210, 40, 30), (40, 190, 50), (30, 50, 200)
    out = []

    def save(name, img, **kw):
        p = folder / name
        img.save(p, **kw)
        out.append(p)

    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees on display
    half = _noisy((70, 44), red, 1)
    half[:, 35:] = _noisy((35, 44), blue, 2)  # left red, right blue: rotation changes the crop
    save('rotated.jpg', Image.fromarray(half), exif=exif, quality=92)
    exif8 = Image.Exif()
    exif8[0x0112] = 8
    save('rotated8.jpg', Image.fromarray(_noisy((90, 60), green, 3)), exif=exif8)
    save('large.jpg', Image.fromarray(_noisy((301, 203), blue, 4)), quality=90)  # draft decoding
    save('grey.png', Image.fromarray(_noisy((41, 37), red, 5)).convert('L'))
    rgba = np.dstack([_noisy((45, 45), green, 6), np.linspace(0, 255, 45, dtype=np.uint8)[None].repeat(45, 0)])
    save('alpha.png', Image.fromarray(rgba, 'RGBA'))
    la = Image.fromarray(rgba, 'RGBA').convert('LA')
    save('grey_alpha.png', la)
    g16 = (np.asarray(Image.fromarray(_noisy((50, 40), red, 7)).convert('L')).astype(np.uint16) * 257)
    save('grey16.png', Image.fromarray(g16))
    save('cmyk.jpg', Image.fromarray(_noisy((60, 50), blue, 8)).convert('CMYK'))
    save('cmyk.tif', Image.fromarray(_noisy((33, 47), red, 9)).convert('CMYK'))
    pal = Image.fromarray(_noisy((64, 36), green, 10)).quantize(32)
    pal.info['transparency'] = 0
    save('palette.gif', pal, transparency=0)
    save('palette.png', Image.fromarray(_noisy((37, 29), blue, 11)).quantize(8))
    save('strip.png', Image.fromarray(_noisy((300, 7), red, 12)))
    save('tiny.bmp', Image.fromarray(_noisy((5, 3), green, 13)))
    save('odd.webp', Image.fromarray(_noisy((53, 31), red, 14)), lossless=True)
    bad = folder / 'damaged.jpg'
    bad.write_bytes(b'\xff\xd8\xff\xe0 not really a jpeg')
    out.append(bad)
    return out


@pytest.fixture(scope='module')
def photos(tmp_path_factory):
    folder = tmp_path_factory.mktemp('odd_photos')
    return folder, odd_photos(folder)


def with_prior(model: Classifier) -> Classifier:
    """The trained colour model with a class-name prior (two matched classes, one unmatched)."""
    model = copy.deepcopy(model)
    prior = ClassPrior.from_classes(model.classes, {'red': ['n02084071'], 'blue': ['n02121808']})
    m = Classifier(model.backbone, model.head, model.classes, model.preprocess, model.head_config,
                   prior, 0.5)
    m.temperature = 1.4
    d = model.backbone.num_features
    g = torch.Generator().manual_seed(3)
    m.set_unknown({'kind': 'centred-cosine', 'threshold': 0.2, 'false_flag_rate': 0.05,
                   'centre': torch.randn(d, generator=g) * 0.05,
                   'means': torch.randn(len(model.classes), d, generator=g)})
    return m.eval()


@pytest.fixture(scope='module')
def models(tiny_model, tmp_path_factory):
    """name -> model file: the partly fine-tuned tiny model, it with prior and unknown, an ensemble."""
    base = tmp_path_factory.mktemp('export_models')
    prior = with_prior(tiny_model.model)
    ens = Ensemble([copy.deepcopy(tiny_model.model), prior])
    ens.temperature = 0.8
    return {
        'finetuned': tiny_model.path,
        'prior': save_model(base / 'prior.safetensors', prior),
        'ensemble': save_model(base / 'ensemble.safetensors', ens.eval()),
    }


def run_predict_py(script: Path, *args) -> list[dict]:
    out = subprocess.run([sys.executable, str(script), *map(str, args)], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode in (0, 1), out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


def petcognizer_lines(model_path: Path, paths) -> list[dict]:
    return [r.to_dict() for r in Predictor.load(model_path, device='cpu').predict_paths(paths)]


def assert_same_lines(ours: list[dict], theirs: list[dict]) -> None:
    assert [Path(a['path']).name for a in ours] == [Path(b['path']).name for b in theirs]
    for a, b in zip(ours, theirs):
        name = Path(a['path']).name
        if 'error' in b:
            assert 'error' in a and a['label'] is None, name
            continue
        assert 'error' not in a, (name, a)
        assert a['label'] == b['label'], (name, a, b)
        assert a['probabilities'].keys() == b['probabilities'].keys(), name
        for k, v in b['probabilities'].items():
            assert abs(a['probabilities'][k] - v) <= 1e-3, (name, k, a, b)
        assert a['unknown'] == b['unknown'], name
        assert abs(a['unknown_score'] - b['unknown_score']) <= 1e-3 * max(1.0, b['unknown_score']), name


@pytest.mark.parametrize('which', ['finetuned', 'prior', 'ensemble'])
def test_predict_py_agrees_with_petcognizer_predict(models, photos, tmp_path, which):
    folder, paths = photos
    res = export_checked(models[which], tmp_path / which, 'onnx')
    assert res.check['ok'] and res.check['max_abs_diff'] <= 1e-4
    script = bundle_path(res.path) / 'predict.py'
    ours = run_predict_py(script, folder)  # a folder, expanded like petcognizer does
    expected = petcognizer_lines(models[which], [folder])
    assert len(expected) == len(paths)
    assert_same_lines(ours, expected)
    labels = {line['label'] for line in expected if line['label']}
    assert len(labels) >= 2, 'the photos should not all look alike to the model'
    # one file named directly, as the README shows it
    assert_same_lines(run_predict_py(script, paths[0]), petcognizer_lines(models[which], [paths[0]]))


def test_predict_py_needs_no_torch_or_petcognizer():
    from petcognizer.core.export_spec import template_text

    text = template_text('predict.py')
    imports = {line.split()[1].split('.')[0] for line in text.splitlines()
               if line.startswith(('import ', 'from ')) or line.startswith('        import ')}
    imports |= {line.split()[1].split('.')[0] for line in text.splitlines()
                if line.strip().startswith('import ')}
    assert imports <= {'__future__', 'argparse', 'json', 'os', 're', 'sys', 'pathlib', 'numpy',
                       'PIL', 'onnxruntime'}, imports


def test_graph_is_float32_only_with_the_prior(models, tmp_path):
    from petcognizer.core.export_check import float64_names

    res = export_checked(models['ensemble'], tmp_path / 'e', 'onnx')
    proto = onnx.load(str(res.path))
    assert float64_names(proto) == []
    # the checker itself finds float64 where there is some
    bad = onnx.helper.make_model(onnx.helper.make_graph(
        [onnx.helper.make_node('Cast', ['x'], ['y'], to=onnx.TensorProto.DOUBLE)], 'g',
        [onnx.helper.make_tensor_value_info('x', onnx.TensorProto.FLOAT, [1])],
        [onnx.helper.make_tensor_value_info('y', onnx.TensorProto.DOUBLE, [1])]))
    assert float64_names(bad)
    names = [o.name for o in proto.graph.output]
    assert names == ['probabilities', 'unknown_score']
    assert proto.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.UINT8


def test_prior32_matches_the_float64_prior(tiny_model):
    from petcognizer.core.export_graph import Prior32

    prior = with_prior(tiny_model.model).prior
    z = torch.randn(64, 1000, generator=torch.Generator().manual_seed(0)) * 4
    z[0, :] = 0.0  # flat
    z[1, 281] = 40.0  # all the mass on one cat output
    want = prior.log_probs(z)
    got = Prior32(prior)(z.float())
    assert got.dtype == torch.float32
    torch.testing.assert_close(got.exp(), want.exp().float(), atol=1e-6, rtol=1e-5)


def test_sidecar_lists_rules_and_vectors_and_the_check(models, tmp_path):
    res = export_checked(models['prior'], tmp_path / 'p', 'onnx')
    side = json.loads(sidecar_path(res.path).read_text())
    rules = ' '.join(side['preprocess_rules'])
    for needle in ('EXIF', 'white', '257', 'CMYK', 'draft', 'round', '// 2', 'reducing_gap',
                   'BILINEAR' if side['preprocess']['interpolation'] == 'bilinear' else 'BICUBIC'):
        assert needle in rules, needle
    assert side['tolerance'] == pytest.approx(1e-3)
    assert len(side['test_vectors']) >= 4
    for v in side['test_vectors']:
        assert (res.path.parent / v['file']).is_file()
        assert sum(v['probabilities']) == pytest.approx(1.0, abs=1e-5)
        assert 'unknown_score' in v
    assert side['verification']['ok'] and side['verification']['float64'] == []
    out = subprocess.run([sys.executable, str(bundle_path(res.path) / 'predict.py'), '--check'],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert all(json.loads(line)['ok'] for line in out.stdout.splitlines())


def test_a_foreign_bundle_folder_is_never_replaced(models, tmp_path):
    folder = tmp_path / 'm.onnx-bundle'
    folder.mkdir()
    (folder / 'mine.txt').write_text('user data')
    with pytest.raises(FileExistsError, match='not a petcognizer export bundle'):
        export_checked(models['finetuned'], tmp_path / 'm', 'onnx')
    assert (folder / 'mine.txt').read_text() == 'user data'
    assert not (tmp_path / 'm.onnx').exists()
    # an earlier bundle of ours is replaced
    res = export_checked(models['finetuned'], tmp_path / 'n', 'onnx')
    (bundle_path(res.path) / 'vectors' / 'stale.png').write_bytes(b'x')
    export_checked(models['finetuned'], tmp_path / 'n', 'onnx')
    assert (bundle_path(res.path) / BUNDLE_MARKER).is_file()
    assert not (bundle_path(res.path) / 'vectors' / 'stale.png').exists()
    assert not list(tmp_path.glob('*.partial*'))


def test_raw_input_graph_takes_normalised_nchw(models, tmp_path):
    import onnxruntime as ort

    from petcognizer.core.export_check import float64_names
    from petcognizer.core.export_onnx import export_onnx_graph
    from petcognizer.core.model import load_model
    from petcognizer.core.modelfile import read_metadata

    model = load_model(models['prior'])
    out = tmp_path / 'raw.onnx'
    assert export_onnx_graph(model, out, read_metadata(models['prior']), raw_input=True) == [
        'probabilities', 'unknown_score']
    assert float64_names(onnx.load(str(out))) == []
    x = np.random.RandomState(0).randn(2, 3, 32, 32).astype(np.float32)
    session = ort.InferenceSession(str(out), providers=['CPUExecutionProvider'])
    with torch.no_grad():
        want = model(torch.from_numpy(x)).softmax(1).numpy()
    np.testing.assert_allclose(session.run(None, {'image': x})[0], want, atol=1e-5)
