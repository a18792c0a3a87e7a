"""Exact allocation: integer counts that match requested rates, and applying them.

All functions here trust their inputs (validated by the public functions).
"""

from __future__ import annotations

import math

import numpy as np

from labelnoise.simulate._result import SimulatedNoise

__all__ = [
    "apply_counts",
    "class_counts",
    "flip_counts",
    "largest_remainder",
    "realised",
    "round_half_up",
    "spread_counts",
]

#: Float noise tolerated when rounding (0.35 * 10 must round like 3.5).
_EPS = 1e-9


def round_half_up(x: float) -> int:
    """``round`` with halves going up (``2.5 -> 3``), tolerant to float noise."""
    return math.floor(x + 0.5 + _EPS)


def largest_remainder(quotas: np.ndarray, total: int, rng: np.random.Generator) -> np.ndarray:
    """Integers summing to ``total``, each the floor or ceiling of its quota.

    The ``total - sum(floor)`` extra units go to the largest fractional parts; exact ties
    are broken at random, and a zero quota never receives a unit. ``quotas`` must sum to
    ``total`` (up to float noise).
    """
    base = np.floor(quotas + _EPS)
    frac = np.round(np.maximum(quotas - base, 0.0), 9)
    out = base.astype(np.int64)
    extra = total - int(out.sum())
    if extra > 0:
        ties = rng.random(size=(quotas.shape[0],))
        order = np.lexsort((ties, quotas <= 0, -frac))
        out[order[:extra]] += 1
    return out


def class_counts(codes: np.ndarray, n_classes: int) -> np.ndarray:
    """Number of examples of each class, shape (K,)."""
    return np.bincount(codes, minlength=n_classes).astype(np.int64)


def flip_counts(n_k: np.ndarray, rate: float, rng: np.random.Generator) -> np.ndarray:
    """Per-class flip counts: each within 1 of ``rate * n_k``, summing to ``round(rate * n)``."""
    total = round_half_up(rate * int(n_k.sum()))
    return largest_remainder(rate * n_k.astype(np.float64), total, rng)


def spread_counts(
    n_k: np.ndarray, m_k: np.ndarray, weights: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Count matrix: ``m_k`` flips of class k spread over off-diagonal ``weights[k]``.

    ``weights`` is (K, K) with a zero diagonal and rows summing to 1 (where ``m_k > 0``).
    Each cell is within 1 of ``m_k * weights[k, j]``; the diagonal keeps ``n_k - m_k``.
    """
    k = n_k.shape[0]
    counts = np.zeros((k, k), dtype=np.int64)
    for c in range(k):
        if m_k[c] > 0:
            counts[c] = largest_remainder(m_k[c] * weights[c], int(m_k[c]), rng)
        counts[c, c] = n_k[c] - m_k[c]
    return counts


def apply_counts(codes: np.ndarray, counts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """New codes where a random ``counts[k, j]`` of the class-k examples get label ``j``."""
    k = counts.shape[0]
    order = np.argsort(codes, kind="stable")
    bounds = np.concatenate(([0], np.cumsum(counts.sum(axis=1))))
    new = np.empty_like(codes, dtype=np.intp)
    targets = np.arange(k)
    for c in range(k):
        members = rng.permutation(order[bounds[c] : bounds[c + 1]])
        new[members] = np.repeat(targets, counts[c])
    return new


def realised(codes: np.ndarray, new: np.ndarray, n_classes: int) -> SimulatedNoise:
    """Package the noisy codes (cast to the dtype of ``codes``) with realised rates."""
    pairs = codes.astype(np.intp) * n_classes + new
    counts = np.bincount(pairs, minlength=n_classes * n_classes).reshape(n_classes, n_classes)
    rows = counts.sum(axis=1, keepdims=True)
    matrix = np.divide(counts, rows, out=np.zeros(counts.shape), where=rows > 0)
    flipped = codes != new
    return SimulatedNoise(
        labels=new.astype(codes.dtype),
        is_flipped=flipped,
        transition_matrix=matrix,
        noise_rate=float(flipped.mean()),
        counts=counts.astype(np.int64),
    )
