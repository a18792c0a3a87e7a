"""One ``pytest.raises(..., match=...)`` per error message of the public boundary.

Messages come from ``_validation.py`` (labels, integer codes, pred_probs, classes,
features, options), ``detect/_find.py`` (num_to_remove_per_class, frac_noise) and
``scores/_scores.py``.
Problem-level errors are checked through all three public functions: each validates.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from labelnoise import (
    InputError,
    InputTypeError,
    estimate_noise,
    find_label_issues,
    label_quality_scores,
)
from labelnoise._validation import check_codes, check_features

PUBLIC = [
    pytest.param(find_label_issues, id="find_label_issues"),
    pytest.param(estimate_noise, id="estimate_noise"),
    pytest.param(label_quality_scores, id="label_quality_scores"),
]
LABELS = np.array([0, 1, 2, 1, 0])
PROBS = np.array(
    [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6], [0.3, 0.6, 0.1], [0.5, 0.25, 0.25]]
)


def _raises(error, argument: str, pattern: str):
    """pytest.raises that also checks the error names the offending argument, first: as
    ``"argument: ..."`` or as ``"The 'argument' parameter ..."``."""
    named = re.escape(argument)
    return pytest.raises(error, match=rf"^(?:{named}: |(?=The '{named}' parameter)).*{pattern}")


# --------------------------------------------------------------------------------------------
# labels
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("func", PUBLIC)
def test_labels_wrong_ndim(func):
    with _raises(InputError, "labels", r"expected a 1-D array of shape \(n,\), got shape \(5, 1\)"):
        func(LABELS.reshape(-1, 1), PROBS)


@pytest.mark.parametrize("func", PUBLIC)
def test_labels_scalar(func):
    with _raises(InputError, "labels", r"expected a 1-D array .*got shape \(\)"):
        func(1, PROBS)


@pytest.mark.parametrize("func", PUBLIC)
def test_labels_length_mismatch(func):
    with _raises(InputError, "labels", "has 4 entries but pred_probs has 5 rows"):
        func(LABELS[:4], PROBS)


@pytest.mark.parametrize("func", PUBLIC)
def test_labels_empty(func):
    with _raises(InputError, "labels", "got 0 examples"):
        func([], PROBS)


@pytest.mark.parametrize("func", PUBLIC)
def test_labels_strings_without_classes(func):
    with _raises(InputTypeError, "labels", "expected integer class indices 0..2, got dtype"):
        func(["a", "b", "c", "b", "a"], PROBS)


@pytest.mark.parametrize("func", PUBLIC)
def test_labels_object_dtype(func):
    labels = np.array([0, 1, 2, 1, None], dtype=object)
    with pytest.raises(TypeError, match="pass classes="):
        func(labels, PROBS)


@pytest.mark.parametrize("func", PUBLIC)
@pytest.mark.parametrize(
    "labels",
    [
        pytest.param(np.array([b"caf\xe9", b"x", b"x", b"y", b"x"]), id="bytes-not-utf8"),
        pytest.param(np.array([b"cat", b"dog", b"emu", b"dog", b"cat"]), id="bytes"),
        pytest.param(np.array([b"caf\xe9", 1, 2, 1, 0], dtype=object), id="object-with-bytes"),
    ],
)
def test_labels_bytes_without_classes(func, labels):
    """Bytes labels (any encoding) get the package's error, never a UnicodeDecodeError."""
    with _raises(InputTypeError, "labels", r"values such as \[.*b'.*\]\); decode the bytes first"):
        func(labels, PROBS)


@pytest.mark.parametrize("func", PUBLIC)
def test_labels_ragged(func):
    with _raises(InputTypeError, "labels", "could not be converted to a numpy array"):
        func([[0], [1, 2], [0], [1], [2]], PROBS)


@pytest.mark.parametrize("func", PUBLIC)
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_labels_nan_or_inf(func, bad):
    labels = LABELS.astype(float)
    labels[2] = bad
    with _raises(InputError, "labels", "contain NaN or infinite values"):
        func(labels, PROBS)


@pytest.mark.parametrize("func", PUBLIC)
def test_labels_non_integral_floats(func):
    with _raises(InputError, "labels", r"non-integral floats such as \[0.5\]"):
        func([0.0, 1.0, 0.5, 1.0, 2.0], PROBS)


@pytest.mark.parametrize("func", PUBLIC)
@pytest.mark.parametrize("bad", [-1, 3, 10])
def test_labels_out_of_range(func, bad):
    labels = LABELS.copy()
    labels[1] = bad
    with _raises(InputError, "labels", rf"class indices in 0..2 .*values such as \[{bad}\]"):
        func(labels, PROBS)


# --------------------------------------------------------------------------------------------
# classes
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("func", PUBLIC)
def test_unknown_class_names(func):
    names = ["cat", "dog", "emu", "dog", "yak"]
    with _raises(InputError, "labels", r"1 label value\(s\) are not in classes: \['yak'\]"):
        func(names, PROBS, classes=["cat", "dog", "emu"])


@pytest.mark.parametrize("func", PUBLIC)
@pytest.mark.parametrize("classes", [["cat", "dog"], ["cat", "dog", "emu", "fox"]])
def test_classes_wrong_length(func, classes):
    with _raises(InputError, "classes", r"expected one name per column of pred_probs \(3\)"):
        func(["cat", "dog", "cat", "dog", "cat"], PROBS, classes=classes)


@pytest.mark.parametrize("func", PUBLIC)
def test_classes_duplicates(func):
    with _raises(InputError, "classes", "class names must be unique"):
        func(["cat", "dog", "cat", "dog", "cat"], PROBS, classes=["cat", "dog", "cat"])


@pytest.mark.parametrize("func", PUBLIC)
def test_classes_wrong_ndim(func):
    with _raises(InputError, "classes", "expected a 1-D sequence of class names"):
        func(LABELS, PROBS, classes=[["a", "b", "c"]])


@pytest.mark.parametrize("func", PUBLIC)
def test_classes_may_not_be_none(func):
    with _raises(InputError, "classes", r"class names must not be None .*\[None, 1, 2\]"):
        func([None, 1, 2, 1, None], PROBS, classes=[None, 1, 2])


@pytest.mark.parametrize("func", PUBLIC)
def test_labels_with_none_and_class_names(func):
    labels = np.array(["a", "b", None, "b", "a"], dtype=object)
    with _raises(InputTypeError, "labels", r"contain None \(missing labels\); drop or fill"):
        func(labels, PROBS, classes=["a", "b", "c"])


@pytest.mark.parametrize("func", PUBLIC)
def test_labels_of_mixed_types_with_class_names(func):
    labels = np.array(["a", 1, "c", 1, "a"], dtype=object)
    with _raises(InputTypeError, "labels", r"mix value types that cannot be compared \(int, str"):
        func(labels, PROBS, classes=["a", "b", "c"])


# --------------------------------------------------------------------------------------------
# bool labels: a two-class problem, False = 0 and True = 1
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("func", PUBLIC)
def test_bool_labels_are_two_classes(func):
    labels = np.array([True, False, True, True, False])
    pp = np.array([[0.2, 0.8], [0.9, 0.1], [0.3, 0.7], [0.6, 0.4], [0.7, 0.3]])
    expected, result = func(labels.astype(int), pp), func(labels, pp)
    field = {"find_label_issues": "mask", "estimate_noise": "joint"}.get(func.__name__)
    if field is not None:
        expected, result = getattr(expected, field), getattr(result, field)
    np.testing.assert_array_equal(result, expected)


@pytest.mark.parametrize("func", PUBLIC)
def test_bool_labels_need_two_columns(func):
    labels = np.array([True, False, True, True, False])
    with _raises(InputError, "labels", r"are bools, .*two-class problem .* pred_probs has 3 col"):
        func(labels, PROBS)


# --------------------------------------------------------------------------------------------
# bool options: a real bool, never read by truthiness
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["no", "False", 0, 1, None, [True]])
def test_calibrate_must_be_a_bool(bad):
    with _raises(
        InputTypeError,
        "calibrate",
        r"The 'calibrate' parameter of estimate_noise must be one of \{False, True\}",
    ):
        estimate_noise(LABELS, PROBS, calibrate=bad)


@pytest.mark.parametrize("func", PUBLIC)
@pytest.mark.parametrize("bad", ["no", 1, None])
def test_normalize_must_be_a_bool(func, bad):
    with _raises(InputTypeError, "normalize", r"parameter.* must be one of \{False, True\}"):
        func(LABELS, PROBS, normalize=bad)


@pytest.mark.parametrize("bad", ["no", "False", 0, 1, None])
def test_adjust_pred_probs_must_be_a_bool(bad):
    with _raises(
        InputTypeError,
        "adjust_pred_probs",
        r"The 'adjust_pred_probs' parameter of label_quality_scores must be one of \{False, True\}",
    ):
        label_quality_scores(LABELS, PROBS, adjust_pred_probs=bad)


def test_normalize_names_the_function():
    with _raises(InputTypeError, "normalize", r"parameter of find_label_issues must be one of"):
        find_label_issues(LABELS, PROBS, normalize="yes")


def test_numpy_bools_are_bools():
    a = estimate_noise(LABELS, PROBS, calibrate=np.False_, normalize=np.True_)
    b = estimate_noise(LABELS, PROBS, calibrate=False, normalize=True)
    np.testing.assert_array_equal(a.joint, b.joint)
    a = label_quality_scores(LABELS, PROBS, adjust_pred_probs=np.True_)
    b = label_quality_scores(LABELS, PROBS, adjust_pred_probs=True)
    np.testing.assert_array_equal(a, b)


# --------------------------------------------------------------------------------------------
# pred_probs
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("func", PUBLIC)
@pytest.mark.parametrize("shape", [(15,), (5, 3, 1)])
def test_pred_probs_wrong_ndim(func, shape):
    with _raises(InputError, "pred_probs", "expected a 2-D array of shape"):
        func(LABELS, PROBS.reshape(shape))


@pytest.mark.parametrize("func", PUBLIC)
def test_pred_probs_one_column(func):
    with _raises(InputError, "pred_probs", "expected at least 2 columns"):
        func([0, 0, 0], np.ones((3, 1)))


@pytest.mark.parametrize("func", PUBLIC)
def test_pred_probs_no_rows(func):
    with _raises(InputError, "pred_probs", "got 0 rows"):
        func([], np.empty((0, 3)))


@pytest.mark.parametrize("func", PUBLIC)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pred_probs_nan_or_inf(func, bad, dtype):
    probs = PROBS.astype(dtype)
    probs[3, 1] = bad
    with _raises(InputError, "pred_probs", "contains NaN or infinite values"):
        func(LABELS, probs)


@pytest.mark.parametrize("func", PUBLIC)
def test_pred_probs_object_dtype(func):
    with _raises(InputTypeError, "pred_probs", r"expected a numeric \(float\) array"):
        func(LABELS, PROBS.astype(object))


@pytest.mark.parametrize("func", PUBLIC)
def test_pred_probs_strings(func):
    with _raises(InputTypeError, "pred_probs", "got dtype <U"):
        func(LABELS, PROBS.astype(str))


@pytest.mark.parametrize("func", PUBLIC)
def test_pred_probs_ragged(func):
    with _raises(InputTypeError, "pred_probs", "could not be converted to a numpy array"):
        func([0, 1], [[0.5, 0.5], [1.0]])


@pytest.mark.parametrize("func", PUBLIC)
@pytest.mark.parametrize("normalize", [False, True])
@pytest.mark.parametrize(("low", "high"), [(-0.01, 1.01), (-2e-4, 1.0), (0.0, 1.0 + 2e-4)])
def test_pred_probs_outside_unit_interval(func, normalize, low, high):
    probs = PROBS.copy()
    probs[0] = [high, low, 1 - high - low]
    with _raises(InputError, "pred_probs", r"values must be probabilities in \[0, 1\].*softmax"):
        func(LABELS, probs, normalize=normalize)


@pytest.mark.parametrize("func", PUBLIC)
def test_logits_are_refused(func):
    logits = np.log(PROBS) * 3
    with _raises(InputError, "pred_probs", "apply a softmax first"):
        func(LABELS, logits)


@pytest.mark.parametrize("func", PUBLIC)
@pytest.mark.parametrize("row_sum", [0.99, 1 - 1.5e-3, 1 + 1.5e-3])
def test_rows_not_summing_to_one(func, row_sum):
    probs = PROBS.copy()
    probs[2] *= row_sum
    probs[2] = np.minimum(probs[2], 1.0)
    with _raises(InputError, "pred_probs", r"each row must sum to 1.*pass normalize=True"):
        func(LABELS, probs)
    func(LABELS, probs, normalize=True)  # and the suggested fix works


@pytest.mark.parametrize("func", PUBLIC)
def test_row_of_zeros_cannot_be_normalized(func):
    probs = PROBS.copy()
    probs[4] = 0.0
    with _raises(InputError, "pred_probs", "a row sums to 0 and cannot be normalized"):
        func(LABELS, probs, normalize=True)


# --------------------------------------------------------------------------------------------
# options
# --------------------------------------------------------------------------------------------


def _choice_message(name: str, func: str, got: str) -> str:
    return rf"The '{name}' parameter of {func} must be one of \{{.*\}}\. Got {got} instead\."


@pytest.mark.parametrize("method", ["confident", "", None, "PRUNE_BY_CLASS"])
def test_bad_method(method):
    with _raises(InputError, "method", _choice_message("method", "find_label_issues", ".*")):
        find_label_issues(LABELS, PROBS, method=method)


def test_bad_method_message_lists_choices():
    with pytest.raises(InputError) as info:
        find_label_issues(LABELS, PROBS, method="confident")
    assert info.value.argument == "method"
    for choice in ("prune_by_noise_rate", "both", "low_self_confidence"):
        assert repr(choice) in str(info.value)
    assert "Got 'confident' instead" in str(info.value)


@pytest.mark.parametrize("rank_by", ["margin", "entropy", 1])
def test_bad_rank_by(rank_by):
    with _raises(InputError, "rank_by", _choice_message("rank_by", "find_label_issues", ".*")):
        find_label_issues(LABELS, PROBS, rank_by=rank_by)


@pytest.mark.parametrize("method", ["margin", None, "low_self_confidence"])
def test_bad_score_method(method):
    with _raises(
        InputError,
        "method",
        _choice_message("method", "label_quality_scores", re.escape(repr(method))),
    ):
        label_quality_scores(LABELS, PROBS, method=method)


@pytest.mark.parametrize("frac_noise", [-0.1, 1.5, True, "half", None, np.nan])
def test_bad_frac_noise(frac_noise):
    with _raises(InputError, "frac_noise", r"must be a float in \[0, 1\]"):
        find_label_issues(LABELS, PROBS, frac_noise=frac_noise)


@pytest.mark.parametrize("minimum", [-1, 1.5, True, "2", None])
def test_bad_min_examples_per_class(minimum):
    with _raises(InputError, "min_examples_per_class", "must be an int >= 0"):
        find_label_issues(LABELS, PROBS, min_examples_per_class=minimum)


@pytest.mark.parametrize(
    "removals",
    [[1, 1], [1, 1, 1, 1], [1, -1, 0], [0.5, 1, 1], [[1, 1, 1]], "abc"],
)
def test_bad_num_to_remove_per_class(removals):
    with _raises(InputError, "num_to_remove_per_class", "expected 3 non-negative integers"):
        find_label_issues(LABELS, PROBS, method="prune_by_class", num_to_remove_per_class=removals)


@pytest.mark.parametrize(
    "method",
    ["confident_learning", "predicted_neq_given", "low_normalized_margin", "low_self_confidence"],
)
def test_num_to_remove_per_class_needs_a_prune_method(method):
    with _raises(
        InputError, "num_to_remove_per_class", "is only supported with method in .*prune_by_class"
    ):
        find_label_issues(LABELS, PROBS, method=method, num_to_remove_per_class=[1, 1, 1])


@pytest.mark.parametrize(
    "method",
    ["confident_learning", "predicted_neq_given", "low_normalized_margin", "low_self_confidence"],
)
def test_frac_noise_warns_for_other_methods(method):
    with pytest.warns(UserWarning, match=rf"frac_noise only applies .*method='{method}'"):
        find_label_issues(LABELS, PROBS, method=method, frac_noise=0.5)


def test_adjust_pred_probs_with_confidence_weighted_entropy():
    with _raises(InputError, "adjust_pred_probs", "method='confidence_weighted_entropy'"):
        label_quality_scores(
            LABELS, PROBS, method="confidence_weighted_entropy", adjust_pred_probs=True
        )


# --------------------------------------------------------------------------------------------
# The error family
# --------------------------------------------------------------------------------------------


def test_errors_carry_the_argument_name():
    with pytest.raises(InputError) as info:
        find_label_issues(LABELS, PROBS[:4])
    assert info.value.argument == "labels"
    assert isinstance(info.value, ValueError)


def test_type_errors_are_both_type_and_value_errors():
    with pytest.raises(InputTypeError) as info:
        find_label_issues(LABELS, PROBS.astype(object))
    assert isinstance(info.value, TypeError)
    assert isinstance(info.value, ValueError)
    assert info.value.argument == "pred_probs"


def test_options_are_checked_before_the_data():
    """A bad option is reported even when the data are bad too (cheap checks first)."""
    with _raises(InputError, "method", "must be one of"):
        find_label_issues([0], [[2.0]], method="nope")


def test_keyword_only_options():
    with pytest.raises(TypeError):
        find_label_issues(LABELS, PROBS, None, "both")  # type: ignore[misc]
    with pytest.raises(TypeError):
        label_quality_scores(LABELS, PROBS, "normalized_margin")  # type: ignore[misc]
    with pytest.raises(TypeError):
        estimate_noise(LABELS, PROBS, False)  # type: ignore[misc]


@pytest.mark.parametrize("bad", [np.nan, np.inf])
@pytest.mark.parametrize("row", [0, 37])
def test_nan_in_any_block_is_found(bad, row):
    """The chunked scan keeps a NaN from any block (Python's min() would drop it)."""
    pp = np.full((50, 2), 0.5)
    pp[row] = [bad, 0.5]
    for func in (find_label_issues, estimate_noise, label_quality_scores):
        with pytest.raises(InputError, match="NaN or infinite"):
            func(np.zeros(50, dtype=int), pp, chunk_size=4)


@pytest.mark.parametrize("error_type", [InputError, InputTypeError])
def test_errors_survive_pickling(error_type):
    """Errors raised in a worker process (a process pool, Dask) reach the caller intact."""
    import pickle

    error = error_type("labels", "expected integers; map them to 0..K-1.")
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is error_type
    assert again.argument == "labels"
    assert str(again) == str(error)


def test_the_argument_is_named_once():
    """``"argument: message"``, unless the message already opens by naming the argument."""
    plain = InputError("labels", "expected integers; map them to 0..K-1.")
    assert str(plain) == "labels: expected integers; map them to 0..K-1."
    named = InputError("method", "The 'method' parameter of f must be one of {'a'}.")
    assert str(named) == "The 'method' parameter of f must be one of {'a'}."
    assert named.message == str(named) and named.argument == "method"
    other = InputError("cv", "The 'method' parameter is ignored with cv=3.")  # not its own name
    assert str(other).startswith("cv: The 'method'")
    with pytest.raises(InputError, match=r"^The 'method' parameter of find_label_issues must"):
        find_label_issues(np.zeros(4, dtype=int), np.full((4, 2), 0.5), method="nope")


# --------------------------------------------------------------------------------------------
# features: one validator, each caller's rules (check_features)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dtype", "embeddings", "simulate"),
    [
        (np.float32, np.float32, np.float64),
        (np.float64, np.float64, np.float64),
        (np.float16, np.float32, np.float64),
        (np.int16, np.float32, np.float64),
        (np.int64, np.float64, np.float64),
        (bool, np.float32, np.float64),
    ],
)
def test_features_dtype_rules(dtype, embeddings, simulate):
    x = np.ones((4, 2, 3), dtype=dtype)
    for rules, expected in (
        ("embeddings", embeddings),
        ("report", embeddings),
        ("simulate", simulate),
    ):
        out = check_features(x, 4, rules=rules)
        assert out.shape == (4, 6) and out.dtype == expected, rules


def test_features_are_not_copied_when_they_need_no_conversion():
    x = np.ones((4, 3), dtype=np.float32)
    assert np.shares_memory(check_features(x, 4), x)


@pytest.mark.parametrize(
    ("features", "rules", "error", "pattern"),
    [
        (
            np.array([["a"]] * 3),
            "embeddings",
            InputTypeError,
            r"expected a numeric array, got dtype",
        ),
        (
            np.zeros((2, 2)),
            "embeddings",
            InputError,
            r"expected shape \(3, d\) \(one row per label\)",
        ),
        (np.full((3, 2), np.nan), "embeddings", InputError, "contain NaN or infinite values"),
        (np.zeros((2, 2)), "simulate", InputError, r"expected shape \(n, d\) with n = 3"),
        (np.zeros((3, 0)), "simulate", InputError, "must have at least one column"),
        (
            np.zeros(3),
            "report",
            InputError,
            r"expected a numeric array of shape \(n, d\) with n = 3",
        ),
        ([[0], [1, 2], [3]], "report", InputTypeError, "could not be converted"),
    ],
)
def test_features_errors(features, rules, error, pattern):
    with _raises(error, "features", pattern):
        check_features(features, 3, rules=rules)


def test_features_rules_differ_on_nan_and_empty_columns():
    assert check_features(np.zeros((3, 0)), 3).shape == (3, 0)
    assert np.isnan(check_features(np.full((3, 2), np.nan), 3, rules="report")).all()


def test_features_errors_name_the_argument():
    with _raises(InputError, "test_features", "contain NaN"):
        check_features(np.full((3, 2), np.inf), 3, name="test_features")


# --------------------------------------------------------------------------------------------
# bare integer codes (check_codes: the simulators' labels, no pred_probs)
# --------------------------------------------------------------------------------------------


def test_codes_keep_the_callers_array_and_infer_the_class_count():
    labels = np.array([0, 3, 1], dtype=np.uint8)
    arr, k = check_codes(labels, n_classes=None, func="f")
    assert arr is labels and k == 4
    assert check_codes(labels, n_classes=6, func="f")[1] == 6


@pytest.mark.parametrize(
    ("labels", "n_classes", "error", "argument", "pattern"),
    [
        ([True, False], None, InputTypeError, "labels", "expected integer class codes 0..K-1"),
        ([], None, InputError, "labels", "got 0 examples; pass at least one label"),
        ([0, 0], None, InputError, "labels", "are all class 0, so f cannot infer"),
        ([0, 4], 3, InputError, "n_classes", "is 3 but labels contain class 4"),
        (np.zeros(2, np.uint8), 300, InputError, "labels", "dtype uint8 cannot hold class 299"),
    ],
)
def test_codes_errors(labels, n_classes, error, argument, pattern):
    with _raises(error, argument, pattern):
        check_codes(labels, n_classes=n_classes, func="f")
