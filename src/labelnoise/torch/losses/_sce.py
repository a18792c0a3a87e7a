"""Symmetric cross entropy (Wang et al., ICCV 2019)."""

from __future__ import annotations

from typing import Any

import torch

from labelnoise.torch._checks import Reduction, check_range
from labelnoise.torch.losses._base import LabelLoss, log_probs

__all__ = ["SCELoss", "reverse_cross_entropy"]


def reverse_cross_entropy(log_p: torch.Tensor, targets: torch.Tensor, log_zero: float):
    r""":math:`-\sum_k p_k \log q_k` for one-hot ``q`` with :math:`\log 0` set to ``log_zero``.

    Equals :math:`-\text{log\_zero} \cdot (1 - p_y)`.
    """
    p_y = log_p.gather(1, targets[:, None])[:, 0].exp()
    return -log_zero * (1.0 - p_y)


class SCELoss(LabelLoss):
    r"""Symmetric cross entropy, :math:`\alpha \cdot CE + \beta \cdot RCE`.

    Reverse cross entropy swaps prediction and label, :math:`-\sum_k p_k \log q_k` with the
    one-hot label :math:`q` and :math:`\log 0` clipped to ``log_zero`` (the paper's
    :math:`A = -4`); it is :math:`-A (1 - p_y)`, a noise-tolerant MAE-like term. CE keeps
    training fast on hard classes; RCE stops it from fitting wrong labels.

    Parameters
    ----------
    alpha : float >= 0, default 0.1
        Weight of cross entropy (the paper's CIFAR-10 setting).
    beta : float >= 0, default 1.0
        Weight of reverse cross entropy.
    log_zero : float < 0, default -4.0
        The value used for :math:`\log 0`.
    reduction : {"mean", "sum", "none"}, default "mean"
        As in :mod:`torch.nn`.

    References
    ----------
    Y. Wang, X. Ma, Z. Chen, Y. Luo, J. Yi and J. Bailey, "Symmetric Cross Entropy for
    Robust Learning with Noisy Labels", ICCV 2019.

    Examples
    --------
    >>> import torch
    >>> from labelnoise.torch import SCELoss
    >>> loss = SCELoss(alpha=0.0, beta=1.0)(torch.tensor([[0.0, 0.0]]), torch.tensor([1]))
    >>> round(float(loss), 4)  # 4 * (1 - 0.5)
    2.0
    """

    def __init__(
        self,
        alpha: float = 0.1,
        beta: float = 1.0,
        *,
        log_zero: float = -4.0,
        reduction: Reduction = "mean",
    ) -> None:
        super().__init__(reduction=reduction)
        self.alpha = check_range(alpha, name="alpha", owner="SCELoss", low=0.0, high=float("inf"))
        self.beta = check_range(beta, name="beta", owner="SCELoss", low=0.0, high=float("inf"))
        self.log_zero = check_range(
            log_zero, name="log_zero", owner="SCELoss", low=-float("inf"), high=0.0, high_open=True
        )

    def per_example(self, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        log_p = log_probs(logits)
        ce = -log_p.gather(1, targets[:, None])[:, 0]
        return self.alpha * ce + self.beta * reverse_cross_entropy(log_p, targets, self.log_zero)

    def _hparams(self) -> dict[str, Any]:
        return {
            "alpha": self.alpha,
            "beta": self.beta,
            "log_zero": self.log_zero,
            "reduction": self.reduction,
        }
