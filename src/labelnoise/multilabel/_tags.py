"""Confident learning on each tag, one-vs-rest: which tags of which examples look wrong.

Tag ``k`` is the two-class problem "has k or not", with probabilities ``[1 - p_k, p_k]``;
single-label confident learning on it (:mod:`labelnoise.multilabel._binary`, the
two-class case of :mod:`labelnoise._pass` and :mod:`labelnoise.detect._prune`)
decides the tag's issues, as the reference's ``multilabel_classification`` does.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from labelnoise.detect._registry import PRUNE_METHODS
from labelnoise.multilabel._binary import binary_tag, flag_tag
from labelnoise.multilabel._inputs import MultilabelProblem
from labelnoise.multilabel._scores import tag_columns

__all__ = ["TAG_METHODS", "calibrated_joints", "tag_flags"]

#: Methods decided tag by tag (the others rank examples by their aggregated score).
TAG_METHODS = (*PRUNE_METHODS, "confident_learning", "predicted_neq_given")


def tag_flags(
    problem: MultilabelProblem,
    method: str,
    *,
    frac_noise: float = 1.0,
    num_to_remove_per_class: Sequence[int] | None = None,
    min_examples_per_class: int = 1,
) -> np.ndarray:
    """``(n, K)`` bool: tag ``k`` of example ``i`` looks wrong (given or missing)."""
    out = np.zeros(problem.labels.shape, dtype=bool)
    for k, (p, given) in enumerate(zip(*tag_columns(problem), strict=True)):
        out[:, k] = flag_tag(
            binary_tag(p, given),
            method,
            frac_noise=frac_noise,
            num_to_remove=None if num_to_remove_per_class is None else num_to_remove_per_class[k],
            min_examples_per_class=min_examples_per_class,
        )
    return out


def calibrated_joints(problem: MultilabelProblem) -> np.ndarray:
    """``(K, 2, 2)`` int64 calibrated confident joint of each tag (rows given, columns true)."""
    joints = np.zeros((problem.n_classes, 2, 2), dtype=np.int64)
    for k, (p, given) in enumerate(zip(*tag_columns(problem), strict=True)):
        joints[k] = binary_tag(p, given).calibrated()
    return joints
