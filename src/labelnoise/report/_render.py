"""``render_report``: one self-contained HTML page about the labels of a dataset."""

from __future__ import annotations

import os
import re
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import jinja2
import numpy as np
from markupsafe import Markup

from labelnoise._errors import InputError
from labelnoise._validation import Problem, check_choice, check_features, check_int, check_problem
from labelnoise.detect import METHODS, FilterMethod, LabelIssues, find_label_issues
from labelnoise.noise import NoiseEstimate, estimate_noise
from labelnoise.report._figures import heatmap_png, image_thumbnail
from labelnoise.report._summary import ReportSummary, nearest_of_suggested, summarize
from labelnoise.report._template import STYLE, TEMPLATE

if TYPE_CHECKING:
    from labelnoise.health import HealthReport

__all__ = ["Images", "Report", "render_report"]

#: Images: an array of shape (n, H, W), (n, H, W, C) or (n, C, H, W), or one path per row.
Images = np.ndarray | Sequence[str | os.PathLike[str]]
#: Text snippets are cut to this many characters.
SNIPPET_CHARS = 280
#: Duplicate groups, outliers, ... shown per data-health check.
HEALTH_LIMIT = 12
_FUNC = "render_report"


class Report(str):
    """The HTML of a report: a ``str`` that Jupyter shows inline.

    In a notebook the page is drawn in a sandboxed ``<iframe srcdoc=...>``, so its styles
    stay apart from the notebook's; anywhere else it is the HTML text itself (write it to
    a ``.html`` file).
    """

    __slots__ = ()

    def _repr_html_(self) -> str:
        import html

        return (
            '<iframe sandbox="" style="width:100%;height:720px;border:1px solid #e5e7eb;'
            f'border-radius:8px" srcdoc="{html.escape(str(self), quote=True)}"></iframe>'
        )


def _check_length(name: str, values: Any, n: int) -> None:
    if len(values) != n:
        raise InputError(
            name,
            f"has {len(values)} entries but there are {n} labels; pass one per example, "
            "in the same order as the labels.",
        )


def _check_images(images: Any, n: int) -> np.ndarray | list[str]:
    if isinstance(images, np.ndarray) and images.ndim in (3, 4):
        if images.dtype.kind not in "biuf":
            raise InputError("images", f"expected a numeric pixel array, got dtype {images.dtype}.")
        _check_length("images", images, n)
        return images
    if isinstance(images, np.ndarray) and images.ndim != 1:
        raise InputError(
            "images",
            f"expected pixel arrays of shape (n, H, W) or (n, H, W, C), got shape "
            f"{images.shape}; pass a stack of images or one image path per example.",
        )
    paths = [os.fspath(p) for p in images]
    _check_length("images", paths, n)
    return paths


def _thumbnails(images: np.ndarray | list[str], rows: list[int]) -> tuple[list[str | None], str]:
    """Thumbnails of ``rows``, and a sentence on the images that could not be shown.

    A missing, unreadable or oversized image file gives no thumbnail (the page says "no
    image") and a :class:`UserWarning` that counts them, rather than failing the report.
    """
    thumbs, reasons, first = [], Counter[str](), None
    for row in rows:
        uri, reason = image_thumbnail(images[row])
        thumbs.append(uri)
        if reason is not None:
            reasons[reason] += 1
            first = first or (row, images[row])
    if first is None:
        return thumbs, ""
    parts = ", ".join(f"{count} {reason}" for reason, count in sorted(reasons.items()))
    note = (
        f"{sum(reasons.values())} of the {len(rows)} listed images could not be shown "
        f"({parts}; the first, row {first[0]}: {os.fspath(first[1])!r})."
    )
    warnings.warn(f"images: {note}", UserWarning, stacklevel=3)
    return thumbs, note


def _snippet(text: Any) -> str:
    flat = re.sub(r"\s+", " ", str(text)).strip()
    return flat if len(flat) <= SNIPPET_CHARS else flat[: SNIPPET_CHARS - 1].rstrip() + "…"


def _pct(value: float) -> str:
    """Format a fraction as a percentage with sensible precision."""
    percent = 100.0 * value
    if percent == 0 or percent >= 9.95:
        return f"{percent:.0f}%"
    if percent < 0.005:
        return "< 0.01%"
    return f"{percent:.1f}%" if percent >= 0.095 else f"{percent:.2f}%"


def _num(value: float) -> str:
    """Format a score in [0, 1] with three decimals, or as an upper bound when tiny."""
    return f"{value:.3f}" if value >= 0.0005 else "< 0.001"


def _quality(score: float) -> str:
    return "poor" if score < 0.1 else "fair" if score < 0.5 else "good"


def _results(
    problem: Problem,
    method: FilterMethod,
    issues: LabelIssues | None,
    noise: NoiseEstimate | None,
) -> tuple[LabelIssues, NoiseEstimate]:
    if issues is None:
        issues = find_label_issues(problem.labels, problem.pred_probs, method=method)
    elif issues.mask.shape[0] != problem.n:
        raise InputError("issues", f"describes {issues.mask.shape[0]} examples, not {problem.n}.")
    if noise is None:
        noise = estimate_noise(problem.labels, problem.pred_probs)
    elif noise.joint.shape[0] != problem.n_classes:
        raise InputError("noise", f"has {noise.joint.shape[0]} classes, not {problem.n_classes}.")
    return issues, noise


def _neighbour_cells(
    problem: Problem,
    issues: LabelIssues,
    summary: ReportSummary,
    features: Any,
    images: np.ndarray | list[str] | None,
    texts: Any,
) -> list[list[dict[str, Any]]] | None:
    """Per listed issue: its nearest trusted examples of the suggested class (row, picture
    or snippet)."""
    if features is None:
        return None
    rows = [row.index for row in summary.issues]
    suggested = [int(np.argmax(problem.pred_probs[row])) for row in rows]
    nearest = nearest_of_suggested(features, problem.labels, issues, rows, suggested)
    cells = []
    for indices in nearest:
        cell = []
        for j in indices:
            thumb = None if images is None else image_thumbnail(images[j])[0]
            text = None if texts is None else _snippet(texts[j])[: SNIPPET_CHARS // 3]
            cell.append({"index": j, "thumb": thumb, "text": text})
        cells.append(cell)
    return cells


def _page(
    summary: ReportSummary,
    *,
    title: str,
    thumbs: list[str | None] | None,
    snippets: list[str] | None,
    details: Mapping[str, str],
    image_note: str = "",
    neighbours: list[list[dict[str, Any]]] | None = None,
    health: Markup | None = None,
) -> str:
    from labelnoise import __version__

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    max_rate = max((row.rate for row in summary.classes), default=0.0) or 1.0
    return env.from_string(TEMPLATE).render(
        s=summary,
        title=title,
        style=Markup(STYLE),
        version=__version__,
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        pct=_pct,
        num=_num,
        quality=_quality,
        worst=summary.classes[0] if summary.classes and summary.classes[0].flagged else None,
        max_rate=max_rate,
        heatmap=heatmap_png(summary.noise_matrix, summary.class_names),
        has_images=thumbs is not None,
        thumbs=thumbs or [],
        image_note=image_note,
        has_texts=snippets is not None,
        snippets=snippets or [],
        details=dict(details),
        neighbours=neighbours,
        health=health,
    )


def _health_html(health: Any, n: int, images: np.ndarray | list[str] | None, texts: Any) -> Markup:
    """The data-health part of the page: a summary, then a section per check."""
    from labelnoise.health import HealthReport
    from labelnoise.report._health import health_section

    if not isinstance(health, HealthReport):
        raise InputError(
            "health",
            f"expected a HealthReport from labelnoise.health.check_health, got "
            f"{type(health).__name__}.",
        )
    for name, result in health.results.items():
        rows = np.asarray(result.scores).shape[0]
        if name != "leakage" and rows != n:
            raise InputError(
                "health",
                f"its {name} check describes {rows} rows, not {n}; run check_health on the "
                "same rows as the labels.",
            )
    return health_section(health, images=images, texts=texts, limit=HEALTH_LIMIT)


def render_report(
    labels: Any,
    pred_probs: Any,
    *,
    classes: Sequence[Any] | np.ndarray | None = None,
    normalize: bool = False,
    method: FilterMethod = "prune_by_noise_rate",
    images: Images | None = None,
    texts: Sequence[str] | np.ndarray | None = None,
    notes: Mapping[str, Sequence[str] | np.ndarray] | None = None,
    title: str = "Label health report",
    top: int = 50,
    details: Mapping[str, str] | None = None,
    issues: LabelIssues | None = None,
    noise: NoiseEstimate | None = None,
    features: Any = None,
    health: HealthReport | None = None,
) -> Report:
    """Render a self-contained HTML report on the label quality of a dataset.

    The page holds a dataset summary with an overall label health score
    (``100 * (1 - estimated noise rate)``), the estimated noise matrix as a heatmap, the
    flagged rate of every class, and the ``top`` likeliest label errors with their given
    and suggested labels, label quality, and an image thumbnail or text snippet when
    ``images`` or ``texts`` are given. It loads nothing from the network: styles are
    inline and pictures are base64 PNGs.

    Parameters
    ----------
    labels : array-like of shape (n,)
        Given labels: integers ``0..K-1``, or names with ``classes=``.
    pred_probs : array-like of shape (n, K)
        Out-of-sample predicted probabilities.
    classes : sequence of length K, optional
        Class name of each column of ``pred_probs``.
    normalize : bool, default=False
        Divide each row of ``pred_probs`` by its sum first.
    method : str, default="prune_by_noise_rate"
        Detection method passed to :func:`labelnoise.find_label_issues`.
    images : ndarray of shape (n, H, W[, C]) or sequence of n paths, optional
        Pixels (uint8, or floats in [0, 1]) or image files; thumbnails are drawn for the
        listed issues only. A file that is missing, unreadable or larger than Pillow's
        decompression-bomb limit shows as "no image"; the page counts them and a
        ``UserWarning`` is issued.
    texts : sequence of n str, optional
        Text of each example; a snippet is shown for the listed issues.
    notes : mapping of column name to sequence of n str, optional
        Extra columns for the issue table.
    title : str, default="Label health report"
        Page title.
    top : int, default=50
        How many flagged examples to list.
    details : mapping of str to str, optional
        Extra lines for the "Details" section (e.g. input file names).
    issues, noise : LabelIssues, NoiseEstimate, optional
        Results already computed on the same inputs; computed here when omitted.
    features : array-like of shape (n, d), optional
        Embeddings; each listed issue then shows its three most similar (cosine) unflagged
        examples labelled with the suggested class, as thumbnails, snippets or row numbers.
    health : HealthReport, optional
        From :func:`labelnoise.health.check_health` on the same rows: the page then opens
        with a data-health summary (one row per check) and has a section per check, with
        thumbnails of duplicate groups and outliers when ``images`` are given, or text
        snippets when ``texts`` are given.

    Returns
    -------
    Report
        The HTML document (a ``str`` that Jupyter displays inline).

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise.report import render_report
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.2, 0.8], [0.9, 0.1]])
    >>> html = render_report([0, 0, 1, 1, 1], pred_probs, classes=None)
    >>> html.startswith("<!DOCTYPE html>"), 'id="issue-1"' in html
    (True, True)
    """
    check_choice(method, name="method", func=_FUNC, choices=tuple(METHODS))
    top = check_int(top, name="top", func=_FUNC, minimum=0)
    problem = check_problem(labels, pred_probs, classes=classes, normalize=normalize)
    checked_images = None if images is None else _check_images(images, problem.n)
    checked_features = (
        None if features is None else check_features(features, problem.n, rules="report")
    )
    if texts is not None:
        _check_length("texts", texts, problem.n)
    for name, column in (notes or {}).items():
        _check_length(f"notes[{name!r}]", column, problem.n)
    issues, noise = _results(problem, method, issues, noise)
    summary = summarize(problem, issues, noise, top=top, notes=notes)
    rows = [row.index for row in summary.issues]
    thumbs, image_note = (None, "") if checked_images is None else _thumbnails(checked_images, rows)
    snippets = None if texts is None else [_snippet(texts[i]) for i in rows]
    neighbours = _neighbour_cells(problem, issues, summary, checked_features, checked_images, texts)
    health_html = None if health is None else _health_html(health, problem.n, checked_images, texts)
    return Report(
        _page(
            summary,
            title=title,
            thumbs=thumbs,
            snippets=snippets,
            details=details or {},
            image_note=image_note,
            neighbours=neighbours,
            health=health_html,
        )
    )
