"""Load the benchmark datasets as (features, true labels) and what their noise needs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import numpy as np

from labelnoise.bench._specs import DatasetSpec

__all__ = ["BenchData", "load_dataset", "standardized"]

#: CIFAR-10N label sets by the ``source`` names of ``real`` noise.
_CIFAR10N_SETS = {
    "aggre": "aggregate",
    "random1": "random1",
    "random2": "random2",
    "random3": "random3",
    "worst": "worst",
}


@dataclass(frozen=True, eq=False)
class BenchData:
    """A dataset ready for the benchmark.

    Attributes
    ----------
    name : str
    X : ndarray of float, shape (n, d)
        Features (images flattened and scaled to [0, 1]; embeddings as float32).
    y : ndarray of int64, shape (n,)
        True labels ``0..K-1``.
    n_classes : int
    indices : ndarray of int64, shape (n,)
        Rows of the full dataset, in its original order (to join per-example files).
    n_total : int
        Rows of the full dataset (``n`` unless subsampled).
    root : Path or None
        The data folder of the real datasets (fixed models read their files there).
    human_labels : mapping of str to ndarray of int64, shape (n,), or None
        ``cifar10n``: the CIFAR-10N label sets by ``real`` source name.
    votes : ndarray of int64, shape (n, K), or None
        ``cifar10_test``: the CIFAR-10H vote counts.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    n_classes: int
    indices: np.ndarray
    n_total: int
    root: Path | None = None
    human_labels: Mapping[str, np.ndarray] | None = None
    votes: np.ndarray | None = None

    @property
    def subsampled(self) -> bool:
        return self.indices.shape[0] < self.n_total


def _keep(n: int, subsample: int | None) -> np.ndarray:
    """The subsample's rows: drawn with seed 0, so every run sees the same ones."""
    if subsample is None or subsample >= n:
        return np.arange(n, dtype=np.int64)
    rng = np.random.default_rng(0)
    return np.sort(rng.choice(n, size=subsample, replace=False)).astype(np.int64)


def _with_embeddings(
    spec: DatasetSpec,
    root: Path,
    labels: np.ndarray,
    split: Literal["train", "test"],
    keep: np.ndarray,
    **extra: Any,
) -> BenchData:
    """The ``keep`` rows of the CIFAR-10 embeddings of ``split``, with ``labels`` as the
    true labels (all rows of the split, in the original order)."""
    from labelnoise.datasets import load_cifar10_embeddings

    data = load_cifar10_embeddings(
        root / "cifar10-embeddings", labels=labels, split=split, subset=keep
    )
    return BenchData(
        name=spec.name,
        X=data.X,
        y=data.y,
        n_classes=len(data.classes),
        indices=keep,
        n_total=labels.shape[0],
        root=root,
        **extra,
    )


def _cifar10n(spec: DatasetSpec) -> BenchData:
    from labelnoise.datasets import load_cifar10n

    root = Path(str(spec.path)).expanduser()
    human = load_cifar10n(root / "cifar-10n")
    keep = _keep(human.clean_labels.shape[0], spec.subsample)
    sets = {name: human.noisy_labels[key][keep] for name, key in _CIFAR10N_SETS.items()}
    return _with_embeddings(
        spec, root, human.clean_labels, "train", keep, human_labels=MappingProxyType(sets)
    )


def _cifar10_test(spec: DatasetSpec) -> BenchData:
    """Test embeddings; true labels the CIFAR-10H majority (``argmax``: ties to the lowest
    class index)."""
    from labelnoise.datasets import load_cifar10h

    root = Path(str(spec.path)).expanduser()
    soft = load_cifar10h(root / "cifar-10h")
    majority = soft.counts.argmax(axis=1).astype(np.int64)
    keep = _keep(majority.shape[0], spec.subsample)
    return _with_embeddings(spec, root, majority, "test", keep, votes=soft.counts[keep])


def load_dataset(spec: DatasetSpec) -> BenchData:
    """Load ``spec``; subsamples are drawn with seed 0 so every run sees the same rows."""
    from labelnoise.datasets import load_fashion_mnist, load_sklearn

    if spec.name == "cifar10n":
        return _cifar10n(spec)
    if spec.name == "cifar10_test":
        return _cifar10_test(spec)
    if spec.name == "fashion_mnist":
        data = load_fashion_mnist(
            spec.path, split="train", subsample=spec.subsample, random_state=0
        )
        X = data.X.reshape(data.X.shape[0], -1).astype(np.float64) / 255.0
        y = np.asarray(data.y, dtype=np.int64)
        return BenchData(spec.name, X, y, len(data.classes), np.asarray(data.indices), 60_000)
    bunch = load_sklearn(spec.name)  # type: ignore[arg-type]
    X, y = np.asarray(bunch.X), np.asarray(bunch.y, dtype=np.int64)
    keep = _keep(y.shape[0], spec.subsample)
    return BenchData(spec.name, X[keep], y[keep], len(bunch.classes), keep, y.shape[0])


def standardized(X: np.ndarray) -> np.ndarray:
    """Columns with mean 0 and standard deviation 1 (constant columns left at 0)."""
    scale = X.std(axis=0)
    return (X - X.mean(axis=0)) / np.where(scale > 0, scale, 1.0)
