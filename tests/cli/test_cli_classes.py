"""``--classes`` follows the API's ``classes=`` rule: labels are names, matched by value.

The type of the labels decides how they are read, never which values they happen to use.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import labelnoise
from labelnoise._errors import InputError


def test_integer_labels_with_classes_fail_as_in_the_api(files, run, one_line_error):
    """The issue: labels 1 and 2 only, --classes 1,2,3 (once read by name: 298 of 300)."""
    labels = np.where(files.labels == 0, 1, files.labels)  # uses only 1 and 2
    np.save(files.path("y12.npy"), labels)
    with pytest.raises(InputError, match=r"2 label value\(s\) are not in classes"):
        labelnoise.find_label_issues(labels, files.pred_probs, classes=["1", "2", "3"])
    result = run(*files.find("y12.npy", "pred_probs.npy", "--classes", "1,2,3"))
    one_line_error(
        result,
        "--labels",
        "y12.npy",
        "2 label value(s) are not in --classes",
        "matched to --classes by name",
        "drop --classes",
    )
    assert not files.path("issues.csv").exists()


@pytest.mark.parametrize("labels", ["labels.npy", "labels_pandas.csv"])
def test_integer_labels_never_switch_to_names(files, run, one_line_error, labels):
    """0..K-1 labels with --classes are refused too: no reading by position either."""
    result = run(*files.find(labels, "pred_probs.npy", "--classes", "cat,dog,fox"))
    one_line_error(result, "--labels", "not in --classes", "drop --classes")


def test_names_with_classes_match_the_api(files, run):
    result = run(
        *files.find("labels.csv", "pred_probs.npy", "--label-column", "animal"),
        "--classes",
        "fox,dog,cat",  # any order: the names decide
    )
    assert result.code == 0, result.err
    names = np.array(files.classes)[files.labels]
    # the columns are read as fox, dog, cat, as classes= would read them
    expected = labelnoise.find_label_issues(names, files.pred_probs, classes=["fox", "dog", "cat"])
    written = pd.read_csv(files.path("issues.csv"))
    assert written["index"].tolist() == expected.indices.tolist()
    assert written["given_label"].tolist() == names[expected.indices].tolist()
    assert (
        written["suggested_label"].tolist() == expected.suggested_labels[expected.indices].tolist()
    )


def test_unknown_name_is_named(files, run, one_line_error):
    result = run(
        *files.find("labels.csv", "pred_probs.npy", "--label-column", "animal"),
        "--classes",
        "cat,dog,owl",
    )
    one_line_error(result, "--labels", "not in classes", "'fox'", "Add them to --classes")


def test_header_names_show_integer_labels(files, run):
    """Integer labels with a pred_probs header of names stay indices, shown by name."""
    result = run(*files.find("labels.npy", "pred_probs.csv"))
    assert result.code == 0, result.err
    expected = labelnoise.find_label_issues(files.labels, files.pred_probs)
    written = pd.read_csv(files.path("issues.csv"))
    assert written["index"].tolist() == expected.indices.tolist()
    names = np.array(files.classes)
    assert written["given_label"].tolist() == names[files.labels[expected.indices]].tolist()


def test_header_names_check_integer_range(files, run, one_line_error):
    np.save(files.path("y5.npy"), np.where(files.labels == 0, 5, files.labels))
    result = run(*files.find("y5.npy", "pred_probs.csv"))
    one_line_error(result, "--labels", "y5.npy", "0..2")
