"""Orthogonal projection loss on features (Ranasinghe et al., ICCV 2021)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from labelnoise.torch._checks import (
    Reduction,
    check_logits_targets,
    check_range,
    check_reduction,
    reduce,
)

__all__ = ["OrthogonalProjectionLoss"]


class OrthogonalProjectionLoss(nn.Module):
    r"""Pull same-class features together and make other classes' features orthogonal.

    On L2-normalised features :math:`f`, anchor :math:`i` gets
    :math:`(1 - \bar s_i^{+}) + \gamma\, \bar s_i^{-}` with :math:`\bar s_i^{+}` the mean
    cosine to the *other* same-class examples of the batch and :math:`\bar s_i^{-}` the mean
    cosine to the examples of other classes (anchors without a same-class partner get no
    pull term). Used beside cross entropy on the penultimate features; the paper reports
    robustness to label noise. ``reduction="mean"`` averages over anchors; the paper
    averages over pairs, which is the same when all anchors have equally many partners.

    Parameters
    ----------
    gamma : float >= 0, default 0.5
        Weight of the orthogonality (push) term (the paper's value).
    reduction : {"mean", "sum", "none"}, default "mean"
        As in :mod:`torch.nn`.

    References
    ----------
    K. Ranasinghe, M. Naseer, M. Hayat, S. Khan and F. S. Khan, "Orthogonal Projection
    Loss", ICCV 2021.

    Examples
    --------
    >>> import torch
    >>> from labelnoise.torch import OrthogonalProjectionLoss
    >>> feats = torch.tensor([[1.0, 0.0], [2.0, 0.0], [0.0, 1.0], [0.0, 3.0]])
    >>> float(OrthogonalProjectionLoss()(feats, torch.tensor([0, 0, 1, 1])))
    0.0
    """

    def __init__(self, gamma: float = 0.5, *, reduction: Reduction = "mean") -> None:
        super().__init__()
        owner = "OrthogonalProjectionLoss"
        self.gamma = check_range(gamma, name="gamma", owner=owner, low=0.0, high=float("inf"))
        self.reduction = check_reduction(reduction, owner=owner)

    def forward(self, features: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """Loss of a batch of ``features`` (n, d) with class ``targets`` (n,)."""
        check_logits_targets(
            features, targets, owner="OrthogonalProjectionLoss", name="features", shape="(n, d)"
        )
        f = features if features.dtype in (torch.float32, torch.float64) else features.float()
        f = F.normalize(f, p=2, dim=1)
        cos = f @ f.T
        same = targets[:, None] == targets[None, :]
        eye = torch.eye(len(targets), dtype=torch.bool, device=f.device)
        pos, neg = (same & ~eye).to(f.dtype), (~same).to(f.dtype)
        n_pos, n_neg = pos.sum(dim=1), neg.sum(dim=1)
        pull = torch.where(n_pos > 0, 1.0 - (cos * pos).sum(1) / n_pos.clamp_min(1), 0.0)
        push = (cos * neg).sum(dim=1) / n_neg.clamp_min(1)
        return reduce(pull + self.gamma * push, self.reduction)

    def extra_repr(self) -> str:
        return f"gamma={self.gamma}, reduction={self.reduction!r}"
