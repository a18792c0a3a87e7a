"""Benchmark configs from TOML: files, and the named configs shipped with the package."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from labelnoise._errors import InputError
from labelnoise.bench._config import BenchConfig, check_config, config_from_dict
from labelnoise.bench._detectors import default_detectors, detector_names
from labelnoise.bench._models import MODELS

__all__ = ["config_names", "load_config"]

_PACKAGE = "labelnoise.bench"
_FOLDER = "configs"


def _toml() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    return tomllib


def config_names() -> tuple[str, ...]:
    """The named configs shipped with the package (``labelnoise/bench/configs/*.toml``).

    ``quick`` (seconds: digits, breast cancer, 2 settings, 2 seeds), ``small-sets`` (the
    simulated-noise suite: 4 small datasets x 11 settings x 3 seeds, 2 models and their
    ensembles), ``openset`` (open-set noise, its own table), ``real-noise`` (CIFAR-10N
    real labels, CIFAR-10H annotator draws and simulated noise on CIFAR-10 embeddings;
    hours on 2 cores) and ``real-noise-quick`` (a slice of it, seconds). The last two need
    the data folder (``LABELNOISE_DATA``).

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> from labelnoise.bench import config_names
    >>> config_names()
    ('openset', 'quick', 'real-noise', 'real-noise-quick', 'small-sets')
    """
    folder = resources.files(_PACKAGE).joinpath(_FOLDER)
    return tuple(
        sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))
    )


def _parse(text: str, where: str) -> dict[str, Any]:
    tomllib = _toml()
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError("path", f"{where} is not valid TOML ({exc}); fix the syntax.") from exc


def _read(source: str | Path) -> tuple[dict[str, Any], Path | None]:
    """Parsed TOML of a named config or a file, and the folder relative paths start from."""
    text = str(source)
    if isinstance(source, str) and text in config_names():
        resource = resources.files(_PACKAGE).joinpath(_FOLDER, f"{text}.toml")
        return _parse(resource.read_text(encoding="utf-8"), f"config {text!r}"), None
    path = Path(source).expanduser()
    if not path.is_file():
        raise InputError(
            "path",
            f"config file {text!r} not found; check the path, or name one of the configs "
            f"shipped with labelnoise: {', '.join(config_names())}.",
        )
    return _parse(path.read_text(encoding="utf-8"), repr(text)), path.resolve().parent


def load_config(source: str | Path, *, detectors: Mapping[str, Any] | None = None) -> BenchConfig:
    """Read and validate a benchmark config: a named config or a TOML file.

    Top-level keys are the fields of :class:`BenchConfig`; ``datasets`` and ``noise``
    are lists of names or tables, and a dataset table may carry its own ``noise``,
    ``seeds`` and ``methods``::

        name = "mine"
        seeds = [0, 1, 2]
        models = ["linear_probe", "knn15"]   # names of labelnoise.bench.MODELS
        ensemble = true                      # likelihood pool; or ["mean", "rank", ...]
        cv = 5
        methods = ["prune_by_noise_rate", "rank:normalized_margin", "oracle:auto"]
        ensemble_methods = ["prune_by_noise_rate"]   # default: every method
        datasets = ["digits", {name = "wine", seeds = [0], methods = ["auto"]}]

        [[noise]]
        kind = "symmetric"
        rate = 0.2

        [[noise]]
        kind = "human"
        source = "worst"

    A relative dataset ``path`` is read from the config file's folder; the CIFAR-10
    datasets without one read the folder named by the environment variable
    ``LABELNOISE_DATA``.

    Parameters
    ----------
    source : str or Path
        A name from :func:`config_names` (``"real-noise"``) or a TOML file.
    detectors : mapping of str to callable, optional
        Extra detectors the config may name in ``methods`` (pass the same mapping to
        :func:`run_benchmark`), e.g. ablations of a method.

    Returns
    -------
    BenchConfig
        Validated (unknown names and bad values are reported before anything runs).

    Raises
    ------
    InputError
        Naming the field (``noise[1].rate``) or, for a missing or unparsable file,
        ``path``; the message says how to fix it.

    Examples
    --------
    >>> from labelnoise.bench import load_config
    >>> config = load_config("quick")
    >>> [d.name for d in config.datasets], [n.label for n in config.noise]
    (['digits', 'breast_cancer'], ['symmetric 20%', 'pairflip 20%'])
    """
    raw, folder = _read(source)
    config = config_from_dict(raw, folder=folder)
    names = (*detector_names(), *(detectors or {}))
    return check_config(config, models=tuple(MODELS), methods=names, default=default_detectors())
