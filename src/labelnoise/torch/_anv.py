"""Artificial neural variability (Xie et al., Neural Computation 2021): noisy weights."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import torch

from labelnoise._errors import InputTypeError
from labelnoise.torch._checks import check_range

__all__ = ["ANVOptimizer"]


class ANVOptimizer:
    """Wrap an optimizer so that gradients are taken at randomly perturbed weights.

    Each step the network is evaluated at :math:`\\theta + b` with fresh Gaussian noise
    :math:`b \\sim N(0, \\sigma^2 I)`, while the update is applied to the clean weights
    :math:`\\theta`. This "neural variability" flattens the minimum found and makes it much
    harder to memorise wrong labels. The weights hold :math:`\\theta + b` between steps, so
    evaluate inside :meth:`clean` (or call :meth:`remove_noise` once training is done).

    Parameters
    ----------
    optimizer : torch.optim.Optimizer
        The optimizer to wrap (SGD, Adam, ...), already built on the parameters.
    variability : float >= 0, default 0.01
        Standard deviation :math:`\\sigma` of the weight noise; 0 gives the plain optimizer.
    generator : torch.Generator, optional
        Source of the noise, for reproducible runs.

    References
    ----------
    Z. Xie, F. He, S. Fu, I. Sato, D. Tao and M. Sugiyama, "Artificial Neural Variability
    for Deep Learning: On Overfitting, Noise Memorization, and Catastrophic Forgetting",
    Neural Computation 33(8), 2021.

    Examples
    --------
    >>> import torch
    >>> from labelnoise.torch import ANVOptimizer
    >>> net = torch.nn.Linear(3, 2)
    >>> opt = ANVOptimizer(torch.optim.SGD(net.parameters(), lr=0.1), variability=0.01)
    >>> net(torch.randn(4, 3)).sum().backward()
    >>> opt.step()
    >>> with opt.clean():
    ...     out = net(torch.randn(4, 3))
    """

    def __init__(
        self,
        optimizer: torch.optim.Optimizer,
        *,
        variability: float = 0.01,
        generator: torch.Generator | None = None,
    ) -> None:
        if not isinstance(optimizer, torch.optim.Optimizer):
            raise InputTypeError(
                "optimizer",
                f"ANVOptimizer wraps a torch.optim.Optimizer, got {type(optimizer)!r}.",
            )
        self.optimizer = optimizer
        self.variability = check_range(
            variability, name="variability", owner="ANVOptimizer", low=0.0, high=float("inf")
        )
        self.generator = generator
        self._noise: dict[torch.Tensor, torch.Tensor] = {}
        self._perturb()

    @property
    def param_groups(self) -> list[dict[str, Any]]:
        """The wrapped optimizer's parameter groups (give LR schedulers ``.optimizer``)."""
        return self.optimizer.param_groups

    def _params(self) -> Iterator[torch.Tensor]:
        for group in self.optimizer.param_groups:
            yield from group["params"]

    @torch.no_grad()
    def _perturb(self) -> None:
        if self.variability == 0.0:
            return
        for p in self._params():
            device = self.generator.device if self.generator is not None else p.device
            noise = torch.randn(p.shape, generator=self.generator, device=device, dtype=p.dtype)
            noise = noise.to(p.device).mul_(self.variability)
            p.add_(noise)
            self._noise[p] = noise

    @torch.no_grad()
    def remove_noise(self) -> None:
        """Put the clean weights back (the next :meth:`step` draws new noise)."""
        for p, noise in self._noise.items():
            p.sub_(noise)
        self._noise.clear()

    @contextlib.contextmanager
    def clean(self) -> Iterator[None]:
        """Context in which the parameters hold the clean weights (for evaluation)."""
        saved = dict(self._noise)
        self.remove_noise()
        try:
            yield
        finally:
            with torch.no_grad():
                for p, noise in saved.items():
                    p.add_(noise)
            self._noise = saved

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Remove the noise, take the wrapped optimizer's step, draw new noise."""
        self.remove_noise()
        result = self.optimizer.step(closure)
        self._perturb()
        return result

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear the gradients of the wrapped optimizer."""
        self.optimizer.zero_grad(set_to_none=set_to_none)

    def state_dict(self) -> dict[str, Any]:
        """The wrapped optimizer's state (the noise is not saved)."""
        return self.optimizer.state_dict()

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load the wrapped optimizer's state."""
        self.optimizer.load_state_dict(state_dict)
