"""``labelnoise consensus``: consensus labels and annotator quality from a table of labels."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import click
import numpy as np
import pandas as pd

from labelnoise.annotators import METHODS, Consensus, ConsensusMethod, consensus
from labelnoise.cli._console import literal, make_console
from labelnoise.cli._errors import BadInput, translated
from labelnoise.cli._inputs import IN_FILE, debug_option, force_option
from labelnoise.cli._io import read_frame, read_pred_probs
from labelnoise.cli._output import csv_text, write_atomic

__all__ = ["OUTPUTS", "consensus_command"]

#: The files written into --out.
OUTPUTS = ("consensus.csv", "annotators.csv", "consensus.html")


def _claim_folder(out: Path, *, force: bool, inputs: tuple[Path, ...]) -> list[Path]:
    """Check --out before any work: a folder (made if missing) whose outputs may be written."""
    if out.exists() and not out.is_dir():
        raise BadInput(f"--out {out} is a file; give a folder for {', '.join(OUTPUTS)}.")
    paths = [out / name for name in OUTPUTS]
    sources = {p.resolve() for p in inputs}
    for path in paths:
        if path.resolve() in sources:
            raise BadInput(f"--out {out} would overwrite the input {path}; choose another folder.")
        if path.exists() and not force:
            raise BadInput(f"--out {out}: {path.name} already exists; pass --force to overwrite.")
    return paths


def _check_columns(frame: Any, annotations: Path, columns: dict[str, str]) -> None:
    """Every column named by --example/--annotator/--label is in the table."""
    for option, column in columns.items():
        if column not in frame.columns:
            have = ", ".join(repr(str(c)) for c in list(frame.columns)[:8])
            more = ", ..." if frame.shape[1] > 8 else ""
            raise BadInput(
                f"ANNOTATIONS {annotations} has no column {column!r} for {option} (columns: "
                f"{have}{more}); name the example, annotator and label columns with "
                "--example, --annotator and --label."
            )


def _check_rows(ids: Any, n_rows: int, annotations: Path, pred_probs: Path, option: str) -> None:
    """Row i of --pred-probs is example i: the example column must hold those row numbers."""
    fix = (
        f"row i of --pred-probs is the example whose {option} value is i, so that column "
        f"must hold the row numbers 0..{n_rows - 1}"
    )
    values = ids.to_numpy()
    if values.dtype.kind not in "iu":
        shown = ", ".join(repr(v) for v in list(dict.fromkeys(values.tolist()))[:3])
        raise BadInput(
            f"ANNOTATIONS {annotations}: {fix}; it holds {shown}, ... instead. Map the example "
            f"ids to the rows of {pred_probs} first."
        )
    present = np.unique(values)
    if present[0] < 0 or present[-1] >= n_rows:
        raise BadInput(
            f"ANNOTATIONS {annotations} names examples {present[0]}..{present[-1]} "
            f"({present.size} distinct) but --pred-probs {pred_probs} has {n_rows} rows; "
            f"{fix}. Pass the pred_probs of these examples, or map the ids to its rows."
        )
    if present.size < n_rows:
        raise BadInput(
            f"--pred-probs {pred_probs} has {n_rows} rows but ANNOTATIONS {annotations} "
            f"labels only {present.size} of them ({fix}); every example needs a label, so "
            "drop the rows without one from the pred_probs."
        )


def _header_names(frame: Any, label: str, header: list[str], pred_probs: Path) -> Any:
    """Integer labels with a --pred-probs header: column indices, named by the header."""
    values = frame[label]
    if not pd.api.types.is_integer_dtype(values):
        return frame  # names (checked against the header by the library) or missing values
    digits = [name for name in header if name.strip().isdigit()]
    if digits:
        raise BadInput(
            f"--label {label!r} holds integers and the --pred-probs {pred_probs} header names "
            f"a column {digits[0]!r}: an integer label could be a column index or that name; "
            "pass --classes A,B,... to name the columns."
        )
    bad = values[(values < 0) | (values >= len(header))]
    if len(bad):
        raise BadInput(
            f"--label {label!r} holds {bad.iloc[0]}, not a column index 0..{len(header) - 1} of "
            f"--pred-probs {pred_probs} (columns {', '.join(header)}); map the labels to the "
            "pred_probs columns, or write them as the header's names."
        )
    return frame.assign(**{label: np.asarray(header, dtype=object)[values.to_numpy()]})


def _classes(text: str | None, header: list[str] | None) -> list[str] | None:
    if text:
        return [c.strip() for c in text.split(",")]
    return header


def _html(result: Consensus) -> str:
    try:
        from labelnoise.report._consensus import render_consensus
    except ImportError as exc:  # jinja2 or matplotlib missing
        raise BadInput(
            f"the HTML report needs the report extra ({exc}); pip install 'labelnoise[report]'."
        ) from exc
    return render_consensus(result)


def _annotators_frame(result: Consensus) -> Any:
    frame = result.annotators  # already a copy
    diagonal = np.diagonal(result.confusion, axis1=1, axis2=2)
    for position, name in enumerate(result.classes.tolist()):
        frame[f"accuracy_on_{name}"] = diagonal[:, position]
    return frame


@click.command("consensus")
@click.argument("annotations", type=IN_FILE)
@click.option(
    "--example",
    default="example",
    show_default=True,
    help="Column of example ids; with --pred-probs, the row numbers 0..n-1 of that file.",
)
@click.option("--annotator", default="annotator", show_default=True, help="Column of annotators.")
@click.option("--label", default="label", show_default=True, help="Column of the labels.")
@click.option(
    "--pred-probs",
    "pred_probs_path",
    type=IN_FILE,
    help="Out-of-sample predicted probabilities (.npy or a table, one column per class); "
    "row i belongs to the example whose --example value is i, so that column must hold "
    "the row numbers 0..n-1 of this file, each labelled at least once.",
)
@click.option(
    "--classes",
    metavar="A,B,...",
    help="Comma-separated class names, one per pred_probs column, when labels are names "
    "(default: the --pred-probs header, if it has one; integer labels are then column "
    "indices). Without --pred-probs, names define the classes in sorted order.",
)
@click.option(
    "--method",
    type=click.Choice(["auto", *METHODS]),
    default="auto",
    show_default=True,
    help="auto: 'model' with --pred-probs, else 'dawid_skene'.",
)
@click.option(
    "--out",
    "-o",
    type=click.Path(file_okay=True, path_type=Path),
    required=True,
    help="Folder for consensus.csv (one row per example), annotators.csv (one row per "
    "annotator) and consensus.html (annotator quality plot, hardest examples).",
)
@force_option
@debug_option
def consensus_command(
    annotations: Path,
    example: str,
    annotator: str,
    label: str,
    pred_probs_path: Path | None,
    classes: str | None,
    method: str,
    out: Path,
    force: bool,
) -> None:
    """Consensus labels, their quality and annotator quality from a long table of labels.

    ANNOTATIONS is a .csv, .tsv or .parquet table with one row per label given: which
    example, which annotator, which label (column names set by --example, --annotator,
    --label). With --pred-probs, row i of that file is the example whose id is i, so the
    example ids must be the row numbers 0..n-1.

    \b
    Examples:
      labelnoise consensus labels.csv --out consensus/
      labelnoise consensus labels.csv --example image --annotator worker --label answer \\
          --pred-probs pred_probs.npy --out consensus/
    """
    given = tuple(p for p in (annotations, pred_probs_path) if p is not None)
    paths = _claim_folder(out, force=force, inputs=given)
    frame = read_frame(annotations, option="ANNOTATIONS")
    columns = {"--example": example, "--annotator": annotator, "--label": label}
    _check_columns(frame, annotations, columns)
    pred_probs, header = (None, None)
    if pred_probs_path is not None:
        pred_probs, header = read_pred_probs(pred_probs_path)
        if header is not None and not classes:
            frame = _header_names(frame, label, header, pred_probs_path)
        if not frame[example].isna().any():  # else the library names the missing values
            _check_rows(frame[example], len(pred_probs), annotations, pred_probs_path, "--example")
    sources = {
        "annotations": f"ANNOTATIONS {annotations}",
        "pred_probs": f"--pred-probs {pred_probs_path}",
        "classes": "--classes",
    }
    with translated(sources):
        result = consensus(
            frame,
            pred_probs,
            method=cast(ConsensusMethod, method),
            classes=_classes(classes, header),
            columns=(example, annotator, label),
        )
    texts = (csv_text(result.to_frame()), csv_text(_annotators_frame(result)), _html(result))
    for path, text in zip(paths, texts, strict=True):
        write_atomic(path, text, force=force)
    console = make_console()
    changed = float(np.mean(result.agreement < 1.0))
    console.print(
        f"Consensus of {len(result.annotators):,} annotators on {len(result):,} examples "
        f"(method {result.method}); the consensus differs from some annotator on {changed:.1%} "
        "of examples."
    )
    if pred_probs_path is not None:
        console.print(
            f"Row i of {literal(pred_probs_path)} was taken as the example numbered i; "
            f"model weight {result.model_weight:.2f}."
        )
    console.print(f"Wrote {', '.join(OUTPUTS)} to [bold]{literal(out)}[/].")
