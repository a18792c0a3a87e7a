"""The ``yeast`` multi-label set, from the R package mlr's data (Debian ``r-cran-mlr``).

mlr ships its example tasks in an R lazy-load database: ``Rdata.rdx`` (an RDS index of
offsets) and ``Rdata.rdb`` (zlib blobs, each a serialized R object). The ``yeast.task``
blob refers to the environment holding the data frame by a persistent name
(``"env::16"``); that environment is its own blob, a list whose ``bindings$data`` is the
frame: 14 logical label columns ``label1..label14`` and 103 numeric features. The
parser is the PyPI package ``rdata`` (optional extra ``labelnoise[rdata]``).
"""

from __future__ import annotations

import re
import warnings
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from labelnoise._errors import InputError
from labelnoise.datasets._files import PathLike, as_path, check_not_empty, find_file, read_error
from labelnoise.datasets._result import MultilabelDataset

__all__ = ["DEBIAN_MLR_DATA", "load_yeast"]

#: Where ``apt-get install r-cran-mlr`` puts mlr's lazy-load database.
DEBIAN_MLR_DATA = "/usr/lib/R/site-library/mlr/data"
_HINT = f"apt-get install r-cran-mlr, files under {DEBIAN_MLR_DATA}"
_SOURCE = (
    "yeast (Elisseeff & Weston, 'A kernel method for multi-labelled classification', "
    "NIPS 2001), as shipped in the R package mlr (BSD 2-clause license), Debian package "
    "r-cran-mlr"
)
_N, _K, _D = 2417, 14, 103


def _rdata() -> Any:
    try:
        import rdata
    except ImportError as exc:
        raise ImportError(
            "load_yeast reads R data with the optional package rdata: "
            "pip install 'labelnoise[rdata]'"
        ) from exc
    return rdata


def _blob(raw: bytes, offset: int, length: int, file: Path) -> bytes:
    """One lazy-load blob: a 4-byte big-endian size, then zlib data."""
    chunk = raw[offset : offset + length]
    try:
        data = zlib.decompress(chunk[4:])
    except zlib.error as exc:
        raise read_error(file, "an R lazy-load database", exc, hint=_HINT) from exc
    if len(data) != int.from_bytes(chunk[:4], "big"):
        raise InputError("path", f"{str(file)!r} is truncated ({_HINT}).")
    return data


def _parse(rdata: Any, data: bytes, file: Path) -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Unknown file type: assumed RDS"
            return rdata.conversion.convert(rdata.parser.parse_data(data))
    except MemoryError:
        raise
    except Exception as exc:  # rdata raises many kinds of errors on a bad blob
        raise read_error(file, "an R lazy-load database", exc, hint=_HINT) from exc


def _location(table: Any, name: str, file: Path) -> tuple[int, int]:
    """``(offset, length)`` of blob ``name`` in the index, checked."""
    try:
        offset, length = (int(v) for v in table[name])
    except Exception as exc:  # absent, or not a pair of numbers
        raise InputError(
            "path",
            f"{str(file)!r} does not locate {name!r} ({type(exc).__name__}); the index does "
            f"not match the database: is it mlr's data? ({_HINT})",
        ) from exc
    return offset, length


def _yeast_frame(rdata: Any, folder: Path) -> Any:
    rdx = find_file(folder, "Rdata.rdx", hint=_HINT)
    rdb = find_file(folder, "Rdata.rdb", hint=_HINT)
    check_not_empty(rdx, hint=_HINT)
    check_not_empty(rdb, hint=_HINT)
    try:
        index = rdata.read_rds(rdx)
    except MemoryError:
        raise
    except Exception as exc:  # rdata raises many kinds of errors on a bad file
        raise read_error(rdx, "an RDS index", exc, hint=_HINT) from exc
    if not isinstance(index, dict):
        raise InputError("path", f"{str(rdx)!r} is not a lazy-load index ({_HINT}).")
    variables, references = index.get("variables", {}), index.get("references", {})
    if "yeast.task" not in variables:
        raise InputError("path", f"{str(rdx)!r} has no yeast.task; is it mlr's data? ({_HINT})")
    raw = rdb.read_bytes()
    task = _blob(raw, *_location(variables, "yeast.task", rdx), rdb)
    for name in dict.fromkeys(re.findall(rb"env::\d+", task)):
        env = _parse(rdata, _blob(raw, *_location(references, name.decode(), rdx), rdb), rdb)
        frame = env.get("bindings", {}).get("data") if isinstance(env, dict) else None
        if frame is not None and hasattr(frame, "columns"):
            return frame
    raise InputError("path", f"{str(rdb)!r} holds no yeast data frame ({_HINT}).")


def _check_frame(frame: Any, file: Path) -> None:
    """The frame must be yeast as mlr ships it: checked, never coerced into shape."""
    columns = [str(c) for c in frame.columns]
    labels = [f"label{k}" for k in range(1, _K + 1)]
    problem = None
    if frame.shape != (_N, _K + _D):
        problem = f"has shape {frame.shape}, expected ({_N}, {_K + _D})"
    elif columns[:_K] != labels:
        problem = f"starts with the columns {columns[:3]}..., expected label1..label{_K}"
    elif not all(str(t).lower() in ("bool", "boolean") for t in frame.dtypes.iloc[:_K]):
        problem = f"has label columns of dtypes {sorted(set(map(str, frame.dtypes.iloc[:_K])))}"
    elif not all(t.kind == "f" for t in frame.dtypes.iloc[_K:]):
        problem = "has non-numeric feature columns"
    elif bool(frame.isna().to_numpy().any()):
        problem = "has missing values"
    elif not np.isfinite(frame.iloc[:, _K:].to_numpy(dtype=np.float64)).all():
        problem = "has infinite feature values"
    if problem is not None:
        raise InputError(
            "path", f"the yeast data frame in {str(file)!r} {problem}; is it mlr's data? ({_HINT})"
        )


def load_yeast(path: PathLike = DEBIAN_MLR_DATA) -> MultilabelDataset:
    """The yeast gene-function set: 2,417 genes, 103 features, 14 functional classes.

    A standard multi-label benchmark (Elisseeff & Weston, NIPS 2001): each gene has on
    average 4.2 of the 14 tags. Read offline from the R package mlr's data as Debian
    installs it (``apt-get install r-cran-mlr``); needs the optional ``rdata`` package.

    Parameters
    ----------
    path : str or pathlib.Path, default="/usr/lib/R/site-library/mlr/data"
        The folder holding mlr's ``Rdata.rdb`` and ``Rdata.rdx``.

    Returns
    -------
    MultilabelDataset
        ``X`` (2417, 103) float64, ``Y`` (2417, 14) bool, ``classes``
        ``("label1", ..., "label14")``.

    Examples
    --------
    >>> from labelnoise.datasets import load_yeast
    >>> data = load_yeast()  # doctest: +SKIP
    >>> data.X.shape, data.Y.shape  # doctest: +SKIP
    ((2417, 103), (2417, 14))
    """
    folder = as_path(path)
    if not folder.is_dir():
        raise InputError(
            "path",
            f"{str(folder)!r} is not a folder; pass the folder holding mlr's Rdata.rdb and "
            f"Rdata.rdx ({_HINT}).",
        )
    frame = _yeast_frame(_rdata(), folder)
    _check_frame(frame, folder / "Rdata.rdb")
    return MultilabelDataset(
        X=frame.iloc[:, _K:].to_numpy(dtype=np.float64),
        Y=frame.iloc[:, :_K].to_numpy(dtype=bool),
        classes=tuple(str(c) for c in frame.columns[:_K]),
        name="yeast",
        source=_SOURCE,
    )
