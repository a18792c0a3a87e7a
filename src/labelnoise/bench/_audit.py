"""Audit a test set against a human review, and re-rank models on corrected test labels.

Northcutt, Athalye & Mueller ("Pervasive Label Errors in Test Sets Destabilize Machine
Learning Benchmarks", NeurIPS 2021) flagged candidate errors in ten test sets with
confident learning and had five crowd workers review each candidate. Only candidates were
reviewed, so such a review measures the precision of the flags among reviewed rows and a
recall *relative* to the confirmed errors, never absolute recall; and correcting the
confirmed errors can change which model looks best.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from labelnoise._errors import InputError
from labelnoise.detect import LabelIssues, find_label_issues

__all__ = ["TestSetAudit", "audit_flags", "audit_test_set", "corrected_accuracy"]


@dataclass(frozen=True, eq=False)
class TestSetAudit:
    """Flags of a detector on a test set, checked against a human review.

    Attributes
    ----------
    n : int
        Examples in the test set.
    n_flagged : int
        Examples the detector flagged.
    n_reviewed : int
        Examples humans reviewed (flagged or not).
    n_flagged_reviewed : int
        Flagged examples that humans reviewed.
    n_confirmed : int
        Flagged examples whose label error humans confirmed.
    n_confirmed_total : int
        All confirmed label errors in the review.
    flagged : ndarray of int, shape (n_flagged,)
        Flagged rows, worst first.
    confirmed : ndarray of int, shape (n_confirmed,)
        Flagged rows confirmed as errors, worst first.
    method : str
        The detection method.
    """

    __test__: ClassVar[bool] = False  # not a pytest test class, despite its name

    n: int
    n_flagged: int
    n_reviewed: int
    n_flagged_reviewed: int
    n_confirmed: int
    n_confirmed_total: int
    flagged: np.ndarray
    confirmed: np.ndarray
    method: str

    def __post_init__(self) -> None:
        self.flagged.setflags(write=False)
        self.confirmed.setflags(write=False)

    @property
    def precision(self) -> float:
        """Confirmed share of the flagged rows that were reviewed (NaN if none was)."""
        return self.n_confirmed / self.n_flagged_reviewed if self.n_flagged_reviewed else np.nan

    @property
    def relative_recall(self) -> float:
        """Share of all confirmed errors that were flagged (NaN if there are none)."""
        return self.n_confirmed / self.n_confirmed_total if self.n_confirmed_total else np.nan

    @property
    def coverage(self) -> float:
        """Share of the flagged rows that humans reviewed (NaN if nothing is flagged)."""
        return self.n_flagged_reviewed / self.n_flagged if self.n_flagged else np.nan

    @property
    def estimated_errors(self) -> float:
        """``precision * n_flagged``: errors among all flags, if unreviewed flags are alike."""
        return self.precision * self.n_flagged


def _check_verified(verified: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Reviewed rows and whether each was confirmed as an error, from a mapping."""
    if not hasattr(verified, "items") or isinstance(verified, str | bytes):
        raise InputError(
            "verified",
            f"expected a mapping of row index -> bool (True: humans confirmed the label is "
            f"wrong), got {type(verified).__name__}; pass e.g. dict(zip(ids, confirmed)).",
        )
    rows, verdicts = [], []
    for row, verdict in verified.items():
        if isinstance(row, bool) or not isinstance(row, int | np.integer) or not 0 <= row < n:
            raise InputError("verified", f"keys must be row indices in 0..{n - 1}, got {row!r}.")
        if not isinstance(verdict, bool | np.bool_):
            raise InputError(
                "verified",
                f"values must be bools (True: confirmed label error), got {verdict!r} for "
                f"row {row}.",
            )
        rows.append(int(row))
        verdicts.append(bool(verdict))
    return np.asarray(rows, dtype=np.intp), np.asarray(verdicts, dtype=bool)


def audit_test_set(
    labels: Any, pred_probs: Any, *, verified: Mapping[int, bool], **find_kwargs: Any
) -> TestSetAudit:
    """Flag label errors in a test set and check the flags against a human review.

    Parameters
    ----------
    labels : array-like of shape (n,)
        The given test labels.
    pred_probs : array-like of shape (n, K)
        Out-of-sample predicted probabilities (cross-validated on the test set, or from
        a model trained elsewhere).
    verified : mapping of int to bool
        The human review: row index -> True where reviewers confirmed the given label is
        wrong, False where they kept it. Rows not in the mapping were not reviewed. For
        :func:`labelnoise.datasets.load_label_errors` data: ``errors.verified``.
    **find_kwargs
        Passed to :func:`labelnoise.find_label_issues` (``method=``, ``rank_by=``, ...).

    Returns
    -------
    TestSetAudit
        Counts of flagged, reviewed and confirmed rows; ``precision`` (among reviewed
        flags), ``relative_recall`` and ``coverage``.

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise.bench import audit_test_set
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.2, 0.8], [0.9, 0.1]])
    >>> audit = audit_test_set([0, 0, 1, 1, 1], pred_probs, verified={4: True, 2: False})
    >>> audit.n_flagged, audit.n_confirmed, audit.precision
    (1, 1, 1.0)
    """
    return audit_flags(find_label_issues(labels, pred_probs, **find_kwargs), verified=verified)


def audit_flags(issues: LabelIssues, *, verified: Mapping[int, bool]) -> TestSetAudit:
    """Check a detector's flags against a human review (the second half of
    :func:`audit_test_set`, for flags you already have).

    Parameters
    ----------
    issues : LabelIssues
        The flags, from :func:`labelnoise.find_label_issues`.
    verified : mapping of int to bool
        The human review, as in :func:`audit_test_set` (``LabelErrors.verified`` for the
        label-errors test sets).

    Returns
    -------
    TestSetAudit

    Examples
    --------
    >>> import labelnoise
    >>> from labelnoise.bench import audit_flags
    >>> from labelnoise.demo import load_bundled_label_errors
    >>> data = load_bundled_label_errors("cifar10")
    >>> issues = labelnoise.find_label_issues(data.labels, data.pred_probs)
    >>> audit = audit_flags(issues, verified=data.verified)
    >>> audit.n_flagged, audit.n_flagged_reviewed, audit.n_confirmed, audit.n_confirmed_total
    (284, 240, 49, 54)
    """
    n = int(issues.mask.shape[0])
    rows, confirmed = _check_verified(verified, n)
    reviewed_flag = issues.mask[rows]
    confirmed_rows = set(rows[confirmed].tolist())
    return TestSetAudit(
        n=n,
        n_flagged=len(issues),
        n_reviewed=int(rows.shape[0]),
        n_flagged_reviewed=int(reviewed_flag.sum()),
        n_confirmed=int((reviewed_flag & confirmed).sum()),
        n_confirmed_total=int(confirmed.sum()),
        flagged=issues.indices.copy(),
        confirmed=np.array([i for i in issues.indices.tolist() if i in confirmed_rows], np.intp),
        method=issues.method,
    )


def _predictions(name: str, values: Any, n: int) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim == 2 and arr.shape[0] == n:
        return arr.argmax(axis=1)
    if arr.ndim == 1 and arr.shape[0] == n:
        return arr
    raise InputError(
        "predictions_by_model",
        f"{name!r} has shape {arr.shape}; pass predicted labels of shape ({n},) or "
        f"probabilities of shape ({n}, K).",
    )


def _check_corrections(corrections: Any, n: int) -> dict[int, Any]:
    if not hasattr(corrections, "items") or isinstance(corrections, str | bytes):
        raise InputError(
            "corrections",
            f"expected a mapping of row index -> corrected label (None: drop the row), got "
            f"{type(corrections).__name__}.",
        )
    out = {}
    for row, label in corrections.items():
        if isinstance(row, bool) or not isinstance(row, int | np.integer) or not 0 <= row < n:
            raise InputError("corrections", f"keys must be row indices in 0..{n - 1}, got {row!r}.")
        out[int(row)] = label
    return out


def corrected_accuracy(
    predictions_by_model: Mapping[str, Any], labels: Any, corrections: Mapping[int, Any]
) -> pd.DataFrame:
    """Accuracy of each model on the original and on the corrected test labels, and ranks.

    A few wrong test labels are enough to reorder models whose accuracies are close, the
    main finding of Northcutt et al. (2021): a model that memorised the training set's
    label biases is rewarded for agreeing with the same biases in the test labels.

    Parameters
    ----------
    predictions_by_model : mapping of str to array-like
        Model name -> predicted labels, shape (n,), or probabilities, shape (n, K).
    labels : array-like of shape (n,)
        The original test labels.
    corrections : mapping of int to label or None
        Row -> corrected label; ``None`` removes the row from the corrected test set
        (e.g. reviewers agreed the given label is wrong but not on the right one).

    Returns
    -------
    DataFrame
        Indexed by model, ordered by original rank: ``accuracy_original``,
        ``accuracy_corrected``, ``accuracy_on_corrected_rows`` (against the corrected
        labels, on the changed rows only), ``rank_original``, ``rank_corrected`` (1 =
        best; ties share the best rank) and ``rank_change`` (positive: moved up).

    Examples
    --------
    >>> from labelnoise.bench import corrected_accuracy
    >>> frame = corrected_accuracy({"a": [0, 1, 1, 0], "b": [0, 1, 0, 1]}, [0, 1, 1, 1],
    ...                            corrections={3: 0})
    >>> frame[["accuracy_original", "accuracy_corrected", "rank_corrected"]].to_dict("list")
    {'accuracy_original': [0.75, 0.75], 'accuracy_corrected': [1.0, 0.5], \
'rank_corrected': [1, 2]}
    """
    given = np.asarray(labels)
    if given.ndim != 1 or given.shape[0] == 0:
        raise InputError("labels", f"expected a non-empty 1-D array, got shape {given.shape}.")
    n = given.shape[0]
    fixes = _check_corrections(corrections, n)
    if not predictions_by_model:
        raise InputError("predictions_by_model", "is empty; pass at least one model.")
    corrected = given.astype(object)
    keep = np.ones(n, dtype=bool)
    for row, label in fixes.items():
        keep[row] = label is not None
        corrected[row] = label if label is not None else corrected[row]
    changed = np.zeros(n, dtype=bool)
    changed[[r for r, lab in fixes.items() if lab is not None]] = True
    rows = []
    for name, values in predictions_by_model.items():
        predicted = _predictions(str(name), values, n).astype(object)
        right = predicted == corrected
        rows.append(
            {
                "model": str(name),
                "accuracy_original": float(np.mean(predicted == given.astype(object))),
                "accuracy_corrected": float(np.mean(right[keep])) if keep.any() else np.nan,
                "accuracy_on_corrected_rows": float(np.mean(right[changed]))
                if changed.any()
                else np.nan,
            }
        )
    frame = pd.DataFrame(rows).set_index("model")
    for which in ("original", "corrected"):
        ranks = frame[f"accuracy_{which}"].rank(ascending=False, method="min", na_option="bottom")
        frame[f"rank_{which}"] = ranks.astype(int)
    frame["rank_change"] = frame["rank_original"] - frame["rank_corrected"]
    return frame.sort_values(["rank_original", "rank_corrected"], kind="stable")
