"""Benchmark outputs: results.csv, results.md (tables of means) and f1_vs_noise.png."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from labelnoise._atomic import write_atomic
from labelnoise._errors import InputError
from labelnoise.bench._report import detector_report
from labelnoise.bench._summary import markdown_table, summarize_regimes

__all__ = ["BenchFiles", "render_results", "results_markdown", "write_results"]

#: Columns :func:`detector_report` needs.
_REPORT_COLUMNS = {"dataset", "noise", "noise_kind", "model", "regime", "seed", "method", "f1"}

#: What every results table must hold (the rest of :data:`COLUMNS` is optional).
REQUIRED = ("dataset", "noise", "noise_kind", "noise_rate", "seed", "method", "f1")
#: Subplots of the figure, in this order, titled by the second entry.
KINDS = (
    ("symmetric", "symmetric"),
    ("pairflip", "pair-flip"),
    ("random_matrix", "random sparse T"),
    ("instance", "instance-dependent"),
    ("human", "human (CIFAR-10N)"),
    ("real", "real (CIFAR-10N)"),
    ("annotators", "annotators (CIFAR-10H)"),
    ("openset", "open-set"),
)


@dataclass(frozen=True)
class BenchFiles:
    """Paths written by :func:`write_results`."""

    csv: Path
    markdown: Path
    plot: Path


def _check_frame(frame: object) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise InputError("frame", f"expected the DataFrame of run_benchmark, got {type(frame)}.")
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InputError(
            "frame", f"has no column {missing[0]!r}; pass the DataFrame of run_benchmark."
        )
    if frame.empty:
        raise InputError("frame", "has no rows; nothing was benchmarked.")
    return frame


def _markdown(table: pd.DataFrame, first: str) -> str:
    return markdown_table(table, first, {"count_error": "{:+.1f}"})


def _pivot(frame: pd.DataFrame, value: str, columns: str, index: str = "method") -> pd.DataFrame:
    order = list(dict.fromkeys(frame[columns]))
    rows = list(dict.fromkeys(frame[index]))
    table = frame.pivot_table(index=index, columns=columns, values=value, aggfunc="mean")
    table = table.reindex(index=rows, columns=order)
    table["mean"] = table.mean(axis=1)
    return table


def _overall(frame: pd.DataFrame) -> pd.DataFrame:
    columns = [
        c
        for c in ("precision", "recall", "f1", "auroc", "auprc", "count_error", "seconds")
        if c in frame.columns
    ]
    return frame.groupby("method", sort=False)[columns].mean()


def _noise_estimates(frame: pd.DataFrame) -> pd.DataFrame | None:
    """Realised vs estimated noise rate per setting (one estimate per dataset, seed and
    model)."""
    needed = {"realised_noise_rate", "estimated_noise_rate"}
    if not needed <= set(frame.columns):
        return None
    keys = [c for c in ("dataset", "noise", "seed", "model") if c in frame.columns]
    runs = frame.drop_duplicates(keys)
    error = (runs["estimated_noise_rate"] - runs["realised_noise_rate"]).abs()
    runs = runs.assign(abs_error=error)
    table = runs.groupby("noise", sort=False)[
        ["realised_noise_rate", "estimated_noise_rate", "abs_error"]
    ].mean()
    table.columns = ["realised", "estimated", "mean abs. error"]
    return table


def results_markdown(frame: pd.DataFrame) -> str:
    """Tables of means over datasets and seeds, in GitHub markdown.

    When ``auto`` ran, first the targets of ``docs/detectors.md``
    (:func:`~labelnoise.bench._report.detector_report`). Per model regime, the mean
    precision, recall, F1, AUPRC and count error of each method,
    and each ensemble against its best member (:func:`summarize_regimes`); then mean F1
    per method x noise setting (and their mean), mean AUROC per ranking score x setting,
    mean F1 per method x dataset, every metric per method, and the realised and estimated
    noise rate per setting.

    Parameters
    ----------
    frame : DataFrame
        The result of :func:`run_benchmark`.

    Returns
    -------
    str
    """
    frame = _check_frame(frame)
    n_models = frame["model"].nunique() if "model" in frame.columns else 1
    parts = [
        f"{frame.shape[0]} runs: {frame['dataset'].nunique()} datasets, "
        f"{frame['noise'].nunique()} noise settings, {frame['seed'].nunique()} seeds, "
        f"{n_models} model{'s' if n_models != 1 else ''}, "
        f"{frame['method'].nunique()} detectors. Means over datasets, seeds and models; a "
        "`mean` column is the unweighted mean of the columns before it."
    ]
    if _REPORT_COLUMNS <= set(frame.columns) and "auto" in set(frame["method"]):
        parts.append(detector_report(frame, title="Targets of docs/detectors.md").rstrip())
    if "regime" in frame.columns:
        parts.append(summarize_regimes(frame))
    parts.append(
        "**F1 of the flagged set, by noise setting**\n\n"
        + _markdown(_pivot(frame, "f1", "noise"), "method")
    )
    if {"auroc", "score_method"} <= set(frame.columns):
        # Every method ranks by its score_method, so one row per score says it all.
        table = _pivot(frame, "auroc", "noise", index="score_method")
        title = "**AUROC of the ranking score, by noise setting**\n\n"
        parts.append(title + _markdown(table, "ranking score"))
    parts.append("**F1 by dataset**\n\n" + _markdown(_pivot(frame, "f1", "dataset"), "method"))
    overall = "**All metrics, mean over all runs** (seconds: the detector alone)\n\n"
    parts.append(overall + _markdown(_overall(frame), "method"))
    estimates = _noise_estimates(frame)
    if estimates is not None:
        title = "**Noise rate: realised vs estimated** (`off_diagonal_calibrated / n`)\n\n"
        parts.append(title + _markdown(estimates, "noise setting"))
    return "\n\n".join(parts) + "\n"


def _plot_png(frame: pd.DataFrame) -> bytes:
    """Mean F1 against the requested noise rate: one panel per noise kind, a line per method."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - matplotlib is in the test env
        raise InputError(
            "frame", "plotting needs matplotlib: pip install 'labelnoise[report]'."
        ) from exc
    kinds = [(k, title) for k, title in KINDS if k in set(frame["noise_kind"])]
    kinds += [(k, k) for k in dict.fromkeys(frame["noise_kind"]) if k not in dict(KINDS)]
    fig = Figure(figsize=(3.2 * len(kinds) + 1.8, 3.4), layout="constrained")
    FigureCanvasAgg(fig)
    axes = np.atleast_1d(fig.subplots(1, len(kinds), sharey=True, squeeze=False)[0])
    methods = list(dict.fromkeys(frame["method"]))
    for ax, (kind, title) in zip(axes, kinds, strict=True):
        part = frame[frame["noise_kind"] == kind]
        curves = part.groupby(["noise_rate", "method"])["f1"].mean().unstack("method")
        for method in methods:
            if method in curves.columns:
                series = curves[method].dropna()
                ax.plot(series.index, series.to_numpy(), marker="o", ms=3, lw=1.2, label=method)
        ax.set_xlim(0.0, max(0.1, 1.1 * float(frame["noise_rate"].max())))
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("noise rate")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("mean F1 (flagged vs flipped)")
    axes[0].set_ylim(0, 1)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside right center", fontsize=7, frameon=False)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


def _put(payload: bytes, handle: BinaryIO) -> None:
    handle.write(payload)


def render_results(frame: pd.DataFrame) -> dict[str, bytes]:
    """The three output files of a benchmark, as bytes by file name.

    Parameters
    ----------
    frame : DataFrame
        The result of :func:`run_benchmark`.

    Returns
    -------
    dict of str to bytes
        ``results.csv`` (one row per run), ``results.md`` (:func:`results_markdown`) and
        ``f1_vs_noise.png`` (mean F1 against the requested noise rate, one panel per
        noise kind, one line per method; needs matplotlib).
    """
    frame = _check_frame(frame)
    return {
        "results.csv": frame.to_csv(index=False, float_format="%.6g").encode("utf-8"),
        "results.md": results_markdown(frame).encode("utf-8"),
        "f1_vs_noise.png": _plot_png(frame),
    }


def write_results(frame: pd.DataFrame, out_dir: str | Path) -> BenchFiles:
    """Write results.csv, results.md and f1_vs_noise.png into ``out_dir``.

    Each file is written to a temporary file and moved into place (``os.replace``), so a
    reader never sees half a file; existing files are replaced. The plot needs
    matplotlib (the ``report`` extra), imported only here.

    Parameters
    ----------
    frame : DataFrame
        The result of :func:`run_benchmark`: one row per run.
    out_dir : str or Path
        Folder, created if missing.

    Returns
    -------
    BenchFiles
        The three paths.
    """
    frame = _check_frame(frame)
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise InputError("out_dir", f"{str(folder)!r} is a file; give a folder.")
    rendered = render_results(frame)
    for name, payload in rendered.items():
        write_atomic(folder / name, partial(_put, payload))
    return BenchFiles(folder / "results.csv", folder / "results.md", folder / "f1_vs_noise.png")
