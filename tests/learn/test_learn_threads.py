"""Parallel folds share the cores: each fold's BLAS pool gets ``cores // n_jobs`` threads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from joblib import cpu_count, parallel_config
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_info, threadpool_limits

from labelnoise.learn import CleanClassifier, cross_val_pred_probs


def blas_threads() -> int:
    return max(p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas")


class ThreadRecorder(ClassifierMixin, BaseEstimator):
    """A logistic regression that appends the BLAS threads its ``fit`` ran with to ``log``.

    A file, not a list: ``clone`` copies parameters, and a process backend pickles them.
    """

    def __init__(self, log: str | None = None) -> None:
        self.log = log

    def fit(self, X, y):
        with Path(self.log).open("a") as handle:
            handle.write(f"{blas_threads()}\n")
        self.model_ = LogisticRegression(max_iter=500).fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)


def recorded(log: Path) -> list[int]:
    return [int(line) for line in log.read_text().split()]


@pytest.fixture
def all_cores():
    """Undo the learn tests' one-thread default: BLAS may use every core, as by default."""
    with threadpool_limits(limits=cpu_count()):
        yield cpu_count()


def test_parallel_folds_share_the_cores(iris, all_cores, tmp_path):
    X, y = iris
    log = tmp_path / "threads.txt"
    with parallel_config(backend="threading"):  # folds share this process's BLAS pool
        cross_val_pred_probs(ThreadRecorder(str(log)), X, y, cv=4, n_jobs=2, random_state=0)
    assert recorded(log) == [max(1, all_cores // 2)] * 4
    assert blas_threads() == all_cores  # restored after the call


def test_n_jobs_from_parallel_config_counts_too(iris, all_cores, tmp_path):
    X, y = iris
    log = tmp_path / "threads.txt"
    with parallel_config(backend="threading", n_jobs=2):
        cross_val_pred_probs(ThreadRecorder(str(log)), X, y, cv=3, random_state=0)
    assert recorded(log) == [max(1, all_cores // 2)] * 3


def test_sequential_folds_keep_the_callers_threads(iris, all_cores, tmp_path):
    X, y = iris
    log = tmp_path / "threads.txt"
    cross_val_pred_probs(ThreadRecorder(str(log)), X, y, cv=3, n_jobs=1, random_state=0)
    assert recorded(log) == [all_cores] * 3


def test_a_callers_lower_limit_is_kept(iris, tmp_path):
    X, y = iris
    log = tmp_path / "threads.txt"
    with threadpool_limits(limits=1), parallel_config(backend="threading"):
        cross_val_pred_probs(ThreadRecorder(str(log)), X, y, cv=3, n_jobs=2, random_state=0)
    assert recorded(log) == [1] * 3


def test_clean_classifier_folds_share_the_cores(iris, all_cores, tmp_path):
    X, y = iris
    log = tmp_path / "threads.txt"
    with parallel_config(backend="threading"):
        CleanClassifier(ThreadRecorder(str(log)), max_iter=1, cv=3, n_jobs=2).fit(X, y)
    # three folds in parallel, then the final fit on the cleaned set runs alone
    assert recorded(log) == [max(1, all_cores // 2)] * 3 + [all_cores]


def test_progress_callable_is_called_once_per_fold(iris):
    X, y = iris
    calls = []
    pp = cross_val_pred_probs(
        LogisticRegression(max_iter=500), X, y, cv=5, progress=lambda: calls.append(1)
    )
    assert len(calls) == 5 and np.allclose(pp.sum(axis=1), 1.0)
