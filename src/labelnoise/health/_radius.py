"""The near-copy radius of :func:`find_duplicates` and :func:`find_leakage`.

A pair is a near copy when its cosine distance is at most ``threshold`` times the typical
distance of a row to its nearest other row (:func:`typical_distance`). In few intrinsic
dimensions ordinary neighbours are often that close, so :func:`capped_threshold` lowers
``threshold`` to what rows spread at random would reach only :data:`NULL_FLAG_RATE` of
the time (docs/health.md, "Few dimensions"). Both checks use these two functions.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

__all__ = ["EPS", "NULL_FLAG_RATE", "capped_threshold", "typical_distance"]

#: Cosine distances below this count as zero (float rounding of identical rows).
EPS = 1e-6
#: In few intrinsic dimensions the threshold shrinks so that rows spread at random would
#: be flagged at most this often.
NULL_FLAG_RATE = 0.01


def intrinsic_dimension(distance: np.ndarray) -> float | None:
    """Levina-Bickel maximum-likelihood estimate of the data's intrinsic dimension from
    each row's neighbour cosine distances (shape (rows, k), turned into chord lengths),
    with MacKay and Ghahramani's average of the inverses; rows with a zero distance (exact
    copies) are left out. ``None`` when fewer than 3 neighbours or no such row."""
    if distance.shape[1] < 3:
        return None
    chord = np.sqrt(2.0 * np.sort(distance, axis=1))
    usable = np.all(chord > np.sqrt(2.0 * EPS), axis=1) & np.all(np.isfinite(chord), axis=1)
    if not usable.any():
        return None
    logs = np.log(chord[usable])
    inverse = np.mean(logs[:, -1:] - logs[:, :-1], axis=1)
    mean_inverse = float(np.mean(inverse))
    return None if mean_inverse <= 0 else 1.0 / mean_inverse


def _cap(threshold: float, dimension: float | None) -> float:
    """For points spread as a Poisson process in ``d`` dimensions the nearest-neighbour
    distance ``D`` has ``P(D < s * median) = 1 - 2 ** -(s ** d)``; the radius is on cosine
    distances, which grow as the square of chord lengths, so ``s = sqrt(threshold)``.
    With ``d`` from about 11 up the cap is above the default 0.4 and changes nothing."""
    if dimension is None:
        return threshold
    scale = float(np.log2(1.0 / (1.0 - NULL_FLAG_RATE))) ** (1.0 / dimension)
    return min(threshold, scale**2)


def capped_threshold(threshold: float, distances: Sequence[np.ndarray]) -> float:
    """``threshold``, or less where rows spread at random would fall within it more than
    :data:`NULL_FLAG_RATE` of the time.

    ``distances`` holds one (rows, k) array of neighbour cosine distances per view. Each
    view's cap comes from its own estimated dimension; with several views (a pair's
    relative distance is then the geometric mean of the views'), the cap is the
    geometric mean of theirs.
    """
    caps = [_cap(threshold, intrinsic_dimension(d)) for d in distances]
    if len(caps) == 1 or all(cap == threshold for cap in caps):
        return min(caps)
    return min(threshold, float(np.exp(np.mean(np.log(caps)))))


def typical_distance(nearest: np.ndarray, what: str, *, stacklevel: int = 4) -> float:
    """The median of ``nearest`` (distances of rows to their nearest other row), the scale
    of the near-copy radius. When more than half the rows have an exact copy that median
    is 0, which would shrink the radius to exact copies only: the median over the rows
    without an exact copy is used instead, with a warning."""
    if not nearest.size:
        return 0.0
    median = float(np.median(nearest))
    if median > EPS:
        return median
    distinct = nearest[nearest > EPS]
    warnings.warn(
        f"{nearest.size - distinct.size} of {nearest.size} {what} have an exact copy, so the "
        "median nearest-neighbour distance is 0; the near-copy radius is scaled by the "
        "median over the other rows instead"
        + ("." if distinct.size else " (there are none: every row is an exact copy)."),
        UserWarning,
        stacklevel=stacklevel,
    )
    return float(np.median(distinct)) if distinct.size else 0.0
