"""One cleaning round, as pure functions: posterior, flag, plan the next training set."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from labelnoise.detect import LabelIssues, find_label_issues

__all__ = ["Plan", "flag_issues", "plan_training", "posterior"]


@dataclass(frozen=True)
class Plan:
    """What the next model is trained on: labels (codes), which rows, with which weights."""

    labels: np.ndarray
    train_mask: np.ndarray | None
    sample_weight: np.ndarray | None


def posterior(noise_matrix: np.ndarray, given: np.ndarray, pred_probs: np.ndarray) -> np.ndarray:
    """``P(true = j | given, x)``, proportional to ``P(given | true = j) * pred_probs[:, j]``.

    Bayes' rule under class-conditional noise. Rows whose evidence is all zero fall back
    to the given label.
    """
    post = noise_matrix[given] * pred_probs
    total = post.sum(axis=1, keepdims=True)
    empty = total[:, 0] <= 0
    post[empty] = 0.0
    post[empty, given[empty]] = 1.0
    total[empty] = 1.0
    return post / total


def _posterior_issues(given: np.ndarray, post: np.ndarray) -> LabelIssues:
    suggested = post.argmax(axis=1)
    scores = post[np.arange(given.shape[0]), given]
    mask = suggested != given
    flagged = np.flatnonzero(mask)
    return LabelIssues(
        mask=mask,
        indices=flagged[np.argsort(scores[flagged], kind="stable")],
        scores=scores,
        given_labels=given.copy(),
        suggested_labels=suggested,
        method="posterior",
        score_method="posterior",
    )


def flag_issues(
    method: str, given: np.ndarray, pred_probs: np.ndarray, post: np.ndarray
) -> LabelIssues:
    """Issues by ``method``; ``suggested_labels`` is always the posterior's argmax."""
    if method == "posterior":
        return _posterior_issues(given, post)
    # find_label_issues may freeze the array it is given; hand it a copy.
    issues = find_label_issues(given.copy(), pred_probs, method=method)  # type: ignore[arg-type]
    return dataclasses.replace(issues, suggested_labels=post.argmax(axis=1))


def plan_training(handling: str, given: np.ndarray, issues: LabelIssues, post: np.ndarray) -> Plan:
    """The training set of the next round (and of the final model).

    ``relabel``: flagged rows take the posterior's most likely class. ``prune``: flagged
    rows are left out (unless that would leave fewer than 2 classes). ``reweight``:
    flagged rows are weighted by the posterior probability that their label is right.
    """
    mask = issues.mask
    if handling == "relabel":
        labels = given.copy()
        labels[mask] = issues.suggested_labels[mask]
        return Plan(labels, None, None)
    if handling == "prune":
        keep = ~mask
        if np.unique(given[keep]).shape[0] < 2:
            keep = np.ones_like(mask)
        return Plan(given, keep, None)
    weights = np.ones(given.shape[0])
    weights[mask] = np.clip(post[mask, given[mask]], 1e-3, 1.0)
    return Plan(given, None, weights)
