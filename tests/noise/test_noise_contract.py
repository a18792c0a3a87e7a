"""Contract tests of ``estimate_noise``: the ``NoiseEstimate`` and ``IssueCounts`` results."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from labelnoise import IssueCounts, NoiseEstimate, estimate_noise


@pytest.mark.parametrize("calibrate", [True, False])
def test_noise_estimate_fields(contract_case, calibrate):
    est = estimate_noise(contract_case.labels, contract_case.pred_probs, calibrate=calibrate)
    k = contract_case.n_classes
    assert isinstance(est, NoiseEstimate)
    assert dataclasses.is_dataclass(est)
    for name in ("confident_joint", "joint", "noise_matrix", "inverse_noise_matrix"):
        assert getattr(est, name).shape == (k, k), name
    assert est.confident_joint.dtype.kind in "iu"
    assert est.prior.shape == (k,) and est.thresholds.shape == (k,)
    for name in ("confident_joint", "joint", "noise_matrix", "inverse_noise_matrix", "prior"):
        assert not getattr(est, name).flags.writeable, name
    assert not est.thresholds.flags.writeable
    np.testing.assert_allclose(est.joint.sum(), 1.0, rtol=1e-12)
    np.testing.assert_allclose(est.noise_matrix.sum(axis=0), 1.0, rtol=1e-12)
    np.testing.assert_allclose(est.inverse_noise_matrix.sum(axis=0), 1.0, rtol=1e-12)
    np.testing.assert_allclose(est.prior.sum(), 1.0, rtol=1e-12)
    assert est.noise_rate == pytest.approx(1.0 - np.trace(est.joint))
    if calibrate:  # calibrated rows sum to the label counts
        np.testing.assert_array_equal(
            est.confident_joint.sum(axis=1), np.bincount(contract_case.labels, minlength=k)
        )
    assert est.classes is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        est.prior = est.prior  # type: ignore[misc]


def test_issue_counts(contract_case):
    counts = estimate_noise(contract_case.labels, contract_case.pred_probs).num_issues
    assert isinstance(counts, IssueCounts)
    assert isinstance(counts.off_diagonal, int)
    assert isinstance(counts.off_diagonal_calibrated, int)
    assert counts["off_diagonal"] == counts.off_diagonal
    assert counts["off_diagonal_calibrated"] == counts.off_diagonal_calibrated
    assert 0 <= counts.off_diagonal <= contract_case.n
    with pytest.raises(KeyError):
        counts["prior"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        counts.off_diagonal = 0  # type: ignore[misc]
