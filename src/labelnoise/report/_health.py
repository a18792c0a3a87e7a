"""The data-health section of the HTML report: a summary table, then one part per check.

``health_section(report)`` returns an HTML fragment (``markupsafe.Markup``) for the page
template: every value is escaped; duplicate groups, leaked pairs and outliers are shown
as thumbnails when ``images`` (one per row) are given, as text snippets (whitespace
collapsed, cut as in the issue table) when ``texts`` are, else as row numbers.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from markupsafe import Markup

from labelnoise.health import HealthReport
from labelnoise.report._render import _snippet

__all__ = ["health_section"]

_TITLES = {
    "duplicates": "Duplicates",
    "leakage": "Train/test leakage",
    "outliers": "Outliers",
    "class_imbalance": "Class imbalance",
    "overlapping_classes": "Overlapping classes",
    "non_iid": "Row order (non-i.i.d.)",
}


def _esc(value: Any) -> str:
    if isinstance(value, float):
        return html.escape(f"{value:.4g}")
    return html.escape(str(value))


def _row_view(row: int, images: Any, texts: Any) -> str:
    if images is not None:
        from labelnoise.report._figures import thumbnail

        uri = thumbnail(images[row])
        if uri is None:
            return f'<span class="row">#{row} (unreadable)</span>'
        return f'<figure><img src="{uri}" alt="row {row}"><figcaption>#{row}</figcaption></figure>'
    if texts is not None:
        return (
            f'<figure class="text"><blockquote>{_esc(_snippet(texts[row]))}</blockquote>'
            f"<figcaption>#{row}</figcaption></figure>"
        )
    return f'<span class="row">#{row}</span>'


@dataclass(frozen=True)
class _Views:
    """How a row of each split is shown: its image, its text, or its number."""

    images: Any = None
    test_images: Any = None
    texts: Any = None
    test_texts: Any = None

    def train(self, row: int) -> str:
        return _row_view(row, self.images, self.texts)

    def test(self, row: int) -> str:
        return _row_view(row, self.test_images, self.test_texts)


def _summary_table(report: HealthReport) -> str:
    frame = report.summary()
    head = "".join(f"<th>{_esc(c)}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_esc(v)}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f'<table class="health-summary"><tr>{head}</tr>{body}</table>'


def _items(name: str, report: HealthReport, views: _Views, limit: int) -> str:
    if name == "duplicates" and report.duplicates is not None:
        groups = report.duplicates.groups()[:limit]
        return "".join(
            '<div class="group">' + "".join(views.train(int(r)) for r in g) + "</div>"
            for g in groups
        )
    if name == "leakage" and report.leakage is not None:
        return "".join(
            '<div class="group">' + views.test(int(t)) + views.train(int(r)) + "</div>"
            for t, r in report.leakage.pairs[:limit]
        )
    if name == "outliers" and report.outliers is not None:
        rows = report.outliers.indices[:limit]
        return '<div class="group">' + "".join(views.train(int(r)) for r in rows) + "</div>"
    if name == "overlapping_classes" and report.overlapping_classes is not None:
        pairs = report.overlapping_classes.pairs
        pairs = pairs[pairs["overlapping"]].head(limit)
        return (
            "<ul>"
            + "".join(
                f"<li>{_esc(p.class_a)} / {_esc(p.class_b)}: {_esc(p.count)} rows "
                f"({_esc(100 * p.share)}%)</li>"
                for p in pairs.itertuples()
            )
            + "</ul>"
        )
    if name == "class_imbalance" and report.class_imbalance is not None:
        result = report.class_imbalance
        return (
            "<ul>"
            + "".join(
                f"<li>{_esc(c)}: {_esc(int(n))} rows</li>"
                for c, n in zip(result.classes, result.counts, strict=True)
                if c in set(result.rare_classes.tolist())
            )
            + "</ul>"
        )
    if name == "non_iid" and report.non_iid is not None:
        r = report.non_iid
        verdict = "consistent with i.i.d. order" if r.is_iid else "row order is informative"
        return f"<p>p-value {_esc(r.p_value)} (KS {_esc(r.statistic)}): {verdict}.</p>"
    return ""


def health_section(
    report: HealthReport,
    *,
    images: Sequence[Any] | np.ndarray | None = None,
    test_images: Sequence[Any] | np.ndarray | None = None,
    texts: Sequence[str] | np.ndarray | None = None,
    test_texts: Sequence[str] | np.ndarray | None = None,
    limit: int = 12,
) -> Markup:
    """The HTML of the data-health section: a summary table, then a part per check.

    Parameters
    ----------
    report : HealthReport
        From :func:`labelnoise.health.check_health`.
    images, test_images : array or sequence of paths, optional
        One image per row (``test_images`` per test row, for leakage); rows are shown as
        thumbnails.
    texts, test_texts : sequence of str, optional
        One text per row (``test_texts`` per test row); without images, rows are shown as
        escaped snippets, else as row numbers.
    limit : int, default=12
        Groups, pairs or rows shown per check.

    Returns
    -------
    markupsafe.Markup
    """
    views = _Views(images, test_images, texts, test_texts)
    parts = ['<section class="health"><h2>Data health</h2>', _summary_table(report)]
    for name, result in report.results.items():
        parts.append(
            f'<section class="health-check" id="health-{name}"><h3>{_TITLES[name]} '
            f"({result.n_flagged} flagged)</h3>" + _items(name, report, views, limit) + "</section>"
        )
    parts.append("</section>")
    return Markup("".join(parts))
