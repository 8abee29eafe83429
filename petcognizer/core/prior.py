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

import math
from typing import TYPE_CHECKING

from petcognizer.core.classnames import ClassMatch, match_class_name, synset
from petcognizer.core.events import CancelToken

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
#: L2 penalty (on W only, per mean-loss unit) of the logistic-regression head.
WEIGHT_DECAY = 1e-2
#: Label smoothing of the head's cross-entropy (the lead's trainer default).
LABEL_SMOOTHING = 0.1
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


def fit_linear_head(
    features: torch.Tensor,
    labels: torch.Tensor,
    num_classes: int,
    *,
    offset: torch.Tensor | None = None,
    weight_decay: float = WEIGHT_DECAY,
    label_smoothing: float = LABEL_SMOOTHING,
    free_offset_weight: bool = False,
    max_iter: int = 200,
    init: tuple[torch.Tensor, torch.Tensor] | None = None,
    cancel: CancelToken | None = None,
) -> tuple[torch.Tensor, torch.Tensor, float]:
    """Full-batch logistic regression with an optional fixed logit offset.

    Minimises ``mean CE_ls(features @ W.T + b + a * offset) + weight_decay/2 ||W||^2``
    on raw (unstandardised) features. ``a`` is 1 unless ``free_offset_weight``, in
    which case it is a free non-negative scalar (unpenalised, starting at 1).

    The objective is convex (strictly in ``W``), so any solver that converges finds
    the same head; this one is Newton's method in float64 (:func:`_newton`), without
    ``torch.optim`` (whose first use imports ``torch._dynamo``: 2-3 s of a six-photo
    run). It replaced L-BFGS (strong Wolfe, 200 steps), reaching the same or a lower
    objective on every problem compared (tests/core/test_prior_solver.py).
    ``max_iter`` caps the Newton steps; ``init`` (``W, b``) is a warm start.

    ``cancel`` is polled at every function evaluation (raising
    :class:`~petcognizer.core.events.Cancelled`), so a long fit stops at once.

    Returns:
        ``(W [K, D], b [K], a)``.
    """
    import torch

    off = offset.detach().cpu().to(torch.float64)[None] if offset is not None else None
    w_init = b_init = None
    if init is not None:
        w_init = init[0].detach().cpu().to(torch.float64)[None]
        b_init = init[1].detach().cpu().to(torch.float64)[None]
    free = bool(free_offset_weight and off is not None)
    w, b, a = fit_linear_heads(features, labels, num_classes, off, weight_decay=weight_decay,
                               label_smoothing=label_smoothing, free_offset_weight=free,
                               max_iter=max_iter, init=(w_init, b_init) if init else None,
                               cancel=cancel)
    if not free:
        a = [1.0 if off is not None else 0.0]
    return w[0], b[0], float(a[0])


def fit_linear_heads(features, labels, num_classes: int, offsets=None, *,
                     weight_decay: float = WEIGHT_DECAY, label_smoothing: float = LABEL_SMOOTHING,
                     free_offset_weight: bool = False, max_iter: int = 200, init=None,
                     cancel: CancelToken | None = None):
    """:func:`fit_linear_head` for ``B`` offsets at once (the same photos, e.g. one per
    candidate prior weight): ``offsets`` is ``[B, N, K]`` (or None: ``B = 1``, no offset).

    Each problem is solved to the same optimum as alone (they are independent; the
    Newton steps are batched). When there are fewer photos than feature dimensions
    the fits run in an orthonormal basis of the photos' span: the optimal ``W`` lies
    in it (the penalty's gradient must cancel the data term's, a combination of the
    photos), so six photos mean ``K * 7`` unknowns instead of ``K * 1281``.

    Returns:
        ``(W [B, K, D] float32, b [B, K] float32, a [B] list of floats)``.
    """
    import torch

    x = features.detach().cpu().to(torch.float64)
    y = labels.detach().cpu().long()
    n, d = x.shape
    k = int(num_classes)
    off = offsets.detach().cpu().to(torch.float64) if offsets is not None else None
    batch = off.shape[0] if off is not None else 1
    free = bool(free_offset_weight and off is not None)
    if n == 0:
        w0 = (init[0].float().clone() if init is not None else torch.zeros(batch, k, d))
        b0 = (init[1].float().clone() if init is not None else torch.zeros(batch, k))
        return w0, b0, [1.0 if off is not None else 0.0] * batch
    # These problems are tiny (tens of photos): intra-op threads only add
    # synchronisation, and on a busy 2-core machine their spin-waits made one fit
    # 40x slower (12 s instead of 0.3 s). Run single-threaded, then restore.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        basis = None
        if n < d:
            # the photos' span: x = z @ basis.T (up to rounding), z = U S
            _, s, vh = torch.linalg.svd(x, full_matrices=False)
            r = max(1, int((s > s[0] * 1e-12).sum())) if float(s[0]) > 0 else 1
            basis = vh[:r].T
            z = x @ basis
        else:
            z = x
        w_init = b_init = None
        if init is not None:
            w_init = init[0].detach().cpu().to(torch.float64)
            w_init = w_init @ basis if basis is not None else w_init
            b_init = init[1].detach().cpu().to(torch.float64)
        w, b, a = _newton(z, y, k, off, weight_decay, label_smoothing, free, max_iter,
                          w_init, b_init, cancel)
        if free and bool((a < 0).any()):
            # the objective is convex in (W, b, a): when its free optimum has a < 0,
            # the optimum over a >= 0 has a = 0 (the plain head)
            neg = (a < 0).nonzero().flatten()
            for i in neg.tolist():
                wi, bi, _ = _newton(z, y, k, None, weight_decay, label_smoothing, False,
                                    max_iter, w[i:i + 1], b[i:i + 1], cancel)
                w[i], b[i], a[i] = wi[0], bi[0], 0.0
        if basis is not None:
            w = w @ basis.T
    finally:
        torch.set_num_threads(threads)
    return w.float().contiguous(), b.float().contiguous(), [float(v) for v in a]


#: Newton steps solve the Hessian directly up to this many unknowns, by conjugate
#: gradients (Hessian-vector products, one problem at a time) above.
DIRECT_NEWTON_MAX = 400


def _newton(z, y, k: int, off, lam: float, ls: float, free: bool, max_iter: int,
            w_init, b_init, cancel):
    """Newton's method with a backtracking (Armijo) line search for ``B`` problems
    ``mean CE_ls(z @ W.T + b + a * off[j]) + lam/2 ||W||^2`` (``off`` ``[B, n, k]`` or
    None).

    ``free``: ``a`` is an unknown (from 1), else fixed at 1 (``off`` given) or 0.
    A step solves ``H d = -g`` exactly (batched) when there are at most
    :data:`DIRECT_NEWTON_MAX` unknowns a problem, else approximately by conjugate
    gradients (truncated Newton, as scikit-learn's ``newton-cg``). A problem stops
    when its largest gradient entry is below 1e-9 (L-BFGS stopped at 1e-7) or its
    loss stops falling. Returns float64 ``(W [B, k, r], b [B, k], a [B])``.
    """
    import torch

    f64 = torch.float64
    n, r = z.shape
    nw = k * r
    p_len = nw + k + (1 if free else 0)
    batch = off.shape[0] if off is not None else 1
    if batch > 1 and p_len > DIRECT_NEWTON_MAX:  # conjugate gradients: one at a time
        parts = [_newton(z, y, k, off[j:j + 1], lam, ls, free, max_iter,
                         None if w_init is None else w_init[j:j + 1],
                         None if b_init is None else b_init[j:j + 1], cancel)
                 for j in range(batch)]
        return tuple(torch.cat([p[i] for p in parts]) for i in range(3))
    t = torch.full((n, k), ls / k, dtype=f64)
    t[torch.arange(n), y] += 1.0 - ls
    theta = torch.zeros(batch, p_len, dtype=f64)
    if w_init is not None:
        theta[:, :nw] = w_init.reshape(batch, nw)
        theta[:, nw:nw + k] = b_init.reshape(batch, k)
    if free:
        theta[:, -1] = 1.0
    eye_k = torch.eye(k, dtype=f64)
    zz = (z[:, :, None] * z[:, None, :]).reshape(n, r * r)

    def unpack(th):
        a = th[:, -1] if free else torch.ones(batch, dtype=f64)
        return th[:, :nw].reshape(batch, k, r), th[:, nw:nw + k], a

    def evaluate(th):
        if cancel is not None:
            cancel.raise_if_cancelled()
        w, b, a = unpack(th)
        logits = torch.matmul(z, w.transpose(1, 2)) + b[:, None, :]  # [B, n, k]
        if off is not None:
            logits = logits + a[:, None, None] * off
        lse = torch.logsumexp(logits, dim=2, keepdim=True)
        loss = (lse[..., 0] - (t * logits).sum(dim=2)).mean(dim=1) + 0.5 * lam * (w * w).sum((1, 2))
        return loss, torch.exp(logits - lse), w

    def gradient(p, w):
        res = (p - t) / n  # [B, n, k]
        g = torch.empty(batch, p_len, dtype=f64)
        g[:, :nw] = (torch.matmul(res.transpose(1, 2), z) + lam * w).reshape(batch, nw)
        g[:, nw:nw + k] = res.sum(dim=1)
        if free:
            g[:, -1] = (res * off).sum((1, 2))
        return g

    def hessian(p):
        s = (p[..., :, None] * eye_k - p[..., :, None] * p[..., None, :]) / n  # [B, n, k, k]
        h = torch.zeros(batch, p_len, p_len, dtype=f64)
        h[:, :nw, :nw] = torch.matmul(s.reshape(batch, n, k * k).transpose(1, 2), zz).reshape(
            batch, k, k, r, r).permute(0, 1, 3, 2, 4).reshape(batch, nw, nw)
        h[:, :nw, :nw] += lam * torch.eye(nw, dtype=f64)
        zs = torch.einsum('bikl,iu->bkul', s, z).reshape(batch, nw, k)
        h[:, :nw, nw:nw + k] = zs
        h[:, nw:nw + k, :nw] = zs.transpose(1, 2)
        h[:, nw:nw + k, nw:nw + k] = s.sum(dim=1)
        if free:
            so = torch.einsum('bikl,bil->bik', s, off)  # [B, n, k]
            h[:, :nw, -1] = torch.matmul(so.transpose(1, 2), z).reshape(batch, nw)
            h[:, nw:nw + k, -1] = so.sum(dim=1)
            h[:, -1, :-1] = h[:, :-1, -1]
            h[:, -1, -1] = (so * off).sum((1, 2))
        # adding a constant to every bias changes nothing: keep that direction solvable
        h[:, nw:, nw:] += 1e-10 * torch.eye(p_len - nw, dtype=f64)
        return h

    def hess_vec(p, v):  # one problem (batch 1): H v
        dw, db = v[:nw].reshape(1, k, r), v[nw:nw + k]
        dl = torch.matmul(z, dw.transpose(1, 2)) + db
        if free:
            dl = dl + v[-1] * off
        q = (p * dl - p * (p * dl).sum(dim=2, keepdim=True)) / n
        out = torch.empty(p_len, dtype=f64)
        out[:nw] = (torch.matmul(q.transpose(1, 2), z) + lam * dw).reshape(-1)
        out[nw:nw + k] = q.sum(dim=(0, 1))
        if free:
            out[-1] = (q * off).sum()
        return out

    loss, p, w = evaluate(theta)
    active = torch.ones(batch, dtype=torch.bool)
    for _ in range(max(1, int(max_iter))):
        g = gradient(p, w)
        active &= g.abs().amax(dim=1) > 1e-9
        if not bool(active.any()):
            break
        if p_len <= DIRECT_NEWTON_MAX:
            step, info = torch.linalg.solve_ex(hessian(p), -g)
            bad = (info != 0) | ~torch.isfinite(step).all(dim=1)
            step[bad] = -g[bad]
        else:
            step = _conjugate_gradient(lambda v: hess_vec(p, v), -g[0])[None]
        slope = (g * step).sum(dim=1)
        up = slope >= 0  # not a descent direction (rounding): the gradient instead
        step[up], slope[up] = -g[up], -(g[up] * g[up]).sum(dim=1)
        lr = torch.ones(batch, dtype=f64)
        todo = active.clone()
        new_theta, new_loss, new_p, new_w = theta.clone(), loss.clone(), p.clone(), w.clone()
        for _ls in range(40):
            cand = theta + lr[:, None] * step
            c_loss, c_p, c_w = evaluate(cand)
            ok = todo & (c_loss <= loss + 1e-4 * lr * slope)
            new_theta[ok], new_loss[ok], new_p[ok], new_w[ok] = cand[ok], c_loss[ok], c_p[ok], c_w[ok]
            todo &= ~ok
            if not bool(todo.any()):
                break
            lr = torch.where(todo, lr * 0.5, lr)
        # no decrease found (converged to rounding) or a negligible one: stop that problem
        active &= ~todo & (loss - new_loss > 1e-15 * loss.abs().clamp_min(1.0))
        theta, loss, p, w = new_theta, new_loss, new_p, new_w
    w, b, a = unpack(theta)
    return w.clone(), b.clone(), a.clone()


def _conjugate_gradient(hv, rhs, tol_scale: float = 0.5):
    """Approximately solve ``H x = rhs`` (H positive semi-definite) by conjugate gradients,
    to a relative residual of ``min(tol_scale, sqrt(|rhs|))`` (truncated Newton)."""
    import torch

    x = torch.zeros_like(rhs)
    res = rhs.clone()
    d = res.clone()
    rr = float(res @ res)
    norm = math.sqrt(rr)
    tol = min(tol_scale, math.sqrt(norm)) * norm
    for _ in range(min(len(rhs), 250)):
        hd = hv(d)
        dhd = float(d @ hd)
        if dhd <= 1e-30:
            break
        step = rr / dhd
        x += step * d
        res -= step * hd
        rr_new = float(res @ res)
        if math.sqrt(rr_new) <= tol:
            break
        d = res + (rr_new / rr) * d
        rr = rr_new
    return x if bool(x.any()) else rhs


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
        # is an L-BFGS run over every photo; 5 folds x 7 weights took ~80 s for
        # 1,000 photos on a loaded 2-core machine).
        folds = _folds(labels, 4, seed)[:1]
    if cv_max_iter is None:
        # With hundreds of photos the comparison between weights is settled long
        # before L-BFGS converges (same weight at 30, 60 and 200 steps on 1,028
        # photos: 0.7, 1.4 and 4.2 s on a loaded machine).
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
