"""Train page, issue 11: simple by default, expert settings one click away, training you can follow."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from petcognizer.core.config import recommend_config
from petcognizer.core.events import (
    BatchEnded,
    EpochEnded,
    EpochStarted,
    Message,
    RunEnded,
    RunStarted,
    StageProgress,
)
from petcognizer.core.runs import RunRecord
from petcognizer.gui.style import STYLE_SHEET, light_palette
from petcognizer.gui.train_estimate import RunClock, about_text, plan_run
from petcognizer.gui.train_page import TrainPage
from petcognizer.gui.train_simple import config_for_mode, expert_settings_open

CLASSES = ('red', 'green', 'blue')


def _record(project, config):
    return RunRecord.from_dict({
        'id': f'run-{len(project.runs) + 1}', 'created': '2026-01-01T00:00:00+00:00',
        'backbone': config.backbone, 'config': config.to_dict(), 'classes': list(CLASSES),
        'n_train': 18, 'n_val': 0, 'best_val_acc': None, 'best_epoch': 1, 'seconds': 3.0,
        'cancelled': False, 'model_path': None, 'history': [], 'device': 'cpu',
    })


def ensemble_job(gate: threading.Event | None = None, seen: list | None = None, epochs: int = 3):
    """Events as the run service sends them for an ensemble of three networks."""

    def make_job(project, config):
        def job(emit, cancel):
            emit(RunStarted(config.backbone, 'cpu', epochs, 2, 18, 0, CLASSES, 0, 'linear'))
            if gate is not None:
                gate.wait(10)
            emit(StageProgress('features', 0, 18, text='Reading photos'))
            emit(StageProgress('features', 18, 18, images_per_s=20.0, text='Computing backbone features'))
            for e in range(epochs):
                emit(EpochStarted(e, epochs, 0.003))
                for s in range(2):
                    emit(BatchEnded(e, s, 2, 1.0 - 0.1 * e, 40.0, 2.0))
                emit(EpochEnded(e, epochs, 1.0 - 0.2 * e, 0.5 + 0.1 * e, None, None, 0.1, e == epochs - 1))
            for k in (2, 3):
                emit(Message('info', f'Ensemble: training member {k} of 3 (efficientnet_lite{k - 1})'))
                emit(StageProgress('features', 0, 18, text='Reading photos'))
                emit(StageProgress('features', 18, 18, images_per_s=10.0, text='Computing backbone features'))
            emit(StageProgress('evaluate', 1, 3, text='Measuring accuracy'))
            emit(StageProgress('evaluate', 3, 3, text='Measuring accuracy'))
            emit(RunEnded(False, epochs - 1, None, 4.0))
            record = _record(project, config)
            project.add_run(record)
            return record

        return job

    return make_job


@pytest.fixture
def page(qtbot, tiny_project, open_train_page):
    page = open_train_page(tiny_project, make_job=ensemble_job())
    yield page
    qtbot.waitUntil(lambda: not page.settings_panel._param_workers, timeout=90000)
    assert page.shutdown(5000)


def _in_view(scroll, widget: QWidget) -> bool:
    top_left = widget.mapTo(scroll.viewport(), QPoint(0, 0))
    return scroll.viewport().rect().intersects(QRect(top_left, widget.size()))


def test_simple_by_default(qtbot, page):
    text = page.summary_label.text()
    assert 'learn to tell 3 kinds (red, green, blue) apart from 18 photos' in text
    assert 'on this computer' in text and 'about' in text
    assert not page.settings_panel.isVisible()  # every expert control is folded away
    assert not page.backbone_combo.isVisible() and not page.epochs_spin.isVisible()
    quick, accurate = page.simple.mode_buttons['quick'], page.simple.mode_buttons['accurate']
    assert quick.isVisible() and accurate.isVisible() and accurate.isChecked()
    assert 'EfficientNet-Lite0' in quick.toolTip() and 'ensemble' in accurate.toolTip()
    assert page.start_button.isVisible() and page.start_button.isEnabled()
    assert page.start_button.height() >= 40  # the big button
    # Most accurate = the recommended settings (the ensemble up to 300 photos)
    rec = recommend_config(18, 3, 'efficientnet_lite0')
    assert page.config_dict()['ensemble'] is True and page.epochs_spin.value() == rec.epochs
    quick.click()
    d = page.config_dict()
    assert d['backbone'] == 'efficientnet_lite0' and d['ensemble'] is False
    assert d['epochs'] == config_for_mode('quick', 18, 3).epochs
    quick_text = page.summary_label.text()
    accurate.click()
    assert page.config_dict()['ensemble'] is True
    assert page.summary_label.text() != quick_text  # the estimate follows the choice


def test_expert_settings_open_in_view_and_are_remembered(qtbot, page):
    assert not expert_settings_open()
    page.expert_toggle.click()
    assert page.settings_panel.isVisible()
    qtbot.waitUntil(lambda: _in_view(page.left_scroll, page.settings_panel.first_box), timeout=2000)
    assert _in_view(page.left_scroll, page.expert_toggle)
    assert expert_settings_open()  # remembered per user
    second = TrainPage()
    qtbot.addWidget(second)
    assert second.expert_toggle.isChecked() and not second.settings_panel.isHidden()
    second.expert_toggle.click()
    assert not expert_settings_open()
    qtbot.waitUntil(lambda: not second.settings_panel._param_workers, timeout=90000)
    assert second.shutdown(5000)


def test_expert_settings_in_view_at_1024x700_even_when_scrolled(qtbot, page):
    page.expert_toggle.click()
    qtbot.waitUntil(lambda: _in_view(page.left_scroll, page.settings_panel.first_box), timeout=2000)
    page.expert_toggle.click()  # close, scroll away, open again
    page.left_scroll.verticalScrollBar().setValue(0)
    page.expert_toggle.click()
    qtbot.waitUntil(lambda: _in_view(page.left_scroll, page.settings_panel.first_box), timeout=2000)


def test_more_settings_inside_open_in_view_too(qtbot, page):
    page.expert_toggle.click()
    more = page.settings_panel.advanced_toggle
    more.click()
    qtbot.waitUntil(lambda: _in_view(page.left_scroll, page.settings_panel.wd_spin), timeout=2000)
    assert _in_view(page.left_scroll, more)
    assert page.left_scroll.horizontalScrollBar().value() == 0


def test_a_setting_by_hand_shows_as_own_settings(qtbot, page):
    page.expert_toggle.click()
    page.epochs_spin.setValue(7)
    assert page.simple.mode() is None and page.simple.custom_label.isVisible()
    page.simple.mode_buttons['quick'].click()
    assert page.simple.mode() == 'quick' and page.simple.custom_label.isHidden()
    assert page.epochs_spin.value() == config_for_mode('quick', 18, 3).epochs


def _pixel(widget: QWidget):
    img = widget.grab().toImage()
    return img.pixelColor(img.width() // 2, img.height() // 4)


def test_a_disabled_primary_button_looks_disabled(qtbot):
    host = QWidget()
    host.setPalette(light_palette())
    host.setStyleSheet(STYLE_SHEET)
    qtbot.addWidget(host)
    on, off = QPushButton('Train', host), QPushButton('Train', host)
    for b in (on, off):
        b.setObjectName('PrimaryButton')
        b.resize(120, 40)
    off.move(0, 50)
    off.setEnabled(False)
    host.show()
    qtbot.waitExposed(host)
    a, b = _pixel(on), _pixel(off)
    assert a.blue() > a.red() + 80  # the accent blue
    assert abs(b.blue() - b.red()) < 40  # grey
    assert sum(abs(x - y) for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True)) > 100


def test_eta_from_the_first_event_and_no_bare_pulsing_bar(qtbot, page):
    gate = threading.Event()
    page._make_job = ensemble_job(gate=gate)
    page.start_button.click()
    # before the job says anything: the stages and a time left, a bar that is not "busy"
    assert 'left' in page.status_label.text()
    assert page.progress_bar.maximum() > 0
    assert page.progress.stage() == 'read'
    qtbot.waitUntil(lambda: page.progress.run_info is not None, timeout=5000)  # the first event
    assert 'left' in page.status_label.text() and 'about' in page.status_label.text()
    # no "curves appear here" while training
    assert page.plots.empty_label.isHidden() and page.plots.graphics.isVisible()
    assert not page.start_button.isEnabled()
    gate.set()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10000)
    assert page.plots.empty_label.isHidden()  # the curves of the run stay


def test_an_ensemble_gives_one_set_of_curves_and_a_bar_that_never_goes_back(qtbot, page):
    values, texts, drawn = [], [], []

    def on_redrawn():
        values.append(page.progress_bar.value() / max(1, page.progress_bar.maximum()))
        texts.append(page.status_label.text())
        xs = page.plots.train_acc_curve.getData()[0]
        drawn.append((page.plots.n_epochs, 0 if xs is None else len(xs)))

    page.progress.redrawn.connect(on_redrawn)
    with qtbot.waitSignal(page.run_finished, timeout=10000):
        page.start_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10000)
    assert values == sorted(values) and values[-1] == pytest.approx(1.0)
    assert any('network 2 of 3' in t for t in texts) and any('network 3 of 3' in t for t in texts)
    assert any(t.startswith('Checking') for t in texts)
    # one set of curves: the first network's 3 epochs, not restarted by the others
    x, _acc = page.plots.train_acc_curve.getData()
    assert list(x) == [1, 2, 3] and page.plots.n_epochs == 3
    # the curves never lag the status line: each redraw of the text drew every epoch received
    assert all(n == shown for n, shown in drawn)
    assert 'member' not in page.message_banner.text()  # shown as "network k of 3" instead
    assert all(page.progress.stage_labels[s].property('state') == 'done' for s in ('read', 'learn', 'check'))


def test_legend_is_outside_the_plots(qtbot, page):
    page.plots.add_epoch(1.0, 1.1, 0.5, 0.4, x=1)
    page.plots.flush()
    curves = page.plots.curves
    qtbot.waitUntil(lambda: curves.legend_label.isVisible(), timeout=2000)
    assert curves.legend_label.geometry().top() >= curves.graphics.geometry().bottom()
    assert curves.legend_label.wordWrap()


def test_run_clock_counts_down_and_learns_the_speed():
    plan = plan_run(100, {'backbone': 'efficientnet_lite0', 'ensemble': True})
    assert [p.stage for p in plan] == ['read', 'learn'] * 3 + ['check']
    total = sum(p.seconds for p in plan)
    clock = RunClock(plan, start=0.0)
    assert clock.remaining(0.0) == pytest.approx(total)
    assert clock.remaining(1.0) < total
    clock.at('read', 2.0, fraction=0.5, eta_s=3.0)
    assert clock.remaining(2.0) > 3.0  # this phase's 3 s plus the others
    clock.at('learn', 5.0)
    clock.at('read', 5.5, fraction=0.9)  # the validation photos' reading: no going back
    assert clock.stage == 'learn'
    fractions = [clock.done_fraction(t) for t in (5.0, 6.0, 30.0, 31.0)]
    assert fractions == sorted(fractions) and fractions[-1] < 1.0
    clock.on_message('Ensemble: training member 3 of 3 (efficientnet_lite2)', 40.0)
    assert clock.stage == 'read' and clock.phase.member == 2
    assert about_text(3) == 'a few seconds left' and about_text(42) == 'about 40 s left'
    assert about_text(600) == 'about 10 min left'


def test_the_plan_counts_a_fine_tunings_copies_and_blended_heads():
    tuned = {'backbone': 'efficientnet_lite0', 'freeze_depth': 9, 'augment': True, 'epochs': 30}
    one = plan_run(200, tuned)
    two = plan_run(200, {**tuned, 'members': 2})
    blend = plan_run(200, {**tuned, 'members': 2, 'blend_frozen': True})
    assert [p.stage for p in two] == ['read', 'learn', 'check']  # the second copy reports as checking
    networks = one[0].seconds + one[1].seconds
    assert two[-1].seconds == pytest.approx(one[-1].seconds + networks)
    assert sum(p.seconds for p in blend) > sum(p.seconds for p in two)
    # copies and blending apply to fine-tuning only: a frozen plan ignores them
    frozen = {'backbone': 'efficientnet_lite0', 'freeze_depth': 0}
    assert plan_run(200, {**frozen, 'members': 2, 'blend_frozen': True}) == plan_run(200, frozen)


def test_an_overrunning_phase_makes_the_time_left_grow():
    from petcognizer.gui.train_estimate import Phase

    clock = RunClock([Phase('read', 0, 2.0), Phase('learn', 0, 2.0), Phase('check', 0, 2.0)], start=0.0)
    assert clock.remaining(10.0) > clock.remaining(5.0) > 0  # slower than planned: it says so
    clock.at('check', 20.0, fraction=0.1)
    assert clock.remaining(40.0) > 60  # 10% in 20 s: minutes, not "a few seconds"
    assert clock.calibration(50.0) > 1.0


@pytest.mark.parametrize('size', [(1024, 700), (1920, 1080)])
def test_train_page_layout_has_no_clipped_or_overlapping_text(qtbot, page, size):
    from layoutcheck import check_layout

    page.resize(*size)
    for state in ('data', 'expert', 'training', 'trained'):
        if state == 'expert':
            page.expert_toggle.click()
        if state == 'training':
            gate = threading.Event()
            page._make_job = ensemble_job(gate=gate)
            page.start_button.click()
            qtbot.waitUntil(lambda: page.progress.run_info is not None, timeout=5000)
        if state == 'trained':
            gate.set()
            qtbot.waitUntil(lambda: not page.is_busy(), timeout=10000)
        QApplication.processEvents()
        problems = check_layout(page)
        assert not problems, f'{state} at {size}:\n' + '\n'.join(problems)
