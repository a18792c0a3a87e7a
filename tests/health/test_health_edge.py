"""Edge cases a maintainer asked about: most rows exact copies (median distance 0),
content views against a brute-force reference, the non-i.i.d. p-value, overlap flags,
random_state as int or Generator, and properties over permutations."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from labelnoise import estimate_noise
from labelnoise.health import (
    OutlierDetector,
    _graph,
    find_duplicates,
    find_leakage,
    neighbor_graph,
    non_iid,
    outlier_scores,
    overlapping_classes,
)
from labelnoise.health._duplicates import DEFAULT_DUPLICATE_THRESHOLD
from labelnoise.health._noniid import _ks

EPS = 1e-6


def _typical(nearest: np.ndarray) -> float:
    """The obvious rule: median nearest distance, over rows without an exact copy when
    that median is 0."""
    median = float(np.median(nearest))
    if median > EPS:
        return median
    distinct = nearest[nearest > EPS]
    return float(np.median(distinct)) if distinct.size else 0.0


def _mostly_copies(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """30 rows each present twice (60 exact copies), 6 near copies (noise 0.05) of other
    rows and 24 plain rows: more than half the rows have an exact copy."""
    rng = np.random.default_rng([seed, 151])
    base = rng.normal(size=(30, 10))
    plain = rng.normal(size=(30, 10))
    near = plain[:6] + 0.05 * rng.normal(size=(6, 10))
    x = np.vstack([base, base, plain, near])
    perm = rng.permutation(x.shape[0])
    truth_near = np.zeros(x.shape[0], bool)
    truth_near[60:66] = truth_near[90:96] = True
    return x[perm], truth_near[perm]


@pytest.mark.parametrize("seed", range(6))
def test_mostly_exact_copies_still_finds_near_copies(seed, brute_distances):
    x, near = _mostly_copies(seed)
    with pytest.warns(UserWarning, match=r"60 of 96 rows have an exact copy"):
        result = find_duplicates(x, n_neighbors=x.shape[0] - 1)
    dist = brute_distances(x, x).clip(0, 2)
    np.fill_diagonal(dist, np.inf)
    nearest = dist.min(axis=1)
    median = _typical(nearest)
    assert median > 0 and result.median_distance == pytest.approx(median)
    radius = max(DEFAULT_DUPLICATE_THRESHOLD * median, EPS)
    np.testing.assert_array_equal(result.mask, nearest <= radius)
    assert result.mask[near].all()  # the near copies: not only the exact ones
    assert not result.mask.all()  # and not everything
    assert 30 <= result.n_groups <= 36  # 30 exact pairs, 6 near ones (some may merge)


def test_every_row_an_exact_copy_flags_all_with_a_warning():
    x = np.tile(np.random.default_rng(0).normal(size=(5, 3)), (2, 1))
    with pytest.warns(UserWarning, match=r"every row is an exact copy"):
        result = find_duplicates(x)
    assert result.mask.all() and np.all(result.scores < 1e-6)
    assert result.n_groups == 5


@pytest.mark.parametrize("seed", range(6))
def test_leakage_mostly_copied_test_split(seed, brute_distances):
    rng = np.random.default_rng([seed, 152])
    train = rng.normal(size=(100, 8))
    test = np.vstack(
        [train[:30], train[30:36] + 0.05 * rng.normal(size=(6, 8)), rng.normal(size=(14, 8))]
    )
    with pytest.warns(UserWarning, match=r"30 of 50 test rows have an exact copy"):
        result = find_leakage(train, test, n_candidates=100)
    dist = brute_distances(test, train).clip(0, 2)
    nearest = dist.min(axis=1)
    expected = nearest <= max(DEFAULT_DUPLICATE_THRESHOLD * _typical(nearest), EPS)
    np.testing.assert_array_equal(result.mask, expected)
    assert result.mask[:36].all() and not result.mask.all()


@pytest.mark.parametrize("seed", range(8))
def test_leakage_with_content_matches_brute_force(
    seed, health_case, brute_distances, slow_capped_threshold
):
    case = health_case(seed, n=120)
    rng = np.random.default_rng(seed)
    content = rng.normal(size=(120, 5))
    train, test = case.features[:80], case.features[80:].copy()
    c_train, c_test = content[:80], content[80:].copy()
    test[:3], c_test[:3] = train[[5, 17, 40]] * 1.0001, c_train[[5, 17, 40]] * 1.0001
    result = find_leakage(train, test, train_content=c_train, test_content=c_test, n_candidates=80)
    d1 = brute_distances(test, train).clip(0, 2)
    d2 = brute_distances(c_test, c_train).clip(0, 2)
    rel = np.sqrt(
        d1 / max(np.median(d1.min(axis=1)), EPS) * d2 / max(np.median(d2.min(axis=1)), EPS)
    )
    best = rel.argmin(axis=1)
    np.testing.assert_array_equal(result.nearest, best)
    best_rel = rel[np.arange(40), best]
    # each view's few-dimensions cap, combined like the distances: a geometric mean
    caps = [slow_capped_threshold(d, DEFAULT_DUPLICATE_THRESHOLD) for d in (d1, d2)]
    assert result.threshold == pytest.approx(np.sqrt(caps[0] * caps[1]), rel=1e-9)
    assert result.threshold < DEFAULT_DUPLICATE_THRESHOLD  # 5 random content columns
    np.testing.assert_array_equal(result.mask, best_rel <= result.threshold)
    np.testing.assert_allclose(result.scores, best_rel / (best_rel + 1), atol=1e-6)
    # pairs are (test row, train row), closest first, with the features' cosine
    assert result.pairs[:, 1].tolist() == best[result.pairs[:, 0]].tolist()
    assert np.all(np.diff(best_rel[result.pairs[:, 0]]) >= 0)
    np.testing.assert_allclose(
        result.similarity, 1 - d1[result.pairs[:, 0], result.pairs[:, 1]], atol=1e-9
    )
    assert {(0, 5), (1, 17), (2, 40)} <= set(map(tuple, result.pairs.tolist()))


@pytest.mark.parametrize("seed", range(4))
def test_non_iid_p_value_matches_a_loop(seed, health_case):
    case = health_case(seed, n=50)
    x = case.features[np.argsort(case.labels, kind="stable")]  # ordered by class
    k, n_perm = 4, 30
    result = non_iid(x, n_neighbors=k, n_permutations=n_perm, random_state=seed)
    nb = neighbor_graph(x, n_neighbors=k).indices
    n = x.shape[0]

    def shares(position: np.ndarray) -> np.ndarray:
        u = np.empty((n, k))
        for i in range(n):
            for c, j in enumerate(nb[i]):
                d = abs(position[i] - position[j])
                u[i, c] = sum(1 for m in range(n) if m != i and abs(position[i] - position[m]) <= d)
        return u / (n - 1)

    u = shares(np.arange(n))
    # the statistic is the KS distance from uniform, to the 1/1000 grid it is computed on
    assert result.statistic == pytest.approx(stats.kstest(u.ravel(), "uniform").statistic, abs=2e-3)
    rng = np.random.default_rng(seed)  # the same stream: the exact graph draws nothing
    null = [_ks(shares(rng.permutation(n))) for _ in range(n_perm)]
    observed = _ks(u)
    assert result.p_value == (1 + sum(s >= observed for s in null)) / (1 + n_perm)
    assert result.p_value < 0.05 and not result.is_iid
    np.testing.assert_allclose(result.scores, u.mean(axis=1))
    # flagged rows: Benjamini-Hochberg at 0.05 on each row's normal-approximation p-value
    row_p = [stats.norm.cdf((m - 0.5) / np.sqrt(1 / (12 * k))) for m in u.mean(axis=1)]
    ranked = sorted(row_p)
    cut = max((p for i, p in enumerate(ranked, 1) if p <= i / n * 0.05), default=-1.0)
    np.testing.assert_array_equal(result.mask, [p <= cut for p in row_p])
    assert result.mask.any()


def test_random_state_int_or_generator_give_the_same_stream(health_case):
    x = health_case(1, n=60).features
    a = non_iid(x, n_permutations=25, random_state=11)
    b = non_iid(x, n_permutations=25, random_state=np.random.default_rng(11))
    assert a.p_value == b.p_value and a.statistic == b.statistic


@pytest.mark.parametrize("seed", range(6))
def test_overlap_flags_match_the_rule(seed, health_case):
    case = health_case(seed, n=150)
    result = overlapping_classes(case.labels, case.pred_probs, threshold=0.02)
    thresholds = np.asarray(estimate_noise(case.labels, case.pred_probs).thresholds)
    over = set()
    for row in result.pairs[result.pairs["overlapping"]].itertuples():
        over |= {(int(row.class_a), int(row.class_b)), (int(row.class_b), int(row.class_a))}
    for i, y in enumerate(case.labels):
        partners = [c for c in range(4) if (int(y), c) in over]
        flagged = any(case.pred_probs[i, c] >= thresholds[c] for c in partners)
        assert result.mask[i] == flagged
        best = max((case.pred_probs[i, c] for c in partners), default=None)
        assert result.scores[i] == pytest.approx(1.0 if best is None else 1 - best)


def test_detector_scores_new_rows_the_same_twice(health_case, monkeypatch):
    pytest.importorskip("faiss")
    case = health_case(2, n=300)
    monkeypatch.setattr(_graph, "EXACT_MAX_WORK", 0)  # approximate index everywhere
    det = OutlierDetector(random_state=0).fit(case.features[:250])
    a = det.detect(case.features[250:])
    b = det.detect(case.features[250:])
    np.testing.assert_array_equal(a.scores, b.scores)


def test_reference_rows_are_not_their_own_neighbours(health_case, brute_distances):
    case = health_case(3, n=80)
    k = 3
    det = OutlierDetector(n_neighbors=k).fit(case.features)
    dist = brute_distances(case.features, case.features).clip(0, 2)
    np.fill_diagonal(dist, np.inf)  # leave-one-out: a row is never its own neighbour
    loo = np.sort(dist, axis=1)[:, :k].mean(axis=1)
    np.testing.assert_allclose(det.feature_signal_, np.sort(loo), atol=1e-9)
    # the same rows as *new* data do meet themselves (distance 0) among the reference rows
    again = det.detect(case.features)
    assert np.all(again.feature_scores >= det.reference_result_.feature_scores - 1e-12)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_outlier_scores_follow_a_permutation(health_case, seed):
    case = health_case(seed, n=60)
    perm = np.random.default_rng(seed).permutation(case.n)
    a = outlier_scores(case.features, pred_probs=case.pred_probs, labels=case.labels)
    b = outlier_scores(
        case.features[perm], pred_probs=case.pred_probs[perm], labels=case.labels[perm]
    )
    np.testing.assert_allclose(a.scores[perm], b.scores, atol=1e-12)
    np.testing.assert_array_equal(a.mask[perm], b.mask)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_duplicates_and_leakage_are_deterministic(health_case, seed):
    case = health_case(seed, n=60)
    a, b = find_duplicates(case.features), find_duplicates(case.features)
    np.testing.assert_array_equal(a.group, b.group)
    np.testing.assert_array_equal(a.scores, b.scores)
    la, lb = (
        find_leakage(case.features[:40], case.features[40:]),
        find_leakage(case.features[:40], case.features[40:]),
    )
    np.testing.assert_array_equal(la.pairs, lb.pairs)
