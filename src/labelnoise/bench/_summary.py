"""Markdown summaries of a results table by model regime, and of ensembles vs members."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from labelnoise._errors import InputError

__all__ = ["markdown_table", "summarize_regimes"]

#: Columns of the regime tables: results column -> (header, format).
_REGIME_COLUMNS = {
    "precision": ("precision", "{:.3f}"),
    "recall": ("recall", "{:.3f}"),
    "f1": ("F1", "{:.3f}"),
    "auprc": ("AUPRC", "{:.3f}"),
    "count_error": ("count error", "{:+.1f}"),
    "relative_count_error": ("count error / wrong", "{:+.2f}"),
}


def markdown_table(
    table: pd.DataFrame, first: str, formats: Mapping[str, str] | None = None
) -> str:
    """A GitHub markdown table of ``table`` (index first, headed ``first``); numbers with
    ``formats[column]`` (default 3 decimals), NaN as an empty cell."""
    formats = dict(formats or {})
    head = [first, *map(str, table.columns)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, row in table.iterrows():
        cells = [
            "" if pd.isna(value) else formats.get(str(column), "{:.3f}").format(value)
            for column, value in row.items()
        ]
        lines.append("| " + " | ".join([str(name), *cells]) + " |")
    return "\n".join(lines)


def _regime_table(part: pd.DataFrame) -> str:
    columns = [c for c in _REGIME_COLUMNS if c in part.columns]
    means = part.groupby("method", sort=False)[columns].mean()
    means.columns = [_REGIME_COLUMNS[c][0] for c in columns]
    formats = {header: fmt for header, fmt in _REGIME_COLUMNS.values()}
    return markdown_table(means, "method", formats)


def _ensemble_table(frame: pd.DataFrame) -> str | None:
    part = frame[frame["best_member_f1"].notna()] if "best_member_f1" in frame else frame.iloc[:0]
    if part.empty:
        return None
    part = part.assign(wins=(part["f1"] >= part["best_member_f1"]).astype(np.float64))
    grouped = part.groupby(["model", "method"], sort=False)
    table = pd.DataFrame(
        {
            "ensemble F1": grouped["f1"].mean(),
            "best member F1": grouped["best_member_f1"].mean(),
            "ensemble >= best (share)": grouped["wins"].mean(),
            "ensemble AUPRC": grouped["auprc"].mean(),
            "best member AUPRC": grouped["best_member_auprc"].mean(),
        }
    )
    table.index = [f"{model}: {method}" for model, method in table.index]
    return markdown_table(table, "ensemble: method")


def summarize_regimes(frame: pd.DataFrame) -> str:
    """Mean precision, recall, F1, AUPRC and count error per method, one table per model
    regime, then each ensemble against its best member, in GitHub markdown.

    The count error is ``n_flagged - n_flipped`` (negative: the detector under-counts the
    wrong labels), also shown relative to the number of wrong labels.

    Parameters
    ----------
    frame : DataFrame
        The result of :func:`run_benchmark` (needs the ``regime`` and ``method`` columns).

    Returns
    -------
    str

    Examples
    --------
    >>> import pandas as pd
    >>> from labelnoise.bench import summarize_regimes
    >>> frame = pd.DataFrame({"regime": ["knn", "knn"], "method": ["auto", "auto"],
    ...                       "f1": [0.5, 0.7], "count_error": [-3, 1]})
    >>> print(summarize_regimes(frame))
    **knn** (2 runs; means over datasets, noise settings and seeds)
    <BLANKLINE>
    | method | F1 | count error |
    |---|---|---|
    | auto | 0.600 | -1.0 |
    """
    if not isinstance(frame, pd.DataFrame) or not {"regime", "method"} <= set(frame.columns):
        raise InputError(
            "frame", "expected the DataFrame of run_benchmark, with columns regime and method."
        )
    if frame.empty:
        raise InputError("frame", "has no rows; nothing was benchmarked.")
    if {"count_error", "n_flipped"} <= set(frame.columns):
        flipped = frame["n_flipped"].where(frame["n_flipped"] > 0)
        frame = frame.assign(relative_count_error=frame["count_error"] / flipped)
    parts = []
    for regime, part in frame.groupby("regime", sort=False):
        title = (
            f"**{regime}** ({part.shape[0]} runs; means over datasets, noise settings and seeds)"
        )
        parts.append(f"{title}\n\n{_regime_table(part)}")
    ensembles = _ensemble_table(frame)
    if ensembles is not None:
        title = (
            "**Ensembles vs their best member** (same unit and method; share: units where the "
            "ensemble's F1 is at least the best single model's)"
        )
        parts.append(f"{title}\n\n{ensembles}")
    return "\n\n".join(parts)
