"""Exact selection of the k smallest values without a full sort.

``np.argsort(values)[:k]`` is what the reference implementation uses to pick examples;
its choice among *equal* values depends on numpy's sorting algorithm. We partition in
O(n) and only fall back to that same ``np.argsort`` call when equal values straddle the
cut, so the chosen set is always identical to the reference's and usually much cheaper.
"""

from __future__ import annotations

import numpy as np

__all__ = ["smallest_k"]


def smallest_k(values: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` smallest entries, as the set ``np.argsort(values)[:k]``.

    The indices are returned in no particular order. ``k <= 0`` selects nothing and
    ``k >= len(values)`` selects everything.
    """
    n = values.shape[0]
    if k <= 0:
        return np.empty(0, dtype=np.intp)
    if k >= n:
        return np.arange(n)
    cut = values[np.argpartition(values, k - 1)[k - 1]]
    below = values < cut
    at = values == cut
    n_below = int(np.count_nonzero(below))
    if n_below + int(np.count_nonzero(at)) == k:
        return np.flatnonzero(below | at)
    return np.argsort(values)[:k]
