"""``labelnoise simulate``: every noise kind, every output format, every error path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from labelnoise.datasets import CIFAR10_CLASSES


@pytest.fixture
def data(tmp_path):
    """100 labels in 4 classes as .npy, a CSV with names and an id column, features."""
    y = np.repeat(np.arange(4), 25)
    np.save(tmp_path / "y.npy", y)
    names = np.array(["ant", "bee", "cat", "dog"])[y]
    frame = pd.DataFrame({"id": np.arange(100) + 7, "animal": names})
    frame.to_csv(tmp_path / "y.csv", index=False)
    frame.to_parquet(tmp_path / "y.parquet")
    np.save(tmp_path / "X.npy", np.random.default_rng(0).normal(size=(100, 3)))
    np.save(
        tmp_path / "T.npy",
        np.array([[0.7, 0.3, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0.5, 0.5]]),
    )
    np.save(tmp_path / "cifar.npy", np.repeat(np.arange(10), 20))
    return tmp_path


def _simulate(data, labels, out, *extra):
    return ("simulate", "--labels", data / labels, "--out", data / out, *extra)


def test_symmetric_npy(data, run):
    result = run(
        *_simulate(
            data, "y.npy", "noisy.npy", "--kind", "symmetric", "--noise-rate", "0.2", "--seed", "0"
        )
    )
    assert result.code == 0, result.err
    noisy, y = np.load(data / "noisy.npy"), np.load(data / "y.npy")
    assert noisy.dtype == y.dtype and int((noisy != y).sum()) == 20
    assert "Changed 20 of 100 labels: realised noise rate 20.00%" in result.out
    assert "Realised transition matrix" in result.out and "80.0" in result.out
    assert "Wrote" in result.out


def test_same_seed_same_labels(data, run):
    args = ("--kind", "symmetric", "--noise-rate", "0.3", "--seed", "4")
    run(*_simulate(data, "y.npy", "a.npy", *args))
    run(*_simulate(data, "y.npy", "b.npy", *args))
    run(
        *_simulate(
            data, "y.npy", "c.npy", "--kind", "symmetric", "--noise-rate", "0.3", "--seed", "5"
        )
    )
    a, b, c = (np.load(data / f"{n}.npy") for n in "abc")
    assert np.array_equal(a, b) and not np.array_equal(a, c)


@pytest.mark.parametrize("out", ["noisy.csv", "noisy.tsv", "noisy.parquet"])
def test_pairflip_table_keeps_columns(data, run, out):
    result = run(
        *_simulate(data, "y.csv", out, "--label-column", "animal", "--kind", "pairflip"),
        "--noise-rate",
        "0.4",
        "--seed",
        "1",
    )
    assert result.code == 0, result.err
    path = data / out
    frame = (
        pd.read_parquet(path)
        if out.endswith("parquet")
        else pd.read_csv(path, sep="\t" if out.endswith("tsv") else ",")
    )
    original = pd.read_csv(data / "y.csv")
    assert list(frame.columns) == ["id", "animal", "is_flipped"]
    assert frame["id"].tolist() == original["id"].tolist()
    changed = frame["animal"] != original["animal"]
    assert changed.tolist() == frame["is_flipped"].tolist() and changed.sum() == 40
    follows = {"ant": "bee", "bee": "cat", "cat": "dog", "dog": "ant"}
    assert all(
        follows[o] == n
        for o, n in zip(original["animal"][changed], frame["animal"][changed], strict=True)
    )
    assert "ant" in result.out  # the matrix is labelled with class names


def test_parquet_input(data, run):
    result = run(
        *_simulate(
            data,
            "y.parquet",
            "n.parquet",
            "--label-column",
            "animal",
            "--kind",
            "symmetric",
            "--noise-rate",
            "0.1",
            "--seed",
            "0",
        )
    )
    assert result.code == 0, result.err
    assert pd.read_parquet(data / "n.parquet")["is_flipped"].sum() == 10


def test_npy_to_csv(data, run):
    result = run(
        *_simulate(
            data, "y.npy", "n.csv", "--kind", "symmetric", "--noise-rate", "0.1", "--seed", "0"
        )
    )
    assert result.code == 0, result.err
    assert list(pd.read_csv(data / "n.csv").columns) == ["label", "is_flipped"]


def test_matrix_file_and_random_matrix(data, run):
    result = run(
        *_simulate(
            data, "y.npy", "m.npy", "--kind", "matrix", "--matrix", data / "T.npy", "--seed", "0"
        )
    )
    assert result.code == 0, result.err
    noisy = np.load(data / "m.npy")
    counts = pd.crosstab(np.load(data / "y.npy"), noisy).to_numpy()
    # Each row of T times 25 examples, rounded by largest remainder (ties broken at random).
    assert counts[1].tolist() == [0, 25, 0, 0] and counts[2].tolist() == [0, 0, 25, 0]
    assert counts[0, 1] in (7, 8) and counts[0, :2].sum() == 25
    assert counts[3, 2] in (12, 13) and counts[3, 2:].sum() == 25
    result = run(
        *_simulate(data, "y.npy", "r.npy", "--kind", "matrix", "--noise-rate", "0.3", "--seed", "0")
    )
    assert result.code == 0, result.err
    assert int((np.load(data / "r.npy") != np.load(data / "y.npy")).sum()) == 30


def test_instance(data, run):
    result = run(
        *_simulate(
            data,
            "y.npy",
            "i.npy",
            "--kind",
            "instance",
            "--noise-rate",
            "0.25",
            "--features",
            data / "X.npy",
            "--seed",
            "2",
        )
    )
    assert result.code == 0, result.err
    assert int((np.load(data / "i.npy") != np.load(data / "y.npy")).sum()) == 25


@pytest.mark.parametrize("source", ["worst", "aggregate"])
def test_human(data, run, source):
    result = run(
        *_simulate(data, "cifar.npy", "h.npy", "--kind", "human", "--source", source, "--seed", "0")
    )
    assert result.code == 0, result.err
    assert "realised noise rate" in result.out and "Realised transition matrix" in result.out


def test_human_with_cifar_names(data, run):
    names = np.array(CIFAR10_CLASSES)[np.load(data / "cifar.npy")]
    pd.DataFrame({"label": names}).to_csv(data / "c.csv", index=False)
    result = run(*_simulate(data, "c.csv", "h.csv", "--kind", "human", "--seed", "0"))
    assert result.code == 0, result.err
    assert set(pd.read_csv(data / "h.csv")["label"]) <= set(CIFAR10_CLASSES)


def test_no_overwrite_without_force(data, run, one_line_error):
    args = ("--kind", "symmetric", "--noise-rate", "0.2", "--seed", "0")
    (data / "noisy.npy").write_bytes(b"old")
    one_line_error(
        run(*_simulate(data, "y.npy", "noisy.npy", *args)), "already exists; pass --force"
    )
    assert (data / "noisy.npy").read_bytes() == b"old"
    assert run(*_simulate(data, "y.npy", "noisy.npy", *args, "--force")).code == 0
    one_line_error(run(*_simulate(data, "y.npy", "y.npy", *args, "--force")), "also an input file")


RATE = ("--noise-rate", "0.2", "--seed", "0")


@pytest.mark.parametrize(
    ("labels", "extra", "fragments"),
    [
        ("y.npy", ("--kind", "human", *RATE), ["--noise-rate does not apply to --kind human"]),
        ("y.npy", ("--kind", "symmetric", "--seed", "0"), ["--kind symmetric needs --noise-rate"]),
        ("y.npy", ("--kind", "matrix", "--seed", "0"), ["needs --noise-rate", "or give --matrix"]),
        (
            "y.npy",
            ("--kind", "symmetric", "--matrix", "T.npy", *RATE),
            ["--matrix only applies to --kind matrix"],
        ),
        (
            "y.npy",
            ("--kind", "matrix", "--matrix", "T.npy", *RATE),
            ["--matrix sets the noise itself"],
        ),
        ("y.npy", ("--kind", "instance", *RATE), ["--kind instance needs --features"]),
        (
            "y.npy",
            ("--kind", "pairflip", "--features", "X.npy", *RATE),
            ["--features only applies"],
        ),
        (
            "y.npy",
            ("--kind", "instance", "--features", "y.npy", *RATE),
            ["--features", "expected numbers of shape (n, d)"],
        ),
        (
            "y.npy",
            ("--kind", "instance", "--features", "X5.npy", *RATE),
            ["--features", "X5.npy", "with n = 100"],
        ),
        (
            "y.npy",
            ("--kind", "matrix", "--matrix", "bad.npy", "--seed", "0"),
            ["--matrix", "bad.npy", "each row must sum to 1"],
        ),
        (
            "y.npy",
            ("--kind", "matrix", "--matrix", "T3.npy", "--seed", "0"),
            ["--matrix", "T3.npy", "has 3 rows but --labels", "has 4 classes"],
        ),
        (
            "y.csv",
            ("--kind", "symmetric", *RATE),
            ["--labels", "has 2 columns (id, animal); pick one with --label-column"],
        ),
        (
            "y.csv",
            ("--kind", "symmetric", "--label-column", "nope", *RATE),
            ["has no column 'nope'"],
        ),
        (
            "y.csv",
            ("--kind", "human", "--label-column", "animal", "--seed", "0"),
            ["labels must be codes 0..9 or CIFAR-10 class names", "'ant'"],
        ),
        ("y12.npy", ("--kind", "human", "--seed", "0"), ["--labels", "y12.npy", "codes 0..9"]),
        (
            "neg.npy",
            ("--kind", "symmetric", *RATE),
            ["--labels", "neg.npy", "class codes must be >= 0"],
        ),
        (
            "y.npy",
            ("--kind", "symmetric", "--noise-rate", "1.5", "--seed", "0"),
            ["--noise-rate", "1.5 is not in the range"],
        ),
        (
            "y.npy",
            ("--kind", "symmetric", "--noise-rate", "0.2", "--seed", "-1"),
            ["--seed", "-1 is not in the range"],
        ),
        ("y.npy", ("--kind", "gaussian", *RATE), ["--kind", "'gaussian' is not one of"]),
        ("nothere.npy", ("--kind", "symmetric", *RATE), ["--labels", "does not exist"]),
        ("y.npy", ("--kind", "symmetric", "--noise-rate", "0.2"), ["Missing option '--seed'"]),
    ],
)
def test_errors(data, run, labels, extra, fragments, one_line_error):
    np.save(data / "X5.npy", np.zeros((5, 3)))
    np.save(data / "bad.npy", np.array([[0.5, 0.2, 0.1, 0.0]] * 4))
    np.save(data / "T3.npy", np.eye(3))
    np.save(data / "y12.npy", np.arange(12))
    np.save(data / "neg.npy", np.array([0, 1, -1, 1]))
    extra = tuple(str(data / e) if str(e).endswith(".npy") else e for e in extra)
    result = run(*_simulate(data, labels, "out.npy", *extra))
    one_line_error(result, *fragments)
    assert not (data / "out.npy").exists()


def test_unsupported_out_suffix(data, run, one_line_error):
    result = run(*_simulate(data, "y.npy", "out.json", "--kind", "symmetric", *RATE))
    one_line_error(result, "--out", "unsupported file type '.json'")


def test_debug_shows_traceback(data, run):
    result = run(*_simulate(data, "y.npy", "o.npy", "--kind", "instance", *RATE), "--debug")
    assert result.code == 2 and "Traceback" in result.err
