"""Where New project puts a project: the default folder, a safe folder name, never an existing folder."""

import pytest

from petcognizer.core.settings import (
    AppSettings,
    default_projects_dir,
    folder_name,
    free_project_path,
    load_settings,
    save_settings,
)


def test_folder_name_is_safe():
    assert folder_name('  My pets ') == 'My pets'
    assert folder_name('cats/dogs: 2') == 'cats-dogs- 2'
    assert folder_name(' / ') == '' and folder_name('..') == '' and folder_name('') == ''


def test_free_project_path_never_an_existing_folder(tmp_path):
    assert free_project_path(tmp_path, 'Pets') == tmp_path / 'Pets'
    (tmp_path / 'Pets').mkdir()
    (tmp_path / 'Pets 2').write_text('a file, not a folder')
    assert free_project_path(tmp_path, 'Pets') == tmp_path / 'Pets 3'
    with pytest.raises(ValueError, match='Type a name'):
        free_project_path(tmp_path, '???')


def test_default_location_and_last_project_are_remembered(tmp_path):
    assert default_projects_dir().name == 'petcognizer'
    s = AppSettings(projects_dir=str(tmp_path / 'mine'), last_project=str(tmp_path / 'mine' / 'Pets'))
    save_settings(s)
    back = load_settings()
    assert default_projects_dir(back) == tmp_path / 'mine'
    assert back.last_project == str(tmp_path / 'mine' / 'Pets')
