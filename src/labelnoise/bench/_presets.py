"""Ready-made benchmarks and TOML config files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from labelnoise._errors import InputError
from labelnoise.bench._config import (
    BenchConfig,
    DatasetSpec,
    NoiseSpec,
    check_config,
    config_from_dict,
)
from labelnoise.bench._detectors import default_detectors, detector_names
from labelnoise.bench._models import MODELS

__all__ = ["default_config", "load_config", "quick_config"]


def default_config() -> BenchConfig:
    """The full suite of ``docs/benchmarks.md``.

    Digits, Fashion-MNIST (10,000 training images, PCA-50 + logistic regression), wine
    and breast cancer; symmetric 10/20/40/60%, pair-flip 20/40%, a random sparse
    transition matrix (half its off-diagonal cells zero) at 20%, instance-dependent
    20/40% and CIFAR-10N human noise (worst and aggregate; 10-class sets only); seeds
    0-2; standardized logistic regression, 5-fold cross-validation; the seven
    confident-learning methods and the three ranking scores.

    Returns
    -------
    BenchConfig
    """
    return BenchConfig(
        datasets=(
            DatasetSpec("digits"),
            DatasetSpec("fashion_mnist", subsample=10_000, model="pca50_logistic_regression"),
            DatasetSpec("wine"),
            DatasetSpec("breast_cancer"),
        ),
        noise=(
            *(NoiseSpec("symmetric", rate) for rate in (0.1, 0.2, 0.4, 0.6)),
            *(NoiseSpec("pairflip", rate) for rate in (0.2, 0.4)),
            NoiseSpec("random_matrix", 0.2, frac_zero_noise_rates=0.5),
            *(NoiseSpec("instance", rate) for rate in (0.2, 0.4)),
            NoiseSpec("human", source="cifar10n_worst"),
            NoiseSpec("human", source="cifar10n_aggregate"),
        ),
        seeds=(0, 1, 2),
        model="logistic_regression",
        cv=5,
        methods=default_detectors(),
        name="default",
    )


def quick_config() -> BenchConfig:
    """A small suite for a smoke test: seconds, not minutes.

    Digits and breast cancer; symmetric and pair-flip noise at 20%; seeds 0 and 1;
    standardized logistic regression with 3 folds; the default detectors.

    Returns
    -------
    BenchConfig

    Examples
    --------
    >>> from labelnoise.bench import quick_config
    >>> config = quick_config()
    >>> [d.name for d in config.datasets], [n.label for n in config.noise]
    (['digits', 'breast_cancer'], ['symmetric 20%', 'pairflip 20%'])
    """
    return BenchConfig(
        datasets=(DatasetSpec("digits"), DatasetSpec("breast_cancer")),
        noise=(NoiseSpec("symmetric", 0.2), NoiseSpec("pairflip", 0.2)),
        seeds=(0, 1),
        model="logistic_regression",
        cv=3,
        methods=default_detectors(),
        name="quick",
    )


def _read_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    if not path.is_file():
        raise InputError("path", f"config file {str(path)!r} not found; check the path.")
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(
            "path", f"{str(path)!r} is not valid TOML ({exc}); fix the syntax."
        ) from exc


def load_config(path: str | Path) -> BenchConfig:
    """Read and validate a benchmark config from a TOML file.

    Top-level keys are the fields of :class:`BenchConfig`; ``datasets`` and ``noise``
    are lists of names or tables::

        name = "mine"
        seeds = [0, 1, 2]
        model = "logistic_regression"    # or pca50_logistic_regression, random_forest, ...
        cv = 5
        methods = ["prune_by_noise_rate", "rank:normalized_margin"]   # default: all CL
        datasets = ["digits", "wine"]

        [[noise]]
        kind = "symmetric"
        rate = 0.2

        [[noise]]
        kind = "human"
        source = "worst"

    Parameters
    ----------
    path : str or Path
        The TOML file.

    Returns
    -------
    BenchConfig
        Validated (unknown names and bad values are reported before anything runs).

    Raises
    ------
    InputError
        Naming the field (``noise[1].rate``) or, for a missing or unparsable file,
        ``path``; the message says how to fix it.
    """
    raw = _read_toml(Path(path))
    config = config_from_dict(raw)
    return check_config(
        config, models=tuple(MODELS), methods=detector_names(), default=default_detectors()
    )
