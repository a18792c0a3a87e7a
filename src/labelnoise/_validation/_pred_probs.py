"""``pred_probs``: layout, values and row sums in one chunked scan; in memory, out of core or
on Dask (:func:`check_pred_probs`; :func:`open_source` then :func:`scan_source`). The scan
can also gather each row's probability of its given label, so the confident pass does
not read the rows once more for it."""

from __future__ import annotations

from typing import Any

import numpy as np

from labelnoise._errors import InputError, InputTypeError
from labelnoise._options import check_bool
from labelnoise._sources import (
    RowReader,
    Rows,
    is_dask,
    is_out_of_core,
    open_out_of_core,
    per_row,
)
from labelnoise._validation._labels import as_array

__all__ = [
    "ROW_SUM_TOLERANCE",
    "VALUE_TOLERANCE",
    "check_pred_probs",
    "open_source",
    "scan_source",
]

#: How far a single probability may fall outside [0, 1] and still be accepted (float16 storage).
VALUE_TOLERANCE = 1e-4
#: How far a row of probabilities may miss a sum of 1 and still be accepted.
ROW_SUM_TOLERANCE = 1e-3
#: Rows up to this many classes are summed in their own dtype by the validation scan.
_SHORT_ROW = 4096


def _scan_block(
    block: np.ndarray, given: Any, exact: bool
) -> tuple[float, float, float, float, np.ndarray | None]:
    """Chunk step of the validation scan: min, max, min and max row sum of one block,
    and with ``given`` (label codes) each row's value in its label's column.

    Row sums are float64 when ``exact`` (whether a row sums to exactly 1 decides
    renormalization) or when a row is long; otherwise a plain ``einsum`` in the block's
    dtype serves the tolerance check, its rounding error (at most ``K`` float32 ulps)
    far below ``ROW_SUM_TOLERANCE``. Not a BLAS product: its own thread pool would fight
    the block threads (a matrix-vector product ran 9x slower on two busy cores)."""
    if exact or block.shape[1] > _SHORT_ROW:
        sums = block.sum(axis=1, dtype=np.float64)
    else:
        sums = np.einsum("ij->i", block)
    own = None if given is None else per_row(block, given)
    return float(block.min()), float(block.max()), float(sums.min()), float(sums.max()), own


def _scan(
    rows: RowReader, *, exact: bool, labels: np.ndarray | None = None
) -> tuple[tuple[float, float, float, float], np.ndarray | None]:
    """One pass: min value, max value, min and max row sum (NaN propagates); with
    ``labels``, also ``p[i, labels[i]]`` for every row."""
    lo, hi, smin, smax = np.inf, -np.inf, np.inf, -np.inf
    own = None if labels is None else np.empty(labels.shape[0], dtype=rows.dtype)
    for where, (b_lo, b_hi, b_smin, b_smax, b_own) in rows.map(_scan_block, labels, args=(exact,)):
        # np.minimum/np.maximum propagate NaN (Python's min/max would drop it)
        lo, hi = float(np.minimum(lo, b_lo)), float(np.maximum(hi, b_hi))
        smin, smax = float(np.minimum(smin, b_smin)), float(np.maximum(smax, b_smax))
        if own is not None:
            own[where] = b_own
    return (lo, hi, smin, smax), own


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


def _needs_renormalizing(
    rows: RowReader, *, normalize: bool, labels: np.ndarray | None = None
) -> tuple[bool, np.ndarray | None]:
    """Check values and row sums in one chunked pass; whether rows need clip + renormalize,
    and (with ``labels``) the gathered ``p[i, labels[i]]``."""
    (lo, hi, smin, smax), own = _scan(rows, exact=normalize, labels=labels)
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
        return bool(smin != 1.0 or smax != 1.0 or lo < 0 or hi > 1), own
    if smin < 1 - ROW_SUM_TOLERANCE or smax > 1 + ROW_SUM_TOLERANCE:
        raise InputError(
            "pred_probs",
            f"each row must sum to 1, got row sums from {smin:.6g} to {smax:.6g}; "
            "pass normalize=True to divide each row by its sum.",
        )
    return bool(lo < 0 or hi > 1), own


def check_pred_probs(
    pred_probs: Any, *, normalize: bool = False, chunk_size: int | None = None, n_jobs: int = 1
) -> np.ndarray:
    """Return a float32/float64 (n, K) view of ``pred_probs``, copying only when needed.

    Values up to :data:`VALUE_TOLERANCE` outside [0, 1] (float16 rounding) are accepted and
    the affected array is clipped and renormalized; rows that miss a sum of 1 by more than
    :data:`ROW_SUM_TOLERANCE` are an error unless ``normalize=True``.
    """
    check_bool(normalize, name="normalize")
    pp = _working_array(pred_probs)
    pp, _, _ = scan_source(pp, Rows(pp, chunk_size=chunk_size, n_jobs=n_jobs), normalize=normalize)
    return pp


def _working_array(pred_probs: Any) -> np.ndarray:
    """An in-memory ``pred_probs`` with its layout checked, in its working dtype."""
    pp = as_array(pred_probs, "pred_probs")
    work = _check_layout(pp)
    return pp if pp.dtype == work else pp.astype(work)


def open_source(
    pred_probs: Any, *, chunk_size: int | None = None, n_jobs: int = 1
) -> tuple[Any, RowReader]:
    """Check the layout of ``pred_probs`` of any kind (no value is read yet); return
    ``(array, rows)`` to read it with, for :func:`scan_source`.

    In memory the array is converted to its working dtype. Out of core (a ``.npy`` or
    Parquet path, or a ``numpy.memmap``) and on Dask the conversion is applied to each
    block as it is read. ``n_jobs`` threads compute the blocks of every later pass (in
    memory and out of core; Dask schedules its own).
    """
    if is_dask(pred_probs):
        from labelnoise.distributed._rows import dask_rows

        distributed = dask_rows(pred_probs)
        work = _check_layout(distributed.array)
        distributed = distributed.with_options(dtype=work, renormalize=False)
        return distributed.array, distributed
    if not is_out_of_core(pred_probs):
        pp = _working_array(pred_probs)
        return pp, Rows(pp, chunk_size=chunk_size, n_jobs=n_jobs)
    raw = open_out_of_core(pred_probs)
    work = _check_layout(raw)
    return raw, Rows(raw, dtype=work, chunk_size=chunk_size, n_jobs=n_jobs)


def scan_source(
    pp: Any, rows: RowReader, *, normalize: bool = False, labels: np.ndarray | None = None
) -> tuple[Any, RowReader, np.ndarray | None]:
    """Check the values and row sums of what :func:`open_source` opened, in one chunked
    pass; return ``(array, rows, own)``, renormalizing when needed: in memory a clipped
    and renormalized copy, out of core and on Dask each block as it is read.

    With ``labels`` (validated codes, one per row) the same pass gathers
    ``own = p[i, labels[i]]`` in the working dtype; ``own`` is ``None`` without labels or
    when the rows were renormalized (it would be stale). ``normalize`` is checked by the
    caller.
    """
    renormalize, own = _needs_renormalizing(rows, normalize=normalize, labels=labels)
    if not renormalize:
        return pp, rows, own
    if isinstance(rows, Rows) and not rows.out_of_core:
        pp = _renormalized(pp, clip=True)
        return pp, Rows(pp, chunk_size=rows.chunk_size, n_jobs=rows.n_jobs), None
    _check_normalizable(rows)
    if isinstance(rows, Rows):
        return (
            pp,
            Rows(
                pp,
                dtype=rows.dtype,
                renormalize=True,
                chunk_size=rows.chunk_size,
                n_jobs=rows.n_jobs,
            ),
            None,
        )
    from labelnoise.distributed._rows import DaskRows

    assert isinstance(rows, DaskRows)  # the only other reader open_source makes
    distributed = rows.with_options(dtype=rows.dtype, renormalize=True)
    return distributed.array, distributed, None
