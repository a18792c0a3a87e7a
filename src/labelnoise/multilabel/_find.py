"""``find_label_issues`` for multi-label data: which examples have a wrong or missing tag."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from labelnoise._validation import check_choice, check_fraction, check_int
from labelnoise.detect._find import check_removals
from labelnoise.detect._registry import ConfidentLearningMethod
from labelnoise.detect._select import smallest_k
from labelnoise.multilabel._inputs import MultilabelProblem, check_multilabel_problem
from labelnoise.multilabel._quality import (
    DEFAULT_AGGREGATION,
    DEFAULT_ALPHA,
    DEFAULT_SCORE,
    DEFAULT_TEMPERATURE,
    ScoreOptions,
    check_score_options,
)
from labelnoise.multilabel._result import MultilabelIssues
from labelnoise.multilabel._scores import Aggregation, tag_scores
from labelnoise.multilabel._tags import TAG_METHODS, tag_flags
from labelnoise.scores import ScoreMethod

__all__ = ["MultilabelMethod", "find_label_issues", "problem_issues"]

#: The single-label confident-learning methods, each run on every tag.
MultilabelMethod = ConfidentLearningMethod
_RANKED = ("low_normalized_margin", "low_self_confidence")
_FUNC = "find_label_issues"
#: The reference's score for the ``low_*`` methods' selection, whatever ``rank_by`` says.
_SELECTION_SCORE = ScoreOptions("self_confidence", "exponential_moving_average", 0.8, 0.1, False)


def _ranked_flags(problem: MultilabelProblem) -> tuple[np.ndarray, np.ndarray]:
    """The ``low_*`` methods: as many examples as confident learning finds with some
    off-diagonal tag, the lowest by the reference's default score. The tags of a flagged
    example are its confident-learning tags, or its lowest-scoring tag when it has none."""
    per_tag = tag_flags(problem, "confident_learning")
    n_issues = int(np.count_nonzero(per_tag.any(axis=1)))
    mask = np.zeros(problem.n, dtype=bool)
    mask[smallest_k(_SELECTION_SCORE.scores(problem), n_issues)] = True
    per_tag &= mask[:, None]
    bare = np.flatnonzero(mask & ~per_tag.any(axis=1))
    worst = tag_scores(problem, "self_confidence")[bare].argmin(axis=1)
    per_tag[bare, worst] = True
    return mask, per_tag


def find_label_issues(
    labels: Any,
    pred_probs: Any,
    *,
    method: MultilabelMethod = "prune_by_noise_rate",
    frac_noise: float = 1.0,
    num_to_remove_per_class: Sequence[int] | None = None,
    min_examples_per_class: int = 1,
    rank_by: ScoreMethod = "self_confidence",
    aggregation: Aggregation = DEFAULT_AGGREGATION,
    alpha: float | None = DEFAULT_ALPHA,
    temperature: float = DEFAULT_TEMPERATURE,
    adjust_pred_probs: bool = False,
    classes: Sequence[Any] | None = None,
) -> MultilabelIssues:
    """Find examples with a wrong or missing tag, and which tags those are.

    In multi-label data (an image tagged "beach" and "dog") the classes are not
    exclusive, so single-label confident learning does not apply as is. Each tag is
    checked on its own instead, one-vs-rest: "has tag k or not" with probabilities
    ``[1 - p_k, p_k]`` is a binary problem, and confident learning (Northcutt, Jiang,
    Chuang, JAIR 2021) flags the tags it estimates to be wrong. An example is flagged
    when any of its tags is. A flagged tag that was not given looks *missing*, one that
    was given looks *wrong*. ``pred_probs`` must be out-of-sample (cross-validated). The
    flags (``mask``, ``missing``, ``wrong``) are those of
    ``cleanlab.multilabel_classification.find_label_issues``; with
    ``aggregation="exponential_moving_average"`` the scores and ranking are too
    (docs/deviations.md lists the exceptions). The default ``softmin`` at
    ``temperature=0.2`` ranks better in the benchmark of docs/multilabel.md.

    Parameters
    ----------
    labels : list of tag collections, or array-like of shape (n, K)
        The given tags: one collection per example (``[[0, 2], [], [1]]``; names with
        ``classes=``; an example may have none), or a 2-D 0/1 indicator array,
        DataFrame (named columns must match ``classes``) or scipy sparse matrix. A
        Python list of lists is always read as tag lists; with ``K <= 2`` rows of all
        ``K`` tags are refused, as they read as indicator rows too.
    pred_probs : array-like of shape (n, K)
        Out-of-sample probability of each tag, each on its own (one-vs-rest classifiers,
        sigmoid outputs): rows need not sum to 1. float16/32/64. Rows that all sum to
        1 (a softmax over exclusive classes) give a ``UserWarning``.
    method : str, default="prune_by_noise_rate"
        How each tag's issues are chosen (the single-label methods of
        :func:`labelnoise.find_label_issues`, on each binary tag problem):
        ``prune_by_noise_rate``, ``prune_by_class``, ``both``, ``confident_learning``,
        ``predicted_neq_given``. ``low_self_confidence`` and ``low_normalized_margin``
        instead flag the examples with the lowest ``self_confidence`` score aggregated by
        the reference's moving average, as many as ``confident_learning`` flags (the
        reference's behaviour).
    frac_noise : float in [0, 1], default=1.0
        Flag only this fraction of each tag's estimated issues (prune methods only).
    num_to_remove_per_class : sequence of K ints, optional
        Flag this many examples as missing each tag (prune methods only).
    min_examples_per_class : int, default=1
        Leave at least this many examples on each side of every tag.
    rank_by : {"self_confidence", "normalized_margin", "confidence_weighted_entropy"}
        Per-tag score aggregated into ``scores``, which orders ``indices``.
    aggregation : {"softmin", "exponential_moving_average", "min", "likelihood"}
        How the ``K`` tag scores of an example become one (see
        :func:`label_quality_scores`); ``"exponential_moving_average"`` is the reference's.
    alpha : float in [0, 1] or None, default=0.8
        Weight of the moving average; ``None`` is ``2 / (K + 1)``.
    temperature : float >= 0, default=0.2
        Temperature of ``softmin`` (the reference's default for it is 0.1).
    adjust_pred_probs : bool, default=False
        Subtract each tag's confident thresholds before scoring.
    classes : sequence of length K, optional
        Tag name of each column of ``pred_probs``, when tags are given by name.

    Returns
    -------
    MultilabelIssues
        ``mask``, ``indices`` (worst first), ``scores``, ``given_labels``,
        ``suggested_labels`` (``(n, K)`` bool), and per tag ``missing`` and ``wrong``.

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise.multilabel import find_label_issues
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.9, 0.95], [0.1, 0.8], [0.2, 0.9]])
    >>> issues = find_label_issues([[0], [0], [0], [1], [1]], pred_probs)
    >>> issues.indices.tolist(), np.argwhere(issues.missing).tolist()
    ([2], [[2, 1]])
    """
    check_choice(method, name="method", func=_FUNC, choices=(*TAG_METHODS, *_RANKED))
    frac_noise = check_fraction(frac_noise, name="frac_noise", func=_FUNC)
    min_examples_per_class = check_int(
        min_examples_per_class, name="min_examples_per_class", func=_FUNC, minimum=0
    )
    options = check_score_options(
        method=rank_by,
        aggregation=aggregation,
        alpha=alpha,
        temperature=temperature,
        adjust_pred_probs=adjust_pred_probs,
        func=_FUNC,
        method_name="rank_by",
    )
    problem = check_multilabel_problem(labels, pred_probs, classes=classes)
    removals = check_removals(num_to_remove_per_class, problem.n_classes, method, unit="tag")
    if method in _RANKED:
        mask, per_tag = _ranked_flags(problem)
    else:
        per_tag = tag_flags(
            problem,
            method,
            frac_noise=frac_noise,
            num_to_remove_per_class=removals,
            min_examples_per_class=min_examples_per_class,
        )
        mask = np.asarray(per_tag.any(axis=1))
    return _issues(problem, method, mask, per_tag, options)


def problem_issues(problem: MultilabelProblem) -> MultilabelIssues:
    """:func:`find_label_issues` with its defaults, on inputs already validated."""
    per_tag = tag_flags(problem, "prune_by_noise_rate")
    mask = np.asarray(per_tag.any(axis=1))
    return _issues(problem, "prune_by_noise_rate", mask, per_tag, DEFAULT_SCORE)


def _issues(
    problem: MultilabelProblem,
    method: str,
    mask: np.ndarray,
    per_tag: np.ndarray,
    options: ScoreOptions,
) -> MultilabelIssues:
    scores = options.scores(problem)
    flagged = np.flatnonzero(mask)
    given = problem.labels
    return MultilabelIssues(
        mask=mask,
        indices=flagged[np.argsort(scores[flagged])],
        scores=scores,
        given_labels=given,
        suggested_labels=problem.pred_probs > 0.5,
        missing=per_tag & ~given,
        wrong=per_tag & given,
        classes=problem.classes,
        method=method,
        score_method=options.name,
    )
