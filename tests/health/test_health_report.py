"""The HTML section of the health checks (report/_health.py)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("markupsafe")

from labelnoise.health import check_health
from labelnoise.report._health import health_section


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
