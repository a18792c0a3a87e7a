"""One ``pytest.raises(match=...)`` per error message of labelnoise.torch."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
ln = pytest.importorskip("labelnoise.torch")

from labelnoise import InputError, InputTypeError  # noqa: E402

Z, Y = torch.zeros(4, 3), torch.tensor([0, 1, 2, 0])


def _fitted():
    return ln.SpectralTruncation(1).fit(torch.randn(5, 3))


ERRORS = {
    "reduction": (lambda: ln.GCELoss(reduction="avg"), "'reduction' parameter of GCELoss"),
    "range": (lambda: ln.GCELoss(q=0.0), r"'q' parameter of GCELoss must be a float in \(0, 1\]"),
    "positive": (
        lambda: ln.TaylorCELoss(order=0),
        "'order' parameter of TaylorCELoss must be an int",
    ),
    "positive_float": (lambda: ln.LDRLoss(lam=0), "'lam' parameter of LDRLoss must be a float > 0"),
    "mode": (lambda: ln.BootstrapLoss(mode="medium"), "'mode' parameter of BootstrapLoss"),
    "logits_type": (lambda: ln.SCELoss()(np.zeros((4, 3)), Y), "floating-point torch.Tensor"),
    "logits_shape": (lambda: ln.SCELoss()(torch.zeros(4), Y), r"expects shape \(n, K\)"),
    "targets_type": (lambda: ln.APLLoss()(Z, Y.float()), "int64 torch.Tensor of class indices"),
    "targets_shape": (lambda: ln.APLLoss()(Z, Y[:3]), r"expects shape \(4,\) to match logits"),
    "t_shape": (lambda: ln.ForwardCorrectionLoss(np.ones((2, 3))), "square"),
    "t_rows": (lambda: ln.ForwardCorrectionLoss(np.ones((2, 2))), "noise_matrix.T"),
    "t_type": (lambda: ln.ForwardCorrectionLoss([["a", "b"], ["c", "d"]]), "numeric"),
    "t_singular": (lambda: ln.BackwardCorrectionLoss(np.full((2, 2), 0.5)), "invertible"),
    "elr_indices_type": (
        lambda: ln.ELRLoss(10, 3)(Z, Y, [0, 1, 2, 3]),
        "int64 torch.Tensor of example indices",
    ),
    "elr_indices_shape": (lambda: ln.ELRLoss(10, 3)(Z, Y, torch.arange(3)), r"shape \(4,\)"),
    "elr_classes": (lambda: ln.ELRLoss(10, 5)(Z, Y, torch.arange(4)), "num_classes=5"),
    "opl_features": (lambda: ln.OrthogonalProjectionLoss()(torch.zeros(4), Y), r"\(n, d\)"),
    "select_rate": (
        lambda: ln.small_loss_selection(torch.ones(3), forget_rate=2),
        "'forget_rate' parameter of small_loss_selection",
    ),
    "select_losses": (
        lambda: ln.small_loss_selection(torch.ones(2, 2), forget_rate=0.1),
        "non-empty 1-D",
    ),
    "epoch": (lambda: ln.forget_rate_schedule(-1, forget_rate=0.1), "epoch"),
    "num_gradual": (
        lambda: ln.forget_rate_schedule(0, forget_rate=0.1, num_gradual=1.5),
        "num_gradual",
    ),
    "same_model": (lambda: _coteaching(same=True), "two distinct networks"),
    "empty_loader": (lambda: _coteaching().train_epoch([], epoch=0), "empty loader"),
    "spectral_type": (lambda: ln.SpectralTruncation("all").fit(torch.ones(3, 3)), "an int >= 1"),
    "spectral_share": (lambda: ln.SpectralTruncation(1.5).fit(torch.ones(3, 3)), "energy share"),
    "spectral_rank": (lambda: ln.SpectralTruncation(9).fit(torch.ones(3, 3)), r"1\.\.3"),
    "spectral_fitted": (lambda: ln.SpectralTruncation(1).transform(torch.ones(2, 3)), "fit()"),
    "spectral_dims": (lambda: _fitted().transform(torch.ones(2, 4)), "fitted on 3 dimensions"),
    "spectral_features": (lambda: _fitted().transform(np.ones((2, 3))), "floating-point"),
    "spectral_shape": (lambda: _fitted().transform(torch.ones(3)), r"shape \(n, d\)"),
    "anv_optimizer": (lambda: ln.ANVOptimizer("sgd"), "wraps a torch.optim.Optimizer"),
}


def _coteaching(same: bool = False):
    a, b = torch.nn.Linear(2, 2), torch.nn.Linear(2, 2)
    opts = [torch.optim.SGD(m.parameters(), lr=0.1) for m in (a, b)]
    return ln.CoTeaching(a, a if same else b, *opts, forget_rate=0.2)


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_message(name):
    call, pattern = ERRORS[name]
    with pytest.raises(InputError, match=pattern):
        call()


@pytest.mark.parametrize("bad", ["no", "False", 0, 1, None])
def test_bool_options_are_real_bools(bad):
    with pytest.raises(
        InputTypeError,
        match=r"^The 'normalize' parameter of LDRLoss must be one of \{False, True\}",
    ):
        ln.LDRLoss(normalize=bad)


@pytest.mark.parametrize("bad", ["no", 0, 1, None])
def test_spectral_truncation_center_is_a_real_bool(bad):
    from labelnoise.torch import SpectralTruncation

    with pytest.raises(
        InputTypeError,
        match=r"^The 'center' parameter of SpectralTruncation must be one of",
    ):
        SpectralTruncation(2, center=bad)


def test_numpy_bools_are_bools():
    loss = ln.LDRLoss(normalize=np.False_)
    assert loss.normalize is False
    assert "normalize=False" in repr(loss)


def test_type_errors_are_also_type_errors():
    with pytest.raises(TypeError, match="floating-point"):
        ln.GCELoss()([[0.0, 1.0]], torch.tensor([0]))
    assert issubclass(InputTypeError, TypeError)
