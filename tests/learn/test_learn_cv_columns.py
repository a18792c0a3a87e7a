"""``cross_val_pred_probs``'s ``classes`` and ``threads_per_fold`` options."""

from __future__ import annotations

import numpy as np
import pytest
from joblib import cpu_count
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_info, threadpool_limits

from labelnoise.learn import cross_val_pred_probs


def _model():
    return LogisticRegression(max_iter=500)


def test_classes_place_the_columns_and_zero_absent_ones(iris):
    X, y = iris
    plain = cross_val_pred_probs(_model(), X, y, random_state=0)
    placed = cross_val_pred_probs(_model(), X, y, random_state=0, classes=[5, 2, 1, 0])
    assert placed.shape == (150, 4)
    assert np.array_equal(placed[:, [3, 2, 1]], plain)
    assert not placed[:, 0].any()


class _Log(list):
    """A list that cloning shares instead of copying (so every fold's clone writes here)."""

    def __deepcopy__(self, memo):
        return self


class _ThreadSpy(ClassifierMixin, BaseEstimator):
    """Logs the largest BLAS pool size it sees while fitting."""

    def __init__(self, log=None):
        self.log = log

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        sizes = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
        self.log.append(max(sizes, default=1))
        return self

    def predict_proba(self, X):
        return np.full((len(X), len(self.classes_)), 1 / len(self.classes_))


def test_threads_per_fold_limits_each_fit(iris):
    X, y = iris
    limited, free = _Log(), _Log()
    with threadpool_limits(2, user_api="blas"):  # the learn tests' default is one thread
        cross_val_pred_probs(_ThreadSpy(limited), X, y, cv=3, threads_per_fold=1)
        cross_val_pred_probs(_ThreadSpy(free), X, y, cv=3)
    assert limited == [1, 1, 1]
    if cpu_count() >= 2:  # the control: without the option the fits see the caller's pool
        assert free == [2, 2, 2]


def test_threads_per_fold_does_not_change_the_result(iris):
    X, y = iris
    plain = cross_val_pred_probs(_model(), X, y, random_state=0)
    limited = cross_val_pred_probs(_model(), X, y, random_state=0, threads_per_fold=1)
    np.testing.assert_allclose(limited, plain, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("classes", "message"),
    [
        ([0, 1], r"does not hold every label of y \(missing \[2\]\)"),
        ([0, 0, 1, 2], r"repeats \[0\]; pass every class once"),
        ([[0, 1, 2]], r"expected a non-empty 1-D list of class labels, got shape \(1, 3\)"),
        ([0, "x", 1, 2], r"are of another kind than the labels of y \(classes <U21, y int64\)"),
    ],
)
def test_bad_classes(iris, classes, message):
    X, y = iris
    with pytest.raises(ValueError, match=message):
        cross_val_pred_probs(_model(), X, y, classes=classes)


def test_bad_threads_per_fold(iris):
    X, y = iris
    with pytest.raises(ValueError, match=r"'threads_per_fold' parameter .* must be an int >= 1"):
        cross_val_pred_probs(_model(), X, y, threads_per_fold=0)
