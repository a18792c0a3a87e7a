"""Co-teaching (Han et al., NeurIPS 2018): two networks teach each other with small losses."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from labelnoise._errors import InputError
from labelnoise.torch._checks import check_positive, check_range
from labelnoise.torch._selection import forget_rate_schedule, small_loss_selection

__all__ = ["CoTeaching", "CoTeachingEpoch", "CoTeachingStep"]


@dataclass(frozen=True)
class CoTeachingStep:
    """One batch of co-teaching.

    Attributes
    ----------
    loss1, loss2 : Tensor (scalar, detached)
        Mean loss each network was updated with (on the examples its peer kept); tensors,
        so that a GPU loop need not wait for them.
    kept1, kept2 : Tensor of int64
        Batch positions each network judged clean (small loss), smallest first.
    """

    loss1: torch.Tensor
    loss2: torch.Tensor
    kept1: torch.Tensor
    kept2: torch.Tensor


@dataclass(frozen=True)
class CoTeachingEpoch:
    """One epoch of co-teaching.

    Attributes
    ----------
    forget_rate : float
        Share of each batch dropped this epoch.
    loss1, loss2 : float
        Mean of the per-batch update losses of each network.
    kept : Tensor of int64
        Dataset indices (the loader's ``idx``) that network 1 kept, on the CPU; with known
        true labels, ``is_clean[kept].mean()`` is the selection precision.
    """

    forget_rate: float
    loss1: float
    loss2: float
    kept: torch.Tensor


class CoTeaching:
    """Train two networks; each updates on the examples its peer finds small-loss.

    Both networks see every batch. Each ranks the batch by its own per-example loss and
    keeps the ``1 - forget_rate`` smallest; network 1 is then updated on network 2's picks
    and vice versa. Different initialisations make different mistakes, so a wrong label
    that one network has started to fit is still filtered by the other. The forget rate
    ramps up from 0 (:func:`forget_rate_schedule`), because early in training nothing has
    been memorised yet.

    Parameters
    ----------
    model1, model2 : nn.Module
        Two networks with the same output classes (any architecture).
    optimizer1, optimizer2 : torch.optim.Optimizer
        Their optimizers (schedulers, if any, are stepped by the caller).
    forget_rate : float in [0, 1]
        Final share of each batch to drop; the (estimated) noise rate is the usual choice,
        e.g. ``labelnoise.estimate_noise(...).noise_rate``.
    num_gradual : int >= 0, default 10
        Epochs over which the forget rate ramps up.
    exponent : float > 0, default 1.0
        Shape of the ramp.
    loss : nn.Module, optional
        Per-example loss ``loss(logits, targets)`` with ``reduction="none"``; default
        ``nn.CrossEntropyLoss(reduction="none")``.
    autocast_dtype : torch.dtype, optional
        Run the forward passes under ``torch.autocast`` with this dtype (e.g. bfloat16).

    References
    ----------
    B. Han, Q. Yao, X. Yu, G. Niu, M. Xu, W. Hu, I. Tsang and M. Sugiyama, "Co-teaching:
    Robust Training of Deep Neural Networks with Extremely Noisy Labels", NeurIPS 2018.

    Examples
    --------
    >>> import torch
    >>> from torch import nn
    >>> from labelnoise.torch import CoTeaching
    >>> nets = [nn.Linear(4, 3), nn.Linear(4, 3)]
    >>> opts = [torch.optim.SGD(n.parameters(), lr=0.1) for n in nets]
    >>> ct = CoTeaching(*nets, *opts, forget_rate=0.2, num_gradual=0)
    >>> step = ct.step(torch.randn(10, 4), torch.randint(0, 3, (10,)), forget_rate=0.2)
    >>> len(step.kept1)
    8
    """

    def __init__(
        self,
        model1: nn.Module,
        model2: nn.Module,
        optimizer1: torch.optim.Optimizer,
        optimizer2: torch.optim.Optimizer,
        *,
        forget_rate: float,
        num_gradual: int = 10,
        exponent: float = 1.0,
        loss: nn.Module | None = None,
        autocast_dtype: torch.dtype | None = None,
    ) -> None:
        if model1 is model2:
            raise InputError(
                "model2", "CoTeaching needs two distinct networks, got the same object twice."
            )
        self.models = (model1, model2)
        self.optimizers = (optimizer1, optimizer2)
        self.forget_rate = check_range(
            forget_rate, name="forget_rate", owner="CoTeaching", low=0.0, high=1.0
        )
        forget_rate_schedule(
            0, forget_rate=self.forget_rate, num_gradual=num_gradual, exponent=exponent
        )  # validates the schedule once
        self.num_gradual = num_gradual
        self.exponent = check_positive(exponent, name="exponent", owner="CoTeaching")
        self.loss = nn.CrossEntropyLoss(reduction="none") if loss is None else loss
        self.autocast_dtype = autocast_dtype

    def rate(self, epoch: int) -> float:
        """Forget rate of ``epoch`` (0-based)."""
        return forget_rate_schedule(
            epoch,
            forget_rate=self.forget_rate,
            num_gradual=self.num_gradual,
            exponent=self.exponent,
        )

    def _autocast(self, x: torch.Tensor) -> contextlib.AbstractContextManager[Any]:
        if self.autocast_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(device_type=x.device.type, dtype=self.autocast_dtype)

    def step(self, x: torch.Tensor, y: torch.Tensor, *, forget_rate: float) -> CoTeachingStep:
        """Update both networks on one batch ``x`` with labels ``y`` (n,)."""
        with self._autocast(x):
            losses = [self.loss(model(x), y).float() for model in self.models]
        kept = [small_loss_selection(l_, forget_rate=forget_rate) for l_ in losses]
        updates = (losses[0][kept[1]].mean(), losses[1][kept[0]].mean())
        for opt in self.optimizers:
            opt.zero_grad(set_to_none=True)
        (updates[0] + updates[1]).backward()  # the two graphs are disjoint
        for opt in self.optimizers:
            opt.step()
        return CoTeachingStep(updates[0].detach(), updates[1].detach(), kept[0], kept[1])

    def train_epoch(self, loader: Iterable[Any], *, epoch: int) -> CoTeachingEpoch:
        """One pass over ``loader``, which yields ``(x, y, idx)`` batches.

        Batches are moved to the device of ``model1``'s first parameter.
        """
        device = next(self.models[0].parameters()).device
        rate = self.rate(epoch)
        for model in self.models:
            model.train()
        sums, kept = [], []
        for x, y, idx in loader:
            out = self.step(x.to(device), y.to(device), forget_rate=rate)
            sums.append(torch.stack([out.loss1, out.loss2]))
            kept.append(torch.as_tensor(idx)[out.kept1.cpu()])
        if not sums:
            raise InputError("loader", "CoTeaching.train_epoch got an empty loader.")
        mean = torch.stack(sums).mean(dim=0).tolist()
        return CoTeachingEpoch(rate, mean[0], mean[1], torch.cat(kept))
