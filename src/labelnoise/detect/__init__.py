"""Find mislabelled examples."""

from labelnoise.detect._find import FilterMethod, RankBy, find_label_issues
from labelnoise.detect._result import LabelIssues

__all__ = ["FilterMethod", "LabelIssues", "RankBy", "find_label_issues"]
