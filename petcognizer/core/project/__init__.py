"""A project: one folder on disk holding the photos, their labels and the runs.

Layout (``images/`` is the ImageFolder layout, so torchvision, Keras and fastai
read it as is)::

    project.json          name, class order and colours, settings, run history
    images/<class>/...    labelled photos, one folder per class
    unlabelled/           the Unlabelled bin (outside images/ so ImageFolder
                          readers do not take it for a class)
    .trash/               deleted photos and classes, restorable
    .cache/               thumbnails, features, the content-hash index
    runs/                 trained models

The user's originals are only ever read: photos are copied in. Every write is
atomic (temp file in the same folder, flush, fsync, ``os.replace``), so a crash
at any moment leaves a project that :meth:`Project.open` can open.

Qt-free and torch-free (the window imports it). The package's modules, bottom
to top: ``errors``, ``names``, ``schema`` (project.json), ``events``,
``hashindex``, ``runlist``, ``base`` (shared state), ``listing``, ``trash``,
``classes``, ``importing``, ``project`` (the :class:`Project` class).
"""

from petcognizer.core.project.errors import ProjectError
from petcognizer.core.project.events import ProjectEvents
from petcognizer.core.project.hashindex import locate_by_digest
from petcognizer.core.project.importing import AddReport, Progress
from petcognizer.core.project.names import natural_key, validate_class_name
from petcognizer.core.project.project import Project
from petcognizer.core.project.schema import PALETTE
from petcognizer.core.project.trash import TrashEntry

__all__ = [
    'PALETTE',
    'AddReport',
    'Progress',
    'Project',
    'ProjectError',
    'ProjectEvents',
    'TrashEntry',
    'locate_by_digest',
    'natural_key',
    'validate_class_name',
]
