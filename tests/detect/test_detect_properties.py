"""Properties of the new detectors for every input (Hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from labelnoise import find_label_issues
from labelnoise.detect import clean_probability


@st.composite
def tie_free(draw, max_n: int = 60, max_classes: int = 5):
    """Continuous probabilities, features and noisy labels (no exact ties)."""
    n = draw(st.integers(6, max_n))
    n_classes = draw(st.integers(2, max_classes))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    true = rng.integers(0, n_classes, size=n)
    centres = rng.normal(size=(n_classes, 4)) * draw(st.sampled_from([0.5, 2.0, 4.0]))
    features = centres[true] + rng.normal(size=(n, 4))
    logits = rng.normal(size=(n, n_classes))
    logits[np.arange(n), true] += draw(st.floats(0.0, 4.0))
    expo = np.exp(logits - logits.max(axis=1, keepdims=True))
    pred_probs = expo / expo.sum(axis=1, keepdims=True)
    labels = np.where(
        rng.random(n) < draw(st.floats(0.0, 0.5)), rng.integers(0, n_classes, n), true
    )
    labels[0] = (labels[1] + 1) % n_classes  # at least two labels
    return labels, pred_probs, features


def _permuted_equal(method, labels, pred_probs, features, rtol=1e-9, **options):
    perm = np.random.default_rng(0).permutation(labels.shape[0])
    a = find_label_issues(labels, pred_probs, features=features, method=method, **options)
    b = find_label_issues(
        labels[perm],
        None if pred_probs is None else pred_probs[perm],
        features=None if features is None else features[perm],
        method=method,
        **options,
    )
    np.testing.assert_array_equal(a.mask[perm], b.mask)
    np.testing.assert_allclose(a.scores[perm], b.scores, rtol=rtol, atol=rtol * 1e-3)
    np.testing.assert_array_equal(a.suggested_labels[perm], b.suggested_labels)
    if rtol <= 1e-9:  # the ranking too; rows whose score is unique keep their place
        np.testing.assert_array_equal(a.scores[a.indices], b.scores[b.indices])
        ranked = a.scores[a.indices]
        values, counts = np.unique(ranked, return_counts=True)
        unique = np.isin(ranked, values[counts == 1])
        np.testing.assert_array_equal(perm[b.indices][unique], a.indices[unique])


@settings(max_examples=15)
@given(tie_free())
def test_auto_permutation_equivariant(problem):
    labels, pred_probs, _ = problem
    _permuted_equal("auto", labels, pred_probs, None)
    # the ranking too: equal rank-mix scores are ordered by margin, not by row position
    perm = np.random.default_rng(0).permutation(labels.shape[0])
    a = find_label_issues(labels, pred_probs, method="auto")
    b = find_label_issues(labels[perm], pred_probs[perm], method="auto")
    np.testing.assert_array_equal(perm[b.indices], a.indices)


@settings(max_examples=15)
@given(tie_free())
def test_knn_permutation_equivariant(problem):
    labels, _, features = problem
    _permuted_equal("knn", labels, None, features, n_neighbors=3)


@settings(max_examples=15)
@given(tie_free(), st.booleans())
def test_auto_with_features_permutation_equivariant(problem, with_probs):
    """Neighbour votes tie often; similarity-weighted votes order them, not positions."""
    labels, pred_probs, features = problem
    _permuted_equal("auto", labels, pred_probs if with_probs else None, features, n_neighbors=5)


@settings(max_examples=10, deadline=None)
@given(
    tie_free(max_n=80),
    st.sampled_from(["linear_separation", "linear_separation_small_loss"]),
    st.booleans(),
)
def test_linear_separation_permutation_equivariant(problem, method, with_probs):
    """The cross-fitting halves follow the rows' content, not their positions (the
    classifiers' solver sees the rows in another order, hence the tolerance)."""
    labels, pred_probs, features = problem
    if method == "linear_separation_small_loss":
        with_probs = True
    _permuted_equal(
        method, labels, pred_probs if with_probs else None, features, rtol=1e-4, n_neighbors=5
    )


@settings(max_examples=15)
@given(tie_free(), st.sampled_from(["gaussian", "beta"]), st.booleans())
def test_clean_probability_bounds_and_equivariance(problem, mixture, per_class):
    labels, pred_probs, _ = problem
    p = clean_probability(labels, pred_probs, mixture=mixture, per_class=per_class)
    assert p.shape == labels.shape and np.all((p >= 0) & (p <= 1))
    perm = np.random.default_rng(1).permutation(labels.shape[0])
    q = clean_probability(labels[perm], pred_probs[perm], mixture=mixture, per_class=per_class)
    np.testing.assert_allclose(p[perm], q, rtol=1e-6, atol=1e-9)


@settings(max_examples=15)
@given(tie_free(), st.sampled_from(["auto", "small_loss", "knn"]))
def test_bounds(problem, method):
    labels, pred_probs, features = problem
    issues = find_label_issues(
        labels,
        None if method == "knn" else pred_probs,
        features=features if method == "knn" else None,
        method=method,
    )
    assert 0 <= len(issues) <= labels.shape[0]
    assert np.all((issues.scores >= 0) & (issues.scores <= 1))
    assert np.all(np.diff(issues.scores[issues.indices]) >= 0)


@settings(max_examples=10)
@given(tie_free())
def test_mean_of_identical_models_is_the_model(problem):
    labels, pred_probs, _ = problem
    for ensemble in ("mean", "weighted"):
        a = find_label_issues(labels, [pred_probs, pred_probs], method="auto", ensemble=ensemble)
        b = find_label_issues(labels, pred_probs, method="auto")
        np.testing.assert_array_equal(a.mask, b.mask)
