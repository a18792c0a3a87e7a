"""Validation at the public boundary, done once per call: one validator per kind of input.

Public functions call :func:`check_problem` (and :func:`check_choice` and friends for
options) and pass the result down; private functions trust their inputs. This module
checks the data: labels against ``pred_probs`` (:func:`check_labels`), bare integer label
codes (:func:`check_codes`), ``pred_probs`` (:func:`check_pred_probs`) and feature
matrices (:func:`check_features`). The option checks live in :mod:`labelnoise._options`
and are re-exported here, so public functions import all their validation from one place.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

import numpy as np

from labelnoise._errors import InputError, InputTypeError
from labelnoise._options import (
    check_bool,
    check_choice,
    check_chunk_size,
    check_fraction,
    check_int,
    check_n_jobs,
)
from labelnoise._sources import RowReader, Rows, is_dask, is_out_of_core, open_out_of_core

__all__ = [
    "ROW_SUM_TOLERANCE",
    "VALUE_TOLERANCE",
    "Problem",
    "as_array",
    "check_bool",
    "check_choice",
    "check_chunk_size",
    "check_code_array",
    "check_codes",
    "check_features",
    "check_fraction",
    "check_int",
    "check_labels",
    "check_n_jobs",
    "check_pred_probs",
    "check_problem",
]

#: How far a single probability may fall outside [0, 1] and still be accepted (float16 storage).
VALUE_TOLERANCE = 1e-4
#: How far a row of probabilities may miss a sum of 1 and still be accepted.
ROW_SUM_TOLERANCE = 1e-3
#: Rows up to this many classes are summed in their own dtype by the validation scan.
_SHORT_ROW = 4096


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


def _show(values: Collection[Any], limit: int = 5) -> str:
    items = [repr(v.item() if isinstance(v, np.generic) else v) for v in list(values)[:limit]]
    more = ", ..." if len(values) > limit else ""
    return "[" + ", ".join(items) + more + "]"


def as_array(value: Any, name: str, *, hint: str = "pass a 1-D array or list") -> np.ndarray:
    """``np.asarray`` that accepts pandas objects and names the argument when it fails."""
    if hasattr(value, "to_numpy"):  # pandas Series / DataFrame
        value = value.to_numpy()
    try:
        return np.asarray(value)
    except (ValueError, TypeError) as exc:
        raise InputTypeError(
            name, f"could not be converted to a numpy array ({exc}); {hint}."
        ) from exc


def _check_classes(classes: Any, n_classes: int) -> np.ndarray:
    names = as_array(classes, "classes").copy()  # results freeze it; never the caller's
    if names.ndim != 1:
        raise InputError(
            "classes", f"expected a 1-D sequence of class names, got shape {names.shape}."
        )
    if names.shape[0] != n_classes:
        raise InputError(
            "classes",
            f"expected one name per column of pred_probs ({n_classes}), got {names.shape[0]}; "
            "list the class of each pred_probs column in column order.",
        )
    if any(name is None for name in names.tolist()):
        raise InputError(
            "classes",
            f"class names must not be None (a missing value is not a class), got "
            f"{_show(names, 10)}; name every class, e.g. replace None with 'unknown'.",
        )
    if len(set(names.tolist())) != n_classes:
        raise InputError("classes", f"class names must be unique, got {_show(names, 10)}.")
    return names


def _unsortable(labels: np.ndarray, exc: TypeError) -> str:
    values = labels.tolist()
    if any(v is None for v in values):
        return (
            "contain None (missing labels); drop or fill those rows first, since a "
            "missing label belongs to no class."
        )
    kinds = sorted({type(v).__name__ for v in values})
    return (
        f"mix value types that cannot be compared ({', '.join(kinds)}: {exc}); give every "
        "label and every class name the same type, e.g. all str."
    )


def _codes_from_names(labels: np.ndarray, names: np.ndarray) -> np.ndarray:
    lookup = {name: code for code, name in enumerate(names.tolist())}
    try:
        uniques, inverse = np.unique(labels, return_inverse=True)
    except TypeError as exc:  # values numpy cannot sort, e.g. None beside numbers
        raise InputTypeError("labels", _unsortable(labels, exc)) from exc
    unknown = [u for u in uniques.tolist() if u not in lookup]
    if unknown:
        raise InputError(
            "labels",
            f"{len(unknown)} label value(s) are not in classes: {_show(unknown)}; "
            f"classes is {_show(names)}. Add them to classes or fix the labels.",
        )
    table = np.array([lookup[u] for u in uniques.tolist()], dtype=np.intp)
    return table[inverse.reshape(-1)]


def code_dtype(n_classes: int) -> np.dtype:
    """The smallest unsigned integer type that holds the codes ``0..n_classes-1``."""
    return np.dtype(np.uint8 if n_classes <= 256 else np.uint16 if n_classes <= 65536 else np.intp)


def check_labels(
    labels: Any, *, n_classes: int, classes: Any = None, compact: bool = False
) -> tuple[np.ndarray, np.ndarray | None]:
    """Return ``(codes, class_names_or_None)`` for given labels.

    Labels are integers ``0..n_classes-1`` or, with ``classes=``, any hashable names.
    Codes are ``intp``, or with ``compact=True`` the smallest unsigned type that fits
    (1 byte per row instead of 8 when there are at most 256 classes).
    """
    codes, names = _check_labels(labels, n_classes=n_classes, classes=classes)
    return codes.astype(code_dtype(n_classes) if compact else np.intp, copy=False), names


def _not_indices(arr: np.ndarray, n_classes: int) -> InputTypeError:
    """The error for labels that are not numbers: names without ``classes=``, or bytes.

    Values are shown by ``repr``, one by one: bytes in any encoding, None and values of
    mixed types all have one (``astype(str)`` fails on bytes that are not ASCII)."""
    values = arr.tolist()
    distinct = sorted({repr(v) for v in values})
    sample = "[" + ", ".join(distinct[:5]) + (", ..." if len(distinct) > 5 else "") + "]"
    decode = (
        "decode the bytes first with the encoding they were written in (e.g. "
        "[v.decode('latin-1') for v in labels]), then "
        if any(isinstance(v, bytes) for v in values)
        else ""
    )
    return InputTypeError(
        "labels",
        f"expected integer class indices 0..{n_classes - 1}, got dtype {arr.dtype} (values "
        f"such as {sample}); {decode}pass classes=[...] naming the class of each pred_probs "
        "column to use class names.",
    )


def _label_array(labels: Any, *, hint: str, empty: str) -> np.ndarray:
    """The checks every label validator starts with: an array, 1-D, not empty.

    ``hint`` says how to fix an input numpy cannot convert; ``empty`` how to fix an empty
    one (each validator keeps its own wording)."""
    arr = as_array(labels, "labels", hint=hint)
    if arr.ndim != 1:
        raise InputError(
            "labels",
            f"expected a 1-D array of shape (n,), got shape {arr.shape}; "
            "pass one label per example (use labels.ravel() for a column vector).",
        )
    if arr.shape[0] == 0:
        raise InputError("labels", f"got 0 examples; {empty}")
    return arr


def _check_labels(
    labels: Any, *, n_classes: int, classes: Any
) -> tuple[np.ndarray, np.ndarray | None]:
    arr = _label_array(
        labels, hint="pass a 1-D array or list", empty="pass at least one labelled example."
    )
    if classes is not None:
        names = _check_classes(classes, n_classes)
        return _codes_from_names(arr, names), names
    if arr.dtype.kind not in "biuf":
        raise _not_indices(arr, n_classes)
    if arr.dtype.kind == "b" and n_classes != 2:
        raise InputError(
            "labels",
            f"are bools, which name a two-class problem (False = 0, True = 1), but "
            f"pred_probs has {n_classes} columns; pass integer class indices "
            f"0..{n_classes - 1}, or pred_probs with 2 columns [P(False), P(True)].",
        )
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)):
            raise InputError("labels", "contain NaN or infinite values; labels must be integers.")
        frac = arr[np.mod(arr, 1) != 0]
        if frac.size:
            raise InputError(
                "labels",
                f"expected integer class indices, got non-integral floats such as {_show(frac)}; "
                "round or map them to 0..K-1.",
            )
    lo, hi = arr.min(), arr.max()
    if lo < 0 or hi >= n_classes:
        bad = arr[(arr < 0) | (arr >= n_classes)]
        raise InputError(
            "labels",
            f"expected class indices in 0..{n_classes - 1} (pred_probs has {n_classes} "
            f"columns), got values such as {_show(np.unique(bad))}; pass pred_probs with one "
            "column per class, or map the labels to 0..K-1.",
        )
    return arr, None


def check_code_array(labels: Any) -> np.ndarray:
    """Return ``labels`` as a 1-D array of non-negative integer codes (the caller's dtype).

    The validator of bare class codes, for functions that have no ``pred_probs`` to name
    the classes (the simulators): integers only (no names, bools or floats), never copied.
    """
    arr = _label_array(labels, hint="pass a numeric array", empty="pass at least one label.")
    if arr.dtype.kind not in "iu":
        raise InputTypeError(
            "labels",
            f"expected integer class codes 0..K-1, got dtype {arr.dtype}; map class names "
            "to codes first, e.g. names, codes = np.unique(labels, return_inverse=True).",
        )
    lo = int(arr.min())
    if lo < 0:
        raise InputError(
            "labels", f"class codes must be >= 0, got {lo}; map the labels to 0..K-1 first."
        )
    return arr


def check_codes(labels: Any, *, n_classes: Any, func: str) -> tuple[np.ndarray, int]:
    """Return ``(labels_array, K)``: 1-D integer codes in ``0..K-1`` and the class count.

    :func:`check_code_array`, and the number of classes. ``n_classes=None`` means
    ``labels.max() + 1``, which must be at least 2: labels that are all class 0 do not say
    how many classes there are, and inventing a second one would misread them. The array
    keeps the caller's integer dtype (and is never written to); ``K - 1`` must fit in it.
    """
    arr = check_code_array(labels)
    hi = int(arr.max())
    if n_classes is None:
        if hi == 0:
            raise InputError(
                "labels",
                f"are all class 0, so {func} cannot infer the number of classes (noise needs "
                "n_classes >= 2); pass n_classes=K for labels with K classes in all.",
            )
        k = hi + 1
    else:
        k = check_int(n_classes, name="n_classes", func=func, minimum=2)
        if hi >= k:
            raise InputError(
                "n_classes",
                f"is {k} but labels contain class {hi}; pass n_classes >= {hi + 1} "
                "or leave it as None to infer it.",
            )
    if k - 1 > np.iinfo(arr.dtype).max:
        raise InputError(
            "labels",
            f"dtype {arr.dtype} cannot hold class {k - 1} of {k} classes; "
            "pass labels.astype(np.int64).",
        )
    return arr, k


@dataclass(frozen=True)
class _FeatureRules:
    """What :func:`check_features` demands, and how its errors read, for one kind of caller.

    Messages are format strings over ``n``, ``shape`` and ``dtype``."""

    float64: bool  # always float64; else float32/float64 as stored (small types: float32)
    min_columns: int  # fewer columns than this is an error (worded as ``values``)
    finite: bool  # NaN or infinite values are an error
    hint: str  # the fix when numpy cannot convert the input
    dtype: str  # not numbers
    shape: str  # not (n, ...)
    values: str  # too few columns, or not finite


FeatureRulesName = Literal["embeddings", "simulate", "report"]
_REPORT_FEATURES = (
    "expected a numeric array of shape (n, d) with n = {n} rows, got shape {shape} and dtype "
    "{dtype}; pass one embedding per example."
)

#: The callers' rules, one row each. They differ in the dtype (the simulators compute in
#: float64; the neighbour searches keep float32 embeddings as they are, half the memory),
#: in whether an (n, 0) array or NaN is refused, and in wording: each row words its errors
#: as its public functions always have.
_FEATURE_RULES: MappingProxyType[str, _FeatureRules] = MappingProxyType(
    {
        # kNN detection and the health checks: cosine neighbours of embeddings
        "embeddings": _FeatureRules(
            float64=False,
            min_columns=0,
            finite=True,
            hint="pass a 2-D numeric array of shape (n, d)",
            dtype="expected a numeric array, got dtype {dtype}; pass embeddings or other "
            "numeric features of shape (n, d).",
            shape="expected shape ({n}, d) (one row per label), got shape {shape}; pass one "
            "feature vector per example.",
            values="contain NaN or infinite values; impute or drop them first.",
        ),
        # instance-dependent noise: x @ W in float64
        "simulate": _FeatureRules(
            float64=True,
            min_columns=1,
            finite=True,
            hint="pass a numeric array",
            dtype="expected a numeric array, got dtype {dtype}; encode the features as numbers.",
            shape="expected shape (n, d) with n = {n} (one row per label), got shape {shape}.",
            values="must have at least one column and only finite values; impute or drop NaN/inf.",
        ),
        # the report's nearest examples (it computes the cosines in float64 itself)
        "report": _FeatureRules(
            float64=False,
            min_columns=0,
            finite=False,
            hint="pass a 2-D numeric array of shape (n, d)",
            dtype=_REPORT_FEATURES,
            shape=_REPORT_FEATURES,
            values="",
        ),
    }
)


def check_features(
    features: Any, n: int, *, rules: FeatureRulesName = "embeddings", name: str = "features"
) -> np.ndarray:
    """Return features as a float (n, d) array, one row per label; images are flattened.

    Parameters
    ----------
    features : array-like of numbers (or bools), shape (n, d) or (n, ...)
        One row per example; a pandas DataFrame is read with ``to_numpy``.
    n : int
        The number of rows expected (one per label).
    rules : {"embeddings", "simulate", "report"}, default "embeddings"
        Which caller's rules apply (see ``_FEATURE_RULES``). ``"embeddings"``: float32 or
        float64 as stored (ints up to 16 bits and float16 become float32, wider ints
        float64), finite. ``"simulate"``: always float64, finite, at least one column.
        ``"report"``: as ``"embeddings"``, NaN allowed.
    name : str, default "features"
        The argument named in the errors.

    Returns
    -------
    ndarray of float32 or float64, shape (n, d)
        A view of the input where no conversion was needed.
    """
    rule = _FEATURE_RULES[rules]
    arr = as_array(features, name, hint=rule.hint)
    if arr.dtype.kind not in "biuf":
        raise InputTypeError(name, rule.dtype.format(n=n, shape=arr.shape, dtype=arr.dtype))
    if arr.ndim < 2 or arr.shape[0] != n:
        raise InputError(name, rule.shape.format(n=n, shape=arr.shape, dtype=arr.dtype))
    arr = arr.reshape(n, -1)
    if rule.float64:
        arr = arr.astype(np.float64, copy=False)
    elif arr.dtype.kind != "f" or arr.dtype.itemsize < 4:
        arr = arr.astype(np.float32 if arr.dtype.itemsize <= 2 else np.float64)
    if arr.shape[1] < rule.min_columns or (rule.finite and not np.all(np.isfinite(arr))):
        raise InputError(name, rule.values)
    return arr


def _scan_block(block: np.ndarray, given: Any, exact: bool) -> tuple[float, float, float, float]:
    """Chunk step of the validation scan: min, max, min and max row sum of one block.

    Row sums are float64 when ``exact`` (whether a row sums to exactly 1 decides
    renormalization) or when a row is long; otherwise a plain ``einsum`` in the block's
    dtype serves the tolerance check, its rounding error (at most ``K`` float32 ulps)
    far below ``ROW_SUM_TOLERANCE``. Not a BLAS product: its own thread pool would fight
    the block threads (a matrix-vector product ran 9x slower on two busy cores)."""
    if exact or block.shape[1] > _SHORT_ROW:
        sums = block.sum(axis=1, dtype=np.float64)
    else:
        sums = np.einsum("ij->i", block)
    return float(block.min()), float(block.max()), float(sums.min()), float(sums.max())


def _scan(rows: RowReader, *, exact: bool) -> tuple[float, float, float, float]:
    """One pass: min value, max value, min and max row sum (NaN propagates)."""
    lo, hi, smin, smax = np.inf, -np.inf, np.inf, -np.inf
    for _, (b_lo, b_hi, b_smin, b_smax) in rows.map(_scan_block, args=(exact,)):
        # np.minimum/np.maximum propagate NaN (Python's min/max would drop it)
        lo, hi = float(np.minimum(lo, b_lo)), float(np.maximum(hi, b_hi))
        smin, smax = float(np.minimum(smin, b_smin)), float(np.maximum(smax, b_smax))
    return lo, hi, smin, smax


_ZERO_ROW = (
    "a row sums to 0 and cannot be normalized; every example needs a positive probability "
    "for some class."
)


def _renormalized(pp: np.ndarray, *, clip: bool) -> np.ndarray:
    """A float copy with each row clipped to [0, 1] (optionally) and divided by its sum."""
    out = np.array(pp, dtype=np.result_type(pp.dtype, np.float32), order="C")
    for rows in Rows(out).slices():
        block = out[rows]
        if clip:
            np.clip(block, 0.0, 1.0, out=block)
        sums = block.sum(axis=1, keepdims=True)
        if np.any(sums <= 0):
            raise InputError("pred_probs", _ZERO_ROW)
        block /= sums
    return out


def _zero_row_block(block: np.ndarray, given: Any) -> bool:
    return bool(np.any(np.clip(block, 0.0, 1.0).sum(axis=1) <= 0))


def _check_normalizable(rows: RowReader) -> None:
    """Out of core: the chunked twin of :func:`_renormalized`'s zero-row check."""
    if any(zero for _, zero in rows.map(_zero_row_block)):
        raise InputError("pred_probs", _ZERO_ROW)


def _check_layout(pp: Any) -> np.dtype:
    """Check dtype and shape of an (n, K) array-like; return the working float dtype."""
    if pp.dtype.kind not in "biuf":
        raise InputTypeError(
            "pred_probs",
            f"expected a numeric (float) array, got dtype {pp.dtype}; "
            "convert it with np.asarray(pred_probs, dtype=float).",
        )
    if pp.ndim != 2:
        raise InputError(
            "pred_probs",
            f"expected a 2-D array of shape (n, K), got shape {pp.shape}; "
            "pass one row of class probabilities per example.",
        )
    if pp.shape[1] < 2:
        raise InputError(
            "pred_probs",
            f"expected at least 2 columns (classes), got shape {pp.shape}; "
            "for a binary problem pass both columns [1 - p, p].",
        )
    if pp.shape[0] == 0:
        raise InputError("pred_probs", "got 0 rows; pass at least one example.")
    if pp.dtype.kind != "f":
        return np.dtype(np.float64)
    return np.dtype(np.float32) if pp.dtype.itemsize < 4 else np.dtype(pp.dtype)


def _needs_renormalizing(rows: RowReader, *, normalize: bool) -> bool:
    """Check values and row sums in one chunked pass; whether rows need clip + renormalize."""
    lo, hi, smin, smax = _scan(rows, exact=normalize)
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise InputError(
            "pred_probs",
            "contains NaN or infinite values; fix the model output (e.g. softmax of finite "
            "logits) before looking for label issues.",
        )
    if lo < -VALUE_TOLERANCE or hi > 1 + VALUE_TOLERANCE:
        raise InputError(
            "pred_probs",
            f"values must be probabilities in [0, 1], got min {lo:.6g} and max {hi:.6g}; "
            "if these are logits, apply a softmax first.",
        )
    if normalize:
        return smin != 1.0 or smax != 1.0 or lo < 0 or hi > 1
    if smin < 1 - ROW_SUM_TOLERANCE or smax > 1 + ROW_SUM_TOLERANCE:
        raise InputError(
            "pred_probs",
            f"each row must sum to 1, got row sums from {smin:.6g} to {smax:.6g}; "
            "pass normalize=True to divide each row by its sum.",
        )
    return lo < 0 or hi > 1


def check_pred_probs(
    pred_probs: Any, *, normalize: bool = False, chunk_size: int | None = None, n_jobs: int = 1
) -> np.ndarray:
    """Return a float32/float64 (n, K) view of ``pred_probs``, copying only when needed.

    Values up to :data:`VALUE_TOLERANCE` outside [0, 1] (float16 rounding) are accepted and
    the affected array is clipped and renormalized; rows that miss a sum of 1 by more than
    :data:`ROW_SUM_TOLERANCE` are an error unless ``normalize=True``.
    """
    check_bool(normalize, name="normalize")
    pp = as_array(pred_probs, "pred_probs")
    work = _check_layout(pp)
    if pp.dtype != work:
        pp = pp.astype(work)
    if _needs_renormalizing(Rows(pp, chunk_size=chunk_size, n_jobs=n_jobs), normalize=normalize):
        return _renormalized(pp, clip=True)
    return pp


def check_source(
    pred_probs: Any, *, normalize: bool = False, chunk_size: int | None = None, n_jobs: int = 1
) -> tuple[Any, RowReader]:
    """Validate ``pred_probs`` of any kind; return ``(array, rows)`` to read it with.

    In memory this is :func:`check_pred_probs`. Out of core (a ``.npy`` or Parquet path,
    or a ``numpy.memmap``) the same checks run block by block, and the conversion and
    renormalization that would copy the array are applied to each block as it is read.
    A Dask array is checked the same way, one task per row chunk. ``n_jobs`` threads
    compute the blocks of every later pass (in memory and out of core; Dask schedules
    its own).
    """
    check_bool(normalize, name="normalize")
    if is_dask(pred_probs):
        from labelnoise.distributed._rows import dask_rows

        distributed = dask_rows(pred_probs)
        work = _check_layout(distributed.array)
        distributed = distributed.with_options(dtype=work, renormalize=False)
        if _needs_renormalizing(distributed, normalize=normalize):
            _check_normalizable(distributed)
            distributed = distributed.with_options(dtype=work, renormalize=True)
        return distributed.array, distributed
    if not is_out_of_core(pred_probs):
        pp = check_pred_probs(pred_probs, normalize=normalize, chunk_size=chunk_size, n_jobs=n_jobs)
        return pp, Rows(pp, chunk_size=chunk_size, n_jobs=n_jobs)
    raw = open_out_of_core(pred_probs)
    work = _check_layout(raw)
    rows = Rows(raw, dtype=work, chunk_size=chunk_size, n_jobs=n_jobs)
    if _needs_renormalizing(rows, normalize=normalize):
        _check_normalizable(rows)
        rows = Rows(raw, dtype=work, renormalize=True, chunk_size=chunk_size, n_jobs=n_jobs)
    return raw, rows


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
    checked here too (``n_jobs=None``: every core), their errors naming ``func``; without
    it they are trusted as checked.
    """
    if func is not None:  # a public function's options, checked once, here
        chunk_size = check_chunk_size(chunk_size, func=func)
        n_jobs = check_n_jobs(n_jobs, func=func)
    elif n_jobs is None:  # a caller that checked its options passes the resolved count
        raise TypeError("check_problem: pass func= to resolve n_jobs=None")
    pp, rows = check_source(pred_probs, normalize=normalize, chunk_size=chunk_size, n_jobs=n_jobs)
    codes, names = check_labels(
        labels, n_classes=pp.shape[1], classes=classes, compact=rows.out_of_core
    )
    if codes.shape[0] != pp.shape[0]:
        raise InputError(
            "labels",
            f"has {codes.shape[0]} entries but pred_probs has {pp.shape[0]} rows; "
            "pass one label per row of pred_probs.",
        )
    return Problem(labels=codes, pred_probs=pp, classes=names, source=rows)
