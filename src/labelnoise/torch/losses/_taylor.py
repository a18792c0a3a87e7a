"""Taylor cross entropy (Feng et al., IJCAI 2020)."""

from __future__ import annotations

from typing import Any

import torch

from labelnoise.torch._checks import Reduction, check_positive
from labelnoise.torch.losses._base import LabelLoss, log_probs

__all__ = ["TaylorCELoss"]


class TaylorCELoss(LabelLoss):
    r"""Cross entropy truncated to its Taylor series, :math:`\sum_{k=1}^{t} (1 - p_y)^k / k`.

    :math:`-\log p_y = \sum_{k \ge 1} (1 - p_y)^k / k`. Order 1 is :math:`1 - p_y` (the
    robust MAE end); higher orders approach cross entropy (fast fitting). Keeping a few
    terms bounds the loss of a confidently contradicted label. The paper uses ``order=2``
    on CIFAR-10 (and 6 on CIFAR-100).

    Parameters
    ----------
    order : int >= 1, default 2
        Number of terms :math:`t`.
    reduction : {"mean", "sum", "none"}, default "mean"
        As in :mod:`torch.nn`.

    References
    ----------
    L. Feng, S. Shu, Z. Lin, F. Lv, L. Li and B. An, "Can Cross Entropy Loss Be Robust to
    Label Noise?", IJCAI 2020.

    Examples
    --------
    >>> import torch
    >>> from labelnoise.torch import TaylorCELoss
    >>> loss = TaylorCELoss(order=2)(torch.zeros(1, 2), torch.tensor([0]))
    >>> round(float(loss), 4)  # 0.5 + 0.5**2 / 2
    0.625
    """

    def __init__(self, order: int = 2, *, reduction: Reduction = "mean") -> None:
        super().__init__(reduction=reduction)
        self.order = check_positive(order, name="order", owner="TaylorCELoss", integer=True)

    def per_example(self, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        p_y = log_probs(logits).gather(1, targets[:, None])[:, 0].exp()
        powers = torch.arange(1, self.order + 1, device=logits.device, dtype=p_y.dtype)
        return ((1.0 - p_y)[:, None] ** powers / powers).sum(dim=1)

    def _hparams(self) -> dict[str, Any]:
        return {"order": self.order, "reduction": self.reduction}
