"""Which example's next label helps most: the expected gain in consensus accuracy."""

from __future__ import annotations

import numpy as np

__all__ = ["relabel_priority", "typical_confusion"]


def typical_confusion(confusion: np.ndarray, n_labels: np.ndarray) -> np.ndarray:
    """``(K, K)`` confusion of a typical next label: annotators' matrices weighted by workload."""
    weights = n_labels / max(float(n_labels.sum()), 1.0)
    return np.tensordot(weights, confusion, axes=1)


def relabel_priority(posterior: np.ndarray, confusion: np.ndarray) -> np.ndarray:
    """Expected accuracy gain from one more label drawn through ``confusion``.

    Now the consensus is right with probability ``max_y p(y)``. A new label ``l`` arrives
    with probability ``sum_y p(y) C[y, l]`` and moves the posterior to ``p(y) C[y, l]``
    (normalised), so afterwards the consensus is right with probability
    ``sum_l max_y p(y) C[y, l]``. The difference, in [0, 1 - max p], is the value of the
    label (ActiveLab asks the same question with a heuristic score); unlike a plain
    uncertainty score it is zero where one more label could not change the consensus.

    Parameters
    ----------
    posterior : ndarray, shape (n, K)
    confusion : ndarray, shape (K, K)
        ``confusion[y, l] = P(label l | true class y)``.

    Returns
    -------
    ndarray of float, shape (n,)
    """
    after = np.zeros(posterior.shape[0])
    for column in confusion.T:  # one possible new label at a time: (n, K) memory only
        after += np.max(posterior * column[None, :], axis=1)
    gain = after - posterior.max(axis=1)
    return np.where(gain > 1e-12, gain, 0.0)  # rounding leaves ~1e-16 where nothing changes
