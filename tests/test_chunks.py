"""Row blocks (``_chunks.py``): tiny blocks, so that every block boundary is crossed, give
cleanlab 2.9.0's answers for all three public functions."""

from __future__ import annotations

import numpy as np
import pytest

from _helpers import SCORE_METHODS
from labelnoise import estimate_noise, find_label_issues, label_quality_scores
from labelnoise.detect._registry import CONFIDENT_LEARNING

pytest.importorskip("cleanlab")


@pytest.mark.parametrize("seed", range(30))
def test_tiny_chunks_match_cleanlab(seed, problem, oracle, monkeypatch, request):
    """The default problems fit in one block; force blocks of a few rows each."""
    rng = np.random.default_rng([seed, 5])
    case = problem(
        40_000 + seed,
        n=int(rng.integers(10, 400)),
        n_classes=int(rng.choice([2, 3, 5, 10, 30])),
        noise=float(rng.choice([0.1, 0.3, 0.5])),
        decimals=[None, 1, 2][seed % 3],
        duplicate_fraction=0.1 * (seed % 2),
        missing_classes=seed % 5 == 0,
        tiny_classes=seed % 4 == 0,
        dtype=[np.float32, np.float64][seed % 2],
    )
    row_bytes = case.n_classes * case.pred_probs.itemsize
    monkeypatch.setattr("labelnoise._chunks.DEFAULT_CHUNK_BYTES", row_bytes * (1 + seed % 7))
    labels, pred_probs = case.labels, case.pred_probs
    for method in CONFIDENT_LEARNING:
        expected = oracle.find_label_issues(labels, pred_probs, method)
        got = find_label_issues(labels, pred_probs, method=method, rank_by="normalized_margin")
        np.testing.assert_array_equal(got.mask, expected, err_msg=f"{case!r} {method}")
    for method in SCORE_METHODS:
        np.testing.assert_array_equal(
            label_quality_scores(labels, pred_probs, method=method),
            oracle.label_quality_scores(labels, pred_probs, method),
        )
    np.testing.assert_array_equal(
        label_quality_scores(
            labels, pred_probs, method="normalized_margin", adjust_pred_probs=True
        ),
        oracle.label_quality_scores(labels, pred_probs, "normalized_margin", True),
    )
    for calibrate in (False, True):
        est = estimate_noise(labels, pred_probs, calibrate=calibrate)
        ref = oracle.estimate_noise(labels, pred_probs, calibrate=calibrate)
        np.testing.assert_array_equal(est.confident_joint, ref["confident_joint"])
    assert (
        est.num_issues.off_diagonal == oracle.num_label_issues(labels, pred_probs)["off_diagonal"]
    )
