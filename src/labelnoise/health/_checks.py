"""Boundary checks shared by the health functions (one validator per input kind)."""

from __future__ import annotations

from typing import Any

import numpy as np

from labelnoise._errors import InputError, InputTypeError
from labelnoise._validation import as_array

__all__ = ["check_positive", "check_row_labels"]


def check_row_labels(labels: Any, n: int, name: str = "labels") -> tuple[np.ndarray, np.ndarray]:
    """``(codes, classes)``: labels of any hashable, sortable type, one per row."""
    arr = as_array(labels, name)
    if arr.ndim != 1 or arr.shape[0] != n:
        raise InputError(
            name,
            f"expected a 1-D array with one label per row ({n}), got shape {arr.shape}; pass "
            "the label of each row of features.",
        )
    if arr.shape[0] == 0:
        raise InputError(name, "got 0 rows; pass at least one labelled row.")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise InputError(name, "contain NaN or infinite values; drop or fill those rows first.")
    try:
        classes, codes = np.unique(arr, return_inverse=True)
    except TypeError as exc:
        raise InputTypeError(
            name, f"mix value types that cannot be compared ({exc}); give every label one type."
        ) from exc
    return codes.reshape(-1).astype(np.intp), classes


def check_positive(value: Any, *, name: str, func: str) -> float:
    """A finite float option > 0."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float | np.integer | np.floating)
        or not np.isfinite(value)
        or value <= 0
    ):
        raise InputError(
            name, f"The {name!r} parameter of {func} must be a float > 0. Got {value!r} instead."
        )
    return float(value)
