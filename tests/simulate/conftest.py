"""Seeded data factories for the simulate tests."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest


def _make_labels(n: int = 500, n_classes: int = 5, *, seed: int = 0, dtype=np.int64):
    """Labels with unequal class sizes (every class present when n >= n_classes)."""
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.full(n_classes, 3.0))
    labels = np.concatenate([np.arange(n_classes), rng.choice(n_classes, n - n_classes, p=p)])
    return rng.permutation(labels[:n]).astype(dtype)


@pytest.fixture
def make_labels() -> Callable[..., np.ndarray]:
    """Factory: ``make_labels(n, n_classes, seed=, dtype=)``."""
    return _make_labels


@pytest.fixture
def labels() -> np.ndarray:
    """500 read-only labels over 5 classes of unequal size."""
    out = _make_labels()
    out.setflags(write=False)
    return out


def _assert_consistent(true: np.ndarray, result) -> None:
    """Recount the result with a plain loop and compare every field."""
    k = result.transition_matrix.shape[0]
    counts = [[0] * k for _ in range(k)]
    for t, s in zip(true.tolist(), result.labels.tolist(), strict=True):
        counts[t][s] += 1
    np.testing.assert_array_equal(result.counts, counts)
    for row in range(k):
        total = sum(counts[row])
        expected = [c / total for c in counts[row]] if total else [0.0] * k
        np.testing.assert_allclose(result.transition_matrix[row], expected, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(result.is_flipped, true != result.labels)
    assert result.noise_rate == pytest.approx(float(np.mean(true != result.labels)))
    assert result.labels.dtype == true.dtype
    for name in ("labels", "is_flipped", "transition_matrix", "counts"):
        assert not getattr(result, name).flags.writeable


@pytest.fixture
def assert_consistent() -> Callable[..., None]:
    """``assert_consistent(true_labels, result)``: the realised fields match the labels."""
    return _assert_consistent
