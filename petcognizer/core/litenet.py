"""EfficientNet-Lite0/1/2 in plain torch, module for module as timm's ``efficientnet_lite*``.

The bundled backbones need only this small network, and importing timm costs
seconds (it pulls in torchvision and ``torch._dynamo``). This module rebuilds
timm 1.0's ``efficientnet_lite{0,1,2}`` (``_gen_efficientnet_lite``) with the
same module names, state_dict keys, order and shapes, so weights and saved
model files made with timm load unchanged:

* ``conv_stem`` (3x3, stride 2, 32 channels, not scaled), ``bn1``;
* ``blocks[i][j]``: stage 0 a :class:`DepthwiseSeparableConv`, stages 1-6
  :class:`InvertedResidual` (expansion 6), no squeeze-excite, ReLU6;
* ``conv_head`` (1x1 to 1280, not scaled), ``bn2``, average pool, ``classifier``.

Convolutions have no bias and symmetric padding (timm's ``pad_type=''``);
batch norm is eps 1e-5, momentum 0.1 with the activation inside the norm module
(:class:`BatchNormAct2d`, as timm's). Drop path and dropout are 0 (timm's
defaults for these models). ``tests/core/test_litenet.py`` checks outputs,
state_dict and train-mode statistics against timm.
"""

from __future__ import annotations

import math

import torch
from torch import nn

__all__ = ['BatchNormAct2d', 'DepthwiseSeparableConv', 'EfficientNetLite', 'InvertedResidual',
           'efficientnet_lite']

# block type, repeats, kernel, stride, expansion, output channels (timm's arch_def for Lite)
_ARCH = (
    ('ds', 1, 3, 1, 1, 16),
    ('ir', 2, 3, 2, 6, 24),
    ('ir', 2, 5, 2, 6, 40),
    ('ir', 3, 3, 2, 6, 80),
    ('ir', 3, 5, 1, 6, 112),
    ('ir', 4, 5, 2, 6, 192),
    ('ir', 1, 3, 1, 6, 320),
)
# index: (channel multiplier, depth multiplier)
_MULTIPLIERS = {0: (1.0, 1.0), 1: (1.0, 1.1), 2: (1.1, 1.2)}
STEM_SIZE = 32
NUM_FEATURES = 1280


def make_divisible(v: float, divisor: int = 8, min_value: int | None = None,
                   round_limit: float = 0.9) -> int:
    """Nearest multiple of ``divisor``, never more than 10% below ``v`` (timm's helper)."""
    min_value = min_value or divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < round_limit * v:
        new_v += divisor
    return new_v


def _repeats(stage: int, repeats: int, depth_multiplier: float) -> int:
    """timm's ``_scale_stage_depth`` ('ceil'), first and last stage fixed."""
    if stage in (0, len(_ARCH) - 1):
        return repeats
    return int(math.ceil(repeats * depth_multiplier))


def _conv(in_chs: int, out_chs: int, kernel: int, stride: int = 1, groups: int = 1) -> nn.Conv2d:
    padding = ((stride - 1) + (kernel - 1)) // 2  # timm's symmetric get_padding
    return nn.Conv2d(in_chs, out_chs, kernel, stride=stride, padding=padding, groups=groups,
                     bias=False)


class BatchNormAct2d(nn.BatchNorm2d):
    """Batch norm followed by ReLU6 (or nothing), one module as in timm (same state_dict)."""

    def __init__(self, num_features: int, apply_act: bool = True):
        super().__init__(num_features, eps=1e-5, momentum=0.1)
        self.act = nn.ReLU6(inplace=True) if apply_act else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(super().forward(x))


class DepthwiseSeparableConv(nn.Module):
    """Depthwise conv, BN+ReLU6, pointwise conv, BN (no activation); skip when shapes allow."""

    def __init__(self, in_chs: int, out_chs: int, kernel: int, stride: int):
        super().__init__()
        self.has_skip = stride == 1 and in_chs == out_chs
        self.conv_dw = _conv(in_chs, in_chs, kernel, stride, groups=in_chs)
        self.bn1 = BatchNormAct2d(in_chs)
        self.conv_pw = _conv(in_chs, out_chs, 1)
        self.bn2 = BatchNormAct2d(out_chs, apply_act=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        x = self.bn2(self.conv_pw(self.bn1(self.conv_dw(x))))
        return x + shortcut if self.has_skip else x


class InvertedResidual(nn.Module):
    """1x1 expansion, depthwise conv, 1x1 linear projection (MBConv without SE)."""

    def __init__(self, in_chs: int, out_chs: int, kernel: int, stride: int, exp_ratio: float):
        super().__init__()
        self.has_skip = stride == 1 and in_chs == out_chs
        mid_chs = make_divisible(in_chs * exp_ratio)
        self.conv_pw = _conv(in_chs, mid_chs, 1)
        self.bn1 = BatchNormAct2d(mid_chs)
        self.conv_dw = _conv(mid_chs, mid_chs, kernel, stride, groups=mid_chs)
        self.bn2 = BatchNormAct2d(mid_chs)
        self.conv_pwl = _conv(mid_chs, out_chs, 1)
        self.bn3 = BatchNormAct2d(out_chs, apply_act=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        x = self.bn1(self.conv_pw(x))
        x = self.bn2(self.conv_dw(x))
        x = self.bn3(self.conv_pwl(x))
        return x + shortcut if self.has_skip else x


class EfficientNetLite(nn.Module):
    """EfficientNet-Lite ``index`` (0, 1 or 2) with a 1000-class ImageNet classifier."""

    def __init__(self, index: int = 0, num_classes: int = 1000, init: bool = True):
        super().__init__()
        if index not in _MULTIPLIERS:
            raise ValueError(f'EfficientNet-Lite{index} is not available; choose 0, 1 or 2')
        width, depth = _MULTIPLIERS[index]
        self.conv_stem = _conv(3, STEM_SIZE, 3, stride=2)
        self.bn1 = BatchNormAct2d(STEM_SIZE)
        in_chs = STEM_SIZE
        stages = []
        for s, (kind, reps, kernel, stride, exp, chs) in enumerate(_ARCH):
            out_chs = make_divisible(chs * width) if width else chs
            blocks = []
            for j in range(_repeats(s, reps, depth)):
                st = stride if j == 0 else 1
                if kind == 'ds':
                    blocks.append(DepthwiseSeparableConv(in_chs, out_chs, kernel, st))
                else:
                    blocks.append(InvertedResidual(in_chs, out_chs, kernel, st, exp))
                in_chs = out_chs
            stages.append(nn.Sequential(*blocks))
        self.blocks = nn.Sequential(*stages)
        self.conv_head = _conv(in_chs, NUM_FEATURES, 1)
        self.bn2 = BatchNormAct2d(NUM_FEATURES)
        self.num_features = NUM_FEATURES
        self.num_classes = num_classes
        self.classifier = nn.Linear(NUM_FEATURES, num_classes)
        if init:  # skipped when every tensor is about to be loaded (half the build time)
            self.apply(_init_weight_goog)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        x = self.bn1(self.conv_stem(x))
        x = self.blocks(x)
        return self.bn2(self.conv_head(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.forward_features(x).mean(dim=(2, 3)))


def _init_weight_goog(m: nn.Module) -> None:
    """timm's TensorFlow-style initialisation (only matters without pretrained weights)."""
    if isinstance(m, nn.Conv2d):
        fan_out = m.kernel_size[0] * m.kernel_size[1] * m.out_channels // m.groups
        nn.init.normal_(m.weight, 0, math.sqrt(2.0 / fan_out))
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.ones_(m.weight)
        nn.init.zeros_(m.bias)
    elif isinstance(m, nn.Linear):
        init_range = 1.0 / math.sqrt(m.weight.size(0))
        nn.init.uniform_(m.weight, -init_range, init_range)
        nn.init.zeros_(m.bias)


def efficientnet_lite(index: int, num_classes: int = 1000, init: bool = True) -> EfficientNetLite:
    """EfficientNet-Lite0/1/2 with random weights (load the bundled ones by position).

    ``init=False`` keeps torch's default initialisation instead of timm's, for a
    network whose every tensor is loaded next.
    """
    return EfficientNetLite(index, num_classes, init)
