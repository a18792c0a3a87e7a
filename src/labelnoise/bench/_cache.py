"""Cross-validated pred_probs (and the noisy labels they were fitted on), cached on disk.

One ``.npz`` per (dataset, noise setting, seed, model, folds), named by a hash of those
settings, so a rerun or another detector reuses the same probabilities.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from labelnoise.bench._atomic import write_atomic

__all__ = ["Cached", "cache_key", "load_cached", "save_cached"]

#: Bump when what is stored (or how it is computed) changes: old files are then ignored.
CACHE_FORMAT = 1


@dataclass(frozen=True, eq=False)
class Cached:
    """Noisy labels, which of them changed, and out-of-sample pred_probs.

    Attributes
    ----------
    labels : ndarray of int64, shape (n,)
    is_flipped : ndarray of bool, shape (n,)
    pred_probs : ndarray of float64, shape (n, K)
    seconds : float
        Time the cross-validation took when it was computed.
    """

    labels: np.ndarray
    is_flipped: np.ndarray
    pred_probs: np.ndarray
    seconds: float


def cache_key(settings: dict[str, Any]) -> str:
    """A 20-hex-digit hash of the settings (JSON with sorted keys)."""
    text = json.dumps({"format": CACHE_FORMAT, **settings}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def _file(cache_dir: Path, key: str) -> Path:
    return cache_dir / f"pred_probs-{key}.npz"


def load_cached(cache_dir: Path, key: str) -> Cached | None:
    """The cached entry, or None when absent or unreadable (it is then recomputed)."""
    file = _file(cache_dir, key)
    if not file.is_file():
        return None
    try:
        with np.load(file, allow_pickle=False) as data:
            return Cached(
                labels=data["labels"],
                is_flipped=data["is_flipped"],
                pred_probs=data["pred_probs"],
                seconds=float(data["seconds"]),
            )
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None


def save_cached(cache_dir: Path, key: str, entry: Cached) -> None:
    """Store ``entry`` atomically (concurrent runs never see half a file)."""

    def write(handle: BinaryIO) -> None:
        np.savez(
            handle,
            labels=entry.labels,
            is_flipped=entry.is_flipped,
            pred_probs=entry.pred_probs,
            seconds=np.float64(entry.seconds),
        )

    write_atomic(_file(cache_dir, key), write)
