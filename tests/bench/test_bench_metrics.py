"""``detection_metrics`` against slow, obvious re-computations, and its error messages."""

from __future__ import annotations

import math

import numpy as np
import pytest

from labelnoise import InputError
from labelnoise.bench import DetectionMetrics, detection_metrics


def slow_metrics(mask, scores, truth):
    """Loops over examples and over all (flipped, kept) pairs; no sklearn."""
    tp = sum(1 for m, t in zip(mask, truth, strict=True) if m and t)
    flagged, flipped = sum(mask), sum(truth)
    precision = tp / flagged if flagged else math.nan
    recall = tp / flipped if flipped else math.nan
    f1 = 2 * precision * recall / (precision + recall) if tp else (0.0 if flipped else math.nan)
    pos = [s for s, t in zip(scores, truth, strict=True) if t]
    neg = [s for s, t in zip(scores, truth, strict=True) if not t]
    # AUROC = P(a flipped example scores lower than a kept one), ties count half.
    wins = sum((p < q) + 0.5 * (p == q) for p in pos for q in neg)
    auroc = wins / (len(pos) * len(neg))
    # Average precision without ties: mean over flipped examples of precision at their rank.
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    hits, total = 0, 0.0
    for rank, i in enumerate(order, start=1):
        if truth[i]:
            hits += 1
            total += hits / rank
    return precision, recall, f1, auroc, total / flipped


@pytest.mark.parametrize("seed", range(8))
def test_matches_slow_computation(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 200))
    truth = rng.random(n) < rng.uniform(0.05, 0.5)
    truth[:2] = [True, False]
    scores = rng.random(n) - 0.4 * truth  # flipped examples score lower, on average
    mask = scores < np.quantile(scores, rng.uniform(0.05, 0.6))
    got = detection_metrics(mask, scores, truth)
    expected = slow_metrics(mask.tolist(), scores.tolist(), truth.tolist())
    values = (got.precision, got.recall, got.f1, got.auroc, got.auprc)
    np.testing.assert_allclose(values, expected, rtol=1e-12)
    assert (got.n_flagged, got.n_flipped) == (int(mask.sum()), int(truth.sum()))


def test_ties_in_scores_count_half():
    truth = np.array([True, False, True, False])
    scores = np.array([0.5, 0.5, 0.1, 0.9])
    got = detection_metrics(np.zeros(4, bool), scores, truth)
    assert got.auroc == slow_metrics([0] * 4, scores.tolist(), truth.tolist())[3] == 0.875


def test_nothing_flagged_and_nothing_flipped():
    scores = np.linspace(0, 1, 5)
    none_flagged = detection_metrics(np.zeros(5, bool), scores, np.array([1, 0, 0, 0, 0], bool))
    assert math.isnan(none_flagged.precision) and none_flagged.recall == 0 and none_flagged.f1 == 0
    none_flipped = detection_metrics(np.ones(5, bool), scores, np.zeros(5, bool))
    assert none_flipped.precision == 0 and math.isnan(none_flipped.recall)
    assert math.isnan(none_flipped.auroc) and math.isnan(none_flipped.auprc)
    assert none_flipped.f1 == 0.0
    assert math.isnan(detection_metrics([False], [0.5], [False]).f1)


def test_result_is_frozen():
    got = detection_metrics([True, False], [0.1, 0.9], [True, False])
    assert isinstance(got, DetectionMetrics)
    with pytest.raises(AttributeError):
        got.f1 = 0.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("mask", "scores", "truth", "match"),
    [
        ([1, 0], [0.1, 0.2], [True, False], r"mask: expected a boolean mask, got dtype int"),
        ([True], [0.1, 0.2], [True, False], r"mask: expected shape \(2,\), got shape \(1,\)"),
        ([True, False], [0.1], [True, False], r"scores: expected shape \(2,\)"),
        ([True, False], [0.1, np.nan], [True, False], r"scores: expected finite numbers"),
        ([True, False], ["a", "b"], [True, False], r"scores: expected finite numbers"),
        ([True, False], [0.1, 0.2], [[True, False]], r"is_flipped: expected a 1-D array"),
        ([True, False], [0.1, 0.2], [1, 0], r"is_flipped: expected a boolean mask"),
    ],
)
def test_errors(mask, scores, truth, match):
    with pytest.raises(InputError, match=match):
        detection_metrics(mask, scores, truth)


def test_count_error_is_flagged_minus_flipped():
    m = detection_metrics(
        [True, True, True, False], [0.1, 0.2, 0.3, 0.9], [True, False, False, False]
    )
    assert (m.n_flagged, m.n_flipped, m.count_error) == (3, 1, 2)
