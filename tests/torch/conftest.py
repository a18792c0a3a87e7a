"""Seeded inputs for the torch tests; every test here skips when torch is absent."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

DTYPES = (torch.float32, torch.float64)


def _make_batch(seed: int, *, n: int = 12, k: int = 5, scale: float = 3.0, dtype=torch.float64):
    """Logits ``(n, k)`` (standard normal times ``scale``) and targets ``(n,)``, seeded."""
    gen = torch.Generator().manual_seed(seed)
    logits = (torch.randn(n, k, generator=gen, dtype=torch.float64) * scale).to(dtype)
    targets = torch.randint(0, k, (n,), generator=gen)
    return logits, targets


@pytest.fixture
def make_batch():
    """Factory ``make_batch(seed, n=12, k=5, scale=3.0, dtype=float64) -> (logits, targets)``."""
    return _make_batch


@pytest.fixture(params=DTYPES, ids=["float32", "float64"])
def dtype(request):
    """Both floating dtypes the losses must support."""
    return request.param
