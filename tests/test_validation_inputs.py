"""The input forms the public boundary accepts (``_validation.py``), through all three
public functions: class names, label and ``pred_probs`` containers and dtypes, classes absent
from the labels, values just outside [0, 1], ``normalize``; inputs are never modified.

The errors for the inputs it refuses are in ``test_validation.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from _helpers import SCORE_METHODS, assert_same_issues, assert_same_noise
from labelnoise import estimate_noise, find_label_issues, label_quality_scores
from labelnoise.detect._registry import CONFIDENT_LEARNING

NAMES = np.array(["cat", "dog", "emu", "fox"])


def test_class_names(contract_case):
    names = NAMES[contract_case.labels]
    issues = find_label_issues(
        names, contract_case.pred_probs, classes=NAMES, rank_by="normalized_margin"
    )
    by_code = find_label_issues(
        contract_case.labels, contract_case.pred_probs, rank_by="normalized_margin"
    )
    np.testing.assert_array_equal(issues.mask, by_code.mask)
    np.testing.assert_array_equal(issues.indices, by_code.indices)
    np.testing.assert_array_equal(issues.given_labels, names)
    np.testing.assert_array_equal(
        issues.suggested_labels, NAMES[contract_case.pred_probs.argmax(axis=1)]
    )
    frame = issues.to_frame()
    assert set(frame["given_label"]) <= set(NAMES)
    assert set(frame["suggested_label"]) <= set(NAMES)

    est = estimate_noise(list(names), contract_case.pred_probs, classes=list(NAMES))
    np.testing.assert_array_equal(est.classes, NAMES)
    assert_same_noise(est, estimate_noise(contract_case.labels, contract_case.pred_probs))

    for method in SCORE_METHODS:
        np.testing.assert_array_equal(
            label_quality_scores(names, contract_case.pred_probs, method=method, classes=NAMES),
            label_quality_scores(contract_case.labels, contract_case.pred_probs, method=method),
        )


def test_class_names_of_mixed_types_and_integers_as_names(contract_case):
    """Names need only be hashable: e.g. integer codes in another order."""
    order = np.array([30, 10, 20, 0])
    issues = find_label_issues(order[contract_case.labels], contract_case.pred_probs, classes=order)
    np.testing.assert_array_equal(
        issues.mask, find_label_issues(contract_case.labels, contract_case.pred_probs).mask
    )
    np.testing.assert_array_equal(issues.given_labels, order[contract_case.labels])


@pytest.mark.parametrize(
    "convert",
    [
        pytest.param(list, id="list"),
        pytest.param(pd.Series, id="series"),
        pytest.param(lambda a: pd.Series(a, index=np.arange(a.size)[::-1]), id="series-index"),
        pytest.param(lambda a: a.astype(np.int8), id="int8"),
        pytest.param(lambda a: a.astype(np.uint16), id="uint16"),
        pytest.param(lambda a: a.astype(np.float64), id="integral-float"),
    ],
)
def test_label_containers(contract_case, convert):
    reference = find_label_issues(contract_case.labels, contract_case.pred_probs)
    assert_same_issues(
        find_label_issues(convert(contract_case.labels), contract_case.pred_probs), reference
    )
    assert_same_noise(
        estimate_noise(convert(contract_case.labels), contract_case.pred_probs),
        estimate_noise(contract_case.labels, contract_case.pred_probs),
    )
    np.testing.assert_array_equal(
        label_quality_scores(convert(contract_case.labels), contract_case.pred_probs),
        label_quality_scores(contract_case.labels, contract_case.pred_probs),
    )


@pytest.mark.parametrize(
    "convert",
    [
        pytest.param(lambda a: a.tolist(), id="nested-list"),
        pytest.param(pd.DataFrame, id="dataframe"),
        pytest.param(np.asfortranarray, id="fortran-order"),
        pytest.param(lambda a: np.hstack([a, a])[:, : a.shape[1]], id="strided-view"),
    ],
)
def test_pred_probs_containers(contract_case, convert):
    reference = find_label_issues(contract_case.labels, contract_case.pred_probs)
    assert_same_issues(
        find_label_issues(contract_case.labels, convert(contract_case.pred_probs)), reference
    )


def test_classes_absent_from_labels(problem):
    case = problem(5, n=120, n_classes=6, missing_classes=True)
    absent = np.setdiff1d(np.arange(6), case.labels)
    assert absent.size > 0
    for method in CONFIDENT_LEARNING:
        issues = find_label_issues(case.labels, case.pred_probs, method=method)
        assert issues.mask.shape == (case.n,)
    est = estimate_noise(case.labels, case.pred_probs)
    assert est.confident_joint.shape == (6, 6)
    np.testing.assert_array_equal(est.confident_joint.sum(axis=1)[absent], 0)
    assert np.all(est.thresholds[absent] > 1)  # unreachable: nothing counted into them
    np.testing.assert_array_equal(est.confident_joint[:, absent].sum(axis=0), 0)
    np.testing.assert_allclose(est.prior.sum(), 1.0, rtol=1e-12)
    assert np.all(est.prior[absent] < 1e-4)


def test_labels_naming_only_some_classes(contract_case):
    """With names, classes that never occur in the labels are fine too."""
    names = np.where(contract_case.labels == 2, "cat", NAMES[contract_case.labels])
    issues = find_label_issues(names, contract_case.pred_probs, classes=NAMES)
    assert "emu" not in set(issues.given_labels)
    assert issues.mask.shape == (contract_case.n,)


def _frozen_copy(array: np.ndarray) -> np.ndarray:
    frozen = np.array(array)
    frozen.setflags(write=False)
    return frozen


@pytest.mark.parametrize("normalize", [False, True])
def test_inputs_are_never_modified(contract_case, normalize):
    labels = _frozen_copy(contract_case.labels)
    # slightly outside [0, 1] and off a sum of 1: forces the clip-and-renormalize path
    pred_probs = np.array(contract_case.pred_probs)
    pred_probs[0] = 0.0
    pred_probs[0, :2] = [1.00005, -0.00005]
    if normalize:
        pred_probs = pred_probs * 0.7
        pred_probs[0, :2] = [1.00005, -0.00005]
    pred_probs = _frozen_copy(pred_probs)
    labels_before, probs_before = labels.copy(), pred_probs.copy()
    for method in CONFIDENT_LEARNING:
        find_label_issues(labels, pred_probs, method=method, normalize=normalize)
    estimate_noise(labels, pred_probs, normalize=normalize)
    for method in SCORE_METHODS:
        label_quality_scores(labels, pred_probs, method=method, normalize=normalize)
        if method != "confidence_weighted_entropy":
            label_quality_scores(
                labels, pred_probs, method=method, adjust_pred_probs=True, normalize=normalize
            )
    np.testing.assert_array_equal(labels, labels_before)
    np.testing.assert_array_equal(pred_probs, probs_before)
    assert not pred_probs.flags.writeable and not labels.flags.writeable


@pytest.mark.parametrize("label_dtype", [np.intp, np.int32, np.uint8])
@pytest.mark.parametrize("prob_dtype", [np.float32, np.float64])
def test_writable_inputs_are_not_modified_either(contract_case, label_dtype, prob_dtype):
    """Neither values nor flags: a writable input stays writable."""
    labels = contract_case.labels.astype(label_dtype)
    pred_probs = contract_case.pred_probs.astype(prob_dtype)
    labels_before, probs_before = labels.copy(), pred_probs.copy()
    for method in CONFIDENT_LEARNING:
        find_label_issues(labels, pred_probs, method=method, rank_by="normalized_margin")
    label_quality_scores(labels, pred_probs, method="normalized_margin", adjust_pred_probs=True)
    estimate_noise(labels, pred_probs)
    np.testing.assert_array_equal(labels, labels_before)
    np.testing.assert_array_equal(pred_probs, probs_before)
    assert labels.flags.writeable, "labels were made read-only"
    assert pred_probs.flags.writeable, "pred_probs were made read-only"


def test_results_do_not_alias_inputs(contract_case):
    labels, pred_probs = contract_case.labels.copy(), contract_case.pred_probs.copy()
    issues = find_label_issues(labels, pred_probs)
    before = issues.given_labels.copy()
    labels[:] = 0
    np.testing.assert_array_equal(issues.given_labels, before)


def test_float16_accepted(contract_case):
    half = contract_case.pred_probs.astype(np.float16)
    single = half.astype(np.float32)
    for method in CONFIDENT_LEARNING:
        assert_same_issues(
            find_label_issues(contract_case.labels, half, method=method),
            find_label_issues(contract_case.labels, single, method=method),
        )
    assert_same_noise(
        estimate_noise(contract_case.labels, half), estimate_noise(contract_case.labels, single)
    )
    scores = label_quality_scores(contract_case.labels, half)
    assert scores.dtype.itemsize >= 4
    np.testing.assert_array_equal(scores, label_quality_scores(contract_case.labels, single))


def test_integer_pred_probs_accepted():
    """0/1 integer matrices (hard predictions) are probabilities too."""
    labels = np.array([0, 1, 1, 0, 2, 2, 1])
    one_hot = np.eye(3, dtype=np.int64)[[0, 1, 0, 0, 2, 1, 1]]
    issues = find_label_issues(labels, one_hot, method="predicted_neq_given")
    np.testing.assert_array_equal(np.flatnonzero(issues.mask), [2, 5])


@pytest.mark.parametrize(("dtype", "excess"), [(np.float32, 9.9e-5), (np.float64, 1e-4)])
def test_values_slightly_outside_unit_interval_accepted(contract_case, dtype, excess):
    """Up to 1e-4 outside [0, 1] (float16 rounding): clipped, renormalized, then used."""
    pred_probs = contract_case.pred_probs.astype(dtype)
    pred_probs[:5] = np.array([1 + excess, -excess, 0.0, 0.0], dtype=dtype)
    pred_probs[5] = np.array([-5e-5, 0.5, 0.5 + 5e-5, 0.0], dtype=dtype)
    cleaned = np.clip(pred_probs, 0, 1)
    cleaned /= cleaned.sum(axis=1, keepdims=True)
    for method in CONFIDENT_LEARNING:
        assert_same_issues(
            find_label_issues(contract_case.labels, pred_probs, method=method),
            find_label_issues(contract_case.labels, cleaned, method=method),
        )
    scores = label_quality_scores(contract_case.labels, pred_probs, method="normalized_margin")
    assert np.all((scores >= 0) & (scores <= 1))


@pytest.mark.parametrize("offset", [-9e-4, 9e-4])
def test_rows_off_by_less_than_1e3_accepted(contract_case, offset):
    pred_probs = contract_case.pred_probs.copy()
    rows = np.arange(contract_case.n // 2)
    # move the smallest entry up, or the largest down: every value stays inside [0, 1]
    cols = pred_probs[rows].argmin(axis=1) if offset > 0 else pred_probs[rows].argmax(axis=1)
    pred_probs[rows, cols] += offset
    assert 1e-4 < np.abs(pred_probs.sum(axis=1) - 1).max() < 1e-3
    for method in CONFIDENT_LEARNING:
        issues = find_label_issues(contract_case.labels, pred_probs, method=method)
        assert issues.mask.shape == (contract_case.n,)
    estimate_noise(contract_case.labels, pred_probs)
    scores = label_quality_scores(contract_case.labels, pred_probs)
    np.testing.assert_array_equal(
        scores, pred_probs[np.arange(contract_case.n), contract_case.labels]
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_normalize(contract_case, dtype):
    rng = np.random.default_rng(0)
    # rows that sum to less than 1 (e.g. a model that keeps mass for "other")
    scaled = (contract_case.pred_probs * rng.uniform(0.1, 0.99, size=(contract_case.n, 1))).astype(
        dtype
    )
    expected_probs = scaled / scaled.sum(axis=1, keepdims=True)
    for method in CONFIDENT_LEARNING:
        assert_same_issues(
            find_label_issues(contract_case.labels, scaled, method=method, normalize=True),
            find_label_issues(contract_case.labels, expected_probs, method=method),
        )
    assert_same_noise(
        estimate_noise(contract_case.labels, scaled, normalize=True),
        estimate_noise(contract_case.labels, expected_probs),
    )
    np.testing.assert_array_equal(
        label_quality_scores(contract_case.labels, scaled, normalize=True),
        label_quality_scores(contract_case.labels, expected_probs),
    )


def test_normalize_leaves_exactly_normalized_input_alone(contract_case):
    dyadic = np.round(contract_case.pred_probs * 64) / 64  # multiples of 1/64: exact row sums
    dyadic[:, 0] = 1 - dyadic[:, 1:].sum(axis=1)
    dyadic = np.abs(dyadic)
    dyadic /= dyadic.sum(axis=1, keepdims=True)
    assert np.all(dyadic.sum(axis=1) == 1.0)
    assert_same_issues(
        find_label_issues(contract_case.labels, dyadic, normalize=True),
        find_label_issues(contract_case.labels, dyadic),
    )


def test_tiny_inputs():
    """One example per class, two classes, two rows: valid and answered."""
    labels = np.array([0, 1])
    pred_probs = np.array([[0.2, 0.8], [0.9, 0.1]])
    for method in CONFIDENT_LEARNING:
        issues = find_label_issues(labels, pred_probs, method=method)
        assert issues.mask.shape == (2,)
    assert find_label_issues(labels, pred_probs, method="predicted_neq_given").mask.all()
    assert estimate_noise(labels, pred_probs).confident_joint.shape == (2, 2)


def test_single_example():
    issues = find_label_issues([1], [[0.9, 0.1]], method="predicted_neq_given")
    np.testing.assert_array_equal(issues.indices, [0])
