"""Annotations in, one sorted long table out: the boundary check of :mod:`labelnoise.annotators`.

Every accepted form (a long table, three arrays, an ``(n, m)`` matrix with missing entries)
becomes one :class:`Table` of integer codes sorted by (example, annotator), so that every
later step sees the same arrays whatever the order of the caller's rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import sparse

from labelnoise._errors import InputError, InputTypeError
from labelnoise._validation import as_array, check_choice, check_pred_probs

__all__ = ["Layout", "Table", "check_annotations"]

Layout = Literal["long", "wide"]
_COLUMNS = ("example", "annotator", "label")


@dataclass(frozen=True, eq=False)
class Table:
    """Validated annotations: one row per (example, annotator) pair, sorted by both.

    ``example``, ``annotator`` and ``label`` are codes (``intp``); ``examples``,
    ``annotators`` and ``classes`` map codes back to the caller's values.
    """

    example: np.ndarray
    annotator: np.ndarray
    label: np.ndarray
    examples: np.ndarray
    annotators: np.ndarray
    classes: np.ndarray
    pred_probs: np.ndarray | None

    @property
    def n(self) -> int:
        return int(self.examples.shape[0])

    @property
    def m(self) -> int:
        return int(self.annotators.shape[0])

    @property
    def k(self) -> int:
        return int(self.classes.shape[0])

    @cached_property
    def incidence(self) -> sparse.csr_matrix:
        """``(n, m*K)`` 0/1 matrix: row ``i`` has a 1 at ``a*K + l`` when ``a`` said ``l``.

        Products with it are the scatter-adds of the EM steps (rows are sorted, so the sums
        run in one fixed order)."""
        cols = self.annotator * self.k + self.label
        ones = np.ones(self.example.shape[0])
        indptr = np.searchsorted(self.example, np.arange(self.n + 1))
        return sparse.csr_matrix((ones, cols, indptr), shape=(self.n, self.m * self.k))

    @cached_property
    def incidence_t(self) -> sparse.csr_matrix:
        """The transpose of :attr:`incidence`, stored by rows (for the M-step)."""
        return self.incidence.T.tocsr()

    @cached_property
    def counts(self) -> np.ndarray:
        """``(n, K)`` votes per class."""
        flat = self.example * self.k + self.label
        return np.bincount(flat, minlength=self.n * self.k).reshape(self.n, self.k)


def _show(values: Any, limit: int = 5) -> str:
    items = [repr(v.item() if isinstance(v, np.generic) else v) for v in list(values)[:limit]]
    return "[" + ", ".join(items) + (", ..." if len(values) > limit else "") + "]"


def _missing(values: np.ndarray) -> np.ndarray:
    return np.asarray(pd.isna(values), dtype=bool)


def _columns(annotations: Any, layout: Layout | None, columns: tuple[str, str, str]) -> tuple:
    """The three columns (example ids, annotator ids, labels) of any accepted form, and for
    a wide matrix the id of each of its rows (None for a long table)."""
    if layout is None:
        # a list stays a matrix: a list of three rows would otherwise read as three columns
        if isinstance(annotations, pd.DataFrame | tuple | dict):
            layout = "long"
        else:
            layout = "wide"
    if layout == "wide":
        return _from_wide(annotations)
    if isinstance(annotations, pd.DataFrame | dict):
        absent = [c for c in columns if c not in annotations]
        if absent:
            have = list(
                annotations.columns if isinstance(annotations, pd.DataFrame) else annotations
            )
            raise InputError(
                "annotations",
                f"the long table has no column {absent[0]!r} (columns: {_show(have, 8)}); "
                "name its example, annotator and label columns with columns=(..., ..., ...), "
                "or pass layout='wide' for an (n, m) matrix with one column per annotator.",
            )
        parts = [as_array(annotations[c], f"annotations[{c!r}]") for c in columns]
    elif isinstance(annotations, tuple | list) and len(annotations) == 3:
        parts = [as_array(a, f"annotations[{i}]") for i, a in enumerate(annotations)]
    else:
        raise InputTypeError(
            "annotations",
            f"expected a DataFrame with columns {list(columns)}, a tuple of three 1-D arrays "
            f"(example, annotator, label) or an (n, m) matrix, got {type(annotations).__name__}.",
        )
    if any(p.ndim != 1 for p in parts) or len({p.shape[0] for p in parts}) != 1:
        shapes = [p.shape for p in parts]
        raise InputError(
            "annotations",
            f"the example, annotator and label columns must be 1-D and of one length, got "
            f"shapes {shapes}; pass one row per annotation.",
        )
    for part, name in zip(parts, columns, strict=True):
        gaps = _missing(part)
        if gaps.any():
            raise InputError(
                "annotations",
                f"column {name!r} has {int(gaps.sum())} missing value(s) (first at row "
                f"{int(np.argmax(gaps))}); a long table lists given labels only, so drop those "
                "rows first (e.g. table.dropna()).",
            )
    return parts[0], parts[1], parts[2], None


def _from_wide(annotations: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Positions, annotator ids and labels of the given cells; the id of each row (a
    DataFrame's index, else its position)."""
    names = row_ids = None
    if isinstance(annotations, pd.DataFrame):
        names = annotations.columns.to_numpy()
        row_ids = annotations.index.to_numpy()
    matrix = as_array(annotations, "annotations", hint="pass an (n, m) matrix")
    if matrix.ndim != 2:
        raise InputError(
            "annotations",
            f"expected an (n, m) matrix (one row per example, one column per annotator, "
            f"missing entries as NaN or None), got shape {matrix.shape}.",
        )
    given = ~_missing(matrix)
    rows, cols = np.nonzero(given)
    if names is None:
        names = np.arange(matrix.shape[1])
    if matrix.shape[0] and not given.any(axis=1).all():
        empty = np.flatnonzero(~given.any(axis=1))
        raise InputError(
            "annotations",
            f"{empty.size} example row(s) have no label at all (rows {_show(empty)}); drop "
            "them, every example needs at least one annotation.",
        )
    if row_ids is None:
        row_ids = np.arange(matrix.shape[0])
    return np.arange(matrix.shape[0])[rows], names[cols], matrix[rows, cols], row_ids


def _codes(values: np.ndarray, what: str) -> tuple[np.ndarray, np.ndarray]:
    try:
        uniques, inverse = np.unique(values, return_inverse=True)
    except TypeError as exc:
        kinds = sorted({type(v).__name__ for v in values.tolist()})
        raise InputTypeError(
            "annotations",
            f"the {what} values mix types that cannot be compared ({', '.join(kinds)}); "
            "give them all one type, e.g. all str.",
        ) from exc
    return uniques, inverse.reshape(-1).astype(np.intp)


def _label_codes(
    labels: np.ndarray, classes: Any, n_classes: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """Label codes and class names: names through ``classes``, else integers 0..K-1."""
    if classes is not None:
        names = as_array(classes, "classes").copy()
        if names.ndim != 1:
            raise InputError(
                "classes", f"expected a 1-D list of class names, got shape {names.shape}."
            )
        lookup = {name: code for code, name in enumerate(names.tolist())}
        if len(lookup) != names.shape[0]:
            raise InputError("classes", f"expected unique class names, got {_show(names, 10)}.")
        if n_classes is not None and names.shape[0] != n_classes:
            raise InputError(
                "classes",
                f"expected one name per pred_probs column ({n_classes}), got {names.shape[0]}.",
            )
        uniques, inverse = _codes(labels, "label")
        unknown = [u for u in uniques.tolist() if u not in lookup]
        if unknown:
            raise InputError(
                "annotations",
                f"{len(unknown)} label value(s) are not in classes: {_show(unknown)}. Add them "
                "to classes, or fix the labels.",
            )
        return np.array([lookup[u] for u in uniques.tolist()], dtype=np.intp)[inverse], names
    if labels.dtype == object and all(
        isinstance(v, int | np.integer) and not isinstance(v, bool) for v in labels.tolist()
    ):  # integers from an object matrix whose missing entries were None
        labels = labels.astype(np.intp)
    if labels.dtype.kind == "f" and np.all(np.mod(labels, 1) == 0):
        labels = labels.astype(np.intp)
    if labels.dtype.kind not in "iu":
        if n_classes is None:  # no model: the classes are the labels seen, in sorted order
            uniques, inverse = _codes(labels, "label")
            return inverse, uniques
        raise InputTypeError(
            "annotations",
            f"labels are not integer class indices (dtype {labels.dtype}, values such as "
            f"{_show(np.unique(labels.astype(str)))}); pass classes=[...] naming the class of "
            "each pred_probs column.",
        )
    top = n_classes if n_classes is not None else int(labels.max()) + 1
    if labels.min() < 0 or labels.max() >= top:
        bad = labels[(labels < 0) | (labels >= top)]
        raise InputError(
            "annotations",
            f"expected labels in 0..{top - 1}, got values such as {_show(np.unique(bad))}; "
            "map the labels to 0..K-1 (or to the pred_probs columns).",
        )
    return labels.astype(np.intp), np.arange(max(top, 2))


def _example_codes(ids: np.ndarray, n_rows: int | None) -> tuple[np.ndarray, np.ndarray]:
    if n_rows is None:
        return _codes(ids, "example")
    if ids.dtype.kind not in "iu" or ids.min() < 0 or ids.max() >= n_rows:
        raise InputError(
            "annotations",
            f"with pred_probs, examples must be row numbers 0..{n_rows - 1} of pred_probs, got "
            f"values such as {_show(np.unique(ids)[:5])}; map the example ids to those rows.",
        )
    seen = np.bincount(ids, minlength=n_rows)
    if not seen.all():
        empty = np.flatnonzero(seen == 0)
        raise InputError(
            "annotations",
            f"{empty.size} pred_probs row(s) have no annotation (rows {_show(empty)}); every "
            "example needs at least one label: drop those rows from pred_probs.",
        )
    return np.arange(n_rows), ids.astype(np.intp)


def check_annotations(
    annotations: Any,
    pred_probs: Any = None,
    *,
    classes: Any = None,
    layout: Any = None,
    columns: tuple[str, str, str] = _COLUMNS,
    func: str = "consensus",
) -> Table:
    """Validate annotations (and ``pred_probs``) into a :class:`Table`."""
    if layout is not None:
        check_choice(layout, name="layout", func=func, choices=("long", "wide"))
    if not (isinstance(columns, tuple | list) and len(columns) == 3):
        raise InputError(
            "columns", f"expected three column names (example, annotator, label), got {columns!r}."
        )
    probs = None if pred_probs is None else check_pred_probs(pred_probs)
    ids, who, labels, row_ids = _columns(annotations, layout, tuple(columns))  # type: ignore[arg-type]
    if ids.shape[0] == 0:
        raise InputError("annotations", "got 0 annotations; pass at least one label.")
    if probs is not None and row_ids is not None and row_ids.shape[0] != probs.shape[0]:
        raise InputError(
            "pred_probs",
            f"the (n, m) matrix of annotations has {row_ids.shape[0]} rows but pred_probs has "
            f"{probs.shape[0]}; row i of both must be the same example, so give them the same "
            "examples in the same order.",
        )
    n_classes = None if probs is None else int(probs.shape[1])
    label, names = _label_codes(labels, classes, n_classes)
    examples, example = _example_codes(ids, None if probs is None else int(probs.shape[0]))
    if row_ids is not None:  # a wide matrix: example i is its row i, named by the index
        examples = row_ids[examples]
    annotators, annotator = _codes(who, "annotator")
    order = np.lexsort((label, annotator, example))
    example, annotator, label = example[order], annotator[order], label[order]
    twice = (np.diff(example) == 0) & (np.diff(annotator) == 0)
    if twice.any():
        at = int(np.argmax(twice))
        raise InputError(
            "annotations",
            f"annotator {_show([annotators[annotator[at]]])[1:-1]} labelled example "
            f"{_show([examples[example[at]]])[1:-1]} more than once ({int(twice.sum())} "
            "repeated pair(s)); keep one label per (example, annotator), e.g. "
            "table.drop_duplicates([example, annotator], keep='last').",
        )
    return Table(example, annotator, label, examples, annotators, names, probs)
