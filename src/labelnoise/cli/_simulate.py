"""``labelnoise simulate``: corrupt a label file with known, exactly-sized label noise."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import click
import numpy as np
import pandas as pd
from rich.table import Table
from rich.text import Text

from labelnoise.cli._console import literal, make_console
from labelnoise.cli._errors import BadInput, translated
from labelnoise.cli._inputs import IN_FILE, debug_option, force_option, no_header_option
from labelnoise.cli._io import (
    _pick_column,
    _read_npy,
    check_rows,
    is_delimited,
    read_frame,
    read_labels,
    read_pred_probs,
)
from labelnoise.cli._output import claim_output, csv_text, write_atomic
from labelnoise.datasets import CIFAR10_CLASSES
from labelnoise.simulate import (
    HumanSource,
    SimulatedNoise,
    from_transition_matrix,
    human_noise,
    instance_dependent,
    pairflip,
    random_transition_matrix,
    symmetric,
)

__all__ = ["simulate"]

KINDS = ("symmetric", "pairflip", "matrix", "instance", "human")
SOURCES = ("worst", "aggregate", "random1", "random2", "random3")
TABLES = {".csv": ",", ".tsv": "\t", ".txt": ","}
PARQUET = (".parquet", ".pq")
#: Classes shown in the printed transition matrix.
MAX_SHOWN_CLASSES = 12


@dataclass(frozen=True, eq=False)
class _Labels:
    """The label file: its table (None for .npy), the label column and the codes."""

    frame: pd.DataFrame | None
    column: str
    values: np.ndarray
    codes: np.ndarray
    names: np.ndarray | None  # class of each code, when labels are not integer codes


def _encode(values: np.ndarray, kind: str) -> tuple[np.ndarray, np.ndarray | None]:
    """Integer codes as they are; names coded in sorted order (CIFAR-10's for human)."""
    if values.dtype.kind in "iu":
        return values.astype(np.int64), None
    text = values.astype(str)
    names = np.unique(text)
    if kind == "human":
        unknown = sorted(set(names.tolist()) - set(CIFAR10_CLASSES))
        if unknown:
            raise BadInput(
                f"--kind human imitates CIFAR-10 annotators: labels must be codes 0..9 or "
                f"CIFAR-10 class names ({', '.join(CIFAR10_CLASSES[:3])}, ...), got "
                f"{unknown[0]!r}."
            )
        lookup = {name: i for i, name in enumerate(CIFAR10_CLASSES)}
        return np.array([lookup[v] for v in text], dtype=np.int64), np.array(CIFAR10_CLASSES)
    return np.searchsorted(names, text).astype(np.int64), names


def _read(path: Path, column: str | None, kind: str, *, header: bool) -> _Labels:
    if path.suffix.lower() == ".npy":
        values = read_labels(path, column=column)
        codes, names = _encode(values, kind)
        return _Labels(None, column or "label", values, codes, names)
    formats = ".npy, .csv, .tsv or .parquet"
    frame = read_frame(path, option="--labels", formats=formats, header=header)
    series = _pick_column(frame, column, option="--labels", path=path)
    if series.isna().any():
        raise BadInput(
            f"--labels {path} column {series.name!r}: {int(series.isna().sum())} empty "
            "label(s); fill them in or drop those rows."
        )
    codes, names = _encode(series.to_numpy(), kind)
    return _Labels(frame, str(series.name), series.to_numpy(), codes, names)


def _features(path: Path, *, header: bool) -> np.ndarray:
    if path.suffix.lower() == ".npy":
        values = _read_npy(path, option="--features")
    else:
        values, _ = read_pred_probs(path, option="--features", header=header)
    if values.ndim < 2 or values.dtype.kind not in "fiu":
        raise BadInput(
            f"--features {path}: expected numbers of shape (n, d), one row per label, got "
            f"{values.dtype} of shape {values.shape}."
        )
    return values


def _matrix(path: Path, *, header: bool) -> np.ndarray:
    """The K x K transition matrix; a CSV one row short (or long) is a header mix-up."""
    matrix, _ = read_pred_probs(path, option="--matrix", header=header)
    if matrix.ndim == 2 and is_delimited(path) and matrix.shape[0] - matrix.shape[1] in (-1, 1):
        rows, cols = matrix.shape
        fix = (
            "its first line was read as the header; if it has none, pass --no-header"
            if header
            else "with --no-header its first line is data; if it is a header, drop --no-header"
        )
        raise BadInput(
            f"--matrix {path} has {rows} rows and {cols} columns, one row "
            f"{'fewer' if rows < cols else 'more'} than a square matrix: {fix}."
        )
    return matrix


def _check_options(
    kind: str, rate: float | None, matrix: Path | None, features: Path | None
) -> None:
    if kind == "human":
        if rate is not None:
            raise BadInput(
                "--noise-rate does not apply to --kind human (the CIFAR-10N --source sets "
                "the rate); drop it."
            )
    elif rate is None and not (kind == "matrix" and matrix is not None):
        hint = " or give --matrix" if kind == "matrix" else ""
        raise BadInput(f"--kind {kind} needs --noise-rate (a fraction such as 0.2){hint}.")
    if matrix is not None and kind != "matrix":
        raise BadInput(f"--matrix only applies to --kind matrix, not --kind {kind}; drop it.")
    if matrix is not None and rate is not None:
        raise BadInput("--matrix sets the noise itself; drop --noise-rate (or --matrix).")
    if kind == "instance" and features is None:
        raise BadInput("--kind instance needs --features (one row of numbers per label).")
    if features is not None and kind != "instance":
        raise BadInput(f"--features only applies to --kind instance, not --kind {kind}; drop it.")


def _n_classes(labels: _Labels) -> int:
    if labels.names is not None:
        return len(labels.names)
    return max(2, int(labels.codes.max()) + 1 if labels.codes.size else 2)


def _simulate(labels: _Labels, kind: str, options: dict[str, Any]) -> SimulatedNoise:
    codes, seed, rate = labels.codes, options["seed"], options["rate"]
    k = _n_classes(labels)
    if kind == "symmetric":
        return symmetric(codes, noise_rate=rate, n_classes=k, random_state=seed)
    if kind == "pairflip":
        return pairflip(codes, noise_rate=rate, n_classes=k, random_state=seed)
    if kind == "instance":
        return instance_dependent(
            options["features"], codes, noise_rate=rate, n_classes=k, random_state=seed
        )
    if kind == "human":
        source = cast(HumanSource, f"cifar10n_{options['source']}")
        return human_noise(codes, source=source, random_state=seed)
    rng = np.random.default_rng(seed)
    if options["matrix"] is None:
        prior = np.bincount(codes, minlength=k) / codes.shape[0]
        T = random_transition_matrix(k, noise_rate=rate, prior=prior, random_state=rng)
    else:
        T = options["matrix"]
    return from_transition_matrix(codes, T, random_state=rng)


def _payload(out: Path, labels: _Labels, noisy: SimulatedNoise) -> bytes:
    values = noisy.labels if labels.names is None else labels.names[noisy.labels]
    suffix = out.suffix.lower()
    if suffix == ".npy":
        buffer = io.BytesIO()
        np.save(buffer, np.asarray(values), allow_pickle=False)
        return buffer.getvalue()
    frame = labels.frame.copy() if labels.frame is not None else pd.DataFrame()
    frame[labels.column] = values
    frame["is_flipped"] = np.asarray(noisy.is_flipped)
    if suffix in PARQUET:
        buffer = io.BytesIO()
        try:
            frame.to_parquet(buffer, index=False)
        except ImportError as error:
            raise BadInput(
                f"--out {out}: writing Parquet needs pyarrow; install it with pip install "
                "'labelnoise[parquet]' or write .csv."
            ) from error
        return buffer.getvalue()
    return csv_text(frame, sep=TABLES[suffix]).encode("utf-8")


def _matrix_table(noisy: SimulatedNoise, names: list[str]) -> Table:
    k = noisy.n_classes
    shown = min(k, MAX_SHOWN_CLASSES)
    title = "Realised transition matrix P(noisy = column | true = row), in %"
    if shown < k:
        title += f" (first {shown} of {k} classes)"
    table = Table(title=title, title_justify="left")
    table.add_column("true \\ noisy")
    for name in names[:shown]:
        table.add_column(Text(name), justify="right")  # names are data: never markup
    for i in range(shown):
        row = noisy.transition_matrix[i, :shown]
        table.add_row(Text(names[i]), *(f"{100 * value:.1f}" for value in row))
    return table


@click.command()
@click.option(
    "--labels",
    "labels_path",
    required=True,
    type=IN_FILE,
    help="True labels: .npy, or a .csv/.tsv/.parquet column (see --label-column).",
)
@click.option("--label-column", metavar="COL", help="Column of a table that holds the labels.")
@click.option("--kind", required=True, type=click.Choice(KINDS), help="Which noise to add.")
@click.option(
    "--noise-rate",
    type=click.FloatRange(0, 1),
    help="Fraction of labels to change (not for human; for matrix: a random T).",
)
@click.option(
    "--matrix",
    "matrix_path",
    type=IN_FILE,
    help="--kind matrix: K x K transition matrix P(noisy = j | true = k), .npy or CSV.",
)
@click.option(
    "--features",
    "features_path",
    type=IN_FILE,
    help="--kind instance: one row of numbers per label (.npy or CSV), ideally standardized.",
)
@click.option(
    "--source",
    type=click.Choice(SOURCES),
    default="worst",
    show_default=True,
    help="--kind human: which CIFAR-10N label set to imitate (10 classes).",
)
@click.option("--seed", required=True, type=click.IntRange(min=0), help="Random seed.")
@click.option(
    "--out",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Noisy labels: .npy (labels only), or .csv/.tsv/.parquet (the table with the "
    "label column replaced and an is_flipped column added, always with a header line). "
    "In CSV/TSV, text cells a spreadsheet would run as a formula (starting with = + - @, "
    "tab or CR) get a leading '.",
)
@no_header_option
@force_option
@debug_option
def simulate(
    labels_path: Path,
    label_column: str | None,
    kind: str,
    noise_rate: float | None,
    matrix_path: Path | None,
    features_path: Path | None,
    source: str,
    seed: int,
    out: Path,
    no_header: bool,
    force: bool,
) -> None:
    """Add label noise of a known kind and exact size to a label file.

    Exactly round(rate x n) labels change (up to one per class), and the realised noise
    rate and transition matrix are printed. Integer labels are class codes 0..K-1;
    other labels are coded in sorted order (CIFAR-10 order for --kind human). The first
    line of a CSV/TSV input is its header (pass --no-header if it has none).

    \b
    Examples:
      labelnoise simulate --labels y.npy --kind symmetric --noise-rate 0.2 --seed 0 --out noisy.npy
      labelnoise simulate --labels data.csv --label-column species --kind pairflip \\
          --noise-rate 0.3 --seed 1 --out noisy.csv
    """
    suffix = out.suffix.lower()
    if suffix not in (".npy", *TABLES, *PARQUET):
        raise BadInput(
            f"--out {out}: unsupported file type {suffix or '(none)'!r}; use .npy, .csv, "
            ".tsv or .parquet."
        )
    _check_options(kind, noise_rate, matrix_path, features_path)
    inputs = tuple(p for p in (labels_path, matrix_path, features_path) if p is not None)
    claim_output(out, option="--out", force=force, inputs=inputs)
    header = not no_header
    labels = _read(labels_path, label_column, kind, header=header)
    sources = {
        "labels": f"--labels {labels_path}",
        "noise_rate": "--noise-rate",
        "T": f"--matrix {matrix_path}",
        "features": f"--features {features_path}",
        "random_state": "--seed",
    }
    options: dict[str, Any] = {"seed": seed, "rate": noise_rate, "source": source, "matrix": None}
    if matrix_path is not None:
        options["matrix"] = _matrix(matrix_path, header=header)
        k, needed = options["matrix"].shape[0], _n_classes(labels)
        if labels.codes.size and needed > k:
            raise BadInput(
                f"--matrix {matrix_path} has {k} rows but --labels {labels_path} has "
                f"{needed} classes; give one row and one column per class."
            )
    if features_path is not None:
        options["features"] = _features(features_path, header=header)
        check_rows(
            ("--labels", labels_path, labels.codes.shape[0]),
            ("--features", features_path, options["features"].shape[0]),
            header=header,
        )
    with translated(sources):
        noisy = _simulate(labels, kind, options)
    write_atomic(out, _payload(out, labels, noisy), force=force)
    names = [str(n) for n in labels.names] if labels.names is not None else None
    if names is None and kind == "human":
        names = list(CIFAR10_CLASSES)
    console = make_console()
    n = noisy.labels.shape[0]
    console.print(
        f"Changed [bold]{int(noisy.is_flipped.sum()):,}[/] of {n:,} labels: realised noise "
        f"rate [bold]{100 * noisy.noise_rate:.2f}%[/] (--kind {kind}, --seed {seed})."
    )
    console.print(_matrix_table(noisy, names or [str(i) for i in range(noisy.n_classes)]))
    console.print(f"Wrote [bold]{literal(out)}[/].")
