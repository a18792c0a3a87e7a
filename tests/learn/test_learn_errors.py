"""One ``pytest.raises(match=...)`` per error message of labelnoise.learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import SVC

from labelnoise import InputError
from labelnoise.detect import METHODS
from labelnoise.learn import CleanClassifier, cross_val_pred_probs

X = np.random.default_rng(0).normal(size=(40, 3))
Y = np.repeat([0, 1], 20)


def fit(**params):
    return CleanClassifier(LogisticRegression(), **params).fit(X, Y)


ERRORS = {
    "method": (lambda: fit(method="magic"), "'method' parameter of CleanClassifier"),
    "handling": (lambda: fit(handling="drop"), "'handling' parameter of CleanClassifier"),
    "max_iter": (lambda: fit(max_iter=0), "'max_iter' parameter of CleanClassifier"),
    "tol": (lambda: fit(tol=2.0), "'tol' parameter of CleanClassifier"),
    "no_proba": (lambda: CleanClassifier(SVC()).fit(X, Y), "probability=True"),
    "no_weights": (
        lambda: CleanClassifier(KNeighborsClassifier(), handling="reweight").fit(X, Y),
        "KNeighborsClassifier does not",
    ),
    "one_class": (lambda: CleanClassifier().fit(X, np.zeros(40)), "at least 2 classes"),
    "rows": (lambda: CleanClassifier().fit(X[:30], Y), "has 30 rows but y has 40"),
    "y_2d": (lambda: CleanClassifier().fit(X, np.ones((40, 2))), r"1-D labels of shape \(n,\)"),
    "pred_probs": (
        lambda: CleanClassifier().fit(X, Y, pred_probs=np.full((40, 3), 1 / 3)),
        "one column per class",
    ),
    "cv_small": (lambda: fit(cv=1), "'cv' parameter of CleanClassifier must be >= 2"),
    "cv_type": (lambda: fit(cv="five"), "must be an int >= 2, a CV splitter"),
    "cv_partition": (lambda: fit(cv=[(np.arange(20), np.arange(20, 40))]), "exactly once"),
    "cvp_estimator": (lambda: cross_val_pred_probs(SVC(), X, Y), "fit and predict_proba"),
    "cvp_rows": (
        lambda: cross_val_pred_probs(LogisticRegression(), X, Y[:30]),
        "one label per row",
    ),
    "progress": (
        lambda: fit(progress="no"),
        r"^The 'progress' parameter of CleanClassifier must be one of \{False, True\}",
    ),
    "cvp_progress": (
        lambda: cross_val_pred_probs(LogisticRegression(), X, Y, progress="no"),
        r"^The 'progress' parameter of cross_val_pred_probs must be a bool or a callable",
    ),
}


def test_methods_are_posterior_and_the_registry_without_features():
    with pytest.raises(InputError, match="'method' parameter of CleanClassifier") as error:
        fit(method="magic")
    usable = [name for name, m in METHODS.items() if m.features != "required"]
    assert all(f"'{name}'" in str(error.value) for name in ("posterior", *usable))
    assert "'knn'" not in str(error.value)


@pytest.mark.parametrize("method", ["knn", "linear_separation", "linear_separation_small_loss"])
def test_feature_methods_are_refused_before_fitting(method):
    """CleanClassifier cannot pass features, so these fail at once, not after K fits."""
    with pytest.raises(InputError, match=rf"must be one of .*Got '{method}' instead"):
        fit(method=method)


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_message(name):
    call, pattern = ERRORS[name]
    with pytest.raises((InputError, ValueError), match=pattern):
        call()


def test_regression_targets_are_refused():
    with pytest.raises(ValueError, match="Unknown label type"):
        CleanClassifier().fit(X, np.linspace(0, 1, 40))
