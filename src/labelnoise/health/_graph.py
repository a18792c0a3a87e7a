"""One neighbour graph per feature set, shared by every health check.

Rows are compared by cosine similarity. Search is exact (blocked matrix products) while
it costs at most :data:`EXACT_MAX_WORK` multiply-adds (queries x reference rows x
dimensions: 20,000 rows of 512 values, or 10,000 test against 50,000 train rows of 256)
and uses the approximate inverted-file index of :mod:`labelnoise.detect._knn` (faiss)
above it, so 50,000 x 1,280 features take seconds rather than minutes.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.linalg import eigh

from labelnoise._errors import InputError
from labelnoise._random import RandomState, check_random_state
from labelnoise._validation import as_array, check_features, check_int
from labelnoise.detect._knn import Neighbors, exact_neighbors, ivf_index, unit_rows

__all__ = ["EXACT_MAX_WORK", "NeighborGraph", "check_feature_rows", "neighbor_graph"]

#: Above this many multiply-adds (queries x reference rows x dimensions) the approximate
#: index (faiss) is used when installed: exact search on 50,000 x 1,280 (3.2e12) takes
#: about 100 s on two cores.
EXACT_MAX_WORK = 2 * 10**11
#: The approximate index searches the top principal axes (at most this many) ...
SEARCH_DIMS = 128
#: ... fitted on at most this many rows ...
PCA_SAMPLE = 10_000
#: ... for this many extra candidates per row, re-ranked by exact cosine in full space.
RERANK_EXTRA = 20
_BLOCK_BYTES = 64 * 2**20
_FUNC = "neighbor_graph"


@dataclass(frozen=True, eq=False)
class NeighborGraph:
    """The ``k`` most cosine-similar other rows of every row.

    Attributes
    ----------
    indices : ndarray of int, shape (n, k)
        ``indices[i]``: the rows nearest to row ``i`` (never ``i``), most similar first.
    similarity : ndarray of float, shape (n, k)
        Their cosine similarities.
    exact : bool
        Whether the search was exact (else the approximate index).
    n_features : int or None
        Columns of the features it was built from (in fewer than 3, duplicates need the
        values themselves: see :func:`find_duplicates`); None when unknown (a graph built
        by hand), which is trusted to come from enough columns.
    """

    indices: np.ndarray
    similarity: np.ndarray
    exact: bool
    n_features: int | None = None

    def __post_init__(self) -> None:
        self.indices.setflags(write=False)
        self.similarity.setflags(write=False)

    @property
    def n(self) -> int:
        """Number of rows."""
        return int(self.indices.shape[0])

    @property
    def n_neighbors(self) -> int:
        """Neighbours per row."""
        return int(self.indices.shape[1])

    def __repr__(self) -> str:
        kind = "exact" if self.exact else "approximate"
        return f"NeighborGraph(n={self.n}, k={self.n_neighbors}, {kind})"


def check_feature_rows(features: Any, name: str = "features", *, min_rows: int = 2) -> np.ndarray:
    """A float (n, d) array of finite values with ``d >= 1`` and at least ``min_rows`` rows
    (two for a neighbour graph of the rows themselves, one for rows searched in others)."""
    arr = as_array(features, name, hint="pass a 2-D numeric array of shape (n, d)")
    if arr.ndim < 2:
        raise InputError(
            name,
            f"expected a 2-D array of shape (n, d), got shape {arr.shape}; pass one "
            "feature vector per row (use x.reshape(-1, 1) for a single column).",
        )
    if arr.shape[0] < min_rows or arr.size == 0:
        raise InputError(
            name,
            f"got shape {arr.shape}; pass at least {min_rows} row{'s' * (min_rows > 1)} "
            "with at least one feature each.",
        )
    return check_features(arr, arr.shape[0], name=name)


def neighbor_graph(
    features: Any, *, n_neighbors: int = 10, random_state: RandomState = None
) -> NeighborGraph:
    """Find every row's ``n_neighbors`` most cosine-similar other rows, once.

    Every check in :mod:`labelnoise.health` accepts the result in place of ``features``,
    so one search serves duplicates, outliers and the non-i.i.d. test.

    Parameters
    ----------
    features : array-like of shape (n, d)
        Embeddings or other numeric features (images are flattened).
    n_neighbors : int, default=10
        Neighbours kept per row (reduced to ``n - 1`` for tiny data).
    random_state : int, numpy.random.Generator or None
        Seeds the approximate index (used above :data:`EXACT_MAX_WORK`).

    Returns
    -------
    NeighborGraph

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise.health import neighbor_graph
    >>> g = neighbor_graph(np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]]), n_neighbors=1)
    >>> g.indices.ravel().tolist()
    [1, 0, 1]
    """
    n_neighbors = check_int(n_neighbors, name="n_neighbors", func=_FUNC, minimum=1)
    rng = check_random_state(random_state, func=_FUNC)
    arr = check_feature_rows(features)
    return build_graph(arr, n_neighbors, rng)


def build_graph(features: np.ndarray, k: int, rng: np.random.Generator) -> NeighborGraph:
    """:func:`neighbor_graph` on validated features."""
    unit = unit_rows(features)
    n, d = unit.shape
    k = min(k, n - 1)
    if k <= 0:
        empty = np.empty((n, 0))
        return NeighborGraph(empty.astype(np.intp), empty, exact=True, n_features=d)
    if n**2 * d > EXACT_MAX_WORK:
        found = _approximate_graph(unit, k, rng)
        if found is not None:
            return NeighborGraph(found.indices, found.similarity, exact=False, n_features=d)
        _warn_exact(n)
    nb = exact_neighbors(unit, k)
    return NeighborGraph(nb.indices, nb.similarity, exact=True, n_features=d)


def _reduce(unit: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Unit rows projected on their top :data:`SEARCH_DIMS` principal axes (eigenvectors
    of the covariance of at most :data:`PCA_SAMPLE` rows): the space the index searches."""
    if unit.shape[1] <= SEARCH_DIMS:
        return unit
    rows = np.sort(rng.choice(unit.shape[0], min(PCA_SAMPLE, unit.shape[0]), replace=False))
    sample = unit[rows]
    mean = sample.mean(axis=0, dtype=np.float64).astype(unit.dtype)
    sample = sample - mean
    d = unit.shape[1]
    # only the top eigenvectors of the covariance (ascending order)
    _, axes = eigh(sample.T @ sample, subset_by_index=[d - SEARCH_DIMS, d - 1])
    return np.ascontiguousarray((unit - mean) @ axes[:, ::-1].astype(unit.dtype), np.float32)


def _rerank(unit: np.ndarray, queries: np.ndarray, candidates: np.ndarray, k: int) -> Neighbors:
    """The ``k`` most similar of each query's candidates, by exact cosine in full space;
    missing candidates (-1) and the query itself (for a self graph) last."""
    sims = pair_cosines(queries, unit, candidates)
    sims[candidates < 0] = -np.inf
    order = np.lexsort((candidates, -sims), axis=1)[:, :k]
    return Neighbors(
        indices=np.take_along_axis(candidates, order, axis=1).astype(np.intp),
        similarity=np.take_along_axis(sims, order, axis=1),
    )


def _approximate_graph(unit: np.ndarray, k: int, rng: np.random.Generator) -> Neighbors | None:
    """Approximate self graph: index search in the reduced space for ``k + RERANK_EXTRA``
    candidates, re-ranked exactly in full space."""
    reduced = _reduce(unit, rng)
    found = _cross_index(reduced, reduced, k + 1 + RERANK_EXTRA, int(rng.integers(2**31 - 1)))
    if found is None:
        return None
    cand = found.indices.copy()
    cand[cand == np.arange(unit.shape[0])[:, None]] = -1  # never yourself
    result = _rerank(unit, unit, cand, k)
    short = np.flatnonzero(~np.isfinite(result.similarity).all(axis=1))
    if short.size:  # too few candidates found: exact search for those rows
        exact = exact_neighbors(unit, k, short)
        result.indices[short], result.similarity[short] = exact.indices, exact.similarity
    return result


def pair_cosines(queries: np.ndarray, reference: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """``queries[i] . reference[candidates[i, c]]`` (float64), in blocks of rows so the
    gathered candidates stay within a fixed memory budget."""
    n, c = candidates.shape
    out = np.empty((n, c), dtype=np.float64)
    per_block = max(1, _BLOCK_BYTES // max(1, c * reference.shape[1] * reference.itemsize))
    for start in range(0, n, per_block):
        stop = min(n, start + per_block)
        gathered = reference[np.maximum(candidates[start:stop], 0)]
        out[start:stop] = np.einsum("ij,ikj->ik", queries[start:stop], gathered)
    return out


def _warn_exact(n: int) -> None:
    warnings.warn(
        f"exact neighbour search on {n} rows (faiss-cpu is not installed); this can take "
        "minutes. Install labelnoise[ann] for the approximate index.",
        UserWarning,
        stacklevel=3,
    )


def cross_neighbors(
    reference: np.ndarray, queries: np.ndarray, k: int, rng: np.random.Generator
) -> Neighbors:
    """The ``k`` reference rows most cosine-similar to each query row (exact, or the
    approximate index above :data:`EXACT_MAX_WORK`)."""
    ref, qry = unit_rows(reference), unit_rows(queries)
    k = min(k, ref.shape[0])
    if qry.shape[0] * ref.shape[0] * ref.shape[1] > EXACT_MAX_WORK:
        both = _reduce(np.concatenate([ref, qry]), rng)
        found = _cross_index(
            both[: ref.shape[0]],
            both[ref.shape[0] :],
            k + RERANK_EXTRA,
            int(rng.integers(2**31 - 1)),
        )
        if found is not None:
            result = _rerank(ref, qry, found.indices, k)
            short = np.flatnonzero(~np.isfinite(result.similarity).all(axis=1))
            if short.size:
                exact = exact_neighbors(qry, k, short, reference=ref)
                result.indices[short], result.similarity[short] = exact.indices, exact.similarity
            return result
        _warn_exact(ref.shape[0])
    return exact_neighbors(qry, k, reference=ref)


def _cross_index(ref: np.ndarray, qry: np.ndarray, k: int, seed: int) -> Neighbors | None:
    """The inverted-file index of :func:`labelnoise.detect._knn.ivf_index`, trained on at
    most 40 rows per list."""
    index = ivf_index(np.ascontiguousarray(ref, dtype=np.float32), seed, train_per_list=40)
    if index is None:
        return None
    similarity, found = index.search(np.ascontiguousarray(qry, dtype=np.float32), k)
    short = np.flatnonzero((found < 0).any(axis=1))
    found = found.astype(np.intp)
    similarity = similarity.astype(np.float64)
    if short.size:
        exact = exact_neighbors(qry, k, short, reference=ref)
        found[short], similarity[short] = exact.indices, exact.similarity
    return Neighbors(indices=found, similarity=similarity)


def as_graph(features: Any, k: int, rng: np.random.Generator) -> NeighborGraph:
    """``features`` when it is already a :class:`NeighborGraph`, else its graph."""
    if isinstance(features, NeighborGraph):
        return features
    return build_graph(check_feature_rows(features), k, rng)
