"""Contract tests of ``label_quality_scores``: shapes, dtypes, and two scores by hand."""

from __future__ import annotations

import numpy as np
import pytest

from _helpers import SCORE_METHODS
from labelnoise import label_quality_scores


@pytest.mark.parametrize(
    ("method", "adjust"),
    [(m, False) for m in SCORE_METHODS] + [(m, True) for m in SCORE_METHODS[:2]],
)
def test_label_quality_scores_shape(contract_case, method, adjust):
    scores = label_quality_scores(
        contract_case.labels, contract_case.pred_probs, method=method, adjust_pred_probs=adjust
    )
    assert isinstance(scores, np.ndarray)
    assert scores.shape == (contract_case.n,) and scores.dtype.kind == "f"
    assert np.all(np.isfinite(scores))


def test_self_confidence_is_probability_of_given_label(contract_case):
    scores = label_quality_scores(contract_case.labels, contract_case.pred_probs)
    np.testing.assert_array_equal(
        scores, contract_case.pred_probs[np.arange(contract_case.n), contract_case.labels]
    )


def test_normalized_margin_by_hand(contract_case):
    """``(p[label] - max other + 1) / 2``, recomputed with a slow obvious loop."""
    scores = label_quality_scores(
        contract_case.labels, contract_case.pred_probs, method="normalized_margin"
    )
    expected = []
    for row, label in zip(contract_case.pred_probs, contract_case.labels, strict=True):
        others = max(p for j, p in enumerate(row) if j != label)
        expected.append((row[label] - others + 1) / 2)
    np.testing.assert_allclose(scores, expected, rtol=1e-12)
