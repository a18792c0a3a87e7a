"""A classifier head (linear or 2-layer MLP) trained on frozen features through label noise.

This module is the scikit-learn estimator: its options (the losses and strategies by
name), their validation, the held-out split and standardization, and prediction. The
training loop itself is :class:`labelnoise.torch._head_training.HeadTrainer`.
"""

from __future__ import annotations

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
from labelnoise.torch._checks import check_range, check_transition_matrix
from labelnoise.torch._head_training import HeadTrainer
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
        loss = HEAD_LOSSES[self.loss](len(fit_rows), self.classes_.shape[0], t)
        self.model_, self.validation_scores_, self.best_epoch_ = HeadTrainer(self, loss, gen).run(
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
