"""The confident-learning pass: per-class thresholds, then one chunked pass over the rows.

Confident learning (Northcutt, Jiang, Chuang, JAIR 2021) counts an example with given
label ``i`` into cell ``(i, j)`` of the *confident joint* when its predicted probability
of class ``j`` reaches the per-class threshold ``t_j`` (the mean self-confidence of the
examples labelled ``j``). Ties between several confident classes go to the argmax.

Everything later stages need is gathered here in one chunked pass over ``pred_probs``,
which also finds each row's argmax and whether its given label is (within 1e-6 of) the
argmax. The self-confidences it needs first (for the thresholds) come from validation's
scan (``Problem.self_conf``), or from a gather of their own when validation did not
take them (a renormalized input, or a problem built by a detector).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from labelnoise._kernels import confident_block as compiled_confident_block
from labelnoise._kernels import group_by_label, rows_of_label, use_kernels
from labelnoise._sources import per_row
from labelnoise._validation import Problem

__all__ = [
    "CONFIDENT_THRESHOLD_FLOOR",
    "FLOAT_TOLERANCE",
    "CellCounter",
    "ClassIndex",
    "ConfidentPass",
    "class_index",
    "confident_pass",
    "confident_thresholds",
    "given_is_argmax",
    "label_counts",
    "self_confidence",
    "self_confidence_block",
]

#: Slack used when comparing probabilities with thresholds and with the argmax.
FLOAT_TOLERANCE = 1e-6
#: Thresholds are clipped from below to this value (and must exceed FLOAT_TOLERANCE).
CONFIDENT_THRESHOLD_FLOOR = 2 * FLOAT_TOLERANCE
#: Threshold of a class with no examples: unreachable, so nothing is counted into it.
_ABSENT_CLASS_THRESHOLD = 2


@dataclass(frozen=True)
class ClassIndex:
    """Rows grouped by given label.

    With ``order`` (a stable argsort of the labels), ``order[starts[k]:starts[k+1]]`` are
    the rows of class k in increasing row order. Without it (out of core, or with the
    compiled loops, where 8 bytes per row matter) the rows of a class are found by
    scanning the labels when needed, and values are grouped by one scatter (``compiled``)
    or one scan per class.
    """

    labels: np.ndarray
    counts: np.ndarray
    starts: np.ndarray
    order: np.ndarray | None = None
    compiled: bool = False

    def rows(self, k: int) -> np.ndarray:
        if self.order is not None:
            return self.order[self.starts[k] : self.starts[k + 1]]
        if self.compiled:
            return rows_of_label(self.labels, k, int(self.counts[k]))
        return np.flatnonzero(self.labels == k)

    def grouped(self, values: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
        """``(k, values of class k's rows in row order)`` for every class with rows."""
        if self.order is None and not self.compiled:
            for k in np.flatnonzero(self.counts):
                yield int(k), values[self.labels == k]
            return
        if self.order is None:
            ordered = group_by_label(values, self.labels, self.starts)
        else:
            ordered = values[self.order]
        for k in np.flatnonzero(self.counts):
            yield int(k), ordered[self.starts[k] : self.starts[k + 1]]


#: Labels counted per batch of this many: ``np.bincount`` casts its input to int64, and
#: out of core the (1-2 byte) codes of a whole column would take 8 bytes each at once.
_COUNT_BATCH = 1 << 20


def label_counts(labels: np.ndarray, n_classes: int) -> np.ndarray:
    """``np.bincount(labels, minlength=n_classes)`` (int64), without an int64 copy of
    short label codes (counted in batches of :data:`_COUNT_BATCH`)."""
    if labels.dtype.itemsize >= np.dtype(np.intp).itemsize or labels.size <= _COUNT_BATCH:
        return np.bincount(labels, minlength=n_classes)
    counts = np.zeros(n_classes, dtype=np.intp)
    for start in range(0, labels.size, _COUNT_BATCH):
        counts += np.bincount(labels[start : start + _COUNT_BATCH], minlength=n_classes)
    return counts


def class_index(
    labels: np.ndarray, n_classes: int, *, sort: bool = True, out_of_core: bool = False
) -> ClassIndex:
    """Group rows by label with a stable sort (radix sort for small integer codes);
    ``sort=False`` skips the sort and its 8 bytes per row, and so do the compiled loops
    (:mod:`labelnoise._kernels`), which group in one pass when asked. ``out_of_core``: the
    labels belong to an out-of-core ``pred_probs``, which keeps numpy's loops."""
    counts = label_counts(labels, n_classes)
    starts = np.zeros(n_classes + 1, dtype=np.intp)
    np.cumsum(counts, out=starts[1:])
    if sort and use_kernels(labels.size, n_classes, out_of_core=out_of_core):
        return ClassIndex(labels=labels, counts=counts, starts=starts, compiled=True)
    order = None
    if sort:
        small = labels.astype(np.uint16 if n_classes <= 65535 else np.int64, copy=False)
        order = np.argsort(small, kind="stable")
    return ClassIndex(labels=labels, counts=counts, starts=starts, order=order)


def self_confidence_block(block: np.ndarray, given: np.ndarray) -> np.ndarray:
    """``block[i, given[i]]`` for every row of a block."""
    return per_row(block, given)


def self_confidence(problem: Problem) -> np.ndarray:
    """``pred_probs[i, labels[i]]`` for every row, in the working dtype: validation's
    (which gathers it during its scan), or block by block."""
    if problem.self_conf is not None:
        return problem.self_conf
    out = np.empty(problem.n, dtype=problem.rows.dtype)
    for rows, values in problem.rows.map(self_confidence_block, problem.labels):
        out[rows] = values
    return out


def confident_thresholds(self_conf: np.ndarray, index: ClassIndex) -> np.ndarray:
    """Per-class mean self-confidence, clipped below at :data:`CONFIDENT_THRESHOLD_FLOOR`.

    The means are taken over the class's values in row order with numpy's own summation,
    so they are bit-for-bit those of the reference implementation; an absent class gets an
    unreachable threshold of 2 (and the array is then float64, as in the reference).
    """
    n_classes = index.counts.shape[0]
    sums = np.zeros(n_classes, dtype=self_conf.dtype)
    for k, values in index.grouped(self_conf):
        sums[k] = np.add.reduce(values)  # np.mean's own sum, without its per-call overhead
    present = index.counts > 0
    # np.mean divides its sum by the count in the values' dtype: the same division here
    means = sums / np.where(present, index.counts, 1).astype(self_conf.dtype)
    if not present.all():  # the reference's list mixes in an int, so its array is float64
        means = np.where(present, means.astype(np.float64), float(_ABSENT_CLASS_THRESHOLD))
    return np.clip(means, a_min=CONFIDENT_THRESHOLD_FLOOR, a_max=None)


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


def given_is_argmax(
    block: np.ndarray, given: np.ndarray, self_conf: np.ndarray, argmax: np.ndarray
) -> np.ndarray:
    """Whether ``argmax(row with 1e-6 added to the given label's entry) == given``."""
    result = argmax == given
    row_max = self_confidence_block(block, argmax)
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
    """Row-wise number of True entries, summed as bytes into the smallest type that cannot
    overflow (4-6x faster than ``np.count_nonzero(axis=1)``)."""
    n_cols = mask.shape[1]
    if n_cols < 256:
        return np.einsum("ij->i", mask.view(np.uint8))
    if n_cols < 65536:
        return mask.view(np.uint8).sum(axis=1, dtype=np.uint16)
    return np.count_nonzero(mask, axis=1)


def _cell_keys(given: np.ndarray, guess: np.ndarray, n_classes: int) -> np.ndarray:
    """Confident-joint cell ``given * K + guess`` of each row, or, when the block has at
    least ``K**2`` rows, the ``K**2`` cell counts (int64) instead: whichever is smaller.
    Keys come in the smallest unsigned type that holds them, counts in a signed type, so
    the dtype tells them apart."""
    n_cells = n_classes * n_classes
    if given.size >= n_cells:
        return np.bincount(given.astype(np.intp) * n_classes + guess, minlength=n_cells)
    key_type = np.uint16 if n_cells <= 1 << 16 else np.uint32 if n_cells <= 1 << 32 else np.uint64
    keys = given.astype(key_type)
    np.multiply(keys, n_classes, out=keys)
    np.add(keys, guess.astype(key_type, copy=False), out=keys)
    return keys


class CellCounter:
    """Sums per-block confident-joint cells: counts as they come, keys in batches (one
    ``bincount`` per batch of at least ``max(K**2, 2**20)`` keys, so memory stays bounded
    by the batch and a large ``K`` does not cost a ``K**2`` pass per block)."""

    def __init__(self, n_cells: int) -> None:
        self.counts = np.zeros(n_cells, dtype=np.int64)
        self._keys: list[np.ndarray] = []
        self._pending = 0

    def add(self, cells: np.ndarray) -> None:
        if cells.dtype.kind == "i":  # counts (signed); keys are unsigned
            self.counts += cells
            return
        self._keys.append(cells)
        self._pending += cells.size
        if self._pending >= max(self.counts.size, 1 << 20):
            self._flush()

    def _flush(self) -> None:
        if self._keys:
            keys = np.concatenate(self._keys).astype(np.intp, copy=False)
            if 8 * keys.size < self.counts.size:  # few keys: no pass over every cell
                np.add.at(self.counts, keys, 1)
            else:
                self.counts += np.bincount(keys, minlength=self.counts.size)
        self._keys, self._pending = [], 0

    def total(self) -> np.ndarray:
        self._flush()
        return self.counts


def _guess_true_labels(
    block: np.ndarray, cut: np.ndarray, block_argmax: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Confident-joint column of each row: the argmax when several classes reach their
    threshold, the one that does when only one does. Also returns "any reaches".

    A row whose argmax reaches its threshold is settled by that one comparison, and so
    is a row whose largest value is below every threshold; only the rest are compared
    with every threshold."""
    top = self_confidence_block(block, block_argmax)
    any_confident = top >= cut[block_argmax]
    guess = block_argmax.copy()
    unsure = np.flatnonzero(~any_confident & (top >= cut.min()))
    if unsure.size:
        confident = block[unsure] >= cut
        n_confident = _count_true(confident)
        any_confident[unsure] = n_confident > 0
        lone = n_confident == 1
        guess[unsure[lone]] = confident[lone].argmax(axis=1)
    return guess, any_confident


def confident_block(
    block: np.ndarray,
    given: np.ndarray,
    self_conf: np.ndarray | None,
    cut: np.ndarray,
    n_classes: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Chunk step of the confident pass: ``(joint cells, off_diagonal, given_is_argmax,
    argmax)`` of one block (``self_conf`` recomputed when ``None``); the cells as counts
    or keys (see :func:`_cell_keys`), summed by a :class:`CellCounter`."""
    if self_conf is None:
        self_conf = self_confidence_block(block, given)
    block_argmax = block.argmax(axis=1)
    guess, any_confident = _guess_true_labels(block, cut, block_argmax)
    off_diagonal = any_confident & (guess != given)
    cells = _cell_keys(given[any_confident], guess[any_confident], n_classes)
    return (
        cells,
        off_diagonal,
        given_is_argmax(block, given, self_conf, block_argmax),
        block_argmax,
    )


def _argmax_dtype(problem: Problem) -> np.dtype:
    """int32, or out of core the (1-2 byte) label code type."""
    if problem.out_of_core and problem.labels.dtype.itemsize < 4:
        return problem.labels.dtype
    return np.dtype(np.int32 if problem.n_classes < 2**31 else np.intp)


def confident_pass(
    problem: Problem, *, chunk_size: int | None = None, index: ClassIndex | None = None
) -> ConfidentPass:
    """Compute thresholds, the raw confident joint and per-row flags in one chunked pass."""
    labels, n_classes = problem.labels, problem.n_classes
    if index is None:
        index = class_index(labels, n_classes, sort=not problem.out_of_core)
    self_conf = self_confidence(problem)
    thresholds = confident_thresholds(self_conf, index)
    cut = thresholds - FLOAT_TOLERANCE
    n = problem.n
    off_diagonal = np.empty(n, dtype=bool)
    given_is_argmax = np.empty(n, dtype=bool)
    argmax = np.empty(n, dtype=_argmax_dtype(problem))
    cells = CellCounter(n_classes * n_classes)
    fast = use_kernels(n, n_classes, problem.rows.dtype, out_of_core=problem.out_of_core)
    parts = problem.rows.map(
        compiled_confident_block if fast else confident_block,
        labels,
        args=(cut, n_classes),
        rowwise=(self_conf,),
        chunk_size=chunk_size,
    )
    for rows, (block_cells, block_off, block_given, block_argmax) in parts:
        cells.add(block_cells)
        off_diagonal[rows] = block_off
        given_is_argmax[rows] = block_given
        argmax[rows] = block_argmax
    # Fortran order, like the reference implementation's transposed confusion matrix: later
    # float sums over the joint then add in the same order and round identically.
    joint = np.asfortranarray(cells.total().reshape(n_classes, n_classes))
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
