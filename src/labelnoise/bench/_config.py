"""What a benchmark runs: datasets, noise settings, seeds, models, folds and detectors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from labelnoise._errors import InputError
from labelnoise.bench._specs import (
    DatasetSpec,
    NoiseKind,
    NoiseSpec,
    check_dataset,
    check_noise,
    check_seeds,
)
from labelnoise.detect._ensemble import ENSEMBLE_METHODS

__all__ = [
    "ENSEMBLE_KINDS",
    "ORACLE_PREFIX",
    "BenchConfig",
    "DatasetSpec",
    "NoiseKind",
    "NoiseSpec",
    "check_config",
    "config_from_dict",
]

#: How an ensemble combines its members (``find_label_issues(..., ensemble=...)``); the
#: first is what ``ensemble = true`` means (the library's default).
ENSEMBLE_KINDS: tuple[str, ...] = ENSEMBLE_METHODS
#: Name prefix of the oracle detectors: ``"oracle:auto"``.
ORACLE_PREFIX = "oracle:"


@dataclass(frozen=True)
class BenchConfig:
    """A benchmark: every detector on every dataset x noise setting x seed x model.

    Attributes
    ----------
    datasets : tuple of DatasetSpec
    noise : tuple of NoiseSpec
        Noise settings of the datasets that name none of their own.
    seeds : tuple of int, default (0,)
        Each seed gives its own noisy labels and its own fold split (datasets may name
        their own).
    models : tuple of str or scikit-learn classifiers, default ("logistic_regression",)
        Models whose out-of-sample probabilities the detectors read, each a name from
        :data:`labelnoise.bench.MODELS` or a classifier with ``predict_proba``. Trained
        models are cross-validated on every unit; fixed models (precomputed
        probabilities, e.g. ``resnet18``) join the units where they exist.
    cv : int, default 5
        Folds of the cross-validation (out-of-sample pred_probs need >= 2).
    methods : tuple of str
        Detectors by name (see :func:`labelnoise.bench.detector_names`), and
        ``oracle:<detector>``: as many flags as labels really flipped, by that detector's
        ranking.
    ensemble : tuple of {"likelihood", "mean", "rank", "weighted"}, default ()
        For each kind, one more model per unit, ``ensemble (<kind>)``, whose detectors
        read the list of every member's pred_probs. In TOML also ``true`` (= mean).
    ensemble_methods : tuple of str, default ()
        The detectors run on the ensemble rows, of those the dataset runs (default:
        all of them).
    n_jobs : int, default 1
        Folds fitted in parallel (joblib); each fit uses one BLAS thread.
    name : str
    """

    datasets: tuple[DatasetSpec, ...]
    noise: tuple[NoiseSpec, ...] = ()
    seeds: tuple[int, ...] = (0,)
    models: tuple[Any, ...] = ("logistic_regression",)
    cv: int = 5
    methods: tuple[str, ...] = ()
    ensemble: tuple[str, ...] = ()
    ensemble_methods: tuple[str, ...] = ()
    n_jobs: int = 1
    name: str = field(default="benchmark")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_model(model: Any, names: Sequence[str], where: str) -> None:
    if isinstance(model, str):
        if model not in names:
            raise InputError(where, f"unknown model {model!r}; use one of {', '.join(names)}.")
    elif not (hasattr(model, "fit") and hasattr(model, "predict_proba")):
        raise InputError(
            where,
            f"must be a model name or a classifier with fit and predict_proba, got {model!r}.",
        )


def _check_models(models: Any, names: Sequence[str]) -> tuple[Any, ...]:
    if isinstance(models, str) or not isinstance(models, Sequence) or len(models) == 0:
        raise InputError(
            "models", f"must be a non-empty list of model names or classifiers, got {models!r}."
        )
    for i, model in enumerate(models):
        _check_model(model, names, f"models[{i}]")
    named = [m for m in models if isinstance(m, str)]
    twice = [m for m in dict.fromkeys(named) if named.count(m) > 1]
    if twice:
        raise InputError("models", f"{twice[0]!r} appears twice; list each model once.")
    return tuple(models)


def _check_ensemble(ensemble: Any, n_models: int) -> tuple[str, ...]:
    kinds = _ensemble_kinds(ensemble)
    bad = [k for k in kinds if k not in ENSEMBLE_KINDS]
    if bad:
        raise InputError(
            "ensemble",
            f"unknown kind {bad[0]!r}; use true, false or a list of {', '.join(ENSEMBLE_KINDS)}.",
        )
    if kinds and n_models < 2:
        raise InputError("ensemble", "combines several models; list at least two in models.")
    return tuple(dict.fromkeys(kinds))


def _ensemble_kinds(ensemble: Any) -> tuple[Any, ...]:
    if isinstance(ensemble, bool):
        return (ENSEMBLE_KINDS[0],) if ensemble else ()
    if isinstance(ensemble, str):
        return (ensemble,)
    if isinstance(ensemble, Sequence):
        return tuple(ensemble)
    raise InputError(
        "ensemble", f"must be true, false, a kind or a list of kinds, got {ensemble!r}."
    )


def _check_methods(
    chosen: Any, methods: Sequence[str], where: str, default: Sequence[str] = ()
) -> tuple[str, ...]:
    if isinstance(chosen, str) or not isinstance(chosen, Sequence):
        raise InputError(where, f"must be a list of detector names, got {chosen!r}.")
    chosen = tuple(chosen) or tuple(default)
    unknown = [m for m in chosen if str(m).removeprefix(ORACLE_PREFIX) not in methods]
    if unknown:
        raise InputError(
            where,
            f"unknown detector {unknown[0]!r}; available: {', '.join(methods)} "
            f"(and {ORACLE_PREFIX}<detector>).",
        )
    return chosen


def _with_methods(spec: DatasetSpec, i: int, methods: Sequence[str]) -> DatasetSpec:
    if spec.methods is None:
        return spec
    where = f"datasets[{i}].methods"
    chosen = _check_methods(spec.methods, methods, where)
    if not chosen:
        raise InputError(where, "is empty; name at least one detector or drop methods.")
    return replace(spec, methods=chosen)


def check_config(
    config: Any, *, models: Sequence[str], methods: Sequence[str], default: Sequence[str]
) -> BenchConfig:
    """Validate a :class:`BenchConfig`; errors name the field and the fix.

    ``models`` are the model names available, ``methods`` the detector names, ``default``
    the detectors run when the config names none.
    """
    if not isinstance(config, BenchConfig):
        raise InputError("config", f"expected a BenchConfig, got {type(config).__name__}.")
    if len(config.datasets) == 0:
        raise InputError("datasets", "is empty; give at least one entry in datasets.")
    datasets = tuple(
        _with_methods(check_dataset(spec, i), i, methods) for i, spec in enumerate(config.datasets)
    )
    if len(config.noise) == 0 and any(spec.noise is None for spec in datasets):
        raise InputError(
            "noise",
            "is empty; give at least one entry in noise (or a noise list in every dataset).",
        )
    noise = tuple(check_noise(spec, i) for i, spec in enumerate(config.noise))
    seeds = check_seeds(config.seeds, "seeds")
    checked_models = _check_models(config.models, models)
    if not _is_int(config.cv) or config.cv < 2:
        raise InputError(
            "cv", f"must be an int >= 2 (folds of cross-validation), got {config.cv!r}."
        )
    if not _is_int(config.n_jobs) or config.n_jobs == 0:
        raise InputError(
            "n_jobs", f"must be a non-zero int (-1: all cores), got {config.n_jobs!r}."
        )
    return BenchConfig(
        datasets=datasets,
        noise=noise,
        seeds=seeds,
        models=checked_models,
        cv=int(config.cv),
        methods=_check_methods(config.methods, methods, "methods", default),
        ensemble=_check_ensemble(config.ensemble, len(checked_models)),
        ensemble_methods=_check_methods(config.ensemble_methods, methods, "ensemble_methods"),
        n_jobs=int(config.n_jobs),
        name=str(config.name),
    )


def _entries(raw: Any, where: str, cls: type, first: str) -> tuple[Any, ...]:
    """A list of strings or tables into dataclass instances (a string fills ``first``)."""
    if not isinstance(raw, list):
        raise InputError(where, f"must be a list (of names or tables), got {type(raw).__name__}.")
    known = {f.name for f in fields(cls)}
    out = []
    for i, item in enumerate(raw):
        if isinstance(item, str):
            item = {first: item}
        if not isinstance(item, Mapping):
            raise InputError(f"{where}[{i}]", f"must be a name or a table, got {item!r}.")
        extra = sorted(set(item) - known)
        if extra:
            raise InputError(
                f"{where}[{i}]",
                f"unknown key {extra[0]!r}; allowed keys: {', '.join(sorted(known))}.",
            )
        if first not in item:
            raise InputError(f"{where}[{i}]", f"is missing the key {first!r}.")
        item = dict(item)
        if "noise" in item:  # a dataset's own noise settings
            item["noise"] = _entries(item["noise"], f"{where}[{i}].noise", NoiseSpec, "kind")
        for key in ("seeds", "methods"):
            if isinstance(item.get(key), list):
                item[key] = tuple(item[key])
        out.append(cls(**item))
    return tuple(out)


def _relative_to(spec: DatasetSpec, folder: Path | None) -> DatasetSpec:
    if folder is None or spec.path is None or Path(spec.path).expanduser().is_absolute():
        return spec
    return replace(spec, path=str(folder / spec.path))


def config_from_dict(raw: Mapping[str, Any], *, folder: Path | None = None) -> BenchConfig:
    """Build an (unvalidated) :class:`BenchConfig` from parsed TOML.

    A relative dataset ``path`` is taken relative to ``folder`` (the config file's).
    """
    known = {f.name for f in fields(BenchConfig)}
    extra = sorted(set(raw) - known)
    if extra:
        raise InputError(extra[0], f"unknown setting; allowed: {', '.join(sorted(known))}.")
    if "datasets" not in raw:
        raise InputError("datasets", "is required; add e.g. datasets = [...] to the file.")
    values = dict(raw)
    datasets = _entries(raw["datasets"], "datasets", DatasetSpec, "name")
    values["datasets"] = tuple(_relative_to(spec, folder) for spec in datasets)
    if "noise" in raw:
        values["noise"] = _entries(raw["noise"], "noise", NoiseSpec, "kind")
    elif any(spec.noise is None for spec in values["datasets"]):
        raise InputError("noise", "is required; add e.g. noise = [...] to the file.")
    for name in ("seeds", "methods", "models", "ensemble_methods"):
        if name in values:
            if not isinstance(values[name], list):
                raise InputError(name, f"must be a list, got {values[name]!r}.")
            values[name] = tuple(values[name])
    if "ensemble" in values:
        values["ensemble"] = _ensemble_kinds(values["ensemble"])
    return BenchConfig(**values)
