"""CleanClassifier on scikit-learn digits with simulated label noise.

Train/test split of digits (75/25, stratified, one split per seed); 20% and 40% symmetric
and pair-flip noise on the *training* labels (``labelnoise.simulate``, exact rates); the
estimator is ``StandardScaler() + LogisticRegression(max_iter=1000)`` everywhere. Reported:
mean test accuracy (clean test labels) over the seeds, per noise setting and overall,
and the mean fit time. Rows: the plain estimator, cleanlab's ``CleanLearning`` with the
same estimator (when cleanlab is installed; only for comparison) and ``CleanClassifier``
configurations: the default, and with ``--candidates`` the grid its defaults were chosen
from.

Usage::

    .venv/bin/python benchmarks/learn_digits.py                     # default vs baselines
    .venv/bin/python benchmarks/learn_digits.py --candidates --seeds 3 --n-jobs 2
    .venv/bin/python benchmarks/learn_digits.py --seeds 5 --out docs/_digits.md
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier
from threadpoolctl import threadpool_limits

from labelnoise.learn import CleanClassifier
from labelnoise.simulate import pairflip, symmetric

SETTINGS = (("symmetric", 0.2), ("symmetric", 0.4), ("pairflip", 0.2), ("pairflip", 0.4))
CLEAN = ("symmetric", 0.0)  # reported beside the table, not in the mean
NOISE = {"symmetric": symmetric, "pairflip": pairflip}

#: The grid the defaults were chosen from: name -> CleanClassifier keyword arguments.
#: The default is "posterior prune x20 tol=0.01".
CANDIDATES: dict[str, dict[str, Any]] = {
    f"{method} {handling} x{n}" + (f" tol={tol}" if tol else ""): {
        "method": method, "handling": handling, "max_iter": n, "tol": tol,
    }
    for method, handling, n, tol in [
        ("posterior", "relabel", 1, 0.0), ("posterior", "relabel", 3, 0.0),
        ("posterior", "relabel", 10, 0.0), ("posterior", "relabel", 20, 0.0),
        ("posterior", "relabel", 20, 0.005), ("posterior", "relabel", 20, 0.01),
        ("posterior", "prune", 1, 0.0), ("posterior", "prune", 3, 0.0),
        ("posterior", "prune", 10, 0.0), ("posterior", "prune", 20, 0.005),
        ("posterior", "prune", 20, 0.01), ("posterior", "prune", 50, 0.01),
        ("posterior", "reweight", 20, 0.01),
        ("prune_by_noise_rate", "relabel", 20, 0.01),
        ("prune_by_noise_rate", "prune", 1, 0.0), ("prune_by_noise_rate", "prune", 20, 0.01),
    ]
}  # fmt: skip


ESTIMATORS: dict[str, Callable[[int], Any]] = {
    "scaled-lr": lambda seed: make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
    "tree": lambda seed: DecisionTreeClassifier(random_state=seed),
    "gnb": lambda seed: GaussianNB(),
    "knn": lambda seed: KNeighborsClassifier(10),
}


def models(candidates: bool, kind: str) -> dict[str, Callable[[int], Any]]:
    """Name -> factory(seed) of every model to compare, all around estimator ``kind``."""
    estimator = ESTIMATORS[kind]
    out: dict[str, Callable[[int], Any]] = {"plain estimator": estimator}
    try:
        from cleanlab.classification import CleanLearning

        # n_jobs=1: cleanlab's own multiprocessing breaks inside joblib workers.
        out["cleanlab CleanLearning"] = lambda seed: CleanLearning(
            estimator(seed), seed=seed, find_label_issues_kwargs={"n_jobs": 1}
        )
    except ImportError:
        pass
    out["CleanClassifier (default)"] = lambda seed: CleanClassifier(
        estimator(seed), random_state=seed
    )
    for name, params in CANDIDATES.items() if candidates else ():
        out[name] = lambda seed, p=params: CleanClassifier(estimator(seed), random_state=seed, **p)
    return out


def one_run(name: str, factory: Callable[[int], Any], seed: int, kind: str, rate: float):
    """Fit one model on one noisy split; return (name, setting, accuracy, seconds)."""
    X, y = load_digits(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, stratify=y, random_state=seed)
    noisy = NOISE[kind](y_tr, noise_rate=rate, n_classes=10, random_state=1000 + seed).labels
    with threadpool_limits(1):
        start = time.perf_counter()
        model = factory(seed).fit(X_tr, np.array(noisy))
        seconds = time.perf_counter() - start
        accuracy = float(np.mean(model.predict(X_te) == y_te))
    return name, f"{kind} {rate:.0%}", accuracy, seconds


def table(results: list[tuple[str, str, float, float]], n_seeds: int) -> str:
    """Markdown table: mean test accuracy per setting, their mean, no-noise accuracy, fit s."""
    settings = [f"{k} {r:.0%}" for k, r in SETTINGS]
    clean = f"{CLEAN[0]} {CLEAN[1]:.0%}"
    names = list(dict.fromkeys(r[0] for r in results))
    head = ["model", *settings, "mean (4 noisy)", "no noise", "fit s (noisy)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in names:
        mine = [r for r in results if r[0] == name]
        acc = {s: np.mean([r[2] for r in mine if r[1] == s]) for s in [*settings, clean]}
        secs = np.mean([r[3] for r in mine if r[1] != clean])
        cells = " | ".join(f"{acc[s]:.3f}" for s in settings)
        mean = np.mean([acc[s] for s in settings])
        lines.append(f"| {name} | {cells} | **{mean:.3f}** | {acc[clean]:.3f} | {secs:.1f} |")
    lines.append("")
    lines.append(f"Mean test accuracy over {n_seeds} seeds (clean test labels).")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> str:
    """Run the benchmark, print the table, optionally write it to ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5, help="number of seeds (default 5)")
    parser.add_argument("--candidates", action="store_true", help="also run the default grid")
    parser.add_argument("--n-jobs", type=int, default=1, help="runs in parallel (processes)")
    parser.add_argument("--models", nargs="+", help="run only the models with these names")
    parser.add_argument("--estimator", choices=list(ESTIMATORS), default="scaled-lr")
    parser.add_argument("--out", type=Path, help="write the markdown table here")
    args = parser.parse_args(argv)
    chosen = {
        name: factory
        for name, factory in models(args.candidates, args.estimator).items()
        if args.models is None or name in args.models
    }
    jobs = [
        delayed(one_run)(name, factory, seed, kind, rate)
        for seed in range(args.seeds)
        for kind, rate in (*SETTINGS, CLEAN)
        for name, factory in chosen.items()
    ]
    results = Parallel(n_jobs=args.n_jobs)(jobs)
    text = table(results, args.seeds) + f" Estimator: {args.estimator}."
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return text


if __name__ == "__main__":
    main()
