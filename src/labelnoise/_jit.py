"""The numba loops behind :mod:`labelnoise._kernels` (imported only from there, and only
when numba is installed). Each is compiled on first use and cached on disk by numba."""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

__all__ = [
    "confident_rows",
    "group_by_label",
    "margin_pairs",
    "rows_of_label",
]


def _jit(func: Any) -> Any:
    """Compile on first use and cache on disk; without a writable cache location (numba
    then refuses ``cache=True``), compile anew in each process instead."""
    try:
        return numba.njit(cache=True, nogil=True)(func)
    except RuntimeError:
        return numba.njit(nogil=True)(func)


@_jit
def group_by_label(values: Any, labels: Any, starts: Any) -> Any:
    """Scatter ``values`` class by class (``starts[k]``: where class ``k`` begins), each
    class's values in row order: a stable counting sort of the values by label."""
    out = np.empty(values.size, dtype=values.dtype)
    fill = starts[:-1].copy()
    for i in range(labels.size):
        label = labels[i]
        out[fill[label]] = values[i]
        fill[label] += 1
    return out


@_jit
def rows_of_label(labels: Any, k: int, count: int) -> Any:
    """The ``count`` rows whose label is ``k``, in row order."""
    out = np.empty(count, dtype=np.intp)
    used = 0
    for i in range(labels.size):
        if labels[i] == k:
            out[used] = i
            used += 1
    return out


@_jit
def confident_rows(block: Any, given: Any, cut: Any, bump: Any, dense: bool) -> Any:
    """Per row: argmax, confident-joint cell (when a class reaches its threshold), off the
    diagonal, and whether the given label is the argmax once ``bump`` is added to it.
    (Elements are read as ``block[i, j]``: a row view per row costs reference counting.)"""
    n, k = block.shape
    counts = np.zeros(k * k if dense else 0, dtype=np.int64)
    keys = np.empty(0 if dense else n, dtype=np.uint64)
    n_keys = 0
    off_diagonal = np.zeros(n, dtype=np.bool_)
    given_top = np.zeros(n, dtype=np.bool_)
    argmax = np.empty(n, dtype=np.int32)
    lowest = cut.min()
    for i in range(n):
        best = 0
        top = block[i, 0]
        for j in range(1, k):
            if block[i, j] > top:
                best, top = j, block[i, j]
        label = given[i]
        guess = best
        sure = top >= cut[best]
        if not sure and top >= lowest:
            n_sure = 0
            first = 0
            for j in range(k):
                if block[i, j] >= cut[j]:
                    n_sure += 1
                    if n_sure == 1:
                        first = j
            sure = n_sure > 0
            if n_sure == 1:
                guess = first
        if sure:
            cell = np.int64(label) * k + guess
            if dense:
                counts[cell] += 1
            else:
                keys[n_keys] = cell
                n_keys += 1
            off_diagonal[i] = guess != label
        argmax[i] = best
        if best == label:
            given_top[i] = True
        elif np.float64(top) - np.float64(block[i, label]) <= 2e-6:
            bumped = block[i, label] + bump  # in the block's dtype, as numpy's += is
            winner = 0
            value = bumped if label == 0 else block[i, 0]
            for j in range(1, k):
                candidate = bumped if j == label else block[i, j]
                if candidate > value:
                    winner, value = j, candidate
            given_top[i] = winner == label
    return counts, keys[:n_keys].copy(), off_diagonal, given_top, argmax


@_jit
def _contested(given: Any, argmax: Any) -> int:
    count = 0
    for i in range(given.size):
        if argmax[i] != given[i]:
            count += 1
    return count


@_jit
def margin_pairs(
    block: Any,
    given: Any,
    argmax: Any,
    compact: Any,
    columns: Any,
    ids: Any,
    scale: Any,
    last_bin: int,
    floors: Any,
) -> Any:
    """``(cell, bin, margin, row)`` of every margin ``p[j] - p[label] >= floors[cell]`` in
    a numbered cell, among rows whose argmax is not their label (row, then column order).
    With ``columns`` (non-empty), only class ``label``'s columns ``columns[label]`` are
    read, numbered ``ids[label]`` (-1: padding, which comes last); otherwise every column
    ``j``, numbered ``compact[label * K + j]`` (-1: no quota)."""
    n, k = block.shape
    few = columns.shape[1] > 0
    width = columns.shape[1] if few else k
    capacity = _contested(given, argmax) * width  # at most a pair per row and column
    cell = np.empty(capacity, dtype=compact.dtype)
    bins = np.empty(capacity, dtype=np.uint16)
    margin = np.empty(capacity, dtype=block.dtype)
    row_of = np.empty(capacity, dtype=np.intp)
    used = 0
    for i in range(n):
        label = given[i]
        if argmax[i] == label:
            continue
        own = block[i, label]
        for q in range(width):
            if few:
                number = ids[label, q]
                if number < 0:
                    break
                value = block[i, columns[label, q]] - own
            else:
                number = compact[np.int64(label) * k + q]
                if number < 0:
                    continue
                value = block[i, q] - own
            if value < floors[number]:
                continue
            cell[used] = number
            bins[used] = min(np.uint16(value * scale), last_bin)
            margin[used] = value
            row_of[used] = i
            used += 1
    return cell[:used].copy(), bins[:used].copy(), margin[:used].copy(), row_of[:used].copy()
