"""Validation at the public boundary, done once per call: one validator per kind of input.

Public functions call :func:`check_problem` (and :func:`check_choice` and friends for
options) and pass the result down; private functions trust their inputs. This package
checks the data: labels against ``pred_probs`` (:func:`check_labels`), bare integer label
codes (:func:`check_codes`), ``pred_probs`` (:func:`check_pred_probs`) and feature
matrices (:func:`check_features`). The option checks live in :mod:`labelnoise._options`
and are re-exported here, so public functions import all their validation from one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from labelnoise._errors import InputError
from labelnoise._options import (
    check_bool,
    check_choice,
    check_chunk_size,
    check_fraction,
    check_int,
    check_n_jobs,
)
from labelnoise._sources import RowReader, Rows, is_out_of_core
from labelnoise._validation._features import check_features
from labelnoise._validation._labels import (
    as_array,
    check_classes,
    check_code_array,
    check_codes,
    check_labels,
    code_dtype,
)
from labelnoise._validation._pred_probs import (
    ROW_SUM_TOLERANCE,
    VALUE_TOLERANCE,
    check_pred_probs,
    open_source,
    scan_source,
)

__all__ = [
    "ROW_SUM_TOLERANCE",
    "VALUE_TOLERANCE",
    "Problem",
    "as_array",
    "check_bool",
    "check_choice",
    "check_chunk_size",
    "check_classes",
    "check_code_array",
    "check_codes",
    "check_features",
    "check_fraction",
    "check_int",
    "check_labels",
    "check_n_jobs",
    "check_pred_probs",
    "check_problem",
    "code_dtype",
    "open_source",
    "scan_source",
]


@dataclass(frozen=True)
class Problem:
    """Validated inputs: integer label codes and a float32/float64 probability matrix.

    Read ``pred_probs`` through :attr:`rows`, block by block: for an out-of-core source
    ``pred_probs`` is the raw memory map, and ``rows`` converts (and renormalizes) each
    block as validation decided.
    """

    labels: np.ndarray  # codes in 0..K-1, shape (n,): intp, or the smallest uint out of core
    pred_probs: np.ndarray  # float32 or float64, shape (n, K); never modified
    classes: np.ndarray | None  # class names, one per column, when labels were names
    source: RowReader | None = None  # block reader; None: read pred_probs as it is
    #: ``pred_probs[i, labels[i]]`` when validation gathered it (its scan reads every row
    #: anyway); None: gather it from the rows when needed
    self_conf: np.ndarray | None = None

    @property
    def rows(self) -> RowReader:
        return Rows(self.pred_probs) if self.source is None else self.source

    @property
    def out_of_core(self) -> bool:
        return self.rows.out_of_core

    @property
    def n(self) -> int:
        return int(self.labels.shape[0])

    @property
    def n_classes(self) -> int:
        return int(self.pred_probs.shape[1])

    def names(self, codes: np.ndarray, *, copy: bool = True) -> np.ndarray:
        """Map label codes back to the caller's class names (or return the codes).

        A new array by default: results freeze what they hold, never the caller's input.
        ``copy=False`` returns codes the library computed itself (no caller can hold them)
        as they are, saving a copy of ``n`` codes.
        """
        if self.classes is not None:
            return self.classes[codes]
        return codes.copy() if copy else codes


def check_problem(
    labels: Any,
    pred_probs: Any,
    *,
    classes: Sequence[Any] | Any = None,
    normalize: bool = False,
    chunk_size: int | None = None,
    n_jobs: int | None = 1,
    func: str | None = None,
) -> Problem:
    """Validate ``labels`` and ``pred_probs`` together.

    ``pred_probs`` may also be out of core (a path or a ``numpy.memmap``); it is then read
    in blocks of ``chunk_size`` rows and the label codes use the smallest integer type.
    With ``func`` (the public function's name) its ``chunk_size`` and ``n_jobs`` options are
    checked here too (``n_jobs=None``: every core, or one thread for an out-of-core
    source, whose memory then stays bounded by one block), their errors naming ``func``;
    without it they are trusted as checked.
    """
    if func is not None:  # a public function's options, checked once, here
        chunk_size = check_chunk_size(chunk_size, func=func)
        n_jobs = check_n_jobs(n_jobs, func=func, out_of_core=is_out_of_core(pred_probs))
    elif n_jobs is None:  # a caller that checked its options passes the resolved count
        raise TypeError("check_problem: pass func= to resolve n_jobs=None")
    check_bool(normalize, name="normalize")
    pp, rows = open_source(pred_probs, chunk_size=chunk_size, n_jobs=n_jobs)
    codes, names = check_labels(
        labels, n_classes=pp.shape[1], classes=classes, compact=rows.out_of_core
    )
    if codes.shape[0] != pp.shape[0]:
        raise InputError(
            "labels",
            f"has {codes.shape[0]} entries but pred_probs has {pp.shape[0]} rows; "
            "pass one label per row of pred_probs.",
        )
    pp, rows, own = scan_source(pp, rows, normalize=normalize, labels=codes)
    return Problem(labels=codes, pred_probs=pp, classes=names, source=rows, self_conf=own)
