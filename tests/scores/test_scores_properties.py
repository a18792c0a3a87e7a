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


@given(
    seed=st.integers(0, 10_000),
    n_rows=st.integers(0, 60),
    n_cols=st.integers(1, 80),
    dtype=st.sampled_from([np.float32, np.float64]),
)
def test_row_max_column_by_column_is_numpys(seed, n_rows, n_cols, dtype):
    """The normalized margin's row maxima, taken one column at a time for few columns,
    equal ``max(axis=1)`` exactly (ties, -inf for the given label, both dtypes)."""
    from labelnoise.scores._scores import _row_max

    rng = np.random.default_rng(seed)
    values = np.round(rng.random((n_rows, n_cols)), 1).astype(dtype)
    if n_rows:
        values[np.arange(n_rows), rng.integers(0, n_cols, n_rows)] = -np.inf
    got, expected = _row_max(values), values.max(axis=1)
    np.testing.assert_array_equal(got, expected)
    assert got.dtype == expected.dtype
