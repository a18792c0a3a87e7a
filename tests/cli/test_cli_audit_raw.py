"""``labelnoise audit`` on raw data: an image folder, an image-path column, a text column."""

from __future__ import annotations

import html as html_module
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("torch")
pytest.importorskip("PIL")

DATA = Path(__file__).resolve().parents[1] / "features" / "data"


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    """A copy of the bundled shapes folder (3 classes, 3 pictures filed wrongly)."""
    return Path(shutil.copytree(DATA / "shapes", tmp_path / "photos"))


def _swapped() -> set[str]:
    return set(pd.read_csv(DATA / "shapes_swapped.csv")["image"])


def test_audit_an_image_folder_then_rerun_from_the_cache(tmp_path, photos, run):
    cache = tmp_path / "cache"
    args = ("audit", photos, "--cv", "3", "--cache-dir", cache, "--out", tmp_path / "out")
    result = run(*args)
    assert result.code == 0, result.err
    issues = pd.read_csv(tmp_path / "out" / "issues.csv")
    assert list(issues.columns) == [
        "index",
        "image",
        "given_label",
        "suggested_label",
        "label_quality",
    ]
    assert _swapped() <= set(issues["image"])  # every wrongly filed picture is flagged
    assert len(issues) <= 6
    row = issues.set_index("image").loc["stripes/disc-00.png"]
    assert (row["given_label"], row["suggested_label"]) == ("stripes", "disc")
    html = (tmp_path / "out" / "report.html").read_text()
    assert html.count('<img class="thumb"') == len(issues)
    assert "Nearest of suggested" in html and html.count('<img class="mini"') >= 3
    assert "efficientnet-lite0 embeddings at 128 px, 3-fold CV" in html
    health = pd.read_csv(tmp_path / "out" / "health.csv")  # no non_iid: the order is ours
    assert list(health["check"]) == [
        "duplicates",
        "outliers",
        "class_imbalance",
        "overlapping_classes",
    ]
    assert html.count("<figure><img") >= health.set_index("check").loc["outliers", "flagged"]
    (stored,) = (cache / "embeddings").glob("images-*.npy")
    np.save(stored, np.load(stored) * 1.0001)  # the rerun must read this, not re-embed
    again = run(*args, "--force")
    assert again.code == 0, again.err
    assert (
        stored.stat().st_mtime_ns == next((cache / "embeddings").glob("*.npy")).stat().st_mtime_ns
    )
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "out" / "issues.csv"), issues)


def test_audit_an_image_column(tmp_path, photos, run):
    files = sorted(photos.glob("*/*.png"))
    frame = pd.DataFrame(
        {
            "file": [str(f.relative_to(photos)) for f in files],
            "kind": [f.parent.name for f in files],
        }
    )
    frame = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)  # row 36: a copy of row 0
    frame.to_csv(photos / "items.csv", index=False)
    result = run(
        "audit",
        photos / "items.csv",
        "--image",
        "file",
        "--label",
        "kind",
        "--cv",
        "3",
        "--no-cache",
        "--method",
        "prune_by_noise_rate",  # a method without features: they only feed the report
        "--out",
        tmp_path / "out",
    )
    assert result.code == 0, result.err
    issues = pd.read_csv(tmp_path / "out" / "issues.csv")
    flagged = {str(Path(p).relative_to(photos)) for p in issues["image"]}
    assert _swapped() <= flagged
    html = (tmp_path / "out" / "report.html").read_text()
    assert "<code>prune_by_noise_rate</code>" in html
    health = pd.read_csv(tmp_path / "out" / "health.csv").set_index("check")
    assert health.loc["duplicates", "flagged"] >= 2  # the planted copy, from its embedding
    part = html[html.index('id="health-duplicates"') :]
    part = part[: part.index("</section>")]
    groups = re.findall(r'<div class="group">(.*?)</div>', part)
    (pair,) = [g for g in groups if 'alt="row 36"' in g]
    assert 'alt="row 0"' in pair and pair.count('<img src="data:image/png;base64,') >= 2
    rows = pd.read_csv(tmp_path / "out" / "health_rows.csv")
    assert list(rows.columns[:3]) == ["check", "row", "image"]
    copies = rows[rows["check"] == "duplicates"].set_index("row")
    assert copies.loc[36, "group"] == copies.loc[0, "group"]
    assert copies.loc[36, "image"] == copies.loc[0, "image"]
    assert str(Path(copies.loc[0, "image"]).relative_to(photos)) == frame.loc[0, "file"]


#: A text planted twice (rows 80 and 81) in the text audit, with characters HTML escapes.
TWIN = 'The <b>sauce</b> & "flavour" were great today.'


def test_audit_texts_with_minilm(tmp_path, run):
    pytest.importorskip("sentence_transformers")
    frame = pd.read_csv(DATA / "texts.csv")
    twins = pd.DataFrame({"text": [TWIN, "  " + TWIN], "topic": "food", "flipped": 0})
    frame = pd.concat([frame, twins], ignore_index=True)
    frame.to_csv(tmp_path / "texts.csv", index=False)
    result = run(
        "audit",
        tmp_path / "texts.csv",
        "--text",
        "text",
        "--label",
        "topic",
        "--encoder",
        "minilm",
        "--cv",
        "3",
        "--cache-dir",
        tmp_path / "cache",
        "--out",
        tmp_path / "out",
    )
    assert result.code == 0, result.err
    flagged = pd.read_csv(tmp_path / "out" / "issues.csv")["index"].to_numpy()
    flipped = frame["flipped"].to_numpy().astype(bool)
    assert flipped[flagged].mean() > 0.5  # most flags are real flips
    assert flipped[flagged].sum() >= flipped.sum() // 2
    html = (tmp_path / "out" / "report.html").read_text()
    assert "minilm embeddings, 3-fold CV" in html and 'class="nbtext"' in html
    # the planted pair, as escaped snippets (whitespace collapsed) in one duplicate group
    rows = pd.read_csv(tmp_path / "out" / "health_rows.csv")
    copies = rows[rows["check"] == "duplicates"].set_index("row")
    assert copies.loc[80, "group"] == copies.loc[81, "group"]
    part = html[html.index('id="health-duplicates"') :]
    part = part[: part.index("</section>")]
    shown = html_module.escape(TWIN)
    (pair,) = [g for g in re.findall(r'<div class="group">(.*?)</div>', part) if "#80<" in g]
    assert "#81<" in pair and pair.count(f"<blockquote>{shown}</blockquote>") == 2
    assert TWIN not in html  # never raw


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("--label", "x"), ["--label applies to a table", "subfolder names"]),
        (("--encoder", "minilm"), ["--encoder minilm does not embed images"]),
        (("--checks", "non_iid"), ["--checks non_iid tests the row order", "class by class"]),
    ],
)
def test_folder_options_that_do_not_apply(tmp_path, photos, run, one_line_error, args, fragments):
    one_line_error(run("audit", photos, *args, "--out", tmp_path / "out"), *fragments)


def test_loose_images_beside_class_folders(tmp_path, photos, run, one_line_error):
    shutil.copy(next(photos.glob("disc/*.png")), photos / "loose.png")
    result = run("audit", photos, "--out", tmp_path / "out")
    one_line_error(result, "1 image(s) lie directly in it", "move them into a class subfolder")


def test_an_unreadable_image(tmp_path, photos, run, one_line_error):
    (photos / "disc" / "broken.png").write_bytes(b"not a png")
    result = run("audit", photos, "--no-cache", "--out", tmp_path / "out")
    one_line_error(result, f"DATA {photos}: row ", "broken.png", "Fix or remove that file.")
    assert not (tmp_path / "out").exists()


def test_an_empty_folder(tmp_path, run, one_line_error):
    (tmp_path / "empty" / "cat").mkdir(parents=True)
    (tmp_path / "empty" / "loose.jpg").write_bytes(b"")
    result = run("audit", tmp_path / "empty", "--out", tmp_path / "out")
    one_line_error(result, "no images in class subfolders", "1 image(s) lie directly in it")


@pytest.mark.parametrize(
    ("frame", "args", "fragments"),
    [
        ({"t": ["a"] * 4, "y": [0, 1] * 2}, ["--text", "t"], ["--label COLUMN is required"]),
        (
            {"t": ["a"] * 4, "y": [0, 1] * 2},
            ["--label", "y", "--text", "t", "--image", "t"],
            ["--text and --image are exclusive"],
        ),
        (
            {"x": [1] * 4, "y": [0, 1] * 2},
            ["--label", "y", "--encoder", "minilm"],
            ["--encoder embeds raw data"],
        ),
        (
            {"x": [1] * 4, "y": [0, 1] * 2},
            ["--label", "y", "--image", "img"],
            ["--image: DATA", "no column 'img'"],
        ),
        (
            {"img": ["nope.png"] * 4, "y": [0, 1] * 2},
            ["--label", "y", "--image", "img"],
            ["4 row(s) name no image file", "'nope.png'"],
        ),
        (
            {"img": ["../outside.png"] * 4, "y": [0, 1] * 2},
            ["--label", "y", "--image", "img"],
            ["lie outside the image root", "--allow-any-image-path"],
        ),
        (
            {"img": ["a.png"] * 4, "y": [0, 1] * 2},
            ["--label", "y", "--image", "img", "--encoder", "minilm"],
            ["--encoder minilm does not embed images"],
        ),
        (
            {"t": ["a"] * 4, "x": [1] * 4, "y": [0, 1] * 2},
            ["--label", "y", "--text", "t", "--encoder", "minilm", "--features", "x"],
            ["--features cannot be combined"],
        ),
        (
            {"x": [1] * 4, "y": [0, 1] * 2},
            ["--label", "y", "--image-root", "."],
            ["--image-root applies to --image COLUMN"],
        ),
        (
            {"x": [1] * 4, "y": [0, 1] * 2},
            ["--label", "y", "--allow-any-image-path"],
            ["--allow-any-image-path applies to --image COLUMN"],
        ),
        (
            {"x": [1, 2] * 4, "y": [0, 1] * 4},
            ["--label", "y", "--cv", "2", "--image-size", "64"],
            ["--image-size applies to embedded raw data"],
        ),
        (
            {"x": [1] * 4, "y": [0, 1] * 2},
            ["--label", "y", "--no-cache", "--cache-dir", "c"],
            ["--cache-dir and --no-cache are exclusive"],
        ),
    ],
)
def test_bad_table_options(tmp_path, run, one_line_error, frame, args, fragments):
    pd.DataFrame(frame).to_csv(tmp_path / "data.csv", index=False)
    result = run("audit", tmp_path / "data.csv", *args, "--out", tmp_path / "out")
    one_line_error(result, *fragments)


def test_image_size_below_32(tmp_path, photos, run, one_line_error):
    result = run("audit", photos, "--image-size", "16", "--out", tmp_path / "out")
    one_line_error(result, "--image-size", "16 is not in the range x>=32")
    assert not (tmp_path / "out").exists()
