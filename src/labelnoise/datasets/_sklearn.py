"""scikit-learn's bundled datasets as :class:`Dataset` (no network)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import numpy as np

from labelnoise._validation import check_choice
from labelnoise.datasets._result import Dataset

__all__ = ["SklearnName", "load_sklearn"]

SklearnName = Literal["digits", "wine", "breast_cancer", "iris"]

_UCI = "UCI Machine Learning Repository, CC BY 4.0; bundled with scikit-learn"
_SOURCES = {
    "digits": f"Optical Recognition of Handwritten Digits (Alpaydin & Kaynak, 1998), {_UCI}",
    "wine": f"Wine (Aeberhard & Forina, 1991), {_UCI}",
    "breast_cancer": f"Breast Cancer Wisconsin (Diagnostic) (Wolberg et al., 1995), {_UCI}",
    "iris": f"Iris (Fisher, 1936), {_UCI}",
}


def _loader(name: str) -> Callable[[], Any]:
    from sklearn import datasets

    return getattr(datasets, f"load_{name}")


def load_sklearn(name: SklearnName) -> Dataset:
    """One of the small datasets shipped inside scikit-learn.

    Parameters
    ----------
    name : {"digits", "wine", "breast_cancer", "iris"}
        Which dataset: digits (1797 x 64 pixel counts, 10 classes), wine (178 x 13, 3),
        breast_cancer (569 x 30, 2), iris (150 x 4, 3).

    Returns
    -------
    Dataset
        ``X`` float64 (n, d), ``y`` int64 codes, ``classes`` from scikit-learn's
        ``target_names``.

    Examples
    --------
    >>> from labelnoise.datasets import load_sklearn
    >>> iris = load_sklearn("iris")
    >>> iris.X.shape, iris.classes
    ((150, 4), ('setosa', 'versicolor', 'virginica'))
    """
    check_choice(name, name="name", func="load_sklearn", choices=tuple(_SOURCES))
    bunch = _loader(name)()
    y = np.asarray(bunch.target, dtype=np.int64)
    return Dataset(
        X=np.asarray(bunch.data, dtype=np.float64),
        y=y,
        classes=tuple(str(c) for c in bunch.target_names),
        name=name,
        indices=np.arange(y.shape[0], dtype=np.int64),
        source=_SOURCES[name],
    )
