"""``CleanClassifier``: train any scikit-learn classifier through label noise."""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import Tags, get_tags
from sklearn.utils.validation import _num_samples, check_is_fitted

from labelnoise._errors import InputError
from labelnoise._random import check_random_state
from labelnoise._validation import (
    check_bool,
    check_choice,
    check_fraction,
    check_int,
    check_problem,
)
from labelnoise.detect import METHODS
from labelnoise.learn._cv import as_rows, encode_labels, make_splits, oof_pred_probs
from labelnoise.learn._fitting import check_accepts_sample_weight, fit_clone, predict_columns
from labelnoise.learn._rounds import Plan, flag_issues, plan_training, posterior
from labelnoise.noise import estimate_noise

__all__ = ["CleanClassifier", "Handling"]

Handling = Literal["relabel", "prune", "reweight"]
_OWNER = "CleanClassifier"
_HANDLINGS = ("relabel", "prune", "reweight")
#: "posterior" and the detection methods that need no features (CleanClassifier has no
#: way to pass them).
_CLEAN_METHODS = (
    "posterior",
    *(name for name, method in METHODS.items() if method.features != "required"),
)
#: Input tags that follow the inner estimator: X goes to it as given, so it decides what
#: kinds of X work (sparse, NaN, ...). ``pairwise`` does not: folds index rows only.
_INNER_INPUT_TAGS = ("sparse", "allow_nan", "positive_only", "categorical", "string", "dict")


def default_estimator() -> BaseEstimator:
    """``StandardScaler`` + ``LogisticRegression(max_iter=1000)``."""
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))


class CleanClassifier(ClassifierMixin, BaseEstimator):
    """Wrap any classifier so that it learns from noisy labels as if they were clean.

    Each round, cross-validation gives every example an out-of-sample predicted
    probability; :func:`labelnoise.estimate_noise` turns those into the noise matrix
    ``P(given | true)``; Bayes' rule then gives each example's posterior
    ``P(true | given, x)``, proportional to ``P(given | true) * pred_probs``. Examples are
    flagged (``method``) and handled (``handling``), and the next round's models train on
    the cleaned set, so the probabilities, the noise estimate and the labels improve
    together. The final model is fitted on the whole cleaned set.

    With ``method="prune_by_noise_rate", handling="prune", max_iter=1`` this is
    confident learning's CleanLearning. The defaults (the noise-aware posterior, pruning,
    up to 20 rounds) were chosen with ``benchmarks/learn_digits.py`` (see
    ``docs/benchmarks.md``): iterating is what repairs structured noise such as 40% pair
    flips, and pruning, unlike relabelling, stays safe with weak or over-confident models.

    Parameters
    ----------
    estimator : classifier, optional
        Any scikit-learn classifier with ``predict_proba`` (Pipelines work); cloned, never
        modified. Default: ``StandardScaler()`` then ``LogisticRegression(max_iter=1000)``.
    method : str, default "posterior"
        How to flag issues. ``"posterior"``: the posterior's most likely class is not the
        given label (the Bayes decision). The others are the methods of
        :func:`labelnoise.find_label_issues` (:data:`labelnoise.detect.METHODS`) that run on
        ``pred_probs`` alone, such as ``"prune_by_noise_rate"`` or ``"auto"``.
    handling : {"prune", "relabel", "reweight"}, default "prune"
        What to do with flagged examples: leave them out, give them the posterior's most
        likely class, or weight them by the posterior probability that their label is
        right (needs ``sample_weight`` in the estimator's ``fit``). Relabelling is slightly
        better with a well-calibrated model but feeds a weak or over-confident model its
        own mistakes (a decision tree on *clean* digits fell from 0.86 to 0.48 accuracy).
    max_iter : int >= 1, default 20
        Most cleaning rounds; each costs ``cv`` fits. Structured noise (pair flips at
        40%) needs 10-20 rounds; light noise stops after a few (see ``tol``).
    tol : float in [0, 1], default 0.01
        Stop once at most this share of examples changed flag between two rounds.
    cv : int >= 2, CV splitter or iterable of (train, test), default 5
        Folds for the out-of-sample probabilities (an int gives shuffled StratifiedKFold,
        reshuffled every round).
    n_jobs : int, optional
        Folds fitted in parallel with joblib.
    random_state : int, numpy.random.Generator or None
        Seeds the fold shuffles (not the estimator); the global RNG is never used.
    progress : bool, default False
        Show a progress bar per round (needs the optional ``tqdm``).

    Attributes
    ----------
    classes_ : ndarray of shape (K,)
        Class labels, sorted.
    estimator_ : classifier
        The final model, fitted on the cleaned training set.
    label_issues_ : LabelIssues
        Issues of the last round, in class labels; ``suggested_labels`` is the
        posterior's most likely class and, for ``method="posterior"``, ``scores`` the
        posterior probability of the given label.
    noise_estimate_ : NoiseEstimate
        Noise estimate of the last round (labels as codes ``0..K-1`` into ``classes_``).
    pred_probs_ : ndarray of shape (n, K)
        Out-of-sample probabilities of the last round.
    labels_ : ndarray of shape (n,)
        Labels the final model was trained on (changed where relabelled).
    train_mask_ : ndarray of bool, shape (n,)
        Rows the final model was trained on.
    sample_weight_ : ndarray of shape (n,) or None
        Weights of the final fit (``handling="reweight"`` only).
    n_iter_ : int
        Rounds run.
    n_features_in_ : int
        Features seen in ``fit`` (when the estimator records it).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from labelnoise.learn import CleanClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> noisy = y.copy()
    >>> noisy[::10] = (noisy[::10] + 1) % 3  # 15 wrong labels
    >>> clf = CleanClassifier(max_iter=3, random_state=0).fit(X, noisy)
    >>> int(clf.label_issues_.mask[::10].sum()) >= 12
    True
    >>> clf.score(X, y) > 0.9
    True
    """

    def __init__(
        self,
        estimator: Any = None,
        *,
        method: str = "posterior",
        handling: Handling = "prune",
        max_iter: int = 20,
        tol: float = 0.01,
        cv: Any = 5,
        n_jobs: int | None = None,
        random_state: Any = None,
        progress: bool = False,
    ) -> None:
        self.estimator = estimator
        self.method = method
        self.handling = handling
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.progress = progress

    def _checked_estimator(self) -> BaseEstimator:
        check_choice(self.method, name="method", func=_OWNER, choices=_CLEAN_METHODS)
        check_choice(self.handling, name="handling", func=_OWNER, choices=_HANDLINGS)
        check_int(self.max_iter, name="max_iter", func=_OWNER, minimum=1)
        check_fraction(self.tol, name="tol", func=_OWNER)
        check_bool(self.progress, name="progress", func=_OWNER)
        estimator = default_estimator() if self.estimator is None else self.estimator
        if not (hasattr(estimator, "fit") and hasattr(estimator, "predict_proba")):
            raise InputError(
                "estimator",
                f"{_OWNER} needs a classifier with fit and predict_proba, got {estimator!r}; "
                "e.g. SVC(probability=True) instead of SVC().",
            )
        if self.handling == "reweight":
            check_accepts_sample_weight(estimator, owner=_OWNER)
        return estimator

    def __sklearn_tags__(self) -> Tags:
        """The classifier's tags, with the input tags of the inner estimator.

        Every fit (folds and final) hands ``X`` to the inner estimator, so what it
        accepts (sparse matrices, NaN, ...) is what this accepts, as in scikit-learn's
        own meta-estimators (``SelfTrainingClassifier``, ``BaggingClassifier``).
        """
        tags = super().__sklearn_tags__()
        estimator = default_estimator() if self.estimator is None else self.estimator
        try:
            inner = get_tags(estimator).input_tags
        except (AttributeError, TypeError):  # not a scikit-learn estimator: keep defaults
            return tags
        for name in _INNER_INPUT_TAGS:
            setattr(tags.input_tags, name, getattr(inner, name))
        return tags

    def fit(self, X: Any, y: Any, *, pred_probs: Any = None) -> CleanClassifier:
        """Clean the labels and fit the final model.

        Parameters
        ----------
        X : array-like, sparse matrix or DataFrame of shape (n, ...)
            Training features (anything the estimator accepts; indexed by rows).
        y : array-like of shape (n,)
            Given, possibly wrong, labels.
        pred_probs : array-like of shape (n, K), optional
            Out-of-sample probabilities to use in the first round instead of
            cross-validating (columns in the order of ``np.unique(y)``).

        Returns
        -------
        self
        """
        estimator = self._checked_estimator()
        X = as_rows(X)
        codes, self.classes_ = encode_labels(y, owner=_OWNER)
        if _num_samples(X) != codes.shape[0]:
            raise InputError("X", f"has {_num_samples(X)} rows but y has {codes.shape[0]} labels.")
        first = None if pred_probs is None else self._check_pred_probs(pred_probs, codes)
        plan = self._clean(estimator, X, codes, first)
        rows = None if plan.train_mask is None else np.flatnonzero(plan.train_mask)
        self.estimator_ = fit_clone(estimator, X, plan.labels, rows, plan.sample_weight)
        self.labels_ = self.classes_[plan.labels]
        self.train_mask_ = np.ones(codes.shape[0], bool) if rows is None else plan.train_mask
        self.sample_weight_ = plan.sample_weight
        for name in ("n_features_in_", "feature_names_in_"):
            if hasattr(self.estimator_, name):
                setattr(self, name, getattr(self.estimator_, name))
        return self

    def _check_pred_probs(self, pred_probs: Any, codes: np.ndarray) -> np.ndarray:
        problem = check_problem(codes, pred_probs)
        if problem.n_classes != self.classes_.shape[0]:
            raise InputError(
                "pred_probs",
                f"has {problem.n_classes} columns but y has {self.classes_.shape[0]} classes; "
                "pass one column per class in the order of np.unique(y).",
            )
        return np.asarray(problem.pred_probs, dtype=np.float64)

    def _clean(
        self, estimator: BaseEstimator, X: Any, codes: np.ndarray, pred_probs: np.ndarray | None
    ) -> Plan:
        rng = check_random_state(self.random_state, func=_OWNER)
        n_classes = self.classes_.shape[0]
        plan, previous = Plan(codes, None, None), None
        for round_ in range(self.max_iter):
            if pred_probs is None or round_ > 0:
                splits = make_splits(self.cv, X, codes, rng, owner=_OWNER)
                pred_probs = oof_pred_probs(
                    estimator, X, plan.labels, n_classes, splits,
                    train_mask=plan.train_mask, sample_weight=plan.sample_weight,
                    n_jobs=self.n_jobs, progress=self.progress, desc=f"round {round_ + 1}",
                )  # fmt: skip
            noise = estimate_noise(codes.copy(), pred_probs)
            post = posterior(noise.noise_matrix, codes, pred_probs)
            issues = flag_issues(self.method, codes, pred_probs, post)
            plan = plan_training(self.handling, codes, issues, post)
            converged = previous is not None and np.mean(issues.mask != previous) <= self.tol
            previous = issues.mask
            if converged:
                break
        self.n_iter_ = round_ + 1
        self.pred_probs_, self.noise_estimate_ = pred_probs, noise
        self.label_issues_ = dataclasses.replace(
            issues,
            given_labels=self.classes_[codes],
            suggested_labels=self.classes_[issues.suggested_labels],
        )
        return plan

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities of the final model, shape (m, K), columns as ``classes_``."""
        check_is_fitted(self, "estimator_")
        return predict_columns(self.estimator_, X, self.classes_.shape[0])

    def predict(self, X: Any) -> np.ndarray:
        """Predicted class labels of the final model, shape (m,)."""
        check_is_fitted(self, "estimator_")
        return self.classes_[np.asarray(self.estimator_.predict(X), dtype=np.intp)]
