"""The engine's named jobs: plain data in, the core's events out, plain data back.

A job is ``job(callback, cancel, **kwargs) -> result``: ``callback`` receives the
core's frozen events (:mod:`petcognizer.core.events`), ``cancel`` is a
:class:`~petcognizer.core.events.CancelToken` the core polls between batches,
``kwargs`` and the result are plain data (str paths, numbers, lists, dicts) so
they cross the pipe to the window without importing torch there
(:func:`petcognizer.engine.protocol.ensure_plain`).

The engine process runs each job on its own thread (:mod:`petcognizer.engine.server`);
the CLI runs the same functions in its own process with :func:`run_inline`.

Each job imports the core modules it calls inside its body: importing them
loads torch (seconds), and this module is imported by the CLI (whose ``--help``
must stay instant) and by the engine child before its first job. In the child,
:func:`warm_imports` loads them once, under one lock, before any job that needs
them (two threads importing torch at once can see half-initialised modules).
"""

from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from petcognizer.core.events import Callback, CancelToken, StageProgress, null_callback
from petcognizer.engine import testjobs
from petcognizer.engine.protocol import TEST_JOBS_ENV

__all__ = [
    'JOBS',
    'JobSpec',
    'ProjectView',
    'UnknownJob',
    'get_job',
    'job_names',
    'run_inline',
    'warm_imports',
]

JobFunction = Callable[..., Any]

#: What the 'warm' job imports: torch and every core module a job calls. Neither timm nor
#: torchvision is among them (both are optional: the desktop build ships neither;
#: tests/core/test_optional_imports.py runs this job with both blocked).
WARM_MODULES = (
    'torch',
    # the optimisers import it on first use (about 2 s here); the bundled backbones need
    # neither timm nor torchvision any more (core/litenet.py): a downloaded backbone
    # imports them when chosen
    'torch._dynamo',
    'petcognizer.core.model',
    'petcognizer.core.features',
    'petcognizer.core.training',
    'petcognizer.core.service',
    'petcognizer.core.predict',
    'petcognizer.core.suggest',
    'petcognizer.core.similar',
    'petcognizer.core.export',
    'petcognizer.core.heatmap',
    'petcognizer.core.doctor',
)

_warm_lock = threading.Lock()
_warm_done = False


class UnknownJob(LookupError):
    """No job has this name."""

    def __str__(self) -> str:
        return f'unknown engine job {self.args[0]!r}; known jobs: {", ".join(job_names())}'


@dataclass(frozen=True)
class JobSpec:
    """A named job and whether it needs the machine-learning core loaded first."""

    name: str
    func: JobFunction
    needs_core: bool = True


@dataclass(frozen=True)
class ProjectView:
    """The read-only part of a project that the core's suggest and similar functions read.

    The engine never opens ``project.json`` (the window owns it); the window
    sends the lists it already holds and this stands in for the
    :class:`~petcognizer.core.project.Project` those functions take.
    """

    root: Path
    classes: list[str] = field(default_factory=list)
    class_matches: dict[str, list[str]] = field(default_factory=dict)
    photos: dict[str | None, list[Path]] = field(default_factory=dict)
    cache_dir: Path | None = None

    def __post_init__(self) -> None:
        if self.cache_dir is None:  # Project's layout: <root>/.cache
            object.__setattr__(self, 'cache_dir', self.root / '.cache')

    def images(self, class_name: str | None) -> list[Path]:
        """The photos of a class (None: the unlabelled ones)."""
        return list(self.photos.get(class_name, ()))


def warm_imports() -> None:
    """Import torch and the core once (thread-safe; later calls return at once).

    A core module that does not exist is skipped only if it is that very module
    that is missing (an optional module); any other import error propagates.
    """
    global _warm_done
    if _warm_done:
        return
    with _warm_lock:
        if _warm_done:
            return
        for name in WARM_MODULES:
            try:
                importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
        _warm_done = True


# ------------------------------------------------------------------ jobs


def warm(callback: Callback, cancel: CancelToken) -> None:
    """Load torch and the core so the first real job starts at once."""
    warm_imports()


def train(callback: Callback, cancel: CancelToken, *, snapshot: dict, config: dict, run_dir: str,
          cache_root: str, run_id: str | None = None) -> dict:
    """Train on a :class:`~petcognizer.core.runs.TrainingSnapshot`; the run record as a dict.

    Saves ``run_dir/model.safetensors``; never opens ``project.json`` (the window
    records the run with ``project.add_run``).
    """
    from petcognizer.core import service
    from petcognizer.core.config import TrainConfig
    from petcognizer.core.runs import TrainingSnapshot

    cfg = TrainConfig.from_dict(config)
    cfg.validate()
    record = service.train_snapshot(
        TrainingSnapshot.from_dict(snapshot), cfg, run_dir=Path(run_dir), cache_root=Path(cache_root),
        run_id=run_id, callback=callback, cancel=cancel,
    )
    return record.to_dict()


class _PredictorCache:
    """The last loaded model, kept between predictions (an ensemble holds three backbones)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[str, float] | None = None
        self._predictor: Any = None

    def get(self, model_path: str, callback: Callback) -> Any:
        from petcognizer.core.predict import Predictor

        try:
            key = (str(model_path), os.stat(model_path).st_mtime)
        except OSError:
            key = (str(model_path), 0.0)
        with self._lock:
            if self._key == key:
                return self._predictor
        callback(StageProgress('load', 0, 1, text='Loading the model'))
        predictor = Predictor.load(model_path)
        with self._lock:
            self._key, self._predictor = key, predictor
        return predictor


_predictors = _PredictorCache()


def predict(callback: Callback, cancel: CancelToken, *, model_path: str, paths: list[str],
            top_k: int = 3, flag_unknown: bool = True) -> list[dict]:
    """Classify files (folders are expanded): one dict per file, in order.

    Each is ``{'path': str, 'label': str | None, 'probabilities': [[class, p], ...],
    'error': str | None, 'unknown': bool, 'unknown_score': float}`` (best first;
    ``error`` says why a file could not be read; ``unknown``: the photo looks like
    none of the classes, always False with ``flag_unknown=False`` or when the model
    file has no statistics for it).
    """
    predictor = _predictors.get(model_path, callback)
    preds = predictor.predict_paths(paths, top_k=top_k, callback=callback, cancel=cancel,
                                    flag_unknown=flag_unknown)
    return [
        {'path': str(p.path), 'label': p.label,
         'probabilities': [[c, float(v)] for c, v in p.probabilities], 'error': p.error,
         'unknown': bool(flag_unknown and p.unknown),
         'unknown_score': float(p.unknown_score or 0.0) if flag_unknown else 0.0}
        for p in preds
    ]


def suggest(callback: Callback, cancel: CancelToken, *, root: str, unlabelled: list[str],
            classes: list[str], class_matches: dict[str, list[str]] | None = None,
            model_path: str | None = None) -> list[dict]:
    """A suggested class for each unlabelled photo, most confident first.

    From the model at ``model_path`` if its classes are the project's, otherwise
    from the class names alone (zero-shot). Each is ``{'path', 'label',
    'confidence'}``; ``[]`` when neither is possible.
    """
    from petcognizer.core.suggest import suggest_for_unlabelled

    view = ProjectView(Path(root), list(classes), dict(class_matches or {}),
                       {None: [Path(p) for p in unlabelled]})
    found = suggest_for_unlabelled(view, model_path=model_path, callback=callback, cancel=cancel)
    return [{'path': str(s.path), 'label': s.label, 'confidence': float(s.confidence)} for s in found]


def similar(callback: Callback, cancel: CancelToken, *, root: str, query_path: str, paths: list[str],
            k: int = 12, backbone: str | None = None) -> list[list]:
    """The ``k`` photos among ``paths`` most like ``query_path``: ``[[path, cosine], ...]``, best first.

    Features (of ``backbone``, default the core's default backbone) are cached
    under the project's cache folder, as for training.
    """
    from petcognizer.core.similar import find_similar

    view = ProjectView(Path(root), photos={None: [Path(p) for p in paths]})
    options = {'backbone': backbone} if backbone else {}
    found = find_similar(view, query_path, k, callback=callback, cancel=cancel, **options)
    return [[str(p), float(s)] for p, s in found]


def export(callback: Callback, cancel: CancelToken, *, model_path: str, dest: str,
           fmt: str = 'safetensors', report: bool = False) -> str | dict:
    """Export a model file; the written path (a suffix may have been added).

    With ``report``: ``{'path', 'files', 'check'}``, ``check`` being the comparison
    with the source model on the test vectors (photos, top1_agree, max_abs_diff,
    tolerance, ok).
    """
    from petcognizer.core.export import export_checked

    res = export_checked(model_path, dest, fmt)
    return res.to_dict() if report else str(res.path)


def stage_params(callback: Callback, cancel: CancelToken, *, backbone: str) -> list[int]:
    """Trainable parameters of each stage of ``backbone``, input to output (no download)."""
    from petcognizer.core.backbones import create_backbone

    model = create_backbone(backbone, pretrained=False)
    return [int(sum(p.numel() for p in m.parameters())) for m in model.stages.values()]


def evaluate(callback: Callback, cancel: CancelToken, *, model_path: str, folder: str,
             n_wrong: int = 12, tta: bool = False) -> dict:
    """Evaluate a model on a labelled folder or project (see :func:`petcognizer.core.predict.evaluate`)."""
    from petcognizer.core.predict import evaluate as evaluate_model

    return evaluate_model(model_path, folder, n_wrong=n_wrong, tta=tta, callback=callback, cancel=cancel)


def heatmap(callback: Callback, cancel: CancelToken, *, model_path: str, path: str,
            class_name: str | None = None) -> dict:
    """Where the model looked in one photo, for ``class_name`` (None: its top class).

    ``{'width': int, 'height': int, 'values': [[float]] (rows of a small grid, 0..1),
    'class': str}`` (see :func:`petcognizer.core.heatmap.heatmap_for_file`).
    """
    from petcognizer.core.heatmap import heatmap_for_file

    callback(StageProgress('heatmap', 0, 1, text='Finding where the model looked'))
    out = heatmap_for_file(model_path, path, class_name)
    callback(StageProgress('heatmap', 1, 1, text='Finding where the model looked'))
    return {'width': int(out['width']), 'height': int(out['height']),
            'values': [[float(v) for v in row] for row in out['values']], 'class': str(out['class'])}


def doctor(callback: Callback, cancel: CancelToken, *, snapshot: dict, cache_root: str,
           backbone: str = 'efficientnet_lite0') -> dict:
    """Check a project's photos: duplicates, leaks, likely mislabelled, small classes, unreadable.

    The report of :func:`petcognizer.core.doctor.run_doctor` as a dict:
    ``{'findings': [{kind, paths, classes, score, message, fix}], 'n_photos', 'seconds'}``.
    Features are cached under ``cache_root``, as for training.
    """
    from petcognizer.core.doctor import run_doctor
    from petcognizer.core.runs import TrainingSnapshot

    report = run_doctor(TrainingSnapshot.from_dict(snapshot), cache_root=Path(cache_root),
                        backbone=backbone, callback=callback, cancel=cancel)
    return report.to_dict()


def recommend(callback: Callback, cancel: CancelToken, *, snapshot: dict, cache_root: str,
              backbone: str | None = None) -> dict:
    """Settings recommended from the photos themselves (near ImageNet or far from it).

    :meth:`petcognizer.core.recommend.Recommendation.to_dict`, plus ``'config'`` and
    ``'cheaper_config'`` (TrainConfig dicts; the cheaper one None when there is none).
    The frozen features are cached under ``cache_root``, so the run that follows reads
    them back.
    """
    from petcognizer.core.recommend import recommend_for_photos
    from petcognizer.core.runs import TrainingSnapshot

    snap = TrainingSnapshot.from_dict(snapshot)
    rec = recommend_for_photos(snap.paths, snap.labels, snap.classes, backbone=backbone,
                               cache_root=Path(cache_root), digests=list(snap.digests) or None,
                               callback=callback, cancel=cancel)
    out = rec.to_dict()
    out['config'] = rec.config.to_dict()
    out['cheaper_config'] = rec.cheaper.to_dict() if rec.cheaper is not None else None
    return out


#: The engine's jobs by name.
JOBS: dict[str, JobSpec] = {
    spec.name: spec
    for spec in (
        JobSpec('warm', warm, needs_core=False),
        JobSpec('train', train),
        JobSpec('predict', predict),
        JobSpec('suggest', suggest),
        JobSpec('similar', similar),
        JobSpec('export', export),
        JobSpec('stage_params', stage_params),
        JobSpec('evaluate', evaluate),
        JobSpec('heatmap', heatmap),
        JobSpec('doctor', doctor),
        JobSpec('recommend', recommend),
    )
}

#: Registered only when PETCOGNIZER_ENGINE_TEST_JOBS=1 (they never import torch).
TEST_JOBS: dict[str, JobSpec] = {
    name: JobSpec(name, func, needs_core=False) for name, func in testjobs.JOBS.items()
}


def _test_jobs_enabled() -> bool:
    return os.environ.get(TEST_JOBS_ENV) == '1'


def job_names() -> list[str]:
    """The names :func:`get_job` knows now."""
    return sorted(JOBS) + (sorted(TEST_JOBS) if _test_jobs_enabled() else [])


def get_job(name: str) -> JobSpec:
    """The job called ``name``; raises :class:`UnknownJob`."""
    spec = JOBS.get(name)
    if spec is None and _test_jobs_enabled():
        spec = TEST_JOBS.get(name)
    if spec is None:
        raise UnknownJob(name)
    return spec


def run_inline(name: str, kwargs: dict[str, Any] | None = None, callback: Callback = null_callback,
               cancel: CancelToken | None = None) -> Any:
    """Run job ``name`` on the calling thread (the CLI's way: no engine process).

    Raises what the job raises, :class:`~petcognizer.core.events.Cancelled` included.
    """
    spec = get_job(name)
    return spec.func(callback, cancel if cancel is not None else CancelToken(), **(kwargs or {}))
