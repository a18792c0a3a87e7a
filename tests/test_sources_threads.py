"""Threads over the rows (``_sources.Rows``) and threads calling labelnoise.

``n_jobs``: the passes over ``pred_probs`` run on a thread pool over row blocks, and the
results are bit-identical whatever the thread count and the block size, in memory and out
of core. Thread safety: labelnoise keeps no module-level state, so the same calls from
several threads at once give the sequential results, including on out-of-core inputs whose
memory-map pages are handed back to the OS by one thread while another is reading them.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _helpers import (
    all_results,
    assert_identical,
    assert_same_issues,
    assert_same_noise,
)
from labelnoise import InputError, estimate_noise, find_label_issues, label_quality_scores
from labelnoise._sources import Rows
from labelnoise.detect._registry import CONFIDENT_LEARNING

FUNCS = (find_label_issues, estimate_noise, label_quality_scores)


# --------------------------------------------------------------------------------------------
# n_jobs: a thread pool over row blocks
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("source", ["array", "memmap"])
@pytest.mark.parametrize("kernels", ["numpy", "numba"])
def test_results_do_not_depend_on_n_jobs_block_size_or_kernels(
    seed, source, kernels, problem, tmp_path, monkeypatch
):
    """Every pass, in memory and memory-mapped, on 1-3 threads and several block sizes,
    with numpy's chunk steps and with the compiled loops (``labelnoise._kernels``), gives
    the in-memory single-thread numpy result."""
    if kernels == "numba":
        pytest.importorskip("numba", reason="the extra 'fast' (make test installs it)")
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
    monkeypatch.setenv("LABELNOISE_KERNELS", "numpy")
    expected = all_results(case.labels, case.pred_probs, n_jobs=1)
    monkeypatch.setenv("LABELNOISE_KERNELS", kernels)
    for n_jobs, chunk_size in ((2, None), (3, 13), (-1, 5), (None, 50)):
        got = all_results(case.labels, pred_probs, n_jobs=n_jobs, chunk_size=chunk_size)
        where = f"{source} {kernels} n_jobs={n_jobs} chunk_size={chunk_size}"
        for a, b in zip(got, expected, strict=True):
            assert_identical(a, b, where)


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
    assert_identical(many, one, where)
    assert_identical(
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


@pytest.fixture
def pools(monkeypatch):
    """The ``max_workers`` of every thread pool ``Rows.map`` starts."""
    from labelnoise import _sources

    started = []

    class Recording(ThreadPoolExecutor):
        def __init__(self, max_workers=None):
            started.append(max_workers)
            super().__init__(max_workers=max_workers)

    monkeypatch.setattr(_sources, "ThreadPoolExecutor", Recording)
    return started


@pytest.mark.parametrize("func", FUNCS, ids=lambda f: f.__name__)
def test_default_uses_every_core_and_the_light_cut_pass_one(func, problem, pools, monkeypatch):
    """By default the passes run on as many threads as the process has cores (3 here,
    through joblib's count); the top-k cut reading a few columns per contested row
    (K = 200, quota in few columns per class) runs on one."""
    import joblib

    monkeypatch.setattr(joblib, "cpu_count", lambda: 3)
    passes = []
    original = Rows.map

    def spy(self, step, *args, **kwargs):
        passes.append((step.__name__, self.n_jobs))
        return original(self, step, *args, **kwargs)

    monkeypatch.setattr(Rows, "map", spy)
    case = problem(4, n=4000, n_classes=200, noise=0.2)
    func(case.labels, case.pred_probs, chunk_size=100)
    assert pools and set(pools) == {3}
    assert ("_scan_block", 3) in passes
    if func is find_label_issues:
        assert ("_pairs", 1) in passes


def test_n_jobs_below_minus_the_cores_leaves_no_thread(problem):
    case = problem(0, n=30, n_classes=3)
    with pytest.raises(InputError, match="leaves no thread"):
        find_label_issues(case.labels, case.pred_probs, n_jobs=-100_000)


# --------------------------------------------------------------------------------------------
# Thread safety: concurrent calls give the sequential results
# --------------------------------------------------------------------------------------------


N_THREADS = 4
N_CALLS = 12


def _calls(labels, pred_probs):
    return [
        lambda: find_label_issues(labels, pred_probs),
        lambda: find_label_issues(labels, pred_probs, method="both", rank_by="normalized_margin"),
        lambda: find_label_issues(labels, pred_probs, method="low_normalized_margin"),
        lambda: estimate_noise(labels, pred_probs),
        lambda: label_quality_scores(labels, pred_probs, method="confidence_weighted_entropy"),
    ]


def _arrays(result):
    if isinstance(result, np.ndarray):
        return [result]
    fields = ("mask", "indices", "scores", "suggested_labels")
    if hasattr(result, "mask"):
        return [getattr(result, name) for name in fields]
    return [result.confident_joint, result.noise_matrix, result.prior, result.thresholds]


@pytest.mark.parametrize("source", ["array", "memmap"])
def test_concurrent_calls_match_sequential(source, problem, tmp_path):
    case = problem(11, n=3000, n_classes=8, noise=0.3)
    pred_probs = case.pred_probs
    if source == "memmap":
        np.save(tmp_path / "pp.npy", pred_probs)
        pred_probs = np.load(tmp_path / "pp.npy", mmap_mode="r")
    calls = _calls(case.labels, pred_probs)
    expected = [call() for call in calls]
    jobs = [i % len(calls) for i in range(N_CALLS)]
    with ThreadPoolExecutor(max_workers=N_THREADS) as pool:
        results = list(pool.map(lambda i: calls[i](), jobs))
    for i, result in zip(jobs, results, strict=True):
        for got, want in zip(_arrays(result), _arrays(expected[i]), strict=True):
            np.testing.assert_array_equal(got, want)


def test_thread_safety(problem):
    cases = [problem(seed, n=800, n_classes=6, noise=0.3, decimals=2) for seed in range(4)]

    def run(case):
        return [
            find_label_issues(case.labels, case.pred_probs, method=m, rank_by="normalized_margin")
            for m in CONFIDENT_LEARNING
        ], estimate_noise(case.labels, case.pred_probs)

    serial = [run(c) for c in cases]
    barrier = threading.Barrier(4)

    def run_together(case):
        barrier.wait()
        return [run(case) for _ in range(3)]

    for _ in range(2):  # every thread runs a different problem, then all run the same one
        with ThreadPoolExecutor(max_workers=4) as pool:
            parallel = list(pool.map(run_together, cases))
        for expected, repeats in zip(serial, parallel, strict=True):
            for issues, est in repeats:
                for a, b in zip(issues, expected[0], strict=True):
                    assert_same_issues(a, b)
                assert_same_noise(est, expected[1])
        with ThreadPoolExecutor(max_workers=4) as pool:
            same = list(pool.map(run_together, [cases[0]] * 4))
        for repeats in same:
            for issues, est in repeats:
                for a, b in zip(issues, serial[0][0], strict=True):
                    assert_same_issues(a, b)
                assert_same_noise(est, serial[0][1])


@pytest.mark.parametrize("func", FUNCS, ids=lambda f: f.__name__)
def test_default_is_one_thread_out_of_core(func, problem, pools, tmp_path):
    """Out of core the default keeps memory bounded by one block: no thread pool; an
    explicit ``n_jobs`` still gets its threads."""
    case = problem(5, n=2000, n_classes=5, noise=0.3)
    np.save(tmp_path / "pp.npy", case.pred_probs)
    func(case.labels, str(tmp_path / "pp.npy"), chunk_size=100)
    assert pools == []
    func(case.labels, str(tmp_path / "pp.npy"), chunk_size=100, n_jobs=2)
    assert pools and set(pools) == {2}
