"""Train through label noise with PyTorch: robust losses and training strategies.

Needs the ``torch`` extra (``pip install "labelnoise[torch]"``); nothing else in
labelnoise imports torch. Every loss is an ``nn.Module`` called as ``loss(logits, targets)``
with torch's ``reduction`` convention::

    GCELoss, SCELoss, APLLoss, BootstrapLoss, TaylorCELoss, LDRLoss      robust losses
    ForwardCorrectionLoss(T), BackwardCorrectionLoss(T)                  loss correction
    ELRLoss(num_examples, num_classes)(logits, targets, indices)         per-example state
    OrthogonalProjectionLoss()(features, targets)                        on features

Training strategies::

    CoTeaching(model1, model2, opt1, opt2, forget_rate=...)              two networks
    small_loss_selection(losses, forget_rate=...), forget_rate_schedule  building blocks
    SpectralTruncation(n_components).fit(features).transform(...)      post-hoc
    ANVOptimizer(optimizer, variability=...)                             weight noise

A ready head for frozen features (a scikit-learn classifier)::

    NoisyHeadClassifier(loss="gce", hidden=256, strategy="coteaching", ...).fit(X, y)

Transition matrices follow Patrini et al.: ``T[i, j] = P(noisy = j | true = i)``, the
transpose of :attr:`labelnoise.NoiseEstimate.noise_matrix`.
"""

try:
    import torch as _torch  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised only without torch
    raise ImportError(
        "labelnoise.torch needs PyTorch: pip install 'labelnoise[torch]' (for a CPU-only "
        "build: pip install torch --index-url https://download.pytorch.org/whl/cpu)."
    ) from exc

from labelnoise.torch._anv import ANVOptimizer
from labelnoise.torch._coteaching import CoTeaching, CoTeachingEpoch, CoTeachingStep
from labelnoise.torch._heads import NoisyHeadClassifier
from labelnoise.torch._selection import forget_rate_schedule, small_loss_selection
from labelnoise.torch._spectral import SpectralTruncation
from labelnoise.torch.losses import (
    APLLoss,
    BackwardCorrectionLoss,
    BootstrapLoss,
    ELRLoss,
    ForwardCorrectionLoss,
    GCELoss,
    LabelLoss,
    LDRLoss,
    OrthogonalProjectionLoss,
    SCELoss,
    TaylorCELoss,
)

__all__ = [
    "ANVOptimizer",
    "APLLoss",
    "BackwardCorrectionLoss",
    "BootstrapLoss",
    "CoTeaching",
    "CoTeachingEpoch",
    "CoTeachingStep",
    "ELRLoss",
    "ForwardCorrectionLoss",
    "GCELoss",
    "LDRLoss",
    "LabelLoss",
    "NoisyHeadClassifier",
    "OrthogonalProjectionLoss",
    "SCELoss",
    "SpectralTruncation",
    "TaylorCELoss",
    "forget_rate_schedule",
    "small_loss_selection",
]
