"""Train a fast ResNet-9 through label noise: robust losses, co-teaching, pruning, correction.

Data: CIFAR-10 (the JPEG copy in CIFAR-10N order, via ``labelnoise.datasets``) or
Fashion-MNIST; accuracy on clean test labels. Noise: clean; symmetric 20/50/80% (the
papers' convention: that share is redrawn uniformly from *all* classes); asymmetric 40%
(CIFAR-10: truck->automobile, bird->airplane, deer->horse, cat<->dog; otherwise pair
flip); CIFAR-10N aggregate / random1 / worst. Methods: CE, GCE, SCE, APL (NCE+RCE), ELR,
co-teaching (forget rate = realised noise rate, as in the paper), prune (2-fold
cross-validated pred_probs from short runs -> ``find_label_issues`` -> CE on the rest),
forward correction (T = ``estimate_noise(...).noise_matrix.T`` from the same pred_probs).
Each cell is the final test accuracy of one run (no early stopping on test data).

The network is the DAWNBench ResNet-9. On a GPU the uint8 images stay on the device and
random crop + flip, bf16 autocast and channels_last run there; ``--epochs 8`` sizes the
CIFAR-10 table (8 noise settings x 8 methods) for about 8 minutes on one H100.

Usage::

    .venv/bin/python benchmarks/train_noisy.py --data-dir ../shared/data --out table.md
    .venv/bin/python benchmarks/train_noisy.py --tiny                          # CPU smoke
    .venv/bin/python benchmarks/train_noisy.py --dataset fashion-mnist --tiny  # CI smoke
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

import labelnoise.torch as lnt
from labelnoise import estimate_noise, find_label_issues
from labelnoise.datasets import (
    load_cifar10,
    load_cifar10n,
    load_fashion_mnist,
    load_label_errors,
)
from labelnoise.simulate import from_transition_matrix, pairflip, symmetric

NOISES = ("clean", "sym20", "sym50", "sym80", "asym40", "aggregate", "random1", "worst")
METHODS = ("ce", "gce", "sce", "apl", "elr", "coteaching", "prune", "forward")
CIFAR_ASYM = {9: 1, 2: 0, 4: 7, 3: 5, 5: 3}  # truck->automobile, bird->airplane, ...
TINY_TRAIN, TINY_TEST = 384, 256  # --tiny: images per split


@dataclass(frozen=True)
class Config:
    """Everything a run needs besides the data."""

    epochs: int = 8
    cv_epochs: int = 4
    batch: int = 512
    lr: float = 0.4
    weight_decay: float = 5e-4
    width: int = 64
    device: str = "cpu"
    seed: int = 0


@dataclass(frozen=True)
class Data:
    """Images (n, C, H, W) uint8 on the device, clean labels, optional human label sets."""

    x_train: torch.Tensor
    y_train: np.ndarray
    x_test: torch.Tensor
    y_test: torch.Tensor
    human: dict[str, np.ndarray]
    name: str


def load_data(dataset: str, data_dir: Path, *, tiny: bool, device: str, seed: int) -> Data:
    """Load a dataset (subsampled with ``tiny``) and move the images to ``device``."""
    rng = np.random.default_rng(seed)
    if dataset == "fashion-mnist":
        train = load_fashion_mnist(
            split="train", subsample=TINY_TRAIN if tiny else None, random_state=0
        )
        test = load_fashion_mnist(
            split="test", subsample=TINY_TEST if tiny else None, random_state=0
        )
        x_tr, x_te, human = train.X[:, None], test.X[:, None], {}
    else:
        labels = load_cifar10n(data_dir / "cifar-10n")
        zip_path = data_dir / "cifar10-jpg" / "cifar10_jpg.zip"
        rows = np.sort(rng.choice(50_000, TINY_TRAIN, replace=False)) if tiny else None
        train = load_cifar10(zip_path, labels=labels.clean_labels, subset=rows)
        test_order = load_label_errors(data_dir / "label-errors", dataset="cifar10").labels
        test_rows = np.sort(rng.choice(10_000, TINY_TEST, replace=False)) if tiny else None
        test = load_cifar10(zip_path, labels=test_order, split="test", subset=test_rows)
        x_tr, x_te = train.X.transpose(0, 3, 1, 2), test.X.transpose(0, 3, 1, 2)
        human = {k: np.asarray(v)[train.indices] for k, v in labels.noisy_labels.items()}
    return Data(
        x_train=torch.from_numpy(np.array(x_tr, order="C")).to(device),
        y_train=np.asarray(train.y),
        x_test=torch.from_numpy(np.array(x_te, order="C")).to(device),
        y_test=torch.from_numpy(np.array(test.y)).to(device),
        human=human,
        name=dataset,
    )


def noisy_labels(data: Data, noise: str, seed: int) -> np.ndarray | None:
    """The training labels of one noise setting (None when it does not apply)."""
    y, k = data.y_train, 10
    if noise == "clean":
        return y.copy()
    if noise.startswith("sym"):
        rate = int(noise[3:]) / 100
        return np.array(symmetric(y, noise_rate=rate, include_self=True, random_state=seed).labels)
    if noise == "asym40" and data.name == "cifar10":
        T = np.eye(k)
        for src, dst in CIFAR_ASYM.items():
            T[src, src], T[src, dst] = 0.6, 0.4
        return np.array(from_transition_matrix(y, T, random_state=seed).labels)
    if noise == "asym40":
        return np.array(pairflip(y, noise_rate=0.4, random_state=seed).labels)
    return data.human.get(noise)


def conv_bn(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(True)
    )


class Residual(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.block = nn.Sequential(conv_bn(channels, channels), conv_bn(channels, channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.block(x)


def resnet9(c_in: int, width: int, n_classes: int = 10) -> nn.Module:
    """The DAWNBench ResNet-9 (Page, 2018), logits scaled by 1/8."""
    w = width
    return nn.Sequential(
        conv_bn(c_in, w),
        conv_bn(w, 2 * w), nn.MaxPool2d(2), Residual(2 * w),
        conv_bn(2 * w, 4 * w), nn.MaxPool2d(2),
        conv_bn(4 * w, 8 * w), nn.MaxPool2d(2), Residual(8 * w),
        nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(8 * w, n_classes, bias=False),
        Scale(),
    )  # fmt: skip


class Scale(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * 0.125


def normalize(x: torch.Tensor) -> torch.Tensor:
    """uint8 (or float 0..255) images to zero-mean float, channels_last."""
    x = x.float().div_(255.0)
    mean = x.new_tensor([0.49, 0.48, 0.45][: x.shape[1]])[:, None, None]
    x = (x - mean) / 0.25
    return x.contiguous(memory_format=torch.channels_last)


def augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Random 4-pixel-padded crop and horizontal flip, per example, on x's device."""
    n, _, h, w = x.shape
    padded = F.pad(x.float(), (4, 4, 4, 4), mode="reflect")
    dy, dx = torch.randint(0, 9, (2, n), generator=gen, device=x.device)
    rows = (torch.arange(h, device=x.device)[None] + dy[:, None])[:, None, :, None]
    cols = (torch.arange(w, device=x.device)[None] + dx[:, None])[:, None, None, :]
    batch = torch.arange(n, device=x.device)[:, None, None, None]
    chans = torch.arange(x.shape[1], device=x.device)[None, :, None, None]
    out = padded[batch, chans, rows, cols]
    flip = torch.rand(n, generator=gen, device=x.device) < 0.5
    return torch.where(flip[:, None, None, None], out.flip(3), out)


def autocast(cfg: Config) -> Any:
    return torch.autocast("cuda", dtype=torch.bfloat16, enabled=cfg.device.startswith("cuda"))


def make_model(data: Data, cfg: Config, seed: int) -> tuple[nn.Module, torch.optim.SGD]:
    """A fresh network with its SGD optimizer and one-cycle (triangular) LR schedule."""
    torch.manual_seed(seed)
    model = resnet9(data.x_train.shape[1], cfg.width).to(cfg.device)
    model = model.to(memory_format=torch.channels_last)
    opt = torch.optim.SGD(
        model.parameters(), lr=cfg.lr, momentum=0.9, nesterov=True,
        weight_decay=cfg.weight_decay,
    )  # fmt: skip
    return model, opt


def schedule(opt: Any, total_steps: int) -> Any:
    """Linear warm-up over the first quarter of the steps, then linear decay to 0."""
    peak = max(1, total_steps // 4)

    def factor(step: int) -> float:
        if step < peak:
            return (step + 1) / peak
        return max(0.0, (total_steps - step) / max(1, total_steps - peak))

    return torch.optim.lr_scheduler.LambdaLR(opt, factor)


def batches(n: int, cfg: Config, gen: torch.Generator):
    """Shuffled index batches (on the device) of one epoch; a last partial batch is dropped."""
    perm = torch.randperm(n, generator=gen, device=cfg.device)
    size = min(cfg.batch, n)
    for start in range(0, n - size + 1, size):
        yield perm[start : start + size]


def make_loss(method: str, n: int, T: np.ndarray | None) -> nn.Module:
    """The training loss of a method."""
    if method == "gce":
        return lnt.GCELoss(q=0.7)
    if method == "sce":
        return lnt.SCELoss(alpha=0.1, beta=1.0)
    if method == "apl":
        return lnt.APLLoss(alpha=1.0, beta=1.0)
    if method == "elr":
        return lnt.ELRLoss(n, 10, beta=0.7, lam=3.0)
    if method == "forward":
        return lnt.ForwardCorrectionLoss(T)
    return nn.CrossEntropyLoss()


def train(
    data: Data,
    rows: np.ndarray,
    y: np.ndarray,
    method: str,
    cfg: Config,
    *,
    epochs: int,
    T: np.ndarray | None = None,
) -> nn.Module:
    """Train one network on ``rows`` of the training set with labels ``y[rows]``."""
    gen = torch.Generator(device=cfg.device).manual_seed(cfg.seed)
    model, opt = make_model(data, cfg, cfg.seed)
    loss_fn = make_loss(method, len(rows), T).to(cfg.device)
    x_all = data.x_train[torch.as_tensor(rows, device=cfg.device)]
    labels = torch.as_tensor(y[rows], device=cfg.device)
    steps = epochs * max(1, len(rows) // min(cfg.batch, len(rows)))
    sched = schedule(opt, steps)
    model.train()
    for _ in range(epochs):
        for idx in batches(len(rows), cfg, gen):
            with autocast(cfg):
                logits = model(normalize(augment(x_all[idx], gen)))
            args = (idx,) if method == "elr" else ()
            loss = loss_fn(logits.float(), labels[idx], *args)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
    return model


def train_coteaching(data: Data, y: np.ndarray, cfg: Config, forget_rate: float) -> nn.Module:
    """Co-teaching of two ResNet-9s; returns the first."""
    gen = torch.Generator(device=cfg.device).manual_seed(cfg.seed)
    (m1, o1), (m2, o2) = make_model(data, cfg, cfg.seed), make_model(data, cfg, cfg.seed + 1)
    n = len(y)
    steps = cfg.epochs * max(1, n // min(cfg.batch, n))
    scheds = [schedule(o1, steps), schedule(o2, steps)]
    dtype = torch.bfloat16 if cfg.device.startswith("cuda") else None
    ct = lnt.CoTeaching(
        m1,
        m2,
        o1,
        o2,
        forget_rate=forget_rate,
        num_gradual=max(1, cfg.epochs // 3),
        autocast_dtype=dtype,
    )
    labels = torch.as_tensor(y, device=cfg.device)
    for epoch in range(cfg.epochs):
        m1.train(), m2.train()
        for idx in batches(n, cfg, gen):
            ct.step(
                normalize(augment(data.x_train[idx], gen)), labels[idx], forget_rate=ct.rate(epoch)
            )
            for s in scheds:
                s.step()
    return m1


@torch.no_grad()
def predict_proba(model: nn.Module, x: torch.Tensor, cfg: Config) -> torch.Tensor:
    model.eval()
    parts = []
    for start in range(0, len(x), 1024):
        with autocast(cfg):
            parts.append(torch.softmax(model(normalize(x[start : start + 1024])).float(), 1))
    return torch.cat(parts)


def cv_pred_probs(data: Data, y: np.ndarray, cfg: Config) -> np.ndarray:
    """2-fold out-of-sample probabilities from short CE runs."""
    n = len(y)
    perm = np.random.default_rng(cfg.seed).permutation(n)
    folds = np.array_split(perm, 2)
    out = np.zeros((n, 10))
    for k in range(2):
        model = train(data, folds[1 - k], y, "ce", cfg, epochs=cfg.cv_epochs)
        rows = torch.as_tensor(folds[k], device=cfg.device)
        out[folds[k]] = predict_proba(model, data.x_train[rows], cfg).double().cpu().numpy()
    out = np.clip(out, 1e-6, None)
    return out / out.sum(axis=1, keepdims=True)


def run_method(data: Data, y: np.ndarray, method: str, cfg: Config, cache: dict) -> float:
    """Train one method on labels ``y``; return clean test accuracy."""
    everything = np.arange(len(y))
    if method in ("prune", "forward") and "pp" not in cache:
        cache["pp"] = cv_pred_probs(data, y, cfg)
    if method == "coteaching":
        model = train_coteaching(data, y, cfg, float(np.mean(y != data.y_train)))
    elif method == "prune":
        keep = ~find_label_issues(y.copy(), cache["pp"]).mask
        model = train(data, everything[keep], y, "ce", cfg, epochs=cfg.epochs)
    elif method == "forward":
        T = estimate_noise(y.copy(), cache["pp"]).noise_matrix.T
        model = train(data, everything, y, "forward", cfg, epochs=cfg.epochs, T=T)
    else:
        model = train(data, everything, y, method, cfg, epochs=cfg.epochs)
    pred = predict_proba(model, data.x_test, cfg).argmax(1)
    return float((pred == data.y_test).float().mean())


def run_table(data: Data, noises, methods, cfg: Config) -> tuple[str, float]:
    """Run every (noise, method) cell; return the markdown table and the total seconds."""
    start = time.perf_counter()
    head = ["noise", "actual rate", *methods, "row s"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for noise in noises:
        y, row_start, cache = noisy_labels(data, noise, cfg.seed), time.perf_counter(), {}
        if y is None:
            continue
        cells = [f"{100 * run_method(data, y, m, cfg, cache):.1f}" for m in methods]
        rate, secs = float(np.mean(y != data.y_train)), time.perf_counter() - row_start
        lines.append(f"| {noise} | {100 * rate:.1f}% | {' | '.join(cells)} | {secs:.0f} |")
        print(lines[-1], flush=True)
    return "\n".join(lines), time.perf_counter() - start


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_dir = os.environ.get("LABELNOISE_DATA", "../shared/data")
    p.add_argument("--data-dir", type=Path, default=Path(default_dir))
    p.add_argument("--dataset", choices=("cifar10", "fashion-mnist"), default="cifar10")
    p.add_argument("--noise", nargs="+", choices=NOISES, default=list(NOISES))
    p.add_argument("--methods", nargs="+", choices=METHODS, default=list(METHODS))
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--width", type=int, default=64)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--tiny", action="store_true", help="384 images, 1 epoch, width 8 (CPU)")
    p.add_argument("--out", type=Path, help="write the markdown table here")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> str:
    """Run the benchmark; print the table and write it to ``--out``."""
    args = parse(argv)
    cfg = Config(args.epochs, max(1, args.epochs // 2), width=args.width, device=args.device,
                 seed=args.seed)  # fmt: skip
    torch.backends.cudnn.benchmark = True
    if args.tiny:
        cfg = replace(cfg, epochs=1, cv_epochs=1, width=8, batch=128)
        torch.set_num_threads(min(2, torch.get_num_threads()))
    data = load_data(args.dataset, args.data_dir, tiny=args.tiny, device=cfg.device, seed=cfg.seed)
    body, seconds = run_table(data, args.noise, args.methods, cfg)
    device = torch.cuda.get_device_name() if cfg.device.startswith("cuda") else "CPU"
    text = (
        f"{body}\n\nTest accuracy (%) on {data.name} ({len(data.y_test)} clean test labels), "
        f"{len(data.y_train)} training images, ResNet-9 width {cfg.width}, {cfg.epochs} "
        f"epochs, seed {cfg.seed}, {device}; whole table {seconds:.0f} s."
    )
    print(text.split("\n\n")[-1])
    if args.out:
        args.out.write_text(text + "\n")
    return text


if __name__ == "__main__":
    main()
