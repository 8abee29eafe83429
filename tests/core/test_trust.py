"""Issue 10 end to end on the tiny_test backbone: a run's evaluation, the calibrated and
"none of these"-aware model file, Predictor's unknown flag and the CLI's output."""

from __future__ import annotations

import copy
import json
import math

import numpy as np
import pytest
import torch
from photos import COLOURS, make_photo

from petcognizer.cli import main
from petcognizer.core import evaluation as ev
from petcognizer.core.config import TrainConfig
from petcognizer.core.model import load_model, save_model
from petcognizer.core.modelfile import (
    ModelFileError,
    check_metadata,
    head_shapes,
    read_metadata,
)
from petcognizer.core.predict import Predictor, evaluate
from petcognizer.core.runs import TrainingSnapshot
from petcognizer.core.service import MODEL_FILE, train_snapshot

CONTRACT_KEYS = {'method', 'folds', 'n', 'accuracy', 'low', 'high', 'per_class', 'classes',
                 'confusion', 'predictions', 'ece', 'temperature', 'summary'}


@pytest.fixture(scope='module')
def run(tmp_path_factory):
    """(record, model file, photo folder): 4 photos a colour, head on frozen tiny_test features."""
    base = tmp_path_factory.mktemp('trust')
    data = base / 'photos'
    paths, labels = [], []
    for k, (name, colour) in enumerate(sorted(COLOURS.items())):
        for i in range(4):
            paths.append(str(make_photo(data / name / f'{name}{i}.png', colour,
                                        noise_seed=i + 13 * len(name))))
            labels.append(k)
    snap = TrainingSnapshot(root=str(base), paths=tuple(paths), labels=tuple(labels),
                            classes=tuple(sorted(COLOURS)))
    cfg = TrainConfig(backbone='tiny_test', epochs=5, val_fraction=0.0, use_prior=False)
    record = train_snapshot(snap, cfg, run_dir=base / 'run', cache_root=base / 'cache')
    return record, base / 'run' / MODEL_FILE, data


def test_the_run_record_carries_a_cross_validated_evaluation(run):
    record, _, _ = run
    e = record.evaluation
    assert set(e) == CONTRACT_KEYS
    assert e['method'] == 'cross-validation' and e['folds'] == 12 and e['n'] == 12
    assert e['classes'] == sorted(COLOURS) and len(e['predictions']) == 12
    assert 0 <= e['low'] <= e['accuracy'] <= e['high'] <= 1
    assert e['summary'].startswith('About ') and 'each model had not seen' in e['summary']
    assert e['temperature'] is not None and math.isfinite(e['ece'])
    assert sum(map(sum, e['confusion'])) == 12


def test_the_model_file_carries_the_temperature_and_the_unknown_statistics(run):
    record, path, _ = run
    meta = read_metadata(path)
    assert meta['temperature'] == pytest.approx(record.evaluation['temperature'])
    assert meta['unknown']['kind'] == 'centred-cosine' and meta['unknown']['threshold'] > 0
    model = load_model(path)
    assert model.temperature == pytest.approx(meta['temperature'])
    assert model.unknown_centre.shape == (model.head_config['in_features'],)
    assert model.unknown_means.shape == (3, model.head_config['in_features'])


def test_the_temperature_is_applied_to_predictions(run):
    _, path, data = run
    model = load_model(path)
    x = torch.stack([model.preprocess(__import__('PIL.Image').Image.open(p).convert('RGB'))
                     for p in sorted(data.rglob('*.png'))[:3]])
    with torch.inference_mode():
        raw = model.logits_from_features(model.backbone(x))
        np.testing.assert_allclose(model(x).numpy(), (raw / model.temperature).numpy(), rtol=1e-5)


def test_predictor_flags_a_photo_of_none_of_the_classes(run, tmp_path):
    _, path, data = run
    odd = make_photo(tmp_path / 'odd.png', (250, 250, 250), size=(48, 40))
    stripes = tmp_path / 'stripes.png'
    from PIL import Image
    img = Image.new('RGB', (48, 40))
    img.putdata([(255, 255, 0) if (i // 4) % 2 else (0, 0, 0) for i in range(48 * 40)])
    img.save(stripes)
    pred = Predictor.load(path)
    known = pred.predict_paths([data])
    assert sum(p.unknown for p in known) <= 1  # the training photos themselves
    assert all(p.unknown_score >= 0 for p in known)
    out = pred.predict_paths([odd, stripes])
    assert all(p.unknown for p in out), [p.unknown_score for p in out]
    assert all(p.to_dict()['unknown'] is True and p.to_dict()['unknown_score'] > 1 for p in out)
    off = pred.predict_paths([odd, stripes], flag_unknown=False)
    assert not any(p.unknown for p in off) and all(p.unknown_score == 0.0 for p in off)


def test_a_model_without_statistics_never_flags(run, tmp_path):
    _, path, data = run
    model = load_model(path)
    model.set_unknown(None)
    model.temperature = 1.0
    plain = save_model(tmp_path / 'plain.safetensors', model)
    meta = read_metadata(plain)
    assert 'unknown' not in meta and meta.get('temperature', 1.0) == 1.0
    preds = Predictor.load(plain).predict_paths([data])
    assert not any(p.unknown for p in preds) and all(p.unknown_score == 0.0 for p in preds)


def test_damaged_calibration_fields_are_refused(run):
    _, path, _ = run
    meta = read_metadata(path)
    for field, value in (('temperature', -1.0), ('temperature', float('nan')),
                         ('temperature', 'hot')):
        bad = copy.deepcopy(meta)
        bad[field] = value
        with pytest.raises(ModelFileError, match='temperature'):
            check_metadata(bad, path)
    for key, value in (('threshold', float('inf')), ('threshold', 0.0), ('kind', 'magic'),
                       ('false_flag_rate', 2.0)):
        bad = copy.deepcopy(meta)
        bad['unknown'][key] = value
        with pytest.raises(ModelFileError, match='unknown'):
            check_metadata(bad, path)
    shapes = head_shapes(meta)
    d = meta['head']['in_features']
    assert shapes['unknown_centre'] == (d,) and shapes['unknown_means'] == (3, d)


def test_evaluate_reports_calibration_and_unknown_flags(run):
    _, path, data = run
    rep = evaluate(path, data)
    assert 0.0 <= rep['ece'] <= 1.0 and rep['reliability']
    assert sum(r['n'] for r in rep['reliability']) == rep['n']
    assert 0 <= rep['unknown_flagged'] <= rep['n']


# ------------------------------------------------------------------ the command line


def test_cli_train_json_carries_the_evaluation(tmp_path, capsys):
    data = tmp_path / 'd'
    for name, colour in COLOURS.items():
        for i in range(3):
            make_photo(data / name / f'{i}.png', colour, noise_seed=i + len(name))
    out = tmp_path / 'm.safetensors'
    assert main(['train', str(data), '--out', str(out), '--backbone', 'tiny_test', '--epochs', '3',
                 '--no-prior', '--quiet', '--json']) == 0
    summary = json.loads(capsys.readouterr().out)
    assert set(summary['evaluation']) == CONTRACT_KEYS
    assert summary['evaluation']['n'] == 9
    # eval: ECE, the reliability table and how many it flagged
    assert main(['eval', str(out), str(data), '--quiet']) == 0
    text = capsys.readouterr().out
    assert 'Expected calibration error (15 bins):' in text and 'Reliability' in text
    assert 'as none of these' in text
    # predict --json: "unknown" and the score
    assert main(['predict', str(out), str(data / 'red' / '0.png'), '--json', '--quiet']) == 0
    line = json.loads(capsys.readouterr().out.strip().splitlines()[0])
    assert isinstance(line['unknown'], bool) and isinstance(line['unknown_score'], float)


def test_summary_text_numbers_match_the_interval():
    lo, hi = ev.wilson_interval(9, 12)
    assert ev.summary_text(0.75, lo, hi, 12) == (
        f'About 75% right ({round(lo * 100)}-{round(hi * 100)}%), measured on 12 photos each '
        'model had not seen')


def test_cli_predict_no_unknown_turns_the_flag_off(run, tmp_path, capsys):
    _, path, _ = run
    odd = make_photo(tmp_path / 'odd.png', (250, 250, 250), size=(48, 40))
    assert main(['predict', str(path), str(odd), '--json', '--quiet']) == 0
    assert json.loads(capsys.readouterr().out)['unknown'] is True
    assert main(['predict', str(path), str(odd), '--no-unknown']) == 0
    out = capsys.readouterr().out
    assert 'Not one of' not in out and str(odd) in out
    assert main(['predict', str(path), str(odd)]) == 0
    assert 'Not one of: blue, green, red' in capsys.readouterr().out


@pytest.mark.parametrize('head, freeze_depth', [('linear', 1), ('fc-dropout', 0)],
                         ids=['fine-tuned', 'fc-dropout head'])
def test_a_run_that_trains_the_backbone_is_measured_on_its_validation_photos(tmp_path, head,
                                                                             freeze_depth):
    paths, labels = [], []
    for k, (name, colour) in enumerate(sorted(COLOURS.items())):
        for i in range(5):
            paths.append(str(make_photo(tmp_path / 'photos' / name / f'{name}{i}.png', colour,
                                        noise_seed=i + 7 * len(name))))
            labels.append(k)
    snap = TrainingSnapshot(root=str(tmp_path), paths=tuple(paths), labels=tuple(labels),
                            classes=tuple(sorted(COLOURS)))
    cfg = TrainConfig(backbone='tiny_test', epochs=3, val_fraction=0.4, use_prior=False,
                      head=head, freeze_depth=freeze_depth)
    record = train_snapshot(snap, cfg, run_dir=tmp_path / 'run', cache_root=tmp_path / 'cache')
    e = record.evaluation
    assert set(e) == CONTRACT_KEYS
    assert e['method'] == 'validation' and e['n'] == 6  # 2 of each colour's 5 photos
    assert 'validation' in e['summary'] or 'kept out' in e['summary'] or 'not seen' in e['summary']
    assert {p['path'] for p in e['predictions']} <= set(paths)
    assert 0 <= e['low'] <= e['accuracy'] <= e['high'] <= 1 and math.isfinite(e['ece'])
    model = load_model(tmp_path / 'run' / MODEL_FILE)
    assert model.temperature == pytest.approx(e['temperature'])
    assert Predictor(model).has_unknown


def test_a_fine_tuned_run_without_a_validation_split_says_it_has_no_estimate(tmp_path):
    from petcognizer.core.events import Message

    paths, labels = [], []
    for k, (name, colour) in enumerate(sorted(COLOURS.items())):
        for i in range(3):
            paths.append(str(make_photo(tmp_path / 'p' / name / f'{i}.png', colour, noise_seed=i)))
            labels.append(k)
    snap = TrainingSnapshot(root=str(tmp_path), paths=tuple(paths), labels=tuple(labels),
                            classes=tuple(sorted(COLOURS)))
    seen = []
    cfg = TrainConfig(backbone='tiny_test', epochs=2, val_fraction=0.0, use_prior=False,
                      freeze_depth=1)
    record = train_snapshot(snap, cfg, run_dir=tmp_path / 'run', cache_root=tmp_path / 'cache',
                            callback=seen.append)
    assert record.evaluation == {}
    assert any(isinstance(m, Message) and 'No accuracy estimate' in m.text for m in seen)


def _five_a_class(tmp_path, **photo) -> tuple[TrainingSnapshot, list[str], list[int]]:
    """Five noisy photos of each colour class, as a snapshot (and its paths and labels)."""
    paths, labels = [], []
    for k, (name, colour) in enumerate(sorted(COLOURS.items())):
        for i in range(5):
            paths.append(str(make_photo(tmp_path / 'photos' / name / f'{name}{i}.png', colour,
                                        noise_seed=i + 3 * len(name), **photo)))
            labels.append(k)
    snap = TrainingSnapshot(root=str(tmp_path), paths=tuple(paths), labels=tuple(labels),
                            classes=tuple(sorted(COLOURS)))
    return snap, paths, labels


def test_refit_all_trains_the_final_model_on_every_photo(tmp_path):
    from petcognizer.core.events import Message, StageProgress

    snap, paths, labels = _five_a_class(tmp_path)
    seen = []
    cfg = TrainConfig(backbone='tiny_test', epochs=6, val_fraction=0.4, patience=2,
                      use_prior=False, refit_all=True)
    record = train_snapshot(snap, cfg, run_dir=tmp_path / 'run', cache_root=tmp_path / 'cache',
                            callback=seen.append)
    assert record.n_train == 15 and record.n_val == 0  # every photo trained the saved model
    assert record.best_val_acc is not None  # the split still chose the epochs
    assert record.evaluation['method'] == 'cross-validation' and record.evaluation['n'] == 15
    epochs = record.best_epoch + 1
    assert any(isinstance(m, Message) and f'chose {epochs} epoch' in m.text for m in seen)
    refit = [e for e in seen if isinstance(e, StageProgress) and 'final model' in e.text]
    assert refit and refit[-1].done == refit[-1].total == epochs


def test_fine_tuned_copies_each_validate_on_their_own_fold_and_are_judged_only_there(tmp_path):
    from petcognizer.core.data import stratified_split
    from petcognizer.core.events import EpochEnded, Message, RunEnded, RunStarted, StageProgress
    from petcognizer.core.model import Ensemble

    snap, paths, labels = _five_a_class(tmp_path)
    seen = []
    cfg = TrainConfig(backbone='tiny_test', epochs=3, val_fraction=0.2, use_prior=False,
                      freeze_depth=1, members=2, seed=4)
    record = train_snapshot(snap, cfg, run_dir=tmp_path / 'run', cache_root=tmp_path / 'cache',
                            callback=seen.append)
    model = load_model(tmp_path / 'run' / MODEL_FILE)
    assert isinstance(model, Ensemble) and len(model.members) == 2
    # the two copies' weights differ: each trained without its own validation fold
    a, b = (dict(m.backbone.named_parameters()) for m in model.members)
    assert any(not torch.equal(a[n], b[n]) for n in a)
    # one run for a caller: one start, one end, the first copy's epochs as epochs and the
    # second's as the 'evaluate' stage
    assert sum(isinstance(e, RunStarted) for e in seen) == 1
    assert sum(isinstance(e, RunEnded) for e in seen) == 1 and isinstance(seen[-1], RunEnded)
    assert sum(isinstance(e, EpochEnded) for e in seen) == 3
    second = [e for e in seen if isinstance(e, StageProgress) and e.text.startswith('Training copy 2')]
    assert [e.done for e in second] == [1, 2, 3]
    assert any(isinstance(e, Message) and 'copy 2 of 2' in e.text for e in seen)
    # every photo of the two folds is judged once, by the copy that did not train on it
    folds = [set(stratified_split(labels, 0.2, 4, fold=f)[1]) for f in (0, 1)]
    assert not folds[0] & folds[1]
    judged = [p['path'] for p in record.evaluation['predictions']]
    assert record.evaluation['method'] == 'validation'
    assert sorted(judged) == sorted(paths[i] for i in folds[0] | folds[1]) and len(judged) == 6
    assert record.best_val_acc is not None


def test_stratified_split_folds_are_disjoint_and_cover_each_class():
    from petcognizer.core.data import stratified_split

    labels = [0] * 10 + [1] * 15
    vals = [set(stratified_split(labels, 0.2, 7, fold=f)[1]) for f in range(5)]
    assert all(len(v) == 5 for v in vals)
    assert set().union(*vals) == set(range(25))  # five folds, every photo validated once
    assert stratified_split(labels, 0.2, 7) == stratified_split(labels, 0.2, 7, fold=0)
    for f in range(5):
        train, val = stratified_split(labels, 0.2, 7, fold=f)
        assert sorted(train + val) == list(range(25)) and not set(train) & set(val)


def test_copies_need_a_fine_tuning_a_validation_share_each_and_no_ensemble():
    with pytest.raises(ValueError, match='validation share'):
        TrainConfig(backbone='tiny_test', members=2, val_fraction=0.0, freeze_depth=1).validate()
    with pytest.raises(ValueError, match='members must be 1 to'):
        TrainConfig(backbone='tiny_test', members=9, freeze_depth=1).validate()
    with pytest.raises(ValueError, match='ensemble'):
        TrainConfig(backbone='efficientnet_lite0', members=2, ensemble=True,
                    freeze_depth=1).validate()
    with pytest.raises(ValueError, match='for a fine-tuning'):  # frozen: cross-validated instead
        TrainConfig(backbone='tiny_test', members=2, val_fraction=0.2).validate()
    with pytest.raises(ValueError, match='3 copies cannot each validate on a different 50%'):
        TrainConfig(backbone='tiny_test', members=3, val_fraction=0.5, freeze_depth=1).validate()
    TrainConfig(backbone='tiny_test', members=5, val_fraction=0.2, freeze_depth=1).validate()


def test_the_command_line_keeps_copies_only_where_they_apply():
    from petcognizer.cli.parser import build_parser
    from petcognizer.cli.training import _with_options
    from petcognizer.core.config import recommend_config
    from petcognizer.core.recommend import FINE_TUNE_MEMBERS, fine_tune_config

    def options(*extra, members=FINE_TUNE_MEMBERS):
        args = build_parser().parse_args(['train', 'photos', '--out', 'm.safetensors', *extra])
        return _with_options(args, fine_tune_config(recommend_config(200, 2), 9, members))

    assert options().members == FINE_TUNE_MEMBERS == 1  # a second copy measured no better
    assert options(members=2).members == 2
    assert options('--val-fraction', '0', members=2).members == 1  # nothing kept out: one model
    assert options('--members', '3').members == 3


def test_a_fine_tuning_blends_in_the_frozen_heads_and_is_measured_with_them_out_of_fold(tmp_path):
    from dataclasses import replace

    from petcognizer.core.config import blended_frozen_config
    from petcognizer.core.holdout import _frozen_out_of_fold, evaluate_holdout
    from petcognizer.core.model import Ensemble

    snap, paths, labels = _five_a_class(tmp_path, size=(40, 36))
    from petcognizer.core.events import Message, StageProgress

    cfg = TrainConfig(backbone='efficientnet_lite0', epochs=1, val_fraction=0.2, use_prior=False,
                      freeze_depth=1, members=2, blend_frozen=True, batch_size=8)
    events = []
    record = train_snapshot(snap, cfg, run_dir=tmp_path / 'run', cache_root=tmp_path / 'cache',
                            callback=events.append)
    # after the first copy, the others' and the frozen heads' reading reports as checking
    # (the window's clock has one reading phase, the first copy's)
    second = next(i for i, e in enumerate(events)
                  if isinstance(e, Message) and e.text.startswith('Training copy 2'))
    later = [e.stage for e in events[second:] if isinstance(e, StageProgress)]
    assert 'features' not in later and 'evaluate' in later
    model = load_model(tmp_path / 'run' / MODEL_FILE)
    assert isinstance(model, Ensemble)
    assert [m.backbone_name for m in model.members] == [
        'efficientnet_lite0', 'efficientnet_lite0', 'efficientnet_lite0', 'efficientnet_lite1',
        'efficientnet_lite2']
    # the two copies' validation folds, each photo judged by the copy that did not train on
    # it together with the frozen heads refitted without it; the frozen heads (which trained
    # on every photo) get no "none of these" statistics
    est = record.evaluation
    assert est['method'] == 'validation' and est['n'] == 6
    assert [m.unknown is not None for m in model.members] == [True, True, False, False, False]
    frozen = list(model.members[2:])
    oof = _frozen_out_of_fold(frozen, paths, labels, len(snap.classes),
                              blended_frozen_config(cfg, len(paths), len(snap.classes)),
                              cache_root=tmp_path / 'cache', digests=None, callback=lambda ev: None,
                              cancel=None)
    assert oof.shape == (len(paths), len(snap.classes)) and np.allclose(oof.sum(1), 1.0)
    from petcognizer.core.predict import Predictor

    with torch.inference_mode():  # out of fold: not the heads' own answers on their training photos
        seen = np.mean([Predictor(m).probabilities(paths)[0].numpy() for m in frozen], axis=0)
    assert not np.allclose(oof, seen, atol=1e-3)
    # without the frozen heads the same copies give other confidences
    copies_only = evaluate_holdout(Ensemble(list(model.members[:2])), paths, labels, snap.classes,
                                   config=replace(cfg, blend_frozen=False))['evaluation']
    assert copies_only['n'] == 6
    assert [p['confidence'] for p in copies_only['predictions']] != pytest.approx(
        [p['confidence'] for p in est['predictions']], abs=1e-4)
    with pytest.raises(ValueError, match='bundled EfficientNet-Lite'):
        TrainConfig(backbone='tiny_test', freeze_depth=1, blend_frozen=True).validate()


def test_copies_cancelled_during_the_second_keep_the_first_and_save_it(tmp_path):
    from petcognizer.core.events import CancelToken, Message
    from petcognizer.core.model import Ensemble

    snap, _paths, _labels = _five_a_class(tmp_path)
    token = CancelToken()

    def cb(ev):
        if isinstance(ev, Message) and ev.text.startswith('Training copy 2'):
            token.cancel()

    cfg = TrainConfig(backbone='tiny_test', epochs=3, val_fraction=0.2, use_prior=False,
                      freeze_depth=1, members=2)
    record = train_snapshot(snap, cfg, run_dir=tmp_path / 'run', cache_root=tmp_path / 'cache',
                            callback=cb, cancel=token)
    assert record.cancelled and record.model_path is not None
    model = load_model(tmp_path / 'run' / MODEL_FILE)
    assert isinstance(model, Ensemble) and len(model.members) == 1  # the finished copy
