"""Similar-image search on backbone features (seed 5).

Each photo becomes the backbone's pooled feature vector (cached by content, as
for training); similarity is the cosine between vectors.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from petcognizer.core.backbones import DEFAULT_BACKBONE, create_backbone, get_backbone
from petcognizer.core.data import Preprocess
from petcognizer.core.events import Callback, CancelToken, null_callback
from petcognizer.core.features import extract
from petcognizer.core.images import ImageError

__all__ = ['SimilarIndex', 'find_similar']


class SimilarIndex:
    """L2-normalised feature vectors for a set of photos."""

    def __init__(self, paths: Sequence[Path], vectors, errors):
        self.paths = list(paths)
        self.vectors = vectors  # torch.Tensor [n, D], unit length
        self.errors = errors

    @classmethod
    def build(cls, paths: Sequence[os.PathLike | str], *, backbone: str = DEFAULT_BACKBONE,
              cache_root: os.PathLike | str | None = None, callback: Callback = null_callback,
              cancel: CancelToken | None = None) -> SimilarIndex:
        import torch

        spec = get_backbone(backbone)
        model = create_backbone(backbone)
        paths = [Path(p) for p in paths]
        res = extract(model, None, paths, Preprocess.for_backbone(spec), cache_root=cache_root,
                      callback=callback, cancel=cancel, stage_label='similar')
        if not res.ok:
            return cls([], torch.zeros(0, model.num_features), res.errors)
        vec = torch.from_numpy(res.data[:, 0].astype('float32'))
        vec = torch.nn.functional.normalize(vec, dim=1)
        return cls([paths[i] for i in res.ok], vec, res.errors)

    def query(self, vector, k: int = 12, exclude: int | None = None) -> list[tuple[Path, float]]:
        import torch

        sims = self.vectors @ vector
        if exclude is not None:
            sims[exclude] = -float('inf')
        k = min(k, len(self.paths) - (exclude is not None))
        vals, idx = torch.topk(sims, max(0, k))
        return [(self.paths[i], float(v)) for v, i in zip(vals.tolist(), idx.tolist())]


def find_similar(project, query_path: os.PathLike | str, k: int = 12, *,
                 backbone: str = DEFAULT_BACKBONE, callback: Callback = null_callback,
                 cancel: CancelToken | None = None) -> list[tuple[Path, float]]:
    """The ``k`` photos of a project most like ``query_path`` (best first, cosine similarity).

    The query may be a project photo (it is left out of the results) or any file.
    """
    paths = [p for c in project.classes for p in project.images(c)] + project.images(None)
    query_path = Path(query_path)
    if query_path not in paths:
        paths.append(query_path)
    index = SimilarIndex.build(paths, backbone=backbone, cache_root=project.cache_dir / 'features',
                               callback=callback, cancel=cancel)
    try:
        qi = index.paths.index(query_path)
    except ValueError:
        err = next((e for e in index.errors if e.path == query_path), None)
        raise ImageError(query_path, err.reason if err else 'cannot be read') from None
    results = index.query(index.vectors[qi], k, exclude=qi)
    return [(p, s) for p, s in results]
