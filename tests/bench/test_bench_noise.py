"""Noise of the benchmark made outside labelnoise.simulate: annotator draws and open-set."""

from __future__ import annotations

import numpy as np
import pytest

from labelnoise.bench._noise import annotator_labels, openset

SOURCES = ("one", "majority3", "worst3")


def _votes(shares: list[float], n: int) -> np.ndarray:
    return np.tile(np.asarray(shares) * 100, (n, 1)).astype(np.int64)


@pytest.mark.parametrize("source", SOURCES)
def test_unanimous_votes_are_never_flipped(source):
    votes = np.zeros((500, 10), dtype=np.int64)
    votes[np.arange(500), np.arange(500) % 10] = 51
    labels, majority = annotator_labels(votes, source, np.random.default_rng(0))
    np.testing.assert_array_equal(labels, np.arange(500) % 10)
    np.testing.assert_array_equal(majority, labels)


@pytest.mark.parametrize("source", SOURCES)
def test_draws_are_seeded(source):
    votes = _votes([0.5, 0.3, 0.2], 300)
    first, _ = annotator_labels(votes, source, np.random.default_rng(7))
    again, _ = annotator_labels(votes, source, np.random.default_rng(7))
    other, _ = annotator_labels(votes, source, np.random.default_rng(8))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_ties_go_to_the_lowest_class():
    votes = np.array([[0, 5, 5], [3, 0, 3], [1, 1, 1]])
    _, majority = annotator_labels(votes, "one", np.random.default_rng(0))
    assert majority.tolist() == [1, 0, 0]


N = 40_000


def _share(labels: np.ndarray, k: int) -> np.ndarray:
    return np.bincount(labels, minlength=k) / labels.shape[0]


def test_one_annotator_follows_the_vote_shares():
    shares = [0.6, 0.25, 0.1, 0.05]
    labels, _ = annotator_labels(_votes(shares, N), "one", np.random.default_rng(1))
    np.testing.assert_allclose(_share(labels, 4), shares, atol=0.01)


def test_majority_of_three():
    """Two classes with shares p, 1-p: the majority is class 0 with p^3 + 3 p^2 (1-p)."""
    p = 0.7
    labels, _ = annotator_labels(_votes([p, 1 - p], N), "majority3", np.random.default_rng(2))
    assert _share(labels, 2)[0] == pytest.approx(p**3 + 3 * p**2 * (1 - p), abs=0.01)


def test_majority_of_three_breaks_three_way_ties_at_random():
    """Three equal classes: all three draws differ 6/27 of the time; by symmetry every class
    still gets a third of the labels (a tie rule favouring a position would not)."""
    labels, _ = annotator_labels(
        _votes([1 / 3, 1 / 3, 1 / 3], N), "majority3", np.random.default_rng(3)
    )
    np.testing.assert_allclose(_share(labels, 3), [1 / 3] * 3, atol=0.012)


def test_worst_of_three():
    """A wrong label whenever any of three draws is wrong: 1 - p^3, spread over the wrong
    classes by their shares."""
    shares = [0.8, 0.15, 0.05]
    labels, majority = annotator_labels(_votes(shares, N), "worst3", np.random.default_rng(4))
    assert (majority == 0).all()
    share = _share(labels, 3)
    assert 1 - share[0] == pytest.approx(1 - 0.8**3, abs=0.01)
    assert share[1] / share[2] == pytest.approx(3.0, rel=0.1)


def test_openset_gives_the_last_two_classes_other_labels():
    y = np.arange(1000) % 10
    noisy = openset(y, 10, np.random.default_rng(0))
    outside = y >= 8
    np.testing.assert_array_equal(noisy.is_flipped, outside)
    np.testing.assert_array_equal(noisy.labels[~outside], y[~outside])
    assert set(np.unique(noisy.labels[outside])) == set(range(8))  # uniform over the others
