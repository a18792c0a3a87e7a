"""One ``pytest.raises(..., match=...)`` per error message of the multilabel functions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from labelnoise import InputError, InputTypeError
from labelnoise.multilabel import (
    estimate_noise,
    find_label_issues,
    label_quality_scores,
    tag_quality_scores,
)

PROBS = np.array([[0.9, 0.1, 0.2], [0.2, 0.8, 0.1], [0.7, 0.6, 0.9]])
TAGS = [[0], [1], [0, 2]]


@pytest.mark.parametrize(
    ("labels", "error", "match"),
    [
        ("0;1", InputTypeError, "one collection of tags per example"),
        (5, InputTypeError, "one collection of tags per example"),
        ([[0], "1;2", [2]], InputTypeError, r"labels\[1\] is a string"),
        ([[0], 1, [2]], InputTypeError, r"labels\[1\] is 1, not a collection"),
        ([[0], [1.5], [2]], InputTypeError, "must be integer column indices"),
        ([[0], [True], [2]], InputTypeError, "must be integer column indices"),
        ([[0], [3], [2]], InputError, "outside 0..2"),
        ([[0], [1, 1], [2]], InputError, "repeats a tag"),
        ([[0], [1]], InputError, "has 2 examples but pred_probs has 3 rows"),
        ([], InputError, "got 0 examples"),
        (np.ones((3, 2)), InputError, "has 2 columns but pred_probs has 3"),
        (np.full((3, 3), 2), InputError, "only 0 and 1"),
        (np.full((3, 3), "a"), InputTypeError, "indicator matrix, but it has dtype"),
        (np.ones((3, 3, 1)), InputError, "got an array of shape"),
    ],
)
def test_bad_labels(labels, error, match):
    with pytest.raises(error, match=match):
        find_label_issues(labels, PROBS)


@pytest.mark.parametrize("bad", ["cat", ["a"], np.array(["a"])])
def test_unknown_name(bad):
    with pytest.raises(InputError, match=r"labels\[1\] holds .*which is not a tag name given"):
        find_label_issues([["a"], [bad], ["c"]], PROBS, classes=["a", "b", "c"])


def test_bool_tags_with_classes():
    with pytest.raises(InputTypeError, match=r"labels\[0\] holds True, a bool, not a tag"):
        find_label_issues([[True, False], [0], [2]], PROBS, classes=[0, 1, 2])


@pytest.mark.parametrize(
    ("classes", "match"),
    [(["a", "b"], "one name per column"), (["a", "a", "b"], "must be unique")],
)
def test_bad_classes(classes, match):
    with pytest.raises(InputError, match=match):
        find_label_issues(TAGS, PROBS, classes=classes)


@pytest.mark.parametrize(
    ("probs", "error", "match"),
    [
        (np.array([["a", "b", "c"]] * 3), InputTypeError, "numeric"),
        (np.ones(3), InputError, "2-D array"),
        (np.full((3, 3), np.nan), InputError, "NaN"),
        (np.full((3, 3), 2.0), InputError, "apply a sigmoid"),
    ],
)
def test_bad_pred_probs(probs, error, match):
    with pytest.raises(error, match=match):
        find_label_issues(TAGS, probs)


def test_float16_rounding_is_accepted():
    probs = PROBS.astype(np.float16)
    probs[0, 0] = np.float16(1.00005)
    assert find_label_issues(TAGS, probs).scores.dtype == np.float64


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"method": "nope"}, "'method' parameter of find_label_issues must be one of"),
        ({"rank_by": "nope"}, "'rank_by' parameter of find_label_issues must be one of"),
        ({"aggregation": "max"}, "'aggregation' parameter"),
        ({"alpha": 1.5}, r"'alpha' parameter of find_label_issues must be a float in \[0, 1"),
        ({"temperature": -1}, "'temperature' parameter of find_label_issues must be a float >= 0"),
        ({"frac_noise": 2.0}, "'frac_noise' parameter"),
        ({"min_examples_per_class": -1}, "'min_examples_per_class' parameter"),
        ({"adjust_pred_probs": "yes"}, "'adjust_pred_probs' parameter"),
        (
            {"adjust_pred_probs": True, "rank_by": "confidence_weighted_entropy"},
            "not supported with confidence_weighted_entropy",
        ),
        ({"num_to_remove_per_class": [1, 2]}, "expected 3 non-negative integers"),
        (
            {"num_to_remove_per_class": [1, 2, 3], "method": "confident_learning"},
            "only supported with method in",
        ),
    ],
)
def test_bad_options(kwargs, match):
    with pytest.raises(InputError, match=match):
        find_label_issues(TAGS, PROBS, **kwargs)


def test_other_functions_validate():
    with pytest.raises(InputError, match="'method' parameter of label_quality_scores"):
        label_quality_scores(TAGS, PROBS, method="nope")
    with pytest.raises(InputError, match="'method' parameter of tag_quality_scores"):
        tag_quality_scores(TAGS, PROBS, method="nope")
    with pytest.raises(InputError, match=r"outside 0\.\.2"):
        estimate_noise([[0], [5], [1]], PROBS)


@pytest.mark.parametrize(
    ("labels", "probs"),
    [
        ([[1, 0], [0, 1], [1, 0]], PROBS[:, :2]),  # indicator rows written as lists, K=2
        ([[0], [0], [0]], PROBS[:, :1]),  # K=1
    ],
)
def test_indicator_rows_as_lists_are_refused(labels, probs):
    """With K <= 2, a list of K 0/1 values per row reads both ways: refuse, don't guess."""
    with pytest.raises(InputError, match=r"like the rows of a 0/1 indicator matrix"):
        find_label_issues(labels, probs)
    as_matrix = find_label_issues(np.asarray(labels), probs)  # the suggested fix works
    assert as_matrix.given_labels.sum() == np.asarray(labels).sum()


def test_indicator_rows_as_lists_hint_with_more_tags():
    with pytest.raises(InputError, match=r"repeats a tag.*pass np\.asarray\(labels\)"):
        find_label_issues([[1, 0, 1], [0, 1, 0], [1, 1, 0]], PROBS)


def test_softmax_rows_warn():
    softmax = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]])
    with pytest.warns(UserWarning, match="every row sums to 1, like the softmax output"):
        find_label_issues(TAGS, softmax)
    with pytest.warns(UserWarning, match="every row sums to 1"):
        estimate_noise(TAGS, softmax)


def test_frame_columns_must_follow_classes():
    names = ["a", "b", "c"]
    frame = pd.DataFrame(np.eye(3, dtype=int), columns=["b", "a", "c"])
    with pytest.raises(InputError, match=r"labels: the DataFrame's columns \['b', 'a', 'c'\]"):
        find_label_issues(frame, PROBS, classes=names)
    ok = find_label_issues(frame[names], PROBS, classes=names)
    np.testing.assert_array_equal(ok.given_labels, frame[names].to_numpy().astype(bool))
    probs = pd.DataFrame(PROBS, columns=["c", "b", "a"])
    with pytest.raises(InputError, match=r"pred_probs: the DataFrame's columns"):
        find_label_issues(TAGS, probs, classes=names)
