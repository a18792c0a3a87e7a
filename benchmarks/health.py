"""Data-health checks (``labelnoise.health``) against cleanlab's ``Datalab``, same features.

Four parts (``--part``, default all):

* ``planted``: 2,000 CIFAR-10 test images with jittered copies of 100 of them (a random
  28-31 px crop resized back to 32 px, contrast x U(0.9, 1.1) per channel, brightness
  +-10), as raw pixels and as :func:`labelnoise.health.image_signature`; and
  scikit-learn's digits (8x8, 64 pixel features) with 40 planted outliers (Fashion-MNIST
  images shrunk to 8x8 and scaled to the digits' range). Precision and recall of the
  flagged rows for labelnoise and ``Datalab`` (its ``near_duplicate`` and ``outlier``
  issues with the same features), and their times. ``--sweep`` adds labelnoise's
  precision and recall at other thresholds (how the defaults were chosen).
* ``cifar``: CIFAR-10 test rows with a near copy in train, from the shared embeddings
  alone and combined with :func:`labelnoise.health.image_signature` of the JPEGs.
  ``--published CSV`` (Barz & Denzler's ``duplicates_cifar10.csv``, not shipped here)
  adds agreement with their list. Writes a grid of flagged pairs (``--grid PNG``).
* ``few``: random Gaussian rows in 1 to 8 columns (how often ordinary rows are called
  copies, and the threshold used after the few-dimensions cap) and planted copies in
  them (near: noise 1e-3; identical), for ``find_duplicates`` and ``find_leakage``.
* ``speed``: every check (``check_health``) on 50,000 x 1,280 features (the CIFAR-10
  train embeddings rotated into 1,280 columns), CIFAR-10N labels and a ResNet-18's
  pred_probs, with the recall of the approximate neighbour graph; and ``Datalab`` against
  labelnoise on the first ``--peer-rows`` rows.

``Datalab`` needs the PyPI package ``datasets``. Times are wall-clock on a shared machine;
each part runs both tools in the same process, one after the other.

Usage::

    .venv/bin/python benchmarks/health.py --data ../shared/data
    .venv/bin/python benchmarks/health.py --part planted --seeds 5 --sweep
    .venv/bin/python benchmarks/health.py --part cifar --published duplicates_cifar10.csv \
        --grid docs/img/health_cifar10_leakage_pairs.png
    .venv/bin/python benchmarks/health.py --part few --seeds 5
    .venv/bin/python benchmarks/health.py --part speed
"""

from __future__ import annotations

import argparse
import csv
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from labelnoise.health import check_health, find_duplicates, find_leakage, image_signature
from labelnoise.health import outlier_scores as ln_outliers


def _timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def _pr(flagged: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    tp = int(np.count_nonzero(flagged & truth))
    return tp / max(1, int(flagged.sum())), tp / max(1, int(truth.sum()))


# ------------------------------------------------------------------------------- planted


def _shrink(images: np.ndarray, size: int = 8) -> np.ndarray:
    """Resize 28x28 images to ``size`` x ``size`` (bilinear)."""
    from scipy.ndimage import zoom

    return np.stack([zoom(im.astype(np.float64), size / im.shape[0], order=1) for im in images])


def planted_outliers(seed: int, n_outliers: int = 40) -> dict[str, np.ndarray]:
    """Digits (64 pixels) with Fashion-MNIST images shrunk to 8x8 and scaled to 0..16."""
    from sklearn.datasets import load_digits

    from labelnoise.datasets import load_fashion_mnist

    rng = np.random.default_rng(seed)
    digits = load_digits()
    fashion = load_fashion_mnist(split="test", subsample=n_outliers, random_state=seed).X
    odd = _shrink(np.asarray(fashion).reshape(-1, 28, 28)) / 255 * 16
    features = np.concatenate([digits.data, odd.reshape(-1, 64)])
    labels = np.concatenate([digits.target, rng.integers(0, 10, n_outliers)])
    truth = np.r_[np.zeros(digits.data.shape[0], bool), np.ones(n_outliers, bool)]
    order = rng.permutation(features.shape[0])
    return {"X": features[order], "y": labels[order], "truth": truth[order]}


def _jitter(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A near copy: a random crop of 28-31 px resized back to 32, colour jitter."""
    from PIL import Image

    size = int(rng.integers(28, 32))
    r, c = rng.integers(0, 32 - size + 1, size=2)
    crop = Image.fromarray(image[r : r + size, c : c + size]).resize(
        (32, 32), Image.Resampling.BILINEAR
    )
    out = np.asarray(crop).astype(np.float64)
    out = out * rng.uniform(0.9, 1.1, size=3) + rng.uniform(-10, 10)  # contrast per channel
    return np.clip(out, 0, 255).astype(np.uint8)


def planted_copies(data: Path, seed: int, n: int = 2000, n_copies: int = 100) -> dict[str, Any]:
    """CIFAR-10 test images with jittered copies of some of them added."""
    from labelnoise.datasets import load_cifar10, load_label_errors

    rng = np.random.default_rng(seed)
    labels = load_label_errors(data / "label-errors", dataset="cifar10").labels
    rows = np.sort(rng.choice(labels.size, size=n, replace=False))
    zip_path = data / "cifar10-jpg" / "cifar10_jpg.zip"
    images = np.asarray(load_cifar10(zip_path, labels=labels, split="test", subset=rows).X)
    src = rng.choice(n, size=n_copies, replace=False)
    copies = np.stack([_jitter(images[i], rng) for i in src])
    all_images = np.concatenate([images, copies])
    y = np.concatenate([labels[rows], labels[rows][src]])
    truth = np.zeros(all_images.shape[0], bool)
    truth[src] = True
    truth[n:] = True
    order = rng.permutation(all_images.shape[0])
    return {"images": all_images[order], "y": y[order], "truth": truth[order]}


def datalab_issues(x: np.ndarray, y: np.ndarray, types: dict[str, Any]) -> Any:
    from cleanlab import Datalab

    lab = Datalab({"y": y}, label_name="y", verbosity=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lab.find_issues(features=x, issue_types=types)
    return lab


DUPLICATE_SWEEP = (0.2, 0.3, 0.4, 0.5)
FENCE_SWEEP = (1.5, 2.0, 3.0)


def run_planted(data: Path, seeds: int, sweep: bool = False) -> None:
    dup_rows, out_rows = [], []
    dup_sweep: dict[tuple[str, float], list[tuple[float, float, int]]] = {}
    fence_sweep: dict[float, list[tuple[float, float, int]]] = {}
    for seed in range(seeds):
        d = planted_copies(data, seed)
        views = {
            "pixels": d["images"].reshape(len(d["y"]), -1).astype(np.float64),
            "DCT signature": image_signature(d["images"]),
        }
        for view, x in views.items():
            ours, t_ours = _timed(find_duplicates, x, labels=d["y"], random_state=seed)
            lab, t_lab = _timed(datalab_issues, x, d["y"], {"near_duplicate": {}})
            peer = lab.get_issues("near_duplicate")["is_near_duplicate_issue"].to_numpy()
            dup_rows.append(
                (view, *_pr(ours.mask, d["truth"]), *_pr(peer, d["truth"]), t_ours, t_lab)
            )
            for t in DUPLICATE_SWEEP if sweep else ():
                m = find_duplicates(x, threshold=t, random_state=seed).mask
                dup_sweep.setdefault((view, t), []).append((*_pr(m, d["truth"]), int(m.sum())))
        o = planted_outliers(seed)
        for t in FENCE_SWEEP if sweep else ():
            m = ln_outliers(o["X"], threshold=t, random_state=seed).mask
            fence_sweep.setdefault(t, []).append((*_pr(m, o["truth"]), int(m.sum())))
        ours_o, t_ours = _timed(ln_outliers, o["X"], random_state=seed)
        lab, t_lab = _timed(datalab_issues, o["X"], o["y"], {"outlier": {}})
        peer = lab.get_issues("outlier")["is_outlier_issue"].to_numpy()
        out_rows.append(
            ("digits pixels", *_pr(ours_o.mask, o["truth"]), *_pr(peer, o["truth"]), t_ours, t_lab)
        )
    print(f"## planted, mean of {seeds} seeds")
    print(
        "| check | features | labelnoise P | labelnoise R | Datalab P | Datalab R | "
        "labelnoise s | Datalab s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for check, table in (
        ("near duplicates (2,000 CIFAR-10 + 100 copies)", dup_rows),
        ("outliers (1,797 digits + 40 Fashion-MNIST)", out_rows),
    ):
        for view in dict.fromkeys(r[0] for r in table):
            m = np.mean([r[1:] for r in table if r[0] == view], axis=0)
            print(
                f"| {check} | {view} | {m[0]:.3f} | {m[1]:.3f} | {m[2]:.3f} | {m[3]:.3f} | "
                f"{m[4]:.2f} | {m[5]:.2f} |"
            )
    if sweep:
        print(f"## labelnoise thresholds, mean of {seeds} seeds")
        print("| check | features | threshold | precision | recall | flagged rows |")
        print("|---|---|---|---|---|---|")
        for (view, t), cells in dup_sweep.items():
            p, r, k = np.mean(cells, axis=0)
            print(f"| near duplicates | {view} | {t} | {p:.3f} | {r:.3f} | {k:.1f} |")
        for t, cells in fence_sweep.items():
            p, r, k = np.mean(cells, axis=0)
            print(f"| outliers | digits pixels | {t} IQR | {p:.3f} | {r:.3f} | {k:.1f} |")


# --------------------------------------------------------------------------------- cifar


def _cifar(data: Path) -> dict[str, np.ndarray]:
    from labelnoise.datasets import load_cifar10, load_cifar10n, load_label_errors

    train_y = load_cifar10n(data / "cifar-10n").clean_labels
    test_y = load_label_errors(data / "label-errors", dataset="cifar10").labels
    zip_path = data / "cifar10-jpg" / "cifar10_jpg.zip"
    emb = data / "cifar10-embeddings"
    return {
        "train_img": np.asarray(load_cifar10(zip_path, labels=train_y, split="train").X),
        "test_img": np.asarray(load_cifar10(zip_path, labels=test_y, split="test").X),
        "train_emb": np.load(emb / "train.npy").astype(np.float32),
        "test_emb": np.load(emb / "test.npy").astype(np.float32),
    }


def _published(path: Path | None) -> dict[int, int] | None:
    if path is None:
        return None
    with open(path, newline="") as fh:
        return {int(r["TestID"]): int(r["TrainID"]) for r in csv.DictReader(fh)}


def _grid(test_img: np.ndarray, train_img: np.ndarray, pairs: np.ndarray, path: Path) -> None:
    """Pairs (test | train) in rows of 8, white gaps, a 128-colour PNG."""
    from PIL import Image

    white = np.full((32, 6, 3), 255, np.uint8)
    tiles = [np.concatenate([test_img[t], white[:, :2], train_img[r]], axis=1) for t, r in pairs]
    tiles += [np.full_like(tiles[0], 255)] * (-len(tiles) % 8)
    lines = []
    for i in range(0, len(tiles), 8):
        row = [part for tile in tiles[i : i + 8] for part in (tile, white)][:-1]
        lines.append(np.concatenate(row, axis=1))
        lines.append(np.full((6, lines[-1].shape[1], 3), 255, np.uint8))
    grid = Image.fromarray(np.concatenate(lines[:-1], axis=0))
    grid.quantize(128).save(path, optimize=True)


def run_cifar(data: Path, published: Path | None, grid: Path | None) -> None:
    d, t_load = _timed(_cifar, data)
    listed = _published(published)
    sig_train, t_sig1 = _timed(image_signature, d["train_img"])
    sig_test, t_sig2 = _timed(image_signature, d["test_img"])
    print(
        f"## cifar: 10,000 test vs 50,000 train (load {t_load:.0f} s, signatures "
        f"{t_sig1 + t_sig2:.1f} s)"
    )
    print(
        "| signal | threshold | used | flagged test rows | % of test | in published list | "
        "published found (recall) | listed copy is the nearest train row | time (s) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    results = {}
    for name, kwargs in (
        ("embeddings (cosine)", {}),
        ("DCT signature (cosine)", {"sig": True}),
        ("embeddings x DCT signature", {"content": True}),
    ):
        for threshold in (0.2, 0.3, 0.4, 0.5):
            if kwargs.get("sig"):
                res, secs = _timed(
                    find_leakage, sig_train, sig_test, threshold=threshold, random_state=0
                )
            elif kwargs.get("content"):
                res, secs = _timed(
                    find_leakage,
                    d["train_emb"],
                    d["test_emb"],
                    train_content=sig_train,
                    test_content=sig_test,
                    threshold=threshold,
                    random_state=0,
                )
            else:
                res, secs = _timed(
                    find_leakage, d["train_emb"], d["test_emb"], threshold=threshold, random_state=0
                )
            results[(name, threshold)] = res
            cells = ["-", "-", "-"]
            if listed is not None:
                ids = np.array(sorted(listed))
                hit = res.mask[ids]
                cells = [
                    f"{int(hit.sum())}",
                    f"{hit.mean():.3f}",
                    f"{np.mean([res.nearest[t] == r for t, r in listed.items()]):.3f}",
                ]
            print(
                f"| {name} | {threshold} | {res.threshold:.3g} | {res.n_flagged} | "
                f"{100 * res.n_flagged / 10000:.2f} | "
                f"{cells[0]} | {cells[1]} | {cells[2]} | {secs:.1f} |"
            )
    if listed is not None:  # scores do not depend on the threshold: one ranking per signal
        from sklearn.metrics import roc_auc_score

        truth = np.zeros(10_000, bool)
        truth[list(listed)] = True
        for name in dict.fromkeys(n for n, _ in results):
            scores = results[(name, 0.4)].scores
            top = np.argsort(scores, kind="stable")[: int(truth.sum())]
            print(
                f"{name}: AUROC of 'has a listed copy' {roc_auc_score(truth, -scores):.3f}, "
                f"precision among the top {int(truth.sum())} {truth[top].mean():.3f}"
            )
    if grid is not None:
        best = results[("embeddings x DCT signature", 0.4)]
        rng = np.random.default_rng(0)
        pick = np.sort(
            rng.choice(best.pairs.shape[0], size=min(32, best.pairs.shape[0]), replace=False)
        )
        _grid(d["test_img"], d["train_img"], best.pairs[pick], grid)
        print(f"grid of {pick.size} random flagged pairs (test | train) written to {grid}")


# ----------------------------------------------------------------------------------- few


def _few_case(columns: int, seed: int) -> dict[str, float]:
    """One seed of ``--part few``: 500 random rows (and 200 random test rows), then 20
    planted near copies (noise 1e-3) and 20 identical ones."""
    rng = np.random.default_rng([seed, columns])
    x = rng.normal(size=(500, columns))
    test = rng.normal(size=(200, columns))
    with warnings.catch_warnings():  # 1-2 columns: the identical-rows warning, expected
        warnings.simplefilter("ignore", UserWarning)
        plain = find_duplicates(x)
        leak = find_leakage(x, test)
        x[:20] = x[20:40] + rng.normal(scale=1e-3, size=(20, columns))
        x[40:60] = x[60:80]
        planted = find_duplicates(x)
    return {
        "threshold": plain.threshold,
        "random": float(plain.mask.mean()),
        "random test": float(leak.mask.mean()),
        "near": float(planted.mask[:40].mean()),
        "identical": float(planted.mask[40:80].mean()),
    }


def run_few(seeds: int) -> None:
    print(f"## few columns: 500 random Gaussian rows, mean of {seeds} seeds")
    print(
        "| columns | threshold used | random rows flagged | random test rows flagged "
        "(leakage, 200 vs 500) | planted near copies found | planted identical copies found |"
    )
    print("|---|---|---|---|---|---|")
    for columns in (1, 2, 3, 5, 8):
        cases = [_few_case(columns, seed) for seed in range(seeds)]
        mean = {key: float(np.mean([c[key] for c in cases])) for key in cases[0]}
        print(
            f"| {columns} | {mean['threshold']:.3g} | {100 * mean['random']:.1f}% | "
            f"{100 * mean['random test']:.1f}% | {100 * mean['near']:.0f}% | "
            f"{100 * mean['identical']:.0f}% |"
        )


# --------------------------------------------------------------------------------- speed


def speed_data(data: Path, dims: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CIFAR-10 train: the shared PCA-256 embeddings turned into ``dims`` columns by a
    random rotation (every cosine kept, so real neighbour structure at the target width),
    CIFAR-10N ``aggre`` labels and the ResNet-18's out-of-sample pred_probs."""
    from labelnoise.datasets import load_cifar10n

    emb = np.load(data / "cifar10-embeddings" / "train.npy").astype(np.float32)
    q, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(dims, emb.shape[1])))
    x = emb @ q.T.astype(np.float32)
    labels = load_cifar10n(data / "cifar-10n").noisy_labels["aggregate"]
    pp = np.load(data / "cifar-10n-resnet18" / "aggre_pred_probs.npy")
    return np.ascontiguousarray(x), np.asarray(labels), pp


def _graph_recall(x: np.ndarray, graph: Any, rows: int = 500) -> float:
    from labelnoise.detect._knn import _exact, _unit_rows

    sample = np.random.default_rng(0).choice(x.shape[0], size=rows, replace=False)
    exact = _exact(_unit_rows(x), graph.n_neighbors, sample)
    hits = [len(set(a) & set(b)) for a, b in zip(graph.indices[sample], exact.indices, strict=True)]
    return float(np.mean(hits)) / graph.n_neighbors


def run_speed(data: Path, dims: int, peer_rows: int) -> None:
    x, y, pp = speed_data(data, dims, 0)
    report, secs = _timed(check_health, x, labels=y, pred_probs=pp, random_state=0)
    recall = _graph_recall(x, report.graph)
    print(
        f"## speed: check_health on {x.shape[0]:,} x {x.shape[1]:,} (CIFAR-10 train, labels, "
        f"pred_probs): {secs:.1f} s; graph recall@10 vs exact {recall:.3f} "
        f"({'exact' if report.graph.exact else 'approximate'} search)"
    )
    print(report.summary().to_string(index=False))
    xs, ys, pps = x[:peer_rows], y[:peer_rows], pp[:peer_rows]
    _, ours = _timed(check_health, xs, labels=ys, pred_probs=pps, random_state=0)
    types: dict[str, Any] = {
        "near_duplicate": {},
        "outlier": {},
        "non_iid": {},
        "class_imbalance": {},
    }
    from cleanlab import Datalab

    def peer() -> None:
        lab = Datalab({"y": ys}, label_name="y", verbosity=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lab.find_issues(features=xs, pred_probs=pps, issue_types=types)

    _, theirs = _timed(peer)
    print(
        f"same first {peer_rows:,} rows: labelnoise {ours:.1f} s, Datalab (near_duplicate, "
        f"outlier, non_iid, class_imbalance) {theirs:.1f} s, ratio {theirs / ours:.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--part", choices=("planted", "cifar", "few", "speed", "all"), default="all"
    )
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--published", type=Path, default=None)
    parser.add_argument("--grid", type=Path, default=None)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--sweep", action="store_true", help="planted: other thresholds too")
    parser.add_argument("--dims", type=int, default=1_280)
    parser.add_argument("--peer-rows", type=int, default=10_000)
    args = parser.parse_args()
    if args.part in ("planted", "all"):
        run_planted(args.data, args.seeds, args.sweep)
    if args.part in ("cifar", "all"):
        run_cifar(args.data, args.published, args.grid)
    if args.part in ("few", "all"):
        run_few(args.seeds)
    if args.part in ("speed", "all"):
        run_speed(args.data, args.dims, args.peer_rows)


if __name__ == "__main__":
    main()
