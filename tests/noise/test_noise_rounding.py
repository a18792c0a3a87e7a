"""Rounding count matrices while keeping row totals (``noise/_counts.py``).

``round_keeping_row_sums`` is vectorized over rows and reads numpy's unstable argsort only
for rows whose moved set is cut through equal values; it must equal the obvious
row-by-row ``round_keeping_sum`` (and the reference's ``round_preserving_row_totals``)
on every input, ties and zeros included.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from labelnoise.noise._counts import (
    calibrate_confident_joint,
    round_keeping_row_sums,
    round_keeping_sum,
)


def _row_by_row(matrix: np.ndarray) -> np.ndarray:
    return np.array([round_keeping_sum(row) for row in matrix]).reshape(np.shape(matrix))


def _case(seed: int) -> np.ndarray:
    """Dense, sparse (a calibrated joint's shape: few equal non-zero counts per row, the
    rest 0), negative and coarse-grid matrices: ties across the moved set's boundary."""
    rng = np.random.default_rng(seed)
    n_rows, n_cols = int(rng.integers(1, 40)), int(rng.integers(1, 60))
    kind = seed % 4
    if kind == 0:
        return rng.random((n_rows, n_cols)) * rng.integers(1, 50)
    if kind == 1:
        counts = rng.integers(0, 3, (n_rows, n_cols)) * (rng.random((n_rows, n_cols)) < 0.2)
        joint = counts + np.eye(n_rows, n_cols, dtype=int) * rng.integers(5, 100)
        return calibrated(joint, rng.integers(1, 200, n_rows))
    if kind == 2:
        return (rng.random((n_rows, n_cols)) - 0.5) * 10
    return np.round(rng.random((n_rows, n_cols)) * 8) / rng.integers(1, 7)


def calibrated(joint: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``calibrate_confident_joint``'s float matrix before its rounding."""
    row_sums = np.clip(joint.sum(axis=1), 1e-100, None)
    scaled = (joint.T / row_sums * counts).T
    return scaled / scaled.sum() * counts.sum()


@pytest.mark.parametrize("seed", range(400))
def test_equals_row_by_row(seed):
    matrix = _case(seed)
    np.testing.assert_array_equal(round_keeping_row_sums(matrix), _row_by_row(matrix))


def test_sparse_ties_of_a_large_calibrated_joint():
    """1000 classes, ~5 equal counts per row: almost every row is cut through a tie."""
    rng = np.random.default_rng(0)
    k = 1000
    joint = rng.integers(0, 2, (k, k)) * (rng.random((k, k)) < 0.005)
    np.fill_diagonal(joint, rng.integers(20, 60, k))
    matrix = calibrated(joint, rng.integers(30, 70, k))
    np.testing.assert_array_equal(round_keeping_row_sums(matrix), _row_by_row(matrix))


def test_matches_the_reference_rounding():
    util = pytest.importorskip("cleanlab.internal.util")
    for seed in range(60):
        matrix = _case(seed)
        expected = util.round_preserving_row_totals(matrix)
        np.testing.assert_array_equal(round_keeping_row_sums(matrix), expected, err_msg=seed)


def test_integer_matrix_is_returned_as_int():
    matrix = np.array([[3, 0, 1], [0, 2, 5]], dtype=np.int32)
    out = round_keeping_row_sums(matrix)
    assert out.dtype == np.dtype(int)
    np.testing.assert_array_equal(out, _row_by_row(matrix))


def test_calibration_rows_sum_to_the_label_counts():
    rng = np.random.default_rng(3)
    joint = rng.integers(0, 4, (30, 30)) + np.diag(rng.integers(10, 50, 30))
    counts = rng.integers(1, 100, 30)
    out = calibrate_confident_joint(np.asfortranarray(joint), counts)
    np.testing.assert_array_equal(out.sum(axis=1), counts)


@given(
    hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=2, max_dims=2, max_side=12),
        elements=st.floats(-50, 50, allow_nan=False).map(lambda v: round(v * 4) / 4),
    )
)
def test_rows_keep_their_rounded_sums_and_rows_are_independent(matrix):
    out = round_keeping_row_sums(matrix)
    np.testing.assert_array_equal(out.sum(axis=1), matrix.sum(axis=1).round())
    assert np.all(np.abs(out - matrix) < 1.5)
    flipped = round_keeping_row_sums(matrix[::-1])
    np.testing.assert_array_equal(flipped, out[::-1])
    np.testing.assert_array_equal(out, _row_by_row(matrix))
