"""Confident learning on one tag, written for the two-class case.

The general pass (:mod:`labelnoise._pass`, :mod:`labelnoise.detect._prune`) would
give the same answer on ``[1 - p, p]``; with two classes every step is a comparison or a
count on the tag's column, so this is the same arithmetic in a few vector operations (it
runs once per tag, ``K`` times per call). Results are pinned to the reference's, bit for
bit, in ``tests/multilabel/test_multilabel_parity.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from labelnoise._pass import CONFIDENT_THRESHOLD_FLOOR, FLOAT_TOLERANCE
from labelnoise.detect._prune import prune_count_matrix
from labelnoise.detect._select import smallest_k
from labelnoise.noise._counts import calibrate_confident_joint

__all__ = ["BinaryTag", "binary_tag"]

_ABSENT = 2  # threshold of a side with no examples: unreachable


@dataclass(frozen=True)
class BinaryTag:
    """One tag's pass: ``own[i]`` is the probability of the given side (``p`` or
    ``1 - p``), ``other[i]`` of the other side."""

    given: np.ndarray  # bool (n,)
    own: np.ndarray
    other: np.ndarray
    counts: np.ndarray  # (2,) examples without / with the tag
    joint: np.ndarray  # (2, 2) raw confident joint, diagonal at least 1 (Fortran order)
    off_diagonal: np.ndarray  # counted off the diagonal
    argmax: np.ndarray  # bool: the model's side (p > 1 - p)
    given_is_argmax: np.ndarray  # the given side is the argmax with 1e-6 of slack

    def calibrated(self) -> np.ndarray:
        return calibrate_confident_joint(self.joint, self.counts)

    def rows(self, side: int) -> np.ndarray:
        return np.flatnonzero(self.given if side else ~self.given)


def binary_tag(p: np.ndarray, given: np.ndarray) -> BinaryTag:
    """The confident-learning pass of one tag (``p``: its probabilities, ``given``: bool)."""
    q = np.subtract(1, p)  # the "absent" column, in p's dtype, as [1 - p, p] holds it
    n1 = int(np.count_nonzero(given))
    counts = np.array([given.shape[0] - n1, n1])
    means: list[Any] = [_ABSENT, _ABSENT]
    if counts[0]:
        means[0] = np.mean(q[~given])
    if counts[1]:
        means[1] = np.mean(p[given])
    cut = np.clip(np.asarray(means), a_min=CONFIDENT_THRESHOLD_FLOOR, a_max=None)
    cut = cut - FLOAT_TOLERANCE
    sure0, sure1 = q >= cut[0], p >= cut[1]
    argmax = p > q  # ties go to the first column, "absent"
    any_sure = sure0 | sure1
    guess = np.where(sure0 & sure1, argmax, sure1)
    off_diagonal = any_sure & (guess != given)
    cells = np.bincount(2 * given[any_sure] + guess[any_sure], minlength=4)
    joint = np.asfortranarray(cells.reshape(2, 2).astype(np.int64))
    np.fill_diagonal(joint, joint.diagonal().clip(min=1))
    own = np.where(given, p, q)
    other = np.where(given, q, p)
    # argmax after adding 1e-6 to the given side (in p's dtype); ties go to "absent"
    bumped = own + FLOAT_TOLERANCE
    given_is_argmax = np.where(given, bumped > other, bumped >= other)
    return BinaryTag(given, own, other, counts, joint, off_diagonal, argmax, given_is_argmax)


def _eligible(count: int, min_examples_per_class: int) -> bool:
    return count > min_examples_per_class and count > 1


def _by_noise_rate(tag: BinaryTag, matrix: np.ndarray, min_examples: int) -> np.ndarray:
    """Per side ``k``: the ``M[1 - k, k]`` rows with the largest margin ``other - own``."""
    mask = np.zeros(tag.given.shape[0], dtype=bool)
    for side in (0, 1):
        want = int(matrix[1 - side, side])
        count = int(tag.counts[side])
        if want <= 0 or not _eligible(count, min_examples):
            continue
        rows = tag.rows(side)
        if want >= count:
            mask[rows] = True
        else:
            mask[rows[smallest_k(-(tag.other[rows] - tag.own[rows]), want)]] = True
    return mask


def _by_class(tag: BinaryTag, matrix: np.ndarray, min_examples: int) -> np.ndarray:
    """Per side ``k``: the ``n_k - M[k, k]`` rows with the lowest ``own``."""
    mask = np.zeros(tag.given.shape[0], dtype=bool)
    for side in (0, 1):
        count = int(tag.counts[side])
        n_flag = count - int(matrix[side, side])
        if n_flag >= 1 and _eligible(count, min_examples):
            rows = tag.rows(side)
            mask[rows[smallest_k(tag.own[rows], n_flag)]] = True
    return mask


def flag_tag(
    tag: BinaryTag,
    method: str,
    *,
    frac_noise: float,
    num_to_remove: int | None,
    min_examples_per_class: int,
) -> np.ndarray:
    """The tag's issues under ``method`` (a confident-learning method of
    :func:`labelnoise.find_label_issues`), never where the given side is the argmax."""
    if method == "confident_learning":
        mask = tag.off_diagonal.copy()
    elif method == "predicted_neq_given":
        mask = tag.argmax != tag.given
    else:
        removals: Sequence[int] | None = None if num_to_remove is None else [num_to_remove, 0]
        matrix = prune_count_matrix(
            tag.calibrated(),
            tag.counts,
            min_examples_per_class=min_examples_per_class,
            frac_noise=frac_noise,
            num_to_remove_per_class=removals,
        )
        mask = np.ones(tag.given.shape[0], dtype=bool)
        if method in ("prune_by_class", "both"):
            mask &= _by_class(tag, matrix, min_examples_per_class)
        if method in ("prune_by_noise_rate", "both"):
            mask &= _by_noise_rate(tag, matrix, min_examples_per_class)
    return mask & ~tag.given_is_argmax
