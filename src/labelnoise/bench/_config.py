"""What a benchmark runs: datasets, noise settings, seeds, model, folds and detectors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Literal, get_args

from labelnoise._errors import InputError

__all__ = [
    "BenchConfig",
    "DatasetSpec",
    "NoiseKind",
    "NoiseSpec",
    "check_config",
    "config_from_dict",
]

NoiseKind = Literal["symmetric", "pairflip", "random_matrix", "instance", "human"]

#: Datasets the benchmark can load (each from a loader in labelnoise.datasets).
DATASET_NAMES = ("digits", "wine", "breast_cancer", "iris", "fashion_mnist")
#: Short CIFAR-10N label-set names accepted for ``source``, and the full names.
HUMAN_SOURCES = {
    "worst": "cifar10n_worst",
    "aggregate": "cifar10n_aggregate",
    "random1": "cifar10n_random1",
    "random2": "cifar10n_random2",
    "random3": "cifar10n_random3",
}


def _fail(where: str, message: str) -> InputError:
    return InputError(where, message)


@dataclass(frozen=True)
class DatasetSpec:
    """One dataset of the benchmark.

    Attributes
    ----------
    name : {"digits", "wine", "breast_cancer", "iris", "fashion_mnist"}
        Which dataset; the first four are scikit-learn's bundled sets, Fashion-MNIST is
        read from ``path`` (default: the Debian package's folder).
    subsample : int or None
        Keep this many examples drawn at random (seed 0, the same in every run); for
        Fashion-MNIST default 10,000 of the 60,000 training images.
    path : str or None
        Folder of the data files (Fashion-MNIST only).
    model : str or None
        Model name overriding :attr:`BenchConfig.model` for this dataset.
    """

    name: str
    subsample: int | None = None
    path: str | None = None
    model: str | None = None

    @property
    def key(self) -> dict[str, Any]:
        """What identifies the data (for the cache key)."""
        return {"name": self.name, "subsample": self.subsample, "path": self.path}


@dataclass(frozen=True)
class NoiseSpec:
    """One noise setting, applied to the true labels by :mod:`labelnoise.simulate`.

    Attributes
    ----------
    kind : {"symmetric", "pairflip", "random_matrix", "instance", "human"}
        ``symmetric``: uniform over the other classes; ``pairflip``: class k to k + 1;
        ``random_matrix``: a random transition matrix with ``frac_zero_noise_rates`` of
        its off-diagonal cells zero; ``instance``: instance-dependent (Xia et al. 2020)
        on standardized features; ``human``: a CIFAR-10N confusion matrix (10 classes
        only; skipped on other datasets).
    rate : float or None
        Fraction of labels to change; ``None`` for ``human`` (the matrix sets it).
    source : str or None
        CIFAR-10N label set for ``human``: worst, aggregate, random1, random2, random3.
    frac_zero_noise_rates : float, default 0.5
        Share of zero off-diagonal cells for ``random_matrix``.
    flip_rate_std : float, default 0.1
        Spread of per-example flip rates for ``instance``.
    """

    kind: str
    rate: float | None = None
    source: str | None = None
    frac_zero_noise_rates: float = 0.5
    flip_rate_std: float = 0.1

    @property
    def label(self) -> str:
        """Short name for tables: ``"symmetric 20%"``, ``"human worst"``."""
        if self.kind == "human":
            return f"human {self.source}"
        pct = f"{100 * (self.rate or 0.0):g}%"
        names = {"random_matrix": "random T", "instance": "instance"}
        return f"{names.get(self.kind, self.kind)} {pct}"

    @property
    def key(self) -> dict[str, Any]:
        """What identifies the setting (for the cache key): only the fields it uses."""
        out: dict[str, Any] = {"kind": self.kind}
        if self.kind == "human":
            out["source"] = self.source
            return out
        out["rate"] = self.rate
        if self.kind == "random_matrix":
            out["frac_zero_noise_rates"] = self.frac_zero_noise_rates
        if self.kind == "instance":
            out["flip_rate_std"] = self.flip_rate_std
        return out


@dataclass(frozen=True)
class BenchConfig:
    """A benchmark: every detector on every dataset x noise setting x seed.

    Attributes
    ----------
    datasets : tuple of DatasetSpec
    noise : tuple of NoiseSpec
    seeds : tuple of int
        Each seed gives its own noisy labels and its own fold split.
    model : str or scikit-learn classifier, default "logistic_regression"
        Model whose cross-validated probabilities the detectors read: a name from
        :data:`labelnoise.bench.MODELS` or any classifier with ``predict_proba``.
    cv : int, default 5
        Folds of the cross-validation (out-of-sample pred_probs need >= 2).
    methods : tuple of str
        Detectors by name (see :func:`labelnoise.bench.detector_names`).
    n_jobs : int, default 1
        Folds fitted in parallel (joblib); each fit uses one BLAS thread.
    """

    datasets: tuple[DatasetSpec, ...]
    noise: tuple[NoiseSpec, ...]
    seeds: tuple[int, ...] = (0,)
    model: Any = "logistic_regression"
    cv: int = 5
    methods: tuple[str, ...] = ()
    n_jobs: int = 1
    name: str = field(default="benchmark")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_rate(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < 1


def _check_dataset(spec: DatasetSpec, i: int) -> DatasetSpec:
    where = f"datasets[{i}]"
    if spec.name not in DATASET_NAMES:
        raise _fail(
            f"{where}.name",
            f"unknown dataset {spec.name!r}; use one of {', '.join(DATASET_NAMES)}.",
        )
    if spec.subsample is not None and (not _is_int(spec.subsample) or spec.subsample < 10):
        raise _fail(
            f"{where}.subsample",
            f"must be an int >= 10 or left out, got {spec.subsample!r}.",
        )
    if spec.path is not None and spec.name != "fashion_mnist":
        raise _fail(f"{where}.path", f"only fashion_mnist reads files; drop path for {spec.name}.")
    if spec.name == "fashion_mnist" and spec.subsample is None:
        return DatasetSpec(spec.name, 10_000, spec.path, spec.model)
    return spec


def _check_noise(spec: NoiseSpec, i: int) -> NoiseSpec:
    where = f"noise[{i}]"
    kinds = get_args(NoiseKind)
    if spec.kind not in kinds:
        raise _fail(f"{where}.kind", f"unknown noise kind {spec.kind!r}; use one of {kinds}.")
    if spec.kind == "human":
        source = HUMAN_SOURCES.get(str(spec.source), spec.source)
        if source not in HUMAN_SOURCES.values():
            raise _fail(
                f"{where}.source",
                f"human noise needs source = one of {', '.join(HUMAN_SOURCES)}, got "
                f"{spec.source!r}.",
            )
        if spec.rate is not None:
            raise _fail(f"{where}.rate", "human noise takes its rate from the source; drop rate.")
        return NoiseSpec("human", None, source)
    if not _is_rate(spec.rate):
        raise _fail(
            f"{where}.rate",
            f"must be a fraction in [0, 1) of labels to change, e.g. 0.2; got {spec.rate!r}.",
        )
    if not _is_rate(spec.frac_zero_noise_rates):
        raise _fail(
            f"{where}.frac_zero_noise_rates",
            f"must be in [0, 1), got {spec.frac_zero_noise_rates!r}.",
        )
    std = spec.flip_rate_std
    if not isinstance(std, int | float) or isinstance(std, bool) or not 0 <= std < 1:
        raise _fail(f"{where}.flip_rate_std", f"must be in [0, 1), got {std!r}.")
    return NoiseSpec(spec.kind, float(spec.rate or 0.0), None, *_floats(spec))


def _floats(spec: NoiseSpec) -> tuple[float, float]:
    return float(spec.frac_zero_noise_rates), float(spec.flip_rate_std)


def _check_model(model: Any, names: Sequence[str], where: str) -> None:
    if isinstance(model, str):
        if model not in names:
            raise _fail(where, f"unknown model {model!r}; use one of {', '.join(names)}.")
    elif not (hasattr(model, "fit") and hasattr(model, "predict_proba")):
        raise _fail(
            where,
            f"must be a model name or a classifier with fit and predict_proba, got {model!r}.",
        )


def check_config(
    config: Any, *, models: Sequence[str], methods: Sequence[str], default: Sequence[str]
) -> BenchConfig:
    """Validate a :class:`BenchConfig`; errors name the field and the fix.

    ``methods`` are the detector names available, ``default`` those run when the config
    names none.
    """
    if not isinstance(config, BenchConfig):
        raise _fail("config", f"expected a BenchConfig, got {type(config).__name__}.")
    for name in ("datasets", "noise", "seeds"):
        if len(getattr(config, name)) == 0:
            raise _fail(name, f"is empty; give at least one entry in {name}.")
    datasets = tuple(_check_dataset(spec, i) for i, spec in enumerate(config.datasets))
    noise = tuple(_check_noise(spec, i) for i, spec in enumerate(config.noise))
    bad_seed = [s for s in config.seeds if not _is_int(s) or s < 0]
    if bad_seed:
        raise _fail("seeds", f"must be non-negative ints, got {bad_seed[0]!r}.")
    _check_model(config.model, models, "model")
    for i, spec in enumerate(datasets):
        if spec.model is not None:
            _check_model(spec.model, models, f"datasets[{i}].model")
    if not _is_int(config.cv) or config.cv < 2:
        raise _fail("cv", f"must be an int >= 2 (folds of cross-validation), got {config.cv!r}.")
    if not _is_int(config.n_jobs) or config.n_jobs == 0:
        raise _fail("n_jobs", f"must be a non-zero int (-1: all cores), got {config.n_jobs!r}.")
    chosen = tuple(config.methods) or tuple(default)
    unknown = [m for m in chosen if m not in methods]
    if unknown:
        raise _fail("methods", f"unknown detector {unknown[0]!r}; available: {', '.join(methods)}.")
    return BenchConfig(
        datasets=datasets,
        noise=noise,
        seeds=tuple(int(s) for s in config.seeds),
        model=config.model,
        cv=int(config.cv),
        methods=chosen,
        n_jobs=int(config.n_jobs),
        name=config.name,
    )


def _entries(raw: Any, where: str, cls: type, first: str) -> tuple[Any, ...]:
    """A list of strings or tables into dataclass instances (a string fills ``first``)."""
    if not isinstance(raw, list):
        raise _fail(where, f"must be a list (of names or tables), got {type(raw).__name__}.")
    known = {f.name for f in fields(cls)}
    out = []
    for i, item in enumerate(raw):
        if isinstance(item, str):
            item = {first: item}
        if not isinstance(item, Mapping):
            raise _fail(f"{where}[{i}]", f"must be a name or a table, got {item!r}.")
        extra = sorted(set(item) - known)
        if extra:
            raise _fail(
                f"{where}[{i}]",
                f"unknown key {extra[0]!r}; allowed keys: {', '.join(sorted(known))}.",
            )
        if first not in item:
            raise _fail(f"{where}[{i}]", f"is missing the key {first!r}.")
        out.append(cls(**item))
    return tuple(out)


def config_from_dict(raw: Mapping[str, Any]) -> BenchConfig:
    """Build an (unvalidated) :class:`BenchConfig` from parsed TOML."""
    known = {f.name for f in fields(BenchConfig)}
    extra = sorted(set(raw) - known)
    if extra:
        raise _fail(extra[0], f"unknown setting; allowed: {', '.join(sorted(known))}.")
    missing = [name for name in ("datasets", "noise") if name not in raw]
    if missing:
        raise _fail(missing[0], f"is required; add e.g. {missing[0]} = [...] to the file.")
    values = dict(raw)
    values["datasets"] = _entries(raw["datasets"], "datasets", DatasetSpec, "name")
    values["noise"] = _entries(raw["noise"], "noise", NoiseSpec, "kind")
    for name in ("seeds", "methods"):
        if name in values:
            if not isinstance(values[name], list):
                raise _fail(name, f"must be a list, got {values[name]!r}.")
            values[name] = tuple(values[name])
    return BenchConfig(**values)
