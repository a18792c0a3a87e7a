"""``write_results`` and ``results_markdown``: files, tables, atomicity and errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from labelnoise import InputError
from labelnoise.bench import (
    COLUMNS,
    BenchFiles,
    results_markdown,
    summarize_regimes,
    write_results,
)


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
                        model="linear_probe",
                        regime="weak (linear probe)",
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
    assert "24 runs: 2 datasets, 3 noise settings, 2 seeds, 1 model, 2 detectors" in text
    assert "**weak (linear probe)** (24 runs;" in text
    header = "| method | symmetric 20% | symmetric 40% | pairflip 20% | mean |"
    assert header in text
    mean = frame[(frame.method == "both") & (frame.noise == "symmetric 40%")]["f1"].mean()
    row = [line for line in text.splitlines() if line.startswith("| both |")][1]
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


def _regime_frame() -> pd.DataFrame:
    rows = []
    for unit in range(2):
        for model, regime, f1, best in (
            ("linear_probe", "weak (linear probe)", 0.5 + 0.1 * unit, np.nan),
            ("knn", "knn", 0.6, np.nan),
            ("ensemble (mean)", "ensemble", 0.7 - 0.2 * unit, 0.6 + 0.1 * unit),
        ):
            rows.append(
                {
                    "seed": unit,
                    "model": model,
                    "regime": regime,
                    "method": "auto",
                    "precision": f1,
                    "recall": f1,
                    "f1": f1,
                    "auprc": f1,
                    "n_flipped": 100,
                    "count_error": -10 * (unit + 1),
                    "best_member_f1": best,
                    "best_member_auprc": best,
                }
            )
    return pd.DataFrame(rows)


def test_summarize_regimes():
    text = summarize_regimes(_regime_frame())
    blocks = text.split("\n\n")
    assert blocks[0].startswith("**weak (linear probe)** (2 runs;")
    assert blocks[1] == (
        "| method | precision | recall | F1 | AUPRC | count error | count error / wrong |\n"
        "|---|---|---|---|---|---|---|\n"
        "| auto | 0.550 | 0.550 | 0.550 | 0.550 | -15.0 | -0.15 |"
    )
    assert [b.split(" (")[0] for b in blocks[::2]] == [
        "**weak",
        "**knn**",
        "**ensemble**",
        "**Ensembles vs their best member**",
    ]
    # ensemble F1 0.7 and 0.5 vs best members 0.6 and 0.7: at least as good on 1 unit of 2.
    assert blocks[-1].splitlines()[-1] == (
        "| ensemble (mean): auto | 0.600 | 0.650 | 0.500 | 0.600 | 0.650 |"
    )


def test_summarize_regimes_errors():
    with pytest.raises(InputError, match=r"frame: expected the DataFrame of run_benchmark, with"):
        summarize_regimes(pd.DataFrame({"method": ["x"]}))
    with pytest.raises(InputError, match=r"frame: has no rows"):
        summarize_regimes(_regime_frame().iloc[:0])
