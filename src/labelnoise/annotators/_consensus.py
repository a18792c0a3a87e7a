"""``consensus``: one label per example from several annotators (and optionally a model)."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd

from labelnoise._errors import InputError
from labelnoise._validation import check_choice, check_int
from labelnoise.annotators._em import Fit, dawid_skene, majority_vote, pooled_posterior
from labelnoise.annotators._priority import relabel_priority, typical_confusion
from labelnoise.annotators._result import Consensus
from labelnoise.annotators._table import Table, check_annotations

__all__ = ["METHODS", "ConsensusMethod", "consensus"]

ConsensusMethod = Literal["auto", "majority", "dawid_skene", "one_coin", "model"]
#: Each method and whether it needs ``pred_probs`` (True), refuses them (False).
METHODS = MappingProxyType(
    {"majority": False, "dawid_skene": False, "one_coin": False, "model": True}
)


def _check_float(value: Any, name: str, *, low: float) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float | np.number)
        or not np.isfinite(value)
        or value < low
    ):
        raise InputError(
            name,
            f"The {name!r} parameter of consensus must be a finite number >= {low}. Got "
            f"{value!r} instead.",
        )
    return float(value)


def _resolve(method: str, has_model: bool) -> str:
    check_choice(method, name="method", func="consensus", choices=("auto", *METHODS))
    if method == "auto":
        return "model" if has_model else "dawid_skene"
    if METHODS[method] and not has_model:
        raise InputError(
            "pred_probs",
            f"method={method!r} combines the annotators with a model: pass out-of-sample "
            "pred_probs (one row per example), or choose a model-free method.",
        )
    if has_model and not METHODS[method]:
        raise InputError(
            "pred_probs",
            f"method={method!r} does not use pred_probs; drop them, or use method='model' "
            "(or 'auto') to combine them with the annotators.",
        )
    return method


def _fit(
    table: Table, method: str, smoothing: float, max_iter: int, tol: float
) -> tuple[Fit, np.ndarray]:
    """The fit and the consensus codes (posterior ties go to the lowest class code)."""
    if method == "majority":
        codes = majority_vote(table)
        return pooled_posterior(table, codes), codes
    fit = dawid_skene(
        table,
        one_coin=method == "one_coin",
        smoothing=smoothing,
        use_model=method == "model",
        max_iter=max_iter,
        tol=tol,
    )
    return fit, np.asarray(np.argmax(fit.posterior, axis=1), dtype=np.intp)


def _annotator_frame(table: Table, fit: Fit, codes: np.ndarray) -> pd.DataFrame:
    rows = table.annotator
    n_labels = np.bincount(rows, minlength=table.m)
    right = fit.posterior[table.example, table.label]
    agree = (codes[table.example] == table.label).astype(float)
    per = np.maximum(n_labels, 1)
    return pd.DataFrame(
        {
            "annotator": table.annotators,
            "n_labels": n_labels,
            "quality": np.bincount(rows, weights=right, minlength=table.m) / per,
            "agreement": np.bincount(rows, weights=agree, minlength=table.m) / per,
        }
    )


def consensus(
    annotations: Any,
    pred_probs: Any = None,
    *,
    method: ConsensusMethod = "auto",
    classes: Any = None,
    layout: Literal["long", "wide"] | None = None,
    columns: tuple[str, str, str] = ("example", "annotator", "label"),
    smoothing: float = 10.0,
    max_iter: int = 100,
    tol: float = 1e-3,
) -> Consensus:
    """Infer each example's true label from several annotators, and how good each one is.

    Parameters
    ----------
    annotations : DataFrame, tuple of three arrays, or (n, m) matrix
        A long table with one row per label (columns named by ``columns``; a tuple
        ``(example, annotator, label)`` of 1-D arrays works the same) or a wide matrix with
        one row per example and one column per annotator, missing entries NaN or None
        (a DataFrame's column names are then the annotator ids, its index the example
        ids). Labels are integers
        ``0..K-1``, or names listed in ``classes``; without ``pred_probs`` and
        ``classes``, names define the classes in sorted order. Each (example, annotator)
        pair appears at most once; every example has at least one label.
    pred_probs : array of shape (n, K), optional
        Out-of-sample predicted probabilities of a model (cross-validated: a model that saw
        an example's labels is overconfident on it). Row ``i`` belongs to the example
        whose id is ``i`` in a long table (ids must be the integers ``0..n-1``, each
        labelled at least once), or to row ``i`` of a wide matrix (same number of rows).
    method : {"auto", "majority", "dawid_skene", "one_coin", "model"}, default "auto"
        ``majority``: most votes; a tie goes to the tied class with the highest posterior
        under one confusion matrix pooled over all annotators and fitted to the untied
        examples (then to the lowest class code). ``dawid_skene``: EM with one full
        confusion matrix per annotator.
        ``one_coin``: EM with one accuracy per annotator. ``model``: Dawid-Skene whose
        prior for each example is the model's ``pred_probs`` tempered by a weight fitted
        to the annotations. ``auto`` is ``model`` with ``pred_probs``, else
        ``dawid_skene``. The EM methods take the most probable class, ties going to the
        lowest class code.
    classes : sequence, optional
        Class names in ``pred_probs`` column order, when labels are names.
    layout : {"long", "wide"}, optional
        How to read ``annotations``; by default a DataFrame, dict or tuple is a long
        table and an array or a list of rows is a wide matrix.
    columns : tuple of three str, default ("example", "annotator", "label")
        The long table's column names.
    smoothing : float, default 10.0
        Pseudo-labels per true class pulling each annotator's confusion matrix towards
        the one pooled over all annotators (annotators seen on few examples otherwise get
        extreme matrices). 0 is textbook Dawid-Skene (with a floor of 1e-6
        pseudo-labels, so that no probability is exactly 0).
    max_iter : int, default 100
        Maximum EM iterations.
    tol : float, default 1e-3
        EM stops when no posterior probability moves by more than ``tol``.

    Returns
    -------
    Consensus
        Labels, quality, agreement, posterior, relabel priority, per-annotator quality and
        confusion. Nothing depends on the order of rows or annotators.

    Examples
    --------
    >>> import pandas as pd
    >>> from labelnoise.annotators import consensus
    >>> table = pd.DataFrame({"example": [0, 0, 0, 1, 1, 2],
    ...                       "annotator": ["ann", "bob", "cy", "ann", "bob", "cy"],
    ...                       "label": ["cat", "cat", "dog", "dog", "dog", "cat"]})
    >>> result = consensus(table, method="majority")
    >>> result.labels.tolist()
    ['cat', 'dog', 'cat']
    >>> result.agreement.round(2).tolist()
    [0.67, 1.0, 1.0]
    """
    table = check_annotations(
        annotations, pred_probs, classes=classes, layout=layout, columns=columns
    )
    resolved = _resolve(method, table.pred_probs is not None)
    smoothing = _check_float(smoothing, "smoothing", low=0.0)
    max_iter = check_int(max_iter, name="max_iter", func="consensus", minimum=1)
    tol = _check_float(tol, "tol", low=0.0)
    fit, codes = _fit(table, resolved, smoothing, max_iter, tol)
    counts = table.counts
    n_votes = counts.sum(axis=1)
    agreement = counts[np.arange(table.n), codes] / n_votes
    quality = agreement if resolved == "majority" else fit.posterior[np.arange(table.n), codes]
    frame = _annotator_frame(table, fit, codes)
    typical = typical_confusion(fit.confusion, frame["n_labels"].to_numpy())
    return Consensus(
        examples=table.examples.copy(),
        labels=table.classes[codes],
        quality=np.asarray(quality, dtype=np.float64),
        agreement=np.asarray(agreement, dtype=np.float64),
        posterior=fit.posterior,
        relabel_priority=relabel_priority(fit.posterior, typical),
        _annotators=frame,
        confusion=fit.confusion,
        classes=table.classes.copy(),
        method=resolved,
        model_weight=fit.beta,
        n_iter=0 if resolved == "majority" else fit.n_iter,
    )
