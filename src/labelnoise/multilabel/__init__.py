"""Multi-label data: find the wrong and the missing tags.

Each example has any number of tags (classes are not exclusive) and ``pred_probs`` holds
one independent probability per tag. Every tag is checked one-vs-rest by confident
learning, and the tag scores of an example are aggregated into one::

    find_label_issues(labels, pred_probs)      -> MultilabelIssues (per-tag missing/wrong)
    label_quality_scores(labels, pred_probs)   -> (n,) scores
    tag_quality_scores(labels, pred_probs)     -> (n, K) scores
    estimate_noise(labels, pred_probs)         -> MultilabelNoise (per-tag rates)

Labels are one collection of tags per example (``[[0, 2], [], [1]]``, or names with
``classes=``) or an ``(n, K)`` 0/1 indicator array.
"""

from labelnoise.multilabel._estimate import estimate_noise
from labelnoise.multilabel._find import MultilabelMethod, find_label_issues
from labelnoise.multilabel._quality import label_quality_scores, tag_quality_scores
from labelnoise.multilabel._result import MultilabelIssues, MultilabelNoise
from labelnoise.multilabel._scores import Aggregation

__all__ = [
    "Aggregation",
    "MultilabelIssues",
    "MultilabelMethod",
    "MultilabelNoise",
    "estimate_noise",
    "find_label_issues",
    "label_quality_scores",
    "tag_quality_scores",
]
