"""``labelnoise audit``: cross-validated pred_probs on a table, issues.csv and report.html."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from labelnoise.cli._models import design
from labelnoise.learn import cross_val_pred_probs

WORDS = {
    "pos": ["great", "good", "love", "excellent", "wonderful", "fine"],
    "neg": ["bad", "awful", "hate", "poor", "terrible", "boring"],
}


def tabular_frame(seed: int, n: int = 240) -> tuple[pd.DataFrame, np.ndarray]:
    """Numeric, categorical and missing features; labels flipped at 10%."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2))
    colour = rng.choice(["red", "green", "blue"], n)
    score = x[:, 0] + x[:, 1] + (colour == "red") * 1.5
    true = np.where(score > 0.8, "high", np.where(score > -0.8, "mid", "low"))
    flipped = rng.random(n) < 0.1
    shift = {"high": "low", "mid": "high", "low": "mid"}
    given = np.where(flipped, [shift[t] for t in true], true)
    x[rng.random(n) < 0.05, 1] = np.nan
    frame = pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "colour": colour, "grade": given})
    return frame, flipped


def text_frame(seed: int, n: int = 200) -> tuple[pd.DataFrame, np.ndarray]:
    """Short reviews made of sentiment words; labels flipped at 10%."""
    rng = np.random.default_rng(seed)
    true = rng.choice(["pos", "neg"], n)
    texts = [" ".join(rng.choice(WORDS[t], 4)) + " film" for t in true]
    flipped = rng.random(n) < 0.1
    given = np.where(flipped, np.where(true == "pos", "neg", "pos"), true)
    return pd.DataFrame({"review": texts, "sentiment": given, "id": np.arange(n)}), flipped


def _flagged(out) -> np.ndarray:
    return pd.read_csv(out / "issues.csv")["index"].to_numpy()


def test_audit_tabular(tmp_path, run):
    frame, flipped = tabular_frame(0)
    frame.to_csv(tmp_path / "data.csv", index=False)
    result = run(
        "audit", tmp_path / "data.csv", "--label", "grade", "--cv", "3", "--out", tmp_path / "out"
    )
    assert result.code == 0, result.err
    flagged = _flagged(tmp_path / "out")
    assert flagged.size > 0
    assert flipped[flagged].mean() > 3 * flipped.mean()  # flags are enriched in real flips
    html = (tmp_path / "out" / "report.html").read_text()
    assert "Label audit: data.csv" in html
    assert "auto, 3-fold CV" in html
    assert "Wrote" in result.out


def test_audit_text_parquet(tmp_path, run):
    frame, flipped = text_frame(1)
    frame.to_parquet(tmp_path / "reviews.parquet")
    result = run(
        "audit",
        tmp_path / "reviews.parquet",
        "--label",
        "sentiment",
        "--text",
        "review",
        "--cv",
        "3",
        "--out",
        tmp_path / "out",
    )
    assert result.code == 0, result.err
    flagged = _flagged(tmp_path / "out")
    assert flipped[flagged].mean() > 0.5
    html = (tmp_path / "out" / "report.html").read_text()
    first = int(flagged[0])
    assert frame["review"][first] in html  # the text snippet of the top issue
    assert "<th>Text</th>" in html


def test_audit_model_and_features(tmp_path, run):
    frame, _ = tabular_frame(2)
    frame.to_csv(tmp_path / "data.csv", index=False)
    result = run(
        "audit",
        tmp_path / "data.csv",
        "--label",
        "grade",
        "--features",
        "x1,colour",
        "--model",
        "logistic-regression",
        "--cv",
        "2",
        "--out",
        tmp_path / "out",
    )
    assert result.code == 0, result.err
    assert "logistic-regression, 2-fold CV" in (tmp_path / "out" / "report.html").read_text()


@pytest.mark.parametrize(
    ("frame", "args", "fragments"),
    [
        ({"x": range(10), "y": [0] * 10}, ["--label", "y"], ["only one class"]),
        ({"x": range(10), "y": [0] * 8 + [1] * 2}, ["--label", "y"], ["class 1", "--cv 5"]),
        ({"x": range(10), "y": [0, 1] * 5}, ["--label", "z"], ["no column 'z'", "x, y"]),
        ({"y": [0, 1] * 5}, ["--label", "y"], ["no feature columns", "--features"]),
        ({"x": range(10), "y": [0, 1] * 4 + [None] * 2}, ["--label", "y"], ["2 empty label"]),
        (
            {"t": ["a"] * 10, "y": [0, 1] * 5},
            ["--label", "y", "--text", "t", "--model", "hist-gradient-boosting"],
            ["--text"],
        ),
        ({"x": range(10), "y": [0, 1] * 5}, ["--label", "y", "--features", "y"], ["--label"]),
    ],
)
def test_audit_bad_input(tmp_path, run, frame, args, fragments, one_line_error):
    pd.DataFrame(frame).to_csv(tmp_path / "data.csv", index=False)
    result = run("audit", tmp_path / "data.csv", *args, "--out", tmp_path / "out")
    one_line_error(result, *fragments)


def test_cross_val_matches_sklearn():
    frame, _ = tabular_frame(3, n=150)
    data = design(frame, ["x1", "colour"], None)
    data.X["x1"] = data.X["x1"].fillna(0.0)
    codes = np.unique(frame["grade"], return_inverse=True)[1]
    model = LogisticRegression(max_iter=1000)
    folds = StratifiedKFold(n_splits=4, shuffle=True, random_state=7)
    # the audit's call: its fold split, every class a column, one thread on small tables
    ours = cross_val_pred_probs(
        model, data.X, codes, cv=folds, classes=np.arange(3), threads_per_fold=1
    )
    oracle = cross_val_predict(model, data.X, codes, cv=folds, method="predict_proba")
    np.testing.assert_allclose(ours, oracle, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.sum(axis=1), 1.0)


def _odd_frame(n: int = 90) -> pd.DataFrame:
    """Three classes with names that break TeX and spreadsheets; 15% of labels flipped."""
    rng = np.random.default_rng(4)
    x = rng.normal(size=(n, 2))
    names = np.array(["price $^$", '=HYPERLINK("http://evil","x")', "-neg"])
    codes = np.digitize(x[:, 0], [-0.4, 0.4])
    flip = rng.random(n) < 0.15
    codes[flip] = (codes[flip] + 1) % 3
    return pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "y": names[codes]})


def test_audit_with_dollar_and_formula_class_names(tmp_path, run):
    _odd_frame().to_csv(tmp_path / "data.csv", index=False)
    out = tmp_path / "out"
    result = run("audit", tmp_path / "data.csv", "--label", "y", "--cv", "3", "--out", out)
    assert result.code == 0, result.err  # mathtext used to fail on "price $^$"
    issues = pd.read_csv(out / "issues.csv")
    assert len(issues) > 0
    given = set(issues["given_label"])
    assert given <= {"price $^$", '\'=HYPERLINK("http://evil","x")', "'-neg"}
    assert pd.api.types.is_integer_dtype(issues["index"])
    assert pd.api.types.is_float_dtype(issues["label_quality"])
    assert "price $^$" in (out / "report.html").read_text()


def test_audit_report_failure_keeps_issues_csv(tmp_path, run, monkeypatch, one_line_error):
    import labelnoise.report

    def broken(*args, **kwargs):
        raise RuntimeError("the figure could not be drawn")

    monkeypatch.setattr(labelnoise.report, "render_report", broken)
    _odd_frame().to_csv(tmp_path / "data.csv", index=False)
    out = tmp_path / "out"
    result = run("audit", tmp_path / "data.csv", "--label", "y", "--cv", "3", "--out", out)
    one_line_error(
        result,
        "issues.csv, ",
        "health.csv and",
        "health_rows.csv were written",
        "the report could not be (the figure could not be drawn)",
        code=1,
    )
    assert sorted(p.name for p in out.iterdir()) == [
        "health.csv",
        "health_rows.csv",
        "issues.csv",
    ]  # no temp
    assert len(pd.read_csv(out / "issues.csv")) > 0
    again = run(
        "audit",
        tmp_path / "data.csv",
        "--label",
        "y",
        "--cv",
        "3",
        "--out",
        out,
        "--checks",
        "none",
        "--force",
    )
    assert again.code == 1 and "issues.csv was written, but the report" in again.err
