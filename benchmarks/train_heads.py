"""Heads on frozen features through real and synthetic label noise (CIFAR-10 embeddings).

A pretrained encoder is kept fixed and only a small head learns from noisy labels: a
linear head and a 2-layer MLP head (``labelnoise.torch.NoisyHeadClassifier``) on the
256-d EfficientNet-Lite0 features of ``cifar10-embeddings`` (train 50,000 / test
10,000), trained with every method of ``labelnoise.torch`` that applies and with
``CleanClassifier`` (prune / reweight / relabel) around the same head. Noise: CIFAR-10N
``aggregate``, ``random1``, ``worst``; symmetric 50% (exactly half the labels changed,
each to another class uniformly); asymmetric 40% (truck->automobile, bird->airplane,
deer->horse, cat<->dog, as ``train_noisy.py``); plus the clean-label ceiling (CE).

No choice is made on test labels. Every fit holds out 10% of the *noisy* training labels
to pick its epoch; spectral truncation picks its rank on the same held-out rows. Shared
per (noise, seed): 3-fold out-of-sample pred_probs from linear CE heads, from which
``estimate_noise`` gives T (forward / backward correction), the forget rate (co-teaching,
small-loss selection) and the first round of ``CleanClassifier``. Accuracy is on the clean
test labels; the "gap closed" is ``(acc - CE) / (clean CE - CE)``.

Usage::

    .venv/bin/python benchmarks/train_heads.py --results heads.jsonl --out table.md
    .venv/bin/python benchmarks/train_heads.py --quick --out quick.md   # CI, seconds
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from sklearn.base import clone

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_noisy import CIFAR_ASYM  # the asymmetric map of train_noisy.py

from labelnoise import estimate_noise
from labelnoise.datasets import (
    load_cifar10_embeddings,
    load_cifar10n,
    load_label_errors,
)
from labelnoise.learn import CleanClassifier, cross_val_pred_probs
from labelnoise.simulate import from_transition_matrix, symmetric
from labelnoise.torch import NoisyHeadClassifier, SpectralTruncation

NOISES = ("aggregate", "random1", "worst", "sym50", "asym40")
HEADS = {"linear": 0, "mlp": 256}
SPECTRAL_RANKS = (8, 16, 32, 64, 128)


@dataclass(frozen=True)
class Shared:
    """What every method of one (noise, seed) may use: noisy labels and their estimates."""

    y: np.ndarray
    T: np.ndarray
    noise_rate: float
    pred_probs: np.ndarray


def _fit(base: NoisyHeadClassifier, X: np.ndarray, sh: Shared, **params: Any) -> Any:
    return clone(base).set_params(**params).fit(X, sh.y)


def _loss(name: str) -> Callable[..., Any]:
    return lambda b, X, sh: _fit(b, X, sh, loss=name)


def _clean(handling: str) -> Callable[..., Any]:
    def run(base: NoisyHeadClassifier, X: np.ndarray, sh: Shared) -> Any:
        clf = CleanClassifier(clone(base), handling=handling, max_iter=1, random_state=0)
        return clf.fit(X, sh.y, pred_probs=sh.pred_probs)

    return run


def _spectral(base: NoisyHeadClassifier, X: np.ndarray, sh: Shared) -> Any:
    """CE head, then its penultimate features truncated to the rank best on held-out rows."""
    clf = clone(base).fit(X, sh.y)
    feats, last = clf.penultimate_features(X), clf.model_[-1]
    val = clf.validation_indices_
    train = np.setdiff1d(np.arange(len(X)), val)
    best = (-1.0, feats.shape[1])
    for rank in (r for r in SPECTRAL_RANKS if r < feats.shape[1]):
        trunc = SpectralTruncation(rank, center=True).fit(feats[train])
        with torch.no_grad():
            pred = last(trunc.transform(feats[val])).argmax(1).numpy()
        best = max(best, (float(np.mean(clf.classes_[pred] == sh.y[val])), rank))
    return _Truncated(clf, None if best[1] >= feats.shape[1] else best[1], feats[train])


class _Truncated:
    """A fitted head whose penultimate features are truncated before the last layer."""

    def __init__(self, clf: NoisyHeadClassifier, rank: int | None, train_feats: Any) -> None:
        self.clf = clf
        self.trunc = None if rank is None else SpectralTruncation(rank, center=True)
        if self.trunc is not None:
            self.trunc.fit(train_feats)

    def predict(self, X: np.ndarray) -> np.ndarray:
        feats = self.clf.penultimate_features(X)
        with torch.no_grad():
            if self.trunc is not None:
                feats = self.trunc.transform(feats)
            return self.clf.classes_[self.clf.model_[-1](feats).argmax(1).numpy()]


#: Every method: how to fit it on (base head, training features, shared estimates).
METHODS: dict[str, Callable[..., Any]] = {
    "ce": lambda b, X, sh: _fit(b, X, sh),
    **{name: _loss(name) for name in ("gce", "sce", "apl", "taylor", "ldr", "bootstrap", "elr")},
    "forward": lambda b, X, sh: _fit(b, X, sh, loss="forward", transition_matrix=sh.T),
    "backward": lambda b, X, sh: _fit(b, X, sh, loss="backward", transition_matrix=sh.T),
    "coteaching": lambda b, X, sh: _fit(b, X, sh, strategy="coteaching", forget_rate=sh.noise_rate),
    "small_loss": lambda b, X, sh: _fit(b, X, sh, strategy="small_loss", forget_rate=sh.noise_rate),
    "anv": lambda b, X, sh: _fit(b, X, sh, variability=0.01),
    "spectral": _spectral,
    "clean_prune": _clean("prune"),
    "clean_reweight": _clean("reweight"),
    "clean_relabel": _clean("relabel"),
}


@dataclass(frozen=True)
class Data:
    X: np.ndarray
    y: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    human: dict[str, np.ndarray]


def load(data_dir: Path, *, n_train: int | None, n_test: int | None) -> Data:
    """The embeddings and labels (a seeded subset of rows with ``n_train`` / ``n_test``)."""
    labels = load_cifar10n(data_dir / "cifar-10n")
    rng = np.random.default_rng(0)
    rows = None if n_train is None else np.sort(rng.choice(50_000, n_train, replace=False))
    test_rows = None if n_test is None else np.sort(rng.choice(10_000, n_test, replace=False))
    folder = data_dir / "cifar10-embeddings"
    train = load_cifar10_embeddings(folder, labels=labels.clean_labels, subset=rows)
    test_labels = load_label_errors(data_dir / "label-errors", dataset="cifar10").labels
    test = load_cifar10_embeddings(folder, labels=test_labels, split="test", subset=test_rows)
    human = {k: np.asarray(v)[train.indices] for k, v in labels.noisy_labels.items()}
    return Data(train.X, np.asarray(train.y), test.X, np.asarray(test.y), human)


def noisy_labels(data: Data, noise: str, seed: int) -> np.ndarray:
    """Training labels of one noise setting (human sets do not depend on the seed)."""
    if noise == "clean":
        return data.y.copy()
    if noise == "sym50":
        return np.array(symmetric(data.y, noise_rate=0.5, random_state=seed).labels)
    if noise == "asym40":
        T = np.eye(10)
        for src, dst in CIFAR_ASYM.items():
            T[src, src], T[src, dst] = 0.6, 0.4
        return np.array(from_transition_matrix(data.y, T, random_state=seed).labels)
    return data.human[noise].copy()


def shared(data: Data, y: np.ndarray, base: NoisyHeadClassifier, seed: int) -> Shared:
    """3-fold out-of-sample pred_probs of linear CE heads, and their noise estimate."""
    linear = clone(base).set_params(hidden=0)
    pp = cross_val_pred_probs(linear, data.X, y, cv=3, random_state=seed)
    est = estimate_noise(y.copy(), pp)
    return Shared(y, est.noise_matrix.T, float(est.noise_rate), pp)


def applies(head: str, method: str) -> bool:
    """Spectral truncation needs a network's penultimate features: not the linear head's
    inputs (standardized PCA features, whose low-variance directions still carry signal)."""
    return not (method == "spectral" and HEADS[head] == 0)


def base_head(head: str, *, quick: bool, seed: int) -> NoisyHeadClassifier:
    """The head every method starts from (the methods change one option each)."""
    hidden = 32 if quick and HEADS[head] else HEADS[head]
    epochs = 5 if quick else (12 if hidden == 0 else 8)
    lr = 1e-2 if quick else (3e-3 if hidden == 0 else 1e-3)
    return NoisyHeadClassifier(
        hidden=hidden, epochs=epochs, lr=lr, batch_size=128 if quick else 512, random_state=seed
    )


def done_cells(path: Path | None) -> list[dict[str, Any]]:
    """Records already in the results file (a rerun resumes where it stopped)."""
    if path is None or not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def run(data: Data, args: argparse.Namespace) -> list[dict[str, Any]]:
    """Every (seed, noise, head, method) cell; each record is appended as it finishes."""
    records = done_cells(args.results)
    seen = {(r["seed"], r["noise"], r["head"], r["method"]) for r in records}
    for seed in args.seeds:
        for noise in ("clean", *args.noise):
            y = noisy_labels(data, noise, seed)
            methods = ["ce"] if noise == "clean" else list(args.methods)
            todo = [
                (h, m)
                for h in args.heads
                for m in methods
                if (seed, noise, h, m) not in seen and applies(h, m)
            ]
            if not todo:
                continue
            start = time.perf_counter()
            sh = shared(data, y, base_head("linear", quick=args.quick, seed=seed), seed)
            shared_s = time.perf_counter() - start
            for head, method in todo:
                base = base_head(head, quick=args.quick, seed=seed)
                start = time.perf_counter()
                model = METHODS[method](base, data.X, sh)
                acc = float(np.mean(model.predict(data.X_test) == data.y_test))
                rec = {
                    "seed": seed, "noise": noise, "head": head, "method": method,
                    "acc": acc, "seconds": time.perf_counter() - start,
                    "shared_seconds": shared_s, "rate": float(np.mean(y != data.y)),
                }  # fmt: skip
                records.append(rec)
                if args.results is not None:
                    with args.results.open("a") as fh:
                        fh.write(json.dumps(rec) + "\n")
                print(json.dumps(rec), flush=True)
    return records


def _stats(records: list[dict[str, Any]], **key: Any) -> tuple[float, float, int, float]:
    rows = [r for r in records if all(r[k] == v for k, v in key.items())]
    accs = np.array([r["acc"] for r in rows])
    secs = float(np.mean([r["seconds"] for r in rows])) if rows else float("nan")
    if not rows:
        return float("nan"), float("nan"), 0, secs
    return float(accs.mean()), float(accs.std(ddof=1)) if len(accs) > 1 else 0.0, len(rows), secs


def table(records: list[dict[str, Any]], head: str, noises: list[str], methods: list[str]) -> str:
    """Markdown: accuracy mean ± sd (share of the CE-to-clean gap closed), s per cell."""
    clean = _stats(records, head=head, noise="clean", method="ce")[0]
    cols = ["method", *noises, "s / cell"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines.append(
        f"| clean labels (CE) | {' | '.join(f'{clean:.3f}' for _ in noises)} | "
        f"{_stats(records, head=head, noise='clean', method='ce')[3]:.1f} |"
    )
    for method in (m for m in methods if applies(head, m)):
        cells, secs = [], []
        for noise in noises:
            mean, sd, n, s = _stats(records, head=head, noise=noise, method=method)
            ce = _stats(records, head=head, noise=noise, method="ce")[0]
            if n == 0:
                cells.append("—")
                continue
            secs.append(s)
            gap = (mean - ce) / (clean - ce) if clean - ce > 1e-9 else float("nan")
            tail = "" if method == "ce" else f" ({100 * gap:+.0f}%)"
            cells.append(f"{mean:.3f} ± {sd:.3f}{tail}")
        lines.append(f"| {method} | {' | '.join(cells)} | {np.mean(secs) if secs else 0:.1f} |")
    return "\n".join(lines)


def report(records: list[dict[str, Any]], args: argparse.Namespace, wall: float) -> str:
    """Both heads' tables and the run's facts."""
    parts = []
    for head in args.heads:
        n_seeds = len({r["seed"] for r in records if r["head"] == head})
        parts.append(f"**{head} head** ({n_seeds} seeds)\n\n")
        parts.append(table(records, head, list(args.noise), list(args.methods)) + "\n\n")
    rates = {n: _stats_rate(records, n) for n in args.noise}
    shared_s = np.mean([r["shared_seconds"] for r in records]) if records else 0.0
    parts.append(
        "Realised noise rates: "
        + ", ".join(f"{n} {100 * r:.1f}%" for n, r in rates.items())
        + f". Shared 3-fold pred_probs per (noise, seed): {shared_s:.0f} s. "
        f"{data_rows(args)}; torch threads {torch.get_num_threads()}; "
        f"this run {wall:.0f} s."
    )
    return "".join(parts)


def _stats_rate(records: list[dict[str, Any]], noise: str) -> float:
    rates = [r["rate"] for r in records if r["noise"] == noise]
    return float(np.mean(rates)) if rates else float("nan")


def data_rows(args: argparse.Namespace) -> str:
    if args.quick:
        return "quick: 1,000 train / 500 test rows, 5 epochs, batch 128, lr 0.01, MLP width 32"
    return "50,000 train (10% held out per fit) / 10,000 test rows"


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("LABELNOISE_DATA", "../shared/data"))
    )
    p.add_argument("--noise", nargs="+", choices=NOISES, default=list(NOISES))
    p.add_argument("--methods", nargs="+", choices=tuple(METHODS), default=list(METHODS))
    p.add_argument("--heads", nargs="+", choices=tuple(HEADS), default=list(HEADS))
    p.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--quick", action="store_true", help="1,000 rows, 1 seed, 5 epochs (CI)")
    p.add_argument("--results", type=Path, help="append one JSON line per cell (resumable)")
    p.add_argument("--out", type=Path, help="write the markdown tables here")
    args = p.parse_args(argv)
    if args.quick and argv is not None and "--seeds" not in argv:
        args.seeds = [0]
    return args


def main(argv: list[str] | None = None) -> str:
    """Run the benchmark; print the tables and write them to ``--out``."""
    args = parse(argv if argv is not None else sys.argv[1:])
    torch.set_num_threads(args.threads)
    start = time.perf_counter()
    n_train, n_test = (1_000, 500) if args.quick else (None, None)
    data = load(args.data_dir, n_train=n_train, n_test=n_test)
    text = report(run(data, args), args, time.perf_counter() - start)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return text


if __name__ == "__main__":
    main()
