"""Frozen results of the health checks: ``scores``, ``mask`` and ``summary()`` each.

Scores lie in [0, 1] and, as in :class:`labelnoise.LabelIssues`, lower means worse
(more duplicated, more outlying, rarer, more confused).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from labelnoise._errors import InputError
from labelnoise.detect._result import LabelIssues

__all__ = [
    "ClassImbalance",
    "Duplicates",
    "HealthResult",
    "Leakage",
    "NonIID",
    "OutlierScores",
    "OverlappingClasses",
]


@dataclass(frozen=True, eq=False)
class HealthResult:
    """Base of every health result.

    Attributes
    ----------
    scores : ndarray of float, shape (n,)
        One score per row in [0, 1]; lower means a worse issue.
    mask : ndarray of bool, shape (n,)
        True for the rows flagged by the check's threshold.
    threshold : float
        The threshold used (its meaning depends on the check; see each class).
    """

    scores: np.ndarray
    mask: np.ndarray
    threshold: float

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, np.ndarray):
                value.setflags(write=False)

    @property
    def name(self) -> str:
        """The check's name, as ``check_health(checks=...)`` spells it."""
        return _NAMES[type(self).__name__]

    @property
    def n_flagged(self) -> int:
        """Number of flagged rows."""
        return int(np.count_nonzero(self.mask))

    @property
    def indices(self) -> np.ndarray:
        """Flagged rows, worst (lowest score) first."""
        flagged = np.flatnonzero(self.mask)
        return flagged[np.argsort(self.scores[flagged], kind="stable")]

    def _extra(self) -> dict[str, object]:
        return {}

    def summary(self) -> dict[str, object]:
        """Headline figures: check, rows, flagged, rate, threshold and check-specific ones."""
        n = int(self.mask.shape[0])
        out: dict[str, object] = {
            "check": self.name,
            "rows": n,
            "flagged": self.n_flagged,
            "rate": self.n_flagged / max(1, n),
            "threshold": float(self.threshold),
        }
        out.update(self._extra())
        return out

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.n_flagged} of {self.mask.shape[0]} flagged)"


@dataclass(frozen=True, eq=False, repr=False)
class Duplicates(HealthResult):
    """Exact and near-duplicate rows, as groups.

    ``scores[i]`` is ``d / (d + median)``, ``d`` the cosine distance of row ``i`` to its
    nearest other row and ``median`` the median of that distance over all rows: 0 for an
    exact copy, 0.5 at the median. A row is flagged when ``d <= threshold * median``
    (distances below 1e-6 count as exact copies). When more than half the rows have an
    exact copy, ``median`` is taken over the other rows (with a warning), so near copies
    are still found.

    Attributes
    ----------
    group : ndarray of int, shape (n,)
        Group id of each row (0, 1, ...), -1 for rows in no group. Groups are the
        connected components of the near-duplicate pairs, largest first.
    conflicts : ndarray of bool, shape (n,)
        Rows in a group whose members carry different labels (all False without labels):
        the same content cannot have two labels, so these are label issues too.
    given_labels, suggested_labels : ndarray or None
        With labels: the labels as given, and the majority label of each row's group
        (its own label outside groups and on ties).
    median_distance : float
        Median nearest-neighbour cosine distance (the scale of the threshold; over the rows
        without an exact copy when more than half have one).
    """

    group: np.ndarray
    conflicts: np.ndarray
    given_labels: np.ndarray | None
    suggested_labels: np.ndarray | None
    median_distance: float

    @property
    def n_groups(self) -> int:
        """Number of duplicate groups."""
        return int(self.group.max()) + 1 if self.group.size else 0

    def groups(self) -> list[np.ndarray]:
        """Row indices of each group, largest group first."""
        order = np.argsort(self.group, kind="stable")
        ids = self.group[order]
        keep = ids >= 0
        splits = np.flatnonzero(np.diff(ids[keep])) + 1
        return np.split(order[keep], splits) if keep.any() else []

    def label_issues(self) -> LabelIssues:
        """Rows whose duplicates carry other labels, as label issues.

        ``scores`` is the share of a row's group that shares its label (1 outside
        groups); ``suggested_labels`` the group's majority label. Needs ``labels``.
        """
        if self.given_labels is None:
            raise InputError(
                "labels", "were not given to find_duplicates; pass labels= to find conflicts."
            )
        return conflict_issues(self, self.given_labels)

    def _extra(self) -> dict[str, object]:
        return {"groups": self.n_groups, "conflicting rows": int(self.conflicts.sum())}


@dataclass(frozen=True, eq=False, repr=False)
class Leakage(HealthResult):
    """Test rows with a near copy in the training rows (``mask`` is over the test rows).

    ``scores`` are as in :class:`Duplicates`, with ``d`` the distance of each test row to
    its nearest training row and ``median`` the median of that over the test rows (with
    a content view: ``r / (r + 1)``, ``r`` the geometric mean of both views' ``d / median``).

    Attributes
    ----------
    pairs : ndarray of int, shape (n_flagged, 2)
        ``(test row, train row)`` of each flagged test row and its nearest training row,
        closest first.
    similarity : ndarray of float, shape (n_flagged,)
        The cosine similarity of each pair in ``features``.
    nearest : ndarray of int, shape (n_test,)
        The nearest training row of every test row.
    median_distance : float
        Median distance of a test row to its nearest training row (in ``features``; over
        the test rows without an exact copy when more than half have one).
    """

    pairs: np.ndarray
    similarity: np.ndarray
    nearest: np.ndarray
    median_distance: float

    def to_frame(self) -> pd.DataFrame:
        """One row per flagged pair: test_row, train_row, similarity."""
        return pd.DataFrame(
            {
                "test_row": self.pairs[:, 0],
                "train_row": self.pairs[:, 1],
                "similarity": self.similarity,
            }
        )


@dataclass(frozen=True, eq=False, repr=False)
class OutlierScores(HealthResult):
    """How unusual each row is compared with the reference data.

    ``scores[i]`` is the share of reference rows at least as unusual as row ``i`` (an
    empirical tail probability, ``(1 + count) / (1 + n_reference)``), the smaller of the
    feature and model signals when both are given. A row is flagged when a signal exceeds
    ``Q3 + threshold * IQR`` of that signal on the reference rows (Tukey's fence).

    Attributes
    ----------
    feature_scores, model_scores : ndarray or None
        The two signals' tail probabilities (None when that input was not given).
    """

    feature_scores: np.ndarray | None
    model_scores: np.ndarray | None


@dataclass(frozen=True, eq=False, repr=False)
class ClassImbalance(HealthResult):
    """Classes much rarer than an even split.

    ``scores[i]`` is the share of row ``i``'s class relative to an even split
    (``K * count / n``), capped at 1. A class is rare when its share is below
    ``threshold / K``; its rows are flagged.

    Attributes
    ----------
    counts : ndarray of int, shape (K,)
        Rows per class.
    rare_classes : ndarray
        The rare classes (names when labels were names).
    classes : ndarray
        Every class (names or codes), in code order.
    """

    counts: np.ndarray
    rare_classes: np.ndarray
    classes: np.ndarray

    @property
    def imbalance_ratio(self) -> float:
        """Largest class count over smallest (inf when a class is empty)."""
        low = int(self.counts.min())
        return float(self.counts.max()) / low if low else float("inf")

    def _extra(self) -> dict[str, object]:
        return {"rare classes": len(self.rare_classes), "imbalance ratio": self.imbalance_ratio}


@dataclass(frozen=True, eq=False, repr=False)
class OverlappingClasses(HealthResult):
    """Pairs of classes the labels confuse, from the confident joint of the noise estimate.

    A pair ``(a, b)`` overlaps when the examples confidently counted across the pair
    (labelled ``a`` but confidently ``b``, or the reverse) are at least ``threshold`` of
    the two classes' examples. A row is flagged when its probability of a class that
    overlaps with its given class reaches that class's confident threshold (as it would
    be counted in the joint); ``scores[i]`` is one minus row ``i``'s probability for its most
    likely overlapping partner class (1 for rows of no overlapping pair).

    Attributes
    ----------
    pairs : pandas.DataFrame
        One row per pair of classes with any confusion, most overlapping first: ``class_a``,
        ``class_b``, ``count`` (confident-joint examples across the pair), ``share`` (count
        over the two classes' examples), ``overlapping`` (share >= threshold).
    """

    pairs: pd.DataFrame

    def _extra(self) -> dict[str, object]:
        return {"overlapping pairs": int(self.pairs["overlapping"].sum())}


@dataclass(frozen=True, eq=False, repr=False)
class NonIID(HealthResult):
    """Whether row order carries information: are feature-space neighbours close in order?

    For each neighbour ``j`` of row ``i``, ``u`` is the share of all other rows at least as
    close to ``i`` in row order as ``j``; under i.i.d. rows ``u`` is uniform on (0, 1].
    ``statistic`` is the Kolmogorov-Smirnov distance of all ``u`` from uniform and
    ``p_value`` its permutation p-value (row order shuffled). ``scores[i]`` is the mean
    ``u`` of row ``i``; when ``p_value < threshold`` rows whose own neighbours are
    significantly close in order (Benjamini-Hochberg at ``threshold``) are flagged.

    Attributes
    ----------
    statistic : float
        KS distance of the neighbours' order distances from the i.i.d. law.
    p_value : float
        Permutation p-value, ``(1 + #{permuted >= observed}) / (1 + n_permutations)``.
    n_permutations : int
        Row orders drawn for the p-value.
    """

    statistic: float
    p_value: float
    n_permutations: int

    @property
    def is_iid(self) -> bool:
        """False when the test rejects i.i.d. order at level ``threshold``."""
        return self.p_value >= self.threshold

    def _extra(self) -> dict[str, object]:
        return {"p_value": self.p_value, "statistic": self.statistic}


_NAMES = {
    "Duplicates": "duplicates",
    "Leakage": "leakage",
    "OutlierScores": "outliers",
    "ClassImbalance": "class_imbalance",
    "OverlappingClasses": "overlapping_classes",
    "NonIID": "non_iid",
    "HealthResult": "health",
}


def conflict_issues(result: Duplicates, labels: np.ndarray) -> LabelIssues:
    """Conflicting duplicates as :class:`labelnoise.LabelIssues` (see ``Duplicates``)."""
    suggested = labels if result.suggested_labels is None else result.suggested_labels
    agree = np.ones(labels.shape[0])
    for rows in result.groups():
        same = labels[rows][:, None] == labels[rows][None, :]
        agree[rows] = same.mean(axis=1)
    flagged = np.flatnonzero(result.conflicts)
    return LabelIssues(
        mask=result.conflicts.copy(),
        indices=flagged[np.argsort(agree[flagged], kind="stable")],
        scores=agree,
        given_labels=np.asarray(labels).copy(),
        suggested_labels=np.asarray(suggested).copy(),
        method="conflicting_duplicates",
        score_method="group_agreement",
    )
