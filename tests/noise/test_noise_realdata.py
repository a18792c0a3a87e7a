"""``estimate_noise`` on the real label errors (MNIST and CIFAR-10 test sets, the
``label_errors_dataset`` fixture) equals cleanlab 2.9.0's; skipped without the data."""

from __future__ import annotations

import numpy as np
import pytest

from _helpers import NOISE_FLOAT_FIELDS
from labelnoise import estimate_noise

pytestmark = pytest.mark.realdata


def test_noise_matches_cleanlab(label_errors_dataset, oracle):
    _, labels, pred_probs = label_errors_dataset
    est = estimate_noise(labels, pred_probs)
    ref = oracle.estimate_noise(labels, pred_probs)
    np.testing.assert_array_equal(est.confident_joint, ref["confident_joint"])
    for field in NOISE_FLOAT_FIELDS:
        np.testing.assert_allclose(getattr(est, field), ref[field], rtol=1e-12, err_msg=field)
    counts = oracle.num_label_issues(labels, pred_probs)
    assert est.num_issues.off_diagonal == counts["off_diagonal"]
    assert est.num_issues.off_diagonal_calibrated == counts["off_diagonal_calibrated"]
