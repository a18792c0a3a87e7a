"""The ablations of ``auto`` and the detector report (docs/detectors.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from labelnoise import find_label_issues
from labelnoise._errors import InputError
from labelnoise.bench._ablations import ABLATIONS
from labelnoise.bench._report import detector_report


@pytest.fixture(scope="module")
def noisy():
    rng = np.random.default_rng(7)
    n, k = 400, 4
    true = rng.integers(0, k, n)
    logits = rng.normal(size=(n, k))
    logits[np.arange(n), true] += 2.5
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    labels = true.copy()
    flip = rng.random(n) < 0.2
    labels[flip] = (true[flip] + rng.integers(1, k, int(flip.sum()))) % k
    return labels, probs, true


@pytest.mark.parametrize("name", sorted(ABLATIONS))
def test_ablations_are_detectors(noisy, name):
    labels, probs, _ = noisy
    issues = ABLATIONS[name](labels, probs, None)
    assert issues.mask.shape == labels.shape and issues.mask.dtype == bool
    assert np.array_equal(np.sort(issues.indices), np.flatnonzero(issues.mask))
    if 0 < len(issues) < labels.shape[0]:  # flags are the lowest scores
        assert issues.scores[issues.mask].max() <= issues.scores[~issues.mask].min()
    again = ABLATIONS[name](labels, [probs, probs], None)  # an ensemble row: pooled
    assert np.array_equal(again.mask, issues.mask)


def test_ablations_share_autos_parts(noisy):
    """Ranking ablations keep auto's count, count ablations keep auto's ranking."""
    labels, probs, _ = noisy
    auto = find_label_issues(labels, probs, method="auto")
    for name in ("auto[rank=posterior]", "auto[rank=margin]"):
        assert len(ABLATIONS[name](labels, probs, None)) == len(auto)
    joint = ABLATIONS["auto[count=confident_joint]"](labels, probs, None)
    np.testing.assert_array_equal(joint.scores, auto.scores)
    from labelnoise import estimate_noise

    assert len(joint) == estimate_noise(labels, probs).num_issues.off_diagonal_calibrated


def test_sharper_counts_flag_more_when_the_model_is_soft(noisy):
    """Sharpening the probabilities before the posterior sum flags at least as many."""
    labels, probs, _ = noisy
    soft = probs**0.3 / (probs**0.3).sum(axis=1, keepdims=True)
    counts = [len(ABLATIONS[f"auto[sharpness={s}]"](labels, soft, None)) for s in ("1.5", "3")]
    assert counts[0] <= counts[1]


def _frame() -> pd.DataFrame:
    rows = []
    for noise, seed in (("real aggre", 0), ("real random2", 0), ("symmetric 20%", 1)):
        for model, regime in (("linear_probe", "weak"), ("ensemble", "ensemble")):
            for method, f1, flagged in (
                ("auto", 0.6, 110),
                ("oracle:auto", 0.61, 100),
                ("prune_by_noise_rate", 0.5, 150),
                ("small_loss", 0.4, 300),
                ("auto[count=confident_joint]", 0.5, 150),
            ):
                rows.append(
                    {
                        "dataset": "cifar10n",
                        "noise": noise,
                        "noise_kind": noise.split()[0],
                        "model": model,
                        "regime": regime,
                        "seed": seed,
                        "method": method,
                        "f1": f1,
                        "auprc": f1 + 0.1,
                        "n_flagged": flagged,
                        "n_flipped": 100,
                        "best_member_f1": 0.55 if model == "ensemble" else np.nan,
                        "best_member_auprc": 0.8 if model == "ensemble" else np.nan,
                    }
                )
    return pd.DataFrame(rows)


def test_report_tables():
    text = detector_report(_frame())
    assert "`auto` wins 100% of settings" in text
    assert "| weak | 0.600 | prune_by_noise_rate | 0.500 | +0.100 | yes |" in text
    assert "| real aggre, linear_probe | 0.600 | 0.610 | -0.010 | yes |" in text
    assert "confirmation units only" in text
    # count estimators: auto's 1.1 is closer to the truth than the confident joint's 1.5
    lines = [line for line in text.splitlines() if line.startswith("| auto")]
    assert lines.index(next(x for x in lines if x.startswith("| auto | 1.10"))) < lines.index(
        next(x for x in lines if x.startswith("| auto[count=confident_joint] | 1.50"))
    )
    assert "| ensemble: auto | 3 | 0.600 | 0.550 | 100% | 0.700 | 0.800 | 0% |" in text


def test_report_needs_the_results_frame():
    with pytest.raises(InputError, match="expected run_benchmark's DataFrame"):
        detector_report(pd.DataFrame({"method": ["auto"]}))


def test_ablations_run_in_the_benchmark(tiny):
    from labelnoise.bench import run_benchmark

    methods = ("auto", "auto[count=confident_joint]", "oracle:auto[rank=margin]")
    frame = run_benchmark(tiny(methods=methods))
    assert set(frame["method"]) == set(methods)
    assert frame["f1"].notna().all()
