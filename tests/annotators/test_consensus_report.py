"""The HTML section of a consensus: self-contained, escaped, with the plot and the tables."""

from __future__ import annotations

import pandas as pd
import pytest

from labelnoise import InputError
from labelnoise.annotators import consensus
from labelnoise.report._consensus import render_consensus


def test_page_is_self_contained_and_escaped(crowd):
    table = crowd.table.assign(annotator="<b>w" + crowd.table["annotator"].astype(str))
    result = consensus(table, crowd.pred_probs)
    page = render_consensus(result, top=5)
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert "data:image/png;base64," in page and "http" not in page.split("<body>")[1]
    assert "&lt;b&gt;w" in page and "<b>w" not in page
    assert "Hardest examples" in page and "model weight" in page
    worst = result.annotators.sort_values("quality")["annotator"].iloc[0].replace("<", "&lt;")
    assert worst.replace(">", "&gt;") in page
    assert page.count("<tr>") == 5 + 5 + 2  # two tables of 5 rows, two header rows


def test_page_without_model():
    table = pd.DataFrame({"example": [0, 0, 1], "annotator": ["a", "b", "a"], "label": [0, 1, 1]})
    page = render_consensus(consensus(table, method="majority"))
    assert "method majority" in page and "model weight" not in page


def test_error_top(crowd):
    with pytest.raises(InputError, match="The 'top' parameter of render_consensus"):
        render_consensus(consensus(crowd.table), top=0)
