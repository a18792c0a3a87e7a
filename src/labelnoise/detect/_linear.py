"""Linear separation of clean and noisy examples in feature space (web / open-set noise).

Web-crawled datasets are full of *out-of-distribution* examples: images that belong to no
class at all, carrying whatever label the crawler gave them. In a contrastive (self-
supervised) embedding such examples are close to linearly separable from the real members
of each class (Albert et al., ECCV 2024, "An accurate detection is not all you need to
combat label noise in web-noisy datasets"). Starting from a first clean/noisy guess, we fit,
for each given class, a linear classifier that separates the class's presumed-clean
examples from its presumed-noisy ones, relabel the class's examples by that classifier, and
repeat until nothing changes. Predictions are *cross-fitted* (each half of a class is
judged by a classifier trained on the other half), so a classifier never simply repeats the
guess it was trained on.

The paper also observes that this detector, however accurate, misses easy clean examples
that the small-loss criterion finds, and that alternating the two trains better models.
``linear_separation_small_loss`` averages the two ``P(clean)`` estimates, the training-free
counterpart of alternating between them.
"""

from __future__ import annotations

import warnings

import numpy as np

from labelnoise._pass import ClassIndex

__all__ = ["MAX_ROUNDS", "linear_separation"]

#: Rounds of refitting at most (it usually settles in two or three).
MAX_ROUNDS = 5
#: Each side of a class needs this many examples for a classifier to be fitted.
_MIN_SIDE = 3
_REGULARIZATION = 1.0


def _standardized(features: np.ndarray) -> np.ndarray:
    centred = features - features.mean(axis=0)
    scale = centred.std(axis=0)
    return np.asarray(centred / np.where(scale > 0, scale, 1.0), dtype=np.float64)


def _halves(x: np.ndarray) -> np.ndarray:
    """Split rows in two by content, not position (so the result does not depend on the
    order of the rows): alternate along a fixed direction, equal rows together."""
    direction = (np.arange(1, x.shape[1] + 1) * 0.6180339887498949) % 1.0 - 0.5
    _, rank = np.unique(x @ direction, return_inverse=True)
    return (rank.ravel() % 2).astype(bool)


def _cross_fitted_noise(x: np.ndarray, noisy: np.ndarray) -> np.ndarray | None:
    """P(noisy) of every row from a classifier fitted on the other half of the rows."""
    # imported here: sklearn.linear_model pulls in heavy modules `import labelnoise` avoids
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    halves = _halves(x)
    if halves.all() or not halves.any():  # all rows equal: nothing to separate
        return None
    out = np.empty(x.shape[0])
    for held_out in (halves, ~halves):
        train = ~held_out
        if min(int(noisy[train].sum()), int((~noisy[train]).sum())) < _MIN_SIDE:
            return None
        model = LogisticRegression(
            C=_REGULARIZATION, class_weight="balanced", max_iter=200, solver="lbfgs"
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(x[train], noisy[train])
        out[held_out] = model.predict_proba(x[held_out])[:, 1]
    return out


def linear_separation(
    features: np.ndarray, index: ClassIndex, initial_clean: np.ndarray
) -> np.ndarray:
    """``P(clean)`` of every example from per-class linear separation, iterated.

    ``initial_clean`` is the first guess. A class whose presumed-clean or presumed-noisy
    side has fewer than 3 examples keeps its current guess (as 1.0 or 0.0).
    """
    x = _standardized(features)
    p_clean = initial_clean.astype(np.float64)
    # rows sorted by class, in increasing row order within each class
    for _ in range(MAX_ROUNDS):
        changed = False
        for k in np.flatnonzero(index.counts >= 2 * _MIN_SIDE):
            rows = index.rows(int(k))
            noisy = p_clean[rows] < 0.5
            p_noisy = _cross_fitted_noise(x[rows], noisy)
            if p_noisy is None:
                continue
            changed |= bool(np.any((p_noisy >= 0.5) != noisy))
            p_clean[rows] = 1.0 - p_noisy
        if not changed:
            break
    return p_clean
