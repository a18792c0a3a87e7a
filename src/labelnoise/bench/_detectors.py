"""Detectors by name: every ``find_label_issues`` method, a few variants, every ranking
score, and the oracles.

A detector is any callable ``(labels, pred_probs, features) -> LabelIssues``; the
benchmark scores its ``mask`` (precision, recall, F1) and its ``scores`` (AUROC, AUPRC,
lower = more likely wrong). ``pred_probs`` is one (n, K) array, or for an ensemble row
the list of its members' arrays (every ``find_label_issues`` method accepts a list).
Methods, what they need and which options they take are read from the detector registry
(:data:`labelnoise.detect.METHODS`), so methods added to ``find_label_issues`` plug in by
name.

``oracle:<detector>`` is not a detector of its own: it flags exactly as many examples as
labels were really flipped, the lowest by ``<detector>``'s scores (the F1 a perfect count
would reach with that ranking); the benchmark computes it from the truth.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, get_args

import numpy as np

from labelnoise._errors import InputError
from labelnoise.bench._ablations import ABLATIONS
from labelnoise.bench._config import ORACLE_PREFIX
from labelnoise.detect import METHODS, LabelIssues, find_label_issues
from labelnoise.detect._ensemble import ENSEMBLE_METHODS, combine
from labelnoise.noise import estimate_noise
from labelnoise.scores import ScoreMethod, label_quality_scores

__all__ = [
    "CL_METHODS",
    "ORACLE_PREFIX",
    "RANK_PREFIX",
    "SCORES",
    "VARIANTS",
    "Detector",
    "default_detectors",
    "detector_names",
    "oracle_flags",
    "rank_by_score",
    "resolve_detectors",
]

PredProbs = np.ndarray | Sequence[np.ndarray]
Detector = Callable[[np.ndarray, Any, np.ndarray], LabelIssues]

#: The confident-learning methods of cleanlab 2.9.0 (the default detector set).
CL_METHODS = tuple(name for name, m in METHODS.items() if m.confident_learning)
#: The label quality scores (``rank_by``).
SCORES: tuple[str, ...] = get_args(ScoreMethod)
#: Name prefix of the score detectors: ``"rank:self_confidence"``.
RANK_PREFIX = "rank:"
#: Methods that read only the features: one result per unit, whatever the model.
PROBS_FREE = tuple(name for name, m in METHODS.items() if m.pred_probs == "unused")


@dataclass(frozen=True)
class _Variant:
    method: str
    features: bool
    options: Mapping[str, Any] = field(default_factory=dict)


#: Named variants of ``find_label_issues`` methods (name -> method, features, options).
VARIANTS: dict[str, _Variant] = {
    "small_loss_beta": _Variant("small_loss", False, {"mixture": "beta"}),
    "auto+features": _Variant("auto", True),
}


def _find(
    labels: np.ndarray,
    pred_probs: PredProbs,
    features: np.ndarray,
    *,
    method: str,
    features_used: bool,
    options: Mapping[str, Any],
    ensemble: str,
) -> LabelIssues:
    spec = METHODS[method]
    kwargs: dict[str, Any] = {"method": method, **options}
    if "random_state" in spec.options:
        kwargs["random_state"] = 0
    if features_used:
        kwargs["features"] = features
    if isinstance(pred_probs, list | tuple):
        kwargs["ensemble"] = ensemble
    if spec.pred_probs == "unused":  # features only: pred_probs would be ignored (a warning)
        first = np.asarray(pred_probs[0] if isinstance(pred_probs, list | tuple) else pred_probs)
        return find_label_issues(labels, None, classes=range(first.shape[1]), **kwargs)
    return find_label_issues(labels, pred_probs, **kwargs)


def rank_by_score(
    labels: np.ndarray,
    pred_probs: PredProbs,
    features: np.ndarray,
    *,
    score: str,
    ensemble: str = ENSEMBLE_METHODS[0],
) -> LabelIssues:
    """Flag the lowest-scoring examples, as many as the calibrated noise estimate.

    The count is ``estimate_noise(...).num_issues.off_diagonal_calibrated``, so the flags
    of a score detector are comparable with the methods' ones; its ranking is the score.
    A list of models' pred_probs (an ensemble) is pooled first, as ``find_label_issues``
    pools it with ``ensemble`` (default: its default; ``rank`` pools as ``mean``).
    """
    if isinstance(pred_probs, list | tuple):
        members = [np.asarray(p) for p in pred_probs]
        kind = "mean" if ensemble == "rank" else ensemble
        pooled = combine(labels, members, ensemble=kind, classes=None, normalize=False)
        pred_probs = np.asarray(pooled.problem.pred_probs)
    scores = label_quality_scores(labels, pred_probs, method=score)  # type: ignore[arg-type]
    k = estimate_noise(labels, pred_probs).num_issues.off_diagonal_calibrated
    indices = np.argsort(scores, kind="stable")[: max(0, k)]
    mask = np.zeros(scores.shape[0], dtype=bool)
    mask[indices] = True
    return LabelIssues(
        mask=mask,
        indices=indices,
        scores=np.asarray(scores),
        given_labels=np.asarray(labels).copy(),
        suggested_labels=np.asarray(pred_probs).argmax(axis=1),
        method=f"{RANK_PREFIX}{score}",
        score_method=score,
    )


def oracle_flags(scores: np.ndarray, n_flipped: int) -> np.ndarray:
    """The ``n_flipped`` lowest ``scores`` (ties: the lower index) as a boolean mask."""
    mask = np.zeros(scores.shape[0], dtype=bool)
    mask[np.argsort(scores, kind="stable")[:n_flipped]] = True
    return mask


def detector_names() -> tuple[str, ...]:
    """Every built-in detector: each ``find_label_issues`` method, the variants
    (``small_loss_beta``: the beta mixture; ``auto+features``: ``auto`` given the features
    too), ``rank:<score>``, then ``auto``'s ablations (``auto[count=...]``,
    ``auto[rank=...]``, ``auto[sharpness=...]``; :mod:`labelnoise.bench._ablations`). Any
    of them can also be run as ``oracle:<name>``.

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> from labelnoise.bench import detector_names
    >>> names = detector_names()
    >>> "prune_by_noise_rate" in names, "rank:normalized_margin" in names
    (True, True)
    """
    variants = tuple(name for name, v in VARIANTS.items() if v.method in METHODS)
    return (*METHODS, *variants, *(f"{RANK_PREFIX}{s}" for s in SCORES), *ABLATIONS)


def default_detectors() -> tuple[str, ...]:
    """The default set: the seven confident-learning methods and the three scores."""
    return (*CL_METHODS, *(f"{RANK_PREFIX}{s}" for s in SCORES))


def _builtin(name: str, ensemble: str) -> Detector:
    if name.startswith(RANK_PREFIX):
        return partial(rank_by_score, score=name[len(RANK_PREFIX) :], ensemble=ensemble)
    if name in ABLATIONS:
        return ABLATIONS[name]
    variant = VARIANTS.get(name) or _Variant(name, METHODS[name].features == "required")
    return partial(
        _find,
        method=variant.method,
        features_used=variant.features,
        options=variant.options,
        ensemble=ensemble,
    )


def resolve_detectors(
    names: tuple[str, ...],
    extra: Mapping[str, Detector] | None = None,
    *,
    ensemble: str = "mean",
) -> dict[str, Detector]:
    """Detector callables by name: ``extra`` first, then the built-in ones.

    ``ensemble`` is how built-in methods combine a list of pred_probs. Oracle names and
    unknown names are left out (the benchmark validated them).
    """
    extra = dict(extra or {})
    for name, detect in extra.items():
        if not callable(detect):
            raise InputError(
                "detectors", f"{name!r} must be a callable (labels, pred_probs, features)."
            )
    builtin = set(detector_names())
    out: dict[str, Detector] = {}
    for name in names:
        if name in extra:
            out[name] = extra[name]
        elif name in builtin:
            out[name] = _builtin(name, ensemble)
    return out
