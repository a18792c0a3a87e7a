"""Run the detector benchmark (labelnoise.bench) and write its tables and plot.

Usage::

    .venv/bin/python benchmarks/run_bench.py --out /tmp/bench-full            # full suite
    .venv/bin/python benchmarks/run_bench.py --quick --out /tmp/bench-quick   # seconds
    .venv/bin/python benchmarks/run_bench.py --config my.toml --out /tmp/mine
    .venv/bin/python benchmarks/run_bench.py --out /tmp/bench-full --add-methods auto knn

Writes results.csv, results.md and f1_vs_noise.png into --out; pred_probs are cached in
--cache-dir (default OUT/cache), so a rerun only reruns the detectors. The same as
``labelnoise bench``, without the overwrite guard and with one progress line per unit.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

from labelnoise.bench import (
    default_config,
    detector_names,
    load_config,
    quick_config,
    run_benchmark,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="Output folder.")
    parser.add_argument("--config", type=Path, help="TOML config (default: the full suite).")
    parser.add_argument("--quick", action="store_true", help="The quick suite.")
    parser.add_argument("--cache-dir", type=Path, help="pred_probs cache (default OUT/cache).")
    parser.add_argument("--n-jobs", type=int, help="Folds fitted in parallel.")
    parser.add_argument(
        "--add-methods", nargs="+", default=[], help="Detectors run besides the config's."
    )
    args = parser.parse_args()
    if args.config is not None:
        config = load_config(args.config)
    else:
        config = quick_config() if args.quick else default_config()
    if args.n_jobs is not None:
        config = replace(config, n_jobs=args.n_jobs)
    unknown = sorted(set(args.add_methods) - set(detector_names()))
    if unknown:
        parser.error(f"unknown detector {unknown[0]!r}; available: {', '.join(detector_names())}")
    added = tuple(m for m in args.add_methods if m not in config.methods)
    config = replace(config, methods=(*config.methods, *added))
    start = time.perf_counter()

    def progress(done: int, total: int, description: str) -> None:
        elapsed = time.perf_counter() - start
        print(f"[{done:>4}/{total}] {elapsed:7.1f}s  {description}", flush=True)

    frame = run_benchmark(
        config,
        out_dir=args.out,
        cache_dir=args.cache_dir or args.out / "cache",
        progress=progress,
    )
    print(f"{frame.shape[0]} runs in {time.perf_counter() - start:.1f}s; wrote {args.out}")
    summary = frame.groupby("method", sort=False)[["precision", "recall", "f1", "auroc"]].mean()
    print(summary.round(3).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
