"""``method="auto"``: how many labels are wrong (an expected count under the estimated
noise process), and which ones (a noise-aware ranking that adapts to how structured the
noise looks).

Two questions, answered separately. Both were chosen on the real-noise suite of
``labelnoise.bench`` (CIFAR-10N human labels, CIFAR-10H annotator draws and simulated noise
on CIFAR-10 embeddings, read through weak, overconfident, neighbour-vote and strong
models' probabilities; ``docs/detectors.md``), and checked on the small scikit-learn sets.

*How many?* The expected number of wrong labels, ``sum_i (1 - P(true = given_i | x_i))``
with the label posterior below, computed from the probabilities *sharpened* to the power
:data:`COUNT_SHARPNESS` (renormalized; temperature 1/2) and confident learning run on
those. Confident learning's own count (the calibrated confident joint off its diagonal)
assumes that wrong labels are as easy to call confidently as right ones; real human
errors sit on ambiguous examples, so with a strong network it *under*-counts (2,785 of
4,505 on CIFAR-10N ``aggre`` with a ResNet-18), while with a weak model the model's own
mistakes look like confident disagreements and it *over*-counts (the count table of
docs/detectors.md). The posterior's sum does not count the model's uncertain mistakes as errors, and
the sharpening undoes part of the softening that fitting noisy labels leaves in any
model's probabilities (soft tails let a calibrated reading call a wrong label plausible);
docs/detectors.md compares it with the other count estimators (the ``auto[...]``
ablations of ``labelnoise.bench``) by count error and F1.

*Which ones?* Two signals, mixed by rank:

* the posterior probability that the given label ``k`` is the true one,

      P(true = k | x, given = k) = p~[k] N[k, k] / sum_j p~[j] N[k, j],

  where ``p~`` are the predicted probabilities divided by each class's confident
  threshold (the model's mean confidence on the examples labelled with that class) and
  renormalized, and ``N[k, j] = P(given = k | true = j)`` is confident learning's noise
  matrix, smoothed so that no confusion is impossible: each off-diagonal cell gains 5% of
  the estimated noise rate spread evenly over the other classes, then columns are
  renormalized (the floor scales with the noise: a fixed 1% floor swamped the matrix on
  nearly clean data, where 0.15% of labels are wrong). A label commonly confused with the
  model's preferred class loses more than one rarely confused with it, which pays under
  structured noise (pair flips, sparse transition matrices, human confusions);
* the normalized margin ``p[k] - max_{j != k} p[j]`` (as cleanlab ranks), better when the
  noise is close to uniform, where the matrix adds estimation noise and little else.

The score is ``w * rank(posterior) + (1 - w) * rank(margin)`` (percentile ranks), with
``w = min(1, 1/2 + S)`` and ``S`` in [0, 1] the *structure* of the estimated noise. With
more than two classes it is, per true class ``j``, the unbiased estimate of Simpson's
concentration ``sum_i P(given = i | true = j, wrong)^2`` from the off-diagonal counts
``x_i`` of the (uncalibrated, so integer) confident joint's column,
``sum x_i (x_i - 1) / (m (m - 1))`` with ``m = sum x_i``, rescaled so that even spreading
over the ``c`` other present labels is 0 and all on one label is 1, then averaged weighted
by ``m``. Unbiased matters: with few wrong labels per class, the plain share of the
largest cell looks concentrated by chance alone. With two classes, ``S`` is the
coefficient of variation of the two noise rates (asymmetric noise).

With ``features`` as well, the model's probabilities are averaged with the neighbour-vote
shares of :mod:`labelnoise.detect._knn` before both steps.
"""

from __future__ import annotations

import numpy as np

from labelnoise._pass import ConfidentPass, confident_pass
from labelnoise._validation import Problem
from labelnoise.detect._ensemble import rank_average
from labelnoise.noise._counts import calibrate_confident_joint
from labelnoise.noise._latent import estimate_latent
from labelnoise.scores._scores import quality_scores

__all__ = [
    "COUNT_SHARPNESS",
    "NOISE_FLOOR",
    "auto_flags",
    "auto_scores",
    "expected_issues",
    "label_posterior",
    "label_temperature",
    "noise_structure",
    "smoothed_noise",
    "tempered",
]

#: Share of the estimated noise rate added to every off-diagonal cell of the noise matrix.
NOISE_FLOOR = 0.05
#: The count reads the calibrated probabilities at this power (2: half the temperature).
COUNT_SHARPNESS = 2.0
#: Probabilities are floored here when the temperature is fitted.
_CALIBRATION_FLOOR = 1e-4
#: Rows the temperature is fitted on (an even sample above this; one scalar needs few).
_CALIBRATION_ROWS = 100_000
#: Search range of log(temperature): from e^-3 (sharpen 20x) to e^3 (soften 20x).
_LOG_T_BOUNDS = (-3.0, 3.0)


def _adjusted(pred_probs: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Divide each class's probability by its confident threshold and renormalize."""
    thresholds = np.clip(thresholds, None, 1.0)  # absent classes have threshold 2
    out = pred_probs / thresholds
    out /= out.sum(axis=1, keepdims=True)
    return out


def _latent(stats: ConfidentPass) -> tuple[np.ndarray, np.ndarray]:
    """The calibrated confident joint and the noise matrix ``P(given | true)``."""
    counts = stats.index.counts
    calibrated = calibrate_confident_joint(stats.confident_joint, counts)
    return calibrated, estimate_latent(calibrated, counts, converge=True)[1]


def smoothed_noise(calibrated: np.ndarray, noise: np.ndarray, n: int) -> np.ndarray:
    """``noise`` with ``NOISE_FLOOR`` times the estimated noise rate (at least ``1/n``)
    spread evenly over each column's off-diagonal cells, columns renormalized."""
    n_classes = noise.shape[0]
    total = float(calibrated.sum())
    rate = (total - float(np.trace(calibrated))) / total if total > 0 else 0.0
    floor = NOISE_FLOOR * max(rate, 1.0 / n) / (n_classes - 1)
    out = np.asarray(noise, dtype=np.float64) + floor
    out[np.diag_indices(n_classes)] -= floor
    return out / out.sum(axis=0, keepdims=True)


def label_posterior(
    problem: Problem,
    stats: ConfidentPass,
    latent: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """``P(true label = given label | x)`` under the estimated noise process, shape (n,);
    ``latent`` is ``(calibrated joint, noise matrix)``, estimated when not given."""
    calibrated, noise = _latent(stats) if latent is None else latent
    noise = smoothed_noise(calibrated, noise, problem.n)
    adjusted = _adjusted(problem.pred_probs.astype(np.float64), stats.thresholds)
    rows = np.arange(problem.n)
    weights = noise[problem.labels]  # weights[i, j] = P(given = label_i | true = j)
    own = adjusted[rows, problem.labels] * weights[rows, problem.labels]
    total = np.einsum("ij,ij->i", adjusted, weights)
    return np.asarray(own / np.clip(total, 1e-300, None))


def noise_structure(
    confident_joint: np.ndarray, noise: np.ndarray, present: np.ndarray | None = None
) -> float:
    """How far the estimated noise is from uniform, in [0, 1] (see the module docstring):
    ``confident_joint`` holds counts of examples (not calibrated), ``noise`` is
    ``P(given | true)``, ``present`` marks the classes that occur among the labels
    (default: all). With two classes present, the two-class measure is used."""
    n_classes = confident_joint.shape[0]
    present = np.ones(n_classes, dtype=bool) if present is None else np.asarray(present, bool)
    if present.sum() == 2:
        rates = 1.0 - np.diagonal(noise)[present]
        mean = float(rates.mean())
        return min(1.0, float(rates.std()) / mean) if mean > 0 else 0.0
    joint = np.asarray(confident_joint, dtype=np.float64)
    off = joint.copy()
    np.fill_diagonal(off, 0.0)
    off[~present] = 0.0  # (the joint keeps a count of 1 on absent classes' diagonal)
    others = present.sum() - present  # other present labels a column can spread over
    mass = off.sum(axis=0)
    usable = (mass > 1) & (others >= 2)
    if not usable.any():
        return 0.0
    mass, others = mass[usable], others[usable]
    simpson = ((off[:, usable] ** 2).sum(axis=0) - mass) / (mass * (mass - 1))
    excess = (simpson - 1 / others) / (1 - 1 / others)
    return float(np.clip((mass * excess).sum() / mass.sum(), 0.0, 1.0))


def auto_scores(problem: Problem, stats: ConfidentPass) -> np.ndarray:
    """Percentile-rank mix of the label posterior and the normalized margin, in (0, 1]
    (lower: more likely mislabelled), weighted by :func:`noise_structure`."""
    calibrated, noise = _latent(stats)
    present = stats.index.counts > 0
    weight = min(1.0, 0.5 + noise_structure(stats.confident_joint, noise, present))
    posterior = label_posterior(problem, stats, (calibrated, noise))
    if weight >= 1.0:
        return rank_average([posterior])
    margin = quality_scores(problem, "normalized_margin")
    return rank_average([posterior, margin], weights=[weight, 1.0 - weight])


def label_temperature(problem: Problem) -> float:
    """The temperature ``T`` that makes the given labels most likely under
    ``softmax(log p / T)`` (temperature scaling, fitted on the out-of-sample
    probabilities themselves). Probabilities are floored at :data:`_CALIBRATION_FLOOR`
    for the fit, so that a model with exact zeros (a neighbour vote) does not need an
    infinite temperature to give every label some probability."""
    from scipy.optimize import minimize_scalar

    rows = _calibration_rows(problem)
    probs = np.asarray(problem.pred_probs[rows], dtype=np.float64)
    logs = np.log(np.clip(probs, _CALIBRATION_FLOOR, 1))
    own = logs[np.arange(rows.shape[0]), problem.labels[rows]]

    def nll(log_t: float) -> float:
        scaled = logs / np.exp(log_t)
        top = scaled.max(axis=1)
        norm = top + np.log(np.exp(scaled - top[:, None]).sum(axis=1))
        return float(np.mean(norm - own / np.exp(log_t)))

    found = minimize_scalar(nll, bounds=_LOG_T_BOUNDS, method="bounded")
    return float(np.exp(found.x))


def _calibration_rows(problem: Problem) -> np.ndarray:
    """All rows, or above :data:`_CALIBRATION_ROWS` an even sample of them in the order of
    (given label, its probability), so the sample does not depend on the row order."""
    if problem.n <= _CALIBRATION_ROWS:
        return np.arange(problem.n)
    own = problem.pred_probs[np.arange(problem.n), problem.labels]
    order = np.lexsort((own, problem.labels))
    return np.sort(order[np.linspace(0, problem.n - 1, _CALIBRATION_ROWS).astype(np.intp)])


def tempered(problem: Problem, temperature: float) -> Problem:
    """The problem with ``softmax(log pred_probs / temperature)`` (float64)."""
    with np.errstate(divide="ignore"):
        logs = np.log(np.asarray(problem.pred_probs, dtype=np.float64)) / temperature
    logs -= logs.max(axis=1, keepdims=True)
    probs = np.exp(logs)
    probs /= probs.sum(axis=1, keepdims=True)
    return Problem(labels=problem.labels, pred_probs=probs, classes=problem.classes)


def expected_issues(problem: Problem) -> int:
    """How many labels are wrong: ``sum(1 - label posterior)`` on the probabilities
    calibrated to the given labels and then sharpened by :data:`COUNT_SHARPNESS`,
    rounded (see the module docstring)."""
    sharp = tempered(problem, label_temperature(problem) / COUNT_SHARPNESS)
    posterior = label_posterior(sharp, confident_pass(sharp))
    return int(np.round(float(np.sum(1.0 - posterior))))


def auto_flags(
    problem: Problem,
    stats: ConfidentPass,
    scores: np.ndarray,
    tiebreak: list[np.ndarray] | None = None,
) -> np.ndarray:
    """Flag the :func:`expected_issues` examples with the lowest ``scores``; equal scores
    (common in a mix of ranks) go by the lower ``tiebreak[0]`` (by default the normalized
    margin), then ``tiebreak[1]``, ..., so the choice does not depend on the order of the
    rows. ``stats`` is the confident pass of ``problem`` (unused by the count)."""
    n_issues = expected_issues(problem)
    mask = np.zeros(problem.n, dtype=bool)
    if n_issues > 0:
        if tiebreak is None:
            tiebreak = [quality_scores(problem, "normalized_margin")]
        mask[np.lexsort((*reversed(tiebreak), scores))[:n_issues]] = True
    return mask
