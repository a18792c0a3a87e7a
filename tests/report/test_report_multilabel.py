"""``multilabel_report``: the flagged examples, the per-tag numbers and input errors."""

from __future__ import annotations

import re

import numpy as np
import pytest

from labelnoise import multilabel
from labelnoise._errors import InputError
from labelnoise.report import multilabel_report, summarize_multilabel
from labelnoise.simulate import tag_noise

NAMES = ["beach", "dog", "sky", "car", "tree"]


def _data(seed: int = 4, n: int = 240):
    """Noisy tags (10% of the present tags dropped, a few added) and sigmoid pred_probs
    of the true tags."""
    rng = np.random.default_rng(seed)
    truth = rng.random((n, len(NAMES))) < np.array([0.5, 0.3, 0.4, 0.2, 0.35])
    logits = rng.normal(0.0, 1.2, truth.shape) + np.where(truth, 2.0, -2.0)
    noisy = tag_noise(truth, drop_rate=0.1, add_rate=0.03, random_state=seed).labels
    return np.asarray(noisy), 1.0 / (1.0 + np.exp(-logits))


def _issue_rows(html: str) -> list[tuple[int, int, str]]:
    """(rank, example row, the row's HTML) of every listed example, in page order."""
    parts = re.split(r'(?=<tr class="issue-row")', html.split('id="issues"')[1])[1:]
    out = []
    for part in parts:
        head = re.match(r'<tr class="issue-row" id="issue-(\d+)" data-index="(\d+)">', part)
        assert head is not None
        out.append((int(head.group(1)), int(head.group(2)), part.split("</tr>")[0]))
    return out


def _cell_tags(row_html: str, cell: str) -> list[str]:
    match = re.search(rf'<td class="{cell}">(.*?)</td>', row_html, flags=re.S)
    assert match is not None
    return [
        t.strip()
        for t in re.findall(r"<span class=\"pill[^\"]*\"[^>]*>(.*?)</span>", match[1], re.S)
    ]


def _tag_table(html: str) -> list[list[str]]:
    rows = re.findall(r'<tr class="tag-row">(.*?)</tr>', html, flags=re.S)
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
        for r in rows
    ]


def test_page_lists_the_flagged_examples_worst_first():
    tags, probs = _data()
    names = np.array(NAMES)
    html = multilabel_report([list(names[row]) for row in tags], probs, classes=NAMES, top=15)
    issues = multilabel.find_label_issues(tags, probs)
    rows = _issue_rows(html)
    assert [index for _, index, _ in rows] == issues.indices[:15].tolist()
    assert [rank for rank, _, _ in rows] == list(range(1, 16))
    assert len(issues) > 15  # the page says how many there are in all
    assert f"({len(issues):,} flagged in all)" in html
    for _, index, row_html in rows:
        assert _cell_tags(row_html, "given") == [NAMES[k] for k in np.flatnonzero(tags[index])]
        missing = [NAMES[k] for k in range(len(NAMES)) if issues.missing[index, k]]
        wrong = [NAMES[k] for k in range(len(NAMES)) if issues.wrong[index, k]]
        assert _cell_tags(row_html, "to-add") == missing
        assert _cell_tags(row_html, "to-remove") == wrong
        assert missing or wrong
        assert f'<td class="score">{issues.scores[index]:.3f}</td>' in row_html


def test_summary_cards_and_per_tag_numbers():
    tags, probs = _data()
    html = multilabel_report(tags, probs, classes=NAMES)
    issues = multilabel.find_label_issues(tags, probs)
    frame = multilabel.estimate_noise(tags, probs).to_frame()
    n_to_add = sum(int(issues.missing[i].sum()) for i in range(tags.shape[0]))
    n_to_remove = sum(int(issues.wrong[i].sum()) for i in range(tags.shape[0]))
    assert f'id="n-examples">{tags.shape[0]}<' in html.replace("\n", "")
    assert f'id="n-flagged">{len(issues)}<' in html.replace("\n", "")
    assert f'id="n-to-add">{n_to_add}<' in html.replace("\n", "")
    assert f'id="n-to-remove">{n_to_remove}<' in html.replace("\n", "")
    table = _tag_table(html)
    assert sorted(row[0] for row in table) == sorted(NAMES)
    flagged = []
    for name, given, _, to_add, to_remove, _, _, est_missing, est_wrong in table:
        k = NAMES.index(name)
        assert int(given) == int(tags[:, k].sum())
        assert int(to_add) == int(sum(issues.missing[i, k] for i in range(tags.shape[0])))
        assert int(to_remove) == int(sum(issues.wrong[i, k] for i in range(tags.shape[0])))
        assert int(est_missing) == int(frame.loc[k, "num_missing"])
        assert int(est_wrong) == int(frame.loc[k, "num_wrong"])
        flagged.append(int(to_add) + int(to_remove))
    assert flagged == sorted(flagged, reverse=True)  # worst tag first
    assert max(flagged) > 0


def test_summary_matches_results_given():
    tags, probs = _data(seed=9)
    issues = multilabel.find_label_issues(tags, probs, method="confident_learning")
    noise = multilabel.estimate_noise(tags, probs)
    summary = summarize_multilabel(issues, noise, probs, top=3)
    assert [row.index for row in summary.issues] == issues.indices[:3].tolist()
    first = summary.issues[0]
    assert [p for _, p in first.to_add] == [
        probs[first.index, k] for k in np.flatnonzero(issues.missing[first.index])
    ]
    html = multilabel_report(tags, probs, issues=issues, noise=noise, top=3)
    assert "<code>confident_learning</code>" in html
    assert [index for _, index, _ in _issue_rows(html)] == issues.indices[:3].tolist()


def test_tag_names_are_escaped_and_nothing_is_loaded():
    tags, probs = _data()
    hostile = ["<script>alert(1)</script>", "dog", "sky & sea", "$x^2$", "tree"]
    html = multilabel_report(tags, probs, classes=hostile)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "sky &amp; sea" in html
    assert not re.search(r"(src|href)=\"https?://", html)


def test_clean_tags_say_nothing_was_flagged():
    probs = np.array([[0.9, 0.2], [0.8, 0.1], [0.1, 0.7], [0.2, 0.8]])
    html = multilabel_report([[0], [0], [1], [1]], probs)
    assert _issue_rows(html) == []
    assert "No tag issues were flagged." in html
    assert 'alt="flagged tags per tag"' not in html  # no figure without flags


def test_snippets_and_thumbnails_of_the_listed_examples():
    tags, probs = _data()
    texts = [f"caption {i}" for i in range(tags.shape[0])]
    images = np.random.default_rng(0).random((tags.shape[0], 8, 8))
    html = multilabel_report(tags, probs, texts=texts, images=images, top=4)
    rows = _issue_rows(html)
    assert len(rows) == 4
    for _, index, row_html in rows:
        assert f'<div class="snippet">caption {index}</div>' in row_html
        assert f'alt="example {index}" src="data:image/png;base64,' in row_html


def test_issues_of_other_inputs_are_refused():
    tags, probs = _data()
    other = multilabel.find_label_issues(tags[:100], probs[:100])
    with pytest.raises(InputError, match="issues: describes 100 examples and 5 tags, not 240"):
        multilabel_report(tags, probs, issues=other)


def test_noise_of_other_tags_is_refused():
    tags, probs = _data()
    other = multilabel.estimate_noise(tags[:, :3], probs[:, :3])
    with pytest.raises(InputError, match="noise: has 3 tags, not 5"):
        multilabel_report(tags, probs, noise=other)


def test_texts_of_the_wrong_length_are_refused():
    tags, probs = _data()
    with pytest.raises(InputError, match="texts: has 3 entries but there are 240 labels"):
        multilabel_report(tags, probs, texts=["a", "b", "c"])


def test_negative_top_is_refused():
    tags, probs = _data()
    with pytest.raises(InputError, match="top"):
        multilabel_report(tags, probs, top=-1)


def test_mismatched_tags_are_refused():
    tags, probs = _data()
    with pytest.raises(InputError, match="labels: has 239 examples but pred_probs has 240"):
        multilabel_report(tags[:-1], probs)
