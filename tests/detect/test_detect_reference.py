"""Each new algorithm against a slow, obvious re-implementation on many seeded small cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from labelnoise import estimate_noise, find_label_issues, label_quality_scores
from labelnoise._pass import confident_pass
from labelnoise._validation import check_problem
from labelnoise.detect import clean_probability
from labelnoise.detect._auto import (
    COUNT_SHARPNESS,
    NOISE_FLOOR,
    label_posterior,
    label_temperature,
    noise_structure,
    smoothed_noise,
)
from labelnoise.detect._mixture import fit, fit_beta, fit_gaussian, has_two_modes, posterior

SEEDS = range(12)


def _slow_em(x: list[float], kind: str) -> tuple[list[float], list[float], list[float]]:
    """EM for a two-component mixture with Python loops: median-split start, then E and M
    steps until the mean log-likelihood improves by less than 1e-8 (relative)."""
    ordered = sorted(x)
    n = len(x)
    median = (ordered[(n - 1) // 2] + ordered[n // 2]) / 2
    low_is_clean = kind == "gaussian"
    clean = [(v <= median) if low_is_clean else (v >= median) for v in x]
    if all(clean) or not any(clean):
        clean = [(v < median) if low_is_clean else (v > median) for v in x]
    resp = [[1.0 if c else 0.0, 0.0 if c else 1.0] for c in clean]

    def m_step(resp):
        weights, a, b = [], [], []
        for c in range(2):
            total = sum(r[c] for r in resp) + 1e-12
            mean = sum(r[c] * v for r, v in zip(resp, x, strict=True)) / total
            if kind == "beta":
                mean = min(max(mean, 1e-4), 1 - 1e-4)
            var = sum(r[c] * (v - mean) ** 2 for r, v in zip(resp, x, strict=True)) / total
            weights.append(total / n)
            if kind == "gaussian":
                a.append(mean)
                b.append(var + 1e-6)
            else:
                var = min(max(var, 1e-8), mean * (1 - mean) * (1 - 1e-3))
                common = mean * (1 - mean) / var - 1
                a.append(common * mean)
                b.append(common * (1 - mean))
        return weights, a, b

    def log_density(v, a, b):
        if kind == "gaussian":
            return -0.5 * (math.log(2 * math.pi * b) + (v - a) ** 2 / b)
        log_beta = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
        return (a - 1) * math.log(v) + (b - 1) * math.log1p(-v) - log_beta

    params = m_step(resp)
    previous = -math.inf
    for _ in range(200):
        weights, a, b = params
        resp, total = [], 0.0
        for v in x:
            logs = [math.log(max(weights[c], 1e-300)) + log_density(v, a[c], b[c]) for c in (0, 1)]
            top = max(logs)
            norm = top + math.log(sum(math.exp(s - top) for s in logs))
            resp.append([math.exp(s - norm) for s in logs])
            total += norm
        params = m_step(resp)
        mean_ll = total / n
        if mean_ll - previous < 1e-8 * max(1.0, abs(mean_ll)):
            break
        previous = mean_ll
    return params


def _sample(seed: int, kind: str) -> np.ndarray:
    rng = np.random.default_rng([seed, 3])
    n_clean, n_noisy = int(rng.integers(15, 50)), int(rng.integers(3, 20))
    p = np.r_[rng.beta(8, 1.5, n_clean), rng.beta(1.5, 4, n_noisy)]
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return -np.log(p) if kind == "gaussian" else p


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", ["gaussian", "beta"])
def test_em_matches_slow_loop(seed, kind):
    x = _sample(seed, kind)
    fitted = fit_gaussian(x) if kind == "gaussian" else fit_beta(x)
    weights, a, b = _slow_em(x.tolist(), kind)
    means = a if kind == "gaussian" else [ai / (ai + bi) for ai, bi in zip(a, b, strict=True)]
    clean = int(np.argmin(means)) if kind == "gaussian" else int(np.argmax(means))
    order = [clean, 1 - clean]
    np.testing.assert_allclose(fitted.weights, np.array(weights)[order], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(fitted.a, np.array(a)[order], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(fitted.b, np.array(b)[order], rtol=1e-6, atol=1e-9)


def _slow_neighbours(features: np.ndarray, k: int) -> list[list[int]]:
    n = features.shape[0]
    unit = [row / (np.linalg.norm(row) or 1.0) for row in features]
    out = []
    for i in range(n):
        sims = [(-float(np.dot(unit[i], unit[j])), j) for j in range(n) if j != i]
        out.append([j for _, j in sorted(sims)[:k]])
    return out


@pytest.mark.parametrize("seed", SEEDS)
def test_knn_voting_matches_slow_loop(seed, feature_case):
    rng = np.random.default_rng([seed, 11])
    case = feature_case(seed, n=int(rng.integers(8, 60)), n_classes=int(rng.integers(2, 5)))
    k = int(rng.integers(1, 12))
    issues = find_label_issues(case.labels, features=case.features, method="knn", n_neighbors=k)
    neighbours = _slow_neighbours(case.features, min(k, case.n - 1))
    n_classes = int(case.labels.max()) + 1
    for i, near in enumerate(neighbours):
        votes = [sum(case.labels[j] == c for j in near) for c in range(n_classes)]
        own = votes[case.labels[i]]
        assert issues.scores[i] == pytest.approx(own / len(near))
        assert issues.mask[i] == (own < max(votes))
        expected = votes.index(max(votes)) if own < max(votes) else case.labels[i]
        assert issues.suggested_labels[i] == expected


@pytest.mark.parametrize("seed", SEEDS)
def test_knn_ranking_orders_equal_shares_by_weighted_votes(seed, feature_case):
    """Flagged rows worst first: the share of agreeing neighbours, then (equal shares
    being common) the similarity-weighted share, each neighbour weighing (1 + cos) / 2."""
    rng = np.random.default_rng([seed, 12])
    case = feature_case(seed, n=int(rng.integers(20, 60)), n_classes=int(rng.integers(2, 5)))
    k = int(rng.integers(2, 8))
    issues = find_label_issues(case.labels, features=case.features, method="knn", n_neighbors=k)
    unit = [row / (np.linalg.norm(row) or 1.0) for row in case.features]
    weighted = []
    for i, near in enumerate(_slow_neighbours(case.features, min(k, case.n - 1))):
        weights = [(1 + float(np.dot(unit[i], unit[j]))) / 2 for j in near]
        agree = sum(
            w for w, j in zip(weights, near, strict=True) if case.labels[j] == case.labels[i]
        )
        weighted.append(agree / sum(weights))
    flagged = np.flatnonzero(issues.mask)
    expected = sorted(flagged, key=lambda i: (issues.scores[i], weighted[i], i))
    assert [int(i) for i in issues.indices] == [int(i) for i in expected]


@pytest.mark.parametrize("seed", SEEDS)
def test_label_posterior_matches_formula(seed, problem):
    case = problem(seed, n=150, n_classes=int(np.random.default_rng(seed).integers(2, 6)))
    checked = check_problem(case.labels, case.pred_probs)
    posterior = label_posterior(checked, confident_pass(checked))
    estimate = estimate_noise(case.labels, case.pred_probs)
    k = case.n_classes
    joint = estimate.confident_joint  # calibrated
    rate = 1 - sum(joint[j][j] for j in range(k)) / joint.sum()
    floor = NOISE_FLOOR * max(rate, 1 / case.n) / (k - 1)
    noise = [
        [estimate.noise_matrix[i][j] + (floor if i != j else 0.0) for j in range(k)]
        for i in range(k)
    ]
    noise = np.array(noise) / np.sum(noise, axis=0)
    thresholds = np.minimum(estimate.thresholds, 1.0)
    for i in range(case.n):
        adjusted = [case.pred_probs[i, j] / thresholds[j] for j in range(k)]
        total = sum(adjusted)
        adjusted = [a / total for a in adjusted]
        given = case.labels[i]
        expected = (
            adjusted[given]
            * noise[given, given]
            / sum(adjusted[j] * noise[given, j] for j in range(k))
        )
        assert posterior[i] == pytest.approx(expected, rel=1e-9, abs=1e-12)


def _slow_structure(joint, noise, present):
    """Unbiased Simpson concentration of each column's off-diagonal counts, 0 for even
    spreading over the other present labels and 1 for one label, mass-weighted; with two
    classes present, the spread of their noise rates."""
    k = len(joint)
    if sum(present) == 2:
        rates = [1 - noise[i][i] for i in range(k) if present[i]]
        mean = sum(rates) / 2
        spread = (sum((r - mean) ** 2 for r in rates) / 2) ** 0.5
        return min(1.0, spread / mean) if mean > 0 else 0.0
    weighted = total = 0.0
    for j in range(k):
        column = [float(joint[i][j]) for i in range(k) if i != j and present[i]]
        m = sum(column)
        others = sum(present) - present[j]
        if m <= 1 or others < 2:
            continue
        same_pair = sum(x * (x - 1) for x in column) / (m * (m - 1))
        weighted += m * (same_pair - 1 / others) / (1 - 1 / others)
        total += m
    if total == 0:
        return 0.0
    return min(1.0, max(0.0, weighted / total))


def _slow_ranks(values):
    """Percentile ranks with ties averaged, by counting."""
    n = len(values)
    return [
        (sum(v < x for v in values) + (sum(v == x for v in values) + 1) / 2) / n for x in values
    ]


@pytest.mark.parametrize("seed", SEEDS)
def test_auto_scores_match_slow_mix(seed, problem):
    """auto's score: percentile-rank mix of the posterior and the normalized margin,
    weighted by the noise structure; it flags the expected count of lowest scores."""
    rng = np.random.default_rng([seed, 3])
    case = problem(seed, n=int(rng.integers(40, 160)), n_classes=int(rng.integers(2, 6)))
    issues = find_label_issues(case.labels, case.pred_probs, method="auto")
    checked = check_problem(case.labels, case.pred_probs)
    posterior = label_posterior(checked, confident_pass(checked))
    estimate = estimate_noise(case.labels, case.pred_probs)
    present = [bool(np.any(case.labels == c)) for c in range(case.n_classes)]
    joint = confident_pass(checked).confident_joint
    structure = _slow_structure(joint, estimate.noise_matrix, present)
    weight = min(1.0, 0.5 + structure)
    margin = label_quality_scores(case.labels, case.pred_probs, method="normalized_margin")
    mixed = [
        weight * p + (1 - weight) * m
        for p, m in zip(_slow_ranks(list(posterior)), _slow_ranks(list(margin)), strict=True)
    ]
    np.testing.assert_allclose(issues.scores, mixed, rtol=1e-12, atol=1e-12)
    assert len(issues) == _slow_count(case.labels, case.pred_probs)
    if 0 < len(issues) < case.n:
        assert issues.scores[issues.mask].max() <= issues.scores[~issues.mask].min()


def _slow_temperature(labels, pred_probs):
    """Temperature scaling by a fine grid over log T in [-3, 3] (the library searches the
    same range with a bounded scalar minimizer)."""
    logs = np.log(np.clip(pred_probs, 1e-4, 1))

    def nll(log_t):
        total = 0.0
        for row, label in zip(logs, labels, strict=True):
            scaled = [v / math.exp(log_t) for v in row]
            top = max(scaled)
            total += top + math.log(sum(math.exp(v - top) for v in scaled)) - scaled[label]
        return total / len(labels)

    grid = np.linspace(-3, 3, 601)
    values = [nll(g) for g in grid]
    return math.exp(grid[int(np.argmin(values))]), min(values), nll


def _slow_count(labels, pred_probs):
    """sum(1 - posterior) on the probabilities calibrated to the labels and sharpened
    by COUNT_SHARPNESS, the posterior by the formula (test above)."""
    checked = check_problem(labels, pred_probs)
    temperature = label_temperature(checked) / COUNT_SHARPNESS
    rows = []
    for row in pred_probs:
        powered = [p ** (1 / temperature) for p in row]
        rows.append([v / sum(powered) for v in powered])
    sharp = check_problem(labels, np.array(rows))
    posterior = label_posterior(sharp, confident_pass(sharp))
    return round(sum(1 - p for p in posterior))


@pytest.mark.parametrize("seed", SEEDS)
def test_label_temperature_minimizes_the_nll(seed, problem):
    """The fitted temperature is at least as likely as the best of a fine grid."""
    rng = np.random.default_rng([seed, 4])
    case = problem(seed, n=int(rng.integers(30, 90)), n_classes=int(rng.integers(2, 5)))
    fitted = label_temperature(check_problem(case.labels, case.pred_probs))
    _, best_nll, nll = _slow_temperature(case.labels, case.pred_probs)
    assert nll(math.log(fitted)) <= best_nll + 1e-6
    assert math.exp(-3) - 1e-9 <= fitted <= math.exp(3) + 1e-9


def test_noise_structure_extremes():
    """Uniform off-diagonal mass is 0, all of it on one given label is 1; two classes:
    equal noise rates are 0."""
    uniform = np.full((4, 4), 5) + np.diag([50] * 4)
    assert noise_structure(uniform, np.eye(4)) == 0.0
    assert noise_structure(np.diag([50] * 4), np.eye(4)) == 0.0  # no wrong labels
    pairs = np.diag([50] * 4) + np.roll(np.eye(4, dtype=int), 1, axis=0) * 9
    assert noise_structure(pairs, np.eye(4)) == 1.0
    even_binary = np.array([[0.8, 0.2], [0.2, 0.8]])
    assert noise_structure(np.eye(2), even_binary) == 0.0
    one_sided = np.array([[0.6, 0.0], [0.4, 1.0]])
    assert noise_structure(np.eye(2), one_sided) == 1.0


@pytest.mark.parametrize("seed", range(5))
def test_noise_structure_is_near_zero_for_few_uniform_errors(seed):
    """With few wrong labels per class spread at random, the largest cell's share looks
    concentrated by chance; the unbiased concentration does not (its mean is 0 before
    clipping, so the clipped value stays small)."""
    rng = np.random.default_rng(seed)
    k = 20
    joint = np.diag(rng.integers(20, 40, size=k)).astype(float)
    for j in range(k):  # four wrong labels per true class, spread uniformly
        for i in rng.choice([c for c in range(k) if c != j], size=4):
            joint[i, j] += 1
    largest_share = sum(np.delete(joint[:, j], j).max() for j in range(k)) / (4 * k)
    assert largest_share >= 0.25  # vs 1/19 for even spreading: biased upwards
    assert noise_structure(joint, np.eye(k)) < 0.1


def test_noise_structure_ignores_absent_classes():
    """An absent class is no label to spread over: uniform noise over the present labels
    is 0, and with two classes present the two-class measure applies."""
    joint = np.diag([50.0, 50.0, 50.0, 1.0])  # class 3 absent (the joint keeps 1 there)
    joint[np.ix_([0, 1, 2], [0, 1, 2])] += 6 * (1 - np.eye(3))
    present = np.array([True, True, True, False])
    assert noise_structure(joint, np.eye(4), present) == 0.0
    assert noise_structure(joint, np.eye(4)) > 0.15  # counting class 3 as a place to go
    noise = np.array([[0.9, 0.3, 0.0], [0.1, 0.7, 0.0], [0.0, 0.0, 1.0]])
    two = noise_structure(np.eye(2), noise[:2, :2])
    assert noise_structure(np.eye(3), noise, np.array([True, True, False])) == two > 0


def test_smoothed_noise_floor_scales_with_the_noise_rate():
    """The floor added off the diagonal is NOISE_FLOOR times the estimated noise rate over
    the other classes, so nearly clean data keeps its (sparse) confusions distinct."""
    joint = np.diag([998.0, 1000.0, 1000.0])
    joint[0, 1] = 2.0  # 2 wrong labels of 3000
    noise = joint / joint.sum(axis=0)
    smoothed = smoothed_noise(joint, noise, 3000)
    np.testing.assert_allclose(smoothed.sum(axis=0), 1.0)
    floor = NOISE_FLOOR * (2 / 3000) / 2
    assert smoothed[2, 1] == pytest.approx(floor / (1 + 2 * floor), rel=1e-12)
    assert smoothed[0, 1] > 50 * smoothed[2, 1]  # the observed confusion stays dominant
    clean = smoothed_noise(np.eye(3) * 10, np.eye(3), 30)
    floor = NOISE_FLOOR * (1 / 30) / 2  # no wrong labels: the rate counts as 1/n
    assert clean[1, 0] == pytest.approx(floor / (1 + 2 * floor), rel=1e-12)


@pytest.mark.parametrize("seed", range(10))
def test_per_class_is_one_fit_per_class(seed, problem):
    """Classes of 10+ rows whose values show two modes, the noisy one noisy by the
    global fit, get their own fit; the others keep the global one."""
    case = problem(seed, n=200, n_classes=3)
    per_class = clean_probability(case.labels, case.pred_probs, per_class=True)
    global_fit = clean_probability(case.labels, case.pred_probs)
    everyone = case.pred_probs[np.arange(case.n), case.labels]
    for k in range(3):
        rows = np.flatnonzero(case.labels == k)
        own = case.pred_probs[rows, k]
        noisy_p = math.exp(-fit_gaussian(-np.log(np.clip(own, 1e-6, 1))).a[1])
        noisy_by_global = posterior(fit(everyone, "gaussian"), np.array([noisy_p]))[0] < 0.5
        if rows.size >= 10 and _slow_two_modes(own) and noisy_by_global:
            alone = clean_probability(
                np.zeros(rows.size, dtype=int), np.column_stack([own, 1 - own])
            )
            np.testing.assert_allclose(per_class[rows], alone, rtol=1e-12)
        else:
            np.testing.assert_array_equal(per_class[rows], global_fit[rows])


def _slow_two_modes(p_label):
    """BIC of one Gaussian (2 parameters) against the fitted two-component mixture (5),
    over the losses, by the textbook densities."""
    losses = [-math.log(max(float(v), 1e-6)) for v in p_label]
    n = len(losses)
    mean = sum(losses) / n
    var = sum((x - mean) ** 2 for x in losses) / n + 1e-6
    one = sum(-0.5 * math.log(2 * math.pi * var) - (x - mean) ** 2 / (2 * var) for x in losses)
    fit = fit_gaussian(np.array(losses))
    two = 0.0
    for x in losses:
        two += math.log(
            sum(
                w * math.exp(-((x - m) ** 2) / (2 * v)) / math.sqrt(2 * math.pi * v)
                for w, m, v in zip(fit.weights, fit.a, fit.b, strict=True)
            )
        )
    return -2 * two + 5 * math.log(n) < -2 * one + 2 * math.log(n)


@pytest.mark.parametrize("seed", SEEDS)
def test_two_modes_matches_slow_bic(seed):
    rng = np.random.default_rng([seed, 21])
    n = int(rng.integers(10, 200))
    clean = rng.beta(20, 1, n)
    noisy = rng.beta(1, 4, n)
    p_label = np.where(rng.random(n) < rng.uniform(0, 0.5), noisy, clean)
    assert has_two_modes(p_label, "gaussian") == _slow_two_modes(p_label)
