"""Named models whose out-of-sample probabilities the detectors read.

Two kinds: *trained* models (a scikit-learn estimator, cross-validated on each unit's
noisy labels) and *fixed* models (probabilities computed elsewhere and stored with the
data, e.g. a ResNet-18 cross-validated on CIFAR-10N; they need no training and join only
the units they were made for). Each entry names its *regime*, the kind of model it
stands for, so that results can be read per regime.
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
    "ModelEntry",
    "build_model",
    "fixed_pred_probs",
    "is_fixed",
    "model_key",
    "regime",
]


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


def _random_forest() -> BaseEstimator:
    """A 200-tree random forest (probabilities are vote shares)."""
    from sklearn.ensemble import RandomForestClassifier

    return RandomForestClassifier(n_estimators=200, random_state=0)


def _hist_gradient_boosting() -> BaseEstimator:
    """Histogram gradient boosting with scikit-learn's defaults."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(random_state=0)


def _gaussian_nb() -> BaseEstimator:
    """Gaussian naive Bayes: fast, badly calibrated; a stress test for detectors."""
    from sklearn.naive_bayes import GaussianNB

    return GaussianNB()


def _linear_probe() -> BaseEstimator:
    """A linear probe: standardized features into ``LogisticRegression(C=0.05)``.

    The calibrated weak-model regime (on CIFAR-10 embeddings: 0.785 test accuracy with
    clean labels)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=0.05, max_iter=500))


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
        Trained models: a fresh unfitted scikit-learn estimator.
    fixed : callable or None
        Fixed models: ``(data, noise) -> pred_probs`` of shape (n, K) for a unit, or
        ``None`` where the model does not exist.
    """

    regime: str
    build: Callable[[], BaseEstimator] | None = None
    fixed: Callable[[BenchData, NoiseSpec], np.ndarray | None] | None = None


#: Model name -> registry entry (read-only).
MODELS: Mapping[str, ModelEntry] = MappingProxyType(
    {
        "logistic_regression": ModelEntry("logistic_regression", _logistic_regression),
        "pca50_logistic_regression": ModelEntry(
            "pca50_logistic_regression", _pca50_logistic_regression
        ),
        "random_forest": ModelEntry("random_forest", _random_forest),
        "hist_gradient_boosting": ModelEntry("hist_gradient_boosting", _hist_gradient_boosting),
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
