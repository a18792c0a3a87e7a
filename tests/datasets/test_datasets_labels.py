"""CIFAR-10N, CIFAR-100N, CIFAR-10H and label-errors loaders: real files and bad files."""

from __future__ import annotations

import json

import numpy as np
import pytest

from labelnoise import InputError, InputTypeError
from labelnoise.datasets import (
    CIFAR100_CLASSES,
    CIFAR100_COARSE_CLASSES,
    VOTE_COLUMNS,
    load_cifar10h,
    load_cifar10n,
    load_cifar100n,
    load_label_errors,
)

realdata = pytest.mark.realdata


@realdata
def test_cifar10n(data_file):
    data = load_cifar10n(data_file("cifar-10n"))
    assert data.clean_labels.shape == (50000,) and data.clean_labels.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(data.clean_labels), [5000] * 10)
    rates = {k: round(v, 4) for k, v in data.noise_rates.items()}
    assert rates == {
        "aggregate": 0.0901,
        "random1": 0.1723,
        "random2": 0.1812,
        "random3": 0.1764,
        "worst": 0.4021,
    }
    with pytest.raises(TypeError):
        data.noisy_labels["new"] = data.clean_labels  # read-only mapping
    assert "CC BY-NC 4.0" in data.source


@realdata
def test_cifar10n_accepts_the_file_itself(data_file):
    file = data_file("cifar-10n/cifar10n_labels.npz")
    np.testing.assert_array_equal(
        load_cifar10n(file).clean_labels[:20], load_cifar10n(file.parent).clean_labels[:20]
    )


@realdata
def test_cifar100n_fine_and_coarse(data_file):
    fine = load_cifar100n(data_file("cifar-10n"))
    coarse = load_cifar100n(data_file("cifar-10n"), coarse=True)
    assert round(fine.noise_rates["noisy"], 4) == 0.4020
    assert fine.classes == CIFAR100_CLASSES and coarse.classes == CIFAR100_COARSE_CLASSES
    np.testing.assert_array_equal(np.bincount(fine.clean_labels), [500] * 100)
    # every fine class sits in exactly one superclass, and the names agree
    pairs = set(zip(fine.clean_labels.tolist(), coarse.clean_labels.tolist(), strict=True))
    assert len(pairs) == 100
    names = {CIFAR100_CLASSES[f]: CIFAR100_COARSE_CLASSES[c] for f, c in pairs}
    assert names["apple"] == "fruit_and_vegetables"
    assert names["whale"] == "aquatic_mammals"
    assert names["pickup_truck"] == "vehicles_1" and names["tractor"] == "vehicles_2"


@realdata
def test_cifar10h(data_file):
    data = load_cifar10h(data_file("cifar-10h"))
    assert data.probs.shape == data.counts.shape == (10000, 10)
    np.testing.assert_allclose(data.probs.sum(axis=1), 1.0)
    totals = data.counts.sum(axis=1)
    assert 47 <= totals.min() and totals.max() <= 65
    np.testing.assert_allclose(data.probs, data.counts / totals[:, None])


@realdata
@pytest.mark.parametrize(
    ("dataset", "verified", "candidates"), [("cifar10", 54, 275), ("mnist", 15, 100)]
)
def test_label_errors(data_file, dataset, verified, candidates):
    data = load_label_errors(data_file("label-errors"), dataset=dataset)
    assert data.labels.shape == (10000,) and data.pred_probs.shape == (10000, 10)
    assert data.candidate_ids.shape == (candidates,) and data.votes.shape == (candidates, 4)
    assert int(data.verified_error.sum()) == verified
    assert int(data.error_mask.sum()) == verified
    # 5 workers per candidate; where the guess equals the given label (13 MNIST candidates)
    # the file counts the same votes under "given" and "guessed"
    same = data.guessed_labels == data.labels[data.candidate_ids]
    assert np.all(data.votes[~same].sum(axis=1) == 5)
    np.testing.assert_array_equal(data.votes[same, 0], data.votes[same, 1])
    records = json.loads((data_file("label-errors") / f"{dataset}_mturk.json").read_text())
    given = np.array([r["given_original_label"] for r in records])
    np.testing.assert_array_equal(data.labels[data.candidate_ids], given)
    np.testing.assert_array_equal(
        data.verified_error, data.votes[:, VOTE_COLUMNS.index("given")] < 3
    )
    assert (
        repr(data)
        == f"LabelErrors({dataset!r}, n=10000, {verified} of {candidates} candidates verified)"
    )


def _label_errors_folder(tmp_path, records, n=5):
    np.save(tmp_path / "mnist_test_labels.npy", np.arange(n) % 10)
    np.save(tmp_path / "mnist_test_pred_probs.npy", np.full((n, 10), 0.1))
    (tmp_path / "mnist_mturk.json").write_text(json.dumps(records))
    return tmp_path


def test_label_errors_without_both_column(tmp_path):
    record = {"id": 2, "our_guessed_label": 7, "mturk": {"given": 1, "guessed": 4, "neither": 0}}
    data = load_label_errors(_label_errors_folder(tmp_path, [record]), dataset="mnist")
    np.testing.assert_array_equal(data.votes, [[1, 4, 0, 0]])
    np.testing.assert_array_equal(data.error_mask, [False, False, True, False, False])


def test_label_errors_ids_out_of_range(tmp_path):
    record = {"id": 9, "our_guessed_label": 7, "mturk": {"given": 1}}
    with pytest.raises(InputError, match=r"candidate ids outside 0\.\.4"):
        load_label_errors(_label_errors_folder(tmp_path, [record]), dataset="mnist")


def test_label_errors_bad_json(tmp_path):
    folder = _label_errors_folder(tmp_path, [])
    (folder / "mnist_mturk.json").write_text("{not json")
    with pytest.raises(InputError, match=r"could not read .* as a label-errors mturk file"):
        load_label_errors(folder, dataset="mnist")


def test_label_errors_record_without_votes(tmp_path):
    with pytest.raises(InputError, match=r"as a label-errors mturk file \(KeyError"):
        load_label_errors(_label_errors_folder(tmp_path, [{"id": 1}]), dataset="mnist")


def test_label_errors_wrong_pred_probs_shape(tmp_path):
    folder = _label_errors_folder(tmp_path, [])
    np.save(folder / "mnist_test_pred_probs.npy", np.full((4, 10), 0.1))
    with pytest.raises(InputError, match=r"holds shape \(4, 10\), expected \(5, 10\)"):
        load_label_errors(folder, dataset="mnist")


def test_label_errors_needs_a_folder(tmp_path):
    folder = _label_errors_folder(tmp_path, [])
    with pytest.raises(InputError, match=r"expected the folder holding mnist_test_labels\.npy"):
        load_label_errors(folder / "mnist_mturk.json", dataset="mnist")


def test_label_errors_unknown_dataset(tmp_path):
    with pytest.raises(InputError, match=r"'dataset' parameter of load_label_errors must be one"):
        load_label_errors(tmp_path, dataset="imagenet")


def test_missing_file_says_where_it_comes_from(tmp_path):
    with pytest.raises(InputError, match=r"path: .*cifar10n_labels\.npz' not found; .*UCSC-REAL"):
        load_cifar10n(tmp_path)


def test_npz_without_the_expected_arrays(tmp_path):
    np.savez(tmp_path / "cifar100n_labels.npz", clean_label=np.zeros(3, np.int8))
    with pytest.raises(InputError, match=r"lacks the arrays \['noisy_label'\]"):
        load_cifar100n(tmp_path)


def test_unreadable_npz(tmp_path):
    (tmp_path / "cifar10n_labels.npz").write_bytes(b"garbage")
    with pytest.raises(InputError, match=r"could not read .* as \.npz"):
        load_cifar10n(tmp_path)


def test_unreadable_npy(tmp_path):
    (tmp_path / "cifar10h-probs.npy").write_bytes(b"garbage")
    with pytest.raises(InputError, match=r"could not read .* as \.npy"):
        load_cifar10h(tmp_path)


def test_cifar10h_shapes_must_agree(tmp_path):
    np.save(tmp_path / "cifar10h-probs.npy", np.full((3, 10), 0.1))
    np.save(tmp_path / "cifar10h-counts.npy", np.ones((4, 10), dtype=np.int64))
    with pytest.raises(InputError, match=r"probs \(3, 10\) and counts \(4, 10\) differ"):
        load_cifar10h(tmp_path)


def test_bad_coarse(tmp_path):
    with pytest.raises(InputError, match=r"'coarse' parameter of load_cifar100n must be one of"):
        load_cifar100n(tmp_path, coarse="yes")


@pytest.mark.parametrize("bad", [None, 3, ["a"]])
def test_path_must_be_a_path(bad):
    with pytest.raises(InputTypeError, match=r"path: expected a folder or file path"):
        load_cifar10n(bad)
