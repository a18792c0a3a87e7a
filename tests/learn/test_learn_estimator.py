"""CleanClassifier: the scikit-learn contract, meta-estimators, and what each option does."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils import get_tags
from sklearn.utils.estimator_checks import parametrize_with_checks

from labelnoise import find_label_issues
from labelnoise.learn import CleanClassifier, cross_val_pred_probs
from labelnoise.simulate import pairflip


@parametrize_with_checks(
    [
        CleanClassifier(max_iter=2, cv=3, random_state=0),
        # accepts sparse X: the tags must say so
        CleanClassifier(LogisticRegression(), max_iter=2, cv=3, random_state=0),
        # dense only
        CleanClassifier(GaussianNB(), max_iter=2, cv=3, random_state=0),
        # dense only, and NaN is allowed
        CleanClassifier(HistGradientBoostingClassifier(max_iter=10), max_iter=2, cv=3),
        # sparse and NaN
        CleanClassifier(DecisionTreeClassifier(random_state=0), max_iter=2, cv=3),
    ]
)
def test_sklearn_contract(estimator, check):
    """The contract holds whatever the inner estimator accepts (tags follow it)."""
    check(estimator)


@pytest.mark.parametrize(
    ("inner", "sparse", "allow_nan"),
    [
        (None, False, False),  # StandardScaler + LogisticRegression
        (LogisticRegression(), True, False),
        (GaussianNB(), False, False),
        (HistGradientBoostingClassifier(), False, True),
        (DecisionTreeClassifier(), True, True),
        (make_pipeline(StandardScaler(with_mean=False), LogisticRegression()), True, False),
    ],
)
def test_input_tags_follow_the_inner_estimator(inner, sparse, allow_nan):
    tags = get_tags(CleanClassifier(inner)).input_tags
    assert (tags.sparse, tags.allow_nan) == (sparse, allow_nan)


def test_tags_of_a_non_sklearn_inner_estimator_are_the_defaults():
    class Bare:
        def fit(self, X, y):
            return self

        def predict_proba(self, X):
            return np.full((len(X), 2), 0.5)

    assert get_tags(CleanClassifier(Bare())).input_tags.sparse is False


@pytest.fixture(scope="module")
def noisy_digits():
    """Digits 0-4 (about 900 rows), 30% pair-flip noise on the training part."""
    X, y = load_digits(n_class=5, return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    noisy = pairflip(y_tr, noise_rate=0.3, random_state=0)
    return X_tr, np.array(noisy.labels), y_tr, X_te, y_te


def scaled_lr():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=300))


def test_default_beats_the_plain_estimator_and_finds_the_flips(noisy_digits):
    X_tr, noisy, clean, X_te, y_te = noisy_digits
    plain = scaled_lr().fit(X_tr, noisy).score(X_te, y_te)
    model = CleanClassifier(scaled_lr(), max_iter=4, random_state=0).fit(X_tr, noisy)
    assert model.score(X_te, y_te) > plain + 0.05
    flipped = noisy != clean
    found = model.label_issues_.mask
    assert (found & flipped).sum() / found.sum() > 0.8  # precision
    np.testing.assert_array_equal(model.train_mask_, ~found)
    assert np.array_equal(model.labels_, noisy) and model.sample_weight_ is None
    assert model.n_iter_ == 4 and model.pred_probs_.shape == (len(noisy), 5)
    assert model.noise_estimate_.noise_matrix.shape == (5, 5)


def test_one_round_prune_is_confident_learning(noisy_digits):
    X_tr, noisy, *_ = noisy_digits
    pred_probs = cross_val_pred_probs(scaled_lr(), X_tr, noisy, random_state=0)
    model = CleanClassifier(
        scaled_lr(), method="prune_by_noise_rate", handling="prune", max_iter=1
    ).fit(X_tr, noisy, pred_probs=pred_probs)
    expected = find_label_issues(noisy.copy(), pred_probs)
    np.testing.assert_array_equal(model.label_issues_.mask, expected.mask)
    np.testing.assert_array_equal(model.train_mask_, ~expected.mask)
    manual = scaled_lr().fit(X_tr[~expected.mask], noisy[~expected.mask])
    np.testing.assert_allclose(model.predict_proba(X_tr), manual.predict_proba(X_tr))
    np.testing.assert_array_equal(model.pred_probs_, pred_probs)


def test_relabel_and_reweight_act_on_the_flagged_rows(noisy_digits):
    X_tr, noisy, clean, *_ = noisy_digits
    relabel = CleanClassifier(scaled_lr(), handling="relabel", max_iter=1, random_state=1)
    relabel.fit(X_tr, noisy)
    issues = relabel.label_issues_
    changed = relabel.labels_ != noisy
    np.testing.assert_array_equal(changed, issues.mask)
    np.testing.assert_array_equal(relabel.labels_[changed], issues.suggested_labels[changed])
    assert relabel.sample_weight_ is None and relabel.train_mask_.all()
    assert np.mean(relabel.labels_ == clean) > np.mean(noisy == clean) + 0.1
    weighted = CleanClassifier(scaled_lr(), handling="reweight", max_iter=1, random_state=1)
    weighted.fit(X_tr, noisy)
    w, mask = weighted.sample_weight_, weighted.label_issues_.mask
    assert np.all(w[~mask] == 1.0) and np.all(w[mask] < 0.5)
    np.testing.assert_allclose(w[mask], np.clip(weighted.label_issues_.scores[mask], 1e-3, 1))


def test_tol_stops_early_and_rounds_are_reproducible(noisy_digits):
    X_tr, noisy, *_ = noisy_digits
    loose = CleanClassifier(scaled_lr(), max_iter=10, tol=0.2, random_state=3).fit(X_tr, noisy)
    assert loose.n_iter_ == 2
    again = CleanClassifier(scaled_lr(), max_iter=10, tol=0.2, random_state=3).fit(X_tr, noisy)
    np.testing.assert_array_equal(loose.train_mask_, again.train_mask_)


def test_class_names_pipeline_and_grid_search(noisy_digits):
    X_tr, noisy, *_ = noisy_digits
    names = np.array(["zero", "one", "two", "three", "four"])[noisy]
    grid = GridSearchCV(
        make_pipeline(StandardScaler(), CleanClassifier(max_iter=1, cv=3, random_state=0)),
        {"cleanclassifier__handling": ["relabel", "prune"]},
        cv=2,
    ).fit(X_tr, names)
    model = grid.best_estimator_[-1]
    assert set(model.classes_) == set(names) and model.labels_.dtype.kind == "U"
    assert set(grid.predict(X_tr[:5])) <= set(names)
    assert model.label_issues_.given_labels[0] == names[0]
    assert model.n_features_in_ == X_tr.shape[1]


def test_a_class_missing_from_the_cleaned_set_still_gets_a_column():
    X = np.r_[np.zeros((20, 1)), np.ones((20, 1)), [[0.0], [0.05]]]
    y = np.r_[np.zeros(20, int), np.ones(20, int), [2, 2]]  # class 2 looks like class 0
    model = CleanClassifier(
        LogisticRegression(), handling="prune", max_iter=1, cv=2, random_state=0
    ).fit(X, y)
    assert model.predict_proba(X).shape == (42, 3)
