"""Class-name priors: use what a backbone's own ImageNet classifier already knows.

A pretrained backbone's ImageNet head already tells 118 dog breeds, 5 domestic
cats, 59 birds and hundreds of objects apart. WordNet says which of its 1,000
outputs are dogs, cats, birds or cars. When a project's class names mean
something ("cats", "Golden_Retriever", "automobile"), each class is matched to a
WordNet synset and its *prior mass* is the ImageNet probability summed over the
outputs that are that synset or below it. A learned linear head then only has to
correct the prior, and the prior's weight is chosen from the photos by
cross-validation, so it carries the decision with one or three photos a class
and fades when the photos know better.

Names are matched by :func:`petcognizer.core.classnames.match_class_name`
(the rules are in that module).

Combination (see :func:`fit_head_with_prior`)::

    logits = features @ W.T + b + alpha * prior.log_probs(imagenet_logits)

``W, b`` are a full-batch L2-regularised logistic regression fitted *with* the
prior term as a fixed offset (so the head learns only what the prior gets wrong;
without label smoothing when ``alpha > 0``, see ``_smoothing``);
``alpha`` comes from stratified k-fold cross-validation on the training photos
among ``PRIOR_WEIGHTS`` (lowest held-out log-loss; ties to the smaller weight). When every class has a
single photo, cross-validation is impossible; ``alpha`` is then fitted as a free
non-negative scalar jointly with the regularised head (the prior's agreement
with the labelled photos is the evidence). With no photo at all, ``alpha = 1``:
the prior alone. ``alpha = 0`` is exactly the plain head, and with no matched
class there is no prior and nothing changes.

From a trainer, with pooled features ``f`` and the backbone's ImageNet logits
``z`` of the training photos (``z = model.imagenet_head(f)``)::

    prior = ClassPrior.from_classes(project.classes, project.class_matches)
    W, b, alpha = fit_head_with_prior(f, z, y, prior, num_classes=len(classes))
    # store prior.to_dict() and alpha in the model file; at prediction time:
    logits = combined_logits(f_new, z_new, W, b, prior, alpha)

A trainer that fits its own head (AdamW, fine-tuning) can instead take
``alpha = choose_prior_weight(f, z, y, prior)`` and add
``alpha * prior.log_probs(z)`` to its head's logits during training and
prediction, without label smoothing when ``alpha > 0``.

Classes that match nothing share the ImageNet mass that no matched class claims,
evenly, so among themselves the prior adds the same constant and their order is
the plain head's. An output claimed by several classes ("dog" and "golden
retriever") goes to the most specific class (the one with fewer outputs).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from petcognizer.core.classnames import ClassMatch, match_class_name, synset
from petcognizer.core.events import CancelToken
from petcognizer.core.headfit import (  # noqa: F401  (re-exported: the head fits live there)
    LABEL_SMOOTHING,
    WEIGHT_DECAY,
    fit_linear_head,
    fit_linear_heads,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    import torch

__all__ = [
    'PRIOR_WEIGHTS',
    'ClassPrior',
    'choose_prior_weight',
    'combined_logits',
    'fit_head_with_prior',
    'fit_linear_head',
    'fit_linear_heads',
    'suggest_labels',
]

#: From this many labelled photos on, the weight is chosen on one held-out quarter.
LARGE_N = 200
#: Candidate prior weights for cross-validation. 0 is the plain head.
PRIOR_WEIGHTS = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
#: Floor mixed into the prior so one confident wrong ImageNet output cannot veto
#: a class outright: p' = (1 - eps) p + eps / K.
PRIOR_FLOOR = 1e-3

# ------------------------------------------------------------------ the prior


class ClassPrior:
    """Maps ImageNet logits to a log prior over a project's classes.

    Build with :meth:`from_classes`; store with :meth:`to_dict` (JSON, kept in the
    model file so predictions never depend on the resource's version).
    """

    def __init__(self, class_names: Sequence[str], matches: Sequence[ClassMatch | None]):
        if len(class_names) != len(matches):
            raise ValueError('one match (or None) per class is needed')
        self.class_names = list(class_names)
        self.matches: list[ClassMatch | None] = list(matches)
        if not any(self.matches):
            raise ValueError('a ClassPrior needs at least one matched class')
        k = len(self.matches)
        # Each output goes to the most specific class that claims it (fewest
        # outputs), so "dog" + "golden retriever" split the dogs sensibly; equal
        # claims are shared.
        owners: dict[int, list[int]] = {}
        for c, m in enumerate(self.matches):
            for j in m.outputs if m else ():
                owners.setdefault(j, []).append(c)
        self._assign: list[list[int]] = [[] for _ in range(k)]
        for j, cs in owners.items():
            size = min(len(self.matches[c].outputs) for c in cs)
            for c in cs:
                if len(self.matches[c].outputs) == size:
                    self._assign[c].append(j)
        self._covered = sorted(owners)
        self._unmatched = [c for c, m in enumerate(self.matches) if m is None]

    @classmethod
    def from_classes(
        cls, class_names: Iterable[str], overrides: dict[str, list[str]] | None = None
    ) -> ClassPrior | None:
        """Match every class name; ``overrides`` (project.class_matches) win.

        An override is a list of wnids (their outputs are united); an empty list
        clears the match. Returns None when no class has a match.
        """
        names = list(class_names)
        overrides = overrides or {}
        matches: list[ClassMatch | None] = []
        for name in names:
            if name in overrides:
                wnids = [w for w in overrides[name] if w]
                if not wnids:
                    matches.append(None)
                    continue
                parts = [synset(w) for w in wnids]
                if len(parts) == 1:
                    matches.append(parts[0])
                else:
                    outs = tuple(sorted({j for p in parts for j in p.outputs}))
                    matches.append(
                        ClassMatch('+'.join(p.wnid for p in parts),
                                   ' + '.join(p.name for p in parts), outs)
                    )
            else:
                matches.append(match_class_name(name))
        if not any(matches):
            return None
        return cls(names, matches)

    @property
    def num_classes(self) -> int:
        return len(self.matches)

    def masses(self, imagenet_logits: torch.Tensor) -> torch.Tensor:
        """``[N, 1000]`` -> ``[N, K]``: ImageNet probability on each matched class's outputs.

        Not renormalised over the project's classes, so a photo of none of them
        (a sofa, for 'cat' and 'dog') has small masses everywhere; unmatched
        classes get 0. Zero-shot suggestions use this as their confidence.
        """
        import torch

        # on the CPU in float64 (MPS has no float64); the result goes back to the input's device
        p = torch.softmax(imagenet_logits.detach().cpu().to(torch.float64), dim=1)
        out = torch.zeros(p.shape[0], self.num_classes, dtype=torch.float64)
        for c, outs in enumerate(self._assign):
            if outs:
                out[:, c] = p[:, outs].sum(1)
        return out.float().to(imagenet_logits.device)

    def probs(self, imagenet_logits: torch.Tensor) -> torch.Tensor:
        """``[N, 1000]`` ImageNet logits → ``[N, K]`` prior probabilities (rows sum to 1)."""
        import torch

        z = imagenet_logits.detach().cpu().to(torch.float64)  # CPU: MPS has no float64
        p = torch.softmax(z, dim=1)
        k = self.num_classes
        out = torch.zeros(p.shape[0], k, dtype=torch.float64)
        for c, outs in enumerate(self._assign):
            if outs:
                out[:, c] = p[:, outs].sum(1)
        if self._unmatched:
            # Unmatched classes share what no matched class claims, evenly.
            left = (1.0 - p[:, self._covered].sum(1)).clamp_min(0.0)
            out[:, self._unmatched] = (left / len(self._unmatched)).unsqueeze(1)
        # Every class matched: condition on the photo being one of them.
        out = out / out.sum(1, keepdim=True).clamp_min(1e-300)
        out = (1.0 - PRIOR_FLOOR) * out + PRIOR_FLOOR / k
        return out.to(device=imagenet_logits.device,
                      dtype=imagenet_logits.dtype if imagenet_logits.is_floating_point()
                      else torch.float32)

    def log_probs(self, imagenet_logits: torch.Tensor) -> torch.Tensor:
        """``[N, 1000]`` ImageNet logits → ``[N, K]`` log prior per class."""
        import torch

        return torch.log(self.probs(imagenet_logits))

    def to_dict(self) -> dict:
        return {
            'version': 1,
            'classes': self.class_names,
            'matches': [m.to_dict() if m else None for m in self.matches],
        }

    @classmethod
    def from_dict(cls, d: dict) -> ClassPrior:
        matches = [ClassMatch.from_dict(m) if m else None for m in d['matches']]
        return cls(list(d['classes']), matches)

    def __repr__(self) -> str:
        parts = [f'{n}={m.name if m else None}' for n, m in zip(self.class_names, self.matches)]
        return f'ClassPrior({", ".join(parts)})'


# ------------------------------------------------------------------ fitting


def _smoothing(alpha: float, label_smoothing: float) -> float:
    """Label smoothing for the head fitted with ``alpha * log prior`` as offset.

    Smoothing asks for logit gaps of about log((1 - ls) / ls * (K - 1)); a
    confident, correct prior already gives far more, so a smoothed head learns to
    *undo* the prior on the training photos, and that anti-prior direction then
    costs accuracy on new photos (terrier vs hound, 3 photos a class: 96% with
    smoothing against a plain head's 98% and the prior's 100%). With a prior
    the head is fitted without smoothing; weight decay still keeps it small.
    ``alpha == 0`` keeps the plain head's smoothing, so that case is unchanged.
    """
    return label_smoothing if alpha == 0 else 0.0


def _folds(labels: torch.Tensor, k: int, seed: int) -> list[list[int]]:
    """Stratified folds; photos of a class with one photo are never held out."""
    import torch

    g = torch.Generator().manual_seed(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    start = 0
    for c in sorted(set(labels.tolist())):
        idx = (labels == c).nonzero().flatten()
        if len(idx) < 2:
            continue
        idx = idx[torch.randperm(len(idx), generator=g)].tolist()
        for i, j in enumerate(idx):
            folds[(start + i) % k].append(j)
        start += len(idx)  # rotate so small classes do not all land in fold 0
    return [f for f in folds if f]


def choose_prior_weight(
    features: torch.Tensor,
    imagenet_logits: torch.Tensor,
    labels: torch.Tensor,
    prior: ClassPrior | None,
    *,
    seed: int = 0,
    weights: Sequence[float] = PRIOR_WEIGHTS,
    weight_decay: float = WEIGHT_DECAY,
    label_smoothing: float = LABEL_SMOOTHING,
    max_folds: int = 5,
    cv_max_iter: int | None = None,
    cancel: CancelToken | None = None,
) -> float:
    """The prior's weight ``alpha``, chosen from the labelled photos (``cancel`` polled throughout).

    * no prior: 0.0 (the plain head);
    * no photo: 1.0 (the prior alone);
    * at least one class with two or more photos: stratified k-fold
      cross-validation (``k = min(max_folds, largest class size)``; single-photo
      classes always train) of the head fitted with ``alpha * log prior`` as an
      offset (unsmoothed, for every candidate), for each ``alpha`` in
      ``weights``; the lowest held-out log-loss wins, ties going to the smaller
      weight;
    * one photo in every class: ``alpha`` fitted jointly with the regularised
      head as a free scalar (see :func:`fit_linear_head`).
    """
    import torch

    if prior is None:
        return 0.0
    labels = labels.long()
    if labels.numel() == 0:
        return 1.0
    log_prior = prior.log_probs(imagenet_logits).to(torch.float64)
    k_cls = prior.num_classes
    counts = torch.bincount(labels, minlength=k_cls)
    if int(counts.max()) < 2:
        _, _, a = fit_linear_head(features, labels, k_cls, offset=log_prior,
                                  weight_decay=weight_decay, label_smoothing=label_smoothing,
                                  free_offset_weight=True, cancel=cancel)
        return a
    k = min(max_folds, int(counts.max()))
    folds = _folds(labels, k, seed)
    n = labels.numel()
    if n >= LARGE_N:
        # Hundreds of photos: one stratified quarter held out estimates the
        # held-out loss well enough, at a fifth of the cost of 5 folds (each fit
        # is a fit over every photo; 5 folds x 7 weights took ~80 s for 1,000
        # photos on a loaded 2-core machine with the former L-BFGS fits).
        folds = _folds(labels, 4, seed)[:1]
    if cv_max_iter is None:
        # With hundreds of photos the comparison between weights is settled long
        # before a fit converges (measured with the former L-BFGS: the same weight at
        # 30, 60 and 200 steps on 1,028 photos); Newton needs fewer steps anyway.
        cv_max_iter = 30 if n >= LARGE_N else 200
    x = features.to(torch.float64)
    # Every candidate, alpha = 0 included, is fitted the same way (unsmoothed)
    # so held-out log-losses compare like with like; a smoothed alpha = 0 would
    # lose on log-loss for its smoothing alone. The final fit smooths at alpha = 0.
    losses = torch.zeros(len(weights), dtype=torch.float64)
    alphas = torch.tensor([float(a) for a in weights], dtype=torch.float64)
    for held in folds:
        mask = torch.ones(n, dtype=torch.bool)
        mask[held] = False
        offs = alphas[:, None, None] * log_prior[None]  # [weights, n, K]
        # one fit per weight on the same photos, their Newton steps batched
        w, b, _ = fit_linear_heads(x[mask], labels[mask], k_cls, offs[:, mask],
                                   weight_decay=weight_decay, label_smoothing=0.0,
                                   max_iter=cv_max_iter, cancel=cancel)
        logits = (torch.matmul(x[held], w.double().transpose(1, 2)) + b.double()[:, None, :]
                  + offs[:, held])  # [weights, held, K]
        for i in range(len(weights)):
            losses[i] += torch.nn.functional.cross_entropy(
                logits[i], labels[held], reduction='sum')
    # min() returns the first minimum: ties go to the smaller weight (safer).
    return float(weights[int(torch.argmin(losses))])


def fit_head_with_prior(
    features: torch.Tensor,
    imagenet_logits: torch.Tensor,
    labels: torch.Tensor,
    prior: ClassPrior | None,
    *,
    seed: int = 0,
    num_classes: int | None = None,
    weight_decay: float = WEIGHT_DECAY,
    label_smoothing: float = LABEL_SMOOTHING,
) -> tuple[torch.Tensor, torch.Tensor, float]:
    """Choose ``alpha`` and fit the head with ``alpha * log prior`` as an offset.

    Predict with :func:`combined_logits`. Without a prior (or when ``alpha`` is 0)
    this is exactly the plain logistic-regression head.

    Returns:
        ``(W [K, D], b [K], alpha)``.
    """
    import torch

    k = prior.num_classes if prior is not None else int(num_classes or int(labels.max()) + 1)
    alpha = choose_prior_weight(features, imagenet_logits, labels, prior, seed=seed,
                                weight_decay=weight_decay, label_smoothing=label_smoothing)
    off = alpha * prior.log_probs(imagenet_logits).to(torch.float64) if alpha > 0 else None
    single = labels.numel() > 0 and int(torch.bincount(labels.long()).max()) < 2
    # One photo a class: alpha came from the smoothed joint fit; refit the same way.
    ls = label_smoothing if single else _smoothing(alpha, label_smoothing)
    w, b, _ = fit_linear_head(features, labels, k, offset=off, weight_decay=weight_decay,
                              label_smoothing=ls)
    return w, b, alpha


def combined_logits(
    features: torch.Tensor,
    imagenet_logits: torch.Tensor | None,
    weight: torch.Tensor,
    bias: torch.Tensor,
    prior: ClassPrior | None,
    alpha: float,
) -> torch.Tensor:
    """``features @ W.T + b + alpha * prior.log_probs(imagenet_logits)``."""
    logits = features.float() @ weight.float().T + bias.float()
    if prior is not None and alpha > 0 and imagenet_logits is not None:
        logits = logits + alpha * prior.log_probs(imagenet_logits.float())
    return logits


def suggest_labels(
    imagenet_logits: torch.Tensor, prior: ClassPrior
) -> tuple[torch.Tensor, torch.Tensor]:
    """Zero-shot: the prior's best class for each photo and its probability.

    Results are in input order; ``confidence.argsort(descending=True)`` lists the
    photos most-confident first (the order to show suggestions in). A photo that
    looks like none of the matched classes goes to an unmatched class when there
    is one (they share the leftover ImageNet mass).

    Returns:
        ``(labels [N] int64, confidence [N] float32)``.
    """
    import torch

    p = prior.probs(imagenet_logits).float()
    conf, lab = p.max(dim=1)
    return lab.long(), conf.to(torch.float32)
