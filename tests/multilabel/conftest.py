"""Seeded multi-label problems for the multilabel tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest


@dataclass(frozen=True)
class TagCase:
    """Given (noisy) tags, per-tag probabilities, and how they were made."""

    tags: np.ndarray  # bool (n, K)
    pred_probs: np.ndarray  # (n, K), rows need not sum to 1
    recipe: str

    @property
    def lists(self) -> list[list[int]]:
        """The tags as one list of column indices per example (the reference's format)."""
        return [np.flatnonzero(row).tolist() for row in self.tags]

    def __repr__(self) -> str:
        return f"TagCase({self.recipe})"


def tag_case(seed: int, *, n: int | None = None, n_classes: int | None = None) -> TagCase:
    """Random tags of unequal prevalence, 10% of tags flipped, sigmoid probabilities;
    every third case in float32, every fifth rounded to 2 decimals (ties)."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 200)) if n is None else n
    k = int(rng.integers(2, 7)) if n_classes is None else n_classes
    truth = rng.random((n, k)) < rng.uniform(0.05, 0.6, k)
    logits = rng.normal(0.0, 1.5, (n, k)) + np.where(truth, 1.5, -1.5)
    tags = truth ^ (rng.random((n, k)) < 0.1)
    pred_probs = 1.0 / (1.0 + np.exp(-logits))
    if seed % 3 == 0:
        pred_probs = pred_probs.astype(np.float32)
    if seed % 5 == 0:
        pred_probs = np.round(pred_probs, 2)
    return TagCase(tags, pred_probs, f"seed={seed}, n={n}, K={k}, {pred_probs.dtype}")


@pytest.fixture
def make_tag_case() -> Callable[..., TagCase]:
    """Factory: ``make_tag_case(seed, n=None, n_classes=None)``."""
    return tag_case
