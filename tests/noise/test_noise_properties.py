"""Properties of ``estimate_noise`` that hold for every input (Hypothesis); the data
(``tie_free``, ``any_problem``) are described in ``_helpers.py``."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from _helpers import any_problem, tie_free
from labelnoise import estimate_noise


@given(any_problem(), st.booleans())
def test_noise_estimate_is_a_distribution(problem, calibrate):
    labels, pred_probs = problem
    est = estimate_noise(labels, pred_probs, calibrate=calibrate)
    k = pred_probs.shape[1]
    assert np.all(est.confident_joint >= 0)
    assert np.all(est.joint >= 0) and abs(est.joint.sum() - 1) < 1e-9
    assert np.all(est.prior > 0) and abs(est.prior.sum() - 1) < 1e-9
    for matrix in (est.noise_matrix, est.inverse_noise_matrix):
        assert np.all((matrix >= 0) & (matrix <= 1 + 1e-12))
        sums = matrix.sum(axis=0)
        assert np.all((np.abs(sums - 1) < 1e-9) | (sums == 0))
    if calibrate:
        counts = np.bincount(labels, minlength=k)
        np.testing.assert_array_equal(est.confident_joint.sum(axis=1), counts)
    assert 0 <= est.num_issues.off_diagonal <= labels.size
    assert 0 <= est.num_issues.off_diagonal_calibrated <= labels.size


@given(tie_free(), st.randoms(use_true_random=False))
def test_permuting_rows_keeps_the_noise_estimate(problem, rnd):
    labels, pred_probs = problem
    perm = np.array(rnd.sample(range(labels.size), labels.size))
    base = estimate_noise(labels, pred_probs)
    moved = estimate_noise(labels[perm], pred_probs[perm])
    np.testing.assert_array_equal(moved.confident_joint, base.confident_joint)
    np.testing.assert_allclose(moved.noise_matrix, base.noise_matrix, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(moved.thresholds, base.thresholds, rtol=1e-12)
    assert moved.num_issues == base.num_issues
