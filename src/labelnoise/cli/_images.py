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
import pandas as pd

from labelnoise.cli._errors import BadInput
from labelnoise.cli._io import _lines, _read_npy, is_delimited

__all__ = [
    "IMAGE_SUFFIXES",
    "confine_paths",
    "image_column_paths",
    "missing_images",
    "read_image_folder",
    "read_image_paths",
    "read_images",
]

#: Files of an image folder that are read as images (case-insensitive).
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff")


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
    where = "--image-root" if root is not None else "the list file's folder"
    return confine_paths(entries, base, allow_any=allow_any, what=f"{option} {path}", where=where)


def confine_paths(
    entries: list[str], base: str, *, allow_any: bool, what: str, where: str
) -> list[str]:
    """Resolve ``entries`` against ``base``; unless ``allow_any``, all must lie inside it.

    Parameters
    ----------
    entries : list of str
        Paths as written (relative ones are taken from ``base``; empty ones stay empty).
    base : str
        The absolute image root.
    allow_any : bool
        Accept paths anywhere.
    what, where : str
        The option and file the paths came from, and what the root is, for the message.

    Returns
    -------
    list of str
    """
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
        raise BadInput(
            f"{what}: {len(outside):,} image path(s) lie outside the image root "
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


def read_image_folder(root: Path) -> tuple[list[str], list[str]]:
    """The images of a one-subfolder-per-class folder, and each one's class (its subfolder).

    Subfolders are read in name order and files in name order within each, so the row
    numbers of an audit are stable; hidden files and folders, and files that are not
    images (by suffix, see :data:`IMAGE_SUFFIXES`), are skipped. Images nested deeper
    belong to their top-level subfolder. Images directly in ``root`` have no class: they
    are an error, not skipped.

    Parameters
    ----------
    root : Path

    Returns
    -------
    paths : list of str
        Absolute image paths.
    labels : list of str
        Subfolder name of each image.
    """
    paths: list[str] = []
    labels: list[str] = []
    loose = 0
    for entry in sorted(os.scandir(root), key=lambda e: e.name):
        if entry.name.startswith("."):
            continue
        if entry.is_file():
            loose += entry.name.lower().endswith(IMAGE_SUFFIXES)
            continue
        if not entry.is_dir():
            continue
        for folder, subfolders, files in os.walk(entry.path):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
            for name in sorted(files):
                if not name.startswith(".") and name.lower().endswith(IMAGE_SUFFIXES):
                    paths.append(os.path.abspath(os.path.join(folder, name)))
                    labels.append(entry.name)
    if paths and loose:
        raise BadInput(
            f"DATA {root}: {loose} image(s) lie directly in it, outside the class subfolders, "
            "so they have no label; move them into a class subfolder or out of DATA."
        )
    if not paths:
        detail = f" ({loose} image(s) lie directly in it)" if loose else ""
        raise BadInput(
            f"DATA {root}: no images in class subfolders{detail}; an image folder holds one "
            f"subfolder per class (photos/cat/1.jpg, photos/dog/2.jpg, ...) with "
            f"{', '.join(IMAGE_SUFFIXES)} files."
        )
    return paths, labels


def image_column_paths(
    frame: pd.DataFrame, column: str, data: Path, root: Path | None, allow_any: bool
) -> list[str]:
    """A table's image column as absolute paths inside the image root; every file must exist.

    Parameters
    ----------
    frame : DataFrame
    column : str
        The ``--image`` column.
    data : Path
        The table (relative paths are taken from its folder unless ``root`` is given).
    root : Path or None
        ``--image-root``.
    allow_any : bool
        ``--allow-any-image-path``.

    Returns
    -------
    list of str
    """
    entries = frame[column].fillna("").astype(str).tolist()
    base = str((root or data.parent).absolute())
    where = "--image-root" if root is not None else "the table's folder"
    paths = confine_paths(
        entries, base, allow_any=allow_any, what=f"--image {column!r} of {data}", where=where
    )
    missing = missing_images(paths)
    if missing:
        raise BadInput(
            f"--image {column!r} of {data}: {len(missing):,} row(s) name no image file, the "
            f"first row {missing[0]} ({entries[missing[0]]!r}); fix the paths, set "
            "--image-root DIR, or drop those rows."
        )
    return paths
