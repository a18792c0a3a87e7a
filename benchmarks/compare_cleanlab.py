"""Compare labelnoise with cleanlab 2.9.0: speed, peak memory and identical results.

Every (tool, call, shape) runs in its own fresh Python process, sequentially, so timings
and memory never leak from one tool into the other. Each process loads the saved inputs
(excluded from timing), runs the call once to warm up, then ``--repeats`` timed runs; the
median is reported. Peak memory is the memory *added by the call*: the kernel's peak-RSS
mark (``VmHWM``) is reset through ``/proc/self/clear_refs`` just before each run, and the
RSS just before the run is subtracted from the peak after it. When resetting is not
possible the lifetime ``ru_maxrss`` is used instead (an over-estimate that includes loading).
cleanlab's default ``n_jobs`` forks worker processes whose memory is not in this number;
their largest peak is stored in the JSON results as ``children_peak_mib``.

Every speed-up is taken against the *faster* of cleanlab's two settings for the same
call (``n_jobs=1``, or its default process pool), measured in the same run: a user
compares against the fastest way to run the peer. labelnoise runs with its defaults
(every core; numba's compiled row loops where ``labelnoise._kernels`` chooses them,
when numba is installed) and, for the main call, also with ``n_jobs=1`` (one thread)
and with numpy's loops only (``LABELNOISE_KERNELS=numpy``). The first call of each
process (the warm-up, which pays numba's import and the load of its compiled code) is
recorded too.

Inputs are realistic and seeded: the softmax of Gaussian logits whose true class gets a
random boost, with ~15% of labels flipped uniformly to another class. They are generated in
chunks into ``.npy`` files under ``--workdir`` (kept and reused when given).

Usage::

    .venv/bin/python benchmarks/compare_cleanlab.py                 # full shapes
    .venv/bin/python benchmarks/compare_cleanlab.py --quick         # smoke run
    .venv/bin/python benchmarks/compare_cleanlab.py --shapes 1Mx100 --repeats 5 --out r.md
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

SHAPES = ("1Mx100", "5Mx10", "50kx1000")
QUICK_SHAPES = ("100kx100", "500kx10", "5kx1000")
#: Speed-up targets over cleanlab's faster setting (n_jobs=1 or default), by shape.
SPEED_TARGETS = {"1Mx100": 10.0, "5Mx10": 10.0, "50kx1000": 10.0}
#: Peak memory added by labelnoise's calls, as a multiple of the pred_probs array.
MEMORY_TARGET = 0.5
FLIP_RATE = 0.15
MIB = 1024 * 1024


# --------------------------------------------------------------------------- inputs


def _chunk(rng: np.random.Generator, rows: int, prior: np.ndarray) -> tuple[Any, Any]:
    """Labels and float32 softmax probabilities for ``rows`` examples."""
    k = prior.shape[0]
    true = rng.choice(k, size=rows, p=prior)
    logits = rng.standard_normal((rows, k), dtype=np.float32)
    # A boost of log((K-1) * E[e^z]) + log(7/3) makes the true class ~0.7 likely on
    # average; its spread gives confident, ambiguous and wrong predictions.
    centre = np.log((k - 1) * np.exp(0.5)) + np.log(7 / 3)
    boost = rng.normal(centre, 1.5, size=rows).astype(np.float32)
    logits[np.arange(rows), true] += boost
    logits -= logits.max(axis=1, keepdims=True)
    np.exp(logits, out=logits)
    logits /= logits.sum(axis=1, keepdims=True)
    flip = rng.random(rows) < FLIP_RATE
    labels = np.where(flip, (true + rng.integers(1, k, size=rows)) % k, true)
    return labels.astype(np.int64), logits


def make_inputs(n: int, k: int, seed: int, folder: Path) -> tuple[Path, Path]:
    """Write ``labels.npy`` (int64) and ``pred_probs.npy`` (float32) in chunks; reuse them
    when ``folder`` already holds inputs made with the same arguments."""
    folder.mkdir(parents=True, exist_ok=True)
    labels_path, pp_path, meta_path = (
        folder / "labels.npy",
        folder / "pred_probs.npy",
        folder / "meta.json",
    )
    meta = {"n": n, "k": k, "seed": seed, "flip_rate": FLIP_RATE, "generator": 1}
    if meta_path.exists() and json.loads(meta_path.read_text()) == meta:
        return labels_path, pp_path
    root = np.random.SeedSequence([seed, n, k])
    prior = np.random.default_rng(root.spawn(1)[0]).dirichlet(np.full(k, 20.0))
    rows_per_chunk = max(1, 16 * MIB // (4 * k))
    starts = range(0, n, rows_per_chunk)
    streams = root.spawn(len(starts) + 1)[1:]
    labels = np.lib.format.open_memmap(labels_path, mode="w+", dtype=np.int64, shape=(n,))
    pp = np.lib.format.open_memmap(pp_path, mode="w+", dtype=np.float32, shape=(n, k))
    for start, stream in zip(starts, streams, strict=True):
        stop = min(start + rows_per_chunk, n)
        labels[start:stop], pp[start:stop] = _chunk(
            np.random.default_rng(stream), stop - start, prior
        )
    labels.flush()
    pp.flush()
    del labels, pp
    meta_path.write_text(json.dumps(meta))
    return labels_path, pp_path


# --------------------------------------------------------------------------- calls


@dataclass(frozen=True)
class Call:
    """One measured call: ``make()`` imports the tool and returns ``(run, extract)``."""

    name: str
    tool: str
    peer: str | None  # the cleanlab call with the same result, for labelnoise rows
    make: Callable[[], tuple[Callable[[Any, Any], Any], Callable[[Any], dict[str, Any]]]]


def _cleanlab_find(filter_by: str, n_jobs: int | None) -> Any:
    def make() -> Any:
        from cleanlab.filter import find_label_issues

        def run(labels: Any, pp: Any) -> Any:
            return find_label_issues(labels, pp, filter_by=filter_by, n_jobs=n_jobs)

        return run, lambda mask: {"mask": mask}

    return make


def _labelnoise_find(method: str, n_jobs: int | None = None, kernels: str | None = None) -> Any:
    """``find_label_issues`` with its defaults, or ``n_jobs`` / kernels when given."""

    def make() -> Any:
        if kernels is not None:  # this worker process only
            os.environ["LABELNOISE_KERNELS"] = kernels
        from labelnoise import find_label_issues

        options = {} if n_jobs is None else {"n_jobs": n_jobs}

        def run(labels: Any, pp: Any) -> Any:
            return find_label_issues(labels, pp, method=method, **options)

        return run, lambda issues: {"mask": issues.mask}

    return make


def _cleanlab_estimate() -> Any:
    from cleanlab.count import estimate_py_and_noise_matrices_from_probabilities as estimate

    def extract(result: Any) -> dict[str, Any]:
        keys = ("prior", "noise_matrix", "inverse_noise_matrix", "confident_joint")
        return dict(zip(keys, result, strict=True))

    return estimate, extract


def _labelnoise_estimate() -> Any:
    from labelnoise import estimate_noise

    def extract(est: Any) -> dict[str, Any]:
        return {
            "prior": est.prior,
            "noise_matrix": est.noise_matrix,
            "inverse_noise_matrix": est.inverse_noise_matrix,
            "confident_joint": est.confident_joint,
        }

    return estimate_noise, extract


def _cleanlab_scores() -> Any:
    from cleanlab.rank import get_label_quality_scores

    return get_label_quality_scores, lambda scores: {"scores": scores}


def _labelnoise_scores() -> Any:
    from labelnoise import label_quality_scores

    return label_quality_scores, lambda scores: {"scores": scores}


CL_DEFAULT = "cleanlab find_label_issues (default n_jobs)"
CL_SERIAL = "cleanlab find_label_issues (n_jobs=1)"
LN_MAIN = "labelnoise find_label_issues"
LN_SERIAL = "labelnoise find_label_issues (n_jobs=1)"
LN_NUMPY = "labelnoise find_label_issues (numpy loops)"
LN_MAIN_ROWS = (LN_MAIN, LN_SERIAL, LN_NUMPY)
CL_ESTIMATE = "cleanlab estimate_py_and_noise_matrices_from_probabilities"
CL_SCORES = "cleanlab get_label_quality_scores"


def _cl_method(method: str) -> str:
    return f"cleanlab find_label_issues filter_by={method} (n_jobs=1)"


def _ln_method(method: str) -> str:
    return f"labelnoise find_label_issues method={method}"


def build_calls() -> dict[str, Call]:
    calls = [
        Call(CL_DEFAULT, "cleanlab", None, _cleanlab_find("prune_by_noise_rate", None)),
        Call(CL_SERIAL, "cleanlab", None, _cleanlab_find("prune_by_noise_rate", 1)),
        Call(LN_MAIN, "labelnoise", CL_SERIAL, _labelnoise_find("prune_by_noise_rate")),
        Call(LN_SERIAL, "labelnoise", CL_SERIAL, _labelnoise_find("prune_by_noise_rate", 1)),
        Call(LN_NUMPY, "labelnoise", CL_SERIAL,
             _labelnoise_find("prune_by_noise_rate", kernels="numpy")),
        Call(CL_ESTIMATE, "cleanlab", None, _cleanlab_estimate),
        Call("labelnoise estimate_noise", "labelnoise", CL_ESTIMATE, _labelnoise_estimate),
        Call(CL_SCORES, "cleanlab", None, _cleanlab_scores),
        Call("labelnoise label_quality_scores", "labelnoise", CL_SCORES, _labelnoise_scores),
    ]  # fmt: skip
    # the other confident-learning methods, read from the detector registry
    from labelnoise.detect._registry import CONFIDENT_LEARNING

    for method in (m for m in CONFIDENT_LEARNING if m != "prune_by_noise_rate"):
        calls.append(Call(_cl_method(method), "cleanlab", None, _cleanlab_find(method, 1)))
        calls.append(
            Call(_ln_method(method), "labelnoise", _cl_method(method), _labelnoise_find(method))
        )
    return {call.name: call for call in calls}


CALLS = build_calls()
CORE_CALLS = list(CALLS)[:9]
METHOD_CALLS = list(CALLS)[9:]


# --------------------------------------------------------------------------- worker


def _status_kib(key: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _cpu_seconds() -> float:
    """User + system CPU time of this process and its reaped children (pool workers)."""
    me, kids = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _measure_once(run: Callable[[Any, Any], Any], labels: Any, pp: Any) -> tuple[Any, dict]:
    """Run once; return the result and its wall and CPU seconds and the MiB added at peak
    over the RSS before the run."""
    gc.collect()
    can_reset = _reset_peak()
    before = _status_kib("VmRSS") or 0
    cpu = _cpu_seconds()
    start = time.perf_counter()
    result = run(labels, pp)
    seconds = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu
    peak = _status_kib("VmHWM") if can_reset else None
    if peak is None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return result, {"s": seconds, "cpu_s": cpu, "mib": (peak - before) / 1024}


def worker(spec: dict[str, Any]) -> None:
    """Measure one call in this (fresh) process and write a JSON result and its outputs."""
    run, extract = CALLS[spec["call"]].make()
    labels = np.load(spec["labels"])
    pp = np.load(spec["pred_probs"])
    rss_loaded = (_status_kib("VmRSS") or 0) / 1024
    load_before = os.getloadavg()[0]
    runs = []
    first_s = 0.0
    for i in range(spec["repeats"] + 1):
        result, measured = _measure_once(run, labels, pp)
        if i == 0:
            first_s = measured["s"]
            np.savez(spec["outputs"], **extract(result))
        else:
            runs.append(measured)
        del result
    record = {
        "call": spec["call"],
        "times_s": [r["s"] for r in runs],
        "median_s": statistics.median(r["s"] for r in runs),
        "first_call_s": first_s,
        "cpu_s": [r["cpu_s"] for r in runs],
        "median_cpu_s": statistics.median(r["cpu_s"] for r in runs),
        "added_mib": [r["mib"] for r in runs],
        "peak_added_mib": max(r["mib"] for r in runs),
        "rss_after_load_mib": rss_loaded,
        "array_mib": pp.nbytes / MIB,
        "children_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "peak_reset_supported": _reset_peak(),
        "loadavg_1min": [load_before, os.getloadavg()[0]],
    }
    Path(spec["result"]).write_text(json.dumps(record))


# --------------------------------------------------------------------------- driver


def run_call(name: str, shape: str, inputs: tuple[Path, Path], folder: Path, args: Any) -> dict:
    safe = "".join(c if c.isalnum() else "_" for c in name)
    spec = {
        "call": name,
        "labels": str(inputs[0]),
        "pred_probs": str(inputs[1]),
        "repeats": args.repeats,
        "outputs": str(folder / f"{safe}.npz"),
        "result": str(folder / f"{safe}.json"),
    }
    log = folder / f"{safe}.log"
    print(f"  [{shape}] {name} ...", end="", flush=True)
    with open(log, "w") as out:
        proc = subprocess.run(
            [sys.executable, __file__, "--worker", json.dumps(spec)],
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=args.timeout,
            check=False,
        )
    if proc.returncode != 0:
        print(f" FAILED (exit {proc.returncode}); see {log}")
        return {"call": name, "failed": True, "log": str(log)}
    record = json.loads(Path(spec["result"]).read_text())
    record["outputs"] = spec["outputs"]
    print(
        f" {record['median_s']:.3f} s (cpu {record['median_cpu_s']:.3f} s), "
        f"+{record['peak_added_mib']:.0f} MiB, load {record['loadavg_1min'][1]:.1f}"
    )
    return record


def _same(a_path: str, b_path: str) -> tuple[bool, str]:
    with np.load(a_path) as a, np.load(b_path) as b:
        if set(a.files) != set(b.files):
            return False, "different outputs"
        for key in a.files:
            x, y = a[key], b[key]
            if x.shape != y.shape:
                return False, f"{key} shape {x.shape} vs {y.shape}"
            if not np.array_equal(x, y):
                if x.dtype == bool:
                    return False, f"{key}: {int(np.count_nonzero(x != y))} rows differ"
                diff = np.max(np.abs(x.astype(float) - y.astype(float)))
                return False, f"{key}: max |diff| {diff:.3g}"
    return True, ""


def identical(record: dict, records: dict[str, dict]) -> str:
    """Whether a labelnoise row's outputs equal its cleanlab peer's (and cleanlab default's)."""
    call = CALLS[record["call"]]
    peers = [call.peer] if call.peer else []
    if record["call"] == CL_SERIAL:
        peers = [CL_DEFAULT]
    if record["call"] in LN_MAIN_ROWS:
        peers.append(CL_DEFAULT)
    if not peers:
        return "—"
    notes = []
    for peer in peers:
        other = records.get(peer)
        if other is None or other.get("failed"):
            notes.append(f"no {peer} result")
            continue
        same, why = _same(record["outputs"], other["outputs"])
        if not same:
            notes.append(why)
    return "yes" if not notes else "**no** (" + "; ".join(notes) + ")"


def _ratio(numerator: dict | None, record: dict) -> str:
    if numerator is None or numerator.get("failed"):
        return "—"
    return f"{numerator['median_s'] / record['median_s']:.2f}×"


def _setting(name: str) -> str:
    """Which of cleanlab's settings a cleanlab row ran with."""
    if name == CL_DEFAULT:
        return "default pool"
    return "n_jobs=1" if name.endswith("(n_jobs=1)") else "no n_jobs option"


def fastest_peer(name: str, records: dict[str, dict]) -> dict | None:
    """The faster of cleanlab's settings computing what row ``name`` computes: for
    ``find_label_issues`` with the default method, ``n_jobs=1`` or the default pool."""
    peer = CALLS[name].peer
    if peer is None:
        return None
    options = [records.get(peer)]
    if peer == CL_SERIAL:
        options.append(records.get(CL_DEFAULT))
    timed = [r for r in options if r is not None and not r.get("failed")]
    return min(timed, key=lambda r: r["median_s"]) if timed else None


def table_rows(shape: str, records: dict[str, dict]) -> list[str]:
    rows = []
    for name, record in records.items():
        if record.get("failed"):
            rows.append(f"| {shape} | {name} | failed | | | | | | | |")
            continue
        best = fastest_peer(name, records)
        best_name = "—" if best is None else _setting(best["call"])
        rows.append(
            f"| {shape} | {name} | {record['median_s']:.3f} | {record['first_call_s']:.3f} "
            f"| {record['median_cpu_s']:.3f} "
            f"| {_ratio(best, record)} | {best_name} "
            f"| {record['peak_added_mib']:.0f} "
            f"| {record['peak_added_mib'] / record['array_mib']:.2f} "
            f"| {identical(record, records)} |"
        )
    return rows


HEADER = [
    "| shape | tool / call | median s | first call s | median CPU s "
    "| speed-up vs cleanlab's faster setting | (that setting) "
    "| peak RSS added MiB | × pred_probs size | identical to cleanlab |",
    "|---|---|---:|---:|---:|---:|---|---:|---:|---|",
]


def targets(results: dict[str, dict[str, dict]]) -> list[str]:
    lines = []
    for shape, records in results.items():
        base, ours = fastest_peer(LN_MAIN, records), records.get(LN_MAIN)
        if not base or not ours or ours.get("failed"):
            continue
        speed = base["median_s"] / ours["median_s"]
        goal = SPEED_TARGETS.get(shape)
        verdict = (
            "(no target for this shape)"
            if goal is None
            else f"(target ≥{goal:g}×) — " + ("met" if speed >= goal else "**not met**")
        )
        lines.append(
            f"- {shape}: find_label_issues {speed:.1f}× faster than cleanlab's faster setting "
            f"({base['call']}, {base['median_s']:.3f} s) {verdict}"
        )
        for name, rec in records.items():
            if CALLS[name].tool == "labelnoise" and not rec.get("failed"):
                mult = rec["peak_added_mib"] / rec["array_mib"]
                if mult > MEMORY_TARGET:
                    lines.append(
                        f"  - {name}: peak memory added {mult:.2f}× pred_probs "
                        f"(target ≤{MEMORY_TARGET}×) — **not met**"
                    )
        peaks = [
            rec["peak_added_mib"] / rec["array_mib"]
            for name, rec in records.items()
            if CALLS[name].tool == "labelnoise" and not rec.get("failed")
        ]
        lines.append(f"  - largest labelnoise peak memory added: {max(peaks):.2f}× pred_probs")
    return lines


def load_summary(results: dict[str, dict[str, dict]]) -> str:
    """The range of the 1-minute load average seen by the measured processes."""
    loads = [
        x
        for records in results.values()
        for r in records.values()
        for x in r.get("loadavg_1min", [])
    ]
    if not loads:
        return "- load average: not recorded"
    return (
        f"- 1-minute load average during the measurements: {min(loads):.1f} to {max(loads):.1f} "
        f"on {os.cpu_count()} cores (the measured process counts for about 1, or 2 with "
        "cleanlab's pool; more means other processes competed for the CPUs)"
    )


def environment() -> list[str]:
    """Markdown lines describing the machine and library versions."""
    import platform

    import cleanlab

    import labelnoise

    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if "model name" in line)
    except (OSError, StopIteration):
        pass
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    try:
        import numba

        jit = f"numba {numba.__version__}"
    except ImportError:
        jit = "numba not installed (numpy loops only)"
    here = Path(__file__).resolve().parent.parent
    git = ["git", "-C", str(here)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run([*git, "status", "--porcelain", "src"], capture_output=True, text=True)
    state = "clean" if not dirty.stdout.strip() else "uncommitted changes in src/"
    return [
        f"- labelnoise source: git {head.stdout.strip() or '?'} ({state})",
        f"- date: {time.strftime('%Y-%m-%d %H:%M %Z')}",
        f"- command: `{' '.join([Path(sys.executable).name, *sys.argv])}`",
        f"- CPU: {cpu}; {os.cpu_count()} logical cores; {ram:.1f} GiB RAM; {platform.platform()}",
        f"- Python {platform.python_version()}, numpy {np.__version__}, "
        f"cleanlab {cleanlab.__version__}, labelnoise {labelnoise.__version__}, {jit}",
        f"- OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(not set)')}, "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', '(not set)')}",
    ]


def parse_shape(text: str) -> tuple[int, int]:
    """``"1Mx100"`` -> ``(1_000_000, 100)``; ``k`` and ``M`` suffixes are allowed."""
    scale = {"k": 1_000, "M": 1_000_000}
    n_text, _, k_text = text.partition("x")
    if n_text[-1:] in scale:
        return int(float(n_text[:-1]) * scale[n_text[-1]]), int(k_text)
    return int(n_text), int(k_text)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", nargs="+", help=f"NxK shapes (default {list(SHAPES)})")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs after a warm-up")
    parser.add_argument("--quick", action="store_true", help=f"small shapes {list(QUICK_SHAPES)}")
    parser.add_argument("--out", type=Path, help="write the markdown table here (+ .json)")
    parser.add_argument("--workdir", type=Path, help="keep inputs/outputs here (reused)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--method-shapes",
        nargs="*",
        help="shapes on which every method is compared (default: all selected shapes)",
    )
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per process")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.worker:
        worker(json.loads(args.worker))
        return
    shapes = args.shapes or list(QUICK_SHAPES if args.quick else SHAPES)
    method_shapes = shapes if args.method_shapes is None else args.method_shapes
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="labelnoise-bench-"))
    results: dict[str, dict[str, dict]] = {}
    try:
        for shape in shapes:
            n, k = parse_shape(shape)
            folder = workdir / shape
            print(f"{shape}: generating / loading inputs in {folder}", flush=True)
            inputs = make_inputs(n, k, args.seed, folder)
            names = CORE_CALLS + (METHOD_CALLS if shape in method_shapes else [])
            results[shape] = {name: run_call(name, shape, inputs, folder, args) for name in names}
        report = "\n".join(
            [*HEADER, *(r for s, rec in results.items() for r in table_rows(s, rec))]
        )
        report += "\n\nTargets:\n" + "\n".join(targets(results)) + "\n"
        report += "\nEnvironment:\n" + "\n".join([*environment(), load_summary(results)]) + "\n"
        print("\n" + report)
        if args.out:
            args.out.write_text(report)
            args.out.with_suffix(".json").write_text(json.dumps(results, indent=1))
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
