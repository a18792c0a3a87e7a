"""``run_benchmark``: the rows it returns, its cache, seeding, detectors and progress."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from labelnoise import estimate_noise, find_label_issues
from labelnoise.bench import COLUMNS, DatasetSpec, NoiseSpec, detection_metrics, run_benchmark
from labelnoise.bench import _units as units_module
from labelnoise.bench._cache import load_cached
from labelnoise.detect import LabelIssues


@pytest.fixture
def counted(monkeypatch):
    """Count the cross-validations (the expensive step the cache saves)."""
    calls = []
    original = units_module.compute_pred_probs

    def counting(*args, **kwargs):
        calls.append(args[2].shape[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(units_module, "compute_pred_probs", counting)
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
    assert frame["regime"].eq("logistic_regression").all()
    assert (frame["count_error"] == frame["n_flagged"] - frame["n_flipped"]).all()
    assert frame[["best_member_f1", "best_member_auprc"]].isna().all().all()


def test_metrics_match_a_recomputation(tiny, tmp_path):
    """Rebuild each row from the cached pred_probs with find_label_issues and estimate_noise."""
    frame = run_benchmark(tiny(methods=("prune_by_noise_rate",)), cache_dir=tmp_path)
    assert len(sorted(tmp_path.glob("pred_probs-*.npz"))) == 2
    entries = [
        load_cached(tmp_path, {**_settings(name), "noise": {"kind": "symmetric", "rate": 0.2}})
        for name in ("wine", "iris")
    ]
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


def _settings(dataset: str, model: str = "logistic_regression") -> dict:
    return {"dataset": {"name": dataset, "subsample": None}, "seed": 0, "model": model, "cv": 3}


def test_unreadable_cache_is_recomputed(tiny, tmp_path, counted):
    run_benchmark(tiny(datasets=(DatasetSpec("wine"),)), cache_dir=tmp_path)
    (file,) = tmp_path.glob("pred_probs-*.npz")
    file.write_bytes(b"not a zip")
    with pytest.warns(UserWarning, match=rf"cache file '{file}': it cannot be read"):
        run_benchmark(tiny(datasets=(DatasetSpec("wine"),)), cache_dir=tmp_path)
    assert len(counted) == 2


def _rewrite(file: Path, **changes) -> None:
    with np.load(file) as data:
        arrays = {name: data[name] for name in data.files}
    arrays.update(changes)
    np.savez(file, **arrays)


def test_tampered_cache_is_recomputed(tiny, tmp_path, counted):
    """A cache entry whose pred_probs were edited is not used: recomputed, with a warning."""
    config = tiny(datasets=(DatasetSpec("wine"),), methods=("prune_by_noise_rate",))
    first = run_benchmark(config, cache_dir=tmp_path)
    (file,) = tmp_path.glob("pred_probs-*.npz")
    with np.load(file) as data:
        probs = data["pred_probs"]
    _rewrite(file, pred_probs=probs[:, ::-1].copy())  # confidently wrong everywhere
    with pytest.warns(UserWarning, match=rf"cache file '{file}': its content does not match"):
        second = run_benchmark(config, cache_dir=tmp_path)
    assert len(counted) == 2
    assert second["f1"].tolist() == first["f1"].tolist()
    third = run_benchmark(config, cache_dir=tmp_path)  # the rewritten entry is good again
    assert len(counted) == 2 and third["f1"].tolist() == first["f1"].tolist()


def test_cache_for_other_settings_is_recomputed(tiny, tmp_path, counted):
    config = tiny(datasets=(DatasetSpec("wine"),), methods=("prune_by_noise_rate",))
    run_benchmark(config, cache_dir=tmp_path)
    (file,) = tmp_path.glob("pred_probs-*.npz")
    _rewrite(file, settings=np.array('{"format": 2, "seed": 99}'))
    with pytest.warns(UserWarning, match=rf"cache file '{file}': it was made for other settings"):
        run_benchmark(config, cache_dir=tmp_path)
    assert len(counted) == 2


def test_cache_write_error_names_the_file(tiny, tmp_path):
    blocked = tmp_path / "cache"
    blocked.write_text("a file, not a folder")
    with pytest.raises(OSError, match=r"could not write the cache file '.*cache/pred_probs-"):
        run_benchmark(tiny(datasets=(DatasetSpec("wine"),)), cache_dir=blocked)


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


def test_settings_that_do_not_apply_are_skipped(tiny):
    config = tiny(
        datasets=(DatasetSpec("breast_cancer"), DatasetSpec("wine"), DatasetSpec("digits")),
        noise=(
            NoiseSpec("symmetric", 0.6),
            NoiseSpec("openset"),
            NoiseSpec("real", source="worst"),
        ),
        methods=("confident_learning",),
    )
    frame = run_benchmark(config)
    # 2 classes: 60% symmetric noise makes the wrong label the likely one; open-set needs 4+.
    assert list(zip(frame["dataset"], frame["noise"], strict=True)) == [
        ("wine", "symmetric 60%"),
        ("digits", "symmetric 60%"),
        ("digits", "openset"),
    ]


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
    config = tiny(models=(LogisticRegression(max_iter=500),), datasets=(DatasetSpec("iris"),))
    frame = run_benchmark(config, progress=lambda *args: calls.append(args))
    assert calls == [(0, 1, "iris, symmetric 20%, seed 0"), (1, 1, "done")]
    assert frame["model"].iloc[0].startswith("LogisticRegression(C=1.0")
    assert frame["regime"].iloc[0] == "LogisticRegression"


def test_out_dir_writes_results(tiny, tmp_path):
    frame = run_benchmark(tiny(), out_dir=tmp_path / "out")
    written = pd.read_csv(tmp_path / "out" / "results.csv")
    assert written.shape == frame.shape
    assert {"results.md", "f1_vs_noise.png"} <= {p.name for p in Path(tmp_path / "out").iterdir()}


def test_several_models_and_ensembles(tiny, tmp_path, counted):
    config = tiny(
        datasets=(DatasetSpec("wine"),),
        models=("linear_probe", "knn15"),
        ensemble=("mean", "rank"),
        methods=("prune_by_noise_rate", "rank:normalized_margin", "oracle:auto"),
    )
    frame = run_benchmark(config, cache_dir=tmp_path)
    assert len(counted) == 2  # one cross-validation per trained model
    assert len(list(tmp_path.glob("pred_probs-*.npz"))) == 2
    assert frame["model"].unique().tolist() == [
        "linear_probe",
        "knn15",
        "ensemble (mean)",
        "ensemble (rank)",
    ]
    assert frame["regime"].unique().tolist() == ["weak (linear probe)", "knn15", "ensemble"]
    assert frame.shape[0] == 4 * 3
    assert frame["n_flipped"].nunique() == 1  # the same noisy labels for every model
    singles = frame[frame["regime"] != "ensemble"]
    ensembles = frame[frame["regime"] == "ensemble"]
    assert singles[["best_member_f1", "best_member_auprc"]].isna().all().all()
    for _, row in ensembles.iterrows():
        members = singles[singles["method"] == row["method"]]
        assert row["best_member_f1"] == members["f1"].max()
        assert row["best_member_auprc"] == members["auprc"].max()
    # The ensemble rows match find_label_issues on the list of the members' pred_probs.
    probs = [
        load_cached(
            tmp_path, {**_settings("wine", model), "noise": {"kind": "symmetric", "rate": 0.2}}
        )
        for model in ("linear_probe", "knn15")
    ]
    labels = probs[0].labels
    for kind in ("mean", "rank"):
        issues = find_label_issues(labels, [p.pred_probs for p in probs], ensemble=kind)
        row = frame[
            (frame["model"] == f"ensemble ({kind})") & (frame["method"] == "prune_by_noise_rate")
        ]
        assert row["n_flagged"].item() == len(issues)


def test_oracle_flags_the_true_count_by_the_detectors_ranking(tiny):
    frame = run_benchmark(tiny(methods=("auto", "oracle:auto", "oracle:rank:normalized_margin")))
    oracle = frame[frame["method"].str.startswith("oracle:")]
    assert (oracle["n_flagged"] == oracle["n_flipped"]).all()
    assert (oracle["count_error"] == 0).all()
    assert (oracle["precision"] == oracle["recall"]).all()  # equal counts: P = R = F1
    auto = frame[frame["method"] == "auto"].set_index("dataset")
    by_auto = frame[frame["method"] == "oracle:auto"].set_index("dataset")
    pd.testing.assert_series_equal(auto["auprc"], by_auto["auprc"])  # the same ranking
    assert by_auto["score_method"].tolist() == auto["score_method"].tolist()


def test_openset_noise(tiny):
    frame = run_benchmark(
        tiny(datasets=(DatasetSpec("digits", subsample=400),), noise=(NoiseSpec("openset"),))
    )
    row = frame.iloc[0]
    assert row["noise"] == "openset" and row["noise_kind"] == "openset"
    # digits 8 and 9 (about a fifth of the rows) are out of distribution: all wrong.
    assert 0.15 < row["realised_noise_rate"] < 0.25
    assert row["noise_rate"] == row["realised_noise_rate"]


def test_dataset_methods_and_ensemble_methods(tiny):
    config = tiny(
        datasets=(DatasetSpec("wine"), DatasetSpec("iris", methods=("both",))),
        models=("linear_probe", "knn15"),
        ensemble=("mean",),
        methods=("prune_by_noise_rate", "oracle:auto"),
        ensemble_methods=("oracle:auto", "both"),
    )
    frame = run_benchmark(config)
    got = frame.groupby(["dataset", "model"], sort=False)["method"].apply(list).to_dict()
    assert got == {
        ("wine", "linear_probe"): ["prune_by_noise_rate", "oracle:auto"],
        ("wine", "knn15"): ["prune_by_noise_rate", "oracle:auto"],
        ("wine", "ensemble (mean)"): ["oracle:auto"],
        ("iris", "linear_probe"): ["both"],
        ("iris", "knn15"): ["both"],
        ("iris", "ensemble (mean)"): ["both"],
    }


def test_stale_cache_is_recomputed(tiny, tmp_path, counted):
    """An intact entry whose noisy labels are not the ones simulated now (other code
    wrote it) is recomputed, with a warning naming the file."""
    from labelnoise.bench._cache import Cached, save_cached

    config = tiny(datasets=(DatasetSpec("wine"),), methods=("prune_by_noise_rate",))
    run_benchmark(config, cache_dir=tmp_path)
    settings = {**_settings("wine"), "noise": {"kind": "symmetric", "rate": 0.2}}
    entry = load_cached(tmp_path, settings)
    assert entry is not None
    stale = Cached(np.roll(entry.labels, 1), entry.is_flipped, entry.pred_probs, 1.0)
    file = save_cached(tmp_path, settings, stale)
    with pytest.warns(UserWarning, match=rf"cache file '{file}' .*\(stale\); recomputing"):
        run_benchmark(config, cache_dir=tmp_path)
    assert len(counted) == 2
