"""``labelnoise find``: every input format gives the library's answer, written as CSV."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

import labelnoise
from labelnoise.cli import cli
from labelnoise.detect import METHODS
from labelnoise.detect._registry import method_names

FORMATS = [
    ("labels.npy", "pred_probs.npy", []),
    ("labels_plain.csv", "pred_probs_plain.csv", ["--no-header"]),
    ("labels_pandas.csv", "pred_probs_pandas.csv", []),
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
    result = run(*files.find(labels, pred_probs, *extra))
    assert result.code == 0, result.err
    expected = _expected(files)
    written = pd.read_csv(out)
    assert list(written.columns) == ["index", "given_label", "suggested_label", "label_quality"]
    assert written["index"].tolist() == expected["index"].tolist()
    np.testing.assert_allclose(written["label_quality"], expected["label_quality"], rtol=1e-12)
    if "animal" in extra:  # class names come from the pred_probs header
        names = np.array(files.classes)
        assert written["given_label"].tolist() == names[expected["given_label"]].tolist()
        assert written["suggested_label"].tolist() == names[expected["suggested_label"]].tolist()
    else:
        assert written["given_label"].tolist() == expected["given_label"].tolist()


def test_find_prints_summary(files, run):
    result = run(*files.find())
    n_flagged = len(labelnoise.find_label_issues(files.labels, files.pred_probs))
    noise = labelnoise.estimate_noise(files.labels, files.pred_probs)
    assert f"Flagged {n_flagged:,} of 300 examples" in result.out
    assert f"Estimated noise rate: {100 * noise.noise_rate:.1f}%" in result.out
    assert "Classes with the most issues" in result.out
    assert result.err == ""


def test_find_method_and_class_names(files, run):
    out = files.path("issues.csv")
    result = run(
        *files.find(
            "labels.csv",
            "pred_probs.npy",
            "--label-column",
            "animal",
            "--method",
            "predicted_neq_given",
            "--classes",
            "cat,dog,fox",
        )
    )
    assert result.code == 0, result.err
    expected = _expected(files, method="predicted_neq_given")
    written = pd.read_csv(out)
    assert written["index"].tolist() == expected["index"].tolist()
    assert set(written["given_label"]) <= set(files.classes)


def test_find_accepts_float16(files, run):
    out = files.path("issues.csv")
    result = run(*files.find("labels.npy", "pred_probs16.npy"))
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
    assert sorted(cli.commands) == [
        "audit",
        "bench",
        "consensus",
        "demo",
        "find",
        "report",
        "simulate",
    ]
    result = run("--help")
    for command in cli.commands:
        assert command in result.out


def _features(files):
    """Features whose clusters follow the model's favoured class (so neighbours vote)."""
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(3, 5)) * 3
    return centres[files.pred_probs.argmax(axis=1)] + rng.normal(size=(files.labels.size, 5))


def _find(run, files, *extra):
    """``labelnoise find`` on the .npy labels and pred_probs, plus ``extra`` options."""
    labels, pred_probs = files.path("labels.npy"), files.path("pred_probs.npy")
    return run("find", "--labels", labels, "--pred-probs", pred_probs, *extra)


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("auto", ".npy"), ("knn", ".csv"), ("linear_separation", ".parquet")],
)
def test_find_with_features_matches_library(files, run, method, suffix):
    features = _features(files)
    path = files.path(f"features{suffix}")
    table = pd.DataFrame(features, columns=[f"f{i}" for i in range(5)])
    {".npy": lambda: np.save(path, features), ".csv": lambda: table.to_csv(path, index=False)}.get(
        suffix, lambda: table.to_parquet(path)
    )()
    out = files.path("issues.csv")
    result = _find(run, files, "--features", path, "--method", method, "--out", out)
    assert result.code == 0, result.err
    probs = None if method == "knn" else files.pred_probs
    issues = labelnoise.find_label_issues(
        files.labels, probs, features=features, method=method, classes=[0, 1, 2]
    )
    written = pd.read_csv(out)
    assert written["index"].tolist() == issues.indices.tolist()
    np.testing.assert_allclose(written["label_quality"], issues.scores[issues.indices], rtol=1e-9)


def test_find_features_with_a_method_that_ignores_them_is_an_error(files, run):
    np.save(files.path("features.npy"), _features(files))
    out = files.path("issues.csv")
    result = _find(run, files, "--features", files.path("features.npy"), "--out", out)
    assert result.code == 2
    assert "--features is not used by --method prune_by_noise_rate" in result.err
    assert not out.exists()


@pytest.mark.parametrize("method", method_names(lambda m: m.features == "required"))
def test_find_without_needed_features_is_an_error(files, run, method):
    result = _find(run, files, "--method", method)
    assert result.code == 2
    assert f"--method {method} needs --features" in result.err


def test_find_method_choices_are_the_registry(files, run):
    result = _find(run, files, "--method", "nope")
    assert result.code == 2
    assert all(f"'{name}'" in result.err for name in METHODS)


def test_find_features_must_be_numeric(files, run):
    pd.DataFrame({"a": ["x"] * files.labels.size}).to_csv(files.path("f.csv"), index=False)
    result = _find(run, files, "--features", files.path("f.csv"), "--method", "knn")
    assert result.code == 2
    assert "--features" in result.err and "are not numeric" in result.err


def test_find_features_with_wrong_rows_names_the_option(files, run):
    np.save(files.path("features.npy"), _features(files)[:-1])
    result = _find(run, files, "--features", files.path("features.npy"), "--method", "auto")
    assert result.code == 2
    assert "--features" in result.err and "expected shape (300, d)" in result.err


def test_find_features_with_a_saved_index_column_is_an_error(files, run):
    pd.DataFrame(_features(files)).to_csv(files.path("f.csv"))  # index written too
    result = _find(run, files, "--features", files.path("f.csv"), "--method", "knn")
    assert result.code == 2
    assert "the first column has no name, like a saved row index" in result.err
