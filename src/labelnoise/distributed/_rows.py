"""``DaskRows``: the block reader of :mod:`labelnoise._sources`, backed by a Dask array.

Every pass of the core is written as a *chunk* function applied to each row block, whose
results the caller *combines* (sums of counts, per-row vectors put in place) and then
*aggregates* on the client (thresholds, calibration, selection). :class:`DaskRows` runs
the chunk step as one task per row chunk of the Dask array with ``dask.compute``, so it
uses whatever scheduler is active, and hands the results back in row order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import dask
import dask.array as da
import numpy as np

from labelnoise._errors import InputError
from labelnoise._sources import renormalize_rows

__all__ = ["DaskRows", "dask_rows"]


def _run_block(
    func: Callable[..., Any],
    block: np.ndarray,
    given: np.ndarray | None,
    dtype: np.dtype,
    renormalize: bool,
    n_rowwise: int,
    args: tuple[Any, ...],
) -> Any:
    """On a worker: convert the block as validation decided, then run the chunk step.

    Per-row vectors the client holds are not shipped: the chunk step gets ``None`` for
    them and recomputes them from the block.
    """
    block = np.array(block, dtype=dtype, order="C")
    if renormalize:
        renormalize_rows(block)
    return func(block, given, *([None] * n_rowwise), *args)


def _identity(block: np.ndarray, given: Any) -> np.ndarray:
    return block


class DaskRows:
    """Row blocks of a ``(n, K)`` Dask array (one block per row chunk, all K columns).

    Parameters
    ----------
    array : dask.array.Array of shape (n, K)
        Rechunked so every chunk holds all columns.
    dtype : numpy dtype
        Working float dtype of the blocks.
    renormalize : bool
        Clip and renormalize each block on the worker.
    """

    out_of_core = True
    chunk_size = None

    def __init__(self, array: Any, *, dtype: Any, renormalize: bool = False) -> None:
        self.array = array
        self.dtype = np.dtype(dtype)
        self.renormalize = renormalize
        self._bounds = np.cumsum((0, *array.chunks[0]))

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.array.shape[0]), int(self.array.shape[1]))

    def with_options(self, *, dtype: Any, renormalize: bool) -> DaskRows:
        return DaskRows(self.array, dtype=dtype, renormalize=renormalize)

    def map(
        self,
        func: Callable[..., Any],
        labels: np.ndarray | None = None,
        *,
        args: tuple[Any, ...] = (),
        rowwise: tuple[np.ndarray, ...] = (),
        chunk_size: int | None = None,
    ) -> Iterator[tuple[slice, Any]]:
        """Run ``func`` on every row chunk with the active Dask scheduler (see
        :meth:`labelnoise._sources.Rows.map`); ``chunk_size`` is the Dask array's."""
        blocks = self.array.to_delayed().ravel()
        if labels is None:
            given: list[Any] = [None] * len(blocks)
        else:
            codes = da.from_array(labels, chunks=(self.array.chunks[0],))
            given = list(codes.to_delayed().ravel())
        run = dask.delayed(_run_block, pure=True)
        tasks = [
            run(func, block, g, self.dtype, self.renormalize, len(rowwise), args)
            for block, g in zip(blocks, given, strict=True)
        ]
        results = dask.compute(*tasks)
        for i, result in enumerate(results):
            yield slice(int(self._bounds[i]), int(self._bounds[i + 1])), result

    def blocks(self, chunk_size: int | None = None) -> Iterator[tuple[slice, np.ndarray]]:
        """Each row chunk, converted, brought to the client (moves the whole matrix: only
        for detectors that need ``pred_probs`` in memory)."""
        for i, block in enumerate(self.array.to_delayed().ravel()):
            rows = slice(int(self._bounds[i]), int(self._bounds[i + 1]))
            yield (
                rows,
                _run_block(_identity, block.compute(), None, self.dtype, self.renormalize, 0, ()),
            )

    def column_pairs(self, index: np.ndarray, j: int, k: int) -> np.ndarray:
        raise NotImplementedError("out of core: map a chunk step over the blocks instead")


def dask_rows(pred_probs: Any) -> DaskRows:
    """Wrap a 2-D Dask array (rechunked to whole rows) for validation to read."""
    if pred_probs.ndim == 2 and any(np.isnan(size) for size in pred_probs.shape):
        raise InputError(
            "pred_probs",
            "is a Dask array with unknown chunk sizes; call pred_probs.compute_chunk_sizes() "
            "first.",
        )
    array = pred_probs.rechunk({1: -1}) if pred_probs.ndim == 2 else pred_probs
    return DaskRows(array, dtype=pred_probs.dtype)
