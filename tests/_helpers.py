"""Plain helpers shared by test modules: constants, Hypothesis strategies, result checks.

Fixtures live in the ``conftest.py`` files; what is needed while a module is being
collected (``@given`` strategies, ``parametrize`` lists) or is a plain check lives here.
Test modules import it as ``from _helpers import ...``: pytest puts ``tests/`` on
``sys.path`` when it loads ``tests/conftest.py`` (the rootdir conftest, ``prepend``
import mode, no ``__init__.py`` in the test folders).
"""

from __future__ import annotations

import dataclasses
from typing import Any, get_args

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from labelnoise import estimate_noise, find_label_issues, label_quality_scores
from labelnoise.detect._registry import method_names
from labelnoise.scores import ScoreMethod

#: The label quality scores, in the order of :data:`labelnoise.scores.ScoreMethod`.
SCORE_METHODS: tuple[str, ...] = get_args(ScoreMethod)
#: Every ``rank_by`` of ``find_label_issues``: None (the method's own score), or a score.
RANK_BY: tuple[str | None, ...] = (None, *SCORE_METHODS)
#: Seeded random cases (``random_case(seed)`` in conftest.py) per parity test with cleanlab.
N_PARITY_CASES = 200

#: The array fields of ``LabelIssues`` and of ``NoiseEstimate`` (its floating-point
#: matrices and prior, between the confident joint and the thresholds).
ISSUE_FIELDS = ("mask", "indices", "scores", "given_labels", "suggested_labels")
NOISE_FLOAT_FIELDS = ("joint", "noise_matrix", "inverse_noise_matrix", "prior")
NOISE_FIELDS = ("confident_joint", *NOISE_FLOAT_FIELDS, "thresholds")


#: Every ``find_label_issues`` method that reads ``pred_probs`` alone (the feature methods
#: read no ``pred_probs`` blocks).
PRED_PROBS_METHODS: tuple[str, ...] = tuple(method_names(lambda m: m.features != "required"))


def all_results(labels: Any, pred_probs: Any, **options: Any) -> list[Any]:
    """Every pass over ``pred_probs`` with the same options: ``find_label_issues`` with each
    of :data:`PRED_PROBS_METHODS`, ``estimate_noise``, and every quality score."""
    results = [
        find_label_issues(labels, pred_probs, method=m, **options) for m in PRED_PROBS_METHODS
    ]
    results.append(estimate_noise(labels, pred_probs, **options))
    results += [
        label_quality_scores(labels, pred_probs, method=m, **options) for m in SCORE_METHODS
    ]
    return results


def assert_identical(got: Any, expected: Any, where: str) -> None:
    """Every array field (or the array itself) equal element for element, with the same
    dtype for floats and booleans (out of core, label codes come in a compact int type)."""
    if isinstance(expected, np.ndarray):
        pairs = [("scores", got, expected)]
    else:
        names = [f.name for f in dataclasses.fields(expected)]
        pairs = [(n, getattr(got, n), getattr(expected, n)) for n in names]
    for name, a, b in pairs:
        if isinstance(b, np.ndarray):
            np.testing.assert_array_equal(a, b, err_msg=f"{where}: {name}")
            if b.dtype.kind in "fb":
                assert a.dtype == b.dtype, f"{where}: {name}"
        else:
            assert a == b, f"{where}: {name}"


def default_score_method(method: str) -> str:
    """The ``score_method`` of a confident-learning filter's result when ``rank_by`` is None."""
    return "normalized_margin" if method == "low_normalized_margin" else "self_confidence"


# --------------------------------------------------------------------------------------------
# Two results are the same
# --------------------------------------------------------------------------------------------


def assert_same_issues(got: Any, expected: Any, where: str = "", *, dtypes: bool = False) -> None:
    """Equal ``LabelIssues`` arrays, element for element; with ``dtypes``, ``mask``,
    ``indices`` and ``scores`` of the same dtype too."""
    for name in ISSUE_FIELDS:
        a, b = getattr(got, name), getattr(expected, name)
        np.testing.assert_array_equal(a, b, err_msg=f"{where} {name}")
        if dtypes and name in ("mask", "indices", "scores"):
            assert a.dtype == b.dtype, f"{where} {name}"


def assert_same_noise(got: Any, expected: Any, where: str = "", *, dtypes: bool = False) -> None:
    """Equal ``NoiseEstimate`` arrays (with ``dtypes``, of the same dtype) and counts."""
    for name in NOISE_FIELDS:
        a, b = getattr(got, name), getattr(expected, name)
        np.testing.assert_array_equal(a, b, err_msg=f"{where} {name}")
        if dtypes:
            assert a.dtype == b.dtype, f"{where} {name}"
    assert got.num_issues == expected.num_issues, where


# --------------------------------------------------------------------------------------------
# Hypothesis strategies
# --------------------------------------------------------------------------------------------


@st.composite
def tie_free(
    draw: Any,
    max_n: int = 80,
    max_classes: int = 6,
    dtype: Any = np.float64,
    *,
    features: bool = False,
) -> tuple[np.ndarray, ...]:
    """Softmax probabilities of continuous random logits and noisy labels (no exact ties):
    ``(labels, pred_probs)``.

    With ``features``, also 4-dimensional features drawn around one centre per true class,
    ``(labels, pred_probs, features)``: at least 6 rows, unscaled logits, at most half of
    the labels redrawn, and the first label always differs from the second.
    """
    n = draw(st.integers(6 if features else 5, max_n))
    n_classes = draw(st.integers(2, max_classes))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    true = rng.integers(0, n_classes, size=n)
    if features:
        centres = rng.normal(size=(n_classes, 4)) * draw(st.sampled_from([0.5, 2.0, 4.0]))
        points = centres[true] + rng.normal(size=(n, 4))
        logits = rng.normal(size=(n, n_classes))
    else:
        logits = rng.normal(size=(n, n_classes)) * draw(st.sampled_from([0.5, 1.0, 3.0]))
    logits[np.arange(n), true] += draw(st.floats(0.0, 4.0))
    expo = np.exp(logits - logits.max(axis=1, keepdims=True))
    pred_probs = (expo / expo.sum(axis=1, keepdims=True)).astype(dtype)
    labels = np.where(
        rng.random(n) < draw(st.floats(0.0, 0.5 if features else 0.6)),
        rng.integers(0, n_classes, n),
        true,
    )
    if features:
        labels[0] = (labels[1] + 1) % n_classes  # at least two labels
        return labels, pred_probs, points
    if np.unique(labels).size < 2:
        labels[0] = (labels[0] + 1) % n_classes
    return labels, pred_probs


@st.composite
def any_problem(draw: Any, max_n: int = 40, max_classes: int = 6) -> tuple[np.ndarray, ...]:
    """Rows of small integer weights, normalized: ties, zeros, uniform rows, absent classes."""
    n = draw(st.integers(1, max_n))
    n_classes = draw(st.integers(2, max_classes))
    weights = draw(
        hnp.arrays(np.int64, (n, n_classes), elements=st.integers(0, draw(st.integers(1, 10))))
    )
    weights[weights.sum(axis=1) == 0] = 1
    pred_probs = weights / weights.sum(axis=1, keepdims=True)
    labels = draw(hnp.arrays(np.int64, n, elements=st.integers(0, n_classes - 1)))
    if draw(st.booleans()):
        pred_probs = pred_probs.astype(np.float32)
    return labels, pred_probs
