"""``estimate_noise`` for multi-label data: missing-tag and wrong-tag rates per tag."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from labelnoise.multilabel._inputs import MultilabelProblem, check_multilabel_problem
from labelnoise.multilabel._result import MultilabelNoise
from labelnoise.multilabel._tags import calibrated_joints

__all__ = ["estimate_noise", "problem_noise"]


def _rate(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    return np.divide(
        numerator, denominator, out=np.zeros(numerator.shape), where=denominator > 0
    ).astype(np.float64)


def estimate_noise(
    labels: Any, pred_probs: Any, *, classes: Sequence[Any] | None = None
) -> MultilabelNoise:
    """Estimate, for every tag, how often it is missed and how often it is added wrongly.

    Each tag is a one-vs-rest binary problem; confident learning (Northcutt, Jiang,
    Chuang, JAIR 2021) counts its calibrated confident joint of (given, true) membership,
    which is the reference's ``compute_confident_joint(..., multi_label=True)``. The rates
    follow from its columns. ``pred_probs`` must be out-of-sample (cross-validated).

    Parameters
    ----------
    labels : list of tag collections, or array-like of shape (n, K)
        The given tags (see :func:`labelnoise.multilabel.find_label_issues`).
    pred_probs : array-like of shape (n, K)
        Out-of-sample probability of each tag, each on its own.
    classes : sequence of length K, optional
        Tag name of each column, when tags are given by name.

    Returns
    -------
    MultilabelNoise
        ``confident_joint`` (K, 2, 2), ``missing_rate``, ``wrong_rate``, ``prior``,
        ``num_missing``, ``num_wrong`` (each (K,)).

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise.multilabel import estimate_noise
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.9, 0.95], [0.1, 0.8], [0.2, 0.9]])
    >>> est = estimate_noise([[0], [0], [0], [1], [1]], pred_probs)
    >>> est.num_missing.tolist(), est.num_wrong.tolist()
    ([0, 1], [0, 0])
    """
    return problem_noise(check_multilabel_problem(labels, pred_probs, classes=classes))


def problem_noise(problem: MultilabelProblem) -> MultilabelNoise:
    """:func:`estimate_noise` on inputs already validated."""
    joints = calibrated_joints(problem)
    truly_in = joints[:, 0, 1] + joints[:, 1, 1]
    truly_out = joints[:, 0, 0] + joints[:, 1, 0]
    return MultilabelNoise(
        confident_joint=joints,
        missing_rate=_rate(joints[:, 0, 1], truly_in),
        wrong_rate=_rate(joints[:, 1, 0], truly_out),
        prior=_rate(truly_in, truly_in + truly_out),
        num_missing=joints[:, 0, 1].copy(),
        num_wrong=joints[:, 1, 0].copy(),
        classes=problem.classes,
    )
