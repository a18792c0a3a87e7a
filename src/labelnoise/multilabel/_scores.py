"""Per-tag label quality scores and their aggregation into one score per example.

Each tag is scored on its own, one-vs-rest: the binary problem "has tag k or not" with
probabilities ``[1 - p_k, p_k]``, scored by the single-label scores of
:mod:`labelnoise.scores`. The ``K`` scores of an example are then aggregated into one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np

from labelnoise._validation import Problem
from labelnoise.multilabel._inputs import MultilabelProblem
from labelnoise.scores._scores import quality_scores

__all__ = [
    "AGGREGATIONS",
    "Aggregation",
    "aggregate",
    "binary_problem",
    "tag_columns",
    "tag_scores",
]

Aggregation = Literal["exponential_moving_average", "softmin", "min", "likelihood"]

#: Floor of the temperature in ``softmin`` (the reference's).
_MIN_TEMPERATURE = 1e-6
#: Floor of a per-tag score before its log is taken in ``likelihood``.
_LOG_FLOOR = 1e-12


def binary_problem(p: np.ndarray, given: np.ndarray) -> Problem:
    """One tag as a two-class problem: labels ``0``/``1``, probabilities ``[1 - p, p]``
    (``p`` and ``given`` are the tag's column of probabilities and of tags)."""
    pp = np.empty((p.shape[0], 2), dtype=p.dtype)
    np.subtract(1, p, out=pp[:, 0])
    pp[:, 1] = p
    return Problem(labels=given.astype(np.intp), pred_probs=pp, classes=None)


def tag_columns(problem: MultilabelProblem) -> tuple[np.ndarray, np.ndarray]:
    """``(K, n)`` contiguous copies of the probabilities and tags, one row per tag, so
    each tag's column is read in one sweep rather than with a stride of ``K``."""
    return np.ascontiguousarray(problem.pred_probs.T), np.ascontiguousarray(problem.labels.T)


def tag_scores(
    problem: MultilabelProblem, method: str, *, adjust_pred_probs: bool = False
) -> np.ndarray:
    """``(n, K)`` float64 per-tag scores; lower means tag ``k`` of example ``i`` looks wrong."""
    if method == "self_confidence" and not adjust_pred_probs:  # vectorized, same values
        p = problem.pred_probs
        own = np.subtract(1, p)  # in p's dtype, as the binary problem computes it
        np.copyto(own, p, where=problem.labels)
        return own.astype(np.float64, copy=False)
    out = np.zeros(problem.labels.shape, dtype=np.float64)
    for k, (p, given) in enumerate(zip(*tag_columns(problem), strict=True)):
        out[:, k] = quality_scores(
            binary_problem(p, given), method, adjust_pred_probs=adjust_pred_probs
        )
    return out


def _exponential_moving_average(scores: np.ndarray, alpha: float | None, _: float) -> np.ndarray:
    """From the best tag score to the worst, ``ema = alpha * s + (1 - alpha) * ema``.

    The worst tag weighs ``alpha``, the next ``alpha * (1 - alpha)``, and so on."""
    ordered = np.sort(scores, axis=1)[:, ::-1].T
    weight = 2 / (scores.shape[1] + 1) if alpha is None else alpha
    ema = ordered[0]
    for column in ordered[1:]:
        ema = weight * column + (1 - weight) * ema
    return np.asarray(ema)


def _softmin(scores: np.ndarray, _: float | None, temperature: float) -> np.ndarray:
    """Scores averaged with softmax weights on ``1 - s``: the worst tags weigh most."""
    # the reference's arithmetic, step for step, in one buffer
    weights = np.subtract(1, scores)
    weights /= max(temperature, _MIN_TEMPERATURE)
    weights -= np.max(weights, axis=1, keepdims=True)
    np.exp(weights, out=weights)
    weights /= np.sum(weights, axis=1, keepdims=True)
    return np.einsum("ij,ij->i", scores, weights)


def _min(scores: np.ndarray, _: float | None, __: float) -> np.ndarray:
    """The worst tag's score."""
    return np.asarray(scores.min(axis=1))


def _likelihood(scores: np.ndarray, _: float | None, __: float) -> np.ndarray:
    """``exp(sum log s)``: the probability, under the model and independent tags, that
    every tag of the example is right (the likelihood of the whole tag set)."""
    return np.exp(np.log(np.clip(scores, _LOG_FLOOR, None)).sum(axis=1))


#: The one table of aggregations: name -> function(scores, alpha, temperature).
AGGREGATIONS: dict[str, Callable[[np.ndarray, float | None, float], np.ndarray]] = {
    "exponential_moving_average": _exponential_moving_average,
    "softmin": _softmin,
    "min": _min,
    "likelihood": _likelihood,
}


def aggregate(
    scores: np.ndarray, aggregation: str, *, alpha: float | None, temperature: float
) -> np.ndarray:
    """One float64 score per example from the ``(n, K)`` per-tag scores."""
    return np.asarray(AGGREGATIONS[aggregation](scores, alpha, temperature), dtype=np.float64)
