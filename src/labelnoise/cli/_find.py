"""``labelnoise find``: flag label issues from labels and pred_probs files."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import click
import numpy as np

from labelnoise.cli._console import literal, make_console, print_summary, progress_bar
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
from labelnoise.cli._output import claim_output, csv_text, write_atomic
from labelnoise.detect import FilterMethod, LabelIssues, find_label_issues
from labelnoise.noise import NoiseEstimate, estimate_noise

__all__ = ["detect", "find"]

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
    if method in FEATURE_METHODS[1:] and inputs.features is None:
        raise BadInput(f"--method {method} needs --features (embeddings, one row per example).")
    pred_probs: np.ndarray | None = inputs.pred_probs
    classes = inputs.classes
    if method == "knn":  # neighbour votes only; pred_probs still give the classes
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
    """
    console = make_console()
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
