"""Notebook display (``_repr_html_``) and the nearest examples of the suggested class."""

from __future__ import annotations

import html

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labelnoise import estimate_noise, find_label_issues
from labelnoise.report import Report, render_report
from labelnoise.report._summary import nearest_of_suggested

pytest.importorskip("jinja2")


def _problem(seed: int, n: int = 60, k: int = 3):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, k, n)
    logits = rng.normal(size=(n, k)) + 3 * np.eye(k)[labels]
    flip = rng.random(n) < 0.15
    labels[flip] = (labels[flip] + 1) % k
    pred_probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    features = logits + rng.normal(scale=0.5, size=(n, k))
    return labels, pred_probs, features


def test_label_issues_and_noise_estimate_display_inline():
    labels, pred_probs, _ = _problem(0)
    names = np.array(["<cat>", "dog", "fox"])
    issues = find_label_issues(names[labels], pred_probs, classes=names)
    page = issues._repr_html_()
    assert f"{len(issues):,} of 60 flagged" in page
    assert "&lt;cat&gt;" in page and "<cat>" not in page  # names are escaped
    assert page.count("<tr>") == min(len(issues), 10) + 1
    noise = estimate_noise(names[labels], pred_probs, classes=names)
    shown = noise._repr_html_()
    assert f"{100 * noise.noise_rate:.2f}%" in shown and "&lt;cat&gt;" in shown
    assert shown.count("<td") == 9


def test_report_is_a_string_shown_in_a_sandboxed_frame():
    labels, pred_probs, _ = _problem(1)
    report = render_report(labels, pred_probs)
    assert isinstance(report, Report) and isinstance(report, str)
    frame = report._repr_html_()
    assert frame.startswith("<iframe sandbox=") and html.unescape(frame).count("<!DOCTYPE") == 1


def _slow_nearest(features, labels, mask, row, cls, m):
    """Every candidate's cosine, sorted by hand."""
    scored = []
    for j in range(labels.shape[0]):
        if labels[j] == cls and not mask[j] and j != row:
            a, b = features[row], features[j]
            cos = a @ b / (np.linalg.norm(a) * np.linalg.norm(b))
            scored.append((-cos, j))
    return [j for _, j in sorted(scored)[:m]]


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 5))
def test_nearest_of_suggested_matches_a_slow_search(seed, m):
    labels, pred_probs, features = _problem(seed)
    issues = find_label_issues(labels, pred_probs)
    rows = issues.indices[:5].tolist()
    suggested = [int(np.argmax(pred_probs[r])) for r in rows]
    fast = nearest_of_suggested(features, labels, issues, rows, suggested, n_neighbors=m)
    slow = [
        _slow_nearest(features, labels, issues.mask, r, c, m)
        for r, c in zip(rows, suggested, strict=True)
    ]
    assert fast == slow


def test_report_shows_neighbours_with_snippets():
    labels, pred_probs, features = _problem(2)
    texts = [f"text number {i}" for i in range(60)]
    page = render_report(labels, pred_probs, texts=texts, features=features, top=5)
    assert "Nearest of suggested" in page and page.count('class="nb"') == 15


def test_report_features_must_line_up():
    labels, pred_probs, features = _problem(3)
    with pytest.raises(ValueError, match=r"features: expected a numeric array of shape \(n, d\)"):
        render_report(labels, pred_probs, features=features[:-1])
