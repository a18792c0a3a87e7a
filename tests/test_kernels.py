"""The compiled row loops (``labelnoise._kernels``, numba) give numpy's answers exactly.

Each loop is compared with the numpy chunk step it replaces on many seeded blocks (ties,
both float dtypes, every label code type, both cell encodings, both table layouts and
per-cell margin floors), and the public functions end to end with ``LABELNOISE_KERNELS``
set to ``numba`` and to ``numpy`` on Dask and with the margin floors forced. Elsewhere,
``tests/test_sources_threads.py`` holds every pass equal across threads, block sizes,
memory maps and both paths, and ``tests/detect/test_detect_parity.py`` runs cleanlab's
parity with the loops forced on. numba comes with ``make test`` (the extra ``fast``).
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _helpers import PRED_PROBS_METHODS, assert_identical
from labelnoise import InputError, estimate_noise, find_label_issues
from labelnoise._kernels import (
    KERNELS_ENV,
    MAX_CLASSES,
    MIN_ROWS,
    confident_block,
    cut_pairs,
    group_by_label,
    rows_of_label,
    use_kernels,
)
from labelnoise._pass import CellCounter, class_index
from labelnoise._pass import confident_block as numpy_confident_block
from labelnoise.detect import _cut

pytest.importorskip("numba", reason="numba comes with the extra 'fast' (make test installs it)")


def _block(seed: int, n: int, k: int, dtype, decimals: int | None) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = rng.dirichlet(np.full(k, 0.3), size=n)
    if decimals is not None:  # ties, and exact ties with the given label
        values = np.round(values, decimals)
    if n > 3:
        values[: n // 4] = values[n // 4 : 2 * (n // 4)]  # duplicate rows
    return np.ascontiguousarray(values, dtype=dtype)


def _cut_values(block: np.ndarray, given: np.ndarray, k: int, absent: bool) -> np.ndarray:
    """Thresholds as the pass computes them (mean self-confidence), one class absent."""
    self_conf = block[np.arange(len(given)), given]
    means = [self_conf[given == j].mean() if (given == j).any() else 0.5 for j in range(k)]
    thresholds = np.asarray([2, *means[1:]] if absent else means)
    return thresholds - 1e-6


@given(
    seed=st.integers(0, 10_000),
    n=st.integers(1, 400),
    k=st.integers(2, 12),
    dtype=st.sampled_from([np.float32, np.float64]),
    label_type=st.sampled_from([np.uint8, np.uint16, np.int32, np.int64]),
    decimals=st.sampled_from([None, 1, 2]),
    absent=st.booleans(),
)
def test_confident_block_matches_numpy(seed, n, k, dtype, label_type, decimals, absent):
    block = _block(seed, n, k, dtype, decimals)
    given = np.random.default_rng(seed + 1).integers(0, k, n).astype(label_type)
    cut = _cut_values(block, given, k, absent)
    expected = numpy_confident_block(block, given, None, cut, k)
    got = confident_block(block, given, None, cut, k)
    totals = []
    for cells in (expected[0], got[0]):
        counter = CellCounter(k * k)
        counter.add(cells)
        totals.append(counter.total())
    np.testing.assert_array_equal(totals[1], totals[0])
    for name, a, b in zip(("off_diag", "given_top", "argmax"), got[1:], expected[1:], strict=True):
        np.testing.assert_array_equal(a, b, err_msg=name)
    assert got[1].dtype == got[2].dtype == np.bool_


def test_confident_block_reads_non_contiguous_blocks():
    block = np.asfortranarray(_block(3, 200, 5, np.float64, 2))
    given = np.random.default_rng(3).integers(0, 5, 200)
    cut = _cut_values(block, given, 5, absent=False)
    got = confident_block(block, given, None, cut, 5)
    expected = numpy_confident_block(block, given, None, cut, 5)
    for a, b in zip(got[1:], expected[1:], strict=True):
        np.testing.assert_array_equal(a, b)


@given(
    seed=st.integers(0, 10_000),
    n=st.integers(1, 300),
    k=st.sampled_from([3, 5, 10, 24]),
    dtype=st.sampled_from([np.float32, np.float64]),
    decimals=st.sampled_from([None, 1, 2]),
    n_cells=st.integers(1, 200),
    floors=st.sampled_from(["zero", "same", "per cell"]),
    with_argmax=st.booleans(),
    label_type=st.sampled_from([np.uint8, np.uint16, np.int32, np.int64]),
)
def test_cut_pairs_match_numpy(
    seed, n, k, dtype, decimals, n_cells, floors, with_argmax, label_type
):
    """The top-k cut's pairs against numpy's (``_cut._pairs``): the same pairs in the same
    order and dtypes, with both table layouts (every column, or a few columns per class
    through ``columns``/``ids`` when every class has at most K/4 cells) and with no
    floor, one floor, or a floor per cell."""
    rng = np.random.default_rng(seed)
    block = _block(seed, n, k, dtype, decimals)
    given = rng.integers(0, k, n).astype(label_type)
    off = np.array([c for c in range(k * k) if c // k != c % k])
    cells = np.sort(rng.choice(off, size=min(n_cells, off.size), replace=False))
    table = _cut._CellTable.build(cells, k)
    argmax = block.argmax(axis=1) if with_argmax else None
    n_bins = int(rng.choice([16, 512, 4096]))
    levels = np.array([0.0, 0.05, 0.3, 1 / 3], dtype=dtype)
    if floors == "zero":
        floor = np.zeros(cells.size, dtype=dtype)
    elif floors == "same":
        floor = np.full(cells.size, rng.choice(levels), dtype=dtype)
    else:  # some equal to margins in the block, so ties with a floor are kept
        floor = rng.choice(levels, size=cells.size)
        contested = np.flatnonzero(block.argmax(axis=1) != given)
        if contested.size:
            i = rng.choice(contested, size=cells.size)
            margins = block[i, cells % k] - block[i, given[i]]
            floor = np.where(margins >= 0, margins, floor).astype(dtype)
    arrays = (table.compact, table.columns, table.ids)
    expected = _cut._pairs(block, given, argmax, None, table, n_bins, floor)
    got = cut_pairs(block, given, argmax, *arrays, n_bins, floor)
    for name, a, b in zip(("cell", "bin", "margin", "row"), got, expected, strict=True):
        np.testing.assert_array_equal(a, b, err_msg=name)
        assert a.dtype == b.dtype, name


def test_both_table_layouts_are_exercised():
    few = _cut._CellTable.build(np.array([1, 12]), 24)
    many = _cut._CellTable.build(np.arange(1, 24), 24)
    assert few.columns is not None and many.columns is None


@given(
    labels=st.lists(st.integers(0, 6), min_size=0, max_size=300),
    label_type=st.sampled_from([np.uint8, np.uint16, np.int32, np.int64]),
    dtype=st.sampled_from([np.float32, np.float64]),
)
def test_grouping_by_label_is_the_stable_sort(labels, label_type, dtype):
    codes = np.asarray(labels, dtype=label_type)
    counts = np.bincount(codes, minlength=7)
    starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.intp)
    values = np.random.default_rng(len(labels)).random(codes.size).astype(dtype)
    grouped = group_by_label(values, codes, starts)
    np.testing.assert_array_equal(grouped, values[np.argsort(codes, kind="stable")])
    assert grouped.dtype == dtype
    for k in range(7):
        rows = rows_of_label(codes, k, int(counts[k]))
        np.testing.assert_array_equal(rows, np.flatnonzero(codes == k))
        assert rows.dtype == np.intp


def test_compiled_class_index_groups_like_the_sorted_one(monkeypatch):
    labels = np.random.default_rng(0).integers(0, 9, 5000)
    values = np.random.default_rng(1).random(5000)
    monkeypatch.setenv(KERNELS_ENV, "numpy")
    sorted_index = class_index(labels, 9)
    monkeypatch.setenv(KERNELS_ENV, "numba")
    compiled = class_index(labels, 9)
    assert compiled.order is None and compiled.compiled and sorted_index.order is not None
    for (k, a), (j, b) in zip(compiled.grouped(values), sorted_index.grouped(values), strict=True):
        assert k == j
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(compiled.rows(k), sorted_index.rows(k))


# --------------------------------------------------------------------------------------------
# End to end: the public functions with the kernels on and off
# --------------------------------------------------------------------------------------------


def _both(monkeypatch, func):
    monkeypatch.setenv(KERNELS_ENV, "numpy")
    expected = func()
    monkeypatch.setenv(KERNELS_ENV, "numba")
    return func(), expected


@pytest.mark.parametrize("seed", range(6))
def test_forced_margin_floor_identical_with_and_without_kernels(seed, problem, monkeypatch):
    case = problem(
        950 + seed,
        n=2500,
        n_classes=(4, 10, 17)[seed % 3],
        noise=0.35,
        decimals=(None, 2)[seed % 2],
        dtype=np.float32,
    )
    monkeypatch.setattr(_cut, "_FLOOR_SAMPLE", 20 * case.n_classes)
    monkeypatch.setattr(_cut, "_PAIRS_PER_WANTED", (0.2, 3)[seed % 2])
    monkeypatch.setattr(_cut, "_FLOOR_SIGMAS", (0.0, 4.0)[seed // 2 % 2])
    monkeypatch.setattr(_cut, "_FLOOR_SLACK", 1)
    monkeypatch.setattr(_cut, "_SHARED_PAIRS_PER_WANTED", (0.5, 3)[seed % 2])
    monkeypatch.setattr(_cut, "_OWN_FLOOR_SAMPLES", (0, 32, 10**9)[seed % 3])
    monkeypatch.setattr(_cut, "_KEEP_PAIRS_FRACTION", (0.5, 0.0)[seed % 2])
    monkeypatch.setattr(_cut, "_DIRECT_SORT_PAIRS", (1 << 16, 0)[seed // 3 % 2])
    got, expected = _both(
        monkeypatch,
        lambda: [
            find_label_issues(case.labels, case.pred_probs, method=m) for m in PRED_PROBS_METHODS
        ],
    )
    for a, b in zip(got, expected, strict=True):
        assert_identical(a, b, case.recipe)


def test_dask_results_identical_with_and_without_kernels(problem, monkeypatch):
    da = pytest.importorskip("dask.array")
    case = problem(990, n=1200, n_classes=8, noise=0.3, dtype=np.float32)
    pred_probs = da.from_array(case.pred_probs, chunks=(250, -1))
    got, expected = _both(
        monkeypatch,
        lambda: [
            find_label_issues(case.labels, pred_probs),
            estimate_noise(case.labels, pred_probs),
        ],
    )
    for a, b in zip(got, expected, strict=True):
        assert_identical(a, b, "dask")


# --------------------------------------------------------------------------------------------
# Choosing the path
# --------------------------------------------------------------------------------------------


def test_auto_compiles_only_for_many_rows_and_few_classes(monkeypatch):
    monkeypatch.delenv(KERNELS_ENV, raising=False)
    assert use_kernels(MIN_ROWS, MAX_CLASSES, np.float32)
    assert use_kernels(MIN_ROWS)  # a pass over the labels alone
    assert not use_kernels(MIN_ROWS - 1, 10, np.float32)
    assert not use_kernels(MIN_ROWS, MAX_CLASSES + 1, np.float64)
    assert not use_kernels(MIN_ROWS, 10, np.longdouble)
    assert not use_kernels(MIN_ROWS, 10, np.float32, out_of_core=True)
    monkeypatch.setenv(KERNELS_ENV, "numpy")
    assert not use_kernels(MIN_ROWS, 10, np.float32)
    monkeypatch.setenv(KERNELS_ENV, " NUMBA ")
    assert use_kernels(10, 1000, np.float64, out_of_core=True)


def test_an_unknown_setting_is_an_error(monkeypatch, problem):
    monkeypatch.setenv(KERNELS_ENV, "fast")
    case = problem(0, n=50, n_classes=3)
    with pytest.raises(
        InputError, match=r"LABELNOISE_KERNELS: the environment variable is 'fast', not one of"
    ):
        find_label_issues(case.labels, case.pred_probs)


def test_numba_asked_for_but_missing_is_an_error(monkeypatch):
    from labelnoise import _kernels

    monkeypatch.setattr(_kernels, "numba_available", lambda: False)
    monkeypatch.setenv(KERNELS_ENV, "numba")
    missing = r"asks for numba, which is not installed; pip install 'labelnoise\[fast\]'"
    with pytest.raises(InputError, match=missing):
        use_kernels(MIN_ROWS, 10, np.float32)
    monkeypatch.setenv(KERNELS_ENV, "auto")
    assert not use_kernels(MIN_ROWS, 10, np.float32)  # auto falls back to numpy


def test_out_of_core_labels_keep_numpy_loops(problem, tmp_path, monkeypatch):
    """``auto`` keeps out-of-core inputs on numpy everywhere, also where rows are grouped
    by label for a detector (``clean_probability(per_class=True)`` on a memory map)."""
    from labelnoise import _kernels, _pass
    from labelnoise.detect import clean_probability

    monkeypatch.delenv(KERNELS_ENV, raising=False)
    monkeypatch.setattr(_kernels, "MIN_ROWS", 10)
    labels = np.random.default_rng(0).integers(0, 5, 200)
    assert class_index(labels, 5).compiled
    assert not class_index(labels, 5, out_of_core=True).compiled

    case = problem(5, n=400, n_classes=5, noise=0.3)
    expected = clean_probability(case.labels, case.pred_probs, per_class=True)  # compiled
    np.save(tmp_path / "pp.npy", case.pred_probs)
    mapped = np.load(tmp_path / "pp.npy", mmap_mode="r")

    def refuse(*args):
        raise AssertionError("a compiled loop ran out of core")

    for name in ("rows_of_label", "group_by_label", "compiled_confident_block"):
        monkeypatch.setattr(_pass, name, refuse)
    np.testing.assert_array_equal(clean_probability(case.labels, mapped, per_class=True), expected)


def test_no_writable_numba_cache_compiles_in_memory():
    """Where numba finds no writable cache location it refuses ``cache=True``; the loops
    are then compiled in memory instead of failing the call."""
    code = (
        "import numpy as np, numba.core.caching as caching; "
        "caching.CacheImpl._locator_classes = []; "
        "from labelnoise import _kernels; "
        "labels, starts = np.array([1, 0, 1, 0]), np.array([0, 2, 4]); "
        "print(_kernels.group_by_label(np.arange(4.0), labels, starts))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["[1.", "3.", "0.", "2.]"]


def test_small_inputs_do_not_import_numba():
    code = (
        "import sys, numpy as np, labelnoise; "
        "pp = np.full((40, 4), 0.25); pp[np.arange(40), np.arange(40) % 4] = 0.4; "
        "pp /= pp.sum(1, keepdims=True); "
        "labelnoise.find_label_issues(np.arange(40) % 4, pp); print('numba' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if k != KERNELS_ENV}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
