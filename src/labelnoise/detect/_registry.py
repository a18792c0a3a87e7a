"""The detector registry: every ``find_label_issues`` method, declared once.

One :class:`DetectionMethod` per method says what it needs (``pred_probs``, ``features``),
which options of :func:`~labelnoise.detect.find_label_issues` apply to it, the score it
ranks by when ``rank_by`` is None, and the function that runs it. Validation, dispatch,
the command line's choices, ``labelnoise.bench``'s detectors and ``CleanClassifier``'s
methods all read this table; :data:`FilterMethod` spells the same names, in the same
order, for type checkers (a test holds the two equal).

Confident-learning filters (``confident_learning=True``) are functions
``(problem, stats, pruning, scores) -> mask`` over one confident pass (:mod:`._filters`); the
detectors beyond them are functions ``(inputs, settings) -> LabelIssues`` over the
validated inputs (:mod:`._detectors`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

from labelnoise.detect import _detectors as detectors
from labelnoise.detect import _filters as filters

__all__ = [
    "CONFIDENT_LEARNING",
    "METHODS",
    "PRUNE_METHODS",
    "ConfidentLearningMethod",
    "DetectionMethod",
    "FilterMethod",
    "Need",
    "method_names",
]

#: cleanlab 2.9.0's seven filters (the ``confident_learning=True`` entries), which
#: ``labelnoise.multilabel`` also runs on each tag.
ConfidentLearningMethod = Literal[
    "prune_by_noise_rate",
    "prune_by_class",
    "both",
    "confident_learning",
    "predicted_neq_given",
    "low_normalized_margin",
    "low_self_confidence",
]
FilterMethod = Literal[
    ConfidentLearningMethod,
    "auto",
    "small_loss",
    "knn",
    "linear_separation",
    "linear_separation_small_loss",
]
#: Whether a method needs an input: ``auto`` takes either or both (at least one).
Need = Literal["required", "optional", "unused"]


@dataclass(frozen=True)
class DetectionMethod:
    """One detection method of ``find_label_issues``.

    Attributes
    ----------
    name : str
        The ``method=`` value.
    description : str
        What it flags, in one line.
    function : callable
        A confident-learning filter ``(problem, stats, pruning, scores) -> mask``, or a detector
        ``(inputs, settings) -> LabelIssues`` (see ``confident_learning``).
    pred_probs, features : {"required", "optional", "unused"}
        Whether it needs out-of-sample ``pred_probs`` and ``features`` (embeddings).
    options : frozenset of str
        The options of ``find_label_issues`` it reads, beyond the inputs, ``classes``,
        ``normalize``, ``chunk_size`` and ``n_jobs``. With ``rank_by`` it ranks by a label
        quality score of ``pred_probs``, any of them, and so can also average several
        models' rankings (``ensemble="rank"``).
    score : str
        The ``score_method`` of its results when ``rank_by`` is None.
    confident_learning : bool
        One of cleanlab 2.9.0's seven filters, run on the confident pass.

    Examples
    --------
    >>> from labelnoise.detect import METHODS
    >>> knn = METHODS["knn"]
    >>> knn.pred_probs, knn.features, knn.score
    ('unused', 'required', 'neighbor_agreement')
    >>> sorted(METHODS["prune_by_class"].options)[:2]
    ['ensemble', 'frac_noise']
    """

    name: str
    description: str
    function: Callable[..., Any]
    pred_probs: Need = "required"
    features: Need = "unused"
    options: frozenset[str] = frozenset()
    score: str = "self_confidence"
    confident_learning: bool = False


_RANKED = frozenset({"ensemble", "rank_by"})
_PRUNED = _RANKED | {"frac_noise", "num_to_remove_per_class", "min_examples_per_class"}
_MIXTURE = frozenset({"ensemble", "mixture"})
_NEIGHBOURS = frozenset({"n_neighbors", "random_state"})

_TABLE = (
    DetectionMethod(
        "prune_by_noise_rate",
        "per off-diagonal cell of the confident joint, the largest margins p[j] - p[label]",
        filters.by_noise_rate,
        options=_PRUNED,
        confident_learning=True,
    ),
    DetectionMethod(
        "prune_by_class",
        "per class, the lowest p[label], as many as the confident joint counts off it",
        filters.by_class,
        options=_PRUNED,
        confident_learning=True,
    ),
    DetectionMethod(
        "both",
        "flagged by both prune_by_noise_rate and prune_by_class",
        filters.by_both,
        options=_PRUNED,
        confident_learning=True,
    ),
    DetectionMethod(
        "confident_learning",
        "the off-diagonal examples of the confident joint",
        filters.off_diagonal,
        options=_RANKED,
        confident_learning=True,
    ),
    DetectionMethod(
        "predicted_neq_given",
        "the argmax class is not the given label",
        filters.predicted_neq_given,
        options=_RANKED,
        confident_learning=True,
    ),
    DetectionMethod(
        "low_normalized_margin",
        "the lowest normalized margins, as many as the confident joint counts off its diagonal",
        filters.low_normalized_margin,
        options=_RANKED,
        score="normalized_margin",
        confident_learning=True,
    ),
    DetectionMethod(
        "low_self_confidence",
        "the lowest self-confidences, as many as the confident joint counts off its diagonal",
        filters.low_self_confidence,
        options=_RANKED,
        confident_learning=True,
    ),
    DetectionMethod(
        "auto",
        "the expected number of wrong labels, lowest by a noise-adaptive rank mix",
        detectors.auto,
        pred_probs="optional",
        features="optional",
        options=_RANKED | _NEIGHBOURS,
        score="noise_adaptive_rank",
    ),
    DetectionMethod(
        "small_loss",
        "P(clean) < 0.5 under a two-component mixture over the losses -log p[label]",
        detectors.small_loss,
        options=_MIXTURE,
        score="clean_probability",
    ),
    DetectionMethod(
        "knn",
        "another class outvotes the given label among the most similar examples",
        detectors.knn,
        pred_probs="unused",
        features="required",
        options=_NEIGHBOURS,
        score="neighbor_agreement",
    ),
    DetectionMethod(
        "linear_separation",
        "per class, a linear split of presumed-clean from presumed-noisy in feature space",
        detectors.linear_separation,
        pred_probs="optional",
        features="required",
        options=_MIXTURE | _NEIGHBOURS,
        score="clean_probability",
    ),
    DetectionMethod(
        "linear_separation_small_loss",
        "linear_separation's P(clean) averaged with small_loss's",
        detectors.linear_separation_small_loss,
        features="required",
        options=_MIXTURE,
        score="clean_probability",
    ),
)

#: Every method by name, in the order of :data:`FilterMethod` (read-only).
METHODS: Mapping[str, DetectionMethod] = MappingProxyType({m.name: m for m in _TABLE})


def method_names(where: Callable[[DetectionMethod], bool] | None = None) -> tuple[str, ...]:
    """The names of the methods for which ``where`` holds (all by default), in registry order.

    Examples
    --------
    >>> from labelnoise.detect._registry import method_names
    >>> method_names(lambda m: m.features == "required")
    ('knn', 'linear_separation', 'linear_separation_small_loss')
    """
    return tuple(name for name, method in METHODS.items() if where is None or where(method))


#: cleanlab 2.9.0's seven filters, in registry order.
CONFIDENT_LEARNING = method_names(lambda m: m.confident_learning)
#: The filters that prune the count matrix (``frac_noise``, ``num_to_remove_per_class``).
PRUNE_METHODS = method_names(lambda m: "num_to_remove_per_class" in m.options)
