"""Default models for ``labelnoise audit``, and the raw examples it embeds.

The out-of-sample ``pred_probs`` come from :func:`labelnoise.learn.cross_val_pred_probs`
(each row predicted by a model that never saw it, so a wrong label cannot be memorised
and vouched for).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from sklearn.base import BaseEstimator

__all__ = [
    "MODELS",
    "PROBE_C",
    "SMALL_TABLE_ROWS",
    "Design",
    "Raw",
    "build_model",
    "design",
    "embed_raw",
    "embedding_probe",
]

#: Inverse regularisation of the logistic-regression probe on pretrained embeddings
#: (standardized features; 0.05 is the probe of ``docs/audit.md``).
PROBE_C = 0.05

#: Tables with fewer rows are fitted on one thread (BLAS and OpenMP pools off).
SMALL_TABLE_ROWS = 20_000
#: Categorical columns with more distinct values are ordinal for gradient boosting.
MAX_CATEGORIES = 250


@dataclass(frozen=True, eq=False)
class Design:
    """The model inputs of ``audit``: a feature table and which columns are what.

    Attributes
    ----------
    X : DataFrame
        Features (numeric, categorical, and the text column, if any).
    numeric, categorical : list of str
        Tabular feature columns by kind (categorical ones hold integer codes).
    few_categories : list of str
        Categorical columns with at most :data:`MAX_CATEGORIES` values (the others are
        treated as ordinal by gradient boosting).
    text : str or None
        The free-text column.
    """

    X: pd.DataFrame
    numeric: list[str]
    categorical: list[str]
    few_categories: list[str]
    text: str | None


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
    return Design(X=X, numeric=numeric, categorical=categorical, few_categories=few, text=text)


def _gradient_boosting(data: Design) -> BaseEstimator:
    """Histogram gradient boosting: fast, handles missing values and categories natively."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    mask = [column in data.few_categories for column in data.X.columns]
    return HistGradientBoostingClassifier(
        categorical_features=mask if any(mask) else None, random_state=0
    )


def _logistic_regression(data: Design) -> BaseEstimator:
    """Scaled numbers, one-hot categories and TF-IDF text into a logistic regression."""
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    parts: list[tuple[str, object, object]] = []
    if data.numeric:
        imputed = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
        parts.append(("num", imputed, data.numeric))
    if data.categorical:
        parts.append(("cat", OneHotEncoder(handle_unknown="ignore"), data.categorical))
    if data.text is not None:
        tfidf = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), max_features=50_000)
        parts.append(("text", tfidf, data.text))
    return make_pipeline(ColumnTransformer(parts), LogisticRegression(max_iter=2000))


#: Model name -> builder; "auto" picks TF-IDF + logistic regression for text, else boosting.
MODELS: dict[str, Callable[[Design], BaseEstimator]] = {
    "hist-gradient-boosting": _gradient_boosting,
    "logistic-regression": _logistic_regression,
}


def embedding_probe(name: str) -> BaseEstimator:
    """The probe fitted on pretrained embeddings: standardized logistic regression by default.

    A linear probe is the standard read-out of a frozen encoder: fast, hard to overfit,
    and its probabilities are calibrated well enough for confident learning.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if name == "hist-gradient-boosting":
        from sklearn.ensemble import HistGradientBoostingClassifier

        return HistGradientBoostingClassifier(random_state=0)
    return make_pipeline(StandardScaler(), LogisticRegression(C=PROBE_C, max_iter=1000))


def build_model(name: str, data: Design) -> BaseEstimator:
    """Build the named model for ``data`` (``"auto"`` chooses by the presence of text)."""
    if name == "auto":
        name = "logistic-regression" if data.text is not None else "hist-gradient-boosting"
    return MODELS[name](data)


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
