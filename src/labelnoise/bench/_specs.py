"""One dataset and one noise setting of a benchmark, and their checks."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

from labelnoise._errors import InputError

__all__ = [
    "DATASET_NAMES",
    "DATA_ENV",
    "SOURCES",
    "DatasetSpec",
    "NoiseKind",
    "NoiseSpec",
    "check_dataset",
    "check_noise",
    "check_seeds",
]

NoiseKind = Literal[
    "symmetric", "pairflip", "random_matrix", "instance", "human", "real", "annotators", "openset"
]

#: Datasets the benchmark can load (each from a loader in labelnoise.datasets).
DATASET_NAMES = (
    "digits",
    "wine",
    "breast_cancer",
    "iris",
    "fashion_mnist",
    "cifar10n",
    "cifar10_test",
)
#: Datasets read from a data folder laid out like the project's shared data
#: (``cifar10-embeddings/``, ``cifar-10n/``, ``cifar-10h/``, ``label-errors/``, ...).
REAL_DATASETS = ("cifar10n", "cifar10_test")
#: Environment variable naming that folder when a spec gives no ``path``.
DATA_ENV = "LABELNOISE_DATA"
#: Datasets that read files (and so accept ``path``).
FILE_DATASETS = ("fashion_mnist", *REAL_DATASETS)

_HUMAN = ("worst", "aggregate", "random1", "random2", "random3")
#: Noise kinds whose labels come from a source instead of a rate: accepted name -> canonical.
SOURCES: dict[str, dict[str, str]] = {
    "human": {name: f"cifar10n_{s}" for s in _HUMAN for name in (s, f"cifar10n_{s}")},
    "real": {
        "aggre": "aggre",
        "aggregate": "aggre",
        "random1": "random1",
        "random2": "random2",
        "random3": "random3",
        "worst": "worst",
    },
    "annotators": {"one": "one", "majority3": "majority3", "worst3": "worst3"},
}
#: Kinds whose noise rate is implied by the data, not requested.
IMPLIED_RATE = ("real", "annotators", "openset")


@dataclass(frozen=True)
class NoiseSpec:
    """One noise setting, applied to the true labels.

    Attributes
    ----------
    kind : str
        ``symmetric``: uniform over the other classes (skipped when the rate reaches
        (K-1)/K, where the given label is no longer the most likely); ``pairflip``: class k
        to k + 1; ``random_matrix``: a random transition matrix with
        ``frac_zero_noise_rates`` of its off-diagonal cells zero; ``instance``:
        instance-dependent (Xia et al. 2020) on standardized features; ``human``: a
        CIFAR-10N confusion matrix (10 classes only). Real noise, no rate: ``real``, the
        actual CIFAR-10N label set ``source`` (``cifar10n`` only; the seed changes only the
        fold split); ``annotators``, labels drawn with the seed from each test image's
        CIFAR-10H votes (``cifar10_test`` only): ``one`` annotator, the ``majority3`` of
        three (all different: one of them at random) or the ``worst3`` of three (a wrong
        one when any is wrong); ``openset``: the last two classes are out of distribution,
        each of their examples carrying a uniformly random label among the others (4
        classes or more).
    rate : float or None
        Fraction of labels to change; ``None`` for the kinds without a rate.
    source : str or None
        ``human``: worst, aggregate, random1, random2, random3 (``cifar10n_`` prefix
        optional); ``real``: aggre, random1, random2, random3, worst; ``annotators``: one,
        majority3, worst3.
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
        """Short name for tables: ``"symmetric 20%"``, ``"real worst"``, ``"openset"``."""
        if self.kind in SOURCES:
            return f"{self.kind} {self.source}"
        if self.kind == "openset":
            return "openset"
        pct = f"{100 * (self.rate or 0.0):g}%"
        names = {"random_matrix": "random T", "instance": "instance"}
        return f"{names.get(self.kind, self.kind)} {pct}"

    @property
    def key(self) -> dict[str, Any]:
        """What identifies the setting (for the cache key): only the fields it uses."""
        out: dict[str, Any] = {"kind": self.kind}
        if self.kind in SOURCES:
            out["source"] = self.source
            return out
        if self.kind == "openset":
            return out
        out["rate"] = self.rate
        if self.kind == "random_matrix":
            out["frac_zero_noise_rates"] = self.frac_zero_noise_rates
        if self.kind == "instance":
            out["flip_rate_std"] = self.flip_rate_std
        return out


@dataclass(frozen=True)
class DatasetSpec:
    """One dataset of the benchmark.

    Attributes
    ----------
    name : str
        ``digits``, ``wine``, ``breast_cancer``, ``iris`` (scikit-learn's bundled sets);
        ``fashion_mnist`` (10,000 of the training images by default; ``path``: its folder,
        default the Debian package's); ``cifar10n`` (the 50,000 CIFAR-10 training images
        as pretrained embeddings, true labels the original CIFAR-10 ones) and
        ``cifar10_test`` (the 10,000 test images as embeddings, true labels the CIFAR-10H
        majority vote, ties to the lowest class index).
    subsample : int or None
        Keep this many examples drawn at random (seed 0, the same rows in every run).
    path : str or None
        For ``fashion_mnist``, its folder. For ``cifar10n`` and ``cifar10_test``, the data
        folder laid out like the project's shared data (``cifar10-embeddings/``,
        ``cifar-10n/``, ``cifar-10h/``, ``cifar-10n-resnet18/``, ``label-errors/``);
        default: the environment variable ``LABELNOISE_DATA``. In a TOML config a relative
        path is read from the config file's folder.
    noise : tuple of NoiseSpec or None
        Noise settings for this dataset only (default: the config's).
    seeds : tuple of int or None
        Seeds for this dataset only (default: the config's).
    methods : tuple of str or None
        Detectors for this dataset only (default: the config's), e.g. to leave slow
        feature-based detectors out on a large dataset.
    """

    name: str
    subsample: int | None = None
    path: str | None = None
    noise: tuple[NoiseSpec, ...] | None = None
    seeds: tuple[int, ...] | None = None
    methods: tuple[str, ...] | None = None

    @property
    def key(self) -> dict[str, Any]:
        """What identifies the data (for the cache key); not where it is stored."""
        return {"name": self.name, "subsample": self.subsample}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_rate(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < 1


def _data_path(spec: DatasetSpec, where: str) -> str:
    if spec.path is not None:
        return str(spec.path)
    if os.environ.get(DATA_ENV):
        return os.environ[DATA_ENV]
    raise InputError(
        f"{where}.path",
        f"{spec.name} reads a data folder laid out like the project's shared data "
        f"(cifar10-embeddings/, cifar-10n/, cifar-10h/, ...); pass path = '<folder>' in the "
        f"dataset's table or set the environment variable {DATA_ENV}.",
    )


def check_seeds(seeds: Any, where: str) -> tuple[int, ...]:
    """Non-empty, non-negative int seeds."""
    if isinstance(seeds, str) or not isinstance(seeds, Sequence):
        raise InputError(where, f"must be a list, got {seeds!r}.")
    if len(seeds) == 0:
        raise InputError(where, "is empty; give at least one seed.")
    bad = [s for s in seeds if not _is_int(s) or s < 0]
    if bad:
        raise InputError(where, f"must be non-negative ints, got {bad[0]!r}.")
    return tuple(int(s) for s in seeds)


def check_dataset(spec: Any, i: int) -> DatasetSpec:
    """A validated spec; the data folder of the real datasets filled in from the environment."""
    where = f"datasets[{i}]"
    if not isinstance(spec, DatasetSpec):
        raise InputError(where, f"expected a DatasetSpec, got {type(spec).__name__}.")
    if spec.name not in DATASET_NAMES:
        raise InputError(
            f"{where}.name",
            f"unknown dataset {spec.name!r}; use one of {', '.join(DATASET_NAMES)}.",
        )
    if spec.subsample is not None and (not _is_int(spec.subsample) or spec.subsample < 10):
        raise InputError(
            f"{where}.subsample", f"must be an int >= 10 or left out, got {spec.subsample!r}."
        )
    if spec.path is not None and spec.name not in FILE_DATASETS:
        raise InputError(
            f"{where}.path",
            f"only {', '.join(FILE_DATASETS)} read files; drop path for {spec.name}.",
        )
    subsample = spec.subsample
    if spec.name == "fashion_mnist" and subsample is None:
        subsample = 10_000
    path = _data_path(spec, where) if spec.name in REAL_DATASETS else spec.path
    noise = None
    if spec.noise is not None:
        if len(spec.noise) == 0:
            raise InputError(f"{where}.noise", "is empty; give a noise setting or drop noise.")
        noise = tuple(check_noise(n, j, f"{where}.") for j, n in enumerate(spec.noise))
    seeds = None if spec.seeds is None else check_seeds(spec.seeds, f"{where}.seeds")
    methods = None if spec.methods is None else tuple(spec.methods)
    path = None if path is None else str(path)
    return DatasetSpec(spec.name, subsample, path, noise, seeds, methods)


def _check_source(spec: NoiseSpec, where: str) -> NoiseSpec:
    names = SOURCES[spec.kind]
    source = names.get(str(spec.source))
    if source is None:
        shown = ", ".join(dict.fromkeys(names.values()))
        if spec.kind == "human":
            shown = ", ".join(_HUMAN)
        raise InputError(
            f"{where}.source",
            f"{spec.kind} noise needs source = one of {shown}, got {spec.source!r}.",
        )
    if spec.rate is not None:
        raise InputError(
            f"{where}.rate", f"{spec.kind} noise takes its rate from the source; drop rate."
        )
    return NoiseSpec(spec.kind, None, source)


def check_noise(spec: Any, i: int, prefix: str = "") -> NoiseSpec:
    """A validated noise setting with canonical source names and float fields."""
    where = f"{prefix}noise[{i}]"
    if not isinstance(spec, NoiseSpec):
        raise InputError(where, f"expected a NoiseSpec, got {type(spec).__name__}.")
    kinds = get_args(NoiseKind)
    if spec.kind not in kinds:
        raise InputError(
            f"{where}.kind", f"unknown noise kind {spec.kind!r}; use one of {', '.join(kinds)}."
        )
    if spec.kind in SOURCES:
        return _check_source(spec, where)
    if spec.kind == "openset":
        if spec.rate is not None or spec.source is not None:
            raise InputError(
                where,
                "openset noise has no rate or source (the last two classes are out of "
                "distribution); drop them.",
            )
        return NoiseSpec("openset")
    if not _is_rate(spec.rate):
        raise InputError(
            f"{where}.rate",
            f"must be a fraction in [0, 1) of labels to change, e.g. 0.2; got {spec.rate!r}.",
        )
    if not _is_rate(spec.frac_zero_noise_rates):
        raise InputError(
            f"{where}.frac_zero_noise_rates",
            f"must be in [0, 1), got {spec.frac_zero_noise_rates!r}.",
        )
    if not _is_rate(spec.flip_rate_std):
        raise InputError(
            f"{where}.flip_rate_std", f"must be in [0, 1), got {spec.flip_rate_std!r}."
        )
    return NoiseSpec(
        spec.kind,
        float(spec.rate or 0.0),
        None,
        float(spec.frac_zero_noise_rates),
        float(spec.flip_rate_std),
    )
