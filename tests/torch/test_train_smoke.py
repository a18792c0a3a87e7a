"""Smoke test of benchmarks/train_noisy.py: every method on tiny Fashion-MNIST, on the CPU."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "train_noisy.py"


def test_every_method_runs_on_tiny_fashion_mnist(debian_fashion_mnist, tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("train_noisy", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "train_noisy", module)  # dataclasses look it up
    spec.loader.exec_module(module)
    out = tmp_path / "table.md"
    text = module.main(
        ["--dataset", "fashion-mnist", "--tiny", "--noise", "sym50", "--out", str(out)]
    )
    assert out.read_text().strip() == text.strip()
    header, _, row = text.splitlines()[:3]
    assert header.split("|")[3:-2] == [f" {m} " for m in module.METHODS]
    cells = [float(c) for c in row.split("|")[3:-2]]
    assert len(cells) == 8 and all(0.0 <= c <= 100.0 for c in cells)
    assert "fashion-mnist" in text and "384 training images" in text


def test_missing_fashion_mnist_says_how_to_install(fashion_mnist_check, tmp_path, monkeypatch):
    """Without the data the smoke test skips, naming the fix; under CI it fails instead."""
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"Fashion-MNIST not found .*run `make data`"):
        fashion_mnist_check(tmp_path)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"Fashion-MNIST not found .*run `make data`"):
        fashion_mnist_check(tmp_path)
