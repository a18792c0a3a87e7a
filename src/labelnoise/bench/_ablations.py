"""``auto`` taken apart: its ranking with other counts, its count with other rankings.

Each ablation is a detector ``(labels, pred_probs, features) -> LabelIssues`` named
``auto[<part>=<choice>]``. They answer the two questions of ``docs/detectors.md`` on the
same units as every other detector:

* *how many to flag*: ``auto``'s ranking, cut at the count of another estimator:
  confident learning's calibrated joint (``count=confident_joint``, ``auto`` before the
  real-noise suite), the posterior sum on the raw probabilities (``count=posterior_sum``),
  on probabilities only calibrated to the labels (``count=calibrated_posterior_sum``) or
  only sharpened (``count=sharpened_posterior_sum``), the small-loss mixture's count
  (``count=small_loss``), the model's disagreements with the labels
  (``count=argmax_disagreement``), and the sharpness of ``auto``'s own count
  (``sharpness=1.5``, ``sharpness=3``);
* *how to rank*: ``auto``'s count with the posterior alone (``rank=posterior``) or the
  normalized margin alone (``rank=margin``).

A list of models' ``pred_probs`` (an ensemble row) is pooled as ``find_label_issues``
pools it by default.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

from labelnoise._pass import ConfidentPass, confident_pass
from labelnoise._validation import Problem, check_problem
from labelnoise.detect import LabelIssues
from labelnoise.detect._auto import (
    COUNT_SHARPNESS,
    auto_scores,
    label_posterior,
    label_temperature,
    tempered,
)
from labelnoise.detect._ensemble import combine
from labelnoise.detect._small_loss import class_clean_posterior
from labelnoise.noise._counts import calibrate_confident_joint
from labelnoise.noise._estimate import issue_counts
from labelnoise.scores._scores import quality_scores

__all__ = ["ABLATIONS"]

Count = Callable[[Problem, ConfidentPass], int]
Rank = Callable[[Problem, ConfidentPass], np.ndarray]


def _problem(labels: np.ndarray, pred_probs: Any) -> Problem:
    if isinstance(pred_probs, list | tuple):
        pooled = combine(
            labels, list(pred_probs), ensemble="likelihood", classes=None, normalize=False
        )
        return pooled.problem
    return check_problem(labels, pred_probs)


def _posterior_sum(problem: Problem) -> int:
    posterior = label_posterior(problem, confident_pass(problem))
    return int(np.round(float(np.sum(1.0 - posterior))))


def _count_confident_joint(problem: Problem, stats: ConfidentPass) -> int:
    calibrated = calibrate_confident_joint(stats.confident_joint, stats.index.counts)
    return issue_counts(stats, calibrated, problem.n).off_diagonal_calibrated


def _count_sharpness(sharpness: float) -> Count:
    def count(problem: Problem, stats: ConfidentPass) -> int:
        return _posterior_sum(tempered(problem, label_temperature(problem) / sharpness))

    return count


def _count_calibrated(problem: Problem, stats: ConfidentPass) -> int:
    return _posterior_sum(tempered(problem, label_temperature(problem)))


def _count_sharpened(problem: Problem, stats: ConfidentPass) -> int:
    return _posterior_sum(tempered(problem, 1.0 / COUNT_SHARPNESS))


def _count_small_loss(problem: Problem, stats: ConfidentPass) -> int:
    p_clean = class_clean_posterior(problem, mixture="gaussian", per_class=False)
    return int(np.count_nonzero((p_clean < 0.5) & ~stats.given_is_argmax))


def _count_disagreement(problem: Problem, stats: ConfidentPass) -> int:
    return int(np.count_nonzero(~stats.given_is_argmax))


def _rank_auto(problem: Problem, stats: ConfidentPass) -> np.ndarray:
    return auto_scores(problem, stats)


def _rank_posterior(problem: Problem, stats: ConfidentPass) -> np.ndarray:
    return label_posterior(problem, stats)


def _rank_margin(problem: Problem, stats: ConfidentPass) -> np.ndarray:
    return quality_scores(problem, "normalized_margin")


def _ablation(count: Count, rank: Rank, name: str) -> Callable[..., LabelIssues]:
    def detect(labels: np.ndarray, pred_probs: Any, features: Any = None) -> LabelIssues:
        problem = _problem(labels, pred_probs)
        stats = confident_pass(problem)
        scores = np.asarray(rank(problem, stats), dtype=np.float64)
        margin = quality_scores(problem, "normalized_margin")
        k = max(0, min(problem.n, count(problem, stats)))
        order = np.lexsort((margin, scores))
        mask = np.zeros(problem.n, dtype=bool)
        mask[order[:k]] = True
        flagged = np.flatnonzero(mask)
        return LabelIssues(
            mask=mask,
            indices=flagged[np.lexsort((margin[flagged], scores[flagged]))],
            scores=scores,
            given_labels=problem.labels.copy(),
            suggested_labels=stats.argmax.copy(),
            method=name,
            score_method="noise_adaptive_rank",
        )

    detect.__name__ = name
    return detect


def _ablations() -> dict[str, Callable[..., LabelIssues]]:
    auto_count = _count_sharpness(COUNT_SHARPNESS)
    parts: dict[str, tuple[Count, Rank]] = {
        "auto[count=confident_joint]": (_count_confident_joint, _rank_auto),
        "auto[count=posterior_sum]": (lambda p, s: _posterior_sum(p), _rank_auto),
        "auto[count=calibrated_posterior_sum]": (_count_calibrated, _rank_auto),
        "auto[count=sharpened_posterior_sum]": (_count_sharpened, _rank_auto),
        "auto[count=small_loss]": (_count_small_loss, _rank_auto),
        "auto[count=argmax_disagreement]": (_count_disagreement, _rank_auto),
        "auto[sharpness=1.5]": (_count_sharpness(1.5), _rank_auto),
        "auto[sharpness=3]": (_count_sharpness(3.0), _rank_auto),
        "auto[rank=posterior]": (auto_count, _rank_posterior),
        "auto[rank=margin]": (auto_count, _rank_margin),
    }
    return {name: _ablation(count, rank, name) for name, (count, rank) in parts.items()}


#: Ablation name -> detector (read-only).
ABLATIONS: Mapping[str, Callable[..., LabelIssues]] = MappingProxyType(_ablations())
