"""The start page: actions, recent projects (missing ones greyed and removable)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from petcognizer.core.project import Project
from petcognizer.gui.start_page import StartPage


def test_buttons_emit_requests(qtbot):
    page = StartPage()
    qtbot.addWidget(page)
    for button, signal in (
        (page.new_button, page.new_project_requested),
        (page.open_button, page.open_project_requested),
        (page.import_button, page.import_folder_requested),
    ):
        with qtbot.waitSignal(signal, timeout=1000):
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_recent_projects_missing_greyed_and_removable(qtbot, tmp_path):
    real = Project.create(tmp_path / 'pets').root
    gone = tmp_path / 'gone'
    page = StartPage()
    qtbot.addWidget(page)
    page.show()
    assert page.empty_recent.isVisible() and not page.recent_list.isVisible()
    page.set_recent([str(real), str(gone)])
    assert page.recent_list.isVisible() and not page.empty_recent.isVisible()
    assert page.recent_paths() == [Path(real), gone]
    assert not page.is_missing(0) and page.is_missing(1)
    assert 'not found' in page.recent_list.item(1).text()

    with qtbot.waitSignal(page.recent_project_activated) as blocker:
        rect = page.recent_list.visualItemRect(page.recent_list.item(0))
        qtbot.mouseClick(page.recent_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [Path(real)]

    # a missing project cannot be opened, only removed
    with qtbot.assertNotEmitted(page.recent_project_activated):
        page._on_recent_itemActivated(page.recent_list.item(1))
    page.recent_list.setCurrentRow(1)
    with qtbot.waitSignal(page.recent_project_removed) as blocker:
        qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [gone]


@pytest.mark.parametrize('size', [(1024, 700), (1920, 1080)])
def test_start_page_and_new_project_dialog_layout(qtbot, tmp_path, size):
    """No clipped, elided or overlapping text: the start page (with a message and recent projects)
    and the New project dialog (with its "exists already" note)."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from layoutcheck import check_layout

    from petcognizer.gui.new_project import NewProjectDialog

    page = StartPage()
    qtbot.addWidget(page)
    page.set_recent([Project.create(tmp_path / 'pets').root, tmp_path / 'gone' / 'Old pets'])
    page.show_message("The project you had open last, 'Old pets', is not at /home/anna/petcognizer any "
                      'more (moved, renamed or deleted?). Open it from where it is now, or start a new one.')
    page.resize(*size)
    page.show()
    qtbot.waitExposed(page)
    problems = check_layout(page)
    assert not problems, '\n'.join(problems)

    (tmp_path / 'My pets').mkdir()
    dialog = NewProjectDialog(tmp_path, 'My pets')
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.target() == tmp_path / 'My pets 2' and dialog.note_label.isVisible()
    problems = check_layout(dialog)
    assert not problems, '\n'.join(problems)
