"""Image inputs of ``labelnoise report``: a pixel array, or a list of paths kept in a root.

A list of image paths comes from a file the user may not have written (a downloaded
dataset), and the report embeds every image it names. So the paths are confined to an
image root (the list file's folder, or ``--image-root``) unless the user opts out with
``--allow-any-image-path``; ``../`` and absolute paths outside the root are an error.
The check is made on the path as written (``..`` resolved, symlinks inside the root
followed), so a dataset folder of symbolic links still works.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from labelnoise.cli._errors import BadInput
from labelnoise.cli._io import _lines, _read_npy, is_delimited

__all__ = ["missing_images", "read_image_paths", "read_images"]


def _within(path: str, root: str) -> bool:
    """Whether ``path`` lies in ``root``, judged on the path as written (``..`` resolved)."""
    return os.path.commonpath([path, root]) == root


def read_image_paths(
    path: Path,
    *,
    option: str = "--images",
    header: bool = True,
    root: Path | None = None,
    allow_any: bool = False,
) -> list[str]:
    """Read a list of image paths (.txt/.csv/.tsv, one per line), confined to a root folder.

    Relative paths are taken from ``root`` (default: the list file's folder). Unless
    ``allow_any``, every path, relative or absolute, must lie inside ``root`` once ``..``
    is resolved, so a list cannot pull arbitrary files of the machine into a report.

    Parameters
    ----------
    path : Path
        The list file.
    option : str, default="--images"
    header : bool, default=True
        Whether the first line is a header.
    root : Path, optional
        The image root folder (``--image-root``).
    allow_any : bool, default=False
        Accept paths anywhere (``--allow-any-image-path``).

    Returns
    -------
    list of str
        Absolute paths (an empty entry stays empty: no image for that row).
    """
    base = os.path.abspath(root if root is not None else path.parent)
    entries = _lines(path, option=option, header=header)
    resolved = [
        os.path.normpath(os.path.join(base, line.strip())) if line.strip() else ""
        for line in entries
    ]
    outside = [
        (row, line.strip())
        for row, (line, full) in enumerate(zip(entries, resolved, strict=True))
        if full and not allow_any and not _within(full, base)
    ]
    if outside:
        row, first = outside[0]
        where = "--image-root" if root is not None else "the list file's folder"
        raise BadInput(
            f"{option} {path}: {len(outside):,} image path(s) lie outside the image root "
            f"{base} ({where}), the first {first!r} (entry {row}); move the images under "
            "it, set --image-root DIR, or pass --allow-any-image-path."
        )
    return resolved


def read_images(
    path: Path,
    *,
    option: str = "--images",
    header: bool = True,
    root: Path | None = None,
    allow_any: bool = False,
) -> np.ndarray | list[str]:
    """Read images: a pixel array (.npy) or a list of image paths (see :func:`read_image_paths`).

    Parameters
    ----------
    path : Path
    option : str, default="--images"
    header, root, allow_any
        For a list of paths, as in :func:`read_image_paths`.

    Returns
    -------
    ndarray of shape (n, H, W[, C]) or list of n str
    """
    if path.suffix.lower() == ".npy":
        images = _read_npy(path, option=option)
        if images.ndim not in (3, 4):
            raise BadInput(
                f"{option} {path}: expected images of shape (n, H, W) or (n, H, W, C), "
                f"got shape {images.shape}."
            )
        return images
    if not is_delimited(path):
        raise BadInput(
            f"{option} {path}: unsupported file type {path.suffix or '(none)'!r}; use .npy "
            "(pixels) or a .txt/.csv list of image paths."
        )
    return read_image_paths(path, option=option, header=header, root=root, allow_any=allow_any)


def missing_images(images: np.ndarray | list[str]) -> list[int]:
    """Rows whose image path is empty or names no file (always none for a pixel array).

    Parameters
    ----------
    images : ndarray or list of str

    Returns
    -------
    list of int
    """
    if isinstance(images, np.ndarray):
        return []
    return [row for row, name in enumerate(images) if not (name and os.path.isfile(name))]
