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


def _moved(losses: np.ndarray, up: np.ndarray, n_changes: np.ndarray) -> np.ndarray:
    """Boolean mask of the entries :func:`round_keeping_sum` moves in each row: the
    ``n_changes`` largest losses where ``up``, else the smallest, ties in argsort order.

    A row whose chosen set is bounded by distinct values is settled from a (fast) value
    sort; only rows with equal values across the boundary need the argsort's tie order.
    """
    n_rows, n_cols = losses.shape
    values = np.sort(losses, axis=1)
    at = np.where(up, n_cols - n_changes, n_changes - 1)
    beyond = np.where(up, at - 1, at + 1)
    r = np.arange(n_rows)
    bound = values[r, at]
    outside = values[r, np.clip(beyond, 0, n_cols - 1)]
    settled = (n_changes == n_cols) | (bound != outside)
    moved = np.where(up[:, None], losses >= bound[:, None], losses <= bound[:, None])
    tied = np.flatnonzero(~settled)
    if tied.size:
        order = np.argsort(losses[tied], axis=1)
        rank = np.empty_like(order)
        np.put_along_axis(rank, order, np.arange(n_cols)[None, :], axis=1)
        count = n_changes[tied, None]
        moved[tied] = np.where(up[tied, None], rank >= n_cols - count, rank < count)
    return moved


def round_keeping_row_sums(matrix: np.ndarray) -> np.ndarray:
    """Apply :func:`round_keeping_sum` to every row of a 2-D float matrix, vectorized.

    Row sums and argsorts along the last axis of a C-ordered matrix run numpy's same 1-D
    loops as on each row alone, so the result equals the row-by-row one exactly.
    """
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
        moved = _moved(floats[rows] - ints[rows], up, n_changes)
        ints[rows] += np.where(up, 1.0, -1.0)[:, None] * moved


def calibrate_confident_joint(confident_joint: np.ndarray, label_counts: np.ndarray) -> np.ndarray:
    """Rescale the confident joint so row ``i`` sums to the count of label ``i`` and the
    whole matrix to ``n``, then round to integers keeping the row totals."""
    row_sums = np.clip(confident_joint.sum(axis=1), a_min=TINY, a_max=None)
    calibrated = (confident_joint.T / row_sums * label_counts).T
    calibrated = (
        calibrated / np.clip(np.sum(calibrated), a_min=TINY, a_max=None) * np.sum(label_counts)
    )
    return round_keeping_row_sums(calibrated)
