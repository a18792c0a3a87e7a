"""The detector registry: one entry per method, and what ``find_label_issues`` does with it.

Each test reads an entry's declaration (what it needs, which options apply, its score)
and checks that ``find_label_issues`` behaves as declared, so a new entry is held to it.
"""

from __future__ import annotations

import dataclasses
import inspect
from typing import get_args

import pytest

from labelnoise import InputError, find_label_issues
from labelnoise.detect import METHODS, FilterMethod
from labelnoise.detect._registry import (
    CONFIDENT_LEARNING,
    PRUNE_METHODS,
    ConfidentLearningMethod,
    Need,
    method_names,
)
from labelnoise.scores import ScoreMethod

#: Options that every method takes (the inputs and how they are read).
SHARED = {"labels", "pred_probs", "features", "method", "classes", "normalize", "chunk_size"}
SHARED |= {"n_jobs"}
#: Scores of the detectors beyond the label quality scores.
OWN_SCORES = {"noise_adaptive_rank", "clean_probability", "neighbor_agreement"}


@pytest.fixture(scope="module")
def case(feature_case):
    return feature_case(4, n=60)


def _inputs(case, spec, *, pred_probs=True, features=True):
    """The inputs a method reads (``pred_probs``/``features`` False: leave that one out)."""
    return {
        "pred_probs": case.pred_probs if pred_probs and spec.pred_probs != "unused" else None,
        "features": case.features if features and spec.features != "unused" else None,
    }


def test_literal_spells_the_registry_in_order():
    assert get_args(FilterMethod) == tuple(METHODS)


def test_confident_learning_literal_spells_its_entries():
    assert get_args(ConfidentLearningMethod) == CONFIDENT_LEARNING


def test_registry_is_read_only():
    with pytest.raises(TypeError):
        METHODS["mine"] = METHODS["knn"]  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        METHODS["knn"].score = "self_confidence"  # type: ignore[misc]


@pytest.mark.parametrize("name", tuple(METHODS))
def test_entry_is_well_formed(name):
    spec = METHODS[name]
    parameters = inspect.signature(find_label_issues).parameters
    assert spec.name == name
    assert callable(spec.function)
    assert {spec.pred_probs, spec.features} <= set(get_args(Need))
    assert {spec.pred_probs, spec.features} != {"unused"}  # it reads something
    assert spec.options <= set(parameters) - SHARED, spec.options - set(parameters)
    assert spec.score in set(get_args(ScoreMethod)) | OWN_SCORES
    assert spec.description and "\n" not in spec.description


def test_derived_lists():
    assert len(CONFIDENT_LEARNING) == 7
    assert CONFIDENT_LEARNING == tuple(METHODS)[:7]
    assert PRUNE_METHODS == ("prune_by_noise_rate", "prune_by_class", "both")
    assert method_names() == tuple(METHODS)
    assert method_names(lambda m: m.pred_probs == "unused") == ("knn",)


@pytest.mark.parametrize("name", tuple(METHODS))
def test_runs_and_ranks_by_its_score(case, name):
    spec = METHODS[name]
    issues = find_label_issues(case.labels, **_inputs(case, spec), method=name, random_state=0)
    assert issues.method == name
    assert issues.score_method == spec.score


@pytest.mark.parametrize("name", method_names(lambda m: m.pred_probs == "required"))
def test_needs_pred_probs(case, name):
    spec = METHODS[name]
    with pytest.raises(InputError, match=rf"^pred_probs: method='{name}' needs pred_probs;"):
        find_label_issues(case.labels, **_inputs(case, spec, pred_probs=False), method=name)


@pytest.mark.parametrize("name", method_names(lambda m: m.features == "required"))
def test_needs_features(case, name):
    spec = METHODS[name]
    with pytest.raises(InputError, match=rf"^features: method='{name}' needs features"):
        find_label_issues(case.labels, **_inputs(case, spec, features=False), method=name)


@pytest.mark.parametrize("name", tuple(METHODS))
def test_rank_by_only_where_it_applies(case, name):
    spec = METHODS[name]
    options = {"method": name, "rank_by": "normalized_margin", "random_state": 0}
    if "rank_by" in spec.options:
        issues = find_label_issues(case.labels, **_inputs(case, spec), **options)
        assert issues.score_method == "normalized_margin"
    else:
        with pytest.raises(InputError, match=rf"^rank_by: is not used by method='{name}'"):
            find_label_issues(case.labels, **_inputs(case, spec), **options)


@pytest.mark.parametrize("name", method_names(lambda m: "frac_noise" not in m.options))
def test_frac_noise_ignored_with_a_warning(case, name):
    spec = METHODS[name]
    inputs = _inputs(case, spec)
    with (
        pytest.warns(UserWarning, match=rf"frac_noise only applies to .*method='{name}'"),
        pytest.raises(InputError),  # then stop early: one label too few
    ):
        find_label_issues(case.labels[:-1], **inputs, method=name, frac_noise=0.5)


@pytest.mark.parametrize("name", tuple(METHODS))
def test_num_to_remove_per_class_only_where_it_applies(case, name):
    spec = METHODS[name]
    removals = [1, 1, 1, 1]
    if "num_to_remove_per_class" in spec.options:
        issues = find_label_issues(
            case.labels, **_inputs(case, spec), method=name, num_to_remove_per_class=removals
        )
        assert len(issues) <= sum(removals)
    else:
        with pytest.raises(InputError, match=r"^num_to_remove_per_class: is only supported"):
            find_label_issues(
                case.labels, **_inputs(case, spec), method=name, num_to_remove_per_class=removals
            )


@pytest.mark.parametrize("name", method_names(lambda m: m.pred_probs == "unused"))
def test_unused_pred_probs_warn(case, name):
    with pytest.warns(UserWarning, match=rf"pred_probs are not used by method='{name}'"):
        find_label_issues(case.labels, case.pred_probs, features=case.features, method=name)
