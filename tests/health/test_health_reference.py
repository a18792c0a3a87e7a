"""Each check against a slow, obvious implementation on many seeded cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from labelnoise import estimate_noise
from labelnoise.health import (
    OutlierDetector,
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
from labelnoise.health._noniid import _order_shares

SEEDS = range(12)


@pytest.mark.parametrize("seed", SEEDS)
def test_graph_matches_full_sort(seed, health_case, brute_distances):
    case = health_case(seed, n=80)
    graph = neighbor_graph(case.features, n_neighbors=7)
    dist = brute_distances(case.features, case.features)
    np.fill_diagonal(dist, np.inf)
    expected = np.sort(dist, axis=1)[:, :7]
    np.testing.assert_allclose(1 - graph.similarity, expected, atol=1e-9)
    picked = np.take_along_axis(dist, graph.indices, axis=1)
    np.testing.assert_allclose(picked, expected, atol=1e-9)


def _union_find_groups(n: int, pairs: list[tuple[int, int]]) -> set[frozenset[int]]:
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i, j in pairs:
        parent[root(i)] = root(j)
    groups: dict[int, set[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), set()).add(i)
    return {frozenset(g) for g in groups.values() if len(g) > 1}


@pytest.mark.parametrize("seed", SEEDS)
def test_duplicates_match_brute_force(seed, health_case, brute_distances, slow_capped_threshold):
    case = health_case(seed, n=60)
    n = case.n
    result = find_duplicates(case.features, labels=case.labels, n_neighbors=n - 1)
    dist = brute_distances(case.features, case.features).clip(0, 2)
    np.fill_diagonal(dist, np.inf)
    nearest = dist.min(axis=1)
    median = np.median(nearest)
    threshold = slow_capped_threshold(dist, DEFAULT_DUPLICATE_THRESHOLD)
    assert result.threshold == pytest.approx(threshold, rel=1e-9)
    radius = max(threshold * median, 1e-6)
    pairs = [(i, j) for i in range(n) for j in range(n) if i != j and dist[i, j] <= radius]
    expected = _union_find_groups(n, pairs)
    assert {frozenset(g.tolist()) for g in result.groups()} == expected
    np.testing.assert_allclose(result.scores, nearest / (nearest + max(median, 1e-6)), atol=1e-9)
    for group in expected:
        members = sorted(group)
        differ = len({int(case.labels[i]) for i in members}) > 1
        assert all(result.conflicts[i] == differ for i in members)
    for src, dst in case.copies:
        assert result.group[src] == result.group[dst] >= 0


@pytest.mark.parametrize("seed", SEEDS)
def test_leakage_matches_brute_force(seed, health_case, brute_distances, slow_capped_threshold):
    case = health_case(seed, n=120)
    train, test = case.features[:80], case.features[80:].copy()
    test[:3] = train[[5, 17, 40]] * 1.0001
    result = find_leakage(train, test, n_candidates=80)
    dist = brute_distances(test, train).clip(0, 2)
    nearest = dist.min(axis=1)
    np.testing.assert_array_equal(result.nearest, dist.argmin(axis=1))
    threshold = slow_capped_threshold(dist, DEFAULT_DUPLICATE_THRESHOLD)
    assert result.threshold == pytest.approx(threshold, rel=1e-9)
    relative = nearest / np.median(nearest)
    np.testing.assert_array_equal(result.mask, relative <= threshold)
    np.testing.assert_allclose(result.scores, relative / (relative + 1), atol=1e-9)
    assert {(0, 5), (1, 17), (2, 40)} <= set(map(tuple, result.pairs.tolist()))


@pytest.mark.parametrize("seed", SEEDS)
def test_outliers_match_brute_force(seed, health_case, brute_distances):
    case = health_case(seed, n=90)
    k = 5
    result = outlier_scores(case.features, n_neighbors=k)
    dist = brute_distances(case.features, case.features).clip(0, 2)
    np.fill_diagonal(dist, np.inf)
    signal = np.sort(dist, axis=1)[:, :k].mean(axis=1)
    tail = np.array([(signal >= s - 1e-12).mean() for s in signal])
    np.testing.assert_allclose(result.scores, tail, atol=1e-9)
    q1, q3 = np.percentile(signal, [25, 75])
    np.testing.assert_array_equal(result.mask, signal > q3 + 3.0 * (q3 - q1))
    # new rows: compared with every reference row, +1 smoothing
    new = case.features[:10] + 5.0
    fitted = OutlierDetector(n_neighbors=k).fit(case.features)
    new_dist = brute_distances(new, case.features).clip(0, 2)
    new_signal = np.sort(new_dist, axis=1)[:, :k].mean(axis=1)
    expected = np.array([(1 + (signal >= s - 1e-12).sum()) / (1 + signal.size) for s in new_signal])
    np.testing.assert_allclose(fitted.detect(new).scores, expected, atol=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_model_signal_matches_brute_force(seed, health_case):
    case = health_case(seed, n=90)
    k = case.pred_probs.shape[1]
    # Dirichlet rows: no two entropies tied up to rounding (saturated softmax rows are)
    pp = np.random.default_rng(seed).dirichlet(np.ones(k) * 2.0, size=case.n)
    result = outlier_scores(pred_probs=pp, labels=case.labels)
    thr = np.array(
        [
            pp[case.labels == c, c].mean() if (case.labels == c).any() else pp[:, c].mean()
            for c in range(k)
        ]
    )
    adj = pp / thr
    adj /= adj.sum(axis=1, keepdims=True)
    ent = -(adj * np.log(np.where(adj > 0, adj, 1))).sum(axis=1) / np.log(k)
    np.testing.assert_allclose(result.scores, [(ent >= e - 1e-12).mean() for e in ent], atol=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_order_shares_match_loop(seed, health_case):
    case = health_case(seed, n=40)
    graph = neighbor_graph(case.features, n_neighbors=4)
    position = np.random.default_rng(seed).permutation(40)
    u = _order_shares(position, graph)
    for i in range(40):
        for c, j in enumerate(graph.indices[i]):
            d = abs(position[i] - position[j])
            others = [m for m in range(40) if m != i and abs(position[i] - position[m]) <= d]
            assert u[i, c] == pytest.approx(len(others) / 39)


def test_non_iid_detects_drift_and_passes_shuffled():
    rng = np.random.default_rng(3)
    drift = np.cumsum(rng.normal(size=(400, 5)), axis=0)
    assert non_iid(drift, random_state=0, n_permutations=50).p_value < 0.05
    p_values = [
        non_iid(rng.normal(size=(300, 5)), random_state=s, n_permutations=50).p_value
        for s in range(8)
    ]
    assert min(p_values) > 0.01  # i.i.d. rows: never strongly rejected in 8 draws


@pytest.mark.parametrize("seed", SEEDS)
def test_class_imbalance_matches_counts(seed):
    rng = np.random.default_rng(seed)
    labels = rng.choice(5, size=300, p=[0.5, 0.3, 0.15, 0.04, 0.01])
    result = class_imbalance(labels)
    present = np.unique(labels)
    counts = np.array([(labels == c).sum() for c in present])
    rare = present[counts / 300 < 0.1 / present.size]
    np.testing.assert_array_equal(result.rare_classes, rare)
    np.testing.assert_array_equal(result.mask, np.isin(labels, rare))


@pytest.mark.parametrize("seed", SEEDS)
def test_overlapping_pairs_from_confident_joint(seed, health_case):
    case = health_case(seed, n=150)
    result = overlapping_classes(case.labels, case.pred_probs, threshold=0.02)
    joint = np.asarray(estimate_noise(case.labels, case.pred_probs).confident_joint)
    counts = np.bincount(case.labels, minlength=joint.shape[0])
    for row in result.pairs.itertuples():
        a, b = int(row.class_a), int(row.class_b)
        assert row.count == joint[a, b] + joint[b, a]
        assert row.share == pytest.approx(row.count / (counts[a] + counts[b]))
        assert row.overlapping == (row.share >= 0.02)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.filterwarnings("ignore:(train_)?features has [12] column:UserWarning")
def test_few_columns_match_brute_force(seed):
    """Fewer than 3 columns: groups of identical rows, Euclidean scores, by loops."""
    rng = np.random.default_rng([seed, 153])
    dim = 1 + seed % 2
    x = rng.integers(0, 6, size=(40, dim)) + rng.choice([0.0, 0.5], size=(40, dim))
    result = find_duplicates(x)
    same: dict[tuple[float, ...], list[int]] = {}
    for i, row in enumerate(x):
        same.setdefault(tuple(row), []).append(i)
    assert {frozenset(g.tolist()) for g in result.groups()} == {
        frozenset(g) for g in same.values() if len(g) > 1
    }
    nearest = np.array(
        [min(np.linalg.norm(x[i] - x[j]) for j in range(40) if j != i) for i in range(40)]
    )
    median = np.median(nearest) if np.median(nearest) > 0 else np.median(nearest[nearest > 0])
    np.testing.assert_allclose(result.scores, nearest / (nearest + median), atol=1e-12)
    assert result.median_distance == pytest.approx(median)
    train, test = x[:25], x[25:]
    leak = find_leakage(train, test)
    for t, row in enumerate(test):
        dist = [np.linalg.norm(row - r) for r in train]
        assert leak.nearest[t] == int(np.argmin(dist))  # equal distances: the first row
        assert leak.mask[t] == (min(dist) == 0)


@pytest.mark.parametrize("seed", range(4))
def test_image_signature_matches_a_dct_loop(seed):
    """The orthonormal 2-D DCT-II of the luma image, written as its double sum."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(2, 9, 7, 3)).astype(np.uint8)
    size = 4
    result = image_signature(images, size=size)
    for image, signature in zip(images, result, strict=True):
        grey = image.astype(float) @ np.array([0.299, 0.587, 0.114])
        h, w = grey.shape
        expected = []
        for u in range(size):
            for v in range(size):
                total = sum(
                    grey[x, y]
                    * math.cos(math.pi * (2 * x + 1) * u / (2 * h))
                    * math.cos(math.pi * (2 * y + 1) * v / (2 * w))
                    for x in range(h)
                    for y in range(w)
                )
                scale = math.sqrt((1 if u == 0 else 2) / h) * math.sqrt((1 if v == 0 else 2) / w)
                expected.append(scale * total)
        np.testing.assert_allclose(signature, expected[1:], rtol=1e-4, atol=1e-2)
