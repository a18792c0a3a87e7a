"""Properties that hold for every input (Hypothesis).

Two kinds of generated data:

* ``tie_free`` problems: continuous random probabilities (a seeded factory draws them from a
  seed Hypothesis chooses), for properties that exact ties could legitimately break, such as
  permutation equivariance and float32/float64 agreement;
* ``any_problem``: small-integer weights normalized per row, so exact ties, zero
  probabilities, uniform rows and absent classes are everywhere; for invariants that must
  hold no matter what.
"""

from __future__ import annotations

import random

import numpy as np
from hypothesis import assume, example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from labelnoise import estimate_noise, find_label_issues, label_quality_scores

METHODS = (
    "prune_by_noise_rate",
    "prune_by_class",
    "both",
    "confident_learning",
    "predicted_neq_given",
    "low_normalized_margin",
    "low_self_confidence",
)
CONFIDENT_METHODS = METHODS[:5]
RANK_BY = (None, "self_confidence", "normalized_margin", "confidence_weighted_entropy")


@st.composite
def tie_free(draw, max_n: int = 80, max_classes: int = 6, dtype=np.float64):
    """Continuous Dirichlet/softmax probabilities and noisy labels (no exact ties)."""
    n = draw(st.integers(5, max_n))
    n_classes = draw(st.integers(2, max_classes))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    true = rng.integers(0, n_classes, size=n)
    logits = rng.normal(size=(n, n_classes)) * draw(st.sampled_from([0.5, 1.0, 3.0]))
    logits[np.arange(n), true] += draw(st.floats(0.0, 4.0))
    expo = np.exp(logits - logits.max(axis=1, keepdims=True))
    pred_probs = (expo / expo.sum(axis=1, keepdims=True)).astype(dtype)
    labels = np.where(
        rng.random(n) < draw(st.floats(0.0, 0.6)), rng.integers(0, n_classes, n), true
    )
    if np.unique(labels).size < 2:
        labels[0] = (labels[0] + 1) % n_classes
    return labels, pred_probs


@st.composite
def any_problem(draw, max_n: int = 40, max_classes: int = 6):
    """Rows of small integer weights, normalized: ties, zeros, uniform rows, absent classes."""
    n = draw(st.integers(1, max_n))
    n_classes = draw(st.integers(2, max_classes))
    weights = draw(
        hnp.arrays(np.int64, (n, n_classes), elements=st.integers(0, draw(st.integers(1, 10))))
    )
    weights[weights.sum(axis=1) == 0] = 1
    pred_probs = weights / weights.sum(axis=1, keepdims=True)
    labels = draw(hnp.arrays(np.int64, n, elements=st.integers(0, n_classes - 1)))
    if draw(st.booleans()):
        pred_probs = pred_probs.astype(np.float32)
    return labels, pred_probs


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
        "method": st.sampled_from(METHODS),
        "rank_by": st.sampled_from(RANK_BY),
        "min_examples_per_class": st.integers(0, 5),
    }
)


# --------------------------------------------------------------------------------------------
# Invariants on any input, ties included
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


@given(any_problem(), st.booleans())
def test_noise_estimate_is_a_distribution(problem, calibrate):
    labels, pred_probs = problem
    est = estimate_noise(labels, pred_probs, calibrate=calibrate)
    k = pred_probs.shape[1]
    assert np.all(est.confident_joint >= 0)
    assert np.all(est.joint >= 0) and abs(est.joint.sum() - 1) < 1e-9
    assert np.all(est.prior > 0) and abs(est.prior.sum() - 1) < 1e-9
    for matrix in (est.noise_matrix, est.inverse_noise_matrix):
        assert np.all((matrix >= 0) & (matrix <= 1 + 1e-12))
        sums = matrix.sum(axis=0)
        assert np.all((np.abs(sums - 1) < 1e-9) | (sums == 0))
    if calibrate:
        counts = np.bincount(labels, minlength=k)
        np.testing.assert_array_equal(est.confident_joint.sum(axis=1), counts)
    assert 0 <= est.num_issues.off_diagonal <= labels.size
    assert 0 <= est.num_issues.off_diagonal_calibrated <= labels.size


@given(any_problem(), st.sampled_from(("prune_by_noise_rate", "prune_by_class", "both")))
def test_frac_noise_zero_flags_nothing(problem, method):
    labels, pred_probs = problem
    assert len(find_label_issues(labels, pred_probs, method=method, frac_noise=0.0)) == 0


@given(any_problem(), st.sampled_from(("prune_by_noise_rate", "prune_by_class", "both")))
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
# Properties that exact ties may legitimately break: tie-free data only
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


@given(tie_free(), st.randoms(use_true_random=False))
def test_permuting_rows_keeps_the_noise_estimate(problem, rnd):
    labels, pred_probs = problem
    perm = np.array(rnd.sample(range(labels.size), labels.size))
    base = estimate_noise(labels, pred_probs)
    moved = estimate_noise(labels[perm], pred_probs[perm])
    np.testing.assert_array_equal(moved.confident_joint, base.confident_joint)
    np.testing.assert_allclose(moved.noise_matrix, base.noise_matrix, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(moved.thresholds, base.thresholds, rtol=1e-12)
    assert moved.num_issues == base.num_issues


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
