"""Apply a noise setting to true labels: simulated, real (CIFAR-10N), drawn from annotators'
votes (CIFAR-10H) or open-set."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from labelnoise.bench._data import BenchData, standardized
from labelnoise.bench._specs import NoiseSpec
from labelnoise.simulate import (
    SimulatedNoise,
    from_transition_matrix,
    human_noise,
    human_transition_matrix,
    instance_dependent,
    pairflip,
    random_transition_matrix,
    symmetric,
)

__all__ = ["NoisyLabels", "annotator_labels", "applies", "nominal_rate", "openset", "simulate"]

#: Classes of the CIFAR-10N confusion matrices.
HUMAN_CLASSES = 10
#: Classes out of distribution under open-set noise (the last ones).
OPENSET_CLASSES = 2


def applies(spec: NoiseSpec, data: BenchData) -> bool:
    """Whether the setting can corrupt the labels of ``data``.

    Human noise needs 10 classes, real noise the CIFAR-10N label sets, annotator noise the
    CIFAR-10H votes, open-set noise at least two known classes besides the two unknown
    ones; symmetric noise at (K-1)/K or more makes a wrong label as likely as the right
    one, so it is skipped there.
    """
    k = data.n_classes
    if spec.kind == "human":
        return k == HUMAN_CLASSES
    if spec.kind == "real":
        return data.human_labels is not None
    if spec.kind == "annotators":
        return data.votes is not None
    if spec.kind == "openset":
        return k >= OPENSET_CLASSES + 2
    if spec.kind == "symmetric":
        return float(spec.rate or 0.0) < (k - 1) / k
    return True


def nominal_rate(spec: NoiseSpec) -> float | None:
    """The requested noise rate (for human noise, that of the CIFAR-10N matrix); ``None``
    where the data sets it (real, annotator and open-set noise)."""
    if spec.kind == "human":
        matrix = human_transition_matrix(spec.source)  # type: ignore[arg-type]
        return float(1.0 - matrix.diagonal().mean())
    if spec.kind in ("real", "annotators", "openset"):
        return None
    return float(spec.rate or 0.0)


def _draws(shares: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """``size`` independent labels per row, each drawn from the row's class shares."""
    cumulative = np.cumsum(shares, axis=1)
    cumulative /= cumulative[:, -1:]
    u = rng.random((shares.shape[0], size))
    picked = (u[:, :, None] >= cumulative[:, None, :]).sum(axis=2)
    return np.minimum(picked, shares.shape[1] - 1)


def _majority3(draws: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    a, b, c = draws.T
    pick = draws[np.arange(draws.shape[0]), rng.integers(0, 3, draws.shape[0])]
    return np.where((a == b) | (a == c), a, np.where(b == c, b, pick))


def annotator_labels(
    votes: np.ndarray, source: str, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Labels drawn from each row's annotator votes, and the majority they are judged by.

    Parameters
    ----------
    votes : ndarray of int, shape (n, K)
        Vote counts per class (CIFAR-10H).
    source : {"one", "majority3", "worst3"}
        ``one``: one annotator's label, a draw from the row's vote shares. ``majority3``:
        the majority of three draws; when all three differ, one of them at random.
        ``worst3``: of three draws, a wrong one (not the majority vote) when any is wrong
        (the first, a uniformly random one of the wrong draws since draws are exchangeable),
        else the majority.
    rng : numpy.random.Generator

    Returns
    -------
    labels : ndarray of int64, shape (n,)
    majority : ndarray of int64, shape (n,)
        ``argmax`` of the votes (ties: the lowest class index).
    """
    shares = np.asarray(votes, dtype=np.float64)
    majority = shares.argmax(axis=1)
    if source == "one":
        labels = _draws(shares, 1, rng)[:, 0]
    elif source == "majority3":
        labels = _majority3(_draws(shares, 3, rng), rng)
    else:
        draws = _draws(shares, 3, rng)
        wrong = draws != majority[:, None]
        first_wrong = draws[np.arange(draws.shape[0]), wrong.argmax(axis=1)]
        labels = np.where(wrong.any(axis=1), first_wrong, majority)
    return labels.astype(np.int64), majority.astype(np.int64)


def openset(y: np.ndarray, n_classes: int, rng: np.random.Generator) -> NoisyLabels:
    """The last two classes out of distribution: each of their examples gets a uniformly
    random label among the other classes, and every one of them counts as wrong."""
    known = n_classes - OPENSET_CLASSES
    outside = y >= known
    labels = y.copy()
    labels[outside] = rng.integers(0, known, int(outside.sum()))
    return _result(labels, y)


@dataclass(frozen=True, eq=False)
class NoisyLabels:
    """Noisy labels and which of them are wrong (differ from the true labels)."""

    labels: np.ndarray
    is_flipped: np.ndarray


def _result(labels: np.ndarray, y: np.ndarray) -> NoisyLabels:
    labels = np.asarray(labels, dtype=np.int64)
    return NoisyLabels(labels=labels, is_flipped=labels != y)


def _simulated(noise: SimulatedNoise) -> NoisyLabels:
    return NoisyLabels(np.asarray(noise.labels, dtype=np.int64), np.asarray(noise.is_flipped))


def simulate(spec: NoiseSpec, data: BenchData, rng: np.random.Generator) -> NoisyLabels:
    """Noisy labels for ``data.y`` under ``spec``, all randomness from ``rng``."""
    y, k, rate = data.y, data.n_classes, float(spec.rate or 0.0)
    if spec.kind == "symmetric":
        return _simulated(symmetric(y, noise_rate=rate, n_classes=k, random_state=rng))
    if spec.kind == "pairflip":
        return _simulated(pairflip(y, noise_rate=rate, n_classes=k, random_state=rng))
    if spec.kind == "random_matrix":
        prior = np.bincount(y, minlength=k) / y.shape[0]
        T = random_transition_matrix(
            k,
            noise_rate=rate,
            frac_zero_noise_rates=spec.frac_zero_noise_rates,
            prior=prior,
            random_state=rng,
        )
        return _simulated(from_transition_matrix(y, T, random_state=rng))
    if spec.kind == "instance":
        noisy = instance_dependent(
            standardized(np.asarray(data.X, dtype=np.float64)),
            y,
            noise_rate=rate,
            n_classes=k,
            flip_rate_std=spec.flip_rate_std,
            random_state=rng,
        )
        return _simulated(noisy)
    if spec.kind == "real":
        assert data.human_labels is not None  # applies() checked it
        return _result(data.human_labels[str(spec.source)], y)
    if spec.kind == "annotators":
        assert data.votes is not None  # applies() checked it
        labels, _ = annotator_labels(data.votes, str(spec.source), rng)
        return _result(labels, y)
    if spec.kind == "openset":
        return openset(y, k, rng)
    return _simulated(human_noise(y, source=spec.source, random_state=rng))  # type: ignore[arg-type]
