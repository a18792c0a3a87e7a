"""The HTML section of the health checks (report/_health.py)."""

from __future__ import annotations

import re

import numpy as np
import pytest

pytest.importorskip("markupsafe")

from labelnoise.health import check_health
from labelnoise.report._health import health_section
from labelnoise.report._render import SNIPPET_CHARS


@pytest.mark.filterwarnings("ignore:20 of 20 test rows have an exact copy:UserWarning")
def test_section_has_a_part_per_check_and_escapes(health_case):
    pytest.importorskip("PIL")
    case = health_case(0)
    names = np.array(["<b>a</b>", "b", "c", "d"])[case.labels]
    report = check_health(
        case.features,
        labels=names,
        test_features=case.features[:20] + 1e-6,
        random_state=0,
    )
    images = np.random.default_rng(0).integers(0, 255, size=(case.n, 8, 8, 3)).astype(np.uint8)
    html = health_section(report, images=images, test_images=images[:20])
    for name in report.results:
        assert f'id="health-{name}"' in html
    assert "<b>a</b>" not in html
    assert html.count("<img") >= 2 * report.duplicates.n_groups
    plain = health_section(report)
    assert "<img" not in plain and "#" in plain


def test_section_escapes_class_names():
    labels = np.array(["<b>a</b>"] * 2 + ["b"] * 98)
    html = health_section(check_health(labels=labels))
    assert "&lt;b&gt;a&lt;/b&gt;: 2 rows" in html and "<b>a</b>" not in html


def test_section_shows_escaped_cut_snippets_of_texts():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 8))
    x[5], x[40] = x[30], x[30] * 2  # a group of three (cosine-identical)
    x[50] = x[55] + 1e-9
    texts = [f"text {i}" for i in range(60)]
    texts[5] = "<script>alert(1)</script>  spaced\n\tout"
    texts[30] = "long " * 100
    report = check_health(x, checks=["duplicates", "outliers"], random_state=0)
    html = health_section(report, texts=texts)
    part = html[html.index('id="health-duplicates"') : html.index('id="health-outliers"')]
    groups = re.findall(r'<div class="group">(.*?)</div>', part)
    (triple,) = [g for g in groups if "#30<" in g]
    assert "<blockquote>&lt;script&gt;alert(1)&lt;/script&gt; spaced out</blockquote>" in triple
    assert "<script>" not in html
    (cut,) = re.findall(r"<blockquote>(long[^<]*)</blockquote>", triple)
    assert cut.endswith("…") and len(cut) == SNIPPET_CHARS  # cut as in the issue table
    assert "<blockquote>text 40</blockquote>" in triple
    assert "<blockquote>text 50</blockquote>" in html and "<blockquote>text 55</blockquote>" in html
    outliers = html[html.index('id="health-outliers"') :]
    assert outliers.count("<blockquote>") == report.outliers.n_flagged


def test_section_leakage_shows_test_and_train_texts():
    rng = np.random.default_rng(1)
    train, test = rng.normal(size=(80, 8)), rng.normal(size=(10, 8))
    test[2] = train[17]
    report = check_health(train, test_features=test, checks=["leakage"])
    html = health_section(
        report,
        texts=[f"train {i}" for i in range(80)],
        test_texts=[f"test {i}" for i in range(10)],
    )
    assert (
        '<div class="group"><figure class="text"><blockquote>test 2</blockquote>'
        '<figcaption>#2</figcaption></figure><figure class="text"><blockquote>train 17'
    ) in html
