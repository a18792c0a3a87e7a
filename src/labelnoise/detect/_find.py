"""``find_label_issues``: confident learning and its baselines."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from labelnoise._errors import InputError
from labelnoise._validation import (
    Problem,
    check_choice,
    check_fraction,
    check_int,
    check_problem,
)
from labelnoise.detect._prune import prune_by_class, prune_by_noise_rate, prune_count_matrix
from labelnoise.detect._result import LabelIssues
from labelnoise.detect._select import smallest_k
from labelnoise.noise._counts import calibrate_confident_joint
from labelnoise.noise._pass import ConfidentPass, confident_pass
from labelnoise.scores._scores import quality_scores

__all__ = ["FilterMethod", "RankBy", "find_label_issues"]

FilterMethod = Literal[
    "prune_by_noise_rate",
    "prune_by_class",
    "both",
    "confident_learning",
    "predicted_neq_given",
    "low_normalized_margin",
    "low_self_confidence",
]
RankBy = Literal["self_confidence", "normalized_margin", "confidence_weighted_entropy"] | None

_PRUNE_METHODS = ("prune_by_noise_rate", "prune_by_class", "both")
_METHODS: tuple[str, ...] = (
    *_PRUNE_METHODS,
    "confident_learning",
    "predicted_neq_given",
    "low_normalized_margin",
    "low_self_confidence",
)
_RANK_BY = (None, "self_confidence", "normalized_margin", "confidence_weighted_entropy")
_FUNC = "find_label_issues"


def _check_removals(value: Any, n_classes: int, method: str) -> list[int] | None:
    if value is None:
        return None
    if method not in _PRUNE_METHODS:
        raise InputError(
            "num_to_remove_per_class",
            f"is only supported with method in {_PRUNE_METHODS}, got method={method!r}; "
            "drop num_to_remove_per_class or use method='prune_by_class'.",
        )
    counts = np.asarray(value)
    if counts.shape != (n_classes,) or counts.dtype.kind not in "iu" or np.any(counts < 0):
        raise InputError(
            "num_to_remove_per_class",
            f"expected {n_classes} non-negative integers (one per class), got {value!r}.",
        )
    return [int(c) for c in counts]


def _flag(
    problem: Problem,
    stats: ConfidentPass,
    method: str,
    *,
    frac_noise: float,
    num_to_remove_per_class: list[int] | None,
    min_examples_per_class: int,
) -> np.ndarray:
    """The boolean mask of a confident-learning method (before ranking)."""
    if method in ("low_normalized_margin", "low_self_confidence"):
        n_issues = int(np.count_nonzero(stats.off_diagonal & ~stats.given_is_argmax))
        scores = quality_scores(problem, method[4:])
        mask = np.zeros(problem.n, dtype=bool)
        mask[smallest_k(scores, n_issues)] = True
        return mask
    if method == "confident_learning":
        mask = stats.off_diagonal.copy()
    elif method == "predicted_neq_given":
        mask = stats.argmax != problem.labels
    else:
        counts = stats.index.counts
        calibrated = calibrate_confident_joint(stats.confident_joint, counts)
        matrix = prune_count_matrix(
            calibrated,
            counts,
            min_examples_per_class=min_examples_per_class,
            frac_noise=frac_noise,
            num_to_remove_per_class=num_to_remove_per_class,
        )
        mask = np.ones(problem.n, dtype=bool)
        if method in ("prune_by_class", "both"):
            mask &= prune_by_class(stats, matrix, min_examples_per_class=min_examples_per_class)
        if method in ("prune_by_noise_rate", "both"):
            mask &= prune_by_noise_rate(
                problem, stats, matrix, min_examples_per_class=min_examples_per_class
            )
    # Never flag an example whose given label is (within 1e-6) the model's top class.
    mask &= ~stats.given_is_argmax
    return mask


def find_label_issues(
    labels: Any,
    pred_probs: Any,
    *,
    method: FilterMethod = "prune_by_noise_rate",
    frac_noise: float = 1.0,
    num_to_remove_per_class: Sequence[int] | None = None,
    min_examples_per_class: int = 1,
    rank_by: RankBy = None,
    classes: Sequence[Any] | None = None,
    normalize: bool = False,
) -> LabelIssues:
    """Find examples whose given label is likely wrong, by confident learning.

    Confident learning (Northcutt, Jiang, Chuang, JAIR 2021) estimates how many examples
    of each given class truly belong to each other class (the confident joint), then
    flags that many examples per class, the ones the model is surest are mislabelled.
    ``pred_probs`` must be *out-of-sample* (cross-validated): a model evaluated on its own
    training data has memorised the wrong labels and will vouch for them.
    Results are identical to cleanlab 2.9.0's ``filter.find_label_issues``.

    Parameters
    ----------
    labels : array-like of shape (n,)
        Given (possibly wrong) labels: integers ``0..K-1``, or names with ``classes=``.
        Classes absent from the labels are allowed.
    pred_probs : array-like of shape (n, K)
        Out-of-sample predicted probabilities, rows summing to 1; float16/32/64. Values
        within 1e-4 of [0, 1] (float16 rounding) are accepted, clipped and renormalized.
    method : str, default="prune_by_noise_rate"
        ``prune_by_noise_rate``: per off-diagonal cell of the joint, flag the examples with
        the largest margin ``p[j] - p[label]``. ``prune_by_class``: per class, flag those
        with the lowest ``p[label]``. ``both``: flagged by both. ``confident_learning``:
        the off-diagonal examples of the confident joint. ``predicted_neq_given``:
        argmax differs from the label. ``low_normalized_margin`` and
        ``low_self_confidence``: the lowest-scoring examples, as many as the confident
        joint counts off its diagonal.
    frac_noise : float in [0, 1], default=1.0
        Flag only this fraction of the estimated issues (prune methods only).
    num_to_remove_per_class : sequence of K ints, optional
        Flag this many examples per class instead of the estimate (prune methods only).
    min_examples_per_class : int, default=1
        Leave at least this many examples in every class; classes this small are skipped.
    rank_by : {None, "self_confidence", "normalized_margin", "confidence_weighted_entropy"}
        Score that orders ``indices`` and fills ``scores``. ``None`` uses
        ``normalized_margin`` for ``method="low_normalized_margin"`` and
        ``self_confidence`` otherwise.
    classes : sequence of length K, optional
        Class name of each column of ``pred_probs``, when labels are names.
    normalize : bool, default=False
        Divide each row of ``pred_probs`` by its sum first (otherwise rows that do not sum
        to 1 within 1e-3 are an error).

    Returns
    -------
    LabelIssues
        ``mask``, ``indices`` (worst first), ``scores``, ``given_labels``,
        ``suggested_labels``; ``len()`` is the number flagged.

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise import find_label_issues
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.2, 0.8], [0.9, 0.1]])
    >>> issues = find_label_issues([0, 0, 1, 1, 1], pred_probs)
    >>> issues.indices.tolist(), issues.suggested_labels[issues.indices].tolist()
    ([4], [0])
    """
    check_choice(method, name="method", func=_FUNC, choices=_METHODS)
    check_choice(rank_by, name="rank_by", func=_FUNC, choices=_RANK_BY)
    frac_noise = check_fraction(frac_noise, name="frac_noise", func=_FUNC)
    min_examples_per_class = check_int(
        min_examples_per_class, name="min_examples_per_class", func=_FUNC, minimum=0
    )
    problem = check_problem(labels, pred_probs, classes=classes, normalize=normalize)
    removals = _check_removals(num_to_remove_per_class, problem.n_classes, method)
    if frac_noise != 1.0 and method not in _PRUNE_METHODS:
        warnings.warn(
            f"frac_noise only applies to methods {_PRUNE_METHODS}; it is ignored for "
            f"method={method!r}.",
            UserWarning,
            stacklevel=2,
        )
    stats = confident_pass(problem)
    mask = _flag(
        problem,
        stats,
        method,
        frac_noise=frac_noise,
        num_to_remove_per_class=removals,
        min_examples_per_class=min_examples_per_class,
    )
    score_method = rank_by or (
        "normalized_margin" if method == "low_normalized_margin" else "self_confidence"
    )
    scores = quality_scores(problem, score_method)
    flagged = np.flatnonzero(mask)
    indices = flagged[np.argsort(scores[flagged])]
    return LabelIssues(
        mask=mask,
        indices=indices,
        scores=scores,
        given_labels=problem.names(problem.labels),
        suggested_labels=problem.names(stats.argmax),
        method=method,
        score_method=score_method,
    )
