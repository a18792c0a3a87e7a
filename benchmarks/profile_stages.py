"""Where ``labelnoise.find_label_issues`` spends its time and memory, stage by stage.

Calls the private stages of the default method (``prune_by_noise_rate``) one after
another on the same inputs, timing each (median of ``--repeats`` after a warm-up) and
measuring the peak RSS each stage adds over the RSS before it (``VmHWM`` reset through
``/proc/self/clear_refs``), then prints a cProfile of the whole public call.
It calls private functions, so it tracks the current source: update it when their
signatures change. Timings are only meaningful on an otherwise idle machine; the load
average is printed before and after.

Usage::

    .venv/bin/python benchmarks/profile_stages.py                   # 1M x 100 float32
    .venv/bin/python benchmarks/profile_stages.py --shape 5Mx10 --workdir /tmp/bench
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from compare_cleanlab import MIB, make_inputs, parse_shape

import labelnoise
from labelnoise._pass import (
    class_index,
    confident_pass,
    confident_thresholds,
    self_confidence,
)
from labelnoise._validation import Problem, check_n_jobs, check_problem
from labelnoise.detect import _cut, _prune
from labelnoise.detect._prune import prune_by_noise_rate, prune_count_matrix
from labelnoise.noise._counts import calibrate_confident_joint
from labelnoise.scores._scores import quality_scores


def _kib(key: str) -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(key + ":"))


def measure(func: Callable[[], Any], repeats: int) -> tuple[Any, float, float, float]:
    """``(result, median wall s, median CPU s, MiB of peak RSS added over the RSS before)``."""
    times, cpus, added = [], [], []
    result = None
    for i in range(repeats + 1):
        del result
        gc.collect()
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        before = _kib("VmRSS")
        cpu, start = time.process_time(), time.perf_counter()
        result = func()
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        if i:
            times.append(seconds)
            cpus.append(cpu)
            added.append((_kib("VmHWM") - before) / 1024)
    return result, statistics.median(times), statistics.median(cpus), max(added)


def stages(labels: np.ndarray, pp: np.ndarray, repeats: int, n_jobs: int) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []

    def step(name: str, func: Callable[[], Any]) -> Any:
        result, seconds, cpu, mib = measure(func, repeats)
        rows.append((name, seconds, cpu, mib))
        return result

    problem = step(
        "check_problem (validation scan, gathering p[i, label])",
        lambda: check_problem(labels, pp, n_jobs=n_jobs),
    )
    index = step(
        "  class_index (rows by label: stable argsort, or none with numba)",
        lambda: class_index(problem.labels, problem.n_classes),
    )
    bare = Problem(labels=problem.labels, pred_probs=problem.pred_probs, classes=None)
    self_conf = step(
        "  (self_confidence as its own gather pass; the scan's saves it)",
        lambda: self_confidence(bare),
    )
    step("  confident_thresholds (per-class means)", lambda: confident_thresholds(self_conf, index))
    stats = step(
        "confident_pass (class_index, thresholds, chunked loop)", lambda: confident_pass(problem)
    )
    cal = step(
        "calibrate_confident_joint",
        lambda: calibrate_confident_joint(stats.confident_joint, stats.index.counts),
    )
    matrix = step(
        "prune_count_matrix",
        lambda: prune_count_matrix(
            cal,
            stats.index.counts,
            min_examples_per_class=1,
            frac_noise=1.0,
            num_to_remove_per_class=None,
        ),
    )
    quota = _quota(matrix, stats.index.counts)
    cells = np.flatnonzero(quota > 0)
    cells = cells[quota.flat[cells] < stats.index.counts[cells // quota.shape[0]]]
    step(
        "  _boundary_cut (sampled margin floors, then contested pairs: histogram, cut)",
        lambda: _cut.boundary_cut(
            problem, stats, cells, quota.flat[cells], np.zeros(problem.n, bool), None
        ),
    )
    mask = step(
        "prune_by_noise_rate (incl. _boundary_cut)",
        lambda: prune_by_noise_rate(problem, stats, matrix, min_examples_per_class=1),
    )
    step("mask &= ~given_is_argmax", lambda: mask & ~stats.given_is_argmax)
    scores = step(
        "quality_scores(self_confidence)", lambda: quality_scores(problem, "self_confidence")
    )
    step("rank flagged (flatnonzero + argsort)", lambda: _rank(mask, scores))
    step(
        "find_label_issues (public, end to end)",
        lambda: labelnoise.find_label_issues(labels, pp, n_jobs=n_jobs),
    )
    return rows


def _quota(matrix: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``quota[k, j]``: how many rows labelled k to flag as truly j (as prune_by_noise_rate)."""
    quota = matrix.T.copy()
    np.fill_diagonal(quota, 0)
    quota[~_prune._eligible(counts, 1)] = 0
    return quota


def _rank(mask: np.ndarray, scores: np.ndarray) -> np.ndarray:
    flagged = np.flatnonzero(mask)
    return flagged[np.argsort(scores[flagged])]


def diagnostics(labels: np.ndarray, pp: np.ndarray) -> list[str]:
    """How much work the exact fallbacks do on these inputs."""
    problem = check_problem(labels, pp)
    stats = confident_pass(problem)
    cal = calibrate_confident_joint(stats.confident_joint, stats.index.counts)
    matrix = prune_count_matrix(
        cal, stats.index.counts, min_examples_per_class=1, frac_noise=1.0,
        num_to_remove_per_class=None,
    )  # fmt: skip
    quota = _quota(matrix, stats.index.counts)
    exact_calls: list[Any] = []
    original = _prune.exact_cells

    def counting(*args: Any) -> Any:
        exact_calls.extend(args[2])
        return original(*args)

    _prune.exact_cells = counting
    try:
        prune_by_noise_rate(problem, stats, matrix, min_examples_per_class=1)
    finally:
        _prune.exact_cells = original
    contested = int(np.count_nonzero(stats.argmax != problem.labels))
    cells = np.flatnonzero(quota > 0)
    want = quota.flat[cells]
    table = _cut._CellTable.build(cells, problem.n_classes)
    floors = _cut._margin_floors(problem, stats, table, want)

    def pairs(floor: np.ndarray) -> int:
        """Margin pairs pass 1 finds at or above these per-cell floors."""
        steps = problem.rows.map(
            _cut._pairs, problem.labels, args=(table, 2, floor),
            rowwise=(stats.argmax, stats.self_conf),
        )  # fmt: skip
        return sum(found[0].size for _, found in steps)

    return [
        f"- off-diagonal cells with a non-zero quota: {int(np.count_nonzero(quota))} "
        f"of {quota.size - quota.shape[0]}; contested rows (argmax != label): {contested:,}",
        f"- cells resolved on their full column by _exact_cells: {len(exact_calls)}",
        f"- examples flagged: {int(np.count_nonzero(stats.off_diagonal))} off-diagonal, "
        f"quota total {int(quota.sum())}",
        f"- margin pairs kept by pass 1: {pairs(floors):,} with the sampled floors, "
        f"{pairs(np.zeros_like(floors)):,} without (every positive margin in a quota cell)",
    ]


def profile(labels: np.ndarray, pp: np.ndarray, top: int, n_jobs: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    labelnoise.find_label_issues(labels, pp, n_jobs=n_jobs)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", default="1Mx100")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, help="reuse inputs made by compare_cleanlab.py")
    parser.add_argument("--top", type=int, default=25, help="cProfile rows to print")
    parser.add_argument("--n-jobs", type=int, help="threads over row blocks (default: all)")
    args = parser.parse_args()
    n_jobs = check_n_jobs(args.n_jobs, func="profile_stages")
    n, k = parse_shape(args.shape)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="labelnoise-prof-"))
    labels_path, pp_path = make_inputs(n, k, args.seed, workdir / args.shape)
    labels, pp = np.load(labels_path), np.load(pp_path)
    array_mib = pp.nbytes / MIB
    print(f"{args.shape} float32: pred_probs {array_mib:.0f} MiB, n_jobs={n_jobs}\n")
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print("| stage | median s | median CPU s | peak RSS added MiB | × pred_probs |")
    print("|---|---:|---:|---:|---:|")
    for name, seconds, cpu, mib in stages(labels, pp, args.repeats, n_jobs):
        print(f"| {name} | {seconds:.3f} | {cpu:.3f} | {mib:.0f} | {mib / array_mib:.2f} |")
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")
    print("\n" + "\n".join(diagnostics(labels, pp)) + "\n")
    print(profile(labels, pp, args.top, n_jobs))


if __name__ == "__main__":
    main()
