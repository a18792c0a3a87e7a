"""Parity of ``label_quality_scores`` with the reference implementation, cleanlab 2.9.0,
on seeded random problems.

Every case is rebuilt from its seed by ``random_case`` in conftest.py: tiny to a few thousand
rows, 2 to 200 classes, exact ties (rounded probabilities, duplicated and uniform rows),
classes absent from the labels, classes with 1-2 examples, float32 and float64.
Scores must be *identical*.
"""

from __future__ import annotations

import numpy as np
import pytest

from _helpers import N_PARITY_CASES, SCORE_METHODS
from labelnoise import label_quality_scores

pytest.importorskip("cleanlab")


@pytest.mark.parametrize("seed", range(N_PARITY_CASES))
def test_label_quality_scores_match_cleanlab(seed, make_case, oracle):
    case = make_case(seed)
    for method in SCORE_METHODS:
        for adjust in (False, True):
            if adjust and method == "confidence_weighted_entropy":
                continue  # refused by both libraries (see test_validation.py)
            expected = oracle.label_quality_scores(case.labels, case.pred_probs, method, adjust)
            got = label_quality_scores(
                case.labels, case.pred_probs, method=method, adjust_pred_probs=adjust
            )
            assert got.shape == (case.n,)
            np.testing.assert_array_equal(
                got, expected, err_msg=f"{case!r} {method} adjust={adjust}"
            )
