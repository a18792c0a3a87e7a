"""Load the benchmark datasets as (features, true labels)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from labelnoise.bench._config import DatasetSpec

__all__ = ["BenchData", "load_dataset", "standardized"]


@dataclass(frozen=True, eq=False)
class BenchData:
    """A dataset ready for the benchmark.

    Attributes
    ----------
    name : str
    X : ndarray of float64, shape (n, d)
        Features (images flattened and scaled to [0, 1]).
    y : ndarray of int64, shape (n,)
        True labels ``0..K-1``.
    n_classes : int
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    n_classes: int


def load_dataset(spec: DatasetSpec) -> BenchData:
    """Load ``spec``; subsamples are drawn with seed 0 so every run sees the same rows."""
    from labelnoise.datasets import load_fashion_mnist, load_sklearn

    if spec.name == "fashion_mnist":
        data = load_fashion_mnist(
            spec.path, split="train", subsample=spec.subsample, random_state=0
        )
        X = data.X.reshape(data.X.shape[0], -1).astype(np.float64) / 255.0
        y = np.asarray(data.y, dtype=np.int64)
        n_classes = len(data.classes)
    else:
        bunch = load_sklearn(spec.name)  # type: ignore[arg-type]
        X, y, n_classes = np.asarray(bunch.X), np.asarray(bunch.y), len(bunch.classes)
        if spec.subsample is not None and spec.subsample < y.shape[0]:
            rng = np.random.default_rng(0)
            keep = np.sort(rng.choice(y.shape[0], size=spec.subsample, replace=False))
            X, y = X[keep], y[keep]
    return BenchData(name=spec.name, X=X, y=y, n_classes=n_classes)


def standardized(X: np.ndarray) -> np.ndarray:
    """Columns with mean 0 and standard deviation 1 (constant columns left at 0)."""
    scale = X.std(axis=0)
    return (X - X.mean(axis=0)) / np.where(scale > 0, scale, 1.0)
