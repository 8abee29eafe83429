"""Per-user settings: round trip, recent list, and never crashing on a bad file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from petcognizer.core.settings import (
    MAX_RECENT,
    AppSettings,
    cache_root,
    load_settings,
    save_settings,
    settings_path,
)


def test_paths_follow_environment(tmp_path, monkeypatch):
    monkeypatch.setenv('PETCOGNIZER_CONFIG', str(tmp_path / 'conf.json'))
    monkeypatch.setenv('PETCOGNIZER_CACHE', str(tmp_path / 'cache'))
    assert settings_path() == tmp_path / 'conf.json'
    assert cache_root() == tmp_path / 'cache'
    monkeypatch.delenv('PETCOGNIZER_CONFIG')
    monkeypatch.delenv('PETCOGNIZER_CACHE')
    assert settings_path().name == 'settings.json' and 'petcognizer' in str(settings_path())
    assert 'petcognizer' in str(cache_root())


def test_defaults_when_missing():
    s = load_settings()
    assert s == AppSettings()
    assert s.schema_version == 1 and s.recent_projects == [] and s.extra == {}


def test_round_trip(tmp_path):
    s = AppSettings(last_backbone='efficientnet_lite0', last_export_dir=str(tmp_path),
                    window_geometry='AdnQywADAAA=', extra={'theme': 'dark', 'n': [1, 2]})  # fmt: skip
    s.add_recent(tmp_path / 'proj one')
    save_settings(s)
    loaded = load_settings()
    assert loaded == s
    assert loaded.recent_projects == [str(tmp_path / 'proj one')]
    assert not [p for p in settings_path().parent.iterdir() if p.name.endswith('.tmp')]


def test_add_recent_dedupes_and_caps(tmp_path):
    s = AppSettings()
    for i in range(15):
        s.add_recent(tmp_path / f'p{i}')
    assert len(s.recent_projects) == MAX_RECENT == 10
    assert s.recent_projects[0] == str(tmp_path / 'p14')
    s.add_recent(tmp_path / 'p10')
    assert s.recent_projects[0] == str(tmp_path / 'p10')
    assert s.recent_projects.count(str(tmp_path / 'p10')) == 1
    s.add_recent(str(tmp_path / 'p12') + os.sep)  # same folder, spelled differently
    assert s.recent_projects.count(str(tmp_path / 'p12')) == 1


@pytest.mark.parametrize(
    'content',
    [b'{not json', b'\xff\xfe\x00', b'[1, 2, 3]', b'', b'{"recent_projects": "oops", "last_backbone": 5}'],
)
def test_corrupt_file_gives_defaults(content):
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    s = load_settings()
    assert s.recent_projects == [] and s.last_backbone is None


def test_partly_valid_file_keeps_good_fields():
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({'recent_projects': ['/a', 3, '/b'], 'window_geometry': 'xyz', 'extra': []}))
    s = load_settings()
    assert s.recent_projects == ['/a', '/b'] and s.window_geometry == 'xyz' and s.extra == {}


def test_unreadable_file_gives_defaults():
    path = settings_path()
    path.mkdir(parents=True)  # a folder where the file should be: reading raises OSError
    assert load_settings() == AppSettings()


def test_failed_save_keeps_old_file(monkeypatch):
    save_settings(AppSettings(last_backbone='a'))
    before = settings_path().read_bytes()

    def boom(*args, **kwargs):
        raise OSError(28, 'No space left on device')

    with monkeypatch.context() as m, pytest.raises(OSError):
        m.setattr(os, 'replace', boom)
        save_settings(AppSettings(last_backbone='b'))
    assert settings_path().read_bytes() == before
    assert [p.name for p in Path(settings_path()).parent.iterdir()] == ['settings.json']
