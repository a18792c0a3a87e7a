"""Active-passive loss NCE + RCE (Ma et al., ICML 2020)."""

from __future__ import annotations

from typing import Any

import torch

from labelnoise.torch._checks import Reduction, check_range
from labelnoise.torch.losses._base import LabelLoss, log_probs
from labelnoise.torch.losses._sce import reverse_cross_entropy

__all__ = ["APLLoss"]


class APLLoss(LabelLoss):
    r"""Active-passive loss: :math:`\alpha \cdot NCE + \beta \cdot RCE`.

    Normalized cross entropy :math:`NCE = \log p_y / \sum_k \log p_k` (CE divided by the
    CE summed over every possible label) lies in [0, 1] and is robust to any
    class-conditional noise, but alone it underfits. The passive term, reverse cross
    entropy (see :class:`SCELoss`), pushes down the other classes and restores fitting.

    Parameters
    ----------
    alpha : float >= 0, default 1.0
        Weight of the active term NCE (the paper's CIFAR-10 setting).
    beta : float >= 0, default 1.0
        Weight of the passive term RCE.
    log_zero : float < 0, default -4.0
        The value used for :math:`\log 0` in RCE.
    reduction : {"mean", "sum", "none"}, default "mean"
        As in :mod:`torch.nn`.

    References
    ----------
    X. Ma, H. Huang, Y. Wang, S. Romano, S. Erfani and J. Bailey, "Normalized Loss
    Functions for Deep Learning with Noisy Labels", ICML 2020.

    Examples
    --------
    >>> import torch
    >>> from labelnoise.torch import APLLoss
    >>> loss = APLLoss(beta=0.0)(torch.zeros(1, 4), torch.tensor([2]))
    >>> round(float(loss), 4)  # uniform prediction: NCE = 1/K
    0.25
    """

    def __init__(
        self,
        alpha: float = 1.0,
        beta: float = 1.0,
        *,
        log_zero: float = -4.0,
        reduction: Reduction = "mean",
    ) -> None:
        super().__init__(reduction=reduction)
        inf = float("inf")
        self.alpha = check_range(alpha, name="alpha", owner="APLLoss", low=0.0, high=inf)
        self.beta = check_range(beta, name="beta", owner="APLLoss", low=0.0, high=inf)
        self.log_zero = check_range(
            log_zero, name="log_zero", owner="APLLoss", low=-inf, high=0.0, high_open=True
        )

    def per_example(self, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        log_p = log_probs(logits)
        nce = log_p.gather(1, targets[:, None])[:, 0] / log_p.sum(dim=1)
        return self.alpha * nce + self.beta * reverse_cross_entropy(log_p, targets, self.log_zero)

    def _hparams(self) -> dict[str, Any]:
        return {
            "alpha": self.alpha,
            "beta": self.beta,
            "log_zero": self.log_zero,
            "reduction": self.reduction,
        }
