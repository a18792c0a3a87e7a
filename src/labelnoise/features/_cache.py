"""The on-disk embedding cache: one ``.npy`` file per (inputs, encoder, preprocessing).

An audit embeds the same folder again and again while the user fixes labels; the images
do not change, so the embeddings need not either. The key is a SHA-256 over the content
of every input (file bytes for paths, pixels for arrays, UTF-8 for texts), the encoder's
identity and the preprocessing, so renaming a file keeps its entry and editing a pixel
or swapping the encoder makes a new one. Files are written atomically
(:mod:`labelnoise._atomic`), so a crash or a parallel run never leaves half an array.
"""

from __future__ import annotations

import hashlib
import io
import os
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from labelnoise._atomic import write_atomic

__all__ = [
    "CACHE_ENV",
    "Key",
    "cache_folder",
    "cache_path",
    "default_cache_dir",
    "load_cached",
    "lookup",
    "package_version",
    "save_cached",
]

#: Environment variable naming the cache folder (default: ``~/.cache/labelnoise``).
CACHE_ENV = "LABELNOISE_CACHE_DIR"


def default_cache_dir() -> Path:
    """The embedding cache folder: ``$LABELNOISE_CACHE_DIR``, else ``$XDG_CACHE_HOME/labelnoise``,
    else ``~/.cache/labelnoise``.

    Returns
    -------
    Path

    Examples
    --------
    >>> from pathlib import Path
    >>> from labelnoise.features import default_cache_dir
    >>> isinstance(default_cache_dir(), Path)
    True
    """
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "labelnoise"


class Key:
    """An incremental SHA-256 over tagged, length-prefixed parts (so parts cannot run together)."""

    def __init__(self, kind: str) -> None:
        self._hash = hashlib.sha256()
        self.add(b"labelnoise-embeddings-v1")
        self.add(kind.encode("utf-8"))

    def add(self, part: bytes) -> None:
        """Add one part."""
        self._hash.update(len(part).to_bytes(8, "little"))
        self._hash.update(part)

    def add_file(self, path: str) -> None:
        """Add the bytes of a file, read in blocks."""
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        self.add(digest.digest())

    def hexdigest(self) -> str:
        """The key as 64 hex digits."""
        return self._hash.hexdigest()


def package_version(distribution: str) -> str:
    """The installed version of ``distribution``, part of the cache keys (``"unknown"``
    when it is not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"


def cache_folder(cache_dir: object, func: str) -> Path | None:
    """The checked ``cache_dir`` argument as a Path (None: no cache)."""
    if cache_dir is None:
        return None
    if not isinstance(cache_dir, str | os.PathLike):
        from labelnoise._errors import InputTypeError

        raise InputTypeError(
            "cache_dir",
            f"The 'cache_dir' parameter of {func} must be a folder path or None. "
            f"Got {type(cache_dir).__name__} instead.",
        )
    return Path(os.fspath(cache_dir)).expanduser()


def cache_path(folder: Path, kind: str, key: str) -> Path:
    """Where the embeddings of ``key`` are kept: ``folder/embeddings/<kind>-<key>.npy``."""
    return folder / "embeddings" / f"{kind}-{key}.npy"


def lookup(
    cache_dir: object, *, func: str, kind: str, key: Callable[[], str] | None, n: int
) -> tuple[Path | None, np.ndarray | None]:
    """``(path, cached)``: where the embeddings go under the checked ``cache_dir``, and them
    when that file holds them already.

    ``(None, None)`` without a ``cache_dir`` or without a ``key`` (an encoder with no
    stable identity). ``key`` is called only when there is a cache: it hashes every input.
    """
    folder = cache_folder(cache_dir, func)
    if folder is None or key is None:
        return None, None
    path = cache_path(folder, kind, key())
    return path, load_cached(path, n)


def load_cached(path: Path, n: int) -> np.ndarray | None:
    """The cached ``(n, d)`` float32 array, or None when absent or unreadable (then re-embed)."""
    try:
        array = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None
    if array.ndim != 2 or array.shape[0] != n or array.dtype != np.float32:
        return None
    return array


def save_cached(path: Path, array: np.ndarray) -> None:
    """Store ``array`` atomically (a parallel writer of the same key writes the same bytes).

    A cache that cannot be written (read-only folder, full disk) costs the next call a
    re-embedding, not this call its result: a :class:`UserWarning` says so.
    """
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    try:
        write_atomic(path, buffer.getvalue(), overwrite=True)
    except OSError as exc:
        warnings.warn(
            f"cache_dir: could not store the embeddings in {path} ({exc}); they will be "
            "computed again next time.",
            UserWarning,
            stacklevel=3,
        )
