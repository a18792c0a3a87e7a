"""The approximate neighbour index above ``EXACT_MAX_ROWS`` (faiss IVF, extra ``ann``),
forced on small inputs by lowering the threshold, and the exact fallback without it."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from labelnoise import find_label_issues
from labelnoise.detect import _knn


def _clustered(n=600, d=16, n_classes=5, seed=0):
    rng = np.random.default_rng(seed)
    true = rng.integers(0, n_classes, n)
    centres = rng.normal(size=(n_classes, d)) * 4
    features = centres[true] + rng.normal(size=(n, d))
    labels = np.where(rng.random(n) < 0.1, rng.integers(0, n_classes, n), true)
    return labels, features


def _exact_sets(features, k):
    found = _knn.exact_neighbors(_knn.unit_rows(features), k)
    return [set(row) for row in found.indices.tolist()]


def test_faiss_index_finds_the_true_neighbours(monkeypatch):
    pytest.importorskip("faiss")
    labels, features = _clustered()
    monkeypatch.setattr(_knn, "EXACT_MAX_ROWS", 100)
    found = _knn.cosine_neighbors(features, 10, rng=np.random.default_rng(0))
    n = features.shape[0]
    assert found.indices.shape == (n, 10)
    assert not np.any(found.indices == np.arange(n)[:, None])  # never the row itself
    exact = _exact_sets(features, 10)
    recall = np.mean([len(set(row) & e) / 10 for row, e in zip(found.indices, exact, strict=True)])
    assert recall > 0.9
    approx = find_label_issues(labels, features=features, method="knn", random_state=0)
    again = find_label_issues(labels, features=features, method="knn", random_state=0)
    np.testing.assert_array_equal(approx.mask, again.mask)  # deterministic for a seed


def test_rows_short_of_neighbours_in_the_probed_lists_are_searched_exactly(monkeypatch):
    """With k close to n the probed lists hold fewer than k rows (faiss returns id -1);
    those rows fall back to exact search, so every neighbour is a real row."""
    pytest.importorskip("faiss")
    _, features = _clustered(n=400)
    monkeypatch.setattr(_knn, "EXACT_MAX_ROWS", 100)
    k = 300
    found = _knn.cosine_neighbors(features, k, rng=np.random.default_rng(0))
    assert found.indices.min() >= 0 and found.indices.max() < 400
    assert not np.any(found.indices == np.arange(400)[:, None])
    assert all(len(set(row)) == k for row in found.indices.tolist())
    assert np.all(np.diff(found.similarity, axis=1) <= 1e-6)  # most similar first


def test_without_faiss_large_inputs_warn_and_search_exactly(monkeypatch):
    labels, features = _clustered(n=200)
    monkeypatch.setattr(_knn, "EXACT_MAX_ROWS", 100)
    monkeypatch.setitem(sys.modules, "faiss", None)  # import faiss raises ImportError
    with pytest.warns(UserWarning, match="exact neighbour search on 200 rows"):
        issues = find_label_issues(labels, features=features, method="knn")
    monkeypatch.setattr(_knn, "EXACT_MAX_ROWS", 100_000)
    exact = find_label_issues(labels, features=features, method="knn")
    np.testing.assert_array_equal(issues.mask, exact.mask)
