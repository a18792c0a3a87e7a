"""Detectors by name: every ``find_label_issues`` method and every ranking score.

A detector is any callable ``(labels, pred_probs, features) -> LabelIssues``; the
benchmark scores its ``mask`` (precision, recall, F1) and its ``scores`` (AUROC, AUPRC,
lower = more likely wrong). Methods are read from :data:`labelnoise.detect.FilterMethod`
when the benchmark runs, so methods added to ``find_label_issues`` plug in by name.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, get_args

import numpy as np

from labelnoise._errors import InputError
from labelnoise.detect import FilterMethod, LabelIssues, find_label_issues
from labelnoise.noise import estimate_noise
from labelnoise.scores import ScoreMethod, label_quality_scores

__all__ = [
    "CL_METHODS",
    "RANK_PREFIX",
    "SCORES",
    "Detector",
    "default_detectors",
    "detector_names",
    "rank_by_score",
    "resolve_detectors",
]

Detector = Callable[[np.ndarray, np.ndarray, np.ndarray], LabelIssues]

#: The confident-learning methods of cleanlab 2.9.0 (the default detector set).
CL_METHODS = (
    "prune_by_noise_rate",
    "prune_by_class",
    "both",
    "confident_learning",
    "predicted_neq_given",
    "low_normalized_margin",
    "low_self_confidence",
)
#: The label quality scores (``rank_by``).
SCORES: tuple[str, ...] = get_args(ScoreMethod)
#: Name prefix of the score detectors: ``"rank:self_confidence"``.
RANK_PREFIX = "rank:"


def _find(
    labels: np.ndarray,
    pred_probs: np.ndarray,
    features: np.ndarray,
    *,
    method: str,
    extra: bool,
) -> LabelIssues:
    options: dict[str, Any] = {"method": method}
    if extra:  # detectors beyond confident learning: features, and a fixed seed
        parameters = inspect.signature(find_label_issues).parameters
        options.update(
            {k: v for k, v in (("features", features), ("random_state", 0)) if k in parameters}
        )
    if method == "knn":  # neighbour votes only: pred_probs would be ignored (with a warning)
        return find_label_issues(labels, None, classes=range(pred_probs.shape[1]), **options)
    return find_label_issues(labels, pred_probs, **options)


def rank_by_score(
    labels: np.ndarray, pred_probs: np.ndarray, features: np.ndarray, *, score: str
) -> LabelIssues:
    """Flag the lowest-scoring examples, as many as the calibrated noise estimate.

    The count is ``estimate_noise(...).num_issues.off_diagonal_calibrated``, so the flags
    of a score detector are comparable with the methods' ones; its ranking is the score.
    """
    scores = label_quality_scores(labels, pred_probs, method=score)  # type: ignore[arg-type]
    k = estimate_noise(labels, pred_probs).num_issues.off_diagonal_calibrated
    indices = np.argsort(scores, kind="stable")[: max(0, k)]
    mask = np.zeros(scores.shape[0], dtype=bool)
    mask[indices] = True
    return LabelIssues(
        mask=mask,
        indices=indices,
        scores=np.asarray(scores),
        given_labels=np.asarray(labels).copy(),
        suggested_labels=np.asarray(pred_probs).argmax(axis=1),
        method=f"{RANK_PREFIX}{score}",
        score_method=score,
    )


def _find_methods() -> tuple[str, ...]:
    """The methods ``find_label_issues`` accepts in this version."""
    return tuple(get_args(FilterMethod))


def detector_names() -> tuple[str, ...]:
    """Every built-in detector: each ``find_label_issues`` method, then ``rank:<score>``.

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> from labelnoise.bench import detector_names
    >>> names = detector_names()
    >>> "prune_by_noise_rate" in names, "rank:normalized_margin" in names
    (True, True)
    """
    return (*_find_methods(), *(f"{RANK_PREFIX}{s}" for s in SCORES))


def default_detectors() -> tuple[str, ...]:
    """The default set: the seven confident-learning methods and the three scores."""
    methods = tuple(m for m in CL_METHODS if m in _find_methods())
    return (*methods, *(f"{RANK_PREFIX}{s}" for s in SCORES))


def _builtin(name: str) -> Detector:
    if name.startswith(RANK_PREFIX):
        return partial(rank_by_score, score=name[len(RANK_PREFIX) :])
    # Methods beyond classic confident learning (knn, auto, ...) may use the features.
    return partial(_find, method=name, extra=name not in CL_METHODS)


def resolve_detectors(
    names: tuple[str, ...], extra: Mapping[str, Detector] | None = None
) -> dict[str, Detector]:
    """Detector callables by name: ``extra`` first, then the built-in ones."""
    extra = dict(extra or {})
    for name, detect in extra.items():
        if not callable(detect):
            raise InputError(
                "detectors", f"{name!r} must be a callable (labels, pred_probs, features)."
            )
    builtin = set(detector_names())
    out: dict[str, Detector] = {}
    for name in names:
        if name in extra:
            out[name] = extra[name]
        elif name in builtin:
            out[name] = _builtin(name)
    return out
