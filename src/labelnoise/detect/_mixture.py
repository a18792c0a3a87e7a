"""Two-component mixtures fitted by EM: which examples belong to the small-loss mode.

Networks fit clean labels before noisy ones, so the per-example loss ``-log p[label]`` of
out-of-sample (or early-training) predictions is bimodal: a tight mode of clean examples
near 0 and a broad mode of mislabelled ones (Arazo et al., ICML 2019; DivideMix, Li et al.,
ICLR 2020). A two-component mixture fitted to the losses gives every example the posterior
probability of the low-loss component, ``P(clean)``.

* ``gaussian``: a 1-D Gaussian mixture over the losses (DivideMix's choice).
* ``beta``: a Beta mixture over ``p[label] = exp(-loss)``, which lives in [0, 1] where
  the Beta family does (Arazo et al. fit it to max-normalized losses; ``p[label]`` needs
  no normalization and is a monotone function of the loss).

EM starts from a deterministic split at the median, so fits are reproducible without a
random seed. Posteriors are made to respect the ordering of the losses outside the two
component means (a broad noisy component can otherwise win again at very small losses).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import betaln, logsumexp

__all__ = [
    "Mixture",
    "clean_posterior",
    "fit",
    "fit_beta",
    "fit_gaussian",
    "has_two_modes",
    "posterior",
]

#: Probabilities are clipped to [_EPS, 1 - _EPS] before losses or Beta densities are taken.
_EPS = 1e-6
_MAX_ITER = 200
_TOL = 1e-8
_VAR_FLOOR = 1e-6


@dataclass(frozen=True)
class Mixture:
    """A fitted two-component mixture; component 0 is the clean one.

    ``kind`` is ``"gaussian"`` (``a`` = means, ``b`` = variances) or ``"beta"`` (``a``,
    ``b`` = the two Beta shape parameters); ``weights`` are the mixing proportions.
    """

    kind: str
    weights: np.ndarray
    a: np.ndarray
    b: np.ndarray

    def log_joint(self, x: np.ndarray) -> np.ndarray:
        """``log(weight_c * density_c(x))``, shape (n, 2)."""
        x = x[:, None]
        if self.kind == "gaussian":
            log_density = -0.5 * (np.log(2 * np.pi * self.b) + (x - self.a) ** 2 / self.b)
        else:
            log_density = (
                (self.a - 1) * np.log(x) + (self.b - 1) * np.log1p(-x) - betaln(self.a, self.b)
            )
        return log_density + np.log(np.clip(self.weights, 1e-300, None))

    def means(self) -> np.ndarray:
        """Component means, shape (2,)."""
        return self.a if self.kind == "gaussian" else self.a / (self.a + self.b)


def _responsibilities(mixture: Mixture, x: np.ndarray) -> tuple[np.ndarray, float]:
    joint = mixture.log_joint(x)
    norm = logsumexp(joint, axis=1)
    return np.exp(joint - norm[:, None]), float(norm.mean())


def _initial(x: np.ndarray, low_is_clean: bool) -> np.ndarray:
    """Hard responsibilities from a split at the median (ties go to the clean side)."""
    median = np.median(x)
    clean = x <= median if low_is_clean else x >= median
    if clean.all() or not clean.any():  # more than half the values equal the median
        clean = x < median if low_is_clean else x > median
    return np.column_stack([clean, ~clean]).astype(np.float64)


def _gaussian_m_step(x: np.ndarray, resp: np.ndarray) -> Mixture:
    totals = resp.sum(axis=0) + 1e-12
    means = resp.T @ x / totals
    variances = (resp * (x[:, None] - means) ** 2).sum(axis=0) / totals + _VAR_FLOOR
    return Mixture("gaussian", totals / x.shape[0], means, variances)


def _beta_m_step(x: np.ndarray, resp: np.ndarray) -> Mixture:
    """Weighted method of moments (Arazo et al.): match each component's mean and variance."""
    totals = resp.sum(axis=0) + 1e-12
    means = np.clip(resp.T @ x / totals, 1e-4, 1 - 1e-4)
    variances = (resp * (x[:, None] - means) ** 2).sum(axis=0) / totals
    variances = np.clip(variances, 1e-8, means * (1 - means) * (1 - 1e-3))
    common = means * (1 - means) / variances - 1
    return Mixture("beta", totals / x.shape[0], common * means, common * (1 - means))


def _fit(x: np.ndarray, kind: str) -> Mixture:
    m_step = _gaussian_m_step if kind == "gaussian" else _beta_m_step
    mixture = m_step(x, _initial(x, low_is_clean=kind == "gaussian"))
    previous = -np.inf
    for _ in range(_MAX_ITER):
        resp, log_likelihood = _responsibilities(mixture, x)
        mixture = m_step(x, resp)
        if log_likelihood - previous < _TOL * max(1.0, abs(log_likelihood)):
            break
        previous = log_likelihood
    return mixture


def fit_gaussian(losses: np.ndarray) -> Mixture:
    """Fit a two-component 1-D Gaussian mixture to ``losses``; component 0 has the lower mean."""
    mixture = _fit(np.asarray(losses, dtype=np.float64), "gaussian")
    return _clean_first(mixture, clean=int(np.argmin(mixture.a)))


def fit_beta(self_confidence: np.ndarray) -> Mixture:
    """Fit a two-component Beta mixture to ``p[label]``; component 0 has the higher mean."""
    x = np.clip(np.asarray(self_confidence, dtype=np.float64), _EPS, 1 - _EPS)
    mixture = _fit(x, "beta")
    return _clean_first(mixture, clean=int(np.argmax(mixture.means())))


def _clean_first(mixture: Mixture, clean: int) -> Mixture:
    order = [clean, 1 - clean]
    return Mixture(mixture.kind, mixture.weights[order], mixture.a[order], mixture.b[order])


def _scale(self_confidence: np.ndarray, kind: str) -> np.ndarray:
    """The values a mixture of ``kind`` is fitted to: losses, or clipped ``p[label]``."""
    p = np.clip(np.asarray(self_confidence, dtype=np.float64), _EPS, 1.0)
    return -np.log(p) if kind == "gaussian" else np.clip(p, _EPS, 1 - _EPS)


def fit(self_confidence: np.ndarray, kind: str) -> Mixture | None:
    """The two-component mixture of ``kind`` fitted to ``p[label]`` values (as losses for
    ``gaussian``); None when there are fewer than two distinct values to split."""
    x = _scale(self_confidence, kind)
    if x.shape[0] < 2 or np.ptp(x) <= 1e-12:
        return None
    return fit_gaussian(x) if kind == "gaussian" else fit_beta(x)


def posterior(mixture: Mixture, self_confidence: np.ndarray) -> np.ndarray:
    """``P(clean)`` of ``p[label]`` values under a fitted mixture."""
    x = _scale(self_confidence, mixture.kind)
    clean = _responsibilities(mixture, x)[0][:, 0]
    return _monotone_tails(clean, x, mixture, low_is_clean=mixture.kind == "gaussian")


def has_two_modes(self_confidence: np.ndarray, kind: str, mixture: Mixture | None = None) -> bool:
    """Whether two components describe the values better than one by the Bayesian
    information criterion (2 parameters for one component, 5 for two); ``mixture`` is
    their two-component fit when already done. Few or unimodal values are otherwise split
    in two all the same, into noise."""
    x = _scale(self_confidence, kind)
    n = x.shape[0]
    two = mixture if mixture is not None else fit(self_confidence, kind)
    if n < 3 or two is None:
        return False
    m_step = _gaussian_m_step if kind == "gaussian" else _beta_m_step
    one = m_step(x, np.ones((n, 1)))
    log_likelihood = [n * _responsibilities(m, x)[1] for m in (one, two)]
    return bool(-2 * log_likelihood[1] + 5 * np.log(n) < -2 * log_likelihood[0] + 2 * np.log(n))


def clean_posterior(
    self_confidence: np.ndarray, kind: str, groups: Sequence[np.ndarray] = ()
) -> np.ndarray:
    """``P(clean)`` of every example from one mixture fitted to all of them; each group of
    rows in ``groups`` gets its own fit instead where its values show two modes
    (:func:`has_two_modes`) and the global fit calls the group's noisy mode noisy.

    Fewer than two distinct values cannot be split: every example is then clean (1.0).
    """
    whole = fit(self_confidence, kind)
    if whole is None:
        return np.ones(np.shape(self_confidence)[0])
    out = posterior(whole, self_confidence)
    for rows in groups:
        values = self_confidence[rows]
        own = fit(values, kind)
        if own is None or not has_two_modes(values, kind, own):
            continue
        noisy_mean = own.means()[1]
        noisy_p = np.exp(-noisy_mean) if kind == "gaussian" else noisy_mean
        if posterior(whole, np.array([noisy_p]))[0] < 0.5:
            out[rows] = posterior(own, values)
    return out


def _monotone_tails(
    posterior: np.ndarray, x: np.ndarray, mixture: Mixture, *, low_is_clean: bool
) -> np.ndarray:
    """Beyond the clean mean, P(clean) is at least its value there; beyond the noisy mean,
    at most its value there (so a very small loss is never called noisy)."""
    clean_mean, noisy_mean = mixture.means()
    at = _responsibilities(mixture, np.array([clean_mean, noisy_mean]))[0][:, 0]
    sign = 1.0 if low_is_clean else -1.0
    out = posterior.copy()
    cleaner = sign * (x - clean_mean) < 0
    out[cleaner] = np.maximum(out[cleaner], at[0])
    noisier = sign * (x - noisy_mean) > 0
    out[noisier] = np.minimum(out[noisier], at[1])
    return out
