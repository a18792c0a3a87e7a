"""What the human reviewers of the label-errors study said, one note per row.

Counting flags against the review is :func:`labelnoise.bench.audit_flags`."""

from __future__ import annotations

import numpy as np

from labelnoise.datasets._result import LabelErrors

__all__ = ["review_notes"]


def review_notes(data: LabelErrors) -> np.ndarray:
    """One short note per row on what reviewers said ("" where nobody reviewed it).

    Parameters
    ----------
    data : LabelErrors

    Returns
    -------
    ndarray of str, shape (n,)
    """
    notes = np.full(data.labels.shape[0], "", dtype=object)
    for row, votes, confirmed in zip(
        data.candidate_ids, data.votes, data.verified_error, strict=True
    ):
        total = int(votes.sum())
        verdict = "confirmed error" if confirmed else "label kept"
        notes[row] = f"{verdict} ({int(votes[0])}/{total} kept the given label)"
    return notes
