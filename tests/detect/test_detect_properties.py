"""Properties of ``find_label_issues`` that hold for every input (Hypothesis).

Two kinds of generated data (``_helpers.py``):

* ``tie_free`` problems: continuous random probabilities (a seeded factory draws them from a
  seed Hypothesis chooses), for properties that exact ties could legitimately break, such as
  permutation equivariance and float32/float64 agreement; the detectors beyond confident
  learning get features with them;
* ``any_problem``: small-integer weights normalized per row, so exact ties, zero
  probabilities, uniform rows and absent classes are everywhere; for invariants that must
  hold no matter what.
"""

from __future__ import annotations

import random

import numpy as np
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from _helpers import RANK_BY, any_problem, tie_free
from labelnoise import estimate_noise, find_label_issues
from labelnoise.detect import clean_probability
from labelnoise.detect._registry import CONFIDENT_LEARNING, PRUNE_METHODS

CONFIDENT_METHODS = CONFIDENT_LEARNING[:5]

# Found by test_float32_and_float64_agree_away_from_ties: tie-free, two classes, and a
# prune_by_noise_rate cell with a positive quota but no candidate row.
EMPTY_CELL_PROBLEM = (
    np.array([1, 0, 0, 0, 1, 1, 0, 0]),
    np.array(
        [
            [0.44158566, 0.55841434],
            [0.5032213, 0.49677873],
            [0.7271115, 0.27288845],
            [0.7696901, 0.23030993],
            [0.68872416, 0.31127584],
            [0.429125, 0.570875],
            [0.7574477, 0.24255228],
            [0.7449868, 0.25501326],
        ],
        dtype=np.float32,
    ),
)
EMPTY_CELL_OPTIONS = {"method": "prune_by_noise_rate", "rank_by": None, "min_examples_per_class": 0}

options = st.fixed_dictionaries(
    {
        "method": st.sampled_from(CONFIDENT_LEARNING),
        "rank_by": st.sampled_from(RANK_BY),
        "min_examples_per_class": st.integers(0, 5),
    }
)


# --------------------------------------------------------------------------------------------
# Confident learning: invariants on any input, ties included
# --------------------------------------------------------------------------------------------


@given(any_problem(), options)
def test_result_is_consistent(problem, opts):
    labels, pred_probs = problem
    issues = find_label_issues(labels, pred_probs, **opts)
    n = labels.shape[0]
    assert 0 <= len(issues) <= n
    assert issues.mask.shape == (n,)
    np.testing.assert_array_equal(np.sort(issues.indices), np.flatnonzero(issues.mask))
    assert np.all(np.diff(issues.scores[issues.indices]) >= 0)  # worst first


@given(any_problem(), st.sampled_from(CONFIDENT_METHODS), st.integers(0, 3))
def test_top_class_is_never_flagged(problem, method, minimum):
    """An example whose given label has the (possibly shared) top probability is fine."""
    labels, pred_probs = problem
    issues = find_label_issues(labels, pred_probs, method=method, min_examples_per_class=minimum)
    own = pred_probs[np.arange(labels.size), labels]
    top = own >= pred_probs.max(axis=1)
    assert not np.any(issues.mask & top)
    assert not np.any(issues.mask & (pred_probs.argmax(axis=1) == labels))


@given(any_problem())
def test_predicted_neq_given_is_argmax_disagreement(problem):
    labels, pred_probs = problem
    mask = find_label_issues(labels, pred_probs, method="predicted_neq_given").mask
    own = pred_probs[np.arange(labels.size), labels]
    expected = (pred_probs.argmax(axis=1) != labels) & (own < pred_probs.max(axis=1))
    np.testing.assert_array_equal(mask, expected)


@given(any_problem(), options)
def test_deterministic(problem, opts):
    labels, pred_probs = problem
    first = find_label_issues(labels, pred_probs, **opts)
    second = find_label_issues(labels.copy(), pred_probs.copy(), **opts)
    np.testing.assert_array_equal(first.mask, second.mask)
    np.testing.assert_array_equal(first.indices, second.indices)
    np.testing.assert_array_equal(first.scores, second.scores)
    a, b = estimate_noise(labels, pred_probs), estimate_noise(labels, pred_probs)
    np.testing.assert_array_equal(a.confident_joint, b.confident_joint)
    np.testing.assert_array_equal(a.noise_matrix, b.noise_matrix)
    assert a.num_issues == b.num_issues


_TRUNCATED = (  # Hypothesis's counterexample to "flags nothing": class 0 keeps 1 of 2
    np.array([0, 2, 1, 1, 0]),
    np.array([[0, 1, 0, 0], [0.25] * 4, [0.25] * 4, [0.25] * 4, [0, 0, 1, 0]], dtype=float),
)


@given(any_problem(), st.sampled_from(PRUNE_METHODS))
@example(_TRUNCATED, "prune_by_class")
def test_frac_noise_zero_flags_next_to_nothing(problem, method):
    """``frac_noise=0`` keeps every count on the diagonal, so nothing is flagged, except
    that the reference truncates each class's (calibrated, floating-point) total to an
    integer: a total a hair below ``n_k`` leaves one example of the class to
    ``prune_by_class`` (cleanlab 2.9.0 flags it too; the parity tests hold that)."""
    labels, pred_probs = problem
    issues = find_label_issues(labels, pred_probs, method=method, frac_noise=0.0)
    if method == "prune_by_class":
        flagged_per_class = np.bincount(labels[issues.mask], minlength=pred_probs.shape[1])
        assert flagged_per_class.max(initial=0) <= 1
    else:
        assert len(issues) == 0


@given(any_problem(), st.sampled_from(PRUNE_METHODS))
def test_huge_min_examples_per_class_flags_nothing(problem, method):
    labels, pred_probs = problem
    issues = find_label_issues(labels, pred_probs, method=method, min_examples_per_class=10**6)
    assert len(issues) == 0


@given(any_problem())
def test_both_is_the_intersection(problem):
    labels, pred_probs = problem
    by_rate = find_label_issues(labels, pred_probs, method="prune_by_noise_rate").mask
    by_class = find_label_issues(labels, pred_probs, method="prune_by_class").mask
    both = find_label_issues(labels, pred_probs, method="both").mask
    np.testing.assert_array_equal(both, by_rate & by_class)


@given(any_problem(), st.sampled_from(["low_self_confidence", "low_normalized_margin"]))
def test_low_score_methods_flag_the_estimated_count(problem, method):
    labels, pred_probs = problem
    flagged = len(find_label_issues(labels, pred_probs, method=method))
    assert flagged == estimate_noise(labels, pred_probs).num_issues.off_diagonal


# --------------------------------------------------------------------------------------------
# Confident learning: properties that exact ties may legitimately break (tie-free data)
# --------------------------------------------------------------------------------------------


@given(tie_free(), options, st.randoms(use_true_random=False))
@example(EMPTY_CELL_PROBLEM, EMPTY_CELL_OPTIONS, random.Random(0))
def test_permuting_rows_permutes_the_result(problem, opts, rnd):
    labels, pred_probs = problem
    perm = np.array(rnd.sample(range(labels.size), labels.size))
    base = find_label_issues(labels, pred_probs, **opts)
    moved = find_label_issues(labels[perm], pred_probs[perm], **opts)
    np.testing.assert_array_equal(moved.mask, base.mask[perm])
    np.testing.assert_array_equal(moved.scores, base.scores[perm])
    np.testing.assert_array_equal(perm[moved.indices], base.indices)
    np.testing.assert_array_equal(moved.suggested_labels, base.suggested_labels[perm])


def _min_gap(values: np.ndarray) -> float:
    values = np.sort(np.asarray(values, dtype=np.float64).ravel())
    return float(np.min(np.diff(values))) if values.size > 1 else np.inf


def _well_separated(labels: np.ndarray, pred_probs: np.ndarray, gap: float = 1e-5) -> bool:
    """True when no decision can flip between float32 and float64 arithmetic: every
    quantity that is sorted or compared with a cut is at least ``gap`` from the others."""
    p = pred_probs.astype(np.float64)
    n, k = p.shape
    rows = np.arange(n)
    own = p[rows, labels]
    others = p.copy()
    others[rows, labels] = -np.inf
    margin = own - others.max(axis=1)
    entropy = -np.sum(p * np.log(p), axis=1) / np.log(k)
    checks = [
        np.min(np.abs(margin)) > gap,  # argmax and the 1e-6 "given is argmax" slack
        _min_gap(own) > gap,  # ranking by self-confidence, prune_by_class
        _min_gap(margin) > gap,  # ranking by normalized margin
        _min_gap(entropy / own) > gap,  # ranking by confidence-weighted entropy
        np.all(np.diff(np.sort(p, axis=1)[:, -2:], axis=1) > gap),  # argmax of each row
    ]
    for c in range(k):
        members = labels == c
        if members.any():  # the confident threshold cut of column c
            cut = p[members, c].mean() - 1e-6
            checks.append(np.min(np.abs(p[:, c] - cut)) > gap)
            for j in np.flatnonzero(np.arange(k) != c):  # prune_by_noise_rate's order
                checks.append(_min_gap(p[members, j] - p[members, c]) > gap)
    return bool(all(checks))


@given(tie_free(max_n=30, max_classes=4, dtype=np.float32), options)
@example(EMPTY_CELL_PROBLEM, EMPTY_CELL_OPTIONS)
def test_float32_and_float64_agree_away_from_ties(problem, opts):
    labels, single = problem
    assume(_well_separated(labels, single))
    double = single.astype(np.float64)  # the very same numbers, computed in float64
    a = find_label_issues(labels, single, **opts)
    b = find_label_issues(labels, double, **opts)
    np.testing.assert_array_equal(a.mask, b.mask)
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_allclose(a.scores, b.scores, rtol=1e-5, atol=1e-6)
    ea, eb = estimate_noise(labels, single), estimate_noise(labels, double)
    np.testing.assert_array_equal(ea.confident_joint, eb.confident_joint)
    assert ea.num_issues == eb.num_issues


# --------------------------------------------------------------------------------------------
# The detectors beyond confident learning (tie-free data with features)
# --------------------------------------------------------------------------------------------


def tie_free_with_features(max_n: int = 60):
    """Tie-free labels, probabilities and features, at most 5 classes."""
    return tie_free(max_n, max_classes=5, features=True)


def _permuted_equal(method, labels, pred_probs, features, rtol=1e-9, **options):
    perm = np.random.default_rng(0).permutation(labels.shape[0])
    a = find_label_issues(labels, pred_probs, features=features, method=method, **options)
    b = find_label_issues(
        labels[perm],
        None if pred_probs is None else pred_probs[perm],
        features=None if features is None else features[perm],
        method=method,
        **options,
    )
    np.testing.assert_array_equal(a.mask[perm], b.mask)
    np.testing.assert_allclose(a.scores[perm], b.scores, rtol=rtol, atol=rtol * 1e-3)
    np.testing.assert_array_equal(a.suggested_labels[perm], b.suggested_labels)
    if rtol <= 1e-9:  # the ranking too; rows whose score is unique keep their place
        np.testing.assert_array_equal(a.scores[a.indices], b.scores[b.indices])
        ranked = a.scores[a.indices]
        values, counts = np.unique(ranked, return_counts=True)
        unique = np.isin(ranked, values[counts == 1])
        np.testing.assert_array_equal(perm[b.indices][unique], a.indices[unique])


@settings(max_examples=15)
@given(tie_free_with_features())
def test_auto_permutation_equivariant(problem):
    labels, pred_probs, _ = problem
    _permuted_equal("auto", labels, pred_probs, None)
    # the ranking too: equal rank-mix scores are ordered by margin, not by row position
    perm = np.random.default_rng(0).permutation(labels.shape[0])
    a = find_label_issues(labels, pred_probs, method="auto")
    b = find_label_issues(labels[perm], pred_probs[perm], method="auto")
    np.testing.assert_array_equal(perm[b.indices], a.indices)


@settings(max_examples=15)
@given(tie_free_with_features())
def test_knn_permutation_equivariant(problem):
    labels, _, features = problem
    _permuted_equal("knn", labels, None, features, n_neighbors=3)


@settings(max_examples=15)
@given(tie_free_with_features(), st.booleans())
def test_auto_with_features_permutation_equivariant(problem, with_probs):
    """Neighbour votes tie often; similarity-weighted votes order them, not positions."""
    labels, pred_probs, features = problem
    _permuted_equal("auto", labels, pred_probs if with_probs else None, features, n_neighbors=5)


@settings(max_examples=10, deadline=None)
@given(
    tie_free_with_features(max_n=80),
    st.sampled_from(["linear_separation", "linear_separation_small_loss"]),
    st.booleans(),
)
def test_linear_separation_permutation_equivariant(problem, method, with_probs):
    """The cross-fitting halves follow the rows' content, not their positions (the
    classifiers' solver sees the rows in another order, hence the tolerance)."""
    labels, pred_probs, features = problem
    if method == "linear_separation_small_loss":
        with_probs = True
    _permuted_equal(
        method, labels, pred_probs if with_probs else None, features, rtol=1e-4, n_neighbors=5
    )


@settings(max_examples=15)
@given(tie_free_with_features(), st.sampled_from(["gaussian", "beta"]), st.booleans())
def test_clean_probability_bounds_and_equivariance(problem, mixture, per_class):
    labels, pred_probs, _ = problem
    p = clean_probability(labels, pred_probs, mixture=mixture, per_class=per_class)
    assert p.shape == labels.shape and np.all((p >= 0) & (p <= 1))
    perm = np.random.default_rng(1).permutation(labels.shape[0])
    q = clean_probability(labels[perm], pred_probs[perm], mixture=mixture, per_class=per_class)
    np.testing.assert_allclose(p[perm], q, rtol=1e-6, atol=1e-9)


@settings(max_examples=15)
@given(tie_free_with_features(), st.sampled_from(["auto", "small_loss", "knn"]))
def test_bounds(problem, method):
    labels, pred_probs, features = problem
    issues = find_label_issues(
        labels,
        None if method == "knn" else pred_probs,
        features=features if method == "knn" else None,
        method=method,
    )
    assert 0 <= len(issues) <= labels.shape[0]
    assert np.all((issues.scores >= 0) & (issues.scores <= 1))
    assert np.all(np.diff(issues.scores[issues.indices]) >= 0)


@settings(max_examples=10)
@given(tie_free_with_features())
def test_mean_of_identical_models_is_the_model(problem):
    labels, pred_probs, _ = problem
    for ensemble in ("mean", "weighted"):
        a = find_label_issues(labels, [pred_probs, pred_probs], method="auto", ensemble=ensemble)
        b = find_label_issues(labels, pred_probs, method="auto")
        np.testing.assert_array_equal(a.mask, b.mask)
