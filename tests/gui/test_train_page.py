"""Train page: fake jobs for the GUI behaviour, one real tiny run end to end."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PySide6.QtCore import Qt

from petcognizer.core.config import TrainConfig, recommend_config
from petcognizer.core.events import (
    BatchEnded,
    EpochEnded,
    EpochStarted,
    Message,
    RunEnded,
    RunStarted,
    StageProgress,
)
from petcognizer.core.project import Project
from petcognizer.core.runs import RunRecord
from petcognizer.gui.train_page import (
    StageDiagramWidget,
    TrainPage,
    format_duration,
    overfitting_warning,
)

CLASSES = ('red', 'green', 'blue')


def _record(project, config, cancelled=False, history=()):
    return RunRecord.from_dict({
        'id': f'run-{len(project.runs) + 1}',
        'created': f'2026-01-01T00:00:{len(project.runs):02d}+00:00',
        'backbone': config.backbone,
        'config': config.to_dict(),
        'classes': list(CLASSES),
        'n_train': 12, 'n_val': 6,
        'best_val_acc': 0.9, 'best_epoch': 1, 'seconds': 3.5,
        'cancelled': cancelled, 'model_path': None,
        'history': list(history), 'device': 'cpu',
    })


def make_fake_job(val_losses=(1.0, 0.8, 0.9, 1.1), steps=3, seen=None):
    """A job factory whose jobs emit a plausible run and return its record."""

    def make_job(project, config):
        if seen is not None:
            seen.append(config)

        def job(emit, cancel):
            epochs = len(val_losses)
            emit(RunStarted(config.backbone, 'cpu (2 threads)', epochs, steps, 12, 6, CLASSES, 0, 'linear'))
            emit(StageProgress('features', 6, 18, images_per_s=50.0, eta_s=1.0, text='Reading photos'))
            emit(StageProgress('features', 18, 18, text='Reading photos'))
            history = []
            for e, vl in enumerate(val_losses):
                emit(EpochStarted(e, epochs, 0.003))
                for s in range(steps):
                    emit(BatchEnded(e, s, steps, loss=1.0 - 0.1 * e - 0.01 * s, images_per_s=40.0, eta_s=5.0))
                tl = 1.0 - 0.2 * e
                emit(EpochEnded(e, epochs, tl, 0.5 + 0.1 * e, vl, 0.6, 0.1, is_best=e == 1))
                history.append({'epoch': e, 'train_loss': tl, 'train_acc': 0.5 + 0.1 * e,
                                'val_loss': vl, 'val_acc': 0.6})
            emit(Message('info', 'Class-name prior: none'))
            emit(RunEnded(False, 1, 0.9, 3.5))
            record = _record(project, config, history=history)
            project.add_run(record)
            return record

        return job

    return make_job


def _settle(qtbot, page):
    """Wait for the backbones' parameter counts (the first imports torch: slow on a busy machine)."""
    qtbot.waitUntil(lambda: not page.settings_panel._param_workers, timeout=90000)
    assert page.shutdown(5000)


@pytest.fixture
def page(qtbot, tiny_project):
    seen = []
    page = TrainPage(make_job=make_fake_job(seen=seen))
    page.seen_configs = seen
    qtbot.addWidget(page)
    page.set_project(tiny_project)
    yield page
    assert page.shutdown(5000)


def test_helpers():
    assert format_duration(75) == '1:15'
    assert format_duration(3700) == '1:01:40'
    rising = [{'train_loss': 1.0 - 0.1 * i, 'val_loss': v} for i, v in enumerate([1.0, 0.8, 0.9, 1.0])]
    assert overfitting_warning(rising)
    assert overfitting_warning(rising[:3]) is None
    falling = [{'train_loss': 1.0 - 0.1 * i, 'val_loss': 1.0 - 0.1 * i} for i in range(4)]
    assert overfitting_warning(falling) is None


def test_empty_project_says_what_to_do(qtbot, tmp_path):
    page = TrainPage(make_job=make_fake_job())
    qtbot.addWidget(page)
    assert 'project' in page.summary_label.text().lower()
    page.set_project(Project.create(tmp_path / 'empty', classes=['a', 'b']))
    assert not page.start_button.isEnabled()
    assert 'Add at least 2 classes' in page.summary_label.text()


def test_train_plots_progress_and_record(qtbot, page):
    assert page.start_button.isEnabled() and not page.stop_button.isEnabled()
    busy = []
    page.busy_changed.connect(busy.append)
    with qtbot.waitSignal(page.run_finished, timeout=5000) as blocker:
        qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=5000)
    assert busy == [True, False]
    record = blocker.args[0]
    assert record.id == 'run-1'
    cfg = page.seen_configs[0]
    assert cfg.backbone == 'efficientnet_lite0' and cfg.freeze_depth == 0

    page.plots.flush()
    x, y = page.plots.raw_batch_curve.getData()
    assert len(y) == 12 and page.plots.n_batches == 12
    assert x[-1] == pytest.approx(4.0) and y[0] == pytest.approx(1.0)
    _, smooth = page.plots.batch_curve.getData()
    assert len(smooth) == 12 and np.all(np.isfinite(smooth))
    ex, vl = page.plots.val_loss_curve.getData()
    assert list(ex) == [1, 2, 3, 4] and list(vl) == [1.0, 0.8, 0.9, 1.1]
    _, acc = page.plots.val_acc_curve.getData()
    assert list(acc) == pytest.approx([60.0] * 4)  # shown in percent

    assert page.progress_bar.value() == page.progress_bar.maximum()
    assert 'cpu' in page.device_label.text()
    assert 'Finished' in page.status_label.text()
    assert page.overfit_banner.isVisible() or not page.isVisible()
    assert 'Overfitting' in page.overfit_banner.text()
    assert 'prior' in page.message_banner.text()
    assert [r.id for r in page.run_records()] == ['run-1']
    assert page.runs_table.rowCount() == 1
    assert page.start_button.isEnabled() and not page.stop_button.isEnabled()


def test_no_overfitting_warning_when_val_loss_falls(qtbot, tiny_project):
    page = TrainPage(make_job=make_fake_job(val_losses=(1.0, 0.9, 0.8, 0.7)))
    qtbot.addWidget(page)
    page.set_project(tiny_project)
    with qtbot.waitSignal(page.run_finished, timeout=5000):
        page.start_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=5000)
    assert page.overfit_banner.isHidden()


def test_stop_cancels_job(qtbot, page):
    started = threading.Event()
    saw_cancel = []

    def make_job(project, config):
        def job(emit, cancel):
            emit(RunStarted('x', 'cpu', 100, 10, 12, 6, CLASSES, 0, 'linear'))
            step = 0
            while not cancel.cancelled:
                emit(BatchEnded(0, step % 10, 10, 0.5, 10.0, 100.0))
                step += 1
                started.set()
                threading.Event().wait(0.002)
            saw_cancel.append(step)
            emit(RunEnded(True, None, None, 0.1))
            record = _record(project, config, cancelled=True)
            project.add_run(record)
            return record

        return job

    page._make_job = make_job
    page.start_button.click()
    assert started.wait(5)
    assert page.is_busy() and page.stop_button.isEnabled() and not page.start_button.isEnabled()
    with qtbot.waitSignal(page.run_finished, timeout=5000) as blocker:
        qtbot.mouseClick(page.stop_button, Qt.MouseButton.LeftButton)
        assert not page.stop_button.isEnabled()
    assert saw_cancel and blocker.args[0].cancelled
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=5000)
    assert page.start_button.isEnabled()
    assert page.runs_table.item(0, 6).text() == 'stopped'


def test_error_shows_message_and_reenables(qtbot, page):
    def make_job(project, config):
        def job(emit, cancel):
            emit(RunStarted('x', 'cpu', 1, 1, 12, 6, CLASSES, 0, 'linear'))
            raise ValueError("class 'blue' has no photos; add photos to it or delete the class")

        return job

    page._make_job = make_job
    with qtbot.waitSignal(page.busy_changed, timeout=5000, check_params_cb=lambda b: not b):
        page.start_button.click()
    assert "class 'blue' has no photos" in page.error_banner.text()
    assert not page.error_banner.isHidden()
    assert page.start_button.isEnabled() and not page.stop_button.isEnabled()
    assert page.backbone_combo.isEnabled()


def test_weights_download_progress_and_cancel(qtbot, page):
    gate = threading.Event()

    def make_job(project, config):
        def job(emit, cancel):
            emit(StageProgress('weights', 10 * 2**20, 45 * 2**20, text='Downloading resnet18 weights'))
            gate.wait(5)
            cancel.raise_if_cancelled()

        return job

    page._make_job = make_job
    page.start_button.click()
    qtbot.waitUntil(lambda: not page.cancel_download_button.isHidden(), timeout=5000)
    assert 'MB' in page.progress_bar.format()
    assert 'Downloading resnet18' in page.status_label.text()
    page.cancel_download_button.click()
    gate.set()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=5000)
    assert page.error_banner.isHidden()
    assert page.cancel_download_button.isHidden()


def test_reopen_run_shows_history_and_settings(qtbot, page, tiny_project):
    with qtbot.waitSignal(page.run_finished, timeout=5000):
        page.start_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=5000)
    page.epochs_spin.setValue(7)
    page.plots.reset()
    page.runs_table.clearSelection()
    page.select_run('run-1')
    assert page.plots.n_epochs == 4 and page.plots.n_batches == 0
    assert page.epochs_spin.value() == tiny_project.runs[0].config['epochs']
    # no model file: the run cannot be used for prediction
    assert not page.predict_button.isEnabled()


def test_stage_diagram_and_params(qtbot, page):
    page.freeze_slider.setValue(2)
    diagram = page.stage_diagram
    assert isinstance(diagram, StageDiagramWidget)
    n = page.freeze_slider.maximum()
    assert [diagram.is_frozen(i) for i in range(n)] == [True] * (n - 2) + [False, False]
    assert 'top 2' in page.freeze_label.text()
    assert 'Trainable backbone parameters: 1.02 M of' in page.params_label.text()
    assert not page.prior_check.isEnabled()
    page.freeze_slider.setValue(0)
    assert page.prior_check.isEnabled()


def test_recommended_fills_form(qtbot, page):
    page.epochs_spin.setValue(1)
    page.recommend_button.click()
    assert page.epochs_spin.value() == recommend_config(18, 3).epochs


@pytest.mark.slow
def test_real_tiny_run_end_to_end(qtbot, tiny_project):
    page = TrainPage()
    qtbot.addWidget(page)
    page.set_project(tiny_project)
    page.set_config({'backbone': 'tiny_test', 'epochs': 3, 'batch_size': 4, 'val_fraction': 0.34,
                     'use_prior': False, 'patience': 0})
    assert page.stage_diagram._stages == ('stem', 'block1', 'block2')
    with qtbot.waitSignal(page.run_finished, timeout=60000) as blocker:
        page.start_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10000)
    record = blocker.args[0]
    assert not record.cancelled and record.backbone == 'tiny_test'
    assert [r.id for r in tiny_project.runs] == [record.id]
    page.plots.flush()
    assert page.plots.n_batches == 3 * 3 and page.plots.n_epochs == 3
    assert page.predict_button.isEnabled()  # the new run is selected and has a model
    with qtbot.waitSignal(page.predict_requested, timeout=1000) as req:
        page.predict_button.click()
    assert req.args[0].is_file()
    page.export_button.click()
    dialog = page._export_dialog
    assert dialog is not None and dialog.isVisible() and dialog.model_path == req.args[0]
    dialog.reject()


@pytest.mark.slow
def test_shutdown_during_training_cancels_and_joins(qtbot, tiny_project):
    page = TrainPage()
    qtbot.addWidget(page)
    page.set_project(tiny_project)
    page.set_config({'backbone': 'tiny_test', 'epochs': 1000, 'batch_size': 2, 'use_prior': False,
                     'val_fraction': 0.34, 'patience': 0})
    page.start_button.click()
    # after one finished epoch there is a model to keep (a run stopped earlier
    # has learnt nothing and is not recorded)
    qtbot.waitUntil(lambda: page.plots.n_epochs > 0, timeout=30000)
    worker = page._worker
    assert page.shutdown(10000)
    assert not worker.is_running()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=5000)
    assert tiny_project.runs and tiny_project.runs[-1].cancelled
    assert tiny_project.runs[-1].model_path


def test_plots_coalesce_redraws(qtbot):
    from petcognizer.gui.plots import TrainingPlots

    plots = TrainingPlots(max_fps=30)
    qtbot.addWidget(plots)
    before = plots.redraws
    for i in range(2000):
        plots.add_batch(1.0 / (i + 1))
    assert plots.redraws == before  # nothing drawn yet: one timer is pending
    qtbot.waitUntil(lambda: plots.redraws == before + 1, timeout=2000)
    x, y = plots.batch_curve.getData()
    assert len(x) == 2000 and y[-1] < y[0]
    assert plots.empty_label.isHidden()
    plots.reset()
    assert plots.n_batches == 0 and not plots.empty_label.isHidden()


def test_set_project_none(qtbot, page):
    page.set_project(None)
    assert not page.start_button.isEnabled()
    assert page.runs_table.rowCount() == 0
    assert 'Start page' in page.summary_label.text()


def test_last_backbone_is_remembered_for_the_next_window(qtbot, tmp_path):
    """Settings persist per user: the backbone of the last run is preselected next time."""
    from petcognizer.core.settings import load_settings, save_settings
    from petcognizer.gui.train_page import TrainPage

    s = load_settings()
    s.last_backbone = 'efficientnet_lite2'
    save_settings(s)
    page = TrainPage()
    qtbot.addWidget(page)
    assert page.config_dict()['backbone'] == 'efficientnet_lite2'
    _settle(qtbot, page)  # the parameter count of the backbone


def test_form_round_trips_every_setting_it_shows(qtbot):
    """What the form sends is what TrainConfig holds, and a run's settings come back intact."""
    from petcognizer.gui.train_page import TrainPage

    page = TrainPage()
    qtbot.addWidget(page)
    cfg = TrainConfig(backbone='efficientnet_lite1', epochs=7, aug_views=6, progressive_resize=True,
                      balance_classes=True, train_bn=True, ensemble=True, use_prior=False)
    page.set_config(cfg)
    d = page.config_dict()
    assert set(d) <= set(TrainConfig().to_dict())
    for key in ('backbone', 'epochs', 'aug_views', 'progressive_resize', 'balance_classes',
                'train_bn', 'ensemble', 'use_prior'):
        assert d[key] == getattr(cfg, key), key
    _settle(qtbot, page)


def test_follows_the_project_without_a_reopen(qtbot, tmp_path, make_solid_photo):
    """Photos added after the page shows the project: count, recommended settings, Train enabled."""
    project = Project.create(tmp_path / 'pets', classes=['cat', 'dog'])
    page = TrainPage(make_job=make_fake_job())
    qtbot.addWidget(page)
    page.set_project(project)
    assert 'Nothing to train yet' in page.summary_label.text() and not page.start_button.isEnabled()
    for k, name in enumerate(('cat', 'dog')):
        project.add_files([make_solid_photo(tmp_path / 'src' / f'{name}{i}.png', (200, 60 * k, 40), seed=i)
                           for i in range(3)], name)
    assert '2 kinds (cat, dog) apart from 6 photos' in page.summary_label.text()
    assert page.start_button.isEnabled()
    rec = recommend_config(6, 2, page.settings_panel.backbone_name())
    assert page.epochs_spin.value() == rec.epochs and page.batch_spin.value() == rec.batch_size
    assert page.ensemble_check.isChecked() == rec.ensemble

    # a setting changed by hand is kept when the data changes
    page.epochs_spin.setValue(33)
    project.add_files([make_solid_photo(tmp_path / 'src' / 'cat9.png', (200, 0, 40), seed=9)], 'cat')
    assert 'from 7 photos' in page.summary_label.text()
    assert page.epochs_spin.value() == 33
    # "Recommended settings" follows the data again
    page.recommend_button.click()
    assert page.epochs_spin.value() == recommend_config(7, 2, page.settings_panel.backbone_name()).epochs
    _settle(qtbot, page)


def test_an_older_runs_settings_mean_one_model(qtbot, page, tiny_project):
    """A run saved before copies and the frozen blend existed: selecting it trains one model."""
    page.set_config(TrainConfig(backbone='tiny_test', freeze_depth=1, val_fraction=0.2, members=2))
    assert page.config_dict()['members'] == 2
    record = _record(tiny_project, TrainConfig(backbone='tiny_test', freeze_depth=1))
    for newer in ('members', 'val_fold', 'blend_frozen', 'start_from_epoch'):
        del record.config[newer]
    tiny_project.add_run(record)
    page.select_run('run-1')
    assert page.config_dict()['members'] == 1 and page.config_dict()['blend_frozen'] is False


def test_runs_recorded_elsewhere_are_listed(qtbot, page, tiny_project):
    """A run added to the project by another caller (the CLI, read back) appears in the list."""
    assert page.runs_table.rowCount() == 0
    tiny_project.add_run(_record(tiny_project, TrainConfig()))
    assert page.runs_table.rowCount() == 1
    assert page.run_records()[0].id == 'run-1'


def test_the_window_opens_without_pyqtgraph_until_the_curves_are_needed():
    """pyqtgraph's import is a fifth of the launch: the start page never waits for it (issue 8)."""
    import subprocess
    import sys

    code = (
        'import os, sys; os.environ["QT_QPA_PLATFORM"] = "offscreen"\n'
        'from PySide6.QtWidgets import QApplication\n'
        'app = QApplication([])\n'
        'from petcognizer.gui.main_window import MainWindow\n'
        'w = MainWindow(); w.show(); app.processEvents()\n'
        'print("pyqtgraph" in sys.modules)\n'
        'w.train_page.plots.add_batch(0.5); w.train_page.plots.flush()\n'
        'print("pyqtgraph" in sys.modules, w.train_page.plots.n_batches)\n'
        'w.shutdown(5000)\n'
    )
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=120,
                         check=False)
    assert out.stdout.split() == ['False', 'True', '1'], out.stdout + out.stderr


def test_backbones_a_build_lacks_are_greyed_out_not_offered_for_download(qtbot, monkeypatch):
    """A desktop build without torchvision (packaging/README.md) cannot download ResNet & co."""
    from petcognizer.core import backbones
    from petcognizer.gui.train_settings import TrainSettingsPanel

    monkeypatch.setattr(backbones, 'torchvision_problem', lambda: backbones.NOT_IN_BUILD)
    panel = TrainSettingsPanel()
    qtbot.addWidget(panel)
    combo, model = panel.backbone_combo, panel.backbone_combo.model()
    rows = {combo.itemData(i): i for i in range(combo.count())}
    lite, resnet = rows['efficientnet_lite0'], rows['resnet50']
    assert model.item(lite).isEnabled() and 'ready' in combo.itemText(lite)
    assert not model.item(resnet).isEnabled()
    assert 'not in this build' in combo.itemText(resnet)
    assert 'download' not in combo.itemText(resnet)


def test_settings_the_form_does_not_show_still_reach_the_run(qtbot):
    """The recommendation's refit_all (above 300 photos) and a fine-tuning's start_from_epoch
    have no widget; the window must train with them all the same, as the command line does."""
    from petcognizer.core.config import TrainConfig, recommend_config
    from petcognizer.gui.train_settings import TrainSettingsPanel

    panel = TrainSettingsPanel()
    qtbot.addWidget(panel)
    cfg = recommend_config(1000, 3)
    cfg.start_from_epoch = 8
    assert cfg.refit_all
    panel.set_config(cfg)
    panel.epochs_spin.setValue(cfg.epochs + 1)  # a change by hand keeps them
    got = TrainConfig.from_dict(panel.config_dict())
    assert got.refit_all and got.start_from_epoch == 8 and got.epochs == cfg.epochs + 1
    panel.set_config({'backbone': cfg.backbone})  # a partial update keeps them too
    assert TrainConfig.from_dict(panel.config_dict()).refit_all
    panel.set_config(TrainConfig(backbone=cfg.backbone))  # a whole other config replaces them
    got = TrainConfig.from_dict(panel.config_dict())
    assert not got.refit_all and got.start_from_epoch == 0
