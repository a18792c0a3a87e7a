"""What a second thread buys ``find_label_issues``: ``n_jobs=1`` against ``n_jobs=2``.

Both settings run in one process, interleaved (``--rounds`` times each, alternating which
goes first) after one warm-up call each, on the inputs `compare_cleanlab.py` writes
(``--workdir``, generated there when missing); prints the median times and their ratio,
and checks that both give the same mask.

Usage::

    .venv/bin/python benchmarks/n_jobs_ab.py --workdir /tmp/lnb --shapes 1Mx100 5Mx10 50kx1000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from compare_cleanlab import SHAPES, make_inputs, parse_shape

from labelnoise import find_label_issues


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--shapes", nargs="+", default=list(SHAPES))
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print("| shape | n_jobs=1 median s | n_jobs=2 median s | speed-up |")
    print("|---|---:|---:|---:|")
    for shape in args.shapes:
        n, k = parse_shape(shape)
        labels_path, pp_path = make_inputs(n, k, args.seed, args.workdir / shape)
        labels, pred_probs = np.load(labels_path), np.load(pp_path)
        masks = {jobs: find_label_issues(labels, pred_probs, n_jobs=jobs).mask for jobs in (1, 2)}
        assert np.array_equal(masks[1], masks[2])
        times: dict[int, list[float]] = {1: [], 2: []}
        for i in range(args.rounds):
            for jobs in (1, 2) if i % 2 else (2, 1):
                start = time.perf_counter()
                find_label_issues(labels, pred_probs, n_jobs=jobs)
                times[jobs].append(time.perf_counter() - start)
        one, two = statistics.median(times[1]), statistics.median(times[2])
        print(f"| {shape} | {one:.3f} | {two:.3f} | {one / two:.2f}× |", flush=True)


if __name__ == "__main__":
    main()
