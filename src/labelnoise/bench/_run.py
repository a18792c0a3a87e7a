"""``run_benchmark``: every detector on every dataset x noise setting x seed x model."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from labelnoise.bench._config import ORACLE_PREFIX, BenchConfig, check_config
from labelnoise.bench._detectors import (
    PROBS_FREE,
    Detector,
    default_detectors,
    detector_names,
    oracle_flags,
    resolve_detectors,
)
from labelnoise.bench._metrics import detection_metrics
from labelnoise.bench._models import ENSEMBLE_REGIME, MODELS
from labelnoise.bench._noise import NoisyLabels, nominal_rate
from labelnoise.bench._units import Member, Unit, members, noisy_labels, units
from labelnoise.detect import LabelIssues
from labelnoise.noise import estimate_noise

__all__ = ["COLUMNS", "Progress", "run_benchmark"]

#: Columns of the results table, one row per (dataset, noise, seed, model, method).
COLUMNS = (
    "dataset",
    "n",
    "n_classes",
    "model",
    "regime",
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
    "count_error",
    "precision",
    "recall",
    "f1",
    "auroc",
    "auprc",
    "best_member_f1",
    "best_member_auprc",
    "estimated_noise_rate",
    "seconds",
    "pred_probs_seconds",
    "model_accuracy",
)


#: Called before each unit of work and once at the end: ``(done, total, description)``.
Progress = Callable[[int, int, str], object]


def _detect(
    labels: np.ndarray,
    member: Member,
    features: np.ndarray,
    detectors: Mapping[str, Detector],
    shared: dict[str, tuple[LabelIssues, float]],
) -> dict[str, tuple[LabelIssues, float]]:
    """Each detector's issues and seconds; detectors in ``shared`` (features only) once."""
    out = {}
    for name, detect in detectors.items():
        if name in shared:
            out[name] = shared[name]
            continue
        start = time.perf_counter()
        issues = detect(labels, member.pred_probs, features)
        out[name] = (issues, time.perf_counter() - start)
    return out


def _base(unit: Unit, noisy: NoisyLabels, member: Member, config: BenchConfig) -> dict[str, Any]:
    n = noisy.labels.shape[0]
    probs = member.mean_probs
    estimate = estimate_noise(noisy.labels, probs)
    realised = float(noisy.is_flipped.mean())
    nominal = nominal_rate(unit.noise)
    return {
        "dataset": unit.spec.name,
        "n": n,
        "n_classes": unit.data.n_classes,
        "model": member.name,
        "regime": member.regime,
        "cv": config.cv,
        "noise": unit.noise.label,
        "noise_kind": unit.noise.kind,
        "noise_rate": realised if nominal is None else nominal,
        "realised_noise_rate": realised,
        "seed": unit.seed,
        "estimated_noise_rate": estimate.num_issues.off_diagonal_calibrated / n,
        "pred_probs_seconds": member.seconds,
        "model_accuracy": float(np.mean(probs.argmax(axis=1) == unit.data.y)),
        "best_member_f1": np.nan,
        "best_member_auprc": np.nan,
    }


def _rows(
    base: dict[str, Any],
    is_flipped: np.ndarray,
    results: Mapping[str, tuple[LabelIssues, float]],
    methods: tuple[str, ...],
) -> list[dict[str, Any]]:
    """One row per method; ``oracle:<name>`` flags the truth's count by ``<name>``'s scores."""
    rows = []
    for name in methods:
        issues, seconds = results[name.removeprefix(ORACLE_PREFIX)]
        mask = issues.mask
        if name.startswith(ORACLE_PREFIX):
            mask = oracle_flags(np.asarray(issues.scores), int(is_flipped.sum()))
        metrics = detection_metrics(mask, issues.scores, is_flipped)
        rows.append(
            {
                **base,
                "method": name,
                "score_method": issues.score_method,
                "n_flipped": metrics.n_flipped,
                "n_flagged": metrics.n_flagged,
                "count_error": metrics.count_error,
                "precision": metrics.precision,
                "recall": metrics.recall,
                "f1": metrics.f1,
                "auroc": metrics.auroc,
                "auprc": metrics.auprc,
                "seconds": seconds,
            }
        )
    return rows


def _best_members(rows: list[dict[str, Any]]) -> None:
    """Fill ``best_member_f1``/``_auprc`` of the ensemble rows: the best single member's
    value for the same method on the same unit."""
    singles = [r for r in rows if r["regime"] != ENSEMBLE_REGIME]
    for row in rows:
        if row["regime"] != ENSEMBLE_REGIME:
            continue
        same = [r for r in singles if r["method"] == row["method"]]
        for metric in ("f1", "auprc"):
            values = [r[metric] for r in same if not np.isnan(r[metric])]
            row[f"best_member_{metric}"] = max(values) if values else np.nan


def _unit_rows(
    unit: Unit,
    config: BenchConfig,
    cache_dir: Path | None,
    detectors: Mapping[str, Mapping[str, Detector]],
    probs_free: tuple[str, ...],
) -> list[dict[str, Any]]:
    """Rows of one unit; ``detectors`` by ensemble kind (how built-ins combine a list)."""
    noisy = noisy_labels(unit)
    rows: list[dict[str, Any]] = []
    shared: dict[str, tuple[LabelIssues, float]] = {}
    for member in members(unit, noisy, config, cache_dir):
        methods = _methods(unit, member, config)
        chosen = {n: detectors[member.ensemble][n] for n in _to_run(methods)}
        results = _detect(noisy.labels, member, unit.data.X, chosen, shared)
        shared.update({name: results[name] for name in probs_free if name in results})
        base = _base(unit, noisy, member, config)
        rows.extend(_rows(base, noisy.is_flipped, results, methods))
    _best_members(rows)
    return rows


def _methods(unit: Unit, member: Member, config: BenchConfig) -> tuple[str, ...]:
    """The detectors of a unit's model: the dataset's (or the config's), and on ensemble
    rows only those among ``config.ensemble_methods`` when it names any."""
    methods = unit.spec.methods or config.methods
    if member.regime == ENSEMBLE_REGIME and config.ensemble_methods:
        methods = tuple(m for m in methods if m in config.ensemble_methods)
    return methods


def _to_run(methods: tuple[str, ...]) -> tuple[str, ...]:
    """The detectors to run: the methods, and the detector behind each oracle."""
    return tuple(dict.fromkeys(m.removeprefix(ORACLE_PREFIX) for m in methods))


def run_benchmark(
    config: BenchConfig,
    *,
    out_dir: str | Path | None = None,
    cache_dir: str | Path | None = None,
    progress: Progress | None = None,
    detectors: Mapping[str, Detector] | None = None,
) -> pd.DataFrame:
    """Run every detector on every dataset x noise setting x seed x model of ``config``.

    For each unit (dataset, noise setting, seed) the true labels are corrupted (simulated
    noise, real CIFAR-10N labels, labels drawn from CIFAR-10H votes, or open-set noise);
    each trained model is cross-validated on the noisy labels for out-of-sample
    ``pred_probs`` (cached in ``cache_dir``; the same fold split for every model), each
    fixed model that exists for the unit joins with its stored probabilities, and with
    ``config.ensemble`` one more model per kind reads all of them together. Every
    detector then runs once per model, and its flags are compared with the labels that
    are really wrong. Settings that do not apply to a dataset are skipped (see
    :class:`NoiseSpec`).

    Parameters
    ----------
    config : BenchConfig
        What to run (see :func:`load_config` and its named configs).
    out_dir : str or Path, optional
        Also write results.csv, results.md and f1_vs_noise.png there
        (:func:`write_results`).
    cache_dir : str or Path, optional
        Folder for cached pred_probs, one ``.npz`` per (dataset, noise setting, seed,
        model, folds) holding its settings and a SHA-256 of its arrays; a rerun, or a run
        with other detectors, reads them instead of fitting again, and an entry that does
        not match is recomputed with a warning naming the file. Default: no cache.
    progress : callable, optional
        ``progress(done, total, description)`` before each unit and at the end.
    detectors : mapping of str to callable, optional
        Extra detectors ``(labels, pred_probs, features) -> LabelIssues`` by name (on an
        ensemble row ``pred_probs`` is the list of the members' arrays); name them in
        ``config.methods`` to run them (also as ``oracle:<name>``).

    Returns
    -------
    DataFrame
        One row per unit, model and method, columns :data:`COLUMNS`: the unit (dataset,
        noise setting label, noise_kind, noise_rate requested, or realised where the data
        sets it, realised_noise_rate, seed), the model and its regime, the method,
        n_flipped, n_flagged, count_error (``n_flagged - n_flipped``), precision, recall,
        f1, auroc and auprc (of the ranking score), for ensemble rows best_member_f1 and
        best_member_auprc (the best single model's, same method and unit; NaN elsewhere),
        estimated_noise_rate (``off_diagonal_calibrated / n``), seconds (detector only),
        pred_probs_seconds (cross-validation, when it was computed; 0 for fixed models)
        and model_accuracy (against the true labels).

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
    listed = (*config.methods, *(m for spec in config.datasets for m in spec.methods or ()))
    to_run = _to_run(listed)
    chosen = {
        kind: resolve_detectors(to_run, detectors, ensemble=kind)
        for kind in ("mean", *config.ensemble)
    }
    probs_free = tuple(n for n in to_run if n in PROBS_FREE and n not in (detectors or {}))
    cache = None if cache_dir is None else Path(cache_dir)
    todo = units(config)
    rows: list[dict[str, Any]] = []
    for done, unit in enumerate(todo):
        if progress is not None:
            progress(done, len(todo), unit.description)
        rows.extend(_unit_rows(unit, config, cache, chosen, probs_free))
    if progress is not None:
        progress(len(todo), len(todo), "done")
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    if out_dir is not None:
        from labelnoise.bench._write import write_results

        write_results(frame, out_dir)
    return frame
