"""``run_benchmark``: the rows it returns, its cache, seeding, detectors and progress."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from labelnoise import estimate_noise, find_label_issues
from labelnoise.bench import COLUMNS, DatasetSpec, NoiseSpec, detection_metrics, run_benchmark
from labelnoise.bench import _run as run_module
from labelnoise.bench._cache import load_cached
from labelnoise.detect import LabelIssues


@pytest.fixture
def counted(monkeypatch):
    """Count the cross-validations (the expensive step the cache saves)."""
    calls = []
    original = run_module.compute_pred_probs

    def counting(*args, **kwargs):
        calls.append(args[2].shape[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(run_module, "compute_pred_probs", counting)
    return calls


def test_rows_and_columns(tiny):
    frame = run_benchmark(tiny(seeds=(0, 1)))
    assert tuple(frame.columns) == COLUMNS
    assert frame.shape[0] == 2 * 1 * 2 * 2  # datasets x noise x seeds x methods
    assert set(frame["dataset"]) == {"wine", "iris"}
    assert set(frame["method"]) == {"prune_by_noise_rate", "rank:normalized_margin"}
    for column in ("precision", "recall", "f1", "auroc", "auprc", "model_accuracy"):
        assert frame[column].between(0, 1).all(), column
    assert (frame["noise_rate"] == 0.2).all()
    # Simulated noise is exact: 20% of 178 wine labels and of 150 iris labels.
    flips = frame.groupby("dataset")["n_flipped"].unique()
    assert flips["wine"].tolist() == [36] and flips["iris"].tolist() == [30]
    np.testing.assert_allclose(frame["realised_noise_rate"], frame["n_flipped"] / frame["n"])
    assert (frame["seconds"] >= 0).all() and (frame["pred_probs_seconds"] > 0).all()
    assert frame["model"].eq("logistic_regression").all() and frame["cv"].eq(3).all()


def test_metrics_match_a_recomputation(tiny, tmp_path):
    """Rebuild each row from the cached pred_probs with find_label_issues and estimate_noise."""
    frame = run_benchmark(tiny(methods=("prune_by_noise_rate",)), cache_dir=tmp_path)
    files = sorted(tmp_path.glob("pred_probs-*.npz"))
    assert len(files) == 2
    entries = [load_cached(tmp_path, f.stem.removeprefix("pred_probs-")) for f in files]
    for entry in entries:
        assert entry is not None
        row = frame[frame["n"] == entry.labels.shape[0]].iloc[0]
        issues = find_label_issues(entry.labels, entry.pred_probs)
        expected = detection_metrics(issues.mask, issues.scores, entry.is_flipped)
        assert row["n_flagged"] == len(issues)
        assert row["f1"] == pytest.approx(expected.f1)
        assert row["auroc"] == pytest.approx(expected.auroc)
        estimate = estimate_noise(entry.labels, entry.pred_probs)
        n_est = estimate.num_issues.off_diagonal_calibrated
        assert row["estimated_noise_rate"] == pytest.approx(n_est / entry.labels.shape[0])
        assert row["score_method"] == "self_confidence"


def test_cache_is_reused(tiny, tmp_path, counted):
    first = run_benchmark(tiny(), cache_dir=tmp_path)
    assert len(counted) == 2  # one cross-validation per dataset x noise x seed
    second = run_benchmark(tiny(methods=("both", "rank:self_confidence")), cache_dir=tmp_path)
    again = run_benchmark(tiny(), cache_dir=tmp_path)
    assert len(counted) == 2  # other detectors and reruns read the cache
    keep = [c for c in COLUMNS if c != "seconds"]
    pd.testing.assert_frame_equal(first[keep], again[keep])
    assert second["n_flipped"].tolist() == first["n_flipped"].tolist()
    run_benchmark(tiny(cv=4), cache_dir=tmp_path)
    run_benchmark(tiny(seeds=(1,)), cache_dir=tmp_path)
    assert len(counted) == 6  # folds and seeds are part of the key
    assert len(list(tmp_path.glob("pred_probs-*.npz"))) == 6
    assert not list(tmp_path.glob(".*.tmp"))


def test_unreadable_cache_is_recomputed(tiny, tmp_path, counted):
    run_benchmark(tiny(datasets=(DatasetSpec("wine"),)), cache_dir=tmp_path)
    (file,) = tmp_path.glob("pred_probs-*.npz")
    file.write_bytes(b"not a zip")
    run_benchmark(tiny(datasets=(DatasetSpec("wine"),)), cache_dir=tmp_path)
    assert len(counted) == 2


def test_no_cache_is_deterministic(tiny, counted):
    a, b = run_benchmark(tiny()), run_benchmark(tiny())
    assert len(counted) == 4
    assert a["f1"].tolist() == b["f1"].tolist()
    c = run_benchmark(tiny(seeds=(5,)))
    assert a["f1"].tolist() != c["f1"].tolist()


def test_seeds_differ_per_dataset_and_noise(tiny, tmp_path):
    noise = (NoiseSpec("symmetric", 0.2), NoiseSpec("pairflip", 0.2))
    run_benchmark(tiny(noise=noise, datasets=(DatasetSpec("iris"),)), cache_dir=tmp_path)
    flips = [np.load(f)["is_flipped"] for f in sorted(tmp_path.glob("*.npz"))]
    assert not np.array_equal(flips[0], flips[1])


def test_human_noise_only_on_ten_classes(tiny):
    config = tiny(
        datasets=(DatasetSpec("digits", subsample=400), DatasetSpec("wine")),
        noise=(NoiseSpec("human", source="cifar10n_aggregate"),),
        methods=("confident_learning",),
    )
    frame = run_benchmark(config)
    assert frame["dataset"].tolist() == ["digits"]
    assert frame["noise"].tolist() == ["human cifar10n_aggregate"]
    assert frame["noise_rate"].iloc[0] == pytest.approx(0.0901, abs=5e-4)


@pytest.mark.parametrize(
    "noise",
    [
        NoiseSpec("pairflip", 0.3),
        NoiseSpec("random_matrix", 0.2, frac_zero_noise_rates=0.5),
        NoiseSpec("instance", 0.25),
    ],
)
def test_noise_kinds(tiny, noise):
    frame = run_benchmark(tiny(noise=(noise,), datasets=(DatasetSpec("wine"),)))
    assert frame["noise_kind"].eq(noise.kind).all()
    assert frame["realised_noise_rate"].iloc[0] == pytest.approx(noise.rate, abs=0.01)


def test_custom_detector_gets_features(tiny):
    seen = []

    def flag_all(labels, pred_probs, features) -> LabelIssues:
        seen.append(features.shape)
        n = labels.shape[0]
        return LabelIssues(
            mask=np.ones(n, bool),
            indices=np.arange(n),
            scores=pred_probs[np.arange(n), labels],
            given_labels=labels,
            suggested_labels=pred_probs.argmax(axis=1),
            method="everything",
            score_method="self_confidence",
        )

    frame = run_benchmark(tiny(methods=("everything",)), detectors={"everything": flag_all})
    assert seen == [(178, 13), (150, 4)]
    assert frame["recall"].eq(1.0).all()
    assert (frame["precision"] == frame["realised_noise_rate"]).all()


def test_estimator_model_and_progress(tiny):
    calls = []
    config = tiny(model=LogisticRegression(max_iter=500), datasets=(DatasetSpec("iris"),))
    frame = run_benchmark(config, progress=lambda *args: calls.append(args))
    assert calls == [(0, 1, "iris, symmetric 20%, seed 0"), (1, 1, "done")]
    assert frame["model"].iloc[0].startswith("LogisticRegression(C=1.0")


def test_out_dir_writes_results(tiny, tmp_path):
    frame = run_benchmark(tiny(), out_dir=tmp_path / "out")
    written = pd.read_csv(tmp_path / "out" / "results.csv")
    assert written.shape == frame.shape
    assert {"results.md", "f1_vs_noise.png"} <= {p.name for p in Path(tmp_path / "out").iterdir()}
