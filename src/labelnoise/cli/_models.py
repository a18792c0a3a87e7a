"""The models of ``labelnoise audit``, and the raw examples it embeds.

The models are the entries of the one model registry, :data:`labelnoise.bench.MODELS`,
that can fit a table; ``--model`` spells their names with hyphens. The out-of-sample
``pred_probs`` come from :func:`labelnoise.learn.cross_val_pred_probs` (each row predicted
by a model that never saw it, so a wrong label cannot be memorised and vouched for).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from labelnoise.bench._models import MODELS, ColumnKinds, ModelEntry
from labelnoise.cli._errors import BadInput

if TYPE_CHECKING:
    from sklearn.base import BaseEstimator

__all__ = [
    "MODEL_NAMES",
    "SMALL_TABLE_ROWS",
    "Design",
    "Raw",
    "build_model",
    "design",
    "embed_raw",
    "embedding_probe",
]

#: Tables with fewer rows are fitted on one thread (BLAS and OpenMP pools off).
SMALL_TABLE_ROWS = 20_000
#: Categorical columns with more distinct values are ordinal for gradient boosting.
MAX_CATEGORIES = 250

#: ``--model`` name -> registry name, for every registry model that can fit a table
#: (read-only; ``"auto"`` comes on top).
MODEL_NAMES: Mapping[str, str] = MappingProxyType(
    {
        name.replace("_", "-"): name
        for name, entry in sorted(MODELS.items())
        if entry.table is not None
    }
)
#: What ``--model auto`` fits on each kind of input: TF-IDF + logistic regression for a
#: table with text, a logistic-regression probe on embeddings, boosting otherwise.
_AUTO: Mapping[str, str] = MappingProxyType(
    {
        "table": "hist_gradient_boosting",
        "text": "logistic_regression",
        "embeddings": "logistic_regression",
    }
)


def _entry(name: str, inputs: str) -> ModelEntry:
    """The registry entry of ``--model name`` for ``inputs`` (a key of :data:`_AUTO`)."""
    return MODELS[_AUTO[inputs] if name == "auto" else MODEL_NAMES[name]]


@dataclass(frozen=True, eq=False)
class Design:
    """The model inputs of ``audit``: a feature table and which columns are what.

    Attributes
    ----------
    X : DataFrame
        Features (numeric, categorical as integer codes, and the text column, if any).
    kinds : ColumnKinds
        The columns by kind, as the model registry reads them; categorical columns with
        at most :data:`MAX_CATEGORIES` values are ``few_categories`` (the others are
        treated as ordinal by gradient boosting).
    """

    X: pd.DataFrame
    kinds: ColumnKinds


def design(frame: pd.DataFrame, features: list[str], text: str | None) -> Design:
    """Split the chosen columns into numeric, categorical and text inputs.

    Non-numeric features are replaced by integer category codes (missing values a category
    of their own), which every scikit-learn version's gradient boosting accepts.
    """
    numeric = [c for c in features if pd.api.types.is_numeric_dtype(frame[c])]
    categorical = [c for c in features if c not in numeric]
    X = frame[features].copy()
    few = []
    for column in categorical:
        values = X[column].astype("string").fillna("(missing)").astype("category")
        X[column] = values.cat.codes.astype(np.float64)
        if len(values.cat.categories) <= MAX_CATEGORIES:
            few.append(column)
    if text is not None:
        X[text] = frame[text].astype("string").fillna("").astype(object)
    kinds = ColumnKinds(
        columns=tuple(X.columns),
        numeric=tuple(numeric),
        categorical=tuple(categorical),
        few_categories=tuple(few),
        text=text,
    )
    return Design(X=X, kinds=kinds)


def build_model(name: str, data: Design) -> BaseEstimator:
    """Build the ``--model`` ``name`` for the table ``data`` (``"auto"`` chooses by the
    presence of text).

    Raises
    ------
    BadInput
        When the table has a text column and the model cannot read it.
    """
    text = data.kinds.text
    entry = _entry(name, "table" if text is None else "text")
    if text is not None and not entry.reads_text:
        readers = [n for n, registered in MODEL_NAMES.items() if MODELS[registered].reads_text]
        raise BadInput(
            f"--model {name} does not read free text; use --model {' or --model '.join(readers)}"
            " (TF-IDF) or drop --text."
        )
    table = cast("Callable[[ColumnKinds], BaseEstimator]", entry.table)  # see MODEL_NAMES
    return table(data.kinds)


def embedding_probe(name: str) -> BaseEstimator:
    """The ``--model`` ``name`` on pretrained embeddings (``"auto"``: a standardized
    logistic-regression probe)."""
    entry = _entry(name, "embeddings")
    build = entry.embeddings if entry.embeddings is not None else entry.build
    return cast("Callable[[], BaseEstimator]", build)()  # table models are trained ones


@dataclass(frozen=True, eq=False)
class Raw:
    """Raw examples to embed: image paths or texts, and the encoder to use.

    Attributes
    ----------
    images : list of str, or None
        Absolute image paths.
    texts : list of str, or None
    encoder : str
        An image encoder name, ``"minilm"``, or a sentence-transformers model name/folder.
    source : str
        Where the examples come from, for messages (``"DATA photos"``, ``"--text 'review'
        of data.csv"``).
    """

    images: list[str] | None
    texts: list[str] | None
    encoder: str
    source: str = "DATA"

    def __len__(self) -> int:
        return len(self.images if self.images is not None else self.texts or [])


def embed_raw(
    raw: Raw,
    *,
    image_size: int,
    batch_size: int,
    cache: Path | None,
    on_item: Callable[[], None],
) -> np.ndarray:
    """Embed the raw examples (read from the cache when it holds them).

    Parameters
    ----------
    raw : Raw
    image_size, batch_size : int
        As in :func:`labelnoise.features.embed_images`.
    cache : Path or None
        The cache folder (None: no cache).
    on_item : callable
        Progress callback (per image; once for all texts).

    Returns
    -------
    ndarray of float32, shape (n, d)
    """
    from labelnoise._errors import InputError
    from labelnoise.cli._errors import translated
    from labelnoise.features import embed_images, embed_texts

    sources = {"encoder": f"--encoder {raw.encoder}", "images": raw.source, "texts": raw.source}
    with translated(sources):
        if raw.images is not None:
            try:
                return embed_images(
                    raw.images,
                    encoder=raw.encoder,
                    image_size=image_size,
                    batch_size=batch_size,
                    cache_dir=cache,
                    progress=on_item,
                )
            except InputError as error:
                if error.argument != "images" or "cannot read" not in error.message:
                    raise
                raise InputError("images", f"{error.message} Fix or remove that file.") from None
        return embed_texts(
            raw.texts, encoder=raw.encoder, batch_size=batch_size, cache_dir=cache, progress=on_item
        )
