"""The engine's real jobs: plain data in and out, the same results inline and in the engine.

Most run inline (:func:`petcognizer.engine.jobs.run_inline`, the CLI's way) on
the session's tiny model; one runs through an engine process to show that a
real result survives the pipe unchanged.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from pathlib import Path

import pytest
from photos import COLOURS, make_photo

from petcognizer.core.backbones import create_backbone
from petcognizer.core.config import TrainConfig
from petcognizer.core.events import EpochEnded, RunEnded, RunStarted, StageProgress
from petcognizer.core.runs import RunRecord, TrainingSnapshot
from petcognizer.engine.client import EngineClient
from petcognizer.engine.jobs import run_inline
from petcognizer.engine.protocol import ensure_plain


@pytest.fixture
def unseen(tmp_path) -> Path:
    """Photos the tiny model has not seen: red/, green/, blue/ with 2 each."""
    root = tmp_path / 'unseen'
    for name, colour in COLOURS.items():
        for i in range(2):
            make_photo(root / name / f'new{i}.png', colour, noise_seed=900 + i + len(name))
    return root


def _files(root: Path) -> list[str]:
    return sorted(str(p) for p in root.rglob('*.png'))


def test_stage_params_counts_each_stage():
    counts = run_inline('stage_params', {'backbone': 'tiny_test'})
    model = create_backbone('tiny_test', pretrained=False)
    assert counts == [sum(p.numel() for p in m.parameters()) for m in model.stages.values()]
    assert all(isinstance(n, int) and n > 0 for n in counts)


def test_predict_returns_plain_dicts(tiny_model, unseen, tmp_path):
    bad = tmp_path / 'broken.png'
    bad.write_bytes(b'not a photo')
    events = []
    out = run_inline('predict', {'model_path': str(tiny_model.path),
                                 'paths': [str(unseen / 'red'), str(bad)], 'top_k': 2}, events.append)
    ensure_plain(out)
    assert [d['path'] for d in out] == [str(unseen / 'red' / 'new0.png'), str(unseen / 'red' / 'new1.png'),
                                        str(bad)]
    for d in out[:2]:
        assert d['label'] == 'red' and d['error'] is None
        (top, p1), (_second, p2) = d['probabilities']
        assert top == 'red' and 1 >= p1 >= p2 >= 0
    assert out[2]['label'] is None and out[2]['probabilities'] == [] and out[2]['error']
    assert any(isinstance(e, StageProgress) and e.stage == 'predict' for e in events)


def test_predict_in_the_engine_equals_inline(tiny_model, unseen):
    kwargs = {'model_path': str(tiny_model.path), 'paths': _files(unseen), 'top_k': 3}
    inline = run_inline('predict', kwargs)
    client = EngineClient()
    try:
        events = []
        remote = client.run('predict', kwargs, callback=events.append, timeout=240)
    finally:
        client.shutdown()
    assert [(d['path'], d['label']) for d in remote] == [(d['path'], d['label']) for d in inline]
    for r, i in zip(remote, inline, strict=True):
        assert [c for c, _ in r['probabilities']] == [c for c, _ in i['probabilities']]
        assert [p for _, p in r['probabilities']] == pytest.approx([p for _, p in i['probabilities']], abs=1e-5)
    assert StageProgress('load', 0, 1, text='Loading the model') in events


def test_export_returns_the_written_path(tiny_model, tmp_path):
    out = run_inline('export', {'model_path': str(tiny_model.path), 'dest': str(tmp_path / 'mine'),
                                'fmt': 'safetensors'})
    assert out == str(tmp_path / 'mine.safetensors') and Path(out).is_file()


def test_evaluate_returns_the_report(tiny_model, unseen):
    report = run_inline('evaluate', {'model_path': str(tiny_model.path), 'folder': str(unseen)})
    ensure_plain(report)
    assert report['n'] == 6 and report['accuracy'] == 1.0
    assert report['classes'] == tiny_model.classes
    json.dumps(report)  # the CLI prints it as JSON


def test_suggest_with_a_model_labels_unlabelled_photos(tiny_model, unseen, tmp_path):
    loose = tmp_path / 'project' / 'unlabelled'
    loose.mkdir(parents=True)
    for p in _files(unseen):
        shutil.copy(p, loose / f'{Path(p).parent.name}_{Path(p).name}')
    out = run_inline('suggest', {'root': str(tmp_path / 'project'), 'unlabelled': _files(loose),
                                 'classes': tiny_model.classes, 'class_matches': {},
                                 'model_path': str(tiny_model.path)})
    ensure_plain(out)
    assert len(out) == 6
    assert all(Path(d['path']).name.startswith(d['label'] + '_') for d in out)
    confidences = [d['confidence'] for d in out]
    assert confidences == sorted(confidences, reverse=True)


def test_similar_finds_photos_of_the_same_colour(unseen, tmp_path):
    paths = _files(unseen)
    query = str(unseen / 'blue' / 'new0.png')
    out = run_inline('similar', {'root': str(tmp_path / 'project'), 'query_path': query, 'paths': paths,
                                 'k': 3, 'backbone': 'tiny_test'})
    ensure_plain(out)
    assert len(out) == 3 and query not in [p for p, _ in out]
    assert Path(out[0][0]).parent.name == 'blue'
    scores = [s for _, s in out]
    assert scores == sorted(scores, reverse=True) and -1.0001 <= scores[-1] <= scores[0] <= 1.0001


def test_train_returns_the_run_record(photo_tree, tmp_path):
    root = photo_tree
    paths = _files(root)
    classes = sorted(COLOURS)
    snapshot = TrainingSnapshot(root=str(root), paths=tuple(paths),
                                labels=tuple(classes.index(Path(p).parent.name) for p in paths),
                                classes=tuple(classes))
    config = TrainConfig(backbone='tiny_test', epochs=2, lr=0.03, val_fraction=0.0, use_prior=False)
    events = []
    out = run_inline('train', {'snapshot': snapshot.to_dict(), 'config': config.to_dict(),
                               'run_dir': str(root / 'runs' / 'r1'), 'cache_root': str(tmp_path / 'cache'),
                               'run_id': 'r1'}, events.append)
    ensure_plain(out)
    json.dumps(out)
    record = RunRecord.from_dict(out)
    assert record.id == 'r1' and record.classes == classes and record.backbone == 'tiny_test'
    assert (root / record.model_path).is_file()
    assert isinstance(events[0], RunStarted) and isinstance(events[-1], RunEnded)


def _wait_for(predicate, timeout: float = 240.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


@pytest.mark.slow
def test_training_in_the_engine_cancel_kill_and_train_again(photo_tree, tmp_path):
    """A real run: cancel keeps the best model; kill -9 gives one error; the next run works."""
    paths = _files(photo_tree)
    classes = sorted(COLOURS)
    snapshot = TrainingSnapshot(root=str(photo_tree), paths=tuple(paths),
                                labels=tuple(classes.index(Path(p).parent.name) for p in paths),
                                classes=tuple(classes))

    def kwargs(run_id: str, epochs: int) -> dict:
        config = TrainConfig(backbone='tiny_test', epochs=epochs, lr=0.03, val_fraction=0.0, use_prior=False)
        return {'snapshot': snapshot.to_dict(), 'config': config.to_dict(), 'run_id': run_id,
                'run_dir': str(photo_tree / 'runs' / run_id), 'cache_root': str(tmp_path / 'cache')}

    client = EngineClient()
    try:
        for run_id, stop in (('cancelled', 'cancel'), ('killed', 'kill')):
            messages = []
            handle = client.submit('train', kwargs(run_id, 100_000), messages.append)
            assert _wait_for(lambda m=messages, h=handle: h.done or any(
                kind == 'event' and isinstance(rest[-1], EpochEnded) for kind, *rest in m))
            assert not handle.done, messages[-1]
            if stop == 'cancel':
                handle.cancel()
            else:
                os.kill(client.pid, signal.SIGKILL)
            assert handle.wait(30)
            ends = [m for m in messages if m[0] != 'event']
            assert len(ends) == 1
            if stop == 'cancel':
                assert ends[0][0] == 'done'
                record = RunRecord.from_dict(ends[0][2])
                assert record.cancelled and (photo_tree / record.model_path).is_file()
            else:
                assert ends[0][0] == 'error' and 'stopped unexpectedly (killed' in ends[0][2]
        record = RunRecord.from_dict(client.run('train', kwargs('after', 2), timeout=240))
        assert not record.cancelled and (photo_tree / record.model_path).is_file()
    finally:
        client.shutdown()


# ------------------------------------------------------------------ issue 10: heatmap, doctor, unknown


def test_predict_reports_unknown_fields(tiny_model, unseen):
    """Every result carries 'unknown' and 'unknown_score'; flag_unknown=False turns them off."""
    kwargs = {'model_path': str(tiny_model.path), 'paths': [str(unseen / 'red')], 'top_k': 2}
    out = run_inline('predict', kwargs)
    for d in out:
        assert isinstance(d['unknown'], bool) and isinstance(d['unknown_score'], float)
    off = run_inline('predict', {**kwargs, 'flag_unknown': False})
    assert [d['unknown'] for d in off] == [False] * len(off)
    assert [d['unknown_score'] for d in off] == [0.0] * len(off)
    assert [d['label'] for d in off] == [d['label'] for d in out]


def test_heatmap_job_calls_the_core_and_returns_plain_data(monkeypatch, tmp_path):
    import sys
    import types

    import numpy as np

    calls = []

    def heatmap_for_file(model_path, image_path, class_name=None):
        calls.append((model_path, image_path, class_name))
        return {'width': 40, 'height': 30, 'values': np.array([[0.0, 0.5], [1.0, 0.25]]), 'class': 'red'}

    fake = types.ModuleType('petcognizer.core.heatmap')
    fake.heatmap_for_file = heatmap_for_file
    monkeypatch.setitem(sys.modules, 'petcognizer.core.heatmap', fake)
    events = []
    out = run_inline('heatmap', {'model_path': 'm.safetensors', 'path': 'p.png', 'class_name': None},
                     events.append)
    ensure_plain(out)
    assert calls == [('m.safetensors', 'p.png', None)]
    assert out == {'width': 40, 'height': 30, 'values': [[0.0, 0.5], [1.0, 0.25]], 'class': 'red'}
    assert all(isinstance(v, float) for row in out['values'] for v in row)
    assert events[-1] == StageProgress('heatmap', 1, 1, text='Finding where the model looked')


def test_doctor_job_passes_the_snapshot_and_returns_the_report(monkeypatch, tmp_path):
    import sys
    import types

    seen = {}
    report = {'findings': [{'kind': 'duplicate', 'paths': ['/a.png', '/b.png'], 'classes': ['red'],
                            'score': 1.0, 'message': 'Two copies', 'fix': {'action': 'delete',
                                                                           'paths': ['/b.png']}}],
              'n_photos': 2, 'seconds': 0.1}

    class Report:
        def to_dict(self):
            return report

    def run_doctor(snapshot, *, cache_root, backbone='efficientnet_lite0', callback=None, cancel=None):
        seen.update(snapshot=snapshot, cache_root=cache_root, backbone=backbone, cancel=cancel)
        return Report()

    fake = types.ModuleType('petcognizer.core.doctor')
    fake.run_doctor = run_doctor
    monkeypatch.setitem(sys.modules, 'petcognizer.core.doctor', fake)
    snap = TrainingSnapshot(root=str(tmp_path), classes=('red', 'green'),
                            paths=(str(tmp_path / 'a.png'), str(tmp_path / 'b.png')), labels=(0, 1))
    out = run_inline('doctor', {'snapshot': snap.to_dict(), 'cache_root': str(tmp_path / 'cache'),
                                'backbone': 'tiny_test'})
    assert out == report
    assert isinstance(seen['snapshot'], TrainingSnapshot) and tuple(seen['snapshot'].classes) == ('red', 'green')
    assert seen['cache_root'] == tmp_path / 'cache' and seen['backbone'] == 'tiny_test'
    assert seen['cancel'] is not None


def test_heatmap_job_on_a_real_model(tiny_model, unseen):
    """The real Grad-CAM through the job: a grid of 0..1 values for the asked class."""
    photo = str(unseen / 'red' / 'new0.png')
    out = run_inline('heatmap', {'model_path': str(tiny_model.path), 'path': photo, 'class_name': 'green'})
    ensure_plain(out)
    assert out['class'] == 'green'
    assert len(out['values']) == out['height'] and {len(r) for r in out['values']} == {out['width']}
    assert all(0.0 <= v <= 1.0 for row in out['values'] for v in row)
    top = run_inline('heatmap', {'model_path': str(tiny_model.path), 'path': photo, 'class_name': None})
    assert top['class'] in tiny_model.classes


def test_doctor_job_on_real_photos_finds_the_copy(tiny_model, tmp_path):
    """The real doctor through the job: an exact copy of a photo in another class is reported."""
    paths = [str(p) for p in tiny_model.paths]
    labels = [tiny_model.classes.index(Path(p).parent.name) for p in paths]
    copy = tmp_path / 'copy_of_red0.png'
    shutil.copy(paths[labels.index(tiny_model.classes.index('red'))], copy)
    snap = TrainingSnapshot(root=str(tmp_path), paths=(*paths, str(copy)),
                            labels=(*labels, tiny_model.classes.index('blue')),
                            classes=tuple(tiny_model.classes))
    events = []
    report = run_inline('doctor', {'snapshot': snap.to_dict(), 'cache_root': str(tmp_path / 'cache'),
                                   'backbone': 'tiny_test'}, events.append)
    ensure_plain(report)
    assert report['n_photos'] == len(paths) + 1
    found = [f for f in report['findings'] if str(copy) in f['paths']]
    assert found and {f['kind'] for f in found} & {'duplicate', 'leak'}
    assert any(isinstance(e, StageProgress) and e.stage == 'doctor' for e in events)
