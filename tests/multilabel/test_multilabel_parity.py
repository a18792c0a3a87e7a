"""Parity with cleanlab 2.9.0's ``multilabel_classification`` on seeded random cases.

cleanlab is the oracle only (a test dependency, installed by ``make test``); it runs with
``n_jobs=1``, which gives the same results as its process pool, faster on small inputs.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from cleanlab.count import compute_confident_joint
from cleanlab.multilabel_classification import filter as ref_filter
from cleanlab.multilabel_classification import rank as ref_rank

from _helpers import SCORE_METHODS
from labelnoise import multilabel

DEFAULT_SEEDS = range(200)
SEEDS = range(0, 200, 20)  # 10 cases for each option


@pytest.fixture(autouse=True)
def _quiet() -> None:
    warnings.filterwarnings("ignore", module="cleanlab")


#: The reference's aggregation (our default is softmin; docs/multilabel.md says why).
REFERENCE = {"aggregation": "exponential_moving_average"}


@pytest.mark.parametrize("seed", DEFAULT_SEEDS)
def test_defaults_match_reference(seed, make_tag_case):
    """Mask, ranking and scores, on 200 cases (tag lists in, as there)."""
    case = make_tag_case(seed)
    ours = multilabel.find_label_issues(case.lists, case.pred_probs, **REFERENCE)
    ref_mask = ref_filter.find_label_issues(case.lists, case.pred_probs, n_jobs=1)
    ref_indices = ref_filter.find_label_issues(
        case.lists, case.pred_probs, return_indices_ranked_by="self_confidence", n_jobs=1
    )
    np.testing.assert_array_equal(ours.mask, ref_mask)
    np.testing.assert_array_equal(ours.indices, ref_indices)
    np.testing.assert_array_equal(
        ours.scores, ref_rank.get_label_quality_scores(case.lists, case.pred_probs)
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_per_tag_issues_match_reference(seed, make_tag_case):
    case = make_tag_case(seed)
    ours = multilabel.find_label_issues(case.tags, case.pred_probs)
    ref = ref_filter.find_multilabel_issues_per_class(case.lists, case.pred_probs, n_jobs=1)
    np.testing.assert_array_equal(ours.missing | ours.wrong, ref)
    np.testing.assert_array_equal(ours.missing & case.tags, np.zeros_like(case.tags))
    np.testing.assert_array_equal(ours.wrong & ~case.tags, np.zeros_like(case.tags))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    "method",
    [
        "prune_by_class",
        "both",
        "confident_learning",
        "predicted_neq_given",
        "low_self_confidence",
        "low_normalized_margin",
    ],
)
def test_methods_match_reference(seed, method, make_tag_case):
    """The flagged set matches; for the ``low_*`` methods the reference's order is not by
    score (deviations.md), so only the set is compared."""
    case = make_tag_case(seed)
    ours = multilabel.find_label_issues(case.tags, case.pred_probs, method=method)
    ref = ref_filter.find_label_issues(case.lists, case.pred_probs, filter_by=method, n_jobs=1)
    np.testing.assert_array_equal(ours.mask, ref)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("rank_by", ["normalized_margin", "confidence_weighted_entropy"])
def test_ranking_matches_reference(seed, rank_by, make_tag_case):
    case = make_tag_case(seed)
    ours = multilabel.find_label_issues(case.tags, case.pred_probs, rank_by=rank_by, **REFERENCE)
    ref = ref_filter.find_label_issues(
        case.lists, case.pred_probs, return_indices_ranked_by=rank_by, n_jobs=1
    )
    np.testing.assert_array_equal(ours.indices, ref)


@pytest.mark.parametrize("seed", SEEDS)
def test_prune_options_match_reference(seed, make_tag_case):
    case = make_tag_case(seed)
    k = case.tags.shape[1]
    removals = np.random.default_rng(seed).integers(0, 5, k).tolist()
    for kwargs in (
        {"frac_noise": 0.5},
        {"min_examples_per_class": 30},
        {"num_to_remove_per_class": removals},
    ):
        ours = multilabel.find_label_issues(case.tags, case.pred_probs, **kwargs)
        ref = ref_filter.find_label_issues(case.lists, case.pred_probs, n_jobs=1, **kwargs)
        np.testing.assert_array_equal(ours.mask, ref, err_msg=str(kwargs))


AGGREGATIONS = [
    ({"aggregation": "exponential_moving_average", "alpha": 0.5}, {"alpha": 0.5}),
    ({"aggregation": "exponential_moving_average", "alpha": None}, {"alpha": None}),
    ({"aggregation": "softmin", "temperature": 0.1}, {"temperature": 0.1}),
    ({"aggregation": "softmin", "temperature": 1.0}, {"temperature": 1.0}),
]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("method", ["self_confidence", "normalized_margin"])
@pytest.mark.parametrize("adjust", [False, True])
@pytest.mark.parametrize(("ours_kwargs", "ref_kwargs"), AGGREGATIONS)
def test_scores_match_reference(seed, method, adjust, ours_kwargs, ref_kwargs, make_tag_case):
    """Bit for bit: the same per-tag arithmetic in the same order."""
    case = make_tag_case(seed)
    ours = multilabel.label_quality_scores(
        case.tags, case.pred_probs, method=method, adjust_pred_probs=adjust, **ours_kwargs
    )
    aggregator = {"method": ours_kwargs["aggregation"], **ref_kwargs}
    ref = ref_rank.get_label_quality_scores(
        case.lists,
        case.pred_probs,
        method=method,
        adjust_pred_probs=adjust,
        aggregator_kwargs=aggregator,
    )
    np.testing.assert_array_equal(ours, ref)


@pytest.mark.parametrize("seed", SEEDS)
def test_tag_scores_and_joint_match_reference(seed, make_tag_case):
    case = make_tag_case(seed)
    for method in SCORE_METHODS:
        ours = multilabel.tag_quality_scores(case.tags, case.pred_probs, method=method)
        ref = ref_rank.get_label_quality_scores_per_class(
            case.lists, case.pred_probs, method=method
        )
        np.testing.assert_array_equal(ours, np.asarray(ref))
    joint = compute_confident_joint(case.lists, case.pred_probs, multi_label=True)
    ours_joint = multilabel.estimate_noise(case.tags, case.pred_probs).confident_joint
    np.testing.assert_array_equal(ours_joint, joint)


def test_deviation_low_methods_rank_by_score():
    """The reference's ``low_*`` indices pair the flagged rows' scores (in row order) with
    the rows in score order, so its ranking is not by score; ours is (same set)."""
    rng = np.random.default_rng(0)
    tags = rng.random((200, 4)) < 0.4
    probs = np.clip(np.where(tags, 0.7, 0.3) + rng.normal(0, 0.3, (200, 4)), 0, 1)
    lists = [np.flatnonzero(row).tolist() for row in tags]
    ref = ref_filter.find_label_issues(
        lists,
        probs,
        filter_by="low_self_confidence",
        return_indices_ranked_by="self_confidence",
        n_jobs=1,
    )
    ours = multilabel.find_label_issues(tags, probs, method="low_self_confidence", **REFERENCE)
    assert set(ours.indices.tolist()) == set(ref.tolist())
    assert np.all(np.diff(ours.scores[ours.indices]) >= 0)
    assert not np.all(np.diff(ours.scores[ref]) >= 0)


def test_deviation_tag_on_every_example():
    """The reference refuses a tag that every example has; we answer (nothing to flag
    against it is counted, as for a class absent from single-label data)."""
    rng = np.random.default_rng(1)
    tags = rng.random((50, 3)) < 0.4
    tags[:, 2] = True
    probs = rng.random((50, 3))
    lists = [np.flatnonzero(row).tolist() for row in tags]
    with pytest.raises(ValueError, match="at least 2 classes"):
        ref_filter.find_label_issues(lists, probs, n_jobs=1)
    issues = multilabel.find_label_issues(tags, probs)
    assert issues.mask.shape == (50,)


def test_deviation_repeated_tag_is_refused():
    """The reference silently reads ``[1, 1]`` as ``[1]``; a repeated tag is more likely
    a 0/1 indicator row passed as a list, so we refuse it with that hint."""
    probs = np.array([[0.2, 0.9], [0.8, 0.1]])
    ref_filter.find_label_issues([[1, 1], [0]], probs, n_jobs=1)
    with pytest.raises(ValueError, match="repeats a tag"):
        multilabel.find_label_issues([[1, 1], [0]], probs)
