"""Find mislabelled examples.

::

    find_label_issues(labels, pred_probs)                      confident learning (default)
    find_label_issues(labels, pred_probs, method="auto")       best general default
    find_label_issues(labels, [pp_a, pp_b], ensemble="rank")   several models
    find_label_issues(labels, features=X, method="knn")        neighbour votes, no training
    clean_probability(labels, pred_probs)                      small-loss P(clean)
    METHODS["knn"]                                             what a method needs and reads
"""

from labelnoise.detect._ensemble import EnsembleMethod
from labelnoise.detect._find import MixtureKind, RankBy, find_label_issues
from labelnoise.detect._registry import METHODS, DetectionMethod, FilterMethod
from labelnoise.detect._result import LabelIssues
from labelnoise.detect._small_loss import clean_probability

__all__ = [
    "METHODS",
    "DetectionMethod",
    "EnsembleMethod",
    "FilterMethod",
    "LabelIssues",
    "MixtureKind",
    "RankBy",
    "clean_probability",
    "find_label_issues",
]
