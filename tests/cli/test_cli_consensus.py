"""``labelnoise consensus``: outputs, options and one-line errors for malformed tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from labelnoise.annotators import consensus


@pytest.fixture
def crowd_files(tmp_path):
    rng = np.random.default_rng(3)
    n, m, k = 60, 6, 3
    truth = rng.integers(0, k, n)
    rows = []
    for i in range(n):
        for worker in rng.choice(m, 3, replace=False):
            label = truth[i] if rng.random() < 0.8 else rng.integers(0, k)
            rows.append((i, f"w{worker}", ["cat", "dog", "fox"][label]))
    table = pd.DataFrame(rows, columns=["image", "worker", "answer"])
    table.to_csv(tmp_path / "labels.csv", index=False)
    probs = rng.dirichlet(np.ones(k), n)
    probs[np.arange(n), truth] += 1.0
    np.save(tmp_path / "probs.npy", probs / probs.sum(axis=1, keepdims=True))
    return tmp_path, table


def _args(root, *extra):
    return (
        "consensus",
        root / "labels.csv",
        "--example",
        "image",
        "--annotator",
        "worker",
        "--label",
        "answer",
        "--out",
        root / "out",
        *extra,
    )


def test_writes_three_files_matching_the_library(run, crowd_files):
    root, table = crowd_files
    result = run(*_args(root))
    assert result.code == 0, result.err
    assert "Consensus of 6 annotators on 60 examples" in result.out
    written = pd.read_csv(root / "out" / "consensus.csv")
    expected = consensus(table, columns=("image", "worker", "answer"))
    assert written["consensus_label"].tolist() == expected.labels.tolist()
    np.testing.assert_allclose(written["quality"], expected.quality)
    annotators = pd.read_csv(root / "out" / "annotators.csv")
    assert annotators["annotator"].tolist() == [f"w{i}" for i in range(6)]
    assert {"quality", "agreement", "accuracy_on_cat"} <= set(annotators.columns)
    page = (root / "out" / "consensus.html").read_text()
    assert "Annotator quality" in page and "<script" not in page


def test_with_pred_probs_and_classes(run, crowd_files):
    root, _ = crowd_files
    result = run(*_args(root, "--pred-probs", root / "probs.npy", "--classes", "cat,dog,fox"))
    assert result.code == 0, result.err
    assert "method model" in result.out
    written = pd.read_csv(root / "out" / "consensus.csv")
    assert set(written["consensus_label"]) <= {"cat", "dog", "fox"}


def test_existing_outputs_need_force(run, crowd_files, one_line_error):
    root, _ = crowd_files
    assert run(*_args(root)).code == 0
    one_line_error(run(*_args(root)), "consensus.csv already exists", "--force")
    assert run(*_args(root, "--force")).code == 0


def test_error_missing_column(run, crowd_files, one_line_error):
    root, _ = crowd_files
    result = run("consensus", root / "labels.csv", "--out", root / "out")
    one_line_error(result, "labels.csv", "has no column 'example' for --example", "--label.")
    assert "columns=" not in result.err
    assert not (root / "out" / "consensus.csv").exists()


def test_error_missing_label_column_names_its_option(run, crowd_files, one_line_error):
    root, _ = crowd_files
    args = [a if a != "answer" else "verdict" for a in _args(root)]
    one_line_error(run(*args), "has no column 'verdict' for --label", "'image', 'worker'")


def test_error_missing_label(run, tmp_path, one_line_error):
    (tmp_path / "t.csv").write_text("example,annotator,label\n0,a,1\n0,b,\n")
    one_line_error(run("consensus", tmp_path / "t.csv", "--out", tmp_path / "o"), "missing value")


def test_error_repeated_pair(run, tmp_path, one_line_error):
    (tmp_path / "t.csv").write_text("example,annotator,label\n0,a,1\n0,a,0\n")
    result = run("consensus", tmp_path / "t.csv", "--out", tmp_path / "o")
    one_line_error(result, "more than once")


def test_error_empty_table(run, tmp_path, one_line_error):
    (tmp_path / "t.csv").write_text("example,annotator,label\n")
    one_line_error(run("consensus", tmp_path / "t.csv", "--out", tmp_path / "o"), "no rows")


def test_error_out_is_a_file(run, crowd_files, one_line_error):
    root, _ = crowd_files
    (root / "taken").write_text("x")
    result = run("consensus", root / "labels.csv", "--out", root / "taken")
    one_line_error(result, "is a file")


def test_error_pred_probs_too_few_rows(run, crowd_files, one_line_error):
    root, _ = crowd_files
    np.save(root / "short.npy", np.full((10, 3), 1 / 3))
    result = run(*_args(root, "--pred-probs", root / "short.npy", "--classes", "cat,dog,fox"))
    one_line_error(result, "names examples 0..59 (60 distinct)", "short.npy has 10 rows", "0..9")


def test_error_pred_probs_rows_without_labels(run, crowd_files, one_line_error):
    root, _ = crowd_files
    np.save(root / "long.npy", np.full((70, 3), 1 / 3))
    result = run(*_args(root, "--pred-probs", root / "long.npy", "--classes", "cat,dog,fox"))
    one_line_error(result, "long.npy has 70 rows", "labels only 60 of them")


def test_error_example_ids_are_not_row_numbers(run, crowd_files, one_line_error):
    root, table = crowd_files
    table.assign(image="img" + table["image"].astype(str)).to_csv(root / "labels.csv", index=False)
    result = run(*_args(root, "--pred-probs", root / "probs.npy", "--classes", "cat,dog,fox"))
    one_line_error(result, "row numbers 0..59", "holds 'img0'", "Map the example ids")


def test_pred_probs_rows_follow_the_example_numbers(run, crowd_files):
    root, table = crowd_files
    probs = np.load(root / "probs.npy")
    shuffled = table.sample(frac=1.0, random_state=0)
    shuffled.to_csv(root / "labels.csv", index=False)
    result = run(*_args(root, "--pred-probs", root / "probs.npy", "--classes", "cat,dog,fox"))
    assert result.code == 0, result.err
    assert "was taken as the example numbered i" in result.out
    written = pd.read_csv(root / "out" / "consensus.csv")
    expected = consensus(
        table, probs, columns=("image", "worker", "answer"), classes=["cat", "dog", "fox"]
    )
    assert written["example"].tolist() == list(range(60))
    np.testing.assert_allclose(written["quality"], expected.quality)


def test_error_names_without_classes(run, crowd_files, one_line_error):
    root, _ = crowd_files
    one_line_error(run(*_args(root, "--pred-probs", root / "probs.npy")), "--classes")


def _int_files(root, labels, header="cat,dog"):
    rows = "".join(f"{i},{w},{lab}\n" for i, w, lab in labels)
    (root / "i.csv").write_text("example,annotator,label\n" + rows)
    (root / "p.csv").write_text(f"{header}\n0.6,0.4\n0.3,0.7\n")
    return ("consensus", root / "i.csv", "--pred-probs", root / "p.csv", "--out", root / "o")


def test_integer_labels_are_columns_named_by_the_pred_probs_header(run, tmp_path):
    result = run(*_int_files(tmp_path, [(0, "a", 0), (1, "a", 1), (1, "b", 0)]))
    assert result.code == 0, result.err
    written = pd.read_csv(tmp_path / "o" / "consensus.csv")
    assert set(written["consensus_label"]) <= {"cat", "dog"}
    assert written["consensus_label"][0] == "cat"  # its only label, 0, is column "cat"


def test_error_integer_label_beyond_the_header(run, tmp_path, one_line_error):
    result = run(*_int_files(tmp_path, [(0, "a", 0), (1, "a", 5)]))
    one_line_error(result, "--label 'label' holds 5, not a column index 0..1", "cat, dog")


def test_error_integer_labels_and_a_digit_in_the_header(run, tmp_path, one_line_error):
    result = run(*_int_files(tmp_path, [(0, "a", 0), (1, "a", 1)], header="cat,1"))
    one_line_error(result, "names a column '1'", "pass --classes")


def test_error_output_would_overwrite_the_input(run, crowd_files, one_line_error):
    root, table = crowd_files
    (root / "out").mkdir()
    table.to_csv(root / "out" / "consensus.csv", index=False)
    args = [root / "out" / "consensus.csv" if a == root / "labels.csv" else a for a in _args(root)]
    one_line_error(run(*args, "--force"), "would overwrite the input", "choose another folder")
    pd.testing.assert_frame_equal(pd.read_csv(root / "out" / "consensus.csv"), table)
