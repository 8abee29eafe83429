"""petcognizer.core.litenet rebuilds timm's efficientnet_lite{0,1,2} without importing timm.

The same random weights are copied by position into both networks (as the bundled
weights are), then the state_dicts, every stage's output, the pooled features, the
logits and train-mode batch-norm statistics are compared.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import torch

from petcognizer.core import litenet

timm = pytest.importorskip('timm')

RTOL = 1e-5


@pytest.fixture(autouse=True)
def _one_thread():
    """Tiny forwards: one thread avoids seconds of OpenMP spinning on a busy 2-core machine."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _close(a: torch.Tensor, b: torch.Tensor) -> None:
    """Equal within 1e-5 relative to the tensor's scale."""
    assert a.shape == b.shape
    scale = max(float(b.abs().max()), 1e-6)
    err = float((a - b).abs().max())
    assert err <= RTOL * scale, f'max |diff| {err:.3g} > {RTOL} x {scale:.3g}'


def _pair(index: int, seed: int = 0):
    """(litenet, timm) EfficientNet-Lite``index`` with identical random weights and BN stats."""
    torch.manual_seed(seed)
    ref = timm.create_model(f'efficientnet_lite{index}', pretrained=False)
    with torch.no_grad():  # non-trivial running statistics, so eval mode uses them
        for m in ref.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.normal_(0, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0, 0.1)
    net = litenet.efficientnet_lite(index)
    dst = net.state_dict()
    src = ref.state_dict()
    assert len(src) == len(dst)
    net.load_state_dict({k: v.clone() for k, v in zip(dst, src.values())})  # by position
    return net.eval(), ref.eval()


def _stage_outputs(model, x: torch.Tensor) -> list[torch.Tensor]:
    out = [model.bn1(model.conv_stem(x))]
    for blk in model.blocks:
        out.append(blk(out[-1]))
    out.append(model.bn2(model.conv_head(out[-1])))
    pooled = out[-1].mean(dim=(2, 3))
    return out + [pooled, model.classifier(pooled)]


@pytest.mark.parametrize('index', [0, 1, 2])
def test_same_structure_and_outputs_as_timm(index):
    net, ref = _pair(index)
    a, b = net.state_dict(), ref.state_dict()
    assert list(a) == list(b)  # same names, same order: saved model files load unchanged
    assert [tuple(v.shape) for v in a.values()] == [tuple(v.shape) for v in b.values()]
    assert net.num_features == ref.num_features == 1280
    assert [len(s) for s in net.blocks] == [len(s) for s in ref.blocks]
    for s_net, s_ref in zip(net.blocks, ref.blocks):
        assert [blk.has_skip for blk in s_net] == [blk.has_skip for blk in s_ref]
        for b_net, b_ref in zip(s_net, s_ref):
            assert b_net.conv_dw.padding == b_ref.conv_dw.padding
            assert b_net.conv_dw.stride == b_ref.conv_dw.stride
    bns = [m for m in net.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    assert all(m.eps == 1e-5 and m.momentum == 0.1 for m in bns)
    assert isinstance(net.bn1.act, torch.nn.ReLU6)

    x = torch.randn(2, 3, 64, 80, generator=torch.Generator().manual_seed(index))
    with torch.no_grad():
        got, want = _stage_outputs(net, x), _stage_outputs(ref, x)
        for g, w in zip(got, want):
            _close(g, w)
        _close(net(x), ref(x))
        _close(net.forward_features(x), ref.forward_features(x))
        assert float(want[-3].std()) > 0.01  # the comparison is not between zeros


@pytest.mark.parametrize('index', [0, 2])
def test_train_mode_batch_norm_matches_timm(index):
    net, ref = _pair(index, seed=1)
    net.train()
    ref.train()
    x = torch.randn(3, 3, 48, 48, generator=torch.Generator().manual_seed(5))
    with torch.no_grad():
        _close(net(x), ref(x))
    for (k, v), w in zip(net.state_dict().items(), ref.state_dict().values()):
        if 'running' in k:
            _close(v, w)
        elif k.endswith('num_batches_tracked'):
            assert int(v) == int(w) == 1, k


def test_backbone_keys_as_with_timm():
    """The bundled Backbone's state_dict names are those of model files saved with timm."""
    from torch import nn

    from petcognizer.core.backbones import Backbone, create_backbone

    ref = timm.create_model('efficientnet_lite0', pretrained=False)
    stages = [('stem', nn.Sequential(ref.conv_stem, ref.bn1))]
    stages += [(f'block{i + 1}', blk) for i, blk in enumerate(ref.blocks)]
    stages.append(('head_conv', nn.Sequential(ref.conv_head, ref.bn2)))
    old = Backbone(stages, ref.num_features, ref.classifier).state_dict()
    new = create_backbone('efficientnet_lite0', pretrained=False).state_dict()
    assert list(new) == list(old)
    assert [v.shape for v in new.values()] == [v.shape for v in old.values()]


def test_unknown_index():
    with pytest.raises(ValueError, match='choose 0, 1 or 2'):
        litenet.efficientnet_lite(3)


_CHILD = r"""
import json, sys
import torch
from petcognizer.core.backbones import create_backbone, weights_status, get_backbone
ok = weights_status(get_backbone('efficientnet_lite0'))[0]
net = create_backbone('efficientnet_lite0', pretrained=ok)
with torch.no_grad():
    y = net.imagenet_head(net(torch.zeros(1, 3, 64, 64)))
print(json.dumps({'pretrained': ok, 'shape': list(y.shape),
                  'loaded': sorted(m for m in sys.modules if m.split('.')[0] in ('timm', 'torchvision'))}))
"""


def test_bundled_backbone_imports_neither_timm_nor_torchvision():
    env = {**os.environ, 'OMP_NUM_THREADS': '1'}
    res = subprocess.run([sys.executable, '-c', _CHILD], capture_output=True, text=True, timeout=120,
                         env=env)
    assert res.returncode == 0, res.stderr[-2000:]
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert out['shape'] == [1, 1000]
    assert out['loaded'] == [], out['loaded']
