"""Formats derived from the checked float32 ONNX graph: float16 / int8 ONNX, OpenVINO IR, Core ML, .pt2.

Each conversion takes the graph :mod:`petcognizer.core.export_onnx` wrote (uint8
NHWC pixels in, probabilities out) and keeps that interface:

* :func:`quantize_onnx`: ``'fp16'`` (weights and arithmetic in float16, the
  uint8 input and float32 outputs kept; onnxruntime's converter) or ``'int8'``
  (dynamic per-channel int8 quantisation of the weights, onnxruntime.quantization). Smaller
  files at a measured accuracy cost (``bench/export_bench.py``).
* :func:`to_openvino`: OpenVINO IR (``.xml`` + ``.bin``), read from the ONNX file
  by OpenVINO itself; :func:`openvino_runner` runs it.
* :func:`to_coreml`: a Core ML ``.mlpackage`` through coremltools from a
  ``torch.export`` program of the same network; prediction needs macOS.
* :func:`to_torch_export`: a ``torch.export`` program (``.pt2``), the successor
  of TorchScript (whose ``torch.jit.load`` warns in torch 2.14).

The optional packages: ``pip install -e '.[openvino]'`` / ``'.[coreml]'`` in a source checkout.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

__all__ = ['VARIANTS', 'openvino_runner', 'quantize_onnx', 'to_coreml', 'to_openvino', 'check_variants', 'to_torch_export', 'write_variants']


def _need(package: str, extra: str):
    import importlib

    try:
        return importlib.import_module(package)
    except ImportError:
        raise ImportError(f'this export needs the {package} package: pip install -e ".[{extra}]" '
                          f'in a petcognizer source checkout (or pip install "petcognizer[{extra}]")'
                          ) from None


def quantize_onnx(src: Path, dest: Path, kind: str) -> Path:
    """A float16 (``'fp16'``) or int8 dynamic (``'int8'``) copy of the ONNX file ``src``."""
    import onnx

    src, dest = Path(src), Path(dest)
    if kind == 'fp16':
        from onnxruntime.transformers.float16 import convert_float_to_float16

        model = onnx.load(str(src))
        half = convert_float_to_float16(model, keep_io_types=True, disable_shape_infer=False)
        onnx.save(half, str(dest))
    elif kind == 'int8':
        import logging

        from onnxruntime.quantization import QuantType, quantize_dynamic

        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)  # its advice to pre-process is for static quantisation
        try:
            # per-channel signed int8: on 60 dog photos of an EfficientNet-Lite0 model it kept
            # 60 of 60 top-1 answers, per-channel uint8 59 (docs/EXPORT.md has the 200-photo cost)
            quantize_dynamic(str(src), str(dest), weight_type=QuantType.QInt8, per_channel=True,
                             op_types_to_quantize=['MatMul', 'Gemm', 'Conv'])
        finally:
            root.setLevel(level)
    else:
        raise ValueError(f'unknown quantisation {kind!r}; choose fp16 or int8')
    return dest


def to_openvino(onnx_path: Path, dest: Path) -> Path:
    """OpenVINO IR (``dest`` .xml and its .bin) of an exported ONNX file; float32 weights."""
    ov = _need('openvino', 'openvino')
    model = ov.convert_model(str(onnx_path))
    ov.save_model(model, str(dest), compress_to_fp16=False)
    return Path(dest)


def openvino_runner(xml: Path) -> Callable[[np.ndarray], np.ndarray]:
    """uint8 batch -> probabilities with OpenVINO on the CPU (one photo at a time)."""
    ov = _need('openvino', 'openvino')
    core = ov.Core()
    compiled = core.compile_model(str(xml), 'CPU', {'INFERENCE_PRECISION_HINT': 'f32'})
    out = compiled.output('probabilities')

    def run(x: np.ndarray) -> np.ndarray:
        return np.concatenate([compiled([x[i:i + 1]])[out] for i in range(len(x))])

    return run


def _exported_program(model, size: int, dynamic_batch: bool = True, float_pixels: bool = False):
    import torch

    from petcognizer.core.export_graph import deploy_module

    wrapped = deploy_module(model)
    dtype = torch.float32 if float_pixels else torch.uint8
    example = (torch.zeros(2 if dynamic_batch else 1, size, size, 3, dtype=dtype),)
    shapes = {'image': {0: torch.export.Dim.DYNAMIC}} if dynamic_batch else None
    with torch.no_grad():
        return torch.export.export(wrapped, example, dynamic_shapes=shapes)


def to_torch_export(model, dest: Path, size: int) -> Path:
    """A ``torch.export`` program (``.pt2``) of the export network: ``torch.export.load(dest).module()``."""
    import torch

    torch.export.save(_exported_program(model, size), str(dest))
    return Path(dest)


def to_coreml(model, dest: Path, size: int, classes: list[str]) -> Path:
    """A Core ML ``.mlpackage`` (ML program, float32) of the export network, via coremltools.

    Core ML takes no uint8 tensors: its input ``image`` is ``float32 [1, H, W, 3]``
    holding the same 0..255 pixel values the ONNX graph takes as uint8.
    """
    ct = _need('coremltools', 'coreml')
    from petcognizer.core.export_graph import has_unknown_output

    outputs = ['probabilities'] + (['unknown_score'] if has_unknown_output(model) else [])
    program = _exported_program(model, size, dynamic_batch=False, float_pixels=True)
    program = program.run_decompositions({})
    # coremltools 9's fuse_linear_bias pass fails on a linear layer followed by a scalar add
    pipeline = ct.PassPipeline.DEFAULT
    pipeline.remove_passes(['common::fuse_linear_bias'])
    import contextlib
    import io

    with contextlib.redirect_stderr(io.StringIO()):  # coremltools' progress bars
        ml = ct.convert(program, pass_pipeline=pipeline, inputs=[ct.TensorType(name='image', shape=(1, size, size, 3), dtype=np.float32)],
                        convert_to='mlprogram', compute_precision=ct.precision.FLOAT32,
                        outputs=[ct.TensorType(name=n) for n in outputs],
                        minimum_deployment_target=ct.target.iOS16)
    ml.user_defined_metadata['petcognizer.classes'] = ','.join(classes)
    ml.save(str(dest))
    return Path(dest)


#: The formats :func:`write_variants` can add to an ONNX export's bundle.
VARIANTS = ('fp16', 'int8', 'openvino', 'coreml', 'pt2', 'web')
#: The onnxruntime-web release the web page bundles (from the npm registry).
ORT_WEB_VERSION = '1.30.0'
ORT_WEB_FILES = ('ort.wasm.min.js', 'ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs')
#: Quantised graphs differ from the float32 one; their difference is measured, not refused.
QUANTISED = ('fp16', 'int8')


def ort_web_dist() -> Path:
    """The folder holding onnxruntime-web's ``dist`` files (``ORT_WEB_FILES``).

    ``$PETCOGNIZER_ORT_WEB`` if set, else a cache under ``~/.cache/petcognizer``, filled
    once with ``npm pack onnxruntime-web@ORT_WEB_VERSION`` (npm needs the registry then).
    """
    import os
    import shutil
    import subprocess
    import tarfile
    import tempfile

    env = os.environ.get('PETCOGNIZER_ORT_WEB')
    if env:
        folder = Path(env)
        if not all((folder / f).is_file() for f in ORT_WEB_FILES):
            raise FileNotFoundError(f'{folder}: PETCOGNIZER_ORT_WEB must name the dist folder of '
                                    f'onnxruntime-web (with {", ".join(ORT_WEB_FILES)})')
        return folder
    cache = Path(os.environ.get('XDG_CACHE_HOME', Path.home() / '.cache')) / 'petcognizer' / \
        f'onnxruntime-web-{ORT_WEB_VERSION}'
    if all((cache / f).is_file() for f in ORT_WEB_FILES):
        return cache
    npm = shutil.which('npm')
    if npm is None:
        raise FileNotFoundError('the web page needs onnxruntime-web from the npm registry: install '
                                'npm (Node.js), or set PETCOGNIZER_ORT_WEB to its dist folder')
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run([npm, 'pack', f'onnxruntime-web@{ORT_WEB_VERSION}'], cwd=tmp,
                           capture_output=True, text=True, timeout=600)
        tgz = next(Path(tmp).glob('onnxruntime-web-*.tgz'), None)
        if r.returncode or tgz is None:
            raise FileNotFoundError(f'npm pack onnxruntime-web@{ORT_WEB_VERSION} failed: '
                                    f'{(r.stderr or r.stdout).strip()[-300:]}')
        cache.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tgz) as tar:
            for name in ORT_WEB_FILES:
                member = tar.getmember(f'package/dist/{name}')
                with tar.extractfile(member) as src, open(cache / name, 'wb') as dst:
                    shutil.copyfileobj(src, dst)
    return cache


def write_web(folder: Path, model_name: str) -> Path:
    """``folder/web``: index.html, preprocess.js and onnxruntime-web's files."""
    import shutil

    from petcognizer.core.export_spec import template_text

    web = folder / 'web'
    web.mkdir(parents=True)
    (web / 'index.html').write_text(template_text('index.html').replace('MODEL.onnx', model_name),
                                    encoding='utf-8')
    (web / 'preprocess.js').write_text(template_text('preprocess.js'), encoding='utf-8')
    dist = ort_web_dist()
    for name in ORT_WEB_FILES:
        shutil.copyfile(dist / name, web / name)
    return web / 'index.html'


def check_variants(kinds) -> None:
    """ValueError for an unknown variant, ImportError (saying what to install) for a missing package."""
    for kind in kinds:
        if kind not in VARIANTS:
            raise ValueError(f'unknown export format {kind!r} for --also; choose from: {", ".join(VARIANTS)}')
        if kind == 'openvino':
            _need('openvino', 'openvino')
        elif kind == 'coreml':
            _need('coremltools', 'coreml')


def write_variants(model, onnx_file: Path, folder: Path, stem: str, meta: dict, x: np.ndarray,
                   expected: np.ndarray, kinds, tolerance: float) -> dict:
    """Write each of ``kinds`` into ``folder``; {kind: {'file', 'check'}}, each checked on ``x``.

    ``x`` are the test vectors' pixels and ``expected`` what petcognizer predict
    gives for them. OpenVINO and .pt2 must match within ``tolerance`` (else
    RuntimeError); the quantised graphs' difference is reported; Core ML is
    checked by running the converted ``torch.export`` program (Core ML itself
    predicts only on macOS) and by reading the package back.
    """
    import torch

    from petcognizer.core.export_check import compare, onnx_runner

    size = meta['preprocess']['input_size']
    out: dict = {}
    for kind in kinds:
        if kind not in VARIANTS:
            raise ValueError(f'unknown export variant {kind!r}; choose from: {", ".join(VARIANTS)}')
        if kind == 'web':
            path = write_web(folder, f'{stem}.onnx')
            out[kind] = {'file': str(path.relative_to(folder.parent)).replace('\\', '/'),
                         'bytes': sum(f.stat().st_size for f in path.parent.iterdir()),
                         'check': {'runtime': 'onnxruntime-web ' + ORT_WEB_VERSION, 'ok': True,
                                   'note': 'the page is checked in headless Chromium by '
                                           'bench/export_web_bench.py, not at export'}}
            continue
        if kind in QUANTISED:
            path = quantize_onnx(onnx_file, folder / f'{stem}.{kind}.onnx', kind)
            got = onnx_runner(path)(x)
            runtime = 'onnxruntime (CPU)'
        elif kind == 'openvino':
            path = to_openvino(onnx_file, folder / 'openvino' / f'{stem}.xml')
            got = openvino_runner(path)(x)
            runtime = 'OpenVINO (CPU, f32)'
        elif kind == 'pt2':
            path = to_torch_export(model, folder / f'{stem}.pt2', size)
            program = torch.export.load(str(path)).module()
            with torch.no_grad():
                res = program(torch.from_numpy(x))
            got = (res[0] if isinstance(res, tuple) else res).numpy()
            runtime = 'torch.export.load (CPU)'
        else:
            path = to_coreml(model, folder / f'{stem}.mlpackage', size, meta['classes'])
            ct = _need('coremltools', 'coreml')
            spec = ct.utils.load_spec(str(path))
            names = [o.name for o in spec.description.output]
            if names[:1] != ['probabilities'] or [i.name for i in spec.description.input] != ['image']:
                raise RuntimeError(f'{path}: unexpected Core ML inputs/outputs {names}')
            program = _exported_program(model, size, dynamic_batch=False, float_pixels=True).module()
            with torch.no_grad():
                got = np.concatenate([
                    np.asarray((lambda r: r[0] if isinstance(r, tuple) else r)(
                        program(torch.from_numpy(x[i:i + 1]).float())))
                    for i in range(len(x))])
            runtime = 'the converted program in torch (Core ML predicts only on macOS)'
        check = {'runtime': runtime, **compare(expected, got, tolerance)}
        if kind in QUANTISED:
            check['ok'] = bool(check['top1_agree'] == check['photos'])
        elif not check['ok']:
            raise RuntimeError(f'{path}: the {kind} export differs from the model by '
                               f'{check["max_abs_diff"]:.2g} on the test vectors; nothing was written')
        if path.is_dir():
            size_bytes = sum(f.stat().st_size for f in path.rglob('*') if f.is_file())
        else:
            size_bytes = sum(f.stat().st_size for f in (path, path.with_suffix('.bin')) if f.is_file())
        out[kind] = {'file': str(path.relative_to(folder.parent)).replace('\\', '/'),
                     'bytes': size_bytes, 'check': check}
    return out
