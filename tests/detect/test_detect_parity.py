"""Parity of ``find_label_issues`` with the reference implementation, cleanlab 2.9.0, on
seeded random problems; the inputs it treats differently on purpose (docs/deviations.md).

Every case is rebuilt from its seed by ``random_case`` in conftest.py: tiny to a few thousand
rows, 2 to 200 classes, exact ties (rounded probabilities, duplicated and uniform rows),
classes absent from the labels, classes with 1-2 examples, float32 and float64.
Masks, ranked indices and scores must be *identical*.
"""

from __future__ import annotations

import numpy as np
import pytest

from _helpers import N_PARITY_CASES, SCORE_METHODS, default_score_method
from labelnoise import find_label_issues, label_quality_scores
from labelnoise.detect._registry import CONFIDENT_LEARNING, PRUNE_METHODS

pytest.importorskip("cleanlab")

N_OPTION_CASES = 70

FIND_SEEDS = list(range(N_PARITY_CASES))


@pytest.mark.parametrize("seed", FIND_SEEDS)
def test_find_label_issues_matches_cleanlab(seed, make_case, oracle):
    """Every method with default options: mask, scores, indices (default and a rotating rank_by)."""
    case = make_case(seed)
    labels, pred_probs = case.labels, case.pred_probs
    cl_scores = {m: oracle.label_quality_scores(labels, pred_probs, m) for m in SCORE_METHODS}
    for i, method in enumerate(CONFIDENT_LEARNING):
        where = f"{case!r} method={method}"
        expected_mask = oracle.find_label_issues(labels, pred_probs, method)
        got = find_label_issues(labels, pred_probs, method=method)
        np.testing.assert_array_equal(got.mask, expected_mask, err_msg=where)
        # rank_by=None ranks by the method's natural score; cleanlab's order_label_issues
        # is ``flagged[np.argsort(scores[flagged])]``
        flagged = np.flatnonzero(expected_mask)
        score_method = default_score_method(method)
        assert got.score_method == score_method
        np.testing.assert_array_equal(got.scores, cl_scores[score_method], err_msg=where)
        np.testing.assert_array_equal(
            got.indices, flagged[np.argsort(cl_scores[score_method][flagged])], err_msg=where
        )
        # one explicit rank_by per method and seed, rotating: every pair is covered often
        rank_by = SCORE_METHODS[(seed + i) % len(SCORE_METHODS)]
        ranked = find_label_issues(labels, pred_probs, method=method, rank_by=rank_by)
        np.testing.assert_array_equal(ranked.mask, got.mask, err_msg=where)
        np.testing.assert_array_equal(ranked.scores, cl_scores[rank_by], err_msg=where)
        np.testing.assert_array_equal(
            ranked.indices,
            flagged[np.argsort(cl_scores[rank_by][flagged])],
            err_msg=f"{where} rank_by={rank_by}",
        )
        if (seed // 3 + i) % 4 == 0:  # and end to end through return_indices_ranked_by
            np.testing.assert_array_equal(
                ranked.indices,
                oracle.find_label_issues(labels, pred_probs, method, rank_by=rank_by),
                err_msg=f"{where} rank_by={rank_by}",
            )
    np.testing.assert_array_equal(got.given_labels, labels)
    np.testing.assert_array_equal(got.suggested_labels, pred_probs.argmax(axis=1))


@pytest.mark.parametrize("seed", range(0, N_PARITY_CASES, 3))
def test_compiled_loops_match_cleanlab(seed, make_case, oracle, monkeypatch):
    """Every method with the compiled row loops forced on (``labelnoise._kernels``)."""
    pytest.importorskip("numba", reason="the extra 'fast' (make test installs it)")
    monkeypatch.setenv("LABELNOISE_KERNELS", "numba")
    case = make_case(seed)
    for method in CONFIDENT_LEARNING:
        expected = oracle.find_label_issues(case.labels, case.pred_probs, method)
        got = find_label_issues(case.labels, case.pred_probs, method=method)
        np.testing.assert_array_equal(got.mask, expected, err_msg=f"{case!r} {method}")


def _prune_options(seed: int, label_counts: np.ndarray) -> dict:
    """frac_noise, min_examples_per_class and num_to_remove_per_class drawn from ``seed``."""
    rng = np.random.default_rng([seed, 99])
    options = {
        "frac_noise": float(rng.choice([0.0, 0.1, 0.25, 0.5, 0.8, 1.0, rng.uniform()])),
        "min_examples_per_class": int(rng.choice([0, 0, 1, 2, 3, 5, 20, 10**6])),
    }
    if rng.random() < 0.4:
        high = max(1, int(label_counts.max()))
        options["num_to_remove_per_class"] = [
            int(v) for v in rng.integers(0, high + 2, size=label_counts.size)
        ]
    return options


@pytest.mark.parametrize("seed", range(N_OPTION_CASES))
@pytest.mark.parametrize("method", PRUNE_METHODS)
def test_prune_options_match_cleanlab(seed, method, make_case, oracle):
    """frac_noise, min_examples_per_class (0 to huge) and num_to_remove_per_class."""
    case = make_case(10_000 + seed)
    labels, pred_probs = case.labels, case.pred_probs
    options = _prune_options(seed, np.bincount(labels, minlength=case.n_classes))
    where = f"{case!r} method={method} options={options}"
    expected = oracle.find_label_issues(labels, pred_probs, method, **options)
    got = find_label_issues(labels, pred_probs, method=method, **options)
    np.testing.assert_array_equal(got.mask, expected, err_msg=where)
    rank_by = SCORE_METHODS[seed % len(SCORE_METHODS)]
    np.testing.assert_array_equal(
        find_label_issues(labels, pred_probs, method=method, rank_by=rank_by, **options).indices,
        oracle.find_label_issues(labels, pred_probs, method, rank_by=rank_by, **options),
        err_msg=f"{where} rank_by={rank_by}",
    )


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("method", CONFIDENT_LEARNING[3:])
def test_min_examples_per_class_matches_cleanlab_for_other_methods(seed, method, make_case, oracle):
    """min_examples_per_class is accepted (and, like cleanlab, ignored) by non-prune methods."""
    case = make_case(20_000 + seed)
    minimum = (0, 1, 5, 10**6)[seed % 4]
    expected = oracle.find_label_issues(
        case.labels, case.pred_probs, method, min_examples_per_class=minimum
    )
    got = find_label_issues(
        case.labels, case.pred_probs, method=method, min_examples_per_class=minimum
    )
    np.testing.assert_array_equal(got.mask, expected, err_msg=f"{case!r} {method} {minimum}")


@pytest.mark.parametrize("seed", range(0, 30))
@pytest.mark.parametrize("method", CONFIDENT_LEARNING[3:])
def test_frac_noise_is_ignored_like_cleanlab_for_other_methods(seed, method, make_case, oracle):
    case = make_case(30_000 + seed)
    expected = oracle.find_label_issues(case.labels, case.pred_probs, method, frac_noise=0.5)
    with pytest.warns(UserWarning, match="frac_noise only applies"):
        got = find_label_issues(case.labels, case.pred_probs, method=method, frac_noise=0.5)
    np.testing.assert_array_equal(got.mask, expected, err_msg=f"{case!r} {method}")


# --------------------------------------------------------------------------------------------
# prune_by_noise_rate's shortcuts, forced on small problems
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kernels", ["numpy", "numba"])
@pytest.mark.parametrize("seed", range(24))
def test_margin_floor_and_second_read_match_cleanlab(seed, kernels, problem, oracle, monkeypatch):
    """prune_by_noise_rate's shortcuts, forced on small problems: a margin floor from a
    row sample (large inputs only by default), cells left short by it redone without it,
    pass 2 reading the rows again when pass 1's pairs exceed their memory budget, and the
    histogram (by default only for many pairs) or one sort of every kept pair;
    with numpy's chunk steps and with the compiled loops (``labelnoise._kernels``)."""
    if kernels == "numba":
        pytest.importorskip("numba", reason="the extra 'fast' (make test installs it)")
    monkeypatch.setenv("LABELNOISE_KERNELS", kernels)
    rng = np.random.default_rng([seed, 11])
    case = problem(
        41_000 + seed,
        n=int(rng.integers(200, 3000)),
        n_classes=int(rng.choice([2, 3, 10, 40])),
        noise=float(rng.choice([0.1, 0.3, 0.6])),
        decimals=[None, 2, 1][seed % 3],
        duplicate_fraction=0.1 * (seed % 2),
        dtype=[np.float32, np.float64][seed % 2],
    )
    n_sample = int(rng.integers(8, 50)) * case.n_classes
    monkeypatch.setattr("labelnoise.detect._cut._FLOOR_SAMPLE", n_sample)
    monkeypatch.setattr("labelnoise.detect._cut._PAIRS_PER_WANTED", [0.2, 1, 3][seed % 3])
    monkeypatch.setattr("labelnoise.detect._cut._SHARED_PAIRS_PER_WANTED", [0.2, 1, 3][seed % 3])
    monkeypatch.setattr("labelnoise.detect._cut._OWN_FLOOR_SAMPLES", [0, 1, 32][seed // 2 % 3])
    monkeypatch.setattr("labelnoise.detect._cut._FLOOR_SIGMAS", [0.0, 1.0, 4.0][seed // 3 % 3])
    monkeypatch.setattr("labelnoise.detect._cut._FLOOR_SLACK", [1, 2, 8][seed // 9 % 3])
    monkeypatch.setattr("labelnoise.detect._cut._KEEP_PAIRS_FRACTION", [0.5, 0.0][seed % 2])
    monkeypatch.setattr("labelnoise.detect._cut._DIRECT_SORT_PAIRS", [1 << 16, 0][seed // 2 % 2])
    for method in PRUNE_METHODS:
        expected = oracle.find_label_issues(case.labels, case.pred_probs, method)
        got = find_label_issues(case.labels, case.pred_probs, method=method)
        np.testing.assert_array_equal(got.mask, expected, err_msg=f"{case!r} {method}")


@pytest.mark.parametrize("direct", [True, False])
def test_kept_pairs_sorted_at_once_or_through_the_histogram(direct, problem, oracle, monkeypatch):
    """Few kept pairs are sorted at once (the histogram is never built); with the limit at 0
    the histogram finds each cell's cut bin. Both give cleanlab's mask, ties included."""
    from labelnoise.detect import _cut

    tables = []
    original = _cut._Pairs.table

    def spy(self):
        tables.append(self.n_pairs)
        return original(self)

    monkeypatch.setattr(_cut._Pairs, "table", spy)
    monkeypatch.setattr(_cut, "_KEEP_PAIRS_FRACTION", 8.0)  # tiny inputs: keep every pair
    if not direct:
        monkeypatch.setattr(_cut, "_DIRECT_SORT_PAIRS", 0)
    for seed in range(6):
        case = problem(42_100 + seed, n=2000, n_classes=40, noise=0.3, decimals=[None, 2][seed % 2])
        expected = oracle.find_label_issues(case.labels, case.pred_probs, "prune_by_noise_rate")
        got = find_label_issues(case.labels, case.pred_probs)
        np.testing.assert_array_equal(got.mask, expected, err_msg=repr(case))
    assert (len(tables) == 0) == direct


@pytest.mark.parametrize("floors", ["own", "shared"])
def test_margin_floor_is_used_and_can_leave_cells_short(floors, problem, monkeypatch):
    """The floor shortcut really runs on large inputs, and a floor that leaves cells short
    sends them to the retry without it (so the test above exercises both branches), with
    a floor per cell and with one floor shared by the cells."""
    from labelnoise.detect import _cut

    calls = []
    original = _cut._cut_pass

    def spy(*args, **kwargs):
        short, starved = original(*args, **kwargs)
        calls.append((args[-1], args[2].size, short.copy(), starved.copy()))
        return short, starved

    monkeypatch.setattr(_cut, "_cut_pass", spy)
    monkeypatch.setattr(_cut, "_FLOOR_SAMPLE", 160)
    monkeypatch.setattr(_cut, "_PAIRS_PER_WANTED", 0.2)
    monkeypatch.setattr(_cut, "_SHARED_PAIRS_PER_WANTED", 0.2)
    monkeypatch.setattr(_cut, "_FLOOR_SIGMAS", 0.0)
    monkeypatch.setattr(_cut, "_FLOOR_SLACK", 1)
    monkeypatch.setattr(_cut, "_OWN_FLOOR_SAMPLES", 0 if floors == "own" else 10**9)
    case = problem(41_999, n=3000, n_classes=10, noise=0.3, dtype=np.float32)
    find_label_issues(case.labels, case.pred_probs)
    first = calls[0][0]
    assert first.dtype == np.float32 and (first > 0).any()  # positive floors on the first try
    assert (np.unique(first).size > 1) == (floors == "own")
    assert len(calls) == 2 and not calls[1][0].any()  # short cells retried with every margin
    _, _, short, starved = calls[0]
    # only cells the floor starved
    assert calls[1][1] == int((short & starved & (first > 0)).sum()) > 0


def test_cells_tied_at_the_cut_skip_the_retry(problem, oracle, monkeypatch):
    """A cell with enough margins above the floor but equal margins at its cut goes
    straight to the exact fallback (a retry without the floor would meet the same tie),
    and the answer is still cleanlab's."""
    from labelnoise.detect import _cut

    calls = []
    original = _cut._cut_pass

    def spy(*args, **kwargs):
        short, starved = original(*args, **kwargs)
        calls.append((short.copy(), starved.copy()))
        return short, starved

    monkeypatch.setattr(_cut, "_cut_pass", spy)
    monkeypatch.setattr(_cut, "_FLOOR_SAMPLE", 400)
    monkeypatch.setattr(_cut, "_SHARED_PAIRS_PER_WANTED", 3)
    case = problem(41_998, n=3000, n_classes=10, noise=0.3, decimals=1)
    got = find_label_issues(case.labels, case.pred_probs)
    expected = oracle.find_label_issues(case.labels, case.pred_probs, "prune_by_noise_rate")
    np.testing.assert_array_equal(got.mask, expected)
    short, starved = calls[0]
    assert (short & ~starved).any()  # tied, not retried


# --------------------------------------------------------------------------------------------
# Inputs cleanlab treats differently, on purpose (docs/deviations.md)
# --------------------------------------------------------------------------------------------


def test_rows_off_by_less_than_the_tolerance_are_used_as_given(problem, oracle):
    """Within 1e-3 of a sum of 1, rows are not renormalized: the answers stay cleanlab's."""
    case = problem(8, n=400, n_classes=5, noise=0.3)
    pred_probs = case.pred_probs * np.random.default_rng(0).uniform(0.9995, 1.0005, (400, 1))
    for method in CONFIDENT_LEARNING:
        np.testing.assert_array_equal(
            find_label_issues(case.labels, pred_probs, method=method).mask,
            oracle.find_label_issues(case.labels, pred_probs, method),
            err_msg=method,
        )


def test_deviation_single_class_labels(problem, oracle):
    """cleanlab refuses labels that use a single class (other than all 0); we answer."""
    case = problem(9, n=100, n_classes=3)
    labels = np.ones(100, dtype=int)
    with pytest.raises(ValueError, match="at least 2 classes"):
        oracle.find_label_issues(labels, case.pred_probs, "prune_by_noise_rate")
    for method in CONFIDENT_LEARNING:
        issues = find_label_issues(labels, case.pred_probs, method=method)
        assert issues.mask.shape == (100,)
    # all zeros, which cleanlab accepts for the methods that do not count issues, agrees
    zeros = np.zeros(100, dtype=int)
    for method in CONFIDENT_LEARNING[:4]:
        np.testing.assert_array_equal(
            find_label_issues(zeros, case.pred_probs, method=method).mask,
            oracle.find_label_issues(zeros, case.pred_probs, method),
        )


def test_deviation_values_slightly_outside_unit_interval(problem, oracle):
    """cleanlab refuses values more than 1e-6 outside [0, 1]; we clip and renormalize
    (up to 1e-4), and then agree with cleanlab on the cleaned probabilities."""
    case = problem(10, n=200, n_classes=4)
    pred_probs = case.pred_probs.copy()
    pred_probs[0] = [1 + 5e-5, -5e-5, 0.0, 0.0]
    with pytest.raises(ValueError, match="between 0 and 1"):
        oracle.find_label_issues(case.labels, pred_probs, "both")
    cleaned = np.clip(pred_probs, 0, 1)
    cleaned /= cleaned.sum(axis=1, keepdims=True)
    for method in CONFIDENT_LEARNING:
        np.testing.assert_array_equal(
            find_label_issues(case.labels, pred_probs, method=method).mask,
            oracle.find_label_issues(case.labels, cleaned, method),
        )


def test_deviation_float16_is_computed_in_float32(problem, oracle):
    """cleanlab computes in float16; we compute in float32 (scores are float32)."""
    case = problem(11, n=300, n_classes=4, noise=0.3)
    half = case.pred_probs.astype(np.float16)
    scores = label_quality_scores(case.labels, half)
    assert oracle.label_quality_scores(case.labels, half, "self_confidence").dtype == np.float16
    assert scores.dtype == np.float32
    np.testing.assert_array_equal(
        scores, oracle.label_quality_scores(case.labels, half.astype(np.float32), "self_confidence")
    )
    for method in CONFIDENT_LEARNING:
        np.testing.assert_array_equal(
            find_label_issues(case.labels, half, method=method).mask,
            oracle.find_label_issues(case.labels, half.astype(np.float32), method),
        )


def test_deviation_rows_not_summing_to_one_are_refused(problem, oracle):
    """cleanlab silently uses rows that do not sum to 1; we refuse them unless normalize=True
    and then agree with cleanlab on the normalized rows."""
    case = problem(12, n=200, n_classes=4)
    scaled = case.pred_probs * 0.9
    oracle.find_label_issues(case.labels, scaled, "both")  # cleanlab accepts
    with pytest.raises(ValueError, match="normalize=True"):
        find_label_issues(case.labels, scaled, method="both")
    normalized = scaled / scaled.sum(axis=1, keepdims=True)
    for method in CONFIDENT_LEARNING:
        np.testing.assert_array_equal(
            find_label_issues(case.labels, scaled, method=method, normalize=True).mask,
            oracle.find_label_issues(case.labels, normalized, method),
        )


# --------------------------------------------------------------------------------------------
# Minimal reproducers of mismatches found by the random cases above
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["prune_by_noise_rate", "both"])
def test_noise_rate_cell_without_candidates(method, oracle):
    """A cell with a quota but no example whose margin is >= 0 for it."""
    labels = np.array([1, 1, 0])
    pred_probs = np.array([[0.2, 0.8], [0.4, 0.6], [0.4, 0.6]])
    np.testing.assert_array_equal(
        find_label_issues(labels, pred_probs, method=method).mask,
        oracle.find_label_issues(labels, pred_probs, method),
    )


# --------------------------------------------------------------------------------------------
# Larger problems (run with -m slow)
# --------------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(6))
def test_large_problems_match_cleanlab(seed, problem, oracle):
    case = problem(
        seed,
        n=20_000,
        n_classes=(10, 50, 200)[seed % 3],
        noise=0.3,
        decimals=(None, 2)[seed % 2],
        duplicate_fraction=0.05,
        missing_classes=seed >= 3,
        dtype=(np.float32, np.float64)[seed % 2],
    )
    for method in CONFIDENT_LEARNING:
        expected = oracle.find_label_issues(case.labels, case.pred_probs, method)
        got = find_label_issues(case.labels, case.pred_probs, method=method)
        np.testing.assert_array_equal(got.mask, expected, err_msg=f"{case!r} {method}")


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(2))
def test_margin_floor_on_a_large_problem_matches_cleanlab(seed, problem, oracle):
    """Large enough (n >= 8 x 2**21 / K) for the sampled margin floor to run unforced."""
    case = problem(seed, n=100_000, n_classes=200, noise=(0.2, 0.5)[seed], decimals=None)
    for method in PRUNE_METHODS:
        expected = oracle.find_label_issues(case.labels, case.pred_probs, method)
        got = find_label_issues(case.labels, case.pred_probs, method=method)
        np.testing.assert_array_equal(got.mask, expected, err_msg=f"{case!r} {method}")


@pytest.mark.slow
def test_compiled_loops_chosen_by_default_match_cleanlab(problem, oracle, monkeypatch):
    """Large enough for ``auto`` to pick the compiled loops (and the sampled floor)."""
    pytest.importorskip("numba", reason="the extra 'fast' (make test installs it)")
    from labelnoise._kernels import MIN_ROWS, use_kernels

    monkeypatch.delenv("LABELNOISE_KERNELS", raising=False)
    case = problem(5, n=MIN_ROWS, n_classes=10, noise=0.3, decimals=None, dtype=np.float32)
    assert use_kernels(MIN_ROWS, 10, np.float32)
    for method in PRUNE_METHODS:
        expected = oracle.find_label_issues(case.labels, case.pred_probs, method)
        got = find_label_issues(case.labels, case.pred_probs, method=method)
        np.testing.assert_array_equal(got.mask, expected, err_msg=f"{case!r} {method}")


@pytest.mark.slow
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_many_margin_candidates_match_cleanlab(dtype, problem, oracle):
    """Enough candidate (row, class) pairs for prune_by_noise_rate to merge and tighten its
    candidate pool several times."""
    case = problem(0, n=300_000, n_classes=5, noise=0.6, decimals=2, dtype=dtype)
    for method in PRUNE_METHODS:
        expected = oracle.find_label_issues(case.labels, case.pred_probs, method)
        got = find_label_issues(case.labels, case.pred_probs, method=method)
        np.testing.assert_array_equal(got.mask, expected, err_msg=f"{case!r} {method}")
