"""``labelnoise audit``'s models come from the one model registry, with exact parameters."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator

from labelnoise.bench import MODELS
from labelnoise.cli._audit import audit
from labelnoise.cli._errors import BadInput
from labelnoise.cli._models import MODEL_NAMES, build_model, design, embedding_probe


def _spec(value: Any) -> Any:
    """An estimator as comparable data: its class and its parameters, nested ones too."""
    if isinstance(value, BaseEstimator):
        params = value.get_params(deep=False)
        return type(value), {name: _spec(params[name]) for name in sorted(params)}
    if isinstance(value, (list, tuple)):
        return type(value), [_spec(item) for item in value]
    return value


def _reference(name: str, data: Any) -> BaseEstimator:
    """The audit's models as they were written before the registry held them (the oracle)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    kinds = data.kinds  # the pre-registry builders read these columns as lists
    numeric, categorical = list(kinds.numeric), list(kinds.categorical)
    if name == "auto":
        name = "logistic-regression" if kinds.text is not None else "hist-gradient-boosting"
    if name == "hist-gradient-boosting":
        mask = [column in kinds.few_categories for column in data.X.columns]
        return HistGradientBoostingClassifier(
            categorical_features=mask if any(mask) else None, random_state=0
        )
    parts: list[tuple[str, object, object]] = []
    if numeric:
        imputed = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
        parts.append(("num", imputed, numeric))
    if categorical:
        parts.append(("cat", OneHotEncoder(handle_unknown="ignore"), categorical))
    if kinds.text is not None:
        tfidf = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), max_features=50_000)
        parts.append(("text", tfidf, kinds.text))
    return make_pipeline(ColumnTransformer(parts), LogisticRegression(max_iter=2000))


def _reference_probe(name: str) -> BaseEstimator:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if name == "hist-gradient-boosting":
        return HistGradientBoostingClassifier(random_state=0)
    return make_pipeline(StandardScaler(), LogisticRegression(C=0.05, max_iter=1000))


def _frame(n: int = 300) -> pd.DataFrame:
    """Numeric, few- and many-valued categorical, and text columns."""
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "x1": rng.normal(size=n),
            "x2": np.where(rng.random(n) < 0.1, np.nan, rng.normal(size=n)),
            "colour": rng.choice(["red", "green", "blue", None], n),
            "id": [f"item {i}" for i in range(n)],  # more values than MAX_CATEGORIES
            "review": rng.choice(["good film", "bad plot", None], n),
        }
    )


CHOICES = ["auto", *MODEL_NAMES]
TABLES = [
    (["x1", "x2", "colour", "id"], None),
    (["x1", "x2"], None),
    (["colour"], None),
    (["colour", "id"], None),
    (["x1", "colour"], "review"),
    ([], "review"),
]


def test_model_choices_are_the_registrys_table_models():
    """--model offers "auto" and every registry model with a table builder, hyphenated."""
    option = next(p for p in audit.params if p.name == "model")
    table_models = sorted(name for name, entry in MODELS.items() if entry.table is not None)
    assert list(option.type.choices) == ["auto", *(n.replace("_", "-") for n in table_models)]
    assert dict(MODEL_NAMES) == {n.replace("_", "-"): n for n in table_models}
    assert "hist-gradient-boosting" in MODEL_NAMES and "logistic-regression" in MODEL_NAMES


def test_model_names_are_read_only():
    with pytest.raises(TypeError, match="does not support item assignment"):
        MODEL_NAMES["mine"] = "logistic_regression"  # type: ignore[index]


#: Every --model on every table it can read (the others: test_text_needs_a_model_...).
CASES = [
    (name, features, text)
    for name in CHOICES
    for features, text in TABLES
    if text is None or name == "auto" or MODELS[MODEL_NAMES[name]].reads_text
]


@pytest.mark.parametrize(("name", "features", "text"), CASES)
def test_table_models_are_unchanged(name, features, text):
    data = design(_frame(), features, text)
    assert _spec(build_model(name, data)) == _spec(_reference(name, data))


@pytest.mark.parametrize("name", CHOICES)
def test_embedding_models_are_unchanged(name):
    assert _spec(embedding_probe(name)) == _spec(_reference_probe(name))


def test_the_embedding_probe_is_the_bench_linear_probe_with_more_iterations():
    """One probe, two iteration caps: the audit's 1,000 and the benchmark's 500."""
    probe, bench = embedding_probe("auto"), MODELS["linear_probe"].build()  # type: ignore[misc]
    assert probe.get_params()["logisticregression__max_iter"] == 1000
    assert bench.get_params()["logisticregression__max_iter"] == 500
    bench.set_params(logisticregression__max_iter=1000)
    assert _spec(probe) == _spec(bench)


def test_text_needs_a_model_that_reads_it():
    data = design(_frame(), ["x1"], "review")
    message = (
        "--model hist-gradient-boosting does not read free text; use --model "
        "logistic-regression (TF-IDF) or drop --text."
    )
    with pytest.raises(BadInput) as caught:
        build_model("hist-gradient-boosting", data)
    assert str(caught.value) == message


def test_table_models_fit_the_design():
    """Each table model fits the mixed table it was built for (text where it reads text)."""
    frame = _frame(120)
    y = np.arange(120) % 3
    for name, registered in MODEL_NAMES.items():
        text = "review" if MODELS[registered].reads_text else None
        data = design(frame, ["x1", "x2", "colour", "id"], text)
        probs = build_model(name, data).fit(data.X, y).predict_proba(data.X)
        assert probs.shape == (120, 3)
