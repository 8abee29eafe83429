"""The trust views of issue 10: result card, confusion cells, mistakes, "Not one of", heat maps, doctor.

Every view is driven on a real project (``tiny_project``: red/green/blue, 6
photos each) and a fixed evaluation, as ``RunRecord.evaluation`` carries it;
engine results (predict, heatmap, doctor) are fakes put in ``engine_jobs``.
Each view is also rendered offscreen; with PETCOGNIZER_SCREENSHOTS=<folder>
the PNGs are kept there (docs/screenshots/trust-*.png).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication

from petcognizer.core.runs import RunRecord
from petcognizer.gui.data_page import DataPage
from petcognizer.gui.doctor_panel import DoctorPanel
from petcognizer.gui.mistakes import MistakesBrowser
from petcognizer.gui.predict_page import PredictPage
from petcognizer.gui.project_model import ProjectModel
from petcognizer.gui.result_card import ResultCard
from petcognizer.gui.train_page import TrainPage

CLASSES = ['red', 'green', 'blue']
#: (true class, photo index) -> (predicted, confidence) for the wrong ones.
WRONG = {('red', 0): ('green', 0.90), ('red', 1): ('blue', 0.60), ('green', 2): ('red', 0.95)}


def _shot(widget, name: str, tmp_path: Path, loaders=()) -> Path:
    folder = Path(os.environ.get('PETCOGNIZER_SCREENSHOTS') or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f'trust-{name}.png'
    widget.show()
    app = QApplication.instance()
    for _ in range(3):  # thumbnails are asked for when painted, made on a pool, shown when ready
        app.processEvents()
        widget.grab()
        for loader in loaders:
            assert loader.wait_idle(10000)
        app.processEvents()
    assert widget.grab().save(str(path)), f'could not save {path}'
    return path


def evaluation_of(project) -> dict:
    """A leave-one-out evaluation of the project's 18 photos with the 3 mistakes of WRONG."""
    predictions = []
    for name in CLASSES:
        for i, path in enumerate(project.images(name)):
            said, conf = WRONG.get((name, i), (name, 0.80))
            predictions.append({'path': str(path), 'true': name, 'predicted': said, 'confidence': conf})
    confusion = [[sum(1 for p in predictions if p['true'] == t and p['predicted'] == s) for s in CLASSES]
                 for t in CLASSES]
    return {
        'method': 'cross-validation', 'folds': 18, 'n': 18,
        'accuracy': 15 / 18, 'low': 0.61, 'high': 0.94,
        'per_class': {
            'red': {'n': 6, 'accuracy': 4 / 6, 'low': 0.30, 'high': 0.90},
            'green': {'n': 6, 'accuracy': 5 / 6, 'low': 0.44, 'high': 0.97},
            'blue': {'n': 6, 'accuracy': 1.0, 'low': 0.61, 'high': 1.0},
        },
        'classes': CLASSES, 'confusion': confusion, 'predictions': predictions,
        'ece': 0.031, 'temperature': 1.7,
        'summary': 'About 83% right (61-94%), measured on 18 photos each model had not seen',
    }


def heat_result(**_kwargs) -> dict:
    """A 7x7 heat map, hot in the middle."""
    values = [[max(0.0, 1 - (abs(x - 3) + abs(y - 3)) / 4) for x in range(7)] for y in range(7)]
    return {'width': 32, 'height': 32, 'values': values, 'class': _kwargs.get('class_name') or 'red'}


def object_photo(path: Path, background, colour, seed: int, size: int = 160) -> Path:
    """A photo of a coloured disc on a background (large enough to be seen in a screenshot)."""
    import random

    from PIL import Image, ImageDraw

    rnd = random.Random(seed)
    img = Image.new('RGB', (size, size), background)
    draw = ImageDraw.Draw(img)
    r = rnd.randint(size // 5, size // 3)
    cx, cy = rnd.randint(r, size - r), rnd.randint(r, size - r)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)
    for _ in range(40):
        x, y = rnd.randrange(size), rnd.randrange(size)
        draw.point((x, y), fill=tuple(rnd.randrange(256) for _ in range(3)))
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)
    return path


COLOURS = {'red': (220, 40, 40), 'green': (40, 170, 60), 'blue': (40, 60, 220)}


@pytest.fixture
def photo_project(tmp_path):
    """A project: red/green/blue discs on grey, 6 photos a class, 160 px."""
    from petcognizer.core.project import Project

    project = Project.create(tmp_path / 'project', classes=CLASSES)
    for k, name in enumerate(CLASSES):
        photos = [object_photo(tmp_path / 'src' / name / f'{name}_{i}.png', (200, 200, 200), COLOURS[name],
                               seed=10 * k + i) for i in range(6)]
        project.add_files(photos, name)
    return project


@pytest.fixture
def setup(qtbot, photo_project):
    model = ProjectModel()
    model.set_project(photo_project)
    return photo_project, model, QUndoStack()


def test_result_card_shows_the_evaluation_in_words(qtbot, photo_project, tmp_path):
    ev = evaluation_of(photo_project)
    card = ResultCard()
    qtbot.addWidget(card)
    card.resize(760, 430)
    card.set_record(RunRecord(id='r1', best_val_acc=None, evaluation=ev))
    assert card.summary_label.text() == ev['summary']
    assert 'leave-one-out cross-validation on 18 photos' in card.method_label.text()
    assert 'well calibrated' in card.calibration_label.text() and '3.1 points' in card.calibration_label.text()
    table = card.class_table
    rows = {table.item(r, 0).text(): (table.item(r, 1).text(), table.item(r, 2).text())
            for r in range(table.rowCount())}
    assert rows == {'red': ('6', '67%  (30–90%)'), 'green': ('6', '83%  (44–97%)'),
                    'blue': ('6', '100%  (61–100%)')}
    assert card.confusion.count('red', 'green') == 1 and card.confusion.count('blue', 'blue') == 6
    assert card.mistakes_button.text() == 'Browse 3 mistakes…' and card.mistakes_button.isEnabled()
    _shot(card, 'result-card', tmp_path)

    # an older run, without an evaluation, shows what it has
    card.set_record(RunRecord(id='old', best_val_acc=0.9))
    assert card.summary_label.text() == 'Best validation accuracy: 90.0%'
    assert card.class_table.isHidden() and card.confusion.isHidden() and card.mistakes_button.isHidden()
    card.set_record(RunRecord(id='older'))
    assert card.summary_label.text() == 'Accuracy not measured'


def test_confusion_cell_opens_its_photos_relabel_and_undo(qtbot, setup, tmp_path):
    project, model, stack = setup
    page = TrainPage(project_model=model, undo_stack=stack)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    record = RunRecord(id='r1', created='2026-12-02T00:30:00+00:00', backbone='tiny_test',
                       evaluation=evaluation_of(project))
    project.add_run(record)
    page.select_run('r1')
    assert page.result_card.record.id == 'r1'
    assert page.runs_table.item(0, 3).text() == '83% (61–94%)'  # the measured accuracy in the run list
    page.result_tabs.setCurrentWidget(page.result_card)
    _shot(page, 'train-result', tmp_path)

    red_0 = project.images('red')[0]
    page.result_card.confusion.click_cell('red', 'green')
    dialog = page.mistakes_dialog
    assert dialog is not None and dialog.isVisible()
    browser = dialog.browser
    assert [e['path'] for e in browser.entries()] == [str(red_0)]
    assert "model called 'green'" in browser.title_label.text()
    assert 'model file of this run is gone' in browser.heatmap_status.text()  # the record has none
    _shot(dialog, 'confusion-cell', tmp_path, [browser.loader])

    browser.said_button.click()  # "It is a 'green': move it there"
    assert project.counts() == {'red': 5, 'green': 7, 'blue': 6}
    assert browser.entries() == [] and 'Nothing left to fix' in browser.preview_label.text()
    assert stack.undoText() == "Move 1 photo to 'green'"
    stack.undo()
    assert project.counts() == {'red': 6, 'green': 6, 'blue': 6}
    assert red_0.is_file() and [e['path'] for e in browser.entries()] == [str(red_0)]

    # a diagonal cell lists the right answers; no "move to what it said" there
    page.result_card.confusion.click_cell('blue', 'blue')
    assert len(browser.entries()) == 6 and browser.said_button.isHidden()
    assert page.shutdown(5000)


def test_mistakes_browser_most_confidently_wrong_first_fix_and_undo(qtbot, setup, engine_jobs, tmp_path):
    project, model, stack = setup
    asked = []

    def fake_heatmap(callback, cancel, **kwargs):
        asked.append(kwargs)
        return heat_result(**kwargs)

    engine_jobs['heatmap'] = fake_heatmap
    model_file = tmp_path / 'model.safetensors'
    model_file.write_bytes(b'a model file')
    browser = MistakesBrowser(model, stack)
    qtbot.addWidget(browser)
    browser.resize(900, 560)
    browser.show_mistakes(evaluation_of(project), model_file)
    green_2, red_0, red_1 = project.images('green')[2], project.images('red')[0], project.images('red')[1]
    assert [e['path'] for e in browser.entries()] == [str(green_2), str(red_0), str(red_1)]
    assert [e['confidence'] for e in browser.entries()] == [0.95, 0.90, 0.60]
    assert browser.model.data(browser.model.index(0)) == 'green → red 95%'

    # the heat map of the selected photo, for the class the model said
    qtbot.waitUntil(browser.is_showing_heatmap, timeout=5000)
    assert asked[0] == {'model_path': str(model_file), 'path': str(green_2), 'class_name': 'red'}
    assert "to say 'red'" in browser.heatmap_status.text()
    _shot(browser, 'mistakes', tmp_path, [browser.loader])
    browser.heatmap_check.setChecked(False)
    assert not browser.is_showing_heatmap()
    browser.heatmap_check.setChecked(True)
    assert browser.is_showing_heatmap() and len(asked) == 1  # remembered, not asked again

    # fixes: to Unlabelled, then delete the next one; both undoable
    browser.unlabel_button.click()
    assert project.n_unlabelled == 1 and project.counts()['green'] == 5
    assert [e['path'] for e in browser.entries()] == [str(red_0), str(red_1)]
    browser.delete_button.click()
    assert project.counts()['red'] == 5 and not red_0.exists()
    qtbot.keyClick(browser.grid, Qt.Key.Key_3)  # the Data page's keys: 3 = 'blue', the class it said
    assert project.counts() == {'red': 4, 'green': 5, 'blue': 7} and browser.entries() == []
    stack.undo()
    assert [e['path'] for e in browser.entries()] == [str(red_1)]
    stack.undo()
    stack.undo()
    assert project.counts() == {'red': 6, 'green': 6, 'blue': 6} and project.n_unlabelled == 0
    assert [e['path'] for e in browser.entries()] == [str(green_2), str(red_0), str(red_1)]
    qtbot.waitUntil(lambda: not browser.heatmaps.is_busy(), timeout=5000)
    assert browser.shutdown(5000)


def test_predict_flags_unknown_and_shows_the_heat_map(qtbot, setup, engine_jobs, tmp_path):
    project, model, _stack = setup
    red, blue = project.images('red')[3], project.images('blue')[3]

    flags = []

    def fake_predict(callback, cancel, *, model_path, paths, top_k=3, flag_unknown=True):
        flags.append(flag_unknown)
        return [
            {'path': str(red), 'label': 'red', 'probabilities': [['red', 0.97], ['green', 0.02], ['blue', 0.01]],
             'error': None, 'unknown': False, 'unknown_score': 0.2},
            {'path': str(blue), 'label': 'green', 'probabilities': [['green', 0.55], ['blue', 0.30], ['red', 0.15]],
             'error': None, 'unknown': True, 'unknown_score': 3.4},
        ]

    engine_jobs['predict'] = fake_predict
    engine_jobs['heatmap'] = lambda callback, cancel, **kw: heat_result(**kw)
    # a real model file (its header names the classes); the engine's answers are the fakes above
    from petcognizer.core import service
    from petcognizer.core.config import TrainConfig

    record = service.train_project(project, TrainConfig(backbone='tiny_test', epochs=1, batch_size=18,
                                                        val_fraction=0.0, use_prior=False, patience=0))
    model_file = project.root / record.model_path
    page = PredictPage(project_model=model)
    qtbot.addWidget(page)
    page.resize(980, 640)
    page.set_model_path(model_file)
    with qtbot.waitSignal(page.predictions_finished, timeout=10000):
        assert page.predict([red, blue])
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=5000)
    first, second = page.rows()
    assert flags == [True]  # "Say when a photo is none of the classes" is on by default
    assert second.prediction.unknown and second.prediction.unknown_score == 3.4
    assert '1 looks like none of the classes' in page.status_label.text()
    assert second.unknown_label.isVisibleTo(page) and second.unknown_label.text() == 'Not one of: red, green, blue'
    assert not first.unknown_label.isVisibleTo(page)

    first.heatmap_button.setChecked(True)
    qtbot.waitUntil(lambda: first.heatmap is not None, timeout=5000)
    assert first.heatmap['class'] == 'red' and first.thumb_label.width() == 200
    assert 'where it looked' in first.status_label.text()
    _shot(page, 'predict-unknown-heatmap', tmp_path)
    first.heatmap_button.setChecked(False)
    assert first.heatmap is None and first.thumb_label.width() == 88

    def broken_heatmap(callback, cancel, **kwargs):
        raise ValueError('the model has no class for this photo')

    engine_jobs['heatmap'] = broken_heatmap  # a failure says why and unticks the toggle
    second.heatmap_button.setChecked(True)
    qtbot.waitUntil(lambda: not second.heatmap_button.isChecked(), timeout=5000)
    assert second.status_label.text() == 'No heat map: the model has no class for this photo'
    assert second.heatmap is None and second.thumb_label.width() == 88
    assert page.shutdown(5000)


def test_doctor_panel_lists_findings_and_fixes_undoably(qtbot, setup, engine_jobs, tmp_path):
    project, model, stack = setup
    red_0, blue_1, blue_4 = project.images('red')[0], project.images('blue')[1], project.images('blue')[4]
    seen = {}

    def fake_doctor(callback, cancel, *, snapshot, cache_root, backbone):
        seen.update(snapshot=snapshot, cache_root=cache_root, backbone=backbone)
        return {'findings': [
            {'kind': 'mislabelled', 'paths': [str(red_0)], 'classes': ['red', 'green'], 'score': 0.93,
             'message': f"{red_0.name} is labelled 'red' but looks like 'green' (93%)",
             'fix': {'action': 'move', 'paths': [str(red_0)], 'to': 'green'}},
            {'kind': 'duplicate', 'paths': [str(blue_1), str(blue_4)], 'classes': ['blue'], 'score': 1.0,
             'message': 'Two identical photos in blue', 'fix': {'action': 'delete', 'paths': [str(blue_4)]}},
            {'kind': 'small_class', 'paths': [], 'classes': ['green'], 'score': 0.5,
             'message': "'green' has only 6 photos: add at least 10", 'fix': None},
        ], 'n_photos': len(snapshot['paths']), 'seconds': 0.4}

    engine_jobs['doctor'] = fake_doctor
    data = DataPage(stack, project_model=model)
    qtbot.addWidget(data)
    assert data.doctor_button.isEnabled()
    dialog = data.open_doctor()
    panel: DoctorPanel = dialog.panel
    qtbot.waitUntil(lambda: panel.report is not None and not panel.is_running(), timeout=10000)
    assert len(seen['snapshot']['paths']) == 18 and seen['backbone'] == 'efficientnet_lite0'
    assert seen['cache_root'] == str(Path(project.cache_dir) / 'features')
    assert 'Checked 18 photos' in panel.summary_label.text()
    tops = [panel.tree.topLevelItem(i).text(0) for i in range(panel.tree.topLevelItemCount())]
    assert tops == ['Exact duplicates (1)', 'Likely in the wrong class (1)', 'Classes with too few photos (1)']
    dialog.resize(900, 560)
    _shot(dialog, 'doctor', tmp_path, [panel.loader])

    (item,) = panel.finding_items('mislabelled')
    panel.tree.setCurrentItem(item)
    assert panel.model.paths() == [red_0]
    assert panel.fix_button.text() == "Fix: move 1 photo to 'green'" and panel.fix_button.isEnabled()
    panel.fix_button.click()
    assert project.counts() == {'red': 5, 'green': 7, 'blue': 6}
    assert not panel.fix_button.isEnabled() and item.font(0).strikeOut()
    stack.undo()
    assert project.counts() == {'red': 6, 'green': 6, 'blue': 6}
    assert panel.fix_button.isEnabled() and not item.font(0).strikeOut()

    (dup,) = panel.finding_items('duplicate')
    panel.tree.setCurrentItem(dup)
    assert panel.fix_button.text() == 'Fix: delete 1 photo'
    panel.fix_button.click()
    assert not blue_4.exists() and project.counts()['blue'] == 5
    panel.undo_button.click()
    assert blue_4.is_file() and project.counts()['blue'] == 6

    (small,) = panel.finding_items('small_class')
    panel.tree.setCurrentItem(small)
    assert panel.fix_button.text() == 'No automatic fix' and not panel.fix_button.isEnabled()
    assert data.shutdown(5000)


def test_mistakes_heat_map_from_the_real_job(qtbot, trained):
    """No fake: the 'heatmap' job's Grad-CAM of a trained model, drawn in the browser."""
    project, record = trained
    model = ProjectModel()
    model.set_project(project)
    browser = MistakesBrowser(model, QUndoStack())
    qtbot.addWidget(browser)
    browser.show_mistakes(evaluation_of(project), project.root / record.model_path)
    assert len(browser.entries()) == 3
    qtbot.waitUntil(lambda: browser.is_showing_heatmap() or 'No heat map' in browser.heatmap_status.text(),
                    timeout=60000)
    assert browser.is_showing_heatmap(), browser.heatmap_status.text()
    heat = browser.heatmaps.cached(project.root / record.model_path, browser.entries()[0]['path'], 'red')
    assert heat['class'] == 'red' and all(0.0 <= v <= 1.0 for row in heat['values'] for v in row)
    assert browser.shutdown(5000)


def test_doctor_from_the_real_job(qtbot, trained):
    """No fake: "Check my photos" runs the real doctor on the project (the run's backbone, tiny_test)."""
    project, _record = trained
    model = ProjectModel()
    model.set_project(project)
    data = DataPage(QUndoStack(), project_model=model)
    qtbot.addWidget(data)
    panel = data.open_doctor().panel
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=120000)
    assert panel.report is not None, panel.status_label.text()
    assert panel.report['n_photos'] == 18
    assert panel.summary_label.text().startswith('Checked 18 photos')
    assert data.shutdown(5000)


def test_result_card_reads_what_the_core_builds(qtbot, photo_project):
    """The card shows core.evaluation.build_evaluation's dict (the run service writes it) as it is."""
    from petcognizer.core.evaluation import build_evaluation

    paths = [str(p) for c in CLASSES for p in photo_project.images(c)]
    labels = [i for i, c in enumerate(CLASSES) for _ in photo_project.images(c)]
    probs = [[0.8 if j == (y if k else (y + 1) % 3) else 0.1 for j in range(3)]
             for k, y in enumerate(labels)]  # the first photo wrong, the rest right
    ev = build_evaluation(CLASSES + ['grey'], labels, [p + [0.0] for p in probs], paths,
                          method='cross-validation', folds=5)
    card = ResultCard()
    qtbot.addWidget(card)
    card.set_record(RunRecord(id='core', evaluation=ev))
    assert card.summary_label.text() == ev['summary'] and ev['summary'].startswith('About 94% right')
    assert '5-fold cross-validation on 18 photos' in card.method_label.text()
    assert card.class_table.item(3, 0).text() == 'grey'
    assert card.class_table.item(3, 2).text() == '— (no photo measured)'
    assert card.confusion.count('red', 'green') == 1
    assert card.mistakes_button.text() == 'Browse 1 mistake…'

