"""Self-contained HTML reports on label quality (needs the ``report`` extra).

:func:`render_report` turns labels and out-of-sample ``pred_probs`` into one HTML file: a
summary with a label health score, the estimated noise matrix as a heatmap, per-class
issue rates and the top issues, with thumbnails for images and snippets for text; given a
:class:`labelnoise.health.HealthReport` (``health=``), it opens with a data-health summary
and has a section per check (duplicate groups and outliers as thumbnails). The
file has no scripts and loads nothing from the network (pictures are inline base64 PNGs),
so it can be mailed, archived or opened offline.

:func:`multilabel_report` does the same for multi-label data (tags that look missing or
wrong, per tag and per example; see :mod:`labelnoise.multilabel`).

jinja2 renders the page (autoescaping every value that comes from the data) and matplotlib
draws the heatmap; both are imported only when this subpackage is.
"""

from labelnoise.report._multilabel import multilabel_report
from labelnoise.report._multilabel_summary import (
    MultilabelSummary,
    TagIssueRow,
    TagRow,
    summarize_multilabel,
)
from labelnoise.report._render import Images, Report, render_report
from labelnoise.report._summary import ClassRow, IssueRow, ReportSummary, summarize

__all__ = [
    "ClassRow",
    "Images",
    "IssueRow",
    "MultilabelSummary",
    "Report",
    "ReportSummary",
    "TagIssueRow",
    "TagRow",
    "multilabel_report",
    "render_report",
    "summarize",
    "summarize_multilabel",
]
