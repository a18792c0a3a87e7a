"""The bundled label-errors data: shapes, the paper's numbers, and fidelity to the source."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

import labelnoise
from labelnoise._errors import InputError
from labelnoise.bench import audit_flags
from labelnoise.datasets import load_cifar10
from labelnoise.datasets import load_label_errors as load_from_folder
from labelnoise.demo import load_bundled_label_errors, load_thumbnails, review_notes
from labelnoise.demo._images import THUMBNAILS_FILE
from labelnoise.detect import LabelIssues


@pytest.mark.parametrize(("name", "n_errors"), [("cifar10", 54), ("mnist", 15)])
def test_bundle_shapes(name, n_errors):
    data = load_bundled_label_errors(name)
    assert data.pred_probs.shape == (10000, 10) and data.pred_probs.dtype == np.float64
    assert data.labels.shape == (10000,) and len(data.classes) == 10
    assert int(data.verified_error.sum()) == n_errors
    assert data.votes.shape == (data.candidate_ids.shape[0], 4)


def test_cifar10_numbers_of_the_paper():
    data = load_bundled_label_errors("cifar10")
    issues = labelnoise.find_label_issues(data.labels, data.pred_probs)
    review = audit_flags(issues, verified=data.verified)
    assert (review.n_flagged, review.n_flagged_reviewed, review.n_confirmed) == (284, 240, 49)
    assert review.precision == pytest.approx(49 / 240)
    assert review.relative_recall == pytest.approx(49 / 54)


def test_review_by_hand():
    """audit_flags on the bundled review against an obvious loop over its records."""
    data = load_bundled_label_errors("mnist")
    mask = np.zeros(10000, dtype=bool)
    mask[data.candidate_ids[::3]] = True
    mask[:50] = True
    reviewed = confirmed = 0
    for row, votes in zip(data.candidate_ids, data.votes, strict=True):
        if mask[row]:
            reviewed += 1
            confirmed += int(votes[0] < 3)
    flags = LabelIssues(
        mask=mask,
        indices=np.flatnonzero(mask),
        scores=np.zeros(mask.shape[0]),
        given_labels=data.labels,
        suggested_labels=data.labels,
        method="by hand",
        score_method="none",
    )
    review = audit_flags(flags, verified=data.verified)
    assert (review.n_flagged, review.n_flagged_reviewed, review.n_confirmed) == (
        int(mask.sum()),
        reviewed,
        confirmed,
    )
    notes = review_notes(data)
    assert (notes != "").sum() == data.candidate_ids.shape[0]


def test_unknown_name():
    with pytest.raises(InputError, match="The 'name' parameter of load_bundled_label_errors"):
        load_bundled_label_errors("imagenet")  # type: ignore[arg-type]


@pytest.mark.realdata
@pytest.mark.parametrize("name", ["cifar10", "mnist"])
def test_bundle_equals_source(name, label_errors_folder):
    """The bundled copy loads to exactly what the folder loader reads from the originals."""
    folder = label_errors_folder
    data = load_bundled_label_errors(name)
    original = load_from_folder(folder, dataset=name)
    for field in ("labels", "pred_probs", "candidate_ids", "guessed_labels", "votes"):
        np.testing.assert_array_equal(getattr(data, field), getattr(original, field), field)
        assert getattr(data, field).dtype == getattr(original, field).dtype, field
    np.testing.assert_array_equal(data.verified_error, original.verified_error)
    assert (data.name, data.source) == (original.name, original.source)
    records = json.loads((folder / f"{name}_mturk.json").read_text())
    assert data.candidate_ids.tolist() == [r["id"] for r in records]
    assert data.votes[:, 0].tolist() == [r["mturk"]["given"] for r in records]


def test_thumbnails_cover_the_flagged_rows():
    """The bundle holds a picture for exactly the CIFAR-10 rows that the demo flags."""
    data = load_bundled_label_errors("cifar10")
    thumbs = load_thumbnails()
    flagged = labelnoise.find_label_issues(data.labels, data.pred_probs).indices
    np.testing.assert_array_equal(thumbs.rows, np.sort(flagged))
    assert thumbs.images.shape == (flagged.shape[0], 32, 32, 3)
    assert thumbs.images.dtype == np.uint8 and thumbs.images.std() > 20  # real pictures
    stack = thumbs.stack(10000)
    np.testing.assert_array_equal(stack[thumbs.rows], thumbs.images)
    assert not stack[np.setdiff1d(np.arange(10000), thumbs.rows)].any()
    bundled = resources.files("labelnoise") / "data" / THUMBNAILS_FILE
    assert len(bundled.read_bytes()) < 400_000  # keeps the wheel small


@pytest.mark.realdata
def test_thumbnails_equal_source(data_file):
    """Each bundled picture is the image load_cifar10 puts at that row of the test set."""
    archive = data_file("cifar10-jpg/cifar10_jpg.zip")
    thumbs = load_thumbnails()
    original = load_cifar10(
        archive,
        labels=load_bundled_label_errors("cifar10").labels,
        split="test",
        subset=thumbs.rows,
    )
    np.testing.assert_array_equal(thumbs.images, original.X)
