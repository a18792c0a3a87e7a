"""The multi-label benchmark: find wrong and missing tags that were simulated.

Data: ``sklearn.datasets.make_multilabel_classification`` at several K (``synthetic_k4``,
``synthetic_k10``, ...) and the real yeast set (:func:`labelnoise.datasets.load_yeast`).
Noise (:func:`labelnoise.simulate.tag_noise`): ``missing`` drops 20% of the present tags,
``wrong`` adds as many absent tags as 10% of the present ones, ``mixed`` does half of
each. Models are one-vs-rest and cross-validated on the noisy tags. An example is noisy
when any of its tags changed; every detector is scored against that by
:func:`labelnoise.bench.detection_metrics`.
"""

from __future__ import annotations

import re
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from labelnoise._errors import InputError
from labelnoise.bench._cache import Cached, load_cached, save_cached
from labelnoise.bench._metrics import detection_metrics
from labelnoise.bench._models import build_model, model_key
from labelnoise.bench._run import Progress
from labelnoise.multilabel import (
    Aggregation,
    MultilabelIssues,
    find_label_issues,
    label_quality_scores,
)
from labelnoise.simulate import tag_noise

__all__ = [
    "MULTILABEL_DETECTORS",
    "MULTILABEL_NOISE",
    "MultilabelBenchConfig",
    "MultilabelComparison",
    "compare_multilabel",
    "run_multilabel_benchmark",
]

#: Noise setting -> (share of the present tags dropped, absent tags added as a share of
#: the present tags' count).
MULTILABEL_NOISE: Mapping[str, tuple[float, float]] = MappingProxyType(
    {"missing": (0.2, 0.0), "wrong": (0.0, 0.1), "mixed": (0.1, 0.05)}
)
_SYNTHETIC = re.compile(r"synthetic_k([1-9][0-9]*)")
#: The reference's aggregation.
_EMA: Aggregation = "exponential_moving_average"

#: A detector's ranking score: ``(tags, pred_probs, default issues) -> (n,) scores``,
#: lower = more likely noisy. Its flags are always ``find_label_issues``'s (per-tag
#: confident learning, which no aggregation changes).
MultilabelDetector = Callable[[np.ndarray, np.ndarray, MultilabelIssues], np.ndarray]


def _scores(**options: Any) -> MultilabelDetector:
    def detector(tags: np.ndarray, probs: np.ndarray, issues: MultilabelIssues) -> np.ndarray:
        return label_quality_scores(tags, probs, **options)

    return detector


def _flagged_first(**options: Any) -> MultilabelDetector:
    """Examples with more flagged tags first, then by the score: ``score - flagged tags``
    (scores lie in [0, 1])."""

    def detector(tags: np.ndarray, probs: np.ndarray, issues: MultilabelIssues) -> np.ndarray:
        flagged = issues.tag_issues.sum(axis=1)
        return label_quality_scores(tags, probs, **options) - flagged

    return detector


def _default(tags: np.ndarray, probs: np.ndarray, issues: MultilabelIssues) -> np.ndarray:
    return np.asarray(issues.scores)


def _ema_softmin_mean(tags: np.ndarray, probs: np.ndarray, issues: MultilabelIssues) -> np.ndarray:
    """The mean of the reference's moving average and the default softmin."""
    ema = label_quality_scores(tags, probs, aggregation=_EMA)
    return np.asarray((ema + issues.scores) / 2)


#: Detector name -> ranking score. ``default`` is ``find_label_issues``'s own (softmin at
#: temperature 0.2), ``ema`` the reference's (moving average, alpha 0.8).
MULTILABEL_DETECTORS: Mapping[str, MultilabelDetector] = MappingProxyType(
    {
        "default": _default,
        "ema": _scores(aggregation=_EMA),
        "ema_a0.5": _scores(aggregation=_EMA, alpha=0.5),
        "ema_a0.95": _scores(aggregation=_EMA, alpha=0.95),
        "softmin_t0.05": _scores(aggregation="softmin", temperature=0.05),
        "softmin_t0.1": _scores(aggregation="softmin", temperature=0.1),
        "softmin_t0.3": _scores(aggregation="softmin", temperature=0.3),
        "min": _scores(aggregation="min"),
        "likelihood": _scores(aggregation="likelihood"),
        "adjusted_ema": _scores(aggregation=_EMA, adjust_pred_probs=True),
        "adjusted_softmin": _scores(aggregation="softmin", adjust_pred_probs=True),
        "flagged_first": _flagged_first(),
        "flagged_first_ema": _flagged_first(aggregation=_EMA),
        "ema_softmin_mean": _ema_softmin_mean,
    }
)


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


def _reference(tags: np.ndarray, probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """cleanlab's ``multilabel_classification`` defaults: flags and scores."""
    from cleanlab.multilabel_classification import filter as ref_filter
    from cleanlab.multilabel_classification import rank as ref_rank

    lists = [np.flatnonzero(row).tolist() for row in tags]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mask = ref_filter.find_label_issues(lists, probs, n_jobs=1)
        scores = ref_rank.get_label_quality_scores(lists, probs)
    return np.asarray(mask, dtype=bool), np.asarray(scores, dtype=np.float64)


def _metrics_row(mask: np.ndarray, scores: np.ndarray, flipped: np.ndarray) -> dict[str, Any]:
    metrics = detection_metrics(mask, scores, flipped)
    lowest = np.zeros(mask.shape[0], dtype=bool)
    lowest[np.argsort(scores, kind="stable")[: metrics.n_flagged]] = True
    return {
        "n_flagged": metrics.n_flagged,
        "precision": metrics.precision,
        "recall": metrics.recall,
        "f1": metrics.f1,
        "f1_lowest": detection_metrics(lowest, scores, flipped).f1,
        "auroc": metrics.auroc,
        "auprc": metrics.auprc,
    }


def _detector_rows(
    entry: Cached, base: dict[str, Any], config: MultilabelBenchConfig
) -> list[dict[str, Any]]:
    tags = np.asarray(entry.labels, dtype=bool)
    probs, flipped = entry.pred_probs, entry.is_flipped
    issues = find_label_issues(tags, probs)
    same: bool | None = None
    rows = []
    if config.reference:
        ref_mask, ref_scores = _reference(tags, probs)
        same = bool(np.array_equal(ref_mask, issues.mask))
        rows.append(
            {**base, "detector": "reference", **_metrics_row(ref_mask, ref_scores, flipped)}
        )
    for name in config.detectors:
        scores = MULTILABEL_DETECTORS[name](tags, probs, issues)
        metrics = _metrics_row(issues.mask, scores, flipped)
        rows.append({**base, "detector": name, **metrics, "matches_reference": same})
    return rows


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
        rows.extend(_detector_rows(entry, base, config))
    if progress is not None:
        progress(len(todo), len(todo), "done")
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class MultilabelComparison:
    """One detector against another, per setting (data, noise, model).

    Attributes
    ----------
    table : DataFrame
        One row per setting, means over the seeds: noise_rate, auroc and f1 of each,
        and their ratios (candidate / baseline).
    auroc_wins, f1_wins : float
        Share of the settings where the candidate is at least as good as the baseline.
    """

    table: pd.DataFrame
    auroc_wins: float
    f1_wins: float


def compare_multilabel(
    frame: pd.DataFrame,
    candidate: str,
    *,
    baseline: str = "reference",
    seeds: tuple[int, ...] | None = None,
    f1: str = "f1",
) -> MultilabelComparison:
    """Put two detectors of :func:`run_multilabel_benchmark` side by side.

    Parameters
    ----------
    frame : DataFrame
        From :func:`run_multilabel_benchmark`.
    candidate, baseline : str
        Detector names in ``frame`` (``"reference"`` needs a run with ``reference=True``).
    seeds : tuple of int, optional
        Only these seeds (e.g. the held-out ones). Default: all.
    f1 : {"f1", "f1_lowest"}, default "f1"
        Which F1 to compare.

    Returns
    -------
    MultilabelComparison

    Examples
    --------
    >>> import pandas as pd
    >>> from labelnoise.bench import compare_multilabel
    >>> frame = pd.DataFrame({"data": "d", "noise": "missing", "model": "m", "seed": 0,
    ...     "noise_rate": 0.3, "detector": ["a", "b"], "auroc": [0.7, 0.8], "f1": [0.5, 0.5]})
    >>> result = compare_multilabel(frame, "b", baseline="a")
    >>> result.auroc_wins, result.f1_wins, result.table["auroc_ratio"].round(3).tolist()
    (1.0, 1.0, [1.143])
    """
    for name in (candidate, baseline):
        if name not in set(frame["detector"]):
            raise InputError(
                "candidate" if name == candidate else "baseline",
                f"no rows of detector {name!r} in frame; it has {sorted(set(frame['detector']))}.",
            )
    rows = frame if seeds is None else frame[frame["seed"].isin(seeds)]
    keys = ["data", "noise", "model"]
    means = rows.groupby([*keys, "detector"])[["auroc", f1]].mean().unstack("detector")
    table = pd.DataFrame({"noise_rate": rows.groupby(keys)["noise_rate"].mean()})
    for metric, column in (("auroc", "auroc"), ("f1", f1)):
        table[f"{metric}_{baseline}"] = means[column][baseline]
        table[f"{metric}_{candidate}"] = means[column][candidate]
        table[f"{metric}_ratio"] = means[column][candidate] / means[column][baseline]
    return MultilabelComparison(
        table=table.reset_index(),
        auroc_wins=float((table[f"auroc_{candidate}"] >= table[f"auroc_{baseline}"]).mean()),
        f1_wins=float((table[f"f1_{candidate}"] >= table[f"f1_{baseline}"]).mean()),
    )
