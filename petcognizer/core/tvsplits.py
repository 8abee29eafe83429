"""How torchvision's classifiers are cut into stages for :mod:`petcognizer.core.backbones`.

Each ``split_*(net)`` takes a torchvision model and returns ``(stages,
num_features, imagenet_head)``: the ordered ``(name, module)`` stages from the
input to the last feature map, the pooled feature width, and the module that
maps pooled features to the 1000 ImageNet logits.
"""

from __future__ import annotations

__all__ = ['split_convnext', 'split_efficientnet_b0', 'split_mobilenet_v3', 'split_resnet', 'split_vgg']


def split_resnet(net):
    from torch import nn

    stages = [
        ('stem', nn.Sequential(net.conv1, net.bn1, net.relu, net.maxpool)),
        ('layer1', net.layer1),
        ('layer2', net.layer2),
        ('layer3', net.layer3),
        ('layer4', net.layer4),
    ]
    return stages, net.fc.in_features, net.fc


def split_vgg(net):
    from torch import nn

    stages, current, n = [], [], 0
    for mod in net.features:
        current.append(mod)
        if isinstance(mod, nn.MaxPool2d):
            n += 1
            stages.append((f'conv{n}', nn.Sequential(*current)))
            current = []
    # fc6 + fc7 as the last stage: VGG's ImageNet head needs the 4096-d fc7 vector.
    fc = nn.Sequential(net.avgpool, nn.Flatten(1), *list(net.classifier.children())[:-1])
    stages.append(('fc6_fc7', fc))
    return stages, 4096, net.classifier[-1]


def split_mobilenet_v3(net):
    from torch import nn

    feats = list(net.features.children())
    stages = [('stem', feats[0])]
    # group inverted-residual blocks by output resolution change points
    groups = [(1, 2), (2, 4), (4, 7), (7, 13), (13, 16)]
    for i, (a, b) in enumerate(groups, 1):
        stages.append((f'block{i}', nn.Sequential(*feats[a:b])))
    stages.append(('head_conv', feats[16]))
    return stages, 960, net.classifier


def split_efficientnet_b0(net):
    from torch import nn

    feats = list(net.features.children())
    stages = [('stem', feats[0])]
    stages += [(f'block{i}', feats[i]) for i in range(1, 8)]
    stages.append(('head_conv', feats[8]))
    head = nn.Sequential(*list(net.classifier.children()))
    return stages, 1280, head


def split_convnext(net):
    from torch import nn

    feats = list(net.features.children())
    stages = [('stem', feats[0])]
    for i in range(1, 8, 2):
        stages.append((f'stage{(i + 1) // 2}', nn.Sequential(feats[i], feats[i + 1]) if i + 1 < len(feats) else feats[i]))
    # classifier = LayerNorm2d, Flatten, Linear, applied to (N, C, 1, 1)
    ln, _flatten, fc = net.classifier

    class _Head(nn.Module):
        def __init__(self):
            super().__init__()
            self.norm, self.fc = ln, fc

        def forward(self, x):
            return self.fc(self.norm(x[:, :, None, None]).flatten(1))

    return stages, fc.in_features, _Head()
