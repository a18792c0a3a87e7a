"""``label_quality_scores`` on the real label errors (MNIST and CIFAR-10 test sets, the
``label_errors_dataset`` fixture) equal cleanlab 2.9.0's; skipped without the data."""

from __future__ import annotations

import numpy as np
import pytest

from _helpers import SCORE_METHODS
from labelnoise import label_quality_scores

pytestmark = pytest.mark.realdata


def test_scores_match_cleanlab(label_errors_dataset, oracle):
    name, labels, pred_probs = label_errors_dataset
    for method in SCORE_METHODS:
        np.testing.assert_array_equal(
            label_quality_scores(labels, pred_probs, method=method),
            oracle.label_quality_scores(labels, pred_probs, method),
            err_msg=f"{name} {method}",
        )
