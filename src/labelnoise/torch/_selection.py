"""Small-loss sample selection: the examples a network fits first are mostly clean."""

from __future__ import annotations

import math

import torch

from labelnoise._errors import InputError
from labelnoise.torch._checks import check_range

__all__ = ["forget_rate_schedule", "small_loss_selection"]


def small_loss_selection(losses: torch.Tensor, *, forget_rate: float) -> torch.Tensor:
    """Indices of the ``1 - forget_rate`` share of examples with the smallest loss.

    Networks learn clean patterns before they memorise wrong labels, so early in training
    the examples with small loss are likely clean (Han et al., 2018; Arpit et al., 2017).

    Parameters
    ----------
    losses : Tensor of shape (n,)
        Per-example losses (e.g. ``reduction="none"``); only their order matters.
    forget_rate : float in [0, 1]
        Share of examples to drop. At least one example is always kept.

    Returns
    -------
    Tensor of int64, shape (m,)
        Indices into ``losses``, smallest loss first, ``m = max(1, n - round(forget_rate * n))``
        (halves round up the number dropped).

    Examples
    --------
    >>> import torch
    >>> from labelnoise.torch import small_loss_selection
    >>> small_loss_selection(torch.tensor([0.3, 2.0, 0.1, 0.9]), forget_rate=0.5).tolist()
    [2, 0]
    """
    rate = check_range(
        forget_rate, name="forget_rate", owner="small_loss_selection", low=0.0, high=1.0
    )
    if not isinstance(losses, torch.Tensor) or losses.ndim != 1 or losses.numel() == 0:
        raise InputError(
            "losses",
            "small_loss_selection expects a non-empty 1-D tensor of per-example losses, got "
            f"{getattr(losses, 'shape', type(losses))}; use the loss with reduction='none'.",
        )
    n = losses.shape[0]
    keep = max(1, n - math.floor(rate * n + 0.5))
    return torch.argsort(losses.detach(), stable=True)[:keep]


def forget_rate_schedule(
    epoch: int, *, forget_rate: float, num_gradual: int = 10, exponent: float = 1.0
) -> float:
    """Co-teaching's schedule: ramp the forget rate from 0 to ``forget_rate``.

    ``forget_rate * min(epoch / num_gradual, 1) ** exponent``: drop nothing at first (the
    network has not memorised anything yet), then the estimated noise rate.

    Parameters
    ----------
    epoch : int >= 0
        Current epoch (0 for the first).
    forget_rate : float in [0, 1]
        Final forget rate, usually the (estimated) noise rate.
    num_gradual : int >= 0, default 10
        Epochs of the linear ramp (``T_k`` in the paper); 0 starts at the final rate.
    exponent : float > 0, default 1.0
        Shape of the ramp (``c`` in the paper).

    Returns
    -------
    float

    Examples
    --------
    >>> from labelnoise.torch import forget_rate_schedule
    >>> [round(forget_rate_schedule(e, forget_rate=0.4, num_gradual=4), 3) for e in range(6)]
    [0.0, 0.1, 0.2, 0.3, 0.4, 0.4]
    """
    owner = "forget_rate_schedule"
    rate = check_range(forget_rate, name="forget_rate", owner=owner, low=0.0, high=1.0)
    if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0:
        raise InputError("epoch", f"{owner} expects an int >= 0, got {epoch!r}.")
    if isinstance(num_gradual, bool) or not isinstance(num_gradual, int) or num_gradual < 0:
        raise InputError("num_gradual", f"{owner} expects an int >= 0, got {num_gradual!r}.")
    expo = check_range(
        exponent, name="exponent", owner=owner, low=0.0, high=math.inf, low_open=True
    )
    if num_gradual == 0:
        return rate
    return rate * min(epoch / num_gradual, 1.0) ** expo
