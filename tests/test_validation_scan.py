"""The validation scan also gathers each row's probability of its given label.

``check_problem`` reads every row of ``pred_probs`` to check it; while a block is in
cache it also takes ``p[i, labels[i]]``, which the confident pass then uses instead of
reading the rows once more. It must be exactly the gather the pass would do, in the
working dtype, for every kind of source, and absent when the rows were renormalized.
"""

from __future__ import annotations

import numpy as np
import pytest

from labelnoise import estimate_noise, find_label_issues
from labelnoise._pass import confident_pass, self_confidence
from labelnoise._sources import Rows
from labelnoise._validation import Problem, check_problem


def _gathered(pred_probs: np.ndarray, labels: np.ndarray) -> np.ndarray:
    return pred_probs[np.arange(labels.size), labels]


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.int64])
def test_in_memory_gather_is_the_working_dtype_value(dtype, problem):
    case = problem(5, n=700, n_classes=6, noise=0.3)
    pred_probs = case.pred_probs.astype(dtype)
    if dtype is np.int64:  # one-hot integer probabilities
        pred_probs = np.eye(6, dtype=np.int64)[case.pred_probs.argmax(axis=1)]
    checked = check_problem(case.labels, pred_probs)
    assert checked.self_conf is not None
    assert checked.self_conf.dtype == checked.pred_probs.dtype
    np.testing.assert_array_equal(checked.self_conf, _gathered(checked.pred_probs, case.labels))


@pytest.mark.parametrize("kind", ["npy", "memmap", "dask"])
def test_out_of_core_and_dask_gathers_equal_the_in_memory_one(kind, problem, tmp_path):
    case = problem(6, n=900, n_classes=5, noise=0.3, dtype=np.float32)
    path = tmp_path / "pp.npy"
    np.save(path, case.pred_probs)
    if kind == "npy":
        source = str(path)
    elif kind == "memmap":
        source = np.load(path, mmap_mode="r")
    else:
        da = pytest.importorskip("dask.array")
        source = da.from_array(case.pred_probs, chunks=(200, -1))
    checked = check_problem(case.labels, source, chunk_size=128)
    assert checked.self_conf is not None
    np.testing.assert_array_equal(checked.self_conf, _gathered(case.pred_probs, case.labels))


@pytest.mark.parametrize("kind", ["memory", "npy"])
def test_renormalized_rows_are_gathered_after_renormalizing(kind, problem, tmp_path):
    case = problem(7, n=400, n_classes=4, noise=0.3)
    scaled = case.pred_probs * 0.9  # rows sum to 0.9: renormalized with normalize=True
    source: object = scaled
    if kind == "npy":
        np.save(tmp_path / "pp.npy", scaled)
        source = str(tmp_path / "pp.npy")
    checked = check_problem(case.labels, source, normalize=True)
    assert checked.self_conf is None  # the scan saw the rows before renormalizing
    expected = _gathered(scaled / scaled.sum(axis=1, keepdims=True), case.labels)
    np.testing.assert_allclose(self_confidence(checked), expected, rtol=1e-12)


def test_confident_pass_does_not_read_the_rows_for_self_confidence(problem, monkeypatch):
    """Validation's scan, the confident pass and the cut: no separate gather pass."""
    steps = []
    original = Rows.map

    def spy(self, func, *args, **kwargs):
        steps.append(func.__name__)
        return original(self, func, *args, **kwargs)

    monkeypatch.setattr(Rows, "map", spy)
    case = problem(8, n=1500, n_classes=7, noise=0.3)
    find_label_issues(case.labels, case.pred_probs)
    estimate_noise(case.labels, case.pred_probs)
    assert "_scan_block" in steps
    assert "self_confidence_block" not in steps


def test_results_do_not_depend_on_where_self_confidence_came_from(problem):
    case = problem(9, n=1200, n_classes=5, noise=0.4, decimals=2)
    checked = check_problem(case.labels, case.pred_probs)
    bare = Problem(labels=checked.labels, pred_probs=checked.pred_probs, classes=None)
    assert bare.self_conf is None
    a, b = confident_pass(checked), confident_pass(bare)
    for name in ("thresholds", "confident_joint", "off_diagonal", "given_is_argmax", "argmax"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    np.testing.assert_array_equal(a.self_conf, b.self_conf)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.int32, np.intp])
def test_label_counts_in_batches_equal_bincount(dtype, monkeypatch):
    """Out-of-core label codes (1-2 bytes) are counted in batches, not cast to int64 whole."""
    from labelnoise import _pass

    monkeypatch.setattr(_pass, "_COUNT_BATCH", 7)
    labels = np.random.default_rng(0).integers(0, 5, 100).astype(dtype)
    counts = _pass.label_counts(labels, 9)
    np.testing.assert_array_equal(counts, np.bincount(labels, minlength=9))
    assert counts.dtype == np.intp
