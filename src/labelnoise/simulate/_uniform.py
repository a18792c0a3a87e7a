"""Class-conditional noise with a fixed pattern: ``symmetric`` and ``pairflip``."""

from __future__ import annotations

from typing import Any

import numpy as np

from labelnoise._random import RandomState, check_random_state
from labelnoise._validation import check_bool, check_codes, check_fraction
from labelnoise.simulate._exact import (
    apply_counts,
    class_counts,
    flip_counts,
    realised,
    spread_counts,
)
from labelnoise.simulate._result import SimulatedNoise

__all__ = ["pairflip", "symmetric"]


def _simulate(
    codes: np.ndarray, k: int, rate: float, weights: np.ndarray, rng: np.random.Generator
) -> SimulatedNoise:
    n_k = class_counts(codes, k)
    counts = spread_counts(n_k, flip_counts(n_k, rate, rng), weights, rng)
    return realised(codes, apply_counts(codes, counts, rng), k)


def symmetric(
    labels: Any,
    *,
    noise_rate: float,
    n_classes: int | None = None,
    include_self: bool = False,
    random_state: RandomState = None,
) -> SimulatedNoise:
    """Change an exact share of labels, each to another class chosen uniformly.

    Exactly ``round(noise_rate * n)`` labels change (halves round up). The changes are
    spread over classes so that class ``k`` loses ``round(noise_rate * n_k)`` labels up to
    one (largest remainder), and each class's changed labels are spread evenly over the
    ``K - 1`` other classes, again within one of ``n_changed_k / (K - 1)``. Which examples
    change, and which class gets a leftover unit, is random.

    Parameters
    ----------
    labels : array-like of int, shape (n,)
        True class codes in ``0..K-1``. Never modified.
    noise_rate : float in [0, 1]
        Fraction of labels that *change*. Many papers instead call "symmetric noise at
        rate r" the process that redraws a fraction r of labels uniformly from *all* K
        classes, so only ``r * (K - 1) / K`` change (50% "symmetric" on CIFAR-10 is 45%
        wrong labels); pass ``include_self=True`` for that convention.
    n_classes : int >= 2, optional
        Number of classes ``K``; default ``labels.max() + 1`` (labels that are all 0 need
        it). Classes absent from the labels can still receive flipped labels.
    include_self : bool, default False
        If True, ``noise_rate`` is the paper convention above: exactly
        ``round(noise_rate * (K - 1) / K * n)`` labels change.
    random_state : int, numpy.random.Generator or None
        Seed or generator for all randomness; the global RNG is never used.

    Returns
    -------
    SimulatedNoise
        Noisy labels (same dtype as ``labels``), flip mask, realised transition matrix
        (rows = true class) and realised noise rate.

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise.simulate import symmetric
    >>> labels = np.repeat(np.arange(4), 25)
    >>> noisy = symmetric(labels, noise_rate=0.2, random_state=0)
    >>> int(noisy.is_flipped.sum()), noisy.noise_rate
    (20, 0.2)
    >>> bool(np.all(noisy.labels[noisy.is_flipped] != labels[noisy.is_flipped]))
    True
    """
    func = "symmetric"
    arr, k = check_codes(labels, n_classes=n_classes, func=func)
    rate = check_fraction(noise_rate, name="noise_rate", func=func)
    include_self = check_bool(include_self, name="include_self", func=func)
    rng = check_random_state(random_state, func=func)
    if include_self:
        rate *= (k - 1) / k
    weights = (1.0 - np.eye(k)) / (k - 1)
    return _simulate(arr, k, rate, weights, rng)


def pairflip(
    labels: Any,
    *,
    noise_rate: float,
    n_classes: int | None = None,
    random_state: RandomState = None,
) -> SimulatedNoise:
    """Move an exact share of each class ``k`` to class ``(k + 1) mod K``.

    Class ``k`` loses ``noise_rate * n_k`` labels rounded by largest remainder over the
    classes, so each class is within one label of the request and exactly
    ``round(noise_rate * n)`` labels change in all (halves round up). Which examples of a
    class move is random. This is the "pair flipping" noise of Han et al. (Co-teaching,
    NeurIPS 2018); it is identifiable only for ``noise_rate < 0.5``.

    Parameters
    ----------
    labels : array-like of int, shape (n,)
        True class codes in ``0..K-1``. Never modified.
    noise_rate : float in [0, 1]
        Fraction of labels that change.
    n_classes : int >= 2, optional
        Number of classes ``K``; default ``labels.max() + 1`` (labels that are all 0 need
        it).
    random_state : int, numpy.random.Generator or None
        Seed or generator for all randomness; the global RNG is never used.

    Returns
    -------
    SimulatedNoise
        Noisy labels, flip mask, realised transition matrix and noise rate.

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise.simulate import pairflip
    >>> noisy = pairflip(np.repeat([0, 1, 2], 10), noise_rate=0.3, random_state=0)
    >>> noisy.counts
    array([[7, 3, 0],
           [0, 7, 3],
           [3, 0, 7]])
    """
    func = "pairflip"
    arr, k = check_codes(labels, n_classes=n_classes, func=func)
    rate = check_fraction(noise_rate, name="noise_rate", func=func)
    rng = check_random_state(random_state, func=func)
    weights = np.roll(np.eye(k), 1, axis=1)
    return _simulate(arr, k, rate, weights, rng)
