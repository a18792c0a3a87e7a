"""Pictures for the report, each returned as a ``data:image/png;base64,...`` URI.

matplotlib is used through its object-oriented API (``Figure`` + the Agg canvas), never
``pyplot``, so rendering touches no global state. Thumbnails go through Pillow, which
matplotlib already depends on.
"""

from __future__ import annotations

import base64
import io
import os
from collections.abc import Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import PowerNorm
from matplotlib.figure import Figure
from PIL import Image

__all__ = ["heatmap_png", "png_uri", "thumbnail"]

#: Thumbnails are scaled so their longer side is this many pixels.
THUMB_PX = 96
#: Cells are annotated with their value up to this many classes.
ANNOTATE_MAX_CLASSES = 15


def png_uri(data: bytes) -> str:
    """Wrap PNG bytes in a data URI that an ``<img src>`` can use."""
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _annotate(ax: object, matrix: np.ndarray, norm: PowerNorm) -> None:
    k = matrix.shape[0]
    size = 9 if k <= 10 else 7
    for i in range(k):
        for j in range(k):
            value = 100.0 * matrix[i, j]
            text = f"{value:.0f}" if value >= 9.95 or value == 0 else f"{value:.1f}"
            dark = norm(matrix[i, j]) > 0.55
            ax.text(  # type: ignore[attr-defined]
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=size,
                color="white" if dark else "#1f2937",
            )


def heatmap_png(matrix: np.ndarray, names: Sequence[str]) -> str:
    """Draw the noise matrix ``P(given = i | true = j)`` as an annotated heatmap.

    Parameters
    ----------
    matrix : ndarray of shape (K, K)
        Rows: given label; columns: true label; values in [0, 1].
    names : sequence of K str
        Class names.

    Returns
    -------
    str
        A PNG data URI.
    """
    k = matrix.shape[0]
    side = float(np.clip(0.4 * k + 1.4, 4.0, 10.0))
    fig = Figure(figsize=(side + 0.9, side), dpi=150, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    # A power norm (gamma < 1) keeps small off-diagonal rates visible next to the diagonal.
    norm = PowerNorm(gamma=0.35, vmin=0.0, vmax=1.0)
    image = ax.imshow(matrix, cmap="BuPu", norm=norm, interpolation="nearest")
    if k <= ANNOTATE_MAX_CLASSES:
        _annotate(ax, matrix, norm)
    ticks = np.arange(k)
    fontsize = 9 if k <= 20 else 6
    shown = [name if len(name) <= 14 else name[:13] + "…" for name in names]
    ax.set_xticks(ticks, shown, rotation=45, ha="right", fontsize=fontsize)
    ax.set_yticks(ticks, shown, fontsize=fontsize)
    ax.set_xlabel("true label (estimated)", fontsize=10)
    ax.set_ylabel("given label", fontsize=10)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    bar = fig.colorbar(image, ax=ax, shrink=0.8, pad=0.02)
    bar.set_label("P(given | true), %", fontsize=9)
    bar.set_ticks([0, 0.01, 0.05, 0.2, 0.5, 1.0], labels=["0", "1", "5", "20", "50", "100"])
    bar.ax.tick_params(labelsize=8)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", facecolor="white")
    return png_uri(buffer.getvalue())


def _to_uint8(image: np.ndarray) -> np.ndarray:
    """Scale one image to uint8 (floats in [0, 1] by 255, anything else by its range)."""
    if image.dtype == np.uint8:
        return image
    values = image.astype(np.float64)
    lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
    if image.dtype.kind == "f" and lo >= 0.0 and hi <= 1.0:
        lo, hi = 0.0, 1.0
    elif lo >= 0.0 and hi <= 255.0:
        lo, hi = 0.0, 255.0
    scaled = (np.nan_to_num(values, nan=lo) - lo) / max(hi - lo, 1e-12)
    return np.clip(np.rint(scaled * 255.0), 0, 255).astype(np.uint8)


def _channels_last(image: np.ndarray) -> np.ndarray:
    if image.ndim == 3 and image.shape[0] in (1, 3, 4) and image.shape[-1] not in (1, 3, 4):
        image = np.moveaxis(image, 0, -1)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    return image


def _encode(picture: Image.Image) -> str:
    width, height = picture.size
    scale = THUMB_PX / max(width, height)
    # Small images (MNIST, CIFAR) are enlarged with hard pixel edges; large ones smoothed.
    resample = Image.Resampling.NEAREST if scale >= 1 else Image.Resampling.LANCZOS
    if scale >= 1:
        scale = float(max(1, int(scale)))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    buffer = io.BytesIO()
    picture.resize(size, resample).save(buffer, format="PNG", optimize=True)
    return png_uri(buffer.getvalue())


def thumbnail(source: np.ndarray | str | os.PathLike[str]) -> str | None:
    """A PNG data URI thumbnail of one image, or None when a path cannot be read.

    Parameters
    ----------
    source : ndarray of shape (H, W), (H, W, C) or (C, H, W), or a path
        Pixel values (uint8, or floats in [0, 1], or anything else, scaled by its range),
        or the path of an image file Pillow can read.

    Returns
    -------
    str or None
    """
    if isinstance(source, np.ndarray):
        picture = Image.fromarray(_to_uint8(_channels_last(source)))
    else:
        try:
            with Image.open(source) as opened:
                picture = opened.convert("RGBA" if "A" in opened.getbands() else "RGB")
        except (OSError, ValueError):
            return None
    return _encode(picture)
