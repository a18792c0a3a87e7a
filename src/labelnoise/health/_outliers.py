"""Out-of-distribution scores, fit on reference data and applied to new data.

Two signals, each compared with its own distribution on the reference rows:

* **features**: the mean cosine distance of a row to its ``k`` nearest reference rows
  (a row far from all reference rows is unlike anything seen);
* **model**: the normalized entropy of the row's ``pred_probs`` after dividing each
  class's probability by that class's confident threshold (the mean probability the
  reference rows of the class give it, as in confident learning), so a class the model
  is never sure of does not look like an outlier class.

A row's score is the share of reference rows at least as unusual (an empirical tail
probability), the smaller of the two when both are given. A row is flagged when a signal
is above Tukey's fence ``Q3 + threshold * IQR`` of that signal on the reference rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator

from labelnoise._errors import InputError
from labelnoise._random import RandomState, check_random_state
from labelnoise._validation import check_int, check_pred_probs
from labelnoise.detect._knn import unit_rows
from labelnoise.health._checks import check_positive, check_row_labels
from labelnoise.health._graph import NeighborGraph, as_graph, check_feature_rows, cross_neighbors
from labelnoise.health._result import OutlierScores

__all__ = ["DEFAULT_OUTLIER_FENCE", "OutlierDetector", "outlier_scores"]

#: Tukey's "far out" fence; chosen on planted outliers (docs/health.md).
DEFAULT_OUTLIER_FENCE = 3.0


def _fence(signal: np.ndarray, threshold: float) -> float:
    q1, q3 = np.percentile(signal, [25, 75])
    return float(q3 + threshold * (q3 - q1))


def _tail(reference_sorted: np.ndarray, values: np.ndarray, *, self_included: bool) -> np.ndarray:
    """Share of reference values >= each value (with a +1 for a row not among them)."""
    at_least = reference_sorted.size - np.searchsorted(reference_sorted, values, side="left")
    if self_included:
        return at_least / max(1, reference_sorted.size)
    return (1.0 + at_least) / (1.0 + reference_sorted.size)


def _class_thresholds(pred_probs: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Mean probability of each class over the rows labelled with it (the overall mean
    where a class has no rows), never below 1e-6."""
    k = pred_probs.shape[1]
    counts = np.bincount(codes, minlength=k)
    sums = np.zeros(k)
    np.add.at(sums, codes, pred_probs[np.arange(codes.size), codes])
    mean = pred_probs.mean(axis=0)
    out = np.where(counts > 0, sums / np.maximum(counts, 1), mean)
    return np.maximum(out, 1e-6)


def _model_signal(pred_probs: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Normalized entropy (in [0, 1]) of the threshold-adjusted probabilities."""
    adjusted = pred_probs / thresholds
    adjusted = adjusted / adjusted.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(adjusted > 0, np.log(adjusted), 0.0)
    return -(adjusted * logs).sum(axis=1) / np.log(pred_probs.shape[1])


def _knn_signal(similarity: np.ndarray) -> np.ndarray:
    return np.clip(1.0 - similarity, 0.0, 2.0).mean(axis=1)


class OutlierDetector(BaseEstimator):
    """Score how unusual rows are, relative to reference data seen in :meth:`fit`.

    Parameters
    ----------
    n_neighbors : int, default=10
        Reference rows whose mean cosine distance makes the feature signal.
    threshold : float, default=3.0
        Tukey fence multiplier: flagged above ``Q3 + threshold * IQR`` of the reference.
    random_state : int, numpy.random.Generator or None
        Seeds the approximate index on large reference data.

    Attributes
    ----------
    reference_ : ndarray or None
        Unit-norm reference features (None when fit without features).
    feature_signal_, model_signal_ : ndarray or None
        Sorted reference signals (leave-one-out for the feature signal).
    feature_fence_, model_fence_ : float or None
        The fences.
    class_thresholds_ : ndarray or None
        Per-class confident thresholds of the model signal.
    reference_result_ : OutlierScores
        The reference rows' own scores (each compared with the others).
    seed_ : int
        Seed of the approximate index in :meth:`detect` (drawn from ``random_state`` in
        :meth:`fit`), so scoring the same rows twice gives the same scores.

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise.health import OutlierDetector
    >>> rng = np.random.default_rng(0)
    >>> det = OutlierDetector().fit(rng.normal(size=(200, 5)) + 5)
    >>> det.detect(np.vstack([rng.normal(size=(3, 5)) + 5, -np.ones((1, 5))])).mask.tolist()
    [False, False, False, True]
    """

    def __init__(
        self,
        n_neighbors: int = 10,
        threshold: float = DEFAULT_OUTLIER_FENCE,
        random_state: RandomState = None,
    ) -> None:
        self.n_neighbors = n_neighbors
        self.threshold = threshold
        self.random_state = random_state

    def _check_options(self) -> tuple[int, float, np.random.Generator]:
        func = "OutlierDetector"
        k = check_int(self.n_neighbors, name="n_neighbors", func=func, minimum=1)
        t = check_positive(self.threshold, name="threshold", func=func)
        return k, t, check_random_state(self.random_state, func=func)

    def fit(
        self, features: Any = None, *, pred_probs: Any = None, labels: Any = None
    ) -> OutlierDetector:
        """Learn the reference distribution of each given signal.

        Parameters
        ----------
        features : array-like of shape (n, d), optional
            Reference features.
        pred_probs : array-like of shape (n, K), optional
            Out-of-sample predicted probabilities of the reference rows.
        labels : array-like of shape (n,), optional
            Given labels of the reference rows (integers ``0..K-1``), for the per-class
            thresholds; without them each row counts for its most likely class.

        Returns
        -------
        self
        """
        k, t, rng = self._check_options()
        _require_one(features, pred_probs, labels)
        self.reference_ = self.feature_signal_ = self.feature_fence_ = None
        self.model_signal_ = self.model_fence_ = self.class_thresholds_ = None
        feat_sig = model_sig = None
        n = None
        if features is not None:
            arr = check_feature_rows(features)
            graph = as_graph(arr, k, rng)
            self.reference_ = unit_rows(arr)
            feat_sig = _knn_signal(graph.similarity)
            n = arr.shape[0]
        if pred_probs is not None:
            pp = _pred_probs(pred_probs, n)
            n = pp.shape[0]
            codes = pp.argmax(axis=1) if labels is None else _label_codes(labels, pp)
            self.class_thresholds_ = _class_thresholds(pp, codes)
            model_sig = _model_signal(pp, self.class_thresholds_)
        self.reference_result_ = self._result(feat_sig, model_sig, t, fitting=True)
        # every detect call seeds the approximate index alike: same rows, same scores
        self.seed_ = int(rng.integers(2**31 - 1))
        return self

    def _result(
        self, feat: np.ndarray | None, model: np.ndarray | None, t: float, *, fitting: bool
    ) -> OutlierScores:
        parts: list[tuple[np.ndarray | None, np.ndarray | None]] = []
        for name, sig in (("feature", feat), ("model", model)):
            if sig is None:
                parts.append((None, None))
                continue
            if fitting:
                setattr(self, f"{name}_signal_", np.sort(sig))
                setattr(self, f"{name}_fence_", _fence(sig, t))
            ref = getattr(self, f"{name}_signal_")
            fence = getattr(self, f"{name}_fence_")
            parts.append((_tail(ref, sig, self_included=fitting), sig > fence))
        scores: list[np.ndarray] = [s for s, _ in parts if s is not None]
        masks: list[np.ndarray] = [m for _, m in parts if m is not None]
        return OutlierScores(
            scores=np.minimum.reduce(scores),
            mask=np.logical_or.reduce(masks),
            threshold=t,
            feature_scores=parts[0][0],
            model_scores=parts[1][0],
        )

    def detect(self, features: Any = None, *, pred_probs: Any = None) -> OutlierScores:
        """Score new rows against the reference (give the inputs ``fit`` was given).

        Parameters
        ----------
        features : array-like of shape (m, d), optional
        pred_probs : array-like of shape (m, K), optional

        Returns
        -------
        OutlierScores
        """
        if not hasattr(self, "reference_result_"):
            raise InputError(
                "OutlierDetector", "is not fitted yet; call fit(...) on reference data first."
            )
        _require_one(features, pred_probs)
        for name, given, fitted in (
            ("features", features, self.reference_),
            ("pred_probs", pred_probs, self.class_thresholds_),
        ):
            if (given is None) != (fitted is None):
                state = "was" if fitted is not None else "was not"
                raise InputError(name, f"{name} {state} given to fit; pass the same inputs.")
        k, t, _ = self._check_options()
        feat_sig = model_sig = None
        n = None
        if features is not None and self.reference_ is not None:
            arr = check_feature_rows(features, min_rows=1)
            if arr.shape[1] != self.reference_.shape[1]:
                raise InputError(
                    "features",
                    f"has {arr.shape[1]} columns but the reference had "
                    f"{self.reference_.shape[1]}; use the same feature space.",
                )
            rng = np.random.default_rng(self.seed_)
            found = cross_neighbors(self.reference_, arr, k, rng)
            feat_sig = _knn_signal(found.similarity)
            n = arr.shape[0]
        if pred_probs is not None and self.class_thresholds_ is not None:
            pp = _pred_probs(pred_probs, n)
            if pp.shape[1] != self.class_thresholds_.size:
                raise InputError(
                    "pred_probs",
                    f"has {pp.shape[1]} columns but the reference had "
                    f"{self.class_thresholds_.size}; use the same model's classes.",
                )
            model_sig = _model_signal(pp, self.class_thresholds_)
        return self._result(feat_sig, model_sig, t, fitting=False)


def _require_one(features: Any, pred_probs: Any, labels: Any = None) -> None:
    if features is None and pred_probs is None:
        raise InputError("features", "pass features=, pred_probs= or both.")
    if labels is not None and pred_probs is None:
        raise InputError(
            "labels",
            "are only used with pred_probs (for per-class thresholds); pass pred_probs= too, "
            "or drop labels.",
        )


def _pred_probs(pred_probs: Any, n: int | None) -> np.ndarray:
    pp = check_pred_probs(pred_probs)
    if n is not None and pp.shape[0] != n:
        raise InputError(
            "pred_probs", f"has {pp.shape[0]} rows but features has {n}; pass one row per example."
        )
    return pp


def _label_codes(labels: Any, pp: np.ndarray) -> np.ndarray:
    codes, classes = check_row_labels(labels, pp.shape[0])
    if classes.dtype.kind not in "iu" or classes.min() < 0 or classes.max() >= pp.shape[1]:
        raise InputError(
            "labels",
            f"expected integer class indices 0..{pp.shape[1] - 1} (one per pred_probs column), "
            f"got values such as {classes[:5].tolist()}.",
        )
    return classes[codes].astype(np.intp)


def outlier_scores(
    features: Any = None,
    *,
    pred_probs: Any = None,
    labels: Any = None,
    threshold: float = DEFAULT_OUTLIER_FENCE,
    n_neighbors: int = 10,
    random_state: RandomState = None,
) -> OutlierScores:
    """Score how unusual each row is among the others (no separate reference).

    The same as ``OutlierDetector(...).fit(...).reference_result_``: every row is
    compared with all the others. To score new data against reference data, fit an
    :class:`OutlierDetector` on the reference and call ``detect`` on the new rows.

    Parameters
    ----------
    features : array-like of shape (n, d), or NeighborGraph, optional
        Features (or their graph, from :func:`neighbor_graph`).
    pred_probs : array-like of shape (n, K), optional
        Out-of-sample predicted probabilities.
    labels : array-like of int, shape (n,), optional
        Given labels, for the model signal's per-class thresholds.
    threshold : float, default=3.0
        Tukey fence multiplier.
    n_neighbors : int, default=10
        Neighbours of the feature signal.
    random_state : int, numpy.random.Generator or None
        Seeds the approximate index on large data.

    Returns
    -------
    OutlierScores

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise.health import outlier_scores
    >>> x = np.random.default_rng(0).normal(size=(300, 4)) + 4
    >>> x[0] = [-4, 4, -4, 4]
    >>> int(outlier_scores(x).indices[0])
    0
    """
    if isinstance(features, NeighborGraph):
        _require_one(features, pred_probs, labels)
        det = OutlierDetector(n_neighbors, threshold, random_state)
        _, t, _ = det._check_options()
        feat = _knn_signal(features.similarity)
        model = None
        if pred_probs is not None:
            pp = _pred_probs(pred_probs, features.n)
            codes = pp.argmax(axis=1) if labels is None else _label_codes(labels, pp)
            det.class_thresholds_ = _class_thresholds(pp, codes)
            model = _model_signal(pp, det.class_thresholds_)
        return det._result(feat, model, t, fitting=True)
    det = OutlierDetector(n_neighbors, threshold, random_state)
    det.fit(features, pred_probs=pred_probs, labels=labels)
    return det.reference_result_
