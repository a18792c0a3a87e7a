"""Real human label noise (CIFAR-10N) applied to any 10-class labels."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from labelnoise._errors import InputError
from labelnoise._random import RandomState, check_random_state
from labelnoise._validation import check_choice, check_code_array
from labelnoise.simulate._human_matrices import COUNTS
from labelnoise.simulate._matrix import apply_transition_matrix
from labelnoise.simulate._result import SimulatedNoise

__all__ = ["HumanSource", "human_noise", "human_transition_matrix"]

HumanSource = Literal[
    "cifar10n_aggregate",
    "cifar10n_random1",
    "cifar10n_random2",
    "cifar10n_random3",
    "cifar10n_worst",
]
_SOURCES = tuple(COUNTS)


def human_transition_matrix(source: HumanSource) -> np.ndarray:
    """The real transition matrix of a CIFAR-10N human label set.

    Counted on the 50,000 CIFAR-10 training images: ``T[k, j]`` is the share of images of
    true class ``k`` that the label set calls ``j``. Overall noise rates: aggregate 9.01%,
    random1 17.23%, random2 18.12%, random3 17.64%, worst 40.21%. Data: CIFAR-10N, Wei et
    al., ICLR 2022, CC BY-NC 4.0 (non-commercial).

    Parameters
    ----------
    source : {"cifar10n_aggregate", "cifar10n_random1", "cifar10n_random2", \
"cifar10n_random3", "cifar10n_worst"}
        Which CIFAR-10N label set.

    Returns
    -------
    ndarray of float64, shape (10, 10)
        Rows (true classes airplane, automobile, ..., truck) sum to 1. A fresh copy.

    Examples
    --------
    >>> from labelnoise.simulate import human_transition_matrix
    >>> T = human_transition_matrix("cifar10n_worst")
    >>> round(float(1 - T.diagonal().mean()), 4)
    0.4021
    """
    check_choice(source, name="source", func="human_transition_matrix", choices=_SOURCES)
    counts = np.array(COUNTS[source], dtype=np.float64)
    return counts / counts.sum(axis=1, keepdims=True)


def human_noise(
    labels: Any, *, source: HumanSource, random_state: RandomState = None
) -> SimulatedNoise:
    """Corrupt 10-class labels the way human annotators corrupted CIFAR-10.

    Applies :func:`human_transition_matrix` with :func:`from_transition_matrix`, so each
    class's confusions match the real ones within one example per cell. This reproduces
    the class-level confusions of real annotators (trucks called automobiles, cats called
    dogs), not which *images* humans got wrong: that depends on the image.

    Parameters
    ----------
    labels : array-like of int, shape (n,)
        True class codes in ``0..9``, read in CIFAR-10 class order. Never modified.
    source : {"cifar10n_aggregate", "cifar10n_random1", "cifar10n_random2", \
"cifar10n_random3", "cifar10n_worst"}
        Which CIFAR-10N label set to imitate.
    random_state : int, numpy.random.Generator or None
        Seed or generator for all randomness; the global RNG is never used.

    Returns
    -------
    SimulatedNoise
        Noisy labels, flip mask, realised transition matrix and noise rate.

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise.simulate import human_noise
    >>> noisy = human_noise(np.repeat(np.arange(10), 500), source="cifar10n_worst",
    ...                     random_state=0)
    >>> round(noisy.noise_rate, 3)
    0.402
    """
    func = "human_noise"
    check_choice(source, name="source", func=func, choices=_SOURCES)
    arr = check_code_array(labels)
    if int(arr.max()) > 9:
        raise InputError(
            "labels",
            f"human_noise needs codes 0..9 (CIFAR-10 classes), got class {int(arr.max())}; "
            "use from_transition_matrix for other class sets.",
        )
    rng = check_random_state(random_state, func=func)
    return apply_transition_matrix(arr, human_transition_matrix(source), rng)
