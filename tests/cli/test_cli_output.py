"""Outputs: written atomically, never replacing a file without --force."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from labelnoise.cli._errors import BadInput
from labelnoise.cli._output import claim_output, write_atomic


def _find(files, *extra):
    return (
        "find",
        "--labels",
        files.path("labels.npy"),
        "--pred-probs",
        files.path("pred_probs.npy"),
        "--out",
        files.path("issues.csv"),
        *extra,
    )


def test_write_atomic_creates_parents_and_leaves_no_temp(tmp_path):
    target = tmp_path / "a" / "b" / "out.txt"
    write_atomic(target, "hello")
    assert target.read_text() == "hello"
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.txt"]


def test_write_atomic_refuses_existing_without_force(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(BadInput, match="already exists; pass --force"):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    write_atomic(target, b"new", force=True)
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_failed_write_keeps_old_file(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    target.write_text("old")

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, "new", force=True)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_new_file_gets_umask_mode(tmp_path):
    target = tmp_path / "out.txt"
    write_atomic(target, "x")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_claim_output_checks(tmp_path):
    (tmp_path / "dir").mkdir()
    (tmp_path / "file").write_text("x")
    with pytest.raises(BadInput, match="is a directory"):
        claim_output(tmp_path / "dir", option="--out", force=True)
    with pytest.raises(BadInput, match="is a file, not a directory"):
        claim_output(tmp_path / "file" / "out.csv", option="--out", force=True)
    with pytest.raises(BadInput, match="also an input"):
        claim_output(tmp_path / "file", option="--out", force=True, inputs=[tmp_path / "file"])
    assert claim_output(tmp_path / "new" / "out.csv", option="--out", force=False)


def test_find_force_overwrites(files, run):
    files.path("issues.csv").write_text("stale")
    assert run(*_find(files)).code == 2
    assert files.path("issues.csv").read_text() == "stale"
    result = run(*_find(files, "--force"))
    assert result.code == 0, result.err
    assert pd.read_csv(files.path("issues.csv")).columns[0] == "index"
    assert not [p for p in files.root.iterdir() if p.name.endswith(".tmp")]


def test_audit_refuses_existing_outputs(tmp_path, run):
    data = tmp_path / "data.csv"
    pd.DataFrame({"x": range(20), "y": [0, 1] * 10}).to_csv(data, index=False)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "report.html").write_text("keep")
    result = run("audit", data, "--label", "y", "--cv", "2", "--out", tmp_path / "out")
    assert result.code == 2
    assert "report.html already exists" in result.err
    assert not (tmp_path / "out" / "issues.csv").exists()
    assert (tmp_path / "out" / "report.html").read_text() == "keep"
