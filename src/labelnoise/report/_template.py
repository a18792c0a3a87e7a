"""The report's single HTML template (jinja2, autoescaped), with its stylesheet inlined.

Kept as a Python string rather than a package-data file so that the report works from any
install (zip imports included) and stays one self-contained file: no scripts, no external
fonts or stylesheets, every picture an inline data URI.
"""

from __future__ import annotations

__all__ = ["STYLE", "TEMPLATE"]

STYLE = """
:root {
  --ink: #111827; --muted: #6b7280; --line: #e5e7eb; --bg: #f5f6fa; --card: #ffffff;
  --accent: #4f46e5; --good: #059669; --fair: #d97706; --poor: #dc2626;
  --given: #fee2e2; --given-ink: #991b1b; --sugg: #d1fae5; --sugg-ink: #065f46;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--ink); line-height: 1.45;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
        "Noto Sans", "Liberation Sans", sans-serif;
}
.wrap { max-width: 1180px; margin: 0 auto; padding: 0 28px; }
header.hero {
  background: linear-gradient(120deg, #1e1b4b 0%, #312e81 55%, #4338ca 100%);
  color: #eef2ff; padding: 30px 0 74px;
}
.eyebrow { text-transform: uppercase; letter-spacing: .12em; font-size: 12px; opacity: .75; }
h1 { margin: 6px 0 6px; font-size: 30px; font-weight: 700; letter-spacing: -.01em; }
.meta { margin: 0; opacity: .8; font-size: 14px; }
main.wrap { margin-top: -50px; padding-bottom: 40px; }
.card {
  background: var(--card); border-radius: 14px; border: 1px solid var(--line);
  box-shadow: 0 1px 2px rgba(17,24,39,.04), 0 8px 24px rgba(17,24,39,.06);
}
.overview { display: grid; grid-template-columns: 340px 1fr; gap: 18px; }
.health { display: flex; align-items: center; gap: 20px; padding: 20px 22px; }
.ring {
  --c: var(--good); flex: none; width: 112px; height: 112px; border-radius: 50%;
  background: conic-gradient(var(--c) calc(var(--p) * 1%), #e5e7eb 0);
  display: grid; place-items: center; position: relative;
}
.ring::before { content: ""; position: absolute; inset: 11px; border-radius: 50%;
  background: var(--card); }
.ring b { position: relative; font-size: 27px; line-height: 1; }
.ring small { display: block; font-size: 11px; color: var(--muted); text-align: center;
  font-weight: 400; margin-top: 3px; }
.grade-fair .ring { --c: var(--fair); } .grade-poor .ring { --c: var(--poor); }
.health h2 { margin: 0 0 4px; font-size: 17px; }
.health p { margin: 0; color: var(--muted); font-size: 13.5px; }
.badge { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 12px;
  font-weight: 600; color: #fff; background: var(--good); margin-bottom: 6px; }
.grade-fair .badge { background: var(--fair); } .grade-poor .badge { background: var(--poor); }
.stats { display: grid; grid-template-columns: repeat(4, 1fr); gap: 18px; }
.stat { padding: 18px 20px; }
.stat .label { color: var(--muted); font-size: 13px; }
.stat .value { font-size: 26px; font-weight: 700; margin-top: 4px; letter-spacing: -.01em; }
.stat .sub { color: var(--muted); font-size: 12.5px; margin-top: 2px; }
section.block { margin-top: 22px; padding: 22px 24px; }
section.block h2 { margin: 0 0 4px; font-size: 19px; }
.lead { margin: 0 0 14px; color: var(--muted); font-size: 14px; }
.howto { margin-top: 18px; padding: 16px 22px; border-left: 4px solid var(--accent); }
.howto h2 { font-size: 15px; margin: 0 0 6px; }
.howto ul { margin: 0; padding-left: 18px; columns: 2; column-gap: 34px; font-size: 13.5px; }
.howto li { margin: 0 0 5px; break-inside: avoid; }
table { width: 100%; border-collapse: collapse; font-size: 14px; }
th { text-align: left; font-weight: 600; color: var(--muted); font-size: 12px;
  text-transform: uppercase; letter-spacing: .04em; padding: 8px 10px;
  border-bottom: 1px solid var(--line); white-space: nowrap; }
td { padding: 9px 10px; border-bottom: 1px solid #f0f1f4; vertical-align: middle; }
tbody tr:hover { background: #fafaff; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.rank { color: var(--muted); width: 36px; }
td.index { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 13px; }
.pill { display: inline-block; padding: 2px 10px; border-radius: 999px; font-weight: 600;
  font-size: 13px; white-space: nowrap; }
.pill.given { background: var(--given); color: var(--given-ink); }
.pill.sugg { background: var(--sugg); color: var(--sugg-ink); }
.prob { color: var(--muted); font-size: 12px; margin-left: 6px;
  font-variant-numeric: tabular-nums; }
.meter { display: inline-block; width: 84px; height: 7px; background: #eef0f4;
  border-radius: 4px; overflow: hidden; vertical-align: middle; margin-right: 8px; }
.meter span { display: block; height: 100%; min-width: 3px; background: var(--poor);
  border-radius: 4px; }
.meter.q-fair span { background: var(--fair); } .meter.q-good span { background: var(--good); }
.meter.rate span { background: var(--accent); }
.meter.short { width: 56px; }
.scroll { overflow-x: auto; }
table.compact td, table.compact th { padding-left: 6px; padding-right: 6px; white-space: nowrap; }
table.compact td:first-child { white-space: normal; overflow-wrap: anywhere; }
.score { font-variant-numeric: tabular-nums; font-size: 13px; }
img.thumb { width: 64px; height: 64px; object-fit: contain; border-radius: 6px;
  background: #f3f4f6; image-rendering: pixelated; display: block; }
.nothumb { width: 64px; height: 64px; border-radius: 6px; background: #f3f4f6;
  color: var(--muted); font-size: 11px; display: grid; place-items: center; }
.snippet { max-width: 460px; color: #374151; font-size: 13.5px; display: -webkit-box;
  -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; }
.note { color: #374151; font-size: 13px; }
.near { display: flex; gap: 6px; align-items: flex-start; }
.nb { display: flex; flex-direction: column; align-items: center; max-width: 150px; }
.nb small { color: var(--muted); font-size: 11px; }
img.mini { width: 40px; height: 40px; object-fit: contain; border-radius: 4px;
  background: #f3f4f6; image-rendering: pixelated; display: block; }
.nbtext { font-size: 12px; color: #374151; display: -webkit-box; -webkit-line-clamp: 2;
  -webkit-box-orient: vertical; overflow: hidden; }
/* The class table needs more room than the heatmap, which scales down with its card. */
.grid2 { display: grid; grid-template-columns: minmax(0, 4fr) minmax(0, 5fr); gap: 22px;
  align-items: start; }
.grid2 section.block { margin-top: 22px; }
img.figure { width: 100%; height: auto; display: block; }
.empty { padding: 26px; text-align: center; color: var(--muted); }
dl.details { display: grid; grid-template-columns: max-content 1fr; gap: 6px 18px;
  margin: 0; font-size: 13.5px; }
dl.details dt { color: var(--muted); } dl.details dd { margin: 0; word-break: break-all; }
footer { color: var(--muted); font-size: 12.5px; padding: 8px 0 36px; text-align: center; }
/* Below ~1,200 px the two cards side by side are too narrow for the class table. */
/* Data health: the summary table and one part per check (report/_health.py). */
section.health { display: block; padding: 0; }
section.health h2 { font-size: 19px; margin: 0 0 10px; }
table.health-summary { margin-bottom: 8px; }
table.health-summary td:first-child { font-weight: 600; }
.health-check h3 { font-size: 15px; margin: 16px 0 6px; }
.health-check .group { display: flex; flex-wrap: wrap; gap: 6px; margin: 6px 0; padding: 6px;
  border: 1px solid var(--line); border-radius: 8px; }
.health-check figure { margin: 0; text-align: center; font-size: 11px; color: var(--muted); }
.health-check figure img { width: 48px; height: 48px; object-fit: contain; border-radius: 4px;
  background: #f3f4f6; image-rendering: pixelated; display: block; }
.health-check .row { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 13px; padding: 2px 6px; background: #f3f4f6; border-radius: 4px; }
.health-check figure.text { max-width: 280px; text-align: left; }
.health-check figure.text blockquote { margin: 0 0 2px; color: #374151; font-size: 12.5px;
  display: -webkit-box; -webkit-line-clamp: 4; -webkit-box-orient: vertical; overflow: hidden; }
@media (max-width: 1199px) {
  .grid2 { grid-template-columns: minmax(0, 1fr); }
  img.figure { max-width: 640px; margin: 0 auto; }
}
@media (max-width: 900px) {
  .overview { grid-template-columns: 1fr; }
  .stats { grid-template-columns: repeat(2, 1fr); }
  .howto ul { columns: 1; }
}
@media print { body { background: #fff; } header.hero { padding-bottom: 20px; }
  main.wrap { margin-top: 10px; } .card { box-shadow: none; } }
"""

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="labelnoise {{ version }}">
<link rel="icon" href="data:,">
<title>{{ title }}</title>
<style>{{ style | safe }}</style>
</head>
<body>
<header class="hero"><div class="wrap">
  <div class="eyebrow">labelnoise · label health report</div>
  <h1>{{ title }}</h1>
  <p class="meta">{{ "{:,}".format(s.n) }} examples · {{ s.n_classes }} classes ·
    method <code>{{ s.method }}</code> · generated {{ generated }}</p>
</div></header>
<main class="wrap">
<div class="overview">
  <div class="card health grade-{{ s.grade }}" id="health">
    <div class="ring" style="--p: {{ '%.1f' | format(s.health) }}">
      <b>{{ '%.1f' | format(s.health) }}<small>of 100</small></b></div>
    <div><span class="badge">{{ s.grade }}</span><h2>Label health</h2>
      <p>An estimated {{ pct(s.noise_rate) }} of the labels are wrong.</p></div>
  </div>
  <div class="stats">
    <div class="card stat"><div class="label">Examples</div>
      <div class="value">{{ "{:,}".format(s.n) }}</div>
      <div class="sub">{{ s.n_classes }} classes</div></div>
    <div class="card stat"><div class="label">Flagged</div>
      <div class="value">{{ "{:,}".format(s.n_flagged) }}</div>
      <div class="sub">{{ pct(s.flagged_rate) }} of all examples</div></div>
    <div class="card stat"><div class="label">Estimated wrong</div>
      <div class="value">{{ pct(s.noise_rate) }}</div>
      <div class="sub">about {{ "{:,}".format((s.noise_rate * s.n) | round | int) }}
        examples</div></div>
    <div class="card stat"><div class="label">Noisiest class</div>
      <div class="value">{{ worst.name if worst else "—" }}</div>
      <div class="sub">{% if worst %}{{ pct(worst.rate) }} flagged{% else %}nothing
        flagged{% endif %}</div></div>
  </div>
</div>
{% if health is not none %}<section class="card block" id="data-health">{{ health }}</section>
{% endif %}<section class="card howto" id="how-to-read">
  <h2>How to read this</h2>
  <ul>
    <li><b>Flagged</b> examples are those whose given label disagrees confidently with an
      out-of-sample model (confident learning); review them first, worst first.</li>
    <li><b>Label quality</b> is the model's probability of the given label: near 0 means
      the label is very likely wrong.</li>
    <li>The <b>suggested label</b> is the model's best guess, a hint and not ground truth;
      a human should decide.</li>
    <li>The <b>noise matrix</b> estimates how often each true class was given each label;
      bright cells off the diagonal are systematic confusions.</li>
  </ul>
</section>
<section class="card block" id="issues">
  <h2>Top {{ s.issues | length }} label issues</h2>
  <p class="lead">Likeliest errors first{% if s.n_flagged > s.issues | length %}
    ({{ "{:,}".format(s.n_flagged) }} flagged in all; the full list is in the CSV){% endif %}.</p>
  {% if image_note %}<p class="lead" id="image-note">{{ image_note }}</p>{% endif %}
  {% if s.issues %}
  <div class="scroll"><table class="issues">
    <thead><tr><th>#</th><th>Row</th>{% if has_images %}<th>Image</th>{% endif %}
      {% if has_texts %}<th>Text</th>{% endif %}<th>Given label</th><th>Suggested label</th>
      <th>Label quality</th>{% if neighbours is not none %}<th>Nearest of suggested
      class</th>{% endif %}{% for name in s.note_columns %}<th>{{ name }}</th>{% endfor %}
    </tr></thead>
    <tbody>
    {% for row in s.issues %}
    <tr class="issue-row" id="issue-{{ row.rank }}">
      <td class="rank">{{ row.rank }}</td><td class="index">{{ row.index }}</td>
      {% if has_images %}<td>{% if thumbs[loop.index0] %}<img class="thumb"
        alt="example {{ row.index }}" src="{{ thumbs[loop.index0] }}">{% else %}<div
        class="nothumb">no image</div>{% endif %}</td>{% endif %}
      {% if has_texts %}<td><div class="snippet">{{ snippets[loop.index0] }}</div></td>{% endif %}
      <td><span class="pill given">{{ row.given }}</span><span class="prob">{{
        pct(row.given_prob) }}</span></td>
      <td><span class="pill sugg">{{ row.suggested }}</span><span class="prob">{{
        pct(row.suggested_prob) }}</span></td>
      <td><span class="meter q-{{ quality(row.score) }}"><span style="width: {{ '%.1f' |
        format(100 * row.score) }}%"></span></span><span class="score">{{ num(row.score)
        }}</span></td>
      {% if neighbours is not none %}<td><div class="near">{% for nb in neighbours[loop.index0]
        %}<div class="nb" title="row {{ nb.index }}">{% if nb.thumb %}<img class="mini"
        alt="example {{ nb.index }}" src="{{ nb.thumb }}">{% elif nb.text is not none %}<span
        class="nbtext">{{ nb.text }}</span>{% endif %}<small>#{{ nb.index }}</small></div>{%
        else %}—{% endfor %}</div></td>{% endif %}
      {% for note in row.notes %}<td class="note">{{ note or "—" }}</td>{% endfor %}
    </tr>
    {% endfor %}
    </tbody>
  </table></div>
  {% else %}
  <div class="empty">No label issues were flagged.</div>
  {% endif %}
</section>
<div class="grid2">
  <section class="card block" id="noise-matrix">
    <h2>Estimated noise matrix</h2>
    <p class="lead">Share of examples of each true class (column) that carry each given
      label (row). The diagonal is the share labelled correctly.</p>
    <img class="figure" alt="Estimated noise matrix heatmap" src="{{ heatmap }}">
  </section>
  <section class="card block" id="classes">
    <h2>Issues per class</h2>
    <p class="lead">Classes by the share of their examples flagged.</p>
    <div class="scroll"><table class="compact">
      <thead><tr><th>Class</th><th class="num">Examples</th><th>Flagged</th>
        <th class="num">Est. wrong</th><th>Likely</th></tr></thead>
      <tbody>
      {% for c in s.classes %}
      <tr><td><b>{{ c.name }}</b></td><td class="num">{{ "{:,}".format(c.n) }}</td>
        <td><span class="meter rate short"><span style="width: {{ '%.1f' | format(100 * c.rate /
          max_rate) }}%"></span></span><span class="score">{{ c.flagged }} ·
          {{ pct(c.rate) }}</span></td>
        <td class="num">{{ pct(c.estimated_noise) }}</td>
        <td>{% if c.top_suggestion %}<span class="pill sugg">{{ c.top_suggestion
          }}</span>{% endif %}</td></tr>
      {% endfor %}
      </tbody>
    </table></div>
  </section>
</div>
<section class="card block" id="details">
  <h2>Details</h2>
  <dl class="details">
    <dt>Detection method</dt><dd>{{ s.method }} (ranked by {{ s.score_method }})</dd>
    {% for key, value in details.items() %}<dt>{{ key }}</dt><dd>{{ value }}</dd>{% endfor %}
    <dt>Health score</dt><dd>100 × (1 − estimated share of wrong labels)</dd>
  </dl>
</section>
</main>
<footer>Made by labelnoise {{ version }}. This file is self-contained: it loads nothing
  from the network.</footer>
</body>
</html>
"""
