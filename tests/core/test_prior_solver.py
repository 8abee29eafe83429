"""The head fits without torch.optim: Newton's method against L-BFGS, the batched fits,
the hand-written AdamW against torch's, and a frozen run that never imports torch._dynamo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch

from petcognizer.core import headfit as P
from petcognizer.core.headfit import HeadAdamW, LambdaSchedule, fit_linear_head, fit_linear_heads
from petcognizer.core.headfit import warmup_cosine as _lr_lambda

TESTS = Path(__file__).resolve().parents[1]


def _objective(x, y, w, b, off, a, lam, ls):
    logits = x.double() @ w.double().T + b.double()
    if off is not None:
        logits = logits + a * off.double()
    ce = torch.nn.functional.cross_entropy(logits, y, label_smoothing=ls)
    return float(ce + 0.5 * lam * (w.double() ** 2).sum())


def _lbfgs_reference(x, y, k, off, lam, ls, free):
    """The solver this replaced: torch.optim.LBFGS (strong Wolfe), run to convergence."""
    x = x.double()
    w = torch.zeros(k, x.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros(k, dtype=torch.float64, requires_grad=True)
    s = torch.tensor(0.5413248546129181, dtype=torch.float64, requires_grad=True)  # softplus = 1
    params = [w, b] + ([s] if free else [])
    opt = torch.optim.LBFGS(params, lr=1, max_iter=2000, history_size=10,
                            line_search_fn='strong_wolfe', tolerance_grad=1e-10,
                            tolerance_change=1e-14)

    def closure():
        opt.zero_grad()
        logits = x @ w.T + b
        if off is not None:
            a = torch.nn.functional.softplus(s) if free else 1.0
            logits = logits + a * off.double()
        loss = torch.nn.functional.cross_entropy(logits, y, label_smoothing=ls)
        loss = loss + 0.5 * lam * (w * w).sum()
        loss.backward()
        return loss

    opt.step(closure)
    a = float(torch.nn.functional.softplus(s.detach())) if free else (1.0 if off is not None else 0.0)
    return w.detach(), b.detach(), a


def _problem(n, d, k, seed=0, strength=0.3):
    g = torch.Generator().manual_seed(seed)
    centres = torch.randn(k, d, generator=g)
    y = torch.arange(n) % k
    x = (torch.randn(n, d, generator=g) * 0.5 + strength * centres[y]).abs()
    off = torch.log_softmax(torch.randn(n, k, generator=g) * 3, dim=1)
    return x, y, off


@pytest.mark.parametrize(('n', 'd', 'k', 'use_off', 'free', 'ls'), [
    (6, 64, 2, True, False, 0.0),     # six photos, fewer than the dimensions: the span basis
    (6, 64, 2, False, False, 0.1),    # the plain smoothed head
    (5, 32, 3, True, True, 0.1),      # one-photo-a-class style: the offset's weight free
    (40, 8, 3, True, False, 0.0),     # more photos than dimensions
    (30, 16, 5, True, True, 0.0),
])
def test_newton_reaches_the_lbfgs_optimum(n, d, k, use_off, free, ls):
    x, y, off = _problem(n, d, k)
    off = off if use_off else None
    w, b, a = fit_linear_head(x, y, k, offset=off, label_smoothing=ls, free_offset_weight=free)
    w0, b0, a0 = _lbfgs_reference(x, y, k, off, P.WEIGHT_DECAY, ls, free)
    f_new = _objective(x, y, w, b, off, a, P.WEIGHT_DECAY, ls)
    f_ref = _objective(x, y, w0, b0, off, a0, P.WEIGHT_DECAY, ls)
    assert f_new <= f_ref + 1e-7
    assert torch.allclose(w.double(), w0, atol=2e-3, rtol=1e-2)
    assert abs(a - a0) < 2e-3
    # the same decisions (the bias is defined up to a shared constant)
    logits = x @ w.T + b
    ref = x.double() @ w0.T + b0
    assert torch.equal(logits.argmax(1), ref.argmax(1))


def test_conjugate_gradient_path_agrees_with_direct_steps(monkeypatch):
    x, y, off = _problem(30, 40, 4, seed=1)
    direct = fit_linear_head(x, y, 4, offset=off, label_smoothing=0.1)
    monkeypatch.setattr(P, 'DIRECT_NEWTON_MAX', 8)  # force Hessian-vector products
    cg = fit_linear_head(x, y, 4, offset=off, label_smoothing=0.1)
    f_d = _objective(x, y, direct[0], direct[1], off, 1.0, P.WEIGHT_DECAY, 0.1)
    f_c = _objective(x, y, cg[0], cg[1], off, 1.0, P.WEIGHT_DECAY, 0.1)
    assert abs(f_d - f_c) < 1e-7
    assert torch.allclose(direct[0], cg[0], atol=1e-3)


def test_batched_fits_equal_single_fits():
    x, y, off = _problem(9, 50, 3, seed=2)
    alphas = [0.0, 0.5, 2.0, 8.0]
    offs = torch.stack([a * off for a in alphas])
    w, b, _ = fit_linear_heads(x, y, 3, offs, label_smoothing=0.0)
    for i, a in enumerate(alphas):
        wi, bi, _ = fit_linear_head(x, y, 3, offset=offs[i], label_smoothing=0.0)
        assert torch.allclose(w[i], wi, atol=1e-5), a
        assert torch.allclose(b[i] - b[i].mean(), bi - bi.mean(), atol=1e-5), a


def test_negative_free_weight_is_clamped_to_the_plain_head():
    """A prior that points the wrong way: over a >= 0 the best weight is 0 (the plain head)."""
    x, y, off = _problem(6, 20, 2, seed=3, strength=1.0)
    wrong = torch.log_softmax(8.0 * torch.nn.functional.one_hot(1 - y, 2).float(), dim=1)
    w, b, a = fit_linear_head(x, y, 2, offset=wrong, free_offset_weight=True)
    assert a == 0.0
    w0, b0, _ = fit_linear_head(x, y, 2)
    # the bias is defined up to a constant shared by the classes
    assert torch.allclose(w, w0, atol=1e-5)
    assert torch.allclose(b - b.mean(), b0 - b0.mean(), atol=1e-5)


def test_head_adamw_and_schedule_match_torch():
    torch.manual_seed(0)
    x, y = torch.randn(12, 6), torch.arange(12) % 3
    heads = [torch.nn.Linear(6, 3) for _ in range(2)]
    heads[1].load_state_dict(heads[0].state_dict())
    fn = _lr_lambda(40, 5)
    ref = torch.optim.AdamW([{'params': heads[0].parameters(), 'lr': 0.05}], weight_decay=0.01)
    ref_s = torch.optim.lr_scheduler.LambdaLR(ref, fn)
    ours = HeadAdamW([{'params': heads[1].parameters(), 'lr': 0.05}], weight_decay=0.01)
    ours_s = LambdaSchedule(ours, fn)
    for _ in range(40):
        for head, opt, sched in ((heads[0], ref, ref_s), (heads[1], ours, ours_s)):
            loss = torch.nn.functional.cross_entropy(head(x), y) + 0.005 * (head.weight ** 2).sum()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
        assert ref.param_groups[0]['lr'] == pytest.approx(ours.param_groups[0]['lr'], rel=1e-12)
    for p, q in zip(heads[0].parameters(), heads[1].parameters()):
        assert torch.allclose(p, q, atol=1e-6)


def test_a_frozen_run_never_imports_torch_dynamo(tmp_path):
    """torch.optim's first use imports torch._dynamo (2-3 s): a frozen-backbone run, with its
    prior-weight search and cross-validated estimate, must not need it."""
    script = textwrap.dedent(f'''
        import sys
        sys.path.insert(0, {str(TESTS)!r})
        from photos import COLOURS, make_photo
        from pathlib import Path
        root = Path({str(tmp_path)!r}) / 'photos'
        for name, colour in list(COLOURS.items())[:2]:
            for i in range(3):
                make_photo(root / name / f'{{name}}{{i}}.png', colour, noise_seed=i)
        from petcognizer.cli import main
        code = main(['train', str(root), '--out', {str(tmp_path / 'm.safetensors')!r},
                     '--backbone', 'tiny_test', '--quiet'])
        import json
        print(json.dumps({{'code': code, 'dynamo': 'torch._dynamo' in sys.modules,
                          'sympy': 'sympy' in sys.modules}}))
    ''')
    env = dict(os.environ, PETCOGNIZER_CACHE=str(tmp_path / 'cache'),
               PETCOGNIZER_CONFIG=str(tmp_path / 'settings.json'))
    p = subprocess.run([sys.executable, '-c', script], capture_output=True, text=True, env=env,
                       timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    got = json.loads(p.stdout.strip().splitlines()[-1])
    assert got == {'code': 0, 'dynamo': False, 'sympy': False}
