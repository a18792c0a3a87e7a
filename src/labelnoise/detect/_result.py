"""``LabelIssues``: the result of every detector."""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["LabelIssues"]

#: Flagged rows shown by the notebook display (the full list is in ``indices``).
HTML_ROWS = 10


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

    def _repr_html_(self) -> str:
        """A small, self-contained HTML summary for Jupyter: the counts and the worst rows."""
        cell = 'style="padding:2px 8px;text-align:left"'
        rows = "".join(
            f"<tr><td {cell}>{int(i)}</td><td {cell}>{html.escape(str(self.given_labels[i]))}"
            f"</td><td {cell}>{html.escape(str(self.suggested_labels[i]))}</td>"
            f"<td {cell}>{float(self.scores[i]):.4f}</td></tr>"
            for i in self.indices[:HTML_ROWS]
        )
        more = len(self) - min(len(self), HTML_ROWS)
        tail = f"<p style='margin:2px 0'>... and {more:,} more (see <code>indices</code>)</p>"
        head = "".join(
            f"<th {cell}>{name}</th>" for name in ("row", "given", "suggested", "quality")
        )
        table = f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        return (
            f"<div><b>LabelIssues</b>: {len(self):,} of {self.mask.shape[0]:,} flagged "
            f"({100 * self.rate:.2f}%), method <code>{html.escape(self.method)}</code>, "
            f"ranked by <code>{html.escape(self.score_method)}</code>"
            f"{table if len(self) else ''}{tail if more else ''}</div>"
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
