"""``Consensus``: the result of :func:`labelnoise.annotators.consensus`."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["Consensus"]


@dataclass(frozen=True, eq=False)
class Consensus:
    """Consensus labels, how sure they are, how good each annotator is, what to relabel.

    Attributes
    ----------
    examples : ndarray, shape (n,)
        The example ids, in the order of every per-example array: sorted ids for a long
        table (with ``pred_probs``, its rows ``0..n-1``); for a wide matrix, its rows in
        order (a DataFrame's index, else ``0..n-1``).
    labels : ndarray, shape (n,)
        Consensus label of each example (class names when names were given).
    quality : ndarray of float, shape (n,)
        Confidence in the consensus label, in [0, 1]: its posterior probability (for
        ``majority``, the share of votes it got). Low means likely wrong.
    agreement : ndarray of float, shape (n,)
        Share of the example's annotators who gave the consensus label.
    posterior : ndarray of float, shape (n, K)
        Probability of each class being the true one.
    relabel_priority : ndarray of float, shape (n,)
        Expected gain in consensus accuracy from one more label by a typical annotator;
        relabel the highest first (see :func:`relabel_order`).
    annotators : DataFrame
        One row per annotator (sorted ids): ``annotator``, ``n_labels``, ``quality``
        (estimated accuracy: the mean posterior probability that their labels are right),
        ``agreement`` (share of their labels equal to the consensus). A new copy on each
        access (a DataFrame cannot be made read-only), so editing it leaves the result
        unchanged.
    confusion : ndarray of float, shape (m, K, K)
        Estimated confusion matrix of each annotator, rows in the order of ``annotators``:
        ``confusion[a, y, l] = P(annotator a says l | true class y)``.
    classes : ndarray, shape (K,)
        Class of each posterior column.
    method : str
        The method used (``"auto"`` resolved).
    model_weight : float
        Temper ``beta`` applied to ``log pred_probs`` (0 without a model), fitted in
        [0, 4]: 1 trusts the model's probabilities as they are, below 1 softens them,
        above 1 sharpens them.
    n_iter : int
        EM iterations run (0 for majority vote).
    """

    examples: np.ndarray
    labels: np.ndarray
    quality: np.ndarray
    agreement: np.ndarray
    posterior: np.ndarray
    relabel_priority: np.ndarray
    _annotators: pd.DataFrame = field(repr=False)
    confusion: np.ndarray
    classes: np.ndarray
    method: str
    model_weight: float
    n_iter: int

    def __post_init__(self) -> None:
        for name in (
            "examples",
            "labels",
            "quality",
            "agreement",
            "posterior",
            "relabel_priority",
            "confusion",
            "classes",
        ):
            getattr(self, name).setflags(write=False)
        # a private copy: the caller's frame may change after this
        object.__setattr__(self, "_annotators", self._annotators.copy(deep=True))

    @property
    def annotators(self) -> pd.DataFrame:
        """One row per annotator (a new copy on each access; see the class docstring)."""
        return self._annotators.copy(deep=True)

    def __len__(self) -> int:
        """Number of examples."""
        return int(self.labels.shape[0])

    def __repr__(self) -> str:
        return (
            f"Consensus({len(self)} examples, {len(self._annotators)} annotators, "
            f"method={self.method!r}, mean quality {float(np.mean(self.quality)):.3f})"
        )

    def relabel_order(self) -> np.ndarray:
        """Positions of the examples, the one most worth another label first (stable)."""
        return np.argsort(-self.relabel_priority, kind="stable")

    def to_frame(self) -> pd.DataFrame:
        """One row per example: example, consensus_label, quality, agreement, relabel_priority."""
        return pd.DataFrame(
            {
                "example": self.examples,
                "consensus_label": self.labels,
                "quality": self.quality,
                "agreement": self.agreement,
                "relabel_priority": self.relabel_priority,
            }
        )
