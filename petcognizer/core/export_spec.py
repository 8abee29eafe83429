"""What a port of an exported model must do: the sidecar, its preprocessing rules, test vectors.

The sidecar (``<name>.onnx.json``, also in the ONNX file's ``metadata_props``)
spells out every step between a photo file and the graph's ``image`` input,
exactly as :func:`petcognizer.core.images.load_rgb` and
:meth:`petcognizer.core.data.Preprocess.resize_crop` do it, and ships test
vectors: small reference images written next to the export, each with the
probabilities ``petcognizer predict`` gives for it and a tolerance.
``resources/export/predict.py`` is the reference port of these rules.
"""

from __future__ import annotations

import io
from importlib import resources
from pathlib import Path

import numpy as np
from PIL import Image

__all__ = ['SIDECAR_VERSION', 'TOLERANCE', 'io_text', 'preprocess_rules', 'sidecar', 'template_text',
           'write_vectors']

#: Version of the sidecar's layout (``format_version``).
SIDECAR_VERSION = 2
#: Largest difference in any probability a faithful port may show on the test vectors.
TOLERANCE = 1e-3


def template_text(name: str) -> str:
    """A file of ``resources/export`` (predict.py, README.md, index.html)."""
    return resources.files('petcognizer.resources').joinpath('export', name).read_text(encoding='utf-8')


def preprocess_rules(pre: dict) -> list[str]:
    """The decoding and resizing steps, in order, with this model's numbers filled in."""
    r, s, interp = pre['resize'], pre['input_size'], pre['interpolation']
    return [
        '1 decode: the first frame (GIF, multi-page TIFF). Decoding with Pillow reproduces '
        'petcognizer exactly; the steps below say what it does.',
        f'2 JPEG reduced decoding: for a JPEG whose short side is at least 2 x {r}, with '
        f'scale = min(w, h) / {r}, Pillow draft("RGB", (int(w / scale), int(h / scale))) is used: '
        'libjpeg decodes at 1/n (n the largest of 8, 4, 2 with n <= min(w // int(w / scale), '
        'h // int(h / scale))), giving ((w + n - 1) // n, (h + n - 1) // n) pixels.',
        f'3 very large images: if the decoded image has more than 16,000,000 pixels and '
        f'factor = min(w, h) // (3 * {r}) is at least 2, Pillow Image.reduce(factor) '
        '(the mean of each factor x factor block; the last row and column blocks are partial).',
        '4 EXIF orientation: tag 0x0112 (1..8) of the file is applied after steps 2-3 '
        '(Pillow ImageOps.exif_transpose); 5-8 swap width and height; a damaged EXIF block '
        'counts as orientation 1.',
        '5 colour: RGB is used as is. 16-bit, 32-bit integer and float greyscale (Pillow modes '
        'I;16, I, F): with non-negative values v, v * 255 / top + 0.5 truncated, where top is '
        'the first of 1.0, 255, 4095, 65535 that is >= the largest value (so 16-bit images '
        'are v / 257), otherwise stretched from min to max; then grey to RGB. Palette with '
        'transparency, LA, PA, RGBA: composited onto white, each channel '
        'c * a / 255 + 255 * (255 - a) / 255 rounded (Pillow paste with the alpha mask). '
        'CMYK: R = round((255 - C) * (255 - K) / 255), likewise G with M and B with Y '
        '(Pillow convert("RGB"), no colour profile). Other modes (L, 1, P, YCbCr, LAB): '
        'Pillow convert("RGB").',
        f'6 resize: scale = {r} / min(w, h); new size nw = max({s}, round(w * scale)), '
        f'nh = max({s}, round(h * scale)) (Python round: halves to even). Filter: Pillow '
        f'{interp.upper()} (antialiased: when shrinking, the filter support grows with the '
        'ratio; separable, horizontal pass first, each pass rounded to 8 bits), with '
        'reducing_gap=3.0: when an axis shrinks by 3x or more, Image.reduce(int(ratio / 3)) '
        'first, then the filter for the rest.',
        f'7 centre crop: left = (nw - {s}) // 2, top = (nh - {s}) // 2, then {s} x {s} pixels. '
        f'If nw * nh > 16,000,000 the crop box (left * w / nw, top * h / nh, '
        f'(left + {s}) * w / nw, (top + {s}) * h / nh) is resized straight to {s} x {s} instead '
        '(same filter, reducing_gap=3.0).',
        '8 the result, uint8 [1, H, W, 3] RGB, is the graph input "image"; scaling to 0..1, '
        'normalisation, the network, the class-name prior and calibration are in the graph.',
    ]


def io_text(pre: dict, unknown: bool, raw_input: bool = False) -> tuple[dict, dict]:
    """(inputs, outputs) descriptions of the exported graph."""
    s = pre['input_size']
    if raw_input:
        inputs = {'image': f'float32 [N, 3, {s}, {s}] (NCHW): RGB pixels preprocessed by the '
                           'rules, scaled to 0..1, then (x - mean) / std per channel'}
    else:
        inputs = {'image': f'uint8 [N, {s}, {s}, 3] (NHWC): RGB pixels after the rules (decoded, '
                           'EXIF-oriented, alpha onto white, resized and centre-cropped); no '
                           'normalisation: the graph does it'}
    outputs = {'probabilities': 'float32 [N, K]: calibrated class probabilities in the order '
                                'of classes (each row sums to 1)'}
    if unknown:
        outputs['unknown_score'] = ('float32 [N]: "none of these" score over the model\'s '
                                    'threshold; above 1 the photo looks like none of the classes')
    return inputs, outputs


def sidecar(meta: dict, *, unknown: bool, raw_input: bool = False) -> dict:
    """The sidecar's fixed part (``test_vectors`` and ``verification`` are added once measured)."""
    pre = meta['preprocess']
    inputs, outputs = io_text(pre, unknown, raw_input)
    return {
        'format_version': SIDECAR_VERSION,
        'classes': meta['classes'],
        'backbone': meta['backbone'],
        'preprocess': pre,
        'inputs': inputs,
        'outputs': outputs,
        'input': inputs['image'],
        'output': outputs['probabilities'],
        'preprocess_rules': preprocess_rules(pre),
        'float_types': 'float32 only (no float64 anywhere in the graph)',
    }


# ---------------------------------------------------------------------- test vectors


def _smooth(rng: np.random.RandomState, w: int, h: int, channels: int) -> np.ndarray:
    """A smooth random picture (low-frequency noise, upsampled): small as a PNG, varied in colour."""
    small = rng.randint(0, 256, size=(5, 6, channels)).astype(np.uint8)
    img = Image.fromarray(small.squeeze(-1) if channels == 1 else small)
    return np.asarray(img.resize((w, h), Image.Resampling.BICUBIC))


def vector_images(pre: dict) -> dict[str, bytes]:
    """name -> file bytes: the reference images, sized around the model's resize."""
    r = pre['resize']
    rng = np.random.RandomState(12)
    out: dict[str, bytes] = {}

    def save(name: str, img: Image.Image, **kw) -> None:
        buf = io.BytesIO()
        img.save(buf, **kw)
        out[name] = buf.getvalue()

    save('rgb.png', Image.fromarray(_smooth(rng, r * 3 // 2 + 7, r + 3, 3)), format='PNG')
    save('grey.png', Image.fromarray(_smooth(rng, r + 1, r * 4 // 3, 1)), format='PNG')
    rgba = _smooth(rng, r + 5, r + 5, 4).copy()
    rgba[..., 3] = np.linspace(0, 255, rgba.shape[1]).astype(np.uint8)[None, :]
    save('alpha.png', Image.fromarray(rgba, 'RGBA'), format='PNG')
    grey16 = (_smooth(rng, r * 2 // 3, r // 2, 1).astype(np.uint16) * 257)
    save('grey16.png', Image.fromarray(grey16), format='PNG')
    pal = Image.fromarray(_smooth(rng, r // 3 + 1, r // 4 + 2, 3)).quantize(16)
    save('palette.png', pal, format='PNG')
    return out


def write_vectors(folder: Path, pre: dict) -> list[Path]:
    """Write the reference images into ``folder``; their paths, in a fixed order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in vector_images(pre).items():
        p = folder / name
        p.write_bytes(data)
        paths.append(p)
    return paths
