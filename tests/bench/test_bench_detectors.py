"""The detector registry: names, the score detectors, and methods added later."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from labelnoise import estimate_noise, find_label_issues, label_quality_scores
from labelnoise.bench import (
    DatasetSpec,
    default_detectors,
    detector_names,
    rank_by_score,
    run_benchmark,
)
from labelnoise.bench._detectors import CL_METHODS, oracle_flags, resolve_detectors
from labelnoise.detect import METHODS
from labelnoise.detect._ensemble import combine


def test_names_follow_the_registry():
    names = detector_names()
    assert names[: len(METHODS)] == tuple(METHODS)
    assert CL_METHODS == tuple(n for n, m in METHODS.items() if m.confident_learning)
    assert default_detectors()[: len(CL_METHODS)] == CL_METHODS
    assert [n for n in names if n.startswith("rank:")] == [
        "rank:self_confidence",
        "rank:normalized_margin",
        "rank:confidence_weighted_entropy",
    ]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("score", ["self_confidence", "normalized_margin"])
def test_rank_by_score_flags_lowest_scores(problem, seed, score):
    case = problem(seed, n=150, n_classes=4, noise=0.25)
    issues = rank_by_score(case.labels, case.pred_probs, np.zeros((150, 1)), score=score)
    scores = label_quality_scores(case.labels, case.pred_probs, method=score)
    k = estimate_noise(case.labels, case.pred_probs).num_issues.off_diagonal_calibrated
    # Slow and obvious: the k examples with the lowest scores, ties to the lower index.
    order = sorted(range(150), key=lambda i: (scores[i], i))
    assert issues.indices.tolist() == order[:k]
    assert issues.mask.sum() == k and issues.mask[order[:k]].all()
    np.testing.assert_array_equal(issues.scores, scores)
    assert issues.method == f"rank:{score}" and issues.score_method == score


def test_method_detector_matches_find_label_issues(problem):
    case = problem(3, n=120, n_classes=3, noise=0.2)
    detectors = resolve_detectors(("both", "low_normalized_margin"))
    for name, detect in detectors.items():
        got = detect(case.labels, case.pred_probs, np.zeros((120, 2)))
        expected = find_label_issues(case.labels, case.pred_probs, method=name)
        np.testing.assert_array_equal(got.mask, expected.mask)
        np.testing.assert_array_equal(got.scores, expected.scores)


def test_unknown_names_are_dropped_and_bad_extra_rejected():
    assert list(resolve_detectors(("both", "nope"))) == ["both"]
    with pytest.raises(ValueError, match=r"detectors: 'x' must be a callable"):
        resolve_detectors(("x",), {"x": 3})  # type: ignore[dict-item]


@pytest.mark.parametrize("method", ["knn", "auto", "linear_separation"])
def test_feature_methods_plug_in(tiny, method):
    frame = run_benchmark(tiny(datasets=(DatasetSpec("iris"),), methods=(method,)))
    assert frame["method"].tolist() == [method]
    assert 0 <= frame["f1"].iloc[0] <= 1


def test_import_stays_light():
    code = (
        "import sys, labelnoise.bench; "
        "print(sorted(m for m in ('matplotlib', 'click', 'rich') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"


def test_variants_are_find_label_issues_with_options(problem):
    case = problem(5, n=200, n_classes=4, noise=0.25)
    features = np.random.default_rng(0).normal(size=(200, 3))
    chosen = resolve_detectors(("small_loss_beta", "auto+features", "auto"))
    got = chosen["small_loss_beta"](case.labels, case.pred_probs, features)
    expected = find_label_issues(case.labels, case.pred_probs, method="small_loss", mixture="beta")
    np.testing.assert_array_equal(got.mask, expected.mask)
    with_features = chosen["auto+features"](case.labels, case.pred_probs, features)
    expected = find_label_issues(
        case.labels, case.pred_probs, features=features, method="auto", random_state=0
    )
    np.testing.assert_array_equal(with_features.mask, expected.mask)
    plain = chosen["auto"](case.labels, case.pred_probs, features)  # auto: pred_probs only
    np.testing.assert_array_equal(
        plain.mask, find_label_issues(case.labels, case.pred_probs, method="auto").mask
    )


@pytest.mark.filterwarnings("ignore:ensemble='rank' averages rankings")
@pytest.mark.parametrize("kind", ["likelihood", "mean", "rank", "weighted"])
def test_detectors_accept_a_list_of_models(problem, kind):
    a = problem(1, n=150, n_classes=3, noise=0.2)
    b = problem(2, n=150, n_classes=3, noise=0.2)
    members = [a.pred_probs, b.pred_probs]
    names = ("prune_by_noise_rate", "auto", "small_loss", "rank:normalized_margin", "knn")
    chosen = resolve_detectors(names, ensemble=kind)
    features = np.random.default_rng(0).normal(size=(150, 4))
    for name, detect in chosen.items():
        issues = detect(a.labels, members, features)
        assert issues.mask.shape == (150,), name
    got = chosen["prune_by_noise_rate"](a.labels, members, features)
    expected = find_label_issues(a.labels, members, ensemble=kind)
    np.testing.assert_array_equal(got.mask, expected.mask)
    np.testing.assert_array_equal(got.scores, expected.scores)
    # rank:<score> on a list scores the members' pool of that kind (rank: their mean).
    pool = "mean" if kind == "rank" else kind
    pooled = combine(a.labels, members, ensemble=pool, classes=None, normalize=False)
    ranked = chosen["rank:normalized_margin"](a.labels, members, features)
    single = rank_by_score(
        a.labels, np.asarray(pooled.problem.pred_probs), features, score="normalized_margin"
    )
    np.testing.assert_array_equal(ranked.mask, single.mask)


def test_oracle_flags_lowest_scores_ties_to_lower_index():
    scores = np.array([0.5, 0.1, 0.5, 0.3, 0.5])
    assert np.flatnonzero(oracle_flags(scores, 3)).tolist() == [0, 1, 3]
    assert not oracle_flags(scores, 0).any()


def test_detector_names_list_the_variants():
    names = detector_names()
    assert {"small_loss_beta", "auto+features"} <= set(names)
    assert not any(n.startswith("oracle:") for n in names)
