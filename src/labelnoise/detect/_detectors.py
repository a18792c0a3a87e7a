"""The detectors beyond confident learning's seven filters, behind ``find_label_issues``.

``auto`` (counts from confident learning, ranking by a noise-adaptive rank mix; with
``features`` too, the model's probabilities are averaged with neighbour votes),
``small_loss`` (two-component loss mixture), ``knn`` (neighbour label agreement),
``linear_separation`` and ``linear_separation_small_loss`` (per-class linear
separation of clean and noisy examples in feature space). Each returns
:class:`LabelIssues` with the same invariants as the confident-learning methods.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from labelnoise._errors import InputError
from labelnoise._validation import Problem, as_array, check_labels, check_problem
from labelnoise.detect._auto import auto_flags, auto_scores
from labelnoise.detect._ensemble import combine, is_model_list, rank_average
from labelnoise.detect._knn import check_features, cosine_neighbors, neighbor_votes, vote_flags
from labelnoise.detect._linear import linear_separation
from labelnoise.detect._result import LabelIssues
from labelnoise.detect._small_loss import class_clean_posterior
from labelnoise.noise._pass import (
    class_index,
    confident_pass,
    given_is_argmax,
    self_confidence_block,
)
from labelnoise.scores._scores import quality_scores

__all__ = ["DETECTORS", "FEATURE_METHODS", "Inputs", "detect", "resolve_inputs"]

DETECTORS: tuple[str, ...] = (
    "auto",
    "small_loss",
    "knn",
    "linear_separation",
    "linear_separation_small_loss",
)
FEATURE_METHODS: tuple[str, ...] = ("knn", "linear_separation", "linear_separation_small_loss")
_PROBS_METHODS: tuple[str, ...] = ("small_loss", "linear_separation_small_loss")


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


def resolve_inputs(
    labels: Any,
    pred_probs: Any,
    features: Any,
    *,
    method: str,
    ensemble: str,
    classes: Any,
    normalize: bool,
    chunk_size: int | None,
    n_jobs: int = 1,
) -> Inputs:
    """Validate what ``method`` needs and combine several models' ``pred_probs``."""
    if method in FEATURE_METHODS and features is None:
        raise InputError(
            "features",
            f"method={method!r} needs features: pass features=X, an (n, d) array of "
            "embeddings (one row per label), or choose a method that uses pred_probs.",
        )
    if pred_probs is None and (method in _PROBS_METHODS or features is None):
        needs = "pred_probs or features" if method == "auto" else "pred_probs"
        raise InputError(
            "pred_probs",
            f"method={method!r} needs {needs}; pass out-of-sample pred_probs of shape (n, K) "
            "(e.g. from labelnoise.learn.cross_val_pred_probs).",
        )
    if method == "knn" and pred_probs is not None:
        warnings.warn(
            "pred_probs are not used by method='knn' (neighbour votes only); use "
            "method='auto' to combine them with the features.",
            UserWarning,
            stacklevel=3,
        )
    problem: Problem | None = None
    members: tuple[Problem, ...] = ()
    if is_model_list(pred_probs):
        ens = combine(labels, pred_probs, ensemble=ensemble, classes=classes, normalize=normalize)
        problem, members = ens.problem, ens.members if ens.rank else ()
        if ens.rank and method != "knn" and (method != "auto" or features is not None):
            warnings.warn(
                f"ensemble='rank' averages rankings, which method={method!r} does not use"
                f"{' with features' if method == 'auto' else ''}; the models' probabilities "
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


def _issues(
    inputs: Inputs,
    mask: np.ndarray,
    scores: np.ndarray,
    suggested: np.ndarray,
    method: str,
    score_method: str,
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
        method=method,
        score_method=score_method,
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


def _auto(
    inputs: Inputs, rank_by: str | None, n_neighbors: int, rng: np.random.Generator
) -> LabelIssues:
    """Count by confident learning, rank by the noise-adaptive mix (or ``rank_by``)."""
    problem = inputs.problem
    members = inputs.members
    weighted = None
    if inputs.features is not None:
        probs, weighted = _votes(inputs, inputs.features, n_neighbors, rng)
        if problem is not None:
            probs = (probs + problem.pred_probs) / 2
            weighted = (weighted + problem.pred_probs) / 2
        problem = Problem(labels=inputs.codes, pred_probs=probs, classes=inputs.classes)
        members = ()
    if problem is None:  # resolve_inputs guarantees pred_probs or features
        raise InputError("pred_probs", "method='auto' needs pred_probs or features.")

    def score(member: Problem) -> np.ndarray:
        if rank_by is not None:
            return quality_scores(member, rank_by)
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
    score_method = rank_by or "noise_adaptive_rank"
    return _issues(inputs, mask, scores, stats.argmax, "auto", score_method, tiebreak)


def _small_loss(inputs: Inputs, mixture: str) -> np.ndarray:
    if inputs.problem is None:
        raise InputError("pred_probs", "the small-loss criterion needs pred_probs.")
    return class_clean_posterior(inputs.problem, mixture=mixture, per_class=False)


def _linear(
    inputs: Inputs, method: str, *, n_neighbors: int, mixture: str, rng: np.random.Generator
) -> LabelIssues:
    """Linear separation, started from small-loss (with pred_probs) or neighbour votes."""
    if inputs.features is None:
        raise InputError("features", f"method={method!r} needs features.")
    small_loss = None
    if inputs.problem is None:
        votes, _ = _votes(inputs, inputs.features, n_neighbors, rng)
        flagged, suggested = vote_flags(inputs.codes, votes)
        initial = ~flagged
    else:
        small_loss = _small_loss(inputs, mixture)
        initial = small_loss >= 0.5
        suggested = inputs.problem.pred_probs.argmax(axis=1)
    index = class_index(inputs.codes, inputs.n_classes)
    p_clean = linear_separation(inputs.features, index, initial)
    if method == "linear_separation_small_loss":
        if small_loss is None:
            small_loss = _small_loss(inputs, mixture)  # raises: needs pred_probs
        p_clean = (p_clean + small_loss) / 2
    mask = _disputed(inputs, p_clean < 0.5)
    return _issues(inputs, mask, p_clean, suggested, method, "clean_probability")


def _disputed(inputs: Inputs, mask: np.ndarray) -> np.ndarray:
    """``mask`` without the rows whose given label is the model's top class (as in
    confident learning, within 1e-6): a mixture always splits the losses in two, clean
    data too, and such a row has no better label to offer."""
    if inputs.problem is None:
        return mask
    probs, codes = inputs.problem.pred_probs, inputs.codes
    own = self_confidence_block(probs, codes)
    return mask & ~given_is_argmax(probs, codes, own, probs.argmax(axis=1))


def detect(
    inputs: Inputs,
    method: str,
    *,
    rank_by: str | None,
    n_neighbors: int,
    mixture: str,
    rng: np.random.Generator,
) -> LabelIssues:
    """Run one of :data:`DETECTORS` on validated inputs."""
    if method == "auto":
        return _auto(inputs, rank_by, n_neighbors, rng)
    if method == "small_loss":
        p_clean = _small_loss(inputs, mixture)
        suggested = inputs.problem.pred_probs.argmax(axis=1)  # type: ignore[union-attr]
        mask = _disputed(inputs, p_clean < 0.5)
        return _issues(inputs, mask, p_clean, suggested, method, "clean_probability")
    if method == "knn":
        if inputs.features is None:
            raise InputError("features", "method='knn' needs features.")
        votes, weighted = _votes(inputs, inputs.features, n_neighbors, rng)
        flagged, suggested = vote_flags(inputs.codes, votes)
        own = _own(inputs, votes)
        return _issues(
            inputs, flagged, own, suggested, method, "neighbor_agreement", [_own(inputs, weighted)]
        )
    return _linear(inputs, method, n_neighbors=n_neighbors, mixture=mixture, rng=rng)


def check_rank_by(method: str, rank_by: Any) -> None:
    if rank_by is not None and method in DETECTORS and method != "auto":
        raise InputError(
            "rank_by",
            f"is not used by method={method!r}, which ranks by its own score; drop rank_by "
            "or use method='auto' or a confident-learning method.",
        )
