"""Multi-label detection and speed: labelnoise.multilabel beside cleanlab 2.9.0.

Quality (``detect``): synthetic data (``sklearn.datasets.make_multilabel_classification``,
K = 4, 10, 50) and the real yeast set (K = 14, ``labelnoise.datasets.load_yeast``), with
simulated tag noise (``labelnoise.simulate.tag_noise``): ``missing`` drops 20% of the
present tags, ``wrong`` adds as many absent tags as 10% of the present ones, ``mixed``
does half of each. Two models, one-vs-rest logistic regression and random forest, give
3-fold cross-validated ``pred_probs`` on the noisy tags. The reference (cleanlab's
``multilabel_classification`` defaults, run in the same process on the same inputs) and
every candidate score are compared by example-level detection AUROC (an example is
noisy when any of its tags changed) and the F1 of the flagged set; ratios are ours /
reference. Candidates are chosen on the selection seeds and reported on the others.

Speed (``speed``): ``find_label_issues`` + ``label_quality_scores`` at 100,000 x 50
against the faster of cleanlab's ``n_jobs=1`` and its default process pool.

Usage::

    .venv/bin/python benchmarks/multilabel.py detect [--seeds 4] [--out results.csv]
    .venv/bin/python benchmarks/multilabel.py speed [--n 100000 --k 50 --repeats 3]
"""

from __future__ import annotations

import argparse
import hashlib
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import make_multilabel_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.model_selection import KFold, cross_val_predict
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from labelnoise import multilabel
from labelnoise.simulate import tag_noise

NOISE = {"missing": (0.2, 0.0), "wrong": (0.0, 0.1), "mixed": (0.1, 0.05)}
SYNTHETIC_K = (4, 10, 50)
N_SYNTHETIC = 1000


def dataset(name: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    if name == "yeast":
        from labelnoise.datasets import load_yeast

        data = load_yeast()
        return np.asarray(data.X), np.asarray(data.Y)
    k = int(name.removeprefix("synthetic_k"))
    X, Y = make_multilabel_classification(
        n_samples=N_SYNTHETIC,
        n_features=20,
        n_classes=k,
        n_labels=max(2, k // 5),
        allow_unlabeled=True,
        random_state=seed,
    )
    return X, Y.astype(bool)


def corrupt(Y: np.ndarray, noise: str, seed: int):
    drop, add_share = NOISE[noise]
    present, absent = Y.sum(), (~Y).sum()
    add = add_share * present / absent  # adds add_share of the present tags' count
    return tag_noise(Y, drop_rate=drop, add_rate=add, random_state=seed)


def model(name: str, seed: int):
    if name == "logreg":
        base = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    else:
        base = RandomForestClassifier(n_estimators=50, min_samples_leaf=2, random_state=seed)
    return OneVsRestClassifier(base)


def pred_probs(X, Y, model_name, seed, cache: Path) -> np.ndarray:
    digest = hashlib.sha256(np.ascontiguousarray(X).tobytes() + Y.tobytes()).hexdigest()[:16]
    key = cache / f"{model_name}-{seed}-{digest}.npy"
    if key.exists():
        return np.load(key)
    folds = KFold(3, shuffle=True, random_state=seed)
    out = cross_val_predict(
        model(model_name, seed), X, Y.astype(int), cv=folds, method="predict_proba"
    )
    cache.mkdir(parents=True, exist_ok=True)
    np.save(key, out)
    return out


def candidates() -> dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]]:
    """Ranking scores (lower = more likely noisy): the reference's and the alternatives."""
    out = {}
    for agg in ("exponential_moving_average", "softmin", "min", "likelihood"):
        for adjust in (False, True):
            name = f"{'adjusted_' if adjust else ''}self_confidence/{agg}"
            out[name] = lambda Y, P, a=agg, j=adjust: multilabel.label_quality_scores(
                Y, P, aggregation=a, adjust_pred_probs=j
            )
    for t in (0.05, 0.2):
        out[f"self_confidence/softmin_t{t}"] = lambda Y, P, t=t: multilabel.label_quality_scores(
            Y, P, aggregation="softmin", temperature=t
        )
    for alpha in (0.5, 0.95):
        out[f"self_confidence/ema_a{alpha}"] = lambda Y, P, a=alpha: (
            multilabel.label_quality_scores(Y, P, alpha=a)
        )
    return out


def reference(Y: np.ndarray, P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from cleanlab.multilabel_classification import filter as ref_filter
    from cleanlab.multilabel_classification import rank as ref_rank

    lists = [np.flatnonzero(r).tolist() for r in Y]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mask = ref_filter.find_label_issues(lists, P, n_jobs=1)
        scores = ref_rank.get_label_quality_scores(lists, P)
    return mask, scores


def flagged_by(scores: np.ndarray, count: int) -> np.ndarray:
    mask = np.zeros(scores.shape[0], dtype=bool)
    mask[np.argsort(scores, kind="stable")[:count]] = True
    return mask


def run_detect(seeds: int, cache: Path) -> pd.DataFrame:
    rows = []
    for data_name in (*(f"synthetic_k{k}" for k in SYNTHETIC_K), "yeast"):
        for seed in range(seeds):
            X, Y = dataset(data_name, seed)
            for noise in NOISE:
                sim = corrupt(Y, noise, seed)
                noisy, truth = np.asarray(sim.labels), np.asarray(sim.is_flipped)
                for model_name in ("logreg", "forest"):
                    P = pred_probs(X, noisy, model_name, seed, cache)
                    ref_mask, ref_scores = reference(noisy, P)
                    ours = multilabel.find_label_issues(noisy, P)
                    assert np.array_equal(ours.mask, ref_mask)  # parity, on real inputs
                    base = {
                        "data": data_name,
                        "K": Y.shape[1],
                        "seed": seed,
                        "noise": noise,
                        "model": model_name,
                        "noise_rate": float(truth.mean()),
                    }
                    rows.append(
                        {
                            **base,
                            "detector": "reference",
                            "auroc": roc_auc_score(truth, -ref_scores),
                            "f1": f1_score(truth, ref_mask),
                            "flagged": int(ref_mask.sum()),
                        }
                    )
                    for name, score in candidates().items():
                        s = score(noisy, P)
                        rows.append(
                            {
                                **base,
                                "detector": name,
                                "auroc": roc_auc_score(truth, -s),
                                "f1": f1_score(truth, flagged_by(s, int(ref_mask.sum()))),
                                "flagged": int(ref_mask.sum()),
                            }
                        )
                    print(data_name, seed, noise, model_name, flush=True)
    return pd.DataFrame(rows)


def summarize(frame: pd.DataFrame, selection_seeds: int) -> None:
    keys = ["data", "noise", "model"]
    select = frame[frame.seed < selection_seeds]
    report = frame[frame.seed >= selection_seeds] if frame.seed.max() >= selection_seeds else frame
    means = select.groupby(["detector"])[["auroc", "f1"]].mean().sort_values("auroc")
    print("\nSelection seeds: mean over settings\n", means.round(4).to_string())
    best = means.drop(index="reference").auroc.idxmax()
    print(f"\nbest candidate by AUROC on the selection seeds: {best}")
    table = report.groupby([*keys, "detector"])[["auroc", "f1"]].mean().unstack("detector")
    side = pd.DataFrame(
        {
            "ref_auroc": table["auroc"]["reference"],
            "ours_auroc": table["auroc"][best],
            "ref_f1": table["f1"]["reference"],
            "ours_f1": table["f1"][best],
        }
    )
    side.insert(0, "noise_rate", report.groupby(keys).noise_rate.mean())
    side["auroc_ratio"] = side.ours_auroc / side.ref_auroc
    side["f1_ratio"] = side.ours_f1 / side.ref_f1
    print("\nReport seeds, ours (" + best + ") vs reference\n", side.round(3).to_string())
    wins = (side.ours_auroc >= side.ref_auroc).mean()
    f1_wins = (side.ours_f1 >= side.ref_f1).mean()
    print(f"\nours >= reference in {wins:.0%} of settings (AUROC), {f1_wins:.0%} (F1)")


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
    detect.add_argument("--seeds", type=int, default=2)
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
    frame = pd.read_csv(args.summarize) if args.summarize else run_detect(args.seeds, args.cache)
    if args.out:
        frame.to_csv(args.out, index=False)
    summarize(frame, args.selection_seeds)


if __name__ == "__main__":
    main()
