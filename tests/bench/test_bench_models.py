"""The one model registry: trained, fixed and table models, and what each entry promises."""

from __future__ import annotations

import pytest
from sklearn.base import clone

from labelnoise.bench import MODELS
from labelnoise.bench._models import ColumnKinds, build_model, is_fixed, model_key, regime

TRAINED = [name for name, entry in MODELS.items() if entry.build is not None]
TABLE = [name for name, entry in MODELS.items() if entry.table is not None]


def test_model_registry_is_read_only():
    """Users extend a config with estimator objects, not by editing the shared registry."""
    with pytest.raises(TypeError, match="does not support item assignment"):
        MODELS["mine"] = MODELS["logistic_regression"]  # type: ignore[index]
    assert "mine" not in MODELS


@pytest.mark.parametrize("name", MODELS)
def test_every_entry_is_trained_or_fixed(name):
    entry = MODELS[name]
    assert (entry.build is None) != (entry.fixed is None), name
    assert is_fixed(name) == (entry.fixed is not None)
    assert regime(name) == entry.regime and model_key(name) == name


@pytest.mark.parametrize("name", TRAINED)
def test_trained_models_are_fresh_and_unfitted(name):
    first, second = build_model(name), build_model(name)
    assert first is not second
    assert type(clone(first)) is type(first)
    assert not any(attr.endswith("_") and not attr.startswith("_") for attr in vars(first))


@pytest.mark.parametrize("name", TABLE)
def test_table_models_are_trained_models(name):
    """The audit fits a table model on embeddings through ``embeddings`` or ``build``."""
    entry = MODELS[name]
    assert entry.build is not None
    assert entry.fixed is None


def test_only_table_models_read_text_or_have_an_embedding_variant():
    for name, entry in MODELS.items():
        if entry.table is None:
            assert not entry.reads_text and entry.embeddings is None, name


def test_boosting_on_a_table_is_the_registry_boosting_with_native_categories():
    kinds = ColumnKinds(("x", "c", "many"), ("x",), ("c", "many"), ("c",))
    entry = MODELS["hist_gradient_boosting"]
    table = entry.table(kinds)  # type: ignore[misc]
    params, plain = table.get_params(), entry.build().get_params()  # type: ignore[misc]
    assert params.pop("categorical_features") == [False, True, False]
    assert plain.pop("categorical_features") in (None, "from_dtype")
    assert params == plain
    numeric = entry.table(ColumnKinds(("x",), ("x",)))  # type: ignore[misc]
    assert numeric.get_params()["categorical_features"] is None


def test_linear_probe_keeps_its_parameters():
    params = MODELS["linear_probe"].build().get_params()  # type: ignore[misc]
    assert params["logisticregression__C"] == 0.05
    assert params["logisticregression__max_iter"] == 500
