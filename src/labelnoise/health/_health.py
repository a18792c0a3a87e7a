"""``check_health``: every applicable check over one shared neighbour graph."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from labelnoise._errors import InputError
from labelnoise._validation import check_choice, check_int, check_problem
from labelnoise.health._checks import check_row_labels
from labelnoise.health._classes import class_imbalance, overlapping_classes
from labelnoise.health._duplicates import DEFAULT_DUPLICATE_THRESHOLD, _duplicates, find_leakage
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
from labelnoise.simulate._random import RandomState, check_random_state

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

    def __repr__(self) -> str:
        ran = ", ".join(f"{n}: {r.n_flagged}" for n, r in self.results.items())
        return f"HealthReport({ran})"


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
        if set(selected) & {"duplicates", "outliers", "non_iid"}:
            graph = build_graph(arr, n_neighbors, rng)
    if "duplicates" in selected and graph is not None:
        codes = names = None
        if labels is not None:
            codes, names = check_row_labels(labels, graph.n)
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
