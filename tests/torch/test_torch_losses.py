"""Each loss against a slow per-example loop, in float32 and float64; reductions; gradients."""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")
ln = pytest.importorskip("labelnoise.torch")


def softmax_row(row: np.ndarray) -> np.ndarray:
    e = np.exp(row - row.max())
    return e / e.sum()


T3 = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.25, 0.05, 0.7]])
T5 = 0.7 * np.eye(5) + 0.3 * np.roll(np.eye(5), 1, axis=1)


# ---- slow, obvious references: one example at a time, numpy float64 -------------------------


def ref_gce(z, y, q=0.7):
    return (1 - softmax_row(z)[y] ** q) / q


def ref_rce(p, y, log_zero):
    return -sum(p[k] * (0.0 if k == y else log_zero) for k in range(len(p)))


def ref_sce(z, y, alpha=0.1, beta=1.0, log_zero=-4.0):
    p = softmax_row(z)
    return alpha * -math.log(p[y]) + beta * ref_rce(p, y, log_zero)


def ref_apl(z, y, alpha=1.0, beta=1.0, log_zero=-4.0):
    p = softmax_row(z)
    nce = math.log(p[y]) / sum(math.log(pk) for pk in p)
    return alpha * nce + beta * ref_rce(p, y, log_zero)


def ref_bootstrap(z, y, beta, mode):
    p = softmax_row(z)
    own = p if mode == "soft" else np.eye(len(p))[np.argmax(p)]
    target = beta * np.eye(len(p))[y] + (1 - beta) * own
    return -sum(target[k] * math.log(p[k]) for k in range(len(p)))


def ref_taylor(z, y, order=2):
    p_y = softmax_row(z)[y]
    return sum((1 - p_y) ** k / k for k in range(1, order + 1))


def ref_ldr(z, y, margin=2.0, lam=1.0, normalize=True):
    s = np.log1p(np.exp(z)) if normalize else z.copy()
    if normalize:
        s = s / s.mean()
    terms = [((0.0 if k == y else margin) + s[k] - s[y]) / lam for k in range(len(z))]
    return lam * math.log(sum(math.exp(t) for t in terms) / len(z))


def ref_forward(z, y, T):
    p = softmax_row(z)
    return -math.log(sum(p[i] * T[i, y] for i in range(len(p))))


def ref_backward(z, y, T):
    p, inv = softmax_row(z), np.linalg.inv(T)
    return sum(inv[y, k] * -math.log(p[k]) for k in range(len(p)))


CASES = {
    "gce": (lambda: ln.GCELoss(), ref_gce, 5),
    "gce_q0.3": (lambda: ln.GCELoss(q=0.3), lambda z, y: ref_gce(z, y, 0.3), 5),
    "sce": (lambda: ln.SCELoss(), ref_sce, 5),
    "sce_custom": (
        lambda: ln.SCELoss(0.5, 2.0, log_zero=-6.0),
        lambda z, y: ref_sce(z, y, 0.5, 2.0, -6.0),
        5,
    ),
    "apl": (lambda: ln.APLLoss(), ref_apl, 5),
    "apl_custom": (lambda: ln.APLLoss(2.0, 0.5), lambda z, y: ref_apl(z, y, 2.0, 0.5), 5),
    "bootstrap_soft": (
        lambda: ln.BootstrapLoss(),
        lambda z, y: ref_bootstrap(z, y, 0.95, "soft"),
        5,
    ),
    "bootstrap_hard": (
        lambda: ln.BootstrapLoss(mode="hard"),
        lambda z, y: ref_bootstrap(z, y, 0.8, "hard"),
        5,
    ),
    "taylor2": (lambda: ln.TaylorCELoss(), ref_taylor, 5),
    "taylor6": (lambda: ln.TaylorCELoss(order=6), lambda z, y: ref_taylor(z, y, 6), 5),
    "ldr": (lambda: ln.LDRLoss(), ref_ldr, 5),
    "ldr_raw": (
        lambda: ln.LDRLoss(margin=0.5, lam=0.3, normalize=False),
        lambda z, y: ref_ldr(z, y, 0.5, 0.3, normalize=False),
        5,
    ),
    "forward": (lambda: ln.ForwardCorrectionLoss(T3), lambda z, y: ref_forward(z, y, T3), 3),
    "backward": (lambda: ln.BackwardCorrectionLoss(T3), lambda z, y: ref_backward(z, y, T3), 3),
    "forward_pair": (lambda: ln.ForwardCorrectionLoss(T5), lambda z, y: ref_forward(z, y, T5), 5),
}


@pytest.mark.parametrize("name", list(CASES))
def test_loss_matches_slow_loop(make_batch, name, dtype):
    factory, reference, k = CASES[name]
    logits, targets = make_batch(hash(name) % 1000, k=k, dtype=dtype)
    got = _none(factory(), logits, targets)
    want = [reference(z.double().numpy(), int(y)) for z, y in zip(logits, targets, strict=True)]
    tol = 1e-5 if dtype == torch.float32 else 1e-10
    np.testing.assert_allclose(got.double().numpy(), want, rtol=tol, atol=tol)
    assert got.dtype == dtype


def _none(loss, logits, targets):
    loss.reduction = "none"
    return loss(logits, targets)


@pytest.mark.parametrize("name", list(CASES))
def test_reductions_and_finite_gradients(make_batch, name, dtype):
    factory, _, k = CASES[name]
    logits, targets = make_batch(7, k=k, scale=25.0, dtype=dtype)  # saturated softmax
    logits.requires_grad_(True)
    per = _none(factory(), logits, targets)
    loss = factory()
    mean = loss(logits, targets)
    loss.reduction = "sum"
    total = loss(logits, targets)
    torch.testing.assert_close(mean, per.mean())
    torch.testing.assert_close(total, per.sum())
    (grad,) = torch.autograd.grad(mean, logits)
    assert torch.isfinite(per).all() and torch.isfinite(grad).all()
    assert repr(loss).startswith(type(loss).__name__ + "(")


def test_low_precision_logits_are_computed_in_float32(make_batch):
    logits, targets = make_batch(3, dtype=torch.float32)
    got = ln.GCELoss(reduction="none")(logits.bfloat16(), targets)
    assert got.dtype == torch.float32
    want = ln.GCELoss(reduction="none")(logits.bfloat16().float(), targets)
    torch.testing.assert_close(got, want)


# ---- the limits the papers state ---------------------------------------------------------


def _ce(logits, targets):
    return torch.nn.functional.cross_entropy(logits, targets, reduction="none")


def _p_y(logits, targets):
    return torch.softmax(logits, 1).gather(1, targets[:, None])[:, 0]


def test_gce_tends_to_ce_as_q_goes_to_0_and_is_mae_like_at_q_1(make_batch):
    logits, targets = make_batch(1)
    small_q = ln.GCELoss(q=1e-7, reduction="none")(logits, targets)
    torch.testing.assert_close(small_q, _ce(logits, targets), rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(
        ln.GCELoss(q=1.0, reduction="none")(logits, targets), 1 - _p_y(logits, targets)
    )


def test_sce_with_beta_0_is_alpha_ce(make_batch):
    logits, targets = make_batch(2)
    got = ln.SCELoss(alpha=0.3, beta=0.0, reduction="none")(logits, targets)
    torch.testing.assert_close(got, 0.3 * _ce(logits, targets))


def test_apl_nce_is_in_unit_interval_and_one_over_k_at_uniform(make_batch):
    logits, targets = make_batch(3, scale=10.0)
    nce = ln.APLLoss(beta=0.0, reduction="none")(logits, targets)
    assert bool(((nce >= 0) & (nce <= 1)).all())
    uniform = ln.APLLoss(beta=0.0, reduction="none")(torch.zeros(4, 8), torch.arange(4))
    torch.testing.assert_close(uniform, torch.full((4,), 1 / 8))


@pytest.mark.parametrize("mode", ["soft", "hard"])
def test_bootstrap_with_beta_1_is_ce(make_batch, mode):
    logits, targets = make_batch(4)
    got = ln.BootstrapLoss(beta=1.0, mode=mode, reduction="none")(logits, targets)
    torch.testing.assert_close(got, _ce(logits, targets))


def test_taylor_order_1_is_mae_like_and_large_order_approaches_ce(make_batch):
    logits, targets = make_batch(5, scale=1.0)
    ce, p_y = _ce(logits, targets), _p_y(logits, targets)
    torch.testing.assert_close(ln.TaylorCELoss(1, reduction="none")(logits, targets), 1 - p_y)
    errors = [
        float((ce - ln.TaylorCELoss(t, reduction="none")(logits, targets)).abs().max())
        for t in (2, 10, 50, 400)
    ]
    assert errors == sorted(errors, reverse=True) and errors[-1] < 1e-6


def test_ldr_limits_in_lambda(make_batch):
    logits, targets = make_batch(6, scale=2.0)
    margins = torch.nn.functional.softplus(logits)
    margins = margins / margins.mean(1, keepdim=True)
    margins = margins - margins.gather(1, targets[:, None]) + 2.0
    margins = margins.scatter(1, targets[:, None], 0.0)
    hinge = ln.LDRLoss(lam=1e-4, reduction="none")(logits, targets)
    torch.testing.assert_close(hinge, margins.max(1).values, atol=2e-3, rtol=0)
    average = ln.LDRLoss(lam=1e5, reduction="none")(logits, targets)
    torch.testing.assert_close(average, margins.mean(1), atol=1e-4, rtol=0)


@pytest.mark.parametrize("cls", [ln.ForwardCorrectionLoss, ln.BackwardCorrectionLoss])
def test_corrections_with_identity_are_ce(make_batch, cls):
    logits, targets = make_batch(8, k=4)
    torch.testing.assert_close(
        cls(np.eye(4), reduction="none")(logits, targets), _ce(logits, targets)
    )


def test_backward_correction_is_unbiased_for_clean_ce(make_batch):
    # E over the noisy label j ~ T[y, :] of the corrected loss equals the clean-label CE.
    logits, targets = make_batch(9, k=3)
    loss = ln.BackwardCorrectionLoss(T3, reduction="none")
    expected = sum(
        torch.as_tensor(T3[targets.numpy(), j]) * loss(logits, torch.full_like(targets, j))
        for j in range(3)
    )
    torch.testing.assert_close(expected, _ce(logits, targets))


def test_forward_correction_from_estimate_noise_transpose():
    from labelnoise import estimate_noise

    rng = np.random.default_rng(0)
    true = rng.integers(0, 3, 600)
    noisy = np.where(rng.random(600) < 0.3, (true + 1) % 3, true)
    pred_probs = np.full((600, 3), 0.05)
    pred_probs[np.arange(600), true] = 0.9
    estimate = estimate_noise(noisy, pred_probs)
    loss = ln.ForwardCorrectionLoss(estimate.noise_matrix.T)  # read-only input is fine
    true_t = torch.as_tensor(0.7 * np.eye(3) + 0.3 * np.roll(np.eye(3), 1, axis=1))
    torch.testing.assert_close(loss.transition_matrix, true_t, atol=0.05, rtol=0)
