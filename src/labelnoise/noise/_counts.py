"""Integer count matrices: rounding that keeps row totals, and calibration of the joint."""

from __future__ import annotations

import numpy as np

__all__ = ["TINY", "calibrate_confident_joint", "round_keeping_row_sums", "round_keeping_sum"]

#: Denominator floor that avoids division by zero without changing any real count.
TINY = 1e-100


def round_keeping_sum(values: np.ndarray) -> np.ndarray:
    """Round floats to ints so that their sum equals the rounded sum of the floats.

    Each entry is rounded half-to-even; then, while the totals differ, the entries with the
    largest rounding loss (or gain) are moved by one in the needed direction. Entries whose
    rounding loss ties are taken in ``np.argsort`` order, so the result is identical to
    the reference implementation's on every input.
    """
    floats = np.asarray(values, dtype=float)
    ints = floats.round()
    target = np.sum(floats).round()
    current = np.sum(ints).round()
    while abs(current - target) > 1e-6:
        diff = np.round(target - current)
        step = -1 if diff < 0 else 1
        n_changes = min(int(abs(diff)), floats.size)
        by_loss = np.argsort(floats - ints)[::-step]
        ints[by_loss[:n_changes]] += step
        current = np.sum(ints).round()
    return ints.astype(int)


def _moves(
    losses: np.ndarray, up: np.ndarray, n_changes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``(row, column)`` of the entries :func:`round_keeping_sum` moves in each row: the
    ``n_changes`` largest losses where ``up``, else the smallest, ties in argsort order.

    A row whose chosen set is bounded by distinct values is settled from a (fast) value
    sort; only rows with equal values across the boundary need the argsort's tie order,
    and of their argsort only the window that moves is read.
    """
    n_rows, n_cols = losses.shape
    values = np.sort(losses, axis=1)
    at = np.where(up, n_cols - n_changes, n_changes - 1)
    beyond = np.clip(np.where(up, at - 1, at + 1), 0, n_cols - 1)
    r = np.arange(n_rows)
    bound = values[r, at]
    settled = (n_changes == n_cols) | (bound != values[r, beyond])
    done = np.flatnonzero(settled)
    near = losses[done]
    edge = bound[done, None]
    hit = np.where(up[done, None], near >= edge, near <= edge)
    hit_rows, hit_cols = np.nonzero(hit)
    tied = np.flatnonzero(~settled)
    if tied.size == 0:
        return done[hit_rows], hit_cols
    order = np.argsort(losses[tied], axis=1)
    count = n_changes[tied]
    width = int(count.max())
    tied_up = up[tied]
    # the last `count` entries of the order (up), else the first
    first = np.where(tied_up, n_cols - width, 0)
    window = np.take_along_axis(order, first[:, None] + np.arange(width), axis=1)
    step = np.arange(width)
    chosen = np.where(tied_up[:, None], step >= width - count[:, None], step < count[:, None])
    tied_rows = np.broadcast_to(tied[:, None], chosen.shape)[chosen]
    return (
        np.concatenate([done[hit_rows], tied_rows]),
        np.concatenate([hit_cols, window[chosen]]),
    )


def round_keeping_row_sums(matrix: np.ndarray) -> np.ndarray:
    """Apply :func:`round_keeping_sum` to every row of a 2-D matrix, vectorized.

    Row sums and argsorts along the last axis of a C-ordered matrix run numpy's same 1-D
    loops as on each row alone, so the result equals the row-by-row one exactly. An
    integer matrix is returned as it is (as int): its rows already keep their sums.
    """
    if np.asarray(matrix).dtype.kind in "iub":
        return np.asarray(matrix).astype(int)
    floats = np.ascontiguousarray(matrix, dtype=float)
    ints = floats.round()
    if floats.shape[0] == 0:
        return ints.astype(int)
    target = floats.sum(axis=1).round()
    n_cols = floats.shape[1]
    while True:
        diff = np.round(target - ints.sum(axis=1).round())
        rows = np.flatnonzero(np.abs(diff) > 1e-6)
        if rows.size == 0:
            return ints.astype(int)
        up = diff[rows] > 0
        n_changes = np.minimum(np.abs(diff[rows]), n_cols).astype(np.intp)
        moved_rows, moved_cols = _moves(floats[rows] - ints[rows], up, n_changes)
        ints[rows[moved_rows], moved_cols] += np.where(up[moved_rows], 1.0, -1.0)


def calibrate_confident_joint(confident_joint: np.ndarray, label_counts: np.ndarray) -> np.ndarray:
    """Rescale the confident joint so row ``i`` sums to the count of label ``i`` and the
    whole matrix to ``n``, then round to integers keeping the row totals."""
    row_sums = np.clip(confident_joint.sum(axis=1), a_min=TINY, a_max=None)
    calibrated = (confident_joint.T / row_sums * label_counts).T
    calibrated = (
        calibrated / np.clip(np.sum(calibrated), a_min=TINY, a_max=None) * np.sum(label_counts)
    )
    return round_keeping_row_sums(calibrated)
