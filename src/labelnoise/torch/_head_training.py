"""The training loop of :class:`NoisyHeadClassifier`: one fit, from the first batch to the
epoch kept.

:func:`make_head` builds a linear or Linear-ReLU-Linear head initialised as torch does
but from the fit's own generator (torch's global RNG is never used). :class:`HeadTrainer`
gives each head AdamW with a cosine decay, steps it through the strategy (plain,
small-loss selection or co-teaching, with optional weight noise), scores the held-out
rows against their noisy labels after each epoch, and keeps the best epoch's weights.
The estimator validates every option before it gets here.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import math
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import nn

from labelnoise.torch._anv import ANVOptimizer
from labelnoise.torch._coteaching import CoTeaching
from labelnoise.torch._selection import forget_rate_schedule, small_loss_selection

if TYPE_CHECKING:
    from labelnoise.torch._heads import NoisyHeadClassifier

__all__ = ["HeadTrainer", "make_head"]


def make_head(d: int, hidden: int, k: int, gen: torch.Generator) -> nn.Sequential:
    """Linear or Linear-ReLU-Linear, initialised as torch does but from ``gen``."""
    sizes = [d, k] if hidden == 0 else [d, hidden, k]
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(itertools.pairwise(sizes)):
        if i > 0:
            layers.append(nn.ReLU())
        layer = nn.Linear(a, b)
        bound = 1.0 / math.sqrt(a)
        with torch.no_grad():
            nn.init.uniform_(layer.weight, -bound, bound, generator=gen)
            nn.init.uniform_(layer.bias, -bound, bound, generator=gen)
        layers.append(layer)
    return nn.Sequential(*layers)


class HeadTrainer:
    """One fit: heads, optimizers, schedule, epoch loop, and the epoch kept."""

    def __init__(self, clf: NoisyHeadClassifier, loss: nn.Module, gen: torch.Generator):
        self.clf, self.loss, self.gen = clf, loss, gen
        self.forget_rate = 0.0 if clf.forget_rate is None else float(clf.forget_rate)
        self.anv: ANVOptimizer | None = None

    def _optimizer(self, head: nn.Module, total_steps: int) -> tuple[Any, Any]:
        clf = self.clf
        opt = torch.optim.AdamW(head.parameters(), lr=clf.lr, weight_decay=clf.weight_decay)
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: 0.5 * (1.0 + math.cos(math.pi * min(s, total_steps) / total_steps))
        )
        return opt, sched

    def run(
        self,
        x: torch.Tensor,
        y: torch.Tensor,
        w: torch.Tensor | None,
        fit_rows: np.ndarray,
        val_rows: np.ndarray,
    ) -> tuple[nn.Sequential, np.ndarray, int]:
        clf, n, k = self.clf, len(fit_rows), _n_classes(self.clf)
        heads = [
            make_head(x.shape[1], clf.hidden, k, self.gen)
            for _ in range(2 if clf.strategy == "coteaching" else 1)
        ]
        batch = min(clf.batch_size, n)
        pairs = [self._optimizer(h, clf.epochs * math.ceil(n / batch)) for h in heads]
        step = self._stepper(heads, [p[0] for p in pairs], self.loss)
        xf, yf = x[fit_rows], y[fit_rows]
        wf = None if w is None else w[fit_rows]
        scores: list[float] = []
        best, best_state = clf.epochs, heads[0].state_dict()
        for epoch in range(clf.epochs):
            rate = self._rate(epoch)
            for h in heads:
                h.train()
            perm = torch.randperm(n, generator=self.gen)
            for start in range(0, n, batch):
                idx = perm[start : start + batch]
                step(xf[idx], yf[idx], None if wf is None else wf[idx], idx, rate)
                for _, sched in pairs:
                    sched.step()
            if len(val_rows):
                with self._clean_weights(), torch.no_grad():
                    scores.append(_accuracy(heads[0], x[val_rows], y[val_rows]))
                    if scores[-1] > max(scores[:-1], default=-1.0):
                        best, best_state = epoch + 1, copy.deepcopy(heads[0].state_dict())
        if self.anv is not None:
            self.anv.remove_noise()
        heads[0].load_state_dict(best_state)
        return heads[0].eval(), np.array(scores), best

    def _rate(self, epoch: int) -> float:
        clf = self.clf
        if clf.strategy == "plain":
            return 0.0
        ramp = max(1, clf.epochs // 3)
        return forget_rate_schedule(epoch, forget_rate=self.forget_rate, num_gradual=ramp)

    def _stepper(self, heads: list[nn.Sequential], opts: list[Any], loss: nn.Module) -> Any:
        clf = self.clf
        if clf.strategy == "coteaching":
            ct = CoTeaching(
                heads[0], heads[1], opts[0], opts[1], forget_rate=self.forget_rate, loss=loss
            )
            return lambda xb, yb, wb, idx, rate: ct.step(xb, yb, forget_rate=rate)
        head, opt = heads[0], opts[0]
        if clf.variability > 0:
            opt = self.anv = ANVOptimizer(opt, variability=clf.variability, generator=self.gen)
        elr = clf.loss == "elr"

        def step(xb: torch.Tensor, yb: torch.Tensor, wb: Any, idx: torch.Tensor, rate: float):
            per = loss(head(xb), yb, idx) if elr else loss(head(xb), yb)
            if wb is None:
                wb = torch.ones_like(per)
            if clf.strategy == "small_loss":
                keep = small_loss_selection(per, forget_rate=rate)
                per, wb = per[keep], wb[keep]
            value = (per * wb).sum() / wb.sum().clamp_min(1e-12)
            opt.zero_grad(set_to_none=True)
            value.backward()
            opt.step()

        return step

    def _clean_weights(self) -> contextlib.AbstractContextManager[Any]:
        return self.anv.clean() if self.anv is not None else contextlib.nullcontext()


def _n_classes(clf: NoisyHeadClassifier) -> int:
    """Number of classes of a classifier being fitted."""
    return int(clf.classes_.shape[0])


def _accuracy(head: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    head.eval()
    return float((head(x).argmax(dim=1) == y).float().mean())
