"""Generalized cross entropy (Zhang & Sabuncu, NeurIPS 2018)."""

from __future__ import annotations

from typing import Any

import torch

from labelnoise.torch._checks import Reduction, check_range
from labelnoise.torch.losses._base import LabelLoss, log_probs

__all__ = ["GCELoss"]


class GCELoss(LabelLoss):
    r"""Generalized cross entropy, :math:`(1 - p_y^q) / q`.

    The negative Box-Cox transform of :math:`p_y` interpolates between cross entropy
    (:math:`q \to 0`, fast to fit, memorises wrong labels) and mean absolute error
    (:math:`q = 1`: :math:`1 - p_y`, half the MAE of the one-hot vector; robust to
    symmetric noise but slow to train). The paper uses ``q=0.7``.

    Parameters
    ----------
    q : float in (0, 1], default 0.7
        The Box-Cox exponent.
    reduction : {"mean", "sum", "none"}, default "mean"
        As in :mod:`torch.nn`.

    References
    ----------
    Z. Zhang and M. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural
    Networks with Noisy Labels", NeurIPS 2018.

    Examples
    --------
    >>> import torch
    >>> from labelnoise.torch import GCELoss
    >>> loss = GCELoss(q=1.0)(torch.tensor([[0.0, 0.0]]), torch.tensor([0]))
    >>> round(float(loss), 4)  # 1 - 0.5
    0.5
    """

    def __init__(self, q: float = 0.7, *, reduction: Reduction = "mean") -> None:
        super().__init__(reduction=reduction)
        self.q = check_range(q, name="q", owner="GCELoss", low=0.0, high=1.0, low_open=True)

    def per_example(self, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        log_py = log_probs(logits).gather(1, targets[:, None])[:, 0]
        # -expm1(q log p) = 1 - p^q, accurate for small q.
        return -torch.expm1(self.q * log_py) / self.q

    def _hparams(self) -> dict[str, Any]:
        return {"q": self.q, "reduction": self.reduction}
