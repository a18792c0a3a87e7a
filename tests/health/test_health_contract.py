"""Contract tests over every public health function: shapes, ranges, frozen results,
inputs untouched, determinism, permutation equivariance, the shared graph."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.base import clone

from labelnoise import LabelIssues
from labelnoise.health import (
    CHECKS,
    HealthReport,
    HealthResult,
    NeighborGraph,
    OutlierDetector,
    _graph,
    check_health,
    class_imbalance,
    find_duplicates,
    find_leakage,
    image_signature,
    neighbor_graph,
    non_iid,
    outlier_scores,
    overlapping_classes,
)
from labelnoise.health._duplicates import DEFAULT_DUPLICATE_THRESHOLD


def _all_results(case) -> dict[str, HealthResult]:
    x, y, pp = case.features, case.labels, case.pred_probs
    return {
        "duplicates": find_duplicates(x, labels=y),
        "leakage": find_leakage(x[:150], x[150:]),
        "outliers": outlier_scores(x, pred_probs=pp, labels=y),
        "class_imbalance": class_imbalance(y),
        "overlapping_classes": overlapping_classes(y, pp),
        "non_iid": non_iid(x, random_state=0, n_permutations=20),
    }


@pytest.mark.parametrize("seed", range(3))
def test_every_result_has_the_contract(seed, health_case):
    case = health_case(seed)
    for name, result in _all_results(case).items():
        n = 50 if name == "leakage" else case.n
        assert result.name == name
        assert result.scores.shape == (n,) and result.mask.shape == (n,)
        assert result.mask.dtype == bool
        assert np.all((result.scores >= 0) & (result.scores <= 1))
        with pytest.raises(ValueError, match="read-only"):
            result.scores[0] = 0.5
        with pytest.raises(ValueError, match="read-only"):
            result.mask[0] = True
        summary = result.summary()
        assert summary["check"] == name and summary["flagged"] == result.mask.sum()
        assert set(result.indices.tolist()) == set(np.flatnonzero(result.mask).tolist())
        assert repr(result).startswith(type(result).__name__)


def test_inputs_are_not_modified(health_case):
    case = health_case(0)
    copies = [a.copy() for a in (case.features, case.labels, case.pred_probs)]
    _all_results(case)
    check_health(case.features, labels=case.labels, pred_probs=case.pred_probs, random_state=0)
    for before, after in zip(copies, (case.features, case.labels, case.pred_probs), strict=True):
        np.testing.assert_array_equal(before, after)


def test_check_health_runs_every_applicable_check_on_one_graph(health_case):
    case = health_case(1)
    report = check_health(
        case.features[:150],
        labels=case.labels[:150],
        pred_probs=case.pred_probs[:150],
        test_features=case.features[150:],
        random_state=0,
    )
    assert isinstance(report, HealthReport)
    assert list(report.results) == list(CHECKS)
    assert isinstance(report.graph, NeighborGraph) and report.graph.n == 150
    frame = report.summary()
    assert isinstance(frame, pd.DataFrame) and frame["check"].tolist() == list(CHECKS)
    alone = find_duplicates(report.graph, labels=case.labels[:150])
    np.testing.assert_array_equal(alone.group, report.duplicates.group)
    only = check_health(case.features, checks=["duplicates"], random_state=0)
    assert list(only.results) == ["duplicates"]
    assert list(check_health(labels=case.labels).results) == ["class_imbalance"]
    with_content = check_health(
        case.features[:150],
        test_features=case.features[150:],
        content=case.features[:150, :4],
        test_content=case.features[150:, :4],
        checks=["leakage"],
    )
    assert with_content.leakage is not None and with_content.leakage.mask.shape == (50,)


def test_graph_is_reused_not_recomputed(health_case, monkeypatch):
    case = health_case(2)
    graph = neighbor_graph(case.features)
    monkeypatch.setattr(_graph, "exact_neighbors", lambda *a, **k: pytest.fail("searched again"))
    find_duplicates(graph)
    outlier_scores(graph)
    non_iid(graph, n_permutations=5, random_state=0)


def test_deterministic_for_a_seed(health_case):
    case = health_case(3)
    a = non_iid(case.features, random_state=7, n_permutations=30)
    b = non_iid(case.features, random_state=7, n_permutations=30)
    assert a.p_value == b.p_value
    np.testing.assert_array_equal(a.scores, b.scores)


@given(seed=st.integers(0, 10_000))
def test_duplicate_groups_follow_a_permutation(health_case, seed):
    case = health_case(seed, n=60)
    perm = np.random.default_rng(seed).permutation(case.n)
    a = find_duplicates(case.features, labels=case.labels)
    b = find_duplicates(case.features[perm], labels=case.labels[perm])
    groups_a = {frozenset(g.tolist()) for g in a.groups()}
    groups_b = {frozenset(perm[g].tolist()) for g in b.groups()}
    assert groups_a == groups_b
    np.testing.assert_allclose(a.scores[perm], b.scores, atol=1e-12)
    np.testing.assert_array_equal(a.conflicts[perm], b.conflicts)


@given(seed=st.integers(0, 10_000), scale=st.floats(0.01, 100))
def test_scaling_rows_changes_nothing(health_case, seed, scale):
    case = health_case(seed, n=50)
    a = find_duplicates(case.features)
    b = find_duplicates(case.features * scale)
    np.testing.assert_array_equal(a.group, b.group)
    np.testing.assert_allclose(
        outlier_scores(case.features).scores, outlier_scores(case.features * scale).scores
    )


def test_conflicting_duplicates_are_label_issues(health_case):
    case = health_case(4)
    result = find_duplicates(case.features, labels=case.labels)
    issues = result.label_issues()
    assert isinstance(issues, LabelIssues)
    np.testing.assert_array_equal(issues.mask, result.conflicts)
    assert issues.method == "conflicting_duplicates"
    assert result.conflicts.sum() >= 2  # the factory plants copies with another label
    for i in np.flatnonzero(result.conflicts):
        assert issues.scores[i] < 1


def test_leakage_with_a_content_view_finds_the_copy():
    rng = np.random.default_rng(0)
    train, test = rng.normal(size=(300, 12)), rng.normal(size=(40, 12))
    content_train, content_test = rng.normal(size=(300, 6)), rng.normal(size=(40, 6))
    test[3], content_test[3] = train[100] + 1e-4, content_train[100] + 1e-4
    result = find_leakage(train, test, train_content=content_train, test_content=content_test)
    assert result.pairs.tolist() == [[3, 100]]
    assert result.to_frame().columns.tolist() == ["test_row", "train_row", "similarity"]


def test_approximate_index_finds_planted_copies(health_case, monkeypatch):
    pytest.importorskip("faiss")
    case = health_case(5, n=400)
    exact = find_duplicates(case.features)
    monkeypatch.setattr(_graph, "EXACT_MAX_WORK", 0)
    approx = find_duplicates(case.features, random_state=0)
    assert not neighbor_graph(case.features, random_state=0).exact
    for src, dst in case.copies:
        assert approx.group[src] == approx.group[dst] >= 0
    assert approx.n_flagged == pytest.approx(exact.n_flagged, abs=2)
    for result in (exact, approx):  # flagged exactly when in a group, score below the radius
        np.testing.assert_array_equal(result.mask, result.group >= 0)
        radius = result.threshold * result.median_distance
        np.testing.assert_array_equal(
            result.mask, result.scores <= radius / (radius + result.median_distance)
        )


def test_outlier_detector_is_a_sklearn_estimator(health_case):
    case = health_case(6)
    det = OutlierDetector(n_neighbors=5, threshold=2.0)
    assert clone(det).get_params() == {"n_neighbors": 5, "threshold": 2.0, "random_state": None}
    det.fit(case.features, pred_probs=case.pred_probs, labels=case.labels)
    far = det.detect(case.features[:5] * 0 + 50.0, pred_probs=np.full((5, 4), 0.25))
    assert far.mask.all()
    near = det.detect(case.features[:20], pred_probs=case.pred_probs[:20])
    assert near.feature_scores is not None and near.model_scores is not None


def test_image_signature_ignores_brightness_and_keeps_content():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 200, size=(2, 32, 32, 3)).astype(np.uint8)
    brighter = images + 40
    sig = image_signature(np.concatenate([images, brighter]))
    assert sig.shape == (4, 63) and sig.dtype == np.float32
    np.testing.assert_allclose(sig[:2], sig[2:], atol=1e-3)
    assert image_signature(images[..., 0], size=4).shape == (2, 15)


def test_reduced_search_and_rerank_keep_the_copies(health_case, monkeypatch, brute_distances):
    pytest.importorskip("faiss")
    case = health_case(7, n=400, dim=24)
    monkeypatch.setattr(_graph, "EXACT_MAX_WORK", 0)
    monkeypatch.setattr(_graph, "SEARCH_DIMS", 8)
    graph = neighbor_graph(case.features, random_state=0)
    dist = brute_distances(case.features, case.features)
    # re-ranked similarities are exact cosines of the rows they name, most similar first
    np.testing.assert_allclose(
        1 - graph.similarity, np.take_along_axis(dist, graph.indices, axis=1), atol=1e-6
    )
    assert np.all(np.diff(graph.similarity, axis=1) <= 1e-12)
    assert not np.any(graph.indices == np.arange(case.n)[:, None])
    train, test = case.features[:300], case.features[300:].copy()
    test[:4] = train[[1, 50, 100, 299]]
    leak = find_leakage(train, test, random_state=0)
    assert {(0, 1), (1, 50), (2, 100), (3, 299)} <= set(map(tuple, leak.pairs.tolist()))


@pytest.mark.parametrize("dim", [3, 5, 8])
def test_few_dimensions_do_not_make_ordinary_rows_copies(dim):
    """Random rows in a handful of columns: the threshold shrinks with the estimated
    dimension, so about 1% of rows (not 14-35%) fall within the near-copy radius, and
    planted near copies are still found."""
    rng = np.random.default_rng(dim)
    x = rng.normal(size=(500, dim))
    assert find_duplicates(x).mask.mean() <= 0.03
    x[:20] = x[20:40] + rng.normal(scale=1e-3, size=(20, dim))
    result = find_duplicates(x)
    assert result.mask[:40].all()
    assert result.threshold < DEFAULT_DUPLICATE_THRESHOLD


def test_many_dimensions_keep_the_default_threshold():
    x = np.random.default_rng(1).normal(size=(300, 64))
    assert find_duplicates(x).threshold == DEFAULT_DUPLICATE_THRESHOLD


@pytest.mark.parametrize("dim", [3, 5, 8])
def test_leakage_in_few_dimensions_caps_its_threshold(dim):
    """As for duplicates: random test rows in a handful of columns are not copies of
    training rows, and planted near copies still are."""
    rng = np.random.default_rng(dim)
    train, test = rng.normal(size=(500, dim)), rng.normal(size=(200, dim))
    plain = find_leakage(train, test)
    assert plain.mask.mean() <= 0.03
    assert plain.threshold < DEFAULT_DUPLICATE_THRESHOLD
    test[:20] = train[:20] + rng.normal(scale=1e-3, size=(20, dim))
    result = find_leakage(train, test)
    assert result.mask[:20].all()
    assert {(i, i) for i in range(20)} <= set(map(tuple, result.pairs.tolist()))


def test_leakage_in_many_dimensions_keeps_the_default_threshold():
    rng = np.random.default_rng(1)
    assert (
        find_leakage(rng.normal(size=(300, 64)), rng.normal(size=(100, 64))).threshold
        == DEFAULT_DUPLICATE_THRESHOLD
    )


@pytest.mark.parametrize("dim", [1, 2])
def test_one_or_two_columns_count_identical_rows_only(dim):
    """In fewer than 3 columns cosine compares directions only (one column: every row of
    a sign is a copy); only identical rows count, with a warning."""
    rng = np.random.default_rng(dim)
    x = rng.normal(size=(500, dim))
    x[3] = 2.5 * x[7]  # the same direction, not a copy
    x[[10, 11]] = x[20]  # three identical rows
    x[30] = x[40] + 1e-9  # close, not identical
    labels = np.zeros(500, dtype=int)
    labels[11] = 1
    with pytest.warns(UserWarning, match=f"features has {dim} column.*identical values"):
        result = find_duplicates(x, labels=labels)
    assert [g.tolist() for g in result.groups()] == [[10, 11, 20]]
    assert result.threshold == 0.0 and result.n_flagged == 3
    assert result.conflicts[[10, 11, 20]].all() and result.conflicts.sum() == 3
    assert np.all(result.scores[[10, 11, 20]] == 0)
    assert 0 < result.scores[30] < 0.01 and result.scores[3] > 0
    with pytest.warns(UserWarning, match=f"features has {dim} column"):
        report = check_health(x, labels=labels, checks=["duplicates", "outliers"])
    np.testing.assert_array_equal(report.duplicates.group, result.group)
    train, test = x[:400], x[400:].copy()
    test[:2] = train[[20, 7]]  # row 20 has identical twins 10 and 11: the smallest is named
    test[2] = train[7] * 3.5  # only the same direction
    with pytest.warns(UserWarning, match=f"train_features has {dim} column"):
        leak = find_leakage(train, test)
    assert leak.pairs.tolist() == [[0, 10], [1, 7]] and leak.threshold == 0.0
    np.testing.assert_allclose(leak.similarity, 1.0)
    assert leak.scores[2] > 0 and np.all(leak.scores[:2] == 0)


def test_flagged_rows_list_every_flag_once(health_case):
    case = health_case(8)
    test = case.features[150:].copy()
    test[:2] = case.features[[4, 9]]  # leaked
    report = check_health(
        case.features[:150],
        labels=case.labels[:150],
        pred_probs=case.pred_probs[:150],
        test_features=test,
        random_state=0,
    )
    frame = report.flagged_rows()
    assert list(frame.columns) == ["check", "row", "score", "group", "partner", "conflict"]
    assert list(dict.fromkeys(frame["check"])) == [
        name for name, r in report.results.items() if r.n_flagged
    ]
    for name, result in report.results.items():
        part = frame[frame["check"] == name]
        assert sorted(part["row"]) == np.flatnonzero(result.mask).tolist()
        np.testing.assert_array_equal(part["score"], result.scores[part["row"]])
        assert part["partner"].notna().all() if name == "leakage" else part["partner"].isna().all()
        assert part["group"].notna().all() if name == "duplicates" else part["group"].isna().all()
    dup = frame[frame["check"] == "duplicates"]
    assert dup["group"].tolist() == sorted(dup["group"])  # by group, then row
    np.testing.assert_array_equal(dup["group"], report.duplicates.group[dup["row"]])
    np.testing.assert_array_equal(dup["conflict"], report.duplicates.conflicts[dup["row"]])
    assert dup["conflict"].any()  # the factory plants copies with another label
    leak = frame[frame["check"] == "leakage"]
    assert {(0, 4), (1, 9)} <= set(map(tuple, leak[["row", "partner"]].to_numpy().tolist()))
    np.testing.assert_array_equal(leak[["row", "partner"]].to_numpy(), report.leakage.pairs)
    assert HealthReport().flagged_rows().columns.tolist() == frame.columns.tolist()
