"""A classifier head (linear or 2-layer MLP) trained on frozen features through label noise."""

from __future__ import annotations

import contextlib
import copy
import itertools
import math
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data
from torch import nn

from labelnoise._errors import InputError
from labelnoise._options import check_choice, check_int
from labelnoise._random import check_random_state
from labelnoise.torch._anv import ANVOptimizer
from labelnoise.torch._checks import check_range, check_transition_matrix
from labelnoise.torch._coteaching import CoTeaching
from labelnoise.torch._selection import forget_rate_schedule, small_loss_selection
from labelnoise.torch.losses import (
    APLLoss,
    BackwardCorrectionLoss,
    BootstrapLoss,
    ELRLoss,
    ForwardCorrectionLoss,
    GCELoss,
    LDRLoss,
    SCELoss,
    TaylorCELoss,
)

__all__ = ["HEAD_LOSSES", "HEAD_STRATEGIES", "HeadLoss", "HeadStrategy", "NoisyHeadClassifier"]

HeadLoss = Literal[
    "ce", "gce", "sce", "apl", "taylor", "ldr", "bootstrap", "elr", "forward", "backward"
]
HeadStrategy = Literal["plain", "small_loss", "coteaching"]
_OWNER = "NoisyHeadClassifier"

#: Each loss by name, built per-example (``reduction="none"``) from (n, K, T) with the
#: papers' default hyper-parameters.
HEAD_LOSSES: Mapping[str, Callable[[int, int, torch.Tensor | None], nn.Module]] = MappingProxyType(
    {
        "ce": lambda n, k, t: nn.CrossEntropyLoss(reduction="none"),
        "gce": lambda n, k, t: GCELoss(reduction="none"),
        "sce": lambda n, k, t: SCELoss(reduction="none"),
        "apl": lambda n, k, t: APLLoss(reduction="none"),
        "taylor": lambda n, k, t: TaylorCELoss(reduction="none"),
        "ldr": lambda n, k, t: LDRLoss(reduction="none"),
        "bootstrap": lambda n, k, t: BootstrapLoss(reduction="none"),
        "elr": lambda n, k, t: ELRLoss(n, k, reduction="none"),
        "forward": lambda n, k, t: ForwardCorrectionLoss(t, reduction="none"),
        "backward": lambda n, k, t: BackwardCorrectionLoss(t, reduction="none"),
    }
)
HEAD_STRATEGIES = ("plain", "small_loss", "coteaching")
_NEEDS_T = ("forward", "backward")


class NoisyHeadClassifier(ClassifierMixin, BaseEstimator):
    """A linear or 2-layer MLP head on frozen features, trained with a noise-robust method.

    The common workflow with a pretrained encoder: features are computed once and kept
    fixed, and only a small head learns from the (noisy) labels. This estimator is that
    training loop, with every loss and strategy of :mod:`labelnoise.torch` behind one
    option each, so it drops into scikit-learn (``cross_val_pred_probs``,
    :class:`labelnoise.learn.CleanClassifier`, grid searches). Features are standardized
    with the training mean and standard deviation; the head is trained with AdamW and a
    cosine learning-rate decay. A share of the *noisy* training labels is held out to pick
    the epoch (the one with the best held-out accuracy against the noisy labels), as a
    user without clean labels would; with diagonally dominant noise the classifier that
    best predicts the noisy labels is also the one that best predicts the clean ones.

    Parameters
    ----------
    loss : {"ce", "gce", "sce", "apl", "taylor", "ldr", "bootstrap", "elr", "forward", \
"backward"}, default "ce"
        The training loss (:data:`HEAD_LOSSES`), each with its paper's defaults;
        ``"forward"`` and ``"backward"`` need ``transition_matrix``.
    hidden : int >= 0, default 0
        Width of the hidden layer (ReLU); 0 gives a linear head.
    strategy : {"plain", "small_loss", "coteaching"}, default "plain"
        ``"small_loss"`` updates on the ``1 - forget_rate`` smallest losses of each batch;
        ``"coteaching"`` trains two heads that pick each other's small-loss examples
        (:class:`CoTeaching`); both ramp the rate up over the first third of the epochs.
    forget_rate : float in [0, 1], optional
        Final share dropped by the two selection strategies, usually the estimated noise
        rate (``labelnoise.estimate_noise(...).noise_rate``); required for them.
    transition_matrix : array-like of shape (K, K), optional
        ``T[i, j] = P(noisy = j | true = i)`` for loss correction, classes in sorted order
        (``estimate_noise(...).noise_matrix.T``).
    variability : float >= 0, default 0.0
        Weight noise of :class:`ANVOptimizer` (0 turns it off; not with co-teaching).
    epochs : int >= 1, default 20
    batch_size : int >= 1, default 512
    lr : float > 0, default 1e-3
        Peak learning rate of AdamW.
    weight_decay : float >= 0, default 1e-4
    validation_fraction : float in [0, 1), default 0.1
        Share of the training rows held out (with their noisy labels) to choose the epoch;
        0 trains on every row and keeps the last epoch.
    random_state : int, numpy.random.Generator or None
        Seeds the split, the initialisation, the batch order and the weight noise; torch's
        global RNG is never used. Set ``torch.set_num_threads`` yourself for exact
        reproducibility across machines.

    Attributes
    ----------
    classes_ : ndarray of shape (K,)
    model_ : torch.nn.Sequential
        The trained head (eval mode); ``model_[:-1]`` maps standardized features to the
        penultimate features (the identity for a linear head), ``model_[-1]`` is the last
        linear layer.
    mean_, scale_ : ndarray of shape (d,)
        The standardization.
    validation_scores_ : ndarray of shape (epochs,)
        Held-out accuracy against the noisy labels after each epoch (empty without a
        held-out share).
    validation_indices_ : ndarray of int, shape (m,)
        Rows of ``X`` held out to choose the epoch (sorted; empty without a held-out share).
    best_epoch_ : int
        Epochs trained by the kept head (1-based).
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise.torch import NoisyHeadClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 5)); y = (X[:, 0] > 0).astype(int)
    >>> noisy = np.where(rng.random(300) < 0.2, 1 - y, y)
    >>> clf = NoisyHeadClassifier(loss="gce", epochs=10, batch_size=32, lr=0.05, random_state=0)
    >>> clf = clf.fit(X, noisy)
    >>> clf.score(X, y) > 0.9
    True
    """

    def __init__(
        self,
        *,
        loss: HeadLoss = "ce",
        hidden: int = 0,
        strategy: HeadStrategy = "plain",
        forget_rate: float | None = None,
        transition_matrix: Any = None,
        variability: float = 0.0,
        epochs: int = 20,
        batch_size: int = 512,
        lr: float = 1e-3,
        weight_decay: float = 1e-4,
        validation_fraction: float = 0.1,
        random_state: Any = None,
    ) -> None:
        self.loss = loss
        self.hidden = hidden
        self.strategy = strategy
        self.forget_rate = forget_rate
        self.transition_matrix = transition_matrix
        self.variability = variability
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.validation_fraction = validation_fraction
        self.random_state = random_state

    def _check_options(self, n_classes: int) -> torch.Tensor | None:
        """Validate every option once; return T as float32 (or None)."""
        check_choice(self.loss, name="loss", func=_OWNER, choices=tuple(HEAD_LOSSES))
        check_choice(self.strategy, name="strategy", func=_OWNER, choices=HEAD_STRATEGIES)
        for name, low in (("hidden", 0), ("epochs", 1), ("batch_size", 1)):
            check_int(getattr(self, name), name=name, func=_OWNER, minimum=low)
        inf = math.inf
        check_range(self.lr, name="lr", owner=_OWNER, low=0.0, high=inf, low_open=True)
        check_range(self.weight_decay, name="weight_decay", owner=_OWNER, low=0.0, high=inf)
        check_range(self.variability, name="variability", owner=_OWNER, low=0.0, high=inf)
        check_range(
            self.validation_fraction, name="validation_fraction", owner=_OWNER,
            low=0.0, high=1.0, high_open=True,
        )  # fmt: skip
        if self.strategy != "plain":
            if self.forget_rate is None:
                raise InputError(
                    "forget_rate",
                    f"{_OWNER}(strategy={self.strategy!r}) needs forget_rate, the share of "
                    "each batch to drop; pass the estimated noise rate, e.g. "
                    "labelnoise.estimate_noise(labels, pred_probs).noise_rate.",
                )
            check_range(self.forget_rate, name="forget_rate", owner=_OWNER, low=0.0, high=1.0)
        if self.strategy == "coteaching" and (self.loss == "elr" or self.variability > 0):
            raise InputError(
                "strategy",
                f"{_OWNER}: strategy='coteaching' works with the losses of (logits, targets) "
                "and no weight noise; use loss other than 'elr' and variability=0.",
            )
        return self._check_t(n_classes)

    def _check_t(self, n_classes: int) -> torch.Tensor | None:
        if self.loss not in _NEEDS_T:
            return None
        if self.transition_matrix is None:
            raise InputError(
                "transition_matrix",
                f"{_OWNER}(loss={self.loss!r}) needs transition_matrix T[i, j] = "
                "P(noisy = j | true = i); pass estimate_noise(labels, pred_probs).noise_matrix.T.",
            )
        t = check_transition_matrix(self.transition_matrix, owner=_OWNER)
        if t.shape[0] != n_classes:
            raise InputError(
                "transition_matrix",
                f"{_OWNER} got a {t.shape[0]}x{t.shape[0]} transition_matrix but y has "
                f"{n_classes} classes; pass one row and column per class of np.unique(y).",
            )
        return t.float()

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> NoisyHeadClassifier:
        """Train the head on features ``X`` (n, d) and noisy labels ``y`` (n,).

        ``sample_weight`` (n,), optional, weights each example's loss (not with
        co-teaching).
        """
        X, y = validate_data(self, X, y, dtype=(np.float64, np.float32))
        check_classification_targets(y)
        self.classes_, codes = np.unique(y, return_inverse=True)
        t = self._check_options(self.classes_.shape[0])
        weights = self._check_weights(sample_weight, codes.shape[0])
        rng = check_random_state(self.random_state, func=_OWNER)
        fit_rows, val_rows = self._split(codes.shape[0], rng)
        self.validation_indices_ = val_rows
        self.mean_ = X[fit_rows].mean(axis=0)
        scale = X[fit_rows].std(axis=0)
        self.scale_ = np.where(scale > 0, scale, 1.0)
        gen = torch.Generator().manual_seed(int(rng.integers(2**62)))
        x = torch.from_numpy(self._standardize(X))
        labels = torch.from_numpy(codes.astype(np.int64))
        self.model_, self.validation_scores_, self.best_epoch_ = _Trainer(self, t, gen).run(
            x, labels, weights, fit_rows, val_rows
        )
        return self

    def _check_weights(self, sample_weight: Any, n: int) -> torch.Tensor | None:
        if sample_weight is None:
            return None
        w = np.asarray(sample_weight, dtype=np.float64)
        if w.shape != (n,) or not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
            raise InputError(
                "sample_weight",
                f"{_OWNER} expects {n} finite, non-negative sample weights, not all zero; "
                f"got shape {w.shape} (sum {float(np.nansum(w)):g}).",
            )
        if self.strategy == "coteaching":
            raise InputError(
                "sample_weight", f"{_OWNER}: strategy='coteaching' does not take sample_weight."
            )
        return torch.from_numpy(w.astype(np.float32))

    def _split(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        n_val = round(self.validation_fraction * n)
        if n_val == 0:
            return np.arange(n), np.arange(0)
        if n - n_val < 1:
            raise InputError(
                "validation_fraction",
                f"{_OWNER}: holding out {n_val} of {n} rows leaves none to train on; "
                "lower validation_fraction.",
            )
        perm = rng.permutation(n)
        return np.sort(perm[n_val:]), np.sort(perm[:n_val])

    def _standardize(self, X: np.ndarray) -> np.ndarray:
        return ((X - self.mean_) / self.scale_).astype(np.float32)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities (m, K), columns as ``classes_`` (the clean-label posterior
        for loss correction)."""
        check_is_fitted(self, "model_")
        X = validate_data(self, X, dtype=(np.float64, np.float32), reset=False)
        with torch.no_grad():
            logits = self.model_(torch.from_numpy(self._standardize(X)))
        return torch.softmax(logits.double(), dim=1).numpy()

    def penultimate_features(self, X: Any) -> torch.Tensor:
        """Inputs of the last linear layer, shape (m, hidden) (standardized X when linear).

        What :class:`SpectralTruncation` truncates before ``model_[-1]`` is applied again.
        """
        check_is_fitted(self, "model_")
        X = validate_data(self, X, dtype=(np.float64, np.float32), reset=False)
        with torch.no_grad():
            return self.model_[:-1](torch.from_numpy(self._standardize(X)))

    def predict(self, X: Any) -> np.ndarray:
        """Predicted labels (m,)."""
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)]


def _make_head(d: int, hidden: int, k: int, gen: torch.Generator) -> nn.Sequential:
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


class _Trainer:
    """One fit: heads, optimizers, schedule, epoch loop, and the epoch kept."""

    def __init__(self, clf: NoisyHeadClassifier, t: torch.Tensor | None, gen: torch.Generator):
        self.clf, self.t, self.gen = clf, t, gen
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
            _make_head(x.shape[1], clf.hidden, k, self.gen)
            for _ in range(2 if clf.strategy == "coteaching" else 1)
        ]
        batch = min(clf.batch_size, n)
        pairs = [self._optimizer(h, clf.epochs * math.ceil(n / batch)) for h in heads]
        step = self._stepper(heads, [p[0] for p in pairs], HEAD_LOSSES[clf.loss](n, k, self.t))
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
