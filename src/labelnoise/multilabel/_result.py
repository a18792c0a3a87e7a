"""Results of the multi-label functions: ``MultilabelIssues`` and ``MultilabelNoise``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["MultilabelIssues", "MultilabelNoise"]


def _tag_names(row: np.ndarray, names: np.ndarray) -> str:
    return ";".join(str(name) for name in names[row])


@dataclass(frozen=True, eq=False)
class MultilabelIssues:
    """Which examples have a wrong or missing tag, and which tags those are.

    The fields of :class:`labelnoise.LabelIssues`, with tag sets as ``(n, K)`` boolean
    matrices, plus per-tag masks: ``missing[i, k]`` says tag ``k`` looks missing from
    example ``i`` (not given, but the example seems to have it), ``wrong[i, k]`` says it
    was given but looks wrong.

    Attributes
    ----------
    mask : ndarray of bool, shape (n,)
        True where some tag of the example is flagged (``missing | wrong`` on the row).
    indices : ndarray of int, shape (n_flagged,)
        Flagged rows, worst (lowest score) first.
    scores : ndarray of float64, shape (n,)
        Label quality of every example's whole tag set; lower means more likely wrong.
    given_labels : ndarray of bool, shape (n, K)
        The tags as given.
    suggested_labels : ndarray of bool, shape (n, K)
        The tags the model predicts (``pred_probs > 0.5``, each class on its own).
    missing : ndarray of bool, shape (n, K)
        Tags that look missing.
    wrong : ndarray of bool, shape (n, K)
        Given tags that look wrong.
    classes : ndarray, shape (K,)
        Name of each tag (the column index when no names were given).
    method : str
        The detection method used.
    score_method : str
        The per-tag score and how it was aggregated, e.g.
        ``"self_confidence/softmin"`` (the default).
    """

    mask: np.ndarray
    indices: np.ndarray
    scores: np.ndarray
    given_labels: np.ndarray
    suggested_labels: np.ndarray
    missing: np.ndarray
    wrong: np.ndarray
    classes: np.ndarray
    method: str
    score_method: str

    def __post_init__(self) -> None:
        for name in (
            "mask",
            "indices",
            "scores",
            "given_labels",
            "suggested_labels",
            "missing",
            "wrong",
            "classes",
        ):
            getattr(self, name).setflags(write=False)

    def __len__(self) -> int:
        """Number of flagged examples."""
        return int(self.indices.shape[0])

    def __repr__(self) -> str:
        return (
            f"MultilabelIssues({len(self)} of {self.mask.shape[0]} flagged, "
            f"{int(self.missing.sum())} missing and {int(self.wrong.sum())} wrong tags, "
            f"method={self.method!r}, score_method={self.score_method!r})"
        )

    @property
    def rate(self) -> float:
        """Fraction of examples flagged."""
        return len(self) / max(1, self.mask.shape[0])

    @property
    def tag_issues(self) -> np.ndarray:
        """``(n, K)`` bool: every flagged tag, missing or wrong."""
        return self.missing | self.wrong

    def to_frame(self) -> pd.DataFrame:
        """One row per example; tag sets as ``;``-joined names (the CLI's format)."""
        names = self.classes
        return pd.DataFrame(
            {
                "is_label_issue": self.mask,
                "label_quality": self.scores,
                "given_labels": [_tag_names(r, names) for r in self.given_labels],
                "suggested_labels": [_tag_names(r, names) for r in self.suggested_labels],
                "missing_tags": [_tag_names(r, names) for r in self.missing],
                "wrong_tags": [_tag_names(r, names) for r in self.wrong],
            }
        )


@dataclass(frozen=True, eq=False)
class MultilabelNoise:
    """Estimated tag noise, one-vs-rest per class.

    Attributes
    ----------
    confident_joint : ndarray of int64, shape (K, 2, 2)
        Per class ``k``, the calibrated confident joint of (given, true) membership:
        ``confident_joint[k, i, j]`` examples given ``i`` (0 absent, 1 present) that are
        estimated to truly be ``j``. The layout of the reference's
        ``compute_confident_joint(..., multi_label=True)``.
    missing_rate : ndarray of float64, shape (K,)
        ``P(tag k not given | example truly has k)``: how often the tag is missed.
    wrong_rate : ndarray of float64, shape (K,)
        ``P(tag k given | example truly lacks k)``: how often it is added wrongly.
    prior : ndarray of float64, shape (K,)
        Estimated true prevalence ``P(example has k)``.
    num_missing : ndarray of int64, shape (K,)
        Estimated number of examples missing tag ``k`` (``confident_joint[k, 0, 1]``).
    num_wrong : ndarray of int64, shape (K,)
        Estimated number wrongly given tag ``k`` (``confident_joint[k, 1, 0]``).
    classes : ndarray, shape (K,)
        Name of each tag (the column index when no names were given).
    """

    confident_joint: np.ndarray
    missing_rate: np.ndarray
    wrong_rate: np.ndarray
    prior: np.ndarray
    num_missing: np.ndarray
    num_wrong: np.ndarray
    classes: np.ndarray

    def __post_init__(self) -> None:
        for name in (
            "confident_joint",
            "missing_rate",
            "wrong_rate",
            "prior",
            "num_missing",
            "num_wrong",
            "classes",
        ):
            getattr(self, name).setflags(write=False)

    def to_frame(self) -> pd.DataFrame:
        """One row per tag: prior, missing_rate, wrong_rate, num_missing, num_wrong."""
        return pd.DataFrame(
            {
                "prior": self.prior,
                "missing_rate": self.missing_rate,
                "wrong_rate": self.wrong_rate,
                "num_missing": self.num_missing,
                "num_wrong": self.num_wrong,
            },
            index=pd.Index(self.classes, name="tag"),
        )
