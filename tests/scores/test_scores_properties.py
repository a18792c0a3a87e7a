"""Properties of ``label_quality_scores`` that hold for every input (Hypothesis); the data
(``tie_free``, ``any_problem``) are described in ``_helpers.py``."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from _helpers import RANK_BY, any_problem, tie_free
from labelnoise import label_quality_scores


@given(any_problem(), st.sampled_from(["self_confidence", "normalized_margin"]), st.booleans())
def test_scores_bounded(problem, method, adjust):
    labels, pred_probs = problem
    scores = label_quality_scores(labels, pred_probs, method=method, adjust_pred_probs=adjust)
    assert scores.shape == labels.shape
    assert np.all((scores >= 0) & (scores <= 1))


@given(any_problem())
def test_confidence_weighted_entropy_is_finite_and_positive(problem):
    labels, pred_probs = problem
    scores = label_quality_scores(labels, pred_probs, method="confidence_weighted_entropy")
    assert np.all(np.isfinite(scores)) and np.all(scores >= 0)


@given(tie_free(), st.sampled_from(RANK_BY[1:]), st.booleans())
def test_permuting_rows_permutes_scores(problem, method, adjust):
    labels, pred_probs = problem
    adjust = adjust and method != "confidence_weighted_entropy"
    perm = np.random.default_rng(labels.size).permutation(labels.size)
    base = label_quality_scores(labels, pred_probs, method=method, adjust_pred_probs=adjust)
    moved = label_quality_scores(
        labels[perm], pred_probs[perm], method=method, adjust_pred_probs=adjust
    )
    np.testing.assert_allclose(moved, base[perm], rtol=1e-12)
