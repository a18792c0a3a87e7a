"""The exact top-k cut of ``prune_by_noise_rate``: in each off-diagonal cell ``(k, j)``
of the prune count matrix, the ``m`` rows labelled ``k`` with the largest margin
``p[j] - p[k]``, found in chunked passes without sorting whole columns.

Pass 1 histograms every cell's margins (only rows whose argmax is not their label can
have positive ones; a sampled floor skips the margins far below any cut); the bin
holding each cell's cut follows from the histogram, pass 2 marks every pair above it
and sorts just the pairs inside it. In memory, pass 1's pairs are kept for pass 2 while
they fit; out of core, pass 2 reads the rows again. A cell whose cut falls on a run of
equal margins (or on 0), or whose quota exceeds its positive margins, is resolved on
its full column by :func:`exact_cells`, so the result is always the reference's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from labelnoise._kernels import cut_pairs, use_kernels
from labelnoise._pass import CellCounter, ConfidentPass
from labelnoise._sources import Rows
from labelnoise._validation import Problem
from labelnoise.detect._select import smallest_k

__all__ = ["boundary_cut", "exact_cells"]


def _cell_value_order(cell: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Argsort by (cell, value); the order among exactly equal pairs is unspecified."""
    if value.dtype == np.float32:
        # One uint64 sort: cell in the high word, the float's bits made order-preserving
        # in the low word (+0.0 folds -0.0 into +0.0 so equal floats get equal keys).
        bits = (value + np.float32(0.0)).view(np.uint32).astype(np.uint64)
        ordered = np.where(bits >> 31 == 1, bits ^ 0xFFFFFFFF, bits | 0x80000000)
        return np.argsort((cell.astype(np.uint64) << 32) | ordered)
    order = np.argsort(value)
    return order[np.argsort(cell[order], kind="stable")]


def _bins(margin: np.ndarray, n_bins: int) -> np.ndarray:
    """Histogram bin (uint16) of margins in [0, 1]; non-decreasing in the margin, so a
    larger bin always means a strictly larger margin (every pass uses exactly these ops)."""
    bins = (margin * margin.dtype.type(n_bins)).astype(np.uint16)
    return np.minimum(bins, np.uint16(n_bins - 1), out=bins)


@dataclass(frozen=True)
class _CellTable:
    """The cells with a quota: ``compact[k * K + j]`` is cell ``(k, j)``'s number, or -1.
    When every class has few such cells (``Q`` at most a quarter of ``K``), also per class
    ``k`` its ``Q`` columns ``columns[k]`` and their numbers ``ids[k]`` (padding: column
    0, number -1), so that only those columns of a row are read."""

    compact: np.ndarray
    columns: np.ndarray | None = None
    ids: np.ndarray | None = None

    @classmethod
    def build(cls, cells: np.ndarray, n_classes: int) -> _CellTable:
        cell_type = np.int32 if n_classes**2 < 2**31 else np.intp
        compact = np.full(n_classes * n_classes, -1, dtype=cell_type)
        compact[cells] = np.arange(cells.size)
        k_of = cells // n_classes  # cells are increasing, so grouped by k
        per_class = np.bincount(k_of, minlength=n_classes)
        width = int(per_class.max(initial=0))
        if 4 * width > n_classes:
            return cls(compact)
        rank = np.arange(cells.size) - (np.cumsum(per_class) - per_class)[k_of]
        columns = np.zeros((n_classes, width), dtype=cell_type)
        ids = np.full((n_classes, width), -1, dtype=cell_type)
        columns[k_of, rank] = cells % n_classes
        ids[k_of, rank] = np.arange(cells.size)
        return cls(compact, columns, ids)


def _pairs(
    block: np.ndarray,
    given: np.ndarray,
    argmax: np.ndarray | None,
    self_conf: np.ndarray | None,
    table: _CellTable,
    n_bins: int,
    floors: np.ndarray,
    fast: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Chunk step of pass 1: ``(cell, bin, margin, row in block)`` of every pair with
    ``margin = p[j] - p[label] >= floors[cell]`` (floors >= 0, in the block's dtype) in a
    cell with a quota (``cell`` is its number in ``table``), among the rows whose argmax is
    not their label, in row order, then column order; ``fast``: the same from
    :func:`labelnoise._kernels.cut_pairs`.

    A row whose label is its argmax can only have margins <= 0, and 0 only for a class
    tied with it at the maximum; such pairs are left out, so a cut at margin 0 must be
    resolved on the full column (see :func:`prune_by_noise_rate`).
    """
    if fast:
        arrays = (table.compact, table.columns, table.ids)
        return cut_pairs(block, given, argmax, *arrays, n_bins, floors)
    n_classes = block.shape[1]
    if argmax is None:
        argmax = block.argmax(axis=1)
    contested = np.flatnonzero(argmax != given)
    own = given[contested].astype(table.compact.dtype)
    own_conf = block[contested, own] if self_conf is None else self_conf[contested]
    if table.columns is not None and table.ids is not None:  # few cells per class
        ids = table.ids[own]
        margins = block[contested[:, None], table.columns[own]]
        margins -= own_conf[:, None]
        r, q = np.nonzero((margins >= floors[ids]) & (ids >= 0))  # ids -1: padding
        margin = margins[r, q]
        return ids[r, q], _bins(margin, n_bins), margin, contested[r]
    margins = np.take(block, contested, axis=0)
    margins -= own_conf[:, None]
    lowest = floors.min()
    flat = np.flatnonzero(margins >= lowest)
    if margins.size < 2**31:
        flat = flat.astype(np.int32)
    r = flat // n_classes
    cell = table.compact[own[r] * n_classes + (flat - r * n_classes)]
    keep = cell >= 0
    if not keep.all():
        flat, r, cell = flat[keep], r[keep], cell[keep]
    margin = margins.ravel()[flat]
    if floors.max() > lowest:  # floors differ by cell
        keep = margin >= floors[cell]
        if not keep.all():
            cell, r, margin = cell[keep], r[keep], margin[keep]
    return cell, _bins(margin, n_bins), margin, contested[r]


def _histogram_block(
    block: np.ndarray,
    given: np.ndarray,
    argmax: np.ndarray | None,
    self_conf: np.ndarray | None,
    table: _CellTable,
    n_bins: int,
    floors: np.ndarray,
    fast: bool,
) -> np.ndarray:
    """Chunk step of pass 1 when the pairs are not kept: the histogram keys of
    :func:`_pairs`."""
    cell, bins, _, _ = _pairs(block, given, argmax, self_conf, table, n_bins, floors, fast)
    return _histogram_keys(cell, bins, n_bins)


def _split_at_cut(
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], cut: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rows of the pairs above their cell's cut bin, and the pairs inside it as
    ``(cell, -margin, row)``."""
    cell, bins, margin, row = pairs
    cell_cut = cut[cell]
    inside = bins == cell_cut
    return row[bins > cell_cut], cell[inside], -margin[inside], row[inside]


def _boundary_block(
    block: np.ndarray,
    given: np.ndarray,
    argmax: np.ndarray | None,
    self_conf: np.ndarray | None,
    table: _CellTable,
    n_bins: int,
    floors: np.ndarray,
    fast: bool,
    cut: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Chunk step of pass 2 when the pairs are not kept (rows are positions in the block)."""
    pairs = _pairs(block, given, argmax, self_conf, table, n_bins, floors, fast)
    return _split_at_cut(pairs, cut)


def _pairs_block(
    block: np.ndarray, given: np.ndarray, pairs: list[tuple[int, int]]
) -> list[np.ndarray]:
    """``p[j] - p[k]`` of the block's rows labelled ``k``, for each ``(k, j)``."""
    return [block[given == k, j] - block[given == k, k] for k, j in pairs]


def exact_cells(
    problem: Problem, stats: ConfidentPass, cells: list[tuple[int, int, int]]
) -> Iterator[np.ndarray]:
    """For each ``(k, j, m)``: the rows of class ``k`` with the ``m`` largest ``p[j] - p[k]``
    (the full column, exact)."""
    if not cells:
        return
    rows_of = problem.rows
    if not rows_of.out_of_core:  # in memory: one gather per cell
        for k, j, m in cells:
            rows = stats.index.rows(k)
            yield rows[smallest_k(-rows_of.column_pairs(rows, j, k), m)]
        return
    pairs = [(k, j) for k, j, _ in cells]
    parts: list[list[np.ndarray]] = [[] for _ in pairs]
    for _, values in rows_of.map(_pairs_block, problem.labels, args=(pairs,)):
        for part, value in zip(parts, values, strict=True):
            part.append(value)
    for (k, _, m), part in zip(cells, parts, strict=True):
        yield stats.index.rows(k)[smallest_k(-np.concatenate(part), m)]


#: Histogram size for all cells together (bins per cell = this // cells, within limits).
_HISTOGRAM_BINS = 1 << 21
#: In memory, pass 1's pairs are kept for pass 2 while they take at most this fraction
#: of the bytes of ``pred_probs``.
_KEEP_PAIRS_FRACTION = 0.5


#: In memory, a cut pass whose kept pairs number at most this many (and at most an
#: eighth of the histogram's size) sorts them all instead of building the histogram.
_DIRECT_SORT_PAIRS = 1 << 16


class _Pairs:
    """Pass 1's pairs, kept in memory while they take at most ``budget`` bytes (so
    pass 2 needs no second read of ``pred_probs``), and their histogram (built from the
    kept pairs only when asked, or once they no longer fit)."""

    def __init__(self, n_cells: int, n_bins: int, budget: int) -> None:
        self.n_bins, self.budget = n_bins, budget
        self.histogram = CellCounter(n_cells * n_bins)
        self.kept: list[tuple[np.ndarray, ...]] | None = []
        self.n_pairs = 0
        self._bytes = 0
        self._counted = False

    def add(self, rows: slice, pairs: tuple[np.ndarray, ...]) -> None:
        cell, bins, margin, row = pairs
        self.n_pairs += cell.size
        if self.kept is not None:
            self._bytes += sum(a.nbytes for a in pairs)
            if self._bytes <= self.budget:
                self.kept.append((cell, bins, margin, row + rows.start))
                return
            self._count_kept()
            self.kept = None
        self.histogram.add(_histogram_keys(cell, bins, self.n_bins))

    def _count_kept(self) -> None:
        if not self._counted:
            for cell, bins, _, _ in self.kept or ():
                self.histogram.add(_histogram_keys(cell, bins, self.n_bins))
            self._counted = True

    def sort_all(self) -> bool:
        """Whether sorting every kept pair is cheaper than the histogram."""
        size = self.histogram.counts.size
        return self.kept is not None and self.n_pairs <= min(_DIRECT_SORT_PAIRS, size // 8)

    def table(self) -> np.ndarray:
        self._count_kept()
        return self.histogram.total().reshape(-1, self.n_bins)


def _histogram_keys(cell: np.ndarray, bins: np.ndarray, n_bins: int) -> np.ndarray:
    """Unsigned ``cell * n_bins + bin`` keys, summed by a :class:`CellCounter`."""
    wide = cell.dtype.itemsize > 4 or (int(cell.max(initial=0)) + 1) * n_bins >= 2**32
    keys = cell.astype(np.uint64 if wide else np.uint32)
    np.multiply(keys, n_bins, out=keys)
    np.add(keys, bins, out=keys)
    return keys


#: Values (rows x classes) sampled to choose the margin floors (at most 1/8 of the rows).
_FLOOR_SAMPLE = 1 << 21
#: A cell expected to have at least ``_OWN_FLOOR_SAMPLES`` of its wanted margins in the
#: sample (``e``: its ``want`` times the sampled fraction) gets a floor of its own: the
#: ``r``-th largest of its sampled margins, ``r = scale * e + sigmas * sqrt(e) + slack``,
#: about its ``want``-th largest margin lowered by ``sigmas`` standard deviations of the
#: sample count (more: fewer cells retried; fewer: fewer pairs kept), so it keeps at most
#: about twice its ``want``.
_OWN_FLOOR_SAMPLES = 32
_PAIRS_PER_WANTED = 1.0
_FLOOR_SIGMAS = 4.0
_FLOOR_SLACK = 8
#: The other cells share one floor, which keeps about this many of their pairs per
#: example they want (a sample is too thin to place each one's cut).
_SHARED_PAIRS_PER_WANTED = 8


def _margin_floors(
    problem: Problem, stats: ConfidentPass, table: _CellTable, want: np.ndarray
) -> np.ndarray:
    """Per cell, a margin below which its pairs are (very likely) not needed, in the
    working dtype, estimated on a regular sample of rows: a floor of its own for a cell
    that wants many examples, one shared floor for the others; 0 (keep every pair) for
    small or out-of-core inputs, or where the sample has too few margins. Any floor is
    exact: a cell it leaves short is redone without it."""
    n, rows_of = problem.n, problem.rows
    floors = np.zeros(want.size, dtype=rows_of.dtype)
    n_sample = max(_FLOOR_SAMPLE // problem.n_classes, 1)
    if not isinstance(rows_of, Rows) or rows_of.out_of_core or n < 8 * n_sample:
        return floors
    sample = np.arange(0, n, n // n_sample)
    block = rows_of.take(sample)
    given = problem.labels[sample]
    cell, _, margin, _ = _pairs(block, given, stats.argmax[sample], None, table, 2, floors)
    expected = want * (sample.size / n)
    own = expected >= _OWN_FLOOR_SAMPLES
    if own.any():
        rank = _PAIRS_PER_WANTED * expected + _FLOOR_SIGMAS * np.sqrt(expected) + _FLOOR_SLACK
        rank = np.maximum(np.ceil(rank), 1).astype(np.intp)
        order = _cell_value_order(cell, -margin)  # by cell, then largest margin first
        by_cell, ranked = cell[order], margin[order]
        numbers = np.arange(want.size)
        start = np.searchsorted(by_cell, numbers, side="left")
        own &= np.searchsorted(by_cell, numbers, side="right") - start >= rank
        floors[own] = ranked[start[own] + rank[own] - 1]
    shared = margin[~own[cell]]
    keep = int(_SHARED_PAIRS_PER_WANTED * want[~own].sum() * sample.size / n) + 1
    if shared.size > keep:
        floors[~own] = np.partition(shared, shared.size - keep)[shared.size - keep]
    return floors


def boundary_cut(
    problem: Problem,
    stats: ConfidentPass,
    cells: np.ndarray,
    want: np.ndarray,
    mask: np.ndarray,
    chunk_size: int | None,
) -> np.ndarray:
    """Mark the largest margins of each cell; return which cells need the exact fallback.

    A first try keeps only each cell's margins at or above its floor
    (:func:`_margin_floors`): a cell with at least ``want`` of them is decided from those
    alone, since every margin left out is strictly smaller (if it is still short, equal
    margins at its cut make it so, and they would without the floor too); the cells with
    fewer are redone with every margin.
    """
    table = _CellTable.build(cells, problem.n_classes)
    if table.columns is not None:  # few quota columns per class: the pairs are few anyway
        floors = np.zeros(cells.size, dtype=problem.rows.dtype)
    else:
        floors = _margin_floors(problem, stats, table, want)
    short, starved = _cut_pass(problem, stats, cells, want, mask, chunk_size, floors, table=table)
    retry = np.flatnonzero(short & starved & (floors > 0))
    if retry.size:
        again, _ = _cut_pass(
            problem,
            stats,
            cells[retry],
            want[retry],
            mask,
            chunk_size,
            np.zeros_like(floors[retry]),
        )
        short[retry] = again
    return short


def _cut_pass(
    problem: Problem,
    stats: ConfidentPass,
    cells: np.ndarray,
    want: np.ndarray,
    mask: np.ndarray,
    chunk_size: int | None,
    floors: np.ndarray,
    *,
    table: _CellTable | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Mark the largest margins (at least the cell's floor) of each cell; return which cells
    are not finished (too few margins above the floor, or ties at the cut), and which
    had fewer than ``want`` margins at or above the floor.

    Pass 1 counts each cell's margins by bin; the bin holding the ``want``-th largest
    (``cut``) follows. Pass 2 marks every pair above that bin (they are chosen whatever
    the order of ties) and keeps the pairs inside it, which are sorted to finish the cell.
    In memory, pass 2 reuses pass 1's pairs when they fit in half the size of
    ``pred_probs``; out of core (or when they do not fit) it reads the rows again. When
    pass 1 kept few pairs (:data:`_DIRECT_SORT_PAIRS`) they are all sorted at once, with
    no histogram. The pass runs on one thread when it reads only a few columns per row.
    """
    n_classes, labels, rows_of = problem.n_classes, problem.labels, problem.rows
    rowwise = (stats.argmax, stats.self_conf)
    n_bins = int(np.clip(_HISTOGRAM_BINS // cells.size, 16, 4096))
    fast = use_kernels(problem.n, n_classes, rows_of.dtype, out_of_core=rows_of.out_of_core)
    if table is None:  # the caller's table numbers exactly these cells
        table = _CellTable.build(cells, n_classes)
    if table.columns is not None and isinstance(rows_of, Rows):
        rows_of = rows_of.serial()  # a few values per contested row: too light for threads
    args: tuple[Any, ...] = (table, n_bins, floors)
    budget = 0 if rows_of.out_of_core else int(problem.pred_probs.nbytes * _KEEP_PAIRS_FRACTION)
    found = _Pairs(cells.size, n_bins, budget)
    if rows_of.out_of_core:
        for _, keys in rows_of.map(
            _histogram_block, labels, args=(*args, fast), rowwise=rowwise, chunk_size=chunk_size
        ):
            found.histogram.add(keys)
        found.kept = None
    else:
        for rows, pairs in rows_of.map(
            _pairs, labels, args=(*args, fast), rowwise=rowwise, chunk_size=chunk_size
        ):
            found.add(rows, pairs)
        if found.sort_all() and found.kept is not None:
            cell, _, margin, row = (np.concatenate(p) for p in zip(*found.kept, strict=True))
            starved = np.bincount(cell, minlength=cells.size) < want
            return _finish_cut([(cell, -margin, row)], cells.size, want, mask), starved
    above = np.cumsum(found.table()[:, ::-1], axis=1)[:, ::-1]  # pairs in bins >= b
    cut = np.maximum((above >= want[:, None]).sum(axis=1) - 1, 0)
    over = np.minimum(cut + 1, n_bins - 1)
    need = want - np.where(cut + 1 < n_bins, above[np.arange(cells.size), over], 0)
    cut = cut.astype(np.uint16)
    parts = []
    if found.kept is not None:
        for cell, bins, margin, row in found.kept:
            above_rows, inside_cell, value, inside_row = _split_at_cut(
                (cell, bins, margin, row), cut
            )
            mask[above_rows] = True
            parts.append((inside_cell, value, inside_row))
    else:
        for rows, (above_rows, c, value, row) in rows_of.map(
            _boundary_block, labels, args=(*args, fast, cut), rowwise=rowwise, chunk_size=chunk_size
        ):
            mask[above_rows + rows.start] = True
            parts.append((c, value, row + rows.start))
    return _finish_cut(parts, cells.size, need, mask), above[:, 0] < want


def _finish_cut(
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    n_cells: int,
    need: np.ndarray,
    mask: np.ndarray,
) -> np.ndarray:
    """Mark the ``need`` best pairs inside each cell's cut bin; return the cells whose
    choice is not determined (too few pairs, equal margins at the cut, or a cut at 0)."""
    c, value, row = (np.concatenate(p) for p in zip(*parts, strict=True))
    order = _cell_value_order(c, value)
    c, value, row = c[order], value[order], row[order]
    start = np.searchsorted(c, np.arange(n_cells), side="left")
    found = np.searchsorted(c, np.arange(n_cells), side="right") - start
    direct = found >= need
    last = np.where(direct, start + need - 1, 0)
    tied = direct & (found > need)
    tied[tied] = value[last[tied] + 1] == value[last[tied]]
    direct &= ~tied
    direct[direct] = value[last[direct]] != 0
    if direct.any():
        lengths = need[direct]
        offsets = np.repeat(start[direct] - np.cumsum(lengths) + lengths, lengths)
        mask[row[offsets + np.arange(lengths.sum())]] = True
    return ~direct
