"""Near ImageNet or far from it: whether fine-tuning the backbone is likely to pay.

The second seed's advice: photos like ImageNet's (pets, objects) need only a new
head on the frozen backbone; photos unlike them (scans, satellite tiles, microscope
slides) gain from unfreezing its top stages. :func:`assess_domain` decides from the
data alone, with three signals measured on the frozen backbone's pooled features of
the project's photos:

- **ImageNet confidence**: the mean top probability of the backbone's own ImageNet
  classifier over the photos. Pet photos score high (imagewoof-mini: 0.58); MRI
  slices and low-resolution flower crops score near 0.17 (their most likely
  ImageNet class is a guess among hundreds).
- **Class names**: the share of class names that match an ImageNet concept
  (:func:`petcognizer.core.classnames.match_class_name`).
- **Frozen accuracy**: how well the frozen features already separate the classes,
  by cross-validation of a linear head (when given); fine-tuning cannot add much
  to a frozen head that is already nearly always right.

The photos are "far" when the confidence is below :data:`FAR_CONFIDENCE` and at
most half the class names match ImageNet. Fine-tuning is recommended when they
are far, the frozen head is not already near perfect (:data:`GOOD_ENOUGH`) and
there are enough photos a class to fine-tune without overfitting
(:data:`MIN_PER_CLASS_TO_FINE_TUNE`). The thresholds come from the three
benchmark sets (bench/domain_bench.py): they separate them with a wide margin,
which is what a threshold measured on three sets can honestly claim.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

__all__ = [
    'FAR_CONFIDENCE',
    'FINE_TUNE_DEPTH',
    'GOOD_ENOUGH',
    'MIN_PER_CLASS_TO_FINE_TUNE',
    'DomainAssessment',
    'assess_domain',
    'imagenet_confidence',
]

#: Below this mean top ImageNet probability the photos look unlike ImageNet's.
FAR_CONFIDENCE = 0.3
#: A frozen head this accurate (cross-validated) leaves fine-tuning little to add.
GOOD_ENOUGH = 0.97
#: Fewer photos a class than this: fine-tuning overfits; a frozen head is safer.
MIN_PER_CLASS_TO_FINE_TUNE = 10
#: How many top stages a recommended fine-tuning trains at least (more when time allows:
#: petcognizer.core.recommend).
FINE_TUNE_DEPTH = 2


@dataclass
class DomainAssessment:
    """What :func:`assess_domain` found and recommends (plain data: JSON, the engine)."""

    far: bool
    fine_tune: bool
    confidence: float
    names_matched: int
    n_classes: int
    frozen_accuracy: float | None
    per_class: float
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def sentence(self) -> str:
        """One sentence for the user: what was chosen and why."""
        return ' '.join(self.reasons)


def imagenet_confidence(imagenet_logits) -> float:
    """Mean top softmax probability of the backbone's ImageNet classifier over the photos."""
    z = np.asarray(imagenet_logits, dtype=np.float64)
    if z.ndim != 2 or not len(z):
        return 0.0
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    return float(p.max(axis=1).mean())


def _pct(x: float) -> str:
    return f'{100 * x:.0f}%'


def assess_domain(imagenet_logits, labels: Sequence[int], classes: Sequence[str], *,
                  names_matched: int | None = None,
                  frozen_accuracy: float | None = None) -> DomainAssessment:
    """Decide near or far, and whether to fine-tune (see the module docstring).

    ``imagenet_logits``: ``[n, 1000]`` of the frozen backbone's ImageNet head on
    the photos' pooled features; ``names_matched``: how many class names match an
    ImageNet concept (computed from ``classes`` when None); ``frozen_accuracy``:
    the frozen head's cross-validated accuracy, if measured.
    """
    if names_matched is None:
        from petcognizer.core.classnames import match_class_name

        names_matched = sum(match_class_name(c) is not None for c in classes)
    k = max(1, len(classes))
    counts = np.bincount(np.asarray(labels, dtype=np.int64), minlength=k) if len(labels) else [0]
    per_class = float(np.min(counts)) if len(counts) else 0.0
    conf = imagenet_confidence(imagenet_logits)
    far = conf < FAR_CONFIDENCE and names_matched <= k / 2
    reasons: list[str] = []
    if far:
        reasons.append(f'These photos look unlike the everyday photos the network learnt from '
                       f'(it recognises them with {_pct(conf)} confidence on average, and '
                       f'{names_matched} of {k} class names are things it knows).')
    else:
        why = (f'it recognises them with {_pct(conf)} confidence on average'
               if conf >= FAR_CONFIDENCE else
               f'{names_matched} of {k} class names are things it knows')
        reasons.append(f'These photos look like the everyday photos the network learnt from '
                       f'({why}).')
    fine_tune = False
    if far and frozen_accuracy is not None and frozen_accuracy >= GOOD_ENOUGH:
        reasons.append(f'Its features already tell the classes apart ({_pct(frozen_accuracy)} '
                       'right without changing it), so only the last layer is trained.')
    elif far and per_class < MIN_PER_CLASS_TO_FINE_TUNE:
        reasons.append(f'Adjusting the network itself would help, but it needs at least '
                       f'{MIN_PER_CLASS_TO_FINE_TUNE} photos in each class (the smallest has '
                       f'{per_class:.0f}): only the last layer is trained for now.')
    elif far:
        fine_tune = True
        reasons.append('So the network itself is adjusted to them too (fine-tuning), which '
                       'takes longer than training the last layer alone.')
    else:
        reasons.append('So only the last layer is trained: quick, and as accurate as '
                       'fine-tuning for such photos.')
    return DomainAssessment(far=far, fine_tune=fine_tune, confidence=conf,
                            names_matched=int(names_matched), n_classes=len(classes),
                            frozen_accuracy=frozen_accuracy, per_class=per_class,
                            reasons=reasons)
