"""``petcognizer new``, ``similar``, ``gui`` and ``backbones``."""

from __future__ import annotations

import json
import os
from pathlib import Path

from petcognizer.cli.models import path_problem
from petcognizer.cli.progress import Progress
from petcognizer.cli.text import count, echo, shown
from petcognizer.cli.training import EXIT_ERROR
from petcognizer.core.backbones import (
    hub_checkpoint_dir,
    import_weights,
    list_backbones,
    weights_status,
)
from petcognizer.core.images import ImageError
from petcognizer.core.project import AddReport, Project, ProjectError

__all__ = ['cmd_backbones', 'cmd_gui', 'cmd_new', 'cmd_similar', 'not_a_project']

#: The start page's button that makes a project from a folder of class folders (gui/start_page.py).
IMPORT_BUTTON = 'Import a folder of class folders…'


def not_a_project(path: os.PathLike | str) -> str | None:
    """Why ``path`` cannot be opened as a project (None if it can), naming the command that makes one."""
    path = Path(path)
    if not path.exists():
        return (f'{shown(path)}: no such project folder; create one with '
                f'`petcognizer new {shown(path)}` (add --from FOLDER to import a folder of class '
                f'folders), or with "New project…" in the app')
    if not path.is_dir():
        return f'{shown(path)}: a file, not a project folder; give the folder of a petcognizer project'
    if not Project.is_project(path):
        return (f'{shown(path)}: not a petcognizer project (it has no project.json); make one from '
                f'this folder of class folders with `petcognizer new PROJECT --from {shown(path)}`, '
                f'or with "{IMPORT_BUTTON}" on the start page of the app')
    return None


def _open(path: str) -> Project:
    problem = not_a_project(path)
    if problem:
        raise ProjectError(problem)
    return Project.open(path)


def cmd_new(args) -> int:
    """Create a project, empty or imported from a folder of class folders."""
    root = Path(args.project)
    if root.exists() and Project.is_project(root):
        raise ProjectError(f'{shown(root)}: already a petcognizer project; open it with '
                           f'`petcognizer gui {shown(root)}`, or choose a new folder')
    if args.source is None:
        project = Project.create(root, classes=args.classes or ())
        report = AddReport()
    else:
        src = Path(args.source)
        if not src.is_dir():
            raise ProjectError(f'{shown(src)}: no such folder; give the folder that holds your '
                               'class folders (e.g. photos/cat, photos/dog) to --from')
        if os.path.abspath(root).startswith(os.path.join(os.path.abspath(src), '')):
            raise ProjectError(f'{shown(root)}: inside the folder being imported ({shown(src)}); '
                               'make the project somewhere else')
        progress = Progress(quiet=args.quiet)
        try:
            project, report = Project.from_folder(src, root, progress=progress.counter('Importing photos'))
        finally:
            progress.close()
        for name in args.classes or ():
            if name.casefold() not in {c.casefold() for c in project.classes}:
                project.add_class(name)
    classes = project.classes
    added = f', {count(len(report.added), "photo")} added' if args.source is not None else ''
    echo(f'Created project {project.root}: {count(len(classes), "class", "classes")}'
         + (f' ({", ".join(classes)})' if classes else '') + added)
    n_unlabelled = len(project.images(None))
    if n_unlabelled:
        echo(f'{count(n_unlabelled, "photo")} not in a class folder went to Unlabelled')
    if report.duplicates:
        echo(f'{count(len(report.duplicates), "photo")} left out: the same content is already '
             'in the project')
    for _src, reason in report.refused:
        echo(f'not added: {reason}', err=True)
    echo(f'Open it with `petcognizer gui {project.root}`, or train with '
         f'`petcognizer train {project.root} --out MODEL`')
    if report.refused:
        echo(f'petcognizer: error: {count(len(report.refused), "file")} could not be imported (listed '
             'above); the project holds the rest: fix them and add them in the app', err=True)
        return EXIT_ERROR
    return 0


def cmd_similar(args) -> int:
    problem = path_problem(args.image)
    if problem:
        raise ImageError(Path(args.image), problem)
    project = _open(args.project)
    from petcognizer.core.similar import find_similar  # imports torch

    progress = Progress(quiet=args.quiet or args.json)
    try:
        results = find_similar(project, args.image, k=args.k, callback=progress)
    finally:
        progress.close()
    for path, score in results:
        if args.json:
            print(json.dumps({'path': str(path), 'similarity': round(score, 4)}))
        else:
            echo(f'{score:.3f}  {path}')
    return 0


def cmd_gui(args) -> int:
    project = getattr(args, 'project', None)
    if project is not None:
        problem = not_a_project(project)
        if problem:
            raise ProjectError(problem)
    from petcognizer.gui.app import run  # imports Qt: only for the window

    return run(project=project, screenshot_dir=getattr(args, 'screenshot', None))


def cmd_backbones(args) -> int:
    if args.import_weights:
        problem = path_problem(args.import_weights)
        if problem:
            raise ValueError(f'{shown(args.import_weights)}: {problem}')
        dst = import_weights(args.import_weights)
        echo(f'Installed {dst}')
        return 0
    rows = []
    for spec in list_backbones():
        if spec.source == 'random' and not args.all:
            continue
        ok, text = weights_status(spec)
        rows.append({'name': spec.name, 'family': spec.family, 'params_m': spec.params_m,
                     'input_size': spec.input_size, 'imagenet_top1': spec.imagenet_top1,
                     'license': spec.license, 'source': spec.source, 'stages': list(spec.stages),
                     'usable': ok, 'status': text, 'weights_url': spec.weights_url})
    if args.json:
        print(json.dumps({'backbones': rows, 'cache': str(hub_checkpoint_dir())}, indent=1))
        return 0
    echo(f'{"backbone":<20} {"params":>7} {"top-1":>6} {"stages":>6}  status')
    for r in rows:
        top1 = f'{r["imagenet_top1"]:.1f}' if r['imagenet_top1'] else '-'
        echo(f'{r["name"]:<20} {r["params_m"]:6.1f}M {top1:>6} {len(r["stages"]):>6}  '
             f'{"ready: " if r["usable"] else ""}{r["status"]}')
    echo(f'\nDownloaded weights live in {hub_checkpoint_dir()}')
    return 0
