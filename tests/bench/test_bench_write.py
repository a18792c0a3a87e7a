"""``write_results`` and ``results_markdown``: files, tables, atomicity and errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from labelnoise import InputError
from labelnoise.bench import COLUMNS, BenchFiles, results_markdown, write_results


def fake_results(seed: int = 0) -> pd.DataFrame:
    """A results table with the columns of run_benchmark and known F1 values."""
    rng = np.random.default_rng(seed)
    rows = []
    for dataset in ("digits", "wine"):
        for kind, rate in (("symmetric", 0.2), ("symmetric", 0.4), ("pairflip", 0.2)):
            for seed_ in (0, 1):
                for method, score in (
                    ("both", "self_confidence"),
                    ("rank:nm", "normalized_margin"),
                ):
                    row = dict.fromkeys(COLUMNS, 0.0)
                    row.update(
                        dataset=dataset,
                        noise=f"{kind} {100 * rate:g}%",
                        noise_kind=kind,
                        noise_rate=rate,
                        realised_noise_rate=rate,
                        seed=seed_,
                        method=method,
                        score_method=score,
                        f1=rng.random(),
                        auroc=rng.random(),
                    )
                    rows.append(row)
    return pd.DataFrame(rows)


def test_markdown_means():
    frame = fake_results()
    text = results_markdown(frame)
    assert "24 runs: 2 datasets, 3 noise settings, 2 seeds, 2 detectors" in text
    header = "| method | symmetric 20% | symmetric 40% | pairflip 20% | mean |"
    assert header in text
    mean = frame[(frame.method == "both") & (frame.noise == "symmetric 40%")]["f1"].mean()
    row = next(line for line in text.splitlines() if line.startswith("| both |"))
    assert row.split(" | ")[2] == f"{mean:.3f}"
    assert "| ranking score | symmetric 20% |" in text
    assert "| normalized_margin |" in text
    assert "| method | digits | wine | mean |" in text


def test_write_results(tmp_path):
    frame = fake_results()
    files = write_results(frame, tmp_path / "new" / "dir")
    assert isinstance(files, BenchFiles)
    back = pd.read_csv(files.csv)
    assert list(back.columns) == list(COLUMNS)
    np.testing.assert_allclose(back["f1"], frame["f1"], rtol=1e-5)
    assert files.markdown.read_text() == results_markdown(frame)
    assert files.plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # Rewriting replaces the files atomically and leaves no temporary files behind.
    write_results(fake_results(1), tmp_path / "new" / "dir")
    assert sorted(p.name for p in (tmp_path / "new" / "dir").iterdir()) == [
        "f1_vs_noise.png",
        "results.csv",
        "results.md",
    ]


def test_failed_write_leaves_old_file(tmp_path, monkeypatch):
    frame = fake_results()
    files = write_results(frame, tmp_path)
    before = files.csv.read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    with pytest.raises(OSError, match="disk full"):
        write_results(fake_results(1), tmp_path)
    assert files.csv.read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize(
    ("frame", "match"),
    [
        ("not a frame", r"frame: expected the DataFrame of run_benchmark"),
        (pd.DataFrame({"dataset": ["x"]}), r"frame: has no column 'noise'; pass the DataFrame"),
        (fake_results().iloc[:0], r"frame: has no rows; nothing was benchmarked"),
    ],
)
def test_bad_frame(tmp_path, frame, match):
    with pytest.raises(InputError, match=match):
        write_results(frame, tmp_path)
    with pytest.raises(InputError, match=match):
        results_markdown(frame)


def test_out_dir_is_a_file(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match=r"out_dir: .*file' is a file; give a folder"):
        write_results(fake_results(), tmp_path / "file")
