"""``clean_probability``: P(clean) of every example from a mixture over its loss."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from labelnoise._pass import class_index, self_confidence
from labelnoise._validation import Problem, check_bool, check_choice, check_problem
from labelnoise.detect._ensemble import ENSEMBLE_METHODS, EnsembleMethod, combine, is_model_list
from labelnoise.detect._mixture import clean_posterior

__all__ = ["MixtureKind", "class_clean_posterior", "clean_probability"]

MixtureKind = Literal["gaussian", "beta"]
MIXTURES: tuple[str, ...] = ("gaussian", "beta")
#: A class with fewer examples than this uses the global fit instead of its own.
MIN_CLASS_SIZE = 10


def class_clean_posterior(problem: Problem, *, mixture: str, per_class: bool) -> np.ndarray:
    """P(clean) from one global fit, or (``per_class``) one fit per given class of at
    least :data:`MIN_CLASS_SIZE` rows where that class's values show two modes, its
    noisy mode noisy by the global fit (:func:`clean_posterior`)."""
    confidence = self_confidence(problem)
    groups = []
    if per_class:
        index = class_index(problem.labels, problem.n_classes, out_of_core=problem.out_of_core)
        groups = [index.rows(int(k)) for k in np.flatnonzero(index.counts >= MIN_CLASS_SIZE)]
    return clean_posterior(confidence, mixture, groups)


def clean_probability(
    labels: Any,
    pred_probs: Any,
    *,
    mixture: MixtureKind = "gaussian",
    per_class: bool = False,
    ensemble: EnsembleMethod = "likelihood",
    classes: Sequence[Any] | None = None,
    normalize: bool = False,
) -> np.ndarray:
    """Probability that each given label is clean, from a two-component loss mixture.

    The "small-loss" criterion (Arazo et al., ICML 2019; DivideMix, Li et al., ICLR 2020):
    per-example losses ``-log p[label]`` of out-of-sample predictions form a tight mode of
    clean examples near 0 and a broad mode of mislabelled ones. A two-component mixture is
    fitted by EM and each example gets the posterior of the low-loss component. EM starts
    from a split at the median, so the result is deterministic.

    Parameters
    ----------
    labels : array-like of shape (n,)
        Given labels: integers ``0..K-1``, or names with ``classes=``.
    pred_probs : array-like of shape (n, K), or a list of them (one per model)
        Out-of-sample predicted probabilities. Several models are combined as
        ``ensemble`` says (``rank`` averages the probabilities here).
    mixture : {"gaussian", "beta"}, default="gaussian"
        ``gaussian``: a Gaussian mixture over the losses. ``beta``: a Beta mixture over
        ``p[label]`` (in [0, 1], a monotone function of the loss).
    per_class : bool, default=False
        Fit one mixture per given class: a hard class has larger losses, clean or not.
        A class keeps the global fit when it has fewer than 10 examples, when its values
        do not show two modes (two components do not beat one by the Bayesian
        information criterion), or when its noisy mode is clean by the global fit: a
        small, clean class would otherwise be split in two.
    ensemble : {"likelihood", "mean", "rank", "weighted"}, default="likelihood"
        How to combine a list of models' ``pred_probs`` (as in :func:`find_label_issues`).
    classes : sequence of length K, optional
        Class name of each column of ``pred_probs``, when labels are names.
    normalize : bool, default=False
        Divide each row of ``pred_probs`` by its sum first.

    Returns
    -------
    ndarray of float64, shape (n,)
        ``P(clean)`` in [0, 1]; 1 everywhere when all losses are equal.

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise.detect import clean_probability
    >>> p_label = np.r_[np.linspace(0.8, 0.99, 40), np.linspace(0.01, 0.2, 10)]
    >>> pred_probs = np.column_stack([p_label, 1 - p_label])
    >>> p_clean = clean_probability(np.zeros(50, dtype=int), pred_probs)
    >>> int((p_clean < 0.5).sum())
    10
    """
    func = "clean_probability"
    check_choice(mixture, name="mixture", func=func, choices=MIXTURES)
    per_class = check_bool(per_class, name="per_class", func=func)
    check_choice(ensemble, name="ensemble", func=func, choices=ENSEMBLE_METHODS)
    if is_model_list(pred_probs):
        problem = combine(
            labels, pred_probs, ensemble=ensemble, classes=classes, normalize=normalize
        ).problem
    else:
        problem = check_problem(labels, pred_probs, classes=classes, normalize=normalize)
    return class_clean_posterior(problem, mixture=mixture, per_class=per_class)
