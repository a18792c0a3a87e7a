"""Seeded input files for the command-line tests, and a runner that captures output."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from labelnoise.cli import main

CLASSES = ["cat", "dog", "fox"]


@dataclass(frozen=True)
class Result:
    """Exit status and captured streams of one command."""

    code: int
    out: str
    err: str


@dataclass(frozen=True)
class Files:
    """A small noisy problem written to disk in several formats."""

    root: Path
    labels: np.ndarray
    pred_probs: np.ndarray
    #: The class names of the named files (the .csv and .parquet ones), in column order.
    classes: tuple[str, ...] = tuple(CLASSES)

    def path(self, name: str | Path) -> Path:
        return self.root / name

    def write(self, name: str, content: Any) -> Path:
        """Write an array (.npy), a table (CSV), text or bytes to ``name``; return its path."""
        path = self.path(name)
        if isinstance(content, np.ndarray):
            np.save(path, content, allow_pickle=content.dtype == object)
        elif isinstance(content, pd.DataFrame):
            content.to_csv(path, index=False)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return path

    def find(
        self,
        labels: str | Path = "labels.npy",
        pred_probs: str | Path = "pred_probs.npy",
        *extra: object,
    ) -> tuple[object, ...]:
        """Arguments of ``labelnoise find`` on two of these files, into issues.csv."""
        return self._command("find", labels, pred_probs, "issues.csv", extra)

    def report(
        self,
        *extra: object,
        labels: str = "labels.npy",
        pred_probs: str = "pred_probs.npy",
        out: str = "report.html",
    ) -> tuple[object, ...]:
        """Arguments of ``labelnoise report`` on two of these files, into ``out``."""
        return self._command("report", labels, pred_probs, out, extra)

    def _command(
        self,
        command: str,
        labels: str | Path,
        pred_probs: str | Path,
        out: str,
        extra: tuple[object, ...],
    ) -> tuple[object, ...]:
        return (
            command,
            "--labels",
            self.path(labels),
            "--pred-probs",
            self.path(pred_probs),
            "--out",
            self.path(out),
            *extra,
        )


@pytest.fixture
def files(tmp_path: Path, problem: Callable[..., Any]) -> Files:
    """labels/pred_probs as .npy, .csv (names and an id column; pandas' numbered header;
    no header) and .parquet."""
    case = problem(3, n=300, n_classes=3, noise=0.15)
    labels, pred_probs = case.labels, case.pred_probs
    np.save(tmp_path / "labels.npy", labels)
    np.save(tmp_path / "pred_probs.npy", pred_probs)
    np.save(tmp_path / "pred_probs16.npy", pred_probs.astype(np.float16))
    names = np.array(CLASSES)[labels]
    frame = pd.DataFrame({"id": np.arange(labels.size) + 1000, "animal": names})
    frame.to_csv(tmp_path / "labels.csv", index=False)
    pd.DataFrame(pred_probs, columns=CLASSES).to_csv(tmp_path / "pred_probs.csv", index=False)
    np.savetxt(tmp_path / "labels_plain.csv", labels, fmt="%d")  # no header line
    np.savetxt(tmp_path / "pred_probs_plain.csv", pred_probs, delimiter=",")
    # what pandas writes without column names: the header lines "0" and "0,1,2"
    pd.Series(labels).to_csv(tmp_path / "labels_pandas.csv", index=False)
    pd.DataFrame(pred_probs).to_csv(tmp_path / "pred_probs_pandas.csv", index=False)
    frame.to_parquet(tmp_path / "labels.parquet")
    pd.DataFrame(pred_probs, columns=CLASSES).to_parquet(tmp_path / "pred_probs.parquet")
    return Files(root=tmp_path, labels=labels, pred_probs=pred_probs)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run ``labelnoise ARGS...`` in-process; return its exit status and output."""

    def runner(*args: object) -> Result:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code=code, out=captured.out, err=captured.err)

    return runner


def check_one_line_error(result: Result, *fragments: str, code: int = 2) -> None:
    """Exit status ``code`` (2, bad input; 1, a command that failed part way) and one line
    on standard error, no traceback, holding ``fragments``."""
    assert result.code == code, (result.out, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("labelnoise: error: ")
    assert "Traceback" not in result.err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.fixture
def one_line_error() -> Callable[..., None]:
    """``one_line_error(result, *fragments, code=2)``: the check every bad-input test makes."""
    return check_one_line_error
