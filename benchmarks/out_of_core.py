"""Out-of-core run: ``find_label_issues`` / ``estimate_noise`` on a ``.npy`` path, with peak RSS.

Writes a seeded ``N x K`` float32 ``pred_probs.npy`` (default 20,000,000 x 10 = 800 MB) and
uint8 labels into ``--workdir`` (default: a temporary folder, deleted afterwards; reused
when given), then runs each call in a fresh child process that passes the *path* to
labelnoise. The peak resident set of each child is measured twice: by the child itself
(``VmHWM`` from ``/proc/self/status``, and ``ru_maxrss``) and by this parent through
``resource.getrusage(RUSAGE_CHILDREN)`` right after the child exits. The RSS after
``import labelnoise`` and loading the labels (before the call) is shown too.

With ``--check`` one more child runs the same calls on the array loaded into memory and
the outputs are compared element for element (needs ~2-3 GiB for the default shape).

Usage::

    .venv/bin/python benchmarks/out_of_core.py                       # 20M x 10, 400 MB goal
    .venv/bin/python benchmarks/out_of_core.py --shape 2Mx10 --check --workdir /tmp/ooc
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from compare_cleanlab import MIB, make_inputs, parse_shape

CALLS = ("find_label_issues", "estimate_noise", "label_quality_scores")
RSS_GOAL_MIB = 400


def _status_mib(key: str) -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(key + ":")) / 1024


def _outputs(call: str, result: Any) -> dict[str, np.ndarray]:
    if call == "find_label_issues":
        return {"mask": result.mask, "scores": result.scores, "indices": result.indices}
    if call == "estimate_noise":
        fields = ("confident_joint", "joint", "noise_matrix", "inverse_noise_matrix", "prior")
        return {name: getattr(result, name) for name in fields}
    return {"scores": result}


def child(spec: dict[str, Any]) -> None:
    """Run one call in this fresh process; write its outputs and peak memory as JSON."""
    import labelnoise

    labels = np.load(spec["labels"])
    pred_probs: Any = spec["pred_probs"]
    if spec["in_memory"]:
        pred_probs = np.load(pred_probs)
    before = _status_mib("VmRSS")
    start = time.perf_counter()
    result = getattr(labelnoise, spec["call"])(labels, pred_probs)
    seconds = time.perf_counter() - start
    record = {
        "call": spec["call"],
        "seconds": seconds,
        "rss_before_call_mib": before,
        "peak_rss_mib": _status_mib("VmHWM"),
        "ru_maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    np.savez(spec["outputs"], **_outputs(spec["call"], result))
    Path(spec["result"]).write_text(json.dumps(record))


def run_child(call: str, folder: Path, in_memory: bool) -> dict[str, Any]:
    tag = f"{call}-{'memory' if in_memory else 'path'}"
    spec = {
        "call": call,
        "labels": str(folder / "labels_uint8.npy"),
        "pred_probs": str(folder / "pred_probs.npy"),
        "in_memory": in_memory,
        "outputs": str(folder / f"{tag}.npz"),
        "result": str(folder / f"{tag}.json"),
    }
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([sys.executable, __file__, "--child", json.dumps(spec)], check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    record = json.loads(Path(spec["result"]).read_text())
    # RUSAGE_CHILDREN keeps the largest peak of any child so far: exact for this child
    # whenever it is the largest yet (always for the out-of-core runs, which go first).
    record["children_maxrss_mib"] = after / 1024 if after > before else None
    record["outputs"] = spec["outputs"]
    return record


def uint8_labels(folder: Path) -> None:
    """labels.npy (int64) -> labels_uint8.npy, in chunks (1 byte per row in the child)."""
    target = folder / "labels_uint8.npy"
    if target.exists():
        return
    source = np.load(folder / "labels.npy", mmap_mode="r")
    out = np.lib.format.open_memmap(target, mode="w+", dtype=np.uint8, shape=source.shape)
    step = 1 << 22
    for start in range(0, source.shape[0], step):
        out[start : start + step] = source[start : start + step]
    out.flush()
    del out


def same(a: str, b: str) -> str:
    with np.load(a) as x, np.load(b) as y:
        bad = [key for key in x.files if not np.array_equal(x[key], y[key])]
    return "identical" if not bad else "DIFFERENT: " + ", ".join(bad)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", default="20Mx10")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, help="keep (and reuse) the inputs here")
    parser.add_argument("--calls", nargs="+", default=list(CALLS), choices=CALLS)
    parser.add_argument("--check", action="store_true", help="compare with an in-memory run")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--generate", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(json.loads(args.child))
        return
    if args.generate:
        spec = json.loads(args.generate)
        make_inputs(spec["n"], spec["k"], spec["seed"], Path(spec["folder"]))
        uint8_labels(Path(spec["folder"]))
        return
    n, k = parse_shape(args.shape)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="labelnoise-ooc-"))
    folder = workdir / args.shape
    try:
        print(f"{args.shape}: generating / reusing inputs in {folder}", flush=True)
        # In a child: writing the inputs raises this process's RSS, and a child started
        # afterwards would inherit that peak in its ru_maxrss (Linux keeps it over exec).
        generate = {"n": n, "k": k, "seed": args.seed, "folder": str(folder)}
        subprocess.run([sys.executable, __file__, "--generate", json.dumps(generate)], check=True)
        size = (folder / "pred_probs.npy").stat().st_size / MIB
        print(f"pred_probs.npy: {size:.0f} MiB float32; labels: uint8 in memory\n")
        print("| call | input | seconds | RSS before call MiB | peak RSS MiB (VmHWM) "
              "| ru_maxrss MiB | RUSAGE_CHILDREN MiB | goal |")  # fmt: skip
        print("|---|---|---:|---:|---:|---:|---:|---|")
        records = {}
        for in_memory in (False, True) if args.check else (False,):
            for call in args.calls:
                rec = run_child(call, folder, in_memory)
                records[(call, in_memory)] = rec
                goal = "—" if in_memory else (
                    "met" if rec["peak_rss_mib"] < RSS_GOAL_MIB else "**not met**"
                )  # fmt: skip
                kids = rec["children_maxrss_mib"]
                print(
                    f"| {call} | {'array in memory' if in_memory else 'path'} "
                    f"| {rec['seconds']:.2f} | {rec['rss_before_call_mib']:.0f} "
                    f"| {rec['peak_rss_mib']:.0f} | {rec['ru_maxrss_mib']:.0f} "
                    f"| {'—' if kids is None else f'{kids:.0f}'} | {goal} |",
                    flush=True,
                )
        if args.check:
            print()
            for call in args.calls:
                verdict = same(records[(call, False)]["outputs"], records[(call, True)]["outputs"])
                print(f"- {call}: out-of-core vs in-memory outputs {verdict}")
        print(f"\nCPU: {os.cpu_count()} logical cores; goal: peak RSS < {RSS_GOAL_MIB} MiB")
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
