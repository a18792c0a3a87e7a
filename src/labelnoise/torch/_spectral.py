"""Post-hoc spectral truncation of penultimate features ("The Malignant Tail")."""

from __future__ import annotations

import torch

from labelnoise._errors import InputError, InputTypeError
from labelnoise.torch._checks import check_bool

__all__ = ["SpectralTruncation"]


class SpectralTruncation:
    """Keep only the top singular directions of a network's penultimate features.

    An over-parameterised network fits wrong labels with directions of *small* variance
    in its penultimate features, the spectral tail, while the clean signal lives in the
    leading directions. Projecting the features onto their top ``n_components`` right
    singular vectors (fitted on training features) and then refitting or applying the
    linear head removes much of what was memorised, with no retraining of the network.

    Parameters
    ----------
    n_components : int >= 1 or float in (0, 1)
        Directions to keep; a float keeps the fewest directions holding that share of
        the squared singular values (the energy). About the number of classes is a good
        start; choose it on held-out data.
    center : bool, default False
        Subtract the training mean before the SVD (and add it back in :meth:`transform`).

    Attributes
    ----------
    components_ : Tensor of shape (d_kept, d)
        Orthonormal top right singular vectors.
    singular_values_ : Tensor of shape (min(n, d),)
        All singular values of the training features, largest first.
    mean_ : Tensor of shape (d,)
        Training mean (zeros when ``center=False``).

    References
    ----------
    "The Malignant Tail: Spectral Segregation of Label Noise in Over-Parameterized Neural
    Networks" (2024).

    Examples
    --------
    >>> import torch
    >>> from labelnoise.torch import SpectralTruncation
    >>> feats = torch.randn(100, 3) * torch.tensor([10.0, 1.0, 0.01])
    >>> trunc = SpectralTruncation(2).fit(feats)
    >>> trunc.components_.shape
    torch.Size([2, 3])
    >>> bool((trunc.transform(feats) - feats).abs().max() < 0.1)
    True
    """

    def __init__(self, n_components: int | float, *, center: bool = False) -> None:
        self.n_components = n_components
        self.center = check_bool(center, name="center", owner="SpectralTruncation")

    def _rank(self, singular_values: torch.Tensor) -> int:
        k = self.n_components
        if isinstance(k, bool) or not isinstance(k, int | float):
            raise InputTypeError(
                "n_components",
                f"SpectralTruncation expects an int >= 1 or a float in (0, 1), got {k!r}.",
            )
        if isinstance(k, float):
            if not 0.0 < k < 1.0:
                raise InputError(
                    "n_components",
                    f"SpectralTruncation expects a float energy share in (0, 1), got {k!r}; "
                    "pass an int to keep a fixed number of directions.",
                )
            energy = torch.cumsum(singular_values.double() ** 2, 0)
            return int(torch.searchsorted(energy / energy[-1], k).item()) + 1
        if not 1 <= k <= singular_values.numel():
            raise InputError(
                "n_components",
                f"SpectralTruncation can keep 1..{singular_values.numel()} directions "
                f"(min(n, d) of the features), got {k!r}.",
            )
        return k

    def fit(self, features: torch.Tensor) -> SpectralTruncation:
        """Learn the top directions from training features of shape (n, d)."""
        f = _check_features(features)
        self.mean_ = f.mean(dim=0) if self.center else torch.zeros_like(f[0])
        _, s, vh = torch.linalg.svd(f - self.mean_, full_matrices=False)
        self.singular_values_ = s
        self.components_ = vh[: self._rank(s)]
        return self

    def transform(self, features: torch.Tensor) -> torch.Tensor:
        """Project features (m, d) onto the kept directions, in the original coordinates."""
        if not hasattr(self, "components_"):
            raise InputError("features", "SpectralTruncation is not fitted; call fit() first.")
        f = _check_features(features)
        if f.shape[1] != self.components_.shape[1]:
            raise InputError(
                "features",
                f"SpectralTruncation was fitted on {self.components_.shape[1]} dimensions, "
                f"got {f.shape[1]}.",
            )
        v = self.components_.to(f)
        return (f - self.mean_.to(f)) @ v.T @ v + self.mean_.to(f)

    def fit_transform(self, features: torch.Tensor) -> torch.Tensor:
        """:meth:`fit`, then :meth:`transform` the same features."""
        return self.fit(features).transform(features)


def _check_features(features: object) -> torch.Tensor:
    if not isinstance(features, torch.Tensor) or not torch.is_floating_point(features):
        raise InputTypeError(
            "features",
            f"SpectralTruncation expects a floating-point torch.Tensor, got {type(features)!r}.",
        )
    if features.ndim != 2 or features.shape[0] < 1:
        raise InputError(
            "features",
            f"SpectralTruncation expects shape (n, d), got {tuple(features.shape)}.",
        )
    return features.detach().float() if features.dtype != torch.float64 else features.detach()
