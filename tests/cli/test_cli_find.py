"""``labelnoise find``: every input format gives the library's answer, written as CSV."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

import labelnoise
from labelnoise.cli import cli

CLASSES = ["cat", "dog", "fox"]
FORMATS = [
    ("labels.npy", "pred_probs.npy", []),
    ("labels_plain.csv", "pred_probs_plain.csv", []),
    ("labels.csv", "pred_probs.csv", ["--label-column", "animal"]),
    ("labels.parquet", "pred_probs.parquet", ["--label-column", "animal"]),
]


def _expected(files, **options) -> pd.DataFrame:
    issues = labelnoise.find_label_issues(files.labels, files.pred_probs, **options)
    return pd.DataFrame(
        {
            "index": issues.indices,
            "given_label": issues.given_labels[issues.indices],
            "suggested_label": issues.suggested_labels[issues.indices],
            "label_quality": issues.scores[issues.indices],
        }
    )


@pytest.mark.parametrize(("labels", "pred_probs", "extra"), FORMATS)
def test_find_matches_library(files, run, labels, pred_probs, extra):
    out = files.path("issues.csv")
    result = run(
        "find",
        "--labels",
        files.path(labels),
        "--pred-probs",
        files.path(pred_probs),
        "--out",
        out,
        *extra,
    )
    assert result.code == 0, result.err
    expected = _expected(files)
    written = pd.read_csv(out)
    assert list(written.columns) == ["index", "given_label", "suggested_label", "label_quality"]
    assert written["index"].tolist() == expected["index"].tolist()
    np.testing.assert_allclose(written["label_quality"], expected["label_quality"], rtol=1e-12)
    if "animal" in extra:  # class names come from the pred_probs header
        names = np.array(CLASSES)
        assert written["given_label"].tolist() == names[expected["given_label"]].tolist()
        assert written["suggested_label"].tolist() == names[expected["suggested_label"]].tolist()
    else:
        assert written["given_label"].tolist() == expected["given_label"].tolist()


def test_find_prints_summary(files, run):
    result = run(
        "find",
        "--labels",
        files.path("labels.npy"),
        "--pred-probs",
        files.path("pred_probs.npy"),
        "--out",
        files.path("issues.csv"),
    )
    n_flagged = len(labelnoise.find_label_issues(files.labels, files.pred_probs))
    noise = labelnoise.estimate_noise(files.labels, files.pred_probs)
    assert f"Flagged {n_flagged:,} of 300 examples" in result.out
    assert f"Estimated noise rate: {100 * noise.noise_rate:.1f}%" in result.out
    assert "Classes with the most issues" in result.out
    assert result.err == ""


def test_find_method_and_class_names(files, run):
    out = files.path("issues.csv")
    result = run(
        "find",
        "--labels",
        files.path("labels.npy"),
        "--pred-probs",
        files.path("pred_probs.npy"),
        "--method",
        "predicted_neq_given",
        "--classes",
        "cat,dog,fox",
        "--out",
        out,
    )
    assert result.code == 0, result.err
    expected = _expected(files, method="predicted_neq_given")
    written = pd.read_csv(out)
    assert written["index"].tolist() == expected["index"].tolist()
    assert set(written["given_label"]) <= set(CLASSES)


def test_find_accepts_float16(files, run):
    out = files.path("issues.csv")
    result = run(
        "find",
        "--labels",
        files.path("labels.npy"),
        "--pred-probs",
        files.path("pred_probs16.npy"),
        "--out",
        out,
    )
    assert result.code == 0, result.err
    expected = labelnoise.find_label_issues(
        files.labels, files.pred_probs.astype(np.float16)
    ).indices
    assert pd.read_csv(out)["index"].tolist() == expected.tolist()


def test_find_normalize(files, run):
    scaled = files.path("scaled.npy")
    np.save(scaled, files.pred_probs * 3.0 / 3.5)
    args = ["find", "--labels", files.path("labels.npy"), "--pred-probs", scaled]
    refused = run(*args, "--out", files.path("a.csv"))
    assert refused.code == 2
    assert "--normalize" in refused.err
    accepted = run(*args, "--out", files.path("b.csv"), "--normalize")
    assert accepted.code == 0, accepted.err
    expected = _expected(files)["index"].tolist()
    assert pd.read_csv(files.path("b.csv"))["index"].tolist() == expected


def test_find_never_modifies_inputs(files, run):
    paths = sorted(files.root.iterdir())
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
    for labels, pred_probs, extra in FORMATS:
        run(
            "find",
            "--labels",
            files.path(labels),
            "--pred-probs",
            files.path(pred_probs),
            "--out",
            files.path(f"out-{labels}.csv"),
            *extra,
        )
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
    assert before == after


@pytest.mark.parametrize("command", [None, *sorted(cli.commands)])
def test_help(run, command):
    result = run(*([command] if command else []), "--help")
    assert result.code == 0
    assert "Usage: labelnoise" in result.out
    assert "--help" in result.out or command is None


def test_help_lists_exactly_the_commands(run):
    assert sorted(cli.commands) == ["audit", "bench", "demo", "find", "report", "simulate"]
    result = run("--help")
    for command in cli.commands:
        assert command in result.out
