"""Named models whose out-of-sample probabilities the detectors read.

Two kinds: *trained* models (a scikit-learn estimator, cross-validated on each unit's
noisy labels) and *fixed* models (probabilities computed elsewhere and stored with the
data, e.g. a ResNet-18 cross-validated on CIFAR-10N; they need no training and join only
the units they were made for). Each entry names its *regime*, the kind of model it
stands for, so that results can be read per regime.

This is the package's one model registry: ``labelnoise audit`` reads it too. An entry that
can also fit a mixed-type table (numeric, categorical and free-text columns, described by
:class:`ColumnKinds`) says how; those entries are the audit's ``--model`` choices, and
the audit fits the same entry on pretrained embeddings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from labelnoise._errors import InputError
from labelnoise.bench._data import BenchData
from labelnoise.bench._specs import NoiseSpec

if TYPE_CHECKING:
    from sklearn.base import BaseEstimator

__all__ = [
    "ENSEMBLE_REGIME",
    "MODELS",
    "PROBE_C",
    "ColumnKinds",
    "ModelEntry",
    "build_model",
    "fixed_pred_probs",
    "is_fixed",
    "model_key",
    "regime",
]


#: Inverse regularisation of the linear probe on pretrained embeddings (standardized
#: features; 0.05 is the probe of ``docs/audit.md``).
PROBE_C = 0.05


@dataclass(frozen=True)
class ColumnKinds:
    """The feature columns of a mixed-type table by kind: what a table model is built for.

    Attributes
    ----------
    columns : tuple of str
        Every feature column in the table's order (the text column, if any, included).
    numeric : tuple of str
        Numeric columns (missing values allowed).
    categorical : tuple of str
        Columns of integer category codes (missing values a category of their own).
    few_categories : tuple of str
        The categorical columns with few enough values for gradient boosting to treat as
        categories (the others it treats as ordinal).
    text : str or None
        The free-text column (its cells are strings).
    """

    columns: tuple[str, ...]
    numeric: tuple[str, ...] = ()
    categorical: tuple[str, ...] = ()
    few_categories: tuple[str, ...] = ()
    text: str | None = None


def _logistic_regression() -> BaseEstimator:
    """Standardized features into a logistic regression (lbfgs, L2, C=1)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))


def _pca50_logistic_regression() -> BaseEstimator:
    """PCA to 50 components, standardized, into a logistic regression (for images)."""
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(
        PCA(n_components=50, random_state=0), StandardScaler(), LogisticRegression(max_iter=2000)
    )


def _logistic_regression_table(kinds: ColumnKinds) -> BaseEstimator:
    """Imputed, scaled numbers, one-hot categories and TF-IDF text into the same logistic
    regression (lbfgs, L2, C=1)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    parts: list[tuple[str, object, object]] = []
    if kinds.numeric:
        imputed = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
        parts.append(("num", imputed, list(kinds.numeric)))
    if kinds.categorical:
        parts.append(("cat", OneHotEncoder(handle_unknown="ignore"), list(kinds.categorical)))
    if kinds.text is not None:
        tfidf = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), max_features=50_000)
        parts.append(("text", tfidf, kinds.text))
    return make_pipeline(ColumnTransformer(parts), LogisticRegression(max_iter=2000))


def _random_forest() -> BaseEstimator:
    """A 200-tree random forest (probabilities are vote shares)."""
    from sklearn.ensemble import RandomForestClassifier

    return RandomForestClassifier(n_estimators=200, random_state=0)


def _hist_gradient_boosting() -> BaseEstimator:
    """Histogram gradient boosting with scikit-learn's defaults."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(random_state=0)


def _hist_gradient_boosting_table(kinds: ColumnKinds) -> BaseEstimator:
    """The same boosting, reading the table's columns of few categories natively (missing
    values it handles anyway); it cannot read free text."""
    mask = [column in kinds.few_categories for column in kinds.columns]
    return _hist_gradient_boosting().set_params(categorical_features=mask if any(mask) else None)


def _gaussian_nb() -> BaseEstimator:
    """Gaussian naive Bayes: fast, badly calibrated; a stress test for detectors."""
    from sklearn.naive_bayes import GaussianNB

    return GaussianNB()


def _linear_probe(max_iter: int = 500) -> BaseEstimator:
    """A linear probe: standardized features into ``LogisticRegression(C=PROBE_C)``.

    The calibrated weak-model regime (on CIFAR-10 embeddings: 0.785 test accuracy with
    clean labels)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=PROBE_C, max_iter=max_iter))


def _embedding_probe() -> BaseEstimator:
    """Logistic regression on pretrained embeddings: the linear probe, with up to 1,000
    lbfgs iterations (the audit's probe; the benchmark's ``linear_probe`` keeps 500, so
    that neither one's published results move).

    A linear probe is the standard read-out of a frozen encoder: fast, hard to overfit,
    and its probabilities are calibrated well enough for confident learning."""
    return _linear_probe(max_iter=1000)


def _mlp() -> BaseEstimator:
    """A one-hidden-layer MLP (1,024 units) trained to near-zero training loss (torch):
    the overconfident regime of deep networks."""
    from labelnoise.bench._mlp import OverfitMLP

    return OverfitMLP()


def _knn() -> BaseEstimator:
    """Vote of the 25 nearest neighbours by cosine similarity: a third kind of model,
    whose errors differ from the other two (for ensembles)."""
    from sklearn.neighbors import KNeighborsClassifier

    return KNeighborsClassifier(n_neighbors=25, metric="cosine", algorithm="brute")


def _knn15() -> BaseEstimator:
    """Standardized features, vote of the 15 nearest (Euclidean) neighbours."""
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=15))


def _read_probs(file: Path, n: int) -> np.ndarray:
    try:
        probs = np.load(file, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise InputError(
            "path", f"could not read the fixed model's pred_probs {str(file)!r} ({exc})."
        ) from exc
    if probs.ndim != 2 or probs.shape[0] != n:
        raise InputError(
            "path", f"{str(file)!r} holds shape {probs.shape}, expected ({n}, K) pred_probs."
        )
    return np.asarray(probs, dtype=np.float64)


def _resnet18(data: BenchData, noise: NoiseSpec) -> np.ndarray | None:
    """CIFAR-10N ``aggre``/``worst``: a ResNet-18 cross-validated on those very labels
    (cleanlab/label-error-detection-benchmarks); all 50,000 rows only."""
    real = data.name == "cifar10n" and noise.kind == "real"
    if not real or noise.source not in ("aggre", "worst") or data.subsampled or not data.root:
        return None
    file = data.root / "cifar-10n-resnet18" / f"{noise.source}_pred_probs.npy"
    return _read_probs(file, data.n_total)


def _label_errors_cnn(data: BenchData, noise: NoiseSpec) -> np.ndarray | None:
    """The CIFAR-10 test set: the cross-validated CNN of "Pervasive Label Errors in Test
    Sets" (trained on the original test labels), for any noise on ``cifar10_test``."""
    if data.name != "cifar10_test" or data.root is None:
        return None
    from labelnoise.datasets import load_label_errors

    errors = load_label_errors(data.root / "label-errors", dataset="cifar10")
    return np.asarray(errors.pred_probs, dtype=np.float64)[data.indices]


@dataclass(frozen=True)
class ModelEntry:
    """A model of the registry.

    Attributes
    ----------
    regime : str
        The kind of model it stands for (a results column), e.g. ``"weak (linear probe)"``.
    build : callable or None
        Trained models: a fresh unfitted scikit-learn estimator (for numeric features).
    fixed : callable or None
        Fixed models: ``(data, noise) -> pred_probs`` of shape (n, K) for a unit, or
        ``None`` where the model does not exist.
    table : callable or None
        Models that can fit a mixed-type table: ``(kinds) -> estimator`` for a table
        whose columns are described by a :class:`ColumnKinds`. These are the choices
        of ``labelnoise audit --model`` (spelled with hyphens).
    reads_text : bool, default=False
        Whether the ``table`` estimator reads the free-text column (TF-IDF).
    embeddings : callable or None
        How a ``table`` model is built on pretrained embeddings, where that differs from
        ``build`` (None: ``build``).
    """

    regime: str
    build: Callable[[], BaseEstimator] | None = None
    fixed: Callable[[BenchData, NoiseSpec], np.ndarray | None] | None = None
    table: Callable[[ColumnKinds], BaseEstimator] | None = None
    reads_text: bool = False
    embeddings: Callable[[], BaseEstimator] | None = None


#: Model name -> registry entry (read-only).
MODELS: Mapping[str, ModelEntry] = MappingProxyType(
    {
        "logistic_regression": ModelEntry(
            "logistic_regression",
            _logistic_regression,
            table=_logistic_regression_table,
            reads_text=True,
            embeddings=_embedding_probe,
        ),
        "pca50_logistic_regression": ModelEntry(
            "pca50_logistic_regression", _pca50_logistic_regression
        ),
        "random_forest": ModelEntry("random_forest", _random_forest),
        "hist_gradient_boosting": ModelEntry(
            "hist_gradient_boosting", _hist_gradient_boosting, table=_hist_gradient_boosting_table
        ),
        "gaussian_nb": ModelEntry("gaussian_nb", _gaussian_nb),
        "linear_probe": ModelEntry("weak (linear probe)", _linear_probe),
        "mlp": ModelEntry("overconfident (mlp)", _mlp),
        "knn": ModelEntry("knn", _knn),
        "knn15": ModelEntry("knn15", _knn15),
        "resnet18": ModelEntry("strong (resnet18)", fixed=_resnet18),
        "label_errors_cnn": ModelEntry("strong (label-errors cnn)", fixed=_label_errors_cnn),
    }
)
#: Regime of the ensemble rows.
ENSEMBLE_REGIME = "ensemble"


def build_model(model: Any) -> BaseEstimator:
    """A fresh estimator: built from its name, or cloned from the one given."""
    if isinstance(model, str):
        build = MODELS[model].build
        if build is None:
            raise InputError("models", f"{model!r} is a fixed model; it cannot be trained.")
        return build()
    from sklearn.base import clone

    return clone(model)


def fixed_pred_probs(model: Any, data: BenchData, noise: NoiseSpec) -> np.ndarray | None:
    """A fixed model's pred_probs for a unit (``None`` where it does not exist)."""
    entry = MODELS.get(model) if isinstance(model, str) else None
    if entry is None or entry.fixed is None:
        return None
    return entry.fixed(data, noise)


def is_fixed(model: Any) -> bool:
    """Whether ``model`` is a fixed (precomputed) model of the registry."""
    return isinstance(model, str) and MODELS[model].fixed is not None


def regime(model: Any) -> str:
    """The regime of a registry model; a classifier's class name otherwise."""
    return MODELS[model].regime if isinstance(model, str) else type(model).__name__


def model_key(model: Any) -> str:
    """A stable description of the model for the cache key and the results table."""
    if isinstance(model, str):
        return model
    params = model.get_params(deep=True)
    shown = ", ".join(f"{k}={params[k]!r}" for k in sorted(params) if "__" not in k)
    return f"{type(model).__name__}({shown})"
