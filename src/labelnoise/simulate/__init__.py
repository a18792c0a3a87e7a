"""Simulate label noise exactly: the realised rates are the requested ones, up to rounding.

Every simulator takes true labels and returns a :class:`SimulatedNoise` with the noisy
labels, which ones changed, and the *realised* transition matrix and noise rate::

    symmetric(labels, noise_rate=0.2)                 uniform over the other classes
    pairflip(labels, noise_rate=0.2)                  class k -> k + 1
    from_transition_matrix(labels, T)                 any class-conditional noise
    random_transition_matrix(K, noise_rate=0.2)       a random T with that noise rate
    instance_dependent(X, labels, noise_rate=0.2)     Xia et al. (NeurIPS 2020)
    human_noise(labels, source="cifar10n_worst")      real CIFAR-10N confusions
    tag_noise(tags, drop_rate=0.2, add_rate=0.01)     multi-label: missing / wrong tags
    tag_noise_from_matrix(tags, T)                    multi-label, per-tag (K, 2, 2) matrix

Counts are allocated by largest remainder rather than drawn independently, so a 20% rate
on 1,000 labels flips exactly 200 of them. All randomness comes from ``random_state``.
"""

from labelnoise.simulate._human import HumanSource, human_noise, human_transition_matrix
from labelnoise.simulate._instance import instance_dependent
from labelnoise.simulate._matrix import from_transition_matrix, random_transition_matrix
from labelnoise.simulate._multilabel import SimulatedTagNoise, tag_noise, tag_noise_from_matrix
from labelnoise.simulate._result import SimulatedNoise
from labelnoise.simulate._uniform import pairflip, symmetric

__all__ = [
    "HumanSource",
    "SimulatedNoise",
    "SimulatedTagNoise",
    "from_transition_matrix",
    "human_noise",
    "human_transition_matrix",
    "instance_dependent",
    "pairflip",
    "random_transition_matrix",
    "symmetric",
    "tag_noise",
    "tag_noise_from_matrix",
]
