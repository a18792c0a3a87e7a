"""What ``labelnoise audit`` trains on: the labels as codes, and the model with its inputs.

DATA has been read by :func:`labelnoise.cli._raw.load`; here the encoder options given
explicitly are checked to have something to act on, the labels become class names and
codes (every class with enough rows for the folds), and the estimator to cross-validate
is built with its inputs: the table's design, or the embeddings of raw images or texts
(computed once, cached on disk) for a logistic-regression probe.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click
import numpy as np
import pandas as pd

from labelnoise.cli._console import progress_bar
from labelnoise.cli._errors import BadInput
from labelnoise.cli._models import Design, build_model, embed_raw, embedding_probe
from labelnoise.cli._raw import Loaded

if TYPE_CHECKING:
    from sklearn.base import BaseEstimator

__all__ = ["check_raw_options", "describe", "model_inputs", "targets"]


def targets(
    values: pd.Series, data: Path, cv: int, *, what: str | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Class names and label codes; every class needs at least ``cv`` rows."""
    what = what or f"--label {values.name!r} of {data}"
    missing = values.isna().to_numpy()
    if missing.any():
        raise BadInput(
            f"{what}: {int(missing.sum())} empty label(s), the "
            f"first in row {int(np.flatnonzero(missing)[0])}; fill them in or drop those rows."
        )
    classes, codes = np.unique(values.to_numpy(), return_inverse=True)
    counts = np.bincount(codes, minlength=classes.shape[0])
    if classes.shape[0] < 2:
        raise BadInput(f"{what} has only one class; need two or more.")
    rare = int(np.argmin(counts))
    if counts[rare] < cv:
        raise BadInput(
            f"{what}: class {classes[rare].item()!r} has only "
            f"{counts[rare]} row(s), fewer than --cv {cv}; lower --cv to "
            f"{max(2, int(counts[rare]))} or drop that class."
        )
    return classes, codes.reshape(-1)


def describe(loaded: Loaded, options: dict[str, Any], model: str, cv: int) -> str:
    """The model, for the report's details."""
    if loaded.raw is None:
        return f"{model}, {cv}-fold CV"
    size = f" at {options['image_size']} px" if loaded.raw.images is not None else ""
    probe = "logistic regression" if model in ("auto", "logistic-regression") else model
    return f"{probe} probe on {loaded.raw.encoder} embeddings{size}, {cv}-fold CV"


def check_raw_options(loaded: Loaded) -> None:
    """Options of the encoder, given explicitly, must have something to act on."""
    from click.core import ParameterSource

    context = click.get_current_context()

    def given(name: str) -> bool:
        return context.get_parameter_source(name) not in (None, ParameterSource.DEFAULT)

    if loaded.raw is None:
        for name in ("image_size", "batch_size", "cache_dir", "no_cache"):
            if given(name):
                raise BadInput(
                    f"--{name.replace('_', '-')} applies to embedded raw data (an image folder, "
                    "--image, or --text with a neural --encoder); drop it."
                )
    elif loaded.raw.images is None and given("image_size"):
        raise BadInput("--image-size applies to images; drop it for --text.")


def model_inputs(
    loaded: Loaded, options: dict[str, Any], console: Any
) -> tuple[BaseEstimator, Design | np.ndarray, np.ndarray | None]:
    """The estimator to cross-validate, its inputs, and the embeddings (None for tables)."""
    if loaded.raw is None:
        design_ = cast(Design, loaded.design)
        return build_model(options["model"], design_), design_, None
    from labelnoise.features import default_cache_dir

    raw = loaded.raw
    cache = None if options["no_cache"] else options["cache_dir"] or default_cache_dir()
    kind = "images" if raw.images is not None else "texts"
    with progress_bar(console, f"Embedding {len(raw):,} {kind} ({raw.encoder})", len(raw)) as step:
        features = embed_raw(
            raw,
            image_size=options["image_size"],
            batch_size=options["batch_size"],
            cache=cache,
            on_item=step,
        )
    return embedding_probe(options["model"]), features, features
