"""Backward loss correction (Patrini et al., CVPR 2017)."""

from __future__ import annotations

from typing import Any

import torch

from labelnoise._errors import InputError
from labelnoise.torch._checks import Reduction, check_transition_matrix
from labelnoise.torch.losses._base import LabelLoss, log_probs

__all__ = ["BackwardCorrectionLoss"]


class BackwardCorrectionLoss(LabelLoss):
    r"""Cross entropy corrected by the inverse transition matrix, :math:`(T^{-1} \ell)_y`.

    With :math:`\ell_k = -\log p_k` the loss of each possible label, the corrected loss
    :math:`\sum_k (T^{-1})_{yk}\, \ell_k` is, in expectation over the noisy label, the
    clean-label cross entropy (an unbiased estimator). It can be negative and has higher
    variance than :class:`ForwardCorrectionLoss`, which usually trains better.

    Parameters
    ----------
    transition_matrix : array-like of shape (K, K)
        ``T[i, j] = P(noisy = j | true = i)``, invertible. From
        :func:`labelnoise.estimate_noise` pass ``estimate.noise_matrix.T``.
    reduction : {"mean", "sum", "none"}, default "mean"
        As in :mod:`torch.nn`.

    References
    ----------
    G. Patrini, A. Rozza, A. K. Menon, R. Nock and L. Qu, "Making Deep Neural Networks
    Robust to Label Noise: a Loss Correction Approach", CVPR 2017.

    Examples
    --------
    >>> import torch
    >>> from labelnoise.torch import BackwardCorrectionLoss
    >>> loss = BackwardCorrectionLoss(torch.eye(3))(torch.zeros(2, 3), torch.tensor([0, 2]))
    >>> round(float(loss), 4)  # identity T: plain cross entropy, log 3
    1.0986
    """

    inverse: torch.Tensor

    def __init__(self, transition_matrix: Any, *, reduction: Reduction = "mean") -> None:
        super().__init__(reduction=reduction)
        t = check_transition_matrix(transition_matrix, owner="BackwardCorrectionLoss")
        cond = float(torch.linalg.cond(t))
        if not cond < 1e8:
            raise InputError(
                "transition_matrix",
                f"BackwardCorrectionLoss needs an invertible matrix, got condition number "
                f"{cond:.3g}; use ForwardCorrectionLoss, which needs no inverse.",
            )
        self.register_buffer("inverse", torch.linalg.inv(t))

    def per_example(self, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        log_p = log_probs(logits)
        rows = self.inverse.to(log_p.dtype)[targets]
        return -(rows * log_p).sum(dim=1)

    def _hparams(self) -> dict[str, Any]:
        return {"n_classes": int(self.inverse.shape[0]), "reduction": self.reduction}
