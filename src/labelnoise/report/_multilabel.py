"""``multilabel_report``: one self-contained HTML page about the tags of a multi-label set.

The numbers come first (:func:`summarize_multilabel`, in ``_multilabel_summary``, pure
numpy, testable on its own), then one jinja2 page (autoescaped: tag names come from the
data) with the report's stylesheet and one matplotlib figure, an inline PNG. Thumbnails
and snippets reuse the single-label report's helpers.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

import jinja2
import numpy as np
from markupsafe import Markup
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from labelnoise._errors import InputError
from labelnoise._validation import check_int
from labelnoise.multilabel import MultilabelIssues, MultilabelNoise
from labelnoise.multilabel._estimate import problem_noise
from labelnoise.multilabel._find import problem_issues
from labelnoise.multilabel._inputs import MultilabelProblem, check_multilabel_problem
from labelnoise.report._figures import png_uri
from labelnoise.report._multilabel_summary import MultilabelSummary, TagRow, summarize_multilabel
from labelnoise.report._render import (
    Images,
    Report,
    _check_images,
    _check_length,
    _num,
    _pct,
    _snippet,
    _thumbnails,
)
from labelnoise.report._template import STYLE

__all__ = ["multilabel_report"]

_FUNC = "multilabel_report"
#: Tags drawn in the figure (the worst ones).
FIGURE_TAGS = 30


def tag_issues_png(rows: Sequence[TagRow]) -> str | None:
    """Flagged tags to add and to remove, per flagged tag (the worst first, at most
    :data:`FIGURE_TAGS`), as a PNG data URI; None when no tag is flagged."""
    shown = [row for row in rows if row.flagged_missing + row.flagged_wrong][:FIGURE_TAGS][::-1]
    if not shown:
        return None
    fig = Figure(figsize=(7.0, float(np.clip(0.28 * len(shown) + 1.0, 2.0, 10.0))), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    y = np.arange(len(shown))
    add = np.array([row.flagged_missing for row in shown])
    remove = np.array([row.flagged_wrong for row in shown])
    ax.barh(y, add, color="#059669", label="to add (missing)")
    ax.barh(y, remove, left=add, color="#dc2626", label="to remove (wrong)")
    names = [row.name if len(row.name) <= 18 else row.name[:17] + "…" for row in shown]
    ax.set_yticks(y, names, fontsize=8, parse_math=False)
    ax.set_xlabel("flagged examples")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", facecolor="white")
    return png_uri(buffer.getvalue())


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="labelnoise {{ version }}"><link rel="icon" href="data:,">
<title>{{ title }}</title><style>{{ style }}</style></head>
<body><header class="hero"><div class="wrap">
<div class="eyebrow">labelnoise &middot; multi-label report</div><h1>{{ title }}</h1>
<p class="meta">{{ "{:,}".format(s.n) }} examples &middot; {{ s.n_tags }} tags &middot; method
<code>{{ s.method }}</code> &middot; generated {{ generated }}</p></div></header>
<main class="wrap">
<div class="stats" id="summary">
<div class="card stat"><div class="label">Examples</div><div class="value" id="n-examples">{{
 "{:,}".format(s.n) }}</div><div class="sub">{{ s.n_tags }} tags</div></div>
<div class="card stat"><div class="label">Flagged examples</div><div class="value"
 id="n-flagged">{{ "{:,}".format(s.n_flagged) }}</div><div class="sub">{{
 pct(s.n_flagged / (s.n or 1)) }} of all examples</div></div>
<div class="card stat"><div class="label">Tags to add</div><div class="value" id="n-to-add">{{
 "{:,}".format(s.n_to_add) }}</div><div class="sub">look missing; about {{
 "{:,}".format(s.est_missing) }} estimated</div></div>
<div class="card stat"><div class="label">Tags to remove</div><div class="value"
 id="n-to-remove">{{ "{:,}".format(s.n_to_remove) }}</div><div class="sub">look wrong; about
 {{ "{:,}".format(s.est_wrong) }} estimated</div></div></div>
<section class="card block" id="tags"><h2>Issues per tag</h2>
<p class="lead">Each tag is checked on its own, one-vs-rest. Most flagged tags first.
Rates are estimated: <i>missed</i> is P(not given | has the tag), <i>added</i> is
P(given | lacks it).</p>
{% if figure %}<img class="figure" alt="flagged tags per tag" src="{{ figure }}"
 style="max-width:760px">{% endif %}
<div class="scroll"><table class="compact"><thead><tr><th>Tag</th><th class="num">Given</th>
<th class="num">Est. prevalence</th><th class="num">To add</th><th class="num">To remove</th>
<th class="num">Est. missed</th><th class="num">Est. added</th><th class="num">Est. missing
</th><th class="num">Est. wrong</th></tr></thead><tbody>
{% for t in s.tags %}<tr class="tag-row"><td><b>{{ t.name }}</b></td><td class="num">{{
 t.n_given }}</td><td class="num">{{ pct(t.prior) }}</td><td class="num">{{ t.flagged_missing
 }}</td><td class="num">{{ t.flagged_wrong }}</td><td class="num">{{ pct(t.missing_rate)
 }}</td><td class="num">{{ pct(t.wrong_rate) }}</td><td class="num">{{ t.num_missing }}</td>
<td class="num">{{ t.num_wrong }}</td></tr>
{% endfor %}</tbody></table></div></section>
<section class="card block" id="issues"><h2>Top {{ s.issues | length }} examples with
suspicious tags</h2><p class="lead">Likeliest errors first{% if s.n_flagged > s.issues | length
%} ({{ "{:,}".format(s.n_flagged) }} flagged in all){% endif %}. The percentage beside a tag
is the model's probability of it.</p>
{% if image_note %}<p class="lead" id="image-note">{{ image_note }}</p>{% endif %}
{% if s.issues %}<div class="scroll"><table class="issues"><thead><tr><th>#</th><th>Row</th>
{% if thumbs is not none %}<th>Image</th>{% endif %}{% if snippets is not none %}<th>Text</th>
{% endif %}<th>Given tags</th><th>To add</th><th>To remove</th><th>Label quality</th></tr>
</thead><tbody>{% for row in s.issues %}
<tr class="issue-row" id="issue-{{ row.rank }}" data-index="{{ row.index }}">
<td class="rank">{{ row.rank }}</td><td class="index">{{ row.index }}</td>
{% if thumbs is not none %}<td>{% if thumbs[loop.index0] %}<img class="thumb" alt="example {{
 row.index }}" src="{{ thumbs[loop.index0] }}">{% else %}<div class="nothumb">no image</div>
{% endif %}</td>{% endif %}{% if snippets is not none %}<td><div class="snippet">{{
 snippets[loop.index0] }}</div></td>{% endif %}
<td class="given">{% for tag in row.given %}<span class="pill" style="background:#eef0f4">{{ tag
 }}</span> {% else
 %}&mdash;{% endfor %}</td>
<td class="to-add">{% for tag, p in row.to_add %}<span class="pill sugg">{{ tag }}</span><span
 class="prob">{{ pct(p) }}</span> {% endfor %}</td>
<td class="to-remove">{% for tag, p in row.to_remove %}<span class="pill given">{{ tag
 }}</span><span class="prob">{{ pct(p) }}</span> {% endfor %}</td>
<td class="score">{{ num(row.score) }}</td></tr>{% endfor %}</tbody></table></div>
{% elif s.n_flagged == 0 %}<div class="empty">No tag issues were flagged.</div>{% endif %}
</section>
<section class="card block" id="details"><h2>Details</h2><dl class="details">
<dt>Detection method</dt><dd>{{ s.method }}, per tag (ranked by {{ s.score_method }})</dd>
{% for key, value in details.items() %}<dt>{{ key }}</dt><dd>{{ value }}</dd>{% endfor %}
</dl></section></main>
<footer>Made by labelnoise {{ version }}. This file is self-contained: it loads nothing
from the network.</footer></body></html>
"""


def _results(
    problem: MultilabelProblem, issues: MultilabelIssues | None, noise: MultilabelNoise | None
) -> tuple[MultilabelIssues, MultilabelNoise]:
    n, k = problem.labels.shape
    if issues is None:
        issues = problem_issues(problem)
    elif issues.given_labels.shape != (n, k):
        raise InputError(
            "issues",
            f"describes {issues.given_labels.shape[0]} examples and "
            f"{issues.given_labels.shape[1]} tags, not {n} and {k}; compute it on the same "
            "labels and pred_probs, or leave it out.",
        )
    if noise is None:
        noise = problem_noise(problem)
    elif noise.prior.shape[0] != k:
        raise InputError(
            "noise",
            f"has {noise.prior.shape[0]} tags, not {k}; compute it on the same labels and "
            "pred_probs, or leave it out.",
        )
    return issues, noise


def multilabel_report(
    labels: Any,
    pred_probs: Any,
    *,
    classes: Sequence[Any] | None = None,
    issues: MultilabelIssues | None = None,
    noise: MultilabelNoise | None = None,
    images: Images | None = None,
    texts: Sequence[str] | np.ndarray | None = None,
    title: str = "Multi-label report",
    top: int = 50,
    details: Mapping[str, str] | None = None,
) -> Report:
    """Render a self-contained HTML report on the tags of a multi-label data set.

    The page has a summary (examples, tags, flagged examples, tags that look missing and
    wrong), a per-tag table and figure (flagged tags to add and to remove, and the
    estimated missed and added rates of :func:`labelnoise.multilabel.estimate_noise`),
    worst tag first, and the ``top`` flagged examples worst first with their given tags,
    the tags to add and to remove (with the model's probability of each) and their label
    quality. Nothing is loaded from the network.

    Parameters
    ----------
    labels : list of tag collections, or array-like of shape (n, K)
        The given tags (as for :func:`labelnoise.multilabel.find_label_issues`).
    pred_probs : array-like of shape (n, K)
        Out-of-sample probability of each tag, each on its own.
    classes : sequence of length K, optional
        Tag name of each column of ``pred_probs``.
    issues, noise : MultilabelIssues, MultilabelNoise, optional
        Results already computed on the same inputs (e.g. with another ``method``);
        computed with the defaults when omitted.
    images : ndarray of shape (n, H, W[, C]) or sequence of n paths, optional
        Thumbnails of the listed examples (as for :func:`render_report`).
    texts : sequence of n str, optional
        Snippets of the listed examples.
    title : str, default="Multi-label report"
    top : int, default=50
        How many flagged examples to list.
    details : mapping of str to str, optional
        Extra lines for the "Details" section (e.g. input file names).

    Returns
    -------
    Report
        The HTML document (a ``str`` that Jupyter displays inline).

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise.report import multilabel_report
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.9, 0.95], [0.1, 0.8], [0.2, 0.9]])
    >>> tags = [["a"], ["a"], ["a"], ["b"], ["b"]]
    >>> html = multilabel_report(tags, pred_probs, classes=["a", "b"])
    >>> html.startswith("<!DOCTYPE html>"), 'data-index="2"' in html
    (True, True)
    """
    top = check_int(top, name="top", func=_FUNC, minimum=0)
    problem = check_multilabel_problem(labels, pred_probs, classes=classes)
    checked_images = None if images is None else _check_images(images, problem.n)
    if texts is not None:
        _check_length("texts", texts, problem.n)
    issues, noise = _results(problem, issues, noise)
    summary = summarize_multilabel(issues, noise, problem.pred_probs, top=top)
    rows = [row.index for row in summary.issues]
    thumbs, note = (None, "") if checked_images is None else _thumbnails(checked_images, rows)
    return Report(_page(summary, title, thumbs, note, texts, rows, details or {}))


def _page(
    summary: MultilabelSummary,
    title: str,
    thumbs: list[str | None] | None,
    image_note: str,
    texts: Sequence[str] | np.ndarray | None,
    rows: list[int],
    details: Mapping[str, str],
) -> str:
    from labelnoise import __version__

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return env.from_string(_PAGE).render(
        s=summary,
        title=title,
        style=Markup(STYLE),
        version=__version__,
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        pct=_pct,
        num=_num,
        figure=tag_issues_png(summary.tags),
        thumbs=thumbs,
        image_note=image_note,
        snippets=None if texts is None else [_snippet(texts[i]) for i in rows],
        details=dict(details),
    )
