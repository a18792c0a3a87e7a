"""The numbers behind a report: dataset summary, per-class rates and the top issues.

Pure numpy; no plotting or HTML here, so the content of a report can be tested directly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from labelnoise._validation import Problem
from labelnoise.detect import LabelIssues
from labelnoise.noise import NoiseEstimate

__all__ = ["ClassRow", "IssueRow", "ReportSummary", "nearest_of_suggested", "summarize"]

#: Health scores at or above these values are called "good" and "fair"; below is "poor".
HEALTH_GRADES = ((95.0, "good"), (85.0, "fair"), (0.0, "poor"))


@dataclass(frozen=True)
class ClassRow:
    """One class in the per-class table.

    Attributes
    ----------
    name : str
        Class name.
    n : int
        Examples given this label.
    flagged : int
        Of those, examples flagged as issues.
    rate : float
        ``flagged / n`` (0 when ``n == 0``).
    estimated_noise : float
        Estimated share of this class's given labels that are wrong,
        ``1 - P(true = k | given = k)``.
    top_suggestion : str
        Most common suggested label among the flagged examples ("" when none).
    """

    name: str
    n: int
    flagged: int
    rate: float
    estimated_noise: float
    top_suggestion: str


@dataclass(frozen=True)
class IssueRow:
    """One flagged example in the top-issues table.

    Attributes
    ----------
    rank : int
        1 for the likeliest error.
    index : int
        Row of the example in the input (0-based).
    given : str
        Given label.
    suggested : str
        Suggested label (the model's top class).
    given_prob : float
        Model probability of the given label.
    suggested_prob : float
        Model probability of the suggested label.
    score : float
        Label quality score (lower is likelier wrong).
    notes : tuple of str
        Extra per-example columns, in the order of ``ReportSummary.note_columns``.
    """

    rank: int
    index: int
    given: str
    suggested: str
    given_prob: float
    suggested_prob: float
    score: float
    notes: tuple[str, ...]


@dataclass(frozen=True)
class ReportSummary:
    """Everything a report shows, as plain numbers and strings.

    Attributes
    ----------
    n, n_classes, n_flagged : int
        Examples, classes, flagged examples.
    noise_rate : float
        Estimated fraction of wrong labels (``NoiseEstimate.noise_rate``).
    health : float
        Label health score in [0, 100]: ``100 * (1 - noise_rate)``.
    grade : str
        ``"good"``, ``"fair"`` or ``"poor"``.
    class_names : tuple of str
        Class names in column order.
    classes : tuple of ClassRow
        Per-class rows, highest flagged rate first.
    issues : tuple of IssueRow
        Top flagged examples, likeliest error first.
    note_columns : tuple of str
        Names of the extra columns of ``IssueRow.notes``.
    noise_matrix : ndarray of shape (K, K)
        ``P(given = i | true = j)``.
    method, score_method : str
        How issues were found and ranked.
    """

    n: int
    n_classes: int
    n_flagged: int
    noise_rate: float
    health: float
    grade: str
    class_names: tuple[str, ...]
    classes: tuple[ClassRow, ...]
    issues: tuple[IssueRow, ...]
    note_columns: tuple[str, ...]
    noise_matrix: np.ndarray
    method: str
    score_method: str

    @property
    def flagged_rate(self) -> float:
        """Fraction of examples flagged."""
        return self.n_flagged / max(1, self.n)


def _grade(health: float) -> str:
    return next(name for floor, name in HEALTH_GRADES if health >= floor)


def _class_rows(
    problem: Problem, issues: LabelIssues, noise: NoiseEstimate, names: Sequence[str]
) -> tuple[ClassRow, ...]:
    k = problem.n_classes
    counts = np.bincount(problem.labels, minlength=k)
    flagged_labels = problem.labels[issues.indices]
    flagged = np.bincount(flagged_labels, minlength=k)
    argmax = np.argmax(problem.pred_probs[issues.indices], axis=1)
    pairs = np.zeros((k, k), dtype=np.intp)
    np.add.at(pairs, (flagged_labels, argmax), 1)
    inverse_diag = np.diag(noise.inverse_noise_matrix)
    rows = [
        ClassRow(
            name=names[c],
            n=int(counts[c]),
            flagged=int(flagged[c]),
            rate=float(flagged[c] / counts[c]) if counts[c] else 0.0,
            estimated_noise=float(np.clip(1.0 - inverse_diag[c], 0.0, 1.0)),
            top_suggestion=names[int(np.argmax(pairs[c]))] if flagged[c] else "",
        )
        for c in range(k)
    ]
    return tuple(sorted(rows, key=lambda row: (-row.rate, -row.flagged, row.name)))


def _issue_rows(
    problem: Problem,
    issues: LabelIssues,
    names: Sequence[str],
    notes: Mapping[str, Sequence[str] | np.ndarray],
    top: int,
) -> tuple[IssueRow, ...]:
    rows = []
    for rank, index in enumerate(issues.indices[:top].tolist(), start=1):
        probs = problem.pred_probs[index]
        given, suggested = int(problem.labels[index]), int(np.argmax(probs))
        rows.append(
            IssueRow(
                rank=rank,
                index=index,
                given=names[given],
                suggested=names[suggested],
                given_prob=float(probs[given]),
                suggested_prob=float(probs[suggested]),
                score=float(issues.scores[index]),
                notes=tuple(str(column[index]) for column in notes.values()),
            )
        )
    return tuple(rows)


def summarize(
    problem: Problem,
    issues: LabelIssues,
    noise: NoiseEstimate,
    *,
    top: int = 50,
    notes: Mapping[str, Sequence[str] | np.ndarray] | None = None,
) -> ReportSummary:
    """Gather the numbers of a report.

    Parameters
    ----------
    problem : Problem
        Validated labels (codes) and pred_probs.
    issues : LabelIssues
        Result of ``find_label_issues`` on the same problem.
    noise : NoiseEstimate
        Result of ``estimate_noise`` on the same problem.
    top : int, default=50
        How many flagged examples to list.
    notes : mapping of str to sequence of length n, optional
        Extra columns for the issue table (e.g. a human verdict per example).

    Returns
    -------
    ReportSummary
    """
    notes = dict(notes or {})
    source = problem.classes if problem.classes is not None else np.arange(problem.n_classes)
    names = [str(name) for name in source.tolist()]
    noise_rate = float(np.clip(noise.noise_rate, 0.0, 1.0))
    health = 100.0 * (1.0 - noise_rate)
    return ReportSummary(
        n=problem.n,
        n_classes=problem.n_classes,
        n_flagged=len(issues),
        noise_rate=noise_rate,
        health=health,
        grade=_grade(health),
        class_names=tuple(names),
        classes=_class_rows(problem, issues, noise, names),
        issues=_issue_rows(problem, issues, names, notes, top),
        note_columns=tuple(notes),
        noise_matrix=np.asarray(noise.noise_matrix),
        method=issues.method,
        score_method=issues.score_method,
    )


def nearest_of_suggested(
    features: np.ndarray,
    labels: np.ndarray,
    issues: LabelIssues,
    rows: Sequence[int],
    suggested: Sequence[int],
    *,
    n_neighbors: int = 3,
) -> list[list[int]]:
    """For each listed issue, the most similar examples labelled with its suggested class.

    Similarity is the cosine of the features; only examples that carry the suggested
    label and are not flagged themselves are candidates, so the reviewer sees trusted
    examples of the class the model proposes, beside the doubtful one.

    Parameters
    ----------
    features : ndarray of shape (n, d)
    labels : ndarray of int, shape (n,)
        Label codes.
    issues : LabelIssues
    rows : sequence of int
        The listed issues.
    suggested : sequence of int
        Suggested class code of each listed issue.
    n_neighbors : int, default=3

    Returns
    -------
    list of list of int
        Row indices, most similar first (fewer when the class has fewer candidates).
    """
    flat = np.asarray(features, dtype=np.float64).reshape(labels.shape[0], -1)
    norms = np.linalg.norm(flat, axis=1, keepdims=True)
    unit = flat / np.where(norms > 0, norms, 1.0)
    trusted = ~np.asarray(issues.mask)
    result = []
    for row, cls in zip(rows, suggested, strict=True):
        candidates = np.flatnonzero((labels == cls) & trusted)
        candidates = candidates[candidates != row]
        similarity = unit[candidates] @ unit[row]
        order = np.lexsort((candidates, -similarity))[:n_neighbors]
        result.append(candidates[order].tolist())
    return result
