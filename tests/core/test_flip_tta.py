"""A fine-tuned model that answers for each photo with it and its mirror image (``flip_tta``):
trained that way, kept in the model file, measured that way, exported that way."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
from PIL import Image

from petcognizer.core.config import TrainConfig
from petcognizer.core.data import folder_samples
from petcognizer.core.export import export_model
from petcognizer.core.holdout import evaluate_holdout
from petcognizer.core.model import load_model, save_model
from petcognizer.core.predict import Predictor
from petcognizer.core.training import fit


def _batch(model, paths):
    return torch.stack([model.preprocess(Image.open(p).convert('RGB')) for p in paths])


@pytest.fixture(scope='module')
def mirrored(tiny_model, tmp_path_factory):
    """The session's tiny model (its top stage trained), answering with its mirror image too."""
    model = copy.deepcopy(tiny_model.model).eval()
    model.flip_tta = True
    path = save_model(tmp_path_factory.mktemp('flip') / 'm.safetensors', model)
    return model, path, tiny_model.paths[::2]


def test_the_answer_is_the_mean_of_the_photo_and_its_mirror_image(tiny_model, mirrored):
    model, _, paths = mirrored
    plain = tiny_model.model.eval()
    x = _batch(model, paths)
    with torch.no_grad():
        want = (plain(x).softmax(1) + plain(torch.flip(x, dims=[3])).softmax(1)) / 2
        got = model(x).softmax(1)
        with_unknown = model.forward_with_unknown(x)[0].softmax(1)
    torch.testing.assert_close(got, want, atol=1e-6, rtol=1e-5)
    torch.testing.assert_close(with_unknown, want, atol=1e-6, rtol=1e-5)
    assert (got - plain(x).softmax(1)).abs().max() > 1e-4  # the noisy photos are not symmetric


def test_the_model_file_and_the_exports_keep_it(mirrored, tmp_path):
    pytest.importorskip('onnx')
    ort = pytest.importorskip('onnxruntime')
    from petcognizer.core.export_check import pixels

    model, path, paths = mirrored
    loaded = load_model(path)
    plain = copy.deepcopy(loaded).eval()
    plain.flip_tta = False
    assert loaded.flip_tta and not load_model(save_model(tmp_path / 'plain.safetensors', plain)).flip_tta
    expected, ok, _ = Predictor(loaded).probabilities(paths)
    assert ok == list(range(len(paths)))
    with torch.no_grad():
        torch.testing.assert_close(expected, model(_batch(model, paths)).softmax(1), atol=1e-5, rtol=1e-5)
    out = export_model(path, tmp_path / 'model.onnx', 'onnx')
    session = ort.InferenceSession(str(out), providers=['CPUExecutionProvider'])
    import json

    side = json.loads(out.with_name(out.name + '.json').read_text())
    got = session.run(None, {'image': pixels(paths, side['preprocess'])})[0]
    np.testing.assert_allclose(got, expected.numpy(), atol=1e-4)
    ts = torch.jit.load(str(export_model(path, tmp_path / 'model.pt', 'torchscript')))
    with torch.no_grad():
        torch.testing.assert_close(ts(_batch(model, paths)), expected, atol=1e-5, rtol=1e-5)


def test_a_fine_tuning_with_augmentation_turns_it_on(photo_tree):
    paths, labels, classes = folder_samples(photo_tree)
    base = dict(backbone='tiny_test', epochs=1, val_fraction=0.0, use_prior=False, seed=0)

    def flips(**kw):
        return fit(paths, labels, classes, TrainConfig(**base, **kw)).model.flip_tta

    assert flips(freeze_depth=3, augment=True)  # trained on mirror images too
    assert not flips(freeze_depth=3, augment=False)
    assert not flips(freeze_depth=3, augment=True, flip_tta=False)
    assert not flips(freeze_depth=0, augment=True)  # a frozen head: measured not to pay (README)


def test_its_estimate_is_measured_on_mirrored_validation_photos_too(photo_tree):
    """The validation estimate of a flip_tta model is what the saved model answers there."""
    from petcognizer.core.data import stratified_split

    paths, labels, classes = folder_samples(photo_tree)
    cfg = TrainConfig(backbone='tiny_test', epochs=3, lr=0.03, val_fraction=1 / 3, use_prior=False, seed=0,
                      freeze_depth=3, augment=True, head='fc-dropout')
    model = fit(paths, labels, classes, cfg).model
    assert model.flip_tta
    _, va = stratified_split(labels, cfg.val_fraction, cfg.seed)
    probs, _, _ = Predictor(model).probabilities([paths[i] for i in va])
    out = evaluate_holdout(model, paths, labels, classes, config=cfg)
    by_path = {p['path']: p for p in out['evaluation']['predictions']}
    # the estimate's confidences are calibrated by its temperature
    want = torch.softmax(probs.double().log() / out['temperature'], 1)
    for j, i in enumerate(va):
        p = by_path[str(paths[i])]
        assert classes.index(p['predicted']) == int(want[j].argmax())
        assert p['confidence'] == pytest.approx(float(want[j].max()), abs=1e-6)
    model.flip_tta = False  # the photo alone would have given other confidences
    alone = Predictor(model).probabilities([paths[i] for i in va])[0]
    assert (torch.softmax(alone.double().log() / out['temperature'], 1) - want).abs().max() > 1e-4


def test_out_of_fold_answers_average_the_mirrored_view():
    """``out_of_fold_logits(mirrored=...)``: the same view twice is the plain answer (as
    log-probabilities); another view moves it, toward that view's own out-of-fold answer."""
    from petcognizer.core.evaluation import out_of_fold_logits, softmax

    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(3), 8)
    f = (rng.normal(size=(24, 16)) + 2.0 * np.eye(16)[y]).astype(np.float32)
    g = (f + rng.normal(scale=0.5, size=f.shape)).astype(np.float32)
    plain = out_of_fold_logits(f, None, y.tolist(), 3)
    same = out_of_fold_logits(f, None, y.tolist(), 3, mirrored=(f, None))
    np.testing.assert_allclose(softmax(same), softmax(plain), atol=1e-9)
    both = softmax(out_of_fold_logits(f, None, y.tolist(), 3, mirrored=(g, None)))
    # the heads are fitted on f alone: g's answers come from the same heads
    assert not np.allclose(both, softmax(plain), atol=1e-3)
    assert np.isfinite(both).all() and np.allclose(both.sum(1), 1.0)


def test_a_blended_fine_tuning_answers_with_the_mirror_in_every_member(tmp_path):
    """Copies and the blended frozen heads all average the mirror image in; the estimate
    judges the frozen heads out of fold on both views."""
    from petcognizer.core.config import blended_frozen_config
    from petcognizer.core.holdout import _frozen_out_of_fold
    from petcognizer.core.runs import TrainingSnapshot
    from petcognizer.core.service import MODEL_FILE, train_snapshot
    from photos import COLOURS, make_photo

    paths, labels = [], []
    for k, (name, colour) in enumerate(sorted(COLOURS.items())):
        for i in range(5):
            paths.append(str(make_photo(tmp_path / 'photos' / name / f'{name}{i}.png', colour,
                                        noise_seed=i + 3 * len(name), size=(40, 36))))
            labels.append(k)
    snap = TrainingSnapshot(root=str(tmp_path), paths=tuple(paths), labels=tuple(labels),
                            classes=tuple(sorted(COLOURS)))
    cfg = TrainConfig(backbone='efficientnet_lite0', epochs=1, val_fraction=0.2, use_prior=False,
                      freeze_depth=1, members=2, blend_frozen=True, batch_size=8, augment=True)
    record = train_snapshot(snap, cfg, run_dir=tmp_path / 'run', cache_root=tmp_path / 'cache')
    model = load_model(tmp_path / 'run' / MODEL_FILE)
    assert [m.flip_tta for m in model.members] == [True] * 5
    assert record.evaluation['n'] == 6
    frozen = list(model.members[2:])
    kw = dict(cache_root=tmp_path / 'cache', digests=None, callback=lambda ev: None, cancel=None)
    blended = blended_frozen_config(cfg, len(paths), 3)
    both = _frozen_out_of_fold(frozen, paths, labels, 3, blended, **kw)
    for m in frozen:
        m.flip_tta = False
    alone = _frozen_out_of_fold(frozen, paths, labels, 3, blended, **kw)
    assert np.allclose(both.sum(1), 1.0) and not np.allclose(both, alone, atol=1e-6)
