"""Active-passive loss NCE + RCE (Ma et al., ICML 2020)."""

from __future__ import annotations

import torch

from labelnoise.torch._checks import Reduction
from labelnoise.torch.losses._sce import ActivePassiveLoss

__all__ = ["APLLoss"]


class APLLoss(ActivePassiveLoss):
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
        super().__init__(alpha, beta, log_zero=log_zero, reduction=reduction)

    def active(self, log_p: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        return log_p.gather(1, targets[:, None])[:, 0] / log_p.sum(dim=1)
