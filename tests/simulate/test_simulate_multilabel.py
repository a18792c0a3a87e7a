"""``tag_noise`` and ``tag_noise_from_matrix``: exact counts, seeding, realised rates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from labelnoise import InputError, InputTypeError
from labelnoise.simulate import SimulatedTagNoise, tag_noise, tag_noise_from_matrix


def _tags(n: int = 400, k: int = 5, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.random((n, k)) < rng.uniform(0.05, 0.6, k)


def _check_consistent(true: np.ndarray, noisy: SimulatedTagNoise) -> None:
    """Recount every field from the two tag matrices."""
    np.testing.assert_array_equal(noisy.dropped, true & ~noisy.labels)
    np.testing.assert_array_equal(noisy.added, ~true & noisy.labels)
    np.testing.assert_array_equal(noisy.is_flipped, (true != noisy.labels).any(axis=1))
    present = true.sum(axis=0)
    for k in range(true.shape[1]):
        expect = noisy.dropped[:, k].sum() / present[k] if present[k] else 0.0
        assert noisy.drop_rate[k] == pytest.approx(expect)
    assert noisy.noise_rate == pytest.approx(noisy.is_flipped.mean())


def test_exact_counts_per_tag():
    true = _tags()
    noisy = tag_noise(true, drop_rate=0.2, add_rate=0.05, random_state=1)
    _check_consistent(true, noisy)
    present, absent = true.sum(axis=0), (~true).sum(axis=0)
    assert np.all(np.abs(noisy.dropped.sum(axis=0) - 0.2 * present) <= 1)
    assert noisy.dropped.sum() == round(0.2 * present.sum())
    assert np.all(np.abs(noisy.added.sum(axis=0) - 0.05 * absent) <= 1)
    assert noisy.added.sum() == round(0.05 * absent.sum())


def test_per_tag_rates():
    true = _tags(k=3)
    noisy = tag_noise(true, drop_rate=[0.0, 0.5, 1.0], add_rate=np.array([0.1, 0.0, 0.0]))
    _check_consistent(true, noisy)
    assert noisy.dropped[:, 0].sum() == 0
    assert noisy.dropped[:, 2].sum() == true[:, 2].sum()
    assert noisy.added[:, 1:].sum() == 0


def test_matrix_is_the_rates_form():
    true = _tags(k=2)
    matrix = np.array([[[0.9, 0.1], [0.3, 0.7]], [[1.0, 0.0], [0.25, 0.75]]])
    by_matrix = tag_noise_from_matrix(true, matrix, random_state=7)
    by_rates = tag_noise(true, drop_rate=[0.3, 0.25], add_rate=[0.1, 0.0], random_state=7)
    np.testing.assert_array_equal(by_matrix.labels, by_rates.labels)


def test_seeded_and_inputs_untouched():
    true = _tags()
    true.setflags(write=False)
    a = tag_noise(true, drop_rate=0.3, random_state=5)
    b = tag_noise(true, drop_rate=0.3, random_state=np.random.default_rng(5))
    c = tag_noise(true, drop_rate=0.3, random_state=6)
    np.testing.assert_array_equal(a.labels, b.labels)
    assert not np.array_equal(a.labels, c.labels)
    with pytest.raises(ValueError, match="read-only"):
        a.labels[0, 0] = True
    assert "dropped" in repr(a) and a.n_classes == 5


def test_zero_rates_change_nothing():
    true = _tags()
    noisy = tag_noise(true.astype(int), random_state=0)
    np.testing.assert_array_equal(noisy.labels, true)
    assert noisy.noise_rate == 0.0


@given(st.integers(1, 60), st.integers(1, 5), st.floats(0, 1), st.floats(0, 1), st.integers(0, 99))
def test_counts_property(n, k, drop, add, seed):
    true = np.random.default_rng(seed).random((n, k)) < 0.4
    noisy = tag_noise(true, drop_rate=drop, add_rate=add, random_state=seed)
    _check_consistent(true, noisy)
    present = true.sum(axis=0)
    assert np.all(np.abs(noisy.dropped.sum(axis=0) - drop * present) <= 1 + 1e-9)


@given(
    st.integers(1, 40),
    st.integers(1, 4),
    st.lists(st.floats(0, 1), min_size=2, max_size=2),
    st.integers(0, 2**32 - 1),
)
def test_seeded_determinism_and_matrix_form_property(n, k, rates, seed):
    """Same seed, same noise; the (K, 2, 2) form with the same rates is the same draw;
    the input (a DataFrame here) is left as it was."""
    true = np.random.default_rng(seed).random((n, k)) < 0.5
    frame = pd.DataFrame(true.astype(int))
    drop, add = np.full(k, rates[0]), np.full(k, rates[1])
    first = tag_noise(frame, drop_rate=drop, add_rate=add, random_state=seed)
    again = tag_noise(frame, drop_rate=drop, add_rate=add, random_state=seed)
    matrix = np.stack([[[1 - a, a], [d, 1 - d]] for d, a in zip(drop, add, strict=True)])
    by_matrix = tag_noise_from_matrix(true, matrix, random_state=seed)
    np.testing.assert_array_equal(first.labels, again.labels)
    np.testing.assert_array_equal(first.labels, by_matrix.labels)
    np.testing.assert_array_equal(frame.to_numpy(), true.astype(int))
    _check_consistent(true, first)


@pytest.mark.parametrize(
    ("labels", "kwargs", "error", "match"),
    [
        (np.ones(5), {}, InputError, r"expected an \(n, K\) 0/1 indicator array"),
        (np.full((3, 2), "a"), {}, InputTypeError, "expected 0/1 numbers"),
        (np.full((3, 2), 2), {}, InputError, "only 0 and 1"),
        (np.ones((3, 2)), {"drop_rate": 1.5}, InputError, "drop_rate: expected a float in"),
        (np.ones((3, 2)), {"add_rate": [0.1]}, InputError, "2 of them"),
        (np.ones((3, 2)), {"add_rate": True}, InputError, "add_rate"),
        (np.ones((3, 2)), {"random_state": -1}, InputTypeError, "random_state"),
        ([[0, 1], [1, 0]], {}, InputTypeError, "could be tag lists or indicator rows"),
    ],
)
def test_errors(labels, kwargs, error, match):
    with pytest.raises(error, match=match):
        tag_noise(labels, **kwargs)


@pytest.mark.parametrize(
    ("matrix", "match"),
    [(np.ones((2, 2)), r"shape \(2, 2, 2\)"), (np.ones((2, 2, 2)), "must sum to 1")],
)
def test_matrix_errors(matrix, match):
    with pytest.raises(InputError, match=match):
        tag_noise_from_matrix(np.ones((3, 2)), matrix)
