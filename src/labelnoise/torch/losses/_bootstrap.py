"""Bootstrapping loss, soft and hard (Reed et al., ICLR workshop 2015)."""

from __future__ import annotations

from typing import Any, Literal

import torch

from labelnoise._validation import check_choice
from labelnoise.torch._checks import Reduction, check_range
from labelnoise.torch.losses._base import LabelLoss, log_probs

__all__ = ["BootstrapLoss"]

_DEFAULT_BETA = {"soft": 0.95, "hard": 0.8}


class BootstrapLoss(LabelLoss):
    r"""Cross entropy to a mix of the label and the model's own prediction.

    The target is :math:`\beta\, e_y + (1 - \beta)\, z` with :math:`z = p` (``"soft"``,
    which adds an entropy-minimisation term) or :math:`z` the one-hot argmax of :math:`p`
    (``"hard"``). The model's belief dilutes labels it disagrees with; ``beta=1`` is plain
    cross entropy. As in the paper, the gradient flows through :math:`z` in soft mode.

    Parameters
    ----------
    beta : float in [0, 1], optional
        Weight of the given label; default 0.95 for soft and 0.8 for hard (the paper's).
    mode : {"soft", "hard"}, default "soft"
        Use the predicted distribution or its argmax.
    reduction : {"mean", "sum", "none"}, default "mean"
        As in :mod:`torch.nn`.

    References
    ----------
    S. Reed, H. Lee, D. Anguelov, C. Szegedy, D. Erhan and A. Rabinovich, "Training Deep
    Neural Networks on Noisy Labels with Bootstrapping", ICLR workshop 2015.

    Examples
    --------
    >>> import torch
    >>> from labelnoise.torch import BootstrapLoss
    >>> BootstrapLoss(mode="hard")
    BootstrapLoss(beta=0.8, mode='hard', reduction='mean')
    """

    def __init__(
        self,
        beta: float | None = None,
        *,
        mode: Literal["soft", "hard"] = "soft",
        reduction: Reduction = "mean",
    ) -> None:
        super().__init__(reduction=reduction)
        self.mode = check_choice(mode, name="mode", func="BootstrapLoss", choices=("soft", "hard"))
        beta = _DEFAULT_BETA[mode] if beta is None else beta
        self.beta = check_range(beta, name="beta", owner="BootstrapLoss", low=0.0, high=1.0)

    def per_example(self, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        log_p = log_probs(logits)
        ce = -log_p.gather(1, targets[:, None])[:, 0]
        if self.mode == "soft":
            own = -(log_p.exp() * log_p).sum(dim=1)
        else:
            own = -log_p.gather(1, log_p.argmax(dim=1, keepdim=True))[:, 0]
        return self.beta * ce + (1.0 - self.beta) * own

    def _hparams(self) -> dict[str, Any]:
        return {"beta": self.beta, "mode": self.mode, "reduction": self.reduction}
