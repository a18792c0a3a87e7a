"""Checks on what the loaders read and take: file contents, and labels in a dataset's order.

A file can be readable and still wrong: a CIFAR-10N array of 49,000 labels, a label 99
among ten classes, a float array where codes belong. Each would shift or corrupt every
result computed from it without a word, so the loaders check the values they return and
name the file, the array and the fix (``check_file_*``, errors on ``path``).

The CIFAR-10 loaders also take the caller's labels, in the original CIFAR-10 order, to put
images and features in line with them (:func:`check_order_labels`, errors on ``labels``),
and the rows to keep (:func:`check_subset`).
Labels of a problem are checked by :mod:`labelnoise._validation`; these are file rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from labelnoise._errors import InputError, InputTypeError
from labelnoise._validation import ROW_SUM_TOLERANCE

__all__ = [
    "check_file_codes",
    "check_file_counts",
    "check_file_probs",
    "check_order_labels",
    "check_subset",
]


def _where(file: Path, array: str | None) -> str:
    return repr(str(file)) + ("" if array is None else f" (array {array!r})")


def _sample(values: np.ndarray) -> str:
    shown = np.unique(values)[:5].tolist()
    return ", ".join(str(v) for v in shown) + (", ..." if np.unique(values).size > 5 else "")


def _bad_file(where: str, problem: str, hint: str) -> InputError:
    """The error for a file whose contents are wrong: which file, what, where it comes from."""
    return InputError("path", f"{where} {problem} ({hint}).")


def check_file_codes(
    arr: np.ndarray,
    *,
    file: Path,
    array: str | None = None,
    n: int,
    n_classes: int,
    hint: str,
) -> np.ndarray:
    """``arr`` as int64 codes: 1-D, ``n`` of them, integers in ``0..n_classes-1``."""
    where = _where(file, array)
    if arr.dtype.kind not in "iu":
        raise InputError(
            "path",
            f"{where} holds {arr.dtype} values, expected integer class codes; is it the right "
            f"file? ({hint})",
        )
    if arr.shape != (n,):
        raise _bad_file(
            where,
            f"holds shape {arr.shape}, expected ({n},), one label per example in the original "
            "order; the file is incomplete or not the right one: fetch it again",
            hint,
        )
    bad = arr[(arr < 0) | (arr >= n_classes)]
    if bad.size:
        raise _bad_file(
            where,
            f"holds {bad.size} labels outside 0..{n_classes - 1} (such as {_sample(bad)}); "
            "the file is corrupt or not this dataset: fetch it again",
            hint,
        )
    return arr.astype(np.int64)


def check_file_counts(arr: np.ndarray, *, file: Path, hint: str) -> np.ndarray:
    """Vote counts as int64: integers, none negative, at least one vote per row."""
    where = _where(file, None)
    if arr.dtype.kind not in "iu":
        raise _bad_file(where, f"holds {arr.dtype} values, expected integer vote counts", hint)
    if arr.size and int(arr.min()) < 0:
        raise _bad_file(
            where,
            f"holds negative vote counts (min {int(arr.min())}); the file is corrupt: fetch it "
            "again",
            hint,
        )
    empty = np.flatnonzero(arr.sum(axis=1) == 0)
    if empty.size:
        raise _bad_file(
            where,
            f"has {empty.size} rows without any vote (such as row {int(empty[0])}); the file "
            "is corrupt: fetch it again",
            hint,
        )
    return arr.astype(np.int64)


def check_file_probs(arr: np.ndarray, *, file: Path, hint: str) -> np.ndarray:
    """Probabilities as float64: finite, in [0, 1], each row summing to 1 (within 1e-3)."""
    where = _where(file, None)
    if arr.dtype.kind not in "iuf":
        raise _bad_file(where, f"holds {arr.dtype} values, expected probabilities", hint)
    out = arr.astype(np.float64)
    if not np.all(np.isfinite(out)) or out.min() < 0.0 or out.max() > 1.0:
        raise _bad_file(
            where,
            "holds values outside [0, 1] (or NaN); expected probabilities: the file is corrupt "
            "or not the right one",
            hint,
        )
    sums = out.sum(axis=1)
    if np.any(np.abs(sums - 1.0) > ROW_SUM_TOLERANCE):
        raise _bad_file(
            where,
            f"has rows summing to {sums.min():.6g}..{sums.max():.6g}, expected 1; the file is "
            "corrupt or not the right one",
            hint,
        )
    return out


def check_order_labels(labels: Any, *, hint: str, n: int | None = None) -> np.ndarray:
    """The caller's CIFAR-10 labels as int64: 1-D integer codes in ``0..9``.

    They must be in the original CIFAR-10 order (``hint`` says where to get them), and,
    with ``n``, cover the whole split: one per image. With ``n`` the error for a code out
    of range also names the range found (the embeddings loader's wording).
    """
    arr = np.asarray(labels.to_numpy() if hasattr(labels, "to_numpy") else labels)
    if arr.ndim != 1 or arr.dtype.kind not in "iu":
        raise InputTypeError(
            "labels", f"expected 1-D integer class codes, got {arr.dtype} {arr.shape}; {hint}."
        )
    if n is not None and arr.shape[0] != n:
        raise InputError(
            "labels",
            f"expected {n} CIFAR-10 class codes (one per image of the split), got "
            f"{arr.shape[0]}; {hint}.",
        )
    if arr.size == 0 or arr.min() < 0 or arr.max() > 9:
        found = "" if n is None else f", got values from {arr.min()} to {arr.max()}"
        raise InputError("labels", f"expected CIFAR-10 class codes 0..9{found}; {hint}.")
    return arr.astype(np.int64)


def check_subset(subset: Any, n: int) -> np.ndarray:
    """Row indices of ``subset`` (all ``n`` rows when None), checked to lie in 0..n-1."""
    if subset is None:
        return np.arange(n, dtype=np.int64)
    idx = np.asarray(subset)
    if idx.ndim != 1 or idx.dtype.kind not in "iu":
        raise InputTypeError(
            "subset", f"expected a 1-D array of integer row indices, got {idx.dtype} {idx.shape}."
        )
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise InputError("subset", f"indices must be in 0..{n - 1} (the split has {n} images).")
    return idx.astype(np.int64)
