"""Seeded crowds for the annotator tests, and the real CIFAR-10N folder (skipped if absent)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest


@dataclass(frozen=True)
class Crowd:
    """A long table of labels, the true classes, and each worker's true skill."""

    table: pd.DataFrame
    truth: np.ndarray
    skill: np.ndarray
    pred_probs: np.ndarray


def make_crowd(seed: int, *, n: int = 300, k: int = 4, m: int = 12, per_item: int = 3) -> Crowd:
    """Workers of varied skill who confuse each class with a favourite other; a noisy model."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, k, n)
    skill = rng.uniform(0.4, 0.95, m)
    favourite = (np.arange(k)[None, :] + rng.integers(1, k, (m, k))) % k
    parts = []
    for i in range(n):
        workers = rng.choice(m, size=min(per_item, m), replace=False)
        right = rng.random(workers.size) < skill[workers]
        labels = np.where(right, truth[i], favourite[workers, truth[i]])
        parts.append(pd.DataFrame({"example": i, "annotator": workers, "label": labels}))
    table = pd.concat(parts, ignore_index=True)
    logits = rng.normal(0, 1.0, (n, k))
    logits[np.arange(n), truth] += 1.5
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return Crowd(table, truth, skill, probs)


@pytest.fixture(scope="session")
def crowd() -> Crowd:
    return make_crowd(0)


@pytest.fixture(scope="session")
def cifar10n_folder(data_file) -> Path:
    """``cifar-10n/`` of the shared data folder (``data_file`` in tests/conftest.py); skip
    when absent."""
    return data_file("cifar-10n/side_info_cifar10N.csv").parent


@pytest.fixture(scope="session")
def crowds():
    """``crowds(seed, n=..., k=..., m=..., per_item=...)``: a seeded :class:`Crowd`."""
    return make_crowd
