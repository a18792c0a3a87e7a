"""Per-example label quality scores: lower means the given label is more likely wrong."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from scipy.special import xlogy

from labelnoise._errors import InputError
from labelnoise._pass import class_index, confident_thresholds, self_confidence
from labelnoise._validation import (
    Problem,
    check_bool,
    check_choice,
    check_problem,
)

__all__ = ["ScoreMethod", "label_quality_scores", "quality_scores"]

ScoreMethod = Literal["self_confidence", "normalized_margin", "confidence_weighted_entropy"]
_SCORE_FLOOR = 1e-6


def _self_confidence(block: np.ndarray, given: np.ndarray) -> np.ndarray:
    """``p[label]``: the probability the model gives the given label."""
    return block[np.arange(block.shape[0]), given]


#: Up to this many columns, row maxima are taken one column at a time (exact either way).
_COLUMNWISE_MAX = 64


def _row_max(values: np.ndarray) -> np.ndarray:
    """``values.max(axis=1)``; with few columns as one ``np.maximum`` per column (numpy's
    reduction over short rows is slow; ``low_normalized_margin`` in docs/performance.md)."""
    n_cols = values.shape[1]
    if n_cols > _COLUMNWISE_MAX or n_cols < 2:
        return values.max(axis=1)
    out = values[:, 0].copy()
    for j in range(1, n_cols):
        np.maximum(out, values[:, j], out=out)
    return out


def _normalized_margin(block: np.ndarray, given: np.ndarray) -> np.ndarray:
    """``(p[label] - max_{j != label} p[j] + 1) / 2``, in [0, 1]."""
    rows = np.arange(block.shape[0])
    own = block[rows, given]
    others = block.copy()
    others[rows, given] = -np.inf
    return (own - _row_max(others) + 1) / 2


def _confidence_weighted_entropy(block: np.ndarray, given: np.ndarray) -> np.ndarray:
    """``log(1 + H/p[label]) / (H/p[label])`` with H the entropy normalized by log K."""
    own = np.clip(block[np.arange(block.shape[0]), given], a_min=_SCORE_FLOOR, a_max=None)
    entropy = -np.sum(xlogy(block, block), axis=1) / np.log(block.shape[1])
    ratio = entropy / own
    return np.log(ratio + 1) / np.clip(ratio, a_min=_SCORE_FLOOR, a_max=None)


_SCORERS = {
    "self_confidence": _self_confidence,
    "normalized_margin": _normalized_margin,
    "confidence_weighted_entropy": _confidence_weighted_entropy,
}


def quality_scores(
    problem: Problem,
    method: str,
    *,
    adjust_pred_probs: bool = False,
    chunk_size: int | None = None,
) -> np.ndarray:
    """Scores for a validated problem, computed block by block (no full-size temporaries).

    ``self_confidence`` scores are validation's gather when it took one
    (``Problem.self_conf``), not a pass of their own.
    """
    labels = problem.labels
    if method == "self_confidence" and not adjust_pred_probs:
        return self_confidence(problem)
    thresholds = None
    if adjust_pred_probs:
        index = class_index(labels, problem.n_classes, sort=not problem.out_of_core)
        thresholds = confident_thresholds(self_confidence(problem), index)
    out: np.ndarray | None = None
    parts = problem.rows.map(score_block, labels, args=(method, thresholds), chunk_size=chunk_size)
    for rows, values in parts:
        if out is None:  # the dtype the scorer gives (float32 in, float32 out)
            out = np.empty(problem.n, dtype=values.dtype)
        out[rows] = values
    assert out is not None  # n >= 1 rows, so at least one block
    return out


def score_block(
    block: np.ndarray, given: np.ndarray, method: str, thresholds: np.ndarray | None
) -> np.ndarray:
    """Chunk step: the scores of one block (after the threshold adjustment, if any)."""
    if thresholds is not None:
        # Subtract each class's threshold so a class the model over-predicts
        # does not dominate; shift back to non-negative and renormalize.
        block = block - thresholds
        block += thresholds.max()
        block /= block.sum(axis=1, keepdims=True)
    return _SCORERS[method](block, given)


def label_quality_scores(
    labels: Any,
    pred_probs: Any,
    *,
    method: ScoreMethod = "self_confidence",
    adjust_pred_probs: bool = False,
    classes: Sequence[Any] | None = None,
    normalize: bool = False,
    chunk_size: int | None = None,
    n_jobs: int | None = None,
) -> np.ndarray:
    """Score how likely each given label is correct; lower scores are likelier errors.

    Parameters
    ----------
    labels : array-like of shape (n,)
        Given labels: integers ``0..K-1``, or names with ``classes=``.
    pred_probs : array-like of shape (n, K), path or numpy.memmap
        Out-of-sample predicted probabilities. A ``.npy`` or Parquet path, or a
        ``numpy.memmap``, is read in blocks of ``chunk_size`` rows (out of core).
    method : {"self_confidence", "normalized_margin", "confidence_weighted_entropy"}
        ``self_confidence`` is ``p[label]``; ``normalized_margin`` is
        ``(p[label] - max other p + 1) / 2`` and also penalises a strong competing class;
        ``confidence_weighted_entropy`` divides the normalized entropy by ``p[label]``.
    adjust_pred_probs : bool, default=False
        Subtract each class's confident threshold first, which corrects for a model that
        is over-confident in some classes (not for ``confidence_weighted_entropy``).
    classes : sequence of length K, optional
        Class name of each column when labels are names.
    normalize : bool, default=False
        Divide each row of ``pred_probs`` by its sum first.
    chunk_size : int, optional
        Rows per block when reading ``pred_probs``; by default blocks of about 4 MiB.
        Results do not depend on it.
    n_jobs : int or None, default=None
        Threads for the passes over ``pred_probs`` (validation, thresholds, scores);
        ``-1``: every core this process may use; ``None``: every core in memory, one thread
        out of core. Results are bit-identical for every value. Pass 1 inside your own
        parallel workers.

    Returns
    -------
    scores : ndarray of shape (n,)
        In [0, 1] for the first two methods.

    Examples
    --------
    >>> from labelnoise import label_quality_scores
    >>> label_quality_scores([0, 1], [[0.9, 0.1], [0.8, 0.2]]).round(2).tolist()
    [0.9, 0.2]
    """
    func = "label_quality_scores"
    check_choice(method, name="method", func=func, choices=tuple(_SCORERS))
    adjust_pred_probs = check_bool(adjust_pred_probs, name="adjust_pred_probs", func=func)
    if adjust_pred_probs and method == "confidence_weighted_entropy":
        raise InputError(
            "adjust_pred_probs",
            "is not supported with method='confidence_weighted_entropy'; "
            "use adjust_pred_probs=False or another method.",
        )
    problem = check_problem(
        labels,
        pred_probs,
        classes=classes,
        normalize=normalize,
        chunk_size=chunk_size,
        n_jobs=n_jobs,
        func=func,
    )
    return quality_scores(problem, method, adjust_pred_probs=adjust_pred_probs)
