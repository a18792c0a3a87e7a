"""Contracts of the public multilabel functions: shapes, types, read-only results,
input formats, inputs never modified, and properties (Hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import sparse

from labelnoise import multilabel
from labelnoise.multilabel import MultilabelIssues, MultilabelNoise


def test_issues_fields(make_tag_case):
    case = make_tag_case(1, n=150, n_classes=4)
    issues = multilabel.find_label_issues(case.tags, case.pred_probs)
    assert isinstance(issues, MultilabelIssues)
    n, k = case.tags.shape
    assert issues.mask.shape == issues.scores.shape == (n,)
    for name in ("given_labels", "suggested_labels", "missing", "wrong"):
        assert getattr(issues, name).shape == (n, k)
        assert getattr(issues, name).dtype == bool
    np.testing.assert_array_equal(issues.given_labels, case.tags)
    np.testing.assert_array_equal(issues.mask, issues.tag_issues.any(axis=1))
    np.testing.assert_array_equal(np.sort(issues.indices), np.flatnonzero(issues.mask))
    assert np.all(np.diff(issues.scores[issues.indices]) >= 0)
    assert len(issues) == issues.mask.sum() and issues.rate == len(issues) / n
    for name in ("mask", "indices", "scores", "missing", "wrong", "given_labels"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(issues, name)[0] = 0
    assert "flagged" in repr(issues)
    frame = issues.to_frame()
    assert list(frame.columns) == [
        "is_label_issue",
        "label_quality",
        "given_labels",
        "suggested_labels",
        "missing_tags",
        "wrong_tags",
    ]
    row = int(issues.indices[0])
    assert frame.loc[row, "given_labels"] == ";".join(map(str, np.flatnonzero(case.tags[row])))


def test_formats_agree(make_tag_case):
    """Tag lists, a 0/1 int matrix, a bool matrix, a DataFrame and names give one result."""
    case = make_tag_case(2, n=80, n_classes=3)
    names = ["beach", "dog", "sky"]
    by_name = [[names[c] for c in row] for row in case.lists]
    results = [
        multilabel.find_label_issues(case.lists, case.pred_probs),
        multilabel.find_label_issues(case.tags.astype(int), case.pred_probs),
        multilabel.find_label_issues(case.tags, case.pred_probs),
        multilabel.find_label_issues(pd.DataFrame(case.tags.astype(int)), case.pred_probs),
        multilabel.find_label_issues([tuple(r) for r in case.lists], case.pred_probs),
        multilabel.find_label_issues(pd.Series(case.lists), case.pred_probs),
        multilabel.find_label_issues(sparse.csr_matrix(case.tags.astype(int)), case.pred_probs),
        multilabel.find_label_issues(
            pd.DataFrame(case.tags, columns=names), case.pred_probs, classes=names
        ),
        multilabel.find_label_issues(by_name, case.pred_probs, classes=names),
    ]
    for other in results[1:]:
        np.testing.assert_array_equal(other.mask, results[0].mask)
        np.testing.assert_array_equal(other.scores, results[0].scores)
    assert results[-1].classes.tolist() == names
    assert results[0].classes.tolist() == [0, 1, 2]


def test_inputs_not_modified(make_tag_case):
    case = make_tag_case(3)
    tags, probs = case.tags.copy(), case.pred_probs.copy()
    tags.setflags(write=False)
    probs.setflags(write=False)
    multilabel.find_label_issues(tags, probs, adjust_pred_probs=True)
    multilabel.estimate_noise(tags, probs)
    np.testing.assert_array_equal(tags, case.tags)
    np.testing.assert_array_equal(probs, case.pred_probs)


def test_list_and_frame_inputs_not_modified(make_tag_case):
    case = make_tag_case(6, n=60, n_classes=3)
    lists = [list(row) for row in case.lists]
    frame = pd.DataFrame(case.tags.astype(int), columns=["a", "b", "c"])
    probs = pd.DataFrame(case.pred_probs, columns=["a", "b", "c"])
    names = [[("a", "b", "c")[c] for c in row] for row in lists]
    multilabel.find_label_issues(lists, case.pred_probs)
    multilabel.find_label_issues(names, probs, classes=["a", "b", "c"], adjust_pred_probs=True)
    multilabel.label_quality_scores(frame, probs, classes=["a", "b", "c"])
    assert lists == case.lists
    assert names == [[("a", "b", "c")[c] for c in row] for row in case.lists]
    np.testing.assert_array_equal(frame.to_numpy(), case.tags.astype(int))
    np.testing.assert_array_equal(probs.to_numpy(), case.pred_probs)


def test_estimate_noise_fields(make_tag_case):
    case = make_tag_case(4, n=190, n_classes=5)
    est = multilabel.estimate_noise(case.tags, case.pred_probs)
    assert isinstance(est, MultilabelNoise)
    assert est.confident_joint.shape == (5, 2, 2)
    np.testing.assert_array_equal(est.confident_joint.sum(axis=(1, 2)), np.full(5, 190))
    np.testing.assert_array_equal(est.confident_joint[:, 1].sum(axis=1), case.tags.sum(axis=0))
    for rate in (est.missing_rate, est.wrong_rate, est.prior):
        assert rate.shape == (5,) and np.all((rate >= 0) & (rate <= 1))
    truly_in = est.confident_joint[:, 0, 1] + est.confident_joint[:, 1, 1]
    np.testing.assert_allclose(est.missing_rate * truly_in, est.num_missing)
    assert list(est.to_frame().columns)[:3] == ["prior", "missing_rate", "wrong_rate"]


def test_clean_confident_data_has_no_issues():
    tags = np.array([[1, 0], [0, 1], [1, 1], [0, 0]] * 10, dtype=bool)
    probs = np.where(tags, 0.95, 0.05)
    issues = multilabel.find_label_issues(tags, probs)
    assert len(issues) == 0
    assert multilabel.estimate_noise(tags, probs).num_missing.tolist() == [0, 0]


def test_missing_and_wrong_tags_are_found():
    """A confidently missing tag and a confidently wrong tag, among clean examples."""
    tags = np.array([[1, 0], [0, 1], [1, 1], [0, 0]] * 10, dtype=bool)
    probs = np.where(tags, 0.9, 0.1)
    probs[0, 1] = 0.97  # row 0 is not given tag 1, which the model is sure it has
    probs[5, 1] = 0.02  # row 5 is given tag 1, which the model is sure it lacks
    issues = multilabel.find_label_issues(tags, probs)
    assert issues.missing[0, 1] and issues.wrong[5, 1]
    assert set(issues.indices.tolist()) == {0, 5}


def test_ranked_methods_mark_a_tag_on_every_flagged_row(make_tag_case):
    case = make_tag_case(5, n=120, n_classes=4)
    issues = multilabel.find_label_issues(case.tags, case.pred_probs, method="low_self_confidence")
    np.testing.assert_array_equal(issues.tag_issues.any(axis=1), issues.mask)


def test_aggregations_bounds_and_order():
    scores = np.array([[0.9, 0.2, 0.7], [0.5, 0.5, 0.5], [1.0, 1.0, 0.0]])
    tags = np.ones_like(scores, dtype=bool)
    for aggregation in ("exponential_moving_average", "softmin", "min", "likelihood"):
        agg = multilabel.label_quality_scores(tags, scores, aggregation=aggregation)
        assert np.all((agg >= 0) & (agg <= 1))
    assert multilabel.label_quality_scores(tags, scores, aggregation="min").tolist() == [
        0.2,
        0.5,
        0.0,
    ]
    np.testing.assert_allclose(
        multilabel.label_quality_scores(tags, scores, aggregation="likelihood"),
        [0.9 * 0.2 * 0.7, 0.125, 0.0],
        atol=1e-11,
    )
    # alpha=1: the moving average ends at the worst tag
    ema = multilabel.label_quality_scores(
        tags, scores, aggregation="exponential_moving_average", alpha=1.0
    )
    np.testing.assert_allclose(ema, [0.2, 0.5, 0.0])


EMA = {"aggregation": "exponential_moving_average"}


def _slow_softmin(row: list[float], temperature: float) -> float:
    weights = [math.exp((1 - s) / temperature) for s in row]
    return sum(w * s for w, s in zip(weights, row, strict=True)) / sum(weights)


@given(st.integers(1, 40), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_default_is_softmin_and_matches_slow_loop(n, k, seed):
    rng = np.random.default_rng(seed)
    tags = rng.random((n, k)) < 0.4
    probs = rng.random((n, k))
    scores = multilabel.label_quality_scores(tags, probs)
    per_tag = np.where(tags, probs, 1 - probs)
    slow = [_slow_softmin(row, 0.2) for row in per_tag.tolist()]
    np.testing.assert_allclose(scores, slow, rtol=1e-12, atol=1e-12)
    issues = multilabel.find_label_issues(tags, probs)
    np.testing.assert_array_equal(issues.scores, scores)
    assert issues.score_method == "self_confidence/softmin"
    reference = multilabel.find_label_issues(tags, probs, **EMA)  # the aggregation ranks only
    np.testing.assert_array_equal(issues.mask, reference.mask)
    np.testing.assert_array_equal(issues.missing, reference.missing)
    np.testing.assert_array_equal(issues.wrong, reference.wrong)


def _slow_ema(row: list[float], alpha: float) -> float:
    ordered = sorted(row, reverse=True)
    value = ordered[0]
    for s in ordered[1:]:
        value = alpha * s + (1 - alpha) * value
    return value


@given(
    st.integers(1, 40),
    st.integers(1, 6),
    st.integers(0, 2**32 - 1),
    st.floats(0.0, 1.0),
)
def test_ema_matches_slow_loop_and_is_permutation_equivariant(n, k, seed, alpha):
    rng = np.random.default_rng(seed)
    tags = rng.random((n, k)) < 0.4
    probs = rng.random((n, k))
    scores = multilabel.label_quality_scores(tags, probs, alpha=alpha, **EMA)
    per_tag = np.where(tags, probs, 1 - probs)
    slow = [_slow_ema(row, alpha) for row in per_tag.tolist()]
    np.testing.assert_allclose(scores, slow, rtol=1e-12, atol=1e-12)
    rows, cols = rng.permutation(n), rng.permutation(k)
    permuted = multilabel.label_quality_scores(
        tags[rows][:, cols], probs[rows][:, cols], alpha=alpha, **EMA
    )
    np.testing.assert_allclose(permuted, scores[rows], rtol=1e-12, atol=1e-12)
    assert np.all((scores >= 0) & (scores <= 1))


@given(st.integers(0, 2**32 - 1))
def test_find_is_row_permutation_equivariant_and_deterministic(seed):
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(10, 60)), int(rng.integers(1, 5))
    tags = rng.random((n, k)) < 0.4
    probs = np.clip(np.where(tags, 0.7, 0.3) + rng.normal(0, 0.25, (n, k)), 0, 1)
    first = multilabel.find_label_issues(tags, probs)
    again = multilabel.find_label_issues(tags, probs)
    np.testing.assert_array_equal(first.mask, again.mask)
    order = rng.permutation(n)
    permuted = multilabel.find_label_issues(tags[order], probs[order])
    # equal margins at a cut may be broken differently; without ties the sets agree
    if np.unique(probs).size == probs.size:
        np.testing.assert_array_equal(permuted.mask, first.mask[order])
        np.testing.assert_array_equal(permuted.missing, first.missing[order])
