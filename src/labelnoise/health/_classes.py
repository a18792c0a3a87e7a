"""``class_imbalance`` and ``overlapping_classes``: what the labels say about the classes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from labelnoise._errors import InputError
from labelnoise._validation import check_fraction, check_problem
from labelnoise.health._checks import check_row_labels
from labelnoise.health._result import ClassImbalance, OverlappingClasses
from labelnoise.noise import estimate_noise

__all__ = [
    "DEFAULT_IMBALANCE_THRESHOLD",
    "DEFAULT_OVERLAP_THRESHOLD",
    "class_imbalance",
    "overlapping_classes",
]

#: A class is rare below this fraction of an even split (cleanlab's Datalab uses 0.1 too).
DEFAULT_IMBALANCE_THRESHOLD = 0.1
#: A pair overlaps when this share of its two classes' rows are confidently confused.
DEFAULT_OVERLAP_THRESHOLD = 0.05


def class_imbalance(
    labels: Any,
    *,
    classes: Sequence[Any] | None = None,
    threshold: float = DEFAULT_IMBALANCE_THRESHOLD,
) -> ClassImbalance:
    """Find classes much rarer than an even split.

    A class with ``count / n < threshold / K`` is rare: a model sees too few of its
    examples to learn it, and per-class metrics on it are noisy.

    Parameters
    ----------
    labels : array-like of shape (n,)
        Labels of any type.
    classes : sequence, optional
        Every class, including classes with no rows (which are then the rarest);
        default: the distinct labels.
    threshold : float in [0, 1], default=0.1
        Rare below this fraction of the even share ``1 / K``.

    Returns
    -------
    ClassImbalance

    Examples
    --------
    >>> from labelnoise.health import class_imbalance
    >>> class_imbalance(["a"] * 60 + ["b"] * 38 + ["c"] * 2).rare_classes.tolist()
    ['c']
    """
    threshold = check_fraction(threshold, name="threshold", func="class_imbalance")
    arr = np.asarray(labels.to_numpy() if hasattr(labels, "to_numpy") else labels)
    codes, names = check_row_labels(arr, arr.shape[0] if arr.ndim else -1)
    if classes is not None:
        names = np.asarray(list(classes))
        lookup = {v: i for i, v in enumerate(names.tolist())}
        missing = sorted({v for v in arr.tolist() if v not in lookup}, key=repr)
        if missing:
            raise InputError(
                "labels", f"values {missing[:5]} are not in classes; add them to classes."
            )
        codes = np.array([lookup[v] for v in arr.tolist()], dtype=np.intp)
    k = names.size
    counts = np.bincount(codes, minlength=k)
    share = counts / max(1, codes.size)
    rare = share < threshold / k
    return ClassImbalance(
        scores=np.minimum(1.0, share[codes] * k),
        mask=rare[codes],
        threshold=threshold,
        counts=counts,
        rare_classes=names[rare],
        classes=names,
    )


def overlapping_classes(
    labels: Any,
    pred_probs: Any,
    *,
    classes: Sequence[Any] | None = None,
    threshold: float = DEFAULT_OVERLAP_THRESHOLD,
) -> OverlappingClasses:
    """Find pairs of classes the labels confuse, from the noise estimate.

    The calibrated confident joint of :func:`labelnoise.estimate_noise` counts examples
    labelled ``a`` whose out-of-sample probability of ``b`` reaches ``b``'s threshold. A
    pair whose count (both ways) is at least ``threshold`` of the two classes' rows is
    overlapping: annotators (or the data) do not separate them, so merge them, write a
    clearer guideline, or expect errors there.

    Parameters
    ----------
    labels : array-like of shape (n,)
        Integers ``0..K-1``, or names with ``classes=``.
    pred_probs : array-like of shape (n, K)
        Out-of-sample predicted probabilities.
    classes : sequence of length K, optional
        Class name of each column of ``pred_probs``.
    threshold : float in [0, 1], default=0.05
        Share of the pair's rows confused across it for the pair to count as overlapping.

    Returns
    -------
    OverlappingClasses

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise.health import overlapping_classes
    >>> pp = np.array([[0.9, 0.1, 0], [0.2, 0.8, 0], [0.1, 0.9, 0], [0.8, 0.2, 0], [0, 0, 1]] * 4)
    >>> overlapping_classes([0, 0, 1, 1, 2] * 4, pp).pairs[["class_a", "class_b"]].values.tolist()
    [[0, 1]]
    """
    threshold = check_fraction(threshold, name="threshold", func="overlapping_classes")
    problem = check_problem(labels, pred_probs, classes=classes)
    est = estimate_noise(problem.labels, problem.pred_probs)
    joint = np.asarray(est.confident_joint, dtype=np.float64)
    k = joint.shape[0]
    counts = np.bincount(problem.labels, minlength=k)
    a, b = np.triu_indices(k, 1)
    across = joint[a, b] + joint[b, a]
    share = across / np.maximum(1, counts[a] + counts[b])
    keep = across > 0
    order = np.lexsort((b[keep], a[keep], -share[keep]))
    names = problem.classes if problem.classes is not None else np.arange(k)
    pairs = pd.DataFrame(
        {
            "class_a": names[a[keep][order]],
            "class_b": names[b[keep][order]],
            "count": across[keep][order].astype(np.int64),
            "share": share[keep][order],
            "overlapping": share[keep][order] >= threshold,
        }
    )
    over = np.zeros((k, k), dtype=bool)
    hit = share >= threshold
    over[a[hit], b[hit]] = over[b[hit], a[hit]] = True
    pp = problem.pred_probs
    partners = over[problem.labels]  # (n, K): the overlapping partners of each row's class
    best = np.where(partners, pp, -1.0).max(axis=1)
    # counted across an overlapping pair: some partner's probability reaches its threshold
    mask = (partners & (pp >= np.asarray(est.thresholds)[None, :])).any(axis=1)
    scores = np.where(best >= 0, 1.0 - best, 1.0)
    return OverlappingClasses(scores=scores, mask=mask, threshold=threshold, pairs=pairs)
