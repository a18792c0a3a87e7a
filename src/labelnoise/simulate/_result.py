"""``SimulatedNoise``: the result of every simulator."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SimulatedNoise"]


@dataclass(frozen=True, eq=False)
class SimulatedNoise:
    """Noisy labels together with what was actually done to them.

    Every field describes the *realised* noise (counted on the returned labels), not the
    requested one. Arrays are read-only.

    Attributes
    ----------
    labels : ndarray, shape (n,)
        The noisy labels, with the integer dtype of the labels given.
    is_flipped : ndarray of bool, shape (n,)
        True where the noisy label differs from the given (true) label.
    transition_matrix : ndarray of float64, shape (K, K)
        Realised ``P(noisy = j | true = k)``: row ``k`` is the true class. Rows of classes
        present in the labels sum to 1; rows of absent classes are all zero. (This is the
        transpose of :attr:`labelnoise.NoiseEstimate.noise_matrix`, whose columns sum to 1.)
    noise_rate : float
        Realised fraction of labels changed, ``is_flipped.mean()``.
    counts : ndarray of int64, shape (K, K)
        ``counts[k, j]``: number of examples of true class ``k`` given noisy label ``j``.
    """

    labels: np.ndarray
    is_flipped: np.ndarray
    transition_matrix: np.ndarray
    noise_rate: float
    counts: np.ndarray

    def __post_init__(self) -> None:
        for name in ("labels", "is_flipped", "transition_matrix", "counts"):
            getattr(self, name).setflags(write=False)

    def __repr__(self) -> str:
        k = self.counts.shape[0]
        return (
            f"SimulatedNoise({int(self.is_flipped.sum())} of {self.labels.shape[0]} labels "
            f"flipped, noise_rate={self.noise_rate:.4g}, n_classes={k})"
        )

    @property
    def n_classes(self) -> int:
        """Number of classes ``K``."""
        return int(self.counts.shape[0])
