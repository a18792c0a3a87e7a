"""``non_iid``: does row order carry information that feature space also carries?

If rows were shuffled (i.i.d.), a row's nearest neighbours in feature space sit anywhere
in row order. Data collected over time or by source puts them close in order too. For a
neighbour ``j`` of row ``i`` let ``u`` be the share of the other rows at least as close
to ``i`` in row order as ``j``; under i.i.d. order ``u`` is uniform. The statistic is the
Kolmogorov-Smirnov distance of all ``u`` from uniform, and the p-value comes from the
same statistic on random row orders (a permutation test, so dependent ``u`` are fine).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

from labelnoise._random import RandomState, check_random_state
from labelnoise._validation import check_fraction, check_int
from labelnoise.health._graph import NeighborGraph, as_graph
from labelnoise.health._result import NonIID

__all__ = ["non_iid"]

_BINS = 1000  # KS distance on a 1/1000 grid of u: exact enough, O(n k) per order


def _order_shares(position: np.ndarray, graph: NeighborGraph) -> np.ndarray:
    """``u`` of every (row, neighbour) pair, shape (n, k), given each row's position."""
    n = graph.n
    pi = position[:, None]
    d = np.abs(pi - position[graph.indices])
    closer = np.minimum(d, pi) + np.minimum(d, n - 1 - pi)
    return closer / max(1, n - 1)


def _ks(u: np.ndarray) -> float:
    """KS distance of ``u`` (values in (0, 1]) from uniform, evaluated on a fine grid."""
    hist = np.bincount(np.minimum((u.ravel() * _BINS).astype(np.intp), _BINS - 1), minlength=_BINS)
    ecdf = np.cumsum(hist) / max(1, u.size)
    grid = np.arange(1, _BINS + 1) / _BINS
    below = np.concatenate([[0.0], ecdf[:-1]])
    return float(max(np.max(np.abs(ecdf - grid)), np.max(np.abs(below - (grid - 1 / _BINS)))))


def _bh(p: np.ndarray, alpha: float) -> np.ndarray:
    """Benjamini-Hochberg rejections at level ``alpha``."""
    order = np.argsort(p, kind="stable")
    ranked = p[order] <= alpha * np.arange(1, p.size + 1) / max(1, p.size)
    out = np.zeros(p.size, dtype=bool)
    if ranked.any():
        out[order[: np.flatnonzero(ranked).max() + 1]] = True
    return out


def non_iid(
    features: Any,
    *,
    threshold: float = 0.05,
    n_permutations: int = 200,
    n_neighbors: int = 10,
    random_state: RandomState = None,
) -> NonIID:
    """Test whether the rows are in i.i.d. order, with a p-value.

    Parameters
    ----------
    features : array-like of shape (n, d), or NeighborGraph
        Features in row order (or their graph, from :func:`neighbor_graph`).
    threshold : float in [0, 1], default=0.05
        Significance level of the test and of the per-row flags.
    n_permutations : int, default=200
        Random row orders for the p-value (its smallest value is ``1 / (1 + this)``).
    n_neighbors : int, default=10
        Feature-space neighbours per row.
    random_state : int, numpy.random.Generator or None
        Seeds the permutations (and the approximate index on large data).

    Returns
    -------
    NonIID
        ``scores[i]``: mean ``u`` of row ``i`` (about 0.5 under i.i.d., near 0 when its
        neighbours are its neighbours in order too). Rows are flagged only when the test
        rejects: those whose mean ``u`` is significantly small (normal approximation of a
        mean of ``k`` uniforms, Benjamini-Hochberg at ``threshold``).

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise.health import non_iid
    >>> drift = np.cumsum(np.random.default_rng(0).normal(size=(300, 3)), axis=0)
    >>> non_iid(drift, random_state=0).p_value < 0.05
    True
    """
    func = "non_iid"
    threshold = check_fraction(threshold, name="threshold", func=func)
    n_permutations = check_int(n_permutations, name="n_permutations", func=func, minimum=1)
    n_neighbors = check_int(n_neighbors, name="n_neighbors", func=func, minimum=1)
    rng = check_random_state(random_state, func=func)
    graph = as_graph(features, n_neighbors, rng)
    return _non_iid(graph, threshold, n_permutations, rng)


def _non_iid(graph: NeighborGraph, alpha: float, n_perm: int, rng: np.random.Generator) -> NonIID:
    n, k = graph.n, graph.n_neighbors
    if k == 0:
        return NonIID(np.full(n, 0.5), np.zeros(n, bool), alpha, 0.0, 1.0, 0)
    u = _order_shares(np.arange(n), graph)
    observed = _ks(u)
    null = np.array([_ks(_order_shares(rng.permutation(n), graph)) for _ in range(n_perm)])
    p_value = float((1 + np.count_nonzero(null >= observed)) / (1 + n_perm))
    scores = u.mean(axis=1)
    mask = np.zeros(n, dtype=bool)
    if p_value < alpha:
        row_p = stats.norm.cdf((scores - 0.5) / np.sqrt(1.0 / (12.0 * k)))
        mask = _bh(row_p, alpha)
    return NonIID(
        scores=scores,
        mask=mask,
        threshold=alpha,
        statistic=observed,
        p_value=p_value,
        n_permutations=n_perm,
    )
