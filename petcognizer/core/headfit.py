"""Fitting a head on frozen features without ``torch.optim``.

``torch.optim``'s optimisers import ``torch._dynamo`` on their first use (2-3 s, more than a
six-photo run's whole training), so the few-photo path fits its heads here, in plain tensor
ops: the L2-regularised logistic regression that the class-name prior's weight search and the
cross-validated estimate fit hundreds of times (:func:`fit_linear_head`, Newton's method), and
the AdamW epochs that refine a head on cached features (:class:`HeadAdamW`,
:class:`LambdaSchedule`).
"""

from __future__ import annotations

import contextlib
import copy
import math
import random
from collections.abc import Iterator
from typing import TYPE_CHECKING

from petcognizer.core.events import CancelToken

if TYPE_CHECKING:
    import torch

__all__ = ['HeadAdamW', 'LambdaSchedule', 'WeightEma', 'fit_linear_head', 'fit_linear_heads', 'seeded',
           'state_copy', 'unfrozen_stages', 'warmup_cosine']

#: L2 penalty (on W only, per mean-loss unit) of the logistic-regression head.
WEIGHT_DECAY = 1e-2
#: Label smoothing of the head's cross-entropy (the lead's trainer default).
LABEL_SMOOTHING = 0.1


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


class HeadAdamW:
    """``torch.optim.AdamW`` (its default single-tensor update, no AMSGrad) in plain tensor ops.

    For a head on cached features: ``torch.optim``'s optimisers import ``torch._dynamo``
    on their first use, which costs more than a few-photo run's whole training. Same
    ``param_groups`` (each with its ``lr``), ``zero_grad`` and ``step``; the update is
    torch's to rounding (tests/core/test_prior_solver.py).
    """

    def __init__(self, groups, *, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2):
        self.param_groups = [dict({'lr': lr, 'betas': betas, 'eps': eps,
                                   'weight_decay': weight_decay}, **g) for g in groups]
        for g in self.param_groups:
            g['params'] = list(g['params'])
        self.state: dict = {}

    def zero_grad(self, set_to_none: bool = True) -> None:
        for g in self.param_groups:
            for p in g['params']:
                if set_to_none:
                    p.grad = None
                elif p.grad is not None:
                    p.grad.zero_()

    def step(self) -> None:
        import torch

        with torch.no_grad():
            for g in self.param_groups:
                lr, (beta1, beta2), eps, wd = g['lr'], g['betas'], g['eps'], g['weight_decay']
                for p in g['params']:
                    if p.grad is None:
                        continue
                    st = self.state.get(p)
                    if st is None:
                        st = self.state[p] = {'step': 0, 'exp_avg': torch.zeros_like(p),
                                              'exp_avg_sq': torch.zeros_like(p)}
                    st['step'] += 1
                    grad, m, v, k = p.grad, st['exp_avg'], st['exp_avg_sq'], st['step']
                    p.mul_(1 - lr * wd)
                    m.lerp_(grad, 1 - beta1)
                    v.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                    step_size = lr / (1 - beta1 ** k)
                    denom = (v.sqrt() / math.sqrt(1 - beta2 ** k)).add_(eps)
                    p.addcdiv_(m, denom, value=-step_size)


class LambdaSchedule:
    """``torch.optim.lr_scheduler.LambdaLR`` for any optimiser with ``param_groups``: each
    group's rate is its initial rate times ``fn(steps taken)`` (without importing
    ``torch.optim``'s schedulers, which patch the optimiser)."""

    def __init__(self, opt, fn):
        self.opt, self.fn, self.steps = opt, fn, 0
        self.base = [g['lr'] for g in opt.param_groups]
        self._apply()

    def _apply(self) -> None:
        for g, base in zip(self.opt.param_groups, self.base):
            g['lr'] = base * self.fn(self.steps)

    def step(self) -> None:
        self.steps += 1
        self._apply()


def state_copy(module) -> dict:
    """A copy of ``module.state_dict()`` (its tensors cloned: what ``copy.deepcopy`` gave, at a
    fraction of the cost: a six-photo run keeps one a epoch, 600 in all)."""
    state = module.state_dict()
    out = type(state)((k, v.detach().clone() if hasattr(v, 'detach') else copy.deepcopy(v))
                      for k, v in state.items())
    out._metadata = copy.deepcopy(getattr(state, '_metadata', None))  # versions, for loading
    return out


class WeightEma:
    """An exponential moving average of ``params`` (timm's ``ModelEmaV3``: its decay warms up
    as ``(1 + t) / (10 + t)``), with ``decay = 1 - 1 / horizon_steps``; :meth:`swapped` puts
    the average in the parameters' place for a while (to validate and keep it)."""

    def __init__(self, params, horizon_steps: float):
        self.params = [p for p in params]
        self.shadow = [p.detach().clone() for p in self.params]
        self.decay = 1.0 - 1.0 / max(1.0, horizon_steps)
        self.steps = 0

    def update(self) -> None:
        import torch

        self.steps += 1
        k = min(self.decay, self.steps / (9.0 + self.steps))
        with torch.no_grad():
            torch._foreach_lerp_(self.shadow, [p.detach() for p in self.params], 1.0 - k)

    @contextlib.contextmanager
    def swapped(self) -> Iterator[None]:
        import torch

        with torch.no_grad():
            live = [p.detach().clone() for p in self.params]
            for p, e in zip(self.params, self.shadow):
                p.copy_(e)
        try:
            yield
        finally:
            with torch.no_grad():
                for p, v in zip(self.params, live):
                    p.copy_(v)


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Seed Python's, NumPy's and torch's global generators for a run, then restore them
    (left seeded, what the process draws next would repeat from run to run: the run id)."""
    import numpy as np
    import torch

    saved = random.getstate(), np.random.get_state(), torch.random.get_rng_state()
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)
    try:
        yield
    finally:
        random.setstate(saved[0])
        np.random.set_state(saved[1])
        torch.random.set_rng_state(saved[2])


def unfrozen_stages(epoch: int, d: int, epochs: int, schedule: str) -> int:
    """How many of the ``d`` top stages train in ``epoch`` (all, but for the 'unfreeze' schedule:
    the head alone for the first third, then one more stage at a time)."""
    if schedule != 'unfreeze' or d == 0:
        return d
    head_epochs = max(1, epochs // 3)
    if epoch < head_epochs:
        return 0
    per = max(1, (epochs - head_epochs) // d)
    return min(d, 1 + (epoch - head_epochs) // per)


def warmup_cosine(total_steps: int, warmup_steps: int):
    """Learning-rate factor per step: linear warm-up, then cosine decay to 0."""
    def f(step: int) -> float:
        if warmup_steps and step < warmup_steps:
            return (step + 1) / warmup_steps
        progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
        return 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))

    return f
