"""``labelnoise audit``: cross-validate a model on a table, texts or images; report label issues.

Tables are read as they are (numeric, categorical and TF-IDF text columns). Raw images (a
one-subfolder-per-class folder, or a table column of image paths) and texts with a
neural ``--encoder`` are first embedded by a pretrained network (cached on disk), then a
logistic-regression probe is cross-validated on the embeddings, and the issues are found
from both the probe's probabilities and the embeddings (``--method auto``). The
:mod:`labelnoise.health` checks then run on the same embeddings (or the table's numeric
columns) and probabilities; their summary is health.csv, the rows they flag
health_rows.csv, and the report opens with them.
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast, get_args

import click
import numpy as np
import pandas as pd

from labelnoise.cli._console import literal, make_console, print_summary, progress_bar
from labelnoise.cli._errors import BadInput, one_line
from labelnoise.cli._find import detect
from labelnoise.cli._inputs import (
    FEATURE_METHODS,
    Inputs,
    debug_option,
    force_option,
    issues_frame,
    no_header_option,
)
from labelnoise.cli._models import (
    MODEL_NAMES,
    SMALL_TABLE_ROWS,
    Design,
    build_model,
    embed_raw,
    embedding_probe,
)
from labelnoise.cli._output import claim_output, csv_text, write_atomic
from labelnoise.cli._raw import IMAGE_ENCODER, Loaded, load
from labelnoise.detect import FilterMethod, LabelIssues
from labelnoise.learn import cross_val_pred_probs
from labelnoise.noise import NoiseEstimate

if TYPE_CHECKING:
    from sklearn.base import BaseEstimator

    from labelnoise.health import HealthReport

__all__ = ["ReportFailed", "audit"]

#: Exit status when issues.csv was written but a later step (health checks, report) failed.
EXIT_REPORT_FAILED = 1
#: Checks that need a test split, which ``audit`` does not take.
SPLIT_CHECKS = ("leakage",)
#: Duplicate radius on a table's numeric columns (a fraction of the median nearest-row
#: distance): exact copies, up to rounding.
TABLE_COPY_RADIUS = 1e-4


class ReportFailed(click.ClickException):
    """A step of ``audit`` after issues.csv (health checks, report) failed."""

    exit_code = EXIT_REPORT_FAILED


def _targets(
    values: pd.Series, data: Path, cv: int, *, what: str | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Class names and label codes; every class needs at least ``cv`` rows."""
    what = what or f"--label {values.name!r} of {data}"
    missing = values.isna().to_numpy()
    if missing.any():
        raise BadInput(
            f"{what}: {int(missing.sum())} empty label(s), the "
            f"first in row {int(np.flatnonzero(missing)[0])}; fill them in or drop those rows."
        )
    classes, codes = np.unique(values.to_numpy(), return_inverse=True)
    counts = np.bincount(codes, minlength=classes.shape[0])
    if classes.shape[0] < 2:
        raise BadInput(f"{what} has only one class; need two or more.")
    rare = int(np.argmin(counts))
    if counts[rare] < cv:
        raise BadInput(
            f"{what}: class {classes[rare].item()!r} has only "
            f"{counts[rare]} row(s), fewer than --cv {cv}; lower --cv to "
            f"{max(2, int(counts[rare]))} or drop that class."
        )
    return classes, codes.reshape(-1)


def _render(
    inputs: Inputs,
    issues: LabelIssues,
    noise: NoiseEstimate,
    *,
    images: list[str] | None,
    texts: list[str] | None,
    features: np.ndarray | None,
    title: str,
    top: int,
    details: dict[str, str],
    health: HealthReport | None = None,
) -> str:
    from labelnoise.report import render_report

    return render_report(
        inputs.labels,
        inputs.pred_probs,
        classes=inputs.classes,
        images=images,
        texts=texts,
        features=features,
        title=title,
        top=top,
        details=details,
        issues=issues,
        noise=noise,
        health=health,
    )


def _describe(loaded: Loaded, options: dict[str, Any], model: str, cv: int) -> str:
    if loaded.raw is None:
        return f"{model}, {cv}-fold CV"
    size = f" at {options['image_size']} px" if loaded.raw.images is not None else ""
    probe = "logistic regression" if model in ("auto", "logistic-regression") else model
    return f"{probe} probe on {loaded.raw.encoder} embeddings{size}, {cv}-fold CV"


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
    out, force, cv, model = options["out"], options["force"], options["cv"], options["model"]
    checks = _parse_checks(options["checks"])
    issues_path = claim_output(out / "issues.csv", option="--out", force=force, inputs=(data,))
    health_path = rows_path = None
    if checks != []:
        health_path = claim_output(out / "health.csv", option="--out", force=force, inputs=(data,))
        rows_path = claim_output(
            out / "health_rows.csv", option="--out", force=force, inputs=(data,)
        )
    report_path = claim_output(out / "report.html", option="--out", force=force, inputs=(data,))
    if options["no_cache"] and options["cache_dir"] is not None:
        raise BadInput("--cache-dir and --no-cache are exclusive; drop one of them.")
    loaded = load(data, options)
    _check_raw_options(loaded)
    classes, codes = _targets(loaded.labels, data, cv, what=loaded.what)
    _check_applicable(checks, loaded)
    console = make_console()
    estimator, inputs_x, features = _model_inputs(loaded, options, console)
    method = options["method"] or ("auto" if features is not None else "prune_by_noise_rate")
    steps = cv + 3 + (health_path is not None)
    from sklearn.model_selection import StratifiedKFold

    with progress_bar(console, f"Cross-validating {type(estimator).__name__}", steps) as advance:
        pred_probs = cross_val_pred_probs(
            estimator,
            inputs_x.X if isinstance(inputs_x, Design) else inputs_x,
            codes,
            cv=StratifiedKFold(n_splits=cv, shuffle=True, random_state=options["seed"]),
            classes=np.arange(classes.shape[0]),
            # on small tables BLAS and OpenMP threads cost more than they save
            threads_per_fold=1 if codes.shape[0] < SMALL_TABLE_ROWS else None,
            progress=advance,
        )
        advance("Finding label issues")
        used = features if method in FEATURE_METHODS else None  # the report still shows them
        inputs = Inputs(classes[codes], pred_probs, classes.tolist(), {}, (data,), used)
        issues, noise = detect(inputs, method=method, normalize=True)
        table = issues_frame(issues)
        _insert_images(table, 1, issues.indices, loaded, data)
        write_atomic(issues_path, csv_text(table), force=force)  # first: nothing loses it
        written = [issues_path]
        details = {
            "Data": str(data),
            "Labels": loaded.what or f"column {loaded.labels.name}",
            "Model": _describe(loaded, options, model, cv),
        }
        health, failed = None, []
        if health_path is not None and rows_path is not None:
            advance("Checking data health")
            try:
                health = _health(loaded, inputs, features, checks, options["seed"])
                flagged = health.flagged_rows()
                _insert_images(flagged, 2, flagged["row"].to_numpy(), loaded, data)
                for path, frame in ((health_path, health.summary()), (rows_path, flagged)):
                    write_atomic(path, csv_text(frame), force=force)
                    written.append(path)
                details["Data health"] = _health_inputs(loaded, features)
            except Exception as error:  # a failed check loses neither issues.csv nor the report
                health = None
                lost = [path for path in (health_path, rows_path) if path not in written]
                failed.append(
                    f"the health checks failed ({_reason(error)}); {_listing(lost)} "
                    f"{'was' if len(lost) == 1 else 'were'} not written"
                )
                details["Data health"] = f"not checked: {_reason(error)}"
        advance("Writing the report")
        try:
            html = _render(
                inputs,
                issues,
                noise,
                images=None if loaded.raw is None else loaded.raw.images,
                texts=loaded.texts,
                features=features,
                title=f"Label audit: {data.name}",
                top=options["top"],
                details=details,
                health=health,
            )
            write_atomic(report_path, html, force=force)
            written.append(report_path)
        except Exception as error:  # whatever breaks the report, issues.csv stays
            failed.append(
                f"the report could not be ({_reason(error)}); {report_path} was not written"
            )
        advance()
    if failed:
        raise ReportFailed(
            f"{_listing(written)} {'was' if len(written) == 1 else 'were'} "
            f"written, but {'; and '.join(failed)}."
        )
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


def _listing(paths: list[Path]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    names = [str(path) for path in paths]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _insert_images(
    table: pd.DataFrame, at: int, rows: np.ndarray, loaded: Loaded, data: Path
) -> None:
    """Insert an ``image`` column (the path of each of ``rows``) when the data are images;
    for an image folder, paths as the user sees them inside it."""
    if loaded.raw is None or loaded.raw.images is None:
        return
    shown = [loaded.raw.images[i] for i in rows]
    if data.is_dir():
        shown = [os.path.relpath(path, data) for path in shown]
    table.insert(at, "image", shown)


def _check_raw_options(loaded: Loaded) -> None:
    """Options of the encoder, given explicitly, must have something to act on."""
    from click.core import ParameterSource

    context = click.get_current_context()

    def given(name: str) -> bool:
        return context.get_parameter_source(name) not in (None, ParameterSource.DEFAULT)

    if loaded.raw is None:
        for name in ("image_size", "batch_size", "cache_dir", "no_cache"):
            if given(name):
                raise BadInput(
                    f"--{name.replace('_', '-')} applies to embedded raw data (an image folder, "
                    "--image, or --text with a neural --encoder); drop it."
                )
    elif loaded.raw.images is None and given("image_size"):
        raise BadInput("--image-size applies to images; drop it for --text.")


def _health_inputs(loaded: Loaded, features: np.ndarray | None) -> str:
    """What the health checks compared rows by, for the report's details."""
    if features is not None and loaded.raw is not None:
        return f"checks on the {loaded.raw.encoder} embeddings and the probe's pred_probs"
    numeric = [] if loaded.design is None else loaded.design.numeric
    if not numeric:
        return "checks on the model's pred_probs and the labels (no numeric feature column)"
    return (
        f"checks on {len(numeric)} standardized numeric column(s) and the model's "
        "pred_probs; duplicates are exact copies of those columns"
    )


def _reason(error: BaseException) -> str:
    return (one_line(str(error)) or type(error).__name__)[:200]


def _parse_checks(value: str | None) -> list[str] | None:
    """``--checks``: None (every applicable check), [] (none) or the named checks."""
    if value is None:
        return None
    from labelnoise.health import CHECKS

    valid = ", ".join(name for name in CHECKS if name not in SPLIT_CHECKS)
    names = [name.strip() for name in value.split(",") if name.strip()]
    if names == ["none"]:
        return []
    for name in names:
        if name == "none":
            raise BadInput(f"--checks {value!r}: none cannot be combined with check names.")
        if name in SPLIT_CHECKS:
            raise BadInput(
                f"--checks {name}: needs a test split, which audit does not take (use "
                f"labelnoise.health.find_leakage in Python); choose from {valid}, or none."
            )
        if name not in CHECKS:
            raise BadInput(f"--checks: unknown check {name!r}; choose from {valid}, or none.")
    if not names:
        raise BadInput(f"--checks is empty; choose from {valid}, or none.")
    return list(dict.fromkeys(names))


def _table_features(loaded: Loaded) -> np.ndarray | None:
    """The table's numeric feature columns, median-imputed and standardized, and a constant
    column (None if there are none).

    The checks compare rows by cosine, which ignores a row's length: on a few standardized
    columns, rows on the same ray from the mean (in one column: every row of the same sign)
    would be copies. The constant column makes equal direction mean equal values.
    """
    if loaded.design is None or not loaded.design.numeric:
        return None
    values = loaded.design.X[loaded.design.numeric].to_numpy(dtype=np.float64, na_value=np.nan)
    with np.errstate(all="ignore"):
        median = np.nanmedian(values, axis=0) if values.size else np.zeros(values.shape[1])
    values = np.where(np.isnan(values), np.nan_to_num(median), values)
    spread = values.std(axis=0)
    scaled = (values - values.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    return np.hstack([scaled, np.ones((scaled.shape[0], 1))])


def _check_applicable(checks: list[str] | None, loaded: Loaded) -> None:
    """Checks on features need features (embeddings, or the table's numeric columns), and
    the row-order check needs an order the user chose."""
    if "non_iid" in (checks or []) and not loaded.ordered:
        raise BadInput(
            "--checks non_iid tests the row order, and an image folder is read class by "
            "class; drop it, or list the images in a table (--image COLUMN) in their order."
        )
    needs = [name for name in checks or [] if name in ("duplicates", "non_iid")]
    if needs and loaded.raw is None and (loaded.design is None or not loaded.design.numeric):
        raise BadInput(
            f"--checks {needs[0]} needs features, and DATA has no numeric feature column; "
            "embed the text with --encoder minilm, or drop that check."
        )


def _health(
    loaded: Loaded,
    inputs: Inputs,
    features: np.ndarray | None,
    checks: list[str] | None,
    seed: int,
) -> HealthReport:
    """Run the data-health checks on the embeddings (or numeric columns) and pred_probs."""
    from labelnoise.health import CHECKS, HealthReport, check_health, find_duplicates
    from labelnoise.health._few import MIN_COSINE_COLUMNS

    table = features is None
    if table:
        features = _table_features(loaded)
    if checks is None:  # every applicable check (non_iid only where the order is the user's)
        given = {"labels", "pred_probs"} | ({"features"} if features is not None else set())
        checks = [
            name
            for name, needs in CHECKS.items()
            if all(any(i in given for i in alt) for alt in needs)
            and (name != "non_iid" or loaded.ordered)
        ]
    exact = table and "duplicates" in checks  # see below
    run = [name for name in checks if not (exact and name == "duplicates")]
    report = HealthReport()
    if run:
        report = check_health(
            features,
            labels=inputs.labels,
            pred_probs=inputs.pred_probs,
            classes=inputs.classes,
            checks=run,  # type: ignore[arg-type]  # names checked by _parse_checks
            random_state=seed,
        )
    if exact and features is not None:
        # In a table only exact copies are copies: a tiny radius on the standardized
        # columns and the constant one (the graph is shared when built); with one numeric
        # column (two with the constant) find_duplicates counts identical rows itself, as
        # the report's details say, so its warning is not repeated.
        few = features.shape[1] < MIN_COSINE_COLUMNS
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", r"features has \d+ columns?: in fewer", UserWarning)
            copies = find_duplicates(
                report.graph if report.graph is not None and not few else features,
                labels=inputs.labels,
                threshold=TABLE_COPY_RADIUS,
                random_state=seed,
            )
        report = dataclasses.replace(report, duplicates=copies)
    return report


def _model_inputs(
    loaded: Loaded, options: dict[str, Any], console: Any
) -> tuple[BaseEstimator, Design | np.ndarray, np.ndarray | None]:
    """The estimator to cross-validate, its inputs, and the embeddings (None for tables)."""
    if loaded.raw is None:
        design_ = cast(Design, loaded.design)
        return build_model(options["model"], design_), design_, None
    from labelnoise.features import default_cache_dir

    raw = loaded.raw
    cache = None if options["no_cache"] else options["cache_dir"] or default_cache_dir()
    kind = "images" if raw.images is not None else "texts"
    with progress_bar(console, f"Embedding {len(raw):,} {kind} ({raw.encoder})", len(raw)) as step:
        features = embed_raw(
            raw,
            image_size=options["image_size"],
            batch_size=options["batch_size"],
            cache=cache,
            on_item=step,
        )
    return embedding_probe(options["model"]), features, features
