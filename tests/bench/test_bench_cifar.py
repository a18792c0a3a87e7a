"""The CIFAR-10 datasets of the benchmark (cifar10n, cifar10_test), real and annotator
noise and the fixed models, on a fake data folder; the quick config on the real data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from labelnoise import InputError
from labelnoise.bench import BenchConfig, DatasetSpec, NoiseSpec, load_config, run_benchmark
from labelnoise.bench._data import load_dataset
from labelnoise.bench._models import fixed_pred_probs

REAL = {"aggre": "aggre_label", "random1": "random_label1", "worst": "worse_label"}


def _cifar(fake_data, name="cifar10n", subsample=300, **changes) -> BenchConfig:
    values = {
        "datasets": (DatasetSpec(name, subsample=subsample, path=str(fake_data)),),
        "noise": (NoiseSpec("real", source="aggre"),),
        "models": ("linear_probe",),
        "cv": 3,
        "methods": ("prune_by_noise_rate",),
    }
    values.update(changes)
    return BenchConfig(**values)


def test_cifar10n_dataset(fake_data):
    data = load_dataset(DatasetSpec("cifar10n", subsample=300, path=str(fake_data)))
    again = load_dataset(DatasetSpec("cifar10n", subsample=300, path=str(fake_data)))
    np.testing.assert_array_equal(data.indices, again.indices)  # the same rows every run
    assert data.X.shape == (300, 6) and data.X.dtype == np.float32
    assert data.n_classes == 10 and data.n_total == 50_000 and data.subsampled
    with np.load(fake_data / "cifar-10n" / "cifar10n_labels.npz") as files:
        np.testing.assert_array_equal(data.y, files["clean_label"][data.indices])
        assert data.human_labels is not None
        for source, key in REAL.items():
            np.testing.assert_array_equal(data.human_labels[source], files[key][data.indices])
    train = np.load(fake_data / "cifar10-embeddings" / "train.npy")
    np.testing.assert_array_equal(data.X, train[data.indices].astype(np.float32))


def test_cifar10_test_dataset_is_judged_by_the_cifar10h_majority(fake_data):
    data = load_dataset(DatasetSpec("cifar10_test", path=str(fake_data)))
    counts = np.load(fake_data / "cifar-10h" / "cifar10h-counts.npy")
    np.testing.assert_array_equal(data.y, counts.argmax(axis=1))
    assert data.votes is not None and data.X.shape == (10_000, 6) and not data.subsampled


@pytest.mark.parametrize("source", ["aggre", "random1", "worst"])
def test_real_noise_is_the_cifar10n_label_set(fake_data, source):
    frame = run_benchmark(
        _cifar(fake_data, noise=(NoiseSpec("real", source=source),), seeds=(0, 1))
    )
    with np.load(fake_data / "cifar-10n" / "cifar10n_labels.npz") as files:
        keep = load_dataset(DatasetSpec("cifar10n", subsample=300, path=str(fake_data))).indices
        wrong = int(np.sum(files[REAL[source]][keep] != files["clean_label"][keep]))
    assert frame["noise"].tolist() == [f"real {source}"] * 2
    assert frame["n_flipped"].tolist() == [wrong, wrong]  # the seed does not change labels
    assert (frame["noise_rate"] == wrong / 300).all()


def test_real_and_annotator_noise_only_where_their_data_is(fake_data):
    config = _cifar(
        fake_data,
        datasets=(
            DatasetSpec("cifar10n", subsample=200, path=str(fake_data)),
            DatasetSpec("cifar10_test", subsample=200, path=str(fake_data)),
            DatasetSpec("wine"),
        ),
        noise=(NoiseSpec("real", source="worst"), NoiseSpec("annotators", source="one")),
    )
    frame = run_benchmark(config)
    assert list(zip(frame["dataset"], frame["noise"], strict=True)) == [
        ("cifar10n", "real worst"),
        ("cifar10_test", "annotators one"),
    ]


@pytest.mark.parametrize("source", ["one", "majority3", "worst3"])
def test_annotator_noise(fake_data, source):
    config = _cifar(
        fake_data,
        name="cifar10_test",
        subsample=500,
        noise=(NoiseSpec("annotators", source=source),),
        seeds=(0, 1),
    )
    frame = run_benchmark(config)
    assert frame["noise"].tolist() == [f"annotators {source}"] * 2
    # The fake votes: ~40 of 50 on the majority, so one annotator is wrong about 18% of
    # the time; the majority of three less often, the worst of three more often.
    low, high = {"one": (0.1, 0.3), "majority3": (0.0, 0.12), "worst3": (0.3, 0.6)}[source]
    assert frame["realised_noise_rate"].between(low, high).all()
    assert frame["n_flipped"].iloc[0] != frame["n_flipped"].iloc[1]  # the seed draws again


def test_instance_noise_on_embeddings(fake_data):
    frame = run_benchmark(_cifar(fake_data, noise=(NoiseSpec("instance", 0.2),)))
    assert frame["realised_noise_rate"].iloc[0] == pytest.approx(0.2, abs=0.01)


def test_fixed_models_join_only_where_they_exist(fake_data):
    full = load_dataset(DatasetSpec("cifar10n", path=str(fake_data)))
    sub = load_dataset(DatasetSpec("cifar10n", subsample=300, path=str(fake_data)))
    test = load_dataset(DatasetSpec("cifar10_test", subsample=300, path=str(fake_data)))
    worst, random1 = NoiseSpec("real", source="worst"), NoiseSpec("real", source="random1")
    stored = np.load(fake_data / "cifar-10n-resnet18" / "worst_pred_probs.npy")
    np.testing.assert_allclose(fixed_pred_probs("resnet18", full, worst), stored)
    assert fixed_pred_probs("resnet18", full, random1) is None
    assert fixed_pred_probs("resnet18", sub, worst) is None
    assert fixed_pred_probs("resnet18", test, worst) is None
    cnn = fixed_pred_probs("label_errors_cnn", test, NoiseSpec("symmetric", 0.2))
    stored = np.load(fake_data / "label-errors" / "cifar10_test_pred_probs.npy")
    np.testing.assert_array_equal(cnn, stored[test.indices])
    assert fixed_pred_probs("label_errors_cnn", sub, worst) is None
    assert fixed_pred_probs("linear_probe", sub, worst) is None


def test_fixed_model_rows(fake_data):
    config = _cifar(
        fake_data,
        name="cifar10_test",
        subsample=400,
        noise=(NoiseSpec("annotators", source="worst3"),),
        models=("linear_probe", "label_errors_cnn", "resnet18"),
        ensemble=("mean",),
    )
    frame = run_benchmark(config)
    assert frame["model"].tolist() == ["linear_probe", "label_errors_cnn", "ensemble (mean)"]
    assert frame["regime"].tolist() == [
        "weak (linear probe)",
        "strong (label-errors cnn)",
        "ensemble",
    ]
    cnn = frame.iloc[1]
    assert cnn["pred_probs_seconds"] == 0.0 and cnn["model_accuracy"] > 0.9


def test_missing_data_files_are_named(tmp_path):
    spec = DatasetSpec("cifar10n", subsample=100, path=str(tmp_path))
    with pytest.raises(InputError, match=r"cifar10n_labels\.npz"):
        run_benchmark(_cifar(tmp_path, datasets=(spec,)))


def test_quick_real_noise_config_on_fake_data(fake_data, monkeypatch):
    monkeypatch.setenv("LABELNOISE_DATA", str(fake_data))
    frame = run_benchmark(load_config("real-noise-quick"))
    assert set(frame["model"]) == {"linear_probe", "knn", "ensemble (likelihood)"}
    assert set(frame["noise"]) == {"real aggre", "real worst"}


@pytest.mark.realdata
def test_quick_real_noise_config(real_data_root, monkeypatch, tmp_path):
    """The real-noise-quick config end to end on the real data."""
    monkeypatch.setenv("LABELNOISE_DATA", str(real_data_root))
    frame = run_benchmark(load_config("real-noise-quick"), cache_dir=tmp_path)
    assert frame.shape[0] == 2 * 3 * 6  # real aggre, worst x 2 models + ensemble x methods
    rates = frame.groupby("noise")["realised_noise_rate"].first()
    assert rates["real aggre"] == pytest.approx(0.0901, abs=0.015)  # 3,000 of 50,000 rows
    assert rates["real worst"] == pytest.approx(0.4021, abs=0.03)
    auto = frame[frame["method"] == "auto"].set_index(["noise", "model"])["f1"]
    assert (auto > 0.3).all()  # far above chance (the share of wrong labels)
    ensemble = frame[frame["model"] == "ensemble (likelihood)"]
    assert ensemble["best_member_f1"].notna().all()
    assert isinstance(frame, pd.DataFrame)
