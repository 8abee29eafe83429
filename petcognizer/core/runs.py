"""The typed run record: what a training run leaves in ``project.json``.

A :class:`RunRecord` is written by the run service
(:mod:`petcognizer.core.service`) and kept by :class:`~petcognizer.core.project.Project`
in ``project.json`` under ``"runs"`` as a plain JSON object, as it always was.
:meth:`RunRecord.from_dict` opens records from older files (missing fields get
their defaults) and keeps fields it does not know in :attr:`RunRecord.extra`, so
a record written by a newer petcognizer survives a save by an older one.

Qt-free and torch-free: the window imports it.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import MISSING, asdict, dataclass, field, fields
from datetime import datetime, timezone
from typing import Any

__all__ = ['RunRecord', 'TrainingSnapshot', 'new_run_id', 'utc_now']


def new_run_id() -> str:
    """A sortable, unique-enough run id: ``YYYYmmdd-HHMMSS-xxxx``."""
    return datetime.now().strftime('%Y%m%d-%H%M%S-') + secrets.token_hex(2)


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec='seconds')


@dataclass
class RunRecord:
    """One training run.

    Attributes:
        id: unique within the project (``runs/<id>/`` holds its model).
        created: ISO 8601 time (UTC) the run started.
        backbone: the trained backbone (``'ensemble: a+b+c'`` for an ensemble).
        config: the :class:`~petcognizer.core.training.TrainConfig` as a dict.
        classes: class names, in the model's output order.
        n_train, n_val: photos trained on and validated on.
        best_val_acc: validation accuracy of the kept model (None: no split).
        best_epoch: 0-based epoch of the kept model (None: no epoch finished).
        seconds: wall time of the run.
        cancelled: the user stopped it (the best model so far is kept).
        model_path: the model file, relative to the project root (POSIX), or
            an absolute path for a model saved outside the project.
        history: one ``{epoch, train_loss, train_acc, val_loss, val_acc, ...}``
            per finished epoch.
        device: where it trained (``'cpu'``, ``'cuda:0'``...).
        prior_weight: the class-name prior's weight (0 = none).
        skipped: ``[path, reason]`` for photos that could not be read.
        zero_shot: a model from the class names alone (no photos learnt).
        source: what was trained: ``'project'`` or the folder's path.
        evaluation: how good the model is, measured on photos each model had not
            seen (cross-validation or the validation split): see
            :mod:`petcognizer.core.evaluation`. Empty for runs made before it.
        extra: fields this version does not know, kept as they were.
    """

    id: str
    created: str = ''
    backbone: str = ''
    config: dict[str, Any] = field(default_factory=dict)
    classes: list[str] = field(default_factory=list)
    n_train: int = 0
    n_val: int = 0
    best_val_acc: float | None = None
    best_epoch: int | None = None
    seconds: float = 0.0
    cancelled: bool = False
    model_path: str | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    device: str = 'cpu'
    prior_weight: float = 0.0
    skipped: list[Any] = field(default_factory=list)
    zero_shot: bool = False
    source: str = 'project'
    evaluation: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict: the known fields, then the unknown ones as they came."""
        d = asdict(self)
        extra = d.pop('extra')
        d['skipped'] = [list(s) if isinstance(s, (tuple, list)) else s for s in self.skipped]
        for k, v in extra.items():
            d.setdefault(k, v)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RunRecord:
        """Read a record from ``project.json`` (old or new); raises ValueError without an id."""
        if not isinstance(d, dict) or not isinstance(d.get('id'), str) or not d['id']:
            raise ValueError('a run record needs a non-empty string "id"')
        known = {f.name: f for f in fields(cls) if f.name != 'extra'}
        kwargs: dict[str, Any] = {}
        for name, f in known.items():
            if name not in d:
                continue
            value = d[name]
            if f.default is not MISSING:
                kwargs[name] = _coerce(value, f.default)
            elif f.default_factory is not MISSING:
                kwargs[name] = _coerce(value, f.default_factory())
            else:
                kwargs[name] = value
        extra = {k: v for k, v in d.items() if k not in known}
        return cls(**kwargs, extra=extra)

    @property
    def label(self) -> str:
        """How the window names the run: its time and backbone."""
        when = self.created.replace('T', ' ')[:16] if self.created else self.id
        return f'{when} · {self.backbone}' if self.backbone else when


def _coerce(value: Any, default: Any) -> Any:
    """Keep a value of the field's type; fall back to the default for a wrong one."""
    if isinstance(value, float) and not math.isfinite(value):  # inf/nan from a damaged file
        return default
    if default is None:  # Optional numbers and strings
        return value if value is None or isinstance(value, (int, float, str)) else None
    if isinstance(default, bool):
        return bool(value)
    if isinstance(default, (int, float)) and not isinstance(default, bool):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return default
        return type(default)(value)
    if isinstance(default, str):
        return value if isinstance(value, str) else default
    if isinstance(default, list):
        return list(value) if isinstance(value, (list, tuple)) else default
    if isinstance(default, dict):
        return dict(value) if isinstance(value, dict) else default
    return value


@dataclass(frozen=True)
class TrainingSnapshot:
    """What a run trains on, fixed when it starts: edits made meanwhile do not reach it.

    Taken by :meth:`Project.snapshot` on the thread that owns the project, then
    handed (as :meth:`to_dict`) to the engine process. ``digests`` are the
    SHA-256 of each photo from the project's hash index (None where not known),
    so features are not hashed again and a photo moved during the run can be
    found by its content.

    Attributes:
        root: the project folder (absolute, as a string).
        paths: absolute photo paths, in training order.
        labels: index into ``classes`` of each photo.
        classes: the classes that have photos, in project order.
        empty: classes without photos (not trained on).
        digests: content hash of each photo, or None.
        class_matches: the project's class-name -> ImageNet concept overrides.
    """

    root: str
    paths: tuple[str, ...]
    labels: tuple[int, ...]
    classes: tuple[str, ...]
    empty: tuple[str, ...] = ()
    digests: tuple[str | None, ...] = ()
    class_matches: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.paths) != len(self.labels):
            raise ValueError('a snapshot needs one label per photo')
        if self.digests and len(self.digests) != len(self.paths):
            raise ValueError('a snapshot needs one digest per photo (or none)')

    @property
    def n_photos(self) -> int:
        return len(self.paths)

    def to_dict(self) -> dict[str, Any]:
        return {'root': self.root, 'paths': list(self.paths), 'labels': list(self.labels),
                'classes': list(self.classes), 'empty': list(self.empty),
                'digests': list(self.digests), 'class_matches': dict(self.class_matches)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrainingSnapshot:
        return cls(root=str(d['root']), paths=tuple(map(str, d['paths'])),
                   labels=tuple(int(y) for y in d['labels']), classes=tuple(d['classes']),
                   empty=tuple(d.get('empty', ())), digests=tuple(d.get('digests', ())),
                   class_matches=dict(d.get('class_matches') or {}))
