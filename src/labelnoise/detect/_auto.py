"""``method="auto"``: how many labels are wrong (confident learning), and which ones (a
noise-aware posterior).

Two questions, answered separately, each by the estimator that measured best on our
benchmark (``benchmarks/detectors.py``, results in ``docs/detectors.md``):

*How many?* ``round(n * (1 - trace(Q)))`` with ``Q`` the calibrated confident joint
(``IssueCounts.off_diagonal_calibrated``): about as good as knowing the true count.

*Which ones?* The posterior probability that the given label ``k`` is the true one,

    P(true = k | x, given = k) = p~[k] N[k, k] / sum_j p~[j] N[k, j],

where ``p~`` are the predicted probabilities divided by each class's confident threshold
(the model's mean confidence on the examples labelled with that class) and renormalized,
which corrects a model that is more confident on some classes than on others, and
``N[k, j] = P(given = k | true = j)`` is confident learning's noise matrix, smoothed by 1%
so that no confusion is impossible. A label that
is commonly confused with the model's preferred class loses more than one that is rarely
confused with it: the ranking adapts to structured (pair-flip, human) noise, where a
plain margin treats every confusion alike.

With ``features`` as well, the model's probabilities are averaged with the neighbour-vote
shares of :mod:`labelnoise.detect._knn` before both steps.
"""

from __future__ import annotations

import numpy as np

from labelnoise._validation import Problem
from labelnoise.detect._select import smallest_k
from labelnoise.noise._counts import calibrate_confident_joint
from labelnoise.noise._estimate import issue_counts
from labelnoise.noise._latent import estimate_latent
from labelnoise.noise._pass import ConfidentPass

__all__ = ["NOISE_FLOOR", "auto_flags", "label_posterior"]

#: Share of uniform confusion mixed into the estimated noise matrix.
NOISE_FLOOR = 0.01


def _adjusted(pred_probs: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Divide each class's probability by its confident threshold and renormalize."""
    thresholds = np.clip(thresholds, None, 1.0)  # absent classes have threshold 2
    out = pred_probs / thresholds
    out /= out.sum(axis=1, keepdims=True)
    return out


def label_posterior(problem: Problem, stats: ConfidentPass) -> np.ndarray:
    """``P(true label = given label | x)`` under the estimated noise process, shape (n,)."""
    counts = stats.index.counts
    calibrated = calibrate_confident_joint(stats.confident_joint, counts)
    noise = estimate_latent(calibrated, counts, converge=True)[1]
    noise = (1 - NOISE_FLOOR) * noise + NOISE_FLOOR / problem.n_classes
    noise = noise / noise.sum(axis=0, keepdims=True)
    adjusted = _adjusted(problem.pred_probs.astype(np.float64), stats.thresholds)
    rows = np.arange(problem.n)
    weights = noise[problem.labels]  # weights[i, j] = P(given = label_i | true = j)
    own = adjusted[rows, problem.labels] * weights[rows, problem.labels]
    total = np.einsum("ij,ij->i", adjusted, weights)
    return np.asarray(own / np.clip(total, 1e-300, None))


def auto_flags(problem: Problem, stats: ConfidentPass, scores: np.ndarray) -> np.ndarray:
    """Flag the ``off_diagonal_calibrated`` examples with the lowest ``scores``."""
    calibrated = calibrate_confident_joint(stats.confident_joint, stats.index.counts)
    n_issues = issue_counts(stats, calibrated, problem.n).off_diagonal_calibrated
    mask = np.zeros(problem.n, dtype=bool)
    mask[smallest_k(scores, n_issues)] = True
    return mask
