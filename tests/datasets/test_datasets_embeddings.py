"""``load_cifar10_embeddings``: shapes, order, subsets, every error, and the real files."""

from __future__ import annotations

import numpy as np
import pytest

from labelnoise import InputError
from labelnoise.datasets import CIFAR10_CLASSES, Dataset, load_cifar10_embeddings

ROWS = {"train": 50_000, "test": 10_000}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("cifar10-embeddings")
    rng = np.random.default_rng(0)
    for split, n in ROWS.items():
        np.save(root / f"{split}.npy", rng.normal(size=(n, 3)).astype(np.float16))
    return root


def _labels(split: str) -> np.ndarray:
    return np.arange(ROWS[split]) % 10


@pytest.mark.parametrize("split", ["train", "test"])
def test_loads_the_split_in_order(folder, split):
    data = load_cifar10_embeddings(folder, labels=_labels(split), split=split)
    assert isinstance(data, Dataset) and data.classes == CIFAR10_CLASSES
    assert data.X.shape == (ROWS[split], 3) and data.X.dtype == np.float32
    np.testing.assert_array_equal(data.X, np.load(folder / f"{split}.npy").astype(np.float32))
    np.testing.assert_array_equal(data.y, _labels(split))
    np.testing.assert_array_equal(data.indices, np.arange(ROWS[split]))
    assert data.name == f"cifar10_embeddings_{split}" and "EfficientNet" in data.source
    assert not data.X.flags.writeable


def test_subset_and_the_file_itself(folder):
    data = load_cifar10_embeddings(
        folder / "test.npy", labels=_labels("test"), split="test", subset=[5, 2, 9999]
    )
    stored = np.load(folder / "test.npy")
    np.testing.assert_array_equal(data.X, stored[[5, 2, 9999]].astype(np.float32))
    assert data.y.tolist() == [5, 2, 9] and data.indices.tolist() == [5, 2, 9999]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"labels": np.zeros(10, int)}, InputError, r"labels: expected 50000 CIFAR-10 class codes"),
        ({"labels": np.full(50_000, 10)}, InputError, r"labels: expected CIFAR-10 class codes 0"),
        ({"labels": np.zeros(50_000)}, TypeError, r"labels: expected 1-D integer class codes"),
        ({"labels": _labels("train"), "subset": [50_000]}, InputError, r"subset: indices must"),
        ({"labels": _labels("train"), "subset": [0.5]}, TypeError, r"subset: expected a 1-D"),
        ({"labels": _labels("train"), "split": "val"}, InputError, r"split"),
    ],
)
def test_bad_arguments(folder, kwargs, error, match):
    with pytest.raises(error, match=match):
        load_cifar10_embeddings(folder, **kwargs)


def test_bad_files(tmp_path):
    with pytest.raises(InputError, match=r"train\.npy' not found"):
        load_cifar10_embeddings(tmp_path, labels=_labels("train"))
    np.save(tmp_path / "train.npy", np.zeros((49_000, 3), np.float16))
    with pytest.raises(InputError, match=r"holds shape \(49000, 3\), expected \(50000, -1\)"):
        load_cifar10_embeddings(tmp_path, labels=_labels("train"))
    np.save(tmp_path / "train.npy", np.zeros((50_000, 3), np.int16))
    with pytest.raises(InputError, match=r"holds int16 values, expected floating-point"):
        load_cifar10_embeddings(tmp_path, labels=_labels("train"))
    bad = np.zeros((50_000, 3), np.float16)
    bad[7, 1] = np.nan
    np.save(tmp_path / "train.npy", bad)
    with pytest.raises(InputError, match=r"holds NaN or infinite features; fetch it again"):
        load_cifar10_embeddings(tmp_path, labels=_labels("train"))


@pytest.mark.realdata
def test_real_embeddings_line_up_with_the_labels(data_file):
    """Nearest class mean, fitted on train with the clean CIFAR-10N labels, on test: the
    features carry the classes in the files' row order (a shuffle gives 10%)."""
    from labelnoise.datasets import load_cifar10n, load_label_errors

    folder = data_file("cifar10-embeddings")
    clean = load_cifar10n(data_file("cifar-10n")).clean_labels
    test_labels = load_label_errors(data_file("label-errors"), dataset="cifar10").labels
    train = load_cifar10_embeddings(folder, labels=clean)
    test = load_cifar10_embeddings(folder, labels=test_labels, split="test")
    assert train.X.shape == (50_000, 256) and test.X.shape == (10_000, 256)
    means = np.stack([train.X[train.y == c].mean(axis=0) for c in range(10)])
    predicted = ((test.X[:, None, :] - means[None]) ** 2).sum(axis=2).argmin(axis=1)
    assert np.mean(predicted == test.y) > 0.6
