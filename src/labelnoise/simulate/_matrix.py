"""Noise from a transition matrix, and random transition matrices with a set noise rate."""

from __future__ import annotations

from typing import Any

import numpy as np

from labelnoise._errors import InputError
from labelnoise._random import RandomState, check_random_state
from labelnoise._validation import check_codes, check_fraction, check_int
from labelnoise.simulate._checks import check_transition_matrix
from labelnoise.simulate._exact import apply_counts, class_counts, largest_remainder, realised
from labelnoise.simulate._result import SimulatedNoise

__all__ = ["apply_transition_matrix", "from_transition_matrix", "random_transition_matrix"]


def _exact_counts(n_k: np.ndarray, T: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Row ``k``: ``T[k] * n_k`` rounded by largest remainder (cells within 1, sum ``n_k``)."""
    counts = np.zeros(T.shape, dtype=np.int64)
    for c in np.flatnonzero(n_k):
        counts[c] = largest_remainder(T[c] * float(n_k[c]), int(n_k[c]), rng)
    return counts


def apply_transition_matrix(
    codes: np.ndarray, T: np.ndarray, rng: np.random.Generator
) -> SimulatedNoise:
    """Relabel validated ``codes`` with the exact counts of a checked (K, K) matrix ``T``."""
    k = T.shape[0]
    counts = _exact_counts(class_counts(codes, k), T, rng)
    return realised(codes, apply_counts(codes, counts, rng), k)


def from_transition_matrix(
    labels: Any, T: Any, *, random_state: RandomState = None
) -> SimulatedNoise:
    """Relabel exactly as a transition matrix asks, up to one example per cell.

    For each true class ``k`` with ``n_k`` examples, the number that get noisy label ``j`` is
    ``T[k, j] * n_k`` rounded by largest remainder: every cell is within one example of the
    request, each row still totals ``n_k``, and a zero entry of ``T`` is never used. Which
    examples of class ``k`` go where, and which cells get a leftover unit (ties), is random.
    Drawing each label independently instead would miss the requested rates by about
    ``sqrt(n_k T[k, j])`` examples.

    Parameters
    ----------
    labels : array-like of int, shape (n,)
        True class codes in ``0..K-1``. Never modified.
    T : array-like of float, shape (K, K)
        ``T[k, j] = P(noisy = j | true = k)``; rows sum to 1 (within 1e-3; renormalized).
        This is the transpose of :attr:`labelnoise.NoiseEstimate.noise_matrix`.
    random_state : int, numpy.random.Generator or None
        Seed or generator for all randomness; the global RNG is never used.

    Returns
    -------
    SimulatedNoise
        Noisy labels, flip mask, realised transition matrix and noise rate.

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise.simulate import from_transition_matrix
    >>> T = np.array([[0.9, 0.1], [0.25, 0.75]])
    >>> noisy = from_transition_matrix(np.repeat([0, 1], [50, 40]), T, random_state=0)
    >>> noisy.counts
    array([[45,  5],
           [10, 30]])
    """
    matrix = check_transition_matrix(T)
    k = matrix.shape[0]
    arr, _ = check_codes(labels, n_classes=k, func="from_transition_matrix")
    rng = check_random_state(random_state, func="from_transition_matrix")
    return apply_transition_matrix(arr, matrix, rng)


def _check_prior(prior: Any, k: int) -> np.ndarray:
    if prior is None:
        return np.full(k, 1.0 / k)
    p = np.asarray(prior, dtype=np.float64) if np.ndim(prior) == 1 else None
    if p is None or p.shape != (k,) or not np.all(np.isfinite(p)) or p.min() < 0 or p.sum() <= 0:
        raise InputError(
            "prior",
            f"expected {k} non-negative finite class frequencies (one per class), got "
            f"{np.shape(prior)}-shaped input; pass e.g. np.bincount(labels) / len(labels).",
        )
    if abs(p.sum() - 1.0) > 1e-3:
        raise InputError("prior", f"must sum to 1, got {p.sum():.6g}; pass prior / prior.sum().")
    return p / p.sum()


def _zero_pattern(k: int, frac: float, rng: np.random.Generator) -> np.ndarray:
    """Boolean (K, K) mask of non-zero off-diagonal cells, spread evenly over the rows."""
    n_off = k * (k - 1)
    n_nonzero = n_off - int(np.floor(frac * n_off + 0.5 + 1e-9))
    per_row = np.full(k, n_nonzero // k)
    per_row[rng.permutation(k)[: n_nonzero % k]] += 1
    mask = np.zeros((k, k), dtype=bool)
    for row in range(k):
        others = np.delete(np.arange(k), row)
        mask[row, rng.choice(others, size=per_row[row], replace=False)] = True
    return mask


def _row_rates(rate: float, prior: np.ndarray, caps: np.ndarray, rng: np.random.Generator):
    """Random row noise rates ``rho <= caps`` with ``prior @ rho == rate`` (water-filling)."""
    weights = rng.uniform(0.5, 1.5, size=prior.shape[0]) * (caps > 0)
    fixed = np.zeros(prior.shape[0], dtype=bool)
    rho = np.zeros_like(prior)
    for _ in range(prior.shape[0] + 1):
        free = ~fixed
        denom = float(prior[free] @ weights[free])
        scale = (rate - float(prior[fixed] @ caps[fixed])) / denom if denom > 0 else 0.0
        rho = np.where(fixed, caps, scale * weights)
        over = free & (rho > caps)
        if not over.any():
            break
        fixed |= over
    return rho


def _split_row(rho: float, z: int, rng: np.random.Generator) -> np.ndarray:
    """``z`` random positive entries summing to ``rho``, none above ``1 - rho`` if possible."""
    d = rng.dirichlet(np.ones(z))
    uniform = 1.0 / z
    bound = (1.0 - rho) / rho if 0 < rho <= z / (z + 1) else np.inf
    top = float(d.max())
    lam = 1.0 if top <= bound else (bound - uniform) / (top - uniform)
    return rho * (lam * d + (1.0 - lam) * uniform)


def _check_reachable(rate: float, prior: np.ndarray, z: np.ndarray, frac: float) -> np.ndarray:
    """Caps on the row noise rates: diagonal-dominant ones when they can reach ``rate``."""
    dominant = np.where(z > 0, z / (z + 1.0), 0.0)
    if rate <= float(prior @ dominant) + 1e-12:
        return dominant
    loose = (z > 0).astype(np.float64)
    if rate > float(prior @ loose) + 1e-12:
        raise InputError(
            "noise_rate",
            f"{rate} cannot be reached: with frac_zero_noise_rates={frac} the classes that "
            f"may flip at all hold only {float(prior @ loose):.4g} of the prior; lower "
            "noise_rate or frac_zero_noise_rates.",
        )
    return loose


def random_transition_matrix(
    n_classes: int,
    *,
    noise_rate: float,
    frac_zero_noise_rates: float = 0.0,
    prior: Any = None,
    random_state: RandomState = None,
) -> np.ndarray:
    """A random row-stochastic transition matrix with an exact overall noise rate.

    Exactly ``round(frac_zero_noise_rates * K * (K - 1))`` off-diagonal entries are zero,
    spread as evenly as possible over the rows. Row noise rates ``rho_k = 1 - T[k, k]``
    are drawn uniformly within +-50% of each other, then scaled (and capped, by
    water-filling) so that ``sum_k prior[k] * rho_k == noise_rate`` up to float rounding.
    When that rate allows it, every row is diagonal dominant (``T[k, k] >= T[k, j]``, the
    true class stays the most likely label, which confident learning assumes); otherwise
    rows are dominant where their rate allows and the rest carry the excess noise.

    Parameters
    ----------
    n_classes : int >= 2
        Number of classes ``K``.
    noise_rate : float in [0, 1]
        Overall fraction of wrong labels, ``sum_k prior[k] * (1 - T[k, k])``.
    frac_zero_noise_rates : float in [0, 1], default 0
        Share of the ``K * (K - 1)`` off-diagonal entries that are exactly zero.
    prior : array-like of float, shape (K,), optional
        Class frequencies ``P(true = k)``; default uniform.
    random_state : int, numpy.random.Generator or None
        Seed or generator for all randomness; the global RNG is never used.

    Returns
    -------
    ndarray of float64, shape (K, K)
        ``T[k, j] = P(noisy = j | true = k)``; rows sum to 1.

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise.simulate import random_transition_matrix
    >>> T = random_transition_matrix(4, noise_rate=0.3, random_state=0)
    >>> round(float(np.mean(1 - np.diag(T))), 12), bool(np.allclose(T.sum(axis=1), 1))
    (0.3, True)
    """
    func = "random_transition_matrix"
    k = check_int(n_classes, name="n_classes", func=func, minimum=2)
    rate = check_fraction(noise_rate, name="noise_rate", func=func)
    frac = check_fraction(frac_zero_noise_rates, name="frac_zero_noise_rates", func=func)
    p = _check_prior(prior, k)
    rng = check_random_state(random_state, func=func)
    mask = _zero_pattern(k, frac, rng)
    z = mask.sum(axis=1)
    rho = _row_rates(rate, p, _check_reachable(rate, p, z, frac), rng)
    T = np.zeros((k, k))
    for row in range(k):
        if rho[row] > 0:
            T[row, mask[row]] = _split_row(float(rho[row]), int(z[row]), rng)
        T[row, row] = max(0.0, 1.0 - T[row].sum())
    return T
