"""Contract tests over every public function: types, shapes, immutability, input forms."""

from __future__ import annotations

import dataclasses
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

import labelnoise
from labelnoise import (
    IssueCounts,
    LabelIssues,
    NoiseEstimate,
    estimate_noise,
    find_label_issues,
    label_quality_scores,
)

METHODS = (
    "prune_by_noise_rate",
    "prune_by_class",
    "both",
    "confident_learning",
    "predicted_neq_given",
    "low_normalized_margin",
    "low_self_confidence",
)
RANK_BY = (None, "self_confidence", "normalized_margin", "confidence_weighted_entropy")
SCORE_METHODS = ("self_confidence", "normalized_margin", "confidence_weighted_entropy")
NAMES = np.array(["cat", "dog", "emu", "fox"])


@pytest.fixture(scope="module")
def case(problem):
    return problem(3, n=300, n_classes=4, noise=0.3)


def _same_issues(a: LabelIssues, b: LabelIssues) -> None:
    np.testing.assert_array_equal(a.mask, b.mask)
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_array_equal(a.scores, b.scores)
    np.testing.assert_array_equal(a.given_labels, b.given_labels)
    np.testing.assert_array_equal(a.suggested_labels, b.suggested_labels)


def _same_estimate(a: NoiseEstimate, b: NoiseEstimate) -> None:
    for field in ("confident_joint", "joint", "noise_matrix", "inverse_noise_matrix", "prior"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field), err_msg=field)
    np.testing.assert_array_equal(a.thresholds, b.thresholds)
    assert a.num_issues == b.num_issues


# --------------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rank_by", RANK_BY)
@pytest.mark.parametrize("method", METHODS)
def test_label_issues_fields(case, method, rank_by):
    issues = find_label_issues(case.labels, case.pred_probs, method=method, rank_by=rank_by)
    n = case.n
    assert isinstance(issues, LabelIssues)
    assert issues.method == method
    assert issues.mask.shape == (n,) and issues.mask.dtype == np.bool_
    assert issues.scores.shape == (n,) and issues.scores.dtype.kind == "f"
    assert issues.given_labels.shape == (n,) and issues.suggested_labels.shape == (n,)
    assert issues.indices.ndim == 1 and issues.indices.dtype.kind in "iu"
    assert len(issues) == int(issues.mask.sum()) == issues.indices.shape[0]
    assert issues.rate == pytest.approx(len(issues) / n)
    # indices are exactly the flagged rows, worst (lowest score) first
    np.testing.assert_array_equal(np.sort(issues.indices), np.flatnonzero(issues.mask))
    assert np.all(np.diff(issues.scores[issues.indices]) >= 0)
    np.testing.assert_array_equal(issues.given_labels, case.labels)
    np.testing.assert_array_equal(issues.suggested_labels, case.pred_probs.argmax(axis=1))
    expected_score = rank_by or (
        "normalized_margin" if method == "low_normalized_margin" else "self_confidence"
    )
    assert issues.score_method == expected_score
    np.testing.assert_array_equal(
        issues.scores, label_quality_scores(case.labels, case.pred_probs, method=expected_score)
    )
    assert f"{len(issues)} of {n} flagged" in repr(issues)


def test_label_issues_is_frozen_and_read_only(case):
    issues = find_label_issues(case.labels, case.pred_probs)
    assert dataclasses.is_dataclass(issues)
    with pytest.raises(dataclasses.FrozenInstanceError):
        issues.mask = np.zeros(case.n, dtype=bool)  # type: ignore[misc]
    for name in ("mask", "indices", "scores", "given_labels", "suggested_labels"):
        array = getattr(issues, name)
        assert not array.flags.writeable, name
        with pytest.raises(ValueError, match="read-only"):
            array[...] = array[::-1] if array.size else array


def test_to_frame(case):
    issues = find_label_issues(case.labels, case.pred_probs, method="confident_learning")
    frame = issues.to_frame()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == [
        "is_label_issue",
        "label_quality",
        "given_label",
        "suggested_label",
    ]
    assert len(frame) == case.n
    np.testing.assert_array_equal(frame["is_label_issue"].to_numpy(), issues.mask)
    np.testing.assert_array_equal(frame["label_quality"].to_numpy(), issues.scores)
    np.testing.assert_array_equal(frame["given_label"].to_numpy(), case.labels)
    np.testing.assert_array_equal(
        frame["suggested_label"].to_numpy(), case.pred_probs.argmax(axis=1)
    )
    assert int(frame["is_label_issue"].sum()) == len(issues)


@pytest.mark.parametrize("calibrate", [True, False])
def test_noise_estimate_fields(case, calibrate):
    est = estimate_noise(case.labels, case.pred_probs, calibrate=calibrate)
    k = case.n_classes
    assert isinstance(est, NoiseEstimate)
    assert dataclasses.is_dataclass(est)
    for name in ("confident_joint", "joint", "noise_matrix", "inverse_noise_matrix"):
        assert getattr(est, name).shape == (k, k), name
    assert est.confident_joint.dtype.kind in "iu"
    assert est.prior.shape == (k,) and est.thresholds.shape == (k,)
    for name in ("confident_joint", "joint", "noise_matrix", "inverse_noise_matrix", "prior"):
        assert not getattr(est, name).flags.writeable, name
    assert not est.thresholds.flags.writeable
    np.testing.assert_allclose(est.joint.sum(), 1.0, rtol=1e-12)
    np.testing.assert_allclose(est.noise_matrix.sum(axis=0), 1.0, rtol=1e-12)
    np.testing.assert_allclose(est.inverse_noise_matrix.sum(axis=0), 1.0, rtol=1e-12)
    np.testing.assert_allclose(est.prior.sum(), 1.0, rtol=1e-12)
    assert est.noise_rate == pytest.approx(1.0 - np.trace(est.joint))
    if calibrate:  # calibrated rows sum to the label counts
        np.testing.assert_array_equal(
            est.confident_joint.sum(axis=1), np.bincount(case.labels, minlength=k)
        )
    assert est.classes is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        est.prior = est.prior  # type: ignore[misc]


def test_issue_counts(case):
    counts = estimate_noise(case.labels, case.pred_probs).num_issues
    assert isinstance(counts, IssueCounts)
    assert isinstance(counts.off_diagonal, int)
    assert isinstance(counts.off_diagonal_calibrated, int)
    assert counts["off_diagonal"] == counts.off_diagonal
    assert counts["off_diagonal_calibrated"] == counts.off_diagonal_calibrated
    assert 0 <= counts.off_diagonal <= case.n
    with pytest.raises(KeyError):
        counts["prior"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        counts.off_diagonal = 0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("method", "adjust"),
    [(m, False) for m in SCORE_METHODS] + [(m, True) for m in SCORE_METHODS[:2]],
)
def test_label_quality_scores_shape(case, method, adjust):
    scores = label_quality_scores(
        case.labels, case.pred_probs, method=method, adjust_pred_probs=adjust
    )
    assert isinstance(scores, np.ndarray)
    assert scores.shape == (case.n,) and scores.dtype.kind == "f"
    assert np.all(np.isfinite(scores))


def test_self_confidence_is_probability_of_given_label(case):
    scores = label_quality_scores(case.labels, case.pred_probs)
    np.testing.assert_array_equal(scores, case.pred_probs[np.arange(case.n), case.labels])


def test_normalized_margin_by_hand(case):
    """``(p[label] - max other + 1) / 2``, recomputed with a slow obvious loop."""
    scores = label_quality_scores(case.labels, case.pred_probs, method="normalized_margin")
    expected = []
    for row, label in zip(case.pred_probs, case.labels, strict=True):
        others = max(p for j, p in enumerate(row) if j != label)
        expected.append((row[label] - others + 1) / 2)
    np.testing.assert_allclose(scores, expected, rtol=1e-12)


# --------------------------------------------------------------------------------------------
# Input forms
# --------------------------------------------------------------------------------------------


def test_class_names(case):
    names = NAMES[case.labels]
    issues = find_label_issues(names, case.pred_probs, classes=NAMES, rank_by="normalized_margin")
    by_code = find_label_issues(case.labels, case.pred_probs, rank_by="normalized_margin")
    np.testing.assert_array_equal(issues.mask, by_code.mask)
    np.testing.assert_array_equal(issues.indices, by_code.indices)
    np.testing.assert_array_equal(issues.given_labels, names)
    np.testing.assert_array_equal(issues.suggested_labels, NAMES[case.pred_probs.argmax(axis=1)])
    frame = issues.to_frame()
    assert set(frame["given_label"]) <= set(NAMES)
    assert set(frame["suggested_label"]) <= set(NAMES)

    est = estimate_noise(list(names), case.pred_probs, classes=list(NAMES))
    np.testing.assert_array_equal(est.classes, NAMES)
    _same_estimate(est, estimate_noise(case.labels, case.pred_probs))

    for method in SCORE_METHODS:
        np.testing.assert_array_equal(
            label_quality_scores(names, case.pred_probs, method=method, classes=NAMES),
            label_quality_scores(case.labels, case.pred_probs, method=method),
        )


def test_class_names_of_mixed_types_and_integers_as_names(case):
    """Names need only be hashable: e.g. integer codes in another order."""
    order = np.array([30, 10, 20, 0])
    issues = find_label_issues(order[case.labels], case.pred_probs, classes=order)
    np.testing.assert_array_equal(issues.mask, find_label_issues(case.labels, case.pred_probs).mask)
    np.testing.assert_array_equal(issues.given_labels, order[case.labels])


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
def test_label_containers(case, convert):
    reference = find_label_issues(case.labels, case.pred_probs)
    _same_issues(find_label_issues(convert(case.labels), case.pred_probs), reference)
    _same_estimate(
        estimate_noise(convert(case.labels), case.pred_probs),
        estimate_noise(case.labels, case.pred_probs),
    )
    np.testing.assert_array_equal(
        label_quality_scores(convert(case.labels), case.pred_probs),
        label_quality_scores(case.labels, case.pred_probs),
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
def test_pred_probs_containers(case, convert):
    reference = find_label_issues(case.labels, case.pred_probs)
    _same_issues(find_label_issues(case.labels, convert(case.pred_probs)), reference)


def test_classes_absent_from_labels(problem):
    case = problem(5, n=120, n_classes=6, missing_classes=True)
    absent = np.setdiff1d(np.arange(6), case.labels)
    assert absent.size > 0
    for method in METHODS:
        issues = find_label_issues(case.labels, case.pred_probs, method=method)
        assert issues.mask.shape == (case.n,)
    est = estimate_noise(case.labels, case.pred_probs)
    assert est.confident_joint.shape == (6, 6)
    np.testing.assert_array_equal(est.confident_joint.sum(axis=1)[absent], 0)
    assert np.all(est.thresholds[absent] > 1)  # unreachable: nothing counted into them
    np.testing.assert_array_equal(est.confident_joint[:, absent].sum(axis=0), 0)
    np.testing.assert_allclose(est.prior.sum(), 1.0, rtol=1e-12)
    assert np.all(est.prior[absent] < 1e-4)


def test_labels_naming_only_some_classes(case):
    """With names, classes that never occur in the labels are fine too."""
    names = np.where(case.labels == 2, "cat", NAMES[case.labels])
    issues = find_label_issues(names, case.pred_probs, classes=NAMES)
    assert "emu" not in set(issues.given_labels)
    assert issues.mask.shape == (case.n,)


def _frozen_copy(array: np.ndarray) -> np.ndarray:
    frozen = np.array(array)
    frozen.setflags(write=False)
    return frozen


@pytest.mark.parametrize("normalize", [False, True])
def test_inputs_are_never_modified(case, normalize):
    labels = _frozen_copy(case.labels)
    # slightly outside [0, 1] and off a sum of 1: forces the clip-and-renormalize path
    pred_probs = np.array(case.pred_probs)
    pred_probs[0] = 0.0
    pred_probs[0, :2] = [1.00005, -0.00005]
    if normalize:
        pred_probs = pred_probs * 0.7
        pred_probs[0, :2] = [1.00005, -0.00005]
    pred_probs = _frozen_copy(pred_probs)
    labels_before, probs_before = labels.copy(), pred_probs.copy()
    for method in METHODS:
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
def test_writable_inputs_are_not_modified_either(case, label_dtype, prob_dtype):
    """Neither values nor flags: a writable input stays writable."""
    labels = case.labels.astype(label_dtype)
    pred_probs = case.pred_probs.astype(prob_dtype)
    labels_before, probs_before = labels.copy(), pred_probs.copy()
    for method in METHODS:
        find_label_issues(labels, pred_probs, method=method, rank_by="normalized_margin")
    label_quality_scores(labels, pred_probs, method="normalized_margin", adjust_pred_probs=True)
    estimate_noise(labels, pred_probs)
    np.testing.assert_array_equal(labels, labels_before)
    np.testing.assert_array_equal(pred_probs, probs_before)
    assert labels.flags.writeable, "labels were made read-only"
    assert pred_probs.flags.writeable, "pred_probs were made read-only"


def test_results_do_not_alias_inputs(case):
    labels, pred_probs = case.labels.copy(), case.pred_probs.copy()
    issues = find_label_issues(labels, pred_probs)
    before = issues.given_labels.copy()
    labels[:] = 0
    np.testing.assert_array_equal(issues.given_labels, before)


def test_float16_accepted(case):
    half = case.pred_probs.astype(np.float16)
    single = half.astype(np.float32)
    for method in METHODS:
        _same_issues(
            find_label_issues(case.labels, half, method=method),
            find_label_issues(case.labels, single, method=method),
        )
    _same_estimate(estimate_noise(case.labels, half), estimate_noise(case.labels, single))
    scores = label_quality_scores(case.labels, half)
    assert scores.dtype.itemsize >= 4
    np.testing.assert_array_equal(scores, label_quality_scores(case.labels, single))


def test_integer_pred_probs_accepted():
    """0/1 integer matrices (hard predictions) are probabilities too."""
    labels = np.array([0, 1, 1, 0, 2, 2, 1])
    one_hot = np.eye(3, dtype=np.int64)[[0, 1, 0, 0, 2, 1, 1]]
    issues = find_label_issues(labels, one_hot, method="predicted_neq_given")
    np.testing.assert_array_equal(np.flatnonzero(issues.mask), [2, 5])


@pytest.mark.parametrize(("dtype", "excess"), [(np.float32, 9.9e-5), (np.float64, 1e-4)])
def test_values_slightly_outside_unit_interval_accepted(case, dtype, excess):
    """Up to 1e-4 outside [0, 1] (float16 rounding): clipped, renormalized, then used."""
    pred_probs = case.pred_probs.astype(dtype)
    pred_probs[:5] = np.array([1 + excess, -excess, 0.0, 0.0], dtype=dtype)
    pred_probs[5] = np.array([-5e-5, 0.5, 0.5 + 5e-5, 0.0], dtype=dtype)
    cleaned = np.clip(pred_probs, 0, 1)
    cleaned /= cleaned.sum(axis=1, keepdims=True)
    for method in METHODS:
        _same_issues(
            find_label_issues(case.labels, pred_probs, method=method),
            find_label_issues(case.labels, cleaned, method=method),
        )
    scores = label_quality_scores(case.labels, pred_probs, method="normalized_margin")
    assert np.all((scores >= 0) & (scores <= 1))


@pytest.mark.parametrize("offset", [-9e-4, 9e-4])
def test_rows_off_by_less_than_1e3_accepted(case, offset):
    pred_probs = case.pred_probs.copy()
    rows = np.arange(case.n // 2)
    # move the smallest entry up, or the largest down: every value stays inside [0, 1]
    cols = pred_probs[rows].argmin(axis=1) if offset > 0 else pred_probs[rows].argmax(axis=1)
    pred_probs[rows, cols] += offset
    assert 1e-4 < np.abs(pred_probs.sum(axis=1) - 1).max() < 1e-3
    for method in METHODS:
        issues = find_label_issues(case.labels, pred_probs, method=method)
        assert issues.mask.shape == (case.n,)
    estimate_noise(case.labels, pred_probs)
    scores = label_quality_scores(case.labels, pred_probs)
    np.testing.assert_array_equal(scores, pred_probs[np.arange(case.n), case.labels])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_normalize(case, dtype):
    rng = np.random.default_rng(0)
    # rows that sum to less than 1 (e.g. a model that keeps mass for "other")
    scaled = (case.pred_probs * rng.uniform(0.1, 0.99, size=(case.n, 1))).astype(dtype)
    expected_probs = scaled / scaled.sum(axis=1, keepdims=True)
    for method in METHODS:
        _same_issues(
            find_label_issues(case.labels, scaled, method=method, normalize=True),
            find_label_issues(case.labels, expected_probs, method=method),
        )
    _same_estimate(
        estimate_noise(case.labels, scaled, normalize=True),
        estimate_noise(case.labels, expected_probs),
    )
    np.testing.assert_array_equal(
        label_quality_scores(case.labels, scaled, normalize=True),
        label_quality_scores(case.labels, expected_probs),
    )


def test_normalize_leaves_exactly_normalized_input_alone(case):
    dyadic = np.round(case.pred_probs * 64) / 64  # multiples of 1/64: exact row sums
    dyadic[:, 0] = 1 - dyadic[:, 1:].sum(axis=1)
    dyadic = np.abs(dyadic)
    dyadic /= dyadic.sum(axis=1, keepdims=True)
    assert np.all(dyadic.sum(axis=1) == 1.0)
    _same_issues(
        find_label_issues(case.labels, dyadic, normalize=True),
        find_label_issues(case.labels, dyadic),
    )


def test_tiny_inputs():
    """One example per class, two classes, two rows: valid and answered."""
    labels = np.array([0, 1])
    pred_probs = np.array([[0.2, 0.8], [0.9, 0.1]])
    for method in METHODS:
        issues = find_label_issues(labels, pred_probs, method=method)
        assert issues.mask.shape == (2,)
    assert find_label_issues(labels, pred_probs, method="predicted_neq_given").mask.all()
    assert estimate_noise(labels, pred_probs).confident_joint.shape == (2, 2)


def test_single_example():
    issues = find_label_issues([1], [[0.9, 0.1]], method="predicted_neq_given")
    np.testing.assert_array_equal(issues.indices, [0])


# --------------------------------------------------------------------------------------------
# Re-entrancy
# --------------------------------------------------------------------------------------------


def test_thread_safety(problem):
    cases = [problem(seed, n=800, n_classes=6, noise=0.3, decimals=2) for seed in range(4)]

    def run(case):
        return [
            find_label_issues(case.labels, case.pred_probs, method=m, rank_by="normalized_margin")
            for m in METHODS
        ], estimate_noise(case.labels, case.pred_probs)

    serial = [run(c) for c in cases]
    barrier = threading.Barrier(4)

    def run_together(case):
        barrier.wait()
        return [run(case) for _ in range(3)]

    for _ in range(2):  # every thread runs a different problem, then all run the same one
        with ThreadPoolExecutor(max_workers=4) as pool:
            parallel = list(pool.map(run_together, cases))
        for expected, repeats in zip(serial, parallel, strict=True):
            for issues, est in repeats:
                for a, b in zip(issues, expected[0], strict=True):
                    _same_issues(a, b)
                _same_estimate(est, expected[1])
        with ThreadPoolExecutor(max_workers=4) as pool:
            same = list(pool.map(run_together, [cases[0]] * 4))
        for repeats in same:
            for issues, est in repeats:
                for a, b in zip(issues, serial[0][0], strict=True):
                    _same_issues(a, b)
                _same_estimate(est, serial[0][1])


# --------------------------------------------------------------------------------------------
# Public surface and docstring examples
# --------------------------------------------------------------------------------------------


def test_public_surface():
    for name in labelnoise.__all__:
        assert hasattr(labelnoise, name), name
    assert issubclass(labelnoise.InputError, ValueError)
    assert issubclass(labelnoise.InputTypeError, TypeError)
    assert issubclass(labelnoise.InputTypeError, labelnoise.InputError)
    assert isinstance(labelnoise.__version__, str)


def test_public_functions_have_examples():
    for func in (find_label_issues, estimate_noise, label_quality_scores):
        assert ">>> " in (func.__doc__ or ""), func.__name__
