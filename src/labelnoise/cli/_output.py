"""Output files: checked before any work, written atomically, never silently replaced."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from labelnoise._atomic import write_atomic as _write_atomic
from labelnoise.cli._errors import BadInput

__all__ = ["FORMULA_PREFIXES", "claim_output", "csv_text", "write_atomic"]

#: A text cell starting with one of these is a formula to a spreadsheet (OWASP's list).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def claim_output(path: Path, *, option: str, force: bool, inputs: Iterable[Path] = ()) -> Path:
    """Check that ``path`` may be written, before the (possibly slow) work starts.

    Parameters
    ----------
    path : Path
        The output file.
    option : str
        How the user named it, for messages (``"--out"``).
    force : bool
        Whether an existing file may be replaced.
    inputs : iterable of Path
        Input files, which are never overwritten, not even with ``--force``.

    Returns
    -------
    Path
        ``path``, unchanged.
    """
    resolved = path.resolve()
    if any(resolved == Path(source).resolve() for source in inputs):
        raise BadInput(f"{option} {path} is also an input file; choose another output path.")
    if path.is_dir():
        raise BadInput(f"{option} {path} is a directory; give a file name such as {path}/out.")
    if path.exists() and not force:
        raise BadInput(f"{option} {path} already exists; pass --force to overwrite it.")
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise BadInput(f"{option} {path}: {parent} is a file, not a directory.")
    return path


def write_atomic(path: Path, data: bytes | str, *, force: bool = False) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one.

    See :func:`labelnoise._atomic.write_atomic`: a temporary file beside ``path``,
    flushed, then moved into place (``os.replace`` with ``force``; otherwise a hard link,
    which refuses to replace a file created meanwhile). Missing parent directories are
    created; stale temporary files of earlier, killed runs are removed.

    Parameters
    ----------
    path : Path
        Destination.
    data : bytes or str
        Content; ``str`` is encoded as UTF-8.
    force : bool, default=False
        Replace an existing file.
    """
    try:
        _write_atomic(path, data, overwrite=force)
    except FileExistsError:
        raise BadInput(f"{path} already exists; pass --force to overwrite it.") from None


def _defused(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_text(frame: pd.DataFrame, *, sep: str = ",") -> str:
    """``frame`` as CSV text (no index) that spreadsheets will not run as formulas.

    Every text cell, and every column name, that starts with ``=``, ``+``, ``-``, ``@``,
    a tab or a carriage return gets a leading single quote (OWASP's rule against CSV
    injection). Numeric columns are written as they are, so negative numbers stay numbers.
    When a text cell holds a carriage return, every text cell is quoted (pandas would
    write it bare, and readers would end the row there).

    Parameters
    ----------
    frame : DataFrame
    sep : str, default=","
        Field separator (``"\\t"`` for TSV).

    Returns
    -------
    str
    """
    safe = frame.copy()
    bare_cr = False
    for position in range(safe.shape[1]):  # by position: column names may repeat
        values = safe.iloc[:, position]
        if not pd.api.types.is_numeric_dtype(values):
            values = values.map(_defused)
            safe.isetitem(position, values)
            bare_cr = bare_cr or any(isinstance(v, str) and "\r" in v for v in values)
    safe.columns = [_defused(name) for name in safe.columns]
    # pandas leaves a carriage return unquoted, and readers would split the row there
    quoting = csv.QUOTE_NONNUMERIC if bare_cr else csv.QUOTE_MINIMAL
    return safe.to_csv(index=False, sep=sep, quoting=quoting)
