"""Estimate how labels are corrupted: confident joint, noise transition matrix, prior."""

from labelnoise.noise._estimate import IssueCounts, NoiseEstimate, estimate_noise

__all__ = ["IssueCounts", "NoiseEstimate", "estimate_noise"]
