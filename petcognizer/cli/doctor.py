"""``petcognizer doctor``: what is wrong with a data set, and how to fix it."""

from __future__ import annotations

import json
from pathlib import Path

from typing import TYPE_CHECKING

from petcognizer.cli.progress import Progress
from petcognizer.cli.text import count, echo, shown
from petcognizer.core.project import Project
from petcognizer.core.settings import feature_cache_root

if TYPE_CHECKING:  # the doctor itself is imported when it runs (every command loads this file)
    from petcognizer.core.doctor import DoctorReport, Finding

__all__ = ['HEADINGS', 'cmd_doctor', 'report_text']

#: The heading of each kind of finding in the text report.
HEADINGS = {
    'unreadable': 'Files that cannot be read',
    'duplicate': 'Exact duplicates',
    'leak': 'Duplicates across the training and validation photos (leakage)',
    'near_duplicate': 'Near duplicates (resized or recompressed copies)',
    'mislabelled': 'Likely mislabelled photos',
    'small_class': 'Classes with too few photos',
    'imbalance': 'Unbalanced classes',
}


def _fix_text(finding: Finding) -> str | None:
    fix = finding.fix
    if fix is None:
        return None
    if fix['action'] == 'move':
        where = f"the class '{fix['to']}'" if fix['to'] is not None else 'Unlabelled'
        return f'fix: move {count(len(fix["paths"]), "photo")} to {where}'
    return 'fix: delete ' + ', '.join(shown(p) for p in fix['paths'])


def report_text(report: DoctorReport) -> list[str]:
    """The text report: findings grouped by kind, each with its photos and its fix."""
    from petcognizer.core.doctor import KINDS

    lines = [f'Checked {count(report.n_photos, "photo")} in {report.seconds:.1f} s: '
             + (f'{count(len(report.findings), "finding")}.' if report.findings
                else 'no problems found.')]
    for kind in KINDS:
        found = report.of_kind(kind)
        if not found:
            continue
        lines += ['', f'{HEADINGS[kind]} ({len(found)}):']
        for f in found:
            lines.append(f'  - {f.message}')
            lines += [f'      {shown(p)}' for p in f.paths]
            fix = _fix_text(f)
            if fix:
                lines.append(f'      {fix}')
    if any(f.fix for f in report.findings):
        lines += ['', 'The app applies each fix with one click on the Data page (and can undo it).']
    return lines


def cmd_doctor(args) -> int:
    """Examine a project or a folder of class folders; exit 0 when it ran."""
    from petcognizer.core.doctor import folder_snapshot, run_doctor

    root = Path(args.data)
    if Project.is_project(root):
        project = Project.open(root)
        snapshot = project.snapshot()
        cache = feature_cache_root(project)
    elif root.is_dir():
        snapshot = folder_snapshot(root)
        cache = feature_cache_root()
    else:
        raise ValueError(f'{shown(root)}: no such folder; give a petcognizer project or a folder '
                         'with one subfolder of photos per class (e.g. photos/cat, photos/dog)')
    if not snapshot.n_photos:
        raise ValueError(f'{shown(root)}: no photos found; put them in one subfolder per class '
                         '(e.g. photos/cat, photos/dog)')
    progress = Progress(quiet=args.quiet or args.json)
    try:
        report = run_doctor(snapshot, cache_root=cache, backbone=args.backbone, callback=progress)
    finally:
        progress.close()
    if args.json:
        print(json.dumps(report.to_dict(), indent=1))
    else:
        for line in report_text(report):
            echo(line)
    return 0
