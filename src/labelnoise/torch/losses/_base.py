"""The base class of the losses: validation and reduction once, the formula in each subclass."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from labelnoise.torch._checks import Reduction, check_logits_targets, check_reduction, reduce

__all__ = ["LabelLoss", "log_probs"]


def log_probs(logits: torch.Tensor) -> torch.Tensor:
    """``log_softmax`` in at least float32 (bf16/fp16 logits from autocast are upcast)."""
    if logits.dtype not in (torch.float32, torch.float64):
        logits = logits.float()
    return torch.log_softmax(logits, dim=1)


class LabelLoss(nn.Module):
    """A loss on ``(logits, targets)``: subclasses write only :meth:`per_example`.

    Parameters
    ----------
    reduction : {"mean", "sum", "none"}, default "mean"
        As in :mod:`torch.nn`: average, total, or one loss per example.
    """

    def __init__(self, *, reduction: Reduction = "mean") -> None:
        super().__init__()
        self.reduction = check_reduction(reduction, owner=type(self).__name__)

    def per_example(self, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """Loss of each example, shape (n,); ``logits`` (n, K), ``targets`` (n,) int64."""
        raise NotImplementedError

    def forward(self, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """Loss of a batch: ``logits`` of shape (n, K), ``targets`` of shape (n,) in 0..K-1."""
        check_logits_targets(logits, targets, owner=type(self).__name__)
        return reduce(self.per_example(logits, targets.long()), self.reduction)

    def extra_repr(self) -> str:
        return ", ".join(f"{k}={v!r}" for k, v in self._hparams().items())

    def _hparams(self) -> dict[str, Any]:
        return {"reduction": self.reduction}
