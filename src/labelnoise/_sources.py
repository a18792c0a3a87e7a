"""Where ``pred_probs`` come from: arrays in memory, ``.npy`` files, memory maps, Parquet.

Everything downstream reads ``pred_probs`` through :class:`Rows`, one block of rows at a
time. For an array in memory a block is a view. For an *out-of-core* source (a path, or a
``numpy.memmap``) a block is a fresh copy in the working float dtype, renormalized when
validation asked for it, and the memory map's pages behind it are handed back to the
operating system right away, so resident memory stays bounded by the block, not the file.
Every computation is row-wise, so blocks give exactly the in-memory result. With
``n_jobs > 1`` the blocks are computed on a thread pool (numpy releases the GIL in its
loops) and handed back in row order, so callers aggregate them exactly as they would
one at a time: the result is bit-identical whatever ``n_jobs`` and the block size.

A Parquet file is converted once, row group by row group, into a temporary ``.npy`` file
that is unlinked as soon as it is mapped (its space is freed when the map is dropped);
random access (a class's rows, the contested rows) then works as for ``.npy``.
"""

from __future__ import annotations

import copy
import mmap
import os
import tempfile
import weakref
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from labelnoise._chunks import row_chunks
from labelnoise._errors import InputError, InputTypeError

__all__ = [
    "RowReader",
    "Rows",
    "is_dask",
    "is_out_of_core",
    "open_out_of_core",
    "per_row",
    "renormalize_rows",
]

_NPY = (".npy",)
_PARQUET = (".parquet", ".pq")
# memmap modes whose pages can be dropped without losing data (shared mappings);
# "c" (copy-on-write) keeps private changes in the pages, so they must stay.
_SHARED_MODES = ("r", "r+", "w+")


def is_dask(value: Any) -> bool:
    """Whether ``value`` is a Dask collection (checked without importing dask)."""
    return hasattr(value, "__dask_graph__") and hasattr(value, "chunks")


def is_out_of_core(value: Any) -> bool:
    """Whether ``value`` names a file or is a memory map (read block by block)."""
    return isinstance(value, str | os.PathLike | np.memmap)


def open_out_of_core(value: Any) -> np.ndarray:
    """Open a path (``.npy`` or Parquet) as a read-only memory map; pass memmaps through."""
    if isinstance(value, np.memmap):
        return value
    path = Path(os.fspath(value))
    suffix = path.suffix.lower()
    if suffix not in _NPY + _PARQUET:
        raise InputError(
            "pred_probs",
            f"unsupported file extension {suffix or '(none)'!r} for {str(path)!r}; pass a "
            ".npy file (np.save) or a .parquet file with one column per class.",
        )
    if not path.is_file():
        raise InputError(
            "pred_probs",
            f"file {str(path)!r} does not exist; check the path (relative paths are "
            f"resolved from {os.getcwd()!r}).",
        )
    if suffix in _PARQUET:
        return _parquet_as_memmap(path)
    try:
        return np.load(path, mmap_mode="r", allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise InputError(
            "pred_probs",
            f"could not read {str(path)!r} as a .npy array ({exc}); save a numeric (n, K) "
            "array with np.save.",
        ) from exc


# --------------------------------------------------------------------------- Parquet


def _parquet_layout(schema: Any, path: Path) -> tuple[bool, int | None, np.dtype]:
    """``(is_list_column, K or None, numpy dtype)`` of a probability Parquet file."""
    import pyarrow as pa

    def numeric(arrow_type: Any) -> np.dtype:
        if not (pa.types.is_floating(arrow_type) or pa.types.is_integer(arrow_type)):
            raise InputTypeError(
                "pred_probs",
                f"Parquet column type {arrow_type} in {str(path)!r} is not numeric; store "
                "probabilities as float columns (one per class) or one list<float> column.",
            )
        return np.dtype(arrow_type.to_pandas_dtype())

    types = [field.type for field in schema]
    if len(types) == 1 and (pa.types.is_list(types[0]) or pa.types.is_large_list(types[0])):
        return True, None, numeric(types[0].value_type)
    if len(types) == 1 and pa.types.is_fixed_size_list(types[0]):
        return True, int(types[0].list_size), numeric(types[0].value_type)
    return False, len(types), np.result_type(*(numeric(t) for t in types))


def _batch_block(batch: Any, is_list: bool, n_classes: int | None, dtype: np.dtype) -> Any:
    """One record batch as a C-ordered ``(rows, K)`` array; checks nulls and list lengths."""
    import pyarrow as pa

    columns = batch.columns
    if any(column.null_count for column in columns):
        raise InputError(
            "pred_probs", "the Parquet file has missing (null) values; fill or drop them."
        )
    if not is_list:
        return np.column_stack([c.to_numpy(zero_copy_only=False) for c in columns]).astype(
            dtype, copy=False
        )
    column = columns[0]
    if isinstance(column, pa.FixedSizeListArray):
        values = column.flatten().to_numpy(zero_copy_only=False)
        return values.astype(dtype, copy=False).reshape(len(column), -1)
    lengths = np.diff(column.offsets.to_numpy())
    width = n_classes if n_classes is not None else int(lengths[0]) if lengths.size else 0
    if np.any(lengths != width):
        raise InputError(
            "pred_probs",
            f"the Parquet list column has rows of different lengths ({int(lengths.min())} to "
            f"{int(lengths.max())}); every row needs one probability per class.",
        )
    values = column.flatten().to_numpy(zero_copy_only=False)
    return values.astype(dtype, copy=False).reshape(len(column), width)


def _parquet_as_memmap(path: Path) -> np.ndarray:
    """Copy a Parquet file batch by batch into an unlinked temporary ``.npy``; map it."""
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "reading pred_probs from Parquet needs pyarrow: pip install 'labelnoise[parquet]'"
        ) from exc
    try:
        source = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises its own error types for a broken file
        raise InputError("pred_probs", f"could not read {str(path)!r} as Parquet ({exc}).") from exc
    is_list, n_classes, dtype = _parquet_layout(source.schema_arrow, path)
    n_rows = source.metadata.num_rows
    handle, name = tempfile.mkstemp(prefix="labelnoise-", suffix=".npy")
    try:
        with os.fdopen(handle, "wb") as out:
            # Header last: the list width is only known from the first batch.
            header_at = out.tell()
            header = {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": False}
            np.lib.format.write_array_header_2_0(out, {**header, "shape": (n_rows, 0)})
            data_at = out.tell()
            width = n_classes
            rows_per_batch = max(1, (8 << 20) // (max(1, n_classes or 64) * dtype.itemsize))
            for batch in source.iter_batches(batch_size=rows_per_batch):
                block = _batch_block(batch, is_list, width, dtype)
                width = block.shape[1]
                block.tofile(out)
            out.seek(header_at)
            np.lib.format.write_array_header_2_0(out, {**header, "shape": (n_rows, width or 0)})
            if out.tell() != data_at:  # pragma: no cover - same-width headers are padded alike
                raise RuntimeError("Parquet header size changed while converting")
        array = np.load(name, mmap_mode="r")
    except BaseException:
        os.unlink(name)
        raise
    try:
        os.unlink(name)  # POSIX: the map keeps the data until it is dropped
    except OSError:  # pragma: no cover - Windows cannot unlink an open file
        weakref.finalize(array, _remove, name)
    return array


def _remove(name: str) -> None:  # pragma: no cover - Windows only
    try:
        os.unlink(name)
    except OSError:
        pass


# --------------------------------------------------------------------------- block access


def _byte_bounds(view: np.ndarray) -> tuple[int, int]:
    """First and one-past-last byte address spanned by an array view."""
    low = high = int(view.__array_interface__["data"][0])
    for extent, stride in zip(view.shape, view.strides, strict=True):
        if extent == 0:
            return low, low
        reach = stride * (extent - 1)
        low, high = (low + reach, high) if reach < 0 else (low, high + reach)
    return low, high + view.itemsize


class _PageRelease:
    """Hands the pages of a memory-mapped range back to the OS (``MADV_DONTNEED``).

    Only for shared mappings, whose pages are re-read from the file on the next access;
    a no-op where the platform has no ``madvise``.
    """

    def __init__(self, array: Any) -> None:
        self._map = array._mmap
        probe = np.frombuffer(self._map, dtype=np.uint8)
        self._base = int(probe.__array_interface__["data"][0])
        self._size = len(self._map)
        del probe  # releases the buffer export so the map can be closed later

    @staticmethod
    def applies(array: np.ndarray) -> bool:
        return (
            isinstance(array, np.memmap)
            and getattr(array, "_mmap", None) is not None
            and getattr(array, "mode", None) in _SHARED_MODES
            and hasattr(mmap.mmap, "madvise")
            and hasattr(mmap, "MADV_DONTNEED")
            and array.size > 0
        )

    def __call__(self, view: np.ndarray) -> None:
        low, high = _byte_bounds(view)
        start = low - self._base
        start -= start % mmap.PAGESIZE
        stop = min(high - self._base, self._size)
        if 0 <= start < stop:
            self._map.madvise(mmap.MADV_DONTNEED, start, stop - start)


def per_row(block: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """``block[i, columns[i]]`` for every row of a block (a flat gather: 2x faster than
    ``block[np.arange(n), columns]`` on a C-ordered block)."""
    n_rows, n_cols = block.shape
    if not block.flags.c_contiguous:
        return block[np.arange(n_rows), columns]
    flat = np.arange(0, n_rows * n_cols, n_cols, dtype=np.intp)
    flat += columns
    return block.reshape(-1)[flat]


def renormalize_rows(block: np.ndarray) -> np.ndarray:
    """Clip to [0, 1] and divide each row by its sum, in place (as validation's full copy)."""
    np.clip(block, 0.0, 1.0, out=block)
    block /= block.sum(axis=1, keepdims=True)
    return block


class RowReader(Protocol):
    """What the passes need from a block reader: :class:`Rows` here, ``DaskRows`` in
    :mod:`labelnoise.distributed`."""

    out_of_core: bool
    dtype: np.dtype
    renormalize: bool

    @property
    def shape(self) -> tuple[int, int]: ...

    def map(
        self,
        func: Callable[..., Any],
        labels: np.ndarray | None = None,
        *,
        args: tuple[Any, ...] = (),
        rowwise: tuple[np.ndarray, ...] = (),
        chunk_size: int | None = None,
    ) -> Iterator[tuple[slice, Any]]: ...

    def blocks(self, chunk_size: int | None = None) -> Iterator[tuple[slice, np.ndarray]]: ...

    def column_pairs(self, index: np.ndarray, j: int, k: int) -> np.ndarray: ...


class Rows:
    """Block-wise read access to a validated ``(n, K)`` probability matrix.

    Parameters
    ----------
    array : ndarray of shape (n, K)
        In memory (already validated and converted) or a memory map (raw file values).
    dtype : numpy dtype, optional
        Working dtype of the blocks (float32 or float64); default ``array.dtype``.
    renormalize : bool
        Clip each block to [0, 1] and divide its rows by their sums (out-of-core only;
        in memory, validation makes the renormalized copy once).
    chunk_size : int, optional
        Rows per block; default about :data:`labelnoise._chunks.DEFAULT_CHUNK_BYTES`.
    n_jobs : int, default=1
        Threads that compute blocks in :meth:`map` (results still come in row order).
    """

    def __init__(
        self,
        array: np.ndarray,
        *,
        dtype: Any = None,
        renormalize: bool = False,
        chunk_size: int | None = None,
        n_jobs: int = 1,
    ) -> None:
        self.array = array
        self.dtype = np.dtype(array.dtype if dtype is None else dtype)
        self.renormalize = renormalize
        self.chunk_size = chunk_size
        self.n_jobs = n_jobs
        self.out_of_core = isinstance(array, np.memmap)
        self._release = _PageRelease(array) if _PageRelease.applies(array) else None

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.array.shape[0]), int(self.array.shape[1]))

    def serial(self) -> Rows:
        """This reader on one thread: for a pass whose blocks are too light to share
        (handing a block to a thread and back costs more than reading a few values)."""
        if self.n_jobs == 1:
            return self
        one = copy.copy(self)
        one.n_jobs = 1
        return one

    def slices(self, chunk_size: int | None = None) -> Iterator[slice]:
        n, k = self.shape
        size = self.chunk_size if chunk_size is None else chunk_size
        return row_chunks(n, k, self.dtype.itemsize, chunk_size=size)

    def _finish(self, block: np.ndarray, source: np.ndarray | None) -> np.ndarray:
        """Convert a block read from ``source`` (a view into the map, when it needs a copy
        and a page release) to the working dtype, renormalized when asked."""
        if source is not None:
            block = np.array(block, dtype=self.dtype, order="C")
            if self._release is not None:
                self._release(source)
        elif block.dtype != self.dtype:
            block = block.astype(self.dtype)
        return renormalize_rows(block) if self.renormalize else block

    def read(self, rows: slice) -> np.ndarray:
        """Rows ``rows`` as a ``(len, K)`` array in the working dtype (a view in memory)."""
        view = self.array[rows]
        if self.renormalize and not self.out_of_core:
            view = view.copy()
        return self._finish(view, view if self.out_of_core else None)

    def take(self, index: np.ndarray) -> np.ndarray:
        """Rows at increasing positions ``index`` as a new ``(len(index), K)`` array."""
        block = np.asarray(self.array[index])
        if self.out_of_core and index.size:
            if self._release is not None:
                self._release(self.array[int(index[0]) : int(index[-1]) + 1])
        return self._finish(block, None)

    def blocks(self, chunk_size: int | None = None) -> Iterator[tuple[slice, np.ndarray]]:
        """``(rows, block)`` for consecutive row blocks covering every row."""
        for rows in self.slices(chunk_size):
            yield rows, self.read(rows)

    def map(
        self,
        func: Callable[..., Any],
        labels: np.ndarray | None = None,
        *,
        args: tuple[Any, ...] = (),
        rowwise: tuple[np.ndarray, ...] = (),
        chunk_size: int | None = None,
    ) -> Iterator[tuple[slice, Any]]:
        """The *chunk* step: ``(rows, func(block, labels[rows], *rowwise[rows], *args))`` for
        every block, in row order. Callers combine and aggregate the results.

        ``rowwise`` are per-row arrays the caller already has; a distributed reader may
        pass ``None`` for them instead, so ``func`` must be able to recompute them.
        With ``n_jobs > 1``, ``func`` runs on a thread pool, at most ``n_jobs + 1`` blocks
        ahead of the caller (so memory stays bounded by a few blocks); it must not write
        to shared state, only return its block's result.
        """

        def step(rows: slice) -> Any:
            given = None if labels is None else labels[rows]
            return func(self.read(rows), given, *(a[rows] for a in rowwise), *args)

        slices = list(self.slices(chunk_size))
        if self.n_jobs <= 1 or len(slices) < 2:
            for rows in slices:
                yield rows, step(rows)
            return
        ahead = self.n_jobs + 1
        pending: deque[tuple[slice, Future[Any]]] = deque()
        with ThreadPoolExecutor(max_workers=min(self.n_jobs, len(slices))) as pool:
            try:
                for rows in slices:
                    pending.append((rows, pool.submit(step, rows)))
                    if len(pending) >= ahead:
                        done, future = pending.popleft()
                        yield done, future.result()
                while pending:
                    done, future = pending.popleft()
                    yield done, future.result()
            finally:  # the caller stopped early or a block failed: drop what is queued
                for _, future in pending:
                    future.cancel()

    def column_pairs(self, index: np.ndarray, j: int, k: int) -> np.ndarray:
        """``p[index, j] - p[index, k]`` read block by block (no ``(len, K)`` temporary)."""
        if not self.out_of_core and not self.renormalize:
            return self.array[index, j] - self.array[index, k]
        parts = []
        step = max(1, next(iter(self.slices())).stop)
        for start in range(0, index.size, step):
            block = self.take(index[start : start + step])
            parts.append(block[:, j] - block[:, k])
        return np.concatenate(parts) if parts else np.empty(0, dtype=self.dtype)
