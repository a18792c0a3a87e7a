"""load_cifar10: exact ordering on a tiny synthetic zip, alignment on the real one."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

from labelnoise import InputError, InputTypeError
from labelnoise.datasets import CIFAR10_CLASSES, load_cifar10, load_cifar10n, load_label_errors

Image = pytest.importorskip("PIL.Image", reason="load_cifar10 needs Pillow (labelnoise[images])")

# Original-order labels of a tiny "train" split: two examples per class, interleaved.
TINY_LABELS = np.array([3, 0, 3, 9, 1, 0, 2, 1, 4, 2, 5, 4, 6, 5, 7, 6, 8, 7, 9, 8])


def _colour(code: int, k: int) -> tuple[int, int, int]:
    return (code * 25, 60 + k * 120, 200 - code * 10)


def _write_zip(path, *, name="{k:04d}.jpg", size=32):
    with zipfile.ZipFile(path, "w") as archive:
        for code, cls in enumerate(CIFAR10_CLASSES):
            for k in range(2):
                buffer = io.BytesIO()
                Image.new("RGB", (size, size), _colour(code, k)).save(buffer, "JPEG", quality=95)
                archive.writestr(f"train/{cls}/" + name.format(k=k), buffer.getvalue())
    return path


@pytest.fixture
def tiny_zip(tmp_path):
    return _write_zip(tmp_path / "cifar10_jpg.zip")


def test_kth_example_of_a_class_is_file_k(tiny_zip):
    data = load_cifar10(tiny_zip.parent, labels=TINY_LABELS, split="train")
    assert data.X.shape == (20, 32, 32, 3) and data.X.dtype == np.uint8
    seen = np.zeros(10, dtype=int)
    for i, code in enumerate(TINY_LABELS):
        expected = _colour(code, seen[code])
        seen[code] += 1
        assert np.abs(data.X[i].mean(axis=(0, 1)) - expected).max() < 3, i
    np.testing.assert_array_equal(data.y, TINY_LABELS)
    assert data.name == "cifar10_train" and data.classes == CIFAR10_CLASSES


def test_subset_decodes_only_those_rows(tiny_zip):
    full = load_cifar10(tiny_zip, labels=TINY_LABELS)
    part = load_cifar10(tiny_zip, labels=TINY_LABELS, subset=[17, 2, 2])
    np.testing.assert_array_equal(part.X, full.X[[17, 2, 2]])
    np.testing.assert_array_equal(part.y, TINY_LABELS[[17, 2, 2]])
    np.testing.assert_array_equal(part.indices, [17, 2, 2])


def test_class_counts_must_match_the_zip(tiny_zip):
    with pytest.raises(InputError, match=r"labels: has 1 examples of class 'cat' but the zip"):
        load_cifar10(tiny_zip, labels=TINY_LABELS[1:])


def test_split_missing_from_the_zip(tiny_zip):
    with pytest.raises(InputError, match=r"holds 0 files test/airplane/\*\.jpg; pass the split's"):
        load_cifar10(tiny_zip, labels=TINY_LABELS, split="test")


@pytest.mark.parametrize(
    ("labels", "error", "match"),
    [
        (TINY_LABELS.astype(float), InputTypeError, r"labels: expected 1-D integer class codes"),
        (TINY_LABELS.reshape(2, 10), InputTypeError, r"labels: expected 1-D integer class codes"),
        (TINY_LABELS + 1, InputError, r"labels: expected CIFAR-10 class codes 0\.\.9"),
    ],
)
def test_bad_order_labels(tiny_zip, labels, error, match):
    with pytest.raises(error, match=match):
        load_cifar10(tiny_zip, labels=labels)


def test_subset_out_of_range(tiny_zip):
    with pytest.raises(InputError, match=r"subset: indices must be in 0\.\.19"):
        load_cifar10(tiny_zip, labels=TINY_LABELS, subset=[20])


def test_subset_not_integers(tiny_zip):
    with pytest.raises(InputTypeError, match=r"subset: expected a 1-D array of integer row"):
        load_cifar10(tiny_zip, labels=TINY_LABELS, subset=[0.5])


def test_unexpected_file_names(tmp_path):
    path = _write_zip(tmp_path / "cifar10_jpg.zip", name="{k}.jpg")
    with pytest.raises(
        InputError, match=r"unexpected file names in the zip: 'train/cat/0000\.jpg'"
    ):
        load_cifar10(path, labels=TINY_LABELS)


def test_images_must_be_32x32(tmp_path):
    path = _write_zip(tmp_path / "cifar10_jpg.zip", size=16)
    with pytest.raises(
        InputError, match=r"path: train/cat/0000\.jpg is \(16, 16\), expected a 32x32"
    ):
        load_cifar10(path, labels=TINY_LABELS)


def test_not_a_zip(tmp_path):
    (tmp_path / "cifar10_jpg.zip").write_bytes(b"garbage")
    with pytest.raises(
        InputError, match=r"as a zip of JPEG images: the file is truncated or corrupt"
    ):
        load_cifar10(tmp_path, labels=TINY_LABELS)


def test_empty_zip(tmp_path):
    (tmp_path / "cifar10_jpg.zip").write_bytes(b"")
    with pytest.raises(InputError, match=r"cifar10_jpg\.zip' is empty \(0 bytes\).*YoongiKim"):
        load_cifar10(tmp_path, labels=TINY_LABELS)


def test_truncated_zip(tiny_zip):
    tiny_zip.write_bytes(tiny_zip.read_bytes()[:-200])  # the central directory is lost
    with pytest.raises(InputError, match=r"truncated or corrupt \(BadZipFile: .*fetch it again"):
        load_cifar10(tiny_zip, labels=TINY_LABELS)


def test_corrupt_member(tiny_zip):
    raw = bytearray(tiny_zip.read_bytes())
    raw[len(raw) // 2 : len(raw) // 2 + 16] = b"x" * 16  # inside some image's bytes: bad CRC
    tiny_zip.write_bytes(bytes(raw))
    with pytest.raises(InputError, match=r"as a zip of JPEG images: the file is truncated"):
        load_cifar10(tiny_zip, labels=TINY_LABELS)


def test_member_that_is_not_a_jpeg(tmp_path):
    path = _write_zip(tmp_path / "cifar10_jpg.zip")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("test/cat/0000.jpg", b"not a jpeg")
    labels = np.array([3])
    with pytest.raises(InputError, match=r"truncated or corrupt \(UnidentifiedImageError"):
        load_cifar10(path, labels=labels, split="test")


def test_missing_zip(tmp_path):
    with pytest.raises(InputError, match=r"cifar10_jpg\.zip' not found.*YoongiKim"):
        load_cifar10(tmp_path, labels=TINY_LABELS)


def test_bad_split(tiny_zip):
    with pytest.raises(InputError, match=r"'split' parameter of load_cifar10 must be one of"):
        load_cifar10(tiny_zip, labels=TINY_LABELS, split="val")


# ----------------------------------------------------------------------------------------
# The real zip
# ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(data_file):
    """Paths and original-order labels of the real data (skips when any is absent)."""
    zip_path = data_file("cifar10-jpg/cifar10_jpg.zip")
    train = load_cifar10n(data_file("cifar-10n"))
    errors = load_label_errors(data_file("label-errors"), dataset="cifar10")
    return zip_path, train, errors


def _features(images: np.ndarray) -> np.ndarray:
    """8x8 RGB thumbnails (192 numbers): weak but fast features."""
    return images.reshape(-1, 8, 4, 8, 4, 3).mean(axis=(2, 4)).reshape(len(images), -1) / 255


def _shuffle_within_class(labels: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    perm = np.arange(labels.size)
    for c in range(10):
        rows = np.flatnonzero(labels == c)
        perm[rows] = rng.permutation(rows)
    return perm


@pytest.mark.realdata
def test_real_shapes_and_pixels(real):
    zip_path, train, errors = real
    data = load_cifar10(zip_path, labels=errors.labels, split="test", subset=np.arange(500))
    assert data.X.shape == (500, 32, 32, 3) and data.X.dtype == np.uint8
    np.testing.assert_array_equal(data.y, errors.labels[:500])
    means = data.X.reshape(-1, 3).mean(axis=0)
    np.testing.assert_allclose(means, [125.3, 123.0, 113.9], atol=6)  # CIFAR-10 channel means
    first = load_cifar10(zip_path, labels=train.clean_labels, subset=np.arange(10))
    np.testing.assert_array_equal(first.y, [6, 9, 9, 4, 1, 1, 2, 7, 8, 3])  # CIFAR-10 train[:10]
    assert first.X.shape == (10, 32, 32, 3) and first.name == "cifar10_train"


@pytest.mark.realdata
def test_real_test_images_align_with_label_errors_pred_probs(real):
    """The data README's check, cut down to run in seconds.

    A linear model on thumbnails of 4,000 aligned train images scores 4,000 test images; its
    confidence in the given label must track the label-errors pred_probs (computed on the
    original order) far better than after shuffling the images within each class.
    """
    from scipy.stats import spearmanr
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

    zip_path, train, errors = real
    rows = np.arange(4000)
    x_train = _features(load_cifar10(zip_path, labels=train.clean_labels, subset=rows).X)
    test = load_cifar10(zip_path, labels=errors.labels, split="test", subset=rows)
    model = LinearDiscriminantAnalysis(solver="lsqr", shrinkage=0.1)
    model.fit(x_train, train.clean_labels[rows])
    probs = model.predict_proba(_features(test.X))
    confidence = probs[rows, test.y]
    reference = errors.pred_probs[rows, test.y]
    aligned = spearmanr(confidence, reference).statistic
    shuffled = spearmanr(confidence[_shuffle_within_class(test.y, 0)], reference).statistic
    assert aligned > 0.15, aligned
    assert aligned > shuffled + 0.1, (aligned, shuffled)


@pytest.mark.realdata
@pytest.mark.slow
def test_real_train_images_align_with_cifar10n(real):
    """Train order: a cross-fitted model is less confident where CIFAR-10N "worst" is wrong."""
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
    from sklearn.metrics import roc_auc_score

    zip_path, train, _ = real
    rows = np.arange(20000)
    x = _features(load_cifar10(zip_path, labels=train.clean_labels, subset=rows).X)
    y = train.clean_labels[rows]
    confidence = np.empty(rows.size)
    halves = (rows < 10000, rows >= 10000)
    for fit, score in (halves, halves[::-1]):
        model = LinearDiscriminantAnalysis(solver="lsqr", shrinkage=0.1).fit(x[fit], y[fit])
        confidence[score] = model.predict_proba(x[score])[np.arange(score.sum()), y[score]]
    wrong = train.noisy_labels["worst"][rows] != y
    aligned = roc_auc_score(wrong, -confidence)
    shuffled = roc_auc_score(wrong[_shuffle_within_class(y, 0)], -confidence)
    assert aligned > shuffled + 0.015, (aligned, shuffled)
