"""Fit a clone of any classifier on a subset, with optional sample weights."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.pipeline import Pipeline
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import has_fit_parameter

from labelnoise._errors import InputError

__all__ = ["accepts_sample_weight", "fit_clone", "predict_columns"]


def _final(estimator: BaseEstimator) -> Any:
    return estimator.steps[-1][1] if isinstance(estimator, Pipeline) else estimator


def accepts_sample_weight(estimator: BaseEstimator) -> bool:
    """Whether ``fit`` (of a Pipeline's last step) takes ``sample_weight``."""
    return has_fit_parameter(_final(estimator), "sample_weight")


def check_accepts_sample_weight(estimator: BaseEstimator, *, owner: str) -> None:
    """Raise when reweighting is asked of an estimator that cannot take weights."""
    if not accepts_sample_weight(estimator):
        raise InputError(
            "handling",
            f"{owner}: handling='reweight' needs an estimator whose fit accepts "
            f"sample_weight, and {type(_final(estimator)).__name__} does not; use "
            "handling='relabel' or 'prune'.",
        )


def fit_clone(
    estimator: BaseEstimator,
    X: Any,
    y: np.ndarray,
    rows: np.ndarray | None = None,
    sample_weight: np.ndarray | None = None,
) -> BaseEstimator:
    """Fit a fresh clone on ``rows`` (all when None); weights go to a Pipeline's last step."""
    model = clone(estimator)
    if rows is not None:
        X, y = _safe_indexing(X, rows), y[rows]
        sample_weight = None if sample_weight is None else sample_weight[rows]
    if sample_weight is None:
        return model.fit(X, y)
    if isinstance(model, Pipeline):
        return model.fit(X, y, **{f"{model.steps[-1][0]}__sample_weight": sample_weight})
    return model.fit(X, y, sample_weight=sample_weight)


def predict_columns(model: BaseEstimator, X: Any, n_classes: int) -> np.ndarray:
    """``predict_proba`` spread over all ``n_classes`` label codes.

    A model fitted on a fold that missed some class has fewer columns; those classes get
    probability 0.
    """
    proba = np.asarray(model.predict_proba(X), dtype=np.float64)
    out = np.zeros((proba.shape[0], n_classes))
    out[:, np.asarray(model.classes_, dtype=np.intp)] = proba
    return out
