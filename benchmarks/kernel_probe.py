"""Would a compiled kernel pay? The confident pass's row loop in numba beside numpy's.

The confident pass (:func:`labelnoise._pass.confident_pass`) reads ``pred_probs`` once in
row blocks and, per row, finds the argmax, the confident-joint cell and whether the given
label is the argmax (with 1e-6 of slack); numpy does this in several vector passes over
each block. This probe writes the same per-row rules as one fused loop in numba, checks
that it gives the identical joint and per-row flags, and times both on the same inputs
(median of ``--repeats`` after a warm-up, one thread each). It measures the headroom of a
compiled kernel for docs/performance.md; the package does not use numba.

Usage (numba is not a dependency: ``.venv/bin/pip install numba`` first)::

    .venv/bin/python benchmarks/kernel_probe.py --shape 5Mx10 --workdir /tmp/lnb
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from compare_cleanlab import make_inputs, parse_shape

from labelnoise._pass import (
    FLOAT_TOLERANCE,
    class_index,
    confident_pass,
    confident_thresholds,
    self_confidence,
)
from labelnoise._validation import check_problem


def _kernel():
    import numba

    @numba.njit(cache=False, nogil=True)
    def rows(pp, labels, cut, bump):
        n, k = pp.shape
        joint = np.zeros((k, k), dtype=np.int64)
        off = np.zeros(n, dtype=np.bool_)
        given_top = np.zeros(n, dtype=np.bool_)
        argmax = np.zeros(n, dtype=np.int32)
        low = cut.min()
        for i in range(n):
            row = pp[i]
            best = 0
            for j in range(1, k):
                if row[j] > row[best]:
                    best = j
            given = labels[i]
            top = row[best]
            guess = best
            sure = top >= cut[best]
            if not sure and top >= low:
                count = 0
                lone = 0
                for j in range(k):
                    if row[j] >= cut[j]:
                        count += 1
                        lone = j
                sure = count > 0
                if count == 1:
                    guess = lone
            if sure:
                joint[given, guess] += 1
                off[i] = guess != given
            argmax[i] = best
            if best == given:
                given_top[i] = True
            elif np.float64(top) - np.float64(row[given]) <= 2 * 1e-6:
                bumped = row[given] + bump  # in the row's dtype, as numpy's += does
                first = 0
                first_value = bumped if given == 0 else row[0]
                for j in range(1, k):
                    value = bumped if j == given else row[j]
                    if value > first_value:
                        first, first_value = j, value
                given_top[i] = first == given
        return joint, off, given_top, argmax

    return rows


def _median(func, repeats: int) -> float:
    func()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", default="5Mx10")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/lnb"))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    n, k = parse_shape(args.shape)
    folder = args.workdir / args.shape
    labels_path, pp_path = make_inputs(n, k, args.seed, folder)
    labels = np.load(labels_path)
    pred_probs = np.load(pp_path)
    problem = check_problem(labels, pred_probs)
    ours = confident_pass(problem)
    cut = ours.thresholds - FLOAT_TOLERANCE  # as the pass computes it
    kernel = _kernel()
    bump = pred_probs.dtype.type(FLOAT_TOLERANCE)
    joint, off, given_top, argmax = kernel(pred_probs, problem.labels, cut, bump)
    np.fill_diagonal(joint, joint.diagonal().clip(min=1))
    same = (
        np.array_equal(joint, ours.confident_joint)
        and np.array_equal(off, ours.off_diagonal)
        and np.array_equal(given_top, ours.given_is_argmax)
        and np.array_equal(argmax, ours.argmax)
    )
    numpy_s = _median(lambda: confident_pass(problem), args.repeats)
    thresholds_s = _median(
        lambda: confident_thresholds(
            self_confidence(problem), class_index(problem.labels, problem.n_classes)
        ),
        args.repeats,
    )
    numba_s = _median(
        lambda: kernel(pred_probs, problem.labels, cut, bump),
        args.repeats,
    )
    print(f"{args.shape} {pred_probs.dtype}: identical joint and flags: {same}")
    loop_s = numpy_s - thresholds_s
    print(f"confident pass, numpy: {numpy_s:.3f} s, of which thresholds {thresholds_s:.3f} s")
    print(f"row loop: numpy {loop_s:.3f} s, numba {numba_s:.3f} s ({loop_s / numba_s:.1f}x)")


if __name__ == "__main__":
    main()
