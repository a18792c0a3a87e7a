"""``labelnoise find``: flag label issues from labels and pred_probs files."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast, get_args

import click
import numpy as np
import pandas as pd

from labelnoise.cli._console import (
    literal,
    make_console,
    print_summary,
    print_tag_summary,
    progress_bar,
)
from labelnoise.cli._errors import BadInput, translated
from labelnoise.cli._inputs import (
    FEATURE_METHODS,
    Inputs,
    debug_option,
    force_option,
    issues_frame,
    load_inputs,
    problem_options,
)
from labelnoise.cli._io import (
    _DELIMITED,
    _pick_column,
    _reading,
    check_rows,
    is_delimited,
    read_frame,
    read_pred_probs,
)
from labelnoise.cli._output import claim_output, csv_text, write_atomic
from labelnoise.detect import METHODS, FilterMethod, LabelIssues, find_label_issues
from labelnoise.noise import NoiseEstimate, estimate_noise

__all__ = [
    "TagInputs",
    "check_multilabel_options",
    "detect",
    "find",
    "find_tag_issues",
    "read_tag_inputs",
]

OUT_FILE = click.Path(dir_okay=False, path_type=Path)


def detect(inputs: Inputs, *, method: str, normalize: bool) -> tuple[LabelIssues, NoiseEstimate]:
    """Run ``find_label_issues`` and ``estimate_noise``, naming the input files in errors.

    Parameters
    ----------
    inputs : Inputs
    method : str
        Detection method.
    normalize : bool
        Divide pred_probs rows by their sums first.

    Returns
    -------
    issues : LabelIssues
    noise : NoiseEstimate
    """
    if inputs.features is not None and method not in FEATURE_METHODS:
        raise BadInput(
            f"--features is not used by --method {method}; use --method "
            f"{' or '.join(FEATURE_METHODS)}, or drop --features."
        )
    spec = METHODS.get(method)
    if spec is not None and spec.features == "required" and inputs.features is None:
        raise BadInput(f"--method {method} needs --features (embeddings, one row per example).")
    pred_probs: np.ndarray | None = inputs.pred_probs
    classes = inputs.classes
    if spec is not None and spec.pred_probs == "unused":  # pred_probs still give the classes
        pred_probs = None
        classes = classes or list(range(inputs.pred_probs.shape[1]))
    with translated(inputs.sources):
        issues = find_label_issues(
            inputs.labels,
            pred_probs,
            features=inputs.features,
            method=cast(FilterMethod, method),
            classes=classes,
            normalize=normalize,
        )
        noise = estimate_noise(
            inputs.labels, inputs.pred_probs, classes=inputs.classes, normalize=normalize
        )
    return issues, noise


@click.command()
@problem_options
@click.option(
    "--out",
    "-o",
    type=OUT_FILE,
    default=Path("issues.csv"),
    show_default=True,
    help="CSV with one row per flagged example: index, given_label, suggested_label, "
    "label_quality (worst first). Text cells that a spreadsheet would run as a formula "
    "(starting with = + - @, tab or CR) get a leading ' (numbers are left as they are).",
)
@click.option(
    "--multilabel",
    is_flag=True,
    help="Multi-label data: each labels cell lists an example's tags separated by ';' "
    "(empty: no tag), pred_probs holds one independent probability per tag. --out then "
    "lists index, given_labels, suggested_labels, missing_tags, wrong_tags, label_quality.",
)
@force_option
@debug_option
def find(
    labels_path: Path,
    pred_probs_path: Path,
    label_column: str | None,
    classes: str | None,
    method: str,
    normalize: bool,
    features_path: Path | None,
    no_header: bool,
    out: Path,
    multilabel: bool,
    force: bool,
) -> None:
    """Find examples whose given label is likely wrong.

    Reads given labels and out-of-sample predicted probabilities (one column per class),
    prints how many examples look mislabelled, the estimated noise rate and the worst
    classes, and writes the flagged rows to --out.

    The first line of a .csv/.tsv input is its header (pandas' rule), never data; pass
    --no-header for files without one.

    \b
    Examples:
      labelnoise find --labels labels.npy --pred-probs pred_probs.npy --out issues.csv
      labelnoise find --labels y.npy --pred-probs p.npy --features emb.npy --method auto
      labelnoise find --multilabel --labels tags.csv --pred-probs p.csv --out issues.csv
    """
    console = make_console()
    if multilabel:
        check_multilabel_options(method, normalize, features_path, labels_path)
        claim_output(out, option="--out", force=force, inputs=(labels_path, pred_probs_path))
        tag_inputs = read_tag_inputs(
            labels_path,
            pred_probs_path,
            label_column=label_column,
            classes=classes,
            header=not no_header,
        )
        issues = find_tag_issues(tag_inputs, method=method)
        write_atomic(out, csv_text(_multilabel_frame(issues)), force=force)
        print_tag_summary(console, issues)
        console.print(f"Wrote {len(issues):,} flagged rows to [bold]{literal(out)}[/].")
        return
    given = tuple(p for p in (labels_path, pred_probs_path, features_path) if p is not None)
    claim_output(out, option="--out", force=force, inputs=given)
    with progress_bar(console, "Reading inputs", 3) as advance:
        inputs = load_inputs(
            labels_path,
            pred_probs_path,
            label_column=label_column,
            classes=classes,
            features_path=features_path,
            header=not no_header,
        )
        advance("Finding label issues")
        issues, noise = detect(inputs, method=method, normalize=normalize)
        advance(f"Writing {out}")
        write_atomic(out, csv_text(issues_frame(issues)), force=force)
        advance()
    print_summary(console, issues, noise)
    console.print(f"Wrote {len(issues):,} flagged rows to [bold]{literal(out)}[/].")


def check_multilabel_options(
    method: str, normalize: bool, features_path: Path | None, labels_path: Path
) -> None:
    from labelnoise.multilabel import MultilabelMethod

    if method not in get_args(MultilabelMethod):
        raise BadInput(
            f"--method {method} does not apply to --multilabel; use one of "
            f"{', '.join(get_args(MultilabelMethod))}."
        )
    if normalize:
        raise BadInput(
            "--normalize does not apply to --multilabel: each tag's probability stands on "
            "its own and rows need not sum to 1; drop --normalize."
        )
    if features_path is not None:
        raise BadInput("--features is not used with --multilabel; drop --features.")
    if labels_path.suffix.lower() == ".npy":
        raise BadInput(
            f"--labels {labels_path}: --multilabel reads tags from a .csv, .tsv or .parquet "
            "column of ';'-separated tags, not .npy."
        )


def _tag(value: str, row: int, names: list[str] | None, labels_path: Path) -> Any:
    """One tag: a name (when the tags have names) or a column index."""
    if names is not None:
        return value
    try:
        return int(value)
    except ValueError:
        raise BadInput(
            f"--labels {labels_path}: row {row} has tag {value!r}, but without --classes "
            "or a pred_probs header naming the tags, tags must be column indices 0..K-1; "
            "pass --classes A,B,... or give pred_probs a header."
        ) from None


def _all_indices(tags: list[list[Any]]) -> bool:
    """Whether every tag is written as a non-negative integer (and there is one)."""
    flat = [t for row in tags for t in row]
    return bool(flat) and all(str(t).isdigit() for t in flat)


def _cell_tags(cell: Any, row: int, names: list[str] | None, labels_path: Path) -> list[Any]:
    """The tags of one labels cell: ``'a;b'`` (or a list) -> ``['a', 'b']``; empty -> ``[]``."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return []
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)  # a Parquet column of single indices with empty cells is float
    if isinstance(cell, list | tuple | np.ndarray):  # a Parquet list column
        parts = [str(part).strip() for part in cell]
    else:
        parts = [part.strip() for part in str(cell).split(";")]
    return [_tag(part, row, names, labels_path) for part in parts if part]


def _read_tag_cells(path: Path, *, column: str | None, header: bool) -> np.ndarray:
    """The labels column as raw cells: text exactly as written for CSV/TSV.

    :func:`read_frame` checks the file and its header; a delimited file is then read
    again as text with no NA parsing, so that a tag written ``NA``, ``None`` or ``null``
    stays a tag instead of becoming an empty tag set, and a blank line in a one-column
    file is an example without tags rather than no example.
    """
    frame = read_frame(path, option="--labels", header=header)
    cells = _pick_column(frame, column, option="--labels", path=path)
    if not is_delimited(path):
        return cells.to_numpy(dtype=object)
    with _reading("--labels", path):
        text = pd.read_csv(
            path,
            sep=_DELIMITED[path.suffix.lower()],
            header=0 if header else None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,  # in a one-column file a blank line is an empty tag set
        )
    if not header:
        text.columns = [str(c) for c in text.columns]  # "0", "1", ... as read_frame names them
    return _pick_column(text, column, option="--labels", path=path).to_numpy(dtype=object)


def _check_index_names(tags: list[list[Any]], names: list[str], pred_probs_path: Path) -> None:
    """Digit tags with a header that also names columns by digits: two readings, refuse."""
    used = {t for row in tags for t in row}
    clash = sorted(t for t in used if t in names and names.index(t) != int(t))
    if clash:
        raise BadInput(
            f"--labels: tag {clash[0]!r} is both a column index and the name of column "
            f"{names.index(clash[0])} in the --pred-probs {pred_probs_path} header; write "
            "the tags by their header names, or pass --classes to name the columns."
        )


@dataclass(frozen=True, eq=False)
class TagInputs:
    """What ``--multilabel`` reads: tags, per-tag probabilities, tag names, and where each
    library argument came from (for error messages)."""

    tags: list[list[Any]]
    pred_probs: np.ndarray
    names: list[str] | None
    sources: dict[str, str]


def read_tag_inputs(
    labels_path: Path,
    pred_probs_path: Path,
    *,
    label_column: str | None,
    classes: str | None,
    header: bool,
) -> TagInputs:
    """Read ';'-separated tags and per-tag probabilities, as ``find --multilabel`` does."""
    cells = _read_tag_cells(labels_path, column=label_column, header=header)
    pred_probs, header_names = read_pred_probs(pred_probs_path, header=header)
    names = [c.strip() for c in classes.split(",")] if classes else header_names
    rows = pred_probs.shape[0] if pred_probs.ndim else 0
    if pred_probs.ndim != 2 or cells.shape[0] != rows:
        check_rows(
            ("--labels", labels_path, cells.shape[0]),
            ("--pred-probs", pred_probs_path, rows),
            header=header,
        )
        raise BadInput(
            f"--labels {labels_path} has {cells.shape[0]} rows but --pred-probs "
            f"{pred_probs_path} has {rows}; give one row per example in both."
        )
    tags = [_cell_tags(cell, i, names, labels_path) for i, cell in enumerate(cells)]
    if not classes and names is not None and _all_indices(tags):
        # integer tags with a header naming the columns: column indices, shown by name
        _check_index_names(tags, names, pred_probs_path)
        tags = [[_tag(t, i, None, labels_path) for t in row] for i, row in enumerate(tags)]
        names = None if any(t >= len(header_names or []) for r in tags for t in r) else names
        tags = tags if names is None else [[names[t] for t in row] for row in tags]
    sources = {
        "labels": f"--labels {labels_path}",
        "pred_probs": f"--pred-probs {pred_probs_path}",
        "classes": "--classes" if classes else f"--pred-probs {pred_probs_path} (header)",
    }
    return TagInputs(tags=tags, pred_probs=pred_probs, names=names, sources=sources)


def find_tag_issues(inputs: TagInputs, *, method: str) -> Any:
    """``multilabel.find_label_issues`` on what :func:`read_tag_inputs` read."""
    from labelnoise.multilabel import MultilabelMethod, find_label_issues

    with translated(inputs.sources):
        return find_label_issues(
            inputs.tags,
            inputs.pred_probs,
            method=cast(MultilabelMethod, method),
            classes=inputs.names,
        )


def _multilabel_frame(issues: Any) -> pd.DataFrame:
    """One row per flagged example, worst first, tags joined by ';'."""
    frame = issues.to_frame().iloc[issues.indices]
    frame.insert(0, "index", issues.indices)
    columns = ["index", "given_labels", "suggested_labels", "missing_tags", "wrong_tags"]
    return frame[[*columns, "label_quality"]].reset_index(drop=True)
