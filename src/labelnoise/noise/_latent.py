"""Latent noise quantities from a confident joint: prior, noise and inverse noise matrices.

With ``C[i, j]`` the (calibrated) confident joint, rows = given label, columns = true label:

* noise matrix ``P(given = i | true = j) = C[i, j] / sum_i C[i, j]`` (columns sum to 1),
* inverse noise matrix ``P(true = j | given = i) = C[i, j] / sum_j C[i, j]``, stored
  transposed as in the confident-learning paper (columns sum to 1),
* prior ``P(true = j)`` by the "count" estimator
  ``P(true=j|given=j) / P(given=j|true=j) * P(given=j)``,

then (optionally) a few rounds of making the three mutually consistent.
"""

from __future__ import annotations

import numpy as np

from labelnoise.noise._counts import TINY

__all__ = ["estimate_latent"]

_PRIOR_FLOOR = 1e-6
# After convergence the reference implementation clips the prior once more, at 1e-5.
_FINAL_PRIOR_FLOOR = 1e-5
_MAX_NOISE_RATE = 0.9999


def _clip_noise_rates(matrix: np.ndarray) -> np.ndarray:
    """Clip off-diagonal rates to [0, 0.9999], keep the diagonal, renormalize columns.

    Works in place on ``matrix`` (callers pass a fresh array), keeping its memory layout,
    which fixes the order of the column sums: the values are those of the out-of-place
    formulation, bit for bit, without its K x K temporaries."""
    diagonal = matrix.diagonal().copy()
    np.clip(matrix, 0, _MAX_NOISE_RATE, out=matrix)
    np.fill_diagonal(matrix, diagonal)
    matrix /= np.clip(matrix.sum(axis=0), a_min=TINY, a_max=None)
    return matrix


def _clip_prior(prior: np.ndarray, floor: float = _PRIOR_FLOOR) -> np.ndarray:
    clipped = np.clip(prior, floor, 1.0)
    return clipped * 1.0 / np.clip(np.sum(clipped), a_min=TINY, a_max=None)


def _prior(given_prior: np.ndarray, noise: np.ndarray, inverse: np.ndarray) -> np.ndarray:
    ratio = inverse.diagonal() / np.clip(noise.diagonal(), a_min=TINY, a_max=None)
    return _clip_prior(ratio * given_prior)


def _reverse(conditional: np.ndarray, prior: np.ndarray, other_prior: np.ndarray) -> np.ndarray:
    """The opposite conditional of the same joint, by Bayes: ``P(a | b) P(b) / P(a)``.

    ``conditional[a, b] = P(a | b)`` and ``prior = P(b)``; the result is ``P(b | a)``
    stored the same way (columns sum to 1), over ``other_prior = P(a)``, clipped. It turns
    the noise matrix into the inverse one and back."""
    joint = (conditional * prior).T
    np.divide(joint, np.clip(other_prior, a_min=TINY, a_max=None), out=joint)
    return _clip_noise_rates(joint)


def estimate_latent(
    confident_joint: np.ndarray, label_counts: np.ndarray, *, converge: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(prior, noise_matrix, inverse_noise_matrix)`` from a confident joint.

    ``converge=True`` runs 3 outer rounds of 5 inner updates that make the prior and the
    two matrices consistent with the observed label frequencies.
    """
    given_prior = label_counts / float(label_counts.sum())
    given_totals = confident_joint.sum(axis=1).astype(float)
    true_totals = confident_joint.sum(axis=0).astype(float)
    noise = confident_joint / np.clip(true_totals, a_min=TINY, a_max=None)
    inverse = confident_joint.T / np.clip(given_totals, a_min=TINY, a_max=None)
    prior = _prior(given_prior, noise, inverse)
    noise = _clip_noise_rates(noise)
    inverse = _clip_noise_rates(inverse)
    if converge:
        for _ in range(3):
            for _ in range(5):
                inverse = _reverse(noise, prior, given_prior)
                prior = _prior(given_prior, noise, inverse)
            noise = _reverse(inverse, given_prior, prior)
        prior = _clip_prior(prior, _FINAL_PRIOR_FLOOR)
        noise = _clip_noise_rates(noise)
        inverse = _clip_noise_rates(inverse)
    return prior, noise, inverse
