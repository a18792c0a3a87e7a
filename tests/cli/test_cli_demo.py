"""``labelnoise demo`` and ``python -m labelnoise``: the bundled real-data demo."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.request import url2pathname

import pytest


def test_demo_reports_human_review(tmp_path, run):
    result = run("demo", "--out", tmp_path)
    assert result.code == 0, result.err
    assert "CIFAR-10 test set: 49 of the 54 human-validated label errors are flagged" in result.out
    assert "(284 flagged in all, 240 of them reviewed, 49 confirmed)" in result.out
    assert "20.4%" in result.out and "90.7%" in result.out  # precision, relative recall
    for name in ("cifar10", "mnist"):
        assert (tmp_path / f"{name}-report.html").stat().st_size > 10_000
        assert (tmp_path / f"{name}-issues.csv").exists()
        uri = (tmp_path / f"{name}-report.html").resolve().as_uri()
        assert f"Report: {uri}\n" in result.out  # one line, so a terminal can open it
    html = (tmp_path / "cifar10-report.html").read_text()
    assert "Human review" in html and "confirmed error (0/5 kept the given label)" in html
    # Every flagged CIFAR-10 row is listed with its bundled picture; MNIST has none.
    assert html.count('<tr class="issue-row"') == html.count('<img class="thumb"') == 284
    assert '<img class="thumb"' not in (tmp_path / "mnist-report.html").read_text()


def test_demo_refuses_to_overwrite(tmp_path, run):
    (tmp_path / "mnist-report.html").write_text("mine")
    result = run("demo", "--out", tmp_path)
    assert result.code == 2
    assert "mnist-report.html already exists" in result.err
    assert (tmp_path / "mnist-report.html").read_text() == "mine"


def test_no_arguments_runs_the_demo(run):
    result = run()
    assert result.code == 0, result.err
    assert result.out.startswith("No command given: running the demo")
    reports = re.findall(r"Report: file://(\S+\.html)\n", result.out)
    assert len(reports) == 2 and all(Path(url2pathname(p)).exists() for p in reports)


def test_python_dash_m_exit_codes(tmp_path):
    ok = subprocess.run(
        [sys.executable, "-m", "labelnoise", "find", "--help"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert ok.returncode == 0 and "Usage: labelnoise find" in ok.stdout
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "labelnoise",
            "report",
            "--labels",
            str(tmp_path / "missing.npy"),
            "--pred-probs",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and "missing.npy" in bad.stderr


@pytest.mark.slow
def test_python_dash_m_without_arguments_runs_demo(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "labelnoise"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "49 of the 54" in done.stdout.replace("\n", " ")
