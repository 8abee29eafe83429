"""Issue 13: near ImageNet or far from it, and the settings recommended from the photos."""

from __future__ import annotations

import json

import numpy as np
import pytest
from photos import COLOURS, make_photo

from petcognizer.core.config import recommend_config
from petcognizer.core.domain import (
    FAR_CONFIDENCE,
    MIN_PER_CLASS_TO_FINE_TUNE,
    assess_domain,
    imagenet_confidence,
)
from petcognizer.core.recommend import describe_seconds, estimate_seconds, recommend_for_photos


def logits(n, sure: bool, seed=0):
    """ImageNet logits of n photos: one clear winner each (sure) or nearly flat."""
    rng = np.random.default_rng(seed)
    z = rng.normal(0, 0.1, size=(n, 1000))
    if sure:
        z[np.arange(n), rng.integers(0, 1000, n)] += 8.0
    return z


def test_imagenet_confidence_is_the_mean_top_probability():
    assert imagenet_confidence(logits(20, True)) > 0.7
    assert imagenet_confidence(logits(20, False)) < 0.01
    assert imagenet_confidence(np.zeros((0, 1000))) == 0.0


def test_photos_the_network_recognises_are_near_and_keep_a_frozen_head():
    y = [0] * 20 + [1] * 20
    a = assess_domain(logits(40, True), y, ['beagle', 'samoyed'])
    assert not a.far and not a.fine_tune and a.names_matched == 2
    assert 'only the last layer' in a.sentence
    json.dumps(a.to_dict())


def test_unfamiliar_photos_with_unknown_names_are_far_and_fine_tuned():
    y = [0] * 20 + [1] * 20
    a = assess_domain(logits(40, False), y, ['tumour', 'no tumour'], frozen_accuracy=0.8)
    assert a.far and a.fine_tune and a.confidence < FAR_CONFIDENCE and a.names_matched == 0
    assert 'fine-tuning' in a.sentence


def test_far_but_already_separated_or_too_few_photos_stays_frozen():
    y = [0] * 20 + [1] * 20
    assert not assess_domain(logits(40, False), y, ['a1', 'b1'], frozen_accuracy=0.99).fine_tune
    few = [0] * 3 + [1] * 3
    a = assess_domain(logits(6, False), few, ['a1', 'b1'], frozen_accuracy=0.7)
    assert a.far and not a.fine_tune
    assert f'at least {MIN_PER_CLASS_TO_FINE_TUNE} photos' in a.sentence


def test_names_imagenet_knows_keep_a_frozen_head_even_when_unsure():
    y = [0] * 20 + [1] * 20
    assert not assess_domain(logits(40, False), y, ['cat', 'dog'], frozen_accuracy=0.8).far


@pytest.fixture
def colour_photos(tmp_path):
    paths, labels = [], []
    colours = sorted(COLOURS.values())
    for k, name in enumerate(['thing one', 'thing two']):
        for i in range(MIN_PER_CLASS_TO_FINE_TUNE):
            # both classes in every colour: the frozen features cannot tell them apart
            paths.append(make_photo(tmp_path / name / f'{i}.png', colours[i % len(colours)],
                                    noise_seed=i + 50 * k))
            labels.append(k)
    return paths, labels, ['thing one', 'thing two']


def test_recommend_for_photos_measures_the_photos_and_says_why(colour_photos, tmp_path):
    paths, labels, classes = colour_photos
    rec = recommend_for_photos(paths, labels, classes, backbone='tiny_test',
                               cache_root=tmp_path / 'cache')
    # the random tiny network recognises nothing, and colour names are not ImageNet classes
    assert rec.assessment.far and rec.assessment.frozen_accuracy is not None
    assert rec.config.freeze_depth > 0 and rec.config.augment and rec.config.val_fraction > 0
    assert rec.cheaper is not None and rec.cheaper.freeze_depth == 0
    assert rec.seconds > 0 and rec.cheaper_seconds > 0
    assert 'on this computer' in rec.sentence and '--freeze-depth 0' in rec.sentence
    json.dumps(rec.to_dict())
    rec.config.validate()


def test_a_fine_tuning_estimate_exceeds_the_frozen_one():
    from petcognizer.core.backbones import create_backbone

    bb = create_backbone('efficientnet_lite0', pretrained=False)  # timings need no weights
    frozen = recommend_config(200, 2)
    frozen.ensemble = False
    tuned = recommend_config(200, 2)
    tuned.ensemble, tuned.freeze_depth, tuned.epochs = False, 2, 30
    whole = recommend_config(200, 2)
    whole.ensemble, whole.freeze_depth, whole.epochs = False, 9, 30
    t_whole, t_tuned = (estimate_seconds(c, 200, backbone=bb, repeats=1) for c in (whole, tuned))
    assert t_whole > t_tuned > estimate_seconds(frozen, 200, backbone=bb, repeats=1) > 0


def test_describe_seconds_reads_naturally():
    assert describe_seconds(3) == '5 seconds'
    assert describe_seconds(42) == '40 seconds'
    assert describe_seconds(6 * 60 + 10) == '6 minutes'
    assert describe_seconds(60) == '1 minute'


def test_cli_train_fine_tunes_far_photos_and_says_why(colour_photos, tmp_path, capsys, monkeypatch):
    from petcognizer.cli import main

    monkeypatch.setenv('PETCOGNIZER_CACHE', str(tmp_path / 'user-cache'))
    data = colour_photos[0][0].parents[1]
    out = tmp_path / 'm.safetensors'
    assert main(['train', str(data), '--out', str(out), '--backbone', 'tiny_test', '--json',
                 '--epochs', '3', '--no-prior']) == 0
    cap = capsys.readouterr()
    summary = json.loads(cap.out)
    rec = summary['recommendation']
    assert rec['assessment']['far'] and rec['freeze_depth'] == summary['config']['freeze_depth'] > 0
    assert summary['config']['epochs'] == 3  # an option given still wins
    assert summary['evaluation']['method'] == 'validation'
    assert 'fine-tuning' in cap.err and 'on this computer' in cap.err
    # asking for a freeze depth skips the look at the photos
    assert main(['train', str(data), '--out', str(out), '--force', '--backbone', 'tiny_test',
                 '--json', '--epochs', '2', '--freeze-depth', '0']) == 0
    assert json.loads(capsys.readouterr().out)['recommendation'] is None
