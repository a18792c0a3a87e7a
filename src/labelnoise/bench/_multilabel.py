"""The multi-label benchmark: find wrong and missing tags that were simulated.

Data: ``sklearn.datasets.make_multilabel_classification`` at several K (``synthetic_k4``,
``synthetic_k10``, ...) and the real yeast set (:func:`labelnoise.datasets.load_yeast`).
Noise (:func:`labelnoise.simulate.tag_noise`): ``missing`` drops 20% of the present tags,
``wrong`` adds as many absent tags as 10% of the present ones, ``mixed`` does half of
each. Models are one-vs-rest and cross-validated on the noisy tags. An example is noisy
when any of its tags changed; every detector is scored against that by
:func:`labelnoise.bench.detection_metrics`.

This module runs it: the config, one unit per setting (data, noise, seed, model; cached
as :func:`labelnoise.bench.run_benchmark` caches its units) and the loop over them. The
detectors and their scoring are in ``_multilabel_detectors``, the comparison of two of
them in ``_multilabel_compare``.
"""

from __future__ import annotations

import re
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from labelnoise._errors import InputError
from labelnoise.bench._cache import Cached, load_cached, save_cached
from labelnoise.bench._models import build_model, model_key
from labelnoise.bench._multilabel_detectors import MULTILABEL_DETECTORS, detector_rows
from labelnoise.bench._run import Progress
from labelnoise.simulate import tag_noise

__all__ = ["MULTILABEL_NOISE", "MultilabelBenchConfig", "run_multilabel_benchmark"]

#: Noise setting -> (share of the present tags dropped, absent tags added as a share of
#: the present tags' count).
MULTILABEL_NOISE: Mapping[str, tuple[float, float]] = MappingProxyType(
    {"missing": (0.2, 0.0), "wrong": (0.0, 0.1), "mixed": (0.1, 0.05)}
)
_SYNTHETIC = re.compile(r"synthetic_k([1-9][0-9]*)")


def _default_models() -> tuple[Any, ...]:
    from sklearn.ensemble import RandomForestClassifier

    return (
        "logistic_regression",
        RandomForestClassifier(n_estimators=50, min_samples_leaf=2, random_state=0),
    )


@dataclass(frozen=True)
class MultilabelBenchConfig:
    """A multi-label benchmark: detectors x datasets x noise settings x seeds x models.

    Attributes
    ----------
    datasets : tuple of str, default ("synthetic_k4", "synthetic_k10", "synthetic_k50", "yeast")
        ``synthetic_k<K>``: ``make_multilabel_classification`` with ``K`` tags, on average
        ``max(2, K // 5)`` per example, 20 features, ``n_synthetic`` examples, seeded by the
        seed; ``yeast``: :func:`labelnoise.datasets.load_yeast` (2,417 x 103, 14 tags).
    noise : tuple of str, default ("missing", "wrong", "mixed")
        Keys of :data:`MULTILABEL_NOISE`.
    seeds : tuple of int, default (0, 1, 2)
        Each seed gives its own synthetic data, noise and fold split.
    models : tuple of str or scikit-learn classifiers
        Names from :data:`labelnoise.bench.MODELS` or classifiers; each is wrapped one-vs-rest.
        Default: logistic regression and a 50-tree random forest.
    detectors : tuple of str, default ("default", "ema")
        Keys of :data:`MULTILABEL_DETECTORS`.
    cv : int, default 3
        Folds of the cross-validation.
    n_synthetic : int, default 1000
        Examples of each synthetic data set.
    reference : bool, default False
        Also run cleanlab's ``multilabel_classification`` defaults (the ``reference``
        rows; needs cleanlab, imported only then) and record whether its flags equal ours.
    yeast_path : str or Path, optional
        Folder of the yeast data (default: the loader's).
    """

    datasets: tuple[str, ...] = ("synthetic_k4", "synthetic_k10", "synthetic_k50", "yeast")
    noise: tuple[str, ...] = tuple(MULTILABEL_NOISE)
    seeds: tuple[int, ...] = (0, 1, 2)
    models: tuple[Any, ...] = field(default_factory=_default_models)
    detectors: tuple[str, ...] = ("default", "ema")
    cv: int = 3
    n_synthetic: int = 1000
    reference: bool = False
    yeast_path: str | Path | None = None

    def __post_init__(self) -> None:
        for name in self.datasets:
            if name != "yeast" and not _SYNTHETIC.fullmatch(name):
                raise InputError(
                    "datasets",
                    f"unknown data set {name!r}; use 'yeast' or 'synthetic_k<K>' "
                    "(e.g. 'synthetic_k10').",
                )
        _check_names("noise", self.noise, MULTILABEL_NOISE)
        _check_names("detectors", self.detectors, MULTILABEL_DETECTORS)
        if self.cv < 2 or self.n_synthetic < 2 * self.cv:
            raise InputError(
                "cv",
                f"needs 2 <= cv and at least 2 * cv examples, got cv={self.cv}, "
                f"n_synthetic={self.n_synthetic}.",
            )


def _check_names(argument: str, names: tuple[str, ...], table: Mapping[str, Any]) -> None:
    unknown = [name for name in names if name not in table]
    if unknown or not names:
        raise InputError(
            argument,
            f"expected names from {sorted(table)}, got {list(names)!r}.",
        )


def _dataset(name: str, seed: int, config: MultilabelBenchConfig) -> tuple[np.ndarray, np.ndarray]:
    if name == "yeast":
        from labelnoise.datasets import load_yeast

        data = load_yeast() if config.yeast_path is None else load_yeast(config.yeast_path)
        return np.asarray(data.X, dtype=np.float64), np.asarray(data.Y, dtype=bool)
    from sklearn.datasets import make_multilabel_classification

    match = _SYNTHETIC.fullmatch(name)
    k = int(match.group(1)) if match else 0
    X, Y = make_multilabel_classification(
        n_samples=config.n_synthetic,
        n_features=20,
        n_classes=k,
        n_labels=max(2, k // 5),
        allow_unlabeled=True,
        random_state=seed,
    )
    return X, Y.astype(bool)


def _corrupt(Y: np.ndarray, noise: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    drop, add_share = MULTILABEL_NOISE[noise]
    present, absent = int(Y.sum()), int((~Y).sum())
    add = add_share * present / max(absent, 1)
    sim = tag_noise(Y, drop_rate=drop, add_rate=add, random_state=seed)
    return np.asarray(sim.labels), np.asarray(sim.is_flipped)


def _cross_validate(
    X: np.ndarray, Y: np.ndarray, model: Any, seed: int, cv: int
) -> tuple[np.ndarray, float]:
    from sklearn.model_selection import KFold, cross_val_predict
    from sklearn.multiclass import OneVsRestClassifier

    start = time.perf_counter()
    folds = KFold(cv, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a tag absent from a training fold: constant model
        probs = cross_val_predict(
            OneVsRestClassifier(build_model(model)),
            X,
            Y.astype(np.int64),
            cv=folds,
            method="predict_proba",
        )
    return np.asarray(probs, dtype=np.float64), time.perf_counter() - start


def _unit(
    data: tuple[str, np.ndarray, np.ndarray],
    noise: str,
    seed: int,
    model: Any,
    config: MultilabelBenchConfig,
    cache: Path | None,
) -> Cached:
    """Noisy tags, which examples changed, and cross-validated pred_probs (cached)."""
    name, X, Y = data
    settings = {
        "kind": "multilabel",
        "data": name,
        "n": int(X.shape[0]),
        "noise": noise,
        "seed": seed,
        "model": model_key(model),
        "cv": config.cv,
    }
    entry = None if cache is None else load_cached(cache, settings)
    if entry is not None:
        return entry
    noisy, flipped = _corrupt(Y, noise, seed)
    probs, seconds = _cross_validate(X, noisy, model, seed, config.cv)
    entry = Cached(labels=noisy, is_flipped=flipped, pred_probs=probs, seconds=seconds)
    if cache is not None:
        save_cached(cache, settings, entry)
    return entry


def run_multilabel_benchmark(
    config: MultilabelBenchConfig,
    *,
    cache_dir: str | Path | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Run the multi-label detectors on every data set x noise x seed x model of ``config``.

    For each setting the true tags are corrupted with :func:`labelnoise.simulate.tag_noise`,
    each model is cross-validated one-vs-rest on the noisy tags for out-of-sample
    ``pred_probs``, and :func:`labelnoise.multilabel.find_label_issues` flags examples. Each
    detector ranks the examples by its score; all share the flags, since per-tag confident
    learning decides them whatever the aggregation. An example is noisy when any tag
    changed.

    Parameters
    ----------
    config : MultilabelBenchConfig
    cache_dir : str or Path, optional
        Folder for the noisy tags and pred_probs of each setting (verified ``.npz`` files,
        as :func:`labelnoise.bench.run_benchmark` keeps them). Default: no cache.
    progress : callable, optional
        ``progress(done, total, description)`` before each setting and at the end.

    Returns
    -------
    DataFrame
        One row per setting and detector: data, K, n, seed, noise, model, noise_rate
        (share of examples with a changed tag), pred_probs_seconds, detector, n_flagged,
        precision, recall, f1 (of the flagged set), f1_lowest (of as many examples with
        the lowest scores), auroc and auprc (of the ranking score), matches_reference
        (whether our flags equal the reference's; None without ``reference``).

    Examples
    --------
    >>> from labelnoise.bench import MultilabelBenchConfig, run_multilabel_benchmark
    >>> config = MultilabelBenchConfig(datasets=("synthetic_k4",), noise=("missing",),
    ...                                seeds=(0,), models=("logistic_regression",),
    ...                                n_synthetic=120)
    >>> frame = run_multilabel_benchmark(config)
    >>> frame[["data", "K", "noise", "detector"]].to_dict("records")[0]
    {'data': 'synthetic_k4', 'K': 4, 'noise': 'missing', 'detector': 'default'}
    """
    cache = None if cache_dir is None else Path(cache_dir)
    todo = [
        (name, seed, noise, model)
        for name in config.datasets
        for seed in config.seeds
        for noise in config.noise
        for model in config.models
    ]
    rows: list[dict[str, Any]] = []
    loaded: dict[tuple[str, int], tuple[str, np.ndarray, np.ndarray]] = {}
    for done, (name, seed, noise, model) in enumerate(todo):
        model_name = model if isinstance(model, str) else type(model).__name__
        if progress is not None:
            progress(done, len(todo), f"{name} seed {seed} {noise} {model_name}")
        key = (name, 0 if name == "yeast" else seed)
        if key not in loaded:
            loaded = {key: (name, *_dataset(name, seed, config))}  # one data set at a time
        data = loaded[key]
        entry = _unit(data, noise, seed, model, config, cache)
        base = {
            "data": name,
            "K": int(data[2].shape[1]),
            "n": int(data[2].shape[0]),
            "seed": seed,
            "noise": noise,
            "model": model_name,
            "noise_rate": float(np.mean(entry.is_flipped)),
            "pred_probs_seconds": entry.seconds,
        }
        rows.extend(
            detector_rows(entry, base, detectors=config.detectors, reference=config.reference)
        )
    if progress is not None:
        progress(len(todo), len(todo), "done")
    return pd.DataFrame(rows)
