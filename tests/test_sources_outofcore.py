"""Out-of-core ``pred_probs``: a ``.npy`` path, a ``numpy.memmap`` or a Parquet file, read in
blocks of ``chunk_size`` rows, give exactly the in-memory result."""

from __future__ import annotations

import hashlib
import os
import tempfile

import numpy as np
import pytest

from _helpers import ISSUE_FIELDS, SCORE_METHODS, assert_same_issues, assert_same_noise
from labelnoise import (
    InputError,
    InputTypeError,
    estimate_noise,
    find_label_issues,
    label_quality_scores,
)
from labelnoise.detect._registry import CONFIDENT_LEARNING

METHODS = CONFIDENT_LEARNING
CHUNK_SIZES = (None, 1, 7)


def assert_same_everywhere(labels, in_memory, source, chunk_size, methods=METHODS, **options):
    for method in methods:
        expected = find_label_issues(labels, in_memory, method=method, **options)
        got = find_label_issues(labels, source, method=method, chunk_size=chunk_size, **options)
        assert_same_issues(got, expected, f"method={method} chunk_size={chunk_size}", dtypes=True)
    assert_same_noise(
        estimate_noise(labels, source, chunk_size=chunk_size, **options),
        estimate_noise(labels, in_memory, **options),
        dtypes=True,
    )
    for method in SCORE_METHODS:
        np.testing.assert_array_equal(
            label_quality_scores(labels, source, method=method, chunk_size=chunk_size, **options),
            label_quality_scores(labels, in_memory, method=method, **options),
        )


def _case(problem, seed):
    """Varied small problems: float32/64, ties from rounding, a missing class."""
    return problem(
        seed,
        n=int(60 + 37 * seed),
        n_classes=(3, 5, 12)[seed % 3],
        noise=0.3,
        decimals=2 if seed % 2 else None,
        missing_classes=seed == 3,
        dtype=np.float32 if seed % 3 else np.float64,
    )


def _sha(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


@pytest.fixture
def npy(tmp_path):
    def save(array, name="pp.npy"):
        path = tmp_path / name
        np.save(path, array)
        return path

    return save


# --------------------------------------------------------------------------- .npy and memmap


@pytest.mark.parametrize("chunk_size", CHUNK_SIZES)
@pytest.mark.parametrize("seed", range(4))
def test_npy_path_matches_in_memory(seed, chunk_size, problem, npy):
    case = _case(problem, seed)
    path = npy(case.pred_probs)
    digest = _sha(path)
    labels = case.labels.copy()
    assert_same_everywhere(labels, case.pred_probs, path, chunk_size)
    assert_same_everywhere(labels, case.pred_probs, str(path), chunk_size, methods=METHODS[:1])
    assert _sha(path) == digest  # the file is never written
    np.testing.assert_array_equal(labels, case.labels)


@pytest.mark.parametrize("mode", ["r", "r+", "c"])
@pytest.mark.parametrize("chunk_size", CHUNK_SIZES)
def test_memmap_matches_in_memory(mode, chunk_size, problem, npy):
    case = _case(problem, 5)
    path = npy(case.pred_probs)
    mapped = np.load(path, mmap_mode=mode)
    assert_same_everywhere(case.labels, case.pred_probs, mapped, chunk_size)
    np.testing.assert_array_equal(mapped, case.pred_probs)  # pages given back, data intact
    result = find_label_issues(case.labels, mapped)
    for name in ISSUE_FIELDS:  # results never point into the map
        assert not np.shares_memory(getattr(result, name), mapped)


def test_memmap_slice_and_fortran_order(problem, tmp_path):
    case = _case(problem, 4)
    path = tmp_path / "f.npy"
    np.save(path, np.asfortranarray(np.vstack([case.pred_probs, case.pred_probs])))
    mapped = np.load(path, mmap_mode="r")[: case.n]
    assert_same_everywhere(case.labels, case.pred_probs, mapped, 7, methods=METHODS[:3])


def test_class_names_and_float16(problem, npy):
    case = _case(problem, 2)
    names = np.array([f"class-{k}" for k in range(case.n_classes)])
    half = case.pred_probs.astype(np.float16)
    path = npy(half)
    assert_same_everywhere(names[case.labels], half, path, 7, methods=METHODS[:2], classes=names)


def test_renormalized_rows(problem, npy):
    """Rows off by more than the tolerance with normalize=True, and float16 values a hair
    outside [0, 1]: both are clipped and renormalized block by block."""
    case = _case(problem, 1)
    scaled = case.pred_probs * np.linspace(0.5, 0.99, case.n)[:, None]
    assert_same_everywhere(case.labels, scaled, npy(scaled), 7, normalize=True)
    nudged = case.pred_probs.astype(np.float16)
    nudged[1] = 0.0
    nudged[1, :2] = [-0.00006, 1.0]  # float16 rounding: within the 1e-4 tolerance
    assert_same_everywhere(case.labels, nudged, npy(nudged, "h.npy"), 3, methods=METHODS[:1])


def test_integer_probabilities(npy):
    labels = np.array([0, 1, 1, 0, 1])
    one_hot = np.eye(2, dtype=np.int64)[[0, 1, 0, 0, 1]]
    assert_same_everywhere(labels, one_hot, npy(one_hot), 2, methods=METHODS[:2])


# --------------------------------------------------------------------------- Parquet


def _write_parquet(path, pred_probs, layout, row_group_size=23):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    k = pred_probs.shape[1]
    if layout == "columns":
        table = pa.table({f"p{j}": pred_probs[:, j] for j in range(k)})
    elif layout == "fixed_size_list":
        values = pa.array(pred_probs.ravel())
        table = pa.table({"pred_probs": pa.FixedSizeListArray.from_arrays(values, k)})
    else:
        table = pa.table({"pred_probs": pa.array(list(pred_probs))})
    pq.write_table(table, path, row_group_size=row_group_size)
    return path


@pytest.mark.parametrize("layout", ["columns", "fixed_size_list", "list"])
@pytest.mark.parametrize("chunk_size", CHUNK_SIZES)
def test_parquet_matches_in_memory(layout, chunk_size, problem, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    os.mkdir(tmp_path / "tmp")
    case = _case(problem, 2 if layout == "list" else 4)
    path = _write_parquet(tmp_path / "pp.parquet", case.pred_probs, layout)
    digest = _sha(path)
    assert_same_everywhere(case.labels, case.pred_probs, path, chunk_size)
    assert _sha(path) == digest
    assert os.listdir(tmp_path / "tmp") == []  # the temporary copy is gone


def test_parquet_float16_columns(problem, tmp_path):
    case = _case(problem, 0)
    half = case.pred_probs.astype(np.float16)
    path = _write_parquet(tmp_path / "h.pq", half, "columns")
    assert_same_everywhere(case.labels, half, path, None, methods=METHODS[:1])


# --------------------------------------------------------------------------- errors


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match=r"pred_probs: file .*nope\.npy' does not exist"):
        find_label_issues([0, 1], tmp_path / "nope.npy")
    with pytest.raises(InputError, match="does not exist"):
        estimate_noise([0, 1], str(tmp_path / "nope.parquet"))


@pytest.mark.parametrize("name", ["pp.csv", "pp", "pp.npz"])
def test_wrong_extension(name, tmp_path):
    (tmp_path / name).write_text("0.5,0.5\n")
    with pytest.raises(InputError, match=r"unsupported file extension .*pass a \.npy file"):
        find_label_issues([0], tmp_path / name)


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        ((6,), r"expected a 2-D array of shape \(n, K\), got shape \(6,\)"),
        ((2, 3, 2), r"expected a 2-D array"),
        ((4, 1), r"expected at least 2 columns"),
        ((0, 3), r"got 0 rows"),
    ],
)
def test_wrong_shape(shape, message, npy):
    path = npy(np.full(shape, 0.5))
    with pytest.raises(InputError, match=message):
        find_label_issues([0, 1, 0, 1], path)


def test_length_mismatch(npy):
    path = npy(np.full((3, 2), 0.5))
    with pytest.raises(InputError, match=r"labels: has 2 entries but pred_probs has 3 rows"):
        estimate_noise([0, 1], path)


def test_bad_values_are_found_in_any_block(npy):
    pp = np.full((50, 2), 0.5)
    pp[37] = [np.nan, 1.0]
    with pytest.raises(InputError, match="NaN or infinite"):
        find_label_issues(np.zeros(50, int), npy(pp), chunk_size=4)
    pp[37] = [0.9, 0.3]
    with pytest.raises(InputError, match=r"each row must sum to 1, got row sums from 1 to 1\.2"):
        find_label_issues(np.zeros(50, int), npy(pp, "b.npy"), chunk_size=4)
    pp[37] = [0.0, 0.0]
    with pytest.raises(InputError, match="a row sums to 0"):
        find_label_issues(np.zeros(50, int), npy(pp, "c.npy"), chunk_size=4, normalize=True)


def test_not_an_array_file(tmp_path):
    (tmp_path / "junk.npy").write_bytes(b"not numpy")
    with pytest.raises(InputError, match=r"could not read .*junk\.npy' as a \.npy array"):
        find_label_issues([0], tmp_path / "junk.npy")
    np.save(tmp_path / "obj.npy", np.array([[0.5, "a"]], dtype=object), allow_pickle=True)
    with pytest.raises(InputError, match=r"as a .npy array"):
        find_label_issues([0], tmp_path / "obj.npy")


def test_parquet_errors(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.table({"a": [0.5, 0.5], "b": ["x", "y"]}), tmp_path / "s.parquet")
    with pytest.raises(InputTypeError, match=r"Parquet column type string .* is not numeric"):
        find_label_issues([0, 1], tmp_path / "s.parquet")
    pq.write_table(pa.table({"p": [[0.5, 0.5], [1.0]]}), tmp_path / "r.parquet")
    with pytest.raises(InputError, match="rows of different lengths"):
        find_label_issues([0, 1], tmp_path / "r.parquet")
    pq.write_table(pa.table({"a": [0.5, None], "b": [0.5, 0.5]}), tmp_path / "n.parquet")
    with pytest.raises(InputError, match="missing"):
        find_label_issues([0, 1], tmp_path / "n.parquet")
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 nonsense")
    with pytest.raises(InputError, match=r"could not read .* as Parquet"):
        find_label_issues([0, 1], tmp_path / "broken.parquet")


@pytest.mark.parametrize("chunk_size", [0, -3, 2.5, True, "10"])
def test_bad_chunk_size(chunk_size):
    pp = np.array([[0.9, 0.1], [0.2, 0.8]])
    for func in (find_label_issues, estimate_noise, label_quality_scores):
        with pytest.raises(InputError, match=r"The 'chunk_size' parameter of .* must be an int"):
            func([0, 1], pp, chunk_size=chunk_size)


@pytest.mark.parametrize("chunk_size", [1, 3, 1000])
def test_chunk_size_in_memory_changes_nothing(chunk_size, problem):
    case = _case(problem, 3)
    assert_same_everywhere(case.labels, case.pred_probs, case.pred_probs, chunk_size)
