"""``pred_probs``: layout, values and row sums in one chunked scan; in memory, out of core or
on Dask (:func:`check_pred_probs`, :func:`check_source`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from labelnoise._errors import InputError, InputTypeError
from labelnoise._options import check_bool
from labelnoise._sources import RowReader, Rows, is_dask, is_out_of_core, open_out_of_core
from labelnoise._validation._labels import as_array

__all__ = ["ROW_SUM_TOLERANCE", "VALUE_TOLERANCE", "check_pred_probs", "check_source"]

#: How far a single probability may fall outside [0, 1] and still be accepted (float16 storage).
VALUE_TOLERANCE = 1e-4
#: How far a row of probabilities may miss a sum of 1 and still be accepted.
ROW_SUM_TOLERANCE = 1e-3
#: Rows up to this many classes are summed in their own dtype by the validation scan.
_SHORT_ROW = 4096


def _scan_block(block: np.ndarray, given: Any, exact: bool) -> tuple[float, float, float, float]:
    """Chunk step of the validation scan: min, max, min and max row sum of one block.

    Row sums are float64 when ``exact`` (whether a row sums to exactly 1 decides
    renormalization) or when a row is long; otherwise a plain ``einsum`` in the block's
    dtype serves the tolerance check, its rounding error (at most ``K`` float32 ulps)
    far below ``ROW_SUM_TOLERANCE``. Not a BLAS product: its own thread pool would fight
    the block threads (a matrix-vector product ran 9x slower on two busy cores)."""
    if exact or block.shape[1] > _SHORT_ROW:
        sums = block.sum(axis=1, dtype=np.float64)
    else:
        sums = np.einsum("ij->i", block)
    return float(block.min()), float(block.max()), float(sums.min()), float(sums.max())


def _scan(rows: RowReader, *, exact: bool) -> tuple[float, float, float, float]:
    """One pass: min value, max value, min and max row sum (NaN propagates)."""
    lo, hi, smin, smax = np.inf, -np.inf, np.inf, -np.inf
    for _, (b_lo, b_hi, b_smin, b_smax) in rows.map(_scan_block, args=(exact,)):
        # np.minimum/np.maximum propagate NaN (Python's min/max would drop it)
        lo, hi = float(np.minimum(lo, b_lo)), float(np.maximum(hi, b_hi))
        smin, smax = float(np.minimum(smin, b_smin)), float(np.maximum(smax, b_smax))
    return lo, hi, smin, smax


_ZERO_ROW = (
    "a row sums to 0 and cannot be normalized; every example needs a positive probability "
    "for some class."
)


def _renormalized(pp: np.ndarray, *, clip: bool) -> np.ndarray:
    """A float copy with each row clipped to [0, 1] (optionally) and divided by its sum."""
    out = np.array(pp, dtype=np.result_type(pp.dtype, np.float32), order="C")
    for rows in Rows(out).slices():
        block = out[rows]
        if clip:
            np.clip(block, 0.0, 1.0, out=block)
        sums = block.sum(axis=1, keepdims=True)
        if np.any(sums <= 0):
            raise InputError("pred_probs", _ZERO_ROW)
        block /= sums
    return out


def _zero_row_block(block: np.ndarray, given: Any) -> bool:
    return bool(np.any(np.clip(block, 0.0, 1.0).sum(axis=1) <= 0))


def _check_normalizable(rows: RowReader) -> None:
    """Out of core: the chunked twin of :func:`_renormalized`'s zero-row check."""
    if any(zero for _, zero in rows.map(_zero_row_block)):
        raise InputError("pred_probs", _ZERO_ROW)


def _check_layout(pp: Any) -> np.dtype:
    """Check dtype and shape of an (n, K) array-like; return the working float dtype."""
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
    if pp.dtype.kind != "f":
        return np.dtype(np.float64)
    return np.dtype(np.float32) if pp.dtype.itemsize < 4 else np.dtype(pp.dtype)


def _needs_renormalizing(rows: RowReader, *, normalize: bool) -> bool:
    """Check values and row sums in one chunked pass; whether rows need clip + renormalize."""
    lo, hi, smin, smax = _scan(rows, exact=normalize)
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
        return smin != 1.0 or smax != 1.0 or lo < 0 or hi > 1
    if smin < 1 - ROW_SUM_TOLERANCE or smax > 1 + ROW_SUM_TOLERANCE:
        raise InputError(
            "pred_probs",
            f"each row must sum to 1, got row sums from {smin:.6g} to {smax:.6g}; "
            "pass normalize=True to divide each row by its sum.",
        )
    return lo < 0 or hi > 1


def check_pred_probs(
    pred_probs: Any, *, normalize: bool = False, chunk_size: int | None = None, n_jobs: int = 1
) -> np.ndarray:
    """Return a float32/float64 (n, K) view of ``pred_probs``, copying only when needed.

    Values up to :data:`VALUE_TOLERANCE` outside [0, 1] (float16 rounding) are accepted and
    the affected array is clipped and renormalized; rows that miss a sum of 1 by more than
    :data:`ROW_SUM_TOLERANCE` are an error unless ``normalize=True``.
    """
    check_bool(normalize, name="normalize")
    pp = as_array(pred_probs, "pred_probs")
    work = _check_layout(pp)
    if pp.dtype != work:
        pp = pp.astype(work)
    if _needs_renormalizing(Rows(pp, chunk_size=chunk_size, n_jobs=n_jobs), normalize=normalize):
        return _renormalized(pp, clip=True)
    return pp


def check_source(
    pred_probs: Any, *, normalize: bool = False, chunk_size: int | None = None, n_jobs: int = 1
) -> tuple[Any, RowReader]:
    """Validate ``pred_probs`` of any kind; return ``(array, rows)`` to read it with.

    In memory this is :func:`check_pred_probs`. Out of core (a ``.npy`` or Parquet path,
    or a ``numpy.memmap``) the same checks run block by block, and the conversion and
    renormalization that would copy the array are applied to each block as it is read.
    A Dask array is checked the same way, one task per row chunk. ``n_jobs`` threads
    compute the blocks of every later pass (in memory and out of core; Dask schedules
    its own).
    """
    check_bool(normalize, name="normalize")
    if is_dask(pred_probs):
        from labelnoise.distributed._rows import dask_rows

        distributed = dask_rows(pred_probs)
        work = _check_layout(distributed.array)
        distributed = distributed.with_options(dtype=work, renormalize=False)
        if _needs_renormalizing(distributed, normalize=normalize):
            _check_normalizable(distributed)
            distributed = distributed.with_options(dtype=work, renormalize=True)
        return distributed.array, distributed
    if not is_out_of_core(pred_probs):
        pp = check_pred_probs(pred_probs, normalize=normalize, chunk_size=chunk_size, n_jobs=n_jobs)
        return pp, Rows(pp, chunk_size=chunk_size, n_jobs=n_jobs)
    raw = open_out_of_core(pred_probs)
    work = _check_layout(raw)
    rows = Rows(raw, dtype=work, chunk_size=chunk_size, n_jobs=n_jobs)
    if _needs_renormalizing(rows, normalize=normalize):
        _check_normalizable(rows)
        rows = Rows(raw, dtype=work, renormalize=True, chunk_size=chunk_size, n_jobs=n_jobs)
    return raw, rows
