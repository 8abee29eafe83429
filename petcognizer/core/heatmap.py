"""Where the model looked: a Grad-CAM heat map over a photo.

Grad-CAM (Selvaraju et al., 2017) weighs each channel of the backbone's last
stage by the gradient of the class's score with respect to it, sums the
channels and keeps the positive part: the places whose features raised that
class's score. Here the last stage's output is the map; the gradient runs only
through the pooling and the head (and the class-name prior), so a heat map
costs one forward pass of the backbone.

The photo is not centre-cropped: it is resized so that its short side is the
model's input size and kept whole, so the grid covers the whole photo and the
window can stretch it over the photo as shown. For an ensemble the first
member's backbone is explained (its class is the ensemble's prediction).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from petcognizer.core.images import load_rgb
from petcognizer.core.model import Ensemble, load_model

__all__ = ['MAX_ASPECT', 'grad_cam', 'heatmap_for_file']

#: The long side of the resized photo is at most this many times its short side
#: (a panorama is cropped to its middle beyond that).
MAX_ASPECT = 3.0

_cache_lock = threading.Lock()
_cached: dict[str, Any] = {}


def _input(model, image_path: os.PathLike | str):
    """The whole photo, short side = the model's input size, as a normalised [1, 3, H, W] tensor."""
    from PIL import Image

    pre = model.preprocess
    s = pre.input_size
    img = load_rgb(image_path, draft_size=s)
    w, h = img.size
    scale = s / min(w, h)
    nw, nh = max(s, round(w * scale)), max(s, round(h * scale))
    longest = int(s * MAX_ASPECT)
    img = img.resize((nw, nh), Image.BILINEAR, reducing_gap=3.0)
    if nw > longest or nh > longest:
        cw, ch = min(nw, longest), min(nh, longest)
        left, top = (nw - cw) // 2, (nh - ch) // 2
        img = img.crop((left, top, left + cw, top + ch))
    return pre.to_tensor(img).unsqueeze(0)


def grad_cam(model, image_path: os.PathLike | str, class_index: int | None = None) -> np.ndarray:
    """The Grad-CAM map of ``model`` for one photo: a small 2-D float32 array, 0..1.

    Its shape is the spatial size of the backbone's last stage for the whole
    photo resized to the model's input size on its short side (7 x 7 for a
    square photo and EfficientNet-Lite0 at 224 pixels; rows top to bottom).
    ``class_index`` None explains the model's top class.

    Raises:
        ImageError: the photo cannot be read.
    """
    return _grad_cam(model, image_path, class_index)[0]


def _grad_cam(model, image_path, class_index: int | None) -> tuple[np.ndarray, int]:
    """:func:`grad_cam` and the class it explained."""
    import torch

    member = model.members[0] if isinstance(model, Ensemble) else model
    device = next(member.parameters()).device
    x = _input(model, image_path).to(device)
    with torch.inference_mode():
        if class_index is None:
            class_index = int(model(x).argmax(dim=1)[0])
        acts = member.backbone.forward_stages(x)
    if not 0 <= class_index < len(member.classes):
        raise ValueError(f'class index {class_index} is out of range for a model of '
                         f'{len(member.classes)} classes')
    a = acts.clone().requires_grad_(True)  # only pooling and head lie between it and the score
    with torch.enable_grad():
        score = member.logits_from_features(member.backbone.pool(a))[0, class_index]
        grad, = torch.autograd.grad(score, a)
    with torch.no_grad():
        if a.ndim != 4:
            raise ValueError(f'{member.backbone_name} has no spatial last stage to explain')
        weights = grad.mean(dim=(2, 3), keepdim=True)
        raw = (weights * a).sum(dim=1)[0].float()
        cam = raw.clamp_min(0)
        if float(cam.max()) <= 0:  # nothing raised the score: show where it was least lowered
            cam = raw - raw.min()
        top = float(cam.max())
        cam = cam / top if top > 0 else torch.zeros_like(cam)
    return cam.cpu().numpy().astype(np.float32), class_index


def _load_cached(model_path: os.PathLike | str):
    """The model file, loaded once while it stays the same file (the window asks repeatedly)."""
    path = Path(model_path).resolve()
    st = path.stat()
    key = f'{path}|{st.st_mtime_ns}|{st.st_size}'
    with _cache_lock:
        if _cached.get('key') == key:
            return _cached['model']
    model = load_model(path, device='cpu')
    with _cache_lock:
        _cached.clear()
        _cached.update(key=key, model=model)
    return model


def heatmap_for_file(model_path: os.PathLike | str, image_path: os.PathLike | str,
                     class_name: str | None = None) -> dict[str, Any]:
    """The heat map of a model file for a photo, as plain data (the engine's 'heatmap' job).

    Returns:
        ``{'width': int, 'height': int, 'values': [[float]], 'class': str}``:
        ``values`` holds ``height`` rows of ``width`` numbers in 0..1 covering
        the whole photo; ``class`` is the class explained (``class_name``, or
        the model's top class for None).

    Raises:
        ModelFileError: the model file cannot be used.
        ImageError: the photo cannot be read.
        ValueError: ``class_name`` is not one of the model's classes.
    """
    model = _load_cached(model_path)
    index = None
    if class_name is not None:
        if class_name not in model.classes:
            raise ValueError(f'{model_path}: the model has no class {class_name!r}; '
                             f'choose one of: {", ".join(model.classes)}')
        index = model.classes.index(class_name)
    cam, index = _grad_cam(model, image_path, index)
    return {'width': int(cam.shape[1]), 'height': int(cam.shape[0]),
            'values': [[round(float(v), 4) for v in row] for row in cam],
            'class': model.classes[index]}
