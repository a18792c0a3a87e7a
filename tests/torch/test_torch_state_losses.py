"""ELRLoss (per-example state) and OrthogonalProjectionLoss (features) against slow loops."""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")
ln = pytest.importorskip("labelnoise.torch")


def ref_elr_step(targets, logits, labels, indices, beta, lam):
    """One call of ELR, example by example: update the EMA target, then the loss."""
    out = []
    for z, y, i in zip(logits, labels, indices, strict=True):
        e = np.exp(z - z.max())
        p = e / e.sum()
        clamped = np.clip(p, 1e-4, 1 - 1e-4)
        targets[i] = beta * targets[i] + (1 - beta) * clamped / clamped.sum()
        agreement = sum(targets[i][k] * clamped[k] for k in range(len(p)))
        out.append(-math.log(p[y]) + lam * math.log(1 - agreement))
    return np.array(out)


def test_elr_matches_slow_loop_over_several_calls(make_batch, dtype):
    elr = ln.ELRLoss(num_examples=30, num_classes=5, beta=0.6, lam=2.0, reduction="none")
    elr = elr.to(dtype)
    state = np.zeros((30, 5))
    gen = torch.Generator().manual_seed(0)
    for seed in range(3):
        logits, labels = make_batch(seed, n=10, dtype=dtype)
        indices = torch.randperm(30, generator=gen)[:10]
        got = elr(logits, labels, indices)
        want = ref_elr_step(
            state, logits.double().numpy(), labels.numpy(), indices.numpy(), 0.6, 2.0
        )
        tol = 1e-5 if dtype == torch.float32 else 1e-10
        np.testing.assert_allclose(got.double().numpy(), want, rtol=tol, atol=tol)
    np.testing.assert_allclose(elr.targets.double().numpy(), state, atol=1e-6)


def test_elr_reductions_gradients_and_eval_mode(make_batch):
    logits, labels = make_batch(1, n=8, scale=30.0)
    logits.requires_grad_(True)
    idx = torch.arange(8)
    elr = ln.ELRLoss(8, 5, reduction="none")
    per = elr(logits, labels, idx)
    elr.reduction = "mean"
    elr.eval()  # no update in eval mode: the same targets give the same losses
    before = elr.targets.clone()
    mean = elr(logits, labels, idx)
    torch.testing.assert_close(elr.targets, before)
    torch.testing.assert_close(mean, per.mean())
    elr.reduction = "sum"
    torch.testing.assert_close(elr(logits, labels, idx), per.sum())
    (grad,) = torch.autograd.grad(mean, logits)
    assert torch.isfinite(grad).all()
    assert "num_examples=8" in repr(elr)


def test_elr_with_lam_0_is_ce_and_targets_are_a_buffer(make_batch):
    logits, labels = make_batch(2)
    elr = ln.ELRLoss(12, 5, lam=0.0, reduction="none")
    got = elr(logits, labels, torch.arange(12))
    torch.testing.assert_close(
        got, torch.nn.functional.cross_entropy(logits, labels, reduction="none")
    )
    assert "targets" in elr.state_dict()


def ref_opl(features, labels, gamma):
    f = features / np.linalg.norm(features, axis=1, keepdims=True)
    out = []
    for i in range(len(f)):
        pos = [f[i] @ f[j] for j in range(len(f)) if j != i and labels[j] == labels[i]]
        neg = [f[i] @ f[j] for j in range(len(f)) if labels[j] != labels[i]]
        pull = 1 - np.mean(pos) if pos else 0.0
        push = np.mean(neg) if neg else 0.0
        out.append(pull + gamma * push)
    return np.array(out)


def test_opl_matches_slow_loop(dtype):
    gen = torch.Generator().manual_seed(3)
    features = torch.randn(15, 6, generator=gen, dtype=torch.float64).to(dtype)
    labels = torch.tensor([0, 0, 1, 1, 1, 2, 2, 3, 0, 1, 2, 0, 1, 4, 2])  # class 4 alone
    got = ln.OrthogonalProjectionLoss(gamma=0.7, reduction="none")(features, labels)
    want = ref_opl(features.double().numpy(), labels.numpy(), 0.7)
    tol = 1e-5 if dtype == torch.float32 else 1e-10
    np.testing.assert_allclose(got.double().numpy(), want, rtol=tol, atol=tol)
    mean = ln.OrthogonalProjectionLoss(gamma=0.7)(features, labels)
    torch.testing.assert_close(mean, got.mean())


def test_opl_is_zero_for_orthogonal_classes_and_has_finite_gradients():
    feats = torch.tensor([[1.0, 0, 0], [3.0, 0, 0], [0, 2.0, 0], [0, 1.0, 0], [0, 0, 5.0]])
    labels = torch.tensor([0, 0, 1, 1, 2])
    assert float(ln.OrthogonalProjectionLoss()(feats, labels)) == pytest.approx(0.0, abs=1e-7)
    same = torch.ones(4, 3, requires_grad=True)
    loss = ln.OrthogonalProjectionLoss(gamma=0.5, reduction="sum")(same, torch.tensor([0, 0, 1, 1]))
    assert float(loss.detach()) == pytest.approx(4 * 0.5)  # no pull, full push
    (grad,) = torch.autograd.grad(loss, same)
    assert torch.isfinite(grad).all()
