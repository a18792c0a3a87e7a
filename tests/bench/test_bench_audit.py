"""``audit_test_set`` and ``corrected_accuracy`` against slow re-computations and errors."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from labelnoise import InputError, find_label_issues
from labelnoise.bench import TestSetAudit, audit_test_set, corrected_accuracy
from labelnoise.demo import load_bundled_label_errors


@pytest.mark.parametrize("seed", range(5))
def test_audit_matches_slow_count(problem, seed):
    case = problem(seed, n=300, n_classes=4, noise=0.2)
    rng = np.random.default_rng(seed)
    issues = find_label_issues(case.labels, case.pred_probs)
    # Review all flagged rows plus some others, as the label-errors study did.
    reviewed = sorted(set(issues.indices.tolist()) | set(rng.choice(300, 30).tolist()))
    verified = {int(r): bool(rng.random() < 0.5) for r in reviewed}
    audit = audit_test_set(case.labels, case.pred_probs, verified=verified)
    flagged = set(issues.indices.tolist())
    reviewed_flags = [r for r in verified if r in flagged]
    confirmed = [r for r in reviewed_flags if verified[r]]
    assert audit.n == 300 and audit.n_flagged == len(flagged)
    assert audit.n_reviewed == len(verified)
    assert audit.n_flagged_reviewed == len(reviewed_flags)
    assert audit.n_confirmed == len(confirmed)
    assert audit.n_confirmed_total == sum(verified.values())
    assert audit.precision == pytest.approx(len(confirmed) / len(reviewed_flags))
    assert audit.relative_recall == pytest.approx(len(confirmed) / sum(verified.values()))
    assert audit.coverage == 1.0
    assert audit.flagged.tolist() == issues.indices.tolist()
    assert sorted(audit.confirmed.tolist()) == sorted(confirmed)
    assert audit.estimated_errors == pytest.approx(audit.precision * audit.n_flagged)


def test_find_kwargs_are_passed(problem):
    case = problem(1, n=200, n_classes=3, noise=0.2)
    audit = audit_test_set(case.labels, case.pred_probs, verified={}, method="both")
    assert audit.method == "both"
    assert audit.n_reviewed == 0 and math.isnan(audit.precision)
    assert math.isnan(audit.relative_recall)
    with pytest.raises(AttributeError):
        audit.n = 3  # type: ignore[misc]
    assert not audit.flagged.flags.writeable


def test_bundled_cifar10_review():
    """The paper's numbers: 54 confirmed errors among 275 reviewed CIFAR-10 candidates."""
    data = load_bundled_label_errors("cifar10")
    audit = audit_test_set(data.labels, data.pred_probs, verified=data.verified)
    assert isinstance(audit, TestSetAudit)
    assert (audit.n_flagged, audit.n_confirmed, audit.n_confirmed_total) == (284, 49, 54)
    assert audit.n_reviewed == 275


@pytest.mark.parametrize(
    ("verified", "match"),
    [
        ([1, 2], r"verified: expected a mapping of row index -> bool"),
        ({10: True}, r"verified: keys must be row indices in 0\.\.4, got 10"),
        ({True: True}, r"verified: keys must be row indices"),
        ({1: 1}, r"verified: values must be bools .*got 1 for row 1"),
    ],
)
def test_audit_errors(verified, match):
    pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.2, 0.8], [0.9, 0.1]])
    with pytest.raises(InputError, match=match):
        audit_test_set([0, 0, 1, 1, 1], pred_probs, verified=verified)


def slow_accuracy(predicted, labels, keep=None):
    pairs = [
        (p, y)
        for i, (p, y) in enumerate(zip(predicted, labels, strict=True))
        if keep is None or keep[i]
    ]
    return sum(p == y for p, y in pairs) / len(pairs)


@pytest.mark.parametrize("seed", range(4))
def test_corrected_accuracy_matches_slow(seed):
    rng = np.random.default_rng(seed)
    n, k = 200, 5
    labels = rng.integers(0, k, n)
    models = {
        f"m{i}": np.where(rng.random(n) < 0.7 + 0.05 * i, labels, rng.integers(0, k, n))
        for i in range(4)
    }
    models["probs"] = rng.dirichlet(np.ones(k), size=n)
    rows = rng.choice(n, 30, replace=False)
    corrections = {
        int(r): (None if i % 3 == 0 else int(rng.integers(0, k))) for i, r in enumerate(rows)
    }
    frame = corrected_accuracy(models, labels, corrections)
    fixed = labels.tolist()
    keep = [True] * n
    for r, lab in corrections.items():
        if lab is None:
            keep[r] = False
        else:
            fixed[r] = lab
    for name, values in models.items():
        predicted = values.argmax(axis=1) if values.ndim == 2 else values
        assert frame.loc[name, "accuracy_original"] == pytest.approx(
            slow_accuracy(predicted.tolist(), labels.tolist())
        )
        assert frame.loc[name, "accuracy_corrected"] == pytest.approx(
            slow_accuracy(predicted.tolist(), fixed, keep)
        )
        changed = [r for r, lab in corrections.items() if lab is not None]
        on_rows = sum(predicted[r] == corrections[r] for r in changed) / len(changed)
        assert frame.loc[name, "accuracy_on_corrected_rows"] == pytest.approx(on_rows)
    for which in ("original", "corrected"):
        acc = frame[f"accuracy_{which}"]
        expected = [1 + int((acc > a).sum()) for a in acc]
        assert frame[f"rank_{which}"].tolist() == expected
    assert (frame["rank_change"] == frame["rank_original"] - frame["rank_corrected"]).all()
    assert frame["rank_original"].is_monotonic_increasing


def test_corrections_can_rerank():
    labels = [0, 1, 1, 1]
    frame = corrected_accuracy({"b": [0, 1, 0, 1], "a": [0, 1, 1, 0]}, labels, {3: 0, 2: None})
    assert frame.index.tolist() == ["a", "b"]  # tied originally; corrected rank breaks it
    assert frame["rank_original"].tolist() == [1, 1]
    assert frame.loc["a", "accuracy_corrected"] == 1.0 and frame.loc["a", "rank_change"] == 0
    assert frame.loc["b", "rank_corrected"] == 2


@pytest.mark.parametrize(
    ("models", "labels", "corrections", "match"),
    [
        ({}, [0, 1], {}, r"predictions_by_model: is empty"),
        ({"m": [0]}, [0, 1], {}, r"predictions_by_model: 'm' has shape \(1,\); pass predicted"),
        ({"m": [0, 1]}, [[0, 1]], {}, r"labels: expected a non-empty 1-D array"),
        ({"m": [0, 1]}, [0, 1], [1], r"corrections: expected a mapping of row index"),
        ({"m": [0, 1]}, [0, 1], {5: 1}, r"corrections: keys must be row indices in 0\.\.1"),
    ],
)
def test_corrected_accuracy_errors(models, labels, corrections, match):
    with pytest.raises(InputError, match=match):
        corrected_accuracy(models, labels, corrections)


def test_module_has_no_shared_data_path():
    source = Path(__file__).resolve().parents[2] / "src" / "labelnoise" / "bench"
    for file in source.glob("*.py"):
        assert "shared/data" not in file.read_text(), file
