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


def _cell_value_order(cell: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Argsort by (cell, value); the order among exactly equal pairs is unspecified."""
    if value.dtype == np.float32:
        # One uint64 sort: cell in the high word, the float's bits made order-preserving
        # in the low word (+0.0 folds -0.0 into +0.0 so equal floats get equal keys).
        bits = (value + np.float32(0.0)).view(np.uint32).astype(np.uint64)
        ordered = np.where(bits >> 31 == 1, bits ^ 0xFFFFFFFF, bits | 0x80000000)
        return np.argsort((cell.astype(np.uint64) << 32) | ordered)
    order = np.argsort(value)
    return order[np.argsort(cell[order], kind="stable")]


class _Pool:
    """Candidates ``(cell, value, row)`` for the margin cells, with value ``-(p[j]-p[k])``.

    ``cutoff[k, j]`` is a value every member of cell ``(k, j)``'s final selection is at most:
    0 until the cell has ``quota`` candidates, then the ``quota``-th smallest value seen so
    far (values only get better as more rows are seen, so nothing needed is ever dropped).
    """

    def __init__(self, quota: np.ndarray, dtype: np.dtype) -> None:
        self.quota = quota
        self.cutoff = np.where(quota > 0, 0, -np.inf).astype(dtype)
        self.min_margin = -self.cutoff  # a margin below this cannot be chosen
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.kept = 0
        self.pending = 0

    def add(self, cell: np.ndarray, value: np.ndarray, row: np.ndarray) -> None:
        """Add candidates; merge once the new ones outnumber those already kept."""
        self.parts.append((cell, value, row))
        self.pending += cell.size
        if self.pending > max(self.kept, 65536):
            self.tighten()

    def tighten(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Merge the parts, sort by (cell, value, row), drop what can no longer be chosen."""
        cell, value, row = (np.concatenate(p) for p in zip(*self.parts, strict=True))
        if cell.size == 0:  # no row can enter any cell with a quota (yet)
            self.parts, self.kept, self.pending = [(cell, value, row)], 0, 0
            return self.parts[0]
        order = _cell_value_order(cell, value)
        cell, value, row = cell[order], value[order], row[order]
        first = np.flatnonzero(np.r_[True, cell[1:] != cell[:-1]])
        sizes = np.diff(np.r_[first, cell.size])
        want = self.quota.flat[cell[first]]
        full = sizes >= want
        self.cutoff.flat[cell[first[full]]] = value[first[full] + want[full] - 1]
        np.negative(self.cutoff, out=self.min_margin)
        keep = value <= self.cutoff.flat[cell]
        self.parts = [(cell[keep], value[keep], row[keep])]
        self.kept, self.pending = int(np.count_nonzero(keep)), 0
        return self.parts[0]


def _margin_candidates(
    problem: Problem, stats: ConfidentPass, quota: np.ndarray, chunk_size: int | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (row, class j) that can be among its cell's largest margins ``p[j]-p[label]``.

    Returns ``(cell, value, row)`` with ``cell = label * K + j`` and ``value = -(margin)``,
    sorted by cell then value. Per-cell cutoffs tighten whenever the new candidates
    outnumber the kept ones, so after the first blocks few candidates pass the filter.
    """
    pp, labels, n_classes = problem.pred_probs, problem.labels, problem.n_classes
    pool = _Pool(quota, pp.dtype)
    for rows in row_chunks(problem.n, n_classes, pp.itemsize, chunk_size=chunk_size):
        given = labels[rows]
        margin = pp[rows] - stats.self_conf[rows][:, None]
        r, j = np.divmod(np.flatnonzero(margin >= pool.min_margin[given]), n_classes)
        pool.add(given[r] * n_classes + j, -margin[r, j], r + rows.start)
    return pool.tighten()


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
    cell, value, row = _margin_candidates(problem, stats, quota, chunk_size)
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
