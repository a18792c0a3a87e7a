"""Score flagged rows against the human review of the label-errors study."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from labelnoise.demo._data import LabelErrorsData

__all__ = ["HumanReview", "review_flagged", "review_notes"]


@dataclass(frozen=True)
class HumanReview:
    """How flagged rows fare against the human review.

    Attributes
    ----------
    n_flagged : int
        Rows flagged by the detector.
    n_reviewed : int
        Flagged rows that humans reviewed.
    n_confirmed : int
        Flagged rows that humans confirmed as label errors.
    n_errors : int
        All confirmed label errors in the review.
    """

    n_flagged: int
    n_reviewed: int
    n_confirmed: int
    n_errors: int

    @property
    def precision(self) -> float:
        """Confirmed errors among the reviewed flagged rows (NaN when none was reviewed)."""
        return self.n_confirmed / self.n_reviewed if self.n_reviewed else float("nan")

    @property
    def relative_recall(self) -> float:
        """Share of all confirmed errors that were flagged (NaN when there are none)."""
        return self.n_confirmed / self.n_errors if self.n_errors else float("nan")


def review_flagged(mask: np.ndarray, data: LabelErrorsData) -> HumanReview:
    """Compare a boolean mask of flagged rows with the human review.

    Parameters
    ----------
    mask : ndarray of bool, shape (n,)
        True where a row is flagged (``LabelIssues.mask``).
    data : LabelErrorsData
        The bundled dataset the mask refers to.

    Returns
    -------
    HumanReview

    Examples
    --------
    >>> import labelnoise
    >>> from labelnoise.demo import load_label_errors, review_flagged
    >>> data = load_label_errors("cifar10")
    >>> issues = labelnoise.find_label_issues(data.labels, data.pred_probs)
    >>> review = review_flagged(issues.mask, data)
    >>> review.n_flagged, review.n_confirmed, review.n_errors
    (284, 49, 54)
    """
    mask = np.asarray(mask, dtype=bool)
    flagged_reviewed = mask[data.review_ids]
    confirmed = data.confirmed
    return HumanReview(
        n_flagged=int(mask.sum()),
        n_reviewed=int(flagged_reviewed.sum()),
        n_confirmed=int((flagged_reviewed & confirmed).sum()),
        n_errors=int(confirmed.sum()),
    )


def review_notes(data: LabelErrorsData) -> np.ndarray:
    """One short note per row on what reviewers said ("" where nobody reviewed it).

    Parameters
    ----------
    data : LabelErrorsData

    Returns
    -------
    ndarray of str, shape (n,)
    """
    notes = np.full(data.labels.shape[0], "", dtype=object)
    for row, votes, confirmed in zip(
        data.review_ids, data.review_votes, data.confirmed, strict=True
    ):
        total = int(votes.sum())
        verdict = "confirmed error" if confirmed else "label kept"
        notes[row] = f"{verdict} ({int(votes[0])}/{total} kept the given label)"
    return notes
