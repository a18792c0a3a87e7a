"""Training-free detection from features: do an example's nearest neighbours share its label?

In a good feature space (a pretrained or self-supervised embedding) examples of the same
class sit together, so a label that disagrees with the labels around it is suspect. We
find every example's ``k`` nearest neighbours by cosine similarity and let them vote, as
SimiFeat's voting rule does (Zhu, Dong, Liu, ICML 2022, "Detecting corrupted labels
without training a model to predict"): an example is flagged when another class gets
strictly more neighbour votes than its given label. Its score is the share of neighbours
that agree with its label, and its suggested label is the neighbours' majority.

Search is exact up to :data:`EXACT_MAX_ROWS` rows (blocked matrix products of unit-norm
rows, memory bounded per block). Beyond that, an approximate inverted-file index from the
optional ``faiss-cpu`` package is used when it is installed (exact search otherwise); it
was chosen over pynndescent and faiss HNSW by measured recall and time.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "EXACT_MAX_ROWS",
    "Neighbors",
    "cosine_neighbors",
    "exact_neighbors",
    "ivf_index",
    "neighbor_votes",
    "unit_rows",
    "vote_flags",
]

#: Above this many rows an approximate index is used when one is installed.
EXACT_MAX_ROWS = 100_000
_BLOCK_BYTES = 64 * 2**20


@dataclass(frozen=True)
class Neighbors:
    """``indices[i]``: the ``k`` nearest rows to row ``i`` (never ``i``), most similar first;
    ``similarity[i]`` their cosine similarities."""

    indices: np.ndarray
    similarity: np.ndarray


def unit_rows(features: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (cosine similarity is then a dot product); zero rows stay
    zero."""
    with np.errstate(over="ignore"):
        norms = np.linalg.norm(features, axis=1, keepdims=True)
    tiny = np.sqrt(np.finfo(features.dtype).tiny)
    extreme = ~np.isfinite(norms[:, 0]) | (norms[:, 0] < tiny)
    if extreme.any():  # squares that overflow or underflow: rescale those rows first
        features = features.copy()
        largest = np.abs(features[extreme]).max(axis=1, keepdims=True)
        features[extreme] /= np.where(largest > 0, largest, 1.0)
        norms[extreme] = np.linalg.norm(features[extreme], axis=1, keepdims=True)
    zero = norms[:, 0] == 0
    if zero.any():
        warnings.warn(
            f"{int(zero.sum())} feature rows are all zero: their cosine similarity to "
            "every row is 0, so their neighbours are arbitrary; drop them or impute.",
            UserWarning,
            stacklevel=2,
        )
    return features / np.where(norms > 0, norms, 1.0)


def exact_neighbors(
    unit: np.ndarray,
    k: int,
    queries: np.ndarray | None = None,
    *,
    reference: np.ndarray | None = None,
) -> Neighbors:
    """Exact neighbours of the rows ``queries`` of ``unit`` (default: every row): among
    the other rows of ``unit``, or among the rows of ``reference`` when it is given."""
    ref = unit if reference is None else reference
    n = ref.shape[0]
    queries = np.arange(unit.shape[0]) if queries is None else queries
    rows_per_block = max(1, _BLOCK_BYTES // (ref.itemsize * n))
    indices = np.empty((queries.size, k), dtype=np.intp)
    similarity = np.empty((queries.size, k), dtype=np.float64)
    for start in range(0, queries.size, rows_per_block):
        stop = min(queries.size, start + rows_per_block)
        sims = unit[queries[start:stop]] @ ref.T
        if reference is None:
            sims[np.arange(stop - start), queries[start:stop]] = -np.inf  # never yourself
        top = np.argpartition(sims, n - k, axis=1)[:, n - k :]
        top_sims = np.take_along_axis(sims, top, axis=1).astype(np.float64)
        # most similar first; equal similarities by row number, so the result is unique
        order = np.lexsort((top, -top_sims), axis=1)
        indices[start:stop] = np.take_along_axis(top, order, axis=1)
        similarity[start:stop] = np.take_along_axis(top_sims, order, axis=1)
    return Neighbors(indices=indices, similarity=similarity)


def ivf_index(x: np.ndarray, seed: int, *, train_per_list: int | None = None) -> Any:
    """A faiss inverted-file index over the float32 rows ``x`` (inner product, about
    ``2 sqrt(n)`` lists, 16 probed), trained on every row or on a seeded sample of
    ``train_per_list`` rows per list; ``None`` without faiss-cpu."""
    try:
        import faiss
    except ImportError:
        return None
    n_lists = max(1, int(2 * np.sqrt(x.shape[0])))
    quantizer = faiss.IndexFlatIP(x.shape[1])
    index = faiss.IndexIVFFlat(quantizer, x.shape[1], n_lists, faiss.METRIC_INNER_PRODUCT)
    index.cp.seed = seed
    train = x
    if train_per_list is not None:
        train = x[np.random.default_rng(seed).permutation(x.shape[0])[: train_per_list * n_lists]]
    index.train(train)
    index.add(x)
    index.nprobe = 16
    return index


def _approximate(unit: np.ndarray, k: int, seed: int) -> Neighbors | None:
    """faiss inverted-file index (IVF, about ``2 sqrt(n)`` lists, 16 probed): recall@10 of
    1.000 on clustered 200k x 128 data in ~40 s where exact search takes ~8 minutes
    (benchmarks/ann_index.py; docs/detectors.md). Deterministic for a seed."""
    x = np.ascontiguousarray(unit, dtype=np.float32)
    index = ivf_index(x, seed)
    if index is None:
        return None
    similarity, found = index.search(x, k + 1)
    own = found == np.arange(x.shape[0])[:, None]
    # drop each row itself (or, if it was not found, its last neighbour)
    drop = np.where(own.any(axis=1), own.argmax(axis=1), k)
    keep = np.ones(found.shape, dtype=bool)
    keep[np.arange(x.shape[0]), drop] = False
    indices = found[keep].reshape(-1, k).astype(np.intp)
    similarity = similarity[keep].reshape(-1, k).astype(np.float64)
    # the probed lists held fewer than k other rows (id -1): search those rows exactly
    short = np.flatnonzero((indices < 0).any(axis=1))
    if short.size:
        exact = exact_neighbors(unit, k, short)
        indices[short], similarity[short] = exact.indices, exact.similarity
    return Neighbors(indices=indices, similarity=similarity)


def cosine_neighbors(
    features: np.ndarray, n_neighbors: int, *, rng: np.random.Generator
) -> Neighbors:
    """The ``n_neighbors`` most cosine-similar other rows of every row.

    ``n_neighbors`` is reduced to ``n - 1`` when there are fewer rows.
    """
    unit = unit_rows(features)
    k = min(n_neighbors, unit.shape[0] - 1)
    if k <= 0:  # a single row has no neighbours
        empty = np.empty((unit.shape[0], 0))
        return Neighbors(indices=empty.astype(np.intp), similarity=empty)
    if unit.shape[0] > EXACT_MAX_ROWS:
        found = _approximate(unit, k, int(rng.integers(2**31 - 1)))
        if found is not None:
            return found
        warnings.warn(
            f"exact neighbour search on {unit.shape[0]} rows (no approximate index: "
            "faiss-cpu is not installed); this can take many minutes. Install "
            "labelnoise[ann] for a faster approximate search.",
            UserWarning,
            stacklevel=2,
        )
    return exact_neighbors(unit, k)


def neighbor_votes(
    labels: np.ndarray, neighbors: Neighbors, n_classes: int, *, weighted: bool = False
) -> np.ndarray:
    """Share of each row's neighbours carrying each label, shape (n, K); rows sum to 1.

    ``weighted``: each neighbour counts by its cosine similarity shifted to [0, 1]
    (``(1 + s) / 2``), so closer neighbours count more (used to order equal shares)."""
    n, k = neighbors.indices.shape
    votes = np.zeros((n, n_classes))
    if k == 0:
        votes[np.arange(n), labels] = 1.0
        return votes
    weight = np.ones((n, k))
    if weighted:
        weight = (1.0 + np.clip(neighbors.similarity, -1.0, 1.0)) / 2
        weight[weight.sum(axis=1) <= 0] = 1.0  # every neighbour exactly opposite: counts
    np.add.at(
        votes, (np.repeat(np.arange(n), k), labels[neighbors.indices].ravel()), weight.ravel()
    )
    return votes / weight.sum(axis=1, keepdims=True)


def vote_flags(labels: np.ndarray, votes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(flagged, suggested)``: flagged where another class has strictly more votes than
    the given label; suggested is the majority, the given label winning ties."""
    own = votes[np.arange(labels.shape[0]), labels]
    best = votes.max(axis=1)
    flagged = own < best
    suggested = np.where(flagged, votes.argmax(axis=1), labels)
    return flagged, suggested
