"""``LabelIssues``: the result of every detector."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["LabelIssues"]


@dataclass(frozen=True, eq=False)
class LabelIssues:
    """Which labels look wrong, how sure we are, and what they should probably be.

    Attributes
    ----------
    mask : ndarray of bool, shape (n,)
        True where the given label is flagged as an issue.
    indices : ndarray of int, shape (n_flagged,)
        Flagged rows, worst (lowest score) first.
    scores : ndarray of float, shape (n,)
        Label quality of every example; lower means more likely wrong.
    given_labels : ndarray, shape (n,)
        The labels as given (class names when names were given).
    suggested_labels : ndarray, shape (n,)
        The most likely label of every example under the model (argmax of pred_probs).
    method : str
        The detection method used.
    score_method : str
        The label quality score used for ``scores`` and for ranking ``indices``.
    """

    mask: np.ndarray
    indices: np.ndarray
    scores: np.ndarray
    given_labels: np.ndarray
    suggested_labels: np.ndarray
    method: str
    score_method: str

    def __post_init__(self) -> None:
        for name in ("mask", "indices", "scores", "given_labels", "suggested_labels"):
            getattr(self, name).setflags(write=False)

    def __len__(self) -> int:
        """Number of flagged examples."""
        return int(self.indices.shape[0])

    def __repr__(self) -> str:
        return (
            f"LabelIssues({len(self)} of {self.mask.shape[0]} flagged, "
            f"method={self.method!r}, score_method={self.score_method!r})"
        )

    @property
    def rate(self) -> float:
        """Fraction of examples flagged."""
        return len(self) / max(1, self.mask.shape[0])

    def to_frame(self) -> pd.DataFrame:
        """One row per example: is_label_issue, label_quality, given_label, suggested_label."""
        return pd.DataFrame(
            {
                "is_label_issue": self.mask,
                "label_quality": self.scores,
                "given_label": self.given_labels,
                "suggested_label": self.suggested_labels,
            }
        )
