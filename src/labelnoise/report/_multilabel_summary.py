"""The numbers of a multi-label report: per tag and per flagged example.

:func:`summarize_multilabel` turns results already computed
(:func:`labelnoise.multilabel.find_label_issues` and
:func:`labelnoise.multilabel.estimate_noise`) into frozen rows: one :class:`TagRow` per
tag, worst first (most flagged, then most estimated errors), and one
:class:`TagIssueRow` per listed example with the tags to add and to remove. Pure numpy,
testable without rendering anything; :func:`labelnoise.report.multilabel_report` draws
the page from them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from labelnoise.multilabel import MultilabelIssues, MultilabelNoise

__all__ = ["MultilabelSummary", "TagIssueRow", "TagRow", "summarize_multilabel"]


@dataclass(frozen=True)
class TagRow:
    """One tag in the per-tag table.

    Attributes
    ----------
    name : str
    n_given : int
        Examples given the tag.
    prior, missing_rate, wrong_rate : float
        Estimated true prevalence, ``P(not given | has it)`` and ``P(given | lacks it)``.
    num_missing, num_wrong : int
        Estimated number of examples missing it / given it wrongly.
    flagged_missing, flagged_wrong : int
        Flagged examples where it looks missing (to add) / wrong (to remove).
    """

    name: str
    n_given: int
    prior: float
    missing_rate: float
    wrong_rate: float
    num_missing: int
    num_wrong: int
    flagged_missing: int
    flagged_wrong: int


@dataclass(frozen=True)
class TagIssueRow:
    """One flagged example.

    Attributes
    ----------
    rank : int
        1 for the likeliest error.
    index : int
        Row of the example (0-based).
    given : tuple of str
        Its tags as given.
    to_add, to_remove : tuple of (str, float)
        Tags that look missing / wrong, each with the model's probability of the tag.
    score : float
        Label quality of the whole tag set (lower is likelier wrong).
    """

    rank: int
    index: int
    given: tuple[str, ...]
    to_add: tuple[tuple[str, float], ...]
    to_remove: tuple[tuple[str, float], ...]
    score: float


@dataclass(frozen=True)
class MultilabelSummary:
    """The numbers of a multi-label report.

    Attributes
    ----------
    n, n_tags, n_flagged : int
        Examples, tags, flagged examples.
    n_to_add, n_to_remove : int
        Flagged tags that look missing / wrong, over all examples.
    est_missing, est_wrong : int
        Estimated missing / wrong tags (sums of the per-tag estimates).
    tags : tuple of TagRow
        Worst first: most flagged tags, then most estimated errors.
    issues : tuple of TagIssueRow
        The first ``top`` flagged examples, worst first.
    method, score_method : str
    """

    n: int
    n_tags: int
    n_flagged: int
    n_to_add: int
    n_to_remove: int
    est_missing: int
    est_wrong: int
    tags: tuple[TagRow, ...]
    issues: tuple[TagIssueRow, ...]
    method: str
    score_method: str


def _tag_rows(issues: MultilabelIssues, noise: MultilabelNoise) -> tuple[TagRow, ...]:
    names = [str(name) for name in issues.classes]
    missing, wrong = issues.missing.sum(axis=0), issues.wrong.sum(axis=0)
    n_given = issues.given_labels.sum(axis=0)
    order = sorted(
        range(len(names)),
        key=lambda k: (
            -(missing[k] + wrong[k]),
            -(noise.num_missing[k] + noise.num_wrong[k]),
            k,
        ),
    )
    return tuple(
        TagRow(
            name=names[k],
            n_given=int(n_given[k]),
            prior=float(noise.prior[k]),
            missing_rate=float(noise.missing_rate[k]),
            wrong_rate=float(noise.wrong_rate[k]),
            num_missing=int(noise.num_missing[k]),
            num_wrong=int(noise.num_wrong[k]),
            flagged_missing=int(missing[k]),
            flagged_wrong=int(wrong[k]),
        )
        for k in order
    )


def _issue_rows(
    issues: MultilabelIssues, pred_probs: np.ndarray, top: int
) -> tuple[TagIssueRow, ...]:
    names = [str(name) for name in issues.classes]

    def tags(row: int, which: np.ndarray) -> tuple[tuple[str, float], ...]:
        return tuple((names[k], float(pred_probs[row, k])) for k in np.flatnonzero(which[row]))

    return tuple(
        TagIssueRow(
            rank=rank,
            index=int(row),
            given=tuple(names[k] for k in np.flatnonzero(issues.given_labels[row])),
            to_add=tags(row, issues.missing),
            to_remove=tags(row, issues.wrong),
            score=float(issues.scores[row]),
        )
        for rank, row in enumerate(issues.indices[:top], start=1)
    )


def summarize_multilabel(
    issues: MultilabelIssues, noise: MultilabelNoise, pred_probs: np.ndarray, *, top: int = 50
) -> MultilabelSummary:
    """The numbers of :func:`multilabel_report`, from results already computed.

    Parameters
    ----------
    issues : MultilabelIssues
        From :func:`labelnoise.multilabel.find_label_issues`.
    noise : MultilabelNoise
        From :func:`labelnoise.multilabel.estimate_noise` on the same inputs.
    pred_probs : ndarray of shape (n, K)
        The per-tag probabilities (shown beside the tags to add or remove).
    top : int, default 50
        Flagged examples to list.

    Returns
    -------
    MultilabelSummary
    """
    return MultilabelSummary(
        n=int(issues.mask.shape[0]),
        n_tags=int(issues.classes.shape[0]),
        n_flagged=len(issues),
        n_to_add=int(issues.missing.sum()),
        n_to_remove=int(issues.wrong.sum()),
        est_missing=int(noise.num_missing.sum()),
        est_wrong=int(noise.num_wrong.sum()),
        tags=_tag_rows(issues, noise),
        issues=_issue_rows(issues, pred_probs, top),
        method=issues.method,
        score_method=issues.score_method,
    )
