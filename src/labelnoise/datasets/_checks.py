"""Checks on what a data file holds: label codes, vote counts, probabilities.

A file can be readable and still wrong: a CIFAR-10N array of 49,000 labels, a label 99
among ten classes, a float array where codes belong. Each would shift or corrupt every
result computed from it without a word, so the loaders check the values they return and
name the file, the array and the fix.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from labelnoise._errors import InputError
from labelnoise._validation import ROW_SUM_TOLERANCE

__all__ = ["check_codes", "check_counts", "check_probs"]


def _where(file: Path, array: str | None) -> str:
    return repr(str(file)) + ("" if array is None else f" (array {array!r})")


def _sample(values: np.ndarray) -> str:
    shown = np.unique(values)[:5].tolist()
    return ", ".join(str(v) for v in shown) + (", ..." if np.unique(values).size > 5 else "")


def check_codes(
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
        raise InputError(
            "path",
            f"{where} holds shape {arr.shape}, expected ({n},), one label per example in the "
            f"original order; the file is incomplete or not the right one: fetch it again "
            f"({hint}).",
        )
    bad = arr[(arr < 0) | (arr >= n_classes)]
    if bad.size:
        raise InputError(
            "path",
            f"{where} holds {bad.size} labels outside 0..{n_classes - 1} (such as "
            f"{_sample(bad)}); the file is corrupt or not this dataset: fetch it again ({hint}).",
        )
    return arr.astype(np.int64)


def check_counts(arr: np.ndarray, *, file: Path, hint: str) -> np.ndarray:
    """Vote counts as int64: integers, none negative, at least one vote per row."""
    where = _where(file, None)
    if arr.dtype.kind not in "iu":
        raise InputError(
            "path", f"{where} holds {arr.dtype} values, expected integer vote counts ({hint})."
        )
    if arr.size and int(arr.min()) < 0:
        raise InputError(
            "path",
            f"{where} holds negative vote counts (min {int(arr.min())}); the file is corrupt: "
            f"fetch it again ({hint}).",
        )
    empty = np.flatnonzero(arr.sum(axis=1) == 0)
    if empty.size:
        raise InputError(
            "path",
            f"{where} has {empty.size} rows without any vote (such as row {int(empty[0])}); "
            f"the file is corrupt: fetch it again ({hint}).",
        )
    return arr.astype(np.int64)


def check_probs(arr: np.ndarray, *, file: Path, hint: str) -> np.ndarray:
    """Probabilities as float64: finite, in [0, 1], each row summing to 1 (within 1e-3)."""
    where = _where(file, None)
    if arr.dtype.kind not in "iuf":
        raise InputError(
            "path", f"{where} holds {arr.dtype} values, expected probabilities ({hint})."
        )
    out = arr.astype(np.float64)
    if not np.all(np.isfinite(out)) or out.min() < 0.0 or out.max() > 1.0:
        raise InputError(
            "path",
            f"{where} holds values outside [0, 1] (or NaN); expected probabilities: the file "
            f"is corrupt or not the right one ({hint}).",
        )
    sums = out.sum(axis=1)
    if np.any(np.abs(sums - 1.0) > ROW_SUM_TOLERANCE):
        raise InputError(
            "path",
            f"{where} has rows summing to {sums.min():.6g}..{sums.max():.6g}, expected 1; the "
            f"file is corrupt or not the right one ({hint}).",
        )
    return out
