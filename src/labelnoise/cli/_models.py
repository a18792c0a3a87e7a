"""Default models for ``labelnoise audit`` and out-of-sample pred_probs by cross-validation.

Confident learning needs *out-of-sample* probabilities: each row is predicted by a model
that never saw it, so a wrong label cannot be memorised and vouched for. K-fold
cross-validation gives that for every row at the cost of K fits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from sklearn.base import BaseEstimator

__all__ = ["MODELS", "Design", "build_model", "cross_val_pred_probs", "design"]

#: Tables with fewer rows are fitted on one thread.
SMALL_TABLE_ROWS = 20_000
#: Categorical columns with more distinct values are ordinal for gradient boosting.
MAX_CATEGORIES = 250


@dataclass(frozen=True, eq=False)
class Design:
    """The model inputs of ``audit``: a feature table and which columns are what.

    Attributes
    ----------
    X : DataFrame
        Features (numeric, categorical, and the text column, if any).
    numeric, categorical : list of str
        Tabular feature columns by kind (categorical ones hold integer codes).
    few_categories : list of str
        Categorical columns with at most :data:`MAX_CATEGORIES` values (the others are
        treated as ordinal by gradient boosting).
    text : str or None
        The free-text column.
    """

    X: pd.DataFrame
    numeric: list[str]
    categorical: list[str]
    few_categories: list[str]
    text: str | None


def design(frame: pd.DataFrame, features: list[str], text: str | None) -> Design:
    """Split the chosen columns into numeric, categorical and text inputs.

    Non-numeric features are replaced by integer category codes (missing values a category
    of their own), which every scikit-learn version's gradient boosting accepts.
    """
    numeric = [c for c in features if pd.api.types.is_numeric_dtype(frame[c])]
    categorical = [c for c in features if c not in numeric]
    X = frame[features].copy()
    few = []
    for column in categorical:
        values = X[column].astype("string").fillna("(missing)").astype("category")
        X[column] = values.cat.codes.astype(np.float64)
        if len(values.cat.categories) <= MAX_CATEGORIES:
            few.append(column)
    if text is not None:
        X[text] = frame[text].astype("string").fillna("").astype(object)
    return Design(X=X, numeric=numeric, categorical=categorical, few_categories=few, text=text)


def _gradient_boosting(data: Design) -> BaseEstimator:
    """Histogram gradient boosting: fast, handles missing values and categories natively."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    mask = [column in data.few_categories for column in data.X.columns]
    return HistGradientBoostingClassifier(
        categorical_features=mask if any(mask) else None, random_state=0
    )


def _logistic_regression(data: Design) -> BaseEstimator:
    """Scaled numbers, one-hot categories and TF-IDF text into a logistic regression."""
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    parts: list[tuple[str, object, object]] = []
    if data.numeric:
        imputed = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
        parts.append(("num", imputed, data.numeric))
    if data.categorical:
        parts.append(("cat", OneHotEncoder(handle_unknown="ignore"), data.categorical))
    if data.text is not None:
        tfidf = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), max_features=50_000)
        parts.append(("text", tfidf, data.text))
    return make_pipeline(ColumnTransformer(parts), LogisticRegression(max_iter=2000))


#: Model name -> builder; "auto" picks TF-IDF + logistic regression for text, else boosting.
MODELS: dict[str, Callable[[Design], BaseEstimator]] = {
    "hist-gradient-boosting": _gradient_boosting,
    "logistic-regression": _logistic_regression,
}


def build_model(name: str, data: Design) -> BaseEstimator:
    """Build the named model for ``data`` (``"auto"`` chooses by the presence of text)."""
    if name == "auto":
        name = "logistic-regression" if data.text is not None else "hist-gradient-boosting"
    return MODELS[name](data)


def cross_val_pred_probs(
    model: BaseEstimator,
    data: Design,
    codes: np.ndarray,
    n_classes: int,
    *,
    cv: int,
    seed: int,
    on_fold: Callable[[], None] | None = None,
) -> np.ndarray:
    """Out-of-sample (n, K) probabilities from ``cv`` stratified folds.

    :func:`labelnoise.learn.cross_val_pred_probs` with the command line's fold split and
    thread policy: each row is predicted by the copy of ``model`` fitted on the other
    folds; a class missing from a training fold gets probability 0 there.

    Parameters
    ----------
    model : estimator
        Unfitted classifier with ``predict_proba``; cloned for each fold.
    data : Design
        Model inputs.
    codes : ndarray of int, shape (n,)
        Label codes ``0..n_classes-1``.
    n_classes : int
    cv : int
        Number of folds.
    seed : int
        Seed of the shuffled fold split (``StratifiedKFold(cv, shuffle=True)``).
    on_fold : callable, optional
        Called after each fold (progress reporting).

    Returns
    -------
    ndarray of float64, shape (n, n_classes)
    """
    from sklearn.model_selection import StratifiedKFold
    from threadpoolctl import threadpool_limits

    from labelnoise.learn import cross_val_pred_probs as cross_validate

    n = codes.shape[0]
    folds = StratifiedKFold(n_splits=cv, shuffle=True, random_state=seed)
    # On small tables BLAS and OpenMP threads cost more than they save (and stall badly on
    # a busy machine), so fit single-threaded there.
    threads = 1 if n < SMALL_TABLE_ROWS else None
    with threadpool_limits(limits=threads):
        probs = cross_validate(model, data.X, codes, cv=folds, progress=on_fold or False)
    pred_probs = np.zeros((n, n_classes), dtype=np.float64)
    pred_probs[:, np.unique(codes)] = probs  # columns of the classes present, in code order
    return pred_probs
