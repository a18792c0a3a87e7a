"""One ``pytest.raises(..., match=...)`` per error message of the new detectors."""

from __future__ import annotations

import numpy as np
import pytest

from labelnoise import InputError, InputTypeError, find_label_issues
from labelnoise.detect import clean_probability
from labelnoise.detect._registry import method_names

#: The detectors beyond confident learning that cannot run without pred_probs.
DETECTORS_ON_PRED_PROBS = method_names(
    lambda m: not m.confident_learning and m.pred_probs == "required"
)


@pytest.fixture(scope="module")
def case(feature_case):
    return feature_case(0, n=60)


@pytest.mark.parametrize("method", method_names(lambda m: m.features == "required"))
def test_features_required(case, method):
    with pytest.raises(InputError, match=rf"features: method='{method}' needs features"):
        find_label_issues(case.labels, case.pred_probs, method=method)


@pytest.mark.parametrize("method", DETECTORS_ON_PRED_PROBS)
def test_pred_probs_required(case, method):
    with pytest.raises(InputError, match=rf"pred_probs: method='{method}' needs pred_probs;"):
        find_label_issues(case.labels, features=case.features, method=method)


def test_auto_needs_something(case):
    with pytest.raises(InputError, match="method='auto' needs pred_probs or features"):
        find_label_issues(case.labels, method="auto")


def test_confident_learning_needs_pred_probs(case):
    with pytest.raises(InputError, match="method='both' needs pred_probs; pass out-of-sample"):
        find_label_issues(case.labels, features=case.features, method="both")


def test_features_ignored_by_confident_learning_warns(case):
    with pytest.warns(UserWarning, match="features are not used by method='prune_by_class'"):
        find_label_issues(
            case.labels, case.pred_probs, features=case.features, method="prune_by_class"
        )


def test_pred_probs_ignored_by_knn_warns(case):
    with pytest.warns(UserWarning, match="pred_probs are not used by method='knn'"):
        issues = find_label_issues(
            case.labels, case.pred_probs, features=case.features, method="knn"
        )
    alone = find_label_issues(case.labels, features=case.features, method="knn")
    np.testing.assert_array_equal(issues.mask, alone.mask)


@pytest.mark.parametrize(
    ("method", "with_features", "where"),
    [
        ("small_loss", False, "method='small_loss' does not use;"),
        ("linear_separation", True, "method='linear_separation' does not use;"),
        ("auto", True, "method='auto' does not use with features;"),
    ],
)
def test_rank_ensemble_unused_warns(case, method, with_features, where):
    models = [case.pred_probs, case.pred_probs[:, ::-1].copy()]
    features = case.features if with_features else None
    with pytest.warns(UserWarning, match=f"ensemble='rank' averages rankings, which {where}"):
        find_label_issues(case.labels, models, features=features, method=method, ensemble="rank")


def test_all_zero_feature_rows_warn(case):
    features = case.features.copy()
    features[:3] = 0.0
    with pytest.warns(UserWarning, match="3 feature rows are all zero"):
        find_label_issues(case.labels, features=features, method="knn")


def test_huge_features_keep_their_direction(case):
    """Values near the float64 limit would overflow the norm; scaling rows is harmless."""
    plain = find_label_issues(case.labels, features=case.features, method="knn")
    huge = find_label_issues(
        case.labels, features=case.features.astype(np.float64) * 1e300, method="knn"
    )
    np.testing.assert_array_equal(plain.mask, huge.mask)
    np.testing.assert_allclose(plain.scores, huge.scores)


def test_knn_with_a_rank_ensemble_warns_once(case):
    models = [case.pred_probs, case.pred_probs[:, ::-1].copy()]
    with pytest.warns(UserWarning) as caught:
        find_label_issues(
            case.labels, models, features=case.features, method="knn", ensemble="rank"
        )
    assert [str(w.message)[:39] for w in caught] == ["pred_probs are not used by method='knn'"]


def test_tiny_features_keep_their_direction(case):
    plain = find_label_issues(case.labels, features=case.features, method="knn")
    tiny = find_label_issues(
        case.labels, features=case.features.astype(np.float64) * 1e-170, method="knn"
    )
    np.testing.assert_array_equal(plain.mask, tiny.mask)


@pytest.mark.parametrize("method", ["linear_separation", "linear_separation_small_loss"])
def test_identical_rows_in_a_class_are_left_as_guessed(case, method):
    features = case.features.copy()
    features[case.labels == 0] = 1.0  # nothing to separate in class 0
    issues = find_label_issues(case.labels, case.pred_probs, features=features, method=method)
    assert issues.mask.shape == case.labels.shape


def test_single_row_has_no_neighbours():
    issues = find_label_issues([0], features=[[1.0, 2.0]], method="knn", classes=[0, 1])
    assert len(issues) == 0 and issues.scores.tolist() == [1.0]


def test_features_wrong_rows(case):
    with pytest.raises(InputError, match=r"features: expected shape \(60, d\)"):
        find_label_issues(case.labels, features=case.features[:-1], method="knn")


def test_features_one_dimensional(case):
    with pytest.raises(InputError, match=r"expected shape \(60, d\) \(one row per label\)"):
        find_label_issues(case.labels, features=case.features[:, 0], method="knn")


def test_features_not_numeric(case):
    words = np.array([["a"] * 3] * case.n)
    with pytest.raises(InputTypeError, match="features: expected a numeric array"):
        find_label_issues(case.labels, features=words, method="knn")


def test_features_not_finite(case):
    bad = case.features.copy()
    bad[3, 1] = np.nan
    with pytest.raises(InputError, match="features: contain NaN or infinite values"):
        find_label_issues(case.labels, features=bad, method="knn")


def test_model_list_shapes_must_match(case):
    with pytest.raises(InputError, match=r"all models' pred_probs must have the same shape"):
        find_label_issues(case.labels, [case.pred_probs, case.pred_probs[:-1]])


def test_model_list_rows_must_match_labels(case):
    with pytest.raises(InputError, match="labels: has 59 entries but pred_probs has 60 rows"):
        find_label_issues(case.labels[:-1], [case.pred_probs, case.pred_probs], method="auto")


def test_bad_ensemble(case):
    with pytest.raises(InputError, match=r"The 'ensemble' parameter of find_label_issues must"):
        find_label_issues(case.labels, [case.pred_probs] * 2, ensemble="median")


def test_bad_mixture(case):
    with pytest.raises(InputError, match=r"The 'mixture' parameter of find_label_issues must"):
        find_label_issues(case.labels, case.pred_probs, method="small_loss", mixture="gamma")


def test_bad_n_neighbors(case):
    with pytest.raises(InputError, match=r"The 'n_neighbors' parameter .* must be an int >= 1"):
        find_label_issues(case.labels, features=case.features, method="knn", n_neighbors=0)


def test_rank_by_unused(case):
    with pytest.raises(InputError, match="rank_by: is not used by method='knn'"):
        find_label_issues(
            case.labels, features=case.features, method="knn", rank_by="self_confidence"
        )


def test_removals_only_for_prune_methods(case):
    with pytest.raises(InputError, match="num_to_remove_per_class: is only supported with"):
        find_label_issues(
            case.labels, case.pred_probs, method="auto", num_to_remove_per_class=[1] * 4
        )


def test_bad_random_state(case):
    with pytest.raises(InputTypeError, match="The 'random_state' parameter of find_label_issues"):
        find_label_issues(case.labels, features=case.features, method="knn", random_state=-1)


def test_labels_without_pred_probs_need_classes_for_names(case):
    names = np.array(["x", "y", "z", "w"])[case.labels]
    with pytest.raises(InputTypeError, match="labels: expected integer class indices"):
        find_label_issues(names, features=case.features, method="knn")


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("mixture", "normal", r"The 'mixture' parameter of clean_probability must be one of"),
        ("ensemble", "max", r"The 'ensemble' parameter of clean_probability must be one of"),
    ],
)
def test_clean_probability_options(case, option, value, message):
    with pytest.raises(InputError, match=message):
        clean_probability(case.labels, case.pred_probs, **{option: value})


@pytest.mark.parametrize("bad", ["yes", "False", 0, 1, None])
def test_clean_probability_per_class_must_be_a_bool(case, bad):
    """1 and 0 are not bools here: ``per_class`` is never read by truthiness or equality."""
    with pytest.raises(
        InputTypeError,
        match=r"The 'per_class' parameter of clean_probability must be one of \{False, True\}",
    ):
        clean_probability(case.labels, case.pred_probs, per_class=bad)
