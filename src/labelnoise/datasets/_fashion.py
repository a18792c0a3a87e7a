"""Fashion-MNIST from the Debian package ``dataset-fashion-mnist`` (no network)."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path
from typing import Any, Literal

import numpy as np

from labelnoise._errors import InputError
from labelnoise._random import RandomState, check_random_state
from labelnoise._validation import check_choice, check_int
from labelnoise.datasets._checks import check_file_codes
from labelnoise.datasets._classes import FASHION_MNIST_CLASSES
from labelnoise.datasets._files import PathLike, as_path, check_not_empty, read_error
from labelnoise.datasets._result import Dataset

__all__ = ["DEBIAN_FASHION_MNIST", "load_fashion_mnist"]

#: Where ``apt-get install dataset-fashion-mnist`` puts the files.
DEBIAN_FASHION_MNIST = "/usr/share/datasets/fashion-mnist"
_PREFIX = {"train": "train", "test": "t10k"}
_SOURCE = (
    "Fashion-MNIST (Xiao, Rasul & Vollgraf, 2017), MIT license; Debian package "
    "dataset-fashion-mnist"
)
_FUNC = "load_fashion_mnist"
_HINT = f"apt-get install --reinstall dataset-fashion-mnist, files under {DEBIAN_FASHION_MNIST}"


def _open_idx(folder: Path, stem: str) -> bytes:
    for name in (f"{stem}.gz", stem):
        file = folder / name
        if file.is_file():
            check_not_empty(file, hint=_HINT)
            if not name.endswith(".gz"):
                return file.read_bytes()
            try:
                with gzip.open(file, "rb") as handle:
                    return handle.read()
            except (OSError, EOFError, zlib.error) as exc:  # truncated or corrupt gzip
                raise read_error(file, "gzip", exc, hint=_HINT) from exc
    raise InputError(
        "path",
        f"{stem}(.gz) not found in {str(folder)!r}; install the Debian package with "
        "`apt-get install -y dataset-fashion-mnist` (files under "
        f"{DEBIAN_FASHION_MNIST}) or pass the folder holding the IDX files.",
    )


def _parse_idx(raw: bytes, ndim: int, name: str) -> np.ndarray:
    """An unsigned-byte IDX array (magic ``0x0000 08 ndim``, big-endian int32 dims)."""
    header = 4 + 4 * ndim
    if len(raw) < header or raw[:4] != bytes((0, 0, 8, ndim)):
        raise InputError("path", f"{name} is not an unsigned-byte IDX file with {ndim} dims.")
    dims = tuple(int(d) for d in np.frombuffer(raw, dtype=">i4", count=ndim, offset=4))
    if len(raw) != header + int(np.prod(dims)):
        raise InputError("path", f"{name} is truncated: header says {dims}, file is shorter.")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims).copy()


def _subsample(n: int, subsample: Any, random_state: RandomState) -> np.ndarray:
    if subsample is None:
        return np.arange(n, dtype=np.int64)
    size = check_int(subsample, name="subsample", func=_FUNC, minimum=1)
    if size > n:
        raise InputError("subsample", f"asks for {size} examples but the split has {n}.")
    rng = check_random_state(random_state, func=_FUNC)
    return np.sort(rng.choice(n, size=size, replace=False)).astype(np.int64)


def load_fashion_mnist(
    path: PathLike | None = None,
    *,
    split: Literal["train", "test"] = "train",
    subsample: int | None = None,
    random_state: RandomState = None,
) -> Dataset:
    """Fashion-MNIST images: 60,000 train or 10,000 test, 28x28 grey, 10 classes.

    Reads the four IDX files (gzipped or not) that the Debian package
    ``dataset-fashion-mnist`` installs; nothing is downloaded.

    Parameters
    ----------
    path : str or Path, optional
        Folder with ``{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]``; default
        ``/usr/share/datasets/fashion-mnist``.
    split : {"train", "test"}, default "train"
        Which split.
    subsample : int, optional
        Keep this many examples drawn at random without replacement (in original order).
    random_state : int, numpy.random.Generator or None
        Seed for ``subsample``; the global RNG is never used.

    Returns
    -------
    Dataset
        ``X`` uint8 (n, 28, 28), ``y`` int64, ``indices`` rows of the full split.

    Examples
    --------
    >>> from labelnoise.datasets import load_fashion_mnist
    >>> data = load_fashion_mnist(split="test", subsample=100, random_state=0)  # doctest: +SKIP
    >>> data.X.shape, data.classes[0]  # doctest: +SKIP
    ((100, 28, 28), 'T-shirt/top')
    """
    check_choice(split, name="split", func=_FUNC, choices=tuple(_PREFIX))
    folder = as_path(DEBIAN_FASHION_MNIST if path is None else path)
    if not folder.is_dir():
        raise InputError(
            "path",
            f"folder {str(folder)!r} not found; install Fashion-MNIST with "
            "`apt-get install -y dataset-fashion-mnist` or pass the folder holding it.",
        )
    stem = _PREFIX[split]
    images = _parse_idx(_open_idx(folder, f"{stem}-images-idx3-ubyte"), 3, "images")
    labels = _parse_idx(_open_idx(folder, f"{stem}-labels-idx1-ubyte"), 1, "labels")
    if images.shape[0] != labels.shape[0]:
        raise InputError("path", f"{images.shape[0]} images but {labels.shape[0]} labels.")
    codes = check_file_codes(
        labels,
        file=folder / f"{stem}-labels-idx1-ubyte(.gz)",
        n=labels.shape[0],
        n_classes=len(FASHION_MNIST_CLASSES),
        hint=_HINT,
    )
    keep = _subsample(labels.shape[0], subsample, random_state)
    return Dataset(
        X=images[keep] if subsample is not None else images,
        y=codes[keep],
        classes=FASHION_MNIST_CLASSES,
        name=f"fashion_mnist_{split}",
        indices=keep,
        source=_SOURCE,
    )
