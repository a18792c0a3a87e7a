"""Load the label-errors demo data bundled in ``labelnoise/data``."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Literal

import numpy as np

from labelnoise._validation import check_choice

__all__ = ["DATASETS", "LabelErrorsData", "load_label_errors"]

DemoName = Literal["cifar10", "mnist"]
#: Bundled datasets and their display names.
DATASETS: dict[str, str] = {"cifar10": "CIFAR-10 test set", "mnist": "MNIST test set"}
#: Fewer than this many of the workers choosing the given label makes a validated error.
CONFIRM_BELOW = 3


@dataclass(frozen=True, eq=False)
class LabelErrorsData:
    """One bundled dataset: model outputs, given labels and the human review.

    Attributes
    ----------
    name : str
        ``"cifar10"`` or ``"mnist"``.
    title : str
        Display name, e.g. ``"CIFAR-10 test set"``.
    pred_probs : ndarray of float64, shape (n, K)
        Out-of-sample predicted probabilities (n = 10000, K = 10).
    labels : ndarray of int, shape (n,)
        The given test labels.
    classes : ndarray of str, shape (K,)
        Class names in column order.
    review_ids : ndarray of int, shape (m,)
        Rows shown to human reviewers.
    review_votes : ndarray of int, shape (m, 4)
        Votes per reviewed row for: the given label, the proposed label, neither, both.
    review_guessed : ndarray of int, shape (m,)
        The label proposed to the reviewers.
    """

    name: str
    title: str
    pred_probs: np.ndarray
    labels: np.ndarray
    classes: np.ndarray
    review_ids: np.ndarray
    review_votes: np.ndarray
    review_guessed: np.ndarray

    @property
    def confirmed(self) -> np.ndarray:
        """Boolean (m,): reviewed rows that fewer than 3 workers kept the given label of."""
        return self.review_votes[:, 0] < CONFIRM_BELOW


def load_label_errors(name: DemoName = "cifar10") -> LabelErrorsData:
    """Load a bundled label-errors dataset (no network, no arguments needed).

    Parameters
    ----------
    name : {"cifar10", "mnist"}, default="cifar10"
        Which test set.

    Returns
    -------
    LabelErrorsData

    Examples
    --------
    >>> from labelnoise.demo import load_label_errors
    >>> data = load_label_errors("cifar10")
    >>> data.pred_probs.shape, int(data.confirmed.sum())
    ((10000, 10), 54)
    """
    check_choice(name, name="name", func="load_label_errors", choices=tuple(DATASETS))
    source = resources.files("labelnoise") / "data" / f"label_errors_{name}.npz"
    with source.open("rb") as handle, np.load(handle, allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    return LabelErrorsData(
        name=name,
        title=DATASETS[name],
        pred_probs=arrays["pred_probs"],
        labels=arrays["labels"].astype(np.intp),
        classes=arrays["classes"],
        review_ids=arrays["review_ids"].astype(np.intp),
        review_votes=arrays["review_votes"].astype(np.intp),
        review_guessed=arrays["review_guessed"].astype(np.intp),
    )
