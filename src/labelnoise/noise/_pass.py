"""The confident-learning pass: per-class thresholds, then one chunked pass over the rows.

Confident learning (Northcutt, Jiang, Chuang, JAIR 2021) counts an example with given
label ``i`` into cell ``(i, j)`` of the *confident joint* when its predicted probability
of class ``j`` reaches the per-class threshold ``t_j`` (the mean self-confidence of the
examples labelled ``j``). Ties between several confident classes go to the argmax.

Everything later stages need is gathered here in two passes over ``pred_probs``: one
gather of the self-confidences (for the thresholds) and one chunked pass that also finds
each row's argmax and whether its given label is (within 1e-6 of) the argmax.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from labelnoise._chunks import row_chunks
from labelnoise._validation import Problem

__all__ = [
    "CONFIDENT_THRESHOLD_FLOOR",
    "FLOAT_TOLERANCE",
    "ClassIndex",
    "ConfidentPass",
    "class_index",
    "confident_pass",
    "confident_thresholds",
]

#: Slack used when comparing probabilities with thresholds and with the argmax.
FLOAT_TOLERANCE = 1e-6
#: Thresholds are clipped from below to this value (and must exceed FLOAT_TOLERANCE).
CONFIDENT_THRESHOLD_FLOOR = 2 * FLOAT_TOLERANCE
#: Threshold of a class with no examples: unreachable, so nothing is counted into it.
_ABSENT_CLASS_THRESHOLD = 2


@dataclass(frozen=True)
class ClassIndex:
    """Rows grouped by given label: ``order[starts[k]:starts[k+1]]`` are the rows of class k,
    in increasing row order."""

    order: np.ndarray
    starts: np.ndarray
    counts: np.ndarray

    def rows(self, k: int) -> np.ndarray:
        return self.order[self.starts[k] : self.starts[k + 1]]


def class_index(labels: np.ndarray, n_classes: int) -> ClassIndex:
    """Group rows by label with a stable sort (radix sort for small integer codes)."""
    small = labels.astype(np.uint16 if n_classes <= 65535 else np.int64, copy=False)
    order = np.argsort(small, kind="stable")
    counts = np.bincount(labels, minlength=n_classes)
    starts = np.zeros(n_classes + 1, dtype=np.intp)
    np.cumsum(counts, out=starts[1:])
    return ClassIndex(order=order, starts=starts, counts=counts)


def self_confidence(problem: Problem) -> np.ndarray:
    """``pred_probs[i, labels[i]]`` for every row, in the input dtype."""
    return problem.pred_probs[np.arange(problem.n), problem.labels]


def confident_thresholds(self_conf: np.ndarray, index: ClassIndex) -> np.ndarray:
    """Per-class mean self-confidence, clipped below at :data:`CONFIDENT_THRESHOLD_FLOOR`.

    The means are taken over the class's values in row order with numpy's own summation,
    so they are bit-for-bit those of the reference implementation; an absent class gets an
    unreachable threshold of 2 (and the array is then float64, as in the reference).
    """
    grouped = self_conf[index.order]
    means: list[Any] = []
    for k, count in enumerate(index.counts):
        if count:
            means.append(np.mean(grouped[index.starts[k] : index.starts[k + 1]]))
        else:
            means.append(_ABSENT_CLASS_THRESHOLD)
    return np.clip(np.asarray(means), a_min=CONFIDENT_THRESHOLD_FLOOR, a_max=None)


@dataclass(frozen=True)
class ConfidentPass:
    """Everything the later stages need from one pass over ``pred_probs``.

    Attributes
    ----------
    thresholds : (K,) per-class confident thresholds.
    confident_joint : (K, K) int64 raw counts, rows = given label, columns = guessed true
        label, diagonal clipped below at 1.
    off_diagonal : (n,) bool, counted off the diagonal of the confident joint.
    given_is_argmax : (n,) bool, the given label is the argmax once it gets 1e-6 of slack.
    argmax : (n,) predicted class of each row (first maximum).
    self_conf : (n,) probability of the given label.
    index : rows grouped by given label.
    """

    thresholds: np.ndarray
    confident_joint: np.ndarray
    off_diagonal: np.ndarray
    given_is_argmax: np.ndarray
    argmax: np.ndarray
    self_conf: np.ndarray
    index: ClassIndex


def _given_is_argmax(
    block: np.ndarray, given: np.ndarray, self_conf: np.ndarray, argmax: np.ndarray
) -> np.ndarray:
    """Whether ``argmax(row with 1e-6 added to the given label's entry) == given``."""
    result = argmax == given
    row_max = block[np.arange(block.shape[0]), argmax]
    near = ~result & (
        row_max.astype(np.float64) - self_conf.astype(np.float64) <= 2 * FLOAT_TOLERANCE
    )
    if near.any():
        rows = np.flatnonzero(near)
        bumped = block[rows].copy()
        bumped[np.arange(rows.size), given[rows]] += FLOAT_TOLERANCE
        result[rows] = bumped.argmax(axis=1) == given[rows]
    return result


def _count_true(mask: np.ndarray) -> np.ndarray:
    """Row-wise number of True entries (a uint8 sum when it cannot overflow: 6x faster)."""
    if mask.shape[1] < 256:
        return np.einsum("ij->i", mask.view(np.uint8))
    return np.count_nonzero(mask, axis=1)


def _guess_true_labels(
    block: np.ndarray, cut: np.ndarray, block_argmax: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Confident-joint column of each row: the argmax when several classes reach their
    threshold, the one that does when only one does. Also returns "any reaches"."""
    confident = block >= cut
    n_confident = _count_true(confident)
    guess = block_argmax.copy()
    rows = np.arange(block.shape[0])
    lone = np.flatnonzero((n_confident == 1) & ~confident[rows, block_argmax])
    if lone.size:
        guess[lone] = confident[lone].argmax(axis=1)
    return guess, n_confident > 0


def confident_pass(
    problem: Problem, *, chunk_size: int | None = None, index: ClassIndex | None = None
) -> ConfidentPass:
    """Compute thresholds, the raw confident joint and per-row flags in one chunked pass."""
    pp, labels, n_classes = problem.pred_probs, problem.labels, problem.n_classes
    index = class_index(labels, n_classes) if index is None else index
    self_conf = self_confidence(problem)
    thresholds = confident_thresholds(self_conf, index)
    cut = thresholds - FLOAT_TOLERANCE
    n = problem.n
    off_diagonal = np.empty(n, dtype=bool)
    given_is_argmax = np.empty(n, dtype=bool)
    argmax = np.empty(n, dtype=np.int32 if n_classes < 2**31 else np.intp)
    cells = np.zeros(n_classes * n_classes, dtype=np.int64)
    for rows in row_chunks(n, n_classes, pp.itemsize, chunk_size=chunk_size):
        block, given = pp[rows], labels[rows]
        block_argmax = block.argmax(axis=1)
        guess, any_confident = _guess_true_labels(block, cut, block_argmax)
        off_diagonal[rows] = any_confident & (guess != given)
        cells += np.bincount(
            given[any_confident] * n_classes + guess[any_confident], minlength=cells.size
        )
        argmax[rows] = block_argmax
        given_is_argmax[rows] = _given_is_argmax(block, given, self_conf[rows], block_argmax)
    # Fortran order, like the reference implementation's transposed confusion matrix: later
    # float sums over the joint then add in the same order and round identically.
    joint = np.asfortranarray(cells.reshape(n_classes, n_classes))
    np.fill_diagonal(joint, joint.diagonal().clip(min=1))
    return ConfidentPass(
        thresholds=thresholds,
        confident_joint=joint,
        off_diagonal=off_diagonal,
        given_is_argmax=given_is_argmax,
        argmax=argmax,
        self_conf=self_conf,
        index=index,
    )
