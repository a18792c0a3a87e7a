"""Out-of-sample predicted probabilities by cross-validation."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator
from sklearn.model_selection import StratifiedKFold
from sklearn.utils import _safe_indexing
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _num_samples, check_array, column_or_1d

from labelnoise._errors import InputError, InputTypeError
from labelnoise._options import check_int
from labelnoise._random import RandomState, check_random_state
from labelnoise.learn._fitting import fit_clone, predict_columns
from labelnoise.learn._progress import check_progress, progress_bar
from labelnoise.learn._threads import fold_threads, limit_threads

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


@dataclass(frozen=True)
class _Columns:
    """Where the classes present in ``y`` go among all the requested classes."""

    n_classes: int
    positions: np.ndarray


def _class_columns(classes: Any, present: np.ndarray) -> _Columns:
    """Check ``classes`` (distinct, 1-D, holding every label of ``y``); place ``present``."""
    wanted = np.asarray(classes)
    if wanted.ndim != 1 or wanted.shape[0] == 0:
        raise InputError(
            "classes",
            f"expected a non-empty 1-D list of class labels, got shape {wanted.shape}; pass "
            "every class once, in the column order wanted.",
        )
    textual = "USO"
    if (wanted.dtype.kind in textual) != (present.dtype.kind in textual):
        raise InputError(
            "classes",
            f"are of another kind than the labels of y (classes {wanted.dtype}, y "
            f"{present.dtype}); pass the classes as y writes them, all of one type.",
        )
    values, counts = np.unique(wanted, return_counts=True)
    if counts.max() > 1:
        raise InputError(
            "classes",
            f"repeats {values[counts > 1][:5].tolist()}; pass every class once, in the "
            "column order wanted.",
        )
    order = np.argsort(wanted, kind="stable")
    at = np.searchsorted(wanted[order], present)
    found = (at < wanted.shape[0]) & (wanted[order][np.minimum(at, wanted.shape[0] - 1)] == present)
    if not found.all():
        missing = present[~found][:5].tolist()
        raise InputError(
            "classes",
            f"does not hold every label of y (missing {missing}); pass every class that y "
            "may contain.",
        )
    return _Columns(n_classes=int(wanted.shape[0]), positions=order[at])


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
    threads_per_fold: int | None = None,
    progress: bool | Callable[[], None] = False,
    desc: str = "cross-validation",
) -> np.ndarray:
    """Out-of-fold probabilities (n, K); each fold trains on its rows where ``train_mask``.

    Folds fitted in parallel share the cores: each gets ``cores // n_jobs`` BLAS/OpenMP
    threads (:func:`fold_threads`) unless ``threads_per_fold`` says how many, set in the
    worker and, for thread-based backends whose workers share this process's pools,
    around the whole run.
    """
    out = np.zeros((y.shape[0], n_classes))
    bar = progress_bar(total=len(splits), desc=desc, enabled=progress)
    threads = (
        fold_threads(n_jobs)
        if threads_per_fold is None
        else dict.fromkeys(("blas", "openmp"), threads_per_fold)
    )
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
    classes: Any = None,
    threads_per_fold: int | None = None,
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
    classes : array-like of shape (K,), optional
        Every class, in the order of the columns wanted (e.g. all ``K`` codes when some
        class has no example in ``y``). Each label of ``y`` must be one of them; a class
        without examples gets a column of zeros. Default: ``np.unique(y)``.
    threads_per_fold : int >= 1, optional
        BLAS and OpenMP threads each fold's fit may use (``1`` for small tables, where
        thread pools cost more than they save). Default: the cores shared out over the
        ``n_jobs`` parallel folds, or no limit when folds run one at a time.

    Returns
    -------
    pred_probs : ndarray of float64, shape (n, K)
        Column ``k`` is the class ``classes[k]`` (by default ``np.unique(y)[k]``, the
        order of ``classes_``); a class missing from a fold's training part gets
        probability 0 in that fold.

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
    codes, present = encode_labels(y, owner=_FUNC)
    if _num_samples(X) != codes.shape[0]:
        raise InputError(
            "X", f"has {_num_samples(X)} rows but y has {codes.shape[0]}; pass one label per row."
        )
    if threads_per_fold is not None:
        threads_per_fold = check_int(
            threads_per_fold, name="threads_per_fold", func=_FUNC, minimum=1
        )
    columns = None if classes is None else _class_columns(classes, present)
    rng = check_random_state(random_state, func=_FUNC)
    splits = make_splits(cv, X, codes, rng, owner=_FUNC)
    probs = oof_pred_probs(
        estimator,
        X,
        codes,
        present.shape[0],
        splits,
        n_jobs=n_jobs,
        threads_per_fold=threads_per_fold,
        progress=progress,
    )
    if columns is None:
        return probs
    out = np.zeros((probs.shape[0], columns.n_classes))
    out[:, columns.positions] = probs
    return out
