"""``labelnoise report``: one HTML file with thumbnails or snippets from side files."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from PIL import Image

import labelnoise


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr class="issue-row" id="issue-(\d+)">', html)


def _image_list(files, entries, name="images.txt"):
    files.path(name).write_text("path\n" + "".join(f"{entry}\n" for entry in entries))
    return files.path(name)


def _pngs(folder, n, size=(8, 8)):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        Image.new("L", size, i % 256).save(folder / f"{i}.png")


def test_report_with_image_array(files, run):
    np.save(files.path("images.npy"), np.random.default_rng(0).random((300, 28, 28)))
    result = run(
        *files.report("--images", files.path("images.npy"), "--top", "7", "--title", "Tiny test")
    )
    assert result.code == 0, result.err
    html = files.path("report.html").read_text()
    assert _rows(html) == [str(i) for i in range(1, 8)]
    assert html.count('<img class="thumb"') == 7
    assert "<title>Tiny test</title>" in html
    assert "Flagged" in result.out and "report.html" in result.out


def test_report_with_image_paths_and_class_names(files, run):
    _pngs(files.path("imgs"), 300, size=(20, 20))
    listing = _image_list(files, [f"imgs/{i}.png" for i in range(300)])
    named = ("--label-column", "animal", "--classes", "cat,dog,fox")
    result = run(*files.report(*named, "--images", listing, "--top", "4", labels="labels.csv"))
    assert result.code == 0, result.err
    assert result.err == ""
    html = files.path("report.html").read_text()
    assert html.count('<img class="thumb"') == 4 and "no image" not in html
    top = int(labelnoise.find_label_issues(files.labels, files.pred_probs).indices[0])
    name = ["cat", "dog", "fox"][files.labels[top]]
    assert f'<span class="pill given">{name}</span>' in html


def test_report_with_texts(files, run):
    texts = pd.DataFrame({"id": range(300), "body": [f"sentence number {i}" for i in range(300)]})
    texts.to_csv(files.path("texts.csv"), index=False)
    result = run(*files.report("--texts", files.path("texts.csv"), "--text-column", "body"))
    assert result.code == 0, result.err
    html = files.path("report.html").read_text()
    top = int(labelnoise.find_label_issues(files.labels, files.pred_probs).indices[0])
    assert f'<div class="snippet">sentence number {top}</div>' in html


def test_report_from_csv_with_header_names(files, run):
    csvs = {"labels": "labels.csv", "pred_probs": "pred_probs.csv"}
    result = run(*files.report("--label-column", "animal", **csvs, out="r.html"))
    assert result.code == 0, result.err
    assert '<span class="pill given">' in files.path("r.html").read_text()


@pytest.mark.parametrize("bad", ["../secret.png", "imgs/../../secret.png", "ABSOLUTE"])
def test_image_paths_are_confined_to_the_list_folder(files, run, one_line_error, bad):
    _pngs(files.path("imgs"), 300)
    (files.root.parent / "secret.png").write_bytes(b"x")
    bad = str(files.root.parent / "secret.png") if bad == "ABSOLUTE" else bad
    entries = [f"imgs/{i}.png" for i in range(299)] + [bad]
    result = run(*files.report("--images", _image_list(files, entries)))
    one_line_error(
        result,
        "--images",
        "1 image path(s) lie outside the image root",
        "entry 299",
        "--image-root",
        "--allow-any-image-path",
    )
    assert not files.path("report.html").exists()


def test_allow_any_image_path_opts_out(files, run):
    _pngs(files.path("imgs"), 300)
    entries = [f"../{files.root.name}/imgs/{i}.png" for i in range(300)]
    listing = _image_list(files, entries)
    result = run(*files.report("--images", listing, "--allow-any-image-path"))
    assert result.code == 0, result.err
    assert "no image" not in files.path("report.html").read_text()


def test_image_root(files, run, one_line_error):
    _pngs(files.path("data") / "imgs", 300)
    files.path("lists").mkdir()
    listing = _image_list(files, [f"imgs/{i}.png" for i in range(300)], "lists/images.txt")
    result = run(*files.report("--images", listing, "--image-root", files.path("data")))
    assert result.code == 0, result.err
    assert "no image" not in files.path("report.html").read_text()
    # the root also confines: the list folder is outside --image-root data/imgs
    outside = _image_list(files, [f"../{i}.png" for i in range(300)], "lists/up.txt")
    result = run(
        *files.report("--images", outside, "--image-root", files.path("data") / "imgs"),
        "--force",
    )
    one_line_error(result, "outside the image root", "(--image-root)")


def test_missing_images_are_counted(files, run):
    _pngs(files.path("imgs"), 150)
    listing = _image_list(files, [f"imgs/{i}.png" for i in range(300)])  # 150..299 missing
    result = run(*files.report("--images", listing))
    assert result.code == 0, result.err
    assert "labelnoise: warning: --images" in result.err
    assert "150 of 300 image paths name no file (the first, entry 150" in result.err
    assert "150 image files missing" in result.out
    html = files.path("report.html").read_text()
    n_blank = html.count('class="nothumb">no image</div>')
    assert n_blank > 0 and f"{n_blank} missing" in html


def test_image_list_without_header_needs_the_flag(files, run, one_line_error):
    _pngs(files.path("imgs"), 300)
    files.path("bare.txt").write_text("".join(f"imgs/{i}.png\n" for i in range(300)))
    result = run(*files.report("--images", files.path("bare.txt")))
    one_line_error(result, "--images", "bare.txt has 299 rows", "pass --no-header")
    result = run(*files.report("--images", files.path("bare.txt"), "--no-header"))
    assert result.code == 0, result.err
    assert "no image" not in files.path("report.html").read_text()


def test_oversized_image_is_skipped_with_a_warning(files, run, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)  # Pillow raises above 200 pixels
    _pngs(files.path("imgs"), 300, size=(30, 30))
    result = run(
        *files.report("--images", _image_list(files, [f"imgs/{i}.png" for i in range(300)]))
    )
    assert result.code == 0, result.err
    assert "could not be shown" in result.err and "too large" in result.err
    assert "Traceback" not in result.err
    assert '<img class="thumb"' not in files.path("report.html").read_text()
