"""Reading the command line's input files (.npy, .csv/.tsv/.txt, .parquet); never writing them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from labelnoise.cli._errors import BadInput, one_line

__all__ = ["read_frame", "read_images", "read_labels", "read_pred_probs", "read_texts"]

_DELIMITED = {".csv": ",", ".tsv": "\t", ".txt": ","}
_PARQUET = {".parquet", ".pq"}
_FORMATS = ".npy, .csv, .tsv or .parquet"


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


def _read_delimited(path: Path) -> pd.DataFrame:
    """Read CSV/TSV; the first row is a header unless every cell of it is a number."""
    sep = _DELIMITED[path.suffix.lower()]
    first = pd.read_csv(path, sep=sep, header=None, nrows=1, dtype=str, keep_default_na=False)
    has_header = not all(_is_number(cell) for cell in first.iloc[0].tolist())
    frame = pd.read_csv(path, sep=sep, header=0 if has_header else None)
    if not has_header:
        frame.columns = [str(c) for c in frame.columns]
    return frame


def read_frame(path: Path, *, option: str, formats: str = ".csv, .tsv or .parquet") -> pd.DataFrame:
    """Read a table from CSV/TSV or Parquet.

    Parameters
    ----------
    path : Path
        The file; its suffix picks the format.
    option : str
        The option or argument that named it, for messages.
    formats : str
        The accepted formats, for the message about any other suffix.

    Returns
    -------
    DataFrame
    """
    suffix = path.suffix.lower()
    readers: dict[str, Callable[[Path], pd.DataFrame]] = {s: _read_delimited for s in _DELIMITED}
    readers.update({s: pd.read_parquet for s in _PARQUET})
    if suffix not in readers:
        raise BadInput(
            f"{option} {path}: unsupported file type {suffix or '(none)'!r}; use {formats}."
        )
    with _reading(option, path):
        frame = readers[suffix](path)
    if frame.shape[0] == 0:
        raise BadInput(f"{option} {path}: the table has no rows.")
    return frame


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


def read_labels(path: Path, *, option: str = "--labels", column: str | None = None) -> np.ndarray:
    """Read a 1-D label array from .npy, or one column of a table.

    Parameters
    ----------
    path : Path
        .npy (shape (n,) or (n, 1)), .csv/.tsv/.txt or .parquet.
    option : str, default="--labels"
        The option that named the file, for messages.
    column : str, optional
        Which table column holds the labels (needed when there are several).

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
    frame = read_frame(path, option=option, formats=_FORMATS)
    series = _pick_column(frame, column, option=option, path=path)
    return _check_missing(series, what=f"{option} {path} column {series.name!r}")


def read_pred_probs(
    path: Path, *, option: str = "--pred-probs"
) -> tuple[np.ndarray, list[str] | None]:
    """Read an (n, K) probability matrix and, from a table header, the class names.

    Parameters
    ----------
    path : Path
        .npy, or a table with one numeric column per class.
    option : str, default="--pred-probs"
        The option that named the file.

    Returns
    -------
    pred_probs : ndarray of shape (n, K)
    names : list of K str, or None
        Column names of a table whose header is not just numbers.
    """
    if path.suffix.lower() == ".npy":
        return _read_npy(path, option=option), None
    frame = _numeric_frame(path, option=option, keep="one probability column per class")
    names = [str(c) for c in frame.columns]
    named = not all(_is_number(name) for name in names)
    return frame.to_numpy(), names if named else None


def read_features(path: Path, *, option: str = "--features") -> np.ndarray:
    """Read an (n, d) feature matrix (embeddings): .npy, or a table of numeric columns.

    Parameters
    ----------
    path : Path
    option : str, default="--features"
        The option that named the file.

    Returns
    -------
    ndarray of shape (n, d), or more dimensions for a .npy (flattened by the library)
    """
    if path.suffix.lower() == ".npy":
        return _read_npy(path, option=option)
    keep = "the numeric feature columns, one row per example"
    return _numeric_frame(path, option=option, keep=keep).to_numpy()


def _numeric_frame(path: Path, *, option: str, keep: str) -> pd.DataFrame:
    """A table whose columns must all be numeric (the error says what to ``keep``)."""
    frame = read_frame(path, option=option, formats=_FORMATS)
    text = [str(c) for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if text:
        raise BadInput(
            f"{option} {path}: column(s) {', '.join(text[:5])} are not numeric; keep only {keep}."
        )
    if len(frame.columns) and str(frame.columns[0]).startswith("Unnamed: 0"):
        raise BadInput(
            f"{option} {path}: the first column has no name, like a saved row index; write "
            f"the file without it (pandas: to_csv(index=False)) and keep only {keep}."
        )
    return frame


def read_images(path: Path, *, option: str = "--images") -> np.ndarray | list[str]:
    """Read images: a pixel array (.npy) or a list of image paths (.txt/.csv, one per line).

    Relative image paths are taken relative to the list file's folder.

    Parameters
    ----------
    path : Path
    option : str, default="--images"

    Returns
    -------
    ndarray of shape (n, H, W[, C]) or list of n str
    """
    if path.suffix.lower() == ".npy":
        images = _read_npy(path, option=option)
        if images.ndim not in (3, 4):
            raise BadInput(
                f"{option} {path}: expected images of shape (n, H, W) or (n, H, W, C), "
                f"got shape {images.shape}."
            )
        return images
    with _reading(option, path):
        lines = path.read_text(encoding="utf-8").splitlines()
    if lines and not Path(lines[0].strip()).suffix:
        lines = lines[1:]  # a header such as "path"
    return [str(path.parent / line.strip()) for line in lines if line.strip()]


def read_texts(path: Path, *, option: str = "--texts", column: str | None = None) -> list[str]:
    """Read one text per example: a table column, or the lines of a .txt file.

    Parameters
    ----------
    path : Path
    option : str, default="--texts"
    column : str, optional
        The text column of a table with several columns.

    Returns
    -------
    list of str
    """
    if path.suffix.lower() == ".txt" and column is None:
        with _reading(option, path):
            return path.read_text(encoding="utf-8").splitlines()
    frame = read_frame(path, option=option)
    if column is not None and column not in frame.columns:
        raise BadInput(f"{option} {path} has no column {column!r}.")
    if column is None and frame.shape[1] > 1:
        raise BadInput(
            f"{option} {path} has {frame.shape[1]} columns; pick one with --text-column."
        )
    series = frame.iloc[:, 0] if column is None else frame[column]
    return series.fillna("").astype(str).tolist()
