"""Validation and reduction shared by the losses: checked once in ``__init__`` / ``forward``."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import torch

from labelnoise._errors import InputError, InputTypeError
from labelnoise._options import check_bool as _check_bool

__all__ = [
    "Reduction",
    "check_bool",
    "check_logits_targets",
    "check_positive",
    "check_range",
    "check_reduction",
    "check_row_indices",
    "check_transition_matrix",
    "reduce",
]

Reduction = Literal["mean", "sum", "none"]
_REDUCTIONS = ("mean", "sum", "none")


def check_reduction(reduction: Any, *, owner: str) -> str:
    """Check torch's ``reduction`` option (scikit-learn's wording)."""
    if reduction not in _REDUCTIONS:
        listed = "{" + ", ".join(repr(r) for r in _REDUCTIONS) + "}"
        raise InputError(
            "reduction",
            f"The 'reduction' parameter of {owner} must be one of {listed}. "
            f"Got {reduction!r} instead.",
        )
    return str(reduction)


def check_bool(value: Any, *, name: str, owner: str) -> bool:
    """Check a bool option: ``True`` or ``False`` only, never read by truthiness.

    The package's :func:`labelnoise._options.check_bool`, in this module's ``owner=`` form.
    """
    return _check_bool(value, name=name, func=owner)


def check_range(
    value: Any,
    *,
    name: str,
    owner: str,
    low: float,
    high: float,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Check a float hyper-parameter in an interval such as ``(0, 1]``."""
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if ok:
        v = float(value)
        ok = (v > low if low_open else v >= low) and (v < high if high_open else v <= high)
    if not ok:
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        raise InputError(
            name,
            f"The {name!r} parameter of {owner} must be a float in {interval}. "
            f"Got {value!r} instead.",
        )
    return float(value)


def check_positive(value: Any, *, name: str, owner: str, integer: bool = False) -> Any:
    """Check a strictly positive float (or int with ``integer=True``) hyper-parameter."""
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or not value > 0:
        what = "an int >= 1" if integer else "a float > 0"
        raise InputError(
            name, f"The {name!r} parameter of {owner} must be {what}. Got {value!r} instead."
        )
    return int(value) if integer else float(value)


def check_logits_targets(
    logits: Any, targets: Any, *, owner: str, name: str = "logits", shape: str = "(n, K)"
) -> None:
    """Check ``logits`` of shape (n, K) and integer ``targets`` of shape (n,)."""
    if not isinstance(logits, torch.Tensor) or not torch.is_floating_point(logits):
        raise InputTypeError(
            name, f"{owner} expects a floating-point torch.Tensor, got {type(logits)!r}."
        )
    if logits.ndim != 2:
        raise InputError(
            name,
            f"{owner} expects shape {shape}, got {tuple(logits.shape)}; flatten extra "
            "dimensions into the batch first.",
        )
    check_row_indices(
        targets,
        logits,
        name="targets",
        owner=owner,
        what="class indices",
        fix="; use targets.long()",
    )


def check_row_indices(
    values: Any, logits: torch.Tensor, *, name: str, owner: str, what: str, fix: str = ""
) -> None:
    """Check integer ``values`` of shape (n,), one per row of ``logits``."""
    if not isinstance(values, torch.Tensor) or values.dtype not in (torch.int64, torch.int32):
        raise InputTypeError(
            name,
            f"{owner} expects an int64 torch.Tensor of {what}, got "
            f"{getattr(values, 'dtype', type(values))!r}{fix}.",
        )
    if values.shape != logits.shape[:1]:
        raise InputError(
            name,
            f"{owner} expects shape ({logits.shape[0]},) to match logits, got "
            f"{tuple(values.shape)}.",
        )


def check_transition_matrix(matrix: Any, *, owner: str) -> torch.Tensor:
    """Check a row-stochastic ``T[i, j] = P(noisy = j | true = i)``; return float64 copy."""
    if isinstance(matrix, torch.Tensor):
        t = matrix.detach().to("cpu", torch.float64).clone()
    else:
        try:
            t = torch.from_numpy(np.array(matrix, dtype=np.float64))  # a writable copy
        except (TypeError, ValueError) as exc:
            raise InputTypeError(
                "transition_matrix", f"{owner} expects a numeric (K, K) matrix ({exc})."
            ) from exc
    if t.ndim != 2 or t.shape[0] != t.shape[1] or t.shape[0] < 2:
        raise InputError(
            "transition_matrix",
            f"{owner} expects a square (K, K) matrix with K >= 2, got shape {tuple(t.shape)}.",
        )
    sums = t.sum(dim=1)
    if torch.any(t < 0) or not torch.allclose(sums, torch.ones_like(sums), atol=1e-3):
        raise InputError(
            "transition_matrix",
            f"{owner} expects non-negative rows summing to 1 (T[i, j] = P(noisy=j | true=i)), "
            f"got row sums {[round(float(s), 4) for s in sums[:5]]}; from estimate_noise pass "
            "noise_matrix.T (its columns sum to 1).",
        )
    return t


def reduce(losses: torch.Tensor, reduction: str) -> torch.Tensor:
    """Apply a (checked) torch reduction to per-example losses of shape (n,)."""
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    return losses
