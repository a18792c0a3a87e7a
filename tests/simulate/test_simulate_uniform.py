"""symmetric and pairflip: exact counts, destinations, the paper convention."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labelnoise.simulate import pairflip, symmetric


def _round(x: float) -> int:
    return math.floor(x + 0.5 + 1e-9)


@pytest.mark.parametrize("rate", [0.0, 0.1, 0.25, 0.35, 0.5, 0.9, 1.0])
@pytest.mark.parametrize("func", [symmetric, pairflip])
def test_exactly_round_rate_times_n_labels_change(func, rate, labels, assert_consistent):
    result = func(labels, noise_rate=rate, random_state=0)
    assert int(np.sum(result.labels != labels)) == _round(rate * labels.size)
    assert_consistent(labels, result)


@pytest.mark.parametrize("func", [symmetric, pairflip])
def test_each_class_loses_its_share_within_one(func, labels):
    result = func(labels, noise_rate=0.3, random_state=1)
    n_k = np.bincount(labels)
    lost = n_k - np.diag(result.counts)
    assert np.all(np.abs(lost - 0.3 * n_k) < 1)


def test_symmetric_spreads_flips_evenly_over_other_classes(labels):
    result = symmetric(labels, noise_rate=0.4, random_state=2)
    k = result.n_classes
    off = result.counts[~np.eye(k, dtype=bool)].reshape(k, k - 1)
    flips = off.sum(axis=1, keepdims=True)
    assert np.all(np.abs(off - flips / (k - 1)) < 1)


def test_symmetric_include_self_follows_the_paper_convention(make_labels):
    labels = make_labels(1000, 10, seed=3)
    result = symmetric(labels, noise_rate=0.5, include_self=True, random_state=0)
    assert int(result.is_flipped.sum()) == 450  # 50% "symmetric" on 10 classes: 45% wrong


def test_symmetric_can_flip_into_classes_absent_from_labels():
    labels = np.zeros(300, dtype=np.int64)
    result = symmetric(labels, noise_rate=0.5, n_classes=4, random_state=0)
    np.testing.assert_array_equal(result.counts[0], [150, 50, 50, 50])
    np.testing.assert_array_equal(result.transition_matrix[1:], 0.0)


def test_pairflip_moves_only_to_the_next_class(labels):
    result = pairflip(labels, noise_rate=0.45, random_state=0)
    flipped = result.is_flipped
    k = result.n_classes
    np.testing.assert_array_equal(result.labels[flipped], (labels[flipped] + 1) % k)


@settings(deadline=None)
@given(
    n=st.integers(1, 300),
    k=st.integers(2, 12),
    rate=st.floats(0, 1),
    seed=st.integers(0, 2**32 - 1),
    pair=st.booleans(),
)
def test_property_counts_are_exact_and_bounded(n, k, rate, seed, pair):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, k, n)
    func = pairflip if pair else symmetric
    result = func(labels, noise_rate=rate, n_classes=k, random_state=seed)
    assert int(result.is_flipped.sum()) == _round(rate * n)
    assert result.labels.min() >= 0 and result.labels.max() < k
    n_k = np.bincount(labels, minlength=k)
    np.testing.assert_array_equal(result.counts.sum(axis=1), n_k)
    assert np.all(np.abs((n_k - np.diag(result.counts)) - rate * n_k) < 1)
    assert 0.0 <= result.noise_rate <= 1.0
