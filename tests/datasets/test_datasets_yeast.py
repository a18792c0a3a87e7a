"""``load_yeast``: mlr's lazy-load database as Debian's r-cran-mlr installs it.

The real-file tests skip only when the Debian package is absent (``make test`` installs
it); the error tests build their own broken folders.
"""

from __future__ import annotations

import shutil
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest

from labelnoise import InputError, InputTypeError
from labelnoise.datasets import DEBIAN_MLR_DATA, MultilabelDataset, load_yeast


@pytest.fixture(scope="module")
def mlr_data() -> Path:
    folder = Path(DEBIAN_MLR_DATA)
    if not (folder / "Rdata.rdb").is_file():
        pytest.skip(f"{folder} not found: apt-get install r-cran-mlr")
    return folder


@pytest.fixture(scope="module")
def yeast(mlr_data) -> MultilabelDataset:
    return load_yeast(mlr_data)


def test_shape_and_values(yeast):
    assert yeast.X.shape == (2417, 103) and yeast.X.dtype == np.float64
    assert yeast.Y.shape == (2417, 14) and yeast.Y.dtype == bool
    assert yeast.classes == tuple(f"label{k}" for k in range(1, 15))
    assert np.isfinite(yeast.X).all()
    # label cardinality of yeast in the literature: 4.24 tags per gene
    assert yeast.Y.sum(axis=1).mean() == pytest.approx(4.237, abs=1e-3)
    assert yeast.Y.sum(axis=0).tolist()[:3] == [762, 1038, 983]
    assert "Elisseeff" in yeast.source and "BSD" in yeast.source
    assert "yeast" in repr(yeast)


def test_read_only(yeast):
    with pytest.raises(ValueError, match="read-only"):
        yeast.X[0, 0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        yeast.Y[0, 0] = True


def test_default_path_and_tag_lists(yeast, mlr_data):
    again = load_yeast()
    np.testing.assert_array_equal(again.Y, yeast.Y)
    lists = yeast.tag_lists
    assert len(lists) == 2417 and lists[0] == np.flatnonzero(yeast.Y[0]).tolist()


def test_not_a_folder(tmp_path):
    with pytest.raises(InputError, match="is not a folder"):
        load_yeast(tmp_path / "nope")
    with pytest.raises(InputTypeError, match="expected a folder or file path"):
        load_yeast(3)  # type: ignore[arg-type]


def test_missing_files(tmp_path):
    with pytest.raises(InputError, match=r"Rdata\.rdx"):
        load_yeast(tmp_path)


def test_empty_and_corrupt_database(tmp_path, mlr_data):
    shutil.copy(mlr_data / "Rdata.rdx", tmp_path / "Rdata.rdx")
    (tmp_path / "Rdata.rdb").write_bytes(b"")
    with pytest.raises(InputError, match="is empty"):
        load_yeast(tmp_path)
    (tmp_path / "Rdata.rdb").write_bytes(b"\x00" * 3_000_000)
    with pytest.raises(InputError, match="truncated or corrupt"):
        load_yeast(tmp_path)


def test_corrupt_index(tmp_path, mlr_data):
    shutil.copy(mlr_data / "Rdata.rdb", tmp_path / "Rdata.rdb")
    (tmp_path / "Rdata.rdx").write_bytes(b"not an RDS file at all")
    with pytest.raises(InputError, match=r"Rdata\.rdx' as an RDS index: the file is truncated"):
        load_yeast(tmp_path)


def test_index_of_another_database(tmp_path, mlr_data):
    """An index whose offsets point at the wrong bytes: an error, never a wrong frame."""
    shutil.copy(mlr_data / "Rdata.rdx", tmp_path / "Rdata.rdx")
    raw = (mlr_data / "Rdata.rdb").read_bytes()
    (tmp_path / "Rdata.rdb").write_bytes(raw[len(raw) // 2 :] + raw[: len(raw) // 2])
    with pytest.raises(InputError, match=r"Rdata\.rdb.*(truncated or corrupt|is truncated)"):
        load_yeast(tmp_path)


@pytest.fixture(scope="module")
def yeast_frame(mlr_data):
    from labelnoise.datasets._yeast import _rdata, _yeast_frame

    return _yeast_frame(_rdata(), mlr_data)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda f: f.iloc[:100], r"has shape \(100, 117\), expected \(2417, 117\)"),
        (lambda f: f.rename(columns={"label1": "tag1"}), "expected label1..label14"),
        (lambda f: f.astype({"label3": "float64"}), "label columns of dtypes"),
        (lambda f: f.astype({"x1": "object"}), "non-numeric feature columns"),
        (lambda f: f.assign(label2=f["label2"].where(f.index != 5)), "has missing values"),
        (lambda f: f.assign(x2=f["x2"].where(f.index != 5, np.inf)), "infinite feature values"),
    ],
)
def test_frame_is_checked_not_coerced(yeast_frame, change, match):
    from labelnoise.datasets._yeast import _check_frame

    _check_frame(yeast_frame, Path("x"))  # the real frame passes
    with pytest.raises(InputError, match=match):
        _check_frame(change(yeast_frame), Path("x"))


def _fake_database(folder: Path, blob: bytes, size: int | None = None) -> tuple[int, int]:
    """An Rdata.rdb holding one blob (4-byte size, zlib data); returns its (offset, length)."""
    data = (len(blob) if size is None else size).to_bytes(4, "big") + zlib.compress(blob)
    (folder / "Rdata.rdb").write_bytes(data)
    (folder / "Rdata.rdx").write_bytes(b"index, read by the patched rdata.read_rds")
    return 0, len(data)


@pytest.mark.parametrize(
    ("index", "blob", "size", "match"),
    [
        (["not", "a", "dict"], b"x", None, "is not a lazy-load index"),
        ({"variables": {}, "references": {}}, b"x", None, "has no yeast.task"),
        ({"variables": {"yeast.task": "??"}}, b"x", None, "does not locate 'yeast.task'"),
        ({"variables": {"yeast.task": None}}, b"env::16", None, "does not locate 'env::16'"),
        ({"variables": {"yeast.task": None}}, b"x", 99, r"Rdata\.rdb' is truncated"),
        ({"variables": {"yeast.task": None}}, b"no reference", None, "holds no yeast data frame"),
    ],
)
def test_index_and_blob_errors(tmp_path, monkeypatch, index, blob, size, match):
    """Each way the index and the database can disagree is one error naming the file."""
    rdata = pytest.importorskip("rdata")  # a loader dependency, not a parity oracle
    location = _fake_database(tmp_path, blob, size)
    if isinstance(index, dict) and index["variables"].get("yeast.task", "") is None:
        index = {"variables": {"yeast.task": location}, "references": {}}
    monkeypatch.setattr(rdata, "read_rds", lambda _: index)
    with pytest.raises(InputError, match=match):
        load_yeast(tmp_path)


def test_missing_rdata_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "rdata", None)  # import rdata now raises ImportError
    with pytest.raises(ImportError, match=r"pip install 'labelnoise\[rdata\]'"):
        load_yeast(tmp_path)
