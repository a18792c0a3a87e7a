"""The bundled label-errors data: shapes, the paper's numbers, and fidelity to the source."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

import labelnoise
from labelnoise._errors import InputError
from labelnoise.demo import load_label_errors, review_flagged
from labelnoise.demo._review import review_notes

SOURCE = Path(os.environ.get("LABELNOISE_DATA", Path(__file__).parents[3] / "shared" / "data"))


@pytest.mark.parametrize(("name", "n_errors"), [("cifar10", 54), ("mnist", 15)])
def test_bundle_shapes(name, n_errors):
    data = load_label_errors(name)
    assert data.pred_probs.shape == (10000, 10) and data.pred_probs.dtype == np.float64
    assert data.labels.shape == (10000,) and data.classes.shape == (10,)
    assert int(data.confirmed.sum()) == n_errors
    assert data.review_votes.shape == (data.review_ids.shape[0], 4)


def test_cifar10_numbers_of_the_paper():
    data = load_label_errors("cifar10")
    issues = labelnoise.find_label_issues(data.labels, data.pred_probs)
    review = review_flagged(issues.mask, data)
    assert (review.n_flagged, review.n_reviewed, review.n_confirmed) == (284, 240, 49)
    assert review.precision == pytest.approx(49 / 240)
    assert review.relative_recall == pytest.approx(49 / 54)


def test_review_by_hand():
    """review_flagged against an obvious loop over the review records."""
    data = load_label_errors("mnist")
    mask = np.zeros(10000, dtype=bool)
    mask[data.review_ids[::3]] = True
    mask[:50] = True
    reviewed = confirmed = 0
    for row, votes in zip(data.review_ids, data.review_votes, strict=True):
        if mask[row]:
            reviewed += 1
            confirmed += int(votes[0] < 3)
    review = review_flagged(mask, data)
    assert (review.n_flagged, review.n_reviewed, review.n_confirmed) == (
        int(mask.sum()),
        reviewed,
        confirmed,
    )
    notes = review_notes(data)
    assert (notes != "").sum() == data.review_ids.shape[0]


def test_unknown_name():
    with pytest.raises(InputError, match="The 'name' parameter of load_label_errors"):
        load_label_errors("imagenet")  # type: ignore[arg-type]


@pytest.mark.realdata
@pytest.mark.parametrize("name", ["cifar10", "mnist"])
def test_bundle_equals_source(name):
    folder = SOURCE / "label-errors"
    if not folder.exists():
        pytest.skip(f"{folder} not present")
    data = load_label_errors(name)
    np.testing.assert_array_equal(data.pred_probs, np.load(folder / f"{name}_test_pred_probs.npy"))
    np.testing.assert_array_equal(data.labels, np.load(folder / f"{name}_test_labels.npy"))
    records = json.loads((folder / f"{name}_mturk.json").read_text())
    assert data.review_ids.tolist() == [r["id"] for r in records]
    assert data.review_votes[:, 0].tolist() == [r["mturk"]["given"] for r in records]
