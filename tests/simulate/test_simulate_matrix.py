"""from_transition_matrix and random_transition_matrix."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from labelnoise.simulate import from_transition_matrix, random_transition_matrix


def _check_cells(labels, T, result):
    n_k = np.bincount(labels, minlength=T.shape[0])
    np.testing.assert_array_equal(result.counts.sum(axis=1), n_k)
    request = T * n_k[:, None]
    assert np.all(np.abs(result.counts - request) < 1)
    assert np.all(result.counts[T == 0] == 0)


def test_every_cell_within_one_example_and_rows_exact(labels, assert_consistent):
    T = np.array(
        [
            [0.7, 0.1, 0.1, 0.1, 0.0],
            [0.05, 0.8, 0.15, 0.0, 0.0],
            [0.0, 0.0, 1.0, 0.0, 0.0],
            [0.3, 0.3, 0.0, 0.4, 0.0],
            [0.2, 0.2, 0.2, 0.2, 0.2],
        ]
    )
    result = from_transition_matrix(labels, T, random_state=0)
    _check_cells(labels, T, result)
    assert_consistent(labels, result)


def test_identity_changes_nothing(labels):
    result = from_transition_matrix(labels, np.eye(5), random_state=0)
    np.testing.assert_array_equal(result.labels, labels)
    assert result.noise_rate == 0.0


def test_rows_summing_to_one_within_tolerance_are_renormalized(labels):
    T = np.full((5, 5), 0.2002)  # rows sum to 1.001
    result = from_transition_matrix(labels, T, random_state=0)
    _check_cells(labels, T / T.sum(axis=1, keepdims=True), result)


def test_which_examples_move_is_random(labels):
    T = np.full((5, 5), 0.2)
    a = from_transition_matrix(labels, T, random_state=0)
    b = from_transition_matrix(labels, T, random_state=1)
    np.testing.assert_array_equal(a.counts.sum(axis=1), b.counts.sum(axis=1))
    assert not np.array_equal(a.labels, b.labels)


@settings(deadline=None)
@given(
    n=st.integers(1, 300),
    k=st.integers(2, 8),
    seed=st.integers(0, 2**32 - 1),
    sparsity=st.floats(0, 0.9),
)
def test_property_cells_within_one(n, k, seed, sparsity):
    rng = np.random.default_rng(seed)
    T = rng.dirichlet(np.ones(k), size=k) * (rng.random((k, k)) >= sparsity)
    T[np.arange(k), np.arange(k)] += 1e-3
    T /= T.sum(axis=1, keepdims=True)
    labels = rng.integers(0, k, n)
    result = from_transition_matrix(labels, T, random_state=seed)
    _check_cells(labels, T, result)


def _noise(T, prior=None):
    prior = np.full(T.shape[0], 1 / T.shape[0]) if prior is None else prior
    return float(prior @ (1 - np.diag(T)))


@pytest.mark.parametrize("rate", [0.0, 0.05, 0.3, 0.6, 0.85])
@pytest.mark.parametrize("frac", [0.0, 0.3, 0.7])
def test_random_matrix_hits_the_rate_and_sparsity(rate, frac):
    k = 7
    T = random_transition_matrix(k, noise_rate=rate, frac_zero_noise_rates=frac, random_state=5)
    assert np.all(T >= 0)
    np.testing.assert_allclose(T.sum(axis=1), 1.0, atol=1e-12)
    assert _noise(T) == pytest.approx(rate, abs=1e-12)
    off = T[~np.eye(k, dtype=bool)]
    assert int(np.sum(off == 0)) >= round(frac * k * (k - 1))
    if rate > 0:
        assert int(np.sum(off == 0)) == round(frac * k * (k - 1))
    if rate <= 0.5:  # every row has a non-zero off-diagonal entry, so dominance is feasible
        assert np.all(np.diag(T)[:, None] >= T - 1e-12)


def test_random_matrix_with_a_prior():
    prior = np.array([0.7, 0.1, 0.1, 0.05, 0.05])
    T = random_transition_matrix(5, noise_rate=0.2, prior=prior, random_state=0)
    assert _noise(T, prior) == pytest.approx(0.2, abs=1e-12)


def test_random_matrix_beyond_dominance_is_still_valid():
    T = random_transition_matrix(3, noise_rate=0.9, random_state=0)
    np.testing.assert_allclose(T.sum(axis=1), 1.0, atol=1e-12)
    assert np.all(T >= 0)
    assert _noise(T) == pytest.approx(0.9, abs=1e-12)


@settings(deadline=None)
@given(
    k=st.integers(2, 12),
    rate=st.floats(0, 1),
    frac=st.floats(0, 1),
    seed=st.integers(0, 2**32 - 1),
)
@example(k=6, rate=0.25, frac=0.95, seed=0)  # 28.5 zero cells: rounded up to 29
def test_property_random_matrix_is_row_stochastic(k, rate, frac, seed):
    # zero cells rounded half up, as documented (Python's round() would round 28.5 down)
    n_zero = int(np.floor(frac * k * (k - 1) + 0.5 + 1e-9))
    reachable = 1.0 - max(0, n_zero - k * (k - 2)) / k
    try:
        T = random_transition_matrix(
            k, noise_rate=rate, frac_zero_noise_rates=frac, random_state=seed
        )
    except ValueError:
        assert rate > reachable - 1e-9 or frac == 1
        return
    assert np.all(T >= -1e-15) and np.all(T <= 1 + 1e-12)
    np.testing.assert_allclose(T.sum(axis=1), 1.0, atol=1e-12)
    assert _noise(T) == pytest.approx(rate, abs=1e-9)
