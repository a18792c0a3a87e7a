"""Reading the command line's input files (.npy, .csv/.tsv/.txt, .parquet); never writing them.

One header rule for every delimited file (:data:`HEADER_RULE`): the first line is the
header, as pandas reads it, unless the command was given ``--no-header``. It is never
guessed from the content.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from labelnoise.cli._errors import BadInput, one_line, warn

__all__ = [
    "HEADER_RULE",
    "check_rows",
    "is_delimited",
    "read_features",
    "read_frame",
    "read_labels",
    "read_pred_probs",
    "read_texts",
]

_DELIMITED = {".csv": ",", ".tsv": "\t", ".txt": ","}
_PARQUET = {".parquet", ".pq"}
_FORMATS = ".npy, .csv, .tsv or .parquet"


#: The one header rule of every delimited input (.csv, .tsv, .txt), quoted by --help.
HEADER_RULE = (
    "The first line of every .csv, .tsv or .txt input is its header (as pandas reads it), "
    "never data; pass --no-header when the files have no header line."
)


def is_delimited(path: Path) -> bool:
    """Whether ``path`` is read as text lines (.csv, .tsv, .txt), where the header rule applies."""
    return path.suffix.lower() in _DELIMITED


@contextmanager
def _reading(option: str, path: Path) -> Iterator[None]:
    """Turn parse failures of ``path`` into one-line :class:`BadInput`."""
    try:
        yield
    except ImportError as error:
        raise BadInput(
            f"{option} {path}: reading Parquet needs pyarrow; "
            "install it with pip install 'labelnoise[parquet]' or convert the file to CSV."
        ) from error
    except UnicodeDecodeError as error:
        raise BadInput(
            f"{option} {path}: not UTF-8 text (byte 0x{error.object[error.start]:02x} at "
            f"position {error.start}); save the file as UTF-8."
        ) from error
    except (ValueError, OSError, EOFError) as error:
        if isinstance(error, FileNotFoundError | PermissionError | IsADirectoryError):
            raise
        reason = one_line(str(error)) or type(error).__name__
        raise BadInput(f"{option} {path}: could not read the file ({reason[:160]}).") from error


def _is_number(text: Any) -> bool:
    try:
        float(str(text))
    except ValueError:
        return False
    return True


def _check_header(names: list[str], *, option: str, path: Path) -> None:
    """Refuse repeated column names; warn when the header looks like a row of data.

    The warning changes nothing (the first line stays the header): numbers other than
    pandas' default names ``0, 1, ...`` are unusual column names, so the user may have
    meant --no-header. A header of the default names is what pandas writes.
    """
    seen: set[str] = set()
    for name in names:
        if name in seen and name != "":
            raise BadInput(
                f"{option} {path}: the column name {name!r} appears more than once in the "
                "header (the first line); give every column its own name, or, if that line "
                "is data, pass --no-header."
            )
        seen.add(name)
    default = [str(i) for i in range(len(names))]
    if names and names != default and all(_is_number(name) for name in names):
        shown = ",".join(names[:4]) + (",..." if len(names) > 4 else "")
        warn(
            f"{option} {path}: its first line ({shown}) is read as the header, as for every "
            ".csv/.tsv/.txt input; if it is data, pass --no-header."
        )


def _read_delimited(path: Path, *, header: bool, option: str) -> pd.DataFrame:
    """Read CSV/TSV: the first line is the header when ``header`` (never guessed)."""
    sep = _DELIMITED[path.suffix.lower()]
    if not header:
        frame = pd.read_csv(path, sep=sep, header=None)
        frame.columns = [str(c) for c in frame.columns]
        return frame
    first = pd.read_csv(path, sep=sep, header=None, nrows=1, dtype=str, keep_default_na=False)
    _check_header(first.iloc[0].tolist() if first.shape[0] else [], option=option, path=path)
    return pd.read_csv(path, sep=sep, header=0)


def read_frame(
    path: Path,
    *,
    option: str,
    formats: str = ".csv, .tsv or .parquet",
    header: bool = True,
) -> pd.DataFrame:
    """Read a table from CSV/TSV or Parquet.

    Parameters
    ----------
    path : Path
        The file; its suffix picks the format.
    option : str
        The option or argument that named it, for messages.
    formats : str
        The accepted formats, for the message about any other suffix.
    header : bool, default=True
        Whether the first line of a CSV/TSV is its header (:data:`HEADER_RULE`); without
        one the columns are named ``"0"``, ``"1"``, ...

    Returns
    -------
    DataFrame
    """
    suffix = path.suffix.lower()
    if suffix not in (*_DELIMITED, *_PARQUET):
        raise BadInput(
            f"{option} {path}: unsupported file type {suffix or '(none)'!r}; use {formats}."
        )
    with _reading(option, path):
        if suffix in _PARQUET:
            frame = pd.read_parquet(path)
        else:
            frame = _read_delimited(path, header=header, option=option)
    if frame.shape[0] == 0:
        only = " (its only line is the header; pass --no-header if it is data)" if header else ""
        raise BadInput(f"{option} {path}: the table has no rows{only}.")
    return frame


def check_rows(
    first: tuple[str, Path, int], second: tuple[str, Path, int], *, header: bool
) -> None:
    """Name the file that likely has a header (or lacks one) when row counts differ by one.

    Parameters
    ----------
    first, second : (option, path, rows)
        Two inputs that must have one row per example.
    header : bool
        Whether the first line of delimited files was read as a header.

    Raises
    ------
    BadInput
        When the counts differ by exactly one and one of the files is delimited; other
        mismatches are left to the library's message.
    """
    if abs(first[2] - second[2]) != 1:
        return
    few, many = sorted((first, second), key=lambda item: item[2])
    # With a header read, a file without one lost its first row; without, a header is a row.
    suspect, other = (few, many) if header else (many, few)
    if not is_delimited(suspect[1]):
        suspect, other = other, suspect
    if not is_delimited(suspect[1]):
        return
    option, path, rows = suspect
    more = "fewer" if rows < other[2] else "more"
    if header:
        cause = (
            "its first line was read as the header (the rule for every .csv, .tsv and .txt "
            f"input); if {path.name} has no header line, pass --no-header"
        )
        if more == "more":
            cause = f"it may have an extra line (two header lines?); {cause}"
    else:
        cause = (
            f"with --no-header its first line is read as data; if {path.name} starts with a "
            "header line, drop --no-header"
        )
        if more == "fewer":
            cause = f"it may lack a line; {cause}"
    raise BadInput(
        f"{option} {path} has {rows:,} rows, one {more} than {other[0]} {other[1]} "
        f"({other[2]:,}): {cause}."
    )


def _read_npy(path: Path, *, option: str) -> np.ndarray:
    with _reading(option, path):
        return np.load(path, allow_pickle=False)


def _pick_column(frame: pd.DataFrame, column: str | None, *, option: str, path: Path) -> pd.Series:
    listed = ", ".join(map(str, frame.columns[:12])) + (", ..." if frame.shape[1] > 12 else "")
    if column is None:
        if frame.shape[1] == 1:
            return frame.iloc[:, 0]
        raise BadInput(
            f"{option} {path} has {frame.shape[1]} columns ({listed}); "
            "pick one with --label-column."
        )
    if column not in frame.columns:
        raise BadInput(f"{option} {path} has no column {column!r}; its columns are: {listed}.")
    return frame[column]


def _check_missing(values: pd.Series, *, what: str) -> np.ndarray:
    missing = values.isna().to_numpy()
    if missing.any():
        first = int(np.flatnonzero(missing)[0])
        raise BadInput(
            f"{what}: {int(missing.sum())} empty value(s), the first in row {first}; "
            "fill them in or drop those rows."
        )
    return values.to_numpy()


def read_labels(
    path: Path, *, option: str = "--labels", column: str | None = None, header: bool = True
) -> np.ndarray:
    """Read a 1-D label array from .npy, or one column of a table.

    Parameters
    ----------
    path : Path
        .npy (shape (n,) or (n, 1)), .csv/.tsv/.txt or .parquet.
    option : str, default="--labels"
        The option that named the file, for messages.
    column : str, optional
        Which table column holds the labels (needed when there are several).
    header : bool, default=True
        Whether the first line of a CSV/TSV is its header.

    Returns
    -------
    ndarray of shape (n,)
    """
    if path.suffix.lower() == ".npy":
        labels = _read_npy(path, option=option)
        if labels.ndim == 2 and labels.shape[1] == 1:
            labels = labels[:, 0]
        if labels.ndim != 1:
            raise BadInput(
                f"{option} {path}: expected a 1-D array of labels, got shape {labels.shape}."
            )
        return labels
    frame = read_frame(path, option=option, formats=_FORMATS, header=header)
    series = _pick_column(frame, column, option=option, path=path)
    return _check_missing(series, what=f"{option} {path} column {series.name!r}")


def read_pred_probs(
    path: Path, *, option: str = "--pred-probs", header: bool = True
) -> tuple[np.ndarray, list[str] | None]:
    """Read an (n, K) probability matrix and, from a table header, the class names.

    Parameters
    ----------
    path : Path
        .npy, or a table with one numeric column per class.
    option : str, default="--pred-probs"
        The option that named the file.
    header : bool, default=True
        Whether the first line of a CSV/TSV is its header.

    Returns
    -------
    pred_probs : ndarray of shape (n, K)
    names : list of K str, or None
        Column names of a table whose header is not just numbers (pandas writes a
        frame without column names with the header ``0,1,...``: no class names).
    """
    if path.suffix.lower() == ".npy":
        return _read_npy(path, option=option), None
    keep = "one probability column per class"
    frame = _numeric_frame(path, option=option, keep=keep, header=header)
    names = [str(c) for c in frame.columns]
    named = header and not all(_is_number(name) for name in names)
    return frame.to_numpy(), names if named else None


def read_features(path: Path, *, option: str = "--features", header: bool = True) -> np.ndarray:
    """Read an (n, d) feature matrix (embeddings): .npy, or a table of numeric columns.

    Parameters
    ----------
    path : Path
    option : str, default="--features"
        The option that named the file.
    header : bool, default=True
        Whether the first line of a CSV/TSV is its header.

    Returns
    -------
    ndarray of shape (n, d), or more dimensions for a .npy (flattened by the library)
    """
    if path.suffix.lower() == ".npy":
        return _read_npy(path, option=option)
    keep = "the numeric feature columns, one row per example"
    return _numeric_frame(path, option=option, keep=keep, header=header).to_numpy()


def _numeric_frame(path: Path, *, option: str, keep: str, header: bool) -> pd.DataFrame:
    """A table whose columns must all be numeric (the error says what to ``keep``)."""
    frame = read_frame(path, option=option, formats=_FORMATS, header=header)
    text = [str(c) for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if text:
        hint = "" if header else " (with --no-header a header line is read as data)"
        raise BadInput(
            f"{option} {path}: column(s) {', '.join(text[:5])} are not numeric{hint}; keep "
            f"only {keep}."
        )
    if len(frame.columns) and str(frame.columns[0]).startswith("Unnamed: 0"):
        raise BadInput(
            f"{option} {path}: the first column has no name, like a saved row index; write "
            f"the file without it (pandas: to_csv(index=False)) and keep only {keep}."
        )
    return frame


def _lines(path: Path, *, option: str, header: bool) -> list[str]:
    """The entries of a one-per-line list: the header line dropped, trailing blanks too.

    Blank lines inside the list stay (as empty entries), so entry ``i`` stays row ``i``.
    """
    with _reading(option, path):
        lines = path.read_text(encoding="utf-8").splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if header:
        if not lines:
            raise BadInput(f"{option} {path}: the file is empty.")
        lines = lines[1:]
    if not lines:
        only = " (its only line is the header; pass --no-header if it is data)" if header else ""
        raise BadInput(f"{option} {path}: the list has no entries{only}.")
    return lines


def read_texts(
    path: Path, *, option: str = "--texts", column: str | None = None, header: bool = True
) -> list[str]:
    """Read one text per example: a table column, or the lines of a .txt file.

    Parameters
    ----------
    path : Path
    option : str, default="--texts"
    column : str, optional
        The text column of a table with several columns.
    header : bool, default=True
        Whether the first line is a header (for .txt files too).

    Returns
    -------
    list of str
    """
    if path.suffix.lower() == ".txt" and column is None:
        return _lines(path, option=option, header=header)
    frame = read_frame(path, option=option, header=header)
    if column is not None and column not in frame.columns:
        raise BadInput(f"{option} {path} has no column {column!r}.")
    if column is None and frame.shape[1] > 1:
        raise BadInput(
            f"{option} {path} has {frame.shape[1]} columns; pick one with --text-column."
        )
    series = frame.iloc[:, 0] if column is None else frame[column]
    return series.fillna("").astype(str).tolist()
