"""``image_signature``: a content-level view of images for copy detection."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.fft import dctn

from labelnoise._errors import InputError, InputTypeError
from labelnoise._validation import as_array, check_int

__all__ = ["image_signature"]

_LUMA = np.array([0.299, 0.587, 0.114])


def image_signature(images: Any, *, size: int = 8) -> np.ndarray:
    """Low-frequency DCT coefficients of each image: a real-valued perceptual hash.

    The grey image's 2-D DCT (orthonormal) is cut to its ``size x size`` lowest
    frequencies, without the constant term (so brightness shifts do not matter). Cosine
    similarity of these vectors stays high under small crops, shifts, JPEG re-encoding
    and colour jitter, and is low for different photos of similar things: the content
    view :func:`find_leakage` combines with a semantic embedding. On CIFAR-10 it found
    the published copy of a test image as its nearest training image more often than the
    binarized pHash (docs/health.md).

    Parameters
    ----------
    images : array-like of shape (n, H, W) or (n, H, W, C)
        Numeric images, channels last (RGB is converted with the luma weights, other
        channel counts are averaged).
    size : int, default=8
        Frequencies kept per axis (at most ``min(H, W)``): ``size**2 - 1`` values.

    Returns
    -------
    ndarray of float32, shape (n, size**2 - 1)

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise.health import image_signature
    >>> image_signature(np.zeros((2, 32, 32, 3), dtype=np.uint8)).shape
    (2, 63)
    """
    size = check_int(size, name="size", func="image_signature", minimum=2)
    arr = as_array(images, "images", hint="pass an array of shape (n, H, W) or (n, H, W, C)")
    if arr.dtype.kind not in "biuf":
        raise InputTypeError("images", f"expected numeric pixels, got dtype {arr.dtype}.")
    if arr.ndim not in (3, 4):
        raise InputError(
            "images",
            f"expected shape (n, H, W) or (n, H, W, C), got {arr.shape}; pass a stack of "
            "images, channels last.",
        )
    if min(arr.shape[1:3]) < size:
        raise InputError(
            "size", f"is {size} but the images are only {arr.shape[1]}x{arr.shape[2]} pixels."
        )
    grey = arr.astype(np.float32)
    if grey.ndim == 4:
        grey = grey @ _LUMA.astype(np.float32) if grey.shape[3] == 3 else grey.mean(axis=3)
    coef = dctn(grey, axes=(1, 2), norm="ortho")[:, :size, :size]
    return np.ascontiguousarray(coef.reshape(arr.shape[0], -1)[:, 1:], dtype=np.float32)
