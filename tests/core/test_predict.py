"""Prediction on files and folders, and evaluation on labelled folders."""

from __future__ import annotations

import shutil

import pytest
from photos import COLOURS, make_photo

from petcognizer.core import events as E
from petcognizer.core.modelfile import ModelFileError
from petcognizer.core.predict import Predictor, collect_images, evaluate


@pytest.fixture
def model_file(tiny_model):
    return tiny_model.path


@pytest.fixture
def test_tree(tmp_path):
    """Unseen photos: red/, green/, blue/ with 3 each (different noise)."""
    root = tmp_path / 'test'
    for name, colour in COLOURS.items():
        for i in range(3):
            make_photo(root / name / f'img{i + 1}.png', colour, noise_seed=500 + i + len(name))
    return root


def test_predict_files_and_folders(model_file, test_tree):
    pred = Predictor.load(model_file)
    assert pred.classes == ['blue', 'green', 'red'] and pred.backbone == 'tiny_test'
    assert pred.metadata['classes'] == pred.classes
    one = test_tree / 'red' / 'img1.png'
    results = pred.predict_paths([one, test_tree / 'green'])
    assert [r.path for r in results] == [one] + [test_tree / 'green' / f'img{i}.png' for i in (1, 2, 3)]
    assert [r.label for r in results] == ['red', 'green', 'green', 'green']
    assert all(r.error is None for r in results)
    everything = pred.predict_paths([test_tree])
    assert len(everything) == 9
    for r in everything:
        assert r.label == r.path.parent.name


@pytest.mark.parametrize('k', [1, 2, 3, 10])
def test_top_k_is_sorted_and_a_distribution(model_file, test_tree, k):
    pred = Predictor.load(model_file)
    for r in pred.predict_paths([test_tree], top_k=k):
        probs = [p for _, p in r.probabilities]
        assert len(probs) == min(k, 3)
        assert probs == sorted(probs, reverse=True)
        assert all(0 <= p <= 1 for p in probs)
        assert sum(probs) <= 1 + 1e-5
        if k >= 3:
            assert sum(probs) == pytest.approx(1, abs=1e-5)
        assert r.probabilities[0][0] == r.label
        assert len({c for c, _ in r.probabilities}) == len(probs)


def test_bad_file_gets_an_error_and_the_rest_are_predicted(model_file, test_tree, tmp_path):
    bad = tmp_path / 'broken.jpg'
    bad.write_bytes(b'\xff\xd8\xff\xe0 definitely not a jpeg')
    missing = tmp_path / 'gone.png'
    good = test_tree / 'blue' / 'img2.png'
    results = Predictor.load(model_file).predict_paths([bad, good, missing])
    assert [r.path for r in results] == [bad, good, missing]
    assert results[0].label is None and results[0].probabilities == [] and results[0].error
    assert results[2].label is None and results[2].error
    assert results[1].label == 'blue' and results[1].error is None
    d = results[0].to_dict()
    assert d['error'] == results[0].error and d['label'] is None
    assert 'error' not in results[1].to_dict()
    assert results[0].error != results[2].error  # each says its own reason


def test_predict_reports_progress_and_can_be_cancelled(model_file, test_tree):
    pred = Predictor.load(model_file)
    seen = []
    pred.predict_paths([test_tree], callback=seen.append)
    prog = [e for e in seen if isinstance(e, E.StageProgress)]
    assert prog and prog[-1].stage == 'predict' and prog[-1].done == prog[-1].total == 9
    token = E.CancelToken()
    token.cancel()
    with pytest.raises(E.Cancelled):
        pred.predict_paths([test_tree], cancel=token)


def test_tta_predictions_are_still_distributions(model_file, test_tree):
    res = Predictor.load(model_file).predict_paths([test_tree], top_k=3, tta=True)
    for r in res:
        assert sum(p for _, p in r.probabilities) == pytest.approx(1, abs=1e-5)
        assert r.label == r.path.parent.name


def test_collect_images_uses_natural_order(tmp_path):
    for name in ('img10.png', 'img2.png', 'img1.png', 'notes.txt'):
        make_photo(tmp_path / 'd' / name) if name.endswith('.png') else (tmp_path / 'd' / name).write_text('x')
    assert [p.name for p in collect_images([tmp_path / 'd'])] == ['img1.png', 'img2.png', 'img10.png']


def test_loading_a_non_model_is_refused(tmp_path):
    f = tmp_path / 'notes.safetensors'
    f.write_text('hello')
    with pytest.raises(ModelFileError):
        Predictor.load(f)


def test_evaluate_perfect(model_file, test_tree):
    rep = evaluate(model_file, test_tree)
    assert rep['n'] == 9 and rep['accuracy'] == 1.0
    assert rep['classes'] == ['blue', 'green', 'red']
    assert rep['confusion'] == [[3, 0, 0], [0, 3, 0], [0, 0, 3]]
    for c in rep['classes']:
        assert rep['per_class'][c] == {'precision': 1.0, 'recall': 1.0, 'f1': 1.0, 'support': 3}
    assert rep['most_confident_wrong'] == [] and rep['skipped'] == [] and rep['unknown_classes'] == {}


def test_evaluate_with_mistakes_unknown_classes_and_bad_files(model_file, test_tree):
    # two red photos filed under green, a class the model does not know, a broken file
    for i in (1, 2):
        shutil.move(test_tree / 'red' / f'img{i}.png', test_tree / 'green' / f'red_{i}.png')
    make_photo(test_tree / 'Purple' / 'p.png', (120, 20, 160))
    (test_tree / 'blue' / 'broken.png').write_bytes(b'junk')
    rep = evaluate(model_file, test_tree)
    conf = rep['confusion']
    assert len(conf) == 3 and all(len(r) == 3 for r in conf)
    assert sum(map(sum, conf)) == rep['n'] == 9  # 10 known-class files, one unreadable
    blue, green, red = 0, 1, 2
    assert conf[green][red] == 2 and conf[green][green] == 3
    assert conf[blue][blue] == 3 and conf[red][red] == 1
    assert rep['accuracy'] == pytest.approx(7 / 9)
    for k, c in enumerate(rep['classes']):
        assert rep['per_class'][c]['support'] == sum(conf[k])
    g, r = rep['per_class']['green'], rep['per_class']['red']
    assert g['precision'] == 1.0 and g['recall'] == pytest.approx(3 / 5)
    assert g['f1'] == pytest.approx(2 * 1.0 * 0.6 / 1.6)
    assert r['precision'] == pytest.approx(1 / 3) and r['recall'] == 1.0
    wrong = rep['most_confident_wrong']
    assert sorted(w['path'] for w in wrong) == sorted(
        str(test_tree / 'green' / f'red_{i}.png') for i in (1, 2))
    assert all(w['true'] == 'green' and w['predicted'] == 'red' for w in wrong)
    confs = [w['confidence'] for w in wrong]
    assert confs == sorted(confs, reverse=True) and all(1 / 3 < c <= 1 for c in confs)
    assert rep['unknown_classes'] == {'Purple': 1}
    assert [s['path'] for s in rep['skipped']] == [str(test_tree / 'blue' / 'broken.png')]
    assert rep['skipped'][0]['reason']


def test_evaluate_matches_folder_names_case_insensitively(model_file, test_tree):
    (test_tree / 'red').rename(test_tree / 'RED')
    rep = evaluate(model_file, test_tree)
    assert rep['accuracy'] == 1.0 and rep['per_class']['red']['support'] == 3


def test_evaluate_without_matching_folders_is_an_error(model_file, tmp_path):
    make_photo(tmp_path / 'data' / 'cats' / 'c.png')
    with pytest.raises(ValueError, match='no folder matches a class'):
        evaluate(model_file, tmp_path / 'data')


def test_evaluate_a_project(model_file, test_tree, tmp_path):
    from petcognizer.core.project import Project

    project = Project.create(tmp_path / 'proj', classes=['red', 'blue'])
    project.add_files(sorted((test_tree / 'red').iterdir()), 'red')
    project.add_files(sorted((test_tree / 'blue').iterdir()), 'blue')
    rep = evaluate(model_file, project.root)
    assert rep['n'] == 6 and rep['accuracy'] == 1.0
    assert rep['per_class']['green']['support'] == 0
