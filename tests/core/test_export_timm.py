"""resources/export/timm_recipe.py loads petcognizer model files with plain timm + safetensors."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import torch

from petcognizer.core.backbones import create_backbone, get_backbone
from petcognizer.core.data import Preprocess
from petcognizer.core.model import Classifier, Ensemble, make_head, save_model
from petcognizer.core.prior import ClassPrior

pytest.importorskip('timm')
RECIPE = Path(__file__).resolve().parents[2] / 'resources' / 'export' / 'timm_recipe.py'


def recipe():
    spec = importlib.util.spec_from_file_location('timm_recipe', RECIPE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def member(seed: int, kind: str, classes) -> Classifier:
    torch.manual_seed(seed)
    bb = create_backbone('efficientnet_lite0', pretrained=False)
    with torch.no_grad():  # batch-norm statistics that are not the identity
        for m in bb.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
    head = make_head(kind, bb.num_features, len(classes))
    prior = ClassPrior.from_classes(classes, {'other': []})
    m = Classifier(bb, head, classes, Preprocess.for_backbone(get_backbone('efficientnet_lite0')),
                   {'kind': kind, 'in_features': bb.num_features, 'dropout': 0.3, 'hidden': 512},
                   prior, 1.5)
    m.temperature = 1.3
    return m.eval()


def test_recipe_reproduces_single_and_ensemble(tmp_path):
    classes = ['cat', 'dog', 'other']
    single = member(0, 'fc-dropout', classes)
    members = [member(1, 'linear', classes), member(2, 'prototype', classes)]
    for m in members:  # a model file keeps the ensemble's temperature, not its members'
        m.temperature = 1.0
    ens = Ensemble(members).eval()
    ens.temperature = 0.7
    x = torch.randn(2, 3, 64, 64, generator=torch.Generator().manual_seed(0))
    r = recipe()
    for name, model in (('single', single), ('ensemble', ens)):
        path = save_model(tmp_path / f'{name}.safetensors', model)
        got_classes, pre, probs = r.load(str(path))
        assert got_classes == classes and pre['input_size'] == 224
        with torch.no_grad():
            want = model(x).softmax(1)
            got = probs(x)
        torch.testing.assert_close(got, want, atol=1e-5, rtol=1e-4)
