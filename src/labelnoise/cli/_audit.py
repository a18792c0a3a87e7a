"""``labelnoise audit``: cross-validate a default model on a table, then report label issues."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, get_args

import click
import numpy as np
import pandas as pd

from labelnoise.cli._console import literal, make_console, print_summary, progress_bar
from labelnoise.cli._errors import BadInput, one_line
from labelnoise.cli._find import detect
from labelnoise.cli._inputs import (
    IN_FILE,
    Inputs,
    debug_option,
    force_option,
    issues_frame,
    no_header_option,
)
from labelnoise.cli._io import read_frame
from labelnoise.cli._models import MODELS, Design, build_model, cross_val_pred_probs, design
from labelnoise.cli._output import claim_output, csv_text, write_atomic
from labelnoise.detect import FilterMethod, LabelIssues
from labelnoise.noise import NoiseEstimate

if TYPE_CHECKING:
    from sklearn.base import BaseEstimator

__all__ = ["ReportFailed", "audit"]

#: Exit status when issues.csv was written but the report could not be.
EXIT_REPORT_FAILED = 1


class ReportFailed(click.ClickException):
    """The report step of ``audit`` failed after issues.csv was written."""

    exit_code = EXIT_REPORT_FAILED


def _columns(
    frame: pd.DataFrame, data: Path, label: str, features: str | None, text: str | None
) -> list[str]:
    """Check the named columns exist; return the feature columns."""
    listed = ", ".join(map(str, frame.columns[:15])) + (", ..." if frame.shape[1] > 15 else "")
    wanted = [c.strip() for c in features.split(",") if c.strip()] if features else None
    for option, names in (
        ("--label", [label]),
        ("--text", [text] if text else []),
        ("--features", wanted or []),
    ):
        missing = [name for name in names if name not in frame.columns]
        if missing:
            raise BadInput(
                f"{option}: DATA {data} has no column {missing[0]!r}; its columns are: {listed}."
            )
    if wanted is None:
        wanted = [] if text else [c for c in frame.columns if c != label]
    if label in wanted or (text is not None and text in wanted):
        raise BadInput("--features must not include the --label or --text column.")
    if not wanted and text is None:
        raise BadInput(
            f"DATA {data} has no feature columns besides {label!r}; add columns, name them "
            "with --features, or give a text column with --text."
        )
    return wanted


def _targets(values: pd.Series, data: Path, cv: int) -> tuple[np.ndarray, np.ndarray]:
    """Class names and label codes; every class needs at least ``cv`` rows."""
    missing = values.isna().to_numpy()
    if missing.any():
        raise BadInput(
            f"--label {values.name!r} of {data}: {int(missing.sum())} empty label(s), the "
            f"first in row {int(np.flatnonzero(missing)[0])}; fill them in or drop those rows."
        )
    classes, codes = np.unique(values.to_numpy(), return_inverse=True)
    counts = np.bincount(codes, minlength=classes.shape[0])
    if classes.shape[0] < 2:
        raise BadInput(f"--label {values.name!r} of {data} has only one class; need two or more.")
    rare = int(np.argmin(counts))
    if counts[rare] < cv:
        raise BadInput(
            f"--label {values.name!r} of {data}: class {classes[rare].item()!r} has only "
            f"{counts[rare]} row(s), fewer than --cv {cv}; lower --cv to "
            f"{max(2, int(counts[rare]))} or drop that class."
        )
    return classes, codes.reshape(-1)


def _model(name: str, data: Design) -> BaseEstimator:
    if name == "hist-gradient-boosting" and data.text is not None:
        raise BadInput(
            "--model hist-gradient-boosting does not read free text; use --model "
            "logistic-regression (TF-IDF) or drop --text."
        )
    return build_model(name, data)


def _render(
    inputs: Inputs,
    issues: LabelIssues,
    noise: NoiseEstimate,
    *,
    texts: list[str] | None,
    title: str,
    top: int,
    details: dict[str, str],
) -> str:
    from labelnoise.report import render_report

    return render_report(
        inputs.labels,
        inputs.pred_probs,
        classes=inputs.classes,
        texts=texts,
        title=title,
        top=top,
        details=details,
        issues=issues,
        noise=noise,
    )


@click.command()
@click.argument("data", type=IN_FILE)
@click.option("--label", required=True, metavar="COLUMN", help="Column holding the given labels.")
@click.option(
    "--features",
    metavar="COLS",
    help="Comma-separated feature columns (default: all but --label; none with --text).",
)
@click.option("--text", metavar="COLUMN", help="A free-text column (TF-IDF features).")
@click.option(
    "--model",
    type=click.Choice(["auto", *MODELS]),
    default="auto",
    show_default=True,
    help="auto: logistic regression on TF-IDF for text, else histogram boosting.",
)
@click.option(
    "--cv",
    type=click.IntRange(min=2),
    default=5,
    show_default=True,
    help="Cross-validation folds (out-of-sample pred_probs need >= 2).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the fold split.")
@click.option(
    "--method",
    type=click.Choice(get_args(FilterMethod)),
    default="prune_by_noise_rate",
    show_default=True,
    help="Detection method.",
)
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=50,
    show_default=True,
    help="Issues listed in the report.",
)
@click.option(
    "--out",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("labelnoise-audit"),
    show_default=True,
    help="Folder for issues.csv and report.html (created if missing). issues.csv is "
    "written first; text cells a spreadsheet would run as a formula (starting with = + - "
    "@, tab or CR) get a leading '.",
)
@no_header_option
@force_option
@debug_option
def audit(
    data: Path,
    label: str,
    features: str | None,
    text: str | None,
    model: str,
    cv: int,
    seed: int,
    method: str,
    top: int,
    out: Path,
    no_header: bool,
    force: bool,
) -> None:
    """Audit the labels of a table (CSV, TSV or Parquet).

    Predicts every row out-of-sample by cross-validation with a sensible default model,
    finds the likely label errors, and writes issues.csv and report.html into --out.
    The first line of a CSV/TSV is its header (pass --no-header if it has none). If the
    report cannot be drawn, issues.csv is still written and the command exits with 1.

    \b
    Examples:
      labelnoise audit data.csv --label species
      labelnoise audit reviews.parquet --label sentiment --text review --out audit/
    """
    issues_path = claim_output(out / "issues.csv", option="--out", force=force, inputs=(data,))
    report_path = claim_output(out / "report.html", option="--out", force=force, inputs=(data,))
    frame = read_frame(data, option="DATA", header=not no_header)
    feature_columns = _columns(frame, data, label, features, text)
    classes, codes = _targets(frame[label], data, cv)
    design_ = design(frame, feature_columns, text)
    estimator = _model(model, design_)
    console = make_console()
    with progress_bar(console, f"Cross-validating {type(estimator).__name__}", cv + 2) as advance:
        pred_probs = cross_val_pred_probs(
            estimator, design_, codes, classes.shape[0], cv=cv, seed=seed, on_fold=advance
        )
        advance("Finding label issues")
        inputs = Inputs(classes[codes], pred_probs, classes.tolist(), {}, (data,))
        issues, noise = detect(inputs, method=method, normalize=True)
        advance("Writing the report")
        write_atomic(issues_path, csv_text(issues_frame(issues)), force=force)
        texts = None if text is None else frame[text].fillna("").astype(str).tolist()
        details = {"Data": str(data), "Label column": label, "Model": f"{model}, {cv}-fold CV"}
        title = f"Label audit: {data.name}"
        try:
            html = _render(
                inputs, issues, noise, texts=texts, title=title, top=top, details=details
            )
            write_atomic(report_path, html, force=force)
        except Exception as error:  # whatever breaks the report, issues.csv stays
            reason = one_line(str(error)) or type(error).__name__
            raise ReportFailed(
                f"{issues_path} was written, but the report could not be ({reason[:200]}); "
                f"{report_path} was not written."
            ) from error
        advance()
    print_summary(console, issues, noise)
    console.print(f"Wrote [bold]{literal(issues_path)}[/] and [bold]{literal(report_path)}[/].")
