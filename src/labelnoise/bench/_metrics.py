"""How well a detector's flags and ranking match the labels that were really flipped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from labelnoise._errors import InputError

__all__ = ["DetectionMetrics", "detection_metrics"]


@dataclass(frozen=True)
class DetectionMetrics:
    """Flags and ranking of one detector against the true flip mask.

    Attributes
    ----------
    n_flagged : int
        Examples flagged.
    n_flipped : int
        Examples whose label was really changed.
    precision : float
        Share of flagged examples that were flipped (NaN when nothing is flagged).
    recall : float
        Share of flipped examples that were flagged (NaN when nothing was flipped).
    f1 : float
        ``2 TP / (n_flagged + n_flipped)``: 0 when flips exist and none is found, NaN
        only when there are neither flags nor flips.
    auroc : float
        Area under the ROC curve of ``-scores`` for the flip mask (NaN with one class).
    auprc : float
        Average precision of ``-scores`` for the flip mask (NaN without flips).
    """

    n_flagged: int
    n_flipped: int
    precision: float
    recall: float
    f1: float
    auroc: float
    auprc: float

    @property
    def count_error(self) -> int:
        """``n_flagged - n_flipped``: negative when the detector under-counts."""
        return self.n_flagged - self.n_flipped


def _ratio(num: int, den: int) -> float:
    return num / den if den else float("nan")


def _vector(value: Any, name: str, n: int | None, dtype: Any) -> np.ndarray:
    arr = np.asarray(value)
    if arr.ndim != 1 or (n is not None and arr.shape[0] != n):
        expected = "a 1-D array" if n is None else f"shape ({n},)"
        raise InputError(name, f"expected {expected}, got shape {arr.shape}.")
    if dtype is bool and arr.dtype != bool:
        raise InputError(name, f"expected a boolean mask, got dtype {arr.dtype}; pass a == b.")
    if dtype is float and (arr.dtype.kind not in "fiu" or not np.all(np.isfinite(arr))):
        raise InputError(name, "expected finite numbers (lower = more likely wrong).")
    return arr


def detection_metrics(mask: Any, scores: Any, is_flipped: Any) -> DetectionMetrics:
    """Precision, recall and F1 of ``mask``; AUROC and AUPRC of ranking by ``scores``.

    Parameters
    ----------
    mask : array-like of bool, shape (n,)
        Flagged examples (``LabelIssues.mask``).
    scores : array-like of float, shape (n,)
        Label quality, lower = more likely wrong (``LabelIssues.scores``).
    is_flipped : array-like of bool, shape (n,)
        Which labels were really changed (``SimulatedNoise.is_flipped``).

    Returns
    -------
    DetectionMetrics

    Examples
    --------
    >>> from labelnoise.bench import detection_metrics
    >>> m = detection_metrics([True, True, False, False], [0.1, 0.2, 0.9, 0.3],
    ...                       [True, False, False, True])
    >>> m.precision, m.recall, m.f1, m.auroc
    (0.5, 0.5, 0.5, 0.75)
    """
    from sklearn.metrics import average_precision_score, roc_auc_score

    truth = _vector(is_flipped, "is_flipped", None, bool)
    flags = _vector(mask, "mask", truth.shape[0], bool)
    score = _vector(scores, "scores", truth.shape[0], float).astype(np.float64)
    tp = int(np.count_nonzero(flags & truth))
    n_flagged, n_flipped = int(flags.sum()), int(truth.sum())
    both_classes = 0 < n_flipped < truth.shape[0]
    return DetectionMetrics(
        n_flagged=n_flagged,
        n_flipped=n_flipped,
        precision=_ratio(tp, n_flagged),
        recall=_ratio(tp, n_flipped),
        f1=_ratio(2 * tp, n_flagged + n_flipped),
        auroc=float(roc_auc_score(truth, -score)) if both_classes else float("nan"),
        auprc=float(average_precision_score(truth, -score)) if both_classes else float("nan"),
    )
