"""Reverse cross entropy, the active-passive pairing built on it, and symmetric cross entropy
(Wang et al., ICCV 2019)."""

from __future__ import annotations

from typing import Any

import torch

from labelnoise.torch._checks import Reduction, check_range
from labelnoise.torch.losses._base import LabelLoss, log_probs

__all__ = ["ActivePassiveLoss", "SCELoss", "reverse_cross_entropy"]


def reverse_cross_entropy(log_p: torch.Tensor, targets: torch.Tensor, log_zero: float):
    r""":math:`-\sum_k p_k \log q_k` for one-hot ``q`` with :math:`\log 0` set to ``log_zero``.

    Equals :math:`-\text{log\_zero} \cdot (1 - p_y)`.
    """
    p_y = log_p.gather(1, targets[:, None])[:, 0].exp()
    return -log_zero * (1.0 - p_y)


class ActivePassiveLoss(LabelLoss):
    r""":math:`\alpha \cdot \text{active} + \beta \cdot RCE`: a loss that fits, paired with
    reverse cross entropy, the passive term that keeps it from fitting wrong labels.

    Subclasses write only :meth:`active` (and their defaults); the weights and
    ``log_zero`` are checked here. The pairing of Ma et al. (ICML 2020), of which
    :class:`SCELoss` is the cross-entropy instance and :class:`APLLoss` the NCE one.

    Parameters
    ----------
    alpha : float >= 0
        Weight of the active term.
    beta : float >= 0
        Weight of the passive term RCE.
    log_zero : float < 0
        The value used for :math:`\log 0` in RCE.
    reduction : {"mean", "sum", "none"}
        As in :mod:`torch.nn`.
    """

    def __init__(self, alpha: float, beta: float, *, log_zero: float, reduction: Reduction) -> None:
        super().__init__(reduction=reduction)
        owner, inf = type(self).__name__, float("inf")
        self.alpha = check_range(alpha, name="alpha", owner=owner, low=0.0, high=inf)
        self.beta = check_range(beta, name="beta", owner=owner, low=0.0, high=inf)
        self.log_zero = check_range(
            log_zero, name="log_zero", owner=owner, low=-inf, high=0.0, high_open=True
        )

    def active(self, log_p: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """The active term of each example, shape (n,), from ``log_softmax`` ``log_p``."""
        raise NotImplementedError

    def per_example(self, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        log_p = log_probs(logits)
        passive = reverse_cross_entropy(log_p, targets, self.log_zero)
        return self.alpha * self.active(log_p, targets) + self.beta * passive

    def _hparams(self) -> dict[str, Any]:
        return {
            "alpha": self.alpha,
            "beta": self.beta,
            "log_zero": self.log_zero,
            "reduction": self.reduction,
        }


class SCELoss(ActivePassiveLoss):
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
        super().__init__(alpha, beta, log_zero=log_zero, reduction=reduction)

    def active(self, log_p: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        return -log_p.gather(1, targets[:, None])[:, 0]
