"""Instance-dependent label noise (Xia et al., NeurIPS 2020), with an exact rate."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import softmax

from labelnoise._errors import InputError
from labelnoise._random import RandomState, check_random_state
from labelnoise._validation import check_codes, check_features, check_fraction
from labelnoise.simulate._exact import realised, round_half_up
from labelnoise.simulate._result import SimulatedNoise

__all__ = ["instance_dependent"]


def _flip_rates(n: int, rate: float, std: float, rng: np.random.Generator) -> np.ndarray:
    """Per-example flip rates from a normal(rate, std) truncated to [0, 1]."""
    if std == 0:
        return np.full(n, rate)
    from scipy.stats import truncnorm  # scipy.stats is slow to import; only needed here

    a, b = (0.0 - rate) / std, (1.0 - rate) / std
    return truncnorm.rvs(a, b, loc=rate, scale=std, size=n, random_state=rng)


def _choose_flips(q: np.ndarray, m: int, rng: np.random.Generator) -> np.ndarray:
    """``m`` distinct rows drawn successively with probability proportional to ``q``.

    Exponential keys ``E_i / q_i``: the ``m`` smallest are a weighted sample without
    replacement (Efraimidis & Spirakis, 2006); rows with ``q_i = 0`` come last.
    """
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        keys = rng.exponential(size=q.shape[0]) / q
    chosen = np.zeros(q.shape[0], dtype=bool)
    if m > 0:
        chosen[np.argpartition(keys, m - 1)[:m]] = True
    return chosen


def _targets(
    x: np.ndarray, codes: np.ndarray, k: int, rows: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Noisy class of each flipped row: softmax over the other classes of ``x @ W[y]``."""
    out = codes.astype(np.intp)
    for c in range(k):
        w = rng.standard_normal((x.shape[1], k))  # drawn for every class: streams stay aligned
        members = rows[codes[rows] == c]
        if members.size == 0:
            continue
        logits = x[members] @ w
        logits[:, c] = -np.inf
        probs = softmax(logits, axis=1)
        cum = np.cumsum(probs, axis=1)
        draws = rng.random(members.size)[:, None] * cum[:, -1:]
        out[members] = np.minimum((cum <= draws).sum(axis=1), k - 1)
    return out


def instance_dependent(
    features: Any,
    labels: Any,
    *,
    noise_rate: float,
    n_classes: int | None = None,
    flip_rate_std: float = 0.1,
    random_state: RandomState = None,
) -> SimulatedNoise:
    """Instance-dependent noise as in Xia et al. (NeurIPS 2020), with an exact noise rate.

    The widely used "IDN" construction of *Part-dependent Label Noise: Towards
    Instance-dependent Label Noise*: each example draws a flip rate ``q_i`` from a normal
    with mean ``noise_rate`` and sd ``flip_rate_std`` truncated to [0, 1]; each class ``y``
    draws a projection ``W_y`` of shape (d, K) with standard normal entries; a flipped
    example of class ``y`` gets class ``j != y`` with probability ``softmax(x_i @ W_y)``
    over the other classes. The original flips example ``i`` with probability ``q_i``
    independently, so the realised rate varies; here exactly ``round(noise_rate * n)``
    examples flip (halves round up), drawn without replacement with probability
    proportional to ``q_i`` (examples with higher drawn rates flip more often).

    Parameters
    ----------
    features : array-like of float, shape (n, d) or (n, ...)
        One row per example (images are flattened). Used as given: standardize them first,
        as the original did, or the softmax is nearly an argmax.
    labels : array-like of int, shape (n,)
        True class codes in ``0..K-1``. Never modified.
    noise_rate : float in [0, 1]
        Fraction of labels that change.
    n_classes : int >= 2, optional
        Number of classes ``K``; default ``labels.max() + 1`` (labels that are all 0 need it).
    flip_rate_std : float >= 0, default 0.1
        Standard deviation of the per-example flip rates (``norm_std`` in the original).
    random_state : int, numpy.random.Generator or None
        Seed or generator for all randomness; the global RNG is never used.

    Returns
    -------
    SimulatedNoise
        Noisy labels, flip mask, realised transition matrix and noise rate.

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise.simulate import instance_dependent
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(200, 5)), np.repeat(np.arange(4), 50)
    >>> noisy = instance_dependent(X, y, noise_rate=0.25, random_state=0)
    >>> int(noisy.is_flipped.sum())
    50
    """
    func = "instance_dependent"
    arr, k = check_codes(labels, n_classes=n_classes, func=func)
    x = check_features(features, arr.shape[0], rules="simulate")
    rate = check_fraction(noise_rate, name="noise_rate", func=func)
    std = flip_rate_std
    if isinstance(std, bool) or not isinstance(std, int | float) or not 0 <= std < np.inf:
        raise InputError(
            "flip_rate_std",
            f"The 'flip_rate_std' parameter of {func} must be a finite float >= 0. "
            f"Got {std!r} instead.",
        )
    rng = check_random_state(random_state, func=func)
    q = _flip_rates(arr.shape[0], rate, float(std), rng)
    flipped = _choose_flips(q, round_half_up(rate * arr.shape[0]), rng)
    new = _targets(x, arr, k, np.flatnonzero(flipped), rng)
    return realised(arr, new, k)
