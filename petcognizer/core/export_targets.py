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

__all__ = ['VARIANTS', 'jpeg_wasm', 'openvino_runner', 'ort_web_dist', 'web_files', 'write_web', 'quantize_onnx', 'to_coreml', 'to_openvino', 'check_variants', 'to_torch_export', 'write_variants']


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
#: The page's JPEG decoder: libjpeg-turbo 2.0.4 (the library Pillow decodes JPEGs with) compiled to
#: WebAssembly with its TurboJPEG API, from the npm package @cwasm/jpeg-turbo (MIT). Its output is
#: Pillow's bit for bit, reduced-scale decoding and CMYK included (docs/EXPORT.md); the checksum
#: pins the build that was measured.
JPEG_WASM_PACKAGE = '@cwasm/jpeg-turbo'
JPEG_WASM_VERSION = '0.1.3'
JPEG_WASM_FILE = 'jpeg-turbo.wasm'
JPEG_WASM_SHA256 = '80ed55eef2d0ff276f837ef521fad8181ccdfa6f298f652f6e45aed7fbbbc871'
#: The page's own files (resources/export/).
WEB_TEMPLATES = ('index.html', 'preprocess.js', 'THIRD-PARTY.md')
#: Quantised graphs differ from the float32 one; their difference is measured, not refused.
QUANTISED = ('fp16', 'int8')


def _npm_files(package: str, version: str, files: tuple[str, ...], env: str, inner: str) -> Path:
    """The folder holding ``files`` of the npm ``package@version`` (``inner``: their folder in it).

    ``$env`` if set (it must hold them), else a cache under ``~/.cache/petcognizer``, filled once
    with ``npm pack package@version`` (npm needs the registry then).
    """
    import os
    import shutil
    import subprocess
    import tarfile
    import tempfile

    folder_env = os.environ.get(env)
    if folder_env:
        folder = Path(folder_env)
        if not all((folder / f).is_file() for f in files):
            raise FileNotFoundError(f'{folder}: {env} must name a folder holding the files of '
                                    f'{package} {version} ({", ".join(files)})')
        return folder
    cache = Path(os.environ.get('XDG_CACHE_HOME', Path.home() / '.cache')) / 'petcognizer' / \
        f'{package.lstrip("@").replace("/", "-")}-{version}'
    if all((cache / f).is_file() for f in files):
        return cache
    npm = shutil.which('npm')
    if npm is None:
        raise FileNotFoundError(f'the web page needs {package} {version} from the npm registry: '
                                f'install npm (Node.js), or set {env} to a folder holding '
                                f'{", ".join(files)}')
    with tempfile.TemporaryDirectory() as tmp:
        try:
            r = subprocess.run([npm, 'pack', f'{package}@{version}'], cwd=tmp,
                               capture_output=True, text=True, timeout=600)
        except subprocess.TimeoutExpired:
            raise FileNotFoundError(f'npm pack {package}@{version} did not finish in 10 minutes; '
                                    f'check the connection to the npm registry, or set {env}') from None
        tgz = next(Path(tmp).glob('*.tgz'), None)
        if r.returncode or tgz is None:
            raise FileNotFoundError(f'npm pack {package}@{version} failed: '
                                    f'{(r.stderr or r.stdout).strip()[-300:]}; or set {env}')
        part = cache.with_name(cache.name + '.partial')
        shutil.rmtree(part, ignore_errors=True)
        part.mkdir(parents=True)
        with tarfile.open(tgz) as tar:
            for name in files:
                member = tar.getmember(f'package/{inner}{name}')
                with tar.extractfile(member) as src, open(part / name, 'wb') as dst:
                    shutil.copyfileobj(src, dst)
        shutil.rmtree(cache, ignore_errors=True)
        part.rename(cache)
    return cache


def ort_web_dist() -> Path:
    """The folder holding onnxruntime-web's ``dist`` files (``ORT_WEB_FILES``).

    ``$PETCOGNIZER_ORT_WEB`` if set, else a cache under ``~/.cache/petcognizer``, filled
    once with ``npm pack onnxruntime-web@ORT_WEB_VERSION`` (npm needs the registry then).
    """
    return _npm_files('onnxruntime-web', ORT_WEB_VERSION, ORT_WEB_FILES, 'PETCOGNIZER_ORT_WEB', 'dist/')


def jpeg_wasm() -> Path:
    """``jpeg-turbo.wasm`` of @cwasm/jpeg-turbo ``JPEG_WASM_VERSION``, checked against its checksum.

    ``$PETCOGNIZER_JPEG_WASM`` (a folder holding it) if set, else the npm cache as for
    :func:`ort_web_dist`.
    """
    import hashlib

    folder = _npm_files(JPEG_WASM_PACKAGE, JPEG_WASM_VERSION, (JPEG_WASM_FILE,),
                        'PETCOGNIZER_JPEG_WASM', '')
    path = folder / JPEG_WASM_FILE
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != JPEG_WASM_SHA256:
        raise FileNotFoundError(f'{path}: not the {JPEG_WASM_PACKAGE} {JPEG_WASM_VERSION} build the page '
                                f'was checked with (sha256 {digest[:16]}..., expected '
                                f'{JPEG_WASM_SHA256[:16]}...); delete it or point PETCOGNIZER_JPEG_WASM '
                                'at that version')
    return path


def web_files() -> dict[str, Path]:
    """{name in web/: source} for the third-party files of the page; FileNotFoundError saying
    what to install when one cannot be had (checked before anything is written)."""
    dist = ort_web_dist()
    files = {name: dist / name for name in ORT_WEB_FILES}
    files[JPEG_WASM_FILE] = jpeg_wasm()
    return files


def write_web(folder: Path, model_name: str, files: dict[str, Path] | None = None) -> Path:
    """``folder/web``: index.html, preprocess.js, THIRD-PARTY.md, onnxruntime-web and jpeg-turbo.wasm."""
    import shutil

    from petcognizer.core.export_spec import template_text

    files = web_files() if files is None else files
    web = folder / 'web'
    web.mkdir(parents=True)
    for name in WEB_TEMPLATES:
        (web / name).write_text(template_text(name).replace('MODEL.onnx', model_name), encoding='utf-8')
    for name, src in files.items():
        shutil.copyfile(src, web / name)
    return web / 'index.html'


def check_variants(kinds) -> None:
    """ValueError for an unknown variant, ImportError (saying what to install) for a missing package,
    FileNotFoundError when the web page's third-party files cannot be had (no npm, no registry)."""
    for kind in kinds:
        if kind not in VARIANTS:
            raise ValueError(f'unknown export format {kind!r} for --also; choose from: {", ".join(VARIANTS)}')
        if kind == 'openvino':
            _need('openvino', 'openvino')
        elif kind == 'coreml':
            _need('coremltools', 'coreml')
        elif kind == 'web':
            web_files()  # fetched (npm) before any work, or a FileNotFoundError saying what to do


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
                         'check': {'runtime': f'onnxruntime-web {ORT_WEB_VERSION}, JPEG decoding by '
                                              f'{JPEG_WASM_PACKAGE} {JPEG_WASM_VERSION} (libjpeg-turbo)',
                                   'ok': True,
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
