"""A small PyTorch MLP as a scikit-learn classifier, trained to near-zero loss.

Deep networks fit their training labels, wrong ones included, until the training loss is
close to zero; their held-out probabilities are then *overconfident*. This estimator is
that regime on fixed features, cheaply: one hidden layer, Adam, no weight decay, no early
stopping. It is the benchmark's overconfident model (``"mlp"`` in
:data:`labelnoise.bench.MODELS`); torch is needed only when it is fitted.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

__all__ = ["OverfitMLP"]


class OverfitMLP(ClassifierMixin, BaseEstimator):
    """Standardized inputs, one ReLU hidden layer, trained for a fixed number of epochs.

    Parameters
    ----------
    hidden : int, default 1024
        Width of the hidden layer.
    epochs : int, default 20
        Passes over the training rows: enough, on the CIFAR-10 embeddings, to fit the
        training labels (wrong ones included) almost exactly.
    batch_size : int, default 256
    lr : float, default 1e-3
        Adam's learning rate.
    random_state : int, default 0
        Seed of the initial weights and the batch order.
    """

    def __init__(
        self,
        hidden: int = 1024,
        epochs: int = 20,
        batch_size: int = 256,
        lr: float = 1e-3,
        random_state: int = 0,
    ) -> None:
        self.hidden = hidden
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.random_state = random_state

    def fit(self, X: Any, y: Any) -> OverfitMLP:
        import torch

        X = np.asarray(X, dtype=np.float32)
        self.classes_, codes = np.unique(np.asarray(y), return_inverse=True)
        self.mean_ = X.mean(axis=0)
        scale = X.std(axis=0)
        self.scale_ = np.where(scale > 0, scale, 1.0).astype(np.float32)
        generator = torch.Generator().manual_seed(int(self.random_state))
        first = torch.nn.Linear(X.shape[1], self.hidden)
        last = torch.nn.Linear(self.hidden, len(self.classes_))
        net = torch.nn.Sequential(first, torch.nn.ReLU(), last)
        with torch.no_grad():  # PyTorch's default init, drawn from our own generator
            for layer in (first, last):
                bound = layer.in_features**-0.5
                for param in (layer.weight, layer.bias):
                    param.uniform_(-bound, bound, generator=generator)
        inputs = torch.from_numpy((X - self.mean_) / self.scale_)
        targets = torch.from_numpy(codes.astype(np.int64))
        optimizer = torch.optim.Adam(net.parameters(), lr=self.lr)
        n = inputs.shape[0]
        for _ in range(self.epochs):
            order = torch.randperm(n, generator=generator)
            for start in range(0, n, self.batch_size):
                batch = order[start : start + self.batch_size]
                optimizer.zero_grad()
                loss = torch.nn.functional.cross_entropy(net(inputs[batch]), targets[batch])
                loss.backward()
                optimizer.step()
        self.net_ = net.eval()
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        import torch

        check_is_fitted(self, "net_")
        X = (np.asarray(X, dtype=np.float32) - self.mean_) / self.scale_
        with torch.no_grad():
            logits = self.net_(torch.from_numpy(X.astype(np.float32)))
            return torch.softmax(logits.double(), dim=1).numpy()

    def predict(self, X: Any) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]
