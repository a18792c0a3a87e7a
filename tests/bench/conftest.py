"""Small, fast benchmark configs (wine and iris, 3 folds), and a fake data folder laid out
like the project's shared data, for the CIFAR-10 datasets of the bench tests."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from labelnoise.bench import BenchConfig, DatasetSpec, NoiseSpec

N_TRAIN, N_TEST, K, DIM = 50_000, 10_000, 10, 6
#: Noise rates of the fake CIFAR-10N label sets.
FAKE_RATES = {
    "aggre_label": 0.1,
    "random_label1": 0.2,
    "random_label2": 0.2,
    "random_label3": 0.2,
    "worse_label": 0.4,
}


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


def _features(rng: np.random.Generator, labels: np.ndarray) -> np.ndarray:
    """Class centres plus noise: separable enough for a model to learn, float16 like the
    real files."""
    centres = rng.normal(0.0, 2.0, size=(K, DIM))
    return (centres[labels] + rng.normal(size=(labels.shape[0], DIM))).astype(np.float16)


def _flip(rng: np.random.Generator, clean: np.ndarray, rate: float) -> np.ndarray:
    labels = clean.copy()
    rows = rng.random(clean.shape[0]) < rate
    labels[rows] = (clean[rows] + rng.integers(1, K, int(rows.sum()))) % K
    return labels.astype(np.int8)


def _probs(rng: np.random.Generator, labels: np.ndarray, dtype) -> np.ndarray:
    logits = rng.normal(size=(labels.shape[0], K))
    logits[np.arange(labels.shape[0]), labels] += 3.0
    probs = np.exp(logits)
    return (probs / probs.sum(axis=1, keepdims=True)).astype(dtype)


def make_fake_data(root: Path, seed: int = 0) -> Path:
    """A folder with every file the CIFAR-10 benchmark datasets and fixed models read,
    of the real shapes (random content, 6-dimensional embeddings)."""
    rng = np.random.default_rng(seed)
    clean = rng.integers(0, K, N_TRAIN).astype(np.int8)
    for name in ("cifar-10n", "cifar10-embeddings", "cifar-10h", "cifar-10n-resnet18"):
        (root / name).mkdir(parents=True, exist_ok=True)
    sets = {key: _flip(rng, clean, rate) for key, rate in FAKE_RATES.items()}
    np.savez(root / "cifar-10n" / "cifar10n_labels.npz", clean_label=clean, **sets)
    np.save(root / "cifar10-embeddings" / "train.npy", _features(rng, clean))
    majority = rng.integers(0, K, N_TEST)
    counts = rng.multinomial(10, np.full(K, 1 / K), size=N_TEST)
    counts[np.arange(N_TEST), majority] += 40  # a clear majority on every image
    np.save(root / "cifar-10h" / "cifar10h-counts.npy", counts.astype(np.int64))
    np.save(root / "cifar-10h" / "cifar10h-probs.npy", counts / counts.sum(axis=1, keepdims=True))
    np.save(root / "cifar10-embeddings" / "test.npy", _features(rng, majority))
    for source, key in (("aggre", "aggre_label"), ("worst", "worse_label")):
        file = root / "cifar-10n-resnet18" / f"{source}_pred_probs.npy"
        np.save(file, _probs(rng, sets[key], np.float32))
    errors = root / "label-errors"
    errors.mkdir(exist_ok=True)
    np.save(errors / "cifar10_test_labels.npy", majority.astype(np.uint16))
    np.save(errors / "cifar10_test_pred_probs.npy", _probs(rng, majority, np.float64))
    (errors / "cifar10_mturk.json").write_text(json.dumps([]))
    return root


@pytest.fixture(scope="session")
def fake_data(tmp_path_factory) -> Path:
    """The fake data folder (built once per session)."""
    return make_fake_data(tmp_path_factory.mktemp("fake-shared-data"))


@pytest.fixture
def real_data_root(label_errors_folder) -> Path:
    """The real shared data folder (skips the test when it is absent)."""
    return label_errors_folder.parent
