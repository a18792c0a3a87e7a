"""Row chunking: every pass over ``pred_probs`` walks it in blocks that fit in cache."""

from __future__ import annotations

from collections.abc import Iterator

__all__ = ["DEFAULT_CHUNK_BYTES", "row_chunks"]

#: Target size of one block of rows; a few MiB keeps temporaries in the last-level cache.
DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024


def row_chunks(
    n_rows: int, n_cols: int, itemsize: int, *, chunk_size: int | None = None
) -> Iterator[slice]:
    """Yield consecutive row slices covering ``range(n_rows)``.

    ``chunk_size`` is a row count; by default it is chosen so one block of
    ``n_cols * itemsize``-byte rows takes about :data:`DEFAULT_CHUNK_BYTES`.
    """
    if chunk_size is None:
        chunk_size = max(1, DEFAULT_CHUNK_BYTES // max(1, n_cols * itemsize))
    for start in range(0, n_rows, chunk_size):
        yield slice(start, min(start + chunk_size, n_rows))
