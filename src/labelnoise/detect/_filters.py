"""Confident learning's seven filters: which examples to flag, from one confident pass.

Each filter is a function ``(problem, stats, pruning, scores) -> mask`` over the validated
problem, its :class:`~labelnoise._pass.ConfidentPass` and the call's :class:`Scores`
(which the ranking then reuses); the registry
(:mod:`._registry`) names them and ``find_label_issues`` ranks what they flag. The five
count-based filters never flag an example whose given label is (within 1e-6) the model's
top class; ``low_normalized_margin`` and ``low_self_confidence`` take the lowest scores
whatever their class, as the reference does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from labelnoise._pass import ConfidentPass
from labelnoise._validation import Problem
from labelnoise.detect._prune import prune_by_class, prune_by_noise_rate, prune_count_matrix
from labelnoise.detect._select import smallest_k
from labelnoise.noise._counts import calibrate_confident_joint
from labelnoise.scores._scores import quality_scores

__all__ = [
    "Pruning",
    "Scores",
    "by_both",
    "by_class",
    "by_noise_rate",
    "low_normalized_margin",
    "low_self_confidence",
    "off_diagonal",
    "predicted_neq_given",
]


@dataclass(frozen=True)
class Pruning:
    """The validated options of the prune filters (the others ignore them)."""

    frac_noise: float
    num_to_remove_per_class: list[int] | None
    min_examples_per_class: int


class Scores:
    """One call's label quality scores, each computed at most once: a filter that ranks
    by a score and ``find_label_issues``'s ranking by the same score share one pass over
    ``pred_probs`` (``self_confidence`` needs none: the confident pass has it)."""

    def __init__(self, problem: Problem, self_conf: np.ndarray) -> None:
        self._problem = problem
        self._done: dict[str, np.ndarray] = {"self_confidence": self_conf}

    def __call__(self, method: str) -> np.ndarray:
        if method not in self._done:
            self._done[method] = quality_scores(self._problem, method)
        return self._done[method]


def _matrix(stats: ConfidentPass, pruning: Pruning) -> np.ndarray:
    """The prune count matrix: how many to flag in each cell of the calibrated joint."""
    counts = stats.index.counts
    return prune_count_matrix(
        calibrate_confident_joint(stats.confident_joint, counts),
        counts,
        min_examples_per_class=pruning.min_examples_per_class,
        frac_noise=pruning.frac_noise,
        num_to_remove_per_class=pruning.num_to_remove_per_class,
    )


def _disputed(stats: ConfidentPass, mask: np.ndarray) -> np.ndarray:
    return np.asarray(mask & ~stats.given_is_argmax)


def by_noise_rate(
    problem: Problem, stats: ConfidentPass, pruning: Pruning, scores: Scores
) -> np.ndarray:
    """Per off-diagonal cell, the examples with the largest margin ``p[j] - p[label]``."""
    minimum = pruning.min_examples_per_class
    matrix = _matrix(stats, pruning)
    return _disputed(
        stats, prune_by_noise_rate(problem, stats, matrix, min_examples_per_class=minimum)
    )


def by_class(
    problem: Problem, stats: ConfidentPass, pruning: Pruning, scores: Scores
) -> np.ndarray:
    """Per class, the examples with the lowest ``p[label]``."""
    minimum = pruning.min_examples_per_class
    matrix = _matrix(stats, pruning)
    return _disputed(stats, prune_by_class(stats, matrix, min_examples_per_class=minimum))


def by_both(problem: Problem, stats: ConfidentPass, pruning: Pruning, scores: Scores) -> np.ndarray:
    """Flagged by both :func:`by_class` and :func:`by_noise_rate`."""
    minimum = pruning.min_examples_per_class
    matrix = _matrix(stats, pruning)
    mask = prune_by_class(stats, matrix, min_examples_per_class=minimum)
    mask &= prune_by_noise_rate(problem, stats, matrix, min_examples_per_class=minimum)
    return _disputed(stats, mask)


def off_diagonal(
    problem: Problem, stats: ConfidentPass, pruning: Pruning, scores: Scores
) -> np.ndarray:
    """The examples counted off the diagonal of the confident joint."""
    return _disputed(stats, stats.off_diagonal)


def predicted_neq_given(
    problem: Problem, stats: ConfidentPass, pruning: Pruning, scores: Scores
) -> np.ndarray:
    """The examples whose argmax class is not the given label."""
    return _disputed(stats, stats.argmax != problem.labels)


def _lowest(problem: Problem, stats: ConfidentPass, score: np.ndarray) -> np.ndarray:
    """The lowest-scoring examples, as many as the confident joint counts off its
    diagonal (among the disputed ones)."""
    n_issues = int(np.count_nonzero(stats.off_diagonal & ~stats.given_is_argmax))
    mask = np.zeros(problem.n, dtype=bool)
    mask[smallest_k(score, n_issues)] = True
    return mask


def low_normalized_margin(
    problem: Problem, stats: ConfidentPass, pruning: Pruning, scores: Scores
) -> np.ndarray:
    """The lowest normalized margins (see :func:`_lowest`)."""
    return _lowest(problem, stats, scores("normalized_margin"))


def low_self_confidence(
    problem: Problem, stats: ConfidentPass, pruning: Pruning, scores: Scores
) -> np.ndarray:
    """The lowest self-confidences (see :func:`_lowest`)."""
    return _lowest(problem, stats, scores("self_confidence"))
