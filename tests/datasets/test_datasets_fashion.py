"""load_fashion_mnist: IDX parsing on tiny files, and the Debian package when installed."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

from labelnoise import InputError
from labelnoise.datasets import FASHION_MNIST_CLASSES, load_fashion_mnist


def _write_idx(path: Path, array: np.ndarray, *, compress: bool = True) -> None:
    header = bytes((0, 0, 8, array.ndim)) + struct.pack(f">{array.ndim}i", *array.shape)
    raw = header + array.astype(np.uint8).tobytes()
    if compress:
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress(raw))
    else:
        path.write_bytes(raw)


@pytest.fixture
def tiny(tmp_path) -> tuple[Path, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(30, 28, 28), dtype=np.uint8)
    labels = np.arange(30) % 10
    _write_idx(tmp_path / "t10k-images-idx3-ubyte", images)
    _write_idx(tmp_path / "t10k-labels-idx1-ubyte", labels, compress=False)
    return tmp_path, images, labels


def test_reads_idx_files(tiny):
    folder, images, labels = tiny
    data = load_fashion_mnist(folder, split="test")
    np.testing.assert_array_equal(data.X, images)
    np.testing.assert_array_equal(data.y, labels)
    assert data.y.dtype == np.int64 and data.X.dtype == np.uint8
    assert data.classes == FASHION_MNIST_CLASSES and data.name == "fashion_mnist_test"


def test_subsample_is_seeded_sorted_and_indexed(tiny):
    folder, images, labels = tiny
    a = load_fashion_mnist(folder, split="test", subsample=7, random_state=3)
    b = load_fashion_mnist(folder, split="test", subsample=7, random_state=3)
    c = load_fashion_mnist(folder, split="test", subsample=7, random_state=4)
    np.testing.assert_array_equal(a.indices, b.indices)
    assert not np.array_equal(a.indices, c.indices)
    assert np.all(np.diff(a.indices) > 0)
    np.testing.assert_array_equal(a.X, images[a.indices])
    np.testing.assert_array_equal(a.y, labels[a.indices])


def test_missing_folder_names_the_debian_package(tmp_path):
    with pytest.raises(InputError, match=r"apt-get install -y dataset-fashion-mnist"):
        load_fashion_mnist(tmp_path / "nowhere")


def test_missing_file_names_the_debian_package(tiny):
    with pytest.raises(InputError, match=r"train-images-idx3-ubyte\(\.gz\) not found.*apt-get"):
        load_fashion_mnist(tiny[0], split="train")


def test_not_an_idx_file(tmp_path):
    (tmp_path / "t10k-images-idx3-ubyte").write_bytes(b"not an idx file at all")
    _write_idx(tmp_path / "t10k-labels-idx1-ubyte", np.zeros(3))
    with pytest.raises(InputError, match=r"images is not an unsigned-byte IDX file with 3 dims"):
        load_fashion_mnist(tmp_path, split="test")


def test_truncated_idx_file(tiny):
    folder = tiny[0]
    raw = gzip.decompress((folder / "t10k-images-idx3-ubyte.gz").read_bytes())
    (folder / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(raw[:-5]))
    with pytest.raises(InputError, match=r"images is truncated"):
        load_fashion_mnist(folder, split="test")


def test_empty_file(tiny):
    folder = tiny[0]
    (folder / "t10k-images-idx3-ubyte.gz").write_bytes(b"")
    with pytest.raises(
        InputError, match=r"t10k-images-idx3-ubyte\.gz' is empty \(0 bytes\).*--reinstall"
    ):
        load_fashion_mnist(folder, split="test")


def test_truncated_gzip(tiny):
    folder = tiny[0]
    file = folder / "t10k-images-idx3-ubyte.gz"
    file.write_bytes(file.read_bytes()[:-100])
    with pytest.raises(InputError, match=r"as gzip: the file is truncated or corrupt \(EOFError"):
        load_fashion_mnist(folder, split="test")


def test_not_a_gzip(tiny):
    folder = tiny[0]
    (folder / "t10k-images-idx3-ubyte.gz").write_bytes(b"plain bytes, not gzip")
    with pytest.raises(InputError, match=r"as gzip: .*\(BadGzipFile.*dataset-fashion-mnist"):
        load_fashion_mnist(folder, split="test")


def test_labels_beyond_the_ten_classes(tiny):
    folder = tiny[0]
    _write_idx(folder / "t10k-labels-idx1-ubyte", np.r_[np.zeros(29), 12], compress=False)
    with pytest.raises(
        InputError, match=r"labels-idx1-ubyte\(\.gz\)' holds 1 labels outside 0\.\.9"
    ):
        load_fashion_mnist(folder, split="test")


def test_image_and_label_counts_must_agree(tiny):
    folder = tiny[0]
    _write_idx(folder / "t10k-labels-idx1-ubyte", np.zeros(4))  # .gz is read first
    with pytest.raises(InputError, match=r"30 images but 4 labels"):
        load_fashion_mnist(folder, split="test")


@pytest.mark.parametrize("bad", [0, 2.5, "10"])
def test_bad_subsample(tiny, bad):
    with pytest.raises(InputError, match=r"'subsample' parameter of load_fashion_mnist must be"):
        load_fashion_mnist(tiny[0], split="test", subsample=bad)


def test_subsample_larger_than_the_split(tiny):
    with pytest.raises(InputError, match=r"subsample: asks for 31 examples but the split has 30"):
        load_fashion_mnist(tiny[0], split="test", subsample=31)


def test_bad_split(tiny):
    with pytest.raises(InputError, match=r"'split' parameter of load_fashion_mnist must be one"):
        load_fashion_mnist(tiny[0], split="validation")


@pytest.mark.parametrize(("split", "n"), [("train", 60000), ("test", 10000)])
def test_debian_package(debian_fashion_mnist, split, n):
    data = load_fashion_mnist(split=split)
    assert data.X.shape == (n, 28, 28) and data.X.dtype == np.uint8
    np.testing.assert_array_equal(np.bincount(data.y), [n // 10] * 10)
    assert 60 < data.X.mean() < 80  # Fashion-MNIST mean pixel is about 73
