"""One pytest.raises per error message of the health functions."""

from __future__ import annotations

import numpy as np
import pytest

from labelnoise import InputError
from labelnoise.health import (
    OutlierDetector,
    check_health,
    class_imbalance,
    find_duplicates,
    find_leakage,
    image_signature,
    neighbor_graph,
    non_iid,
    outlier_scores,
    overlapping_classes,
)

X = np.random.default_rng(0).normal(size=(30, 4))
PP = np.full((30, 3), 1 / 3)
Y = np.arange(30) % 3


def test_features_must_be_2d():
    with pytest.raises(InputError, match=r"features: expected a 2-D array of shape \(n, d\)"):
        find_duplicates(np.ones(5))


def test_features_must_be_finite():
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(InputError, match="features: contain NaN or infinite"):
        neighbor_graph(bad)


def test_features_must_be_numeric():
    with pytest.raises(InputError, match="features: expected a numeric array"):
        find_duplicates(np.array([["a", "b"], ["c", "d"]]))


def test_threshold_must_be_positive():
    with pytest.raises(
        InputError, match="'threshold' parameter of find_duplicates must be a float > 0"
    ):
        find_duplicates(X, threshold=0)


def test_n_neighbors_must_be_positive():
    with pytest.raises(
        InputError, match="'n_neighbors' parameter of neighbor_graph must be an int >= 1"
    ):
        neighbor_graph(X, n_neighbors=0)


def test_labels_need_one_per_row():
    with pytest.raises(
        InputError, match=r"labels: expected a 1-D array with one label per row \(30\)"
    ):
        find_duplicates(X, labels=Y[:5])


def test_leakage_columns_must_match():
    with pytest.raises(InputError, match="test_features: has 3 columns but train_features has 4"):
        find_leakage(X, X[:, :3])


def test_leakage_content_needs_both():
    with pytest.raises(InputError, match="test_content: pass both train_content and test_content"):
        find_leakage(X, X, train_content=X)


def test_leakage_content_rows_must_match():
    with pytest.raises(InputError, match="train_content: has 5 rows but train_features has 30"):
        find_leakage(X, X, train_content=X[:5], test_content=X)


def test_outliers_need_an_input():
    with pytest.raises(InputError, match="features: pass features=, pred_probs= or both"):
        outlier_scores()


def test_outlier_pred_probs_rows_must_match():
    with pytest.raises(InputError, match="pred_probs: has 5 rows but features has 30"):
        outlier_scores(X, pred_probs=PP[:5])


def test_outlier_labels_must_index_columns():
    with pytest.raises(InputError, match=r"labels: expected integer class indices 0\.\.2"):
        outlier_scores(pred_probs=PP, labels=Y + 5)


def test_detector_must_be_fitted():
    with pytest.raises(InputError, match="OutlierDetector: is not fitted yet"):
        OutlierDetector().detect(X)


def test_detector_needs_the_fitted_inputs():
    det = OutlierDetector().fit(X)
    with pytest.raises(InputError, match="pred_probs: pred_probs was not given to fit"):
        det.detect(X, pred_probs=PP)


def test_detector_columns_must_match():
    det = OutlierDetector().fit(X)
    with pytest.raises(InputError, match="features: has 3 columns but the reference had 4"):
        det.detect(X[:, :3])


def test_detector_classes_must_match():
    det = OutlierDetector().fit(pred_probs=PP)
    with pytest.raises(InputError, match="pred_probs: has 2 columns but the reference had 3"):
        det.detect(pred_probs=np.full((4, 2), 0.5))


def test_imbalance_threshold_is_a_fraction():
    with pytest.raises(
        InputError, match="'threshold' parameter of class_imbalance must be a float in"
    ):
        class_imbalance(Y, threshold=2)


def test_imbalance_labels_must_be_in_classes():
    with pytest.raises(InputError, match=r"labels: values \[2\] are not in classes"):
        class_imbalance(Y, classes=[0, 1])


def test_overlap_threshold_is_a_fraction():
    with pytest.raises(InputError, match="'threshold' parameter of overlapping_classes"):
        overlapping_classes(Y, PP, threshold=-1)


def test_non_iid_permutations_positive():
    with pytest.raises(
        InputError, match="'n_permutations' parameter of non_iid must be an int >= 1"
    ):
        non_iid(X, n_permutations=0)


def test_check_health_unknown_check():
    with pytest.raises(
        InputError, match=r"'checks' parameter of check_health must be one of \{'duplicates', "
    ):
        check_health(X, checks=["typos"])


def test_check_health_checks_not_empty():
    with pytest.raises(InputError, match=r"checks: is empty; pass some of \['duplicates'"):
        check_health(X, checks=[])


def test_check_health_check_needs_inputs():
    with pytest.raises(InputError, match="checks: check 'leakage' needs test_features"):
        check_health(X, checks=["leakage"])


def test_check_health_rows_must_match():
    with pytest.raises(InputError, match="labels: has 5 rows but features has 30"):
        check_health(X, labels=Y[:5])


def test_image_signature_shape():
    with pytest.raises(InputError, match=r"images: expected shape \(n, H, W\) or \(n, H, W, C\)"):
        image_signature(np.zeros((4, 4)))


def test_image_signature_size():
    with pytest.raises(InputError, match="size: is 8 but the images are only 4x4 pixels"):
        image_signature(np.zeros((2, 4, 4)))


def test_image_signature_numeric():
    with pytest.raises(InputError, match="images: expected numeric pixels"):
        image_signature(np.full((2, 8, 8), "a"))


def test_random_state_checked():
    with pytest.raises(InputError, match="'random_state' parameter of find_duplicates"):
        find_duplicates(X, random_state=-1)


def test_labels_must_not_be_empty():
    with pytest.raises(InputError, match="labels: got 0 rows"):
        class_imbalance([])


def test_features_need_rows():
    with pytest.raises(InputError, match=r"features: got shape \(0, 4\); pass at least 2 rows"):
        find_duplicates(np.zeros((0, 4)))


def test_graph_needs_two_rows_but_new_rows_may_be_one():
    with pytest.raises(InputError, match=r"features: got shape \(1, 4\); pass at least 2 rows"):
        outlier_scores(X[:1])
    assert OutlierDetector().fit(X).detect(X[:1]).scores.shape == (1,)
    assert find_leakage(X[:1], X[1:2]).mask.tolist() == [False]


def test_check_health_labels_must_be_a_sequence():
    with pytest.raises(InputError, match=r"labels: has no rows \(not a sequence\) but features"):
        check_health(X, labels=5)


def test_outlier_labels_need_pred_probs():
    with pytest.raises(InputError, match="labels: are only used with pred_probs"):
        outlier_scores(X, labels=Y)


def test_graph_of_few_columns_needs_the_features():
    graph = neighbor_graph(X[:, :2])
    with pytest.raises(InputError, match=r"features: is a NeighborGraph of 2 column.*pass the"):
        find_duplicates(graph)


def test_content_view_needs_three_columns():
    with pytest.raises(InputError, match=r"train_content: has 2 column.*drop the content view"):
        find_leakage(X, X[:5], train_content=X[:, :2], test_content=X[:5, :2])
