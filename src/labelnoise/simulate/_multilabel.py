"""Multi-label noise: drop present tags and add absent ones, in exact, seeded counts.

Errors in multi-label data are mostly *missing* tags (an annotator forgets one), and
sometimes *added* ones. Each tag ``k`` has a drop rate (share of the examples that have
``k`` which lose it) and an add rate (share of the examples without ``k`` that get it).
Counts are allocated by largest remainder, as in the rest of :mod:`labelnoise.simulate`:
a 20% drop rate on 1,000 present tags drops exactly 200 of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from labelnoise._errors import InputError, InputTypeError
from labelnoise._random import RandomState, check_random_state
from labelnoise._validation import VALUE_TOLERANCE, as_array
from labelnoise.simulate._exact import largest_remainder, round_half_up

__all__ = ["SimulatedTagNoise", "tag_noise", "tag_noise_from_matrix"]


@dataclass(frozen=True, eq=False)
class SimulatedTagNoise:
    """Noisy tags together with what was done to them (all realised, arrays read-only).

    Attributes
    ----------
    labels : ndarray of bool, shape (n, K)
        The noisy tags.
    dropped : ndarray of bool, shape (n, K)
        True tags that were removed (now *missing*).
    added : ndarray of bool, shape (n, K)
        Tags that were added (now *wrong*).
    is_flipped : ndarray of bool, shape (n,)
        Examples with at least one changed tag.
    drop_rate : ndarray of float64, shape (K,)
        Realised share of the examples with tag ``k`` that lost it (0 where none had it).
    add_rate : ndarray of float64, shape (K,)
        Realised share of the examples without tag ``k`` that got it.
    noise_rate : float
        Share of examples with at least one changed tag, ``is_flipped.mean()``.
    """

    labels: np.ndarray
    dropped: np.ndarray
    added: np.ndarray
    is_flipped: np.ndarray
    drop_rate: np.ndarray
    add_rate: np.ndarray
    noise_rate: float

    def __post_init__(self) -> None:
        for name in ("labels", "dropped", "added", "is_flipped", "drop_rate", "add_rate"):
            getattr(self, name).setflags(write=False)

    def __repr__(self) -> str:
        return (
            f"SimulatedTagNoise({int(self.dropped.sum())} tags dropped, "
            f"{int(self.added.sum())} added, noise_rate={self.noise_rate:.4g})"
        )

    @property
    def n_classes(self) -> int:
        """Number of tags ``K``."""
        return int(self.labels.shape[1])


def _check_tags(labels: Any) -> np.ndarray:
    if isinstance(labels, list | tuple):
        # labelnoise.multilabel reads a list of lists as tag lists; here the same list
        # would be indicator rows. Neither reading is picked silently.
        raise InputTypeError(
            "labels",
            "expected an (n, K) 0/1 numpy array or DataFrame, got a Python "
            f"{type(labels).__name__}, which could be tag lists or indicator rows; pass "
            "np.asarray(rows) for 0/1 indicator rows, or "
            "sklearn.preprocessing.MultiLabelBinarizer().fit_transform(tag_lists) for tag lists.",
        )
    arr = as_array(labels, "labels", hint="pass an (n, K) 0/1 array")
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise InputError(
            "labels",
            f"expected an (n, K) 0/1 indicator array with n, K >= 1, got shape {arr.shape}; "
            "turn tag lists into one with sklearn.preprocessing.MultiLabelBinarizer.",
        )
    if arr.dtype.kind not in "biuf":
        raise InputTypeError(
            "labels", f"expected 0/1 numbers or bools, got dtype {arr.dtype}; pass 0/1 entries."
        )
    if np.any((arr != 0) & (arr != 1)):
        raise InputError("labels", "an indicator array must hold only 0 and 1; pass 0/1 entries.")
    return arr.astype(bool)


def _check_rates(value: Any, name: str, n_classes: int) -> np.ndarray:
    """A rate per tag: a float in [0, 1] for every tag, or one per tag."""
    if isinstance(value, bool):
        value = "a bool"
    arr = np.asarray(value) if not isinstance(value, str) else np.asarray([np.nan])
    ok = arr.dtype.kind in "iuf" and arr.shape in ((), (n_classes,))
    if not ok or not np.all((arr >= 0) & (arr <= 1)):
        raise InputError(
            name,
            f"expected a float in [0, 1], or {n_classes} of them (one per tag), got {value!r}.",
        )
    return np.broadcast_to(arr.astype(np.float64), (n_classes,))


def _counts(pool: np.ndarray, rates: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Per-tag counts: each within 1 of ``rate_k * pool_k``, summing to the rounded total."""
    quotas = rates * pool
    return largest_remainder(quotas, round_half_up(float(quotas.sum())), rng)


def _choose(members: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    return members[rng.permutation(members.shape[0])[:count]]


def _simulate(
    tags: np.ndarray, drop: np.ndarray, add: np.ndarray, rng: np.random.Generator
) -> SimulatedTagNoise:
    present = tags.sum(axis=0)
    absent = tags.shape[0] - present
    n_drop, n_add = _counts(present, drop, rng), _counts(absent, add, rng)
    dropped = np.zeros_like(tags)
    added = np.zeros_like(tags)
    for k in range(tags.shape[1]):
        dropped[_choose(np.flatnonzero(tags[:, k]), int(n_drop[k]), rng), k] = True
        added[_choose(np.flatnonzero(~tags[:, k]), int(n_add[k]), rng), k] = True
    flipped = (dropped | added).any(axis=1)
    return SimulatedTagNoise(
        labels=(tags & ~dropped) | added,
        dropped=dropped,
        added=added,
        is_flipped=flipped,
        drop_rate=np.divide(n_drop, present, out=np.zeros(present.shape), where=present > 0),
        add_rate=np.divide(n_add, absent, out=np.zeros(absent.shape), where=absent > 0),
        noise_rate=float(flipped.mean()),
    )


def tag_noise(
    labels: Any,
    *,
    drop_rate: float | Any = 0.0,
    add_rate: float | Any = 0.0,
    random_state: RandomState = None,
) -> SimulatedTagNoise:
    """Drop an exact share of present tags and add an exact share of absent ones.

    For each tag ``k``, ``drop_rate[k]`` of the examples that have it lose it and
    ``add_rate[k]`` of those without it get it. Counts are exact: tag ``k`` loses
    ``drop_rate[k] * n_k`` tags up to one, and the total over tags is the rounded total
    (largest remainder; a leftover unit goes to a random tag among equal remainders).
    Which examples change is random; everything comes from ``random_state``.

    Parameters
    ----------
    labels : ndarray or DataFrame of 0/1 or bool, shape (n, K)
        True tags as an indicator array (``MultiLabelBinarizer`` turns tag lists into
        one; a Python list is refused, as it could be either). Never modified.
    drop_rate : float in [0, 1], or K of them, default=0.0
        Share of each tag's examples that lose it (missing tags).
    add_rate : float in [0, 1], or K of them, default=0.0
        Share of the examples without each tag that get it (wrong tags). Tags are
        rare, so small add rates already add many tags.
    random_state : int, numpy.random.Generator or None

    Returns
    -------
    SimulatedTagNoise

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise.simulate import tag_noise
    >>> tags = np.zeros((100, 3), dtype=bool); tags[:50, 0] = tags[25:75, 1] = True
    >>> noisy = tag_noise(tags, drop_rate=0.2, add_rate=[0.0, 0.0, 0.1], random_state=0)
    >>> noisy.dropped.sum(axis=0).tolist(), noisy.added.sum(axis=0).tolist()
    ([10, 10, 0], [0, 0, 10])
    """
    rng = check_random_state(random_state, func="tag_noise")
    tags = _check_tags(labels)
    k = tags.shape[1]
    return _simulate(
        tags, _check_rates(drop_rate, "drop_rate", k), _check_rates(add_rate, "add_rate", k), rng
    )


def tag_noise_from_matrix(
    labels: Any, transition_matrix: Any, *, random_state: RandomState = None
) -> SimulatedTagNoise:
    """Tag noise from per-tag transition matrices ``P(noisy | true)`` of shape (K, 2, 2).

    ``transition_matrix[k, i, j]`` is the share of the examples with true membership
    ``i`` of tag ``k`` (0 absent, 1 present) that get noisy membership ``j``; every row
    ``[k, i, :]`` sums to 1. So
    ``transition_matrix[k, 1, 0]`` is tag k's drop rate and ``[k, 0, 1]`` its add rate
    (:func:`tag_noise`, with the same exact counts). The layout of
    :attr:`labelnoise.multilabel.MultilabelNoise.confident_joint`, transposed and
    normalised by row, so an estimate can be replayed.

    Parameters
    ----------
    labels : ndarray or DataFrame of 0/1 or bool, shape (n, K)
        True tags as an indicator array (as in :func:`tag_noise`). Never modified.
    transition_matrix : array-like of shape (K, 2, 2)
        ``P(noisy | true)`` of each tag, rows summing to 1.
    random_state : int, numpy.random.Generator or None

    Returns
    -------
    SimulatedTagNoise

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise.simulate import tag_noise_from_matrix
    >>> tags = np.zeros((100, 2), dtype=bool); tags[:40] = True
    >>> T = np.array([[[1.0, 0.0], [0.25, 0.75]], [[0.9, 0.1], [0.0, 1.0]]])
    >>> noisy = tag_noise_from_matrix(tags, T, random_state=0)
    >>> noisy.drop_rate.tolist(), noisy.add_rate.tolist()
    ([0.25, 0.0], [0.0, 0.1])
    """
    rng = check_random_state(random_state, func="tag_noise_from_matrix")
    tags = _check_tags(labels)
    k = tags.shape[1]
    matrix = as_array(transition_matrix, "transition_matrix", hint="pass a (K, 2, 2) array")
    if matrix.shape != (k, 2, 2) or matrix.dtype.kind not in "iuf":
        raise InputError(
            "transition_matrix",
            f"expected a numeric array of shape ({k}, 2, 2) (one 2x2 P(noisy | true) per "
            f"tag), got shape {matrix.shape} and dtype {matrix.dtype}.",
        )
    if not np.all((matrix >= 0) & (matrix <= 1)) or not np.allclose(
        matrix.sum(axis=2), 1.0, atol=VALUE_TOLERANCE
    ):
        raise InputError(
            "transition_matrix",
            "entries must be probabilities and every row [k, i, :] must sum to 1; "
            "normalise each tag's rows.",
        )
    return _simulate(
        tags, matrix[:, 1, 0].astype(np.float64), matrix[:, 0, 1].astype(np.float64), rng
    )
