"""Validation of multi-label inputs, done once per call at the public boundary.

Tags come either as one collection of tags per example (``[[0, 2], [], [1]]``, or names
with ``classes=``) or as an ``(n, K)`` 0/1 indicator matrix (a 2-D numpy array, a
DataFrame, or a scipy sparse matrix). A Python list of lists is always read as tag
lists, never as indicator rows: the two are told apart by type, not guessed from the
values. Where the values say the reading is likely not what was meant (rows that are
exactly ``K`` 0/1 values; ``pred_probs`` rows that all sum to 1, like a softmax), the
call fails or warns instead of going on quietly.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from labelnoise._errors import InputError, InputTypeError
from labelnoise._validation import VALUE_TOLERANCE, as_array, check_classes

__all__ = ["MultilabelProblem", "check_multilabel_problem", "check_tag_probs"]


@dataclass(frozen=True)
class MultilabelProblem:
    """Validated inputs: an ``(n, K)`` bool tag matrix and float ``(n, K)`` probabilities."""

    labels: np.ndarray  # bool, (n, K); a new array, never the caller's
    pred_probs: np.ndarray  # float32 or float64, (n, K); never modified
    classes: np.ndarray  # tag names, or 0..K-1 when none were given

    @property
    def n(self) -> int:
        return int(self.labels.shape[0])

    @property
    def n_classes(self) -> int:
        return int(self.labels.shape[1])


def check_tag_probs(pred_probs: Any) -> np.ndarray:
    """Return float32/float64 ``(n, K)`` independent per-tag probabilities in [0, 1].

    Rows need not sum to 1. Values within 1e-4 outside [0, 1] (float16 rounding) are
    clipped in a copy; integer arrays become float64, float16 becomes float32.
    """
    pp = as_array(pred_probs, "pred_probs", hint="pass an (n, K) float array")
    if pp.dtype.kind not in "biuf":
        raise InputTypeError(
            "pred_probs",
            f"expected a numeric (float) array, got dtype {pp.dtype}; "
            "convert it with np.asarray(pred_probs, dtype=float).",
        )
    if pp.ndim != 2 or pp.shape[0] == 0 or pp.shape[1] == 0:
        raise InputError(
            "pred_probs",
            f"expected a 2-D array of shape (n, K) with n, K >= 1, got shape {pp.shape}; "
            "pass one row per example and one column per tag.",
        )
    if pp.dtype.kind != "f":
        pp = pp.astype(np.float64)
    elif pp.dtype.itemsize < 4:
        pp = pp.astype(np.float32)
    lo, hi = float(np.min(pp)), float(np.max(pp))
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise InputError(
            "pred_probs",
            "contains NaN or infinite values; fix the model output (e.g. a sigmoid of "
            "finite logits) before looking for label issues.",
        )
    if lo < -VALUE_TOLERANCE or hi > 1 + VALUE_TOLERANCE:
        raise InputError(
            "pred_probs",
            f"values must be probabilities in [0, 1], got min {lo:.6g} and max {hi:.6g}; "
            "if these are logits, apply a sigmoid (one per tag) first.",
        )
    if lo < 0 or hi > 1:
        pp = np.clip(pp, 0.0, 1.0)
    _warn_if_softmax(pp)
    return pp


def _warn_if_softmax(pp: np.ndarray) -> None:
    """Warn when every row sums to 1: likely one softmax over exclusive classes."""
    if pp.shape[1] < 2 or pp.shape[0] < 2:
        return
    if np.allclose(pp.sum(axis=1, dtype=np.float64), 1.0, rtol=0.0, atol=1e-3):
        warnings.warn(
            "pred_probs: every row sums to 1, like the softmax output of a single-label "
            "model; multi-label detection needs one independent probability per tag (a "
            "sigmoid per tag, or one-vs-rest classifiers), else present tags compete and "
            "look wrong. Ignore this warning only if the per-tag probabilities really do "
            "sum to 1.",
            UserWarning,
            stacklevel=4,
        )


def _from_matrix(arr: np.ndarray, n_classes: int) -> np.ndarray:
    if arr.dtype.kind not in "biuf":
        raise InputTypeError(
            "labels",
            f"a 2-D labels array is read as an (n, K) 0/1 indicator matrix, but it has dtype "
            f"{arr.dtype}; pass 0/1 numbers, or a list with one list of tags per example.",
        )
    if arr.shape[1] != n_classes:
        raise InputError(
            "labels",
            f"indicator matrix has {arr.shape[1]} columns but pred_probs has {n_classes}; "
            "pass one column per tag, in the order of pred_probs' columns.",
        )
    bad = (arr != 0) & (arr != 1)
    if bad.any():
        raise InputError(
            "labels",
            f"an indicator matrix must hold only 0 and 1, got values such as "
            f"{np.unique(arr[bad])[:5].tolist()}; pass 0/1 (or bool) entries.",
        )
    return arr.astype(bool)


def _row_tags(row: Any, i: int) -> list[Any]:
    if isinstance(row, str | bytes):
        raise InputTypeError(
            "labels",
            f"labels[{i}] is a string ({row!r}), not a collection of tags; split it into a "
            "list first (e.g. row.split(';')), or wrap a single tag as [tag].",
        )
    if not isinstance(row, Iterable):
        raise InputTypeError(
            "labels",
            f"labels[{i}] is {row!r}, not a collection of tags; pass one list of tags per "
            "example (e.g. [[0, 2], [], [1]]), or an (n, K) 0/1 numpy array.",
        )
    return [v.item() if isinstance(v, np.generic) else v for v in row]


def _code(tag: Any, i: int, lookup: dict[Any, int] | None, n_classes: int) -> int:
    if isinstance(tag, bool) and lookup is not None:  # True would match a class named 1
        raise InputTypeError(
            "labels",
            f"labels[{i}] holds {tag!r}, a bool, not a tag; for 0/1 (True/False) "
            "indicator rows pass np.asarray(labels), else list the tags by name.",
        )
    if lookup is not None:
        try:
            code = lookup.get(tag)
        except TypeError:  # unhashable: a nested list or array is no tag name
            code = None
        if code is None:
            raise InputError(
                "labels",
                f"labels[{i}] holds {tag!r}, which is not a tag name given with classes=; "
                "add it there or fix the tag.",
            )
        return code
    if isinstance(tag, bool) or not isinstance(tag, int):
        raise InputTypeError(
            "labels",
            f"labels[{i}] holds {tag!r}; without classes=, tags must be integer column "
            f"indices 0..{n_classes - 1}. Pass classes=[...] naming each pred_probs column "
            "to use tag names.",
        )
    if not 0 <= tag < n_classes:
        raise InputError(
            "labels",
            f"labels[{i}] holds tag {tag}, outside 0..{n_classes - 1} (pred_probs has "
            f"{n_classes} columns); map the tags to column indices.",
        )
    return tag


def _slow_codes(rows: list[Any], n_classes: int, lookup: dict[Any, int] | None) -> None:
    """Find the first bad row and raise its error (the fast path only knows one failed)."""
    for i, row in enumerate(rows):
        codes = [_code(tag, i, lookup, n_classes) for tag in _row_tags(row, i)]
        if len(set(codes)) != len(codes):
            raise InputError(
                "labels",
                f"labels[{i}] = {list(row)!r} repeats a tag; list each tag once (if these "
                "are 0/1 indicator rows, pass np.asarray(labels) instead).",
            )


def _flat_codes(flat: list[Any], n_classes: int, lookup: dict[Any, int] | None) -> np.ndarray:
    """Codes of all tags in one go, or a float array when any tag is bad (the caller then
    finds and reports the first bad one)."""
    bad = np.empty(0, dtype=np.float64)
    if lookup is not None:
        if any(issubclass(kind, bool | np.bool_) for kind in set(map(type, flat))):
            return bad
        try:
            return np.fromiter(map(lookup.__getitem__, flat), dtype=np.intp, count=len(flat))
        except (KeyError, TypeError):
            return bad
    if not flat:
        return np.empty(0, dtype=np.intp)
    kinds = set(map(type, flat))
    if not all(issubclass(kind, int | np.integer) for kind in kinds) or any(
        issubclass(kind, bool | np.bool_) for kind in kinds
    ):
        return bad
    try:  # every tag is an int (checked above), so nothing is truncated
        codes = np.fromiter(flat, dtype=np.intp, count=len(flat))
    except OverflowError:
        return bad
    if codes.min() < 0 or codes.max() >= n_classes:
        return bad
    return codes


def _from_lists(rows: Any, n_classes: int, lookup: dict[Any, int] | None) -> np.ndarray:
    rows = list(rows)
    if not all(type(r) is list or type(r) is tuple for r in rows):
        if any(isinstance(r, str | bytes) or not isinstance(r, Iterable) for r in rows):
            _slow_codes(rows, n_classes, lookup)
        rows = [r if isinstance(r, list | tuple) else list(r) for r in rows]
    lengths = np.fromiter(map(len, rows), dtype=np.intp, count=len(rows))
    flat = list(itertools.chain.from_iterable(rows))
    codes = _flat_codes(flat, n_classes, lookup)
    if codes.dtype.kind == "f":
        _slow_codes(rows, n_classes, lookup)
    if lookup is None and n_classes <= 2 and rows and bool(np.all(lengths == n_classes)):
        # With K <= 2, indicator rows such as [1, 0] are also valid tag lists (all tags):
        # refuse rather than pick one reading (with K >= 3 a repeated tag gives it away).
        raise InputError(
            "labels",
            f"every row lists {n_classes} tag(s) out of 0..{n_classes - 1}, like the rows "
            "of a 0/1 indicator matrix; a list of lists is read as tag lists, which would "
            "give every example every tag. Pass np.asarray(labels) for an indicator "
            "matrix (or np.ones((n, K)) if every example really has every tag).",
        )
    out = np.zeros((len(rows), n_classes), dtype=bool)
    out[np.repeat(np.arange(len(rows)), lengths), codes] = True
    if int(np.count_nonzero(out)) != codes.shape[0]:  # some row repeats a tag
        _slow_codes(rows, n_classes, lookup)
    return out


def _check_frame_columns(frame: Any, names: np.ndarray | None, argument: str) -> None:
    """A DataFrame's named columns must be the tags of ``classes``, in the same order."""
    if names is None or not hasattr(frame, "columns"):
        return
    columns = list(frame.columns)
    if columns == list(range(len(columns))):
        return  # unnamed columns (0..K-1) are read in order, as pred_probs' columns
    if columns != names.tolist():
        raise InputError(
            argument,
            f"the DataFrame's columns {columns[:10]} are not the tags of classes= "
            f"{names.tolist()[:10]} in the same order; select them in that order "
            f"({argument}[classes]), or pass {argument}.to_numpy() if the columns are "
            "already in the order of classes.",
        )


def check_multilabels(labels: Any, *, n_classes: int, names: np.ndarray | None) -> np.ndarray:
    """Return the ``(n, K)`` bool tag matrix of ``labels`` (tag lists or indicator matrix);
    ``names`` are the checked ``classes`` (or None)."""
    lookup = None if names is None else {name: k for k, name in enumerate(names.tolist())}
    if hasattr(labels, "to_numpy") and getattr(labels, "ndim", 1) == 2:  # DataFrame
        _check_frame_columns(labels, names, "labels")
        labels = labels.to_numpy()
    elif hasattr(labels, "toarray") and getattr(labels, "ndim", 1) == 2:  # scipy.sparse
        labels = labels.toarray()  # e.g. MultiLabelBinarizer(sparse_output=True)
    if isinstance(labels, np.ndarray) and labels.ndim == 2:
        out = _from_matrix(labels, n_classes)
    elif isinstance(labels, np.ndarray) and labels.ndim != 1:
        raise InputError(
            "labels",
            f"expected one collection of tags per example or an (n, K) indicator matrix, "
            f"got an array of shape {labels.shape}.",
        )
    elif isinstance(labels, str | bytes) or not isinstance(labels, Iterable):
        raise InputTypeError(
            "labels",
            f"expected one collection of tags per example (e.g. [[0, 2], [], [1]]) or an "
            f"(n, K) 0/1 numpy array, got {type(labels).__name__}.",
        )
    else:
        out = _from_lists(labels, n_classes, lookup)
    if out.shape[0] == 0:
        raise InputError("labels", "got 0 examples; pass at least one labelled example.")
    return out


def check_multilabel_problem(labels: Any, pred_probs: Any, *, classes: Any) -> MultilabelProblem:
    """Validate tags and per-tag probabilities together."""
    pp = check_tag_probs(pred_probs)
    names = None if classes is None else check_classes(classes, pp.shape[1])
    _check_frame_columns(pred_probs, names, "pred_probs")
    tags = check_multilabels(labels, n_classes=pp.shape[1], names=names)
    if tags.shape[0] != pp.shape[0]:
        raise InputError(
            "labels",
            f"has {tags.shape[0]} examples but pred_probs has {pp.shape[0]} rows; "
            "pass one tag set per row of pred_probs.",
        )
    return MultilabelProblem(
        labels=tags, pred_probs=pp, classes=np.arange(pp.shape[1]) if names is None else names
    )
