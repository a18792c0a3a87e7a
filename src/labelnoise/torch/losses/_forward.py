"""Forward loss correction (Patrini et al., CVPR 2017)."""

from __future__ import annotations

from typing import Any

import torch

from labelnoise.torch._checks import Reduction, check_transition_matrix
from labelnoise.torch.losses._base import LabelLoss

__all__ = ["ForwardCorrectionLoss"]


class ForwardCorrectionLoss(LabelLoss):
    r"""Cross entropy of the *noisy*-label distribution :math:`T^\top p`.

    The network's softmax :math:`p` models the clean class; multiplying by the transition
    matrix gives the distribution of the noisy label,
    :math:`\tilde p_j = \sum_i p_i T_{ij}`, and the loss is :math:`-\log \tilde p_y`. The
    minimiser of the corrected loss on noisy labels is the clean-label classifier.

    Parameters
    ----------
    transition_matrix : array-like of shape (K, K)
        ``T[i, j] = P(noisy = j | true = i)``: rows sum to 1. From
        :func:`labelnoise.estimate_noise`, whose ``noise_matrix[i, j]`` is
        ``P(given = i | true = j)``, pass ``estimate.noise_matrix.T``.
    reduction : {"mean", "sum", "none"}, default "mean"
        As in :mod:`torch.nn`.

    References
    ----------
    G. Patrini, A. Rozza, A. K. Menon, R. Nock and L. Qu, "Making Deep Neural Networks
    Robust to Label Noise: a Loss Correction Approach", CVPR 2017.

    Examples
    --------
    >>> import torch
    >>> from labelnoise.torch import ForwardCorrectionLoss
    >>> T = [[0.8, 0.2], [0.2, 0.8]]
    >>> loss = ForwardCorrectionLoss(T)(torch.tensor([[20.0, 0.0]]), torch.tensor([1]))
    >>> round(float(loss), 3)  # -log(0.2): a sure class-0 prediction is 20% likely noisy
    1.609
    """

    transition_matrix: torch.Tensor

    def __init__(self, transition_matrix: Any, *, reduction: Reduction = "mean") -> None:
        super().__init__(reduction=reduction)
        t = check_transition_matrix(transition_matrix, owner="ForwardCorrectionLoss")
        self.register_buffer("transition_matrix", t)

    def per_example(self, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        dtype = logits.dtype if logits.dtype == torch.float64 else torch.float32
        p = torch.softmax(logits.to(dtype), dim=1)
        noisy = p @ self.transition_matrix.to(dtype)
        p_y = noisy.gather(1, targets[:, None])[:, 0]
        return -torch.log(p_y.clamp_min(torch.finfo(dtype).tiny))

    def _hparams(self) -> dict[str, Any]:
        return {"n_classes": int(self.transition_matrix.shape[0]), "reduction": self.reduction}
