"""``n_jobs``: the passes over ``pred_probs`` run on a thread pool over row blocks, and the
results are bit-identical whatever the thread count and the block size, in memory and
out of core."""

from __future__ import annotations

import dataclasses
import threading
import time
from typing import get_args

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from labelnoise import InputError, estimate_noise, find_label_issues, label_quality_scores
from labelnoise._sources import Rows
from labelnoise.detect import FilterMethod
from labelnoise.detect._detectors import FEATURE_METHODS

#: Every method that reads pred_probs alone (the feature methods read no pred_probs blocks).
METHODS = tuple(m for m in get_args(FilterMethod) if m not in FEATURE_METHODS)
SCORE_METHODS = ("self_confidence", "normalized_margin", "confidence_weighted_entropy")
FUNCS = (find_label_issues, estimate_noise, label_quality_scores)


def _all_results(labels, pred_probs, **options):
    results = [find_label_issues(labels, pred_probs, method=m, **options) for m in METHODS]
    results.append(estimate_noise(labels, pred_probs, **options))
    results += [
        label_quality_scores(labels, pred_probs, method=m, **options) for m in SCORE_METHODS
    ]
    return results


def _assert_identical(got, expected, where):
    """Every array field (or the array itself) equal element for element, same dtype."""
    if isinstance(expected, np.ndarray):
        pairs = [("scores", got, expected)]
    else:
        names = [f.name for f in dataclasses.fields(expected)]
        pairs = [(n, getattr(got, n), getattr(expected, n)) for n in names]
    for name, a, b in pairs:
        if isinstance(b, np.ndarray):
            np.testing.assert_array_equal(a, b, err_msg=f"{where}: {name}")
            if b.dtype.kind in "fb":  # out of core, label codes come in a compact int type
                assert a.dtype == b.dtype, f"{where}: {name}"
        else:
            assert a == b, f"{where}: {name}"


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("source", ["array", "memmap"])
def test_results_do_not_depend_on_n_jobs_or_block_size(seed, source, problem, tmp_path):
    case = problem(
        seed,
        n=400 + 97 * seed,
        n_classes=(3, 6, 11, 4)[seed],
        noise=0.3,
        decimals=2 if seed % 2 else None,
        missing_classes=seed == 2,
        dtype=np.float32 if seed % 2 else np.float64,
    )
    pred_probs = case.pred_probs
    if source == "memmap":
        np.save(tmp_path / "pp.npy", pred_probs)
        pred_probs = np.load(tmp_path / "pp.npy", mmap_mode="r")
    expected = _all_results(case.labels, case.pred_probs, n_jobs=1)
    for n_jobs, chunk_size in ((2, None), (3, 13), (-1, 5), (None, 50)):
        got = _all_results(case.labels, pred_probs, n_jobs=n_jobs, chunk_size=chunk_size)
        where = f"{source} n_jobs={n_jobs} chunk_size={chunk_size}"
        for a, b in zip(got, expected, strict=True):
            _assert_identical(a, b, where)


@given(
    seed=st.integers(0, 10_000),
    n_jobs=st.integers(1, 4),
    chunk_size=st.integers(1, 60),
    normalize=st.booleans(),
)
def test_threaded_pass_is_bit_identical(problem, seed, n_jobs, chunk_size, normalize):
    case = problem(seed, n=150, n_classes=2 + seed % 7, noise=0.35, decimals=seed % 3 or None)
    one = find_label_issues(case.labels, case.pred_probs, n_jobs=1, normalize=normalize)
    many = find_label_issues(
        case.labels, case.pred_probs, n_jobs=n_jobs, chunk_size=chunk_size, normalize=normalize
    )
    where = f"n_jobs={n_jobs} chunk_size={chunk_size}"
    _assert_identical(many, one, where)
    _assert_identical(
        estimate_noise(case.labels, case.pred_probs, n_jobs=n_jobs, chunk_size=chunk_size),
        estimate_noise(case.labels, case.pred_probs, n_jobs=1),
        where,
    )


def test_map_keeps_row_order_and_uses_threads():
    """Blocks finish out of order on the pool; ``map`` hands them back in row order."""
    rows = Rows(np.full((40, 2), 0.5), chunk_size=3, n_jobs=4)
    workers = set()

    def slow_first(block, given):
        workers.add(threading.get_ident())
        time.sleep(0.02 if given[0] < 6 else 0.0)  # the first blocks finish last
        return given.copy()

    got = list(rows.map(slow_first, np.arange(40)))
    assert [r.start for r, _ in got] == list(range(0, 40, 3))
    np.testing.assert_array_equal(np.concatenate([v for _, v in got]), np.arange(40))
    assert len(workers) > 1


def test_map_stops_early_and_propagates_errors():
    rows = Rows(np.full((100, 2), 0.5), chunk_size=1, n_jobs=2)
    calls = []

    def record(block, given):
        calls.append(int(given[0]))
        return int(given[0])

    for _, value in rows.map(record, np.arange(100)):
        if value == 2:
            break
    assert len(calls) < 100  # the queued blocks were dropped, not all computed

    def fail(block, given):
        if given[0] == 5:
            raise ValueError("block 5")
        return 0

    with pytest.raises(ValueError, match="block 5"):
        list(rows.map(fail, np.arange(100)))


def test_nan_found_by_a_worker_thread_is_an_input_error(problem):
    case = problem(0, n=300, n_classes=4)
    pred_probs = case.pred_probs.copy()
    pred_probs[250, 1] = np.nan
    with pytest.raises(InputError, match="NaN or infinite"):
        find_label_issues(case.labels, pred_probs, n_jobs=2, chunk_size=16)


@pytest.mark.parametrize("func", FUNCS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("bad", [0, 2.5, "2", True])
def test_n_jobs_must_be_a_non_zero_int(func, bad, problem):
    case = problem(0, n=30, n_classes=3)
    with pytest.raises(InputError, match=r"'n_jobs' parameter of \w+ must be None or a non-zero"):
        func(case.labels, case.pred_probs, n_jobs=bad)


def test_n_jobs_below_minus_the_cores_leaves_no_thread(problem):
    case = problem(0, n=30, n_classes=3)
    with pytest.raises(InputError, match="leaves no thread"):
        find_label_issues(case.labels, case.pred_probs, n_jobs=-100_000)
