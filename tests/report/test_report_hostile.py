"""Hostile data in the report: class names with TeX or HTML, oversized and missing images."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from PIL import Image

from labelnoise.report import render_report
from labelnoise.report._figures import heatmap_png, image_thumbnail

ODD_NAMES = ["price $^$", "$\\frac{1}{0}$", "<b>bold</b>", '=HYPERLINK("x")']


def test_heatmap_draws_dollar_names_literally():
    uri = heatmap_png(np.eye(4), ODD_NAMES)  # mathtext would raise on "$^$"
    assert uri.startswith("data:image/png;base64,")


def test_report_with_dollar_and_html_names(problem):
    case = problem(5, n=200, n_classes=4, noise=0.2)
    names = np.array(ODD_NAMES, dtype=object)
    html = render_report(names[case.labels], case.pred_probs, classes=names, top=20)
    assert "price $^$" in html  # literal text, not TeX
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html


@pytest.fixture
def tiny_bomb_limit(monkeypatch):
    """Pillow's decompression-bomb limit lowered to 100 pixels (warns > 100, raises > 200)."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)


@pytest.mark.parametrize(("side", "pil_warns"), [(12, True), (20, False)])
def test_oversized_image_is_skipped(tmp_path, tiny_bomb_limit, side, pil_warns):
    path = tmp_path / "big.png"
    Image.new("L", (side, side)).save(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert image_thumbnail(path) == (None, "too large")
    assert any(issubclass(w.category, Image.DecompressionBombWarning) for w in caught) is pil_warns


def test_missing_and_unreadable_reasons(tmp_path):
    (tmp_path / "junk.png").write_bytes(b"not an image")
    assert image_thumbnail(tmp_path / "nothere.png") == (None, "missing")
    assert image_thumbnail("") == (None, "missing")
    assert image_thumbnail(tmp_path) == (None, "missing")  # a folder
    assert image_thumbnail(tmp_path / "junk.png") == (None, "unreadable")


def test_report_skips_bombs_with_a_warning(problem, tmp_path, tiny_bomb_limit):
    case = problem(6, n=120, n_classes=3, noise=0.2)
    Image.new("L", (30, 30)).save(tmp_path / "bomb.png")
    Image.new("L", (8, 8)).save(tmp_path / "ok.png")
    paths = [tmp_path / ("bomb.png" if i % 3 == 0 else "ok.png") for i in range(case.n)]
    with pytest.warns(UserWarning, match=r"images: \d+ of the \d+ listed images could not be"):
        html = render_report(case.labels, case.pred_probs, images=paths, top=30)
    n_bombs = html.count('class="nothumb">no image</div>')
    assert n_bombs > 0 and html.count('<img class="thumb"') > 0
    assert f"{n_bombs} too large" in html and 'id="image-note"' in html
