"""Validation at the public boundary, done once per call.

Public functions call :func:`check_problem` (and :func:`check_choice` and friends for
options) and pass the result down; private functions trust their inputs.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from labelnoise._chunks import row_chunks
from labelnoise._errors import InputError, InputTypeError

__all__ = [
    "ROW_SUM_TOLERANCE",
    "VALUE_TOLERANCE",
    "Problem",
    "as_array",
    "check_choice",
    "check_fraction",
    "check_int",
    "check_labels",
    "check_pred_probs",
    "check_problem",
]

#: How far a single probability may fall outside [0, 1] and still be accepted (float16 storage).
VALUE_TOLERANCE = 1e-4
#: How far a row of probabilities may miss a sum of 1 and still be accepted.
ROW_SUM_TOLERANCE = 1e-3


@dataclass(frozen=True)
class Problem:
    """Validated inputs: integer label codes and a float32/float64 probability matrix."""

    labels: np.ndarray  # intp codes in 0..K-1, shape (n,)
    pred_probs: np.ndarray  # float32 or float64, shape (n, K); never modified
    classes: np.ndarray | None  # class names, one per column, when labels were names

    @property
    def n(self) -> int:
        return int(self.labels.shape[0])

    @property
    def n_classes(self) -> int:
        return int(self.pred_probs.shape[1])

    def names(self, codes: np.ndarray) -> np.ndarray:
        """Map label codes back to the caller's class names (or return the codes)."""
        # Always a new array: results freeze what they hold, never the caller's input.
        return codes.copy() if self.classes is None else self.classes[codes]


def _show(values: Collection[Any], limit: int = 5) -> str:
    items = [repr(v.item() if isinstance(v, np.generic) else v) for v in list(values)[:limit]]
    more = ", ..." if len(values) > limit else ""
    return "[" + ", ".join(items) + more + "]"


def check_choice(value: Any, *, name: str, func: str, choices: Collection[Any]) -> Any:
    """Check that an option is one of a fixed set (scikit-learn's wording)."""
    if value not in choices:
        listed = "{" + ", ".join(repr(c) for c in choices) + "}"
        raise InputError(
            name,
            f"The {name!r} parameter of {func} must be one of {listed}. Got {value!r} instead.",
        )
    return value


def check_int(value: Any, *, name: str, func: str, minimum: int) -> int:
    """Check an integer option (bools are rejected)."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise InputError(
            name,
            f"The {name!r} parameter of {func} must be an int >= {minimum}. Got {value!r} instead.",
        )
    return int(value)


def check_fraction(value: Any, *, name: str, func: str) -> float:
    """Check a float option in [0, 1]."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float | np.integer | np.floating)
        or not 0.0 <= float(value) <= 1.0
    ):
        raise InputError(
            name,
            f"The {name!r} parameter of {func} must be a float in [0, 1]. Got {value!r} instead.",
        )
    return float(value)


def as_array(value: Any, name: str, *, hint: str = "pass a 1-D array or list") -> np.ndarray:
    """``np.asarray`` that accepts pandas objects and names the argument when it fails."""
    if hasattr(value, "to_numpy"):  # pandas Series / DataFrame
        value = value.to_numpy()
    try:
        return np.asarray(value)
    except (ValueError, TypeError) as exc:
        raise InputTypeError(
            name, f"could not be converted to a numpy array ({exc}); {hint}."
        ) from exc


def _check_classes(classes: Any, n_classes: int) -> np.ndarray:
    names = as_array(classes, "classes").copy()  # results freeze it; never the caller's
    if names.ndim != 1:
        raise InputError(
            "classes", f"expected a 1-D sequence of class names, got shape {names.shape}."
        )
    if names.shape[0] != n_classes:
        raise InputError(
            "classes",
            f"expected one name per column of pred_probs ({n_classes}), got {names.shape[0]}; "
            "list the class of each pred_probs column in column order.",
        )
    if len(set(names.tolist())) != n_classes:
        raise InputError("classes", f"class names must be unique, got {_show(names, 10)}.")
    return names


def _codes_from_names(labels: np.ndarray, names: np.ndarray) -> np.ndarray:
    lookup = {name: code for code, name in enumerate(names.tolist())}
    uniques, inverse = np.unique(labels, return_inverse=True)
    unknown = [u for u in uniques.tolist() if u not in lookup]
    if unknown:
        raise InputError(
            "labels",
            f"{len(unknown)} label value(s) are not in classes: {_show(unknown)}; "
            f"classes is {_show(names)}. Add them to classes or fix the labels.",
        )
    table = np.array([lookup[u] for u in uniques.tolist()], dtype=np.intp)
    return table[inverse.reshape(-1)]


def check_labels(
    labels: Any, *, n_classes: int, classes: Any = None
) -> tuple[np.ndarray, np.ndarray | None]:
    """Return ``(codes, class_names_or_None)`` for given labels.

    Labels are integers ``0..n_classes-1`` or, with ``classes=``, any hashable names.
    """
    arr = as_array(labels, "labels")
    if arr.ndim != 1:
        raise InputError(
            "labels",
            f"expected a 1-D array of shape (n,), got shape {arr.shape}; "
            "pass one label per example (use labels.ravel() for a column vector).",
        )
    if arr.shape[0] == 0:
        raise InputError("labels", "got 0 examples; pass at least one labelled example.")
    if classes is not None:
        names = _check_classes(classes, n_classes)
        return _codes_from_names(arr, names), names
    if arr.dtype.kind in "OUSV" or arr.dtype.kind not in "biuf":
        sample = _show(np.unique(arr.astype(object).astype(str))[:5])
        raise InputTypeError(
            "labels",
            f"expected integer class indices 0..{n_classes - 1}, got dtype {arr.dtype} "
            f"(values such as {sample}); pass classes=[...] naming the class of each "
            "pred_probs column to use class names.",
        )
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)):
            raise InputError("labels", "contain NaN or infinite values; labels must be integers.")
        frac = arr[np.mod(arr, 1) != 0]
        if frac.size:
            raise InputError(
                "labels",
                f"expected integer class indices, got non-integral floats such as {_show(frac)}; "
                "round or map them to 0..K-1.",
            )
    lo, hi = arr.min(), arr.max()
    if lo < 0 or hi >= n_classes:
        bad = arr[(arr < 0) | (arr >= n_classes)]
        raise InputError(
            "labels",
            f"expected class indices in 0..{n_classes - 1} (pred_probs has {n_classes} "
            f"columns), got values such as {_show(np.unique(bad))}; pass pred_probs with one "
            "column per class, or map the labels to 0..K-1.",
        )
    return arr.astype(np.intp, copy=False), None


def _scan(pp: np.ndarray) -> tuple[float, float, float, float]:
    """One pass: min value, max value, min and max row sum (NaN propagates)."""
    lo, hi, smin, smax = np.inf, -np.inf, np.inf, -np.inf
    for rows in row_chunks(pp.shape[0], pp.shape[1], pp.itemsize):
        block = pp[rows]
        sums = block.sum(axis=1, dtype=np.float64)
        lo = min(lo, float(block.min()))
        hi = max(hi, float(block.max()))
        smin = min(smin, float(sums.min()))
        smax = max(smax, float(sums.max()))
        if np.isnan(lo) or np.isnan(hi):
            break
    return lo, hi, smin, smax


def _renormalized(pp: np.ndarray, *, clip: bool) -> np.ndarray:
    """A float copy with each row clipped to [0, 1] (optionally) and divided by its sum."""
    out = np.array(pp, dtype=np.result_type(pp.dtype, np.float32), order="C")
    for rows in row_chunks(out.shape[0], out.shape[1], out.itemsize):
        block = out[rows]
        if clip:
            np.clip(block, 0.0, 1.0, out=block)
        sums = block.sum(axis=1, keepdims=True)
        if np.any(sums <= 0):
            raise InputError(
                "pred_probs",
                "a row sums to 0 and cannot be normalized; every example needs a "
                "positive probability for some class.",
            )
        block /= sums
    return out


def check_pred_probs(pred_probs: Any, *, normalize: bool = False) -> np.ndarray:
    """Return a float32/float64 (n, K) view of ``pred_probs``, copying only when needed.

    Values up to :data:`VALUE_TOLERANCE` outside [0, 1] (float16 rounding) are accepted and
    the affected array is clipped and renormalized; rows that miss a sum of 1 by more than
    :data:`ROW_SUM_TOLERANCE` are an error unless ``normalize=True``.
    """
    pp = as_array(pred_probs, "pred_probs")
    if pp.dtype.kind not in "biuf":
        raise InputTypeError(
            "pred_probs",
            f"expected a numeric (float) array, got dtype {pp.dtype}; "
            "convert it with np.asarray(pred_probs, dtype=float).",
        )
    if pp.ndim != 2:
        raise InputError(
            "pred_probs",
            f"expected a 2-D array of shape (n, K), got shape {pp.shape}; "
            "pass one row of class probabilities per example.",
        )
    if pp.shape[1] < 2:
        raise InputError(
            "pred_probs",
            f"expected at least 2 columns (classes), got shape {pp.shape}; "
            "for a binary problem pass both columns [1 - p, p].",
        )
    if pp.shape[0] == 0:
        raise InputError("pred_probs", "got 0 rows; pass at least one example.")
    if pp.dtype.kind != "f" or pp.dtype.itemsize < 4:
        pp = pp.astype(np.float64 if pp.dtype.kind != "f" else np.float32)
    lo, hi, smin, smax = _scan(pp)
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise InputError(
            "pred_probs",
            "contains NaN or infinite values; fix the model output (e.g. softmax of finite "
            "logits) before looking for label issues.",
        )
    if lo < -VALUE_TOLERANCE or hi > 1 + VALUE_TOLERANCE:
        raise InputError(
            "pred_probs",
            f"values must be probabilities in [0, 1], got min {lo:.6g} and max {hi:.6g}; "
            "if these are logits, apply a softmax first.",
        )
    if normalize:
        if smin != 1.0 or smax != 1.0 or lo < 0 or hi > 1:
            return _renormalized(pp, clip=True)
        return pp
    if smin < 1 - ROW_SUM_TOLERANCE or smax > 1 + ROW_SUM_TOLERANCE:
        raise InputError(
            "pred_probs",
            f"each row must sum to 1, got row sums from {smin:.6g} to {smax:.6g}; "
            "pass normalize=True to divide each row by its sum.",
        )
    if lo < 0 or hi > 1:
        return _renormalized(pp, clip=True)
    return pp


def check_problem(
    labels: Any, pred_probs: Any, *, classes: Sequence[Any] | Any = None, normalize: bool = False
) -> Problem:
    """Validate ``labels`` and ``pred_probs`` together."""
    pp = check_pred_probs(pred_probs, normalize=normalize)
    codes, names = check_labels(labels, n_classes=pp.shape[1], classes=classes)
    if codes.shape[0] != pp.shape[0]:
        raise InputError(
            "labels",
            f"has {codes.shape[0]} entries but pred_probs has {pp.shape[0]} rows; "
            "pass one label per row of pred_probs.",
        )
    return Problem(labels=codes, pred_probs=pp, classes=names)
