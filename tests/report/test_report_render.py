"""``render_report``: content, self-containedness, thumbnails, snippets and input errors."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pytest
from PIL import Image

import labelnoise
from labelnoise._errors import InputError
from labelnoise._validation import check_problem
from labelnoise.report import render_report, summarize
from labelnoise.report._figures import thumbnail

NAMES = np.array(["cat", "dog", "fox", "owl"])


def _case(problem):
    return problem(11, n=240, n_classes=4, noise=0.2)


def _issue_rows(html: str) -> list[str]:
    return re.findall(r'<tr class="issue-row" id="issue-(\d+)">', html)


def _decode(uri: str) -> Image.Image:
    assert uri.startswith("data:image/png;base64,")
    return Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))


def test_summary_numbers(problem):
    case = _case(problem)
    html = render_report(NAMES[case.labels], case.pred_probs, classes=NAMES, top=10)
    issues = labelnoise.find_label_issues(case.labels, case.pred_probs)
    noise = labelnoise.estimate_noise(case.labels, case.pred_probs)
    assert html.startswith("<!DOCTYPE html>")
    assert f"{100 * (1 - noise.noise_rate):.1f}" in html  # the health score
    assert f'<div class="value">{len(issues)}</div>' in html
    assert _issue_rows(html) == [str(i) for i in range(1, min(10, len(issues)) + 1)]
    top = int(issues.indices[0])
    first = html[html.index('id="issue-1"') :]
    first = first[: first.index("</tr>")]
    assert f'<td class="index">{top}</td>' in first
    assert f'<span class="pill given">{NAMES[case.labels[top]]}</span>' in first
    suggested = NAMES[np.argmax(case.pred_probs[top])]
    assert f'<span class="pill sugg">{suggested}</span>' in first
    for section in ("how-to-read", "noise-matrix", "classes", "issues", "health"):
        assert f'id="{section}"' in html


def test_self_contained(problem):
    case = _case(problem)
    html = render_report(case.labels, case.pred_probs)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)
    assert "<script" not in html and "@import" not in html and "url(" not in html
    assert re.findall(r'<img[^>]+src="([^"]+)"', html)
    for uri in re.findall(r'<img[^>]+src="([^"]+)"', html):
        assert _decode(uri).size[0] > 100  # the heatmap


def test_per_class_rows_by_hand(problem):
    case = _case(problem)
    prob = check_problem(case.labels, case.pred_probs)
    issues = labelnoise.find_label_issues(case.labels, case.pred_probs)
    noise = labelnoise.estimate_noise(case.labels, case.pred_probs)
    summary = summarize(prob, issues, noise, top=5)
    for row in summary.classes:
        k = int(row.name)
        members = case.labels == k
        assert row.n == members.sum()
        assert row.flagged == (issues.mask & members).sum()
        assert row.rate == pytest.approx(row.flagged / max(row.n, 1))
    rates = [row.rate for row in summary.classes]
    assert rates == sorted(rates, reverse=True)
    assert [r.index for r in summary.issues] == issues.indices[:5].tolist()


@pytest.mark.parametrize(
    ("shape", "dtype"),
    [((240, 28, 28), np.float32), ((240, 32, 32, 3), np.uint8), ((240, 3, 16, 16), np.float64)],
)
def test_thumbnails_from_arrays(problem, shape, dtype):
    case = _case(problem)
    rng = np.random.default_rng(0)
    images = (
        rng.random(shape).astype(dtype)
        if dtype != np.uint8
        else rng.integers(0, 256, shape, dtype=np.uint8)
    )
    html = render_report(case.labels, case.pred_probs, images=images, top=5)
    thumbs = re.findall(r'<img class="thumb"\s+alt="[^"]*"\s+src="([^"]+)"', html)
    assert len(thumbs) == len(_issue_rows(html)) > 0
    assert max(_decode(thumbs[0]).size) >= 64


def test_thumbnails_from_paths(problem, tmp_path):
    case = _case(problem)
    paths = []
    for i in range(case.n):
        path = tmp_path / f"{i}.png"
        if i % 2 == 0:
            Image.new("RGB", (40, 30), (i % 256, 0, 0)).save(path)
        paths.append(path)
    with pytest.warns(UserWarning, match=r"images: \d+ of the 20 listed images could not be"):
        html = render_report(case.labels, case.pred_probs, images=paths, top=20)
    n_rows = len(_issue_rows(html))
    n_thumbs = html.count('<img class="thumb"')
    n_missing = html.count('class="nothumb">no image</div>')
    assert n_thumbs + n_missing == n_rows and n_thumbs > 0 and n_missing > 0
    assert f"{n_missing} of the 20 listed images could not be shown ({n_missing} missing" in html


def test_thumbnail_scaling():
    small = _decode(thumbnail(np.zeros((8, 8))))
    assert small.size == (96, 96)  # enlarged by a whole factor
    big = _decode(thumbnail(np.zeros((300, 150, 3), np.uint8)))
    assert big.size == (48, 96)
    grey = _decode(thumbnail(np.full((4, 4), 0.5)))
    assert set(np.asarray(grey.convert("L")).ravel().tolist()) == {128}


def test_texts_are_escaped_and_cut(problem):
    case = _case(problem)
    texts = ["<script>alert(1)</script> " + "word " * 100] * case.n
    html = render_report(case.labels, case.pred_probs, texts=texts, top=3)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "…" in html
    assert "<th>Text</th>" in html


def test_notes_and_details(problem):
    case = _case(problem)
    notes = {"Reviewer": [f"note {i}" for i in range(case.n)]}
    html = render_report(
        case.labels,
        case.pred_probs,
        notes=notes,
        details={"Source": "a & b"},
        top=3,
        title="My <data>",
    )
    issues = labelnoise.find_label_issues(case.labels, case.pred_probs)
    assert "<th>Reviewer</th>" in html and f"note {issues.indices[0]}</td>" in html
    assert "a &amp; b" in html and "<title>My &lt;data&gt;</title>" in html


def test_no_issues():
    pred_probs = np.array([[0.9, 0.1], [0.2, 0.8]] * 10)
    html = render_report([0, 1] * 10, pred_probs)
    assert "No label issues were flagged." in html
    assert _issue_rows(html) == []


def test_precomputed_results_are_used(problem):
    case = _case(problem)
    issues = labelnoise.find_label_issues(case.labels, case.pred_probs, method="both")
    html = render_report(case.labels, case.pred_probs, issues=issues, top=500)
    assert len(_issue_rows(html)) == len(issues)
    assert "method <code>both</code>" in html


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"images": np.zeros((5, 8, 8))}, "images: has 5 entries"),
        ({"images": np.zeros((240, 64))}, r"images: expected pixel arrays"),
        ({"texts": ["a"]}, "texts: has 1 entries"),
        ({"notes": {"x": ["a"]}}, r"notes\['x'\]: has 1 entries"),
        ({"method": "magic"}, "The 'method' parameter of render_report must be one of"),
        ({"top": -1}, "The 'top' parameter of render_report must be an int >= 0"),
    ],
)
def test_input_errors(problem, kwargs, match):
    case = _case(problem)
    with pytest.raises(InputError, match=match):
        render_report(case.labels, case.pred_probs, **kwargs)


def _health_case(problem):
    from labelnoise.health import check_health

    case = _case(problem)
    rng = np.random.default_rng(3)
    features = rng.normal(size=(case.labels.size, 16))
    features[7] = features[200]  # one planted copy
    images = rng.integers(0, 256, (case.labels.size, 8, 8, 3), dtype=np.uint8)
    health = check_health(features, labels=case.labels, pred_probs=case.pred_probs, random_state=0)
    return case, images, health


def test_health_section_at_the_top_with_thumbnails(problem):
    case, images, health = _health_case(problem)
    html = render_report(case.labels, case.pred_probs, images=images, health=health, top=5)
    assert html.index('id="data-health"') < html.index('id="how-to-read"')
    assert html.count('class="health-summary"') == 1
    for name in health.results:
        assert f'id="health-{name}"' in html
    part = html[html.index('id="health-duplicates"') :]
    part = part[: part.index("</section>")]
    groups = re.findall(r'<div class="group">(.*?)</div>', part)
    assert len(groups) == 1
    uris = re.findall(r'<img src="([^"]+)" alt="row (\d+)"', groups[0])
    assert sorted(int(row) for _, row in uris) == [7, 200]
    assert _decode(uris[0][0]).size[0] >= 8
    without = render_report(case.labels, case.pred_probs, top=5)
    assert 'id="data-health"' not in without


def test_health_rows_without_images(problem):
    case, _, health = _health_case(problem)
    html = render_report(case.labels, case.pred_probs, health=health, top=5)
    assert '<span class="row">#7</span><span class="row">#200</span>' in html


def test_health_input_errors(problem):
    from labelnoise.health import check_health

    case, _, _ = _health_case(problem)
    with pytest.raises(InputError, match=r"health: expected a HealthReport .* got str"):
        render_report(case.labels, case.pred_probs, health="duplicates")
    small = check_health(labels=case.labels[:10], checks=["class_imbalance"])
    with pytest.raises(InputError, match="its class_imbalance check describes 10 rows, not 240"):
        render_report(case.labels, case.pred_probs, health=small)
