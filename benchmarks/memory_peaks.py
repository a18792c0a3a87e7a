"""Peak memory of one labelnoise call, by two measures, under glibc allocator settings.

Each (setting, ``n_jobs``) runs in a fresh child process: a warm-up call, then
``--runs`` calls. For each call the child prints the peak RSS it added (``VmHWM`` reset
through ``/proc/self/clear_refs``, minus the RSS before, as ``compare_cleanlab.py``
measures), and for the last call also ``tracemalloc``'s peak of the allocations numpy
reports (live array memory, whatever the allocator does with freed pages). The settings:
glibc's defaults, ``MALLOC_ARENA_MAX=1`` (one arena shared by every thread), and
``MALLOC_MMAP_THRESHOLD_=131072`` (every large array its own mapping, returned to the
system when freed). Inputs are the ``.npy`` files ``compare_cleanlab.py`` writes, read
into memory, or with ``--path`` passed as a path (out of core).

Usage::

    .venv/bin/python benchmarks/memory_peaks.py --inputs /tmp/lnb/5Mx10 \\
        --method predicted_neq_given --n-jobs 1 2
    .venv/bin/python benchmarks/memory_peaks.py --inputs /tmp/lnooc/20Mx10 --path \\
        --labels labels_uint8.npy --n-jobs 1
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np

SETTINGS = {
    "glibc defaults": {},
    "MALLOC_ARENA_MAX=1": {"MALLOC_ARENA_MAX": "1"},
    "MALLOC_MMAP_THRESHOLD_=131072": {"MALLOC_MMAP_THRESHOLD_": "131072"},
}


def _kib(key: str) -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(key + ":"))


def child(spec: dict) -> None:
    import labelnoise

    folder = Path(spec["inputs"])
    labels = np.load(folder / spec["labels"])
    pred_probs = folder / "pred_probs.npy"
    source = str(pred_probs) if spec["path"] else np.load(pred_probs)

    def call() -> object:
        return labelnoise.find_label_issues(
            labels, source, method=spec["method"], n_jobs=spec["n_jobs"]
        )

    added = []
    result = call()  # warm-up
    for _ in range(spec["runs"]):
        del result
        gc.collect()
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        before = _kib("VmRSS")
        result = call()
        added.append((_kib("VmHWM") - before) // 1024)
    del result
    gc.collect()
    tracemalloc.start()
    call()
    traced = tracemalloc.get_traced_memory()[1] >> 20
    print(json.dumps({"added": added, "traced": traced}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=Path, required=True, help="folder with the .npy files")
    parser.add_argument("--labels", default="labels.npy")
    parser.add_argument("--method", default="prune_by_noise_rate")
    parser.add_argument("--n-jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--path", action="store_true", help="pass pred_probs as a path")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(json.loads(args.child))
        return
    print(f"{args.inputs.name}, method={args.method}, path={args.path}")
    print("| setting | n_jobs | peak RSS added per run MiB | tracemalloc peak MiB |")
    print("|---|---:|---|---:|")
    for name, extra in SETTINGS.items():
        for n_jobs in args.n_jobs:
            spec = {
                "inputs": str(args.inputs),
                "labels": args.labels,
                "method": args.method,
                "n_jobs": n_jobs,
                "runs": args.runs,
                "path": args.path,
            }
            out = subprocess.run(
                [sys.executable, __file__, "--inputs", str(args.inputs), "--child",
                 json.dumps(spec)],
                env={**os.environ, **extra}, capture_output=True, text=True, check=True,
            )  # fmt: skip
            found = json.loads(out.stdout.strip().splitlines()[-1])
            runs = ", ".join(str(v) for v in found["added"])
            print(f"| {name} | {n_jobs} | {runs} | {found['traced']} |")


if __name__ == "__main__":
    main()
