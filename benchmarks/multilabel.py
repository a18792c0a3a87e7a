"""Multi-label detection and speed: labelnoise.multilabel beside cleanlab 2.9.0.

Quality (``detect``) drives :func:`labelnoise.bench.run_multilabel_benchmark` with
``reference=True``: synthetic data at K = 4, 10, 50 and yeast (K = 14), missing / wrong /
mixed tag noise, one-vs-rest logistic regression and random forest, 3-fold
cross-validated, every detector of ``MULTILABEL_DETECTORS`` beside cleanlab's
``multilabel_classification`` defaults run in the same process on the same inputs (whose
flags must equal ours: the script stops otherwise). Every candidate ranking score is
tabulated on the selection seeds and on the held-out seeds; then the library's default
(softmin at temperature 0.2, chosen on the selection seed) beside the reference, per
setting, on the held-out seeds. Prints markdown tables.

Speed (``speed``): ``find_label_issues`` at 100,000 x 50 against the faster of
cleanlab's ``n_jobs=1`` and its default process pool.

Usage::

    .venv/bin/python benchmarks/multilabel.py detect [--seeds 3] [--out results.csv]
    .venv/bin/python benchmarks/multilabel.py detect --summarize results.csv
    .venv/bin/python benchmarks/multilabel.py speed [--n 100000 --k 50 --repeats 3]
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from labelnoise import multilabel
from labelnoise.bench import (
    MULTILABEL_DETECTORS,
    MultilabelBenchConfig,
    compare_multilabel,
    run_multilabel_benchmark,
)


def markdown(frame: pd.DataFrame, digits: int = 3) -> str:
    """A markdown table (no extra dependency)."""
    cells = [
        [f"{v:.{digits}f}" if isinstance(v, float) else str(v) for v in row]
        for row in frame.itertuples(index=False)
    ]
    lines = ["| " + " | ".join(map(str, frame.columns)) + " |", "|" + "---|" * frame.shape[1]]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in cells])


def candidates_table(frame: pd.DataFrame, seeds: tuple[int, ...]) -> pd.DataFrame:
    """Per detector on ``seeds``: mean AUROC, F1 and F1 of the lowest scores, and the
    share of settings where its AUROC is at least the reference's."""
    rows = []
    for name in sorted(set(frame["detector"]) - {"reference"}):
        result = compare_multilabel(frame, name, seeds=seeds)
        picked = frame[(frame.detector == name) & frame.seed.isin(seeds)]
        rows.append(
            {
                "detector": name,
                "auroc": picked["auroc"].mean(),
                "f1": picked["f1"].mean(),
                "f1_lowest": picked["f1_lowest"].mean(),
                "auroc >= ref": result.auroc_wins,
                "worst auroc ratio": result.table["auroc_ratio"].min(),
            }
        )
    reference = frame[(frame.detector == "reference") & frame.seed.isin(seeds)]
    rows.append(
        {
            "detector": "reference",
            "auroc": reference["auroc"].mean(),
            "f1": reference["f1"].mean(),
            "f1_lowest": reference["f1_lowest"].mean(),
            "auroc >= ref": 1.0,
            "worst auroc ratio": 1.0,
        }
    )
    return pd.DataFrame(rows).sort_values(["auroc >= ref", "auroc"], ascending=False)


def side_by_side(frame: pd.DataFrame, name: str, seeds: tuple[int, ...]) -> None:
    """``name`` beside the reference per setting (means over ``seeds``), and how often it
    is at least as good, over the seed means and seed by seed."""
    result = compare_multilabel(frame, name, seeds=seeds)
    print(markdown(result.table))
    lowest = compare_multilabel(frame, name, seeds=seeds, f1="f1_lowest")
    print(
        f"\n{name} >= reference in {result.auroc_wins:.0%} of the settings by AUROC, "
        f"{result.f1_wins:.0%} by F1 of the flagged set, {lowest.f1_wins:.0%} by F1 of as "
        f"many lowest scores; worst AUROC ratio {result.table['auroc_ratio'].min():.3f}"
    )
    for seed in seeds:
        one = compare_multilabel(frame, name, seeds=(seed,))
        print(
            f"seed {seed}: AUROC >= reference in {one.auroc_wins:.0%} of the settings, "
            f"worst ratio {one.table['auroc_ratio'].min():.3f}"
        )
    print()


def summarize(frame: pd.DataFrame, selection_seeds: int) -> None:
    seeds = sorted(set(frame["seed"]))
    select = tuple(s for s in seeds if s < selection_seeds)
    held_out = tuple(s for s in seeds if s >= selection_seeds) or select
    print(f"## Candidates, selection seeds {list(select)}\n")
    print(markdown(candidates_table(frame, select)) + "\n")
    print(f"## The same on the held-out seeds {list(held_out)}\n")
    print(markdown(candidates_table(frame, held_out)) + "\n")
    print(f"## default beside the reference, held-out seeds {list(held_out)}\n")
    side_by_side(frame, "default", held_out)


def run_detect(args: argparse.Namespace) -> pd.DataFrame:
    config = MultilabelBenchConfig(
        seeds=tuple(range(args.seeds)), detectors=tuple(MULTILABEL_DETECTORS), reference=True
    )
    frame = run_multilabel_benchmark(
        config,
        cache_dir=args.cache,
        progress=lambda done, total, what: print(f"[{done}/{total}] {what}", flush=True),
    )
    checked = frame[frame.detector == "default"]["matches_reference"]
    if not checked.all():
        raise SystemExit("our flags differ from the reference's in some setting")
    return frame


def run_speed(n: int, k: int, repeats: int) -> None:
    from cleanlab.multilabel_classification import filter as ref_filter
    from cleanlab.multilabel_classification import rank as ref_rank

    rng = np.random.default_rng(0)
    truth = rng.random((n, k)) < rng.uniform(0.02, 0.3, k)
    P = 1 / (1 + np.exp(-(rng.normal(0, 1.5, (n, k)) + np.where(truth, 2.5, -2.5))))
    Y = truth ^ (rng.random((n, k)) < 0.005)
    lists = [np.flatnonzero(r).tolist() for r in Y]

    def timed(func: Callable[[], object]) -> float:
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            func()
            times.append(time.perf_counter() - start)
        return float(np.median(times))

    warnings.simplefilter("ignore")
    ours_lists = timed(lambda: (multilabel.find_label_issues(lists, P),))
    ours_matrix = timed(lambda: (multilabel.find_label_issues(Y, P),))
    ref = {}
    for jobs in (1, None):
        ref[jobs] = timed(
            lambda j=jobs: (
                ref_filter.find_label_issues(lists, P, n_jobs=j),
                ref_rank.get_label_quality_scores(lists, P),
            )
        )
    best_ref = min(ref.values())
    print(f"{n} x {k}: reference n_jobs=1 {ref[1]:.2f} s, default pool {ref[None]:.2f} s")
    print(f"ours (tag lists) {ours_lists:.2f} s -> {best_ref / ours_lists:.1f}x")
    print(f"ours (0/1 matrix) {ours_matrix:.2f} s -> {best_ref / ours_matrix:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    detect = sub.add_parser("detect")
    detect.add_argument("--seeds", type=int, default=3)
    detect.add_argument("--selection-seeds", type=int, default=1)
    detect.add_argument("--cache", type=Path, default=Path(".cache/multilabel"))
    detect.add_argument("--out", type=Path)
    detect.add_argument("--summarize", type=Path, help="summarize a saved results csv")
    speed = sub.add_parser("speed")
    speed.add_argument("--n", type=int, default=100_000)
    speed.add_argument("--k", type=int, default=50)
    speed.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if args.command == "speed":
        run_speed(args.n, args.k, args.repeats)
        return
    frame = pd.read_csv(args.summarize) if args.summarize else run_detect(args)
    if args.out:
        frame.to_csv(args.out, index=False)
    summarize(frame, args.selection_seeds)


if __name__ == "__main__":
    main()
