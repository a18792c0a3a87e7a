"""The learn tests fit many tiny models: one BLAS thread each is far faster than several;
the iris data they fit."""

from __future__ import annotations

import pytest
from sklearn.datasets import load_iris
from threadpoolctl import threadpool_limits


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with threadpool_limits(1):
        yield


@pytest.fixture(scope="module")
def iris():
    """``(X, y)`` of scikit-learn's iris data."""
    return load_iris(return_X_y=True)
