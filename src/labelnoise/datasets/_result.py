"""What the loaders return: small frozen dataclasses with read-only arrays.

Every result has ``name``, ``classes`` (names in label-code order) and ``source`` (origin,
citation and license); label codes are ``int64``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

__all__ = [
    "VOTE_COLUMNS",
    "Dataset",
    "HumanLabels",
    "LabelErrors",
    "MultilabelDataset",
    "SoftLabels",
]

#: Columns of :attr:`LabelErrors.votes`: what each of 5 workers chose.
VOTE_COLUMNS = ("given", "guessed", "neither", "both")


def _freeze(*arrays: np.ndarray) -> None:
    for arr in arrays:
        arr.setflags(write=False)


@dataclass(frozen=True, eq=False)
class Dataset:
    """Examples with features or images and one label each.

    Attributes
    ----------
    X : ndarray, shape (n, d) float64 or (n, height, width[, channels]) uint8
        Features (tabular sets) or images.
    y : ndarray of int64, shape (n,)
        Label codes into ``classes``.
    classes : tuple of str
        Class names in code order.
    name : str
        Dataset name, e.g. ``"cifar10_train"``.
    indices : ndarray of int64, shape (n,)
        Position of each row in the full split, in the dataset's original order (all rows:
        ``arange(n)``), to join with other per-example files.
    source : str
        Origin, citation and license.
    """

    X: np.ndarray
    y: np.ndarray
    classes: tuple[str, ...]
    name: str
    indices: np.ndarray
    source: str

    def __post_init__(self) -> None:
        _freeze(self.X, self.y, self.indices)

    def __repr__(self) -> str:
        return (
            f"Dataset({self.name!r}, X={self.X.shape} {self.X.dtype}, {len(self.classes)} classes)"
        )


@dataclass(frozen=True, eq=False)
class HumanLabels:
    """Clean labels and one or more sets of real human (noisy) labels for the same examples.

    Attributes
    ----------
    clean_labels : ndarray of int64, shape (n,)
        The dataset's original labels, in its original order.
    noisy_labels : Mapping[str, ndarray of int64, shape (n,)]
        Each human label set by name (read-only mapping).
    classes : tuple of str
        Class names in code order.
    name : str
        ``"cifar10n"``, ``"cifar100n"`` or ``"cifar100n_coarse"``.
    source : str
        Origin, citation and license.
    """

    clean_labels: np.ndarray
    noisy_labels: Mapping[str, np.ndarray]
    classes: tuple[str, ...]
    name: str
    source: str

    def __post_init__(self) -> None:
        _freeze(self.clean_labels, *self.noisy_labels.values())

    def __repr__(self) -> str:
        n = self.clean_labels.shape[0]
        return f"HumanLabels({self.name!r}, n={n}, sets={list(self.noisy_labels)})"

    @property
    def noise_rates(self) -> dict[str, float]:
        """Fraction of labels that differ from ``clean_labels``, per label set."""
        return {k: float(np.mean(v != self.clean_labels)) for k, v in self.noisy_labels.items()}


@dataclass(frozen=True, eq=False)
class SoftLabels:
    """Distributions of many annotators' labels per example (CIFAR-10H).

    Attributes
    ----------
    probs : ndarray of float64, shape (n, K)
        Share of annotators choosing each class; rows sum to 1.
    counts : ndarray of int64, shape (n, K)
        Raw vote counts.
    classes : tuple of str
        Class names in code order.
    name : str
        ``"cifar10h"``.
    source : str
        Origin, citation and license.
    """

    probs: np.ndarray
    counts: np.ndarray
    classes: tuple[str, ...]
    name: str
    source: str

    def __post_init__(self) -> None:
        _freeze(self.probs, self.counts)

    def __repr__(self) -> str:
        return f"SoftLabels({self.name!r}, probs={self.probs.shape})"


@dataclass(frozen=True, eq=False)
class LabelErrors:
    """A test set with out-of-sample predictions and human-verified label errors.

    From "Pervasive Label Errors in Test Sets" (Northcutt et al., 2021): candidates flagged
    by confident learning were shown to 5 crowd workers each. Only candidates were
    reviewed, so ``verified_error`` measures precision among them, not absolute recall.

    Attributes
    ----------
    labels : ndarray of int64, shape (n,)
        The given test labels, in the original order.
    pred_probs : ndarray of float64, shape (n, K)
        Cross-validated predicted probabilities.
    candidate_ids : ndarray of int64, shape (m,)
        Rows that were reviewed.
    guessed_labels : ndarray of int64, shape (m,)
        The label the authors guessed for each candidate.
    votes : ndarray of int64, shape (m, 4)
        Worker choices per candidate, columns :data:`VOTE_COLUMNS`
        (``given, guessed, neither, both``; ``both`` is 0 where not asked). Rows sum to 5,
        except where the guessed label equals the given one (13 MNIST candidates): the
        file then counts the same votes under both ``given`` and ``guessed``.
    verified_error : ndarray of bool, shape (m,)
        ``votes[:, 0] < 3``: fewer than 3 of 5 workers kept the given label (the paper's rule).
    classes : tuple of str
        Class names in code order.
    name : str
        ``"cifar10"`` or ``"mnist"``.
    source : str
        Origin, citation and license.
    """

    labels: np.ndarray
    pred_probs: np.ndarray
    candidate_ids: np.ndarray
    guessed_labels: np.ndarray
    votes: np.ndarray
    verified_error: np.ndarray
    classes: tuple[str, ...]
    name: str
    source: str

    @property
    def verified(self) -> dict[int, bool]:
        """The review as a mapping row -> confirmed error, as
        :func:`labelnoise.bench.audit_test_set` and :func:`labelnoise.bench.audit_flags`
        take it."""
        return dict(zip(self.candidate_ids.tolist(), self.verified_error.tolist(), strict=True))

    def __post_init__(self) -> None:
        _freeze(
            self.labels,
            self.pred_probs,
            self.candidate_ids,
            self.guessed_labels,
            self.votes,
            self.verified_error,
        )

    def __repr__(self) -> str:
        return (
            f"LabelErrors({self.name!r}, n={self.labels.shape[0]}, "
            f"{int(self.verified_error.sum())} of {self.candidate_ids.shape[0]} candidates "
            "verified)"
        )

    @property
    def error_mask(self) -> np.ndarray:
        """Boolean (n,) mask of the verified label errors."""
        mask = np.zeros(self.labels.shape[0], dtype=bool)
        mask[self.candidate_ids[self.verified_error]] = True
        return mask


@dataclass(frozen=True, eq=False)
class MultilabelDataset:
    """Examples with features and any number of tags each.

    Attributes
    ----------
    X : ndarray of float64, shape (n, d)
        Features.
    Y : ndarray of bool, shape (n, K)
        Tag indicator matrix.
    classes : tuple of str
        Tag names in column order.
    name : str
        Dataset name.
    source : str
        Origin, citation and license.
    """

    X: np.ndarray
    Y: np.ndarray
    classes: tuple[str, ...]
    name: str
    source: str

    def __post_init__(self) -> None:
        _freeze(self.X, self.Y)

    def __repr__(self) -> str:
        return f"MultilabelDataset({self.name!r}, X={self.X.shape}, {len(self.classes)} tags)"

    @property
    def tag_lists(self) -> list[list[int]]:
        """The tags as one list of column indices per example."""
        return [np.flatnonzero(row).tolist() for row in self.Y]
