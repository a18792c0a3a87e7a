"""Pruning: which examples to flag, given how many to flag in each cell of the joint.

The *prune count matrix* ``M`` is the transposed (calibrated) confident joint:
``M[j, k]`` is how many examples with given label ``k`` are estimated to truly be ``j``.

* ``prune_by_class`` flags, in each class ``k``, the ``n_k - M[k, k]`` examples with the
  lowest probability of their given label.
* ``prune_by_noise_rate`` flags, for every off-diagonal cell ``(j, k)``, the ``M[j, k]``
  examples labelled ``k`` with the largest margin ``p[j] - p[k]``.

Both skip a class with at most ``min_examples_per_class`` examples, and a class with a
single example (as the reference implementation does). The chunked top-k selection
behind ``prune_by_noise_rate`` (in memory and out of core) is in :mod:`._cut`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from labelnoise._pass import ConfidentPass
from labelnoise._validation import Problem
from labelnoise.detect._cut import boundary_cut, exact_cells
from labelnoise.detect._select import smallest_k
from labelnoise.noise._counts import round_keeping_row_sums

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
    eligible = _eligible(index.counts, min_examples_per_class)
    for k, values in index.grouped(stats.self_conf):
        n_flag = int(index.counts[k] - matrix[k, k])
        if eligible[k] and n_flag >= 1:
            mask[index.rows(k)[smallest_k(values, n_flag)]] = True
    return mask


def prune_by_noise_rate(
    problem: Problem,
    stats: ConfidentPass,
    matrix: np.ndarray,
    *,
    min_examples_per_class: int,
    chunk_size: int | None = None,
) -> np.ndarray:
    """Flag, for each off-diagonal cell, the examples with the largest margin ``p[j]-p[k]``.

    Two chunked passes over the rows whose argmax is not their label find each cell's
    selection without sorting more than the pairs near its cut; a cell whose quota
    exceeds its positive margins, or whose cut falls on a run of equal margins (or on 0),
    is resolved exactly on its full column.
    """
    n_classes = problem.n_classes
    counts = stats.index.counts
    quota = matrix.T.copy()  # quota[k, j]: flag this many with label k, truly j
    np.fill_diagonal(quota, 0)
    quota[~_eligible(counts, min_examples_per_class)] = 0
    mask = np.zeros(problem.n, dtype=bool)
    cells = np.flatnonzero(quota > 0)
    want = quota.flat[cells]
    k_of = cells // n_classes
    everything = want >= counts[k_of]
    for k in np.unique(k_of[everything]):
        mask[stats.index.rows(int(k))] = True
    cells, want = cells[~everything], want[~everything]
    if cells.size == 0:
        return mask
    inexact = np.flatnonzero(boundary_cut(problem, stats, cells, want, mask, chunk_size))
    exact = [(*divmod(int(cells[c]), n_classes), int(want[c])) for c in inexact]
    for chosen in exact_cells(problem, stats, exact):
        mask[chosen] = True
    return mask
