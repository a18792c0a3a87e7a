"""``label_quality_scores`` for multi-label data: one score per example, or per tag."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from labelnoise._errors import InputError
from labelnoise._validation import check_bool, check_choice
from labelnoise.multilabel._inputs import MultilabelProblem, check_multilabel_problem
from labelnoise.multilabel._scores import AGGREGATIONS, Aggregation, aggregate, tag_scores
from labelnoise.scores import ScoreMethod

__all__ = [
    "DEFAULT_AGGREGATION",
    "DEFAULT_ALPHA",
    "DEFAULT_SCORE",
    "DEFAULT_TEMPERATURE",
    "ScoreOptions",
    "check_score_options",
    "label_quality_scores",
    "tag_quality_scores",
]

_SCORE_METHODS = ("self_confidence", "normalized_margin", "confidence_weighted_entropy")


@dataclass(frozen=True)
class ScoreOptions:
    """Validated scoring options (built by :func:`check_score_options`)."""

    method: str
    aggregation: str
    alpha: float | None
    temperature: float
    adjust_pred_probs: bool

    @property
    def name(self) -> str:
        adjusted = "adjusted_" if self.adjust_pred_probs else ""
        return f"{adjusted}{self.method}/{self.aggregation}"

    def scores(self, problem: MultilabelProblem) -> np.ndarray:
        per_tag = tag_scores(problem, self.method, adjust_pred_probs=self.adjust_pred_probs)
        return aggregate(per_tag, self.aggregation, alpha=self.alpha, temperature=self.temperature)


#: The default ranking of :func:`find_label_issues` and :func:`label_quality_scores`:
#: tag self-confidences aggregated by ``softmin`` at this temperature (the benchmark of
#: docs/multilabel.md chose it; the reference's is the moving average).
DEFAULT_AGGREGATION: Final = "softmin"
DEFAULT_TEMPERATURE: Final = 0.2
DEFAULT_ALPHA: Final = 0.8
DEFAULT_SCORE = ScoreOptions(
    "self_confidence", DEFAULT_AGGREGATION, DEFAULT_ALPHA, DEFAULT_TEMPERATURE, False
)


def _check_positive(value: Any, *, name: str, func: str, upper: float | None) -> float:
    ok = isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)
    if ok and 0 <= float(value) and (upper is None or float(value) <= upper):
        return float(value)
    bound = f"in [0, {upper}]" if upper is not None else ">= 0"
    raise InputError(
        name, f"The {name!r} parameter of {func} must be a float {bound}. Got {value!r} instead."
    )


def check_score_options(
    *,
    method: Any,
    aggregation: Any,
    alpha: Any,
    temperature: Any,
    adjust_pred_probs: Any,
    func: str,
    method_name: str = "method",
) -> ScoreOptions:
    """Check the scoring options once; the error names the argument as the caller calls it."""
    check_choice(method, name=method_name, func=func, choices=_SCORE_METHODS)
    check_choice(aggregation, name="aggregation", func=func, choices=tuple(AGGREGATIONS))
    checked_alpha = (
        None if alpha is None else _check_positive(alpha, name="alpha", func=func, upper=1.0)
    )
    checked_temperature = _check_positive(temperature, name="temperature", func=func, upper=None)
    adjust = check_bool(adjust_pred_probs, name="adjust_pred_probs", func=func)
    if adjust and method == "confidence_weighted_entropy":
        raise InputError(
            "adjust_pred_probs",
            "is not supported with confidence_weighted_entropy; use self_confidence or "
            "normalized_margin, or adjust_pred_probs=False.",
        )
    return ScoreOptions(method, aggregation, checked_alpha, checked_temperature, adjust)


def label_quality_scores(
    labels: Any,
    pred_probs: Any,
    *,
    method: ScoreMethod = "self_confidence",
    aggregation: Aggregation = DEFAULT_AGGREGATION,
    alpha: float | None = DEFAULT_ALPHA,
    temperature: float = DEFAULT_TEMPERATURE,
    adjust_pred_probs: bool = False,
    classes: Sequence[Any] | None = None,
) -> np.ndarray:
    """Score how likely each example's whole tag set is right; lower is likelier wrong.

    Each tag is scored on its own as a binary problem ("has tag k or not", with
    probabilities ``[1 - p_k, p_k]``), by the single-label ``method``; the ``K`` tag scores
    of an example are then aggregated into one. With
    ``aggregation="exponential_moving_average"`` the scores are the reference's
    (``cleanlab.multilabel_classification.get_label_quality_scores`` with its defaults),
    bit for bit; the default, ``softmin`` at ``temperature=0.2``, ranks noisy examples
    better in the benchmark of docs/multilabel.md.

    Parameters
    ----------
    labels : list of tag collections, or array-like of shape (n, K)
        The given tags: one collection per example (``[[0, 2], [], [1]]``; names with
        ``classes=``), or a 2-D 0/1 indicator array / DataFrame.
    pred_probs : array-like of shape (n, K)
        Out-of-sample probability of each tag, each on its own (e.g. one-vs-rest
        classifiers or sigmoid outputs): rows need not sum to 1.
    method : {"self_confidence", "normalized_margin", "confidence_weighted_entropy"}
        Per-tag score: ``self_confidence`` is ``p_k`` for a given tag, ``1 - p_k`` for an
        absent one.
    aggregation : {"softmin", "exponential_moving_average", "min", "likelihood"}
        ``softmin``: a mean with softmax weights on ``1 - s`` at ``temperature``, so the
        worst tags weigh most. ``exponential_moving_average`` (the reference's default):
        from the best tag to the worst, ``ema = alpha * s + (1 - alpha) * ema`` (the
        worst tag weighs ``alpha``). ``min``: the worst tag.
        ``likelihood``: the product of the tag scores, the probability under the model
        that every tag is right if tags are independent.
    alpha : float in [0, 1] or None, default=0.8
        Weight of the moving average; ``None`` is ``2 / (K + 1)``.
    temperature : float >= 0, default=0.2
        Temperature of ``softmin`` (the reference's default for it is 0.1).
    adjust_pred_probs : bool, default=False
        Subtract each tag's confident thresholds first (corrects for tags the model
        over- or under-predicts; not with ``confidence_weighted_entropy``).
    classes : sequence of length K, optional
        Tag name of each column of ``pred_probs``, when tags are given by name.

    Returns
    -------
    scores : ndarray of float64, shape (n,)

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise.multilabel import label_quality_scores
    >>> pred_probs = np.array([[0.1, 0.9, 0.1], [0.4, 0.1, 0.9]])
    >>> label_quality_scores([[1], [0, 2]], pred_probs).round(2).tolist()
    [0.9, 0.47]
    >>> reference = {"aggregation": "exponential_moving_average"}
    >>> label_quality_scores([[1], [0, 2]], pred_probs, **reference).round(2).tolist()
    [0.9, 0.5]
    """
    options = check_score_options(
        method=method,
        aggregation=aggregation,
        alpha=alpha,
        temperature=temperature,
        adjust_pred_probs=adjust_pred_probs,
        func="label_quality_scores",
    )
    return options.scores(check_multilabel_problem(labels, pred_probs, classes=classes))


def tag_quality_scores(
    labels: Any,
    pred_probs: Any,
    *,
    method: ScoreMethod = "self_confidence",
    adjust_pred_probs: bool = False,
    classes: Sequence[Any] | None = None,
) -> np.ndarray:
    """Score every tag of every example: ``(n, K)``; lower means tag ``k`` looks wrong.

    The per-tag scores before :func:`label_quality_scores` aggregates them (the
    reference's ``get_label_quality_scores_per_class``, as an array). Parameters as there.

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise.multilabel import tag_quality_scores
    >>> tag_quality_scores([[1], [0]], np.array([[0.1, 0.9], [0.4, 0.1]])).tolist()
    [[0.9, 0.9], [0.4, 0.9]]
    """
    options = check_score_options(
        method=method,
        aggregation="min",
        alpha=None,
        temperature=0.1,
        adjust_pred_probs=adjust_pred_probs,
        func="tag_quality_scores",
    )
    problem = check_multilabel_problem(labels, pred_probs, classes=classes)
    return tag_scores(problem, options.method, adjust_pred_probs=options.adjust_pred_probs)
