"""One ``pytest.raises(..., match=...)`` per error message of labelnoise.simulate."""

from __future__ import annotations

import numpy as np
import pytest

from labelnoise import InputError, InputTypeError
from labelnoise.simulate import (
    from_transition_matrix,
    human_noise,
    instance_dependent,
    pairflip,
    random_transition_matrix,
    symmetric,
)

Y = np.array([0, 1, 2, 1, 0, 2])
X = np.zeros((6, 2))


@pytest.mark.parametrize("bad", [-1, 1.5, "seed", True, np.random.RandomState(0)])
def test_bad_random_state(bad):
    with pytest.raises(
        InputTypeError, match=r"^The 'random_state' parameter .*must be None, a non-negative int"
    ):
        symmetric(Y, noise_rate=0.1, random_state=bad)


@pytest.mark.parametrize(
    ("labels", "error", "match"),
    [
        ([[0, 1], [1, 0]], InputError, r"labels: expected a 1-D array of shape \(n,\)"),
        ([], InputError, r"labels: got 0 examples"),
        (["cat", "dog"], InputTypeError, r"labels: expected integer class codes .* np\.unique"),
        ([0.0, 1.0], InputTypeError, r"labels: expected integer class codes"),
        ([[0], [1, 2]], InputTypeError, r"labels: could not be converted"),
        ([0, -1, 2], InputError, r"labels: class codes must be >= 0, got -1"),
    ],
)
def test_bad_labels(labels, error, match):
    with pytest.raises(error, match=match):
        pairflip(labels, noise_rate=0.1)


def test_labels_dtype_too_small_for_the_classes():
    with pytest.raises(InputError, match=r"labels: dtype int8 cannot hold class 199"):
        symmetric(np.zeros(5, dtype=np.int8), noise_rate=0.1, n_classes=200)


def test_n_classes_below_the_labels():
    with pytest.raises(InputError, match=r"n_classes: is 2 but labels contain class 2"):
        symmetric(Y, noise_rate=0.1, n_classes=2)


@pytest.mark.parametrize("bad", [1, 2.5, "3"])
def test_bad_n_classes(bad):
    with pytest.raises(InputError, match=r"'n_classes' parameter of symmetric must be an int >= 2"):
        symmetric(Y, noise_rate=0.1, n_classes=bad)


@pytest.mark.parametrize("bad", [-0.1, 1.1, "0.2", None, np.nan])
def test_bad_noise_rate(bad):
    with pytest.raises(InputError, match=r"'noise_rate' parameter of pairflip must be a float in"):
        pairflip(Y, noise_rate=bad)


@pytest.mark.parametrize("bad", ["yes", "no", 1, None])
def test_bad_include_self(bad):
    with pytest.raises(
        InputTypeError, match=r"'include_self' parameter of symmetric must be one of \{False, True"
    ):
        symmetric(Y, noise_rate=0.1, include_self=bad)


@pytest.mark.parametrize("func", [symmetric, pairflip])
def test_single_class_labels_do_not_invent_a_class(func):
    with pytest.raises(
        InputError,
        match=rf"labels: are all class 0, so {func.__name__} cannot infer the number of "
        r"classes .*pass n_classes=K",
    ):
        func(np.zeros(10, dtype=int), noise_rate=0.5)


def test_single_class_labels_in_instance_dependent():
    with pytest.raises(InputError, match=r"labels: are all class 0, so instance_dependent"):
        instance_dependent(X, np.zeros(6, dtype=int), noise_rate=0.5)


def test_single_class_labels_with_explicit_n_classes_are_fine():
    result = symmetric(np.zeros(10, dtype=int), noise_rate=0.5, n_classes=3, random_state=0)
    assert int(result.is_flipped.sum()) == 5 and set(result.labels.tolist()) <= {0, 1, 2}


def test_human_noise_accepts_single_class_labels():
    """CIFAR-10N fixes the ten classes, so class-0-only labels are not ambiguous there."""
    result = human_noise(np.zeros(500, dtype=int), source="cifar10n_worst", random_state=0)
    assert result.n_classes == 10 and result.is_flipped.any()


@pytest.mark.parametrize(
    ("T", "error", "match"),
    [
        ([["a", "b"], ["c", "d"]], InputTypeError, r"T: expected a numeric \(K, K\) array"),
        (np.eye(3)[:2], InputError, r"T: expected a square \(K, K\) matrix with K >= 2"),
        ([[1.0]], InputError, r"T: expected a square"),
        (np.eye(3) * 2 - 0.5, InputError, r"T: entries must be finite probabilities"),
        (np.full((3, 3), np.nan), InputError, r"T: entries must be finite"),
        (np.full((3, 3), 0.3), InputError, r"T: each row must sum to 1, .*\(pass T\.T"),
    ],
)
def test_bad_transition_matrix(T, error, match):
    with pytest.raises(error, match=match):
        from_transition_matrix(Y, T)


def test_labels_beyond_the_transition_matrix():
    with pytest.raises(InputError, match=r"n_classes: is 2 but labels contain class 2"):
        from_transition_matrix(Y, np.eye(2))


@pytest.mark.parametrize(
    ("features", "error", "match"),
    [
        (np.array([["a"]] * 6), InputTypeError, r"features: expected a numeric array"),
        (np.zeros(6), InputError, r"features: expected shape \(n, d\) with n = 6"),
        (np.zeros((5, 2)), InputError, r"features: expected shape \(n, d\) with n = 6"),
        (np.full((6, 2), np.inf), InputError, r"features: must have at least one column"),
        (np.zeros((6, 0)), InputError, r"features: must have at least one column"),
    ],
)
def test_bad_features(features, error, match):
    with pytest.raises(error, match=match):
        instance_dependent(features, Y, noise_rate=0.2)


@pytest.mark.parametrize("bad", [-0.1, np.inf, "wide", True])
def test_bad_flip_rate_std(bad):
    with pytest.raises(
        InputError, match=r"^The 'flip_rate_std' parameter .*must be a finite float >= 0"
    ):
        instance_dependent(X, Y, noise_rate=0.2, flip_rate_std=bad)


def test_bad_source():
    with pytest.raises(InputError, match=r"'source' parameter of human_noise must be one of"):
        human_noise(Y, source="cifar100n")


def test_human_noise_needs_ten_classes():
    with pytest.raises(InputError, match=r"labels: human_noise needs codes 0\.\.9"):
        human_noise(np.arange(12), source="cifar10n_worst")


@pytest.mark.parametrize("bad", [1, 3.0])
def test_random_matrix_bad_n_classes(bad):
    with pytest.raises(InputError, match=r"'n_classes' parameter of random_transition_matrix"):
        random_transition_matrix(bad, noise_rate=0.1)


def test_random_matrix_bad_frac():
    with pytest.raises(InputError, match=r"'frac_zero_noise_rates' parameter of random_transition"):
        random_transition_matrix(3, noise_rate=0.1, frac_zero_noise_rates=2)


@pytest.mark.parametrize("prior", [[0.5, 0.5], [[0.5, 0.5, 0.0]], [1, -1, 1], "abc"])
def test_random_matrix_bad_prior(prior):
    with pytest.raises(InputError, match=r"prior: expected 3 non-negative finite class"):
        random_transition_matrix(3, noise_rate=0.1, prior=prior)


def test_random_matrix_prior_must_sum_to_one():
    with pytest.raises(InputError, match=r"prior: must sum to 1, got 2"):
        random_transition_matrix(3, noise_rate=0.1, prior=[1, 0.5, 0.5])


def test_random_matrix_unreachable_rate():
    with pytest.raises(InputError, match=r"noise_rate: 0.5 cannot be reached"):
        random_transition_matrix(4, noise_rate=0.5, frac_zero_noise_rates=1.0)
