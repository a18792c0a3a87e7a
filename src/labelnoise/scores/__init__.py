"""Per-example label quality scores."""

from labelnoise.scores._scores import ScoreMethod, label_quality_scores

__all__ = ["ScoreMethod", "label_quality_scores"]
