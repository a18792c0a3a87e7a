"""``labelnoise audit``: cross-validate a model on a table, texts or images; report label issues.

Tables are read as they are (numeric, categorical and TF-IDF text columns). Raw images (a
one-subfolder-per-class folder, or a table column of image paths) and texts with a
neural ``--encoder`` are first embedded by a pretrained network (cached on disk), then a
logistic-regression probe is cross-validated on the embeddings, and the issues are found
from both the probe's probabilities and the embeddings (``--method auto``). The
:mod:`labelnoise.health` checks then run on the same embeddings (or the table's numeric
columns) and probabilities; their summary is health.csv, the rows they flag
health_rows.csv, and the report opens with them.

This module is the command: its options and the order of its steps. The steps live
beside it: reading the labels and building the model's inputs (``_audit_inputs``), the
health checks (``_audit_health``) and the files written (``_audit_outputs``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

import click
import numpy as np

from labelnoise.cli._audit_health import check_applicable, parse_checks, write_health
from labelnoise.cli._audit_inputs import check_raw_options, describe, model_inputs, targets
from labelnoise.cli._audit_outputs import (
    AuditFiles,
    ReportFailed,
    insert_images,
    write_report,
)
from labelnoise.cli._console import literal, make_console, print_summary, progress_bar
from labelnoise.cli._errors import BadInput
from labelnoise.cli._find import detect
from labelnoise.cli._inputs import (
    FEATURE_METHODS,
    Inputs,
    debug_option,
    force_option,
    issues_frame,
    no_header_option,
)
from labelnoise.cli._models import MODEL_NAMES, SMALL_TABLE_ROWS, Design
from labelnoise.cli._output import csv_text
from labelnoise.cli._raw import IMAGE_ENCODER, load
from labelnoise.detect import FilterMethod, LabelIssues
from labelnoise.learn import cross_val_pred_probs
from labelnoise.noise import NoiseEstimate

if TYPE_CHECKING:
    from sklearn.base import BaseEstimator

    from labelnoise.health import HealthReport

__all__ = ["ReportFailed", "audit"]


@click.command()
@click.argument("data", type=click.Path(exists=True, readable=True, path_type=Path))
@click.option(
    "--label",
    metavar="COLUMN",
    help="Column holding the given labels (tables; an image folder's labels are its "
    "subfolder names).",
)
@click.option(
    "--features",
    metavar="COLS",
    help="Comma-separated feature columns (default: all but --label; none with --text).",
)
@click.option(
    "--text", metavar="COLUMN", help="A free-text column (TF-IDF, or embedded by --encoder)."
)
@click.option(
    "--image",
    metavar="COLUMN",
    help="A column of image paths (relative to the table's folder or --image-root), "
    f"embedded by {IMAGE_ENCODER}.",
)
@click.option(
    "--image-root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder the --image paths lie in (default: the table's folder).",
)
@click.option(
    "--allow-any-image-path",
    "allow_any",
    is_flag=True,
    help="Accept --image paths outside the image root.",
)
@click.option(
    "--encoder",
    metavar="NAME",
    help=f"Pretrained encoder: {IMAGE_ENCODER} for images (default); for --text, tfidf "
    "(default), minilm (all-MiniLM-L6-v2, bundled) or a sentence-transformers model name "
    "or folder.",
)
@click.option(
    "--image-size",
    type=click.IntRange(min=32),
    default=128,
    show_default=True,
    help="Side of the square images are resized to before embedding.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=64,
    show_default=True,
    help="Examples per forward pass of the encoder.",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Embedding cache folder (default: $LABELNOISE_CACHE_DIR, else ~/.cache/labelnoise).",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the embedding cache.")
@click.option(
    "--model",
    type=click.Choice(["auto", *MODEL_NAMES]),
    default="auto",
    show_default=True,
    help="auto: a logistic-regression probe on embeddings, logistic regression on TF-IDF "
    "for text, else histogram boosting.",
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
    help="Detection method (default: auto, with the embeddings, for images and embedded "
    "text; prune_by_noise_rate for tables).",
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
    help="Folder for issues.csv, health.csv, health_rows.csv and report.html (created if "
    "missing). "
    "issues.csv is written first; text cells a spreadsheet would run as a formula "
    "(starting with = + - @, tab or CR) get a leading '.",
)
@click.option(
    "--checks",
    metavar="NAMES",
    help="Data-health checks to run, comma-separated (duplicates, outliers, "
    "class_imbalance, overlapping_classes, non_iid), or none (default: every one that "
    "applies; non_iid not for an image folder, whose order is by class). Their summary "
    "goes to health.csv, the rows they flag to health_rows.csv.",
)
@no_header_option
@force_option
@debug_option
def audit(data: Path, **options: Any) -> None:
    """Audit the labels of a table (CSV, TSV or Parquet) or of an image folder.

    Predicts every example out-of-sample by cross-validation, finds the likely label
    errors, runs the data-health checks (duplicates, outliers, class imbalance,
    overlapping classes, row order; --checks) on the embeddings or numeric columns, and
    writes issues.csv, health.csv (one line per check), health_rows.csv (the flagged
    rows) and report.html into --out. Images (a folder with one subfolder per class, or
    --image COLUMN) and texts with a neural --encoder are first embedded by a pretrained
    network, cached on disk so that a second audit of the same data does not embed
    again; a logistic-regression probe is then cross-validated on the embeddings. The
    first line of a CSV/TSV is its header (pass --no-header if it has none). If a health
    check fails or the report cannot be drawn, issues.csv (and what else could be) is
    still written and the command exits with 1.

    \b
    Examples:
      labelnoise audit photos/ --out audit/
      labelnoise audit data.csv --label species
      labelnoise audit reviews.csv --text review --label sentiment --encoder minilm
      labelnoise audit items.csv --image path --label category
      labelnoise audit data.csv --label species --checks duplicates,outliers
    """
    checks = parse_checks(options["checks"])
    files = AuditFiles.claim(data, options["out"], force=options["force"], health=checks != [])
    if options["no_cache"] and options["cache_dir"] is not None:
        raise BadInput("--cache-dir and --no-cache are exclusive; drop one of them.")
    loaded = load(data, options)
    check_raw_options(loaded)
    classes, codes = targets(loaded.labels, data, options["cv"], what=loaded.what)
    check_applicable(checks, loaded)
    console = make_console()
    estimator, inputs_x, features = model_inputs(loaded, options, console)
    method = options["method"] or ("auto" if features is not None else "prune_by_noise_rate")
    steps = options["cv"] + 3 + (files.health is not None)
    with progress_bar(console, f"Cross-validating {type(estimator).__name__}", steps) as advance:
        pred_probs = _cross_validate(estimator, inputs_x, codes, classes, options, advance)
        advance("Finding label issues")
        used = features if method in FEATURE_METHODS else None  # the report still shows them
        inputs = Inputs(classes[codes], pred_probs, classes.tolist(), {}, (data,), used)
        issues, noise = detect(inputs, method=method, normalize=True)
        table = issues_frame(issues)
        insert_images(table, 1, issues.indices, loaded, data)
        files.write(files.issues, csv_text(table))  # first: nothing loses it
        details = {
            "Data": str(data),
            "Labels": loaded.what or f"column {loaded.labels.name}",
            "Model": describe(loaded, options, options["model"], options["cv"]),
        }
        health = None
        if files.health is not None:
            advance("Checking data health")
            health, details["Data health"] = write_health(
                files, loaded, inputs, features, checks=checks, seed=options["seed"], data=data
            )
        advance("Writing the report")
        write_report(
            files,
            inputs,
            issues,
            noise,
            loaded=loaded,
            features=features,
            title=f"Label audit: {data.name}",
            top=options["top"],
            details=details,
            health=health,
        )
        advance()
    files.finish()
    _print_done(console, issues, noise, health, files.written)


def _cross_validate(
    estimator: BaseEstimator,
    inputs_x: Design | np.ndarray,
    codes: np.ndarray,
    classes: np.ndarray,
    options: dict[str, Any],
    advance: Any,
) -> np.ndarray:
    """Out-of-sample pred_probs from stratified ``--cv`` folds seeded by ``--seed``."""
    from sklearn.model_selection import StratifiedKFold

    cv = options["cv"]
    return cross_val_pred_probs(
        estimator,
        inputs_x.X if isinstance(inputs_x, Design) else inputs_x,
        codes,
        cv=StratifiedKFold(n_splits=cv, shuffle=True, random_state=options["seed"]),
        classes=np.arange(classes.shape[0]),
        # on small tables BLAS and OpenMP threads cost more than they save
        threads_per_fold=1 if codes.shape[0] < SMALL_TABLE_ROWS else None,
        progress=advance,
    )


def _print_done(
    console: Any,
    issues: LabelIssues,
    noise: NoiseEstimate,
    health: HealthReport | None,
    written: list[Path],
) -> None:
    """The summary on the terminal, and the files written."""
    print_summary(console, issues, noise)
    if health is not None:
        summary = health.summary()
        flagged = ", ".join(f"{n} {c}" for c, n in zip(summary.check, summary.flagged, strict=True))
        console.print(f"Data health: {literal(flagged or 'no check applied')} flagged.")
    console.print(
        "Wrote "
        + ", ".join(f"[bold]{literal(path)}[/]" for path in written[:-1])
        + f" and [bold]{literal(written[-1])}[/]."
    )
