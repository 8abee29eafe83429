"""Prediction and evaluation with a saved model file."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from petcognizer.core.data import decode_batches, folder_samples, natural_key
from petcognizer.core.devices import resolve_device
from petcognizer.core.evaluation import expected_calibration_error, reliability_table
from petcognizer.core.events import Callback, CancelToken, StageProgress, null_callback
from petcognizer.core.images import is_image_name
from petcognizer.core.model import load_model
from petcognizer.core.perf import tune_allocator

__all__ = ['Prediction', 'Predictor', 'collect_images', 'evaluate']


@dataclass
class Prediction:
    """Top-k labels for one file; ``error`` says why a file could not be read."""

    path: Path
    label: str | None
    probabilities: list[tuple[str, float]] = field(default_factory=list)
    error: str | None = None
    #: "none of these": the photo looks like none of the classes (see Predictor.probabilities)
    unknown: bool = False
    #: its score over the model's threshold (above 1: flagged); 0.0 when not measured
    unknown_score: float = 0.0

    def to_dict(self) -> dict:
        return {
            'path': str(self.path),
            'label': self.label,
            'probabilities': {k: round(v, 6) for k, v in self.probabilities},
            'unknown': self.unknown,
            'unknown_score': round(self.unknown_score, 4),
            **({'error': self.error} if self.error else {}),
        }


def collect_images(paths: Sequence[os.PathLike | str]) -> list[Path]:
    """Files as given, folders expanded recursively to their photos (natural order)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = [q for q in p.rglob('*') if q.is_file() and is_image_name(q)]
            out += sorted(found, key=lambda q: natural_key(str(q)))
        else:
            out.append(p)
    return out


#: Backbone forwards of one image each (images x ensemble members) run at once on a CPU
#: when the caller can cancel.
CANCEL_CHUNK = 8


class Predictor:
    """A loaded model ready to classify files."""

    def __init__(self, model, path: Path | None = None):
        self.model = model
        self.path = path

    @classmethod
    def load(cls, path: os.PathLike | str, device: str = 'auto') -> Predictor:
        import torch

        tune_allocator()
        dev = resolve_device(device)
        model = load_model(path, device=dev)
        if dev.type in ('cpu', 'cuda'):
            # about 30% faster convolutions on CPU (oneDNN's preferred layout)
            model = model.to(memory_format=torch.channels_last)
        return cls(model, Path(path))

    @property
    def classes(self) -> list[str]:
        return self.model.classes

    @property
    def backbone(self) -> str:
        return self.model.backbone_name

    @property
    def metadata(self) -> dict:
        return getattr(self.model, 'metadata', {})

    def probabilities(self, paths: Sequence[Path], *, batch_size: int = 32, tta: bool = False,
                      callback: Callback = null_callback, cancel: CancelToken | None = None,
                      score=None, text: str = 'Classifying photos',
                      unknown: list | None = None):
        """(probability matrix [n_ok, K] as a tensor, ok indices, {index: error text}).

        The probabilities are calibrated (the model file's temperature).
        ``score(model, x) -> [B, K]`` replaces the model's softmax (zero-shot
        suggestions score each class by its own ImageNet probability). Given a
        list, ``unknown`` receives each ok photo's "none of these" ratio (score
        over the model's threshold, above 1: flagged), when the model file has
        the statistics for it (else it stays empty).
        """
        import torch

        device = next(self.model.parameters()).device
        pre = self.model.preprocess
        probs, ok, errors = [], [], {}
        flag = unknown is not None and score is None and self.has_unknown
        t0, done = time.perf_counter(), 0
        # with a cancel token, a CPU forwards a few images at a time (fewer for an ensemble,
        # which runs each image through every member), so a cancel is seen within a second
        chunk = batch_size
        if cancel is not None and device.type == 'cpu':
            chunk = max(2, CANCEL_CHUNK // len(getattr(self.model, 'members', [None])))
        for batch in decode_batches(list(paths), pre, batch_size, cancel=cancel):
            if cancel is not None:
                cancel.raise_if_cancelled()
            for i, err in batch.errors:
                errors[i] = err.reason
            if batch.tensor is not None:
                for s in range(0, len(batch.tensor), chunk):
                    if cancel is not None:
                        cancel.raise_if_cancelled()
                    x = batch.tensor[s:s + chunk].to(device)
                    if device.type in ('cpu', 'cuda'):
                        x = x.contiguous(memory_format=torch.channels_last)
                    with torch.inference_mode():
                        if score is not None:
                            p = score(self.model, x)
                        elif flag:
                            logits, ratio = self.model.forward_with_unknown(x)
                            p = logits.softmax(1)
                            unknown.extend(ratio.float().cpu().tolist())
                        else:
                            p = self.model(x).softmax(1)
                        if tta and score is None:
                            p = (p + self.model(torch.flip(x, dims=[3])).softmax(1)) / 2
                    probs.append(p.float().cpu())
                ok += batch.indices
            done += len(batch.indices) + len(batch.errors)
            rate = done / max(time.perf_counter() - t0, 1e-9)
            callback(StageProgress('predict', done, len(paths), rate, (len(paths) - done) / rate,
                                   text=text))
        mat = torch.cat(probs) if probs else torch.zeros(0, len(self.classes))
        return mat, ok, errors

    @property
    def has_unknown(self) -> bool:
        """The model file holds "none of these" statistics."""
        return getattr(self.model, 'unknown', None) is not None

    def predict_paths(self, paths: Sequence[os.PathLike | str], top_k: int = 3, *,
                      tta: bool = False, callback: Callback = null_callback,
                      cancel: CancelToken | None = None,
                      flag_unknown: bool = True) -> list[Prediction]:
        """Classify files (folders are expanded); one :class:`Prediction` per file, in order.

        With ``flag_unknown`` (and statistics in the model file) a photo that looks
        like none of the classes gets ``unknown=True``; its ``unknown_score`` is
        its score over the threshold.
        """
        files = collect_images(paths)
        ratios: list[float] = []
        mat, ok, errors = self.probabilities(files, tta=tta, callback=callback, cancel=cancel,
                                             unknown=ratios if flag_unknown else None)
        k = max(1, min(top_k, len(self.classes)))
        row = {i: r for r, i in enumerate(ok)}
        out = []
        for i, path in enumerate(files):
            if i in errors:
                out.append(Prediction(path, None, [], errors[i]))
                continue
            p = mat[row[i]]
            vals, idx = p.topk(k)
            pairs = [(self.classes[j], float(v)) for v, j in zip(vals.tolist(), idx.tolist())]
            r = float(ratios[row[i]]) if ratios else 0.0
            out.append(Prediction(path, pairs[0][0], pairs, unknown=r > 1.0, unknown_score=r))
        return out


def evaluate(model_path: os.PathLike | str, data: os.PathLike | str, *, n_wrong: int = 12,
             tta: bool = False, callback: Callback = null_callback,
             cancel: CancelToken | None = None) -> dict:
    """Evaluate a model on a labelled folder (class subfolders, or a project).

    Class folders are matched to the model's classes by name; photos of classes
    the model does not know are counted under ``unknown_classes`` and left out.

    Returns:
        ``accuracy``, ``n``, ``per_class`` ({class: precision, recall, f1, support}),
        ``ece`` (15 bins) and ``reliability`` (its table) of the calibrated
        probabilities, ``unknown_flagged`` (photos flagged as none of the classes;
        ``unknown_measured`` False when the model file cannot flag),
        ``confusion`` (rows = true class, columns = predicted, in ``classes`` order),
        ``most_confident_wrong`` (path, true, predicted, confidence), ``skipped``
        (photos that could not be read) and ``left_out`` (one sentence per folder
        or file the data's folder walk left out: hidden or unreadable folders...).
    """
    pred = Predictor.load(model_path)
    left_out: list[tuple[Path, str]] = []
    paths, labels, folder_classes = folder_samples(data, left_out)
    classes = pred.classes
    index = {c: k for k, c in enumerate(classes)}
    lower = {c.lower(): k for k, c in enumerate(classes)}
    keep, truth, unknown = [], [], {}
    for p, y in zip(paths, labels):
        name = folder_classes[y]
        k = index.get(name, lower.get(name.lower()))
        if k is None:
            unknown[name] = unknown.get(name, 0) + 1
        else:
            keep.append(p)
            truth.append(k)
    if not keep:
        raise ValueError(
            f'{data}: no folder matches a class of the model ({", ".join(classes)}); '
            'name the class folders like the classes the model was trained on')
    ratios: list[float] = []
    mat, ok, errors = pred.probabilities(keep, tta=tta, callback=callback, cancel=cancel,
                                         unknown=ratios)
    K = len(classes)
    conf = [[0] * K for _ in range(K)]
    wrong = []
    preds = mat.argmax(1).tolist() if len(ok) else []
    for r, i in enumerate(ok):
        t, p = truth[i], preds[r]
        conf[t][p] += 1
        if t != p:
            wrong.append((float(mat[r, p]), str(keep[i]), classes[t], classes[p]))
    n = len(ok)
    correct = sum(conf[k][k] for k in range(K))
    per_class = {}
    for k, c in enumerate(classes):
        tp = conf[k][k]
        support = sum(conf[k])
        predicted = sum(conf[j][k] for j in range(K))
        prec = tp / predicted if predicted else 0.0
        rec = tp / support if support else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per_class[c] = {'precision': prec, 'recall': rec, 'f1': f1, 'support': support}
    wrong.sort(reverse=True)
    return {
        'model': str(model_path),
        'data': str(data),
        'n': n,
        'accuracy': correct / n if n else 0.0,
        'classes': classes,
        'per_class': per_class,
        'confusion': conf,
        'most_confident_wrong': [
            {'path': p, 'true': t, 'predicted': q, 'confidence': round(s, 4)}
            for s, p, t, q in wrong[:n_wrong]
        ],
        'skipped': [{'path': str(keep[i]), 'reason': e} for i, e in errors.items()],
        'left_out': [sentence for _path, sentence in left_out],
        'unknown_classes': unknown,
        # calibration of the (calibrated) probabilities, and "none of these"
        'temperature': float(getattr(pred.model, 'temperature', 1.0)),
        'ece': expected_calibration_error(mat.numpy(), [truth[i] for i in ok]) if n else None,
        'reliability': reliability_table(mat.numpy(), [truth[i] for i in ok]) if n else [],
        'unknown_flagged': sum(r > 1.0 for r in ratios),
        'unknown_measured': bool(ratios),
    }
