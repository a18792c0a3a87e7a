"""Cross-validated pred_probs (and the noisy labels they were fitted on), cached on disk.

One ``.npz`` per (dataset, noise setting, seed, model, folds), named by a hash of those
settings, so a rerun or another detector reuses the same probabilities. Each file also
holds the settings themselves (JSON) and a SHA-256 of its arrays: an entry whose settings
or content do not match (edited, truncated, or written by other code under the same
name) is recomputed with a warning naming the file, never used silently.
"""

from __future__ import annotations

import hashlib
import json
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from labelnoise._atomic import write_atomic

__all__ = ["CACHE_FORMAT", "Cached", "cache_file", "cache_key", "load_cached", "save_cached"]

#: Bump when what is stored (or how it is computed) changes: old files are then ignored.
CACHE_FORMAT = 2
_ARRAYS = ("labels", "is_flipped", "pred_probs", "seconds")


@dataclass(frozen=True, eq=False)
class Cached:
    """Noisy labels, which of them changed, and out-of-sample pred_probs.

    Attributes
    ----------
    labels : ndarray of int64, shape (n,) or (n, K) tags
    is_flipped : ndarray of bool, shape (n,)
    pred_probs : ndarray of float64, shape (n, K)
    seconds : float
        Time the cross-validation took when it was computed.
    """

    labels: np.ndarray
    is_flipped: np.ndarray
    pred_probs: np.ndarray
    seconds: float


def _settings_text(settings: dict[str, Any]) -> str:
    return json.dumps({"format": CACHE_FORMAT, **settings}, sort_keys=True, default=str)


def cache_key(settings: dict[str, Any]) -> str:
    """A 20-hex-digit hash of the settings (JSON with sorted keys)."""
    return hashlib.sha256(_settings_text(settings).encode("utf-8")).hexdigest()[:20]


def cache_file(cache_dir: Path, settings: dict[str, Any]) -> Path:
    """The file of the entry for ``settings``."""
    return cache_dir / f"pred_probs-{cache_key(settings)}.npz"


def _digest(arrays: dict[str, Any]) -> str:
    """SHA-256 over each array's dtype, shape and bytes, in a fixed order."""
    digest = hashlib.sha256()
    for name in _ARRAYS:
        arr = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}:{arr.dtype.str}:{arr.shape};".encode())
        digest.update(arr.tobytes())
    return digest.hexdigest()


def _arrays(entry: Cached) -> dict[str, Any]:
    return {
        "labels": np.asarray(entry.labels, dtype=np.int64),
        "is_flipped": np.asarray(entry.is_flipped, dtype=bool),
        "pred_probs": np.asarray(entry.pred_probs, dtype=np.float64),
        "seconds": np.float64(entry.seconds),
    }


def _stale(file: Path, why: str) -> None:
    warnings.warn(
        f"ignoring the cache file {str(file)!r}: {why}; recomputing it.", UserWarning, stacklevel=3
    )


def load_cached(cache_dir: Path, settings: dict[str, Any]) -> Cached | None:
    """The verified entry for ``settings``, or None (absent, unreadable, or not matching
    its settings or its content hash: then with a warning naming the file)."""
    file = cache_file(cache_dir, settings)
    if not file.is_file():
        return None
    try:
        with np.load(file, allow_pickle=False) as data:
            arrays = {name: data[name] for name in _ARRAYS}
            stored_settings, stored_digest = str(data["settings"]), str(data["sha256"])
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        _stale(file, f"it cannot be read ({type(exc).__name__}: {exc})")
        return None
    if stored_settings != _settings_text(settings):
        _stale(file, "it was made for other settings")
        return None
    if stored_digest != _digest(arrays):
        _stale(file, "its content does not match its SHA-256 (edited or damaged)")
        return None
    return Cached(
        labels=arrays["labels"],
        is_flipped=arrays["is_flipped"],
        pred_probs=arrays["pred_probs"],
        seconds=float(arrays["seconds"]),
    )


def save_cached(cache_dir: Path, settings: dict[str, Any], entry: Cached) -> Path:
    """Store ``entry`` atomically (concurrent runs never see half a file); the file."""
    file = cache_file(cache_dir, settings)
    arrays = _arrays(entry)

    def write(handle: BinaryIO) -> None:
        np.savez(
            handle,
            settings=np.array(_settings_text(settings)),
            sha256=np.array(_digest(arrays)),
            **arrays,
        )

    try:
        write_atomic(file, write)
    except OSError as exc:
        raise OSError(f"could not write the cache file {str(file)!r}: {exc}") from exc
    return file
