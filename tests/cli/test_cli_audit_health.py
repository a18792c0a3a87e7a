"""``labelnoise audit`` data-health checks: health.csv, the report's section, ``--checks``."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from labelnoise.health import CHECKS

#: Rows 10 and 11 are exact copies (features and label) of rows 50 and 60.
COPIES = {10: 50, 11: 60}
APPLICABLE = ["duplicates", "outliers", "class_imbalance", "overlapping_classes", "non_iid"]


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory):
    """A 120-row table with 12 numeric features, 3 classes and two planted copies."""
    rng = np.random.default_rng(7)
    x = rng.normal(size=(120, 12))
    y = np.array(["low", "mid", "high"])[np.digitize(x[:, 0] + x[:, 1], [-0.6, 0.6])]
    frame = pd.DataFrame(x, columns=[f"x{i}" for i in range(12)]).assign(y=y)
    for copy, source in COPIES.items():
        frame.iloc[copy] = frame.iloc[source]
    path = tmp_path_factory.mktemp("health") / "data.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def audited(table, tmp_path_factory: pytest.TempPathFactory):
    """One default audit of ``table`` (every applicable check)."""
    from labelnoise.cli import main

    out = tmp_path_factory.mktemp("audited") / "out"
    assert main(["audit", str(table), "--label", "y", "--cv", "3", "--out", str(out)]) == 0
    return out


def test_planted_copies_in_health_csv(audited):
    health = pd.read_csv(audited / "health.csv")
    assert list(health.columns) == ["check", "rows", "flagged", "rate", "threshold", "details"]
    assert list(health["check"]) == APPLICABLE
    duplicates = health.set_index("check").loc["duplicates"]
    assert duplicates["rows"] == 120
    assert duplicates["flagged"] == 2 * len(COPIES)  # exactly the planted rows
    assert "groups=2" in duplicates["details"]
    assert (audited / "issues.csv").is_file()


def test_flagged_rows_in_health_rows_csv(audited):
    rows = pd.read_csv(audited / "health_rows.csv")
    assert list(rows.columns) == ["check", "row", "score", "group", "partner", "conflict"]
    summary = pd.read_csv(audited / "health.csv").set_index("check")["flagged"]
    counts = rows["check"].value_counts().reindex(summary.index, fill_value=0)
    pd.testing.assert_series_equal(counts, summary, check_names=False)  # one line per flag
    copies = rows[rows["check"] == "duplicates"]
    pairs = copies.groupby("group")["row"].apply(lambda r: tuple(sorted(r))).tolist()
    assert sorted(pairs) == sorted(tuple(sorted(p)) for p in COPIES.items())
    assert not copies["conflict"].any()  # the copies carry their source's label
    assert (copies["score"] < 1e-9).all()  # exact copies, up to rounding
    assert rows.loc[rows["check"] != "duplicates", "group"].isna().all()
    assert rows["partner"].isna().all()  # only leakage has partners, and it needs a test split


def test_planted_copies_in_the_report(audited):
    html = (audited / "report.html").read_text()
    health_at = html.index('id="data-health"')
    assert health_at < html.index('id="how-to-read"') < html.index('id="issues"')  # at the top
    assert html.count('class="health-summary"') == 1
    for name in APPLICABLE:
        assert f'id="health-{name}"' in html
    part = html[html.index('id="health-duplicates"') :]
    part = part[: part.index("</section>")]
    groups = re.findall(r'<div class="group">(.*?)</div>', part)
    found = [sorted(int(r) for r in re.findall(r"#(\d+)", g)) for g in groups]
    assert found == sorted(sorted(pair) for pair in COPIES.items())


def test_checks_none_skips(table, tmp_path, run):
    out = tmp_path / "out"
    result = run("audit", table, "--label", "y", "--cv", "3", "--checks", "none", "--out", out)
    assert result.code == 0, result.err
    assert sorted(p.name for p in out.iterdir()) == ["issues.csv", "report.html"]
    assert 'id="data-health"' not in (out / "report.html").read_text()


def test_checks_select(table, tmp_path, run):
    out = tmp_path / "out"
    args = ("--checks", " outliers,duplicates ", "--out", out)
    result = run("audit", table, "--label", "y", "--cv", "3", *args)
    assert result.code == 0, result.err
    assert list(pd.read_csv(out / "health.csv")["check"]) == ["duplicates", "outliers"]
    html = (out / "report.html").read_text()
    assert 'id="health-outliers"' in html and 'id="health-non_iid"' not in html


@pytest.mark.parametrize(
    ("value", "fragments"),
    [
        ("dup", ["--checks: unknown check 'dup'", ", ".join(APPLICABLE) + ", or none"]),
        ("duplicates,nope", ["unknown check 'nope'", "choose from duplicates"]),
        ("leakage", ["--checks leakage: needs a test split", "choose from duplicates"]),
        ("none,outliers", ["none cannot be combined"]),
        (",", ["--checks is empty", "choose from duplicates"]),
    ],
)
def test_bad_checks(table, tmp_path, run, one_line_error, value, fragments):
    out = tmp_path / "out"
    result = run("audit", table, "--label", "y", "--checks", value, "--out", out)
    one_line_error(result, *fragments)
    assert not out.exists()  # refused before any work


def test_every_check_is_known_to_the_cli():
    assert set(APPLICABLE) | {"leakage"} == set(CHECKS)


def test_feature_checks_need_features(tmp_path, run, one_line_error):
    frame = pd.DataFrame({"t": ["good film", "bad film"] * 10, "y": ["p", "n"] * 10})
    frame.to_csv(tmp_path / "t.csv", index=False)
    result = run(
        "audit", tmp_path / "t.csv", "--label", "y", "--text", "t", "--checks", "duplicates"
    )
    one_line_error(result, "--checks duplicates needs features", "--encoder minilm")


def test_text_table_runs_the_label_checks(tmp_path, run):
    frame = pd.DataFrame({"t": ["good film", "bad film", "fine"] * 10, "y": ["p", "n", "p"] * 10})
    frame.to_csv(tmp_path / "t.csv", index=False)
    out = tmp_path / "out"
    result = run("audit", tmp_path / "t.csv", "--label", "y", "--text", "t", "--cv", "3", "-o", out)
    assert result.code == 0, result.err
    checks = list(pd.read_csv(out / "health.csv")["check"])
    assert checks == ["outliers", "class_imbalance", "overlapping_classes"]  # no features


def test_existing_health_csv_needs_force(table, tmp_path, run, one_line_error):
    out = tmp_path / "out"
    out.mkdir()
    (out / "health.csv").write_text("old\n")
    result = run("audit", table, "--label", "y", "--cv", "3", "--out", out)
    one_line_error(result, "health.csv already exists", "--force")
    assert sorted(p.name for p in out.iterdir()) == ["health.csv"]
    (out / "health.csv").unlink()
    (out / "health_rows.csv").write_text("old\n")
    result = run("audit", table, "--label", "y", "--cv", "3", "--out", out)
    one_line_error(result, "health_rows.csv already exists", "--force")
    assert (
        run(
            "audit",
            table,
            "--label",
            "y",
            "--cv",
            "3",
            "--checks",
            "class_imbalance",
            "--out",
            out,
            "--force",
        ).code
        == 0
    )
    assert list(pd.read_csv(out / "health.csv")["check"]) == ["class_imbalance"]


def test_a_failing_check_keeps_issues_and_report(table, tmp_path, run, monkeypatch, one_line_error):
    import labelnoise.health

    def broken(*args, **kwargs):
        raise RuntimeError("the graph\nbroke")

    monkeypatch.setattr(labelnoise.health, "check_health", broken)
    out = tmp_path / "out"
    result = run("audit", table, "--label", "y", "--cv", "3", "--out", out)
    one_line_error(
        result,
        "issues.csv and",
        "report.html were written",
        "the health checks failed (the graph broke)",
        "health.csv and",
        "health_rows.csv were not written",
        code=1,
    )
    assert sorted(p.name for p in out.iterdir()) == ["issues.csv", "report.html"]
    assert "not checked: the graph broke" in (out / "report.html").read_text()


def test_a_failed_health_write_keeps_the_checks_in_the_report(
    table, tmp_path, run, monkeypatch, one_line_error
):
    import labelnoise.cli._audit_outputs as outputs

    real = outputs.write_atomic

    def write(path, text, **kwargs):
        if path.name == "health_rows.csv":
            raise OSError("disk full")
        return real(path, text, **kwargs)

    monkeypatch.setattr(outputs, "write_atomic", write)
    out = tmp_path / "out"
    result = run("audit", table, "--label", "y", "--cv", "3", "--out", out)
    one_line_error(
        result,
        "the health results could not be written (disk full)",
        "health_rows.csv was not written",
        code=1,
    )
    assert sorted(p.name for p in out.iterdir()) == ["health.csv", "issues.csv", "report.html"]
    page = (out / "report.html").read_text()
    assert "not checked" not in page and 'class="health-summary"' in page


@pytest.mark.parametrize(
    ("columns", "checks"), [(2, "duplicates"), (1, "duplicates"), (1, "duplicates,outliers")]
)
def test_few_columns_only_exact_copies(tmp_path, run, columns, checks):
    """On two columns the relative radius would flag about a third of i.i.d. rows; rows on
    one ray from the mean are not copies either. One column (two with the constant one)
    counts identical rows, with or without a graph built for the other checks, and
    without the library's warning (the report's details say so)."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(150, columns))
    x[3] = x[70]  # the planted copy
    x[4] = 3 * (x[80] - x.mean(axis=0)) + x.mean(axis=0)  # same direction, not a copy
    y = np.where(x[:, 0] > 0, "right", "left")
    frame = pd.DataFrame(x, columns=["a", "b"][:columns]).assign(y=y)
    frame.to_csv(tmp_path / "d.csv", index=False)
    out = tmp_path / "out"
    args = ("--label", "y", "--cv", "3", "--checks", checks, "--out", out)
    result = run("audit", tmp_path / "d.csv", *args)
    assert result.code == 0 and "warning" not in result.err, result.err
    health = pd.read_csv(out / "health.csv").set_index("check")
    assert health.loc["duplicates", "flagged"] == 2
    rows = pd.read_csv(out / "health_rows.csv")
    assert rows.loc[rows["check"] == "duplicates", "row"].tolist() == [3, 70]
    html = (out / "report.html").read_text()
    assert '<span class="row">#3</span><span class="row">#70</span>' in html


def test_the_report_says_what_was_checked(audited):
    html = (audited / "report.html").read_text()
    assert "checks on 12 standardized numeric column(s)" in html
    assert "duplicates are exact copies" in html
