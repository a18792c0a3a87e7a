"""Real noisy-label files: CIFAR-10N, CIFAR-100N, CIFAR-10H and the label-errors test sets."""

from __future__ import annotations

import json
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import numpy as np

from labelnoise._errors import InputError
from labelnoise._validation import check_bool, check_choice
from labelnoise.datasets._checks import check_file_codes, check_file_counts, check_file_probs
from labelnoise.datasets._classes import (
    CIFAR10_CLASSES,
    CIFAR100_CLASSES,
    CIFAR100_COARSE_CLASSES,
    MNIST_CLASSES,
)
from labelnoise.datasets._files import PathLike, check_not_empty, find_file, load_npy, load_npz
from labelnoise.datasets._result import VOTE_COLUMNS, HumanLabels, LabelErrors, SoftLabels

__all__ = [
    "LABEL_ERRORS_SOURCE",
    "VERIFIED_BELOW",
    "load_cifar10h",
    "load_cifar10n",
    "load_cifar100n",
    "load_label_errors",
]

_N_SOURCE = (
    "CIFAR-10N/100N (Wei et al., ICLR 2022), github.com/UCSC-REAL/cifar-10-100n, CC BY-NC 4.0"
)
_H_SOURCE = (
    "CIFAR-10H (Peterson et al., ICCV 2019), github.com/jcpeterson/cifar-10h, CC BY-NC-SA 4.0"
)
#: A reviewed label is a verified error when fewer than this many of its 5 workers kept it.
VERIFIED_BELOW = 3
LABEL_ERRORS_SOURCE = (
    "Pervasive Label Errors in Test Sets (Northcutt, Athalye & Mueller, 2021), "
    "github.com/cleanlab/label-errors, Apache-2.0"
)
#: Rows of the files: one per CIFAR training image, one per CIFAR-10 or MNIST test image.
N_TRAIN = 50_000
N_TEST = 10_000
_N_HINT = "CIFAR-10N/100N, UCSC-REAL/cifar-10-100n"
_LE_HINT = "github.com/cleanlab/label-errors"
_CIFAR10N_SETS = {
    "aggregate": "aggre_label",
    "random1": "random_label1",
    "random2": "random_label2",
    "random3": "random_label3",
    "worst": "worse_label",
}


def _in_folder(path: Any, filename: str, hint: str) -> Path:
    return find_file(path, filename, hint=hint, allow_file=False)


def _npz_codes(
    data: dict[str, np.ndarray], key: str, file: Path, classes: tuple[str, ...]
) -> np.ndarray:
    return check_file_codes(
        data[key], file=file, array=key, n=N_TRAIN, n_classes=len(classes), hint=_N_HINT
    )


def load_cifar10n(path: PathLike) -> HumanLabels:
    """CIFAR-10N: five sets of real human labels for the 50,000 CIFAR-10 training images.

    Parameters
    ----------
    path : str or Path
        Folder holding ``cifar10n_labels.npz`` (or the file itself).

    Returns
    -------
    HumanLabels
        ``clean_labels`` (original CIFAR-10 labels, original order) and ``noisy_labels``
        with keys ``aggregate`` (majority of 3, 9.01% wrong), ``random1``, ``random2``,
        ``random3`` (one worker each, about 17-18%) and ``worst`` (a wrong one of the
        three when any, 40.21%).

    Examples
    --------
    >>> from labelnoise.datasets import load_cifar10n
    >>> labels = load_cifar10n("../shared/data/cifar-10n")  # doctest: +SKIP
    >>> round(labels.noise_rates["worst"], 4)  # doctest: +SKIP
    0.4021
    """
    file = find_file(path, "cifar10n_labels.npz", hint=_N_HINT)
    data = load_npz(file, ("clean_label", *_CIFAR10N_SETS.values()), hint=_N_HINT)
    noisy = {
        key: _npz_codes(data, field, file, CIFAR10_CLASSES) for key, field in _CIFAR10N_SETS.items()
    }
    return HumanLabels(
        clean_labels=_npz_codes(data, "clean_label", file, CIFAR10_CLASSES),
        noisy_labels=MappingProxyType(noisy),
        classes=CIFAR10_CLASSES,
        name="cifar10n",
        source=_N_SOURCE,
    )


def load_cifar100n(path: PathLike, *, coarse: bool = False) -> HumanLabels:
    """CIFAR-100N: real human labels for the 50,000 CIFAR-100 training images (40.2% noisy).

    Parameters
    ----------
    path : str or Path
        Folder holding ``cifar100n_labels.npz`` (or the file itself).
    coarse : bool, default False
        If True, the 20 superclasses (clean and noisy coarse labels) instead of 100 classes.

    Returns
    -------
    HumanLabels
        ``clean_labels`` and ``noisy_labels["noisy"]``.
    """
    coarse = check_bool(coarse, name="coarse", func="load_cifar100n")
    file = find_file(path, "cifar100n_labels.npz", hint=_N_HINT)
    prefix = "clean_coarse_label", "noisy_coarse_label"
    clean_key, noisy_key = prefix if coarse else ("clean_label", "noisy_label")
    classes = CIFAR100_COARSE_CLASSES if coarse else CIFAR100_CLASSES
    data = load_npz(file, (clean_key, noisy_key), hint=_N_HINT)
    return HumanLabels(
        clean_labels=_npz_codes(data, clean_key, file, classes),
        noisy_labels=MappingProxyType({"noisy": _npz_codes(data, noisy_key, file, classes)}),
        classes=classes,
        name="cifar100n_coarse" if coarse else "cifar100n",
        source=_N_SOURCE,
    )


def load_cifar10h(path: PathLike) -> SoftLabels:
    """CIFAR-10H: about 51 human labels per CIFAR-10 *test* image, as shares and counts.

    Parameters
    ----------
    path : str or Path
        Folder holding ``cifar10h-probs.npy`` and ``cifar10h-counts.npy``.

    Returns
    -------
    SoftLabels
        ``probs`` float64 (10000, 10) and ``counts`` int64 (10000, 10), original test order.
    """
    hint = "CIFAR-10H, jcpeterson/cifar-10h"
    probs_file = _in_folder(path, "cifar10h-probs.npy", hint)
    counts_file = _in_folder(path, "cifar10h-counts.npy", hint)
    probs = load_npy(probs_file, shape=(-1, 10), hint=hint)
    counts = load_npy(counts_file, shape=(-1, 10), hint=hint)
    if probs.shape != counts.shape or probs.shape[0] != N_TEST:
        raise InputError(
            "path",
            f"probs {probs.shape} and counts {counts.shape} must both have shape "
            f"({N_TEST}, 10), one row per CIFAR-10 test image; fetch the files again ({hint}).",
        )
    counts = check_file_counts(counts, file=counts_file, hint=hint)
    probs = check_file_probs(probs, file=probs_file, hint=hint)
    if not np.allclose(probs, counts / counts.sum(axis=1, keepdims=True), rtol=0, atol=1e-6):
        raise InputError(
            "path",
            f"the shares in {str(probs_file)!r} are not the votes of {str(counts_file)!r} "
            f"divided by their row totals; the two files do not belong together ({hint}).",
        )
    return SoftLabels(
        probs=probs,
        counts=counts,
        classes=CIFAR10_CLASSES,
        name="cifar10h",
        source=_H_SOURCE,
    )


def _read_mturk(file: Path, n_classes: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    check_not_empty(file, hint=_LE_HINT)
    try:
        records = json.loads(file.read_text())
        ids = np.array([r["id"] for r in records], dtype=np.int64)
        guessed = np.array([r["our_guessed_label"] for r in records], dtype=np.int64)
        votes = np.array(
            [[int(r["mturk"].get(c, 0)) for c in VOTE_COLUMNS] for r in records], dtype=np.int64
        ).reshape(-1, len(VOTE_COLUMNS))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(
            "path",
            f"could not read {str(file)!r} as a label-errors mturk file ({exc!r}); fetch it "
            f"again ({_LE_HINT}).",
        ) from exc
    n = N_TEST
    if ids.size and (ids.min() < 0 or ids.max() >= n):
        raise InputError("path", f"{str(file)!r} has candidate ids outside 0..{n - 1}.")
    if np.unique(ids).size != ids.size:
        raise InputError(
            "path", f"{str(file)!r} reviews some candidate ids twice; the file is corrupt."
        )
    if guessed.size and (guessed.min() < 0 or guessed.max() >= n_classes):
        raise InputError("path", f"{str(file)!r} has guessed labels outside 0..{n_classes - 1}.")
    if votes.size and votes.min() < 0:
        raise InputError("path", f"{str(file)!r} has negative vote counts; the file is corrupt.")
    return ids, guessed, votes


def load_label_errors(path: PathLike, *, dataset: Literal["cifar10", "mnist"]) -> LabelErrors:
    """A test set from "Pervasive Label Errors in Test Sets" with its verified errors.

    Parameters
    ----------
    path : str or Path
        Folder holding ``{dataset}_test_labels.npy``, ``{dataset}_test_pred_probs.npy`` and
        ``{dataset}_mturk.json``.
    dataset : {"cifar10", "mnist"}
        Which test set (10,000 examples each).

    Returns
    -------
    LabelErrors
        Given labels, cross-validated pred_probs, reviewed candidates, their votes and
        ``verified_error`` (CIFAR-10: 54 of 275; MNIST: 15 of 100).

    Examples
    --------
    >>> from labelnoise.datasets import load_label_errors
    >>> errors = load_label_errors("../shared/data/label-errors", dataset="mnist")  # doctest: +SKIP
    >>> int(errors.verified_error.sum()), errors.candidate_ids.shape  # doctest: +SKIP
    (15, (100,))
    """
    check_choice(dataset, name="dataset", func="load_label_errors", choices=("cifar10", "mnist"))
    hint = _LE_HINT
    classes = CIFAR10_CLASSES if dataset == "cifar10" else MNIST_CLASSES
    labels_file = _in_folder(path, f"{dataset}_test_labels.npy", hint)
    labels = load_npy(labels_file, shape=(-1,), hint=hint)
    labels = check_file_codes(labels, file=labels_file, n=N_TEST, n_classes=len(classes), hint=hint)
    probs_file = _in_folder(path, f"{dataset}_test_pred_probs.npy", hint)
    pred_probs = load_npy(probs_file, shape=(N_TEST, len(classes)), hint=hint)
    pred_probs = check_file_probs(pred_probs, file=probs_file, hint=hint)
    ids, guessed, votes = _read_mturk(_in_folder(path, f"{dataset}_mturk.json", hint), len(classes))
    return LabelErrors(
        labels=labels,
        pred_probs=pred_probs,
        candidate_ids=ids,
        guessed_labels=guessed,
        votes=votes,
        verified_error=votes[:, 0] < VERIFIED_BELOW,
        classes=classes,
        name=dataset,
        source=LABEL_ERRORS_SOURCE,
    )
