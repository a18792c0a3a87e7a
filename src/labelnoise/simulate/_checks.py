"""Validation of the transition matrices of ``labelnoise.simulate`` (done once, at the public
boundary). Labels and features are checked by :mod:`labelnoise._validation`."""

from __future__ import annotations

from typing import Any

import numpy as np

from labelnoise._errors import InputError, InputTypeError
from labelnoise._validation import ROW_SUM_TOLERANCE, VALUE_TOLERANCE, as_array

__all__ = ["check_transition_matrix"]


def check_transition_matrix(T: Any, *, name: str = "T") -> np.ndarray:
    """Return a float64 row-stochastic (K, K) copy of ``T`` (rows renormalized to sum to 1)."""
    arr = as_array(T, name, hint="pass a numeric array")
    if arr.dtype.kind not in "biuf":
        raise InputTypeError(name, f"expected a numeric (K, K) array, got dtype {arr.dtype}.")
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] < 2:
        raise InputError(
            name,
            f"expected a square (K, K) matrix with K >= 2, got shape {arr.shape}; "
            "row k holds P(noisy label = j | true label = k).",
        )
    arr = arr.astype(np.float64)
    if (
        not np.all(np.isfinite(arr))
        or arr.min() < -VALUE_TOLERANCE
        or arr.max() > 1 + VALUE_TOLERANCE
    ):
        raise InputError(
            name,
            "entries must be finite probabilities in [0, 1]; "
            "row k holds P(noisy label = j | true label = k).",
        )
    sums = arr.sum(axis=1)
    if np.any(np.abs(sums - 1.0) > ROW_SUM_TOLERANCE):
        raise InputError(
            name,
            f"each row must sum to 1, got row sums from {sums.min():.6g} to {sums.max():.6g}; "
            "rows are true classes (pass T.T if yours has columns summing to 1).",
        )
    np.clip(arr, 0.0, 1.0, out=arr)
    return arr / arr.sum(axis=1, keepdims=True)
