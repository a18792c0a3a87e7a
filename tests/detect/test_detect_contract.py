"""Contract tests of ``find_label_issues``: the result type for confident learning's
filters and for the detectors beyond them, ensembles of models, and clean_probability."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from _helpers import ISSUE_FIELDS, RANK_BY, assert_same_issues, default_score_method
from labelnoise import LabelIssues, find_label_issues, label_quality_scores
from labelnoise._validation import check_problem
from labelnoise.detect import METHODS, DetectionMethod, clean_probability
from labelnoise.detect._ensemble import likelihood_weights
from labelnoise.detect._registry import CONFIDENT_LEARNING, method_names

# --------------------------------------------------------------------------------------------
# Confident learning's filters
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rank_by", RANK_BY)
@pytest.mark.parametrize("method", CONFIDENT_LEARNING)
def test_label_issues_fields(contract_case, method, rank_by):
    issues = find_label_issues(
        contract_case.labels, contract_case.pred_probs, method=method, rank_by=rank_by
    )
    n = contract_case.n
    assert isinstance(issues, LabelIssues)
    assert issues.method == method
    assert issues.mask.shape == (n,) and issues.mask.dtype == np.bool_
    assert issues.scores.shape == (n,) and issues.scores.dtype.kind == "f"
    assert issues.given_labels.shape == (n,) and issues.suggested_labels.shape == (n,)
    assert issues.indices.ndim == 1 and issues.indices.dtype.kind in "iu"
    assert len(issues) == int(issues.mask.sum()) == issues.indices.shape[0]
    assert issues.rate == pytest.approx(len(issues) / n)
    # indices are exactly the flagged rows, worst (lowest score) first
    np.testing.assert_array_equal(np.sort(issues.indices), np.flatnonzero(issues.mask))
    assert np.all(np.diff(issues.scores[issues.indices]) >= 0)
    np.testing.assert_array_equal(issues.given_labels, contract_case.labels)
    np.testing.assert_array_equal(issues.suggested_labels, contract_case.pred_probs.argmax(axis=1))
    expected_score = rank_by or default_score_method(method)
    assert issues.score_method == expected_score
    np.testing.assert_array_equal(
        issues.scores,
        label_quality_scores(contract_case.labels, contract_case.pred_probs, method=expected_score),
    )
    assert f"{len(issues)} of {n} flagged" in repr(issues)


def test_label_issues_is_frozen_and_read_only(contract_case):
    issues = find_label_issues(contract_case.labels, contract_case.pred_probs)
    assert dataclasses.is_dataclass(issues)
    with pytest.raises(dataclasses.FrozenInstanceError):
        issues.mask = np.zeros(contract_case.n, dtype=bool)  # type: ignore[misc]
    for name in ISSUE_FIELDS:
        array = getattr(issues, name)
        assert not array.flags.writeable, name
        with pytest.raises(ValueError, match="read-only"):
            array[...] = array[::-1] if array.size else array


def test_to_frame(contract_case):
    issues = find_label_issues(
        contract_case.labels, contract_case.pred_probs, method="confident_learning"
    )
    frame = issues.to_frame()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == [
        "is_label_issue",
        "label_quality",
        "given_label",
        "suggested_label",
    ]
    assert len(frame) == contract_case.n
    np.testing.assert_array_equal(frame["is_label_issue"].to_numpy(), issues.mask)
    np.testing.assert_array_equal(frame["label_quality"].to_numpy(), issues.scores)
    np.testing.assert_array_equal(frame["given_label"].to_numpy(), contract_case.labels)
    np.testing.assert_array_equal(
        frame["suggested_label"].to_numpy(), contract_case.pred_probs.argmax(axis=1)
    )
    assert int(frame["is_label_issue"].sum()) == len(issues)


# --------------------------------------------------------------------------------------------
# The detectors beyond confident learning
# --------------------------------------------------------------------------------------------


NAMES = np.array(["ant", "bee", "cow", "doe"])


def _uses(spec: DetectionMethod) -> tuple[str, ...]:
    """Every way to call the method: "p" pred_probs, "f" features, "pf" both (with every
    input it requires, none it does not read; knn with pred_probs too: a warning, tested
    in test_registry)."""
    needs = {"p": spec.pred_probs, "f": spec.features}
    return tuple(
        use
        for use in ("p", "f", "pf")
        if all(needs[c] != "unused" for c in use)
        and all(c in use for c, need in needs.items() if need == "required")
    )


# method -> which inputs it gets (the detectors beyond confident learning)
DETECTORS = {m: _uses(METHODS[m]) for m in method_names(lambda m: not m.confident_learning)}
CASES = [(m, use) for m, uses in DETECTORS.items() for use in uses]
# the linear-separation detectors fit many small classifiers: their repeats are slow tests
CASES_FAST = [
    pytest.param(m, use, marks=[pytest.mark.slow] if m.startswith("linear") else [])
    for m, use in CASES
]
SCORE_METHOD = {
    "auto": "noise_adaptive_rank",
    "small_loss": "clean_probability",
    "knn": "neighbor_agreement",
    "linear_separation": "clean_probability",
    "linear_separation_small_loss": "clean_probability",
}


@pytest.fixture(scope="module")
def case(feature_case):
    return feature_case(2, n=200, noise=0.25)


def _run(case, method, use, **options):
    return find_label_issues(
        case.labels,
        case.pred_probs if "p" in use else None,
        features=case.features if "f" in use else None,
        method=method,
        random_state=0,
        **options,
    )


@pytest.mark.parametrize(("method", "use"), CASES)
def test_invariants(case, method, use):
    issues = _run(case, method, use)
    n = case.n
    assert isinstance(issues, LabelIssues)
    assert issues.method == method and issues.score_method == SCORE_METHOD[method]
    assert issues.mask.shape == (n,) and issues.mask.dtype == np.bool_
    assert issues.scores.shape == (n,) and issues.scores.dtype == np.float64
    assert np.all((issues.scores >= 0) & (issues.scores <= 1))
    assert issues.indices.dtype.kind in "iu"
    np.testing.assert_array_equal(np.sort(issues.indices), np.flatnonzero(issues.mask))
    assert np.all(np.diff(issues.scores[issues.indices]) >= 0)
    np.testing.assert_array_equal(issues.given_labels, case.labels)
    assert issues.suggested_labels.shape == (n,)
    assert set(np.unique(issues.suggested_labels)) <= set(range(4))
    for name in ISSUE_FIELDS:
        assert not getattr(issues, name).flags.writeable
    # the detectors find most of the flipped labels of these well-separated clusters
    flipped = case.labels != case.true
    assert np.count_nonzero(issues.mask & flipped) > 0.5 * np.count_nonzero(flipped)


@pytest.mark.parametrize(("method", "use"), CASES_FAST)
def test_deterministic(case, method, use):
    assert_same_issues(_run(case, method, use), _run(case, method, use))


@pytest.mark.parametrize(("method", "use"), CASES_FAST)
def test_inputs_never_modified(case, method, use):
    labels, pred_probs, features = (
        np.array(a) for a in (case.labels, case.pred_probs, case.features)
    )
    for array in (labels, pred_probs, features):
        array.setflags(write=False)
    find_label_issues(
        labels,
        pred_probs if "p" in use else None,
        features=features if "f" in use else None,
        method=method,
        random_state=0,
    )
    np.testing.assert_array_equal(labels, case.labels)
    np.testing.assert_array_equal(pred_probs, case.pred_probs)
    np.testing.assert_array_equal(features, case.features)


@pytest.mark.parametrize(("method", "use"), CASES_FAST)
def test_class_names(case, method, use):
    issues = find_label_issues(
        NAMES[case.labels],
        case.pred_probs if "p" in use else None,
        features=case.features if "f" in use else None,
        method=method,
        classes=NAMES,
    )
    by_code = _run(case, method, use)
    np.testing.assert_array_equal(issues.mask, by_code.mask)
    np.testing.assert_array_equal(issues.given_labels, NAMES[case.labels])
    np.testing.assert_array_equal(issues.suggested_labels, NAMES[by_code.suggested_labels])


def test_features_accept_images_and_lists(case):
    images = case.features.reshape(case.n, 2, 4)
    assert_same_issues(
        find_label_issues(case.labels, features=images, method="knn"),
        find_label_issues(case.labels, features=case.features.tolist(), method="knn"),
    )


def test_knn_suggests_neighbour_majority(case):
    issues = find_label_issues(case.labels, features=case.features, method="knn")
    flipped = issues.mask
    agree = np.mean(issues.suggested_labels[flipped] == case.true[flipped])
    assert agree > 0.8
    np.testing.assert_array_equal(issues.suggested_labels[~flipped], case.labels[~flipped])


def test_auto_rank_by(case):
    issues = find_label_issues(
        case.labels, case.pred_probs, method="auto", rank_by="normalized_margin"
    )
    assert issues.score_method == "normalized_margin"
    np.testing.assert_array_equal(
        issues.scores,
        label_quality_scores(case.labels, case.pred_probs, method="normalized_margin"),
    )
    assert len(issues) == len(find_label_issues(case.labels, case.pred_probs, method="auto"))


def test_default_method_unchanged(case):
    """The default is still confident learning's prune_by_noise_rate."""
    assert_same_issues(
        find_label_issues(case.labels, case.pred_probs),
        find_label_issues(case.labels, case.pred_probs, method="prune_by_noise_rate"),
    )


# --------------------------------------------------------------------------------------------
# Several models
# --------------------------------------------------------------------------------------------

CL_METHODS = ("prune_by_noise_rate", "confident_learning", "low_normalized_margin")


@pytest.fixture(scope="module")
def models(case):
    rng = np.random.default_rng(5)
    noisy = case.pred_probs * rng.uniform(0.2, 1.0, size=case.pred_probs.shape)
    return [case.pred_probs, noisy / noisy.sum(axis=1, keepdims=True)]


@pytest.mark.parametrize("method", (*CL_METHODS, "auto", "small_loss"))
def test_mean_ensemble_is_the_mean(case, models, method):
    mean = (models[0] + models[1]) / 2
    assert_same_issues(
        find_label_issues(case.labels, models, method=method, ensemble="mean"),
        find_label_issues(case.labels, mean, method=method),
    )


@pytest.mark.parametrize("method", (*CL_METHODS, "auto"))
def test_rank_ensemble(case, models, method):
    issues = find_label_issues(case.labels, models, method=method, ensemble="rank")
    mean = find_label_issues(case.labels, (models[0] + models[1]) / 2, method=method)
    if method != "auto":  # the mask comes from the mean probabilities
        np.testing.assert_array_equal(issues.mask, mean.mask)
    assert len(issues) == len(mean)
    assert np.all((issues.scores > 0) & (issues.scores <= 1))
    assert np.all(np.diff(issues.scores[issues.indices]) >= 0)


@pytest.mark.parametrize("method", (*CL_METHODS, "auto", "small_loss"))
def test_likelihood_ensemble_is_the_weighted_mean(case, models, method):
    """The default pool is the average weighted by the likelihood weights, and those are
    the grid optimum of the pool's likelihood, without clearly weaker members."""
    weights = likelihood_weights([check_problem(case.labels, m) for m in models])
    np.testing.assert_allclose(weights, _slow_likelihood_weights(case.labels, models), atol=2e-3)
    pooled = weights[0] * models[0] + weights[1] * models[1]
    assert_same_issues(
        find_label_issues(case.labels, models, method=method),
        find_label_issues(case.labels, pooled, method=method),
    )


def _slow_likelihood_weights(labels, models, cut=0.25):
    """Maximize the mean log-likelihood of a two-model linear pool over w in [0, 1] by a
    fine grid (each model's label probability floored at 1e-12), then drop a weight below
    ``cut`` times the other and renormalize."""
    own = [[max(float(m[i, y]), 1e-12) for m in models] for i, y in enumerate(labels)]
    grid = np.linspace(0, 1, 20001)
    ll = [sum(math.log(max(w * a + (1 - w) * b, 1e-300)) for a, b in own) / len(own) for w in grid]
    w = grid[int(np.argmax(ll))]
    weights = np.array([w, 1 - w])
    kept = np.where(weights >= cut * weights.max(), weights, 0.0)
    return kept / kept.sum()


def test_likelihood_weights_prefer_the_better_model(case):
    """A model that gives the labels more probability gets more weight, whatever its
    position; one whose rows belong to other examples (shuffled) is dropped."""
    shuffled = case.pred_probs[np.random.default_rng(3).permutation(case.n)]
    for models, good in (([case.pred_probs, shuffled], 0), ([shuffled, case.pred_probs], 1)):
        weights = likelihood_weights([check_problem(case.labels, m) for m in models])
        assert weights[good] == 1.0 and weights[1 - good] == 0.0
    uniform = np.full_like(case.pred_probs, 1.0 / case.pred_probs.shape[1])
    weights = likelihood_weights(
        [check_problem(case.labels, m) for m in (uniform, case.pred_probs)]
    )
    assert weights[1] > weights[0] and weights.sum() == pytest.approx(1.0)


def test_single_model_list_is_the_model(case):
    for ensemble in ("likelihood", "mean", "rank", "weighted"):
        a = find_label_issues(case.labels, [case.pred_probs], method="auto", ensemble=ensemble)
        b = find_label_issues(case.labels, case.pred_probs, method="auto")
        np.testing.assert_array_equal(a.mask, b.mask)


def test_weighted_ensemble_prefers_the_better_model(case):
    rng = np.random.default_rng(1)
    useless = rng.dirichlet(np.ones(4), size=case.n)
    weighted = find_label_issues(case.labels, [case.pred_probs, useless], ensemble="weighted")
    mean = find_label_issues(case.labels, [case.pred_probs, useless], ensemble="mean")
    flipped = case.labels != case.true
    assert np.count_nonzero(weighted.mask & flipped) >= np.count_nonzero(mean.mask & flipped)


def test_tuple_of_models_and_nested_list_single_model(case, models):
    assert_same_issues(
        find_label_issues(case.labels, tuple(models), method="auto"),
        find_label_issues(case.labels, list(models), method="auto"),
    )
    # a nested list of rows is one model, not many
    assert_same_issues(
        find_label_issues(case.labels, case.pred_probs.tolist()),
        find_label_issues(case.labels, case.pred_probs),
    )


# --------------------------------------------------------------------------------------------
# clean_probability
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mixture", ["gaussian", "beta"])
@pytest.mark.parametrize("per_class", [False, True])
def test_clean_probability(case, mixture, per_class):
    labels, pred_probs = np.array(case.labels), np.array(case.pred_probs)
    p = clean_probability(labels, pred_probs, mixture=mixture, per_class=per_class)
    assert p.shape == (case.n,) and p.dtype == np.float64
    assert np.all((p >= 0) & (p <= 1))
    np.testing.assert_array_equal(labels, case.labels)
    np.testing.assert_array_equal(pred_probs, case.pred_probs)
    flipped = case.labels != case.true
    assert p[flipped].mean() < p[~flipped].mean()
    np.testing.assert_array_equal(
        p, clean_probability(case.labels, case.pred_probs, mixture=mixture, per_class=per_class)
    )
    by_name = clean_probability(
        NAMES[case.labels], case.pred_probs, mixture=mixture, per_class=per_class, classes=NAMES
    )
    np.testing.assert_array_equal(p, by_name)


def test_clean_probability_matches_small_loss(case):
    p = clean_probability(case.labels, case.pred_probs)
    issues = find_label_issues(case.labels, case.pred_probs, method="small_loss")
    np.testing.assert_array_equal(issues.scores, p)
    disputed = case.pred_probs.argmax(axis=1) != case.labels
    np.testing.assert_array_equal(issues.mask, (p < 0.5) & disputed)


def test_mixtures_treat_tied_top_classes_alike():
    """A row whose label ties with the top class (within 1e-6) is not disputed, whichever
    column comes first."""
    rng = np.random.default_rng(3)
    n = 200
    labels = rng.integers(0, 2, n)
    top = rng.uniform(0.55, 0.99, n)
    pred_probs = np.column_stack([top, 1 - top])
    pred_probs[labels == 1] = pred_probs[labels == 1][:, ::-1]
    pred_probs[:20] = 0.5  # ties, labels 0 and 1
    flagged = find_label_issues(labels, pred_probs, method="small_loss").mask
    assert not flagged[:20].any()


@pytest.mark.parametrize(
    "method", ["small_loss", "linear_separation", "linear_separation_small_loss"]
)
def test_clean_data_is_not_flagged_by_the_mixtures(method):
    """A two-component mixture splits any losses in two, clean ones too; rows whose
    given label is the model's top class are never flagged, as in confident learning."""
    rng = np.random.default_rng(5)
    n = 400
    labels = rng.integers(0, 3, n)
    top = rng.beta(20, 1, n)
    pred_probs = np.full((n, 3), 0.0)
    pred_probs[:] = ((1 - top) / 2)[:, None]
    pred_probs[np.arange(n), labels] = top
    features = np.eye(3)[labels] + rng.normal(scale=0.1, size=(n, 3))
    split = clean_probability(labels, pred_probs)
    assert (split < 0.5).sum() > 20  # the mixture does split clean data
    issues = find_label_issues(labels, pred_probs, features=features, method=method)
    assert len(issues) == 0


def test_clean_probability_constant_losses():
    pred_probs = np.full((6, 2), 0.5)
    np.testing.assert_array_equal(clean_probability([0, 1, 0, 1, 0, 1], pred_probs), np.ones(6))


def test_clean_probability_never_calls_the_smallest_loss_noisy(problem):
    for seed in range(10):
        case = problem(seed, n=300, n_classes=3, noise=0.3)
        for mixture in ("gaussian", "beta"):
            p = clean_probability(case.labels, case.pred_probs, mixture=mixture)
            own = case.pred_probs[np.arange(case.n), case.labels]
            assert p[np.argmax(own)] >= p[np.argmin(own)]
            assert p[np.argmax(own)] >= 0.5


@pytest.mark.parametrize("mixture", ["gaussian", "beta"])
def test_per_class_leaves_a_small_clean_class_to_the_global_fit(mixture):
    """Twelve clean rows of one class show one mode: they are not split in two."""
    rng = np.random.default_rng(11)
    big = 300
    labels = np.r_[np.zeros(big, dtype=int), np.ones(12, dtype=int)]
    top = np.r_[
        np.where(rng.random(big) < 0.2, rng.uniform(0.05, 0.4, big), rng.uniform(0.8, 0.99, big)),
        rng.uniform(0.9, 0.99, 12),
    ]
    pred_probs = np.column_stack([top, 1 - top])
    pred_probs[big:] = pred_probs[big:, ::-1]
    per_class = clean_probability(labels, pred_probs, mixture=mixture, per_class=True)
    global_fit = clean_probability(labels, pred_probs, mixture=mixture)
    np.testing.assert_array_equal(per_class[big:], global_fit[big:])
    assert (per_class[big:] >= 0.5).all()
    assert (per_class[:big] < 0.5).sum() > 30  # the big, noisy class gets its own split
