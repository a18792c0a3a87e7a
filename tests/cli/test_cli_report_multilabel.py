"""``labelnoise report --multilabel``: tags read as ``find --multilabel`` reads them."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from labelnoise import multilabel
from labelnoise.simulate import tag_noise

NAMES = ["red", "round", "sweet", "small"]


@pytest.fixture
def tagged(tmp_path):
    """90 fruits with four tags, 15% of the present tags dropped; sigmoid pred_probs of
    the true tags. Tags as names and as column indices; pred_probs as .csv and .npy."""
    rng = np.random.default_rng(21)
    truth = rng.random((90, 4)) < np.array([0.4, 0.6, 0.5, 0.3])
    probs = 1.0 / (1.0 + np.exp(-(rng.normal(0, 1.0, truth.shape) + np.where(truth, 2.5, -2.5))))
    noisy = np.asarray(tag_noise(truth, drop_rate=0.15, random_state=3).labels)
    pd.DataFrame(
        {
            "fruit": [f"f{i}" for i in range(90)],
            "tags": [";".join(np.array(NAMES)[row]) for row in noisy],
            "codes": [";".join(map(str, np.flatnonzero(row))) for row in noisy],
        }
    ).to_csv(tmp_path / "tags.csv", index=False)
    pd.DataFrame(probs, columns=NAMES).to_csv(tmp_path / "probs.csv", index=False)
    np.save(tmp_path / "probs.npy", probs)
    return tmp_path, noisy, probs


def _args(root, *extra, probs="probs.csv", column="tags", labels="tags.csv"):
    return (
        "report",
        "--multilabel",
        "--labels",
        root / labels,
        "--label-column",
        column,
        "--pred-probs",
        root / probs,
        "--out",
        root / "report.html",
        *extra,
    )


def _listed(html: str) -> list[int]:
    return [
        int(i) for i in re.findall(r'<tr class="issue-row" id="issue-\d+" data-index="(\d+)"', html)
    ]


def test_page_lists_the_library_flags(run, tagged):
    root, noisy, probs = tagged
    result = run(*_args(root, "--top", "5"))
    assert result.code == 0, result.err
    html = (root / "report.html").read_text()
    issues = multilabel.find_label_issues(noisy, probs)
    assert _listed(html) == issues.indices[:5].tolist()
    assert f'id="n-flagged">{len(issues)}<' in html.replace("\n", "")
    assert "<title>Multi-label report</title>" in html
    first = issues.indices[0]
    added = [NAMES[k] for k in np.flatnonzero(issues.missing[first])]
    row = html.split(f'data-index="{first}">')[1].split("</tr>")[0]
    for name in added:
        assert f'<span class="pill sugg">{name}</span>' in row
    assert f"{len(issues)} of 90 examples have a suspicious tag" in result.out
    assert "report.html" in result.out


def test_column_indices_without_names(run, tagged):
    root, noisy, probs = tagged
    result = run(*_args(root, "--title", "Fruit tags", probs="probs.npy", column="codes"))
    assert result.code == 0, result.err
    html = (root / "report.html").read_text()
    assert "<title>Fruit tags</title>" in html
    issues = multilabel.find_label_issues(noisy, probs)
    assert _listed(html) == issues.indices[:50].tolist()
    assert re.findall(r'<tr class="tag-row"><td><b>(\w+)</b>', html)[0] in {"0", "1", "2", "3"}


def test_thumbnails_from_an_image_array(run, tagged):
    root, _, _ = tagged
    np.save(root / "images.npy", np.random.default_rng(0).random((90, 12, 12)))
    result = run(*_args(root, "--images", root / "images.npy", "--top", "3"))
    assert result.code == 0, result.err
    assert (root / "report.html").read_text().count('<img class="thumb"') == 3


def test_refuses_to_overwrite_without_force(run, tagged, one_line_error):
    root, _, _ = tagged
    (root / "report.html").write_text("keep me")
    one_line_error(run(*_args(root)), "already exists; pass --force")
    assert (root / "report.html").read_text() == "keep me"
    assert run(*_args(root, "--force")).code == 0
    assert (root / "report.html").read_text().startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (("--normalize",), "--normalize does not apply to --multilabel"),
        (("--method", "knn"), "--method knn does not apply to --multilabel"),
    ],
)
def test_single_label_options_are_refused(run, tagged, one_line_error, extra, fragment):
    root, _, _ = tagged
    one_line_error(run(*_args(root, *extra)), fragment)
    assert not (root / "report.html").exists()


def test_npy_labels_are_refused(run, tagged, one_line_error):
    root, noisy, _ = tagged
    np.save(root / "tags.npy", noisy)
    one_line_error(run(*_args(root, labels="tags.npy")), "not .npy")


def test_row_count_mismatch(run, tagged, one_line_error):
    root, _, probs = tagged
    np.save(root / "short.npy", probs[:80])
    one_line_error(run(*_args(root, probs="short.npy", column="codes")), "has 90 rows", "80")


def test_unknown_tag_name(run, tagged, one_line_error):
    root, _, _ = tagged
    frame = pd.read_csv(root / "tags.csv", keep_default_na=False)
    frame.loc[7, "tags"] = "red;sour"
    frame.to_csv(root / "tags.csv", index=False)
    one_line_error(run(*_args(root)), "--labels", "'sour'")
