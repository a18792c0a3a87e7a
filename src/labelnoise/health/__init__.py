"""Data health beyond wrong labels: duplicates, leakage, outliers, imbalance, overlap, order.

::

    check_health(features, labels=y, pred_probs=p)      every applicable check, one graph
    find_duplicates(features, labels=y)                 exact and near copies, as groups
    find_leakage(train_features, test_features)         test rows with a near copy in train
    outlier_scores(features, pred_probs=p)              unusual rows (OutlierDetector: new data)
    class_imbalance(labels)                             classes much rarer than an even split
    overlapping_classes(labels, pred_probs)             class pairs the labels confuse
    non_iid(features)                                   is row order informative? (p-value)
    neighbor_graph(features)                            the shared neighbour graph
    image_signature(images)                             a content view of images (DCT hash)

Every result is frozen with ``scores`` (one per row, in [0, 1], lower is worse), ``mask``
and ``summary()``.
"""

from labelnoise.health._classes import class_imbalance, overlapping_classes
from labelnoise.health._duplicates import find_duplicates, find_leakage
from labelnoise.health._graph import NeighborGraph, neighbor_graph
from labelnoise.health._health import CHECKS, Check, HealthReport, check_health
from labelnoise.health._noniid import non_iid
from labelnoise.health._outliers import OutlierDetector, outlier_scores
from labelnoise.health._result import (
    ClassImbalance,
    Duplicates,
    HealthResult,
    Leakage,
    NonIID,
    OutlierScores,
    OverlappingClasses,
)
from labelnoise.health._signature import image_signature

__all__ = [
    "CHECKS",
    "Check",
    "ClassImbalance",
    "Duplicates",
    "HealthReport",
    "HealthResult",
    "Leakage",
    "NeighborGraph",
    "NonIID",
    "OutlierDetector",
    "OutlierScores",
    "OverlappingClasses",
    "check_health",
    "class_imbalance",
    "find_duplicates",
    "find_leakage",
    "image_signature",
    "neighbor_graph",
    "non_iid",
    "outlier_scores",
    "overlapping_classes",
]
