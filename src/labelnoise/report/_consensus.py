"""The HTML section for several annotators: annotator quality plot and hardest examples.

:func:`render_consensus` turns a :class:`~labelnoise.annotators.Consensus` into one
self-contained HTML page (no scripts, the plot an inline PNG), styled like the label
report. jinja2 autoescapes every value that comes from the data (annotator ids, class
names); matplotlib draws through its object-oriented API, never ``pyplot``.
"""

from __future__ import annotations

import io
from typing import Any

import jinja2
import numpy as np
from markupsafe import Markup
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from labelnoise._validation import check_int
from labelnoise.annotators import Consensus
from labelnoise.report._figures import png_uri
from labelnoise.report._template import STYLE

__all__ = ["annotator_quality_png", "render_consensus"]

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Annotator consensus</title><style>{{ style }}</style></head>
<body><header class="hero"><div class="wrap">
<div class="eyebrow">labelnoise {{ version }} &middot; consensus</div>
<h1>Consensus of {{ n_annotators }} annotators on {{ n_examples }} examples</h1>
<p class="meta">method {{ method }}{% if weight %} &middot; model weight {{ weight }}{% endif %}
 &middot; mean consensus quality {{ mean_quality }} &middot; unanimous {{ unanimous }}</p>
</div></header>
<main class="wrap">
<section class="card" style="padding:20px 22px;margin-bottom:18px">
<h2>Annotator quality</h2>
<p>Estimated accuracy of each annotator against how many labels they gave; the dashed line
is the workload-weighted mean. Annotators low on the plot disagree with the consensus more
than their workload explains.</p>
<img alt="annotator quality plot" src="{{ plot }}" style="max-width:100%">
<h3>Lowest-quality annotators</h3>
<table><thead><tr><th>annotator</th><th>labels</th><th>quality</th><th>agreement</th></tr>
</thead><tbody>{% for row in worst %}<tr><td>{{ row.annotator }}</td><td>{{ row.n_labels }}</td>
<td>{{ row.quality }}</td><td>{{ row.agreement }}</td></tr>{% endfor %}</tbody></table>
</section>
<section class="card" style="padding:20px 22px">
<h2>Hardest examples</h2>
<p>Lowest consensus quality first: the consensus label is most likely wrong here, and
another label (or an expert's look) is worth most.</p>
<table><thead><tr><th>example</th><th>consensus</th><th>quality</th><th>agreement</th>
<th>relabel priority</th></tr></thead><tbody>{% for row in hardest %}<tr>
<td>{{ row.example }}</td><td>{{ row.label }}</td><td>{{ row.quality }}</td>
<td>{{ row.agreement }}</td><td>{{ row.priority }}</td></tr>{% endfor %}</tbody></table>
</section></main></body></html>
"""


def annotator_quality_png(result: Consensus) -> str:
    """Scatter of labels given (log scale) against estimated quality, as a data URI."""
    frame = result.annotators
    fig = Figure(figsize=(7.0, 3.6), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.scatter(frame["n_labels"], frame["quality"], s=14, alpha=0.6, color="#4f46e5")
    weights = frame["n_labels"].to_numpy(dtype=float)
    mean = float(np.average(frame["quality"], weights=weights)) if weights.sum() else 0.0
    ax.axhline(mean, color="#6b7280", linestyle="--", linewidth=1)
    ax.set_xscale("log")
    ax.set_xlabel("labels given")
    ax.set_ylabel("estimated accuracy")
    ax.set_ylim(-0.02, 1.02)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return png_uri(buffer.getvalue())


def _fmt(value: float) -> str:
    return f"{value:.3f}"


def _rows(result: Consensus, top: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    frame = result.annotators.sort_values(["quality", "annotator"], kind="stable").head(top)
    worst = [
        {
            "annotator": str(row.annotator),
            "n_labels": int(row.n_labels),
            "quality": _fmt(row.quality),
            "agreement": _fmt(row.agreement),
        }
        for row in frame.itertuples(index=False)
    ]
    order = np.argsort(result.quality, kind="stable")[:top]
    hardest = [
        {
            "example": str(result.examples[i]),
            "label": str(result.labels[i]),
            "quality": _fmt(result.quality[i]),
            "agreement": _fmt(result.agreement[i]),
            "priority": _fmt(result.relabel_priority[i]),
        }
        for i in order
    ]
    return worst, hardest


def render_consensus(result: Consensus, *, top: int = 20) -> str:
    """One self-contained HTML page on a consensus: annotator quality and hardest examples.

    Parameters
    ----------
    result : Consensus
        From :func:`labelnoise.annotators.consensus`.
    top : int, default 20
        Rows in the tables of lowest-quality annotators and hardest examples.

    Returns
    -------
    str
        The HTML page.
    """
    from labelnoise import __version__

    top = check_int(top, name="top", func="render_consensus", minimum=1)
    worst, hardest = _rows(result, top)
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return env.from_string(_PAGE).render(
        style=Markup(STYLE),
        version=__version__,
        n_annotators=f"{len(result.annotators):,}",
        n_examples=f"{len(result):,}",
        method=result.method,
        weight=_fmt(result.model_weight) if result.method == "model" else "",
        mean_quality=_fmt(float(np.mean(result.quality))),
        unanimous=f"{float(np.mean(result.agreement == 1.0)):.1%}",
        plot=annotator_quality_png(result),
        worst=worst,
        hardest=hardest,
    )
