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


# Fake files with the real layout (full length: loaders check it) and made-up values.
N_TEST, N_TRAIN = 10_000, 50_000


def _label_errors_folder(tmp_path, records):
    np.save(tmp_path / "mnist_test_labels.npy", (np.arange(N_TEST) % 10).astype(np.uint16))
    np.save(tmp_path / "mnist_test_pred_probs.npy", np.full((N_TEST, 10), 0.1))
    (tmp_path / "mnist_mturk.json").write_text(json.dumps(records))
    return tmp_path


def _cifar10n_file(tmp_path, **changes):
    arrays = {
        key: (np.arange(N_TRAIN) % 10).astype(np.int8)
        for key in (
            "clean_label",
            "aggre_label",
            "worse_label",
            "random_label1",
            "random_label2",
            "random_label3",
        )
    }
    arrays.update(changes)
    np.savez(tmp_path / "cifar10n_labels.npz", **arrays)
    return tmp_path / "cifar10n_labels.npz"


def _cifar10h_folder(tmp_path, counts=None, probs=None):
    counts = np.tile(np.arange(1, 11), (N_TEST, 1)) if counts is None else counts
    if probs is None:
        probs = counts / counts.sum(axis=1, keepdims=True)
    np.save(tmp_path / "cifar10h-probs.npy", probs)
    np.save(tmp_path / "cifar10h-counts.npy", counts)
    return tmp_path


def test_fake_files_load(tmp_path):
    """The fakes below are valid as they are; each test breaks one thing."""
    assert load_cifar10n(_cifar10n_file(tmp_path)).clean_labels.shape == (N_TRAIN,)
    assert load_cifar10h(_cifar10h_folder(tmp_path)).counts.shape == (N_TEST, 10)
    assert load_label_errors(_label_errors_folder(tmp_path, []), dataset="mnist").labels[11] == 1


def test_label_errors_without_both_column(tmp_path):
    record = {"id": 2, "our_guessed_label": 7, "mturk": {"given": 1, "guessed": 4, "neither": 0}}
    data = load_label_errors(_label_errors_folder(tmp_path, [record]), dataset="mnist")
    np.testing.assert_array_equal(data.votes, [[1, 4, 0, 0]])
    np.testing.assert_array_equal(np.flatnonzero(data.error_mask), [2])


def test_label_errors_ids_out_of_range(tmp_path):
    record = {"id": N_TEST, "our_guessed_label": 7, "mturk": {"given": 1}}
    with pytest.raises(InputError, match=r"candidate ids outside 0\.\.9999"):
        load_label_errors(_label_errors_folder(tmp_path, [record]), dataset="mnist")


def test_label_errors_duplicate_ids(tmp_path):
    record = {"id": 3, "our_guessed_label": 7, "mturk": {"given": 1}}
    with pytest.raises(InputError, match=r"reviews some candidate ids twice"):
        load_label_errors(_label_errors_folder(tmp_path, [record, record]), dataset="mnist")


def test_label_errors_guessed_label_out_of_range(tmp_path):
    record = {"id": 3, "our_guessed_label": 10, "mturk": {"given": 1}}
    with pytest.raises(InputError, match=r"guessed labels outside 0\.\.9"):
        load_label_errors(_label_errors_folder(tmp_path, [record]), dataset="mnist")


def test_label_errors_negative_votes(tmp_path):
    record = {"id": 3, "our_guessed_label": 1, "mturk": {"given": -1, "guessed": 6}}
    with pytest.raises(InputError, match=r"has negative vote counts"):
        load_label_errors(_label_errors_folder(tmp_path, [record]), dataset="mnist")


def test_label_errors_bad_json(tmp_path):
    folder = _label_errors_folder(tmp_path, [])
    (folder / "mnist_mturk.json").write_text("{not json")
    with pytest.raises(InputError, match=r"could not read .* as a label-errors mturk file"):
        load_label_errors(folder, dataset="mnist")


def test_label_errors_empty_json(tmp_path):
    folder = _label_errors_folder(tmp_path, [])
    (folder / "mnist_mturk.json").write_text("")
    with pytest.raises(InputError, match=r"mnist_mturk\.json' is empty \(0 bytes\).*label-errors"):
        load_label_errors(folder, dataset="mnist")


def test_label_errors_record_without_votes(tmp_path):
    with pytest.raises(InputError, match=r"as a label-errors mturk file \(KeyError"):
        load_label_errors(_label_errors_folder(tmp_path, [{"id": 1}]), dataset="mnist")


def test_label_errors_wrong_pred_probs_shape(tmp_path):
    folder = _label_errors_folder(tmp_path, [])
    np.save(folder / "mnist_test_pred_probs.npy", np.full((4, 10), 0.1))
    with pytest.raises(InputError, match=r"holds shape \(4, 10\), expected \(10000, 10\)"):
        load_label_errors(folder, dataset="mnist")


@pytest.mark.parametrize(
    ("labels", "match"),
    [
        (np.arange(N_TEST) % 11, r"holds 909 labels outside 0\.\.9 \(such as 10\)"),
        (np.arange(N_TEST) % 10 - 3, r"holds 3000 labels outside 0\.\.9 \(such as -3, -2, -1\)"),
        (np.zeros(N_TEST), r"holds float64 values, expected integer class codes"),
        (np.zeros(N_TEST, bool), r"holds bool values, expected integer class codes"),
        (np.zeros(N_TEST - 1, int), r"holds shape \(9999,\), expected \(10000,\), one label per"),
    ],
)
def test_label_errors_bad_labels(tmp_path, labels, match):
    folder = _label_errors_folder(tmp_path, [])
    np.save(folder / "mnist_test_labels.npy", labels)
    with pytest.raises(InputError, match=r"mnist_test_labels\.npy' " + match):
        load_label_errors(folder, dataset="mnist")


@pytest.mark.parametrize(
    ("value", "match"),
    [(np.nan, r"holds values outside \[0, 1\] \(or NaN\)"), (0.2, r"has rows summing to")],
)
def test_label_errors_bad_pred_probs(tmp_path, value, match):
    folder = _label_errors_folder(tmp_path, [])
    pred_probs = np.full((N_TEST, 10), 0.1)
    pred_probs[5, 3] = value
    np.save(folder / "mnist_test_pred_probs.npy", pred_probs)
    with pytest.raises(InputError, match=r"mnist_test_pred_probs\.npy' " + match):
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


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (
            {"worse_label": np.r_[99, -3, np.zeros(N_TRAIN - 2)].astype(np.int8)},
            r"'worse_label'\) holds 2 labels outside 0\.\.9 \(such as -3, 99\); the file is "
            r"corrupt or not this dataset: fetch it again \(CIFAR-10N",
        ),
        (
            {"clean_label": np.zeros(N_TRAIN, np.float32)},
            r"'clean_label'\) holds float32 values, expected integer class codes",
        ),
        (
            {"random_label2": np.zeros(N_TRAIN - 1000, np.int8)},
            r"'random_label2'\) holds shape \(49000,\), expected \(50000,\)",
        ),
    ],
)
def test_cifar10n_bad_labels(tmp_path, change, match):
    with pytest.raises(InputError, match=r"cifar10n_labels\.npz' \(array " + match):
        load_cifar10n(_cifar10n_file(tmp_path, **change))


@pytest.mark.parametrize(("coarse", "bad"), [(False, 100), (True, 20)])
def test_cifar100n_labels_beyond_its_classes(tmp_path, coarse, bad):
    good = np.zeros(N_TRAIN, np.int8)
    wrong = np.r_[bad, np.zeros(N_TRAIN - 1)].astype(np.int8)
    np.savez(
        tmp_path / "cifar100n_labels.npz",
        clean_label=good,
        noisy_label=wrong,
        clean_coarse_label=good,
        noisy_coarse_label=wrong,
    )
    top = 19 if coarse else 99
    with pytest.raises(InputError, match=rf"holds 1 labels outside 0\.\.{top} \(such as {bad}\)"):
        load_cifar100n(tmp_path, coarse=coarse)


def test_unreadable_npz(tmp_path):
    (tmp_path / "cifar10n_labels.npz").write_bytes(b"garbage")
    with pytest.raises(InputError, match=r"could not read .* as \.npz: the file is truncated"):
        load_cifar10n(tmp_path)


def test_empty_npz(tmp_path):
    (tmp_path / "cifar10n_labels.npz").write_bytes(b"")
    with pytest.raises(
        InputError, match=r"cifar10n_labels\.npz' is empty \(0 bytes\): .*fetch it again \(CIFAR"
    ):
        load_cifar10n(tmp_path)


def test_truncated_npz(tmp_path):
    file = _cifar10n_file(tmp_path)
    file.write_bytes(file.read_bytes()[:1000])
    with pytest.raises(
        InputError, match=r"as \.npz: the file is truncated or corrupt \(BadZipFile: .*UCSC-REAL"
    ):
        load_cifar10n(tmp_path)


def test_corrupt_compressed_npz(tmp_path):
    labels = (np.arange(N_TRAIN) % 100).astype(np.int8)
    np.savez_compressed(tmp_path / "cifar100n_labels.npz", clean_label=labels, noisy_label=labels)
    raw = bytearray((tmp_path / "cifar100n_labels.npz").read_bytes())
    raw[200:260] = b"x" * 60  # inside the first member's deflate stream
    (tmp_path / "cifar100n_labels.npz").write_bytes(bytes(raw))
    with pytest.raises(InputError, match=r"as \.npz: the file is truncated or corrupt"):
        load_cifar100n(tmp_path)


def test_unreadable_npy(tmp_path):
    folder = _cifar10h_folder(tmp_path)
    (folder / "cifar10h-probs.npy").write_bytes(b"garbage")
    with pytest.raises(InputError, match=r"could not read .* as \.npy: the file is truncated"):
        load_cifar10h(folder)


@pytest.mark.parametrize("name", ["cifar10h-probs.npy", "cifar10h-counts.npy"])
def test_empty_npy(tmp_path, name):
    folder = _cifar10h_folder(tmp_path)
    (folder / name).write_bytes(b"")
    with pytest.raises(InputError, match=rf"{name}' is empty \(0 bytes\)"):
        load_cifar10h(folder)


def test_truncated_npy(tmp_path):
    folder = _label_errors_folder(tmp_path, [])
    file = folder / "mnist_test_pred_probs.npy"
    file.write_bytes(file.read_bytes()[:5000])
    with pytest.raises(InputError, match=r"as \.npy: the file is truncated or corrupt"):
        load_label_errors(folder, dataset="mnist")


def test_npz_where_npy_belongs(tmp_path):
    folder = _label_errors_folder(tmp_path, [])
    with open(folder / "mnist_test_labels.npy", "wb") as handle:
        np.savez(handle, labels=np.zeros(N_TEST, int))
    with pytest.raises(InputError, match=r"is an \.npz archive, expected a single \.npy array"):
        load_label_errors(folder, dataset="mnist")


def test_cifar10h_shapes_must_agree(tmp_path):
    np.save(tmp_path / "cifar10h-probs.npy", np.full((3, 10), 0.1))
    np.save(tmp_path / "cifar10h-counts.npy", np.ones((4, 10), dtype=np.int64))
    with pytest.raises(
        InputError, match=r"probs \(3, 10\) and counts \(4, 10\) must both have shape \(10000, 10\)"
    ):
        load_cifar10h(tmp_path)


def _with(array, row, values):
    array = array.copy()
    array[row] = values
    return array


_COUNTS = np.tile(np.arange(1, 11), (N_TEST, 1))


@pytest.mark.parametrize(
    ("counts", "probs", "match"),
    [
        (
            _with(_COUNTS, 7, [-1, *range(2, 11)]),
            _COUNTS / 55,
            r"counts\.npy' holds negative vote counts \(min -1\)",
        ),
        (
            _with(_COUNTS, 7, 0),
            _COUNTS / 55,
            r"counts\.npy' has 1 rows without any vote \(such as row 7\)",
        ),
        (_COUNTS.astype(float), None, r"counts\.npy' holds float64 values, expected integer vote"),
        (
            _COUNTS,
            _with(_COUNTS / 55, 7, np.eye(10)[0]),
            r"the shares in .*cifar10h-probs\.npy' are not the votes of .*do not belong together",
        ),
        (_COUNTS, _with(_COUNTS / 55, 7, 2.0), r"probs\.npy' holds values outside \[0, 1\]"),
    ],
)
def test_cifar10h_bad_values(tmp_path, counts, probs, match):
    with pytest.raises(InputError, match=match):
        load_cifar10h(_cifar10h_folder(tmp_path, counts=counts, probs=probs))


@pytest.mark.parametrize("bad", ["yes", "no", 1, None])
def test_bad_coarse(tmp_path, bad):
    with pytest.raises(
        InputError, match=r"'coarse' parameter of load_cifar100n must be one of \{False, True\}"
    ):
        load_cifar100n(tmp_path, coarse=bad)


@pytest.mark.parametrize("bad", [None, 3, ["a"]])
def test_path_must_be_a_path(bad):
    with pytest.raises(InputTypeError, match=r"path: expected a folder or file path"):
        load_cifar10n(bad)
