"""Copies among rows of fewer than :data:`MIN_COSINE_COLUMNS` columns: identical values only.

Cosine similarity compares directions. In one column every row of the same sign is
cosine-identical to every other; in two, a row's direction is one angle, and the radius
that rows spread at random reach only 1% of the time (``capped_threshold``) is 2e-4 (an
intrinsic dimension of 1) of the median nearest-row distance, on a few hundred rows below
the 1e-6 rounding floor of cosine distances: a near copy cannot be told from an ordinary
neighbour. So with fewer than 3 columns
:func:`find_duplicates` and :func:`find_leakage` count only rows with identical values,
and score rows by their Euclidean distance to the nearest other row (a k-d tree, fast in
so few dimensions) relative to the median of that distance.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.spatial import cKDTree

__all__ = [
    "MIN_COSINE_COLUMNS",
    "euclidean_nearest",
    "identical_pairs",
    "relative_scores",
    "warn_few_columns",
]

#: Features with fewer columns count only identical rows as copies.
MIN_COSINE_COLUMNS = 3


def warn_few_columns(n_columns: int, name: str, *, stacklevel: int) -> None:
    """The one warning that the identical-values rule applies."""
    warnings.warn(
        f"{name} has {n_columns} column{'s' * (n_columns > 1)}: in fewer than "
        f"{MIN_COSINE_COLUMNS}, cosine similarity cannot tell a near copy from an ordinary "
        "neighbour, so only rows with identical values count as copies (threshold 0; "
        "scores use Euclidean distance).",
        UserWarning,
        stacklevel=stacklevel,
    )


def identical_pairs(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of rows with identical values: each row and the next equal one in sorted
    order (enough to join every set of identical rows into one component)."""
    order = np.lexsort(rows.T[::-1])
    same = np.all(rows[order[1:]] == rows[order[:-1]], axis=1)
    return order[:-1][same], order[1:][same]


def euclidean_nearest(
    reference: np.ndarray, queries: np.ndarray | None = None, *, k: int = 10
) -> tuple[np.ndarray, np.ndarray]:
    """``(distance, index)`` of each query row's nearest reference row (Euclidean; equal
    distances by the smaller row among the ``k`` nearest). Without ``queries``, each
    reference row's nearest *other* row."""
    tree = cKDTree(reference)
    own = queries is None
    k = min(k + own, reference.shape[0])
    dist, index = tree.query(reference if own else queries, k=k)
    dist, index = dist.reshape(dist.shape[0], -1), index.reshape(index.shape[0], -1)
    if own:  # never yourself (an identical row may come first, so mask by index)
        dist = np.where(index == np.arange(reference.shape[0])[:, None], np.inf, dist)
    best = np.lexsort((index, dist), axis=1)[:, 0]
    rows = np.arange(dist.shape[0])
    return dist[rows, best], index[rows, best].astype(np.intp)


def relative_scores(nearest: np.ndarray) -> tuple[np.ndarray, float]:
    """``(scores, median)``: ``d / (d + median)`` of each nearest distance ``d`` (0 for an
    identical row); the median is over the rows without an identical one when more than
    half have one."""
    median = float(np.median(nearest)) if nearest.size else 0.0
    if median == 0.0:
        positive = nearest[nearest > 0]
        median = float(np.median(positive)) if positive.size else 0.0
    scores = np.zeros(nearest.shape)
    np.divide(nearest, nearest + median, out=scores, where=nearest > 0)
    return scores, median
