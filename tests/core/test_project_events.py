"""project.events: each change is announced once, after it is on disk, with the classes it touched."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from photos import make_photo

from petcognizer.core.project import Project, ProjectError, ProjectEvents, TrashEntry
from petcognizer.core.runs import RunRecord


class Recorder:
    """Every emission of a project's signals, as (signal name, args)."""

    def __init__(self, project: Project):
        self.calls: list[tuple[str, tuple]] = []
        project.events.all.connect(self._on)

    def _on(self, info) -> None:
        self.calls.append((info.signal.name, tuple(info.args)))

    def take(self) -> list[tuple[str, tuple]]:
        calls, self.calls = self.calls, []
        return calls


@pytest.fixture
def proj(tmp_path) -> Project:
    return Project.create(tmp_path / 'proj', classes=['cat', 'dog'])


@pytest.fixture
def rec(proj) -> Recorder:
    return Recorder(proj)


@pytest.fixture
def photos(tmp_path) -> list[Path]:
    return [make_photo(tmp_path / 'src' / f'p{i}.jpg', noise_seed=300 + i) for i in range(4)]


def photos_changed(*classes):
    return ('photos_changed', (frozenset(classes),))


CLASSES = ('classes_changed', ())


def test_every_project_has_its_own_events(tmp_path):
    a = Project.create(tmp_path / 'a')
    b = Project.create(tmp_path / 'b')
    assert isinstance(a.events, ProjectEvents) and a.events is not b.events
    assert set(a.events) == {'classes_changed', 'photos_changed', 'settings_changed', 'runs_changed',
                             'name_changed'}
    heard = []
    a.events.classes_changed.connect(lambda: heard.append('a'))
    b.add_class('x')
    assert heard == []
    assert Project.open(a.root).events is not a.events


def test_add_files_of_three_photos_emits_once(proj, rec, photos):
    report = proj.add_files(photos[:3], 'cat')
    assert len(report.added) == 3
    assert rec.take() == [photos_changed('cat')]
    proj.add_files([photos[3]], None)
    assert rec.take() == [photos_changed(None)]
    # Only duplicates: nothing changed, nothing emitted.
    assert proj.add_files(photos[:2], 'dog').duplicates
    assert rec.take() == []


def test_class_operations_emit_classes_changed(proj, rec, photos):
    proj.add_class('bird')
    assert rec.take() == [CLASSES]
    proj.set_class_color('bird', '#102030')
    assert rec.take() == [CLASSES]
    proj.move_class('bird', 0)
    assert rec.take() == [CLASSES]
    proj.move_class('bird', 0)  # already there
    assert rec.take() == []
    proj.class_matches = {'bird': ['n01530575']}
    assert rec.take() == [CLASSES]
    proj.add_files(photos[:2], 'bird')
    rec.take()
    proj.rename_class('bird', 'owl')
    assert rec.take() == [CLASSES, photos_changed('bird', 'owl')]
    entries = proj.delete_class('owl')
    assert rec.take() == [CLASSES, photos_changed('owl')]
    proj.restore_class('owl', entries, index=0)  # a nested restore(): still one emission each
    assert rec.take() == [CLASSES, photos_changed('owl')]
    assert proj.classes == ['owl', 'cat', 'dog'] and proj.counts()['owl'] == 2


def test_photo_operations_emit_photos_changed(proj, rec, photos):
    cat = proj.add_files(photos[:2], 'cat').added
    unl = proj.add_files(photos[2:3], None).added
    rec.take()
    moved = proj.move_images([cat[0]], 'dog')
    assert rec.take() == [photos_changed('cat', 'dog')]
    assert proj.move_images([moved[cat[0]]], 'dog') == {moved[cat[0]]: moved[cat[0]]}
    assert rec.take() == []  # already there
    entries = proj.delete_images([cat[1], unl[0]])
    assert rec.take() == [photos_changed('cat', None)]
    proj.restore(entries)
    assert rec.take() == [photos_changed('cat', None)]
    proj.remove_added(unl)
    assert rec.take() == [photos_changed(None)]
    proj.empty_trash()
    assert rec.take() == [photos_changed()]


def test_restore_into_a_deleted_class_also_emits_classes_changed(proj, rec, photos):
    a = proj.add_files(photos[:1], 'dog').added
    entries = proj.delete_images(a)
    proj.delete_class('dog')
    rec.take()
    proj.restore(entries)
    assert rec.take() == [CLASSES, photos_changed('dog')]


def test_import_tree_emits_once(proj, rec, tmp_path):
    tree = tmp_path / 'tree'
    for i in range(3):
        make_photo(tree / 'bird' / f'b{i}.png', noise_seed=400 + i)
        make_photo(tree / 'cat' / f'c{i}.png', noise_seed=410 + i)
    make_photo(tree / 'loose.png', noise_seed=420)
    proj.import_tree(tree)
    assert rec.take() == [CLASSES, photos_changed('bird', 'cat', None)]


def test_refresh_reports_what_changed_outside(proj, rec):
    proj.refresh()
    assert rec.take() == []  # nothing changed
    make_photo(proj.images_dir / 'cat' / 'outside.png')
    proj.refresh()
    assert rec.take() == [photos_changed('cat')]
    make_photo(proj.images_dir / 'fox' / 'f.png', noise_seed=2)
    proj.refresh()
    assert rec.take() == [CLASSES, photos_changed('fox')]


def test_settings_name_and_runs(proj, rec):
    proj.settings = {'epochs': 5}
    assert rec.take() == [('settings_changed', ())]
    proj.name = 'Pets'
    assert rec.take() == [('name_changed', ('Pets',))]
    proj.name = 'Pets'
    assert rec.take() == []
    proj.add_run(RunRecord(id='r1'))
    assert rec.take() == [('runs_changed', ())]
    proj.update_run('r1', best_val_acc=0.5)
    assert rec.take() == [('runs_changed', ())]
    proj.remove_run('r1')
    assert rec.take() == [('runs_changed', ())]
    # Changing a dict in place, then save(): saved, but no event (assignment is what announces).
    proj.settings['epochs'] = 6
    proj.save()
    assert rec.take() == []
    again = Project.open(proj.root)
    assert again.settings == {'epochs': 6} and again.name == 'Pets'


def test_events_come_after_the_change_is_on_disk(proj, photos):
    seen = []

    def on_disk(*_):
        data = json.loads((proj.root / 'project.json').read_text())
        seen.append((data['classes'], [r['id'] for r in data['runs']], data['settings'],
                     sorted(p.name for p in (proj.images_dir / 'cat').iterdir())))

    for signal in proj.events:
        getattr(proj.events, signal).connect(on_disk)
    proj.add_class('bird')
    assert seen[-1][0] == ['cat', 'dog', 'bird']
    proj.add_run({'id': 'r9'})
    assert seen[-1][1] == ['r9']
    proj.settings = {'lr': 0.1}
    assert seen[-1][2] == {'lr': 0.1}
    proj.add_files(photos[:1], 'cat')
    assert seen[-1][3] == ['p0.jpg']
    index = json.loads((proj.cache_dir / 'content-hashes.json').read_text())
    assert 'images/cat/p0.jpg' in index['entries']


@pytest.mark.parametrize('call', [
    lambda p, s: p.add_class(''),
    lambda p, s: p.add_class('Cat'),
    lambda p, s: p.add_class('bird', color='red'),
    lambda p, s: p.rename_class('nope', 'x'),
    lambda p, s: p.rename_class('cat', 'DOG'),
    lambda p, s: p.move_class('nope', 0),
    lambda p, s: p.delete_class('nope'),
    lambda p, s: p.set_class_color('cat', 'blue'),
    lambda p, s: p.add_files([s[0]], 'nope'),
    lambda p, s: p.move_images([s[0]], 'cat'),
    lambda p, s: p.move_images([p.images('cat')[0]], 'nope'),
    lambda p, s: p.delete_images([s[0]]),
    lambda p, s: p.restore([TrashEntry('x/0', 'images/cat/a.jpg', '../outside.jpg')]),
    lambda p, s: p.import_tree(s[0]),
    lambda p, s: p.add_run({'id': 'r1'}),
    lambda p, s: p.add_run({'no': 'id'}),
    lambda p, s: p.add_run(RunRecord(id='r2', config={'x': object()})),
    lambda p, s: p.update_run('nope', x=1),
    lambda p, s: p.update_run('r1', id='r3'),
    lambda p, s: p.remove_run('nope'),
])  # fmt: skip
def test_a_failed_call_emits_nothing_and_changes_nothing(proj, photos, call):
    proj.add_files(photos[1:2], 'cat')
    proj.add_run({'id': 'r1'})
    before = (proj.root / 'project.json').read_bytes()
    rec = Recorder(proj)
    with pytest.raises(ProjectError):
        call(proj, photos)
    assert rec.calls == []
    assert (proj.root / 'project.json').read_bytes() == before
    assert [r.id for r in proj.runs] == ['r1']


def test_emitted_on_the_calling_thread(proj, photos):
    threads = []
    proj.events.photos_changed.connect(lambda _: threads.append(threading.get_ident()))
    worker = threading.Thread(target=proj.add_files, args=(photos[:1], 'cat'))
    worker.start()
    worker.join()
    assert threads == [worker.ident]


def test_a_call_on_another_thread_is_its_own_batch(proj, photos):
    """While a worker thread adds photos, a call on this thread emits at once, here."""
    heard = []
    proj.events.all.connect(lambda info: heard.append((info.signal.name, threading.get_ident())))
    adding, done = threading.Event(), threading.Event()

    def progress(i, total):
        if i == 1:
            adding.set()
            done.wait(10)

    worker = threading.Thread(target=proj.add_files, args=(photos[:2], 'cat'), kwargs={'progress': progress})
    worker.start()
    assert adding.wait(10)
    proj.add_class('bird')
    assert heard == [('classes_changed', threading.get_ident())]
    done.set()
    worker.join()
    assert heard[1:] == [('photos_changed', worker.ident)]
