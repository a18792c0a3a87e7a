"""One header rule for every delimited input: the first line is the header (pandas'
``header=0``), or data with ``--no-header``; never guessed from the content."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import labelnoise
from labelnoise.cli import cli


def test_pandas_numbered_header_is_a_header(files, run):
    """The issue's reproduction: to_csv(index=False) writes the header 0,1,2 (and 0)."""
    result = run(*files.find("labels_pandas.csv", "pred_probs_pandas.csv"))
    assert result.code == 0, result.err
    assert result.err == ""
    expected = labelnoise.find_label_issues(files.labels, files.pred_probs)
    written = pd.read_csv(files.path("issues.csv"))
    assert written["index"].tolist() == expected.indices.tolist()
    assert "of 300 examples" in result.out


def test_no_header_reads_the_first_line_as_data(files, run):
    result = run(*files.find("labels_plain.csv", "pred_probs_plain.csv", "--no-header"))
    assert result.code == 0, result.err
    expected = labelnoise.find_label_issues(files.labels, files.pred_probs)
    assert pd.read_csv(files.path("issues.csv"))["index"].tolist() == expected.indices.tolist()


@pytest.mark.parametrize(
    ("labels", "pred_probs", "extra", "fragments"),
    [
        (  # headerless labels read with the default rule: one row lost
            "labels_plain.csv",
            "pred_probs.npy",
            [],
            ["--labels", "labels_plain.csv has 299 rows, one fewer than", "pass --no-header"],
        ),
        (  # the same, the other way round
            "labels.npy",
            "pred_probs_plain.csv",
            [],
            ["--pred-probs", "pred_probs_plain.csv has 299 rows", "pass --no-header"],
        ),
        (  # --no-header, but the labels file has a header: one row too many
            "labels_pandas.csv",
            "pred_probs.npy",
            ["--no-header"],
            ["labels_pandas.csv has 301 rows, one more than", "drop --no-header"],
        ),
        (  # both delimited: the one with fewer rows lost its first line to the header
            "labels_plain.csv",
            "pred_probs_pandas.csv",
            [],
            ["--labels", "labels_plain.csv has 299 rows", "pass --no-header"],
        ),
    ],
)
def test_off_by_one_names_the_file_and_the_flag(
    files, run, one_line_error, labels, pred_probs, extra, fragments
):
    one_line_error(run(*files.find(labels, pred_probs, *extra)), *fragments)
    assert not files.path("issues.csv").exists()


def test_numeric_header_warns_after_success(files, run):
    """Both files headerless: each loses a row; a header of data-like numbers is flagged."""
    result = run(*files.find("labels_plain.csv", "pred_probs_plain.csv"))
    assert result.code == 0, result.err
    lines = result.err.strip().splitlines()
    assert lines and all(line.startswith("labelnoise: warning: ") for line in lines)
    assert "pred_probs_plain.csv: its first line" in result.err
    assert "pass --no-header" in result.err


def test_features_off_by_one(files, run, one_line_error):
    features = np.random.default_rng(0).normal(size=(300, 4))
    np.savetxt(files.path("emb.csv"), features, delimiter=",")
    result = run(*files.find("labels.npy", "pred_probs.npy", "--features", files.path("emb.csv")))
    one_line_error(result, "--features", "emb.csv has 299 rows", "--no-header")


def test_duplicate_column_names_are_refused(files, run, one_line_error):
    files.path("dup.csv").write_text("a,a\n" + "1,2\n" * 300)
    result = run(*files.find("labels.npy", "dup.csv"))
    one_line_error(result, "dup.csv", "'a' appears more than once", "--no-header")


def test_header_only_file(files, run, one_line_error):
    files.path("head.csv").write_text("0\n")
    result = run(*files.find("head.csv", "pred_probs.npy"))
    one_line_error(result, "head.csv", "no rows", "only line is the header", "--no-header")


def test_no_header_names_columns_by_position(files, run):
    frame = pd.DataFrame({"id": np.arange(300), "animal": np.array(["cat", "dog", "fox"])[0]})
    frame["animal"] = np.array(["cat", "dog", "fox"])[files.labels]
    frame.to_csv(files.path("bare.csv"), index=False, header=False)
    result = run(
        *files.find("bare.csv", "pred_probs.csv", "--no-header", "--label-column", "1"),
    )
    # --no-header applies to pred_probs.csv too: its header line is then data (text)
    assert result.code == 2
    assert "with --no-header a header line is read as data" in result.err
    result = run(
        *files.find("bare.csv", "pred_probs.npy", "--no-header", "--label-column", "1"),
        "--classes",
        "cat,dog,fox",
    )
    assert result.code == 0, result.err


def test_simulate_writes_no_extra_row(tmp_path, run):
    """A pandas-written label file keeps its n rows (the header 0 was once read as data)."""
    pd.Series(np.repeat(np.arange(4), 25)).to_csv(tmp_path / "y.csv", index=False)
    args = ("--kind", "symmetric", "--noise-rate", "0.2", "--seed", "0")
    result = run("simulate", "--labels", tmp_path / "y.csv", "--out", tmp_path / "n.csv", *args)
    assert result.code == 0, result.err
    noisy = pd.read_csv(tmp_path / "n.csv")
    assert noisy.shape[0] == 100 and list(noisy.columns) == ["0", "is_flipped"]
    assert int(noisy["is_flipped"].sum()) == 20


def test_simulate_no_header(tmp_path, run):
    np.savetxt(tmp_path / "y.csv", np.repeat(np.arange(4), 25), fmt="%d")
    args = ("--kind", "symmetric", "--noise-rate", "0.2", "--seed", "0", "--no-header")
    result = run("simulate", "--labels", tmp_path / "y.csv", "--out", tmp_path / "n.npy", *args)
    assert result.code == 0, result.err
    assert np.load(tmp_path / "n.npy").shape == (100,)


def test_simulate_matrix_without_header(tmp_path, run, one_line_error):
    np.save(tmp_path / "y.npy", np.repeat(np.arange(3), 10))
    matrix = np.array([[0.7, 0.2, 0.1], [0.1, 0.7, 0.2], [0.2, 0.1, 0.7]])
    np.savetxt(tmp_path / "T.csv", matrix, delimiter=",")
    result = run(
        "simulate",
        "--labels",
        tmp_path / "y.npy",
        "--kind",
        "matrix",
        "--matrix",
        tmp_path / "T.csv",
        "--seed",
        "0",
        "--out",
        tmp_path / "n.npy",
    )
    one_line_error(result, "--matrix", "2 rows and 3 columns", "pass --no-header")


def test_audit_no_header(tmp_path, run):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 2))
    frame = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "y": (x[:, 0] > 0).astype(int)})
    frame.to_csv(tmp_path / "data.csv", index=False, header=False)
    out = tmp_path / "out"
    args = ("--label", "2", "--cv", "2", "--out", out)
    result = run("audit", tmp_path / "data.csv", "--no-header", *args)
    assert result.code == 0, result.err
    assert (out / "issues.csv").exists()


@pytest.mark.parametrize("command", ["find", "report", "audit", "simulate"])
def test_help_states_the_rule(command):
    text = " ".join(CliRunner().invoke(cli, [command, "--help"]).output.split())
    assert "--no-header" in text
    assert "first line" in text and "header" in text
