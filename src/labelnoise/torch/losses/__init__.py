"""Noise-robust losses, one per file. Each is an ``nn.Module`` called as ``loss(logits, targets)``.

``ELRLoss`` also takes the examples' ``indices`` (it keeps per-example state) and
``OrthogonalProjectionLoss`` takes ``(features, targets)``.
"""

from labelnoise.torch.losses._apl import APLLoss
from labelnoise.torch.losses._backward import BackwardCorrectionLoss
from labelnoise.torch.losses._base import LabelLoss
from labelnoise.torch.losses._bootstrap import BootstrapLoss
from labelnoise.torch.losses._elr import ELRLoss
from labelnoise.torch.losses._forward import ForwardCorrectionLoss
from labelnoise.torch.losses._gce import GCELoss
from labelnoise.torch.losses._ldr import LDRLoss
from labelnoise.torch.losses._opl import OrthogonalProjectionLoss
from labelnoise.torch.losses._sce import SCELoss
from labelnoise.torch.losses._taylor import TaylorCELoss

__all__ = [
    "APLLoss",
    "BackwardCorrectionLoss",
    "BootstrapLoss",
    "ELRLoss",
    "ForwardCorrectionLoss",
    "GCELoss",
    "LDRLoss",
    "LabelLoss",
    "OrthogonalProjectionLoss",
    "SCELoss",
    "TaylorCELoss",
]
