"""Small, fast benchmark configs (wine and iris, 3 folds); the fake CIFAR-10 data folder
(`fake_data`) is in tests/conftest.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from labelnoise.bench import BenchConfig, DatasetSpec, NoiseSpec


def tiny_config(**changes) -> BenchConfig:
    """Wine and iris, symmetric 20%, one seed, 3-fold logistic regression, 2 detectors."""
    values = {
        "datasets": (DatasetSpec("wine"), DatasetSpec("iris")),
        "noise": (NoiseSpec("symmetric", 0.2),),
        "seeds": (0,),
        "cv": 3,
        "methods": ("prune_by_noise_rate", "rank:normalized_margin"),
    }
    values.update(changes)
    return BenchConfig(**values)


@pytest.fixture
def tiny():
    return tiny_config


@pytest.fixture
def real_data_root(label_errors_folder) -> Path:
    """The real shared data folder (skips the test when it is absent)."""
    return label_errors_folder.parent
