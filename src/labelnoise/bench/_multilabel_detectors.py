"""The multi-label benchmark's detectors, the reference, and how each is scored.

A detector here is a ranking score over the examples (:data:`MULTILABEL_DETECTORS`);
its flags are always :func:`labelnoise.multilabel.find_label_issues`'s, since per-tag
confident learning decides them whatever the aggregation. The reference is cleanlab's
``multilabel_classification`` with its defaults (imported only when asked for). Each is
scored against the examples whose tags really changed by
:func:`labelnoise.bench.detection_metrics`, once on its flags and once on as many of
its lowest scores.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

from labelnoise.bench._cache import Cached
from labelnoise.bench._metrics import detection_metrics
from labelnoise.multilabel import (
    Aggregation,
    MultilabelIssues,
    find_label_issues,
    label_quality_scores,
)

__all__ = ["MULTILABEL_DETECTORS", "MultilabelDetector", "detector_rows"]

#: The reference's aggregation.
_EMA: Aggregation = "exponential_moving_average"

#: A detector's ranking score: ``(tags, pred_probs, default issues) -> (n,) scores``,
#: lower = more likely noisy. Its flags are always ``find_label_issues``'s (per-tag
#: confident learning, which no aggregation changes).
MultilabelDetector = Callable[[np.ndarray, np.ndarray, MultilabelIssues], np.ndarray]


def _scores(**options: Any) -> MultilabelDetector:
    def detector(tags: np.ndarray, probs: np.ndarray, issues: MultilabelIssues) -> np.ndarray:
        return label_quality_scores(tags, probs, **options)

    return detector


def _flagged_first(**options: Any) -> MultilabelDetector:
    """Examples with more flagged tags first, then by the score: ``score - flagged tags``
    (scores lie in [0, 1])."""

    def detector(tags: np.ndarray, probs: np.ndarray, issues: MultilabelIssues) -> np.ndarray:
        flagged = issues.tag_issues.sum(axis=1)
        return label_quality_scores(tags, probs, **options) - flagged

    return detector


def _default(tags: np.ndarray, probs: np.ndarray, issues: MultilabelIssues) -> np.ndarray:
    return np.asarray(issues.scores)


def _ema_softmin_mean(tags: np.ndarray, probs: np.ndarray, issues: MultilabelIssues) -> np.ndarray:
    """The mean of the reference's moving average and the default softmin."""
    ema = label_quality_scores(tags, probs, aggregation=_EMA)
    return np.asarray((ema + issues.scores) / 2)


#: Detector name -> ranking score. ``default`` is ``find_label_issues``'s own (softmin at
#: temperature 0.2), ``ema`` the reference's (moving average, alpha 0.8).
MULTILABEL_DETECTORS: Mapping[str, MultilabelDetector] = MappingProxyType(
    {
        "default": _default,
        "ema": _scores(aggregation=_EMA),
        "ema_a0.5": _scores(aggregation=_EMA, alpha=0.5),
        "ema_a0.95": _scores(aggregation=_EMA, alpha=0.95),
        "softmin_t0.05": _scores(aggregation="softmin", temperature=0.05),
        "softmin_t0.1": _scores(aggregation="softmin", temperature=0.1),
        "softmin_t0.3": _scores(aggregation="softmin", temperature=0.3),
        "min": _scores(aggregation="min"),
        "likelihood": _scores(aggregation="likelihood"),
        "adjusted_ema": _scores(aggregation=_EMA, adjust_pred_probs=True),
        "adjusted_softmin": _scores(aggregation="softmin", adjust_pred_probs=True),
        "flagged_first": _flagged_first(),
        "flagged_first_ema": _flagged_first(aggregation=_EMA),
        "ema_softmin_mean": _ema_softmin_mean,
    }
)


def _reference(tags: np.ndarray, probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """cleanlab's ``multilabel_classification`` defaults: flags and scores."""
    from cleanlab.multilabel_classification import filter as ref_filter
    from cleanlab.multilabel_classification import rank as ref_rank

    lists = [np.flatnonzero(row).tolist() for row in tags]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mask = ref_filter.find_label_issues(lists, probs, n_jobs=1)
        scores = ref_rank.get_label_quality_scores(lists, probs)
    return np.asarray(mask, dtype=bool), np.asarray(scores, dtype=np.float64)


def _metrics_row(mask: np.ndarray, scores: np.ndarray, flipped: np.ndarray) -> dict[str, Any]:
    metrics = detection_metrics(mask, scores, flipped)
    lowest = np.zeros(mask.shape[0], dtype=bool)
    lowest[np.argsort(scores, kind="stable")[: metrics.n_flagged]] = True
    return {
        "n_flagged": metrics.n_flagged,
        "precision": metrics.precision,
        "recall": metrics.recall,
        "f1": metrics.f1,
        "f1_lowest": detection_metrics(lowest, scores, flipped).f1,
        "auroc": metrics.auroc,
        "auprc": metrics.auprc,
    }


def detector_rows(
    entry: Cached, base: dict[str, Any], *, detectors: tuple[str, ...], reference: bool
) -> list[dict[str, Any]]:
    """One row per detector (``reference`` first, if asked for) on one setting: ``base``
    and the detector's metrics against the examples whose tags changed."""
    tags = np.asarray(entry.labels, dtype=bool)
    probs, flipped = entry.pred_probs, entry.is_flipped
    issues = find_label_issues(tags, probs)
    same: bool | None = None
    rows = []
    if reference:
        ref_mask, ref_scores = _reference(tags, probs)
        same = bool(np.array_equal(ref_mask, issues.mask))
        rows.append(
            {**base, "detector": "reference", **_metrics_row(ref_mask, ref_scores, flipped)}
        )
    for name in detectors:
        scores = MULTILABEL_DETECTORS[name](tags, probs, issues)
        metrics = _metrics_row(issues.mask, scores, flipped)
        rows.append({**base, "detector": name, **metrics, "matches_reference": same})
    return rows
