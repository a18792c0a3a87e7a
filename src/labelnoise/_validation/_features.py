"""Feature matrices (embeddings, pixels, table columns): :func:`check_features`."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

import numpy as np

from labelnoise._errors import InputError, InputTypeError
from labelnoise._validation._labels import as_array

__all__ = ["check_features"]


@dataclass(frozen=True)
class _FeatureRules:
    """What :func:`check_features` demands, and how its errors read, for one kind of caller.

    Messages are format strings over ``n``, ``shape`` and ``dtype``."""

    float64: bool  # always float64; else float32/float64 as stored (small types: float32)
    min_columns: int  # fewer columns than this is an error (worded as ``values``)
    finite: bool  # NaN or infinite values are an error
    hint: str  # the fix when numpy cannot convert the input
    dtype: str  # not numbers
    shape: str  # not (n, ...)
    values: str  # too few columns, or not finite


FeatureRulesName = Literal["embeddings", "simulate", "report"]
_REPORT_FEATURES = (
    "expected a numeric array of shape (n, d) with n = {n} rows, got shape {shape} and dtype "
    "{dtype}; pass one embedding per example."
)

#: The callers' rules, one row each. They differ in the dtype (the simulators compute in
#: float64; the neighbour searches keep float32 embeddings as they are, half the memory),
#: in whether an (n, 0) array or NaN is refused, and in wording: each row words its errors
#: as its public functions always have.
_FEATURE_RULES: MappingProxyType[str, _FeatureRules] = MappingProxyType(
    {
        # kNN detection and the health checks: cosine neighbours of embeddings
        "embeddings": _FeatureRules(
            float64=False,
            min_columns=0,
            finite=True,
            hint="pass a 2-D numeric array of shape (n, d)",
            dtype="expected a numeric array, got dtype {dtype}; pass embeddings or other "
            "numeric features of shape (n, d).",
            shape="expected shape ({n}, d) (one row per label), got shape {shape}; pass one "
            "feature vector per example.",
            values="contain NaN or infinite values; impute or drop them first.",
        ),
        # instance-dependent noise: x @ W in float64
        "simulate": _FeatureRules(
            float64=True,
            min_columns=1,
            finite=True,
            hint="pass a numeric array",
            dtype="expected a numeric array, got dtype {dtype}; encode the features as numbers.",
            shape="expected shape (n, d) with n = {n} (one row per label), got shape {shape}.",
            values="must have at least one column and only finite values; impute or drop NaN/inf.",
        ),
        # the report's nearest examples (it computes the cosines in float64 itself)
        "report": _FeatureRules(
            float64=False,
            min_columns=0,
            finite=False,
            hint="pass a 2-D numeric array of shape (n, d)",
            dtype=_REPORT_FEATURES,
            shape=_REPORT_FEATURES,
            values="",
        ),
    }
)


def check_features(
    features: Any, n: int, *, rules: FeatureRulesName = "embeddings", name: str = "features"
) -> np.ndarray:
    """Return features as a float (n, d) array, one row per label; images are flattened.

    Parameters
    ----------
    features : array-like of numbers (or bools), shape (n, d) or (n, ...)
        One row per example; a pandas DataFrame is read with ``to_numpy``.
    n : int
        The number of rows expected (one per label).
    rules : {"embeddings", "simulate", "report"}, default "embeddings"
        Which caller's rules apply (see ``_FEATURE_RULES``). ``"embeddings"``: float32 or
        float64 as stored (ints up to 16 bits and float16 become float32, wider ints
        float64), finite. ``"simulate"``: always float64, finite, at least one column.
        ``"report"``: as ``"embeddings"``, NaN allowed.
    name : str, default "features"
        The argument named in the errors.

    Returns
    -------
    ndarray of float32 or float64, shape (n, d)
        A view of the input where no conversion was needed.
    """
    rule = _FEATURE_RULES[rules]
    arr = as_array(features, name, hint=rule.hint)
    if arr.dtype.kind not in "biuf":
        raise InputTypeError(name, rule.dtype.format(n=n, shape=arr.shape, dtype=arr.dtype))
    if arr.ndim < 2 or arr.shape[0] != n:
        raise InputError(name, rule.shape.format(n=n, shape=arr.shape, dtype=arr.dtype))
    arr = arr.reshape(n, -1)
    if rule.float64:
        arr = arr.astype(np.float64, copy=False)
    elif arr.dtype.kind != "f" or arr.dtype.itemsize < 4:
        arr = arr.astype(np.float32 if arr.dtype.itemsize <= 2 else np.float64)
    if arr.shape[1] < rule.min_columns or (rule.finite and not np.all(np.isfinite(arr))):
        raise InputError(name, rule.values)
    return arr
