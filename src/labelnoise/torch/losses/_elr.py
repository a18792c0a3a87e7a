"""Early-learning regularization (Liu et al., NeurIPS 2020)."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from labelnoise._errors import InputError
from labelnoise.torch._checks import (
    Reduction,
    check_logits_targets,
    check_positive,
    check_range,
    check_reduction,
    check_row_indices,
    reduce,
)
from labelnoise.torch.losses._base import log_probs

__all__ = ["ELRLoss"]

_CLAMP = 1e-4


class ELRLoss(nn.Module):
    r"""Cross entropy plus early-learning regularization toward per-example EMA targets.

    Early in training a network fits the clean labels first. ELR keeps, for every training
    example, a temporal ensemble :math:`t_i \leftarrow \beta t_i + (1 - \beta) p_i` of its
    (detached) predictions and adds :math:`\lambda \log(1 - \langle p_i, t_i \rangle)`,
    which pulls the prediction toward that early consensus and so keeps the network from
    memorising wrong labels later. The targets are updated on every call in training mode
    (``module.train()``, the default), before the loss is computed, as in the authors' code.

    Parameters
    ----------
    num_examples : int >= 1
        Size of the training set; ``indices`` passed to :meth:`forward` index into it.
    num_classes : int >= 2
        Number of classes ``K``.
    beta : float in [0, 1), default 0.7
        EMA momentum of the targets (the paper's CIFAR-10 setting).
    lam : float >= 0, default 3.0
        Weight of the regularizer (the paper's CIFAR-10 setting).
    reduction : {"mean", "sum", "none"}, default "mean"
        As in :mod:`torch.nn`.

    Attributes
    ----------
    targets : Tensor of shape (num_examples, num_classes)
        The EMA targets (a buffer: saved in ``state_dict`` and moved by ``.to()``).

    References
    ----------
    S. Liu, J. Niles-Weed, N. Razavian and C. Fernandez-Granda, "Early-Learning
    Regularization Prevents Memorization of Noisy Labels", NeurIPS 2020.

    Examples
    --------
    >>> import torch
    >>> from labelnoise.torch import ELRLoss
    >>> elr = ELRLoss(num_examples=100, num_classes=10)
    >>> logits, y, idx = torch.randn(8, 10), torch.randint(0, 10, (8,)), torch.arange(8)
    >>> elr(logits, y, idx).shape
    torch.Size([])
    """

    targets: torch.Tensor

    def __init__(
        self,
        num_examples: int,
        num_classes: int,
        *,
        beta: float = 0.7,
        lam: float = 3.0,
        reduction: Reduction = "mean",
    ) -> None:
        super().__init__()
        owner = "ELRLoss"
        n = check_positive(num_examples, name="num_examples", owner=owner, integer=True)
        k = check_positive(num_classes, name="num_classes", owner=owner, integer=True)
        self.beta = check_range(beta, name="beta", owner=owner, low=0.0, high=1.0, high_open=True)
        self.lam = check_range(lam, name="lam", owner=owner, low=0.0, high=float("inf"))
        self.reduction = check_reduction(reduction, owner=owner)
        self.register_buffer("targets", torch.zeros(n, k))

    def forward(
        self, logits: torch.Tensor, targets: torch.Tensor, indices: torch.Tensor
    ) -> torch.Tensor:
        """Loss of a batch; ``indices`` (n,) are the examples' rows in the training set."""
        check_logits_targets(logits, targets, owner="ELRLoss")
        self._check_indices(indices, logits)
        log_p = log_probs(logits)
        ce = -log_p.gather(1, targets.long()[:, None])[:, 0]
        p = log_p.exp().clamp(_CLAMP, 1.0 - _CLAMP)
        if self.training:
            with torch.no_grad():
                fresh = p / p.sum(dim=1, keepdim=True)
                old = self.targets[indices]
                self.targets[indices] = self.beta * old + (1.0 - self.beta) * fresh.to(old.dtype)
        agreement = (self.targets[indices].to(p.dtype) * p).sum(dim=1)
        return reduce(ce + self.lam * torch.log1p(-agreement), self.reduction)

    def _check_indices(self, indices: Any, logits: torch.Tensor) -> None:
        check_row_indices(
            indices,
            logits,
            name="indices",
            owner="ELRLoss",
            what="example indices (the idx of a (x, y, idx) batch)",
        )
        if logits.shape[1] != self.targets.shape[1]:
            raise InputError(
                "logits",
                f"ELRLoss was built for num_classes={self.targets.shape[1]}, got logits with "
                f"{logits.shape[1]} columns.",
            )

    def extra_repr(self) -> str:
        n, k = self.targets.shape
        return (
            f"num_examples={n}, num_classes={k}, beta={self.beta}, lam={self.lam}, "
            f"reduction={self.reduction!r}"
        )
