"""Every bad input ends with exit status 2 and one line naming the file/option and the fix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def test_missing_file(files, run, one_line_error):
    result = run(*files.find(pred_probs="nothere.npy"))
    one_line_error(result, "--pred-probs", "nothere.npy", "does not exist")


def test_unknown_method(files, run, one_line_error):
    result = run(*files.find(), "--method", "magic")
    one_line_error(result, "--method", "'magic' is not one of", "labelnoise find --help")


def test_unknown_option(run, one_line_error):
    one_line_error(run("find", "--frobnicate"), "--frobnicate")


def test_unknown_command(run, one_line_error):
    one_line_error(run("frobnicate"), "frobnicate")


def test_rows_not_summing_to_one(files, run, one_line_error):
    name = files.write("bad.npy", files.pred_probs * 0.5)
    result = run(*files.find(pred_probs=name))
    one_line_error(result, "--pred-probs", "bad.npy", "sum to 1", "pass --normalize")


def test_logits_instead_of_probabilities(files, run, one_line_error):
    name = files.write("logits.npy", np.log(files.pred_probs))
    result = run(*files.find(pred_probs=name))
    one_line_error(result, "--pred-probs", "logits.npy", "softmax")


def test_label_out_of_range(files, run, one_line_error):
    name = files.write("labels7.npy", np.where(files.labels == 0, 7, files.labels))
    result = run(*files.find(labels=name))
    one_line_error(result, "--labels", "labels7.npy", "0..2")


def test_length_mismatch(files, run, one_line_error):
    name = files.write("short.npy", files.labels[:-5])
    one_line_error(run(*files.find(labels=name)), "--labels", "295", "300")


def test_label_column_needed(files, run, one_line_error):
    result = run(*files.find("labels.csv", "pred_probs.csv"))
    one_line_error(result, "labels.csv", "2 columns", "--label-column")


def test_label_column_missing(files, run, one_line_error):
    result = run(*files.find("labels.csv", "pred_probs.csv"), "--label-column", "kind")
    one_line_error(result, "labels.csv", "no column 'kind'", "id, animal")


def test_empty_labels(files, run, one_line_error):
    frame = pd.DataFrame({"animal": ["cat"] * 299 + [None]})
    name = files.write("holes.csv", frame)
    result = run(*files.find(name, "pred_probs.csv"))
    one_line_error(result, "holes.csv", "1 empty value", "row 299")


def test_names_need_classes(files, run, one_line_error):
    result = run(*files.find("labels.csv", "pred_probs.npy"), "--label-column", "animal")
    one_line_error(result, "--labels", "labels.csv", "--classes")


def test_wrong_number_of_classes(files, run, one_line_error):
    result = run(*files.find(), "--classes", "cat,dog")
    one_line_error(result, "--classes", "3")


def test_unsupported_suffix(files, run, one_line_error):
    name = files.write("labels.json", b"[0, 1]")
    one_line_error(run(*files.find(labels=name)), "labels.json", ".npy, .csv")


def test_corrupt_npy(files, run, one_line_error):
    name = files.write("broken.npy", b"this is not numpy")
    one_line_error(run(*files.find(pred_probs=name)), "--pred-probs", "broken.npy")


def test_corrupt_parquet(files, run, one_line_error):
    name = files.write("broken.parquet", b"PAR1 garbage")
    one_line_error(run(*files.find(pred_probs=name)), "--pred-probs", "broken.parquet")


def test_object_npy_refused(files, run, one_line_error):
    path = files.path("objects.npy")
    np.save(path, np.array(["a", None], dtype=object), allow_pickle=True)
    one_line_error(run(*files.find(labels="objects.npy")), "--labels", "objects.npy")


def test_non_numeric_probability_column(files, run, one_line_error):
    frame = pd.DataFrame(files.pred_probs, columns=["cat", "dog", "fox"]).assign(note="x")
    name = files.write("mixed.csv", frame)
    one_line_error(run(*files.find(pred_probs=name)), "mixed.csv", "note")


def test_empty_table(files, run, one_line_error):
    name = files.write("empty.csv", b"label\n")
    one_line_error(run(*files.find(labels=name)), "empty.csv", "no rows")


def test_output_exists(files, run, one_line_error):
    files.path("issues.csv").write_text("keep me")
    result = run(*files.find())
    one_line_error(result, "--out", "issues.csv", "already exists", "--force")
    assert files.path("issues.csv").read_text() == "keep me"


def test_output_is_an_input_even_with_force(files, run, one_line_error):
    args = (
        "find",
        "--labels",
        files.path("labels.npy"),
        "--pred-probs",
        files.path("pred_probs.npy"),
        "--out",
        files.path("labels.npy"),
        "--force",
    )
    before = files.path("labels.npy").read_bytes()
    one_line_error(run(*args), "also an input")
    assert files.path("labels.npy").read_bytes() == before


def test_report_image_count(files, run, one_line_error):
    name = files.write("few.npy", np.zeros((10, 8, 8), np.uint8))
    result = run(*files.report("--images", files.path(name), out="r.html"))
    one_line_error(result, "--images", "few.npy", "10", "300")
    assert not files.path("r.html").exists()


def test_report_image_shape(files, run, one_line_error):
    name = files.write("flat.npy", np.zeros((300, 64), np.uint8))
    result = run(*files.report("--images", files.path(name), out="r.html"))
    one_line_error(result, "--images", "flat.npy", "(n, H, W)")


def test_debug_shows_traceback(files, run):
    name = files.write("bad.npy", files.pred_probs * 0.5)
    result = run(*files.find(pred_probs=name), "--debug")
    assert result.code == 2
    assert "Traceback" in result.err
    assert result.err.strip().splitlines()[-1].startswith("labelnoise: error: ")


@pytest.mark.parametrize("where", ["group", "command"])
def test_debug_flag_accepted_anywhere(files, run, where):
    args = list(files.find())
    args = ["--debug", *args] if where == "group" else [*args, "--debug"]
    assert run(*args).code == 0


def test_unknown_kernels_setting(files, run, one_line_error, monkeypatch):
    """The compiled-loops switch comes from the environment; a bad value is bad input."""
    monkeypatch.setenv("LABELNOISE_KERNELS", "fastest")
    result = run(*files.find())
    one_line_error(result, "LABELNOISE_KERNELS", "'fastest'", "'auto', 'numpy', 'numba'")
