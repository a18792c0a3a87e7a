"""Load the label-errors demo data bundled in ``labelnoise/data``."""

from __future__ import annotations

from importlib import resources
from typing import Literal

import numpy as np

from labelnoise._validation import check_choice
from labelnoise.datasets._labels import LABEL_ERRORS_SOURCE, VERIFIED_BELOW
from labelnoise.datasets._result import LabelErrors

__all__ = ["DATASETS", "load_bundled_label_errors"]

DemoName = Literal["cifar10", "mnist"]
#: Bundled datasets and their display names.
DATASETS: dict[str, str] = {"cifar10": "CIFAR-10 test set", "mnist": "MNIST test set"}


def load_bundled_label_errors(name: DemoName = "cifar10") -> LabelErrors:
    """Load a bundled label-errors dataset (no network, no arguments needed).

    The same data and result type as :func:`labelnoise.datasets.load_label_errors`, read
    from the compact copy shipped with the package instead of a folder of the original
    files.

    Parameters
    ----------
    name : {"cifar10", "mnist"}, default="cifar10"
        Which test set.

    Returns
    -------
    LabelErrors
        Given labels, pred_probs, the reviewed ``candidate_ids`` with their ``votes`` and
        ``verified_error``, class names.

    Examples
    --------
    >>> from labelnoise.demo import load_bundled_label_errors
    >>> data = load_bundled_label_errors("cifar10")
    >>> data.pred_probs.shape, int(data.verified_error.sum())
    ((10000, 10), 54)
    """
    check_choice(name, name="name", func="load_bundled_label_errors", choices=tuple(DATASETS))
    source = resources.files("labelnoise") / "data" / f"label_errors_{name}.npz"
    with source.open("rb") as handle, np.load(handle, allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    votes = arrays["review_votes"].astype(np.int64)
    return LabelErrors(
        labels=arrays["labels"].astype(np.int64),
        pred_probs=arrays["pred_probs"].astype(np.float64, copy=False),
        candidate_ids=arrays["review_ids"].astype(np.int64),
        guessed_labels=arrays["review_guessed"].astype(np.int64),
        votes=votes,
        verified_error=votes[:, 0] < VERIFIED_BELOW,
        classes=tuple(str(c) for c in arrays["classes"]),
        name=name,
        source=LABEL_ERRORS_SOURCE,
    )
