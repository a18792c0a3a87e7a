"""Run a detector benchmark (labelnoise.bench) and write its tables and plot.

Usage::

    .venv/bin/python benchmarks/run_bench.py --config small-sets --out /tmp/bench-small
    .venv/bin/python benchmarks/run_bench.py --config quick --out /tmp/bench-quick   # seconds
    LABELNOISE_DATA=../shared/data .venv/bin/python benchmarks/run_bench.py \\
        --config real-noise --out /tmp/bench-real --cache-dir /tmp/bench-real-cache
    .venv/bin/python benchmarks/run_bench.py --config my.toml --out /tmp/mine
    .venv/bin/python benchmarks/run_bench.py --config small-sets --out /tmp/b --add-methods knn

``--config`` takes a named config (``labelnoise.bench.config_names()``: quick,
small-sets, openset, real-noise, real-noise-quick) or a TOML file. Writes results.csv,
results.md and f1_vs_noise.png into --out; pred_probs are cached in --cache-dir (default
OUT/cache), so a rerun only reruns the detectors. The same as ``labelnoise bench``,
without the overwrite guard and with one progress line per unit (for logs).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

from labelnoise.bench import config_names, detector_names, load_config, run_benchmark


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="Output folder.")
    parser.add_argument(
        "--config",
        default="small-sets",
        help=f"A named config ({', '.join(config_names())}) or a TOML file [small-sets].",
    )
    parser.add_argument("--cache-dir", type=Path, help="pred_probs cache (default OUT/cache).")
    parser.add_argument("--n-jobs", type=int, help="Folds fitted in parallel.")
    parser.add_argument(
        "--add-methods", nargs="+", default=[], help="Detectors run besides the config's."
    )
    args = parser.parse_args()
    config = load_config(args.config)
    if args.n_jobs is not None:
        config = replace(config, n_jobs=args.n_jobs)
    known = detector_names()
    unknown = sorted(m for m in args.add_methods if m.removeprefix("oracle:") not in known)
    if unknown:
        parser.error(f"unknown detector {unknown[0]!r}; available: {', '.join(known)}")
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
