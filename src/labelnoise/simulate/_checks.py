"""Validation of the inputs of ``labelnoise.simulate`` (done once, at the public boundary)."""

from __future__ import annotations

from typing import Any

import numpy as np

from labelnoise._errors import InputError, InputTypeError
from labelnoise._validation import ROW_SUM_TOLERANCE, VALUE_TOLERANCE, as_array, check_int

__all__ = ["check_code_array", "check_codes", "check_features", "check_transition_matrix"]


def _as_array(value: Any, name: str) -> np.ndarray:
    return as_array(value, name, hint="pass a numeric array")


def check_code_array(labels: Any) -> np.ndarray:
    """Return ``labels`` as a 1-D array of non-negative integer codes (the caller's dtype)."""
    arr = _as_array(labels, "labels")
    if arr.ndim != 1:
        raise InputError(
            "labels",
            f"expected a 1-D array of shape (n,), got shape {arr.shape}; "
            "pass one label per example (use labels.ravel() for a column vector).",
        )
    if arr.shape[0] == 0:
        raise InputError("labels", "got 0 examples; pass at least one label.")
    if arr.dtype.kind not in "iu":
        raise InputTypeError(
            "labels",
            f"expected integer class codes 0..K-1, got dtype {arr.dtype}; map class names "
            "to codes first, e.g. names, codes = np.unique(labels, return_inverse=True).",
        )
    lo = int(arr.min())
    if lo < 0:
        raise InputError(
            "labels", f"class codes must be >= 0, got {lo}; map the labels to 0..K-1 first."
        )
    return arr


def check_codes(labels: Any, *, n_classes: Any, func: str) -> tuple[np.ndarray, int]:
    """Return ``(labels_array, K)``: 1-D integer codes in ``0..K-1`` and the class count.

    ``n_classes=None`` means ``labels.max() + 1``, which must be at least 2: labels that
    are all class 0 do not say how many classes there are, and inventing a second one
    would misread them. The array keeps the caller's integer dtype (and is never written
    to); ``K - 1`` must fit in that dtype.
    """
    arr = check_code_array(labels)
    hi = int(arr.max())
    if n_classes is None:
        if hi == 0:
            raise InputError(
                "labels",
                f"are all class 0, so {func} cannot infer the number of classes (noise needs "
                "n_classes >= 2); pass n_classes=K for labels with K classes in all.",
            )
        k = hi + 1
    else:
        k = check_int(n_classes, name="n_classes", func=func, minimum=2)
        if hi >= k:
            raise InputError(
                "n_classes",
                f"is {k} but labels contain class {hi}; pass n_classes >= {hi + 1} "
                "or leave it as None to infer it.",
            )
    if k - 1 > np.iinfo(arr.dtype).max:
        raise InputError(
            "labels",
            f"dtype {arr.dtype} cannot hold class {k - 1} of {k} classes; "
            "pass labels.astype(np.int64).",
        )
    return arr, k


def check_features(features: Any, n: int) -> np.ndarray:
    """Return finite float features of shape (n, d); images are flattened to one row each."""
    arr = _as_array(features, "features")
    if arr.dtype.kind not in "biuf":
        raise InputTypeError(
            "features",
            f"expected a numeric array, got dtype {arr.dtype}; encode the features as numbers.",
        )
    if arr.ndim < 2 or arr.shape[0] != n:
        raise InputError(
            "features",
            f"expected shape (n, d) with n = {n} (one row per label), got shape {arr.shape}.",
        )
    arr = arr.reshape(n, -1).astype(np.float64, copy=False)
    if arr.shape[1] == 0 or not np.all(np.isfinite(arr)):
        raise InputError(
            "features",
            "must have at least one column and only finite values; impute or drop NaN/inf.",
        )
    return arr


def check_transition_matrix(T: Any, *, name: str = "T") -> np.ndarray:
    """Return a float64 row-stochastic (K, K) copy of ``T`` (rows renormalized to sum to 1)."""
    arr = _as_array(T, name)
    if arr.dtype.kind not in "biuf":
        raise InputTypeError(name, f"expected a numeric (K, K) array, got dtype {arr.dtype}.")
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] < 2:
        raise InputError(
            name,
            f"expected a square (K, K) matrix with K >= 2, got shape {arr.shape}; "
            "row k holds P(noisy label = j | true label = k).",
        )
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)) or arr.min() < -VALUE_TOLERANCE or arr.max() > 1 + 1e-4:
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
