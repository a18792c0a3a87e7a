"""The --quick variant of benchmarks/train_heads.py: on a subset of the real embeddings,
and on the fake data folder (random embeddings of the real shapes), so it runs in CI
whether or not the shared data is there."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "train_heads.py"


@pytest.fixture
def train_heads(monkeypatch):
    spec = importlib.util.spec_from_file_location("train_heads", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "train_heads", module)  # dataclasses look it up
    monkeypatch.setattr(sys, "path", list(sys.path))  # the script adds benchmarks/
    spec.loader.exec_module(module)
    return module


@pytest.fixture(params=["real", "fake"])
def data_root(request) -> tuple[str, Path]:
    if request.param == "fake":
        return "fake", request.getfixturevalue("fake_data")
    root = request.getfixturevalue("label_errors_folder").parent
    for name in ("cifar-10n", "cifar10-embeddings"):
        if not (root / name).is_dir():
            pytest.skip(f"real data incomplete: {root / name} is missing")
    return "real", root


def test_quick_table_runs_every_method_and_resumes(train_heads, data_root, tmp_path):
    kind, data_root = data_root
    out, results = tmp_path / "table.md", tmp_path / "cells.jsonl"
    argv = ["--quick", "--threads", "1", "--noise", "worst", "--data-dir", str(data_root)]
    text = train_heads.main([*argv, "--out", str(out), "--results", str(results)])
    assert out.read_text().strip() == text.strip()
    records = [json.loads(line) for line in results.read_text().splitlines()]
    methods = list(train_heads.METHODS)
    # clean ceiling + every method that applies, for both heads
    expected = sum(1 + sum(train_heads.applies(h, m) for m in methods) for h in ("linear", "mlp"))
    assert len(records) == expected
    assert {r["noise"] for r in records} == {"clean", "worst"}
    assert all(0.0 <= r["acc"] <= 1.0 and r["seconds"] >= 0 for r in records)
    worst_rate = 0.4021 if kind == "real" else 0.4  # the fake set flips 40%
    assert all(abs(r["rate"] - worst_rate) < 0.05 for r in records if r["noise"] == "worst")
    if kind == "real":  # the clean-label CE head on 1,000 rows is far above chance (0.1)
        # (the fake folder draws other class centres for its test split: nothing to learn)
        ceiling = [r["acc"] for r in records if r["noise"] == "clean"]
        assert min(ceiling) > 0.4
    lines = text.splitlines()
    assert "**linear head** (1 seeds)" in lines and "**mlp head** (1 seeds)" in lines
    rows = [line for line in lines if line.startswith("| ") and "±" in line]
    assert len(rows) == expected - 2
    assert not any(
        line.startswith("| spectral") for line in text.split("**mlp head**")[0].splitlines()
    )
    # a rerun with the same results file trains nothing and prints the same tables
    again = train_heads.main([*argv, "--results", str(results)])
    assert len(results.read_text().splitlines()) == expected
    assert again.split("Realised")[0] == text.split("Realised")[0]
