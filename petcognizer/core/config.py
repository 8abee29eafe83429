"""What decides a training run: :class:`TrainConfig` and the defaults chosen from the data.

Torch-free at import (the window reads and edits configs without loading torch):
only the backbone registry is needed, to check a freeze depth against a
backbone's stages.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace

from petcognizer.core.backbones import DEFAULT_BACKBONE, get_backbone

__all__ = [
    'ENSEMBLE_BACKBONES',
    'ENSEMBLE_MAX_PHOTOS',
    'HEADS',
    'MAX_MEMBERS',
    'SCHEDULES',
    'TrainConfig',
    'blended_frozen_config',
    'parse_freeze_depth',
    'recommend_config',
    'settle_members',
]

#: Members of an ensemble: the bundled backbones, which work offline.
ENSEMBLE_BACKBONES = ('efficientnet_lite0', 'efficientnet_lite1', 'efficientnet_lite2')
#: Up to this many photos, recommend_config trains the ensemble.
ENSEMBLE_MAX_PHOTOS = 300
#: Up to this many photos (or below 8 a class), recommend_config keeps no validation
#: split: every photo trains the model and the accuracy estimate comes from
#: cross-validation over all of them (evaluation.evaluate_fit), which measured closer
#: to the truth than a split of a few dozen photos (bench/trust_service_bench.py).
NO_SPLIT_MAX_PHOTOS = 300
#: Head types (built by :func:`petcognizer.core.model.make_head`).
HEADS = ('linear', 'gap-dropout', 'fc-dropout', 'prototype')
SCHEDULES = ('single', 'unfreeze')
#: At most this many copies of a model are averaged (``TrainConfig.members``).
MAX_MEMBERS = 5


@dataclass
class TrainConfig:
    """Everything that decides a training run; saved with the run and the model.

    Attributes:
        freeze_depth: how many of the backbone's top stages train (0 = head
            only, ``spec.num_stages`` = all).
        schedule: ``'single'`` trains the unfrozen stages and the head together
            from the start; ``'unfreeze'`` trains the head first, then unfreezes
            the top stages one at a time with smaller learning rates (seed 2).
        aug_views: augmented views cached per image when augmentation is on and
            part of the backbone is frozen.
        backbone_lr_mult: learning rate of the top unfrozen stage relative to
            the head; each deeper stage gets half of the one above it.
        progressive_resize: train the first half of the epochs on images at
            3/4 of the input size, then at full size (the bag of tricks'
            progressive resizing). Applies when every stage trains (freeze depth
            = all); with a frozen prefix the cached features fix the size.
        ensemble: train one head on each bundled backbone (EfficientNet-Lite0,
            1 and 2, all reading the ``backbone``'s input size) and average their
            probabilities; ``freeze_depth`` and the head apply to each member.
        train_bn: update BatchNorm running statistics in the stages that train
            (off by default: they keep ImageNet's, see ``set_modes``).
        use_prior: combine ImageNet outputs matched to the class names with the
            head (only with the whole backbone frozen).
        balance_classes: weigh each class's photos by the inverse of its share in
            the loss, so every class counts the same. Off by default (as in fastai,
            Keras and Create ML): the model's decisions then follow the photos' own
            class shares, which is what its accuracy on photos like the project's
            rewards (brain-mri, 141 / 87 photos: README, "Tried").
        weight_decay: AdamW's decoupled weight decay, for every trained weight.
        head_l2: an L2 penalty ``head_l2 / 2 * ||W||^2`` on the head's weight
            matrices, added to the loss: the regularised logistic regression the
            class-name prior's weight is cross-validated for (measured on
            imagewoof-mini: +0.8 to +1.6 points over plain AdamW at 3 and 10
            photos a class).
        start_from_epoch: the validation split neither stops the run nor picks
            its epoch before this many epochs have run (Keras' ``EarlyStopping``
            argument of that name): a fine-tuning's first epochs are noisy, and on
            flowers5-mini a split once stopped it at its 3rd epoch.
        refit_all: once the validation split chose the number of epochs, train
            the final model again on every photo for that many epochs (with the
            whole backbone frozen and a linear, gap-dropout or prototype head;
            the run's estimate is then cross-validated over every photo). The
            curves shown are those of the run with the split.
        members: train this many copies of the model, each validated on a
            different share of the photos (``val_fold`` 0, 1, ...) and so trained
            on the others, and average their probabilities: between them every
            photo trains, and each copy's epoch is chosen on photos it has not
            seen. The recommended fine-tuning uses 1 (``recommend.FINE_TUNE_MEMBERS``):
            a second copy measured no better once the frozen heads are blended in (README).
        val_fold: which share of the photos the validation split takes (the
            ``val_fold``-th ``val_fraction`` of the same shuffle); set per copy.
        blend_frozen: a fine-tuning (``freeze_depth`` above 0) of a bundled backbone
            also fits the few-photo ensemble's frozen heads (EfficientNet-Lite0, 1 and 2
            on every photo: seconds) and averages them in, each as one more member. Its
            estimate comes from the copies' validation photos, with the frozen heads
            judged out of fold (``core.holdout``).
        probe_init: a fine-tuning (``freeze_depth`` above 0) with a linear or
            gap-dropout head starts the head from the logistic regression fitted
            on the untouched backbone's pooled features, as a frozen run fits it
            (LP-FT: Kumar et al., "Fine-Tuning can Distort Pretrained Features",
            ICLR 2022): brain-mri's first fine-tuned copy 85.3 -> 88.9% over 5
            splits; blended with the frozen heads, a wash (README, "The head starts
            fitted").
        ema_epochs: a fine-tuning keeps an exponential moving average of the
            trained weights over about this many epochs (0 = off; timm's model
            EMA), and validates and keeps the average instead of the last step's
            weights: the training itself is unchanged.
        flip_tta: a fine-tuning (``freeze_depth`` above 0) with augmentation, which
            trains on mirror images too, saves a model that answers for each photo
            with the mean of its and its mirror image's probabilities, every copy
            and every blended frozen head (in the app, the CLI and every export;
            ``Classifier.flip_tta``); its estimate is measured the same way. Twice
            the prediction time. Measured on the same trained models (README,
            "Mirror images", 5 splits each): brain-mri 91.1 -> 92.0%,
            flowers5-mini 75.0 -> 75.5%.
    """

    backbone: str = DEFAULT_BACKBONE
    freeze_depth: int = 0
    head: str = 'linear'
    epochs: int = 60
    lr: float = 3e-3
    batch_size: int = 32
    weight_decay: float = 1e-4
    head_l2: float = 1e-2
    label_smoothing: float = 0.1
    augment: bool = False
    color_jitter: bool = False
    random_erasing: bool = False
    aug_views: int = 4
    val_fraction: float = 0.2
    seed: int = 0
    patience: int = 0
    start_from_epoch: int = 0
    schedule: str = 'single'
    warmup_epochs: int = 1
    use_prior: bool = True
    balance_classes: bool = False
    dropout: float = 0.3
    backbone_lr_mult: float = 0.1
    progressive_resize: bool = False
    train_bn: bool = False
    ensemble: bool = False
    device: str = 'auto'
    refit_all: bool = False
    members: int = 1
    val_fold: int = 0
    blend_frozen: bool = False
    probe_init: bool = True
    ema_epochs: float = 0.0
    flip_tta: bool = True

    @property
    def answers_mirrored(self) -> bool:
        """Whether the trained model answers with each photo's mirror image averaged in
        (``flip_tta``): a fine-tuning (``freeze_depth`` above 0) with augmentation, which
        trains on mirror images, for its copies and its blended frozen heads alike."""
        return self.flip_tta and self.augment and self.freeze_depth > 0

    def to_dict(self) -> dict:
        """The config as a JSON-able dict (saved in run records and model files)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> TrainConfig:
        """A config from :meth:`to_dict` output; unknown keys (older or newer files) are ignored."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})

    def validate(self) -> None:
        """Raise ValueError, with a message naming the fix, for a config that cannot train."""
        spec = get_backbone(self.backbone)
        if self.head not in HEADS:
            raise ValueError(f'unknown head {self.head!r}; choose one of: {", ".join(HEADS)}')
        if self.schedule not in SCHEDULES:
            raise ValueError(f'unknown schedule {self.schedule!r}; choose one of: {", ".join(SCHEDULES)}')
        if self.ensemble and self.backbone not in ENSEMBLE_BACKBONES:
            raise ValueError('an ensemble is made of the bundled EfficientNet-Lite backbones; '
                             f'choose one of them, or turn the ensemble off for {self.backbone}')
        if self.head == 'prototype' and self.freeze_depth != 0:
            raise ValueError('the prototype head (nearest class mean) works on frozen features: '
                             'use freeze depth 0')
        if not 0 <= self.freeze_depth <= spec.num_stages:
            raise ValueError(
                f'freeze depth {self.freeze_depth} is out of range for {spec.name}: '
                f'use 0 (head only) to {spec.num_stages} (all stages)')
        if self.epochs < 1 or self.batch_size < 1 or self.lr <= 0:
            raise ValueError('epochs and batch size must be at least 1 and the learning rate positive')
        if self.ema_epochs < 0:
            raise ValueError('the weight average spans 0 epochs (off) or more')
        if not 0 <= self.val_fraction < 1:
            raise ValueError('the validation fraction must be between 0 and 1')
        if not 1 <= self.members <= MAX_MEMBERS or self.val_fold < 0:
            raise ValueError(f'members must be 1 to {MAX_MEMBERS} and the validation fold 0 or more')
        if self.blend_frozen and (self.ensemble or not self.freeze_depth
                                  or self.backbone not in ENSEMBLE_BACKBONES):
            raise ValueError('blending in the frozen heads needs a fine-tuning (freeze depth '
                             'above 0) of a bundled EfficientNet-Lite backbone, without the '
                             'ensemble')
        if self.members > 1 and self.freeze_depth == 0:
            raise ValueError('copies of a model are for a fine-tuning (freeze depth above 0): a '
                             'frozen run is cross-validated over every photo; set members to 1')
        if self.members > 1 and self.members * self.val_fraction > 1:
            raise ValueError(f'{self.members} copies cannot each validate on a different '
                             f'{self.val_fraction:.0%} of the photos; use fewer copies or a '
                             'smaller validation share')
        if self.members > 1 and (self.ensemble or self.val_fraction <= 0):
            raise ValueError('several copies of a model each need a validation share, and '
                             'cannot be combined with the ensemble: set members to 1, or turn '
                             'the ensemble off and keep a validation share above 0')


def settle_members(cfg: TrainConfig) -> TrainConfig:
    """``cfg`` with one copy (``members = 1``) and no frozen heads blended in
    (``blend_frozen``) where they cannot apply or do not pay.

    Both come with the recommended fine-tuning; once the user turns the ensemble on, the
    validation share to 0 (copies) or the backbone back to frozen (whose run is measured
    by cross-validation and refitted on every photo), one model trains, as they expect.
    """
    if cfg.ensemble or cfg.val_fraction <= 0 or cfg.freeze_depth == 0:
        cfg.members = 1
    if cfg.ensemble or cfg.freeze_depth == 0 or cfg.backbone not in ENSEMBLE_BACKBONES:
        cfg.blend_frozen = False
    return cfg


def blended_frozen_config(config: TrainConfig, n_images: int, n_classes: int) -> TrainConfig:
    """The run of the frozen heads a fine-tuning blends in (``config.blend_frozen``): the
    few-photo ensemble as :func:`recommend_config` sets it up, on every photo, with the
    fine-tuning's seed, prior, device and class weighting. Its estimate refits these heads
    out of fold with the same settings (``core/holdout.py``)."""
    return replace(recommend_config(n_images, n_classes, config.backbone), ensemble=True,
                   val_fraction=0.0, refit_all=False, seed=config.seed,
                   use_prior=config.use_prior, device=config.device,
                   balance_classes=config.balance_classes)


def parse_freeze_depth(text: str | int, backbone: str) -> int:
    """'all' -> every stage; an integer -> that many top stages train."""
    if isinstance(text, int):
        return text
    if str(text).lower() == 'all':
        return get_backbone(backbone).num_stages
    try:
        return int(text)
    except ValueError:
        raise ValueError(f'freeze depth must be a number or "all", not {text!r}') from None


def recommend_config(n_images: int, n_classes: int, backbone: str = DEFAULT_BACKBONE) -> TrainConfig:
    """Defaults chosen from the data (see bench/README and the README's tables).

    Few photos: the whole backbone frozen, a linear head on cached features,
    the class-name prior, and up to 300 photos an ensemble of the three
    bundled backbones with every photo used for training (no validation
    split; the run's accuracy estimate comes from cross-validation over all
    of them). More photos: a validation split with early stopping picks the
    number of epochs, then the final model trains on every photo
    (``refit_all``).
    """
    per_class = n_images / max(1, n_classes)
    cfg = TrainConfig(backbone=backbone)
    if per_class < 8 or n_images <= NO_SPLIT_MAX_PHOTOS:
        cfg.val_fraction = 0.0
        cfg.patience = 0
    else:
        cfg.val_fraction = 0.2 if n_images < 5000 else 0.1
        cfg.patience = 10
        cfg.refit_all = True  # no photo wasted: the split only picks the epoch count
    # An ensemble of the three bundled backbones beat Lite0 alone on every data
    # set and size measured (+1.2 to +2.9 points; bench/ensemble_bench.py), at
    # about 4x the feature extraction: the default while that stays seconds.
    cfg.ensemble = n_images <= ENSEMBLE_MAX_PHOTOS and backbone in ENSEMBLE_BACKBONES
    n_train = max(1, int(n_images * (1 - cfg.val_fraction)))
    cfg.batch_size = max(1, min(64, n_train))
    steps_per_epoch = math.ceil(n_train / cfg.batch_size)
    # about 400 optimiser steps in all, within 20..200 epochs
    cfg.epochs = int(min(200, max(20, math.ceil(400 / steps_per_epoch))))
    return cfg
