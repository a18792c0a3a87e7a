"""The units of a benchmark (dataset x noise setting x seed) and the models' pred_probs on
each: cross-validated (cached on disk), fixed (stored with the data) or an ensemble."""

from __future__ import annotations

import time
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from labelnoise.bench._cache import Cached, cache_file, load_cached, save_cached
from labelnoise.bench._config import BenchConfig
from labelnoise.bench._data import BenchData, load_dataset
from labelnoise.bench._models import (
    ENSEMBLE_REGIME,
    build_model,
    fixed_pred_probs,
    is_fixed,
    model_key,
    regime,
)
from labelnoise.bench._noise import NoisyLabels, applies, simulate
from labelnoise.bench._specs import DatasetSpec, NoiseSpec

__all__ = ["Member", "Unit", "compute_pred_probs", "members", "noisy_labels", "units"]


@dataclass(frozen=True, eq=False)
class Unit:
    """One dataset x noise setting x seed: noisy labels, then every model's pred_probs."""

    spec: DatasetSpec
    data: BenchData
    noise: NoiseSpec
    seed: int

    @property
    def description(self) -> str:
        return f"{self.spec.name}, {self.noise.label}, seed {self.seed}"


@dataclass(frozen=True, eq=False)
class Member:
    """One model's pred_probs on a unit (an ensemble's: the list of its members')."""

    name: str
    regime: str
    pred_probs: Any
    seconds: float
    ensemble: str = "mean"

    @property
    def mean_probs(self) -> np.ndarray:
        """The pred_probs (an ensemble's: the mean of its members')."""
        if isinstance(self.pred_probs, list):
            return np.mean(np.stack(self.pred_probs), axis=0)
        return self.pred_probs


def compute_pred_probs(
    model: Any, X: np.ndarray, labels: np.ndarray, n_classes: int, *, cv: int, rng, n_jobs: int
) -> np.ndarray:
    """Out-of-sample (n, K) probabilities by ``cv``-fold cross-validation of ``model``.

    Each fit runs with one BLAS thread: on a small problem, threads fight each other (and
    any neighbour) and a 1-second fit can take a minute. Columns of classes missing from
    ``labels`` are zero.
    """
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    from labelnoise.learn import cross_val_pred_probs

    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        probs = cross_val_pred_probs(
            build_model(model), X, labels, cv=cv, n_jobs=n_jobs, random_state=rng
        )
    out = np.zeros((labels.shape[0], n_classes))
    out[:, np.unique(labels)] = probs
    return out


def _stream(*parts: object) -> int:
    return zlib.crc32(repr(parts).encode("utf-8"))


def _seeds(unit: Unit) -> list[np.random.SeedSequence]:
    """The noise stream and the fold-split stream of a unit (the same for every model)."""
    root = np.random.SeedSequence([unit.seed, _stream(unit.spec.key), _stream(unit.noise.key)])
    return root.spawn(2)


def _trained(
    unit: Unit, model: Any, noisy: NoisyLabels, config: BenchConfig, cache_dir: Path | None
) -> Member:
    """Cross-validated pred_probs of ``model`` on the unit, from the cache when there."""
    settings = {
        "dataset": unit.spec.key,
        "noise": unit.noise.key,
        "seed": unit.seed,
        "model": model_key(model),
        "cv": config.cv,
    }
    name, kind = model_key(model), regime(model)
    if cache_dir is not None and (entry := load_cached(cache_dir, settings)) is not None:
        if np.array_equal(entry.labels, noisy.labels):
            return Member(name, kind, entry.pred_probs, entry.seconds)
        warnings.warn(
            f"ignoring the cache file {str(cache_file(cache_dir, settings))!r} "
            f"({unit.description}, {name}): its noisy labels are not the ones simulated now "
            "(stale); recomputing it.",
            UserWarning,
            stacklevel=2,
        )
    start = time.perf_counter()
    pred_probs = compute_pred_probs(
        model,
        unit.data.X,
        noisy.labels,
        unit.data.n_classes,
        cv=config.cv,
        rng=np.random.default_rng(_seeds(unit)[1]),
        n_jobs=config.n_jobs,
    )
    seconds = time.perf_counter() - start
    if cache_dir is not None:
        save_cached(
            cache_dir, settings, Cached(noisy.labels, noisy.is_flipped, pred_probs, seconds)
        )
    return Member(name, kind, pred_probs, seconds)


def members(
    unit: Unit, noisy: NoisyLabels, config: BenchConfig, cache_dir: Path | None
) -> list[Member]:
    """Every model that applies to the unit, then one ensemble per kind (2+ members)."""
    out = []
    for model in config.models:
        if is_fixed(model):
            probs = fixed_pred_probs(model, unit.data, unit.noise)
            if probs is not None:
                out.append(Member(model_key(model), regime(model), probs, 0.0))
        else:
            out.append(_trained(unit, model, noisy, config, cache_dir))
    if len(out) < 2:
        return out
    arrays = [m.pred_probs for m in out]
    seconds = sum(m.seconds for m in out)
    ensembles = [
        Member(f"ensemble ({k})", ENSEMBLE_REGIME, arrays, seconds, k) for k in config.ensemble
    ]
    return out + ensembles


def units(config: BenchConfig) -> list[Unit]:
    """Every dataset x noise setting x seed of the config, skipping settings that do not
    apply to a dataset (datasets are loaded once)."""
    loaded = [(spec, load_dataset(spec)) for spec in config.datasets]
    return [
        Unit(spec, data, noise, seed)
        for spec, data in loaded
        for noise in spec.noise or config.noise
        if applies(noise, data)
        for seed in spec.seeds or config.seeds
    ]


def noisy_labels(unit: Unit) -> NoisyLabels:
    """The unit's noisy labels, from its own noise stream (the same for every model)."""
    return simulate(unit.noise, unit.data, np.random.default_rng(_seeds(unit)[0]))
