"""Seeded factories for the detectors that use features: clustered embeddings with labels."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest


@dataclass(frozen=True)
class FeatureCase:
    """Features drawn around one centre per class, noisy labels, and matching pred_probs."""

    labels: np.ndarray
    true: np.ndarray
    features: np.ndarray
    pred_probs: np.ndarray

    @property
    def n(self) -> int:
        return int(self.labels.shape[0])


def make_feature_case(
    seed: int, *, n: int = 240, n_classes: int = 4, dim: int = 8, noise: float = 0.2
) -> FeatureCase:
    """Gaussian clusters (one per class) in ``dim`` dimensions; ``noise`` of the labels are
    flipped uniformly; pred_probs are a softmax of negative distances to the centres."""
    rng = np.random.default_rng([seed, 31])
    centres = rng.normal(size=(n_classes, dim)) * 3.0
    true = rng.integers(0, n_classes, size=n)
    features = centres[true] + rng.normal(size=(n, dim))
    labels = true.copy()
    flip = rng.random(n) < noise
    labels[flip] = (true[flip] + rng.integers(1, n_classes, size=int(flip.sum()))) % n_classes
    logits = -((features[:, None, :] - centres[None]) ** 2).sum(axis=2) / 4.0
    logits += rng.normal(scale=0.5, size=logits.shape)
    expo = np.exp(logits - logits.max(axis=1, keepdims=True))
    pred_probs = expo / expo.sum(axis=1, keepdims=True)
    return FeatureCase(labels=labels, true=true, features=features, pred_probs=pred_probs)


@pytest.fixture(scope="session")
def feature_case():
    """``feature_case(seed, **options) -> FeatureCase``."""
    return make_feature_case
