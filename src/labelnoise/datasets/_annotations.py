"""CIFAR-10N as a multi-annotator long table: one row per (image, worker) label."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from labelnoise._errors import InputError
from labelnoise.datasets._checks import check_file_codes
from labelnoise.datasets._classes import CIFAR10_CLASSES
from labelnoise.datasets._files import PathLike, check_not_empty, find_file, load_npz, read_error

__all__ = ["CrowdLabels", "load_cifar10n_annotations"]

_HINT = "CIFAR-10N, UCSC-REAL/cifar-10-100n"
_SOURCE = "CIFAR-10N (Wei et al., ICLR 2022), github.com/UCSC-REAL/cifar-10-100n, CC BY-NC 4.0"
_N = 50_000
_BATCH = 10
_SLOTS = ("random_label1", "random_label2", "random_label3")
_WORKERS = ("Worker1-id", "Worker2-id", "Worker3-id")
_TIMES = ("Work-time-in-seconds-1", "Work-time-in-seconds-2", "Work-time-in-seconds-3")


@dataclass(frozen=True, eq=False)
class CrowdLabels:
    """Several annotators' labels per example, with the true labels to score them against.

    Attributes
    ----------
    annotations : DataFrame
        One row per label: ``example`` (row in the original CIFAR-10 train order),
        ``annotator`` (worker id), ``label`` (class code), ``slot`` (1, 2 or 3: which of
        ``random_label1/2/3`` it is) and ``work_time`` (seconds the worker spent on the
        batch of 10 images). Sorted by example, then slot.
    clean_labels : ndarray of int, shape (n,)
        The original CIFAR-10 labels.
    aggregate_labels : ndarray of int, shape (n,)
        The released ``aggre_label`` (majority of the three labels).
    classes : tuple of str
    source : str
        Origin, citation and license.
    """

    annotations: pd.DataFrame
    clean_labels: np.ndarray
    aggregate_labels: np.ndarray
    classes: tuple[str, ...]
    source: str

    def __post_init__(self) -> None:
        for array in (self.clean_labels, self.aggregate_labels):
            array.setflags(write=False)

    def __repr__(self) -> str:
        n_workers = self.annotations["annotator"].nunique()
        return (
            f"CrowdLabels({len(self.annotations):,} labels of {self.clean_labels.shape[0]:,} "
            f"examples by {n_workers} annotators)"
        )


def _side_info(path: PathLike) -> pd.DataFrame:
    file = find_file(path, "side_info_cifar10N.csv", hint=_HINT, allow_file=False)
    check_not_empty(file, hint=_HINT)
    try:
        side = pd.read_csv(file)
    except Exception as exc:  # any failure to parse the file is the file's
        raise read_error(file, "CSV", exc, hint=_HINT) from exc
    needed = ("Image-batch", *_WORKERS, *_TIMES)
    missing = [c for c in needed if c not in side.columns]
    if missing or len(side) != _N // _BATCH:
        raise InputError(
            "path",
            f"{str(file)!r} should have {_N // _BATCH} rows and the columns {list(needed)}; "
            f"it has {len(side)} rows, missing {missing}. Is it the right file? ({_HINT})",
        )
    expected = [f"{b * _BATCH}--{b * _BATCH + _BATCH - 1}" for b in range(_N // _BATCH)]
    if side["Image-batch"].astype(str).tolist() != expected:
        raise InputError(
            "path",
            f"{str(file)!r}: 'Image-batch' should list the batches 0--9, 10--19, ... in order; "
            f"it does not, so the images behind each worker are unknown ({_HINT}).",
        )
    return side


def load_cifar10n_annotations(path: PathLike) -> CrowdLabels:
    """CIFAR-10N's 150,000 individual labels, with the worker behind each (a long table).

    Parameters
    ----------
    path : str or Path
        Folder holding ``cifar10n_labels.npz`` and ``side_info_cifar10N.csv``.

    Returns
    -------
    CrowdLabels

    Notes
    -----
    The mapping follows the upstream release: row ``b`` of the side information covers
    the images ``10b .. 10b + 9`` of the original train order (the README calls
    ``Image-batch`` "a subset of indexes of the CIFAR training images", and the authors
    say it follows the PyTorch order, the original one), and its ``Worker{k}-id`` gave
    ``random_label{k}``. Every image then has three labels from three different workers,
    747 workers in all. **This mapping cannot be confirmed from the data**: with it, the
    per-worker accuracies are no more spread than chance (their split-half correlation
    across a worker's batches is about -0.1; batch accuracies vary no more than those of
    random batches; the same holds for every other assignment of slots to workers and for
    a strided batch layout). Real workers differ in skill, so the worker ids are most
    likely not aligned with the labels at the level of single images. Estimates of
    per-worker quality on this table are therefore uninformative; consensus labels are
    not affected (they use the three labels per image, which are aligned).

    Examples
    --------
    >>> from labelnoise.datasets import load_cifar10n_annotations  # doctest: +SKIP
    >>> crowd = load_cifar10n_annotations("../shared/data/cifar-10n")  # doctest: +SKIP
    >>> crowd.annotations.shape  # doctest: +SKIP
    (150000, 5)
    """
    labels_file = find_file(path, "cifar10n_labels.npz", hint=_HINT, allow_file=False)
    data = load_npz(labels_file, ("clean_label", "aggre_label", *_SLOTS), hint=_HINT)
    codes = {
        key: check_file_codes(
            data[key], file=labels_file, array=key, n=_N, n_classes=len(CIFAR10_CLASSES), hint=_HINT
        )
        for key in ("clean_label", "aggre_label", *_SLOTS)
    }
    side = _side_info(path)
    example = np.repeat(np.arange(_N), len(_SLOTS))
    batch = example // _BATCH
    slot = np.tile(np.arange(len(_SLOTS)), _N)
    workers = side[list(_WORKERS)].to_numpy()
    times = side[list(_TIMES)].to_numpy()
    table = pd.DataFrame(
        {
            "example": example,
            "annotator": workers[batch, slot],
            "label": np.stack([codes[s] for s in _SLOTS], axis=1).ravel(),
            "slot": slot + 1,
            "work_time": times[batch, slot],
        }
    )
    return CrowdLabels(
        annotations=table,
        clean_labels=codes["clean_label"],
        aggregate_labels=codes["aggre_label"],
        classes=CIFAR10_CLASSES,
        source=_SOURCE,
    )
