"""Typed runs in project.json: old files open, bad entries are left out, other processes' runs are kept."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from petcognizer.core.project import Project, ProjectError
from petcognizer.core.runs import RunRecord


@pytest.fixture
def proj(tmp_path) -> Project:
    return Project.create(tmp_path / 'proj', classes=['cat', 'dog'])


def on_disk(project: Project) -> dict:
    return json.loads((project.root / 'project.json').read_text())


def write_runs(project: Project, runs) -> None:
    data = on_disk(project)
    data['runs'] = runs
    (project.root / 'project.json').write_text(json.dumps(data))


def record(run_id: str, **fields) -> RunRecord:
    return RunRecord(id=run_id, created='2026-01-01T00:00:00+00:00', backbone='tiny_test', **fields)


def test_runs_are_typed_and_stored_as_dicts(proj):
    added = proj.add_run(record('r1', best_val_acc=0.75, classes=['cat', 'dog']))
    assert isinstance(added, RunRecord) and proj.runs == [added]
    assert proj.run('r1') is added
    assert on_disk(proj)['runs'] == [added.to_dict()]
    again = Project.open(proj.root)
    assert again.runs == [added] and again.warnings == []
    with pytest.raises(ProjectError, match='no run'):
        proj.run('nope')
    # runs is a copy: changing the list does not change the project.
    proj.runs.clear()
    assert len(proj.runs) == 1


def test_add_run_accepts_a_dict(proj):
    added = proj.add_run({'id': 'r1', 'best_val_acc': 0.5, 'mystery': [1, 2]})
    assert isinstance(added, RunRecord) and added.best_val_acc == 0.5 and added.extra == {'mystery': [1, 2]}
    assert on_disk(proj)['runs'][0]['mystery'] == [1, 2]


def test_update_run(proj):
    proj.add_run(record('r1'))
    updated = proj.update_run('r1', best_val_acc=0.9, cancelled=True, note='kept')
    assert proj.run('r1') == updated
    assert updated.best_val_acc == 0.9 and updated.cancelled is True and updated.extra == {'note': 'kept'}
    stored = Project.open(proj.root).run('r1')
    assert stored.best_val_acc == 0.9 and stored.extra == {'note': 'kept'}
    with pytest.raises(ProjectError, match='cannot be changed'):
        proj.update_run('r1', id='r2')
    with pytest.raises(ProjectError, match='cannot be saved'):
        proj.update_run('r1', note=object())
    assert proj.run('r1') == updated


def test_a_failed_save_leaves_the_run_list_as_it_was(proj, monkeypatch):
    proj.add_run(record('r1'))

    def no_space(*a, **k):
        raise OSError(errno.ENOSPC, 'No space left on device')

    with monkeypatch.context() as m:
        m.setattr(os, 'fsync', no_space)
        with pytest.raises(ProjectError, match='free some disk space'):
            proj.add_run(record('r2'))
        with pytest.raises(ProjectError):
            proj.remove_run('r1')
        with pytest.raises(ProjectError):
            proj.update_run('r1', seconds=3.0)
    assert [(r.id, r.seconds) for r in proj.runs] == [('r1', 0.0)]
    assert [r['id'] for r in on_disk(proj)['runs']] == ['r1']


def test_old_dict_runs_open_with_defaults_and_keep_unknown_fields(proj):
    write_runs(proj, [
        {'id': 'old', 'created': '2025-05-01T10:00:00+00:00', 'config': {'epochs': 3}, 'best_val_acc': 0.5},
        {'id': 'future', 'new_field': {'a': 1}, 'n_train': '12'},  # wrong type: default
    ])  # fmt: skip
    again = Project.open(proj.root)
    assert again.warnings == []
    old, future = again.runs
    assert old.config == {'epochs': 3} and old.best_val_acc == 0.5 and old.history == [] and old.device == 'cpu'
    assert future.extra == {'new_field': {'a': 1}} and future.n_train == 0
    again.add_class('bird')  # any save keeps them, unknown fields included
    assert on_disk(again)['runs'][1]['new_field'] == {'a': 1}


@pytest.mark.parametrize('bad', [{'no': 'id'}, {'id': 7}, {'id': ''}, 'a string', 5, None, ['id', 'x']])
def test_a_malformed_run_is_left_out_with_a_warning(proj, bad):
    write_runs(proj, [{'id': 'good1'}, bad, {'id': 'good2'}])
    again = Project.open(proj.root)
    assert [r.id for r in again.runs] == ['good1', 'good2']
    assert any('run entry 2' in w and 'left out' in w for w in again.warnings)
    again.save()
    assert [r['id'] for r in on_disk(again)['runs']] == ['good1', 'good2']


def test_a_run_recorded_twice_is_kept_once(proj):
    write_runs(proj, [{'id': 'r1', 'seconds': 1.0}, {'id': 'r1', 'seconds': 2.0}])
    again = Project.open(proj.root)
    assert [(r.id, r.seconds) for r in again.runs] == [('r1', 1.0)]
    assert any('twice' in w for w in again.warnings)


def test_reload_runs_reads_what_another_process_recorded(proj):
    events = []
    proj.events.runs_changed.connect(lambda: events.append('runs'))
    proj.add_run(record('mine'))
    events.clear()
    cli = Project.open(proj.root)  # what `petcognizer train PROJECT` does
    cli.add_run(record('theirs'))
    assert [r.id for r in proj.runs] == ['mine']
    assert proj.reload_runs() is True
    assert [r.id for r in proj.runs] == ['mine', 'theirs'] and events == ['runs']
    assert proj.reload_runs() is False and events == ['runs']


def test_reload_runs_in_another_real_process(proj):
    code = (
        'import sys; from petcognizer.core.project import Project; from petcognizer.core.runs import RunRecord; '
        'p = Project.open(sys.argv[1]); p.add_run(RunRecord(id="cli-run", backbone="tiny_test")); '
        'print("torch" in sys.modules)'
    )
    out = subprocess.run([sys.executable, '-c', code, str(proj.root)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == 'False'
    assert proj.reload_runs() is True and proj.run('cli-run').backbone == 'tiny_test'


def test_saving_merges_runs_recorded_meanwhile_not_those_removed_here(proj):
    proj.add_run(record('a'))
    proj.add_run(record('b'))
    cli = Project.open(proj.root)
    cli.add_run(record('c'))
    events = []
    proj.events.runs_changed.connect(lambda: events.append('runs'))
    proj.add_class('bird')  # an unrelated save must not drop the CLI's run
    assert [r['id'] for r in on_disk(proj)['runs']] == ['a', 'b', 'c']
    assert [r.id for r in proj.runs] == ['a', 'b', 'c'] and events == ['runs']
    cli2 = Project.open(proj.root)
    cli2.add_run(record('d'))
    proj.remove_run('a')  # the disk still has 'a' from cli2's save: it stays removed
    assert [r['id'] for r in on_disk(proj)['runs']] == ['b', 'c', 'd']
    assert proj.reload_runs() is False
    assert [r.id for r in Project.open(proj.root).runs] == ['b', 'c', 'd']


def test_merge_survives_a_damaged_project_json_written_meanwhile(proj):
    proj.add_run(record('a'))
    (proj.root / 'project.json').write_text('{"runs": [')
    assert proj.reload_runs() is False
    proj.add_class('bird')
    assert [r['id'] for r in on_disk(proj)['runs']] == ['a']



_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
_run_entry = _json | st.fixed_dictionaries(
    {'id': st.text(min_size=1, max_size=5)},
    optional={k: _json for k in ('created', 'config', 'classes', 'n_train', 'best_val_acc', 'history',
                                 'skipped', 'cancelled', 'model_path', 'extra')},
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(runs=st.lists(_run_entry, max_size=4))
def test_any_json_in_runs_opens(proj, runs):
    write_runs(proj, runs)
    again = Project.open(proj.root)
    assert all(isinstance(r, RunRecord) for r in again.runs)
    assert len({r.id for r in again.runs}) == len(again.runs)
    again.save()  # and what was kept can be written back and read again
    assert [r.id for r in Project.open(proj.root).runs] == [r.id for r in again.runs]
