"""Zero-shot start: predict and label before (or without) training.

When class names match ImageNet concepts (see :mod:`petcognizer.core.prior`),
the backbone's own ImageNet classifier already separates them. A *zero-shot
model* is a :class:`~petcognizer.core.model.Classifier` whose head is all zeros
and whose prior has weight 1, so it predicts from the class names alone and is
saved, loaded, exported and evaluated like any trained model.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from petcognizer.core.backbones import DEFAULT_BACKBONE, create_backbone, get_backbone
from petcognizer.core.data import Preprocess
from petcognizer.core.events import Callback, CancelToken, null_callback
from petcognizer.core.model import Classifier, make_head
from petcognizer.core.predict import Predictor
from petcognizer.core.prior import ClassPrior

__all__ = ['Suggestion', 'suggest_for_unlabelled', 'zero_shot_model']


@dataclass(frozen=True)
class Suggestion:
    path: Path
    label: str
    confidence: float


def zero_shot_model(classes: list[str], *, backbone: str = DEFAULT_BACKBONE,
                    overrides: dict[str, list[str]] | None = None):
    """A Classifier that predicts from class names alone, or None if no class matches."""
    prior = ClassPrior.from_classes(classes, overrides=overrides)
    if prior is None:
        return None
    net = create_backbone(backbone)
    if net.imagenet_head is None:
        return None
    head = make_head('linear', net.num_features, len(classes))
    for p in head.parameters():
        p.data.zero_()
    return Classifier(net, head, list(classes), Preprocess.for_backbone(get_backbone(backbone)),
                      {'kind': 'linear', 'in_features': net.num_features, 'dropout': 0.0,
                       'hidden': 512}, prior, 1.0).eval()


def suggest_for_unlabelled(project, *, model_path: os.PathLike | str | None = None,
                           callback: Callback = null_callback,
                           cancel: CancelToken | None = None) -> list[Suggestion]:
    """A suggested class for every unlabelled photo, most confident first.

    Uses the given trained model if its classes are the project's; otherwise the
    zero-shot model from the class names. Returns [] when neither is possible.
    """
    paths = project.images(None)
    if not paths:
        return []
    predictor = None
    if model_path is not None:
        predictor = Predictor.load(model_path)
        if set(predictor.classes) - set(project.classes):
            predictor = None
    if predictor is not None:
        mat, ok, _errors = predictor.probabilities(paths, callback=callback, cancel=cancel)
        classes = predictor.classes
    else:
        model = zero_shot_model(project.classes, overrides=project.class_matches)
        if model is None:
            return []
        # Confidence is the class's own ImageNet probability, not renormalised
        # over the project's classes: a photo of something else gets a low
        # confidence instead of a confident guess, and unmatched classes (about
        # which nothing is known) get 0, so they are never suggested.
        mat, ok, _errors = Predictor(model).probabilities(
            paths, score=_imagenet_mass, callback=callback, cancel=cancel, text='Suggesting labels')
        classes = model.classes
    if not ok:
        return []
    conf, idx = mat.max(1)
    out = [Suggestion(paths[i], classes[int(k)], float(c))
           for i, c, k in zip(ok, conf.tolist(), idx.tolist())]
    out.sort(key=lambda s: -s.confidence)
    return out


def _imagenet_mass(model, x):
    """Per photo and class, the ImageNet probability on the class's matched outputs."""
    return model.prior.masses(model.backbone.imagenet_head(model.backbone(x)))
