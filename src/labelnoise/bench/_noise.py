"""Apply a noise setting to true labels with :mod:`labelnoise.simulate`."""

from __future__ import annotations

import numpy as np

from labelnoise.bench._config import NoiseSpec
from labelnoise.bench._data import BenchData, standardized
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

__all__ = ["applies", "nominal_rate", "simulate"]

#: Classes of the CIFAR-10N confusion matrices.
HUMAN_CLASSES = 10


def applies(spec: NoiseSpec, n_classes: int) -> bool:
    """Whether the setting can corrupt labels with ``n_classes`` classes."""
    return spec.kind != "human" or n_classes == HUMAN_CLASSES


def nominal_rate(spec: NoiseSpec) -> float:
    """The requested noise rate (for human noise, that of the CIFAR-10N label set)."""
    if spec.kind == "human":
        matrix = human_transition_matrix(spec.source)  # type: ignore[arg-type]
        return float(1.0 - matrix.diagonal().mean())
    return float(spec.rate or 0.0)


def simulate(spec: NoiseSpec, data: BenchData, rng: np.random.Generator) -> SimulatedNoise:
    """Noisy labels for ``data.y`` under ``spec``, all randomness from ``rng``."""
    y, k, rate = data.y, data.n_classes, float(spec.rate or 0.0)
    if spec.kind == "symmetric":
        return symmetric(y, noise_rate=rate, n_classes=k, random_state=rng)
    if spec.kind == "pairflip":
        return pairflip(y, noise_rate=rate, n_classes=k, random_state=rng)
    if spec.kind == "random_matrix":
        prior = np.bincount(y, minlength=k) / y.shape[0]
        T = random_transition_matrix(
            k,
            noise_rate=rate,
            frac_zero_noise_rates=spec.frac_zero_noise_rates,
            prior=prior,
            random_state=rng,
        )
        return from_transition_matrix(y, T, random_state=rng)
    if spec.kind == "instance":
        return instance_dependent(
            standardized(data.X),
            y,
            noise_rate=rate,
            n_classes=k,
            flip_rate_std=spec.flip_rate_std,
            random_state=rng,
        )
    return human_noise(y, source=spec.source, random_state=rng)  # type: ignore[arg-type]
