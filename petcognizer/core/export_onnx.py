"""The ONNX export: a float32 graph on uint8 pixels, its sidecar, and a ready-to-run bundle.

Written next to ``<name>.onnx``:

* ``<name>.onnx.json``, the sidecar (:func:`petcognizer.core.export_spec.sidecar`):
  classes, every preprocessing rule, the inputs and outputs, the test vectors
  with their expected probabilities and the tolerance, and the check's result;
* ``<name>.onnx-bundle/``: ``predict.py`` (onnxruntime, numpy and Pillow only;
  the reference port), ``README.md`` (how to use it from Python, JavaScript,
  Swift and Kotlin) and ``vectors/*.png``.

The graph is checked for float64 (none allowed) and reloaded in ONNX Runtime,
whose answers on the test vectors must match ``petcognizer predict`` within
:data:`~petcognizer.core.export_spec.TOLERANCE`; otherwise nothing is written.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np

from petcognizer.core.export_check import ExportResult, compare, expectations, float64_names, onnx_runner, pixels
from petcognizer.core.export_graph import deploy_module, has_unknown_output, quiet_deprecations
from petcognizer.core.export_spec import TOLERANCE, sidecar, template_text, write_vectors
from petcognizer.core.exportformats import BUNDLE_MARKER, bundle_path, sidecar_path
from petcognizer.core.fsutil import atomic_write_text, commit_file

__all__ = ['INSTALL_HINT', 'export_onnx_bundle', 'export_onnx_graph']

#: What to install for ONNX export (from a source checkout, and from PyPI).
INSTALL_HINT = ("pip install -e '.[export]' in a petcognizer source checkout "
                "(or pip install 'petcognizer[export]')")


def export_onnx_graph(model, path: Path, meta: dict, *, raw_input: bool = False,
                      extra_props: dict | None = None) -> list[str]:
    """Write the float32 graph of ``model`` to ``path``; its output names.

    RuntimeError if the onnx package is missing or the graph holds float64.
    """
    import torch

    try:
        import onnx
    except ImportError:
        raise RuntimeError(f'ONNX export needs the onnx package: {INSTALL_HINT}') from None
    wrapped = deploy_module(model, raw_input=raw_input)
    s = meta['preprocess']['input_size']
    example = torch.zeros(1, 3, s, s) if raw_input else torch.zeros(1, s, s, 3, dtype=torch.uint8)
    outputs = ['probabilities'] + (['unknown_score'] if has_unknown_output(model) else [])
    with torch.no_grad(), quiet_deprecations():
        torch.onnx.export(
            wrapped, (example,), str(path), input_names=['image'], output_names=outputs,
            dynamic_axes={name: {0: 'batch'} for name in ['image', *outputs]},
            dynamo=False, opset_version=17,
        )
    proto = onnx.load(str(path))
    doubles = float64_names(proto)
    if doubles:
        raise RuntimeError(f'{path}: the graph has float64 parts ({", ".join(doubles[:5])}); '
                           'this is a bug in petcognizer: please report it')
    props = {'petcognizer.classes': json.dumps(meta['classes']),
             'petcognizer.preprocess': json.dumps(meta['preprocess']),
             **(extra_props or {})}
    for k, v in props.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = k, v
    onnx.save(proto, str(path))
    return outputs


def _write_bundle(folder: Path, dest: Path, meta: dict) -> list[Path]:
    """The bundle's files in ``folder``; the test vectors' paths."""
    folder.mkdir(parents=True)
    (folder / BUNDLE_MARKER).write_text('written by petcognizer export; the folder may be replaced '
                                        'by a later export of the same name\n', encoding='utf-8')
    script = template_text('predict.py').replace(
        "MODEL_FILE = '../model.onnx'", f'MODEL_FILE = {("../" + dest.name)!r}', 1)
    (folder / 'predict.py').write_text(script, encoding='utf-8')
    readme = template_text('README.md').replace('MODEL.onnx', dest.name)
    (folder / 'README.md').write_text(readme, encoding='utf-8')
    return write_vectors(folder / 'vectors', meta['preprocess'])


def export_onnx_bundle(model, model_path, meta: dict, dest: Path, tmp: Path,
                       also: tuple[str, ...] = ()) -> ExportResult:
    """Write ``dest`` (through ``tmp``), its sidecar and bundle; checked, or nothing is left.

    ``also``: formats of :data:`~petcognizer.core.export_targets.VARIANTS` written into
    the bundle too (float16 / int8 ONNX, OpenVINO IR, Core ML, torch.export), each checked.
    """
    for package in ('onnx', 'onnxruntime'):
        try:
            __import__(package)
        except ImportError:
            raise RuntimeError(f'ONNX export needs the {package} package: {INSTALL_HINT}') from None
    bundle = bundle_path(dest)
    partial = bundle.with_name(bundle.name + '.partial')
    if partial.exists() and (partial / BUNDLE_MARKER).is_file():
        shutil.rmtree(partial)  # our own leftover from an interrupted export
    try:
        vectors = _write_bundle(partial, dest, meta)
        expected, ratios = expectations(model_path, vectors)
        info = sidecar(meta, unknown=has_unknown_output(model))
        info['tolerance'] = TOLERANCE
        info['test_vectors'] = [
            {'file': f'{bundle.name}/vectors/{p.name}', 'probabilities': [round(float(v), 7) for v in row],
             **({'unknown_score': round(float(ratios[i]), 6)} if ratios else {})}
            for i, (p, row) in enumerate(zip(vectors, expected))]
        outputs = export_onnx_graph(model, tmp, meta,
                                    extra_props={'petcognizer.sidecar': json.dumps(info)})
        run = onnx_runner(tmp)
        x = pixels(vectors, meta['preprocess'])
        check = compare(expected, run(x), TOLERANCE)
        check['float64'] = []
        check['outputs'] = outputs
        if ratios:
            import onnxruntime as ort

            session = ort.InferenceSession(str(tmp), providers=['CPUExecutionProvider'])
            got = np.concatenate([session.run(['unknown_score'], {'image': x[i:i + 1]})[0]
                                  for i in range(len(x))])
            check['unknown_max_abs_diff'] = float(np.abs(got - np.asarray(ratios)).max())
        if not check['ok']:
            raise RuntimeError(f'{dest}: the ONNX graph differs from the model by '
                               f'{check["max_abs_diff"]:.2g} on the test vectors (tolerance '
                               f'{TOLERANCE:g}); nothing was written: please report it')
        info['verification'] = {'runtime': 'onnxruntime (CPU)', **check}
        if also:
            from petcognizer.core.export_targets import write_variants

            info['variants'] = write_variants(model, tmp, partial, dest.stem, meta, x, expected,
                                              also, TOLERANCE)
            for v in info['variants'].values():  # the bundle's final name
                v['file'] = bundle.name + v['file'][len(partial.name):]
            check['variants'] = {k: v['check'] for k, v in info['variants'].items()}
        # the sidecar and the bundle first, so an .onnx never appears without them
        atomic_write_text(sidecar_path(dest), json.dumps(info, indent=1))
        if bundle.exists():  # an earlier bundle of ours (checked before the export began)
            shutil.rmtree(bundle)
        os.replace(partial, bundle)
        commit_file(tmp, dest)
    finally:
        if partial.exists() and (partial / BUNDLE_MARKER).is_file():
            shutil.rmtree(partial)
    return ExportResult(dest, [dest, sidecar_path(dest), bundle], check)
