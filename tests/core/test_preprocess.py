"""Preprocessing comes from the weights: sizes, normalisation and the interpolation, applied."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from petcognizer.core.backbones import get_backbone
from petcognizer.core.data import Augment, Preprocess


@pytest.mark.parametrize('name, resize, interpolation', [
    ('resnet50', 232, 'bilinear'),
    ('mobilenet_v3_large', 232, 'bilinear'),
    ('convnext_tiny', 236, 'bilinear'),
    ('efficientnet_b0', 256, 'bicubic'),
    ('resnet18', 256, 'bilinear'),
])
def test_torchvision_backbones_use_their_weights_transforms(name, resize, interpolation):
    from torchvision.models import get_model_weights

    pre = Preprocess.for_backbone(get_backbone(name))
    assert (pre.input_size, pre.resize, pre.interpolation) == (224, resize, interpolation)
    t = get_model_weights(name).DEFAULT.transforms()
    assert pre.mean == tuple(t.mean) and pre.std == tuple(t.std)


def test_bundled_backbones_keep_their_preprocessing():
    pre = Preprocess.for_backbone(get_backbone('efficientnet_lite0'))
    assert pre == Preprocess(224, 224, (0.5, 0.5, 0.5), (0.5, 0.5, 0.5), 'bilinear')  # whole short side


def _photo() -> Image.Image:
    rng = np.random.default_rng(0)
    return Image.fromarray(rng.integers(0, 255, (97, 131, 3), dtype=np.uint8))


def test_the_interpolation_is_applied():
    img = _photo()
    bilinear = Preprocess(32, 40, (0.5,) * 3, (0.5,) * 3, 'bilinear')
    bicubic = Preprocess(32, 40, (0.5,) * 3, (0.5,) * 3, 'bicubic')
    a, b = bilinear(img), bicubic(img)
    assert a.shape == b.shape == (3, 32, 32)
    assert not torch.allclose(a, b, atol=1e-3)
    w, h = round(img.width * 40 / img.height), 40  # the short side to ``resize``
    expected = img.resize((w, h), Image.Resampling.BICUBIC, reducing_gap=3.0)
    left, top = (w - 32) // 2, (h - 32) // 2
    expected = np.asarray(expected.crop((left, top, left + 32, top + 32)), dtype=np.float32)
    got = (b.permute(1, 2, 0).numpy() * 0.5 + 0.5) * 255
    np.testing.assert_allclose(got, expected, atol=1e-3)


def test_augmented_crops_use_the_interpolation_too():
    import random

    img = _photo()
    aug = Augment(crop_flip=True)
    views = [aug.apply(img, Preprocess(32, 40, (0.5,) * 3, (0.5,) * 3, name), random.Random(3))
             for name in ('bilinear', 'bicubic')]
    assert not torch.allclose(views[0], views[1], atol=1e-3)


def test_old_model_files_mean_bilinear_and_unknown_names_are_refused():
    d = Preprocess(224, 256, (0.5,) * 3, (0.5,) * 3).to_dict()
    del d['interpolation']
    assert Preprocess.from_dict(d).interpolation == 'bilinear'
    with pytest.raises(ValueError, match='unknown interpolation'):
        Preprocess(224, 256, (0.5,) * 3, (0.5,) * 3, 'cubic-ish')
