"""``labelnoise find --multilabel``: ';'-separated tags in a CSV column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from labelnoise import multilabel

TAGS = ["beach", "dog", "sky"]


@pytest.fixture
def tag_files(tmp_path):
    """60 examples: tags as names and as indices, pred_probs with and without a header."""
    rng = np.random.default_rng(0)
    truth = rng.random((60, 3)) < 0.4
    probs = np.clip(np.where(truth, 0.85, 0.1) + rng.normal(0, 0.05, (60, 3)), 0, 1)
    given = truth.copy()
    given[[3, 17], 1] = ~given[[3, 17], 1]  # two flipped "dog" tags
    probs[[3, 17], 1] = np.where(truth[[3, 17], 1], 0.97, 0.01)
    names = [";".join(np.array(TAGS)[row]) for row in given]
    indices = [";".join(map(str, np.flatnonzero(row))) for row in given]
    pd.DataFrame({"id": range(60), "tags": names, "codes": indices}).to_csv(
        tmp_path / "tags.csv", index=False
    )
    pd.DataFrame(probs, columns=TAGS).to_csv(tmp_path / "probs.csv", index=False)
    np.save(tmp_path / "probs.npy", probs)
    return tmp_path, given, probs


def _args(root, *extra, labels="tags.csv", probs="probs.csv", column="tags"):
    picked = () if column is None else ("--label-column", column)
    return (
        "find",
        "--multilabel",
        "--labels",
        root / labels,
        *picked,
        "--pred-probs",
        root / probs,
        "--out",
        root / "issues.csv",
        *extra,
    )


def test_names_match_the_library(run, tag_files):
    root, given, probs = tag_files
    result = run(*_args(root))
    assert result.code == 0, result.err
    expected = multilabel.find_label_issues(given, probs, classes=TAGS)
    out = pd.read_csv(root / "issues.csv", keep_default_na=False)
    assert out["index"].tolist() == expected.indices.tolist()
    assert {3, 17} <= set(out["index"])
    assert list(out.columns) == [
        "index",
        "given_labels",
        "suggested_labels",
        "missing_tags",
        "wrong_tags",
        "label_quality",
    ]
    row = out.set_index("index").loc[3]
    assert "dog" in (row.missing_tags + row.wrong_tags)
    assert "examples have a suspicious tag" in result.out


def test_indices_with_and_without_header(run, tag_files):
    root, _, _ = tag_files
    named = run(*_args(root, column="codes"))
    assert named.code == 0, named.err
    by_name = pd.read_csv(root / "issues.csv", keep_default_na=False)
    assert set(by_name["missing_tags"]) <= {"", *TAGS}  # indices shown by the header names
    plain = run(*_args(root, "--force", column="codes", probs="probs.npy"))
    assert plain.code == 0, plain.err
    by_index = pd.read_csv(root / "issues.csv", keep_default_na=False, dtype=str)
    assert by_index["index"].tolist() == by_name["index"].astype(str).tolist()


def test_output_is_not_overwritten(run, tag_files, one_line_error):
    root, _, _ = tag_files
    assert run(*_args(root)).code == 0
    one_line_error(run(*_args(root)), "--out")


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (("--method", "auto"), "--method auto does not apply to --multilabel"),
        (("--normalize",), "--normalize does not apply to --multilabel"),
        (("--classes", "a,b"), "--classes"),
    ],
)
def test_bad_options(run, tag_files, one_line_error, extra, fragment):
    root, _, _ = tag_files
    one_line_error(run(*_args(root, *extra)), fragment)


def test_bad_files(run, tag_files, one_line_error):
    root, _, probs = tag_files
    np.save(root / "tags.npy", np.zeros(60))
    one_line_error(run(*_args(root, labels="tags.npy")), "not .npy")
    one_line_error(run(*_args(root, probs="probs.npy")), "tags must be column indices")
    pd.DataFrame({"tags": ["beach"] * 59}).to_csv(root / "short.csv", index=False)
    one_line_error(run(*_args(root, labels="short.csv")), "has 59 rows, one fewer than")
    pd.DataFrame({"tags": ["beach"] * 50}).to_csv(root / "short.csv", index=False)
    one_line_error(run(*_args(root, labels="short.csv")), "has 50 rows but --pred-probs")
    pd.DataFrame({"tags": ["cat"] * 60}).to_csv(root / "cats.csv", index=False)
    one_line_error(
        run(*_args(root, labels="cats.csv")), "--labels", "'cat'", "given with --classes"
    )
    np.save(root / "probs_big.npy", probs * 3)
    one_line_error(run(*_args(root, column="codes", probs="probs_big.npy")), "--pred-probs")


def test_empty_cells_and_na_like_tags(run, tag_files):
    """An empty cell is an empty tag set; a tag spelled like NA stays a tag."""
    root, _, probs = tag_files
    names = ["NA", "None", "sky"]
    given = [["NA"], [], ["None", "sky"]] * 20
    cells = [";".join(row) for row in given]
    (root / "na.csv").write_text("tags\n" + "\n".join(f'"{c}"' if c else "" for c in cells))
    pd.DataFrame(probs, columns=names).to_csv(root / "na_probs.csv", index=False)
    result = run(*_args(root, labels="na.csv", probs="na_probs.csv"))
    assert result.code == 0, result.err
    expected = multilabel.find_label_issues(given, probs, classes=names)
    out = pd.read_csv(root / "issues.csv", keep_default_na=False, dtype=str)
    assert out["index"].astype(int).tolist() == expected.indices.tolist()
    by_row = dict(zip(out["index"].astype(int), out["given_labels"], strict=True))
    assert all(by_row[i] == cells[i] for i in by_row)
    assert any("NA" in by_row[i].split(";") for i in by_row)


def test_no_header(run, tag_files, one_line_error):
    root, given, probs = tag_files
    indices = [";".join(map(str, np.flatnonzero(row))) for row in given]
    (root / "bare.csv").write_text("\n".join(indices) + "\n")
    pd.DataFrame(probs).to_csv(root / "bare_probs.csv", index=False, header=False)
    result = run(*_args(root, "--no-header", labels="bare.csv", probs="bare_probs.csv", column="0"))
    assert result.code == 0, result.err
    expected = multilabel.find_label_issues(given, probs)
    out = pd.read_csv(root / "issues.csv")
    assert out["index"].tolist() == expected.indices.tolist()
    # without --no-header the first line is the header: one row short, and the error says so
    result = run(*_args(root, "--force", labels="bare.csv", probs="probs.npy", column=None))
    one_line_error(result, "one fewer than --pred-probs", "--no-header")


def test_digit_tags_that_are_also_header_names(run, tag_files, one_line_error):
    root, _, probs = tag_files
    pd.DataFrame(probs, columns=["x", "0", "y"]).to_csv(root / "mixed.csv", index=False)
    result = run(*_args(root, column="codes", probs="mixed.csv"))
    one_line_error(result, "is both a column index and the name of column")


def test_features_are_refused(run, tag_files, one_line_error):
    root, _, probs = tag_files
    np.save(root / "emb.npy", probs)
    one_line_error(run(*_args(root, "--features", root / "emb.npy")), "--features is not used")


def test_softmax_probabilities_warn_on_one_line(run, tag_files):
    root, _, probs = tag_files
    softmax = probs / probs.sum(axis=1, keepdims=True)
    pd.DataFrame(softmax, columns=TAGS).to_csv(root / "softmax.csv", index=False)
    result = run(*_args(root, probs="softmax.csv"))
    assert result.code == 0, result.err
    warning = [line for line in result.err.splitlines() if "warning" in line]
    assert len(warning) == 1 and "every row sums to 1" in warning[0]


def test_parquet_tag_lists(run, tag_files):
    """A Parquet column of lists of tags, as pandas writes one; empty lists included."""
    root, given, probs = tag_files
    rows = [list(np.array(TAGS)[row]) for row in given]
    assert [] in rows
    pd.DataFrame({"tags": rows}).to_parquet(root / "tags.parquet")
    result = run(*_args(root, labels="tags.parquet"))
    assert result.code == 0, result.err
    expected = multilabel.find_label_issues(given, probs, classes=TAGS)
    out = pd.read_csv(root / "issues.csv", keep_default_na=False)
    assert out["index"].tolist() == expected.indices.tolist()
