"""``find_duplicates`` and ``find_leakage``: exact and near copies, within a set and across.

A pair is a near copy when its cosine distance is a small fraction (``threshold``) of the
typical nearest-neighbour distance of the data: a scale-free rule that works the same on
raw pixels, tabular rows and embeddings (cleanlab's Datalab uses the same kind of rule).
Semantic embeddings put look-alikes (two photos of red cars) nearly as close as true
copies, so :func:`find_leakage` can combine a second, content-level view (e.g.
:func:`labelnoise.health.image_signature` of the pixels): a pair's relative distance is
then the geometric mean of its relative distances in both views, and candidates come
from both.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from labelnoise._errors import InputError
from labelnoise._random import RandomState, check_random_state
from labelnoise._validation import check_int
from labelnoise.detect._knn import unit_rows
from labelnoise.health._checks import check_positive, check_row_labels
from labelnoise.health._few import (
    MIN_COSINE_COLUMNS,
    euclidean_nearest,
    identical_pairs,
    relative_scores,
    warn_few_columns,
)
from labelnoise.health._graph import (
    NeighborGraph,
    build_graph,
    check_feature_rows,
    cross_neighbors,
    pair_cosines,
)
from labelnoise.health._radius import EPS, capped_threshold, typical_distance
from labelnoise.health._result import Duplicates, Leakage

__all__ = ["DEFAULT_DUPLICATE_THRESHOLD", "find_duplicates", "find_leakage"]

#: Near copy: distance <= this x the median nearest-neighbour distance (docs/health.md).
DEFAULT_DUPLICATE_THRESHOLD = 0.4


def _components(n: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Group id per row (largest group first), -1 for rows without a pair."""
    graph = sparse.coo_matrix((np.ones(rows.size), (rows, cols)), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    sizes = np.bincount(comp)
    in_pair = sizes[comp] > 1
    group = np.full(n, -1, dtype=np.intp)
    kept = np.unique(comp[in_pair])
    # largest first; equal sizes by their smallest row (components are numbered that way)
    order = kept[np.lexsort((kept, -sizes[kept]))]
    rank = np.empty(sizes.size, dtype=np.intp)
    rank[order] = np.arange(order.size)
    group[in_pair] = rank[comp[in_pair]]
    return group


def _label_conflicts(group: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(conflicts, suggested_codes)`` from each group's labels."""
    suggested = codes.copy()
    conflicts = np.zeros(group.shape[0], dtype=bool)
    inside = group >= 0
    if not inside.any():
        return conflicts, suggested
    n_groups, n_classes = int(group.max()) + 1, int(codes.max()) + 1
    votes = np.zeros((n_groups, n_classes), dtype=np.intp)
    np.add.at(votes, (group[inside], codes[inside]), 1)
    distinct = (votes > 0).sum(axis=1)
    conflicts[inside] = distinct[group[inside]] > 1
    best = votes.max(axis=1)
    rows = np.flatnonzero(inside)
    own = votes[group[rows], codes[rows]]
    unique_best = (votes == best[:, None]).sum(axis=1) == 1
    change = (own < best[group[rows]]) & unique_best[group[rows]]
    suggested[rows[change]] = votes.argmax(axis=1)[group[rows[change]]]
    return conflicts, suggested


def find_duplicates(
    features: Any,
    *,
    labels: Any = None,
    threshold: float = DEFAULT_DUPLICATE_THRESHOLD,
    n_neighbors: int = 10,
    random_state: RandomState = None,
) -> Duplicates:
    """Find exact and near-duplicate rows and group them.

    Two rows are near copies when their cosine distance is at most ``threshold`` times
    the median distance of a row to its nearest other row; groups are the connected
    components of such pairs among each row's ``n_neighbors`` nearest. Rows that are
    positive multiples of each other are cosine-identical (distance 0). Copies inflate a
    model's apparent accuracy when they straddle a split and over-weight what they show;
    copies with different labels are label issues (``conflicts``). When more than half the
    rows have an exact copy (median 0), the median over the other rows sets the radius
    instead, with a warning, so near copies are still found. In few intrinsic dimensions
    (a table of a handful of columns) ordinary neighbours are often that close, so the
    threshold is lowered to what rows spread at random would reach only 1% of the time
    (estimated from the neighbour distances; ``threshold`` of the result is the one used).
    With fewer than 3 columns cosine cannot tell a near copy from an ordinary neighbour:
    only rows with identical values are copies (threshold 0, with a warning), and scores
    use Euclidean distance.

    Parameters
    ----------
    features : array-like of shape (n, d), or NeighborGraph
        Features, or the graph :func:`neighbor_graph` computed from them.
    labels : array-like of shape (n,), optional
        Labels of any type; with them, groups with several labels are reported.
    threshold : float, default=0.4
        Near-copy radius as a fraction of the median nearest-neighbour distance.
    n_neighbors : int, default=10
        Neighbours searched per row (groups larger than this are still joined through
        shared members).
    random_state : int, numpy.random.Generator or None
        Seeds the approximate index on large data.

    Returns
    -------
    Duplicates

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise.health import find_duplicates
    >>> x = np.random.default_rng(0).normal(size=(50, 8))
    >>> x[7] = x[3]
    >>> find_duplicates(x, labels=np.r_[np.zeros(7), 1, np.zeros(42)]).groups()
    [array([3, 7])]
    """
    func = "find_duplicates"
    threshold = check_positive(threshold, name="threshold", func=func)
    n_neighbors = check_int(n_neighbors, name="n_neighbors", func=func, minimum=1)
    rng = check_random_state(random_state, func=func)
    if isinstance(features, NeighborGraph):
        if features.n_features is not None and features.n_features < MIN_COSINE_COLUMNS:
            raise InputError(
                "features",
                f"is a NeighborGraph of {features.n_features} column(s); in fewer than "
                f"{MIN_COSINE_COLUMNS} only rows with identical values are copies, and the "
                "graph does not hold the values: pass the features themselves.",
            )
        n = features.n
    else:
        features = check_feature_rows(features)
        n = features.shape[0]
    codes = classes = None
    if labels is not None:
        codes, classes = check_row_labels(labels, n)
    if isinstance(features, NeighborGraph):
        return _duplicates(features, codes, classes, threshold)
    if features.shape[1] < MIN_COSINE_COLUMNS:
        warn_few_columns(features.shape[1], "features", stacklevel=2)
        return identical_duplicates(features, codes, classes)
    return _duplicates(build_graph(features, n_neighbors, rng), codes, classes, threshold)


def _duplicates(
    graph: NeighborGraph, codes: np.ndarray | None, classes: np.ndarray | None, threshold: float
) -> Duplicates:
    n = graph.n
    distance = np.clip(1.0 - graph.similarity, 0.0, 2.0)
    nearest = distance[:, 0].copy() if graph.n_neighbors else np.full(n, np.inf)
    median = typical_distance(nearest[np.isfinite(nearest)], "rows")
    threshold = capped_threshold(threshold, [distance])
    radius = max(threshold * median, EPS)
    close = distance <= radius
    rows = np.repeat(np.arange(n), graph.n_neighbors)[close.ravel()]
    group = _components(n, rows, graph.indices[close])
    # a row found only in another row's list (approximate search can miss the pair from
    # its side) is as close as that pair: score and mask agree with the groups
    np.minimum.at(nearest, graph.indices[close], distance[close])
    with np.errstate(invalid="ignore"):
        scores = nearest / (nearest + max(median, EPS))
    scores = np.where(np.isfinite(scores), scores, 1.0)
    return _grouped(scores, nearest <= radius, threshold, group, codes, classes, median)


def identical_duplicates(
    rows: np.ndarray, codes: np.ndarray | None, classes: np.ndarray | None
) -> Duplicates:
    """Duplicates of features with fewer than :data:`MIN_COSINE_COLUMNS` columns: rows
    with identical values (threshold 0), scored by Euclidean distance (see ``_few``)."""
    n = rows.shape[0]
    group = _components(n, *identical_pairs(rows))
    scores, median = relative_scores(euclidean_nearest(rows)[0])
    return _grouped(scores, group >= 0, 0.0, group, codes, classes, median)


def _grouped(
    scores: np.ndarray,
    mask: np.ndarray,
    threshold: float,
    group: np.ndarray,
    codes: np.ndarray | None,
    classes: np.ndarray | None,
    median: float,
) -> Duplicates:
    conflicts = np.zeros(group.shape[0], dtype=bool)
    given = suggested = None
    if codes is not None and classes is not None:
        conflicts, suggested_codes = _label_conflicts(group, codes)
        given, suggested = classes[codes], classes[suggested_codes]
    return Duplicates(
        scores=scores,
        mask=mask,
        threshold=threshold,
        group=group,
        conflicts=conflicts,
        given_labels=given,
        suggested_labels=suggested,
        median_distance=median,
    )


def _views(first: Any, second: Any, names: tuple[str, str]) -> np.ndarray:
    arr = check_feature_rows(first, names[0], min_rows=1)
    if second is not None:
        other = check_feature_rows(second, names[1], min_rows=1)
        if other.shape[0] != arr.shape[0]:
            raise InputError(
                names[1],
                f"has {other.shape[0]} rows but {names[0]} has {arr.shape[0]}; pass one "
                "content vector per row.",
            )
    return arr


def find_leakage(
    train_features: Any,
    test_features: Any,
    *,
    train_content: Any = None,
    test_content: Any = None,
    threshold: float = DEFAULT_DUPLICATE_THRESHOLD,
    n_candidates: int = 10,
    random_state: RandomState = None,
) -> Leakage:
    """Find test rows that have a near copy in the training rows.

    Each test row's ``n_candidates`` most similar training rows are found (in every view
    given); the nearest candidate decides. A pair's relative distance is its cosine
    distance over the median distance of a test row to its nearest training row (the
    geometric mean over the two views with ``content``); a test row is flagged when it
    is at most ``threshold``. ``scores`` are ``r / (r + 1)`` of that relative distance.
    When more than half the test rows have an exact copy in train, the median over the
    other test rows is used instead (with a warning). In few intrinsic dimensions the
    threshold is lowered as in :func:`find_duplicates` (each view's dimension estimated
    from its own candidates; with two views, the geometric mean of their caps), and with
    fewer than 3 columns (no content view) only identical rows count.
    Such rows measure memorisation, not generalisation: Barz & Denzler (2020) found
    about 3% of the CIFAR-10 test images copied in train.

    Parameters
    ----------
    train_features, test_features : array-like of shape (n_train, d) and (n_test, d)
        Features of both splits in the same space.
    train_content, test_content : array-like of shape (n_train, c) and (n_test, c), optional
        A second, content-level view (both or neither), e.g. :func:`image_signature` of
        the images: semantic embeddings alone rank look-alikes above true copies.
    threshold : float, default=0.4
        Copy radius as a fraction of the median test-to-train distance.
    n_candidates : int, default=10
        Training rows searched per test row and view.
    random_state : int, numpy.random.Generator or None
        Seeds the approximate index on large data.

    Returns
    -------
    Leakage

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise.health import find_leakage
    >>> rng = np.random.default_rng(0)
    >>> train, test = rng.normal(size=(100, 8)), rng.normal(size=(20, 8))
    >>> test[4] = train[42] + 0.001
    >>> find_leakage(train, test).pairs.tolist()
    [[4, 42]]
    """
    func = "find_leakage"
    threshold = check_positive(threshold, name="threshold", func=func)
    n_candidates = check_int(n_candidates, name="n_candidates", func=func, minimum=1)
    rng = check_random_state(random_state, func=func)
    if (train_content is None) != (test_content is None):
        raise InputError(
            "train_content" if train_content is None else "test_content",
            "pass both train_content and test_content (one content view per split), or neither.",
        )
    train = _views(train_features, train_content, ("train_features", "train_content"))
    test = _views(test_features, test_content, ("test_features", "test_content"))
    views = [(train, test)]
    if train_content is not None:
        views.append(
            (
                check_feature_rows(train_content, "train_content", min_rows=1),
                check_feature_rows(test_content, "test_content", min_rows=1),
            )
        )
    for name, (a, b) in zip(("features", "content"), views, strict=False):
        if a.shape[1] != b.shape[1]:
            raise InputError(
                f"test_{name}",
                f"has {b.shape[1]} columns but train_{name} has {a.shape[1]}; both splits "
                "must be in the same feature space.",
            )
    if len(views) == 1 and train.shape[1] < MIN_COSINE_COLUMNS:
        warn_few_columns(train.shape[1], "train_features", stacklevel=2)
        return _identical_leakage(train, test, n_candidates)
    for name, (a, _) in zip(("train_features", "train_content"), views, strict=False):
        if len(views) > 1 and a.shape[1] < MIN_COSINE_COLUMNS:
            raise InputError(
                name,
                f"has {a.shape[1]} column(s), but a content view is combined by cosine, "
                f"which cannot tell a near copy from an ordinary neighbour in fewer than "
                f"{MIN_COSINE_COLUMNS}; pass at least {MIN_COSINE_COLUMNS} columns, or drop "
                "the content view to count rows with identical features.",
            )
    return _leakage(views, threshold, n_candidates, rng)


def _leakage(
    views: list[tuple[np.ndarray, np.ndarray]],
    threshold: float,
    k: int,
    rng: np.random.Generator,
) -> Leakage:
    found = [cross_neighbors(a, b, k, rng) for a, b in views]
    candidates = np.concatenate([nb.indices for nb in found], axis=1)
    # each view's own nearest distances estimate its dimension (the few-dimensions cap)
    threshold = capped_threshold(threshold, [np.clip(1.0 - nb.similarity, 0, 2) for nb in found])
    relative = np.ones(candidates.shape)
    medians: list[float] = []
    first_cos = np.zeros(candidates.shape)
    for a, b in views:
        ua, ub = unit_rows(a), unit_rows(b)
        cos = pair_cosines(ub, ua, candidates)
        if not medians:
            first_cos = cos
        dist = np.clip(1.0 - cos, 0.0, 2.0)
        median = typical_distance(dist.min(axis=1), "test rows")
        medians.append(median)
        relative *= dist / max(median, EPS)
    relative **= 1.0 / len(views)  # geometric mean of the views' relative distances
    # best candidate; equal distances by the smaller training row
    best = np.lexsort((candidates, relative), axis=1)[:, 0]
    rows = np.arange(candidates.shape[0])
    nearest, best_rel = candidates[rows, best], relative[rows, best]
    best_sim = first_cos[rows, best]
    scores = best_rel / (best_rel + 1.0)
    mask = best_rel <= max(threshold, EPS)
    flagged = np.flatnonzero(mask)
    flagged = flagged[np.lexsort((flagged, best_rel[flagged]))]
    return Leakage(
        scores=scores,
        mask=mask,
        threshold=threshold,
        pairs=np.column_stack([flagged, nearest[flagged]]).astype(np.intp).reshape(-1, 2),
        similarity=best_sim[flagged],
        nearest=nearest.astype(np.intp),
        median_distance=medians[0],
    )


def _identical_leakage(train: np.ndarray, test: np.ndarray, k: int) -> Leakage:
    """Leakage in fewer than :data:`MIN_COSINE_COLUMNS` columns: test rows identical to a
    training row (threshold 0), scored by Euclidean distance (see ``_few``)."""
    distance, nearest = euclidean_nearest(train, test, k=k)
    scores, median = relative_scores(distance)
    flagged = np.flatnonzero(distance == 0)
    pairs = np.column_stack([flagged, nearest[flagged]]).astype(np.intp).reshape(-1, 2)
    a, b = test[flagged], train[pairs[:, 1]]
    norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    similarity = np.zeros(flagged.size)  # identical rows: 1, or 0 for zero rows
    np.divide(np.einsum("ij,ij->i", a, b), norms, out=similarity, where=norms > 0)
    return Leakage(
        scores=scores,
        mask=distance == 0,
        threshold=0.0,
        pairs=pairs,
        similarity=similarity,
        nearest=nearest,
        median_distance=median,
    )
