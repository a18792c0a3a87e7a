"""Several models' ``pred_probs`` combined into one problem.

Detectors accept ``pred_probs`` as a list of arrays of the same shape, one per model (for
example a linear model, a boosted tree and a network, each cross-validated). Four ways to
combine them:

* ``likelihood`` (the default): a weighted average of the probabilities. The weights
  are those that make the given labels most likely,
  ``argmax_w sum_i log sum_m w_m p_m[i, label_i]`` over the simplex (a linear opinion
  pool fitted by EM; the problem is concave, so the optimum is unique and the order of
  the models does not matter); a member whose weight is below :data:`MEMBER_CUT` times
  the largest is then dropped and the rest renormalized. Out-of-sample probabilities make
  the fit honest stacking: a model that predicts the labels better, wrong ones included,
  takes a larger share, and label noise lowers every model's likelihood alike. The cut
  drops clearly weaker members, which would otherwise blur the best member's ranking,
  and keeps members of comparable quality together (a pool beats its best member when
  its members are comparably good and wrong in different places); measured on the
  benchmark (docs/detectors.md), the pool then matches or beats its best member without
  being told which one that is.
* ``mean``: average the probabilities; every method then runs on the average. One weak
  or badly calibrated member drags a strong one down.
* ``weighted``: average with weights proportional to each model's estimated accuracy, its
  agreement with the given labels on the rows where it is confident (its top probability
  reaches the confident threshold of its predicted class). Label noise lowers every
  model's agreement alike, so the order of the models is kept.
* ``rank``: average the probabilities for counting (thresholds, the confident joint), but
  score each example by the mean over models of its *percentile rank* under each model's
  own score, which is robust to models whose probabilities live on different scales
  (one over-confident model cannot dominate the ranking).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from labelnoise._errors import InputError
from labelnoise._pass import class_index, confident_thresholds
from labelnoise._validation import Problem, check_labels, check_pred_probs
from labelnoise.scores._scores import quality_scores

__all__ = [
    "ENSEMBLE_METHODS",
    "MEMBER_CUT",
    "Ensemble",
    "EnsembleMethod",
    "combine",
    "is_model_list",
    "likelihood_weights",
    "rank_average",
    "rank_scores",
]

EnsembleMethod = Literal["likelihood", "mean", "rank", "weighted"]
ENSEMBLE_METHODS: tuple[str, ...] = ("likelihood", "mean", "rank", "weighted")
#: The likelihood pool drops members whose weight is below this share of the largest.
MEMBER_CUT = 0.25
#: EM for the pool's weights stops when no weight moves more than this, or after _EM_STEPS.
_EM_TOL = 1e-9
_EM_STEPS = 1000
#: Probabilities of the given label are floored here, so a model that gives a label
#: probability 0 costs a finite log-likelihood.
_LIKELIHOOD_FLOOR = 1e-12


@dataclass(frozen=True)
class Ensemble:
    """The combined problem and, for ``rank``, each model's problem."""

    problem: Problem
    members: tuple[Problem, ...]
    weights: np.ndarray
    rank: bool


def is_model_list(pred_probs: Any) -> bool:
    """A list or tuple of 2-D arrays (one per model), not a nested list of rows."""
    if not isinstance(pred_probs, list | tuple) or len(pred_probs) == 0:
        return False
    first = pred_probs[0]
    return hasattr(first, "shape") and len(first.shape) == 2


def _check_members(pred_probs: Sequence[Any], normalize: bool) -> list[np.ndarray]:
    members = [check_pred_probs(p, normalize=normalize) for p in pred_probs]
    for m, member in enumerate(members[1:], start=1):
        if member.shape != members[0].shape:
            raise InputError(
                "pred_probs",
                f"all models' pred_probs must have the same shape, got {members[0].shape} "
                f"for model 0 and {member.shape} for model {m}; pass one (n, K) array per "
                "model for the same examples and classes.",
            )
    return members


def _confident_agreement(member: Problem) -> float:
    """Agreement of the model's argmax with the given labels, on its confident rows."""
    pp, labels = member.pred_probs, member.labels
    index = class_index(labels, member.n_classes, out_of_core=member.out_of_core)
    thresholds = confident_thresholds(pp[np.arange(member.n), labels], index)
    predicted = pp.argmax(axis=1)
    confident = pp[np.arange(member.n), predicted] >= thresholds[predicted]
    if not confident.any():
        confident[:] = True
    return float(np.mean(predicted[confident] == labels[confident]))


def likelihood_weights(members: Sequence[Problem]) -> np.ndarray:
    """Weights of the linear pool that maximizes the likelihood of the given labels,
    without the members below :data:`MEMBER_CUT` times the largest weight (renormalized).

    EM for the mixing weights of fixed components: the responsibility of model ``m`` for
    row ``i`` is ``w_m p_m[i, label_i] / sum_l w_l p_l[i, label_i]``, the new weights are
    the mean responsibilities. Each step increases the (concave) log-likelihood."""
    rows = np.arange(members[0].n)
    own = np.stack([np.asarray(m.pred_probs[rows, m.labels]) for m in members], axis=1)
    own = np.clip(own.astype(np.float64), _LIKELIHOOD_FLOOR, None)
    weights = np.full(own.shape[1], 1.0 / own.shape[1])
    for _ in range(_EM_STEPS):
        mixed = own @ weights
        updated = (own * weights / mixed[:, None]).mean(axis=0)
        done = float(np.max(np.abs(updated - weights))) < _EM_TOL
        weights = updated / updated.sum()
        if done:
            break
    kept = np.where(weights >= MEMBER_CUT * weights.max(), weights, 0.0)
    return np.asarray(kept / kept.sum())


def combine(
    labels: Any,
    pred_probs: Sequence[Any],
    *,
    ensemble: str,
    classes: Any,
    normalize: bool,
) -> Ensemble:
    """Validate every model's ``pred_probs`` and combine them as ``ensemble`` asks."""
    members = _check_members(pred_probs, normalize)
    codes, names = check_labels(labels, n_classes=members[0].shape[1], classes=classes)
    if codes.shape[0] != members[0].shape[0]:
        raise InputError(
            "labels",
            f"has {codes.shape[0]} entries but pred_probs has {members[0].shape[0]} rows; "
            "pass one label per row of pred_probs.",
        )
    problems = tuple(Problem(labels=codes, pred_probs=m, classes=names) for m in members)
    if ensemble == "weighted":
        weights = np.array([_confident_agreement(p) for p in problems]) + 1e-12
        weights = weights / weights.sum()
    elif ensemble == "likelihood":
        weights = likelihood_weights(problems)
    else:
        weights = np.full(len(members), 1.0 / len(members))
    stacked = np.stack(members)
    combined = (
        np.mean(stacked, axis=0)
        if ensemble in ("mean", "rank")
        else np.average(stacked, axis=0, weights=weights)
    )
    combined = combined.astype(np.result_type(*members), copy=False)
    problem = Problem(labels=codes, pred_probs=combined, classes=names)
    return Ensemble(problem=problem, members=problems, weights=weights, rank=ensemble == "rank")


def rank_average(
    scores: Sequence[np.ndarray], weights: Sequence[float] | None = None
) -> np.ndarray:
    """(Weighted) mean percentile rank, in (0, 1] with ties averaged, of each example over
    score arrays; equal weights by default."""
    from scipy.stats import rankdata  # scipy.stats is slow and heavy to import; only here

    if weights is None:
        weights = [1.0] * len(scores)
    total = np.zeros(scores[0].shape[0])
    for values, weight in zip(scores, weights, strict=True):
        total += weight * rankdata(values, method="average")
    return total / (float(sum(weights)) * scores[0].shape[0])


def rank_scores(members: Sequence[Problem], score_method: str) -> np.ndarray:
    """Mean over models of each example's percentile rank under ``score_method``."""
    return rank_average([quality_scores(member, score_method) for member in members])
