"""Parity of ``estimate_noise`` with the reference implementation, cleanlab 2.9.0, on
seeded random problems.

Every case is rebuilt from its seed by ``random_case`` in conftest.py: tiny to a few thousand
rows, 2 to 200 classes, exact ties (rounded probabilities, duplicated and uniform rows),
classes absent from the labels, classes with 1-2 examples, float32 and float64.
Confident joints, thresholds and counts must be *identical*; continuous noise estimates
agree to ``rtol=1e-12``.
"""

from __future__ import annotations

import numpy as np
import pytest

from _helpers import N_PARITY_CASES, NOISE_FLOAT_FIELDS
from labelnoise import estimate_noise, find_label_issues

pytest.importorskip("cleanlab")


@pytest.mark.parametrize("seed", range(N_PARITY_CASES))
def test_estimate_noise_matches_cleanlab(seed, make_case, oracle, request):
    case = make_case(seed)
    counts = oracle.num_label_issues(case.labels, case.pred_probs)
    for calibrate in (True, False):
        where = f"{case!r} calibrate={calibrate}"
        ref = oracle.estimate_noise(case.labels, case.pred_probs, calibrate=calibrate)
        est = estimate_noise(case.labels, case.pred_probs, calibrate=calibrate)
        np.testing.assert_array_equal(est.confident_joint, ref["confident_joint"], err_msg=where)
        np.testing.assert_array_equal(est.thresholds, ref["thresholds"], err_msg=where)
        for name in NOISE_FLOAT_FIELDS:
            np.testing.assert_allclose(
                getattr(est, name), ref[name], rtol=1e-12, atol=0, err_msg=f"{where} {name}"
            )
        assert est.num_issues.off_diagonal == counts["off_diagonal"], where
        assert est.num_issues.off_diagonal_calibrated == counts["off_diagonal_calibrated"], where


def test_off_diagonal_count_is_the_low_confidence_quota(make_case, oracle):
    """num_issues.off_diagonal is the number low_self_confidence flags (as in cleanlab)."""
    for seed in range(20):
        case = make_case(seed)
        est = estimate_noise(case.labels, case.pred_probs)
        flagged = find_label_issues(case.labels, case.pred_probs, method="low_self_confidence")
        assert len(flagged) == est.num_issues.off_diagonal, repr(case)


# --------------------------------------------------------------------------------------------
# Minimal reproducers of mismatches found by the random cases above
# --------------------------------------------------------------------------------------------


def test_prior_of_a_class_absent_from_labels(oracle):
    """cleanlab clips the converged prior at 1e-5 (``clip_values(py, low=1e-5)``), not 1e-6."""
    labels = np.array([0, 1, 0, 1])
    pred_probs = np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.7, 0.2, 0.1], [0.2, 0.7, 0.1]])
    expected = oracle.estimate_noise(labels, pred_probs)["prior"]
    np.testing.assert_allclose(estimate_noise(labels, pred_probs).prior, expected, rtol=1e-12)


# 29 examples, 3 classes: the calibrated confident joint's total is summed in a different
# memory order than cleanlab's (its confident joint is a transposed, Fortran-ordered
# confusion matrix), which moves a rounding tie in round_preserving_row_totals.
LAYOUT_LABELS = [1, 2, 1, 1, 1, 0, 1, 2, 2, 0, 0, 1, 0, 2, 2, 1, 0, 0, 1, 0, 0, 1, 0, 1, 1]
LAYOUT_LABELS += [2, 1, 2, 0]
LAYOUT_PROBS = [
    [0.2, 0.5, 0.3], [0.3, 0.2, 0.5], [0.3, 0.3, 0.4], [0.0, 0.7, 0.3], [0.5, 0.2, 0.3],
    [0.5, 0.4, 0.1], [0.5, 0.4, 0.1], [0.4, 0.2, 0.4], [0.2, 0.5, 0.3], [0.4, 0.4, 0.2],
    [0.2, 0.2, 0.6], [0.4, 0.5, 0.1], [0.3, 0.3, 0.4], [0.2, 0.3, 0.5], [0.6, 0.1, 0.3],
    [0.2, 0.2, 0.6], [0.3, 0.4, 0.3], [0.7, 0.2, 0.1], [0.4, 0.4, 0.2], [0.6, 0.2, 0.2],
    [0.4, 0.3, 0.3], [0.4, 0.6, 0.0], [0.6, 0.3, 0.1], [0.2, 0.3, 0.5], [0.1, 0.6, 0.3],
    [0.2, 0.3, 0.5], [0.1, 0.4, 0.5], [0.0, 0.3, 0.7], [0.4, 0.5, 0.1],
]  # fmt: skip


def test_layout_reproducer_is_layout_sensitive(oracle):
    labels, pred_probs = np.array(LAYOUT_LABELS), np.array(LAYOUT_PROBS)
    assert oracle.calibration_depends_on_layout(labels, pred_probs)


def test_calibrated_confident_joint_rounding_tie(oracle):
    labels, pred_probs = np.array(LAYOUT_LABELS), np.array(LAYOUT_PROBS)
    ref = oracle.estimate_noise(labels, pred_probs)
    np.testing.assert_array_equal(
        estimate_noise(labels, pred_probs).confident_joint, ref["confident_joint"]
    )
    np.testing.assert_array_equal(
        find_label_issues(labels, pred_probs).mask,
        oracle.find_label_issues(labels, pred_probs, "prune_by_noise_rate"),
    )
