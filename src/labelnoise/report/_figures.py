"""Pictures for the report, each returned as a ``data:image/png;base64,...`` URI.

matplotlib is used through its object-oriented API (``Figure`` + the Agg canvas), never
``pyplot``, so rendering touches no global state. Text from the data (class names) is
drawn literally: mathtext is off for it, so a ``$`` is a dollar sign, not TeX. Thumbnails
go through Pillow, which matplotlib already depends on; an image file that is missing,
unreadable or larger than Pillow's decompression-bomb limit gets no thumbnail (and a
reason) instead of failing the report.
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

__all__ = [
    "MISSING",
    "TOO_LARGE",
    "UNREADABLE",
    "heatmap_png",
    "image_thumbnail",
    "png_uri",
    "thumbnail",
]

#: Thumbnails are scaled so their longer side is this many pixels.
THUMB_PX = 96
#: Cells are annotated with their value up to this many classes.
ANNOTATE_MAX_CLASSES = 15
#: Why an image file got no thumbnail.
MISSING, TOO_LARGE, UNREADABLE = "missing", "too large", "unreadable"


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
    # parse_math=False: names such as "price $^$" are text, not (invalid) mathtext
    ax.set_xticks(ticks, shown, rotation=45, ha="right", fontsize=fontsize, parse_math=False)
    ax.set_yticks(ticks, shown, fontsize=fontsize, parse_math=False)
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


def _open(source: str | os.PathLike[str]) -> tuple[Image.Image | None, str | None]:
    """The picture of an image file in RGB(A), or None and why not."""
    try:
        with Image.open(source) as opened:
            limit = Image.MAX_IMAGE_PIXELS
            if limit is not None and opened.width * opened.height > limit:
                return None, TOO_LARGE  # Pillow only warns up to twice its limit
            return opened.convert("RGBA" if "A" in opened.getbands() else "RGB"), None
    except Image.DecompressionBombError:
        return None, TOO_LARGE
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None, MISSING
    except (OSError, ValueError):
        return None, UNREADABLE


def image_thumbnail(source: np.ndarray | str | os.PathLike[str]) -> tuple[str | None, str | None]:
    """A PNG data URI thumbnail of one image, or None and the reason there is none.

    Parameters
    ----------
    source : ndarray of shape (H, W), (H, W, C) or (C, H, W), or a path
        Pixel values (uint8, or floats in [0, 1], or anything else, scaled by its range),
        or the path of an image file Pillow can read.

    Returns
    -------
    uri : str or None
    reason : {None, "missing", "too large", "unreadable"}
        Why a path gave no thumbnail: no such file, more pixels than Pillow's
        decompression-bomb limit (``PIL.Image.MAX_IMAGE_PIXELS``), or not an image.
    """
    if isinstance(source, np.ndarray):
        return _encode(Image.fromarray(_to_uint8(_channels_last(source)))), None
    if not os.fspath(source):
        return None, MISSING
    picture, reason = _open(source)
    return (None, reason) if picture is None else (_encode(picture), None)


def thumbnail(source: np.ndarray | str | os.PathLike[str]) -> str | None:
    """A PNG data URI thumbnail of one image, or None when a path cannot be read.

    Parameters
    ----------
    source : ndarray of shape (H, W), (H, W, C) or (C, H, W), or a path
        As for :func:`image_thumbnail`.

    Returns
    -------
    str or None
    """
    return image_thumbnail(source)[0]
