"""Every page and dialog in Russian and Simplified Chinese at 1024x700: no clipped, elided or overlapping text.

The same checks as ``test_layout_pages.py`` (``tests/gui/layoutcheck.py``), with
petcognizer's and Qt's translators installed before the window is built, as
``petcognizer gui`` does. The pages: Start, Data, Train (simple, then with Expert
settings open, and its result card), Predict with results of every kind; the
dialogs: Export, New project, Keyboard shortcuts. Russian has the longest words,
Chinese the widest glyphs; the metrics are those of whatever font the machine has
(without a CJK font, Qt's fallback boxes are as wide as the glyphs).
"""

from __future__ import annotations

import pytest
from layoutcheck import check_layout, with_results
from test_layout_pages import size_problem

from petcognizer.gui.main_window import MainWindow

SIZE = (1024, 700)
#: The Data tab's title in each language: proof that the translation is in effect.
DATA_TAB = {'ru': 'Данные', 'zh_CN': '数据'}


@pytest.fixture
def lang(app_style, translated):
    return translated


@pytest.fixture
def window(lang, layout_window):
    return layout_window


def _report(found: dict[str, list[str]]) -> str:
    return '\n'.join(f'{page}: {p}' for page, problems in found.items() for p in problems)


def test_every_page_fits(qtbot, window, lang, trained, tmp_path, make_solid_photo):
    found: dict[str, list[str]] = {}
    window.pages.setCurrentWidget(window.start_page)
    qtbot.wait(50)
    found['Start'] = check_layout(window) + size_problem(window, SIZE)

    project, _record = trained
    with_results(qtbot, window, project, tmp_path, make_solid_photo)
    assert window.tabs.tabText(0) == DATA_TAB[lang]
    train = window.train_page
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        if window.tabs.currentWidget() is train:
            train.result_tabs.setCurrentWidget(train.result_card)
        qtbot.wait(50)
        found[window.tabs.tabText(index)] = check_layout(window) + size_problem(window, SIZE)
    window.tabs.setCurrentWidget(train)
    train.expert_toggle.setChecked(True)
    qtbot.wait(50)
    found['Train, expert settings'] = check_layout(window) + size_problem(window, SIZE)
    # the form is in a scrolling column: scroll down to its end too
    bar = train.left_scroll.verticalScrollBar()
    bar.setValue(bar.maximum())
    qtbot.wait(50)
    found['Train, expert settings (end)'] = check_layout(window)
    train.result_tabs.setCurrentWidget(train.plots)
    qtbot.wait(50)
    found['Train, curves'] = check_layout(window)
    assert len(found) == 7
    report = _report(found)
    assert not report, f'{lang}:\n{report}'


def test_dialogs_fit(qtbot, lang, app_style, trained, tmp_path):
    from petcognizer.gui.export_dialog import ExportDialog
    from petcognizer.gui.new_project import NewProjectDialog
    from petcognizer.gui.shortcuts import ShortcutsDialog

    project, record = trained
    found: dict[str, list[str]] = {}
    export = ExportDialog(project.root / record.model_path, run=record, default_dir=tmp_path)
    new = NewProjectDialog(tmp_path)
    win = MainWindow()
    qtbot.addWidget(win)
    keys = ShortcutsDialog(win)
    keys.show_for(win)
    for name, dialog in (('Export', export), ('New project', new), ('Keyboard shortcuts', keys)):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        qtbot.wait(50)
        found[name] = check_layout(dialog)
    assert export.windowTitle() != 'Export model' and new.windowTitle() != 'New project'
    report = _report(found)
    for dialog in (export, new, keys):
        dialog.close()
    win.shutdown(2000)
    assert not report, f'{lang}:\n{report}'
