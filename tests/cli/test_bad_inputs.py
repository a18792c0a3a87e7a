"""A table of bad, odd and hostile inputs, each fed through the Python API and the CLI.

The API must raise the named error type with a message that says what is wrong; the
command line must exit with status 2 and print one line (no traceback), and neither an
output file nor a temporary file may be left behind. A few rows are command-line only
(the API reads no CSV, text or image lists): their ``api`` is None and the table says
why. Valid but hostile inputs (class names with ``$`` or ``=``) must succeed: last test.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import labelnoise
from labelnoise._errors import InputError, InputTypeError
from labelnoise.report import render_report

OUT = {"find": "issues.csv", "report": "report.html", "simulate": "noisy.csv", "audit": "audit"}


@dataclass(frozen=True)
class Bad:
    """One bad input: the command line and what it must say, the API call and its error."""

    command: str
    args: tuple[Any, ...]
    says: tuple[str, ...]
    api: Callable[[], object] | None = None
    error: type[Exception] = InputError
    match: str = ""
    why_no_api: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _find(files, labels: Any = "labels.npy", pred_probs: Any = "pred_probs.npy", *extra: Any):
    labels = labels if isinstance(labels, Path) else files.path(labels)
    pred_probs = pred_probs if isinstance(pred_probs, Path) else files.path(pred_probs)
    return ("--labels", labels, "--pred-probs", pred_probs, *extra)


def _api(labels: Any, pred_probs: Any, **options: Any) -> Callable[[], object]:
    return lambda: labelnoise.find_label_issues(labels, pred_probs, **options)


# -------------------------------------------------------------- the table of bad inputs


def empty_file(f):
    path = f.write("empty.csv", b"")
    return Bad(
        "find",
        _find(f, path),
        ("empty.csv", "could not read"),
        _api([], f.pred_probs),
        match="got 0 examples",
    )


def header_only_csv(f):
    path = f.write("head.csv", "label\n")
    return Bad(
        "find",
        _find(f, path),
        ("head.csv", "no rows", "header"),
        _api(np.array([], dtype=int), f.pred_probs),
        match="got 0 examples",
    )


def labels_2d(f):
    path = f.write("y2.npy", np.stack([f.labels, f.labels], axis=1))
    return Bad(
        "find",
        _find(f, path),
        ("y2.npy", "1-D"),
        _api(np.stack([f.labels, f.labels], axis=1), f.pred_probs),
        match="1-D array",
    )


def labels_table_two_columns(f):
    path = f.write("two.csv", pd.DataFrame({"a": f.labels, "b": f.labels}))
    return Bad(
        "find",
        _find(f, path),
        ("two.csv", "2 columns", "--label-column"),
        _api(np.stack([f.labels, f.labels], axis=1), f.pred_probs),
        match="1-D array",
    )


def pred_probs_1d(f):
    path = f.write("p1.npy", f.pred_probs[:, 0])
    return Bad(
        "find",
        _find(f, "labels.npy", path),
        ("p1.npy", "2-D"),
        _api(f.labels, f.pred_probs[:, 0]),
        match="2-D array",
    )


def pred_probs_3d(f):
    cube = f.pred_probs[:, :, None]
    path = f.write("p3.npy", cube)
    return Bad(
        "find",
        _find(f, "labels.npy", path),
        ("p3.npy", "2-D"),
        _api(f.labels, cube),
        match="2-D array",
    )


def nan_probabilities(f):
    p = f.pred_probs.copy()
    p[7, 1] = np.nan
    path = f.write("nan.npy", p)
    return Bad(
        "find",
        _find(f, "labels.npy", path),
        ("nan.npy", "NaN"),
        _api(f.labels, p),
        match="NaN or infinite",
    )


def inf_probabilities(f):
    p = f.pred_probs.copy()
    p[3, 0] = np.inf
    path = f.write("inf.csv", pd.DataFrame(p, columns=["cat", "dog", "fox"]))
    return Bad(
        "find",
        _find(f, "labels.npy", path),
        ("inf.csv", "NaN or infinite"),
        _api(f.labels, p),
        match="NaN or infinite",
    )


def rows_not_summing_to_one(f):
    p = f.pred_probs * 0.7
    path = f.write("half.npy", p)
    return Bad(
        "find",
        _find(f, "labels.npy", path),
        ("half.npy", "sum to 1", "--normalize"),
        _api(f.labels, p),
        match="normalize=True",
    )


def logits(f):
    p = np.log(f.pred_probs)
    path = f.write("logits.npy", p)
    return Bad(
        "find",
        _find(f, "labels.npy", path),
        ("logits.npy", "softmax"),
        _api(f.labels, p),
        match="softmax",
    )


def too_few_classes(f):
    p = np.ones((f.labels.size, 1))
    path = f.write("one.npy", p)
    return Bad(
        "find",
        _find(f, "labels.npy", path),
        ("one.npy", "at least 2 columns"),
        _api(np.zeros(f.labels.size, int), p),
        match="at least 2 columns",
    )


def no_rows(f):
    p = np.empty((0, 3))
    path = f.write("none.npy", p)
    return Bad(
        "find",
        _find(f, "labels.npy", path),
        ("none.npy", "0 rows"),
        _api(f.labels, p),
        match="0 rows",
    )


def labels_out_of_range(f):
    y = np.where(f.labels == 0, 7, f.labels)
    path = f.write("y7.npy", y)
    return Bad("find", _find(f, path), ("y7.npy", "0..2"), _api(y, f.pred_probs), match=r"0\.\.2")


def negative_labels(f):
    y = np.where(f.labels == 0, -1, f.labels)
    path = f.write("yneg.csv", pd.DataFrame({"y": y}))
    return Bad("find", _find(f, path), ("yneg.csv", "0..2"), _api(y, f.pred_probs), match=r"0\.\.2")


def float_labels(f):
    y = f.labels + 0.5
    path = f.write("yf.npy", y)
    return Bad(
        "find",
        _find(f, path),
        ("yf.npy", "non-integral"),
        _api(y, f.pred_probs),
        match="non-integral floats",
    )


def nan_labels(f):
    y = f.labels.astype(float)
    y[4] = np.nan
    path = f.write("ynan.csv", pd.DataFrame({"y": y}))
    return Bad(
        "find",
        _find(f, path),
        ("ynan.csv", "1 empty value", "row 4"),
        _api(y, f.pred_probs),
        match="NaN or infinite",
    )


def mismatched_lengths(f):
    path = f.write("short.npy", f.labels[:-5])
    return Bad(
        "find",
        _find(f, path),
        ("short.npy", "295", "300"),
        _api(f.labels[:-5], f.pred_probs),
        match="295 entries but pred_probs has 300",
    )


def off_by_one_header(f):
    return Bad(
        "find",
        _find(f, "labels_plain.csv"),
        ("labels_plain.csv", "--no-header"),
        _api(f.labels[1:], f.pred_probs),
        match="299 entries but pred_probs has 300",
    )


def extra_row_with_no_header(f):
    return Bad(
        "find",
        _find(f, "labels_pandas.csv", "pred_probs.npy", "--no-header"),
        ("labels_pandas.csv", "one more", "drop --no-header"),
        _api(np.r_[0, f.labels], f.pred_probs),
        match="301 entries",
    )


def non_utf8_bytes(f):
    path = f.write("latin.csv", b"label\n" + b"caf\xe9\n" * f.labels.size)
    names = np.array(["caf\xe9"] * f.labels.size)  # what a Latin-1 reader would give
    return Bad(
        "find",
        _find(f, path),
        ("latin.csv", "not UTF-8", "0xe9"),
        _api(names, f.pred_probs),
        error=InputTypeError,
        match="integer class indices",
    )


def directory_instead_of_file(f):
    folder = f.path("probs.npy")
    folder.mkdir()
    return Bad(
        "find",
        _find(f, "labels.npy", folder),
        ("--pred-probs", "is a directory"),
        _api(f.labels, folder),
        match="does not exist",
    )


def missing_file(f):
    gone = f.path("gone.npy")
    return Bad(
        "find",
        _find(f, "labels.npy", gone),
        ("--pred-probs", "does not exist"),
        _api(f.labels, gone),
        match="does not exist",
    )


def duplicate_column_names(f):
    text = "cat,cat,fox\n" + "".join(",".join(map(str, row)) + "\n" for row in f.pred_probs)
    path = f.write("dup.csv", text)
    return Bad(
        "find",
        _find(f, "labels.npy", path),
        ("dup.csv", "'cat' appears more than once"),
        _api(np.array(["cat"] * f.labels.size), f.pred_probs, classes=["cat", "cat", "fox"]),
        match="must be unique",
    )


def object_npy(f):
    objects = np.array([{"a": 1}] * f.labels.size, dtype=object)
    path = f.write("obj.npy", objects)
    return Bad(
        "find",
        _find(f, "labels.npy", path),
        ("obj.npy", "could not read"),
        _api(f.labels, path),
        match="could not read",
    )


def pickle_as_npy(f):
    path = f.write("pickle.npy", pickle.dumps(f.pred_probs))
    return Bad(
        "find",
        _find(f, "labels.npy", path),
        ("pickle.npy", "could not read"),
        _api(f.labels, path),
        match="could not read",
    )


def text_probabilities(f):
    frame = pd.DataFrame(f.pred_probs, columns=["cat", "dog", "fox"]).astype(str)
    frame["dog"] = "high"
    path = f.write("words.csv", frame)
    return Bad(
        "find",
        _find(f, "labels.npy", path),
        ("words.csv", "dog", "not numeric"),
        _api(f.labels, frame.to_numpy()),
        error=InputTypeError,
        match="numeric",
    )


def wrong_number_of_classes(f):
    return Bad(
        "find",
        _find(
            f, "labels.csv", "pred_probs.npy", "--label-column", "animal", "--classes", "cat,dog"
        ),
        ("--classes", "3"),
        _api(np.array(["cat"] * f.labels.size), f.pred_probs, classes=["cat", "dog"]),
        match="one name per column",
    )


def integer_labels_with_classes(f):
    return Bad(
        "find",
        _find(f, "labels.npy", "pred_probs.npy", "--classes", "1,2,3"),
        ("--labels", "not in --classes", "drop --classes"),
        _api(f.labels, f.pred_probs, classes=["1", "2", "3"]),
        match="not in classes",
    )


def hostile_names_missing_from_classes(f):
    odd = np.array(["price $^$", '=HYPERLINK("http://x")', "@SUM(1)"], dtype=object)
    y = odd[f.labels]
    path = f.write("odd.csv", pd.DataFrame({"y": y}))
    classes = 'price $^$,=HYPERLINK("http://x"),@OTHER'
    return Bad(
        "find",
        _find(f, path, "pred_probs.npy", "--classes", classes),
        ("odd.csv", "'@SUM(1)'", "not in classes"),
        _api(y, f.pred_probs, classes=classes.split(",")),
        match=r"'@SUM\(1\)'",
    )


def image_path_traversal(f):
    listing = f.write("imgs.txt", "path\n" + "../../etc/passwd\n" * f.labels.size)
    return Bad(
        "report",
        (*_find(f), "--images", listing),
        ("imgs.txt", "outside the image root", "--allow-any-image-path"),
        why_no_api="the API takes image paths from the calling code, not a list file",
    )


def image_absolute_path(f):
    listing = f.write("abs.txt", "path\n" + "/etc/hostname\n" * f.labels.size)
    return Bad(
        "report",
        (*_find(f), "--images", listing),
        ("abs.txt", "outside the image root", "'/etc/hostname'"),
        why_no_api="the API takes image paths from the calling code, not a list file",
    )


def image_count(f):
    pixels = np.zeros((10, 8, 8), np.uint8)
    path = f.write("few.npy", pixels)
    return Bad(
        "report",
        (*_find(f), "--images", path),
        ("few.npy", "10", "300"),
        lambda: render_report(f.labels, f.pred_probs, images=pixels),
        match="has 10 entries",
    )


def object_images(f):
    pixels = np.empty((f.labels.size, 2, 2), dtype=object)
    path = f.write("objimg.npy", pixels)
    return Bad(
        "report",
        (*_find(f), "--images", path),
        ("objimg.npy", "could not read"),
        lambda: render_report(f.labels, f.pred_probs, images=pixels),
        error=InputError,
        match="numeric pixel array",
    )


def texts_not_utf8(f):
    path = f.write("texts.txt", b"text\n" + b"\xff\xfe\n" * f.labels.size)
    return Bad(
        "report",
        (*_find(f), "--texts", path),
        ("texts.txt", "not UTF-8"),
        why_no_api="the API takes texts as Python strings",
    )


def simulate_negative_labels(f):
    y = np.where(f.labels == 0, -2, f.labels)
    path = f.write("sneg.npy", y)
    return Bad(
        "simulate",
        ("--labels", path, "--kind", "symmetric", "--noise-rate", "0.2", "--seed", "0"),
        ("--labels", "sneg.npy"),
        lambda: labelnoise.simulate.symmetric(y, noise_rate=0.2, random_state=0),
        match="labels",
    )


def audit_header_only(f):
    path = f.write("table.csv", "x,y\n")
    return Bad(
        "audit",
        (path, "--label", "y"),
        ("table.csv", "no rows"),
        _api(np.array([], dtype=int), f.pred_probs),
        match="got 0 examples",
    )


CASES = [
    empty_file, header_only_csv, labels_2d, labels_table_two_columns, pred_probs_1d,
    pred_probs_3d, nan_probabilities, inf_probabilities, rows_not_summing_to_one, logits,
    too_few_classes, no_rows, labels_out_of_range, negative_labels, float_labels, nan_labels,
    mismatched_lengths, off_by_one_header, extra_row_with_no_header, non_utf8_bytes,
    directory_instead_of_file, missing_file, duplicate_column_names, object_npy,
    pickle_as_npy, text_probabilities, wrong_number_of_classes, integer_labels_with_classes,
    hostile_names_missing_from_classes, image_path_traversal, image_absolute_path,
    image_count, object_images, texts_not_utf8, simulate_negative_labels, audit_header_only,
]  # fmt: skip


def _no_leftovers(root: Path, out: Path) -> None:
    assert not out.exists(), f"{out} was written"
    temps = [p for p in root.rglob("*") if p.name.endswith(".tmp")]
    assert not temps, temps


@pytest.mark.parametrize("build", CASES, ids=[case.__name__ for case in CASES])
def test_api_names_the_error(files, build):
    bad = build(files)
    if bad.api is None:
        assert bad.why_no_api, "a command-line-only row must say why"
        pytest.skip(bad.why_no_api)
    with pytest.raises(bad.error, match=bad.match):
        bad.api()


@pytest.mark.parametrize("build", CASES, ids=[case.__name__ for case in CASES])
def test_cli_one_line_exit_2_nothing_written(files, run, one_line_error, build):
    bad = build(files)
    out = files.path(OUT[bad.command])
    result = run(bad.command, *bad.args, "--out", out)
    one_line_error(result, *bad.says)
    _no_leftovers(files.root, out)


def test_the_table_is_large_enough():
    assert len(CASES) >= 25


# -------------------------------------------------------------- odd but valid inputs

ODD = ["price $^$", '=HYPERLINK("http://evil")', "-1"]  # no commas: --classes splits on them


@pytest.mark.parametrize("command", ["find", "report"])
def test_hostile_class_names_succeed(files, run, command):
    names = np.array(ODD, dtype=object)
    files.write("odd.csv", pd.DataFrame({"y": names[files.labels]}))
    out = files.path(OUT[command])
    result = run(
        command, *_find(files, "odd.csv", "pred_probs.npy", "--classes", ",".join(ODD)),
        "--out", out,
    )  # fmt: skip
    assert result.code == 0, result.err
    expected = labelnoise.find_label_issues(names[files.labels], files.pred_probs, classes=names)
    if command == "find":
        written = pd.read_csv(out, keep_default_na=False)
        assert written["index"].tolist() == expected.indices.tolist()
        assert set(written["given_label"]) <= {"price $^$", "'" + ODD[1], "'-1"}
    else:
        assert "price $^$" in out.read_text()
    _no_leftovers(files.root, files.path("nothing"))


MARKUP = ["[/]", "[bold red]x", "$y$"]  # rich markup and TeX in class names and paths


@pytest.mark.parametrize("command", ["find", "report", "simulate"])
def test_markup_in_names_and_paths_is_printed_literally(files, run, command):
    names = np.array(MARKUP, dtype=object)
    files.write("odd.csv", pd.DataFrame({"y": names[files.labels]}))
    out = files.path(f"out[/]{Path(OUT[command]).suffix}")
    if command == "simulate":
        args = ("--labels", files.path("odd.csv"), "--kind", "pairflip", "--noise-rate", "0.3")
        args = (*args, "--seed", "0")
    else:
        args = _find(files, "odd.csv", "pred_probs.npy", "--classes", ",".join(MARKUP))
    result = run(command, *args, "--out", out)
    assert result.code == 0, result.err
    assert out.exists() and str(out) in " ".join(result.out.split()).replace("\n", "")
    assert "[bold red]x" in result.out  # in the class table or the transition matrix
