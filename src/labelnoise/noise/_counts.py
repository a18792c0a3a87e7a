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


def round_keeping_row_sums(matrix: np.ndarray) -> np.ndarray:
    """Apply :func:`round_keeping_sum` to every row of a 2-D float matrix."""
    matrix = np.asarray(matrix, dtype=float)
    if matrix.shape[0] == 0:
        return matrix.astype(int)
    return np.vstack([round_keeping_sum(row) for row in matrix]).astype(int)


def calibrate_confident_joint(confident_joint: np.ndarray, label_counts: np.ndarray) -> np.ndarray:
    """Rescale the confident joint so row ``i`` sums to the count of label ``i`` and the
    whole matrix to ``n``, then round to integers keeping the row totals."""
    row_sums = np.clip(confident_joint.sum(axis=1), a_min=TINY, a_max=None)
    calibrated = (confident_joint.T / row_sums * label_counts).T
    calibrated = (
        calibrated / np.clip(np.sum(calibrated), a_min=TINY, a_max=None) * np.sum(label_counts)
    )
    return round_keeping_row_sums(calibrated)
