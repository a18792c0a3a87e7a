"""``run_benchmark``: every detector on every dataset x noise setting x seed."""

from __future__ import annotations

import time
import warnings
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from labelnoise.bench._cache import Cached, cache_key, load_cached, save_cached
from labelnoise.bench._config import BenchConfig, DatasetSpec, NoiseSpec, check_config
from labelnoise.bench._data import BenchData, load_dataset
from labelnoise.bench._detectors import (
    Detector,
    default_detectors,
    detector_names,
    resolve_detectors,
)
from labelnoise.bench._metrics import detection_metrics
from labelnoise.bench._models import MODELS, build_model, model_key
from labelnoise.bench._noise import applies, nominal_rate, simulate
from labelnoise.noise import estimate_noise

__all__ = ["COLUMNS", "Progress", "compute_pred_probs", "run_benchmark"]

#: Columns of the results table, one row per (dataset, noise, seed, method).
COLUMNS = (
    "dataset",
    "n",
    "n_classes",
    "model",
    "cv",
    "noise",
    "noise_kind",
    "noise_rate",
    "realised_noise_rate",
    "seed",
    "method",
    "score_method",
    "n_flipped",
    "n_flagged",
    "precision",
    "recall",
    "f1",
    "auroc",
    "auprc",
    "estimated_noise_rate",
    "seconds",
    "pred_probs_seconds",
    "model_accuracy",
)


#: Called before each unit of work and once at the end: ``(done, total, description)``.
Progress = Callable[[int, int, str], object]


@dataclass(frozen=True, eq=False)
class _Unit:
    spec: DatasetSpec
    data: BenchData
    noise: NoiseSpec
    seed: int

    @property
    def description(self) -> str:
        return f"{self.spec.name}, {self.noise.label}, seed {self.seed}"


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


def _prepare(unit: _Unit, config: BenchConfig, cache_dir: Path | None) -> Cached:
    """Noisy labels and pred_probs of a unit, from the cache when there."""
    model = unit.spec.model or config.model
    settings = {
        "dataset": unit.spec.key,
        "noise": unit.noise.key,
        "seed": unit.seed,
        "model": model_key(model),
        "cv": config.cv,
    }
    key = cache_key(settings)
    if cache_dir is not None and (entry := load_cached(cache_dir, key)) is not None:
        return entry
    seeds = np.random.SeedSequence([unit.seed, _stream(unit.spec.key), _stream(unit.noise.key)])
    noise_rng, cv_rng = (np.random.default_rng(s) for s in seeds.spawn(2))
    noisy = simulate(unit.noise, unit.data, noise_rng)
    start = time.perf_counter()
    labels = np.asarray(noisy.labels, dtype=np.int64)
    pred_probs = compute_pred_probs(
        model,
        unit.data.X,
        labels,
        unit.data.n_classes,
        cv=config.cv,
        rng=cv_rng,
        n_jobs=config.n_jobs,
    )
    entry = Cached(labels, np.asarray(noisy.is_flipped), pred_probs, time.perf_counter() - start)
    if cache_dir is not None:
        save_cached(cache_dir, key, entry)
    return entry


def _rows(
    unit: _Unit, entry: Cached, config: BenchConfig, detectors: Mapping[str, Detector]
) -> Iterator[dict[str, Any]]:
    n = entry.labels.shape[0]
    estimate = estimate_noise(entry.labels, entry.pred_probs)
    base = {
        "dataset": unit.spec.name,
        "n": n,
        "n_classes": unit.data.n_classes,
        "model": model_key(unit.spec.model or config.model),
        "cv": config.cv,
        "noise": unit.noise.label,
        "noise_kind": unit.noise.kind,
        "noise_rate": nominal_rate(unit.noise),
        "realised_noise_rate": float(entry.is_flipped.mean()),
        "seed": unit.seed,
        "estimated_noise_rate": estimate.num_issues.off_diagonal_calibrated / n,
        "pred_probs_seconds": entry.seconds,
        "model_accuracy": float(np.mean(entry.pred_probs.argmax(axis=1) == unit.data.y)),
    }
    for name, detect in detectors.items():
        start = time.perf_counter()
        issues = detect(entry.labels, entry.pred_probs, unit.data.X)
        seconds = time.perf_counter() - start
        metrics = detection_metrics(issues.mask, issues.scores, entry.is_flipped)
        yield {
            **base,
            "method": name,
            "score_method": issues.score_method,
            "n_flipped": metrics.n_flipped,
            "n_flagged": metrics.n_flagged,
            "precision": metrics.precision,
            "recall": metrics.recall,
            "f1": metrics.f1,
            "auroc": metrics.auroc,
            "auprc": metrics.auprc,
            "seconds": seconds,
        }


def _units(config: BenchConfig) -> list[_Unit]:
    loaded = [(spec, load_dataset(spec)) for spec in config.datasets]
    return [
        _Unit(spec, data, noise, seed)
        for spec, data in loaded
        for noise in config.noise
        if applies(noise, data.n_classes)
        for seed in config.seeds
    ]


def run_benchmark(
    config: BenchConfig,
    *,
    out_dir: str | Path | None = None,
    cache_dir: str | Path | None = None,
    progress: Progress | None = None,
    detectors: Mapping[str, Detector] | None = None,
) -> pd.DataFrame:
    """Run every detector on every dataset x noise setting x seed of ``config``.

    For each (dataset, noise setting, seed) the true labels are corrupted with
    :mod:`labelnoise.simulate`, a model is cross-validated on the noisy labels to get
    out-of-sample ``pred_probs`` (cached in ``cache_dir``), and every detector runs on
    them. Each detector's flags are compared with the labels that were really flipped.
    Human (CIFAR-10N) noise is skipped on datasets without 10 classes.

    Parameters
    ----------
    config : BenchConfig
        What to run (see :func:`default_config`, :func:`quick_config`, :func:`load_config`).
    out_dir : str or Path, optional
        Also write results.csv, results.md and f1_vs_noise.png there
        (:func:`write_results`).
    cache_dir : str or Path, optional
        Folder for cached pred_probs, one ``.npz`` per (dataset, noise setting, seed,
        model, folds); a rerun, or a run with other detectors, reads them instead of
        fitting again. Default: no cache.
    progress : callable, optional
        ``progress(done, total, description)`` before each unit and at the end.
    detectors : mapping of str to callable, optional
        Extra detectors ``(labels, pred_probs, features) -> LabelIssues`` by name; name
        them in ``config.methods`` to run them.

    Returns
    -------
    DataFrame
        One row per run, columns :data:`COLUMNS`: dataset, noise (setting label),
        noise_kind, noise_rate (requested), realised_noise_rate, seed, method, n_flagged,
        precision, recall, f1, auroc, auprc (of the ranking score), estimated_noise_rate
        (``off_diagonal_calibrated / n``), seconds (detector only), pred_probs_seconds
        (cross-validation, when it was computed) and model_accuracy (against the true
        labels).

    Examples
    --------
    >>> from labelnoise.bench import BenchConfig, DatasetSpec, NoiseSpec, run_benchmark
    >>> config = BenchConfig(datasets=(DatasetSpec("wine"),),
    ...                      noise=(NoiseSpec("symmetric", 0.2),), cv=3,
    ...                      methods=("prune_by_noise_rate",))
    >>> frame = run_benchmark(config)
    >>> frame[["dataset", "noise", "method", "n_flipped"]].to_dict("records")
    [{'dataset': 'wine', 'noise': 'symmetric 20%', 'method': 'prune_by_noise_rate', \
'n_flipped': 36}]
    """
    names = (*detector_names(), *(detectors or {}))
    config = check_config(config, models=tuple(MODELS), methods=names, default=default_detectors())
    chosen = resolve_detectors(config.methods, detectors)
    cache = None if cache_dir is None else Path(cache_dir)
    units = _units(config)
    rows: list[dict[str, Any]] = []
    for done, unit in enumerate(units):
        if progress is not None:
            progress(done, len(units), unit.description)
        rows.extend(_rows(unit, _prepare(unit, config, cache), config, chosen))
    if progress is not None:
        progress(len(units), len(units), "done")
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    if out_dir is not None:
        from labelnoise.bench._write import write_results

        write_results(frame, out_dir)
    return frame
