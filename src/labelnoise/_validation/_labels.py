"""Labels: names or codes matched to ``pred_probs``' columns (:func:`check_labels`), and bare
integer label codes (:func:`check_codes`)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import numpy as np

from labelnoise._errors import InputError, InputTypeError
from labelnoise._options import check_int

__all__ = [
    "as_array",
    "check_classes",
    "check_code_array",
    "check_codes",
    "check_labels",
    "code_dtype",
]


def _show(values: Collection[Any], limit: int = 5) -> str:
    items = [repr(v.item() if isinstance(v, np.generic) else v) for v in list(values)[:limit]]
    more = ", ..." if len(values) > limit else ""
    return "[" + ", ".join(items) + more + "]"


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


def check_classes(classes: Any, n_classes: int) -> np.ndarray:
    """``classes=``: one unique, non-None name per column of ``pred_probs`` (a copy)."""
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
    if any(name is None for name in names.tolist()):
        raise InputError(
            "classes",
            f"class names must not be None (a missing value is not a class), got "
            f"{_show(names, 10)}; name every class, e.g. replace None with 'unknown'.",
        )
    if len(set(names.tolist())) != n_classes:
        raise InputError("classes", f"class names must be unique, got {_show(names, 10)}.")
    return names


def _unsortable(labels: np.ndarray, exc: TypeError) -> str:
    values = labels.tolist()
    if any(v is None for v in values):
        return (
            "contain None (missing labels); drop or fill those rows first, since a "
            "missing label belongs to no class."
        )
    kinds = sorted({type(v).__name__ for v in values})
    return (
        f"mix value types that cannot be compared ({', '.join(kinds)}: {exc}); give every "
        "label and every class name the same type, e.g. all str."
    )


def _codes_from_names(labels: np.ndarray, names: np.ndarray) -> np.ndarray:
    lookup = {name: code for code, name in enumerate(names.tolist())}
    try:
        uniques, inverse = np.unique(labels, return_inverse=True)
    except TypeError as exc:  # values numpy cannot sort, e.g. None beside numbers
        raise InputTypeError("labels", _unsortable(labels, exc)) from exc
    unknown = [u for u in uniques.tolist() if u not in lookup]
    if unknown:
        raise InputError(
            "labels",
            f"{len(unknown)} label value(s) are not in classes: {_show(unknown)}; "
            f"classes is {_show(names)}. Add them to classes or fix the labels.",
        )
    table = np.array([lookup[u] for u in uniques.tolist()], dtype=np.intp)
    return table[inverse.reshape(-1)]


def code_dtype(n_classes: int) -> np.dtype:
    """The smallest unsigned integer type that holds the codes ``0..n_classes-1``."""
    return np.dtype(np.uint8 if n_classes <= 256 else np.uint16 if n_classes <= 65536 else np.intp)


def check_labels(
    labels: Any, *, n_classes: int, classes: Any = None, compact: bool = False
) -> tuple[np.ndarray, np.ndarray | None]:
    """Return ``(codes, class_names_or_None)`` for given labels.

    Labels are integers ``0..n_classes-1`` or, with ``classes=``, any hashable names.
    Codes are ``intp``, or with ``compact=True`` the smallest unsigned type that fits
    (1 byte per row instead of 8 when there are at most 256 classes).
    """
    codes, names = _check_labels(labels, n_classes=n_classes, classes=classes)
    return codes.astype(code_dtype(n_classes) if compact else np.intp, copy=False), names


def _not_indices(arr: np.ndarray, n_classes: int) -> InputTypeError:
    """The error for labels that are not numbers: names without ``classes=``, or bytes.

    Values are shown by ``repr``, one by one: bytes in any encoding, None and values of
    mixed types all have one (``astype(str)`` fails on bytes that are not ASCII)."""
    values = arr.tolist()
    distinct = sorted({repr(v) for v in values})
    sample = "[" + ", ".join(distinct[:5]) + (", ..." if len(distinct) > 5 else "") + "]"
    decode = (
        "decode the bytes first with the encoding they were written in (e.g. "
        "[v.decode('latin-1') for v in labels]), then "
        if any(isinstance(v, bytes) for v in values)
        else ""
    )
    return InputTypeError(
        "labels",
        f"expected integer class indices 0..{n_classes - 1}, got dtype {arr.dtype} (values "
        f"such as {sample}); {decode}pass classes=[...] naming the class of each pred_probs "
        "column to use class names.",
    )


def _label_array(labels: Any, *, hint: str, empty: str) -> np.ndarray:
    """The checks every label validator starts with: an array, 1-D, not empty.

    ``hint`` says how to fix an input numpy cannot convert; ``empty`` how to fix an empty
    one (each validator keeps its own wording)."""
    arr = as_array(labels, "labels", hint=hint)
    if arr.ndim != 1:
        raise InputError(
            "labels",
            f"expected a 1-D array of shape (n,), got shape {arr.shape}; "
            "pass one label per example (use labels.ravel() for a column vector).",
        )
    if arr.shape[0] == 0:
        raise InputError("labels", f"got 0 examples; {empty}")
    return arr


def _check_labels(
    labels: Any, *, n_classes: int, classes: Any
) -> tuple[np.ndarray, np.ndarray | None]:
    arr = _label_array(
        labels, hint="pass a 1-D array or list", empty="pass at least one labelled example."
    )
    if classes is not None:
        names = check_classes(classes, n_classes)
        return _codes_from_names(arr, names), names
    if arr.dtype.kind not in "biuf":
        raise _not_indices(arr, n_classes)
    if arr.dtype.kind == "b" and n_classes != 2:
        raise InputError(
            "labels",
            f"are bools, which name a two-class problem (False = 0, True = 1), but "
            f"pred_probs has {n_classes} columns; pass integer class indices "
            f"0..{n_classes - 1}, or pred_probs with 2 columns [P(False), P(True)].",
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
    return arr, None


def check_code_array(labels: Any) -> np.ndarray:
    """Return ``labels`` as a 1-D array of non-negative integer codes (the caller's dtype).

    The validator of bare class codes, for functions that have no ``pred_probs`` to name
    the classes (the simulators): integers only (no names, bools or floats), never copied.
    """
    arr = _label_array(labels, hint="pass a numeric array", empty="pass at least one label.")
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

    :func:`check_code_array`, and the number of classes. ``n_classes=None`` means
    ``labels.max() + 1``, which must be at least 2: labels that are all class 0 do not say
    how many classes there are, and inventing a second one would misread them. The array
    keeps the caller's integer dtype (and is never written to); ``K - 1`` must fit in it.
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
