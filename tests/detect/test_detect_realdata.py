"""``find_label_issues`` on real label errors: MNIST and CIFAR-10 test sets (Northcutt,
Athalye, Mueller, 2021).

Data: ``label-errors/`` of the shared data folder, found through ``$LABELNOISE_DATA`` or at
``../shared/data`` relative to the repository root; the tests skip when it is absent.
Out-of-sample pred_probs and the original labels, plus Mechanical Turk votes on the flagged
candidates: a candidate is a *validated* error when fewer than 3 of 5 workers chose the
given label.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from labelnoise import find_label_issues
from labelnoise.detect._registry import CONFIDENT_LEARNING

pytestmark = pytest.mark.realdata

# Published figures of the reference (cleanlab 2.9.0, default method prune_by_noise_rate)
CIFAR10_VALIDATED_ERRORS = 54
CIFAR10_FLAGGED = 284
CIFAR10_VALIDATED_FOUND = 49


@pytest.mark.parametrize("method", CONFIDENT_LEARNING)
def test_masks_match_cleanlab(label_errors_dataset, method, oracle):
    name, labels, pred_probs = label_errors_dataset
    expected = oracle.find_label_issues(labels, pred_probs, method)
    issues = find_label_issues(labels, pred_probs, method=method)
    np.testing.assert_array_equal(issues.mask, expected, err_msg=f"{name} {method}")
    rank_by = "normalized_margin" if method.startswith("prune") else "self_confidence"
    np.testing.assert_array_equal(
        find_label_issues(labels, pred_probs, method=method, rank_by=rank_by).indices,
        oracle.find_label_issues(labels, pred_probs, method, rank_by=rank_by),
        err_msg=f"{name} {method} rank_by={rank_by}",
    )
    print(f"\n{name:8s} {method:22s} flagged {len(issues):4d} of {labels.size}")


def test_cifar10_finds_the_human_validated_errors(label_errors_folder, label_errors_data):
    labels, pred_probs = label_errors_data("cifar10")
    with open(label_errors_folder / "cifar10_mturk.json") as handle:
        candidates = json.load(handle)
    validated = np.array([c["id"] for c in candidates if c["mturk"]["given"] < 3])
    for c in candidates:  # the file describes the same test set
        assert labels[c["id"]] == c["given_original_label"]
    issues = find_label_issues(labels, pred_probs)
    found = int(issues.mask[validated].sum())
    print(
        f"\nCIFAR-10 test set: flagged {len(issues)} of {labels.size}; "
        f"{found} of {validated.size} human-validated label errors found "
        f"(reference: {CIFAR10_VALIDATED_FOUND} of {CIFAR10_VALIDATED_ERRORS}, "
        f"{CIFAR10_FLAGGED} flagged)"
    )
    assert validated.size == CIFAR10_VALIDATED_ERRORS
    assert len(issues) == CIFAR10_FLAGGED
    assert found == CIFAR10_VALIDATED_FOUND
    # the suggested label of a validated error is mostly the workers' choice
    guessed = {c["id"]: c["our_guessed_label"] for c in candidates}
    agree = np.mean([issues.suggested_labels[i] == guessed[i] for i in validated])
    assert agree > 0.9


def test_mnist_finds_as_many_validated_errors_as_cleanlab(
    label_errors_folder, label_errors_data, oracle
):
    labels, pred_probs = label_errors_data("mnist")
    with open(label_errors_folder / "mnist_mturk.json") as handle:
        candidates = json.load(handle)
    validated = np.array([c["id"] for c in candidates if c["mturk"]["given"] < 3])
    issues = find_label_issues(labels, pred_probs)
    found = int(issues.mask[validated].sum())
    reference = int(
        oracle.find_label_issues(labels, pred_probs, "prune_by_noise_rate")[validated].sum()
    )
    print(
        f"\nMNIST test set: flagged {len(issues)} of {labels.size}; "
        f"{found} of {validated.size} human-validated label errors found (cleanlab: {reference})"
    )
    assert validated.size == 15  # as documented with the data
    assert found == reference
