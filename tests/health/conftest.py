"""Seeded factories for the health checks: clustered features with planted copies."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest


@dataclass(frozen=True)
class HealthCase:
    """Clustered features with exact and near copies planted; labels and pred_probs."""

    features: np.ndarray
    labels: np.ndarray
    pred_probs: np.ndarray
    copies: np.ndarray  # (m, 2) planted (source, copy) pairs

    @property
    def n(self) -> int:
        return int(self.labels.shape[0])


def make_health_case(
    seed: int, *, n: int = 200, dim: int = 16, n_classes: int = 4, n_copies: int = 6
) -> HealthCase:
    """Gaussian clusters; ``n_copies`` rows overwritten by a copy of another row (half
    exact, half with noise 1e-3 of the spread); pred_probs from distances to the centres."""
    rng = np.random.default_rng([seed, 15])
    centres = rng.normal(size=(n_classes, dim)) * 3.0
    labels = rng.integers(0, n_classes, size=n)
    features = centres[labels] + rng.normal(size=(n, dim))
    rows = rng.choice(n, size=2 * n_copies, replace=False).reshape(-1, 2)
    for k, (src, dst) in enumerate(rows):
        noise = 0.0 if k % 2 == 0 else 1e-3
        features[dst] = features[src] + noise * rng.normal(size=dim)
        labels[dst] = labels[src] if k % 3 else (labels[src] + 1) % n_classes
    logits = -((features[:, None, :] - centres[None]) ** 2).sum(axis=2) / 8.0
    expo = np.exp(logits - logits.max(axis=1, keepdims=True))
    return HealthCase(features, labels, expo / expo.sum(axis=1, keepdims=True), rows)


@pytest.fixture(scope="session")
def health_case():
    """``health_case(seed, **options) -> HealthCase``."""
    return make_health_case


def cosine_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Slow, obvious pairwise cosine distances (float64)."""
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return 1.0 - a @ b.T


@pytest.fixture(scope="session")
def brute_distances():
    return cosine_distances


def capped_threshold(dist: np.ndarray, threshold: float) -> float:
    """The near-copy threshold after the few-dimensions cap, row by row: Levina-Bickel
    dimension from chord lengths sqrt(2 * cosine distance) over the rows without a zero
    distance, then the largest threshold that random rows would reach 1% of the time."""
    inverses = []
    for row in dist:
        chords = sorted(math.sqrt(2 * d) for d in row if math.isfinite(d))
        if min(chords) <= math.sqrt(2e-6):
            continue
        k = len(chords)
        inverses.append(sum(math.log(chords[-1] / c) for c in chords[:-1]) / (k - 1))
    if not inverses or sum(inverses) <= 0:
        return threshold
    dimension = len(inverses) / sum(inverses)
    return min(threshold, math.log2(1 / 0.99) ** (2 / dimension))


@pytest.fixture(scope="session")
def slow_capped_threshold():
    """``slow_capped_threshold(distances, threshold)``: the few-dimensions cap, by loops."""
    return capped_threshold
