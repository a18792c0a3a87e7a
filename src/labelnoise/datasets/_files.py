"""Finding the files a loader was pointed at, with errors that say where to get them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from labelnoise._errors import InputError, InputTypeError

__all__ = [
    "PathLike",
    "as_path",
    "check_not_empty",
    "find_file",
    "load_npy",
    "load_npz",
    "read_error",
]

PathLike = str | os.PathLike[str]


def as_path(path: Any, *, name: str = "path") -> Path:
    """``path`` as a :class:`pathlib.Path` (str or os.PathLike only)."""
    if not isinstance(path, str | os.PathLike):
        raise InputTypeError(
            name,
            f"expected a folder or file path (str or pathlib.Path), got {type(path).__name__}.",
        )
    return Path(path).expanduser()


def find_file(path: Any, filename: str, *, hint: str, allow_file: bool = True) -> Path:
    """``path/filename`` when ``path`` is a folder, else ``path`` itself; it must exist.

    ``hint`` says where the file comes from, for the error message. With
    ``allow_file=False`` (loaders that read several files) ``path`` must be a folder.
    """
    given = as_path(path)
    if not allow_file and given.is_file():
        raise InputError(
            "path", f"expected the folder holding {filename} ({hint}), got the file {str(given)!r}."
        )
    target = given / filename if given.is_dir() else given
    if not target.is_file():
        raise InputError(
            "path",
            f"{str(target)!r} not found; pass the folder holding {filename} or the file itself "
            f"({hint}).",
        )
    return target


def check_not_empty(file: Path, *, hint: str) -> None:
    """A 0-byte file is a download or copy that was cut short: say so, and where to get it."""
    if file.stat().st_size == 0:
        raise InputError(
            "path",
            f"{str(file)!r} is empty (0 bytes): a download or copy was cut short; fetch it "
            f"again ({hint}).",
        )


def read_error(file: Path, kind: str, exc: BaseException, *, hint: str) -> InputError:
    """The error for a file that exists but cannot be read as ``kind`` (truncated, corrupt)."""
    return InputError(
        "path",
        f"could not read {str(file)!r} as {kind}: the file is truncated or corrupt "
        f"({type(exc).__name__}: {exc}); fetch it again ({hint}).",
    )


def load_npz(file: Path, keys: tuple[str, ...], *, hint: str) -> dict[str, np.ndarray]:
    """The named arrays of an ``.npz`` file (no pickles); a clear error when keys are missing.

    Reading a damaged archive can fail in many ways (``EOFError``, ``BadZipFile``, zlib
    and header-parsing errors, a bad CRC): each becomes one :class:`InputError` naming
    the file, so none escapes as a raw library error.
    """
    check_not_empty(file, hint=hint)
    try:
        with np.load(file, allow_pickle=False) as data:
            missing = [k for k in keys if k not in data.files]
            if missing:
                raise InputError(
                    "path",
                    f"{str(file)!r} lacks the arrays {missing} (has {data.files}); "
                    f"is it the right file? ({hint})",
                )
            return {k: np.asarray(data[k]) for k in keys}
    except (InputError, MemoryError):
        raise
    except Exception as exc:  # any failure to parse the file is the file's
        raise read_error(file, ".npz", exc, hint=hint) from exc


def load_npy(file: Path, *, shape: tuple[int, ...], hint: str) -> np.ndarray:
    """An ``.npy`` array (no pickles) whose shape must be ``shape`` (-1: any length)."""
    check_not_empty(file, hint=hint)
    try:
        arr = np.load(file, allow_pickle=False)
    except MemoryError:
        raise
    except Exception as exc:  # any failure to parse the file is the file's
        raise read_error(file, ".npy", exc, hint=hint) from exc
    if not isinstance(arr, np.ndarray):  # np.load returns an NpzFile for a zip
        arr.close()
        raise InputError(
            "path", f"{str(file)!r} is an .npz archive, expected a single .npy array ({hint})."
        )
    ok = arr.ndim == len(shape) and all(s in (-1, a) for s, a in zip(shape, arr.shape, strict=True))
    if not ok:
        raise InputError(
            "path",
            f"{str(file)!r} holds shape {arr.shape}, expected {shape}; is it the right file?",
        )
    return arr
