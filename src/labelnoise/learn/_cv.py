"""Out-of-sample predicted probabilities by cross-validation."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator
from sklearn.model_selection import StratifiedKFold
from sklearn.utils import _safe_indexing
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _num_samples, check_array, column_or_1d

from labelnoise._errors import InputError, InputTypeError
from labelnoise.learn._fitting import fit_clone, predict_columns
from labelnoise.learn._progress import check_progress, progress_bar
from labelnoise.learn._threads import fold_threads, limit_threads
from labelnoise.simulate._random import RandomState, check_random_state

__all__ = [
    "Splits",
    "as_rows",
    "cross_val_pred_probs",
    "encode_labels",
    "make_splits",
    "oof_pred_probs",
]

Splits = list[tuple[np.ndarray, np.ndarray]]
_FUNC = "cross_val_pred_probs"


def as_rows(X: Any) -> Any:
    """``X`` in a form that can be indexed by rows; DataFrames are kept (column names)."""
    if hasattr(X, "iloc"):
        return X
    return check_array(
        X,
        accept_sparse=("csr", "csc"),
        dtype=None,
        ensure_all_finite=False,
        ensure_2d=False,
        allow_nd=True,
    )


def encode_labels(y: Any, *, owner: str) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, classes)`` for classification targets; classes sorted as ``np.unique``."""
    if y is None:
        raise InputError("y", f"{owner} requires y to be passed, but the target y is None.")
    arr = np.asarray(y.to_numpy() if hasattr(y, "to_numpy") else y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = column_or_1d(arr, warn=True)
    if arr.ndim != 1:
        raise InputError("y", f"{owner} expects 1-D labels of shape (n,), got shape {arr.shape}.")
    check_classification_targets(arr)
    classes, codes = np.unique(arr, return_inverse=True)
    if classes.shape[0] < 2:
        raise InputError(
            "y",
            f"{owner} needs at least 2 classes, got 1 class ({classes[0]!r}); there is "
            "nothing to learn or to correct.",
        )
    return codes.reshape(-1).astype(np.intp), classes


def make_splits(cv: Any, X: Any, codes: np.ndarray, rng: np.random.Generator, *, owner: str):
    """Folds whose test parts cover every example exactly once."""
    n = codes.shape[0]
    if isinstance(cv, int | np.integer) and not isinstance(cv, bool):
        if cv < 2:
            raise InputError("cv", f"The 'cv' parameter of {owner} must be >= 2. Got {cv!r}.")
        seed = int(rng.integers(2**31 - 1))
        folds = StratifiedKFold(n_splits=int(cv), shuffle=True, random_state=seed)
        splits = list(folds.split(np.zeros((n, 1)), codes))
    elif hasattr(cv, "split") and not isinstance(cv, str):
        splits = list(cv.split(X, codes))
    elif isinstance(cv, Iterable) and not isinstance(cv, str):
        splits = [(np.asarray(tr), np.asarray(te)) for tr, te in cv]
    else:
        raise InputTypeError(
            "cv",
            f"The 'cv' parameter of {owner} must be an int >= 2, a CV splitter or an "
            f"iterable of (train, test) index arrays. Got {cv!r} instead.",
        )
    covered = np.bincount(np.concatenate([te for _, te in splits]).astype(np.intp), minlength=n)
    if covered.shape[0] != n or np.any(covered != 1):
        raise InputError(
            "cv",
            f"{owner} needs folds whose test parts hold every example exactly once (a "
            "partition, as KFold gives), so that every example gets an out-of-sample "
            "prediction; use an int or a KFold-style splitter.",
        )
    return splits


def _kept(train: np.ndarray, train_mask: np.ndarray | None, y: np.ndarray) -> np.ndarray:
    """The fold's training rows left after pruning (all of them if fewer than 2 classes)."""
    if train_mask is None:
        return train
    kept = train[train_mask[train]]
    return kept if np.unique(y[kept]).shape[0] >= 2 else train


def _fold(estimator, X, y, train, test, n_classes, sample_weight, threads):
    # in the worker (a process under loky): its BLAS/OpenMP pools get ``threads`` each
    with limit_threads(threads):
        model = fit_clone(estimator, X, y, train, sample_weight)
        return test, predict_columns(model, _safe_indexing(X, test), n_classes)


def oof_pred_probs(
    estimator: BaseEstimator,
    X: Any,
    y: np.ndarray,
    n_classes: int,
    splits: Splits,
    *,
    train_mask: np.ndarray | None = None,
    sample_weight: np.ndarray | None = None,
    n_jobs: int | None = None,
    progress: bool | Callable[[], None] = False,
    desc: str = "cross-validation",
) -> np.ndarray:
    """Out-of-fold probabilities (n, K); each fold trains on its rows where ``train_mask``.

    Folds fitted in parallel share the cores: each gets ``cores // n_jobs`` BLAS/OpenMP
    threads (:func:`fold_threads`), set in the worker and, for thread-based backends whose
    workers share this process's pools, around the whole run.
    """
    out = np.zeros((y.shape[0], n_classes))
    bar = progress_bar(total=len(splits), desc=desc, enabled=progress)
    threads = fold_threads(n_jobs)
    jobs = (
        delayed(_fold)(
            estimator, X, y, _kept(tr, train_mask, y), te, n_classes, sample_weight, threads
        )
        for tr, te in splits
    )
    try:
        with limit_threads(threads):
            for test, proba in Parallel(n_jobs=n_jobs, return_as="generator")(jobs):
                out[test] = proba
                bar.update(1)
    finally:
        bar.close()
    return out


def cross_val_pred_probs(
    estimator: BaseEstimator,
    X: Any,
    y: Any,
    *,
    cv: Any = 5,
    n_jobs: int | None = None,
    random_state: RandomState = None,
    progress: bool | Callable[[], None] = False,
) -> np.ndarray:
    """Out-of-sample predicted probabilities of every example, by K-fold cross-validation.

    Confident learning needs probabilities from a model that did *not* see the example's
    own (possibly wrong) label: a model scored on its training data has memorised the
    label and vouches for it. Each fold's clone of ``estimator`` is trained on the other
    folds and predicts its held-out fold, so every example gets one honest prediction.

    Parameters
    ----------
    estimator : classifier
        Any scikit-learn classifier with ``predict_proba`` (a Pipeline works); cloned.
    X : array-like, sparse matrix or DataFrame of shape (n, ...)
        Features, indexed by rows only (anything the estimator accepts).
    y : array-like of shape (n,)
        Given labels (any hashable values).
    cv : int >= 2, CV splitter or iterable of (train, test), default 5
        An int gives shuffled ``StratifiedKFold``; the test parts must partition the rows.
    n_jobs : int, optional
        Folds fitted in parallel with joblib (``-1``: all cores). Parallel folds share the
        cores: each fold's BLAS and OpenMP pools get ``cores // n_jobs`` threads (at least
        1), so that ``n_jobs`` folds do not run ``n_jobs * cores`` threads.
    random_state : int, numpy.random.Generator or None
        Seeds the fold shuffle; the global RNG is never used.
    progress : bool or callable, default False
        ``True`` shows a tqdm progress bar over folds (needs the optional ``tqdm``
        package); a callable is called with no arguments after each fold (to drive
        another progress display).

    Returns
    -------
    pred_probs : ndarray of float64, shape (n, K)
        Column ``k`` is the class ``np.unique(y)[k]`` (the order of ``classes_``); a
        class missing from a fold's training part gets probability 0 in that fold.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from labelnoise.learn import cross_val_pred_probs
    >>> X, y = load_iris(return_X_y=True)
    >>> pp = cross_val_pred_probs(LogisticRegression(max_iter=500), X, y, random_state=0)
    >>> pp.shape, bool(abs(pp.sum(axis=1) - 1).max() < 1e-9)
    ((150, 3), True)
    """
    if not (hasattr(estimator, "fit") and hasattr(estimator, "predict_proba")):
        raise InputTypeError(
            "estimator",
            f"{_FUNC} needs a classifier with fit and predict_proba, got {estimator!r}.",
        )
    progress = check_progress(progress, func=_FUNC)
    X = as_rows(X)
    codes, classes = encode_labels(y, owner=_FUNC)
    if _num_samples(X) != codes.shape[0]:
        raise InputError(
            "X", f"has {_num_samples(X)} rows but y has {codes.shape[0]}; pass one label per row."
        )
    rng = check_random_state(random_state, func=_FUNC)
    splits = make_splits(cv, X, codes, rng, owner=_FUNC)
    return oof_pred_probs(
        estimator, X, codes, classes.shape[0], splits, n_jobs=n_jobs, progress=progress
    )
