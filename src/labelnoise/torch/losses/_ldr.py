"""Label-distributionally robust loss LDR-KL (Zhu, Ying & Yang, ICML 2023)."""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F

from labelnoise.torch._checks import Reduction, check_bool, check_positive, check_range
from labelnoise.torch.losses._base import LabelLoss

__all__ = ["LDRLoss"]


class LDRLoss(LabelLoss):
    r"""LDR-KL: the worst case over label distributions near uniform, in closed form.

    .. math::

        \lambda \log \frac{1}{K} \sum_k \exp\left(
            \frac{c\,[k \ne y] + s_k - s_y}{\lambda}\right)

    with scores :math:`s`. It is the loss of the worst label distribution within a
    KL-regularised ball (strength :math:`\lambda`) around the uniform one. As
    :math:`\lambda \to 0` it becomes the Crammer-Singer hinge
    :math:`\max_k (c[k \ne y] + s_k - s_y)`; as :math:`\lambda \to \infty` the mean of
    the margins, a symmetric (noise-tolerant) loss. With ``normalize=True`` (as in the
    authors' code) the scores are ``softplus(logits)`` divided by their mean over classes,
    which bounds the loss so that large-margin wrong labels cannot dominate.

    Parameters
    ----------
    margin : float >= 0, default 2.0
        The margin :math:`c` for the other classes (the authors' code default).
    lam : float > 0, default 1.0
        The KL strength :math:`\lambda`.
    normalize : bool, default True
        Use mean-normalised softplus scores instead of raw logits.
    reduction : {"mean", "sum", "none"}, default "mean"
        As in :mod:`torch.nn`.

    References
    ----------
    D. Zhu, Y. Ying and T. Yang, "Label Distributionally Robust Losses for Multi-class
    Classification: Consistency, Robustness and Adaptivity", ICML 2023.

    Examples
    --------
    >>> import torch
    >>> from labelnoise.torch import LDRLoss
    >>> loss = LDRLoss(margin=0.0, normalize=False)(torch.zeros(1, 3), torch.tensor([0]))
    >>> round(float(loss), 4)  # equal scores, no margin: lam * log(mean(exp(0)))
    0.0
    """

    def __init__(
        self,
        margin: float = 2.0,
        lam: float = 1.0,
        *,
        normalize: bool = True,
        reduction: Reduction = "mean",
    ) -> None:
        super().__init__(reduction=reduction)
        self.margin = check_range(margin, name="margin", owner="LDRLoss", low=0.0, high=math.inf)
        self.lam = check_positive(lam, name="lam", owner="LDRLoss")
        self.normalize = check_bool(normalize, name="normalize", owner="LDRLoss")

    def per_example(self, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        scores = logits if logits.dtype in (torch.float32, torch.float64) else logits.float()
        if self.normalize:
            scores = F.softplus(scores)
            scores = scores / scores.mean(dim=1, keepdim=True)
        margins = scores - scores.gather(1, targets[:, None]) + self.margin
        margins = margins.scatter(1, targets[:, None], 0.0)
        k = scores.shape[1]
        return self.lam * (torch.logsumexp(margins / self.lam, dim=1) - math.log(k))

    def _hparams(self) -> dict[str, Any]:
        return {
            "margin": self.margin,
            "lam": self.lam,
            "normalize": self.normalize,
            "reduction": self.reduction,
        }
