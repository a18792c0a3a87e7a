"""``labelnoise report``: one HTML file with thumbnails or snippets from side files."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from PIL import Image

import labelnoise


def _report(files, *extra):
    return (
        "report",
        "--labels",
        files.path("labels.npy"),
        "--pred-probs",
        files.path("pred_probs.npy"),
        "-o",
        files.path("report.html"),
        *extra,
    )


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr class="issue-row" id="issue-(\d+)">', html)


def test_report_with_image_array(files, run):
    np.save(files.path("images.npy"), np.random.default_rng(0).random((300, 28, 28)))
    result = run(
        *_report(files, "--images", files.path("images.npy"), "--top", "7", "--title", "Tiny test")
    )
    assert result.code == 0, result.err
    html = files.path("report.html").read_text()
    assert _rows(html) == [str(i) for i in range(1, 8)]
    assert html.count('<img class="thumb"') == 7
    assert "<title>Tiny test</title>" in html
    assert "Flagged" in result.out and "report.html" in result.out


def test_report_with_image_paths_and_class_names(files, run):
    folder = files.path("imgs")
    folder.mkdir()
    for i in range(300):
        Image.new("L", (20, 20), i % 256).save(folder / f"{i}.png")
    files.path("images.txt").write_text("path\n" + "".join(f"imgs/{i}.png\n" for i in range(300)))
    result = run(
        *_report(
            files, "--images", files.path("images.txt"), "--top", "4", "--classes", "cat,dog,fox"
        )
    )
    assert result.code == 0, result.err
    html = files.path("report.html").read_text()
    assert html.count('<img class="thumb"') == 4 and "no image" not in html
    top = int(labelnoise.find_label_issues(files.labels, files.pred_probs).indices[0])
    name = ["cat", "dog", "fox"][files.labels[top]]
    assert f'<span class="pill given">{name}</span>' in html


def test_report_with_texts(files, run):
    texts = pd.DataFrame({"id": range(300), "body": [f"sentence number {i}" for i in range(300)]})
    texts.to_csv(files.path("texts.csv"), index=False)
    result = run(*_report(files, "--texts", files.path("texts.csv"), "--text-column", "body"))
    assert result.code == 0, result.err
    html = files.path("report.html").read_text()
    top = int(labelnoise.find_label_issues(files.labels, files.pred_probs).indices[0])
    assert f'<div class="snippet">sentence number {top}</div>' in html


def test_report_from_csv_with_header_names(files, run):
    result = run(
        "report",
        "--labels",
        files.path("labels.csv"),
        "--label-column",
        "animal",
        "--pred-probs",
        files.path("pred_probs.csv"),
        "-o",
        files.path("r.html"),
    )
    assert result.code == 0, result.err
    assert '<span class="pill given">' in files.path("r.html").read_text()
