"""Fixtures shared by the core tests: one small model trained once per session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from photos import COLOURS, make_photo

from petcognizer.core.config import TrainConfig
from petcognizer.core.data import folder_samples
from petcognizer.core.model import Classifier, save_model
from petcognizer.core.training import fit


@dataclass(frozen=True)
class TinyModel:
    """A classifier of the photo colours red, green and blue on the ``tiny_test`` backbone.

    Attributes:
        model: the trained classifier (in eval mode; do not change it).
        path: its saved model file (read-only: copy it before altering it).
        data: the training folder (``blue/``, ``green/``, ``red/``, 6 photos each).
        paths: the training photos, in training order.
        classes: ``['blue', 'green', 'red']``.
    """

    model: Classifier
    path: Path
    data: Path
    paths: list[Path]
    classes: list[str]


@pytest.fixture(scope='session')
def tiny_model(tmp_path_factory) -> TinyModel:
    """Trained once: the top stage and an fc-dropout head on 18 photos, no prior."""
    base = tmp_path_factory.mktemp('tiny_model')
    data = base / 'photos'
    for name, colour in COLOURS.items():
        for i in range(6):
            make_photo(data / name / f'{name}{i}.png', colour, noise_seed=i + 7 * len(name))
    paths, labels, classes = folder_samples(data)
    cfg = TrainConfig(backbone='tiny_test', epochs=30, lr=0.03, val_fraction=0.0, use_prior=False,
                      freeze_depth=1, head='fc-dropout')
    res = fit(paths, labels, classes, cfg)
    path = save_model(base / 'colours.safetensors', res.model, extra={'note': 'test'})
    return TinyModel(res.model, path, data, paths, classes)
