"""The detectors beyond confident learning's seven filters, behind ``find_label_issues``.

``auto`` (counts from confident learning, ranking by a noise-adaptive rank mix; with
``features`` too, the model's probabilities are averaged with neighbour votes),
``small_loss`` (two-component loss mixture), ``knn`` (neighbour label agreement),
``linear_separation`` and ``linear_separation_small_loss`` (per-class linear
separation of clean and noisy examples in feature space). Each is a function
``(inputs, settings) -> LabelIssues`` named in the registry (:mod:`._registry`), and
returns :class:`LabelIssues` with the same invariants as the confident-learning methods.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from labelnoise._errors import InputError
from labelnoise._pass import (
    class_index,
    confident_pass,
    given_is_argmax,
    self_confidence_block,
)
from labelnoise._validation import Problem, as_array, check_features, check_labels, check_problem
from labelnoise.detect._auto import auto_flags, auto_scores
from labelnoise.detect._ensemble import combine, is_model_list, rank_average
from labelnoise.detect._knn import cosine_neighbors, neighbor_votes, vote_flags
from labelnoise.detect._linear import linear_separation as separate
from labelnoise.detect._result import LabelIssues
from labelnoise.detect._small_loss import class_clean_posterior
from labelnoise.scores._scores import quality_scores

if TYPE_CHECKING:
    from labelnoise.detect._registry import DetectionMethod

__all__ = [
    "Inputs",
    "Settings",
    "auto",
    "disputed",
    "knn",
    "label_issues",
    "linear_separation",
    "linear_separation_small_loss",
    "resolve_inputs",
    "small_loss",
]


@dataclass(frozen=True)
class Inputs:
    """Validated inputs of one call: label codes, and pred_probs and/or features."""

    codes: np.ndarray
    classes: np.ndarray | None
    n_classes: int
    problem: Problem | None  # combined, in memory
    members: tuple[Problem, ...]  # each model's problem when ranks are averaged
    features: np.ndarray | None

    def names(self, codes: np.ndarray) -> np.ndarray:
        return codes.copy() if self.classes is None else self.classes[codes]


@dataclass(frozen=True)
class Settings:
    """The validated options of one call that a detector reads."""

    method: str
    score_method: str  # rank_by, else the method's own score (the registry's)
    rank_by: str | None
    n_neighbors: int
    mixture: str
    rng: np.random.Generator


def _dense(problem: Problem) -> Problem:
    """The problem with ``pred_probs`` in memory (read block by block when out of core)."""
    pred_probs = problem.pred_probs
    if problem.out_of_core:
        pred_probs = np.concatenate([block for _, block in problem.rows.blocks()])
    return Problem(
        labels=problem.labels.astype(np.intp), pred_probs=pred_probs, classes=problem.classes
    )


def _codes_without_probs(labels: Any, classes: Any) -> tuple[np.ndarray, np.ndarray | None, int]:
    if classes is not None:
        n_classes = int(as_array(classes, "classes").shape[0])
    else:
        arr = as_array(labels, "labels")
        numeric = arr.dtype.kind in "biuf" and arr.size and np.all(np.isfinite(arr))
        n_classes = max(2, int(arr.max()) + 1) if numeric else 2
    codes, names = check_labels(labels, n_classes=n_classes, classes=classes)
    return codes, names, n_classes


def _check_needs(spec: DetectionMethod, pred_probs: Any, features: Any) -> None:
    """Errors for a missing input, and a warning for pred_probs a method does not read."""
    method = spec.name
    if spec.features == "required" and features is None:
        raise InputError(
            "features",
            f"method={method!r} needs features: pass features=X, an (n, d) array of "
            "embeddings (one row per label), or choose a method that uses pred_probs.",
        )
    if pred_probs is None and (spec.pred_probs == "required" or features is None):
        needs = "pred_probs" if spec.pred_probs == "required" else "pred_probs or features"
        raise InputError(
            "pred_probs",
            f"method={method!r} needs {needs}; pass out-of-sample pred_probs of shape (n, K) "
            "(e.g. from labelnoise.learn.cross_val_pred_probs).",
        )
    if spec.pred_probs == "unused" and pred_probs is not None:
        warnings.warn(
            f"pred_probs are not used by method={method!r} (neighbour votes only); use "
            "method='auto' to combine them with the features.",
            UserWarning,
            stacklevel=4,
        )


def resolve_inputs(
    labels: Any,
    pred_probs: Any,
    features: Any,
    *,
    spec: DetectionMethod,
    ensemble: str,
    classes: Any,
    normalize: bool,
    chunk_size: int | None,
    n_jobs: int = 1,
) -> Inputs:
    """Validate what the method ``spec`` needs and combine several models' ``pred_probs``."""
    _check_needs(spec, pred_probs, features)
    problem: Problem | None = None
    members: tuple[Problem, ...] = ()
    if is_model_list(pred_probs):
        ens = combine(labels, pred_probs, ensemble=ensemble, classes=classes, normalize=normalize)
        problem, members = ens.problem, ens.members if ens.rank else ()
        ranks = "rank_by" in spec.options  # a quality score per model: ranks can be averaged
        if ens.rank and spec.pred_probs != "unused" and (not ranks or features is not None):
            warnings.warn(
                f"ensemble='rank' averages rankings, which method={spec.name!r} does not use"
                f"{' with features' if ranks else ''}; the models' probabilities "
                "are averaged instead (as ensemble='mean').",
                UserWarning,
                stacklevel=3,
            )
    elif pred_probs is not None:
        problem = _dense(
            check_problem(
                labels,
                pred_probs,
                classes=classes,
                normalize=normalize,
                chunk_size=chunk_size,
                n_jobs=n_jobs,
            )
        )
    if problem is not None:
        codes, names, n_classes = problem.labels, problem.classes, problem.n_classes
    else:
        codes, names, n_classes = _codes_without_probs(labels, classes)
    feats = None if features is None else check_features(features, codes.shape[0])
    return Inputs(codes, names, n_classes, problem, members, feats)


def label_issues(
    inputs: Inputs,
    settings: Settings,
    mask: np.ndarray,
    scores: np.ndarray,
    suggested: np.ndarray,
    tiebreak: list[np.ndarray] | None = None,
) -> LabelIssues:
    """The result; ``indices`` worst first, equal scores by the lower ``tiebreak[0]``,
    then ``tiebreak[1]``, ..."""
    flagged = np.flatnonzero(mask)
    keys = [t[flagged] for t in reversed(tiebreak or [])]
    indices = flagged[np.lexsort((*keys, scores[flagged]))]
    return LabelIssues(
        mask=mask,
        indices=indices,
        scores=np.asarray(scores, dtype=np.float64),
        given_labels=inputs.names(inputs.codes),
        suggested_labels=inputs.names(np.asarray(suggested)),
        method=settings.method,
        score_method=settings.score_method,
    )


def _votes(
    inputs: Inputs, features: np.ndarray, n_neighbors: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Neighbour vote shares and their similarity-weighted version (a tiebreak: plain
    shares take few values, so many rows tie)."""
    neighbors = cosine_neighbors(features, n_neighbors, rng=rng)
    return (
        neighbor_votes(inputs.codes, neighbors, inputs.n_classes),
        neighbor_votes(inputs.codes, neighbors, inputs.n_classes, weighted=True),
    )


def _own(inputs: Inputs, shares: np.ndarray) -> np.ndarray:
    return np.asarray(shares[np.arange(inputs.codes.shape[0]), inputs.codes])


def auto(inputs: Inputs, settings: Settings) -> LabelIssues:
    """Count by confident learning, rank by the noise-adaptive mix (or ``rank_by``)."""
    problem = inputs.problem
    members = inputs.members
    weighted = None
    if inputs.features is not None:
        probs, weighted = _votes(inputs, inputs.features, settings.n_neighbors, settings.rng)
        if problem is not None:
            probs = (probs + problem.pred_probs) / 2
            weighted = (weighted + problem.pred_probs) / 2
        problem = Problem(labels=inputs.codes, pred_probs=probs, classes=inputs.classes)
        members = ()
    if problem is None:  # resolve_inputs guarantees pred_probs or features
        raise InputError("pred_probs", "method='auto' needs pred_probs or features.")

    def score(member: Problem) -> np.ndarray:
        if settings.rank_by is not None:
            return quality_scores(member, settings.rank_by)
        return auto_scores(member, confident_pass(member))

    stats = confident_pass(problem)
    scores = rank_average([score(m) for m in members]) if members else score(problem)
    tiebreak = [quality_scores(problem, "normalized_margin")]
    if weighted is not None:  # then equal margins are common: weighted votes decide
        tiebreak.append(
            quality_scores(
                Problem(labels=inputs.codes, pred_probs=weighted, classes=inputs.classes),
                "normalized_margin",
            )
        )
    mask = auto_flags(problem, stats, scores, tiebreak)
    return label_issues(inputs, settings, mask, scores, stats.argmax, tiebreak)


def _small_loss(inputs: Inputs, mixture: str) -> np.ndarray:
    if inputs.problem is None:
        raise InputError("pred_probs", "the small-loss criterion needs pred_probs.")
    return class_clean_posterior(inputs.problem, mixture=mixture, per_class=False)


def small_loss(inputs: Inputs, settings: Settings) -> LabelIssues:
    """``P(clean) < 0.5`` from a two-component mixture over the losses."""
    p_clean = _small_loss(inputs, settings.mixture)
    suggested = inputs.problem.pred_probs.argmax(axis=1)  # type: ignore[union-attr]
    mask = disputed(inputs, p_clean < 0.5)
    return label_issues(inputs, settings, mask, p_clean, suggested)


def knn(inputs: Inputs, settings: Settings) -> LabelIssues:
    """Another class has more votes than the given label among the nearest neighbours."""
    if inputs.features is None:
        raise InputError("features", "method='knn' needs features.")
    votes, weighted = _votes(inputs, inputs.features, settings.n_neighbors, settings.rng)
    flagged, suggested = vote_flags(inputs.codes, votes)
    own = _own(inputs, votes)
    return label_issues(inputs, settings, flagged, own, suggested, [_own(inputs, weighted)])


def _separated(
    inputs: Inputs, settings: Settings
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """Linear separation's ``P(clean)``, started from small-loss (with pred_probs) or
    neighbour votes; with small-loss's ``P(clean)`` (when computed) and the suggestions."""
    if inputs.features is None:
        raise InputError("features", f"method={settings.method!r} needs features.")
    p_small = None
    if inputs.problem is None:
        votes, _ = _votes(inputs, inputs.features, settings.n_neighbors, settings.rng)
        flagged, suggested = vote_flags(inputs.codes, votes)
        initial = ~flagged
    else:
        p_small = _small_loss(inputs, settings.mixture)
        initial = p_small >= 0.5
        suggested = inputs.problem.pred_probs.argmax(axis=1)
    index = class_index(inputs.codes, inputs.n_classes)
    return separate(inputs.features, index, initial), p_small, suggested


def linear_separation(inputs: Inputs, settings: Settings) -> LabelIssues:
    """Per class, a cross-fitted linear classifier separates presumed-clean from
    presumed-noisy examples in feature space, iterated."""
    p_clean, _, suggested = _separated(inputs, settings)
    mask = disputed(inputs, p_clean < 0.5)
    return label_issues(inputs, settings, mask, p_clean, suggested)


def linear_separation_small_loss(inputs: Inputs, settings: Settings) -> LabelIssues:
    """:func:`linear_separation`'s ``P(clean)`` averaged with small-loss's."""
    p_clean, p_small, suggested = _separated(inputs, settings)
    if p_small is None:
        p_small = _small_loss(inputs, settings.mixture)  # raises: needs pred_probs
    p_clean = (p_clean + p_small) / 2
    mask = disputed(inputs, p_clean < 0.5)
    return label_issues(inputs, settings, mask, p_clean, suggested)


def disputed(inputs: Inputs, mask: np.ndarray) -> np.ndarray:
    """``mask`` without the rows whose given label is the model's top class (as in
    confident learning, within 1e-6): a mixture always splits the losses in two, clean
    data too, and such a row has no better label to offer."""
    if inputs.problem is None:
        return mask
    probs, codes = inputs.problem.pred_probs, inputs.codes
    own = self_confidence_block(probs, codes)
    return mask & ~given_is_argmax(probs, codes, own, probs.argmax(axis=1))
