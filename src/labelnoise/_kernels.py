"""Compiled row loops for the passes over ``pred_probs`` (optional: numba, extra ``fast``).

numpy applies each pass's per-row rules as several vector operations over a block, each
with its own temporary; with few columns (K = 10) those operations cost more than reading
the block. The kernels here apply the same rules in one loop per row, with the same
dtypes and the same comparisons, so they return exactly what the numpy chunk steps
return (``tests/test_kernels.py`` holds them equal, and the whole pipeline's results are
compared with both paths). They are the fast path when numba is installed, the input is
in memory, the rows are many (:data:`MIN_ROWS`: numba's import and the load of its
cached machine code cost about 0.5 s once per process, which two or three calls of
``estimate_noise``, or about four of ``find_label_issues``, on 4 million rows win back)
and the classes few (:data:`MAX_CLASSES`: with more columns numpy's
vectorized ``argmax`` is as fast as a compiled scalar loop); both measured by
``benchmarks/kernels.py``.

The environment variable ``LABELNOISE_KERNELS`` chooses: ``auto`` (the default, as
above), ``numpy`` (never compile) or ``numba`` (always, whatever the size; an error when
numba is missing).
"""

from __future__ import annotations

import importlib
import os
from functools import cache
from typing import Any

import numpy as np

from labelnoise._errors import InputError

__all__ = [
    "KERNELS_ENV",
    "MAX_CLASSES",
    "MIN_ROWS",
    "confident_block",
    "cut_pairs",
    "group_by_label",
    "numba_available",
    "rows_of_label",
    "use_kernels",
]

#: Environment variable that chooses the row loops: ``auto``, ``numpy`` or ``numba``.
KERNELS_ENV = "LABELNOISE_KERNELS"
#: ``auto`` compiles only for at least this many rows ...
MIN_ROWS = 1 << 22
#: ... and at most this many classes.
MAX_CLASSES = 32

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


@cache
def numba_available() -> bool:
    """Whether numba can be imported (asked once per process)."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def _setting() -> str:
    """The environment's choice (an :class:`InputError` names the variable and the fix)."""
    setting = os.environ.get(KERNELS_ENV, "auto").strip().lower() or "auto"
    if setting not in ("auto", "numpy", "numba"):
        raise InputError(
            KERNELS_ENV,
            f"the environment variable is {setting!r}, not one of 'auto', 'numpy', 'numba'; "
            "unset it or choose one of those.",
        )
    if setting == "numba" and not numba_available():
        raise InputError(
            KERNELS_ENV,
            "the environment variable asks for numba, which is not installed; "
            "pip install 'labelnoise[fast]' or unset it.",
        )
    return setting


def use_kernels(
    n_rows: int, n_classes: int | None = None, dtype: Any = None, *, out_of_core: bool = False
) -> bool:
    """Whether a pass over ``n_rows`` rows of ``n_classes`` columns of working ``dtype``
    (``None`` for both: a pass over the labels alone) runs the compiled loops. ``auto``
    keeps out-of-core passes on numpy: reading the file sets their pace, and numba's
    import and machine code add about 110 MiB to a process whose memory is meant to stay
    bounded by its blocks (``benchmarks/out_of_core.py``)."""
    setting = _setting()
    if setting == "numpy" or (dtype is not None and np.dtype(dtype) not in _FLOATS):
        return False
    if setting == "numba":
        return True
    if out_of_core or n_rows < MIN_ROWS:
        return False
    if n_classes is not None and n_classes > MAX_CLASSES:
        return False
    return numba_available()


def _compiled() -> Any:
    """The compiled loops (numba compiles them on first use, or loads its on-disk cache)."""
    return importlib.import_module("labelnoise._jit")  # numba is imported there, only there


def group_by_label(values: np.ndarray, labels: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """``values[np.argsort(labels, kind="stable")]`` by one scatter (no sort, no order):
    class ``k``'s values, in row order, at ``starts[k]:starts[k + 1]``."""
    return _compiled().group_by_label(values, labels, starts)


def rows_of_label(labels: np.ndarray, k: int, count: int) -> np.ndarray:
    """``np.flatnonzero(labels == k)`` in one pass, given the ``count`` of such rows."""
    return _compiled().rows_of_label(labels, k, count)


def _rows_of(block: np.ndarray) -> np.ndarray:
    return block if block.flags.c_contiguous else np.ascontiguousarray(block)


def confident_block(
    block: np.ndarray,
    given: np.ndarray,
    self_conf: np.ndarray | None,
    cut: np.ndarray,
    n_classes: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`labelnoise._pass.confident_block` in one loop per row (``self_conf`` is read
    from the block, where it came from): the same joint cells (counts when the block has
    at least ``K**2`` rows, else keys), flags and argmax."""
    del self_conf
    block = _rows_of(block)
    dense = given.size >= n_classes * n_classes
    bump = block.dtype.type(1e-6)
    counts, keys, off_diagonal, given_top, argmax = _compiled().confident_rows(
        block, given, cut, bump, dense
    )
    return (counts if dense else keys), off_diagonal, given_top, argmax


def cut_pairs(
    block: np.ndarray,
    given: np.ndarray,
    argmax: np.ndarray | None,
    compact: np.ndarray,
    columns: np.ndarray | None,
    ids: np.ndarray | None,
    n_bins: int,
    floors: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The pairs of ``labelnoise.detect``'s top-k cut in one loop per row: ``(cell, bin,
    margin, row in block)`` of every margin ``p[j] - p[label] >= floors[cell]`` in a cell
    with a number in ``compact`` (or, with ``columns``/``ids``, in those columns), among
    the rows whose argmax is not their label; in row order, then column order."""
    block = _rows_of(block)
    if argmax is None:
        argmax = block.argmax(axis=1)
    if columns is None or ids is None:
        columns = ids = np.zeros((1, 0), dtype=compact.dtype)
    kind = block.dtype.type
    floors = floors.astype(block.dtype, copy=False)
    return _compiled().margin_pairs(
        block, given, argmax, compact, columns, ids, kind(n_bins), n_bins - 1, floors
    )
