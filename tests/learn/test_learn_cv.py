"""cross_val_pred_probs against scikit-learn's cross_val_predict; the posterior by hand."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from joblib import parallel_config
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_predict

from labelnoise.learn import cross_val_pred_probs
from labelnoise.learn._rounds import posterior


def test_matches_cross_val_predict_with_the_same_folds(iris):
    X, y = iris
    folds = StratifiedKFold(4, shuffle=True, random_state=7)
    ours = cross_val_pred_probs(LogisticRegression(max_iter=500), X, y, cv=folds)
    theirs = cross_val_predict(
        LogisticRegression(max_iter=500), X, y, cv=folds, method="predict_proba"
    )
    np.testing.assert_allclose(ours, theirs)


def test_int_cv_is_seeded_and_parallel_gives_the_same(iris):
    X, y = iris
    one = cross_val_pred_probs(LogisticRegression(max_iter=500), X, y, random_state=1)
    with parallel_config(backend="threading"):  # processes would take seconds to start
        two = cross_val_pred_probs(LogisticRegression(max_iter=500), X, y, random_state=1, n_jobs=2)
    np.testing.assert_allclose(one, two)
    other = cross_val_pred_probs(LogisticRegression(max_iter=500), X, y, random_state=2)
    assert not np.allclose(one, other)


def test_names_missing_classes_and_progress(iris, capsys):
    pytest.importorskip("tqdm")
    X, y = iris
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    folds = KFold(3)  # unshuffled iris: each fold's training part misses one class
    pp = cross_val_pred_probs(LogisticRegression(max_iter=500), X, names, cv=folds, progress=True)
    assert pp.shape == (150, 3)
    np.testing.assert_array_equal(pp[:50, 0], 0.0)  # setosa never seen when predicting it
    assert "cross-validation" in capsys.readouterr().err
    splits = list(KFold(5).split(X))
    np.testing.assert_allclose(
        cross_val_pred_probs(LogisticRegression(max_iter=500), X, y, cv=splits).sum(1), 1
    )


def slow_posterior(noise_matrix, given, pred_probs):
    out = np.zeros_like(pred_probs)
    for i, g in enumerate(given):
        joint = [noise_matrix[g, j] * pred_probs[i, j] for j in range(pred_probs.shape[1])]
        total = sum(joint)
        out[i] = np.eye(len(joint))[g] if total == 0 else np.array(joint) / total
    return out


@settings(max_examples=30)
@given(st.integers(0, 2**31 - 1), st.integers(2, 6))
def test_posterior_is_bayes_rule(seed, k):
    rng = np.random.default_rng(seed)
    noise = rng.dirichlet(np.ones(k), size=k).T  # columns sum to 1
    noise[:, 0] = np.eye(k)[0]  # some zero evidence
    pred_probs = rng.dirichlet(np.ones(k) * 0.5, size=20)
    pred_probs[0] = np.eye(k)[0]
    given_ = rng.integers(0, k, 20)
    given_[0] = 1 % k
    got = posterior(noise, given_, pred_probs.copy())
    np.testing.assert_allclose(got, slow_posterior(noise, given_, pred_probs), atol=1e-12)
    np.testing.assert_allclose(got.sum(1), 1.0)
