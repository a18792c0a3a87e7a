"""Pruning: which examples to flag, given how many to flag in each cell of the joint.

The *prune count matrix* ``M`` is the transposed (calibrated) confident joint:
``M[j, k]`` is how many examples with given label ``k`` are estimated to truly be ``j``.

* ``prune_by_class`` flags, in each class ``k``, the ``n_k - M[k, k]`` examples with the
  lowest probability of their given label.
* ``prune_by_noise_rate`` flags, for every off-diagonal cell ``(j, k)``, the ``M[j, k]``
  examples labelled ``k`` with the largest margin ``p[j] - p[k]``.

Both skip a class with at most ``min_examples_per_class`` examples, and a class with a
single example (as the reference implementation does).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from labelnoise._chunks import row_chunks
from labelnoise._validation import Problem
from labelnoise.detect._select import smallest_k
from labelnoise.noise._counts import round_keeping_row_sums
from labelnoise.noise._pass import ConfidentPass

__all__ = ["prune_by_class", "prune_by_noise_rate", "prune_count_matrix"]


def _keep_at_least(matrix: np.ndarray, n: int) -> np.ndarray:
    """Raise each diagonal entry to at least ``n``, taking the difference evenly from the
    column's non-zero off-diagonal entries (never below 0)."""
    diagonal = np.diagonal(matrix)
    new_diagonal = np.maximum(diagonal, n)
    taken = new_diagonal - diagonal
    n_noisy = np.maximum(np.count_nonzero(matrix, axis=0) - 1.0, 1.0)
    out = matrix - taken / n_noisy
    out[out < 0] = 0
    np.fill_diagonal(out, new_diagonal)
    return out


def _scale_off_diagonal(matrix: np.ndarray, frac_noise: float) -> np.ndarray:
    """Multiply off-diagonal counts by ``frac_noise``, moving what is removed to the diagonal
    so column totals stay; truncate to integers."""
    scaled = matrix * frac_noise
    np.fill_diagonal(scaled, matrix.diagonal())
    np.fill_diagonal(scaled, matrix.diagonal() + np.sum(matrix - scaled, axis=0))
    return scaled.astype(int)


def _spread_removals(
    matrix: np.ndarray, label_counts: np.ndarray, num_to_remove: Sequence[int]
) -> np.ndarray:
    """Distribute a requested number of removals per class over the noise cells."""
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = matrix / np.sum(matrix, axis=1)
        noise_share = shares.sum(axis=1) - shares.diagonal()
        spread = (shares.T * np.asarray(num_to_remove) / noise_share).T
        np.fill_diagonal(spread, label_counts - np.asarray(num_to_remove))
        return round_keeping_row_sums(spread)


def prune_count_matrix(
    calibrated_joint: np.ndarray,
    label_counts: np.ndarray,
    *,
    min_examples_per_class: int,
    frac_noise: float,
    num_to_remove_per_class: Sequence[int] | None,
) -> np.ndarray:
    """Counts to prune per cell: ``M[j, k]`` examples of given label ``k`` that are truly ``j``."""
    matrix = _keep_at_least(calibrated_joint.T, min_examples_per_class)
    matrix = round_keeping_row_sums(_scale_off_diagonal(matrix, frac_noise)).astype(int)
    if num_to_remove_per_class is not None:
        matrix = _spread_removals(matrix, label_counts, num_to_remove_per_class)
    return matrix


def _eligible(counts: np.ndarray, min_examples_per_class: int) -> np.ndarray:
    return (counts > min_examples_per_class) & (counts > 1)


def prune_by_class(
    stats: ConfidentPass, matrix: np.ndarray, *, min_examples_per_class: int
) -> np.ndarray:
    """Flag the ``n_k - M[k, k]`` lowest self-confidence examples of each class ``k``."""
    index = stats.index
    mask = np.zeros(stats.self_conf.shape[0], dtype=bool)
    grouped = stats.self_conf[index.order]
    for k in np.flatnonzero(_eligible(index.counts, min_examples_per_class)):
        n_flag = int(index.counts[k] - matrix[k, k])
        if n_flag >= 1:
            start = index.starts[k]
            chosen = smallest_k(grouped[start : index.starts[k + 1]], n_flag)
            mask[index.order[start + chosen]] = True
    return mask


def _margin_candidates(
    problem: Problem, stats: ConfidentPass, needed: np.ndarray, chunk_size: int | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All (row, class j) with ``p[j] >= p[label]`` in a needed cell, with ``-(p[j]-p[label])``.

    Returned sorted by cell ``label * K + j``, then by value, then by row.
    """
    pp, labels, n_classes = problem.pred_probs, problem.labels, problem.n_classes
    rows_found, cols_found, vals_found = [], [], []
    for rows in row_chunks(problem.n, n_classes, pp.itemsize, chunk_size=chunk_size):
        given = labels[rows]
        margin = pp[rows] - stats.self_conf[rows][:, None]
        hit = (margin >= 0) & needed[given]
        r, j = np.nonzero(hit)
        rows_found.append(r + rows.start)
        cols_found.append(j)
        vals_found.append(-margin[r, j])
    row = np.concatenate(rows_found)
    cell = labels[row] * n_classes + np.concatenate(cols_found)
    value = np.concatenate(vals_found)
    order = np.lexsort((row, value, cell))
    return cell[order], value[order], row[order]


def _exact_cell(problem: Problem, stats: ConfidentPass, k: int, j: int, m: int) -> np.ndarray:
    """Rows of class ``k`` with the ``m`` largest ``p[j] - p[k]`` (full column, exact)."""
    rows = stats.index.rows(k)
    pp = problem.pred_probs
    values = -(pp[rows, j] - pp[rows, k])
    return rows[smallest_k(values, m)]


def prune_by_noise_rate(
    problem: Problem,
    stats: ConfidentPass,
    matrix: np.ndarray,
    *,
    min_examples_per_class: int,
    chunk_size: int | None = None,
) -> np.ndarray:
    """Flag, for each off-diagonal cell, the examples with the largest margin ``p[j]-p[k]``.

    Candidates with a non-negative margin are gathered in one chunked pass; a cell whose
    quota exceeds its candidates, or whose cut falls inside a run of equal margins, is
    resolved exactly on its full column.
    """
    n_classes = problem.n_classes
    counts = stats.index.counts
    quota = matrix.T.copy()  # quota[k, j]: flag this many with label k, truly j
    np.fill_diagonal(quota, 0)
    quota[~_eligible(counts, min_examples_per_class)] = 0
    mask = np.zeros(problem.n, dtype=bool)
    cells = np.flatnonzero(quota > 0)
    if cells.size == 0:
        return mask
    cell, value, row = _margin_candidates(problem, stats, quota > 0, chunk_size)
    start = np.searchsorted(cell, cells, side="left")
    found = np.searchsorted(cell, cells, side="right") - start
    want = quota.flat[cells]
    k_of = cells // n_classes
    everything = want >= counts[k_of]
    for k in np.unique(k_of[everything]):
        mask[stats.index.rows(int(k))] = True
    enough = ~everything & (found >= want)
    last = start + want - 1
    tied = np.zeros(cells.size, dtype=bool)
    inside = enough & (found > want)
    tied[inside] = value[last[inside] + 1] == value[last[inside]]
    direct = enough & ~tied
    if direct.any():
        lengths = want[direct]
        offsets = np.repeat(start[direct] - np.cumsum(lengths) + lengths, lengths)
        mask[row[offsets + np.arange(lengths.sum())]] = True
    for c in np.flatnonzero(~everything & ~direct):
        k, j = divmod(int(cells[c]), n_classes)
        mask[_exact_cell(problem, stats, k, j, int(want[c]))] = True
    return mask
