"""numba's compiled row loops against numpy's, inside labelnoise: when do they pay?

``labelnoise._kernels`` runs the confident pass, the top-k cut and the grouping by label
as compiled loops (numba, the extra ``fast``) or as numpy's block operations; both give
identical results. This script decides its two settings, ``MIN_ROWS`` and
``MAX_CLASSES``, by measurement: for each shape it runs ``find_label_issues`` and
``estimate_noise`` (one thread) in a fresh process per setting (``LABELNOISE_KERNELS``
``numpy`` / ``numba``), and reports

* the first call of the process (numba's import and the load of its cached machine
  code are in it; numpy's first call pays its own warm-up),
* the median of ``--repeats`` calls after it,
* whether the masks and noise matrices are identical,

and, once, the one-time compile cost: a first call with an empty numba cache
(``NUMBA_CACHE_DIR`` pointed at a new folder), as after ``pip install``.

Usage::

    .venv/bin/python benchmarks/kernels.py --workdir /tmp/lnb
    .venv/bin/python benchmarks/kernels.py --shapes 2Mx10 1Mx32 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from compare_cleanlab import make_inputs, parse_shape

SHAPES = ("1Mx10", "2Mx10", "5Mx10", "2Mx32", "1Mx100", "50kx1000")


def worker(spec: dict) -> None:
    """One setting on one shape, in this fresh process; prints one JSON line."""
    os.environ["LABELNOISE_KERNELS"] = spec["setting"]
    import labelnoise

    labels = np.load(spec["labels"])
    pred_probs = np.load(spec["pred_probs"])
    calls = {
        "find_label_issues": lambda: labelnoise.find_label_issues(labels, pred_probs, n_jobs=1),
        "estimate_noise": lambda: labelnoise.estimate_noise(labels, pred_probs, n_jobs=1),
    }
    record: dict = {}
    for name, call in calls.items():
        start = time.perf_counter()
        result = call()
        first = time.perf_counter() - start
        times = []
        for _ in range(spec["repeats"]):
            start = time.perf_counter()
            call()
            times.append(time.perf_counter() - start)
        record[name] = {"first_s": first, "median_s": statistics.median(times)}
        if name == "find_label_issues":
            np.save(spec["out"] + ".mask.npy", result.mask)
        else:
            np.save(spec["out"] + ".noise.npy", result.noise_matrix)
    print(json.dumps(record))


def run(spec: dict, env: dict | None = None) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", json.dumps(spec)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"worker failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", nargs="+", default=list(SHAPES))
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/lnb"))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(json.loads(args.worker))
        return
    import numba

    from labelnoise._kernels import MAX_CLASSES, MIN_ROWS

    print(f"numba {numba.__version__}, numpy {np.__version__}; one thread; "
          f"labelnoise's auto setting: at least {MIN_ROWS:,} rows and at most "
          f"{MAX_CLASSES} classes")  # fmt: skip
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print(
        "| shape | call | numpy: first call s | numpy: median s | numba: first call s "
        "| numba: median s | numpy / numba (median) | identical |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---|")
    compile_note = ""
    with tempfile.TemporaryDirectory() as scratch:
        for shape in args.shapes:
            n, k = parse_shape(shape)
            labels, pred_probs = make_inputs(n, k, args.seed, args.workdir / shape)
            records = {}
            for setting in ("numpy", "numba"):
                spec = {
                    "setting": setting,
                    "labels": str(labels),
                    "pred_probs": str(pred_probs),
                    "repeats": args.repeats,
                    "out": str(Path(scratch) / f"{shape}-{setting}"),
                }
                if setting == "numba" and not compile_note:  # once: an empty numba cache
                    cold = run(
                        {**spec, "repeats": 1},
                        env={"NUMBA_CACHE_DIR": str(Path(scratch) / "cold-cache")},
                    )
                    compile_note = (
                        f"One-time compile (empty numba cache, {shape}): first "
                        f"find_label_issues {cold['find_label_issues']['first_s']:.2f} s, "
                        f"first estimate_noise {cold['estimate_noise']['first_s']:.2f} s."
                    )
                records[setting] = run(spec)
            same = all(
                np.array_equal(
                    np.load(Path(scratch) / f"{shape}-numpy.{part}.npy"),
                    np.load(Path(scratch) / f"{shape}-numba.{part}.npy"),
                )
                for part in ("mask", "noise")
            )
            for call in ("find_label_issues", "estimate_noise"):
                a, b = records["numpy"][call], records["numba"][call]
                print(
                    f"| {shape} | {call} | {a['first_s']:.3f} | {a['median_s']:.3f} "
                    f"| {b['first_s']:.3f} | {b['median_s']:.3f} "
                    f"| {a['median_s'] / b['median_s']:.2f}× | {'yes' if same else '**no**'} |"
                )
    print(f"\n{compile_note}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
