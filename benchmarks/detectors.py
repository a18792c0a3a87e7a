"""Compare label-issue detectors by F1 against the true flip mask, and on real label errors.

The default suite: scikit-learn's digits, wine and breast cancer, and a 10k subsample of
Fashion-MNIST (Debian ``dataset-fashion-mnist``), each corrupted by the simulators of
``labelnoise.simulate`` (symmetric 10/20/40/60%, pairflip 20/40%, a random sparse
transition matrix, instance-dependent 20/40%, CIFAR-10N human noise "worst" and
"aggregate" on the 10-class sets) with 3 seeds. Out-of-sample ``pred_probs`` come from
5-fold cross-validation of a standardized ``LogisticRegression`` (and, for the ensemble
rows, of a standardized 15-nearest-neighbour classifier); they are cached as ``.npz``
under ``--cache`` so that only the first run trains models. One setting outside the
suite, open-set noise (``openset20``: classes 8 and 9 out of distribution, with random
known labels), is reported in its own table.

Every detector answers with a mask; we report its F1 against ``is_flipped``. "oracle" is
the F1 of flagging, by the lowest ``normalized_margin``, exactly as many examples as are
truly wrong: the best any count estimate can do with that ranking. Seed 0 is the tuning
split used to choose ``method="auto"``; seeds 1 and 2 confirm it.

On the label-errors test sets (MNIST and CIFAR-10, "Pervasive Label Errors in Test
Sets") only the flagged candidates were reviewed by humans, so we report each method's
precision among the reviewed rows it flags, next to the default's at the same count.

Usage::

    .venv/bin/python benchmarks/detectors.py cache                  # train and cache
    .venv/bin/python benchmarks/detectors.py evaluate               # F1 of every detector
    .venv/bin/python benchmarks/detectors.py ann --n 200000 > ann.md  # ANN index choice
    .venv/bin/python benchmarks/detectors.py report --ann ann.md    # docs/detectors.md
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

CACHE = Path("/tmp/labelnoise_detectors_cache")
DATASETS = ("digits", "wine", "breast_cancer", "fashion10k")
NOISES = (
    "symmetric10",
    "symmetric20",
    "symmetric40",
    "symmetric60",
    "pairflip20",
    "pairflip40",
    "sparseT30",
    "instance20",
    "instance40",
    "human_worst",
    "human_aggregate",
)
#: Settings outside the default suite (reported in their own table): open-set noise,
#: examples of classes missing from the label set carrying a random known label.
EXTRA_NOISES = ("openset20",)
SEEDS = (0, 1, 2)
TUNE_SEEDS = (0,)


@dataclass(frozen=True)
class Setting:
    dataset: str
    noise: str
    seed: int

    @property
    def key(self) -> str:
        return f"{self.dataset}_{self.noise}_{self.seed}"


def valid(dataset: str, noise: str, n_classes: int) -> bool:
    """Human noise needs 10 classes; more than (K-1)/K symmetric noise is unidentifiable."""
    if noise.startswith("human"):
        return n_classes == 10
    if noise == "symmetric60":
        return n_classes > 2
    if noise == "openset20":
        return n_classes == 10
    return True


# --------------------------------------------------------------------------------------------
# Data, noise and cached pred_probs
# --------------------------------------------------------------------------------------------


def load_features(dataset: str) -> tuple[np.ndarray, np.ndarray]:
    """Standardized features (float32) and true labels."""
    from labelnoise.datasets import load_fashion_mnist, load_sklearn

    if dataset == "fashion10k":
        data = load_fashion_mnist(split="train", subsample=10_000, random_state=0)
    else:
        data = load_sklearn(dataset)  # type: ignore[arg-type]
    X = np.asarray(data.X, dtype=np.float64).reshape(len(data.y), -1)
    std = X.std(axis=0)
    X = (X - X.mean(axis=0)) / np.where(std > 0, std, 1.0)
    return X.astype(np.float32), np.asarray(data.y, dtype=np.int64)


def corrupt(noise: str, X: np.ndarray, y: np.ndarray, seed: int) -> np.ndarray:
    """Noisy labels for one setting."""
    from labelnoise import simulate

    k = int(y.max()) + 1
    rng = np.random.default_rng([seed, 5])
    if noise.startswith("symmetric"):
        result = simulate.symmetric(y, noise_rate=int(noise[9:]) / 100, random_state=rng)
    elif noise.startswith("pairflip"):
        result = simulate.pairflip(y, noise_rate=int(noise[8:]) / 100, random_state=rng)
    elif noise == "sparseT30":
        T = simulate.random_transition_matrix(
            k, noise_rate=0.3, frac_zero_noise_rates=0.6, random_state=rng
        )
        result = simulate.from_transition_matrix(y, T, random_state=rng)
    elif noise == "openset20":
        # classes 8 and 9 (about 20% of the rows) are out of distribution: the label set
        # is 0-7 and each of their examples carries a uniformly random one of those
        noisy = y.copy()
        outside = y >= 8
        noisy[outside] = rng.integers(0, 8, int(outside.sum()))
        return noisy
    elif noise.startswith("instance"):
        result = simulate.instance_dependent(
            X, y, noise_rate=int(noise[8:]) / 100, random_state=rng
        )
    else:
        source = {"human_worst": "cifar10n_worst", "human_aggregate": "cifar10n_aggregate"}
        result = simulate.human_noise(y, source=source[noise], random_state=rng)  # type: ignore[arg-type]
    return np.asarray(result.labels, dtype=np.int64)


def _models() -> dict[str, object]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier

    return {
        "logreg": LogisticRegression(C=0.05, max_iter=300),
        "knn15": KNeighborsClassifier(n_neighbors=15),
    }


def build_one(setting: Setting, cache: Path) -> str:
    """Noisy labels and out-of-sample pred_probs of one setting, saved to the cache."""
    from labelnoise.learn import cross_val_pred_probs

    path = cache / f"{setting.key}.npz"
    if path.exists():
        return f"{setting.key}: cached"
    start = time.perf_counter()
    X, y = load_features(setting.dataset)
    noisy = corrupt(setting.noise, X, y, setting.seed)
    probs = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, model in _models().items():
            probs[name] = cross_val_pred_probs(
                model, X, noisy, cv=5, random_state=setting.seed
            ).astype(np.float64)
    tmp = cache / f"{setting.key}.tmp.npz"
    np.savez(tmp, true=y, noisy=noisy, **probs)
    tmp.rename(path)
    return f"{setting.key}: {time.perf_counter() - start:.1f}s"


def settings() -> Iterator[Setting]:
    n_classes = {"digits": 10, "wine": 3, "breast_cancer": 2, "fashion10k": 10}
    for dataset in DATASETS:
        for noise in (*NOISES, *EXTRA_NOISES):
            if valid(dataset, noise, n_classes[dataset]):
                for seed in SEEDS:
                    yield Setting(dataset, noise, seed)


def build_cache(cache: Path, jobs: int) -> None:
    cache.mkdir(parents=True, exist_ok=True)
    # small datasets first so evaluation can start early
    todo = sorted(settings(), key=lambda s: (s.dataset == "fashion10k", s.seed, s.key))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for message in pool.map(build_one, todo, [cache] * len(todo)):
            print(message, flush=True)


@dataclass(frozen=True)
class Loaded:
    setting: Setting
    true: np.ndarray
    noisy: np.ndarray
    probs: dict[str, np.ndarray]
    features: np.ndarray

    @property
    def is_flipped(self) -> np.ndarray:
        return self.true != self.noisy


def load_cached(cache: Path, seeds: tuple[int, ...]) -> list[Loaded]:
    features: dict[str, np.ndarray] = {}
    out = []
    for setting in settings():
        path = cache / f"{setting.key}.npz"
        if setting.seed not in seeds or not path.exists():
            continue
        if setting.dataset not in features:
            features[setting.dataset] = load_features(setting.dataset)[0]
        with np.load(path) as f:
            probs = {name: f[name] for name in _models()}
            out.append(Loaded(setting, f["true"], f["noisy"], probs, features[setting.dataset]))
    return out


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------

CL_METHODS = (
    "prune_by_noise_rate",
    "prune_by_class",
    "both",
    "confident_learning",
    "predicted_neq_given",
    "low_normalized_margin",
    "low_self_confidence",
)


def f1_score(mask: np.ndarray, truth: np.ndarray) -> float:
    tp = int(np.count_nonzero(mask & truth))
    return 2 * tp / max(1, int(mask.sum()) + int(truth.sum()))


def _lowest(scores: np.ndarray, k: int) -> np.ndarray:
    mask = np.zeros(scores.shape[0], dtype=bool)
    mask[np.argsort(scores, kind="stable")[:k]] = True
    return mask


def _auto_ablations(y: np.ndarray, pp: np.ndarray) -> dict[str, np.ndarray]:
    """auto's count with its two rankings alone and with a fixed half-half mix."""
    from labelnoise import label_quality_scores
    from labelnoise._validation import check_problem
    from labelnoise.detect._auto import auto_flags, label_posterior
    from labelnoise.detect._ensemble import rank_average
    from labelnoise.noise._pass import confident_pass

    problem = check_problem(y, pp)
    stats = confident_pass(problem)
    posterior = label_posterior(problem, stats)
    margin = label_quality_scores(y, pp, method="normalized_margin")
    return {
        "auto, posterior only": auto_flags(problem, stats, posterior),
        "auto, margin only": auto_flags(problem, stats, margin),
        "auto, fixed 50/50 mix": auto_flags(problem, stats, rank_average([posterior, margin])),
    }


def detector_masks(loaded: Loaded) -> dict[str, np.ndarray]:
    """Every detector's mask on one setting (pred_probs of the logistic regression)."""
    from labelnoise import find_label_issues, label_quality_scores

    y, pp, X = loaded.noisy, loaded.probs["logreg"], loaded.features
    both = [pp, loaded.probs["knn15"]]
    out = {f"cl:{m}": find_label_issues(y, pp, method=m).mask for m in CL_METHODS}
    auto = find_label_issues(y, pp, method="auto")
    out["auto"] = auto.mask
    out.update(_auto_ablations(y, pp))
    n_true = int(loaded.is_flipped.sum())
    out["oracle: true count, auto ranking"] = _lowest(auto.scores, n_true)
    margin = label_quality_scores(y, pp, method="normalized_margin")
    out["oracle: true count, normalized_margin"] = _lowest(margin, n_true)
    out["small_loss"] = find_label_issues(y, pp, method="small_loss").mask
    out["small_loss (beta)"] = find_label_issues(y, pp, method="small_loss", mixture="beta").mask
    for ensemble in ("mean", "rank", "weighted"):
        out[f"auto, 2 models ({ensemble})"] = find_label_issues(
            y, both, method="auto", ensemble=ensemble
        ).mask
    out["cl:prune_by_noise_rate, 2 models (mean)"] = find_label_issues(y, both).mask
    if loaded.setting.dataset == "fashion10k":  # feature methods: small datasets only (time)
        return out
    out["knn (features)"] = find_label_issues(y, features=X, method="knn").mask
    out["auto (features)"] = find_label_issues(y, features=X, method="auto").mask
    out["auto (pred_probs + features)"] = find_label_issues(y, pp, features=X, method="auto").mask
    out["linear_separation"] = find_label_issues(y, pp, features=X, method="linear_separation").mask
    out["linear_separation_small_loss"] = find_label_issues(
        y, pp, features=X, method="linear_separation_small_loss"
    ).mask
    return out


def _score_setting(loaded: Loaded) -> dict[str, object]:
    masks = detector_masks(loaded)
    row: dict[str, object] = {
        "dataset": loaded.setting.dataset,
        "noise": loaded.setting.noise,
        "seed": loaded.setting.seed,
        "noise_rate": float(loaded.is_flipped.mean()),
    }
    row.update({name: f1_score(mask, loaded.is_flipped) for name, mask in masks.items()})
    return row


def evaluate(cache: Path, jobs: int) -> Any:
    import pandas as pd

    data = load_cached(cache, SEEDS)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        rows = list(pool.map(_score_setting, data, chunksize=4))
    return pd.DataFrame(rows)


def label_errors_precision(folder: Path) -> list[dict[str, object]]:
    """Precision among human-reviewed rows, default vs auto at the same number flagged."""
    from labelnoise import find_label_issues
    from labelnoise.datasets import load_label_errors

    rows = []
    for name in ("mnist", "cifar10"):
        data = load_label_errors(folder, dataset=name)  # type: ignore[arg-type]
        verified = data.verified
        default = find_label_issues(data.labels, data.pred_probs)
        auto = find_label_issues(data.labels, data.pred_probs, method="auto")
        count = len(default)
        for label, ranked in (
            ("default (prune_by_noise_rate)", default.indices),
            ("auto, top-N at the default's count", auto.indices[:count]),
            ("auto (own count)", auto.indices),
        ):
            reviewed = [verified[i] for i in ranked.tolist() if i in verified]
            rows.append(
                {
                    "dataset": name,
                    "detector": label,
                    "flagged": len(ranked),
                    "reviewed": len(reviewed),
                    "verified errors": int(np.sum(reviewed)),
                    "precision among reviewed": float(np.mean(reviewed)) if reviewed else 0.0,
                }
            )
    return rows


FLOOR_SHARES = (0.02, 0.05, 0.1, 0.2, 0.5)


def floor_sensitivity(cache: Path, folder: Path) -> str:
    """``auto``'s suite F1, win rate over ``prune_by_class`` and label-errors precision for
    several smoothing floors (``detect._auto.NOISE_FLOOR``), as a markdown table."""
    from labelnoise import find_label_issues
    from labelnoise.datasets import load_label_errors
    from labelnoise.detect import _auto

    runs = [r for r in load_cached(cache, SEEDS) if r.setting.noise not in EXTRA_NOISES]
    sets = [load_label_errors(folder, dataset=name) for name in ("mnist", "cifar10")]  # type: ignore[arg-type]
    baseline = [
        f1_score(
            find_label_issues(r.noisy, r.probs["logreg"], method="prune_by_class").mask,
            r.is_flipped,
        )
        for r in runs
    ]
    lines = [
        "| floor share | auto mean F1 | auto wins (runs) | MNIST verified / reviewed "
        "| CIFAR-10 verified / reviewed |",
        "|---|---|---|---|---|",
    ]
    default = _auto.NOISE_FLOOR
    try:
        for share in FLOOR_SHARES:
            _auto.NOISE_FLOOR = share
            f1 = [
                f1_score(
                    find_label_issues(r.noisy, r.probs["logreg"], method="auto").mask, r.is_flipped
                )
                for r in runs
            ]
            cells = []
            for data in sets:
                count = len(find_label_issues(data.labels, data.pred_probs))
                ranked = find_label_issues(data.labels, data.pred_probs, method="auto").indices
                reviewed = [data.verified[i] for i in ranked[:count].tolist() if i in data.verified]
                cells.append(f"{sum(reviewed)} / {len(reviewed)}")
            wins = np.mean(np.array(f1) > np.array(baseline))
            mark = " (default)" if share == default else ""
            lines.append(
                f"| {share:g}{mark} | {np.mean(f1):.3f} | {wins:.0%} | {cells[0]} | {cells[1]} |"
            )
    finally:
        _auto.NOISE_FLOOR = default
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def _table(frame: Any, digits: int = 3) -> str:
    """A pandas frame as a GitHub markdown table (index included)."""
    frame = frame.reset_index()
    head = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = [
        "| " + " | ".join(f"{v:.{digits}f}" if isinstance(v, float) else str(v) for v in row) + " |"
        for row in frame.itertuples(index=False)
    ]
    return "\n".join([head, rule, *body])


def summarize(df: Any) -> dict[str, Any]:
    """Best CL method, auto's mean F1 and win rates, on all seeds and on each split."""
    import pandas as pd

    methods = [c for c in df.columns if c not in ("dataset", "noise", "seed", "noise_rate")]
    cl = [m for m in methods if m.startswith("cl:") and "models" not in m]
    best = str(df[cl].mean().idxmax())
    out: dict[str, Any] = {"best_cl": best, "methods": methods}
    for split, seeds in (
        ("tune", TUNE_SEEDS),
        ("confirm", tuple(set(SEEDS) - set(TUNE_SEEDS))),
        ("all", SEEDS),
    ):
        part = df[df["seed"].isin(seeds)]
        per_setting = part.groupby(["dataset", "noise"])[methods].mean()
        out[split] = {
            "n_runs": len(part),
            "n_settings": len(per_setting),
            "mean": part[methods].mean(),
            "win_runs": float((part["auto"] > part[best]).mean()),
            "tie_runs": float((part["auto"] == part[best]).mean()),
            "win_settings": float((per_setting["auto"] > per_setting[best]).mean()),
            "per_setting": per_setting,
        }
    out["pd"] = pd
    return out


def render(
    df: Any, label_rows: list[dict[str, object]], ann_rows: str, floor_rows: str = ""
) -> str:
    import pandas as pd

    extra = df[df["noise"].isin(EXTRA_NOISES)]
    df = df[~df["noise"].isin(EXTRA_NOISES)]
    s = summarize(df)
    best, full = s["best_cl"], s["all"]
    mean = full["mean"].sort_values(ascending=False)
    lines = [
        "# Detectors compared",
        "",
        "Produced by `benchmarks/detectors.py` (`cache`, then `evaluate`, then `report`);",
        "rerun it to refresh every number here. F1 is measured against the true flip mask.",
        "Suite: digits, wine, breast cancer (scikit-learn) and a 10k subsample of",
        "Fashion-MNIST; noise: symmetric 10/20/40/60% (60% skipped for 2 classes),",
        "pair-flip 20/40%, a random sparse transition matrix (30%, 60% zero cells),",
        "instance-dependent 20/40% (Xia et al.), CIFAR-10N human noise `worst` and",
        "`aggregate` (10-class sets only); seeds 0, 1, 2. `pred_probs`: 5-fold",
        "cross-validated standardized `LogisticRegression(C=0.05)`; the second model of",
        "the ensemble rows is a 15-nearest-neighbour classifier. Features: the",
        "standardized inputs (feature-based rows on the three small datasets only, for",
        "time). Breast cancer has 2 classes, where symmetric and pair-flip noise coincide.",
        "",
        '`method="auto"` counts with the calibrated confident joint and ranks by a mix of',
        "two percentile ranks, the noise-aware label posterior and the normalized margin,",
        "the posterior weighing `min(1, 1/2 + S)` with `S` the estimated noise's structure",
        "(`detect/_auto.py`). The count and the posterior were chosen on seed 0 (the tuning",
        "split) among candidate counts (off-diagonal, calibrated, prune count, mixture) and",
        "rankings (self confidence, normalized margin, both threshold-adjusted, entropy, the",
        "posterior with subtracted or divided thresholds). The adaptive mix was added in a",
        "second round, choosing its form (base 0.4-0.6, slope 1-2, margin or self",
        "confidence as partner) on all three seeds of the three small datasets and four",
        "Fashion-MNIST settings, so for it the tune/confirm split below is not a clean",
        "holdout; the `auto, ...` ablation rows show what each part contributes.",
        "A third round changed two estimates, not the form: the noise matrix's smoothing",
        "floor is now 5% of the estimated noise rate (it was a fixed 1%, seven times the",
        "whole noise rate on the MNIST label-errors set, where it made every confusion look",
        "alike), and `S` is the unbiased Simpson concentration of the uncalibrated joint's",
        "off-diagonal counts (the largest cell's share read few, evenly spread errors as",
        "structured). Both were prompted by the MNIST miss below and a code review; any",
        "floor share from 2% to 50% gave the same MNIST result (see the sensitivity table),",
        "but the label-errors rows are not a clean holdout for these changes either.",
        "",
        "## Headline",
        "",
    ]
    for split in ("tune", "confirm", "all"):
        part = s[split]
        lines.append(
            f"- **{split}** ({part['n_runs']} runs, {part['n_settings']} settings): auto mean "
            f"F1 {part['mean']['auto']:.3f} vs best confident-learning method `{best}` "
            f"{part['mean'][best]:.3f}; auto wins {part['win_runs']:.0%} of runs (ties "
            f"{part['tie_runs']:.0%}) and {part['win_settings']:.0%} of settings "
            "(F1 averaged over seeds)."
        )
    oracle = full["mean"]["oracle: true count, auto ranking"]
    lines += [
        f"- Oracle (true number of errors, flag the lowest auto scores): mean F1 {oracle:.3f};",
        "  with the lowest normalized margins instead: "
        f"{full['mean']['oracle: true count, normalized_margin']:.3f}.",
        "",
        "Targets of the issue: mean F1 above the best CL method's — "
        + ("**met**" if full["mean"]["auto"] > full["mean"][best] else "**not met**")
        + f"; wins in at least 70% of settings — **{full['win_settings']:.0%} of settings, "
        + f"{full['win_runs']:.0%} of runs**: "
        + ("**met**" if full["win_settings"] >= 0.7 else "**not met**")
        + ".",
        "",
        "## Mean F1 of every detector (all runs where it ran)",
        "",
        _table(pd.DataFrame({"mean F1": mean, "runs": df[mean.index].notna().sum()})),
        "",
        "## Mean F1 per setting (over seeds)",
        "",
    ]
    keep = [
        best,
        "auto",
        "auto, posterior only",
        "oracle: true count, auto ranking",
        "small_loss",
        "auto, 2 models (mean)",
        "auto (pred_probs + features)",
        "knn (features)",
        "linear_separation",
    ]
    lines.append(_table(full["per_setting"][[k for k in keep if k in df.columns]]))
    lines += [
        "",
        "## Label-errors test sets: precision among human-reviewed rows",
        "",
        "Only rows that confident learning flagged were shown to reviewers, so a",
        "detector is judged by the share of verified errors among the flagged rows",
        "that were reviewed; `auto` is cut to the default's number flagged. The",
        "comparison is small: MNIST's default flags 15 rows, so one row moves the",
        "precision by 0.067, and on CIFAR-10 one verified error more or less decides it.",
        "",
        _table(pd.DataFrame(label_rows).set_index("dataset")),
        "",
    ]
    precision = {(r["dataset"], r["detector"]): r["precision among reviewed"] for r in label_rows}
    for name in ("mnist", "cifar10"):
        ok = (
            precision[(name, "auto, top-N at the default's count")]
            >= precision[(name, "default (prune_by_noise_rate)")]
        )
        lines.append(
            f"- {name}: auto's precision among reviewed rows at the default's count is "
            + ("at least" if ok else "**below**")
            + " the default's: target "
            + ("**met**." if ok else "**not met**.")
        )
    if len(extra):
        methods = [c for c in extra.columns if c not in ("dataset", "noise", "seed", "noise_rate")]
        by_dataset = extra.groupby("dataset")[methods].mean().T.dropna(how="all")
        by_dataset = by_dataset.sort_values(by_dataset.columns[0], ascending=False)
        lines += [
            "",
            "## Open-set noise (outside the suite)",
            "",
            "`openset20`, on the 10-class sets: classes 8 and 9 (about 20% of the rows)",
            "are out of distribution, the label set is 0-7, and each of their examples",
            "carries a uniformly random known label; every one of them counts as a wrong",
            "label. This is the noise `linear_separation` was designed for (web-crawled",
            "images of no class), here in raw standardized inputs rather than the",
            "contrastive embeddings of the paper. Mean F1 over seeds (feature-based rows on",
            "digits only):",
            "",
            _table(by_dataset),
            "",
            "Confident learning's count, and so `auto`, fails here: the model is unsure",
            "about the out-of-distribution rows, they reach no class's threshold, and the",
            "confident joint hardly counts them (F1 below 0.1 on digits, though the oracle",
            "row shows the ranking itself is fine). Detectors that do not count through",
            "confident thresholds (`predicted_neq_given`, `small_loss`,",
            "`linear_separation`) find most of them. When web or open-set noise is",
            "suspected, use those; `auto` is built for label flips among known classes.",
        ]
    lines += [
        "",
        "## Notes",
        "",
        "- The count (calibrated confident joint) is close to the truth: flagging the",
        "  true number of errors with the same ranking gains little (oracle row). The",
        "  gain over confident learning comes from the ranking: the noise-aware",
        "  posterior helps most under structured noise (pair-flip, sparse T, human),",
        "  the normalized margin under near-uniform noise, where the posterior alone",
        "  lost narrowly to `prune_by_class` (compare the `auto, posterior only` and",
        "  `auto, margin only` rows); the structure-weighted mix keeps most of both.",
        "- Two models beat one; with features as well, `auto` is best overall. `knn`",
        "  alone is a good training-free baseline when features are good (digits).",
        "- `small_loss` over-flags at low noise (the mixture always finds two modes;",
        "  rows whose label is the model's top class are never flagged, which helps);",
        "  `linear_separation` targets out-of-distribution web noise (see the",
        "  open-set table) and trails on in-distribution flips.",
        "",
    ]
    if floor_rows:
        lines += [
            "## Sensitivity to the smoothing floor",
            "",
            "The noise matrix's floor is a share of the estimated noise rate (default 5%);",
            "`auto` on the suite and on the label-errors sets for other shares:",
            "",
            floor_rows,
            "",
        ]
    if ann_rows:
        lines += ["## Approximate neighbours above 100k rows", "", ann_rows, ""]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# Approximate nearest neighbours: which index to use above 100k rows
# --------------------------------------------------------------------------------------------


def ann_data(kind: str, n: int, dim: int, seed: int) -> np.ndarray:
    """Unit-norm float32 rows: ``random`` (isotropic Gaussian, the hard case) or
    ``clustered`` (200 Gaussian clusters, like embeddings of a labelled dataset)."""
    rng = np.random.default_rng(seed)
    if kind == "random":
        x = rng.standard_normal((n, dim), dtype=np.float32)
    else:
        centres = rng.standard_normal((200, dim), dtype=np.float32) * 2.0
        x = centres[rng.integers(0, 200, n)] + rng.standard_normal((n, dim), dtype=np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def exact_neighbours(x: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    out = []
    for part in np.array_split(queries, max(1, queries.size // 250)):
        sims = x[part] @ x.T
        sims[np.arange(part.size), part] = -np.inf
        out.append(np.argpartition(sims, -k, axis=1)[:, -k:])
    return np.concatenate(out)


def _faiss_hnsw(x: np.ndarray, k: int, seed: int) -> np.ndarray:
    import faiss

    index = faiss.IndexHNSWFlat(x.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = 80
    index.add(x)
    index.hnsw.efSearch = 64
    return index.search(x, k + 1)[1]


def _faiss_ivf(x: np.ndarray, k: int, seed: int) -> np.ndarray:
    import faiss

    quantizer = faiss.IndexFlatIP(x.shape[1])
    index = faiss.IndexIVFFlat(quantizer, x.shape[1], 1024, faiss.METRIC_INNER_PRODUCT)
    index.cp.seed = seed
    index.train(x)
    index.add(x)
    index.nprobe = 16
    return index.search(x, k + 1)[1]


def _pynndescent(x: np.ndarray, k: int, seed: int) -> np.ndarray:
    import pynndescent

    index = pynndescent.NNDescent(x, metric="cosine", n_neighbors=k + 1, random_state=seed)
    return index.neighbor_graph[0]


ANN_METHODS: dict[str, Callable[[np.ndarray, int, int], np.ndarray]] = {
    "faiss HNSW32 (efSearch 64)": _faiss_hnsw,
    "faiss IVF1024 (nprobe 16)": _faiss_ivf,
    "pynndescent NNDescent": _pynndescent,
}


def ann_benchmark(n: int, dim: int, k: int, n_queries: int = 2000) -> list[dict[str, object]]:
    """Time to find the k nearest neighbours of *every* row (build + query), and recall@k
    against exact search on ``n_queries`` random rows."""
    rows = []
    warm = ann_data("clustered", 2000, dim, seed=9)
    for method in ANN_METHODS.values():  # compile numba code etc. outside the timings
        try:
            method(warm, k, 0)
        except ImportError:
            pass
    for kind in ("random", "clustered"):
        x = ann_data(kind, n, dim, seed=0)
        queries = np.random.default_rng(1).choice(n, size=n_queries, replace=False)
        truth = exact_neighbours(x, queries, k)
        start = time.perf_counter()
        sample = min(n, 10_000)  # exact, blocked, on 10k query rows, scaled to all n
        for q in np.array_split(np.arange(sample), max(1, sample // 500)):
            np.argpartition(x[q] @ x.T, -k, axis=1)
        exact_s = (time.perf_counter() - start) * n / sample
        rows.append(
            {"data": kind, "method": "exact (blocked matmul)", "seconds": exact_s, "recall": 1.0}
        )
        for name, method in ANN_METHODS.items():
            try:
                start = time.perf_counter()
                found = method(x, k, 0)
                seconds = time.perf_counter() - start
            except ImportError as exc:
                print(f"{name}: not installed ({exc})", file=sys.stderr)
                continue
            hits = [
                len(set(truth[i]) & (set(found[q].tolist()) - {q})) for i, q in enumerate(queries)
            ]
            rows.append(
                {
                    "data": kind,
                    "method": name,
                    "seconds": seconds,
                    "recall": float(np.sum(hits)) / (k * n_queries),
                }
            )
            print(rows[-1], flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("cache", help="train models and cache pred_probs")
    c.add_argument("--cache", type=Path, default=CACHE)
    c.add_argument("--jobs", type=int, default=2)
    e = sub.add_parser("evaluate", help="F1 of every detector on the cached settings")
    e.add_argument("--cache", type=Path, default=CACHE)
    e.add_argument("--jobs", type=int, default=2)
    e.add_argument("--results", type=Path, default=Path("/tmp/labelnoise_detectors.csv"))
    r = sub.add_parser("report", help="write docs/detectors.md from the evaluation")
    r.add_argument("--results", type=Path, default=Path("/tmp/labelnoise_detectors.csv"))
    r.add_argument("--label-errors", type=Path, default=Path("../shared/data/label-errors"))
    r.add_argument("--ann", type=Path, default=None, help="markdown table from `ann`")
    r.add_argument("--cache", type=Path, default=CACHE)
    r.add_argument("--out", type=Path, default=Path("docs/detectors.md"))
    a = sub.add_parser("ann", help="recall and time of approximate neighbour indexes")
    a.add_argument("--n", type=int, default=200_000)
    a.add_argument("--dim", type=int, default=128)
    a.add_argument("--k", type=int, default=10)
    args = parser.parse_args(argv)
    if args.command == "cache":
        build_cache(args.cache, args.jobs)
    elif args.command == "evaluate":
        evaluate(args.cache, args.jobs).to_csv(args.results, index=False)
    elif args.command == "report":
        import pandas as pd

        ann_rows = args.ann.read_text() if args.ann else ""
        text = render(
            pd.read_csv(args.results),
            label_errors_precision(args.label_errors),
            ann_rows,
            floor_sensitivity(args.cache, args.label_errors),
        )
        args.out.write_text(text)
    elif args.command == "ann":
        for row in ann_benchmark(args.n, args.dim, args.k):
            print(
                f"| {row['data']} | {row['method']} | {row['seconds']:.1f} | {row['recall']:.3f} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
