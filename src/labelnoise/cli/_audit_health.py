"""The data-health step of ``labelnoise audit``: ``--checks``, run, written out.

The :mod:`labelnoise.health` checks run on the embeddings of raw data, or on a table's
numeric columns (median-imputed, standardized, with a constant column so that the
cosine graph compares values, not directions), and on the model's pred_probs. In a table
only exact copies are duplicates. Their summary goes to health.csv, the rows they flag
to health_rows.csv; a check that fails loses neither issues.csv nor the report.
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from labelnoise.cli._audit_outputs import AuditFiles, insert_images, listing, reason
from labelnoise.cli._errors import BadInput
from labelnoise.cli._inputs import Inputs
from labelnoise.cli._output import csv_text
from labelnoise.cli._raw import Loaded

if TYPE_CHECKING:
    from labelnoise.health import HealthReport

__all__ = [
    "SPLIT_CHECKS",
    "TABLE_COPY_RADIUS",
    "check_applicable",
    "data_health",
    "health_inputs",
    "parse_checks",
    "table_features",
    "write_health",
]

#: Checks that need a test split, which ``audit`` does not take.
SPLIT_CHECKS = ("leakage",)
#: Duplicate radius on a table's numeric columns (a fraction of the median nearest-row
#: distance): exact copies, up to rounding.
TABLE_COPY_RADIUS = 1e-4


def parse_checks(value: str | None) -> list[str] | None:
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


def check_applicable(checks: list[str] | None, loaded: Loaded) -> None:
    """Checks on features need features (embeddings, or the table's numeric columns), and
    the row-order check needs an order the user chose."""
    if "non_iid" in (checks or []) and not loaded.ordered:
        raise BadInput(
            "--checks non_iid tests the row order, and an image folder is read class by "
            "class; drop it, or list the images in a table (--image COLUMN) in their order."
        )
    needs = [name for name in checks or [] if name in ("duplicates", "non_iid")]
    if needs and loaded.raw is None and (loaded.design is None or not loaded.design.kinds.numeric):
        raise BadInput(
            f"--checks {needs[0]} needs features, and DATA has no numeric feature column; "
            "embed the text with --encoder minilm, or drop that check."
        )


def table_features(loaded: Loaded) -> np.ndarray | None:
    """The table's numeric feature columns, median-imputed and standardized, and a constant
    column (None if there are none).

    The checks compare rows by cosine, which ignores a row's length: on a few standardized
    columns, rows on the same ray from the mean (in one column: every row of the same sign)
    would be copies. The constant column makes equal direction mean equal values.
    """
    if loaded.design is None or not loaded.design.kinds.numeric:
        return None
    values = loaded.design.X[list(loaded.design.kinds.numeric)].to_numpy(
        dtype=np.float64, na_value=np.nan
    )
    with np.errstate(all="ignore"):
        median = np.nanmedian(values, axis=0) if values.size else np.zeros(values.shape[1])
    values = np.where(np.isnan(values), np.nan_to_num(median), values)
    spread = values.std(axis=0)
    scaled = (values - values.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    return np.hstack([scaled, np.ones((scaled.shape[0], 1))])


def health_inputs(loaded: Loaded, features: np.ndarray | None) -> str:
    """What the health checks compared rows by, for the report's details."""
    if features is not None and loaded.raw is not None:
        return f"checks on the {loaded.raw.encoder} embeddings and the probe's pred_probs"
    numeric = [] if loaded.design is None else list(loaded.design.kinds.numeric)
    if not numeric:
        return "checks on the model's pred_probs and the labels (no numeric feature column)"
    return (
        f"checks on {len(numeric)} standardized numeric column(s) and the model's "
        "pred_probs; duplicates are exact copies of those columns"
    )


def _applicable(features: np.ndarray | None, loaded: Loaded) -> list[str]:
    """Every check the inputs allow (non_iid only where the order is the user's)."""
    from labelnoise.health import CHECKS

    given = {"labels", "pred_probs"} | ({"features"} if features is not None else set())
    return [
        name
        for name, needs in CHECKS.items()
        if all(any(i in given for i in alt) for alt in needs)
        and (name != "non_iid" or loaded.ordered)
    ]


def data_health(
    loaded: Loaded,
    inputs: Inputs,
    features: np.ndarray | None,
    checks: list[str] | None,
    seed: int,
) -> HealthReport:
    """Run the data-health checks on the embeddings (or numeric columns) and pred_probs."""
    from labelnoise.health import HealthReport, check_health, find_duplicates
    from labelnoise.health._few import MIN_COSINE_COLUMNS

    table = features is None
    if table:
        features = table_features(loaded)
    if checks is None:
        checks = _applicable(features, loaded)
    exact = table and "duplicates" in checks  # see below
    run = [name for name in checks if not (exact and name == "duplicates")]
    report = HealthReport()
    if run:
        report = check_health(
            features,
            labels=inputs.labels,
            pred_probs=inputs.pred_probs,
            classes=inputs.classes,
            checks=run,  # type: ignore[arg-type]  # names checked by parse_checks
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


def write_health(
    files: AuditFiles,
    loaded: Loaded,
    inputs: Inputs,
    features: np.ndarray | None,
    *,
    checks: list[str] | None,
    seed: int,
    data: Path,
) -> tuple[HealthReport | None, str]:
    """Run the checks and write health.csv and health_rows.csv; the report and the line
    of its details on them. A failed check loses neither issues.csv nor the report, and a
    failed write keeps the checks' results in the report."""
    claimed = [path for path in (files.health, files.rows) if path is not None]
    try:
        health = data_health(loaded, inputs, features, checks, seed)
        flagged = health.flagged_rows()
        insert_images(flagged, 2, flagged["row"].to_numpy(), loaded, data)
    except Exception as error:
        files.failed.append(
            f"the health checks failed ({reason(error)}); {listing(claimed)} "
            f"{'was' if len(claimed) == 1 else 'were'} not written"
        )
        return None, f"not checked: {reason(error)}"
    try:
        for path, frame in ((files.health, health.summary()), (files.rows, flagged)):
            if path is not None:  # both claimed: this step runs unless --checks none
                files.write(path, csv_text(frame))
    except Exception as error:
        lost = [path for path in claimed if path not in files.written]
        files.failed.append(
            f"the health results could not be written ({reason(error)}); {listing(lost)} "
            f"{'was' if len(lost) == 1 else 'were'} not written"
        )
    return health, health_inputs(loaded, features)
