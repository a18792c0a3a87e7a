"""human_noise and the shipped CIFAR-10N tables (rechecked against the real data)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from labelnoise.simulate import human_noise, human_transition_matrix
from labelnoise.simulate._human_matrices import COUNTS, LICENSE

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    "cifar10n_aggregate",
    "cifar10n_random1",
    "cifar10n_random2",
    "cifar10n_random3",
    "cifar10n_worst",
]
# Overall noise rates reported for CIFAR-10N (Wei et al., ICLR 2022).
PUBLISHED = [0.0901, 0.1723, 0.1812, 0.1764, 0.4021]


@pytest.mark.parametrize(("source", "rate"), list(zip(SOURCES, PUBLISHED, strict=True)))
def test_tables_have_the_published_rates(source, rate):
    T = human_transition_matrix(source)
    np.testing.assert_allclose(T.sum(axis=1), 1.0)
    assert float(1 - T.diagonal().mean()) == pytest.approx(rate, abs=6e-5)
    assert np.all(np.array(COUNTS[source]).sum(axis=1) == 5000)
    assert LICENSE == "CC BY-NC 4.0"


def test_table_copies_are_independent():
    T = human_transition_matrix("cifar10n_worst")
    T[:] = 0
    assert human_transition_matrix("cifar10n_worst").sum() == pytest.approx(10)


@pytest.mark.realdata
def test_tables_match_the_real_label_file(data_file):
    npz = data_file("cifar-10n/cifar10n_labels.npz")
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from make_human_matrices import human_counts, render
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    counts = human_counts(npz)
    for source in SOURCES:
        np.testing.assert_array_equal(np.array(COUNTS[source]), counts[source])
    shipped = ROOT / "src" / "labelnoise" / "simulate" / "_human_matrices.py"
    assert shipped.read_text() == render(counts)


@pytest.mark.parametrize("source", SOURCES)
def test_human_noise_matches_the_table_within_one_per_cell(source, make_labels, assert_consistent):
    labels = make_labels(3000, 10, seed=4, dtype=np.uint8)
    result = human_noise(labels, source=source, random_state=0)
    n_k = np.bincount(labels, minlength=10)
    request = human_transition_matrix(source) * n_k[:, None]
    assert np.all(np.abs(result.counts - request) < 1)
    assert_consistent(labels, result)


def test_human_noise_accepts_fewer_present_classes():
    labels = np.repeat([0, 3], 100)
    result = human_noise(labels, source="cifar10n_aggregate", random_state=0)
    assert result.n_classes == 10
    assert result.transition_matrix[1].sum() == 0
