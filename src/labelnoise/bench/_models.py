"""Named scikit-learn models whose cross-validated probabilities the detectors read."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sklearn.base import BaseEstimator

__all__ = ["MODELS", "build_model", "model_key"]


def _logistic_regression() -> BaseEstimator:
    """Standardized features into a logistic regression (lbfgs, L2, C=1)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))


def _pca50_logistic_regression() -> BaseEstimator:
    """PCA to 50 components, standardized, into a logistic regression (for images)."""
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(
        PCA(n_components=50, random_state=0), StandardScaler(), LogisticRegression(max_iter=2000)
    )


def _random_forest() -> BaseEstimator:
    """A 200-tree random forest (probabilities are vote shares)."""
    from sklearn.ensemble import RandomForestClassifier

    return RandomForestClassifier(n_estimators=200, random_state=0)


def _hist_gradient_boosting() -> BaseEstimator:
    """Histogram gradient boosting with scikit-learn's defaults."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(random_state=0)


def _gaussian_nb() -> BaseEstimator:
    """Gaussian naive Bayes: fast, badly calibrated; a stress test for detectors."""
    from sklearn.naive_bayes import GaussianNB

    return GaussianNB()


#: Model name -> builder of a fresh unfitted estimator.
MODELS: dict[str, Callable[[], BaseEstimator]] = {
    "logistic_regression": _logistic_regression,
    "pca50_logistic_regression": _pca50_logistic_regression,
    "random_forest": _random_forest,
    "hist_gradient_boosting": _hist_gradient_boosting,
    "gaussian_nb": _gaussian_nb,
}


def build_model(model: Any) -> BaseEstimator:
    """A fresh estimator: built from its name, or cloned from the one given."""
    if isinstance(model, str):
        return MODELS[model]()
    from sklearn.base import clone

    return clone(model)


def model_key(model: Any) -> str:
    """A stable description of the model for the cache key and the results table."""
    if isinstance(model, str):
        return model
    params = model.get_params(deep=True)
    shown = ", ".join(f"{k}={params[k]!r}" for k in sorted(params) if "__" not in k)
    return f"{type(model).__name__}({shown})"
