"""Outputs: written atomically, never replacing a file without --force, leaving no temporary
file (not even after SIGTERM or SIGKILL), and safe to open in a spreadsheet."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from labelnoise import _atomic
from labelnoise.cli._errors import BadInput
from labelnoise.cli._output import claim_output, csv_text, write_atomic


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
    assert run(*files.find()).code == 2
    assert files.path("issues.csv").read_text() == "stale"
    result = run(*files.find("labels.npy", "pred_probs.npy", "--force"))
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


# ------------------------------------------------------------------ temporary files


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_one_writer_for_cli_and_bench():
    from labelnoise.bench import _cache, _write

    assert _cache.write_atomic is _atomic.write_atomic
    assert _write.write_atomic is _atomic.write_atomic


def test_temp_name_carries_the_pid(tmp_path):
    name = _atomic.temp_path(tmp_path / "out.csv").name
    assert name.startswith(".out.csv.") and name.endswith(".tmp")
    assert f"-{os.getpid()}-" in name


def test_stale_temps_are_removed_on_the_next_write(tmp_path):
    host = _atomic.temp_path(tmp_path / "x").name.split(".")[2].split("-")[0]
    dead = tmp_path / f".out.csv.{host}-{_dead_pid()}-0123456789ab.tmp"
    alive = tmp_path / f".out.csv.{host}-{os.getppid()}-0123456789ab.tmp"
    old = tmp_path / ".out.csv.abcdef012345.tmp"  # an old-style name: stale by age
    young = tmp_path / ".out.csv.bcdef0123456.tmp"
    other = tmp_path / ".notes.txt.abcdef012345.tmp"  # another destination's
    mine = tmp_path / ".out.csv.mine.tmp"  # not our pattern
    for path in (dead, alive, old, young, other, mine):
        path.write_text("partial")
    hours_ago = time.time() - 2 * 3600
    os.utime(old, (hours_ago, hours_ago))
    os.utime(other, (hours_ago, hours_ago))
    write_atomic(tmp_path / "out.csv", "new")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(["out.csv", alive.name, young.name, other.name, mine.name])


def test_sigterm_during_write_leaves_no_temp(files, run, monkeypatch):
    previous = signal.getsignal(signal.SIGTERM)

    def terminated(fd: int) -> None:
        os.kill(os.getpid(), signal.SIGTERM)  # the handler raises SystemExit here

    monkeypatch.setattr(os, "fsync", terminated)
    with pytest.raises(SystemExit) as stop:
        run(*files.find())
    assert stop.value.code == 143
    assert not files.path("issues.csv").exists()
    assert not [p for p in files.root.iterdir() if p.name.endswith(".tmp")]
    assert signal.getsignal(signal.SIGTERM) is previous  # main() put the handler back


def test_sigkill_leftover_is_cleaned_by_the_next_run(files):
    script = (
        "import os, signal, sys\n"
        "from labelnoise.cli import main\n"
        "os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    args = [str(a) for a in files.find()[1:]]
    killed = subprocess.run([sys.executable, "-c", script, "find", *args], check=False)
    assert killed.returncode == -signal.SIGKILL
    leftovers = [p for p in files.root.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) == 1 and not files.path("issues.csv").exists()
    done = subprocess.run([sys.executable, "-m", "labelnoise", *_cli(files)], check=False)
    assert done.returncode == 0
    assert not [p for p in files.root.iterdir() if p.name.endswith(".tmp")]
    assert files.path("issues.csv").exists()


def _cli(files):
    return [str(a) for a in files.find()]


# ------------------------------------------------------------------ CSV injection


def test_csv_text_defuses_formulas_in_text_columns_only():
    frame = pd.DataFrame(
        {
            "name": ["=1+2", "+cmd", "-x", "@SUM(A1)", "\tt", "\rr", "ok", "a=b", ""],
            "score": [-1.5, 2.0, -3.25, 0.0, 1.0, -0.5, 3.0, 4.0, 5.0],
            "count": [-1, 2, -3, 4, -5, 6, -7, 8, -9],
        }
    ).rename(columns={"count": "=count"})
    back = pd.read_csv(io.StringIO(csv_text(frame)), keep_default_na=False)
    assert back["name"].tolist()[:8] == [
        "'=1+2",
        "'+cmd",
        "'-x",
        "'@SUM(A1)",
        "'\tt",
        "'\rr",
        "ok",
        "a=b",
    ]
    assert back["score"].tolist() == frame["score"].tolist()  # negative numbers stay numbers
    assert back["'=count"].tolist() == frame["=count"].tolist()


def test_find_defuses_formula_class_names(files, run):
    names = np.array(["=cmd|' /C calc'!A0", "+1", "@x"], dtype=object)
    pd.DataFrame({"y": names[files.labels]}).to_csv(files.path("evil.csv"), index=False)
    result = run(
        "find",
        "--labels",
        files.path("evil.csv"),
        "--pred-probs",
        files.path("pred_probs.npy"),
        "--classes",
        ",".join(["=cmd|' /C calc'!A0", "+1", "@x"]),
        "--out",
        files.path("issues.csv"),
    )
    assert result.code == 0, result.err
    written = pd.read_csv(files.path("issues.csv"))
    cells = set(written["given_label"]) | set(written["suggested_label"])
    assert cells and all(cell.startswith("'") for cell in cells)
    assert pd.api.types.is_float_dtype(written["label_quality"])


def test_simulate_defuses_text_cells(tmp_path, run):
    frame = pd.DataFrame({"note": ["=evil()", "-2 degrees"] * 10, "t": [-1.5] * 20})
    frame["y"] = ["a", "b"] * 10
    frame.to_csv(tmp_path / "y.csv", index=False)
    result = run(
        "simulate",
        "--labels",
        tmp_path / "y.csv",
        "--label-column",
        "y",
        "--kind",
        "symmetric",
        "--noise-rate",
        "0.2",
        "--seed",
        "0",
        "--out",
        tmp_path / "n.csv",
    )
    assert result.code == 0, result.err
    noisy = pd.read_csv(tmp_path / "n.csv")
    assert set(noisy["note"]) == {"'=evil()", "'-2 degrees"}
    assert noisy["t"].tolist() == [-1.5] * 20
