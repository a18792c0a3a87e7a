"""``check_health``: every applicable check over one shared neighbour graph."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from labelnoise._errors import InputError
from labelnoise._random import RandomState, check_random_state
from labelnoise._validation import check_choice, check_int, check_problem
from labelnoise.health._checks import check_row_labels
from labelnoise.health._classes import class_imbalance, overlapping_classes
from labelnoise.health._duplicates import (
    DEFAULT_DUPLICATE_THRESHOLD,
    _duplicates,
    find_leakage,
    identical_duplicates,
)
from labelnoise.health._few import MIN_COSINE_COLUMNS, warn_few_columns
from labelnoise.health._graph import NeighborGraph, build_graph, check_feature_rows
from labelnoise.health._noniid import _non_iid
from labelnoise.health._outliers import outlier_scores
from labelnoise.health._result import (
    ClassImbalance,
    Duplicates,
    HealthResult,
    Leakage,
    NonIID,
    OutlierScores,
    OverlappingClasses,
)

__all__ = ["CHECKS", "Check", "HealthReport", "check_health"]

Check = Literal[
    "duplicates", "leakage", "outliers", "class_imbalance", "overlapping_classes", "non_iid"
]
#: Every check, and the inputs it needs (any one of a tuple's entries is enough).
CHECKS: dict[str, tuple[tuple[str, ...], ...]] = {
    "duplicates": (("features",),),
    "leakage": (("features",), ("test_features",)),
    "outliers": (("features", "pred_probs"),),
    "class_imbalance": (("labels",),),
    "overlapping_classes": (("labels",), ("pred_probs",)),
    "non_iid": (("features",),),
}
_FUNC = "check_health"


@dataclass(frozen=True, eq=False)
class HealthReport:
    """The results of :func:`check_health`; a check that did not run is None.

    Attributes
    ----------
    duplicates, leakage, outliers, class_imbalance, overlapping_classes, non_iid
        Each check's result (``leakage`` is over the test rows).
    graph : NeighborGraph or None
        The neighbour graph every feature check shared.
    """

    duplicates: Duplicates | None = None
    leakage: Leakage | None = None
    outliers: OutlierScores | None = None
    class_imbalance: ClassImbalance | None = None
    overlapping_classes: OverlappingClasses | None = None
    non_iid: NonIID | None = None
    graph: NeighborGraph | None = None

    @property
    def results(self) -> dict[str, HealthResult]:
        """The checks that ran, by name, in :data:`CHECKS` order."""
        found = {name: getattr(self, name) for name in CHECKS}
        return {name: r for name, r in found.items() if r is not None}

    def summary(self) -> pd.DataFrame:
        """One row per check that ran: check, rows, flagged, rate, threshold, details."""
        rows = []
        for result in self.results.values():
            head = result.summary()
            base = {key: head.pop(key) for key in ("check", "rows", "flagged", "rate", "threshold")}
            base["details"] = ", ".join(f"{k}={_fmt(v)}" for k, v in head.items())
            rows.append(base)
        return pd.DataFrame(
            rows, columns=["check", "rows", "flagged", "rate", "threshold", "details"]
        )

    def flagged_rows(self) -> pd.DataFrame:
        """One line per flagged row of every check that ran, in :data:`CHECKS` order.

        Columns: ``check``; ``row`` (for ``leakage``, the test row); ``score`` (the
        check's score, lower is worse); ``group`` (``duplicates``: the row's group id);
        ``partner`` (``leakage``: the nearest training row); ``conflict``
        (``duplicates`` with labels: the group carries several labels). Columns that do
        not apply to a check are empty (``<NA>``). Duplicates are listed by group, then
        row; the other checks worst first.

        Examples
        --------
        >>> import numpy as np
        >>> from labelnoise.health import check_health
        >>> x = np.random.default_rng(0).normal(size=(200, 32))
        >>> x[10] = x[20]
        >>> rows = check_health(x, checks=["duplicates"]).flagged_rows()
        >>> rows[["check", "row", "group"]].to_numpy().tolist()
        [['duplicates', 10, 0], ['duplicates', 20, 0]]
        """
        frames = [_flagged(name, result) for name, result in self.results.items()]
        if not frames:
            return _flagged("duplicates", None)
        return pd.concat(frames, ignore_index=True)

    def __repr__(self) -> str:
        ran = ", ".join(f"{n}: {r.n_flagged}" for n, r in self.results.items())
        return f"HealthReport({ran})"


def _flagged(name: str, result: HealthResult | None) -> pd.DataFrame:
    """The flagged rows of one check (see :meth:`HealthReport.flagged_rows`)."""
    rows = np.empty(0, dtype=np.intp) if result is None else result.indices
    group = partner = conflict = None
    if isinstance(result, Duplicates):
        rows = np.flatnonzero(result.mask)
        rows = rows[np.lexsort((rows, result.group[rows]))]
        group = result.group[rows]
        if result.given_labels is not None:
            conflict = result.conflicts[rows]
    if isinstance(result, Leakage):
        partner = result.nearest[rows]
    missing = [pd.NA] * rows.size
    return pd.DataFrame(
        {
            "check": pd.Series([name] * rows.size, dtype=object),
            "row": rows.astype(np.int64),
            "score": np.empty(0) if result is None else result.scores[rows].astype(float),
            "group": pd.array(missing if group is None else group, dtype="Int64"),
            "partner": pd.array(missing if partner is None else partner, dtype="Int64"),
            "conflict": pd.array(missing if conflict is None else conflict, dtype="boolean"),
        }
    )


def _fmt(value: object) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _given(**inputs: Any) -> set[str]:
    return {name for name, value in inputs.items() if value is not None}


def _selected(checks: Sequence[str] | None, given: set[str]) -> list[str]:
    def applicable(name: str) -> bool:
        return all(any(i in given for i in needs) for needs in CHECKS[name])

    if checks is None:
        return [name for name in CHECKS if applicable(name)]
    if isinstance(checks, str):
        checks = [checks]
    if len(checks) == 0:
        raise InputError(
            "checks",
            f"is empty; pass some of {list(CHECKS)}, or None for every applicable check.",
        )
    for name in checks:
        check_choice(name, name="checks", func=_FUNC, choices=tuple(CHECKS))
        if not applicable(name):
            missing = " and ".join(
                " or ".join(needs) for needs in CHECKS[name] if not any(i in given for i in needs)
            )
            raise InputError(
                "checks", f"check {name!r} needs {missing}; pass it or drop the check."
            )
    return [name for name in CHECKS if name in set(checks)]


def check_health(
    features: Any = None,
    *,
    labels: Any = None,
    pred_probs: Any = None,
    test_features: Any = None,
    content: Any = None,
    test_content: Any = None,
    classes: Sequence[Any] | None = None,
    checks: Sequence[Check] | None = None,
    n_neighbors: int = 10,
    random_state: RandomState = None,
) -> HealthReport:
    """Run every applicable data-health check, sharing one neighbour graph.

    Checks and what they need (all applicable ones run by default): ``duplicates``
    (features; with labels, conflicting copies are reported), ``leakage`` (features and
    test_features), ``outliers`` (features and/or pred_probs), ``class_imbalance``
    (labels), ``overlapping_classes`` (labels and pred_probs), ``non_iid`` (features in
    row order). Each uses its function's default threshold (docs/health.md).

    Parameters
    ----------
    features : array-like of shape (n, d), optional
        Features of the rows (embeddings, or numeric columns).
    labels : array-like of shape (n,), optional
        Given labels (integers ``0..K-1``, or names with ``classes=``).
    pred_probs : array-like of shape (n, K), optional
        Out-of-sample predicted probabilities.
    test_features : array-like of shape (m, d), optional
        Features of a test split, for ``leakage``.
    content, test_content : array-like of shape (n, c) and (m, c), optional
        A content-level view of both splits for ``leakage`` (e.g. :func:`image_signature`
        of the images; see :func:`find_leakage`).
    classes : sequence of length K, optional
        Class name of each column of ``pred_probs`` when labels are names.
    checks : sequence of str, optional
        Checks to run (names as above); default every applicable one.
    n_neighbors : int, default=10
        Neighbours per row of the shared graph.
    random_state : int, numpy.random.Generator or None
        Seeds the approximate index (large data) and the non-i.i.d. permutations.

    Returns
    -------
    HealthReport

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise.health import check_health
    >>> x = np.random.default_rng(0).normal(size=(200, 32))
    >>> x[10] = x[20]
    >>> check_health(x, labels=np.arange(200) % 4, random_state=0).duplicates.groups()
    [array([10, 20])]
    """
    n_neighbors = check_int(n_neighbors, name="n_neighbors", func=_FUNC, minimum=1)
    rng = check_random_state(random_state, func=_FUNC)
    given = _given(
        features=features, labels=labels, pred_probs=pred_probs, test_features=test_features
    )
    selected = _selected(checks, given)
    out: dict[str, Any] = {}
    graph = None
    if features is not None:
        arr = check_feature_rows(features)
        _check_rows(arr.shape[0], labels, pred_probs)
        few = arr.shape[1] < MIN_COSINE_COLUMNS  # duplicates: identical rows, no graph
        if set(selected) & {"outliers", "non_iid"} or ("duplicates" in selected and not few):
            graph = build_graph(arr, n_neighbors, rng)
        if "duplicates" in selected:
            codes = names = None
            if labels is not None:
                codes, names = check_row_labels(labels, arr.shape[0])
            if few:
                warn_few_columns(arr.shape[1], "features", stacklevel=2)
                out["duplicates"] = identical_duplicates(arr, codes, names)
            elif graph is not None:  # always, when not few (built above)
                out["duplicates"] = _duplicates(graph, codes, names, DEFAULT_DUPLICATE_THRESHOLD)
    if "leakage" in selected:
        out["leakage"] = find_leakage(
            features,
            test_features,
            train_content=content,
            test_content=test_content,
            random_state=rng,
        )
    if "outliers" in selected:
        codes = None
        if labels is not None and pred_probs is not None:
            codes = check_problem(labels, pred_probs, classes=classes).labels
        out["outliers"] = outlier_scores(
            graph if graph is not None else features,
            pred_probs=pred_probs,
            labels=codes,
            n_neighbors=n_neighbors,
        )
    if "class_imbalance" in selected:
        out["class_imbalance"] = class_imbalance(labels, classes=classes)
    if "overlapping_classes" in selected:
        out["overlapping_classes"] = overlapping_classes(labels, pred_probs, classes=classes)
    if "non_iid" in selected and graph is not None:
        out["non_iid"] = _non_iid(graph, 0.05, 200, rng)
    return HealthReport(graph=graph, **out)


def _check_rows(n: int, labels: Any, pred_probs: Any) -> None:
    for name, value in (("labels", labels), ("pred_probs", pred_probs)):
        if value is None:
            continue
        rows = len(value) if hasattr(value, "__len__") and not isinstance(value, str) else None
        if rows != n:
            got = "no rows (not a sequence)" if rows is None else f"{rows} rows"
            raise InputError(name, f"has {got} but features has {n}; pass one per row of features.")
